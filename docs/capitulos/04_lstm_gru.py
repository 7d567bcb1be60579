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
# # 4. LSTM e GRU
#
# No capítulo anterior o gradiente de uma RNN simples encolheu (ou explodiu) a cada passo para
# trás, o que torna difícil aprender a lembrar um símbolo visto muitos passos antes. A LSTM
# (*Long Short-Term Memory*) e a GRU (*Gated Recurrent Unit*) atacam esse problema com
# **<dfn title="porta">portas</dfn>** (*gates*): vetores entre 0 e 1, calculados a partir da entrada
# e do estado, que multiplicam elemento a elemento o que entra, o que fica e o que sai da memória.
# Neste capítulo escrevemos as equações das duas, comparamos as células do pacote com as do
# PyTorch, comparamos as três redes na tarefa de memória e olhamos as portas das LSTMs treinadas.
# No fim, redes bidirecionais e empilhadas.

# %%
import time
from functools import partial

import pandas as pd
import torch
from torch import nn

from recorrente.cells import GRUCell, LSTMCell, RNNCell, add_forget_bias
from recorrente.common_errors import expect_error
from recorrente.formatting import mean_range, num, table
from recorrente.models import SequenceModel
from recorrente.plotting.gates import plot_accuracy_vs_distance, plot_gate_heatmaps
from recorrente.recurrent import Recurrent
from recorrente.tasks import (
    FreshBatches,
    TaskData,
    accuracy,
    memory_task,
    next_symbol_task,
)
from recorrente.training import TrainConfig, fit

torch.set_num_threads(1)  # modelos pequenos: uma thread basta e não disputa a CPU
inicio_capitulo, inicio_cpu = time.perf_counter(), time.process_time()

# %% [markdown]
# ## As equações da LSTM
#
# A LSTM carrega dois estados: a **memória** ou <dfn>estado da célula</dfn> $c_t$ (*cell state*) e o
# estado oculto $h_t$, que é também a saída de cada passo. Quatro blocos são calculados a partir
# de $x_t$ e $h_{t-1}$ (em vetores-linha, como no resto do livro):
#
# $$
# \begin{aligned}
# i_t &= \sigma(x_t W_{xi} + h_{t-1} W_{hi} + b_i) \\
# f_t &= \sigma(x_t W_{xf} + h_{t-1} W_{hf} + b_f) \\
# g_t &= \tanh(x_t W_{xg} + h_{t-1} W_{hg} + b_g) \\
# o_t &= \sigma(x_t W_{xo} + h_{t-1} W_{ho} + b_o) \\
# c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
# h_t &= o_t \odot \tanh(c_t)
# \end{aligned}
# $$
#
# Os nomes: $i_t$ é a **<dfn>porta de entrada</dfn>** (*input gate*), $f_t$ a
# **<dfn>porta de esquecimento</dfn>** (*forget gate*), $g_t$ a **<dfn>candidata</dfn>**
# (*candidate*, o conteúdo que pode entrar na memória) e $o_t$ a **<dfn>porta de saída</dfn>**
# (*output gate*); $\sigma$ é a sigmoide, que põe as portas entre 0 e 1.
#
# A porta de esquecimento decide quanto da memória antiga fica; a porta de entrada, quanto da
# candidata $g_t$ entra. A porta de saída **não** mexe na memória: ela só escolhe quanto de
# $\tanh(c_t)$ aparece em $h_t$. O caminho que importa para o gradiente é
# $c_t = f_t \odot c_{t-1} + \dots$: quando $f_t \approx 1$, a derivada
# $\partial c_t / \partial c_{t-1}$ fica perto da identidade, sem a multiplicação por $W_{hh}$
# que fazia o gradiente da RNN simples sumir.
#
# Os quatro blocos vêm de uma só multiplicação. Em `LSTMCell` do pacote, que segue a notação das
# equações ($x_t W_{xh}$), $W_{xh}$ tem forma $I \times 4H$ e $W_{hh}$ forma $H \times 4H$, com as
# **colunas** na ordem $i, f, g, o$. O PyTorch guarda as transpostas: `weight_ih_l0` tem forma
# $(4H, I)$ e `weight_hh_l0` forma $(4H, H)$, com as **linhas** nessa ordem, e calcula
# $x_t W^\top$. Há dois vieses de tamanho $4H$, $b_{xh}$ e $b_{hh}$ (`bias_ih_l0` e
# `bias_hh_l0`), que se somam. A célula seguinte imprime essas formas.
#
# ## As equações da GRU
#
# A GRU tem um só estado, $h_t$, e três blocos:
#
# $$
# \begin{aligned}
# r_t &= \sigma(x_t W_{xr} + b_{xr} + h_{t-1} W_{hr} + b_{hr}) \\
# z_t &= \sigma(x_t W_{xz} + b_{xz} + h_{t-1} W_{hz} + b_{hz}) \\
# n_t &= \tanh\big(x_t W_{xn} + b_{xn} + r_t \odot (h_{t-1} W_{hn} + b_{hn})\big) \\
# h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}
# \end{aligned}
# $$
#
# Os nomes: $r_t$ é a **<dfn>porta de reinício</dfn>** (*reset gate*), $z_t$ a
# **<dfn>porta de atualização</dfn>** (*update gate*) e $n_t$ a candidata (*candidate*).
#
# A porta de atualização faz o papel conjunto das portas de entrada e de esquecimento: com
# $z_t \approx 1$, o estado passa adiante quase intacto. A porta de reinício decide quanto do
# estado anterior entra na candidata. Um detalhe que muda os números: o PyTorch aplica $r_t$ a
# $(h_{t-1} W_{hn} + b_{hn})$ inteiro, viés incluído; o artigo original aplica $r_t$ a $h_{t-1}$
# antes da multiplicação. `GRUCell` segue o PyTorch. Os pesos da GRU seguem a mesma regra da
# LSTM, com três blocos na ordem $r, z, n$: $W_{xh}$ é $I \times 3H$ no pacote e `weight_ih_l0` é
# $(3H, I)$ no PyTorch.
#
# ## As células do pacote comparadas com as do PyTorch
#
# Copiamos os pesos de um `nn.LSTM` e de um `nn.GRU` para as células do pacote, desdobramos
# num laço simples e comparamos a sequência inteira de saídas e os estados finais.

# %%
torch.manual_seed(0)
N, T, I, H = 4, 9, 3, 5  # noqa: E741 (I como nas equações)
x = torch.randn(N, T, I)

lstm = nn.LSTM(I, H, batch_first=True)
celula_lstm = LSTMCell(I, H).load_torch_weights(lstm)
estado = celula_lstm.initial_state(N)
saidas = []
for t in range(T):
    estado = celula_lstm(x[:, t], estado)  # estado = (h_t, c_t)
    saidas.append(estado[0])
saida_torch, (h_n, c_n) = lstm(x)
torch.testing.assert_close(torch.stack(saidas, dim=1), saida_torch)
torch.testing.assert_close(estado[0], h_n[0])
torch.testing.assert_close(estado[1], c_n[0])

gru = nn.GRU(I, H, batch_first=True)
celula_gru = GRUCell(I, H).load_torch_weights(gru)
estado = celula_gru.initial_state(N)
saidas = []
for t in range(T):
    estado = celula_gru(x[:, t], estado)  # estado = (h_t,)
    saidas.append(estado[0])
saida_torch, h_n = gru(x)
torch.testing.assert_close(torch.stack(saidas, dim=1), saida_torch)
print("LSTMCell = nn.LSTM e GRUCell = nn.GRU nos", T, "passos, para os", N, "exemplos")

print(f"I = {I}, H = {H}")
for nome, blocos, modulo, celula in [("LSTM", 4, lstm, celula_lstm), ("GRU", 3, gru, celula_gru)]:
    print(
        f"{nome}: weight_ih_l0 {tuple(modulo.weight_ih_l0.shape)}, "
        f"weight_hh_l0 {tuple(modulo.weight_hh_l0.shape)}, "
        f"bias_ih_l0 {tuple(modulo.bias_ih_l0.shape)} | "
        f"W_xh {tuple(celula.W_xh.shape)}, W_hh {tuple(celula.W_hh.shape)}"
    )
    assert modulo.weight_ih_l0.shape == (blocos * H, I) == celula.W_xh.T.shape
    assert modulo.weight_hh_l0.shape == (blocos * H, H) == celula.W_hh.T.shape
    assert modulo.bias_ih_l0.shape == modulo.bias_hh_l0.shape == (blocos * H,)

# %% [markdown]
# O mesmo vale para qualquer número de camadas e para redes bidirecionais com o `Recurrent`
# do pacote, que aparece no fim do capítulo. As formas impressas confirmam a regra: o PyTorch
# guarda `weight_ih_l0` como $(4H, I) = (20, 3)$ na LSTM e $(3H, I) = (15, 3)$ na GRU, e as células
# do pacote guardam as transpostas.
#
# ## Quantos parâmetros
#
# Uma RNN simples com entrada $I$ e estado $H$ tem $W_{xh}$ ($I \times H$; no PyTorch,
# `weight_ih_l0` com forma $(H, I)$), $W_{hh}$ ($H \times H$) e dois vieses de tamanho $H$:
# $H(I + H) + 2H$ parâmetros. A LSTM repete esse
# bloco para cada um dos seus quatro blocos ($i, f, g, o$) e a GRU para os seus três
# ($r, z, n$):
#
# $$
# P_\text{RNN} = H(I + H + 2), \qquad P_\text{LSTM} = 4\,P_\text{RNN}, \qquad
# P_\text{GRU} = 3\,P_\text{RNN}.
# $$

# %%
I, H = 10, 20  # noqa: E741
P_RNN = H * (I + H + 2)


def contar(modulo: nn.Module) -> int:
    return sum(p.numel() for p in modulo.parameters())


print(f"{'':<6}{'fórmula':>9}{'nn.*':>7}{'célula':>8}")
for nome, blocos, modulo, celula in [
    ("RNN", 1, nn.RNN(I, H), RNNCell(I, H)),
    ("LSTM", 4, nn.LSTM(I, H), LSTMCell(I, H)),
    ("GRU", 3, nn.GRU(I, H), GRUCell(I, H)),
]:
    print(
        f"{nome:<6}{num(blocos * P_RNN, 0):>9}{num(contar(modulo), 0):>7}{num(contar(celula), 0):>8}"
    )
    assert contar(modulo) == contar(celula) == blocos * P_RNN

# %% [markdown]
# ## Os números do notebook de origem
#
# Um notebook que serviu de ponto de partida para este livro sorteia, com a semente 0, três
# vetores de entrada de tamanho 2 e as matrizes $W_{xh}$ ($2 \times 3$) e $W_{hh}$
# ($3 \times 3$), cria um `nn.RNN(2, 3)` e, mais adiante, um `nn.LSTM(2, 3)`, e imprime para a
# LSTM a saída do último passo $[0{,}4472; 0{,}2182; -0{,}3425]$ e
# $c_n = [0{,}6073; 0{,}5507; -0{,}6291]$. Os pesos de um módulo novo vêm do gerador global,
# então esses números dependem de tudo o que foi sorteado antes. Vamos reproduzir a ordem dos
# sorteios.

# %%
lstm_saida_origem = torch.tensor([0.4472, 0.2182, -0.3425])
lstm_c_origem = torch.tensor([0.6073, 0.5507, -0.6291])


def sorteios_iniciais():
    torch.manual_seed(0)
    xs = torch.stack([torch.randn(2) for _ in range(3)])  # três passos, duas características
    _W_xh, _W_hh = torch.randn(2, 3), torch.randn(3, 3)
    _rnn = nn.RNN(2, 3, batch_first=True)
    return xs.unsqueeze(0)  # (N=1, T=3, I=2)


def vetor(valores: torch.Tensor) -> str:
    """Um vetor como o texto o escreve: [0,4472; 0,2182; -0,3425]."""
    return "[" + "; ".join(num(v, 4) for v in valores.tolist()) + "]"


def lstm_em_seguida(x_origem):
    modulo = nn.LSTM(2, 3, batch_first=True)
    saida, (_, c) = modulo(x_origem)
    return saida[0, -1].detach(), c[0, 0].detach()


x_origem = sorteios_iniciais()
saida_direta, c_direto = lstm_em_seguida(x_origem)
print(f"LSTM logo depois do nn.RNN:   saída {vetor(saida_direta)}  c_n {vetor(c_direto)}")

x_origem = sorteios_iniciais()
SequenceModel(vocab_size=3, num_classes=3, hidden_size=8, kind="rnn")  # consome o gerador
saida_depois, c_depois = lstm_em_seguida(x_origem)
print(f"LSTM depois do modelo de 3×8: saída {vetor(saida_depois)}  c_n {vetor(c_depois)}")

reproduz_direto = torch.allclose(saida_direta, lstm_saida_origem, atol=1e-4)
reproduz_depois = torch.allclose(saida_depois, lstm_saida_origem, atol=1e-4) and torch.allclose(
    c_depois, lstm_c_origem, atol=1e-4
)
sim_nao = {True: "sim", False: "não"}
print(
    f"reproduz sem nada no meio? {sim_nao[reproduz_direto]} | "
    f"com o modelo no meio? {sim_nao[reproduz_depois]}"
)
assert not reproduz_direto and reproduz_depois

# %% [markdown]
# Com as chamadas em sequência (sementes, vetores, $W_{xh}$, $W_{hh}$, `nn.RNN`, `nn.LSTM`), os
# números **não** são os do notebook. No original, entre o `nn.RNN` e o `nn.LSTM` havia o
# treino de um pequeno modelo de caracteres (embedding $3 \times 8$, RNN $8 \to 8$, camada
# linear $8 \to 3$), cuja criação tira números do mesmo gerador. Quando criamos um modelo com
# exatamente essas camadas, na mesma ordem (o `SequenceModel` acima), os valores impressos
# pelo notebook aparecem até a quarta casa. O treino em si (Adam, sem *dropout*) não sorteia
# nada. Moral: para resultados reprodutíveis, fixe a semente imediatamente antes do que quer
# reproduzir.
#
# ## A comparação na tarefa de memória
#
# A tarefa é a do capítulo 3 (`memory_task`): um sinal entre 4 símbolos no primeiro passo, $T$
# distrações, e a resposta no último passo; o acaso acerta 0,25. Comparamos a RNN simples, a LSTM
# e a GRU com **o mesmo orçamento**: estado de tamanho 32, a mesma semente de inicialização para
# as três e os mesmos lotes de treino. Os lotes vêm de `FreshBatches`, que sorteia 32 sequências
# novas a cada atualização: nenhuma sequência se repete, e a rede não tem como decorar o treino.
# O `fit` do pacote (AdamW, taxa $10^{-2}$, corte em 1,0) conta o treino em
# <dfn title="época">épocas</dfn>, passadas completas pelos dados de treino; com lotes sempre
# novos, uma época é só um bloco de 100 lotes. São 4 épocas: 400 atualizações e 12.800 exemplos
# por rede. O acerto de treino é medido nas últimas 512 sequências que a rede viu; o de teste, em
# 1.000 sequências de outra semente. Tudo se repete com 3 sementes (inicialização e lotes), e a
# tabela mostra a média e, entre parênteses, o menor e o maior valor.
#
# Há uma quarta linha. No capítulo 3, somar 3 ao viés da porta de esquecimento fez o gradiente da
# LSTM atravessar 100 passos; aqui medimos se isso muda o que ela aprende, com o mesmo orçamento.
# O bloco da porta de esquecimento é o segundo dos quatro ($i, f, g, o$) no viés `bias_hh_l0`.

# %%
distancias = (5, 10, 20, 40)
sementes = (0, 1, 2)
TAMANHO, LOTE, LOTES_POR_EPOCA, EPOCAS = 32, 32, 100, 4
atualizacoes = LOTES_POR_EPOCA * EPOCAS
redes = {  # nome → (tipo, quanto somar ao viés da porta de esquecimento)
    "RNN simples": ("rnn", 0.0),
    "LSTM": ("lstm", 0.0),
    "LSTM, viés de f +3": ("lstm", 3.0),
    "GRU": ("gru", 0.0),
}


def criar(tipo: str, vies_f: float, semente: int) -> SequenceModel:
    torch.manual_seed(semente)
    modelo = SequenceModel(8, 4, hidden_size=TAMANHO, kind=tipo)  # 4 sinais + 4 distrações
    if vies_f:
        add_forget_bias(modelo.rnn, vies_f)  # o bloco f do viés, o segundo de i, f, g, o
    return modelo


def ultimas_do_treino(tarefa, lote: int, atualizacoes: int, semente: int) -> TaskData:
    """As últimas 512 sequências do fluxo de treino: os mesmos lotes, sorteados de novo."""
    fluxo = FreshBatches(tarefa, lote, atualizacoes, seed=semente)
    x, y = (torch.cat(partes[-(512 // lote) :]) for partes in zip(*fluxo, strict=True))
    exemplo = tarefa(1)
    return TaskData(x, y, exemplo.vocab_size, exemplo.num_classes)


print(f"{'parâmetros':<20}{'total':>7}{'só a rede recorrente':>23}")
for nome, (tipo, vies_f) in redes.items():
    modelo = criar(tipo, vies_f, 0)
    print(f"{nome:<20}{num(modelo.num_parameters(), 0):>7}{num(contar(modelo.rnn), 0):>23}")

acertos = {
    (nome, fase): {d: [] for d in distancias} for nome in redes for fase in ("treino", "teste")
}
modelos = {}
t0 = time.process_time()
for distancia in distancias:
    teste = memory_task(1000, distancia, seed=2)
    for semente in sementes:
        tarefa = partial(memory_task, distance=distancia)
        treino_visto = ultimas_do_treino(tarefa, LOTE, atualizacoes, 100 + semente)
        for nome, (tipo, vies_f) in redes.items():
            modelo = criar(tipo, vies_f, semente)
            lotes = FreshBatches(tarefa, LOTE, LOTES_POR_EPOCA, seed=100 + semente)
            fit(modelo, lotes, None, TrainConfig(lr=1e-2, max_epochs=EPOCAS, progress=False))
            acertos[nome, "treino"][distancia].append(accuracy(modelo, treino_visto))
            acertos[nome, "teste"][distancia].append(accuracy(modelo, teste))
            modelos[nome, distancia, semente] = modelo
segundos_comparacao = time.process_time() - t0
print(
    f"{len(distancias) * len(sementes) * len(redes)} treinos de {atualizacoes} atualizações "
    f"em {num(segundos_comparacao, 0)} s de CPU"
)

resumo = pd.DataFrame(
    {
        (nome, fase): [mean_range(acertos[nome, fase][d], 2) for d in distancias]
        for nome in redes
        for fase in ("treino", "teste")
    },
    index=pd.Index(distancias, name="T"),
).T.rename_axis(["rede", "acerto"])
table(resumo)

# %%
teste_de = {nome: {d: acertos[nome, "teste"][d] for d in distancias} for nome in redes}
diferenca_treino_teste = max(
    abs(a - b)
    for nome in redes
    for d in distancias
    for a, b in zip(acertos[nome, "treino"][d], acertos[nome, "teste"][d], strict=True)
)
print(
    f"maior diferença entre treino e teste, em qualquer rede, distância e semente: "
    f"{num(diferenca_treino_teste, 2)}"
)
assert diferenca_treino_teste < 0.06  # com lotes sempre novos, nada a decorar
assert all(min(teste_de[nome][5]) > 0.95 for nome in redes)  # T = 5: todas, todas as sementes
for nome in ("GRU", "LSTM, viés de f +3"):  # T = 10 e 20: tudo, em todas as sementes
    assert min(teste_de[nome][10]) > 0.95 and min(teste_de[nome][20]) > 0.95
assert max(teste_de["LSTM"][20]) < 0.35 and max(teste_de["LSTM"][40]) < 0.35  # acaso
assert max(teste_de["RNN simples"][40]) < 0.35  # acaso
assert min(teste_de["RNN simples"][10]) > 0.4  # acima do acaso em T = 10
for nome, d in [("RNN simples", 10), ("RNN simples", 20), ("LSTM", 10), ("GRU", 40)]:
    assert max(teste_de[nome][d]) - min(teste_de[nome][d]) > 0.4  # depende da semente
assert min(teste_de["GRU"][40]) < 0.35 < 0.6 < min(teste_de["LSTM, viés de f +3"][40])

# %%
fig = plot_accuracy_vs_distance(
    distancias, {nome: [teste_de[nome][d] for d in distancias] for nome in redes}, chance=0.25
)
fig

# %% [markdown]
# Primeiro, o que a tabela **não** mostra: memorização. O acerto de treino e o de teste ficam
# juntos em todas as linhas (a maior diferença, 0,05, está impressa logo abaixo da tabela),
# porque com lotes sempre novos não há um conjunto de treino para decorar. Com o mesmo orçamento (400
# atualizações, 12.800 exemplos por rede):
#
# - Com $T = 5$, as quatro acertam tudo nas três sementes.
# - A **RNN simples** depende da semente já em $T = 10$ (de 0,50 a 1,00 no teste) e em
#   $T = 20$ (de 0,24 a 1,00); em $T = 40$ fica no acaso nas três sementes.
# - A **LSTM** com a inicialização padrão é a que cai primeiro: em $T = 10$ depende da semente
#   (de 0,23 a 1,00), e de $T = 20$ em diante fica no acaso nas três sementes.
# - A **mesma LSTM com +3 no viés da porta de esquecimento** acerta tudo em $T = 10$ e
#   $T = 20$ nas três sementes, e em $T = 40$ é a única que fica longe do acaso em todas as
#   sementes (a faixa está na tabela).
# - A **GRU** acerta tudo até $T = 20$ nas três sementes; em $T = 40$ depende da semente: numa
#   acerta tudo, noutra fica no acaso.
#
# Antes de escrever estas conclusões, repetimos a comparação inteira fora do livro com as
# sementes 3, 4 e 5 (o script `benchmarks/memoria.py` do repositório; a tabela fica em
# `benchmarks/resultados/memoria.md`). Tudo o que está acima se manteve, com duas diferenças de
# grau: a RNN simples ficou no acaso em $T = 20$ nas três sementes novas, e a LSTM com o viés +3
# ficou entre 0,73 e 1,00 em $T = 40$, longe do acaso, mas sem acertar tudo numa das sementes.
# Por isso o texto não diz "a LSTM com viés acerta tudo em $T = 40$", e sim que ela não cai ao
# acaso.
#
# Dois cuidados ao ler a tabela. Primeiro, ela vale para este orçamento pequeno, não para o que
# cada rede consegue com treino à vontade: com mais atualizações, a distância em que cada uma cai
# pode mudar, e isso não foi medido aqui. Segundo, os tamanhos: as quatro têm estado de tamanho 32,
# e por isso a LSTM tem 4 vezes e a GRU 3 vezes os parâmetros recorrentes da RNN simples (as
# contas estão impressas antes do treino). Igualar os parâmetros em vez do estado daria outra
# comparação. A diferença entre as duas LSTMs, porém, não vem do tamanho: elas têm os mesmos
# pesos iniciais, os mesmos lotes, e só 32 números diferentes, os do viés da porta de
# esquecimento. A próxima seção mede o que esses 32 números mudam por dentro.
#
# ## As portas das LSTMs treinadas
#
# Copiamos os pesos de cada LSTM treinada com $T = 10$ e com $T = 20$ para `LSTMCell` e
# calculamos as portas passo a passo com `gate_values` em 200 sequências de teste. Para cada rede
# e semente, a tabela dá o acerto no teste, a porta de esquecimento $f_t$ média nos passos de
# distração, quantas das 32 unidades mantêm $f_t > 0{,}9$ em **todos** os passos de distração
# (média nas 200 sequências) e a porta de entrada $i_t$ média no passo do sinal e nas distrações.
# A primeira linha de cada bloco é a rede antes do treino.


# %%
def portas_lstm(modelo: SequenceModel, x: torch.Tensor) -> dict[str, torch.Tensor]:
    """As portas f e i de uma LSTM de uma camada em cada passo: forma (N, T, H)."""
    celula = LSTMCell(modelo.rnn.input_size, modelo.rnn.hidden_size)
    celula.load_torch_weights(modelo.rnn)
    with torch.no_grad():
        entradas = modelo.embedding(x)
        estado = celula.initial_state(x.size(0))
        portas = {"f": [], "i": []}
        for t in range(x.size(1)):
            valores = celula.gate_values(entradas[:, t], estado)
            estado = (valores["h"], valores["c"])
            for nome in portas:
                portas[nome].append(valores[nome])
    return {nome: torch.stack(v, dim=1) for nome, v in portas.items()}


linhas = []
for nome in ("LSTM", "LSTM, viés de f +3"):
    for distancia in (10, 20):
        amostra = memory_task(200, distancia, seed=7)
        candidatos = [("sem treino", criar(redes[nome][0], redes[nome][1], 0))]
        candidatos += [(f"semente {s}", modelos[nome, distancia, s]) for s in sementes]
        for rotulo, modelo in candidatos:
            p = portas_lstm(modelo, amostra.x)
            f_distr, i = p["f"][:, 1:], p["i"]
            linhas.append(
                {
                    "rede": nome,
                    "T": distancia,
                    "modelo": rotulo,
                    "acerto no teste": accuracy(modelo, memory_task(1000, distancia, seed=2)),
                    "f nas distrações": float(f_distr.mean()),
                    "unidades com f > 0,9": float(
                        (f_distr > 0.9).all(dim=1).sum(dim=1).float().mean()
                    ),
                    "i no sinal": float(i[:, 0].mean()),
                    "i nas distrações": float(i[:, 1:].mean()),
                }
            )
portas_tabela = pd.DataFrame(linhas).set_index(["rede", "T", "modelo"])
treinadas = portas_tabela.drop(index="sem treino", level="modelo")
aprendeu = treinadas["acerto no teste"] > 0.95
no_acaso = treinadas["acerto no teste"] < 0.35
f_aprendeu, f_acaso = (
    treinadas["f nas distrações"][aprendeu],
    treinadas["f nas distrações"][no_acaso],
)
print(
    f"f médio nas distrações: {num(f_aprendeu.min(), 2)} a {num(f_aprendeu.max(), 2)} nas LSTMs "
    f"que acertam tudo, {num(f_acaso.min(), 2)} a {num(f_acaso.max(), 2)} nas que ficam no acaso"
)
assert f_acaso.max() < 0.4 < 0.55 < f_aprendeu.min()
assert (treinadas["unidades com f > 0,9"][aprendeu] >= 3).all()
assert (treinadas["unidades com f > 0,9"][no_acaso] < 1).all()
iniciais = portas_tabela.xs("sem treino", level="modelo")["f nas distrações"]
assert (iniciais["LSTM"].between(0.45, 0.55)).all() and (iniciais["LSTM, viés de f +3"] > 0.9).all()
casas = {"acerto no teste": 3, "unidades com f > 0,9": 1}
table(portas_tabela, {coluna: casas.get(coluna, 2) for coluna in portas_tabela.columns})

# %% [markdown]
# A tabela mede o mecanismo que as equações sugeriam. Antes do treino, a LSTM padrão tem
# $f_t \approx 0{,}50$ nas distrações e nenhuma unidade acima de 0,9. As que ficam no acaso
# terminam o treino com a porta de esquecimento **mais fechada** do que começaram (de 0,25 a 0,27,
# como impresso acima da tabela), ainda sem nenhuma unidade que segure a memória pelas
# distrações: a rede apaga $c_t$ a cada passo e não tem como levar o sinal até o fim. As duas
# LSTMs padrão que acertaram $T = 10$ fizeram o contrário: abriram a porta (0,61 e 0,69) e
# criaram um grupo de unidades (8,1 e 12,3 em média) com $f_t > 0{,}9$ em todos os passos de
# distração. Por essas unidades o sinal atravessa a sequência pelo caminho aditivo
# $c_t = f_t \odot c_{t-1} + i_t \odot g_t$, que é justamente o que a RNN simples não tem. Com +3
# no viés, a rede já começa com $f_t$ perto de 0,95 e mais de 20 unidades acima de 0,9, e o treino
# mantém isso: ela não precisa aprender a abrir a porta, e é essa a diferença entre as duas linhas
# de LSTM da comparação.
#
# Com as sementes 3, 4 e 5 (a segunda tabela de `benchmarks/resultados/memoria.md`), o quadro da
# porta de esquecimento se repetiu: as LSTMs que ficaram no acaso terminaram com $f_t$ entre 0,27
# e 0,29 e nenhuma unidade acima de 0,9; as que aprenderam, mesmo em parte (uma acertou 0,751),
# terminaram com $f_t$ de 0,64 a 0,98 e um grupo de unidades acima de 0,9.
#
# A porta de entrada, por outro lado, não segue uma regra que valha para todas as sementes. Em
# algumas redes, $i_t$ é quase o mesmo no passo do sinal e nas distrações (a rede não fecha a
# entrada para as distrações; basta que o que elas escrevem não apague o sinal nas unidades que
# o guardam); noutras, fica mais aberta no passo do sinal. Nesta tabela, as LSTMs com o viés +3
# estão mais perto do primeiro caso e as LSTMs padrão no segundo, mas nas sementes 3 a 5
# apareceram as duas coisas nos dois tipos. O que separa as redes que acertam das que não
# acertam é a porta de esquecimento, não a de entrada.
#
# Abaixo, o retrato de uma dessas redes numa sequência só: a LSTM padrão da primeira semente que
# acertou tudo em $T = 10$. Cada figura mostra as 32 unidades (linhas) em cada passo (colunas).

# %%
semente_boa = next(s for s, a in zip(sementes, teste_de["LSTM"][10], strict=True) if a > 0.95)
modelo_lstm = modelos["LSTM", 10, semente_boa]
sequencia = memory_task(1, 10, seed=7)
portas = {nome: v[0] for nome, v in portas_lstm(modelo_lstm, sequencia.x).items()}  # (T+1, H)
with torch.no_grad():
    previsto = int(modelo_lstm(sequencia.x)[0][0, -1].argmax())

rotulos = [f"s{v}" if v < 4 else f"d{v - 4}" for v in sequencia.x[0].tolist()]
print(
    f"semente {semente_boa}; sequência:",
    " ".join(rotulos),
    f"| sinal s{int(sequencia.x[0, 0])}, previsto s{previsto}",
)
lembram = int((portas["f"][1:] > 0.9).all(dim=0).sum())
print(f"unidades com f > 0,9 em todas as distrações desta sequência: {lembram} de {TAMANHO}")
assert previsto == int(sequencia.x[0, 0]) and lembram >= 3

# %%
fig = plot_gate_heatmaps(
    {
        "f": portas["f"],  # os títulos vêm de GATE_TITLES: "porta de esquecimento f_t"
        "i": portas["i"],
    },
    rotulos,
)
fig

# %% [markdown]
# As faixas claras, quase amarelas, na figura de cima são as unidades que mantêm a porta de
# esquecimento aberta pelas distrações (quantas são está impresso acima). No primeiro passo a
# porta de esquecimento não importa: $c_0 = 0$. Isso é o retrato de uma rede e de uma sequência;
# a tabela acima é o que vale para as outras sementes.
#
# ## Bidirecional: quando o futuro importa
#
# Na tarefa `next_symbol_task`, o rótulo de cada posição é o símbolo **seguinte**. Uma rede
# que lê da esquerda para a direita nunca viu esse símbolo quando precisa responder; o melhor
# que pode fazer é chutar (acaso: $1/5$). Uma rede **bidirecional** roda uma segunda rede de
# trás para a frente e concatena os dois estados em cada passo: a parte reversa, no passo $t$,
# já leu $x_{t+1}$.
#
# Comparamos as duas com o mesmo método da seção anterior: GRU de estado 16, lotes novos de 64
# sequências de 20 passos (`FreshBatches`), 64 atualizações (4.096 exemplos) para cada uma,
# 3 sementes, acerto de treino nas últimas 512 sequências vistas e de teste em 1.000 sequências
# de outra semente.

# %%
tarefa_bi = partial(next_symbol_task, length=20, vocab_size=5)
teste_bi = next_symbol_task(1000, 20, vocab_size=5, seed=2)
acerto_bi = {(bi, fase): [] for bi in (False, True) for fase in ("treino", "teste")}
t0 = time.process_time()
for semente in sementes:
    treino_visto = ultimas_do_treino(tarefa_bi, 64, 64, 100 + semente)
    for bidirecional in (False, True):
        torch.manual_seed(semente)
        modelo = SequenceModel(5, 5, hidden_size=16, kind="gru", bidirectional=bidirecional)
        lotes = FreshBatches(tarefa_bi, 64, 16, seed=100 + semente)
        fit(modelo, lotes, None, TrainConfig(lr=1e-2, max_epochs=4, progress=False))
        acerto_bi[bidirecional, "treino"].append(accuracy(modelo, treino_visto))
        acerto_bi[bidirecional, "teste"].append(accuracy(modelo, teste_bi))
print(
    f"({num(2 * len(sementes), 0)} treinos em {num(time.process_time() - t0, 1)} s de CPU; "
    f"acaso: {num(1 / 5, 2)})"
)
assert max(acerto_bi[False, "teste"]) < 0.3 < 0.9 < min(acerto_bi[True, "teste"])
table(
    pd.DataFrame(
        {
            fase: [mean_range(acerto_bi[bi, fase], 3) for bi in (False, True)]
            for fase in ("treino", "teste")
        },
        index=pd.Index(["unidirecional", "bidirecional"], name="GRU"),
    )
)

# %% [markdown]
# Nas três sementes, a rede unidirecional fica no acaso e a bidirecional resolve a tarefa, no
# treino e no teste (veja a tabela). O mesmo motivo impede uma rede bidirecional de **gerar
# texto**: para gerar, a rede escolhe o próximo caractere e o realimenta como entrada; a direção
# reversa precisaria ler um futuro que ainda não existe. Bidirecionais servem para *analisar* uma
# sequência que já está inteira (classificar, rotular cada posição), não para continuá-la.
#
# ## Camadas empilhadas, *dropout* e o que há em h_n e c_n
#
# Com `num_layers=L`, a saída de cada camada (todos os $h_t$) vira a entrada da camada de
# cima; com `dropout=p`, essa saída passa por *dropout* entre camadas (nunca depois da
# última), só no modo de treino. Numa LSTM de 2 camadas bidirecional, `h_n` e `c_n` têm forma
# $(L \cdot 2, N, H)$: uma linha por camada e direção, na ordem camada 0 ida, camada 0 volta,
# camada 1 ida, camada 1 volta. `h_n.view(L, 2, N, H)` separa os dois índices. A saída
# `output` só tem a última camada, com as duas direções concatenadas: a ida termina no último
# passo e a volta termina no **primeiro**.

# %%
torch.manual_seed(0)
L, N, T, I, H = 2, 3, 7, 4, 6  # noqa: E741
lstm_2b = nn.LSTM(I, H, num_layers=L, bidirectional=True, dropout=0.2, batch_first=True).eval()
x = torch.randn(N, T, I)
output, (h_n, c_n) = lstm_2b(x)
print("output:", tuple(output.shape), " h_n:", tuple(h_n.shape), " c_n:", tuple(c_n.shape))

por_camada = h_n.view(L, 2, N, H)  # (camada, direção, N, H)
torch.testing.assert_close(por_camada[-1, 0], output[:, -1, :H])  # ida: último passo
torch.testing.assert_close(por_camada[-1, 1], output[:, 0, H:])  # volta: primeiro passo
assert c_n.view(L, 2, N, H).shape == (L, 2, N, H)

nosso = Recurrent.from_torch(lstm_2b).eval()
nossa_saida, (nosso_h, nosso_c) = nosso(x)
torch.testing.assert_close(nossa_saida, output)
torch.testing.assert_close(nosso_c, c_n)
print("h_n[camada 1, ida] = output[:, -1, :H]; h_n[camada 1, volta] = output[:, 0, H:]")
print("Recurrent (células do pacote) = nn.LSTM de 2 camadas bidirecional")

# %% [markdown]
# `c_n` tem a mesma organização, mas a memória $c$ nunca aparece em `output`: ela só sai no
# estado final. As camadas de baixo também só aparecem em `h_n`/`c_n` (linhas 0 e 1), nunca em
# `output`. O *dropout* entre camadas só age em `.train()`; por isso a comparação acima usa
# `.eval()`.
#
# !!! warning "Erro comum: uma LSTM com um tensor só como estado"
#
#     O estado da LSTM são **dois** tensores, $h$ e $c$. Quem troca uma GRU por uma LSTM e
#     continua passando só `h_0` recebe uma mensagem que não fala de estado nenhum: a LSTM tenta
#     ler `h_0[0]` e `h_0[1]` como se fossem $h_0$ e $c_0$, e com uma camada só não há linha 1.

# %% tags=["caixa"]
lstm_1 = nn.LSTM(4, 6)
x_1 = torch.randn(7, 3, 4)  # (T, N, I)
with expect_error("lstm-com-um-tensor-so"):
    lstm_1(x_1, torch.zeros(1, 3, 6))  # só h_0

# %% tags=["caixa"]
# A correção: a tupla (h_0, c_0), cada um (L*D, N, H); e a saída traz (h_n, c_n).
saida_1, (h_n_1, c_n_1) = lstm_1(x_1, (torch.zeros(1, 3, 6), torch.zeros(1, 3, 6)))

# %% [markdown]
#     Com duas camadas ou mais, o mesmo engano dá outra mensagem, que reclama de `hx` e `cx`
#     com 2 dimensões em vez de 3: `h_0[0]` e `h_0[1]` existem, mas são matrizes $(N, H)$. A
#     correção é a mesma.
#
# Uma opção que só a LSTM tem é `proj_size=P`: cada $h_t$ passa por uma projeção linear
# (`weight_hr_l{l}`, de forma $(P, H)$) e fica com $P < H$ números, enquanto a memória $c_t$
# continua com $H$. Com isso, `output` tem $D P$ colunas, `h_0` e `h_n` têm forma
# $(L D, N, P)$, e `c_0` e `c_n` continuam $(L D, N, H)$. A
# [folha de consulta](../referencia/folha.md) reúne essas formas.
#
# !!! warning "Erro comum: `h_0` com `hidden_size` numa LSTM com `proj_size`"
#
#     Com `proj_size=P`, o `h_0` tem $P$ números por camada e direção, não $H$:

# %% tags=["caixa"]
lstm_p = nn.LSTM(4, 6, proj_size=2)  # H = 6, P = 2
with expect_error("proj-size"):
    lstm_p(x_1, (torch.zeros(1, 3, 6), torch.zeros(1, 3, 6)))  # h_0 com H: errado

# %% tags=["caixa"]
# A correção: h_0 com P = proj_size, c_0 com H = hidden_size.
saida_p, (h_n_p, c_n_p) = lstm_p(x_1, (torch.zeros(1, 3, 2), torch.zeros(1, 3, 6)))

# %% [markdown]
#     A mensagem chama o estado de `hidden[0]` (é `h_0`); um erro só em `c_0` apareceria como
#     `hidden[1]`.

# %%
print(
    f"tempo total do capítulo: {num(time.perf_counter() - inicio_capitulo, 0)} s de relógio, "
    f"{num(time.process_time() - inicio_cpu, 0)} s de CPU"
)

# %% [markdown]
# ## Resumo
#
# - A LSTM guarda uma memória $c_t$ que é atualizada por soma, com a porta de esquecimento
#   controlando quanto fica e a porta de entrada quanto entra; a porta de saída produz $h_t$ a
#   partir de $\tanh(c_t)$.
# - A GRU funde as duas primeiras na porta de atualização e tem um estado só; no PyTorch a porta
#   de reinício multiplica $(h_{t-1} W_{hn} + b_{hn})$.
# - Parâmetros: 4 vezes (LSTM) e 3 vezes (GRU) os de uma RNN simples do mesmo tamanho. O PyTorch
#   guarda os pesos de entrada como `weight_ih_l0` de forma $(4H, I)$ na LSTM e $(3H, I)$ na GRU,
#   as transpostas do $W_{xh}$ das equações.
# - Na tarefa de memória, com o mesmo orçamento (400 atualizações com lotes sempre novos, 3
#   sementes), a GRU acertou tudo até $T = 20$; a LSTM com a inicialização padrão caiu ao acaso
#   já em $T = 20$, e as que caíram terminaram o treino com a porta de esquecimento mais
#   fechada do que começaram; com +3 no viés dessa porta, a mesma LSTM foi a única que ficou
#   longe do acaso em $T = 40$ em todas as sementes. A RNN simples dependeu da semente em
#   $T = 10$ e $T = 20$ e ficou no acaso em $T = 40$.
# - Bidirecionais enxergam o futuro da sequência e por isso não geram texto; `h_n` de uma rede
#   de $L$ camadas e 2 direções se lê com `h_n.view(L, 2, N, H)`.
#
# ## Exercícios
#
# 1. Mostre que a variante da GRU do artigo original, com $r_t$ aplicado a $h_{t-1}$ antes de
#    multiplicar por $W_{hn}$, dá números diferentes dos do `nn.GRU`, e que `GRUCell` bate com
#    o `nn.GRU`.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from torch import nn
#         from recorrente.cells import GRUCell
#         from recorrente.formatting import num
#
#         torch.manual_seed(0)
#         gru = nn.GRU(3, 4)
#         celula = GRUCell(3, 4).load_torch_weights(gru)
#         x, h = torch.randn(2, 3), torch.randn(2, 4)
#         v = celula.gate_values(x, (h,))
#         W_xn, W_hn = celula.W_xh[:, 8:], celula.W_hh[:, 8:]
#         b_xn, b_hn = celula.b_xh[8:], celula.b_hh[8:]
#         n_artigo = torch.tanh(x @ W_xn + b_xn + (v["r"] * h) @ W_hn + b_hn)
#         h_artigo = (1 - v["z"]) * n_artigo + v["z"] * h
#         h_torch = gru(x.unsqueeze(0), h.unsqueeze(0))[1][0]
#         torch.testing.assert_close(v["h"], h_torch)
#         print("diferença máxima entre as variantes:", num((h_artigo - h_torch).abs().max().item(), 4))
#         assert not torch.allclose(h_artigo, h_torch)
#         ```
#
# 2. Numa LSTM, force $f_t = 1$ e $i_t = 0$ (vieses enormes) e mostre que a memória $c_t$
#    passa intacta por 50 passos, seja qual for a entrada.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from recorrente.cells import LSTMCell
#         from recorrente.formatting import num
#
#         torch.manual_seed(0)
#         H = 4
#         celula = LSTMCell(2, H)
#         with torch.no_grad():
#             celula.b_xh[:H] = -50.0       # porta de entrada ~ 0
#             celula.b_xh[H:2 * H] = 50.0   # porta de esquecimento ~ 1
#         c0 = torch.randn(1, H)
#         estado = (torch.zeros(1, H), c0)
#         for x_t in torch.randn(50, 1, 2):
#             estado = celula(x_t, estado)
#         torch.testing.assert_close(estado[1], c0)
#         print("c_0  =", "; ".join(num(v, 4) for v in c0[0].tolist()))
#         print("c_50 =", "; ".join(num(v, 4) for v in estado[1][0].tolist()))
#         ```
#
# 3. Para uma GRU de 3 camadas bidirecional, confira a fórmula do número de parâmetros (a
#    camada 0 recebe $I$ características; as de cima recebem $2H$) e a posição da camada do
#    topo em `h_n`.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from torch import nn
#         from recorrente.formatting import num
#
#         I, H, L, N, T = 5, 7, 3, 2, 6
#         gru = nn.GRU(I, H, num_layers=L, bidirectional=True, batch_first=True)
#         por_direcao = lambda entrada: 3 * (H * (entrada + H) + 2 * H)
#         esperado = 2 * por_direcao(I) + 2 * (L - 1) * por_direcao(2 * H)
#         total = sum(p.numel() for p in gru.parameters())
#         assert total == esperado, (total, esperado)
#         output, h_n = gru(torch.randn(N, T, I))
#         topo = h_n.view(L, 2, N, H)[-1]
#         torch.testing.assert_close(topo[0], output[:, -1, :H])
#         torch.testing.assert_close(topo[1], output[:, 0, H:])
#         print(f"{num(total, 0)} parâmetros; h_n tem forma {tuple(h_n.shape)}")
#         ```
