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
# No capítulo anterior o gradiente de uma RNN de Elman encolheu (ou explodiu) a cada passo para
# trás, e a rede não aprendeu a lembrar um símbolo visto 30 passos antes. A LSTM (*Long Short-Term
# Memory*) e a GRU (*Gated Recurrent Unit*) atacam esse problema com
# **<dfn title="porta">portas</dfn>** (*gates*): vetores entre 0 e 1, calculados a partir da entrada
# e do estado, que multiplicam elemento a elemento o que entra, o que fica e o que sai da memória.
# Neste capítulo escrevemos as equações das duas, conferimos as células do pacote contra o PyTorch,
# olhamos as portas de uma LSTM treinada e comparamos as três redes na tarefa de memória. No fim,
# redes bidirecionais e empilhadas.

# %%
import time

import torch
from torch import nn

from recorrente.cells import GRUCell, LSTMCell, RNNCell
from recorrente.models import SequenceModel
from recorrente.plotting.gates import plot_accuracy_vs_distance, plot_gate_heatmaps
from recorrente.recurrent import Recurrent
from recorrente.tasks import accuracy, majority_accuracy, memory_task, next_symbol_task
from recorrente.training import TrainConfig, fit

torch.set_num_threads(1)  # modelos pequenos: uma thread basta e não disputa a CPU
inicio_capitulo = time.perf_counter()

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
# que fazia o gradiente da RNN sumir.
#
# No PyTorch (e em `LSTMCell` do pacote), os quatro blocos vêm de uma só multiplicação:
# $W_{xh}$ tem forma $I \times 4H$, com as colunas na ordem $i, f, g, o$, e há dois vieses,
# $b_{xh}$ e $b_{hh}$, que se somam.
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
# antes da multiplicação. `GRUCell` segue o PyTorch.
#
# ## As células do pacote contra o PyTorch
#
# Copiamos os pesos de um `nn.LSTM` e de um `nn.GRU` para as células do pacote, desenrolamos
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

# %% [markdown]
# O mesmo vale para qualquer número de camadas e para redes bidirecionais com o `Recurrent`
# do pacote, que aparece no fim do capítulo.
#
# ## Quantos parâmetros
#
# Uma RNN de Elman com entrada $I$ e estado $H$ tem $W_{xh}$ ($I \times H$), $W_{hh}$
# ($H \times H$) e dois vieses de tamanho $H$: $H(I + H) + 2H$ parâmetros. A LSTM repete esse
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
    print(f"{nome:<6}{blocos * P_RNN:>9}{contar(modulo):>7}{contar(celula):>8}")
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


def lstm_em_seguida(x_origem):
    modulo = nn.LSTM(2, 3, batch_first=True)
    saida, (_, c) = modulo(x_origem)
    return saida[0, -1].detach(), c[0, 0].detach()


x_origem = sorteios_iniciais()
saida_direta, c_direto = lstm_em_seguida(x_origem)
print("LSTM logo depois do nn.RNN:  saída", saida_direta, " c_n", c_direto)

x_origem = sorteios_iniciais()
SequenceModel(vocab_size=3, num_classes=3, hidden_size=8, kind="rnn")  # consome o gerador
saida_depois, c_depois = lstm_em_seguida(x_origem)
print("LSTM depois do modelo de 3×8: saída", saida_depois, " c_n", c_depois)

reproduz_direto = torch.allclose(saida_direta, lstm_saida_origem, atol=1e-4)
reproduz_depois = torch.allclose(saida_depois, lstm_saida_origem, atol=1e-4) and torch.allclose(
    c_depois, lstm_c_origem, atol=1e-4
)
print("reproduz sem nada no meio?", reproduz_direto, "| com o modelo no meio?", reproduz_depois)
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
# distrações, e a resposta no último passo. Treinamos RNN, LSTM e GRU com **o mesmo orçamento**:
# estado de tamanho 32, 256 sequências de treino em lotes de 32, 40 <dfn title="época">épocas</dfn>
# (passadas completas pelo treino; 320 atualizações) com o `fit` do pacote (AdamW, taxa $10^{-2}$,
# corte em 1,0), a mesma semente de inicialização; o acerto é medido em 512 sequências de teste, de
# outra semente.

# %%
distancias = (5, 10, 20, 50)
tipos = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
acertos = {nome: [] for nome in tipos.values()}
modelos = {}
t0 = time.perf_counter()
for distancia in distancias:
    treino = memory_task(256, distancia, seed=1)
    teste = memory_task(512, distancia, seed=2)
    for tipo, nome in tipos.items():
        torch.manual_seed(0)
        modelo = SequenceModel(treino.vocab_size, treino.num_classes, hidden_size=32, kind=tipo)
        fit(modelo, treino.batches(32), None, TrainConfig(lr=1e-2, max_epochs=40, progress=False))
        acertos[nome].append(accuracy(modelo, teste))
        modelos[tipo, distancia] = modelo
segundos_comparacao = time.perf_counter() - t0
maioria = majority_accuracy(memory_task(256, 5, seed=1), memory_task(512, 5, seed=2))

print(f"{'T':>4}" + "".join(f"{nome:>7}" for nome in acertos))
for k, distancia in enumerate(distancias):
    print(f"{distancia:>4}" + "".join(f"{acertos[nome][k]:>7.3f}" for nome in acertos))
print(f"acaso: 0.250; classe majoritária (T = 5): {maioria:.3f}")
print(f"(12 treinos em {segundos_comparacao:.0f} s)")

assert all(acertos[nome][k] > 0.95 for nome in acertos for k in (0, 1))  # T = 5 e 10
assert acertos["GRU"][2] > 0.95 and acertos["RNN"][2] < 0.35  # T = 20
assert all(acertos[nome][3] < 0.4 for nome in acertos)  # T = 50

# %%
fig = plot_accuracy_vs_distance(distancias, acertos, chance=0.25)
fig

# %% [markdown]
# Com $T = 5$ e $T = 10$ as três redes acertam tudo. Em $T = 20$ elas se separam: a RNN de
# Elman fica no acaso, a LSTM acerta só parte do teste e a GRU continua acertando tudo. Em
# $T = 50$, com este orçamento, **nenhuma** das três aprende: as três ficam perto do acaso.
#
# Dois cuidados ao ler a tabela. Primeiro, ela compara redes com o mesmo orçamento pequeno, não
# o que cada uma consegue com treino à vontade; com mais atualizações, ou com o viés da porta de
# esquecimento iniciado alto (no capítulo 3, isso fez o gradiente atravessar 100 passos), a
# LSTM e a GRU tendem a ir mais longe, mas isso não foi medido aqui. Segundo, na inicialização
# padrão a LSTM começa com a porta de esquecimento perto de 0,5, e o gradiente que medimos no
# capítulo anterior encolhia mais rápido nela (taxa de 0,638 por passo) do que na RNN de raio
# espectral 1 (0,868): a vantagem das portas precisa ser aprendida, e aprender leva
# atualizações. O que a tabela mostra com segurança é o limite da
# RNN de Elman, entre 10 e 20 passos nesta configuração, e a GRU indo além dele.
#
# ## As portas de uma LSTM treinada
#
# Abrimos a LSTM treinada com $T = 10$ (que acerta a tarefa) e calculamos as portas passo a
# passo numa sequência de teste, copiando os pesos para `LSTMCell` e usando `gate_values`. As
# figuras mostram, para cada uma das 32 unidades (linhas) e cada passo (colunas), a porta de
# esquecimento $f_t$ e a porta de entrada $i_t$.

# %%
modelo_lstm = modelos["lstm", 10]
celula = LSTMCell(32, 32).load_torch_weights(modelo_lstm.rnn)
sequencia = memory_task(1, 10, seed=7)
with torch.no_grad():
    entradas = modelo_lstm.embedding(sequencia.x)  # (1, T+1, 32)
    estado = celula.initial_state(1)
    portas = {"f": [], "i": []}
    for t in range(entradas.size(1)):
        valores = celula.gate_values(entradas[:, t], estado)
        estado = (valores["h"], valores["c"])
        for nome in portas:
            portas[nome].append(valores[nome][0])
    portas = {nome: torch.stack(v) for nome, v in portas.items()}  # (T+1, 32)
    previsto = int(modelo_lstm(sequencia.x)[0][0, -1].argmax())

rotulos = [f"s{v}" if v < 4 else f"d{v - 4}" for v in sequencia.x[0].tolist()]
print("sequência:", " ".join(rotulos), f"| sinal s{int(sequencia.x[0, 0])}, previsto s{previsto}")
f, i = portas["f"], portas["i"]
print(f"porta de entrada média: passo do sinal {i[0].mean():.2f}, distrações {i[1:].mean():.2f}")
lembram = int((f[1:] > 0.9).all(dim=0).sum())
print(f"unidades com f > 0,9 em todas as distrações: {lembram} de 32")
assert previsto == int(sequencia.x[0, 0])
assert abs(float(i[0].mean() - i[1:].mean())) < 0.1 and lembram >= 5

# %%
fig = plot_gate_heatmaps(
    {
        "porta de esquecimento f_t (forget gate)": portas["f"],
        "porta de entrada i_t (input gate)": portas["i"],
    },
    rotulos,
)
fig

# %% [markdown]
# Duas leituras, conferidas nos números impressos acima da figura:
#
# - A porta de entrada **não** se abre só no passo do sinal: a média dela no primeiro passo e
#   nas distrações é parecida. A rede não precisa fechar a entrada para as distrações; basta que
#   o que elas escrevem na memória não apague a informação do sinal nas unidades que a guardam.
# - Um grupo de unidades (as faixas claras, quase amarelas, na figura de cima; quantas são está
#   impresso) mantém a porta de esquecimento acima de 0,9 em **todos** os passos de distração.
#   Por essas unidades o sinal atravessa a sequência pelo caminho aditivo
#   $c_t = f_t \odot c_{t-1} + i_t \odot g_t$, que é justamente o que a RNN de Elman não tem.
#
# Isso é o retrato de uma rede e de uma sequência; outra semente daria outras unidades e outros
# valores. (No primeiro passo a porta de esquecimento não importa: $c_0 = 0$.)
#
# ## Bidirecional: quando o futuro importa
#
# Na tarefa `next_symbol_task`, o rótulo de cada posição é o símbolo **seguinte**. Uma rede
# que lê da esquerda para a direita nunca viu esse símbolo quando precisa responder; o melhor
# que pode fazer é chutar (acaso: $1/5$). Uma rede **bidirecional** roda uma segunda rede de
# trás para a frente e concatena os dois estados em cada passo: a parte reversa, no passo $t$,
# já leu $x_{t+1}$.

# %%
treino_bi = next_symbol_task(512, 20, vocab_size=5, seed=1)
teste_bi = next_symbol_task(512, 20, vocab_size=5, seed=2)
acerto_bi = {}
t0 = time.perf_counter()
for bidirecional in (False, True):
    torch.manual_seed(0)
    modelo = SequenceModel(5, 5, hidden_size=16, kind="gru", bidirectional=bidirecional)
    fit(modelo, treino_bi.batches(64), None, TrainConfig(lr=1e-2, max_epochs=8, progress=False))
    acerto_bi[bidirecional] = accuracy(modelo, teste_bi)
print(f"unidirecional: {acerto_bi[False]:.3f}   bidirecional: {acerto_bi[True]:.3f}   acaso: 0.200")
print(f"(dois treinos em {time.perf_counter() - t0:.1f} s)")
assert acerto_bi[False] < 0.3 < 0.9 < acerto_bi[True]

# %% [markdown]
# A rede unidirecional fica no acaso e a bidirecional resolve a tarefa (veja os números
# impressos). O mesmo motivo impede uma rede bidirecional de **gerar texto**: para gerar, a
# rede escolhe o próximo caractere e o realimenta como entrada; a direção reversa precisaria
# ler um futuro que ainda não existe. Bidirecionais servem para *analisar* uma sequência que
# já está inteira (classificar, rotular cada posição), não para continuá-la.
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

# %%
print(f"tempo total do capítulo: {time.perf_counter() - inicio_capitulo:.0f} s")

# %% [markdown]
# ## Resumo
#
# - A LSTM guarda uma memória $c_t$ que é atualizada por soma, com a porta de esquecimento
#   controlando quanto fica e a porta de entrada quanto entra; a porta de saída produz $h_t$ a
#   partir de $\tanh(c_t)$.
# - A GRU funde as duas primeiras na porta de atualização e tem um estado só; no PyTorch a porta
#   de reinício multiplica $(h_{t-1} W_{hn} + b_{hn})$.
# - Parâmetros: 4 vezes (LSTM) e 3 vezes (GRU) os de uma RNN do mesmo tamanho.
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
#         print("diferença máxima entre as variantes:", (h_artigo - h_torch).abs().max().item())
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
#         print("c_0 =", c0, "\nc_50 =", estado[1])
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
#         print(f"{total} parâmetros; h_n tem forma {tuple(h_n.shape)}")
#         ```
