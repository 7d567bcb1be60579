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
from recorrente.formatting import mean_range, num, p_value, pct, table
from recorrente.plotting.attention import attention_maps, seed_curves
from recorrente.reproducibility import seed, seeds
from recorrente.seq2seq import Seq2Seq, dot_attention, exact_match, word_error_rate
from recorrente.spelling import spell_amounts
from recorrente.stats import mcnemar, wilson_interval
from recorrente.training import TrainConfig, fit

torch.set_num_threads(1)  # redes pequenas: uma thread basta e não disputa a CPU
INICIO_CAPITULO = time.perf_counter()
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

for texto in ["1234.50", "0.01", "2005", "1110"]:
    bruto = num2words(float(texto), lang="pt_BR", to="currency")
    print(f"{bruto!r}\n  → {normalize_words(bruto)!r}")

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
divisao = amount_split(n_train=40_000, n_test=1_000, n_beyond=500)
vocab = AmountVocab()
referencias = {
    "treino": [amount_words(c) for c in divisao.train[:1_000]],  # uma amostra fixa do treino
    "teste": [amount_words(c) for c in divisao.test],
    "fora da faixa": [amount_words(c) for c in divisao.beyond],
}
print(f"treino: {num(len(divisao.train), 0)} valores até R$ {format_amount(TRAIN_MAX_CENTS)}; "
      f"teste: {num(len(divisao.test), 0)}; fora da faixa: {num(len(divisao.beyond), 0)}")
print(f"vocabulário: {vocab.num_chars} símbolos de entrada ({vocab.chars[1:]!r} e o "
      f"preenchimento), {vocab.num_words} palavras de saída")
assert not set(divisao.train) & set(divisao.test)
assert max(divisao.train) <= TRAIN_MAX_CENTS < min(divisao.beyond) <= max(divisao.beyond) <= MAX_CENTS
exemplos = pd.DataFrame(
    {"valor": [f"R$ {format_amount(c)}" for c in divisao.test[:6]], "extenso": referencias["teste"][:6]}
)
table(exemplos)

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
modelo = Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=64, attention="none")
logits, perda = modelo(x, y)
uniforme = torch.log(torch.tensor(vocab.num_words)).item()
print(f"logits {tuple(logits.shape)} (valores, passos, palavras); perda inicial "
      f"{num(perda.item())} (o chute uniforme daria {num(uniforme)})")
print(f"{num(modelo.num_parameters(), 0)} parâmetros")

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
mascara = torch.tensor([[True] * 5, [True] * 3 + [False] * 2])  # o 2º valor tem 2 de preenchimento
c_t, a_tj = dot_attention(h_t, s_j, s_j, mascara)
esperado = F.scaled_dot_product_attention(h_t, s_j, s_j, attn_mask=mascara.unsqueeze(1))
torch.testing.assert_close(c_t, esperado)
print(f"diferença máxima para o PyTorch: {num((c_t - esperado).abs().max().item(), 10)}")
print("pesos do 2º valor no 1º passo:", [num(a, 3) for a in a_tj[1, 0].tolist()])

# %% [markdown]
# ## O experimento: com e sem atenção, com o mesmo orçamento
#
# Os dois modelos têm o mesmo codificador, o mesmo decodificador e a mesma camada
# $W_c [c_t; h_t]$ (e, por isso, o mesmo número de parâmetros, porque a atenção de produto
# escalar não tem pesos próprios); a única diferença é de onde vem $c_t$. O orçamento, igual
# para os dois:

# %%
ATUALIZACOES, A_CADA, LOTE, ESTADO, TAXA = 600, 50, 256, 64, 5e-3
CEDO = 200  # o ponto da curva em que medimos também o comprimento e a busca em feixe
SEMENTES = tuple(seeds(3))
passadas = ATUALIZACOES * LOTE / len(divisao.train)
print(f"{ATUALIZACOES} atualizações × {LOTE} valores = {num(ATUALIZACOES * LOTE, 0)} exemplos "
      f"({num(passadas, 1)} passadas pelo treino); taxa {num(TAXA, 3)}; sementes {SEMENTES}")

# %% [markdown]
# Cada modelo treina por {{ ATUALIZACOES }} atualizações de lotes de {{ LOTE }} valores
# ({{ ATUALIZACOES * LOTE }} exemplos, {{ num(passadas, 1) }} passadas pelos {{ len(divisao.train) }}
# valores de treino), com AdamW e taxa {{ num(TAXA, 3) }}, em três sementes. A cada {{ A_CADA }}
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
MODELOS = {"sem atenção": "none", "com atenção": "dot"}
PARTES = {"treino": divisao.train[:1_000], "teste": divisao.test}


def treinar_e_medir(tipo: str, semente_rodada: int) -> tuple[Seq2Seq, list[dict], dict]:
    """Treina um modelo e mede as curvas; no passo EARLY e no fim, guarda mais detalhes."""
    torch.manual_seed(semente_rodada)
    modelo = Seq2Seq(vocab.num_chars, vocab.num_words, ESTADO, attention=tipo)
    lotes = AmountBatches(divisao.train, vocab, LOTE, shuffle=True, num_batches=A_CADA,
                            seed=semente_rodada)
    curva, detalhes = [], {}

    def medir(epoca: int, modelo: Seq2Seq) -> None:
        atualizacoes = epoca * A_CADA
        linha = {"atualizações": atualizacoes}
        for parte, valores in PARTES.items():
            escrito = spell_amounts(modelo, valores, vocab)
            linha[f"exato {parte}"] = exact_match(escrito, referencias[parte])
            linha[f"WER {parte}"] = word_error_rate(escrito, referencias[parte])
            if parte == "teste" and atualizacoes in (CEDO, ATUALIZACOES):
                feixe = spell_amounts(modelo, valores, vocab, width=4)
                detalhes[atualizacoes] = {"gulosa": escrito, "feixe": feixe}
        if atualizacoes == ATUALIZACOES:
            for largura, rotulo in ((1, "gulosa"), (4, "feixe")):
                detalhes[f"fora {rotulo}"] = spell_amounts(modelo, divisao.beyond, vocab, width=largura)
        curva.append(linha)

    configuracao = TrainConfig(lr=TAXA, max_epochs=ATUALIZACOES // A_CADA, max_steps=ATUALIZACOES, progress=False)
    fit(modelo, lotes, None, configuracao, on_epoch_end=medir)
    return modelo, curva, detalhes


inicio, inicio_cpu = time.perf_counter(), time.process_time()
rodadas = {(nome, s): treinar_e_medir(tipo, s) for nome, tipo in MODELOS.items() for s in SEMENTES}
SEGUNDOS_TREINO = time.perf_counter() - inicio
SEGUNDOS_CPU_TREINO = time.process_time() - inicio_cpu
print(f"{len(rodadas)} treinos de {ATUALIZACOES} atualizações, medidas incluídas: "
      f"{num(SEGUNDOS_CPU_TREINO, 0)} s de CPU ({num(SEGUNDOS_CPU_TREINO / len(rodadas), 1)} s cada) numa thread; "
      f"{num(SEGUNDOS_TREINO, 0)} s de relógio")
for nome in MODELOS:
    print(f"{nome}: {num(rodadas[nome, SEMENTES[0]][0].num_parameters(), 0)} parâmetros")

# %%
atualizacoes = [linha["atualizações"] for linha in rodadas["com atenção", SEMENTES[0]][1]]
paineis: dict[str, dict[str, list]] = {"acerto exato": {}, "WER": {}}
for medida, painel in (("exato", "acerto exato"), ("WER", "WER")):
    for nome in MODELOS:
        for parte in ("teste", "treino"):
            paineis[painel][f"{nome} ({parte})"] = [
                [linha[f"{medida} {parte}"] for linha in rodadas[nome, s][1]] for s in SEMENTES
            ]
fig = seed_curves(atualizacoes, paineis, percent=["acerto exato", "WER"],
                  title="Acerto exato e WER por atualização (linha: média de 3 sementes; "
                        "faixa: mínimo a máximo)")
fig

# %%
def resumo(no_ponto: int) -> pd.DataFrame:
    linhas = {}
    for nome in MODELOS:
        escolhidas = [next(r for r in rodadas[nome, s][1] if r["atualizações"] == no_ponto) for s in SEMENTES]
        linhas[nome] = {
            coluna: mean_range([r[coluna] for r in escolhidas], 1 if coluna.startswith("exato") else 2,
                            percent=True)
            for coluna in ("exato treino", "exato teste", "WER treino", "WER teste")
        }
    return pd.DataFrame(linhas).T


resumo_fim = resumo(ATUALIZACOES)
resumo_cedo = resumo(CEDO)
ambos = pd.concat({f"{CEDO} atualizações": resumo_cedo, f"{ATUALIZACOES} atualizações": resumo_fim})
print("média das 3 sementes (mínimo–máximo)")
table(ambos)

# %%
def media(por_sementes: list[float]) -> float:
    return sum(por_sementes) / len(por_sementes)


def no_ponto(nome: str, coluna: str, quando: int) -> list[float]:
    return [next(r[coluna] for r in rodadas[nome, s][1] if r["atualizações"] == quando) for s in SEMENTES]


def primeira_a_chegar(nome: str, semente_rodada: int, nivel: float) -> int | None:
    return next((r["atualizações"] for r in rodadas[nome, semente_rodada][1] if r["exato teste"] >= nivel),
                None)


def listar(por_sementes: list) -> str:
    """[450, 600, 500] → "450, 600 e 500"; None (não chegou) → "não chega"."""
    palavras = [str(v) if v is not None else f"não chega em {ATUALIZACOES}" for v in por_sementes]
    return ", ".join(palavras[:-1]) + " e " + palavras[-1]


def faixa(por_sementes: list[int]) -> str:
    return str(por_sementes[0]) if min(por_sementes) == max(por_sementes) else f"de {min(por_sementes)} a {max(por_sementes)}"


teste_em = {(nome, quando): no_ponto(nome, "exato teste", quando)
           for nome in MODELOS for quando in (CEDO, ATUALIZACOES)}
alcance = {nome: [primeira_a_chegar(nome, s, 0.99) for s in SEMENTES] for nome in MODELOS}
for nome in MODELOS:
    print(f"{nome}: teste ≥ 99% pela primeira vez em {listar(alcance[nome])} atualizações "
          f"(sementes {listar(list(SEMENTES))})")
distancia_cedo = min(teste_em["com atenção", CEDO]) - max(teste_em["sem atenção", CEDO])
mais_lenta_com = max(alcance["com atenção"])
mais_rapida_sem = min(r if r is not None else ATUALIZACOES + A_CADA for r in alcance["sem atenção"])
print(f"em {CEDO} atualizações, a pior semente com atenção fica {num(100 * distancia_cedo, 1)} "
      "pontos acima da melhor sem ela")
assert min(teste_em["com atenção", ATUALIZACOES]) >= 0.99  # a meta, em todas as sementes
assert distancia_cedo > 0.10  # a distância que se repete em toda semente, com folga
assert mais_lenta_com < mais_rapida_sem  # a atenção chega a 99% antes, em toda semente

# em número de valores: erros no teste de cada semente, no fim
erros = {nome: [round((1 - v) * len(divisao.test)) for v in teste_em[nome, ATUALIZACOES]]
          for nome in MODELOS}
errados = {(nome, s): [c for c, w, r in zip(divisao.test, rodadas[nome, s][2][ATUALIZACOES]["gulosa"],
                                          referencias["teste"], strict=True) if w != r]
         for nome in MODELOS for s in SEMENTES}
print(f"\nerros no teste em {ATUALIZACOES} atualizações, por semente:",
      {nome: erros[nome] for nome in MODELOS})
print("erros do modelo com atenção:")
for s in SEMENTES:
    escrito = dict(zip(divisao.test, rodadas["com atenção", s][2][ATUALIZACOES]["gulosa"], strict=True))
    for centavos in errados["com atenção", s]:
        print(f"  semente {s}: R$ {format_amount(centavos)} → {escrito[centavos]!r} "
              f"(certo: {amount_words(centavos)!r})")
assert all(0 in errados[chave] for chave in errados)  # R$ 0,00: nenhum modelo o escreve (veja abaixo)
so_zero = all(errados["com atenção", s] == [0] for s in SEMENTES)


# no mesmo teste, semente a semente: McNemar olha só os valores em que os dois discordam
def acertos(nome: str, semente: int, quando: int) -> list[bool]:
    return [w == r for w, r in zip(rodadas[nome, semente][2][quando]["gulosa"], referencias["teste"],
                                   strict=True)]


def taxa_com_intervalo(quantos: int) -> str:
    baixo, alto = wilson_interval(quantos, len(divisao.test))
    return f"{pct(quantos / len(divisao.test))} ({pct(baixo)}–{pct(alto)})"


mcnemar_por = {(s, quando): mcnemar(acertos("com atenção", s, quando),
                                    acertos("sem atenção", s, quando))
               for s in SEMENTES for quando in (CEDO, ATUALIZACOES)}
pareado = pd.DataFrame([
    {"semente": s,
     "erros com atenção (IC 95%)": taxa_com_intervalo(erros["com atenção"][i]),
     "erros sem atenção (IC 95%)": taxa_com_intervalo(erros["sem atenção"][i]),
     "só com atenção acerta": mcnemar_por[s, ATUALIZACOES].only_a,
     "só sem atenção acerta": mcnemar_por[s, ATUALIZACOES].only_b,
     f"p (McNemar), {ATUALIZACOES}": p_value(mcnemar_por[s, ATUALIZACOES].p_value),
     f"p (McNemar), {CEDO}": p_value(mcnemar_por[s, CEDO].p_value)}
    for i, s in enumerate(SEMENTES)]).set_index("semente")
p_cedo = max(mcnemar_por[s, CEDO].p_value for s in SEMENTES)
p_fim = [mcnemar_por[s, ATUALIZACOES].p_value for s in SEMENTES]
separa_fim = sum(p < 0.05 for p in p_fim)
a_favor = all(mcnemar_por[s, ATUALIZACOES].only_a > mcnemar_por[s, ATUALIZACOES].only_b for s in SEMENTES)
assert p_cedo < 1e-6  # em EARLY atualizações, a atenção se separa em toda semente
faixa_p = f"p-valores de {p_value(min(p_fim))} a {p_value(max(p_fim))}"
pareando = ("pareando os dois modelos da mesma semente nos mesmos valores, o teste de McNemar "
            "separa os dois")
if separa_fim == len(SEMENTES) and a_favor:
    veredito_fim = f"E, {pareando} em todas as sementes ({faixa_p}): no fim também, a atenção erra menos"
elif separa_fim == 0:
    veredito_fim = (f"Mas poucos erros em mil são pouca evidência: {pareando} em nenhuma das "
                     f"{len(SEMENTES)} sementes ({faixa_p}). No fim, com este teste, é um empate; o "
                     "que se sustenta é a velocidade")
else:
    veredito_fim = (f"Mas poucos erros em mil são pouca evidência: {pareando} em "
                     f"{separa_fim} das {len(SEMENTES)} sementes ({faixa_p}). No fim, depende da "
                     "semente; o que se sustenta em todas é a velocidade")
erros_zero = ("são todos o mesmo valor, **R$ 0,00**, que cada semente escreve de um jeito"
               if so_zero else "incluem, em todas as sementes, o **R$ 0,00**")

# treino contra teste: a maior diferença entre as médias da tabela
treino_teste = max(
    ((abs(sum(no_ponto(nome, "exato treino", quando)) - sum(no_ponto(nome, "exato teste", quando))) / len(SEMENTES),
      nome, quando) for nome in MODELOS for quando in (CEDO, ATUALIZACOES)),
)
distancia_treino_teste, nome_da_distancia, quando_distancia = treino_teste
assert distancia_treino_teste < 0.03  # o treino não fica muito acima do teste: regra, não memória
print(f"\nno teste, cada semente com atenção contra a mesma sem atenção, em {ATUALIZACOES} "
      f"atualizações (e o p-valor em {CEDO}):")
table(pareado, 0)

# %% [markdown]
# Com o mesmo orçamento, as duas curvas contam histórias diferentes. Em {{ CEDO }} atualizações,
# o modelo com atenção já acerta {{ pct(media(teste_em["com atenção", CEDO])) }} do teste (de
# {{ pct(min(teste_em["com atenção", CEDO])) }} a {{ pct(max(teste_em["com atenção", CEDO])) }}
# nas três sementes), e o sem atenção, {{ pct(media(teste_em["sem atenção", CEDO])) }} (de
# {{ pct(min(teste_em["sem atenção", CEDO])) }} a {{ pct(max(teste_em["sem atenção", CEDO])) }}):
# a pior semente com atenção fica {{ num(100 * distancia_cedo, 1) }} pontos acima da melhor sem ela
# (pareando a mesma semente nos mesmos valores, o
# [teste de McNemar](../referencia/referencias.md#mcnemar1947) dá p ≤
# {{ p_value(p_cedo) }} em cada uma). O
# modelo com atenção passa de 99% no teste em {{ listar(alcance["com atenção"]) }} atualizações
# (uma contagem por semente); o sem atenção, em {{ listar(alcance["sem atenção"]) }}. A lição desta
# tarefa é, portanto, **velocidade**: a semente mais lenta com atenção chega a 99% antes da mais
# rápida sem ela. O ponto exato em que cada curva cruza 99% depende da semente (e das contas de
# ponto flutuante da máquina); o que se repete em todas as sementes é a distância entre os dois
# modelos no começo do treino.
#
# No fim das {{ ATUALIZACOES }} atualizações a diferença encolhe:
# {{ pct(media(teste_em["com atenção", ATUALIZACOES])) }} com atenção e
# {{ pct(media(teste_em["sem atenção", ATUALIZACOES])) }} sem, na média. Contados em valores, o modelo
# com atenção erra {{ faixa(erros["com atenção"]) }} dos {{ len(divisao.test) }} valores de teste em
# cada semente, e o sem atenção, {{ faixa(erros["sem atenção"]) }} (a tabela acima traz a taxa
# de erro de cada semente com o
# [intervalo de Wilson](../referencia/referencias.md#wilson1927) de 95%). {{ veredito_fim }}.
# Com
# orçamento de sobra, o vetor fixo de {{ ESTADO }} números também dá conta de valores de até nove
# caracteres. Cada treino, com as medidas, custou cerca de {{ num(SEGUNDOS_CPU_TREINO / len(rodadas), 0) }} s
# de CPU numa thread na máquina em que o livro foi gerado (a célula do treino imprime o tempo).
#
# Treino e teste andam juntos nas curvas (as linhas cheias e tracejadas quase se sobrepõem), e a
# maior diferença entre eles na tabela é de {{ num(100 * distancia_treino_teste, 1) }} ponto
# ({{ nome_da_distancia }}, em {{ quando_distancia }} atualizações): com {{ len(divisao.train) }} valores de treino,
# os modelos aprenderam a regra, não decoraram os exemplos.
#
# Os poucos erros do modelo com atenção no fim {{ erros_zero }}. Não é azar: o único valor cujo
# extenso usa a palavra "zero" é o próprio zero, e ele caiu no teste, então o modelo nunca viu "zero"
# como alvo no treino. Nenhum modelo escreve uma palavra que nunca precisou escrever (nenhum dos
# seis modelos acerta esse valor, e o exercício 4 confere os dados).
#
# ## O comprimento do valor
#
# Separando o teste pelo número de caracteres do valor (4 abaixo de dez reais, 9 nas dezenas de
# milhar), em 200 atualizações e no fim:

# %%
def por_tamanho(nome: str, quando: int) -> dict[int, list[float]]:
    por_semente = defaultdict(list)
    for s in SEMENTES:
        escrito = rodadas[nome, s][2][quando]["gulosa"]
        grupos = defaultdict(list)
        for centavos, w, r in zip(divisao.test, escrito, referencias["teste"], strict=True):
            grupos[len(format_amount(centavos))].append(w == r)
        for tamanho, certos in grupos.items():
            por_semente[tamanho].append(sum(certos) / len(certos))
    return por_semente


contagens = pd.Series([len(format_amount(c)) for c in divisao.test]).value_counts().sort_index()
tabela_tamanhos = pd.DataFrame(
    {f"{nome}, {quando}": {tamanho: mean_range(v, 1, percent=True)
                         for tamanho, v in sorted(por_tamanho(nome, quando).items())}
     for quando in (CEDO, ATUALIZACOES) for nome in MODELOS}
)
tabela_tamanhos.insert(0, "valores no teste", contagens)
tabela_tamanhos.index.name = "caracteres"
media_por_tamanho = {(nome, quando): {tamanho: media(v) for tamanho, v in por_tamanho(nome, quando).items()}
           for nome in MODELOS for quando in (CEDO, ATUALIZACOES)}
sem_cedo = [media_por_tamanho["sem atenção", CEDO][tamanho] for tamanho in (5, 6, 8, 9)]
com_cedo = [media_por_tamanho["com atenção", CEDO][tamanho] for tamanho in (5, 6, 8, 9)]
# o gargalo: sem atenção, cada tamanho a partir de 5 caracteres pior que o anterior
assert all(a > b for a, b in zip(sem_cedo, sem_cedo[1:], strict=False))
assert min(com_cedo) > 0.98  # com atenção, os longos quase todos certos
table(tabela_tamanhos, 0)

# %% [markdown]
# Em {{ CEDO }} atualizações, de 5 caracteres em diante, o modelo sem atenção piora com o
# comprimento: acerta {{ pct(sem_cedo[0]) }} dos valores de 5 caracteres,
# {{ pct(sem_cedo[1]) }} dos de 6, {{ pct(sem_cedo[2]) }} dos de 8 e
# {{ pct(sem_cedo[3]) }} dos de 9. Com atenção, os valores de 5 a 9 caracteres
# ficam entre {{ pct(min(com_cedo)) }} e {{ pct(max(com_cedo)) }}. É o padrão que a hipótese
# do gargalo prevê: quanto mais longa a entrada, mais coisa o vetor de contexto precisa guardar,
# enquanto o decodificador com atenção só precisa achar o dígito certo. A tabela mostra o acerto
# por tamanho, não o que o vetor guarda; medir isso pediria, por exemplo, tentar ler os dígitos
# de volta do vetor de contexto. (Os valores de 4 caracteres, abaixo
# de dez reais, são um caso à parte nos dois modelos: incluem o zero, os singulares "um
# real" e "um centavo" e os valores só de centavos, e há só mil valores desse tamanho para
# treinar.) Em {{ ATUALIZACOES }} atualizações, o modelo sem atenção chega perto do outro também nos
# valores longos ({{ pct(media_por_tamanho["sem atenção", ATUALIZACOES][8]) }} nos de 8 caracteres e
# {{ pct(media_por_tamanho["sem atenção", ATUALIZACOES][9]) }} nos de 9, contra
# {{ pct(media_por_tamanho["com atenção", ATUALIZACOES][8]) }} e {{ pct(media_por_tamanho["com atenção", ATUALIZACOES][9]) }}
# com atenção).
#
# ## Fora da faixa do treino
#
# Os 500 valores de seis dígitos usam as mesmas palavras, mas são mais longos que qualquer
# valor do treino. O que os modelos escrevem, no fim do treino:

# %%
fora = pd.DataFrame({
    nome: {
        "acerto exato": mean_range([exact_match(rodadas[nome, s][2]["fora gulosa"],
                                                referencias["fora da faixa"]) for s in SEMENTES],
                                   1, percent=True),
        "WER": mean_range([word_error_rate(rodadas[nome, s][2]["fora gulosa"],
                                           referencias["fora da faixa"]) for s in SEMENTES],
                          1, percent=True),
    }
    for nome in MODELOS
}).T
for centavos, escrito, certo in list(zip(divisao.beyond, rodadas["com atenção", SEMENTES[0]][2]["fora gulosa"],
                                      referencias["fora da faixa"], strict=True))[:3]:
    print(f"R$ {format_amount(centavos)}\n  escreveu: {escrito}\n  certo:    {certo}")

CENTENAS = {"cem", "cento", "duzentos", "trezentos", "quatrocentos", "quinhentos", "seiscentos",
            "setecentos", "oitocentos", "novecentos"}


def centena_antes_de_mil(texto: str) -> bool:
    """Uma centena antes de "mil": o que todo extenso de seis dígitos nos reais tem."""
    palavras = texto.split()
    return "mil" in palavras and bool(CENTENAS & set(palavras[: palavras.index("mil")]))


assert all(map(centena_antes_de_mil, referencias["fora da faixa"]))
assert not any(centena_antes_de_mil(amount_words(c)) for c in divisao.train)  # o treino nunca tem
fora_exato = {nome: [exact_match(rodadas[nome, s][2]["fora gulosa"], referencias["fora da faixa"])
                       for s in SEMENTES] for nome in MODELOS}
fora_wer = [word_error_rate(rodadas[nome, s][2]["fora gulosa"], referencias["fora da faixa"])
              for nome in MODELOS for s in SEMENTES]
com_centena = [media([centena_antes_de_mil(w) for w in rodadas[nome, s][2]["fora gulosa"]])
                for nome in MODELOS for s in SEMENTES]
print("frases com uma centena antes de 'mil', por modelo e semente:",
      ", ".join(pct(f) for f in com_centena))
todos_fora = [v for por_sementes in fora_exato.values() for v in por_sementes]
assert max(todos_fora) < 0.6 and min(fora_wer) > 0.1  # fora da faixa, todos erram muito
# as faixas com e sem atenção se sobrepõem: nenhum dos dois ganha em toda semente
assert min(fora_exato["com atenção"]) <= max(fora_exato["sem atenção"])
assert min(fora_exato["sem atenção"]) <= max(fora_exato["com atenção"])
exemplos = list(zip(rodadas["com atenção", SEMENTES[0]][2]["fora gulosa"], referencias["fora da faixa"],
                    strict=True))[:3]
mais_curtos = sum(len(w.split()) < len(r.split()) for w, r in exemplos)
texto_mais_curtos = {3: "Nos três exemplos acima", 2: "Em dois dos três exemplos acima",
                1: "Em um dos três exemplos acima"}.get(mais_curtos, "Nos exemplos acima, nenhum")
acima_de_um_decimo = sum(v >= 0.1 for v in todos_fora)  # modelos que acertam mais de um décimo
if acima_de_um_decimo == 0:
    regra = "nenhum dos seis modelos acerta um décimo dos valores"
elif acima_de_um_decimo < len(todos_fora):
    palavra_contagem = ["um", "dois", "três", "quatro", "cinco"][acima_de_um_decimo - 1]
    regra = f"só {palavra_contagem} dos seis modelos acerta mais de um décimo deles"
else:
    regra = "todos os modelos acertam mais de um décimo deles, mas nenhum chega perto do teste"
table(fora)

# %% [markdown]
# Fora da faixa, os modelos erram a maior parte dos valores: o acerto exato, nos seis modelos, vai
# de {{ pct(min(todos_fora)) }} a {{ pct(max(todos_fora)) }}, longe dos
# {{ pct(min(teste_em["sem atenção", ATUALIZACOES] + teste_em["com atenção", ATUALIZACOES])) }} ou mais no
# teste, e a WER fica entre {{ pct(min(fora_wer)) }} e {{ pct(max(fora_wer)) }} das palavras.
# As faixas com e sem atenção se sobrepõem: não há vencedor. Nenhum valor de treino tem uma
# centena antes de "mil" (o maior é R$ {{ format_amount(TRAIN_MAX_CENTS) }}), e todo extenso certo
# fora da faixa tem. Os modelos põem uma centena antes de "mil" numa fração das frases que vai de
# {{ pct(min(com_centena)) }} a {{ pct(max(com_centena)) }}, conforme o modelo e a semente: o
# que cada rede faz além da faixa que viu muda muito de uma semente para outra, e {{ regra }}.
# {{ texto_mais_curtos }}, o valor de seis dígitos sai escrito como outro, mais curto. E o extenso
# errado sai com a mesma fluência do certo, sem nada na frase que avise o erro: é por isso que a
# linha de comando recusa valores acima da faixa do treino.
#
# ## Para onde a atenção olha
#
# Os pesos $a_{tj}$ de cada palavra escrita (linhas) sobre cada caractere lido (colunas), para
# três valores, no modelo com atenção da semente {{ SEMENTES[0] }}:

# %%
modelo = rodadas["com atenção", SEMENTES[0]][0]
escolhidos = [123450, 9081706, 20540]
calor = []
for centavos in escolhidos:
    texto = format_amount(centavos)
    palavras, pesos = modelo.greedy(torch.tensor([vocab.encode_input(texto)]))
    escrito = vocab.decode_words(palavras[0].tolist()).split()
    calor.append((texto, [*escrito, "<fim>"], pesos[0].numpy()))
    visto = "no treino" if centavos in set(divisao.train) else "fora do treino"
    print(f"R$ {texto} ({visto}):\n  {' '.join(escrito)}")
    assert " ".join(escrito) == amount_words(centavos)


def fracao(i: int, palavra: str, posicoes: tuple[int, ...]) -> float:
    """A fração do peso de ``word`` (no valor ``i``) sobre os caracteres em ``positions``."""
    texto, palavras, pesos = calor[i]
    return float(pesos[palavras.index(palavra)][list(posicoes)].sum())


# "1.234,50": o "2" está na posição 2, o "3" na 3, o "4" na 4, o "5" na 6 e o último "0" na 7
palavras_digito = {"duzentos": 2, "trinta": 3, "quatro": 4, "cinquenta": 6, "centavos": 7}
topo = {palavra: fracao(0, palavra, (j,)) for palavra, j in palavras_digito.items()}
texto, palavras, pesos = calor[0]
for palavra, j in palavras_digito.items():
    assert pesos[palavras.index(palavra)].argmax() == j  # o maior peso está no dígito que decide
espalhamento = media([float(linha.max()) for w, linha in zip(palavras, pesos, strict=True)
               if w in ("e", "reais")])
focado = media([float(pesos[palavras.index(w)].max()) for w in palavras_digito])
dezessete = fracao(1, "dezessete", (4, 5))  # o "1" e o "7" de "90.817,06"
mil = fracao(0, "mil", (0, 1))  # o "1" e o ponto de "1.234,50"
print("peso no dígito:", {w: pct(v, 0) for w, v in topo.items()},
      f"| 'mil' no '1.': {pct(mil, 0)} | 'dezessete' no '17': {pct(dezessete, 0)}"
      f" | maior peso médio: dígitos {pct(focado, 0)}, 'e' e 'reais' {pct(espalhamento, 0)}")
assert dezessete > 0.6 and mil > 0.6 and espalhamento < focado
fig = attention_maps(calor)
fig

# %% [markdown]
# Cada palavra olha para o dígito que a decide. Em R$ {{ calor[0][0] }}, o maior peso de "duzentos"
# está no "2" ({{ pct(topo["duzentos"], 0) }}), o de "trinta" no "3" ({{ pct(topo["trinta"], 0) }}),
# o de "quatro" no "4" ({{ pct(topo["quatro"], 0) }}), o de "cinquenta" no "5"
# ({{ pct(topo["cinquenta"], 0) }}) e o de "centavos" no último "0"
# ({{ pct(topo["centavos"], 0) }}); "mil" põe {{ pct(mil, 0) }} do peso no "1" e no ponto de
# milhar. Em R$ {{ calor[1][0] }}, "dezessete" põe {{ pct(dezessete, 0) }} do peso no "1" e no "7",
# os dois dígitos que decidem a palavra. Os "e" e a palavra "reais" espalham mais o peso (o maior
# peso de cada uma dessas linhas é, em média, {{ pct(espalhamento, 0) }}, contra {{ pct(focado, 0) }}
# nas palavras de dígito): são decididos pela posição na frase, não por um dígito. Ninguém ensinou
# esse alinhamento ao modelo: o único alvo do treino foram as palavras, e os pesos que olham para
# o dígito certo apareceram sozinhos. Que eles apareçam porque ajudam a acertar a palavra é a
# explicação natural, mas aqui é uma hipótese: não medimos o acerto com os pesos trocados.
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
def linha_feixe(nome: str) -> dict[str, str]:
    linha = {}
    for quando in (CEDO, ATUALIZACOES):
        for rotulo in ("gulosa", "feixe"):
            por_sementes = [exact_match(rodadas[nome, s][2][quando][rotulo], referencias["teste"]) for s in SEMENTES]
            linha[f"teste, {quando}, {rotulo}"] = mean_range(por_sementes, 1, percent=True)
    for rotulo in ("gulosa", "feixe"):
        por_sementes = [exact_match(rodadas[nome, s][2][f"fora {rotulo}"], referencias["fora da faixa"])
                  for s in SEMENTES]
        linha[f"fora da faixa, {ATUALIZACOES}, {rotulo}"] = mean_range(por_sementes, 1, percent=True)
    return linha


ganhos = {
    nome: [exact_match(rodadas[nome, s][2][CEDO]["feixe"], referencias["teste"])
           - exact_match(rodadas[nome, s][2][CEDO]["gulosa"], referencias["teste"]) for s in SEMENTES]
    for nome in MODELOS
}
for nome, por_sementes in ganhos.items():
    print(f"{nome}, {CEDO} atualizações: feixe menos gulosa, por semente:",
          ", ".join(f"{num(100 * g, 1)} pontos" for g in por_sementes))


def distancia_busca(no_fim: bool) -> float:
    """A maior diferença, entre os dois modelos, da média de feixe menos gulosa no acerto exato:
    no teste em UPDATES atualizações (``at_end``) ou fora da faixa."""
    certo = referencias["teste"] if no_fim else referencias["fora da faixa"]

    def escrito(nome: str, s: int, rotulo: str) -> list[str]:
        detalhes = rodadas[nome, s][2]
        return detalhes[ATUALIZACOES][rotulo] if no_fim else detalhes[f"fora {rotulo}"]

    return max(abs(media([exact_match(escrito(nome, s, "feixe"), certo)
                         - exact_match(escrito(nome, s, "gulosa"), certo) for s in SEMENTES]))
               for nome in MODELOS)


distancia_tarde, distancia_fora = distancia_busca(no_fim=True), distancia_busca(no_fim=False)
gulosa_cedo = media([exact_match(rodadas["sem atenção", s][2][CEDO]["gulosa"], referencias["teste"])
                     for s in SEMENTES])
print(f"{ATUALIZACOES} atualizações: maior diferença média entre as buscas {num(100 * distancia_tarde, 1)} "
      f"pontos no teste, {num(100 * distancia_fora, 1)} fora da faixa")
assert min(ganhos["sem atenção"]) > 0.01  # o feixe ajuda o modelo que ainda erra, em toda semente
assert max(abs(g) for g in ganhos["com atenção"]) < 0.01  # e quase não muda o que já acerta
assert distancia_tarde < 0.01 and distancia_fora < 0.03  # no fim e fora da faixa, as buscas quase empatam
tabela_feixe = pd.DataFrame({nome: linha_feixe(nome) for nome in MODELOS})
tabela_feixe.index.name = "acerto exato (conjunto, atualizações, busca)"
table(tabela_feixe)

# %% [markdown]
# A busca em feixe só ajuda onde o modelo ainda tem dúvida. No modelo sem atenção em {{ CEDO }}
# atualizações, ela ganha de {{ num(100 * min(ganhos["sem atenção"]), 1) }} a
# {{ num(100 * max(ganhos["sem atenção"]), 1) }} pontos de acerto exato, em todas as sementes (de
# {{ pct(gulosa_cedo) }} para {{ pct(gulosa_cedo + media(ganhos["sem atenção"])) }} na média). No
# modelo com atenção, que já acerta {{ pct(media(teste_em["com atenção", CEDO])) }} com a busca
# gulosa, o feixe quase não muda nada (de {{ num(100 * min(ganhos["com atenção"]), 1) }} a
# {{ num(100 * max(ganhos["com atenção"]), 1) }} pontos), e em {{ ATUALIZACOES }} atualizações as duas
# buscas ficam a no máximo {{ num(100 * distancia_tarde, 1) }} ponto uma da outra, na média. Fora da
# faixa, o feixe também não conserta (as médias das duas buscas ficam a no máximo
# {{ num(100 * distancia_fora, 1) }} ponto uma da outra): a frase errada é também, para o modelo, a
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
print(f"Tempo total do capítulo: {num(time.perf_counter() - INICIO_CAPITULO, 0)} s "
      f"em {torch.get_num_threads()} thread de CPU (treinos: {num(SEGUNDOS_TREINO, 0)} s)")

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
#     divisao = amount_split(n_train=4_000, n_test=200, n_beyond=1)
#     # entrada: cada palavra vira o seu índice + 1 (o 0 fica para o preenchimento);
#     # saída: os caracteres do valor, depois de <início> (0) e <fim> (1)
#     SAIDA = ["<início>", "<fim>", *INPUT_CHARS[1:]]
#
#
#     def codificar(valores):
#         xs = [[vocab.word_index[w] + 1 for w in amount_words(c).split()] for c in valores]
#         ys = [[SAIDA.index(ch) for ch in format_amount(c)] + [1] for c in valores]
#         wx, wy = max(map(len, xs)), max(map(len, ys))
#         x = torch.tensor([r + [0] * (wx - len(r)) for r in xs])
#         y = torch.tensor([r + [IGNORE_INDEX] * (wy - len(r)) for r in ys])
#         return x, y
#
#
#     def decodificar(linha):
#         caracteres = [SAIDA[i] for i in linha.tolist()]
#         return "".join(caracteres[: caracteres.index("<fim>")] if "<fim>" in caracteres else caracteres)
#
#
#     x, y = codificar(divisao.train)
#     lotes = [(x[i : i + 128], y[i : i + 128]) for i in range(0, len(x), 128)]
#     torch.manual_seed(seed(0))
#     modelo = Seq2Seq(vocab.num_words + 1, len(SAIDA), hidden_size=64, max_len=12)
#     configuracao = TrainConfig(lr=1e-2, max_epochs=4, max_steps=128, progress=False)
#     historico = fit(modelo, lotes, None, configuracao)
#     escrito = [decodificar(linha) for linha in modelo.greedy(codificar(divisao.test)[0])[0]]
#     certo = [format_amount(c) for c in divisao.test]
#     acerto = exact_match(escrito, certo)
#     print(f"{historico.steps} atualizações; acerto exato no teste: {pct(acerto)}")
#     for centavos, w, r in list(zip(divisao.test, escrito, certo))[:3]:
#         print(f"{amount_words(centavos)} → {w} (certo: {r})")
#     assert historico.steps == 128 and acerto >= 0.95  # quase tudo certo, com pouco treino
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
#     divisao = amount_split(n_train=4_000, n_test=300, n_beyond=1)
#     certo = [amount_words(c) for c in divisao.test]
#     tamanho, acerto = {}, {}
#     for tipo in ("dot", "additive"):
#         torch.manual_seed(seed(0))
#         modelo = Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=32, attention=tipo)
#         lotes = AmountBatches(divisao.train, vocab, 128, shuffle=True, num_batches=150,
#                                 seed=seed(0))
#         fit(modelo, lotes, None, TrainConfig(lr=1e-2, max_steps=150, progress=False))
#         tamanho[tipo] = modelo.num_parameters()
#         acerto[tipo] = exact_match(spell_amounts(modelo, divisao.test, vocab), certo)
#         print(f"{tipo:9} {num(tamanho[tipo], 0):>6} parâmetros; acerto exato {pct(acerto[tipo])}")
#     extra = tamanho["additive"] - tamanho["dot"]
#     print(f"a atenção aditiva acrescenta {num(extra, 0)} parâmetros")
#     assert extra == 32 * 32 + 32 * 32 + 32  # W_q, W_k e v, com estado e atenção de tamanho 32
#     assert min(acerto.values()) > 0.8  # as duas aprendem a tarefa com esse orçamento
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
#     hipotese, referencia = "mil e cem reais", "mil cento e dez reais"
#     edicoes = edit_distance(hipotese.split(), referencia.split())
#     print(f"{edicoes} edições em {len(referencia.split())} palavras: WER "
#           f"{pct(word_error_rate([hipotese], [referencia]))}")
#     assert edicoes == 2
#     longos = word_error_rate(["um real e um centavo e um centavo"], ["um real"])
#     print(f"WER de uma frase comprida demais: {pct(longos)}")
#     assert longos > 1
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
#     divisao = amount_split(n_train=40_000, n_test=1_000, n_beyond=500)  # a divisão do capítulo
#     com_zero = [c for c in divisao.train if "zero" in amount_words(c).split()]
#     print("R$ 0,00 no treino?", 0 in divisao.train, "| no teste?", 0 in divisao.test)
#     print("valores de treino com a palavra 'zero':", len(com_zero))
#     assert 0 in divisao.test and not com_zero
#     ```
#
#     O valor zero foi sorteado para o teste, e é o único da faixa do treino cujo extenso usa
#     "zero" (cinco centavos se escrevem "cinco centavos", sem "zero reais", pela convenção do
#     livro). No
#     treino, a palavra "zero" nunca é alvo; a perda só empurra a probabilidade dela para baixo.
#     Um modelo não escreve o que nunca precisou escrever, por mais que a atenção olhe para o
#     dígito certo. Casos especiais raros precisam estar no treino (ou ser tratados por uma
#     regra fora do modelo).
