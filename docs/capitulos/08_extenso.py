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
# # 8. Valor por extenso com atenção
#
# Todo cheque, nota promissória, contrato ou recibo no Brasil traz o valor duas vezes: em
# algarismos, "R$ 1.234,50", e **por extenso**, "mil duzentos e trinta e quatro reais e
# cinquenta centavos". Neste capítulo uma rede aprende a escrever o extenso a partir dos
# algarismos. A tarefa parece fácil, mas tem tudo o que os capítulos anteriores não tinham:
# a entrada e a saída têm tamanhos diferentes ("1.234,50" tem 8 caracteres; o extenso, 10
# palavras), e não há uma palavra por caractere. O "1" de "1.234,50" vira "mil", mas o "1"
# de "100" vira "cem", e o de "17" junta-se ao "7" para virar "dezessete".
#
# Para isso, montamos um modelo de <dfn>sequência para sequência</dfn>: uma rede lê a entrada
# inteira, outra escreve a saída, uma palavra de cada vez. Primeiro na forma mais simples,
# em que tudo o que a segunda rede sabe da entrada passa por um único vetor; depois com
# **atenção**, em que ela pode voltar a olhar para a entrada a cada palavra que escreve. As
# duas formas são comparadas com o mesmo número de atualizações, em três sementes, no treino
# e em valores que nenhuma delas viu.

# %%
import time
from collections import defaultdict

import pandas as pd
import torch
from torch.nn import functional as F

from recorrente.data.amounts import (
    MAX_CENTS,
    TRAIN_MAX_CENTS,
    AmountBatches,
    AmountVocab,
    amount_split,
    amount_words,
    format_amount,
    normalize_words,
)
from recorrente.formatting import mean_range, num, pct, table
from recorrente.plotting.attention import attention_maps, seed_curves
from recorrente.reproducibility import seed, seeds
from recorrente.seq2seq import Seq2Seq, dot_attention, exact_match, word_error_rate
from recorrente.spelling import spell_amounts
from recorrente.training import TrainConfig, fit

torch.set_num_threads(1)  # redes pequenas: uma thread basta e não disputa a CPU
CHAPTER_START = time.perf_counter()
print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread de CPU")

# %% [markdown]
# ## Os dados: o extenso gerado pelo `num2words`
#
# Não é preciso baixar nada: o pacote `num2words` (versão 0.5.14, fixada nas dependências do
# livro) escreve o extenso de um valor em reais. Ele tem duas manias que a norma brasileira
# não tem: põe uma vírgula depois de "mil" ("mil, duzentos…") e escreve "zero reais e um
# centavo" para um único centavo, que num cheque se escreve só "um centavo". A convenção do livro
# mora numa única função, `normalize_words`, que tira essas duas diferenças e mais nada (os
# testes do pacote a conferem com casos escritos à mão, a partir da norma):

# %%
from num2words import num2words  # noqa: E402  (só para mostrar o que a biblioteca escreve)

for text in ["1234.50", "0.01", "2005", "1110"]:
    raw = num2words(float(text), lang="pt_BR", to="currency")
    print(f"{raw!r}\n  → {normalize_words(raw)!r}")

# %% [markdown]
# O "e" depois de "mil" continua onde a biblioteca o põe, porque ela já segue a regra: ele só
# aparece quando a centena seguinte é redonda ou menor que cem ("mil e cem", "dois mil e
# cinco"), e some nos outros casos ("mil cento e dez").
#
# Sorteamos os valores de modo que cada quantidade de dígitos nos reais (de 1 a 5) seja igualmente
# provável; sorteado diretamente, um valor da faixa do treino (até R$
# {{ format_amount(TRAIN_MAX_CENTS) }}) teria cinco dígitos nos reais em 90% das vezes. Um quarto
# dos valores tem centavos redondos (",00"). O **teste** é sorteado primeiro, e o treino é
# sorteado depois sem nenhum valor do teste. Um terceiro conjunto, **fora da faixa**, tem valores
# de seis dígitos (de {{ format_amount(TRAIN_MAX_CENTS + 1) }} a {{ format_amount(MAX_CENTS) }}
# reais), maiores que qualquer valor do treino: todas as palavras deles existem no vocabulário,
# mas nenhum valor de treino é tão longo.

# %%
split = amount_split(n_train=40_000, n_test=1_000, n_beyond=500)
vocab = AmountVocab()
refs = {
    "treino": [amount_words(c) for c in split.train[:1_000]],  # uma amostra fixa do treino
    "teste": [amount_words(c) for c in split.test],
    "fora da faixa": [amount_words(c) for c in split.beyond],
}
print(f"treino: {num(len(split.train), 0)} valores até R$ {format_amount(TRAIN_MAX_CENTS)}; "
      f"teste: {num(len(split.test), 0)}; fora da faixa: {num(len(split.beyond), 0)}")
print(f"vocabulário: {vocab.num_chars} símbolos de entrada ({vocab.chars[1:]!r} e o "
      f"preenchimento), {vocab.num_words} palavras de saída")
assert not set(split.train) & set(split.test)
assert max(split.train) <= TRAIN_MAX_CENTS < min(split.beyond) <= max(split.beyond) <= MAX_CENTS
examples = pd.DataFrame(
    {"valor": [f"R$ {format_amount(c)}" for c in split.test[:6]], "extenso": refs["teste"][:6]}
)
table(examples)

# %% [markdown]
# A entrada da rede são os caracteres do valor, com o preenchimento (índice 0) no fim dos
# mais curtos; o alvo são os índices das palavras, terminados pela palavra especial `<fim>`,
# com o preenchimento dos alvos marcado para a perda ignorar (como no capítulo 6):

# %%
x, y = vocab.encode_batch([123450, 5])
print("entrada:", x.tolist())
print("alvo:   ", y.tolist())
print(vocab.decode_words(y[0].tolist()), "|", vocab.decode_words(y[1].tolist()))

# %% [markdown]
# ## Codificador e decodificador
#
# O modelo ([Sutskever, Vinyals e Le, 2014](../referencia/referencias.md#sutskever2014); [Cho e colegas,
# 2014](../referencia/referencias.md#cho2014)) tem duas redes recorrentes. O <dfn>codificador</dfn> lê os caracteres
# $x_1, \dots, x_S$ e produz um estado $s_j$ para cada um; aqui ele é uma GRU bidirecional (o
# estado $s_j$ junta o que veio antes e o que vem depois do caractere $j$, e assim "sabe" se o
# dígito é de milhar ou de centena). O <dfn>decodificador</dfn> é outra GRU, que escreve a
# saída uma palavra por passo: no passo $t$ recebe a palavra anterior $y_{t-1}$ e atualiza o
# seu estado,
#
# $$
# h_t = \mathrm{GRU}(y_{t-1}, h_{t-1}), \qquad h_0 = c,
# $$
#
# e uma camada linear sobre $\tanh(W_c [c_t; h_t])$ dá as probabilidades da próxima palavra.
# No modelo sem atenção, $c_t = c$ em todo passo: o <dfn>vetor de contexto</dfn> $c$ é o
# último estado do codificador nos dois sentidos, um vetor de tamanho fixo que precisa
# resumir a entrada inteira. Tudo o que o decodificador sabe sobre o valor passa por ele.
#
# No treino, a palavra anterior $y_{t-1}$ que o decodificador recebe é a **certa**, do alvo, e
# não a que ele mesmo acabou de escrever. Isso se chama <dfn>forçamento do professor</dfn>
# (*teacher forcing*): com as entradas conhecidas de antemão, a GRU do decodificador roda
# todos os passos de uma vez, e um erro no começo não contamina o resto da frase durante o
# treino. O preço é que, na hora de escrever de verdade, o modelo recebe as próprias palavras,
# e nunca treinou se recuperando de um erro seu.

# %%
torch.manual_seed(seed(0))
model = Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=64, attention="none")
logits, loss = model(x, y)
uniform = torch.log(torch.tensor(vocab.num_words)).item()
print(f"logits {tuple(logits.shape)} (valores, passos, palavras); perda inicial "
      f"{num(loss.item())} (o chute uniforme daria {num(uniform)})")
print(f"{num(model.num_parameters(), 0)} parâmetros")

# %% [markdown]
# ## Atenção
#
# A <dfn>atenção</dfn> tira o gargalo do vetor fixo: em cada passo, o decodificador monta um
# contexto próprio, $c_t$, como uma média dos estados do codificador, ponderada por pesos que
# ele mesmo escolhe. Com o placar do produto escalar entre o estado do decodificador $h_t$ e
# cada $s_j$,
#
# $$
# e_{tj} = \frac{h_t \cdot s_j}{\sqrt{d}}, \qquad
# a_{tj} = \frac{\exp(e_{tj})}{\sum_{k} \exp(e_{tk})}, \qquad
# c_t = \sum_j a_{tj}\, s_j ,
# $$
#
# em que $d$ é o tamanho dos vetores. Os pesos $a_{tj}$ são positivos e somam 1 em $j$: para
# escrever "duzentos", o decodificador pode pôr quase todo o peso no dígito das centenas. O
# preenchimento recebe peso zero (o placar vira $-\infty$ antes da softmax). Esta é a atenção
# de produto escalar com escala, a mesma dos Transformers; a atenção aditiva de [Bahdanau e
# colegas](../referencia/referencias.md#bahdanau2015) troca o placar por $v \cdot \tanh(W_q h_t + W_k s_j)$ (está no pacote como
# `AdditiveAttention`). A função `dot_attention` do pacote é a equação acima, linha por linha;
# comparamos com a do PyTorch, `scaled_dot_product_attention`, que usa a mesma escala
# $1/\sqrt{d}$ por padrão:

# %%
torch.manual_seed(seed(1))
h_t, s_j = torch.randn(2, 3, 16), torch.randn(2, 5, 16)  # 3 passos do decodificador, 5 caracteres
mask = torch.tensor([[True] * 5, [True] * 3 + [False] * 2])  # o 2º valor tem 2 de preenchimento
c_t, a_tj = dot_attention(h_t, s_j, s_j, mask)
expected = F.scaled_dot_product_attention(h_t, s_j, s_j, attn_mask=mask.unsqueeze(1))
torch.testing.assert_close(c_t, expected)
print(f"diferença máxima para o PyTorch: {num((c_t - expected).abs().max().item(), 10)}")
print("pesos do 2º valor no 1º passo:", [num(a, 3) for a in a_tj[1, 0].tolist()])

# %% [markdown]
# ## O experimento: com e sem atenção, com o mesmo orçamento
#
# Os dois modelos têm o mesmo codificador, o mesmo decodificador e a mesma camada
# $W_c [c_t; h_t]$ (e, por isso, o mesmo número de parâmetros, porque a atenção de produto
# escalar não tem pesos próprios); a única diferença é de onde vem $c_t$. O orçamento, igual
# para os dois:

# %%
UPDATES, EVERY, BATCH, HIDDEN, LR = 600, 50, 256, 64, 5e-3
EARLY = 200  # o ponto da curva em que medimos também o comprimento e a busca em feixe
SEEDS = tuple(seeds(3))
passes = UPDATES * BATCH / len(split.train)
print(f"{UPDATES} atualizações × {BATCH} valores = {num(UPDATES * BATCH, 0)} exemplos "
      f"({num(passes, 1)} passadas pelo treino); taxa {num(LR, 3)}; sementes {SEEDS}")

# %% [markdown]
# Cada modelo treina por {{ UPDATES }} atualizações de lotes de {{ BATCH }} valores
# ({{ UPDATES * BATCH }} exemplos, {{ num(passes, 1) }} passadas pelos {{ len(split.train) }}
# valores de treino), com AdamW e taxa {{ num(LR, 3) }}, em três sementes. A cada {{ EVERY }}
# atualizações medimos, na amostra fixa do treino e no teste:
#
# - o **acerto exato**: a fração dos valores com o extenso inteiro certo, sem nenhuma palavra
#   errada (o que importa num cheque);
# - a <dfn>taxa de erro de palavras</dfn> (WER, *word error rate*): o número mínimo de
#   palavras trocadas, inseridas ou removidas para chegar ao extenso certo, dividido pelo
#   número de palavras certas.
#
# Nas duas medidas o modelo escreve sozinho, da palavra inicial até `<fim>`, escolhendo em
# cada passo a palavra mais provável (a busca gulosa; a busca em feixe vem depois).

# %%
MODELS = {"sem atenção": "none", "com atenção": "dot"}
PARTS = {"treino": split.train[:1_000], "teste": split.test}


def train_and_measure(kind: str, run_seed: int) -> tuple[Seq2Seq, list[dict], dict]:
    """Treina um modelo e mede as curvas; no passo EARLY e no fim, guarda mais detalhes."""
    torch.manual_seed(run_seed)
    model = Seq2Seq(vocab.num_chars, vocab.num_words, HIDDEN, attention=kind)
    batches = AmountBatches(split.train, vocab, BATCH, shuffle=True, num_batches=EVERY,
                            seed=run_seed)
    curve, details = [], {}

    def measure(epoch: int, model: Seq2Seq) -> None:
        updates = epoch * EVERY
        row = {"atualizações": updates}
        for part, amounts in PARTS.items():
            written = spell_amounts(model, amounts, vocab)
            row[f"exato {part}"] = exact_match(written, refs[part])
            row[f"WER {part}"] = word_error_rate(written, refs[part])
            if part == "teste" and updates in (EARLY, UPDATES):
                beam = spell_amounts(model, amounts, vocab, width=4)
                details[updates] = {"gulosa": written, "feixe": beam}
        if updates == UPDATES:
            for width, label in ((1, "gulosa"), (4, "feixe")):
                details[f"fora {label}"] = spell_amounts(model, split.beyond, vocab, width=width)
        curve.append(row)

    config = TrainConfig(lr=LR, max_epochs=UPDATES // EVERY, max_steps=UPDATES, progress=False)
    fit(model, batches, None, config, on_epoch_end=measure)
    return model, curve, details


start, start_cpu = time.perf_counter(), time.process_time()
runs = {(name, s): train_and_measure(kind, s) for name, kind in MODELS.items() for s in SEEDS}
TRAIN_SECONDS = time.perf_counter() - start
TRAIN_CPU_SECONDS = time.process_time() - start_cpu
print(f"{len(runs)} treinos de {UPDATES} atualizações, medidas incluídas: "
      f"{num(TRAIN_CPU_SECONDS, 0)} s de CPU ({num(TRAIN_CPU_SECONDS / len(runs), 1)} s cada) numa thread; "
      f"{num(TRAIN_SECONDS, 0)} s de relógio")
for name in MODELS:
    print(f"{name}: {num(runs[name, SEEDS[0]][0].num_parameters(), 0)} parâmetros")

# %%
updates = [row["atualizações"] for row in runs["com atenção", SEEDS[0]][1]]
panels: dict[str, dict[str, list]] = {"acerto exato": {}, "WER": {}}
for metric, panel in (("exato", "acerto exato"), ("WER", "WER")):
    for name in MODELS:
        for part in ("teste", "treino"):
            panels[panel][f"{name} ({part})"] = [
                [row[f"{metric} {part}"] for row in runs[name, s][1]] for s in SEEDS
            ]
fig = seed_curves(updates, panels, percent=["acerto exato", "WER"],
                  title="Acerto exato e WER por atualização (linha: média de 3 sementes; "
                        "faixa: mínimo a máximo)")
fig

# %%
def summary(at: int) -> pd.DataFrame:
    rows = {}
    for name in MODELS:
        picked = [next(r for r in runs[name, s][1] if r["atualizações"] == at) for s in SEEDS]
        rows[name] = {
            col: mean_range([r[col] for r in picked], 1 if col.startswith("exato") else 2,
                            percent=True)
            for col in ("exato treino", "exato teste", "WER treino", "WER teste")
        }
    return pd.DataFrame(rows).T


final = summary(UPDATES)
early = summary(EARLY)
both = pd.concat({f"{EARLY} atualizações": early, f"{UPDATES} atualizações": final})
print("média das 3 sementes (mínimo–máximo)")
table(both)

# %%
def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def at(name: str, col: str, when: int) -> list[float]:
    return [next(r[col] for r in runs[name, s][1] if r["atualizações"] == when) for s in SEEDS]


def first_reaching(name: str, run_seed: int, level: float) -> int | None:
    return next((r["atualizações"] for r in runs[name, run_seed][1] if r["exato teste"] >= level),
                None)


def listing(values: list) -> str:
    """[450, 600, 500] → "450, 600 e 500"; None (não chegou) → "não chega"."""
    words = [str(v) if v is not None else f"não chega em {UPDATES}" for v in values]
    return ", ".join(words[:-1]) + " e " + words[-1]


def span(values: list[int]) -> str:
    return str(values[0]) if min(values) == max(values) else f"de {min(values)} a {max(values)}"


test_at = {(name, when): at(name, "exato teste", when)
           for name in MODELS for when in (EARLY, UPDATES)}
reach = {name: [first_reaching(name, s, 0.99) for s in SEEDS] for name in MODELS}
for name in MODELS:
    print(f"{name}: teste ≥ 99% pela primeira vez em {listing(reach[name])} atualizações "
          f"(sementes {listing(list(SEEDS))})")
gap_early = min(test_at["com atenção", EARLY]) - max(test_at["sem atenção", EARLY])
slowest_attention = max(reach["com atenção"])
fastest_without = min(r if r is not None else UPDATES + EVERY for r in reach["sem atenção"])
print(f"em {EARLY} atualizações, a pior semente com atenção fica {num(100 * gap_early, 1)} "
      "pontos acima da melhor sem ela")
assert min(test_at["com atenção", UPDATES]) >= 0.99  # a meta, em todas as sementes
assert gap_early > 0.10  # a distância que se repete em toda semente, com folga
assert slowest_attention < fastest_without  # a atenção chega a 99% antes, em toda semente

# em número de valores: erros no teste de cada semente, no fim
errors = {name: [round((1 - v) * len(split.test)) for v in test_at[name, UPDATES]]
          for name in MODELS}
wrong = {(name, s): [c for c, w, r in zip(split.test, runs[name, s][2][UPDATES]["gulosa"],
                                          refs["teste"], strict=True) if w != r]
         for name in MODELS for s in SEEDS}
print(f"\nerros no teste em {UPDATES} atualizações, por semente:",
      {name: errors[name] for name in MODELS})
print("erros do modelo com atenção:")
for s in SEEDS:
    written = dict(zip(split.test, runs["com atenção", s][2][UPDATES]["gulosa"], strict=True))
    for cents in wrong["com atenção", s]:
        print(f"  semente {s}: R$ {format_amount(cents)} → {written[cents]!r} "
              f"(certo: {amount_words(cents)!r})")
assert all(0 in wrong[key] for key in wrong)  # R$ 0,00: nenhum modelo o escreve (veja abaixo)
only_zero = all(wrong["com atenção", s] == [0] for s in SEEDS)
if max(errors["com atenção"]) < min(errors["sem atenção"]):
    final_verdict = ("A atenção erra menos em todas as sementes, mas por poucos valores em mil: "
                     "com três sementes e um teste desse tamanho, é uma indicação, não uma "
                     "conclusão tão firme quanto a da velocidade")
else:
    final_verdict = ("As sementes não concordam sobre qual modelo termina com menos erros: "
                     "é um empate")
zero_errors = ("são todos o mesmo valor, **R$ 0,00**, que cada semente escreve de um jeito"
               if only_zero else "incluem, em todas as sementes, o **R$ 0,00**")

# treino contra teste: a maior diferença entre as médias da tabela
train_test = max(
    ((abs(sum(at(name, "exato treino", when)) - sum(at(name, "exato teste", when))) / len(SEEDS),
      name, when) for name in MODELS for when in (EARLY, UPDATES)),
)
gap_train_test, gap_name, gap_when = train_test
assert gap_train_test < 0.03  # o treino não fica muito acima do teste: regra, não memória

# %% [markdown]
# Com o mesmo orçamento, as duas curvas contam histórias diferentes. Em {{ EARLY }} atualizações,
# o modelo com atenção já acerta {{ pct(mean(test_at["com atenção", EARLY])) }} do teste (de
# {{ pct(min(test_at["com atenção", EARLY])) }} a {{ pct(max(test_at["com atenção", EARLY])) }}
# nas três sementes), e o sem atenção, {{ pct(mean(test_at["sem atenção", EARLY])) }} (de
# {{ pct(min(test_at["sem atenção", EARLY])) }} a {{ pct(max(test_at["sem atenção", EARLY])) }}):
# a pior semente com atenção fica {{ num(100 * gap_early, 1) }} pontos acima da melhor sem ela. O
# modelo com atenção passa de 99% no teste em {{ listing(reach["com atenção"]) }} atualizações
# (uma contagem por semente); o sem atenção, em {{ listing(reach["sem atenção"]) }}. A lição desta
# tarefa é, portanto, **velocidade**: a semente mais lenta com atenção chega a 99% antes da mais
# rápida sem ela. O ponto exato em que cada curva cruza 99% depende da semente (e das contas de
# ponto flutuante da máquina); o que se repete em todas as sementes é a distância entre os dois
# modelos no começo do treino.
#
# No fim das {{ UPDATES }} atualizações a diferença encolhe:
# {{ pct(mean(test_at["com atenção", UPDATES])) }} com atenção e
# {{ pct(mean(test_at["sem atenção", UPDATES])) }} sem, na média. Contados em valores, o modelo
# com atenção erra {{ span(errors["com atenção"]) }} dos {{ len(split.test) }} valores de teste em
# cada semente, e o sem atenção, {{ span(errors["sem atenção"]) }}. {{ final_verdict }}. Com
# orçamento de sobra, o vetor fixo de {{ HIDDEN }} números também dá conta de valores de até nove
# caracteres. Cada treino, com as medidas, custou cerca de {{ num(TRAIN_CPU_SECONDS / len(runs), 0) }} s
# de CPU numa thread na máquina em que o livro foi gerado (a célula do treino imprime o tempo).
#
# Treino e teste andam juntos nas curvas (as linhas cheias e tracejadas quase se sobrepõem), e a
# maior diferença entre eles na tabela é de {{ num(100 * gap_train_test, 1) }} ponto
# ({{ gap_name }}, em {{ gap_when }} atualizações): com {{ len(split.train) }} valores de treino,
# os modelos aprenderam a regra, não decoraram os exemplos.
#
# Os poucos erros do modelo com atenção no fim {{ zero_errors }}. Não é azar: o único valor cujo
# extenso usa a palavra "zero" é o próprio zero, e ele caiu no teste, então o modelo nunca viu "zero"
# como alvo no treino. Nenhum modelo escreve uma palavra que nunca precisou escrever (nenhum dos
# seis modelos acerta esse valor, e o exercício 4 confere os dados).
#
# ## O comprimento do valor
#
# Separando o teste pelo número de caracteres do valor (4 abaixo de dez reais, 9 nas dezenas de
# milhar), em 200 atualizações e no fim:

# %%
def by_length(name: str, when: int) -> dict[int, list[float]]:
    per_seed = defaultdict(list)
    for s in SEEDS:
        written = runs[name, s][2][when]["gulosa"]
        groups = defaultdict(list)
        for cents, w, r in zip(split.test, written, refs["teste"], strict=True):
            groups[len(format_amount(cents))].append(w == r)
        for size, hits in groups.items():
            per_seed[size].append(sum(hits) / len(hits))
    return per_seed


counts = pd.Series([len(format_amount(c)) for c in split.test]).value_counts().sort_index()
length_table = pd.DataFrame(
    {f"{name}, {when}": {size: mean_range(v, 1, percent=True)
                         for size, v in sorted(by_length(name, when).items())}
     for when in (EARLY, UPDATES) for name in MODELS}
)
length_table.insert(0, "valores no teste", counts)
length_table.index.name = "caracteres"
by_size = {(name, when): {size: mean(v) for size, v in by_length(name, when).items()}
           for name in MODELS for when in (EARLY, UPDATES)}
without_early = [by_size["sem atenção", EARLY][size] for size in (5, 6, 8, 9)]
with_early = [by_size["com atenção", EARLY][size] for size in (5, 6, 8, 9)]
# o gargalo: sem atenção, cada tamanho a partir de 5 caracteres pior que o anterior
assert all(a > b for a, b in zip(without_early, without_early[1:], strict=False))
assert min(with_early) > 0.98  # com atenção, os longos quase todos certos
table(length_table, 0)

# %% [markdown]
# Em {{ EARLY }} atualizações, de 5 caracteres em diante, o modelo sem atenção piora com o
# comprimento: acerta {{ pct(without_early[0]) }} dos valores de 5 caracteres,
# {{ pct(without_early[1]) }} dos de 6, {{ pct(without_early[2]) }} dos de 8 e
# {{ pct(without_early[3]) }} dos de 9. Com atenção, os valores de 5 a 9 caracteres
# ficam entre {{ pct(min(with_early)) }} e {{ pct(max(with_early)) }}. É o que se espera do
# gargalo: quanto mais longa a entrada, mais coisa o vetor de contexto precisa guardar, enquanto o
# decodificador com atenção só precisa achar o dígito certo. (Os valores de 4 caracteres, abaixo
# de dez reais, são um caso à parte nos dois modelos: incluem o zero, os singulares "um
# real" e "um centavo" e os valores só de centavos, e há só mil valores desse tamanho para
# treinar.) Em {{ UPDATES }} atualizações, o modelo sem atenção chega perto do outro também nos
# valores longos ({{ pct(by_size["sem atenção", UPDATES][8]) }} nos de 8 caracteres e
# {{ pct(by_size["sem atenção", UPDATES][9]) }} nos de 9, contra
# {{ pct(by_size["com atenção", UPDATES][8]) }} e {{ pct(by_size["com atenção", UPDATES][9]) }}
# com atenção).
#
# ## Fora da faixa do treino
#
# Os 500 valores de seis dígitos usam as mesmas palavras, mas são mais longos que qualquer
# valor do treino. O que os modelos escrevem, no fim do treino:

# %%
beyond = pd.DataFrame({
    name: {
        "acerto exato": mean_range([exact_match(runs[name, s][2]["fora gulosa"],
                                                refs["fora da faixa"]) for s in SEEDS],
                                   1, percent=True),
        "WER": mean_range([word_error_rate(runs[name, s][2]["fora gulosa"],
                                           refs["fora da faixa"]) for s in SEEDS],
                          1, percent=True),
    }
    for name in MODELS
}).T
for cents, written, right in list(zip(split.beyond, runs["com atenção", SEEDS[0]][2]["fora gulosa"],
                                      refs["fora da faixa"], strict=True))[:3]:
    print(f"R$ {format_amount(cents)}\n  escreveu: {written}\n  certo:    {right}")

HUNDREDS = {"cem", "cento", "duzentos", "trezentos", "quatrocentos", "quinhentos", "seiscentos",
            "setecentos", "oitocentos", "novecentos"}


def hundred_before_mil(text: str) -> bool:
    """Uma centena antes de "mil": o que todo extenso de seis dígitos nos reais tem."""
    words = text.split()
    return "mil" in words and bool(HUNDREDS & set(words[: words.index("mil")]))


assert all(map(hundred_before_mil, refs["fora da faixa"]))
assert not any(hundred_before_mil(amount_words(c)) for c in split.train)  # o treino nunca tem
beyond_exact = {name: [exact_match(runs[name, s][2]["fora gulosa"], refs["fora da faixa"])
                       for s in SEEDS] for name in MODELS}
beyond_wer = [word_error_rate(runs[name, s][2]["fora gulosa"], refs["fora da faixa"])
              for name in MODELS for s in SEEDS]
with_hundred = [mean([hundred_before_mil(w) for w in runs[name, s][2]["fora gulosa"]])
                for name in MODELS for s in SEEDS]
print("frases com uma centena antes de 'mil', por modelo e semente:",
      ", ".join(pct(f) for f in with_hundred))
all_beyond = [v for values in beyond_exact.values() for v in values]
assert max(all_beyond) < 0.6 and min(beyond_wer) > 0.1  # fora da faixa, todos erram muito
# as faixas com e sem atenção se sobrepõem: nenhum dos dois ganha em toda semente
assert min(beyond_exact["com atenção"]) <= max(beyond_exact["sem atenção"])
assert min(beyond_exact["sem atenção"]) <= max(beyond_exact["com atenção"])
examples = list(zip(runs["com atenção", SEEDS[0]][2]["fora gulosa"], refs["fora da faixa"],
                    strict=True))[:3]
shorter = sum(len(w.split()) < len(r.split()) for w, r in examples)
shorter_text = {3: "Nos três exemplos acima", 2: "Em dois dos três exemplos acima",
                1: "Em um dos três exemplos acima"}.get(shorter, "Nos exemplos acima, nenhum")
above_tenth = sum(v >= 0.1 for v in all_beyond)  # modelos que acertam mais de um décimo
if above_tenth == 0:
    rule = "nenhum dos seis modelos acerta um décimo dos valores"
elif above_tenth < len(all_beyond):
    count_word = ["um", "dois", "três", "quatro", "cinco"][above_tenth - 1]
    rule = f"só {count_word} dos seis modelos acerta mais de um décimo deles"
else:
    rule = "todos os modelos acertam mais de um décimo deles, mas nenhum chega perto do teste"
table(beyond)

# %% [markdown]
# Fora da faixa, os modelos erram a maior parte dos valores: o acerto exato, nos seis modelos, vai
# de {{ pct(min(all_beyond)) }} a {{ pct(max(all_beyond)) }}, longe dos
# {{ pct(min(test_at["sem atenção", UPDATES] + test_at["com atenção", UPDATES])) }} ou mais no
# teste, e a WER fica entre {{ pct(min(beyond_wer)) }} e {{ pct(max(beyond_wer)) }} das palavras.
# As faixas com e sem atenção se sobrepõem: não há vencedor. Nenhum valor de treino tem uma
# centena antes de "mil" (o maior é R$ {{ format_amount(TRAIN_MAX_CENTS) }}), e todo extenso certo
# fora da faixa tem. Os modelos põem uma centena antes de "mil" numa fração das frases que vai de
# {{ pct(min(with_hundred)) }} a {{ pct(max(with_hundred)) }}, conforme o modelo e a semente: o
# que cada rede faz além da faixa que viu muda muito de uma semente para outra, e {{ rule }}.
# {{ shorter_text }}, o valor de seis dígitos sai escrito como outro, mais curto. E o extenso
# errado sai com a mesma fluência do certo, sem nada na frase que avise o erro: é por isso que a
# linha de comando recusa valores acima da faixa do treino.
#
# ## Para onde a atenção olha
#
# Os pesos $a_{tj}$ de cada palavra escrita (linhas) sobre cada caractere lido (colunas), para
# três valores, no modelo com atenção da semente {{ SEEDS[0] }}:

# %%
model = runs["com atenção", SEEDS[0]][0]
chosen = [123450, 9081706, 20540]
heat = []
for cents in chosen:
    text = format_amount(cents)
    words, weights = model.greedy(torch.tensor([vocab.encode_input(text)]))
    written = vocab.decode_words(words[0].tolist()).split()
    heat.append((text, [*written, "<fim>"], weights[0].numpy()))
    seen = "no treino" if cents in set(split.train) else "fora do treino"
    print(f"R$ {text} ({seen}):\n  {' '.join(written)}")
    assert " ".join(written) == amount_words(cents)


def share(i: int, word: str, positions: tuple[int, ...]) -> float:
    """A fração do peso de ``word`` (no valor ``i``) sobre os caracteres em ``positions``."""
    text, words, weights = heat[i]
    return float(weights[words.index(word)][list(positions)].sum())


# "1.234,50": o "2" está na posição 2, o "3" na 3, o "4" na 4, o "5" na 6 e o último "0" na 7
digit_words = {"duzentos": 2, "trinta": 3, "quatro": 4, "cinquenta": 6, "centavos": 7}
top = {word: share(0, word, (j,)) for word, j in digit_words.items()}
text, words, weights = heat[0]
for word, j in digit_words.items():
    assert weights[words.index(word)].argmax() == j  # o maior peso está no dígito que decide
spread = mean([float(row.max()) for w, row in zip(words, weights, strict=True)
               if w in ("e", "reais")])
focused = mean([float(weights[words.index(w)].max()) for w in digit_words])
seventeen = share(1, "dezessete", (4, 5))  # o "1" e o "7" de "90.817,06"
mil = share(0, "mil", (0, 1))  # o "1" e o ponto de "1.234,50"
print("peso no dígito:", {w: pct(v, 0) for w, v in top.items()},
      f"| 'mil' no '1.': {pct(mil, 0)} | 'dezessete' no '17': {pct(seventeen, 0)}"
      f" | maior peso médio: dígitos {pct(focused, 0)}, 'e' e 'reais' {pct(spread, 0)}")
assert seventeen > 0.6 and mil > 0.6 and spread < focused
fig = attention_maps(heat)
fig

# %% [markdown]
# Cada palavra olha para o dígito que a decide. Em R$ {{ heat[0][0] }}, o maior peso de "duzentos"
# está no "2" ({{ pct(top["duzentos"], 0) }}), o de "trinta" no "3" ({{ pct(top["trinta"], 0) }}),
# o de "quatro" no "4" ({{ pct(top["quatro"], 0) }}), o de "cinquenta" no "5"
# ({{ pct(top["cinquenta"], 0) }}) e o de "centavos" no último "0"
# ({{ pct(top["centavos"], 0) }}); "mil" põe {{ pct(mil, 0) }} do peso no "1" e no ponto de
# milhar. Em R$ {{ heat[1][0] }}, "dezessete" põe {{ pct(seventeen, 0) }} do peso no "1" e no "7",
# os dois dígitos que decidem a palavra. Os "e" e a palavra "reais" espalham mais o peso (o maior
# peso de cada uma dessas linhas é, em média, {{ pct(spread, 0) }}, contra {{ pct(focused, 0) }}
# nas palavras de dígito): são decididos pela posição na frase, não por um dígito. Ninguém ensinou
# esse alinhamento ao modelo: o único alvo do treino foram as palavras, e os pesos que olham para
# o dígito certo apareceram sozinhos, porque ajudam a acertar a palavra.
#
# ## Busca gulosa e busca em feixe
#
# Até aqui o modelo escreveu com a busca gulosa (a decodificação gulosa do capítulo 6): em
# cada passo, a palavra mais provável, sem olhar para trás. A frase mais provável, porém, nem sempre começa pela palavra
# mais provável. A <dfn>busca em feixe</dfn> guarda as $k$ frases parciais de maior
# probabilidade total a cada passo (aqui $k = 4$), estende cada uma com todas as palavras e
# fica de novo com as $k$ melhores, até todas terminarem em `<fim>`. Com $k = 1$ ela é a busca
# gulosa (os testes do pacote conferem isso, e também um caso feito à mão em que o feixe acha
# uma frase mais provável que a da busca gulosa). Ela custa cerca de $k$ vezes mais. Medimos
# onde ela pode fazer diferença: no meio do treino, quando o modelo ainda erra, e fora da
# faixa.

# %%
def beam_row(name: str) -> dict[str, str]:
    row = {}
    for when in (EARLY, UPDATES):
        for label in ("gulosa", "feixe"):
            values = [exact_match(runs[name, s][2][when][label], refs["teste"]) for s in SEEDS]
            row[f"teste, {when}, {label}"] = mean_range(values, 1, percent=True)
    for label in ("gulosa", "feixe"):
        values = [exact_match(runs[name, s][2][f"fora {label}"], refs["fora da faixa"])
                  for s in SEEDS]
        row[f"fora da faixa, {UPDATES}, {label}"] = mean_range(values, 1, percent=True)
    return row


gains = {
    name: [exact_match(runs[name, s][2][EARLY]["feixe"], refs["teste"])
           - exact_match(runs[name, s][2][EARLY]["gulosa"], refs["teste"]) for s in SEEDS]
    for name in MODELS
}
for name, values in gains.items():
    print(f"{name}, {EARLY} atualizações: feixe menos gulosa, por semente:",
          ", ".join(f"{num(100 * g, 1)} pontos" for g in values))


def search_gap(at_end: bool) -> float:
    """A maior diferença, entre os dois modelos, da média de feixe menos gulosa no acerto exato:
    no teste em UPDATES atualizações (``at_end``) ou fora da faixa."""
    right = refs["teste"] if at_end else refs["fora da faixa"]

    def written(name: str, s: int, label: str) -> list[str]:
        details = runs[name, s][2]
        return details[UPDATES][label] if at_end else details[f"fora {label}"]

    return max(abs(mean([exact_match(written(name, s, "feixe"), right)
                         - exact_match(written(name, s, "gulosa"), right) for s in SEEDS]))
               for name in MODELS)


late_gap, beyond_gap = search_gap(at_end=True), search_gap(at_end=False)
greedy_early = mean([exact_match(runs["sem atenção", s][2][EARLY]["gulosa"], refs["teste"])
                     for s in SEEDS])
print(f"{UPDATES} atualizações: maior diferença média entre as buscas {num(100 * late_gap, 1)} "
      f"pontos no teste, {num(100 * beyond_gap, 1)} fora da faixa")
assert min(gains["sem atenção"]) > 0.01  # o feixe ajuda o modelo que ainda erra, em toda semente
assert max(abs(g) for g in gains["com atenção"]) < 0.01  # e quase não muda o que já acerta
assert late_gap < 0.01 and beyond_gap < 0.03  # no fim e fora da faixa, as buscas quase empatam
beam_table = pd.DataFrame({name: beam_row(name) for name in MODELS})
beam_table.index.name = "acerto exato (conjunto, atualizações, busca)"
table(beam_table)

# %% [markdown]
# A busca em feixe só ajuda onde o modelo ainda tem dúvida. No modelo sem atenção em {{ EARLY }}
# atualizações, ela ganha de {{ num(100 * min(gains["sem atenção"]), 1) }} a
# {{ num(100 * max(gains["sem atenção"]), 1) }} pontos de acerto exato, em todas as sementes (de
# {{ pct(greedy_early) }} para {{ pct(greedy_early + mean(gains["sem atenção"])) }} na média). No
# modelo com atenção, que já acerta {{ pct(mean(test_at["com atenção", EARLY])) }} com a busca
# gulosa, o feixe quase não muda nada (de {{ num(100 * min(gains["com atenção"]), 1) }} a
# {{ num(100 * max(gains["com atenção"]), 1) }} pontos), e em {{ UPDATES }} atualizações as duas
# buscas ficam a no máximo {{ num(100 * late_gap, 1) }} ponto uma da outra, na média. Fora da
# faixa, o feixe também não conserta (as médias das duas buscas ficam a no máximo
# {{ num(100 * beyond_gap, 1) }} ponto uma da outra): a frase errada é também, para o modelo, a
# mais provável. Como a pontuação do feixe é a soma das log-probabilidades, sem normalização pelo
# comprimento, ele tende a preferir frases mais curtas; numa tarefa em que o comprimento é
# decidido pela entrada isso importa pouco, mas em tradução é um ajuste comum.
#
# ## Pela linha de comando
#
# O mesmo modelo está na linha de comando, com ajuda em português:
#
# ```bash
# recorrente extenso treinar --atualizacoes 600 --semente 0 --saida extenso.pt
# recorrente extenso escrever 1.234,50 --checkpoint extenso.pt
# recorrente extenso escrever 1234.5 --checkpoint extenso.pt --feixe 4
# ```
#
# O `escrever` aceita o valor como se escreve no Brasil ("1.234,50"), sem ponto de milhar
# ("1234,50", "1234,5") ou com ponto decimal ("1234.50"). Recusa, com uma linha de explicação,
# o que não é um valor (letras, negativo, mais de duas casas decimais, vazio) e **recusa
# também um valor acima da faixa do treino**, em vez de escrever um extenso errado com toda a
# confiança, como a seção anterior mostrou que o modelo faria. Dentro da faixa, o `escrever`
# compara o que o modelo escreveu com o extenso do `num2words` e, se forem diferentes (como no
# valor zero), avisa e mostra o certo, saindo com código 1: a ferramenta nunca erra em silêncio.
# Um checkpoint existente só é substituído com `--sobrescrever`.
#
# ## Atenção sem recorrência: o que vem depois
#
# A atenção deste capítulo ainda vive entre duas redes recorrentes: o codificador lê os
# caracteres um depois do outro, e o decodificador escreve uma palavra depois da outra. A
# recorrência tem um custo que o livro mediu desde o capítulo 3: o passo $t$ espera o passo
# $t - 1$, e o gradiente precisa atravessar todos os passos do meio. Em 2017, Vaswani e
# colegas, no artigo "Attention Is All You Need", tiraram a recorrência. No
# <dfn>Transformer</dfn>, cada posição de uma sequência calcula os seus pesos de atenção sobre
# todas as posições da **mesma** sequência (a autoatenção), com a mesma conta de
# `dot_attention`, inclusive a escala $1/\sqrt{d}$; o decodificador soma a isso a atenção sobre
# o codificador que usamos aqui, e uma máscara impede que uma posição olhe para as seguintes.
# Como a atenção não sabe a ordem das posições, um vetor de posição é somado a cada entrada.
# Sem recorrência, todas as posições de uma sequência são calculadas ao mesmo tempo, e o
# caminho entre duas posições quaisquer tem um passo só. É a base dos modelos de linguagem
# atuais.
#
# Para continuar:
#
# - o artigo de [Vaswani e colegas (2017)](../referencia/referencias.md#vaswani2017), "Attention Is All You Need"; e, para a
#   atenção em redes recorrentes, os de [Bahdanau, Cho e Bengio (2015)](../referencia/referencias.md#bahdanau2015) e de
#   [Luong, Pham e Manning (2015)](../referencia/referencias.md#luong2015),
#   que são a origem das duas formas de placar deste capítulo;
# - o livro *Dive into Deep Learning* (d2l.ai), nos capítulos de codificador–decodificador,
#   busca em feixe, mecanismos de atenção e Transformer, com código em PyTorch;
# - *The Annotated Transformer*, do grupo de processamento de linguagem natural de Harvard: o artigo original intercalado com
#   o código que o implementa, linha por linha;
# - no PyTorch, `torch.nn.MultiheadAttention` e `torch.nn.Transformer`, e a função
#   `scaled_dot_product_attention` com que comparamos a nossa atenção.

# %%
print(f"Tempo total do capítulo: {num(time.perf_counter() - CHAPTER_START, 0)} s "
      f"em {torch.get_num_threads()} thread de CPU (treinos: {num(TRAIN_SECONDS, 0)} s)")

# %% [markdown]
# ## Exercícios
#
# As soluções treinam com orçamentos minúsculos (algumas centenas de atualizações, numa
# thread), para rodar em poucos segundos; os números que imprimem são de uma semente só e
# servem para conferir a ideia, não para concluir uma comparação.
#
# **1.** A tarefa inversa: das palavras para os algarismos. Use o mesmo `Seq2Seq`, agora com as
# palavras do extenso na entrada e os caracteres do valor na saída, e treine por 128
# atualizações em 4 mil valores. Qual das duas direções parece mais fácil, e por quê?
#
# ??? success "Solução"
#
#     ```python
#     import torch
#
#     from recorrente.data.amounts import (
#         INPUT_CHARS,
#         AmountVocab,
#         amount_split,
#         amount_words,
#         format_amount,
#     )
#     from recorrente.formatting import pct
#     from recorrente.data.batching import IGNORE_INDEX
#     from recorrente.reproducibility import seed
#     from recorrente.seq2seq import Seq2Seq, exact_match
#     from recorrente.training import TrainConfig, fit
#
#     torch.set_num_threads(1)
#     vocab = AmountVocab()
#     split = amount_split(n_train=4_000, n_test=200, n_beyond=1)
#     # entrada: cada palavra vira o seu índice + 1 (o 0 fica para o preenchimento);
#     # saída: os caracteres do valor, depois de <início> (0) e <fim> (1)
#     OUT = ["<início>", "<fim>", *INPUT_CHARS[1:]]
#
#
#     def encode(amounts):
#         xs = [[vocab.word_index[w] + 1 for w in amount_words(c).split()] for c in amounts]
#         ys = [[OUT.index(ch) for ch in format_amount(c)] + [1] for c in amounts]
#         wx, wy = max(map(len, xs)), max(map(len, ys))
#         x = torch.tensor([r + [0] * (wx - len(r)) for r in xs])
#         y = torch.tensor([r + [IGNORE_INDEX] * (wy - len(r)) for r in ys])
#         return x, y
#
#
#     def decode(row):
#         chars = [OUT[i] for i in row.tolist()]
#         return "".join(chars[: chars.index("<fim>")] if "<fim>" in chars else chars)
#
#
#     x, y = encode(split.train)
#     batches = [(x[i : i + 128], y[i : i + 128]) for i in range(0, len(x), 128)]
#     torch.manual_seed(seed(0))
#     model = Seq2Seq(vocab.num_words + 1, len(OUT), hidden_size=64, max_len=12)
#     config = TrainConfig(lr=1e-2, max_epochs=4, max_steps=128, progress=False)
#     history = fit(model, batches, None, config)
#     written = [decode(row) for row in model.greedy(encode(split.test)[0])[0]]
#     right = [format_amount(c) for c in split.test]
#     accuracy = exact_match(written, right)
#     print(f"{history.steps} atualizações; acerto exato no teste: {pct(accuracy)}")
#     for cents, w, r in list(zip(split.test, written, right))[:3]:
#         print(f"{amount_words(cents)} → {w} (certo: {r})")
#     assert history.steps == 128 and accuracy >= 0.95  # quase tudo certo, com pouco treino
#     ```
#
#     Com só 128 atualizações (quase cinco vezes menos que no capítulo, em lotes de metade do
#     tamanho), o modelo já escreve certo quase todos os 200 valores de teste (a solução
#     imprime a fração). A direção inversa é mais fácil:
#     cada dígito sai de uma ou duas palavras ("trezentos" → "3", "dezessete" → "17") e as
#     regras da escrita por extenso (os "e", "cento" contra "cem", os singulares) não precisam
#     ser produzidas, só lidas. O trabalho difícil do capítulo é o de escrever essas regras.
#
# **2.** Troque a atenção de produto escalar pela aditiva (`attention="additive"`) e compare
# as duas com o mesmo orçamento pequeno. Quantos parâmetros a atenção aditiva acrescenta?
#
# ??? success "Solução"
#
#     ```python
#     import torch
#
#     from recorrente.data.amounts import (
#         AmountBatches,
#         AmountVocab,
#         amount_split,
#         amount_words,
#     )
#     from recorrente.formatting import num, pct
#     from recorrente.reproducibility import seed
#     from recorrente.seq2seq import Seq2Seq, exact_match
#     from recorrente.spelling import spell_amounts
#     from recorrente.training import TrainConfig, fit
#
#     torch.set_num_threads(1)
#     vocab = AmountVocab()
#     split = amount_split(n_train=4_000, n_test=300, n_beyond=1)
#     right = [amount_words(c) for c in split.test]
#     size, accuracy = {}, {}
#     for kind in ("dot", "additive"):
#         torch.manual_seed(seed(0))
#         model = Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=32, attention=kind)
#         batches = AmountBatches(split.train, vocab, 128, shuffle=True, num_batches=150,
#                                 seed=seed(0))
#         fit(model, batches, None, TrainConfig(lr=1e-2, max_steps=150, progress=False))
#         size[kind] = model.num_parameters()
#         accuracy[kind] = exact_match(spell_amounts(model, split.test, vocab), right)
#         print(f"{kind:9} {num(size[kind], 0):>6} parâmetros; acerto exato {pct(accuracy[kind])}")
#     extra = size["additive"] - size["dot"]
#     print(f"a atenção aditiva acrescenta {num(extra, 0)} parâmetros")
#     assert extra == 32 * 32 + 32 * 32 + 32  # W_q, W_k e v, com estado e atenção de tamanho 32
#     assert min(accuracy.values()) > 0.8  # as duas aprendem a tarefa com esse orçamento
#     ```
#
#     A atenção de produto escalar não tem pesos próprios; a aditiva acrescenta $W_q$, $W_k$ e
#     $v$ (2.080 parâmetros com estado de 32). Com uma semente e 150 atualizações, as duas
#     aprendem a tarefa, e a diferença entre elas nesta semente não diz qual é melhor: para
#     isso seria preciso o método do capítulo, com mais sementes, a mesma quantidade de
#     atualizações e o treino ao lado do teste.
#
# **3.** Calcule à mão a WER de "mil e cem reais" contra o certo "mil cento e dez reais" e
# confira com `word_error_rate`. A WER pode passar de 100%?
#
# ??? success "Solução"
#
#     ```python
#     from recorrente.formatting import pct
#     from recorrente.seq2seq import edit_distance, word_error_rate
#
#     hypothesis, reference = "mil e cem reais", "mil cento e dez reais"
#     edits = edit_distance(hypothesis.split(), reference.split())
#     print(f"{edits} edições em {len(reference.split())} palavras: WER "
#           f"{pct(word_error_rate([hypothesis], [reference]))}")
#     assert edits == 2
#     long = word_error_rate(["um real e um centavo e um centavo"], ["um real"])
#     print(f"WER de uma frase comprida demais: {pct(long)}")
#     assert long > 1
#     ```
#
#     Duas edições bastam: inserir "cento" depois de "mil" e trocar "cem" por "dez"; o certo
#     tem 5 palavras, e a WER é 2/5 = 40%. Como as palavras inseridas também contam, uma frase
#     comprida demais passa de 100%: "um real" escrito com seis palavras a mais tem WER de
#     6/2 = 300%. Por isso o acerto exato, e não só a WER, é a medida que importa num cheque.
#
# **4.** No fim do treino, nenhum dos seis modelos escreveu certo o valor zero do teste. Mostre,
# só com os dados, por que nenhum modelo treinado nesta divisão consegue escrevê-lo.
#
# ??? success "Solução"
#
#     ```python
#     from recorrente.data.amounts import amount_split, amount_words
#
#     split = amount_split(n_train=40_000, n_test=1_000, n_beyond=500)  # a divisão do capítulo
#     with_zero = [c for c in split.train if "zero" in amount_words(c).split()]
#     print("R$ 0,00 no treino?", 0 in split.train, "| no teste?", 0 in split.test)
#     print("valores de treino com a palavra 'zero':", len(with_zero))
#     assert 0 in split.test and not with_zero
#     ```
#
#     O valor zero foi sorteado para o teste, e é o único da faixa do treino cujo extenso usa
#     "zero" (cinco centavos se escrevem "cinco centavos", sem "zero reais", pela convenção do
#     livro). No
#     treino, a palavra "zero" nunca é alvo; a perda só empurra a probabilidade dela para baixo.
#     Um modelo não escreve o que nunca precisou escrever, por mais que a atenção olhe para o
#     dígito certo. Casos especiais raros precisam estar no treino (ou ser tratados por uma
#     regra fora do modelo).
