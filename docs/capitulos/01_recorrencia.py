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
# # 1. Recorrência à mão
#
# Uma rede recorrente é uma rede comum com uma ideia a mais: ela carrega um **estado** de um
# passo da sequência para o próximo. Neste capítulo fazemos essa conta à mão, com três vetores
# e duas matrizes, e depois mostramos que o `nn.RNN` do PyTorch e a célula do pacote
# `recorrente` fazem exatamente a mesma coisa.
#
# ## Camada oculta não é estado oculto
#
# Num perceptron multicamadas (MLP), a **<dfn>camada oculta</dfn>** é só uma etapa intermediária
# entre a entrada e a saída. Para um <dfn>lote</dfn> $X$ com $n$ exemplos de $d$ características,
#
# $$
# H = \phi(X W_{xh} + b_h), \qquad O = H W_{hq} + b_q,
# $$
#
# e a linha $i$ de $H$ só depende da linha $i$ de $X$: a camada oculta é calculada do zero para
# cada entrada e não guarda nada de uma entrada para a próxima. Numa rede recorrente, cada exemplo
# é uma **sequência** $x_1, x_2, \dots, x_T$, e o **<dfn>estado oculto</dfn>** leva informação de
# um passo dessa sequência para o seguinte: no <dfn title="passo de tempo">passo</dfn> $t$, a rede
# combina a entrada atual $x_t$ com o estado anterior $h_{t-1}$ **da mesma sequência**,
#
# $$
# h_t = \tanh\left(x_t W_{xh} + b_{xh} + h_{t-1} W_{hh} + b_{hh}\right).
# $$
#
# Essa equação é a **<dfn>recorrência</dfn>**: $h_t$ é definido a partir de $h_{t-1}$, que por sua
# vez veio de $h_{t-2}$, e assim por diante até o estado inicial $h_0$ (em geral, zeros). Os pesos
# $W_{xh}$, $W_{hh}$ e os vieses $b_{xh}$, $b_{hh}$ são **os mesmos em todos os passos**. Por isso o
# número de parâmetros não cresce com o tamanho da sequência.
#
# Repare no que a recorrência liga: os passos de **uma** sequência, não os exemplos de um lote.
# Duas sequências processadas juntas continuam independentes uma da outra, como as linhas de $X$
# no MLP; o que muda é que, dentro de cada sequência, o passo $t$ depende dos anteriores. Logo
# depois da conta passo a passo, medimos as duas coisas.
#
# Desenhar a rede <dfn title="desdobramento no tempo">desdobrada no tempo</dfn> ajuda a ver
# isso: cada caixa abaixo é a mesma <dfn title="célula recorrente">célula</dfn>, aplicada de
# novo a cada passo.

# %%
import pandas as pd
import torch
from torch import nn

from recorrente import RNNCell
from recorrente.common_errors import expect_error
from recorrente.formatting import num, table, vec
from recorrente.plotting.diagrams import unrolled_rnn
from recorrente.reproducibility import seed

fig = unrolled_rnn(steps=4)
fig

# %% [markdown]
# ## A conta passo a passo
#
# Vamos a um exemplo pequeno: uma sequência de 3 passos, cada entrada com 2 características
# ($x_t \in \mathbb{R}^2$), e um estado oculto de tamanho 3 ($h_t \in \mathbb{R}^3$). Então
# $W_{xh}$ tem forma $2 \times 3$ e $W_{hh}$, $3 \times 3$. Sorteamos tudo com uma semente fixa
# para que o resultado seja reproduzível, e deixamos os vieses em zero por enquanto.

# %%
torch.manual_seed(seed(0))
x_seq = [torch.randn(2) for _ in range(3)]  # x_1, x_2, x_3
W_xh = torch.randn(2, 3)
W_hh = torch.randn(3, 3)
b_h = torch.zeros(3)

h = torch.zeros(3)  # h_0
estados = []
for t, x_t in enumerate(x_seq, start=1):
    h = torch.tanh(x_t @ W_xh + h @ W_hh + b_h)
    estados.append(h)
    print(f"h_{t} =", vec(h))

# %% [markdown]
# O primeiro estado só depende de $x_1$, porque $h_0 = 0$. O segundo já mistura $x_2$ com o que
# a rede guardou de $x_1$, e o terceiro carrega um pouco de toda a sequência: de
# $h_1$ = {{ vec(estados[0]) }} a $h_3$ = {{ vec(estados[2]) }}.

# %% [markdown]
# ## Ligados no tempo, independentes no lote
#
# Agora as duas afirmações do começo, medidas. Pomos a sequência acima (chamada de A) num lote com
# uma segunda sequência, B, sorteada, e desdobramos a mesma conta para o lote inteiro: $X_t$ tem
# forma $(N, 2) = (2, 2)$ e o estado, $(N, 3) = (2, 3)$. Depois mexemos na entrada, uma coisa de
# cada vez: somamos 1 a um só passo de A ($x_1$, $x_2$ ou $x_3$), ou a **todos** os passos de B.
# Em cada caso, medimos a maior mudança no estado final de A.

# %%
torch.manual_seed(seed(1))
lote = torch.stack([torch.stack(x_seq), torch.randn(3, 2)], dim=1)  # (T=3, N=2, 2): A e B


def estado_final(xs: torch.Tensor) -> torch.Tensor:
    """A conta à mão desdobrada sobre um lote xs de forma (T, N, 2); devolve h_T, (N, 3)."""
    h = torch.zeros(xs.shape[1], 3)
    for x_t in xs:
        h = torch.tanh(x_t @ W_xh + h @ W_hh + b_h)
    return h


h_lote = estado_final(lote)
torch.testing.assert_close(h_lote[0], estados[-1])  # A no lote dá o mesmo h_3 que sozinha

efeitos = {}
for t in range(3):
    mudada = lote.clone()
    mudada[t, 0] += 1.0  # passo t + 1 da sequência A
    efeitos[f"x_{t + 1} de A"] = (estado_final(mudada)[0] - h_lote[0]).abs().max().item()
mudada = lote.clone()
mudada[:, 1] += 1.0  # todos os passos da sequência B
efeitos["os 3 passos de B"] = (estado_final(mudada)[0] - h_lote[0]).abs().max().item()

assert min(efeitos[f"x_{t} de A"] for t in (1, 2, 3)) > 1e-4  # cada passo de A conta
assert efeitos["os 3 passos de B"] < 1e-7  # a vizinha no lote não conta
efeito = {t: num(efeitos[f"x_{t} de A"], 4) for t in (1, 2, 3)}  # para o texto
print("h_3 de A no lote:", vec(h_lote[0]))
efeitos_df = pd.DataFrame({"maior mudança em h_3 de A": efeitos})
efeitos_df.index.name = "somando 1 a"
table(efeitos_df, 4)

# %% [markdown]
# No lote, A chega ao mesmo $h_3$ de antes. Cada passo de A mexeu no seu estado final: até
# {{ efeito[1] }} quando mudamos $x_1$, {{ efeito[2] }} com $x_2$ e {{ efeito[3] }} com $x_3$.
# Qual passo pesa mais depende dos pesos sorteados; o capítulo 3 mede como essa influência
# costuma encolher com a distância. Já mudar a sequência vizinha inteira deixou o estado de A
# igual até a última casa: {{ num(efeitos["os 3 passos de B"], 4) }}. O estado oculto carrega o passado **da própria sequência**; entre os
# exemplos de um lote, a rede recorrente é tão independente quanto o MLP (o exercício 2 confere o
# mesmo com o `nn.RNN`).

# %% [markdown]
# ## O mesmo cálculo com o `nn.RNN`
#
# O `nn.RNN` faz essa mesma conta, mas guarda os pesos **transpostos**: `weight_ih_l0` tem forma
# $(H, I) = (3, 2)$ e calcula $x_t W_{ih}^\top$. Para reproduzir nossos números, copiamos
# $W_{xh}^\top$ e $W_{hh}^\top$ para dentro do módulo e zeramos os dois vieses. A entrada vai
# num tensor de forma $(N, T, I) = (1, 3, 2)$, com `batch_first=True`.

# %%
rnn = nn.RNN(input_size=2, hidden_size=3, batch_first=True)
with torch.no_grad():
    rnn.weight_ih_l0.copy_(W_xh.T)
    rnn.weight_hh_l0.copy_(W_hh.T)
    rnn.bias_ih_l0.zero_()
    rnn.bias_hh_l0.zero_()

x = torch.stack(x_seq).unsqueeze(0)  # (N=1, T=3, I=2)
saida, h_n = rnn(x)
print("forma da saída:", tuple(saida.shape), " forma de h_n:", tuple(h_n.shape))
for t in range(3):
    print(f"saída[0, {t}] =", vec(saida[0, t]))
print("h_n[0, 0]    =", vec(h_n[0, 0]))
torch.testing.assert_close(saida[0], torch.stack(estados))
torch.testing.assert_close(h_n[0, 0], estados[-1])

# %% [markdown]
# A saída do `nn.RNN` é a pilha de todos os estados $h_1, h_2, h_3$, e `h_n` é o último deles.
# (O próximo capítulo explica cada forma desses tensores.)
#
# !!! warning "Erro comum: os passos e as características trocados"
#
#     Para montar a entrada, empilhamos os 3 vetores $x_t$ na dimensão do tempo. Empilhados na
#     dimensão errada (`dim=1`), eles formam uma matriz $(I, T) = (2, 3)$ em vez de
#     $(T, I) = (3, 2)$, e o `nn.RNN` encontra 3 características por passo onde espera
#     `input_size=2`:

# %% tags=["caixa"]
rnn_io = nn.RNN(input_size=2, hidden_size=3, batch_first=True)
x_trocado = torch.stack([torch.randn(2) for _ in range(3)], dim=1).unsqueeze(0)  # (1, I, T)
with expect_error("input-size"):
    rnn_io(x_trocado)

# %% tags=["caixa"]
# A correção: o tempo antes das características, (N, T, I) = (1, 3, 2).
saida_io, _ = rnn_io(x_trocado.transpose(1, 2))

# %% [markdown]
#     A mensagem diz quantas características a camada esperava (`Expected 2`) e quantas
#     encontrou na última dimensão (`got 3`): a última dimensão da entrada é sempre a de $x_t$.
#
# Um cuidado ao comparar com outros textos: se você criar o `nn.RNN` **sem** copiar os pesos, ele
# sorteia pesos próprios, e os números mudam. O caderno que deu origem a este capítulo fez as
# duas coisas, a conta à mão e um `nn.RNN` com pesos sorteados, com uma semente fixa
# (`SEMENTE_DO_CADERNO`, abaixo). Com a mesma semente e a mesma ordem de sorteios, obtemos os
# números que ele mostra (a célula compara com eles, com quatro casas), e a saída do `nn.RNN`
# não tem nada a ver com a conta à mão:

# %%
SEMENTE_DO_CADERNO = 0  # a do caderno original, fixa: não muda com as sementes do livro
CADERNO = {  # os números que o caderno original imprimiu
    "h_3 da conta à mão": [-0.0694, -0.9242, 0.8592],
    "último passo do nn.RNN sorteado": [0.4113, -0.5408, 0.5808],
}
torch.manual_seed(SEMENTE_DO_CADERNO)
x_seq_original = [torch.randn(2) for _ in range(3)]
W_xh_original, W_hh_original = torch.randn(2, 3), torch.randn(3, 3)
rnn_aleatoria = nn.RNN(input_size=2, hidden_size=3, batch_first=True)
h_original = torch.zeros(3)
for x_t in x_seq_original:
    h_original = torch.tanh(x_t @ W_xh_original + h_original @ W_hh_original)
saida_aleatoria, _ = rnn_aleatoria(torch.stack(x_seq_original).unsqueeze(0))
reproduzidos = {
    "h_3 da conta à mão": h_original,
    "último passo do nn.RNN sorteado": saida_aleatoria[0, -1].detach(),
}
for nome, valores in reproduzidos.items():
    print(f"{nome}: {vec(valores)}")
    torch.testing.assert_close(valores, torch.tensor(CADERNO[nome]), atol=5e-5, rtol=0)

# %% [markdown]
# O último passo do `nn.RNN` sorteado,
# {{ vec(reproduzidos["último passo do nn.RNN sorteado"]) }}, é diferente do $h_3$ da conta à
# mão do caderno, {{ vec(reproduzidos["h_3 da conta à mão"]) }}: os dois modelos fazem a mesma
# conta, mas com pesos diferentes. "Fazer o mesmo processo" só vira "dar o mesmo resultado"
# quando os pesos são os mesmos.
#
# ## A célula do pacote
#
# O pacote `recorrente` tem a mesma equação escrita em `recorrente.cells.RNNCell`, com os pesos
# na notação do livro (`W_xh`, `W_hh`, `b_xh`, `b_hh`). Ela recebe um passo e o estado anterior e
# devolve o novo estado; o método `load_torch_weights` copia os pesos de um `nn.RNN`, fazendo a
# transposição. Desdobrando a célula no tempo com um laço, chegamos aos mesmos estados:

# %%
celula = RNNCell(input_size=2, hidden_size=3).load_torch_weights(rnn)
print("W_xh da célula é o W_xh da conta à mão:", torch.equal(celula.W_xh, W_xh))

estado = celula.initial_state(batch_size=1)
for t, x_t in enumerate(x_seq, start=1):
    estado = celula(x_t.unsqueeze(0), estado)
    torch.testing.assert_close(estado[0][0], estados[t - 1])
print("h_3 da célula:", vec(estado[0][0]))

# %% [markdown]
# ## Um truque: concatenar em vez de somar
#
# A soma $x_t W_{xh} + h_{t-1} W_{hh}$ pode ser feita com **uma** multiplicação só: basta
# concatenar a entrada e o estado lado a lado e empilhar as duas matrizes de pesos uma sobre a
# outra,
#
# $$
# x_t W_{xh} + h_{t-1} W_{hh} = \begin{bmatrix} x_t & h_{t-1} \end{bmatrix}
# \begin{bmatrix} W_{xh} \\ W_{hh} \end{bmatrix}.
# $$
#
# Com um lote de 3 exemplos, entrada de tamanho 1 e estado de tamanho 4, as formas são
# $(3, 1) \cdot (1, 4) + (3, 4) \cdot (4, 4)$ de um lado, e $(3, 5) \cdot (5, 4)$ do outro:

# %%
torch.manual_seed(seed(0))
X, W_xh4 = torch.randn(3, 1), torch.randn(1, 4)
H, W_hh4 = torch.randn(3, 4), torch.randn(4, 4)

somando = X @ W_xh4 + H @ W_hh4
concatenando = torch.cat((X, H), dim=1) @ torch.cat((W_xh4, W_hh4), dim=0)
print(
    "formas:", tuple(torch.cat((X, H), dim=1).shape), "×", tuple(torch.cat((W_xh4, W_hh4), 0).shape)
)
for linha in concatenando:
    print(vec(linha))
torch.testing.assert_close(somando, concatenando)

# %% [markdown]
# As duas contas dão o mesmo resultado (a diferença, se houver, é de arredondamento de ponto
# flutuante). O texto da d2l que inspirou este exemplo não fixa a semente, então seus números não
# podem ser reproduzidos; os daqui podem. Bibliotecas usam variações desse truque para trocar
# várias multiplicações pequenas por uma grande: o `nn.LSTM`, por exemplo, guarda os pesos de
# entrada das suas quatro portas numa matriz só, `weight_ih_l0`, de forma $(4H, I)$ (o capítulo 4
# a abre).
#
# ## Os parâmetros não crescem com a sequência
#
# A célula tem $I \cdot H + H \cdot H + 2H$ parâmetros, qualquer que seja o número de passos:

# %%
n_parametros = sum(p.numel() for p in celula.parameters())
print("parâmetros da célula:", n_parametros, "=", 2 * 3 + 3 * 3 + 2 * 3)
assert n_parametros == 2 * 3 + 3 * 3 + 2 * 3

# %% [markdown]
# ## Resumo
#
# - O estado oculto $h_t$ resume o que a rede viu até o passo $t$; ele é calculado a partir de
#   $x_t$ e de $h_{t-1}$, sempre com os mesmos pesos.
# - A recorrência liga os passos de uma mesma sequência; os exemplos de um lote continuam
#   independentes entre si, como no MLP.
# - O `nn.RNN` faz a mesma conta, com os pesos guardados transpostos e dois vieses.
# - A célula `RNNCell` do pacote reproduz o `nn.RNN` número a número; os testes do projeto
#   conferem isso para vários tamanhos.
#
# ## Exercícios
#
# 1. Troque a tangente hiperbólica pela ReLU na conta à mão e confira o resultado com
#    `nn.RNN(..., nonlinearity="relu")` e com `RNNCell(..., nonlinearity="relu")`.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from torch import nn
#         from recorrente import RNNCell
#         from recorrente.formatting import num
#         from recorrente.reproducibility import seed
#
#         torch.manual_seed(seed(1))
#         xs = torch.randn(4, 2)  # 4 passos, 2 características
#         rnn = nn.RNN(2, 3, nonlinearity="relu")
#         celula = RNNCell(2, 3, nonlinearity="relu").load_torch_weights(rnn)
#
#         h = torch.zeros(3)
#         W_xh, W_hh = rnn.weight_ih_l0.T, rnn.weight_hh_l0.T
#         b = rnn.bias_ih_l0 + rnn.bias_hh_l0
#         for x_t in xs:
#             h = torch.relu(x_t @ W_xh + h @ W_hh + b)
#
#         _, h_n = rnn(xs.unsqueeze(1))  # (T, N=1, I)
#         estado = celula.initial_state(1)
#         for x_t in xs:
#             estado = celula(x_t.unsqueeze(0), estado)
#         torch.testing.assert_close(h, h_n[0, 0])
#         torch.testing.assert_close(estado[0][0], h)
#         print("ReLU: conta à mão, nn.RNN e RNNCell concordam:", "; ".join(num(v, 4) for v in h.tolist()))
#         ```
#
# 2. Mostre que processar duas sequências num lote (forma $(N, T, I) = (2, 5, 2)$) dá os mesmos
#    estados finais que processar cada uma sozinha.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from torch import nn
#         from recorrente.reproducibility import seed
#
#         torch.manual_seed(seed(2))
#         rnn = nn.RNN(2, 3, batch_first=True)
#         lote = torch.randn(2, 5, 2)
#         _, h_lote = rnn(lote)
#         for i in range(2):
#             _, h_sozinha = rnn(lote[i : i + 1])
#             torch.testing.assert_close(h_lote[:, i], h_sozinha[:, 0])
#         print("Cada exemplo do lote é processado de forma independente.")
#         ```
#
# 3. Confira com código que o número de parâmetros de um `nn.RNN(input_size=I, hidden_size=H)`
#    é $IH + H^2 + 2H$ para três pares $(I, H)$ diferentes, e que ele não depende do tamanho da
#    sequência.
#
#     ??? success "Solução"
#
#         ```python
#         from torch import nn
#         from recorrente.formatting import num
#
#         for I, H in [(1, 1), (2, 3), (10, 32)]:
#             rnn = nn.RNN(I, H)
#             total = sum(p.numel() for p in rnn.parameters())
#             assert total == I * H + H * H + 2 * H, (I, H, total)
#             print(f"I={I:2d}, H={H:2d}: {num(total, 0)} parâmetros")
#         # A sequência não aparece em lugar nenhum: o mesmo módulo processa 5 passos ou 5 mil.
#         ```
