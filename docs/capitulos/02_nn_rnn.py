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
# # 2. O `nn.RNN` por dentro
#
# No capítulo anterior, a recorrência foi feita à mão, passo a passo. Na prática, quase ninguém
# escreve esse laço: chama-se o `nn.RNN` do PyTorch, que recebe a sequência inteira de uma vez.
# O preço da conveniência é uma lista de argumentos, nomes de pesos e formas de tensores que
# confundem até quem já usa a camada há tempos. Este capítulo abre a caixa: que parâmetros
# existem e quantos são, por que há dois vieses, o que exatamente sai da camada, onde fica cada
# estado dentro de `h_n`, como tratar sequências de tamanhos diferentes e qual das saídas usar em
# cada tarefa. No fim, o módulo `Recurrent` do pacote `recorrente` refaz tudo a partir da célula e
# compara o resultado, número a número, com o do PyTorch.

# %%
import inspect
import math
import textwrap

import pandas as pd
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from recorrente import RNNCell
from recorrente.common_errors import expect_error
from recorrente.formatting import num, sci, table, vec
from recorrente.recurrent import Recurrent, final_states_in_output, split_states
from recorrente.reproducibility import seed

# %% tags=["remover"]
# ruff: noqa: E741  (I, a dimensão da entrada, tem o nome da fórmula)

# %% [markdown]
# ## Os argumentos do construtor
#
# A assinatura completa é
# `nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False, dropout=0.0, bidirectional=False)`.
# Em poucas palavras:
#
# - `input_size` ($I$): quantas características cada passo da entrada tem (o tamanho de $x_t$).
# - `hidden_size` ($H$): o tamanho do estado oculto $h_t$.
# - `num_layers` ($L$): quantas camadas recorrentes empilhar; numa <dfn>rede empilhada</dfn>,
#   a sequência de saída de uma camada vira a sequência de entrada da seguinte.
# - `nonlinearity`: `"tanh"` (o padrão) ou `"relu"`.
# - `bias`: se a camada tem vieses. Com `False`, somem todos os `bias_*`.
# - `batch_first`: com `True`, entrada e saída têm o lote na primeira dimensão,
#   $(N, T, \cdot)$, em vez de $(T, N, \cdot)$. Veremos que isso **não** vale para o estado.
# - `dropout`: probabilidade de <dfn>*dropout*</dfn> (zerar valores ao acaso, para regularizar)
#   aplicada à saída de cada camada, menos a última, e só durante o treino. Com uma camada só, não
#   faz nada (e o PyTorch avisa).
# - `bidirectional`: com `True`, a rede é <dfn title="rede bidirecional">bidirecional</dfn>: cada
#   camada tem uma segunda RNN que lê a sequência de trás para a frente. Chamamos de $D$ o número de
#   direções: 1 ou 2.
#
# Cada camada `l` e cada direção têm seus próprios pesos. Os nomes seguem um padrão:
# `weight_ih_l{l}` multiplica a entrada (*input → hidden*), `weight_hh_l{l}` multiplica o estado
# anterior (*hidden → hidden*), e `bias_ih_l{l}`, `bias_hh_l{l}` são os vieses; a direção
# reversa ganha o sufixo `_reverse`. Vejamos todos numa RNN de duas camadas, bidirecional:

# %%
I, H = 3, 4
rnn = nn.RNN(input_size=I, hidden_size=H, num_layers=2, bidirectional=True)
for nome, p in rnn.named_parameters():
    print(f"{nome:22s} {tuple(p.shape)}")

# %% [markdown]
# Repare nas formas. No livro, escrevemos $x_t W_{xh}$, com $W_{xh}$ de forma $I \times H$ (uma
# linha por característica da entrada, uma coluna por unidade do estado), e $W_{hh}$,
# $H \times H$. O PyTorch guarda as **transpostas**: `weight_ih_l0` é $W_{xh}^\top$, de forma
# $(H, I) = (4, 3)$, e `weight_hh_l0` é $W_{hh}^\top$. Por isso a camada multiplica $x_t$ pela
# transposta do peso guardado, o que dá o nosso $x_t W_{xh}$. A segunda camada recebe a saída
# da primeira, que tem as duas direções concatenadas: por isso `weight_ih_l1` tem forma
# $(H, D H) = (4, 8)$, com $D H = 8$ entradas por passo em vez de $I = 3$.
#
# ## Quantos parâmetros
#
# Numa direção da primeira camada há $W_{xh}$ ($I \times H$, guardada transposta em
# `weight_ih_l0`), $W_{hh}$ ($H \times H$) e dois vieses de tamanho $H$: $I H + H^2 + 2H$
# números. Nas camadas seguintes, a entrada tem $D H$ características em vez de $I$. Somando as
# $D$ direções de todas as $L$ camadas, com $\beta = 1$ se há viés e
# $\beta = 0$ se não há:
#
# $$
# P = D \Big[ \big( H I + H^2 + 2 \beta H \big) + (L - 1) \big( H \cdot D H + H^2 + 2 \beta H \big) \Big]
# $$
#
# A função abaixo é a fórmula, com os mesmos símbolos; o laço compara o resultado com a contagem
# do próprio PyTorch em várias configurações.


# %%
def n_parametros(I: int, H: int, L: int, D: int, beta: int) -> int:
    """P da fórmula acima."""
    primeira = H * I + H**2 + 2 * beta * H
    seguintes = H * D * H + H**2 + 2 * beta * H
    return D * (primeira + (L - 1) * seguintes)


configuracoes = [
    dict(I=1, H=1, L=1, D=1, beta=1),
    dict(I=3, H=4, L=2, D=2, beta=1),
    dict(I=10, H=32, L=3, D=1, beta=1),
    dict(I=10, H=32, L=3, D=2, beta=0),
    dict(I=64, H=128, L=2, D=2, beta=1),
]
linhas = []
for c in configuracoes:
    modulo = nn.RNN(
        c["I"], c["H"], num_layers=c["L"], bidirectional=c["D"] == 2, bias=bool(c["beta"])
    )
    contado = sum(p.numel() for p in modulo.parameters())
    assert contado == n_parametros(**c), (c, contado)
    linhas.append({**c, "fórmula": n_parametros(**c), "PyTorch": contado})
table(pd.DataFrame(linhas), 0)

# %% [markdown]
# A fórmula não tem $T$ nem $N$: o número de parâmetros não depende do tamanho da sequência nem
# do lote. É o mesmo conjunto de pesos aplicado a todos os passos.
#
# ## Dois vieses para quê?
#
# Na equação do `nn.RNN`, os dois vieses aparecem sempre somados:
#
# $$
# h_t = \tanh\left(x_t W_{xh} + b_{xh} + h_{t-1} W_{hh} + b_{hh}\right),
# $$
#
# e só a soma $b_{xh} + b_{hh}$ importa. Um dos dois é redundante: gastam-se $H$ parâmetros por
# camada e direção sem ganhar nada em expressividade. O motivo é prático. A cuDNN, a biblioteca
# da NVIDIA que o PyTorch usa para rodar RNNs na GPU, define as camadas com dois vetores de viés,
# e o PyTorch guarda os pesos no mesmo formato para poder entregá-los a ela sem conversão.
#
# Para ver a redundância, copiamos uma RNN, juntamos os dois vieses no primeiro e zeramos o
# segundo. As saídas só mudam no arredondamento do `float32` (a soma é feita em outra ordem):

# %%
torch.manual_seed(seed(0))
rnn = nn.RNN(3, 4, num_layers=2)
fundida = nn.RNN(3, 4, num_layers=2)
fundida.load_state_dict(rnn.state_dict())
with torch.no_grad():
    for camada in range(2):
        b_xh = getattr(fundida, f"bias_ih_l{camada}")
        b_hh = getattr(fundida, f"bias_hh_l{camada}")
        b_xh += b_hh
        b_hh.zero_()

x = torch.randn(6, 2, 3)
with torch.no_grad():
    dif_rnn = (fundida(x)[0] - rnn(x)[0]).abs().max().item()
print(f"RNN, com b_hh = 0 e b_xh = b_xh + b_hh: maior diferença = {sci(dif_rnn)}")
assert dif_rnn < 1e-5

# %% [markdown]
# Na GRU (o capítulo 4 a apresenta em detalhe), a redundância vale para dois dos três blocos de
# viés, e não para o terceiro. As portas de reinício e de atualização somam os dois vieses, como a
# RNN: $r_t = \sigma(x_t W_{xr} + b_{xr} + h_{t-1} W_{hr} + b_{hr})$, e o mesmo para $z_t$ com
# $b_{xz}$ e $b_{hz}$. Ali, um viés de cada par sobra. Já na candidata,
#
# $$
# n_t = \tanh\big(x_t W_{xn} + b_{xn} + r_t \odot (h_{t-1} W_{hn} + b_{hn})\big),
# $$
#
# o viés $b_{hn}$ fica dentro do produto com a porta de reinício e $b_{xn}$ fica fora: $b_{hn}$ é
# multiplicado por $r_t$, que muda a cada passo, e não pode ser somado a $b_{xn}$. No `nn.GRU`,
# `bias_ih_l0` e `bias_hh_l0` trazem os três blocos empilhados na ordem $(r, z, n)$, cada um com
# $H$ posições. A célula junta primeiro só os blocos $r$ e $z$, e depois também o bloco $n$:

# %%
torch.manual_seed(seed(0))
gru = nn.GRU(3, 4)
H_gru = gru.hidden_size
blocos = {
    "r e z (posições 0 a 2H - 1)": slice(0, 2 * H_gru),
    "n (posições 2H a 3H - 1)": slice(2 * H_gru, 3 * H_gru),
}
dif_gru = {}
for nome, bloco in blocos.items():
    gru_fundida = nn.GRU(3, 4)
    gru_fundida.load_state_dict(gru.state_dict())
    with torch.no_grad():
        gru_fundida.bias_ih_l0[bloco] += gru_fundida.bias_hh_l0[bloco]
        gru_fundida.bias_hh_l0[bloco] = 0.0
        dif_gru[nome] = (gru_fundida(x)[0] - gru(x)[0]).abs().max().item()
    print(f"GRU, juntando os vieses do bloco {nome}: maior diferença = {sci(dif_gru[nome])}")
assert dif_gru["r e z (posições 0 a 2H - 1)"] < 1e-5  # só arredondamento do float32
assert dif_gru["n (posições 2H a 3H - 1)"] > 1e-2
rz, bloco_n = dif_gru["r e z (posições 0 a 2H - 1)"], dif_gru["n (posições 2H a 3H - 1)"]
texto_rz = f"mudou a saída em {sci(rz)}" if rz > 0 else "não mudou a saída em nada"  # para o texto
ordens = round(math.log10(bloco_n / max(dif_rnn, rz, 1e-9)))  # acima do arredondamento

# %% [markdown]
# Juntar os vieses de $r$ e $z$ {{ texto_rz }}, no máximo o arredondamento, como na RNN
# ({{ sci(dif_rnn) }}); juntar os de $n$ mudou em {{ sci(bloco_n) }}, cerca de {{ ordens }}
# ordens de grandeza acima: muda a conta. Na GRU, $b_{xr}, b_{hr}$ e $b_{xz}, b_{hz}$ são pares redundantes; $b_{xn}$ e $b_{hn}$
# não são.

# %% [markdown]
# ## Um número só, conferido à mão
#
# O menor exemplo possível: uma RNN com entrada de tamanho 1, estado de tamanho 1 e uma camada,
# aplicada a uma sequência de um passo, com o valor $x_1 = 0{,}5$ e estado inicial zero. Com
# uma semente fixa, os pesos sorteados são sempre os mesmos.

# %%
torch.manual_seed(seed(42))
rnn = nn.RNN(1, 1, 1)
x = torch.tensor([[[0.5]]])  # (T=1, N=1, I=1)
h_0 = torch.zeros(1, 1, 1)  # (L*D=1, N=1, H=1)
output, h_n = rnn(x, h_0)
print("saída:", num(output.item(), 15))
print("h_n:  ", num(h_n.item(), 15))
assert output.item() == h_n.item()

# %% [markdown]
# Saída e estado final coincidem, e isso não é acaso: com um passo e uma camada, a saída é o
# próprio $h_1$. Agora a mesma conta pela fórmula, com os pesos do módulo escritos como no livro
# (transpostos):

# %%
W_xh = rnn.weight_ih_l0.T
W_hh = rnn.weight_hh_l0.T
b_xh = rnn.bias_ih_l0
b_hh = rnn.bias_hh_l0
x_1 = x[0]
h_prev = h_0[0]
h_1 = torch.tanh(x_1 @ W_xh + b_xh + h_prev @ W_hh + b_hh)
print(
    f"W_xh = {num(W_xh.item(), 4)}   W_hh = {num(W_hh.item(), 4)}   "
    f"b_xh = {num(b_xh.item(), 4)}   b_hh = {num(b_hh.item(), 4)}"
)
print("pela fórmula:", num(h_1.item(), 15))
torch.testing.assert_close(h_1, h_n[0])
igual = (
    "o mesmo número até a última casa que o `float32` guarda"
    if h_1.item() == h_n.item()
    else f"o mesmo número, a menos de {sci(abs(h_1.item() - h_n.item()))} de arredondamento"
)


def tex(valor: float, forma: str = "") -> str:
    """Quatro casas numa fórmula: "-0{,}2343"; como fator, "(-0{,}2343)"; como termo, "- 0{,}2343"."""
    texto = num(abs(valor), 4).replace(",", "{,}")
    if forma == "termo":
        return ("- " if valor < 0 else "+ ") + texto
    if valor < 0:
        return f"(-{texto})" if forma == "fator" else f"-{texto}"
    return texto


# %% [markdown]
# São
# $\tanh(0{,}5 \cdot {{ tex(W_xh.item(), "fator") }} {{ tex(b_xh.item(), "termo") }} + 0 \cdot {{ tex(W_hh.item(), "fator") }} {{ tex(b_hh.item(), "termo") }}) \approx {{ tex(h_1.item()) }}$,
# {{ igual }}. Como o estado inicial é zero, $W_{hh}$ ainda não entrou na conta; ele só passa a
# pesar a partir do segundo passo.
#
# ## As formas de entrada e saída
#
# A fonte mais comum de erro com o `nn.RNN` são as formas. Em vez de descrevê-las, a célula
# abaixo monta a tabela rodando a camada em todas as combinações, com $T = 5$ passos, $N = 2$
# sequências no lote, $I = 3$ e $H = 4$, e mais uma linha com entrada sem lote, de duas
# dimensões $(T, I)$.

# %%
T, N, I, H = 5, 2, 3, 4
linhas = []
for batch_first in (False, True):
    for bidirectional in (False, True):
        for num_layers in (1, 2, 3):
            rnn = nn.RNN(I, H, num_layers, batch_first=batch_first, bidirectional=bidirectional)
            x = torch.randn((N, T, I) if batch_first else (T, N, I))
            output, h_n = rnn(x)
            linhas.append(
                {
                    "batch_first": str(batch_first),
                    "bidirectional": str(bidirectional),
                    "num_layers": num_layers,
                    "entrada": tuple(x.shape),
                    "output": tuple(output.shape),
                    "h_n": tuple(h_n.shape),
                }
            )
            D = 2 if bidirectional else 1
            assert h_n.shape == (num_layers * D, N, H)  # o lote nunca vem primeiro em h_n

rnn = nn.RNN(I, H, 2, bidirectional=True)
x = torch.randn(T, I)
output, h_n = rnn(x)
linhas.append(
    {
        "batch_first": "—",
        "bidirectional": "True",
        "num_layers": 2,
        "entrada": tuple(x.shape),
        "output": tuple(output.shape),
        "h_n": tuple(h_n.shape),
    }
)
formas = pd.DataFrame(linhas)
table(formas, 0)

# %% [markdown]
# A tabela mostra três regras:
#
# - `output` tem a mesma arrumação da entrada, $(T, N, D H)$ ou $(N, T, D H)$, e só traz a
#   **última camada**, com as duas direções lado a lado na última dimensão.
# - `h_n` tem forma $(L D, N, H)$: um estado final para cada camada e direção.
# - **A armadilha**: `batch_first=True` muda a entrada e `output`, mas **não** muda `h_n` (nem o
#   `h_0` que você passa). Compare as linhas com `batch_first=True`: a entrada começa com
#   $N = 2$, e `h_n` continua começando com $L D$. Quem escreve `h_n[0]` achando que pegou o
#   primeiro exemplo do lote pegou, na verdade, a primeira camada.
#
# Sem lote, a entrada $(T, I)$ dá `output` $(T, D H)$ e `h_n` $(L D, H)$: o PyTorch só tira a
# dimensão do lote.
#
# As caixas "Erro comum" deste livro mostram a mensagem exata que o PyTorch dá para cada engano
# frequente: a célula comete o erro, e a mensagem impressa é a da exceção, capturada na hora
# (`recorrente.common_errors.expect_error`). Se você colou uma dessas mensagens na busca, a
# correção vem logo abaixo dela.
#
# !!! warning "Erro comum: `h_0` com o lote na frente"
#
#     Com `batch_first=True`, é natural criar o estado inicial também com o lote na frente,
#     $(N, L D, H)$. O PyTorch recusa, e a mensagem compara a forma esperada, $(L D, N, H)$, com a
#     recebida:

# %% tags=["caixa"]
rnn_bf = nn.RNN(3, 4, num_layers=2, batch_first=True)
x_bf = torch.randn(3, 5, 3)  # (N=3, T=5, I=3): batch_first vale para a entrada...
with expect_error("h0-com-o-lote-primeiro"):
    rnn_bf(x_bf, torch.zeros(3, 2, 4))  # ...mas não para h_0: (N, L, H) está errado

# %% tags=["caixa"]
# A correção: h_0 é sempre (L*D, N, H), com ou sem batch_first.
output_bf, h_n_bf = rnn_bf(x_bf, torch.zeros(2, 3, 4))

# %% [markdown]
#     Quando $N = L D$ (por exemplo, lote de 2 numa rede de 2 camadas), as duas formas
#     coincidem e **não há erro**: camadas e sequências trocam de lugar no estado inicial, em
#     silêncio. Crie o estado com os nomes das dimensões, `torch.zeros(L * D, N, H)`.
#
# !!! warning "Erro comum: `h_0` como (N, H) numa entrada com lote"
#
#     Um estado inicial $(N, H)$, com um vetor por sequência, parece suficiente numa rede de
#     uma camada. Mas a dimensão $L D$ é obrigatória, mesmo quando vale 1:

# %% tags=["caixa"]
rnn_1 = nn.RNN(3, 4, batch_first=True)
with expect_error("h0-sem-a-dimensao-das-camadas"):
    rnn_1(torch.randn(3, 5, 3), torch.zeros(3, 4))  # h_0 (N, H): falta L*D

# %% tags=["caixa"]
# A correção: acrescente a dimensão das camadas, (1, N, H).
output_1, h_n_1 = rnn_1(torch.randn(3, 5, 3), torch.zeros(3, 4).unsqueeze(0))

# %% [markdown]
# !!! warning "Erro comum: um lote 2-D lido como uma sequência sem lote"
#
#     Um lote de $N = 4$ séries com $T = 7$ valores cada, guardado como uma matriz $(4, 7)$,
#     parece pronto para uma RNN com `input_size=1`. Mas uma entrada de duas dimensões é lida
#     como **uma** sequência sem lote, $(T, I)$: 4 passos de 7 características cada. O erro só
#     aparece porque $7 \ne I$:

# %% tags=["caixa"]
rnn_serie = nn.RNN(input_size=1, hidden_size=4, batch_first=True)
serie = torch.randn(4, 7)  # 4 séries de 7 valores, sem a dimensão das características
with expect_error("lote-2d-lido-sem-lote"):
    rnn_serie(serie)

# %% tags=["caixa"]
# A correção: a dimensão das características, (N, T, I) = (4, 7, 1).
output_serie, _ = rnn_serie(serie.unsqueeze(-1))

# %% [markdown]
#     Com `input_size=7`, a mesma matriz passaria sem erro, como uma sequência de 4 passos, e a
#     saída teria forma $(4, H)$ em vez de $(4, 7, H)$.
#
# !!! warning "Erro comum: uma sequência sem lote com `h_0` de lote"
#
#     O contrário: uma sequência só, $(T, I)$, com um estado inicial feito para um lote de 1,
#     $(L D, 1, H)$. Entrada e estado precisam concordar: os dois com lote ou os dois sem.

# %% tags=["caixa"]
rnn_uma = nn.RNN(3, 4)
sequencia = torch.randn(5, 3)  # (T, I): sem lote
with expect_error("h0-3d-com-entrada-2d"):
    rnn_uma(sequencia, torch.zeros(1, 1, 4))

# %% tags=["caixa"]
# A correção: um lote de 1 nos dois, (T, 1, I) e (L*D, 1, H); ou nenhum lote: h_0 (L*D, H).
output_uma, h_n_uma = rnn_uma(sequencia.unsqueeze(1), torch.zeros(1, 1, 4))

# %% [markdown]
# ## Onde está cada estado dentro de h_n
#
# As $L D$ linhas de `h_n` estão ordenadas por camada e, dentro de cada camada, por direção:
# a linha $l D + d$ é a camada $l$, direção $d$ (0 para a frente, 1 para trás). Por isso
# `h_n.view(num_layers, D, N, H)` separa as duas coisas. Em vez de fazer essa conta de índices,
# o pacote dá nome a cada linha: `recorrente.recurrent.split_states(h_n, num_layers,
# bidirectional)` devolve um dicionário `(camada, direção) → estado`.
#
# A ligação com `output` tem um detalhe. A direção para a frente termina no **último** passo,
# então seu estado final é a primeira metade de `output[-1]`. A direção reversa lê a sequência
# de trás para a frente e termina no **primeiro** passo: seu estado final é a segunda metade de
# `output[0]`, não de `output[-1]`.

# %%
torch.manual_seed(seed(1))
num_layers, D = 3, 2
rnn = nn.RNN(I, H, num_layers, bidirectional=True)
x = torch.randn(T, N, I)
with torch.no_grad():  # só vamos olhar os números, sem gradientes
    output, h_n = rnn(x)
estados = split_states(h_n, num_layers, bidirectional=True)
print("chaves (camada, direção):", list(estados))
torch.testing.assert_close(
    torch.stack(list(estados.values())).view(num_layers, D, N, H), h_n.view(num_layers, D, N, H)
)  # a mesma conta de índices
ultimo_ida = estados[num_layers - 1, 0]
ultimo_volta = estados[num_layers - 1, 1]
torch.testing.assert_close(ultimo_ida, output[-1][..., :H])
torch.testing.assert_close(ultimo_volta, output[0][..., H:])
print("para a frente, fim em output[-1]:", vec(ultimo_ida[0]))
print("para trás, fim em output[0]:     ", vec(ultimo_volta[0]))
print("já output[-1][..., H:] é outro:  ", vec(output[-1][0, H:]))

# %% [markdown]
# A terceira linha, `output[-1][..., H:]`, é a direção reversa da última camada depois de **um**
# passo da sua recorrência, o último. O que esse passo enxerga depende do número de camadas. Numa
# camada só, a entrada dele é apenas $x_T$: o resto da sequência ainda não entrou. Com camadas
# empilhadas, a entrada da última camada no passo $T$ é a saída da camada de baixo, cuja direção
# para a frente já leu a sequência inteira. Para medir, somamos 1 a um passo $x_t$ da primeira
# sequência do lote, um passo de cada vez, e vemos quanto muda `output[-1][0, H:]`, com 1 camada
# e com as 3 da célula acima.

# %%
influencia = {}
for L in (1, num_layers):
    torch.manual_seed(seed(1))  # a mesma semente: com 3 camadas, a rede é a da célula acima
    rede = nn.RNN(I, H, L, bidirectional=True)
    with torch.no_grad():
        base = rede(x)[0][-1, 0, H:]
        mudancas = []
        for t in range(T):
            x_mudado = x.clone()
            x_mudado[t, 0] += 1.0
            mudancas.append((rede(x_mudado)[0][-1, 0, H:] - base).abs().max().item())
    influencia[f"{L} camada" + ("s" if L > 1 else "")] = mudancas

assert max(influencia["1 camada"][:-1]) < 1e-7  # com 1 camada, só x_T conta
assert influencia["1 camada"][-1] > 1e-2
assert min(influencia[f"{num_layers} camadas"]) > 1e-5  # com 3 camadas, todo passo conta
empilhada = pd.Series(influencia[f"{num_layers} camadas"], index=[f"x_{t + 1}" for t in range(T)])
tabela_influencia = pd.DataFrame(influencia, index=[f"x_{t + 1}" for t in range(T)])
tabela_influencia.index.name = "somando 1 a"
table(tabela_influencia, 4)

# %% [markdown]
# Com uma camada, só $x_5$ mexe em `output[-1][0, H:]` ({{ num(influencia["1 camada"][-1], 4) }});
# os outros passos dão {{ num(max(influencia["1 camada"][:-1]), 4) }}. Com três camadas, todos
# mexem, pelo caminho das camadas de baixo: de {{ num(empilhada.min(), 4) }}
# (${{ empilhada.idxmin() }}$) a {{ num(empilhada.max(), 4) }} (${{ empilhada.idxmax() }}$). Nos dois casos, porém, `output[-1][..., H:]` não é o estado final da direção reversa:
# a recorrência dela, na última camada, deu um passo só. O estado final está em
# `output[0][..., H:]` e em `h_n`. Confundir `output[-1]` com "o estado final das duas direções"
# é um erro silencioso clássico das redes bidirecionais; numa camada só, ele joga fora tudo o que
# a direção reversa leu, menos o último passo.
#
# ## Lotes com sequências de tamanhos diferentes
#
# Frases, nomes e séries raramente têm o mesmo tamanho, mas um tensor precisa ser retangular. A
# saída habitual é o **<dfn>preenchimento</dfn>** (*padding*): completar as sequências curtas com
# zeros até o tamanho da maior. O problema é que a RNN não sabe que aqueles zeros são
# preenchimento e continua atualizando o estado com eles, pois
# $h_t = \tanh(0 \cdot W_{xh} + b_{xh} + h_{t-1} W_{hh} + b_{hh})$ não é $h_{t-1}$.
#
# Vamos montar um lote com três sequências de tamanhos 5, 2 e 3 e comparar o `h_n` de cada uma
# com o estado final que ela teria se rodasse sozinha.

# %%
torch.manual_seed(seed(2))
tamanhos = torch.tensor([5, 2, 3])
rnn = nn.RNN(2, 3, batch_first=True)
sequencias = [torch.randn(int(n), 2) for n in tamanhos]
preenchido = torch.zeros(len(sequencias), int(tamanhos.max()), 2)
for i, seq in enumerate(sequencias):
    preenchido[i, : len(seq)] = seq

sozinhas = torch.stack([rnn(seq.unsqueeze(0))[1][0, 0] for seq in sequencias])
_, h_preenchido = rnn(preenchido)
empacotado = pack_padded_sequence(preenchido, tamanhos, batch_first=True, enforce_sorted=False)
saida_empacotada, h_empacotado = rnn(empacotado)

dif_preenchido = (h_preenchido[0] - sozinhas).abs().amax(dim=1)
dif_empacotado = (h_empacotado[0] - sozinhas).abs().amax(dim=1)
erro_preenchimento = pd.DataFrame(
    {
        "tamanho": tamanhos.tolist(),
        "erro sem empacotar": dif_preenchido.tolist(),
        "erro empacotando": dif_empacotado.tolist(),
    }
)
table(erro_preenchimento.set_index("tamanho"), 4)

# %% [markdown]
# Sem empacotar, só a sequência mais longa (que não tem preenchimento) acerta; as outras terminam
# num estado contaminado pelos zeros, com erros de {{ num(dif_preenchido[1].item(), 4) }} e
# {{ num(dif_preenchido[2].item(), 4) }}. Com `pack_padded_sequence`,
# todas batem com a execução isolada:

# %%
assert dif_preenchido[0] < 1e-6 and (dif_preenchido[1:] > 1e-3).all()
torch.testing.assert_close(h_empacotado[0], sozinhas)
print("h_n empacotado == cada sequência rodada sozinha")

# %% [markdown]
# O `PackedSequence` (a <dfn>sequência empacotada</dfn>) guarda os passos de todas as sequências
# juntos, ordenados por tamanho decrescente, e `batch_sizes` diz quantas sequências ainda estão
# "vivas" em cada passo. A RNN processa, no passo $t$, só essas. O argumento `enforce_sorted=False`
# deixa o PyTorch ordenar o lote por tamanho e desfazer a ordenação no fim (`h_n` volta na ordem
# original); com o padrão, `enforce_sorted=True`, o lote já precisa vir ordenado.

# %%
print("batch_sizes:    ", empacotado.batch_sizes.tolist())
print("sorted_indices: ", empacotado.sorted_indices.tolist())

# %% [markdown]
# !!! warning "Erro comum: `enforce_sorted` com o lote fora de ordem"
#
#     Com o padrão `enforce_sorted=True`, os tamanhos precisam vir em ordem decrescente. O
#     nosso lote, de tamanhos 5, 2 e 3, não vem:

# %% tags=["caixa"]
preenchido_3 = torch.randn(3, 5, 2)  # (N, T, I)
with expect_error("enforce-sorted"):
    pack_padded_sequence(preenchido_3, torch.tensor([5, 2, 3]), batch_first=True)

# %% tags=["caixa"]
# A correção: deixe o PyTorch ordenar (e desfazer a ordem em h_n).
empacotado_3 = pack_padded_sequence(
    preenchido_3, torch.tensor([5, 2, 3]), batch_first=True, enforce_sorted=False
)

# %% [markdown]
#     A outra saída é ordenar o lote antes (`lengths.sort(descending=True)`) e reordenar as
#     respostas depois; só é preciso para exportar o modelo em ONNX, como a mensagem diz.
#
# !!! warning "Erro comum: `lengths` com duas dimensões (ou na GPU)"
#
#     Os tamanhos precisam ser um tensor de uma dimensão, de inteiros, na CPU. Um tamanho por
#     linha, $(N, 1)$, como sai de `mask.sum(dim=1, keepdim=True)`, não serve:

# %% tags=["caixa"]
mascara_3 = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0], [1, 1, 0, 0, 0]])
with expect_error("lengths-2d"):
    pack_padded_sequence(preenchido_3, mascara_3.sum(dim=1, keepdim=True), batch_first=True)

# %% tags=["caixa"]
# A correção: uma dimensão só (e, numa GPU, lengths na CPU: lengths.cpu()).
empacotado_3 = pack_padded_sequence(preenchido_3, mascara_3.sum(dim=1), batch_first=True)

# %% [markdown]
#     A mesma mensagem aparece, com `cuda:0` no lugar de `cpu`, quando `lengths` está na GPU.
#     Tamanhos em `float` ou `int32` o PyTorch converte sozinho para `int64`, sem erro.
#
# !!! warning "Erro comum: uma sequência vazia no lote"
#
#     Uma linha em branco num arquivo de texto vira uma sequência de tamanho 0, e o
#     empacotamento não aceita nenhuma:

# %% tags=["caixa"]
with expect_error("sequencia-vazia"):
    pack_padded_sequence(preenchido_3, torch.tensor([5, 0, 3]), batch_first=True, enforce_sorted=False)

# %% tags=["caixa"]
# A correção: tire as sequências vazias do lote antes de empacotar.
nao_vazias = torch.tensor([5, 0, 3]) > 0
empacotado_3 = pack_padded_sequence(
    preenchido_3[nao_vazias], torch.tensor([5, 0, 3])[nao_vazias], batch_first=True
)

# %% [markdown]
# Para voltar a um tensor retangular, `pad_packed_sequence` desempacota a saída e preenche com
# zeros as posições que não existem:

# %%
desempacotado, tamanhos_saida = pad_packed_sequence(saida_empacotada, batch_first=True)
print("forma:", tuple(desempacotado.shape), " tamanhos:", tamanhos_saida.tolist())
print("segunda sequência (tamanho 2):")
for passo in desempacotado[1]:
    print(vec(passo))
assert (desempacotado[1, 2:] == 0).all()

# %% [markdown]
# Sem mais argumentos, `pad_packed_sequence` preenche até o tamanho da maior sequência do lote,
# que pode ser menor que o $T$ do tensor original (quando todas as sequências de um lote são
# curtas). Para voltar sempre ao mesmo $T$, passe `total_length=T`.
#
# !!! warning "Erro comum: `total_length` menor que a maior sequência"
#
#     `total_length` só pode aumentar o preenchimento, nunca cortar passos reais:

# %% tags=["caixa"]
with expect_error("total-length"):
    pad_packed_sequence(empacotado_3, batch_first=True, total_length=4)  # a maior tem 5 passos

# %% tags=["caixa"]
# A correção: total_length é o T do tensor original (padded_3.size(1) = 5), nunca menos.
desempacotado_3, _ = pad_packed_sequence(empacotado_3, batch_first=True, total_length=preenchido_3.size(1))

# %% [markdown]
# ## Qual saída usar
#
# A camada devolve duas coisas, e cada tarefa pede uma delas.
#
# **<dfn>Muitos para um</dfn>** (classificar uma frase, prever o gênero de um nome): uma resposta
# por sequência, a partir de um resumo dela. Numa rede unidirecional, o resumo é o estado final da
# última camada, `h_n[-1]`. Numa bidirecional, concatenam-se os estados finais das duas direções da
# última camada, `h_n[-2]` (para a frente) e `h_n[-1]` (para trás), que `split_states` chama de
# `(L - 1, 0)` e `(L - 1, 1)`. Com sequências empacotadas, `h_n` já é o estado no último passo
# **real** de cada uma, enquanto `output[:, -1]` cairia no preenchimento;
# `final_states_in_output(output, bidirectional, batch_first=..., lengths=...)` acha esses mesmos
# estados dentro de `output`.

# %%
torch.manual_seed(seed(3))
n_classes = 2
rnn = nn.RNN(2, 3, num_layers=2, batch_first=True, bidirectional=True)
cabeca = nn.Linear(2 * 3, n_classes)
empacotado = pack_padded_sequence(preenchido, tamanhos, batch_first=True, enforce_sorted=False)
_, h_n = rnn(empacotado)
resumo = torch.cat([h_n[-2], h_n[-1]], dim=-1)  # (N, 2H)
logits = cabeca(resumo)
print("resumo:", tuple(resumo.shape), " logits:", tuple(logits.shape))

estados = split_states(h_n, num_layers=2, bidirectional=True)
torch.testing.assert_close(resumo, torch.cat([estados[1, 0], estados[1, 1]], dim=-1))
output, _ = pad_packed_sequence(rnn(empacotado)[0], batch_first=True)
finais = final_states_in_output(output, bidirectional=True, batch_first=True, lengths=tamanhos)
torch.testing.assert_close(finais[0], estados[1, 0])  # ida: último passo real de cada sequência
torch.testing.assert_close(finais[1], estados[1, 1])  # volta: primeiro passo
print("h_n[-2], h_n[-1] = states[1, 0], states[1, 1] = ends[0], ends[1]")

# %% [markdown]
# **<dfn>Muitos para muitos</dfn>** (etiquetar cada palavra, prever o próximo caractere): uma
# resposta por passo, então usa-se `output` inteiro, com a mesma camada linear aplicada em cada
# passo. Para etiquetar uma frase já completa, a rede bidirecional é a escolha natural: a saída em
# cada posição depende do contexto dos dois lados. Para um **modelo de linguagem**, não: a direção reversa enxergaria
# justamente o caractere que se quer prever. Ali, só redes unidirecionais. O etiquetador abaixo
# recebe o lote empacotado e desempacota a saída; o modelo de linguagem recebe o lote preenchido
# como está.

# %%
torch.manual_seed(seed(4))
n_etiquetas, n_simbolos = 5, 10
rnn_etiquetador = nn.RNN(2, 3, batch_first=True, bidirectional=True)
cabeca_etiquetador = nn.Linear(2 * 3, n_etiquetas)
empacotado = pack_padded_sequence(preenchido, tamanhos, batch_first=True, enforce_sorted=False)
output, _ = pad_packed_sequence(rnn_etiquetador(empacotado)[0], batch_first=True)  # (N, T, 2H)
por_passo = cabeca_etiquetador(output)  # (N, T, etiquetas)
print("output:", tuple(output.shape), " logits por passo:", tuple(por_passo.shape))

rnn_linguagem = nn.RNN(2, 3, batch_first=True)  # unidirecional: o passo t só vê x_1..x_t
cabeca_linguagem = nn.Linear(3, n_simbolos)
print("modelo de linguagem:", tuple(cabeca_linguagem(rnn_linguagem(preenchido)[0]).shape))

# %% [markdown]
# Por que um empacota e o outro não? Medimos o que o preenchimento faz com a saída nas posições
# **reais** de cada sequência: rodamos as duas redes com e sem empacotar e comparamos, separando
# as duas direções do etiquetador.

# %%
reais = torch.arange(preenchido.shape[1]) < tamanhos[:, None]  # (N, T): True nos passos reais
with torch.no_grad():
    etiquetador_preenchido, _ = rnn_etiquetador(preenchido)  # sem empacotar
    linguagem_empacotado, _ = pad_packed_sequence(rnn_linguagem(empacotado)[0], batch_first=True)
    linguagem_preenchido, _ = rnn_linguagem(preenchido)
dif_etiquetador = (etiquetador_preenchido - output).abs().detach()
dif_linguagem = (linguagem_preenchido - linguagem_empacotado).abs()


def pior_real(dif: torch.Tensor) -> list[float]:
    """A maior diferença nos passos reais de cada sequência do lote."""
    return [dif[i, reais[i]].max().item() for i in range(len(tamanhos))]


efeito_preenchimento = pd.DataFrame(
    {
        "tamanho": tamanhos.tolist(),
        "etiquetador, para a frente": pior_real(dif_etiquetador[..., :3]),
        "etiquetador, para trás": pior_real(dif_etiquetador[..., 3:]),
        "modelo de linguagem": pior_real(dif_linguagem),
    }
)
dif_ida = efeito_preenchimento[["etiquetador, para a frente", "modelo de linguagem"]]
assert (dif_ida < 1e-6).all().all()  # o preenchimento no fim não muda os passos reais
dif_volta = efeito_preenchimento["etiquetador, para trás"]
assert dif_volta[0] < 1e-6 and (dif_volta[1:] > 1e-2).all()  # a reversa lê os zeros antes
table(efeito_preenchimento.set_index("tamanho"), 4)

# %% [markdown]
# Na direção para a frente e no modelo de linguagem, o preenchimento vem **depois** dos passos
# reais e não muda nenhum deles: {{ num(dif_ida.max().max(), 4) }} em todas as linhas. A
# direção reversa lê a sequência de trás para a frente, então encontra os zeros **antes** dos
# passos reais e chega a eles com o estado já contaminado: nas sequências de tamanho 2 e 3, a
# saída dela erra em até {{ num(dif_volta[1], 4) }} e {{ num(dif_volta[2], 4) }} em
# posições reais, não só no estado final. Por isso o etiquetador bidirecional empacota.
# O modelo de linguagem pode rodar o lote preenchido sem empacotar, desde que as posições de
# preenchimento fiquem fora da perda: elas recebem um alvo "ignorado" (no pacote,
# `recorrente.data.batching.IGNORE_INDEX`), para não contarem no treino.
#
# ## Do zero: o módulo Recurrent do pacote
#
# Tudo o que o `nn.RNN` faz cabe em poucas ideias: aplicar a célula do capítulo anterior passo a
# passo; numa rede bidirecional, aplicar uma segunda célula de trás para a frente e concatenar;
# empilhar camadas usando a saída de uma como entrada da outra; e, com sequências de tamanhos
# diferentes, não deixar os passos de preenchimento mudarem o estado. É o que faz
# `recorrente.recurrent.Recurrent`, que funciona com qualquer célula do pacote (RNN, LSTM, GRU).
# O coração é este laço, que roda uma célula numa direção:

# %%
print(textwrap.dedent(inspect.getsource(Recurrent._unroll)))

# %% [markdown]
# A máscara `valid` é verdadeira onde o passo $t$ existe na sequência. Onde não existe, o estado
# antigo é mantido e a saída vale zero, o mesmo que `pack_padded_sequence` seguido de
# `pad_packed_sequence` entrega. Na direção reversa, o estado fica parado no valor inicial até
# chegar ao último passo real, e só então começa a mudar.
#
# `Recurrent.from_torch` cria a rede com a mesma configuração de um `nn.RNN` (ou `nn.LSTM`,
# `nn.GRU`) e copia os pesos de cada camada e direção para as células. Comparamos com o
# PyTorch no caso mais completo: três camadas, bidirecional, ReLU, `batch_first`, estado inicial e
# sequências empacotadas.

# %%
torch.manual_seed(seed(5))
L, D = 3, 2
rnn = nn.RNN(2, 3, num_layers=L, nonlinearity="relu", batch_first=True, bidirectional=True)
nossa = Recurrent.from_torch(rnn)
print(f"{nossa.num_layers} camadas × {nossa.num_directions} direções = {len(nossa.cells)} células:")
print(nossa.cells)

h_0 = torch.randn(L * D, len(tamanhos), 3)
empacotado = pack_padded_sequence(preenchido, tamanhos, batch_first=True, enforce_sorted=False)
empacotado_ref, h_n_ref = rnn(empacotado, h_0)
output_ref, _ = pad_packed_sequence(empacotado_ref, batch_first=True)

output_nossa, h_n_nossa = nossa(preenchido, h_0, lengths=tamanhos)
torch.testing.assert_close(output_nossa, output_ref)
torch.testing.assert_close(h_n_nossa, h_n_ref)
print("output e h_n iguais aos do nn.RNN; forma de h_n:", tuple(h_n_nossa.shape))

# %% [markdown]
# Cada célula do `Recurrent` é a `RNNCell` do capítulo 1:

# %%
assert isinstance(nossa.cell(2, 1), RNNCell)
print(nossa.cell(2, 1))

# %% [markdown]
# O mesmo confronto, com LSTM e GRU, gradientes, `float64`, entrada sem lote e todas as
# combinações de camadas e direções, está em `tests/test_recurrent.py`. Uma ressalva: com
# `dropout > 0` em modo de treino, o `Recurrent` sorteia máscaras diferentes das do PyTorch; os
# resultados só coincidem com `dropout=0` ou em modo de avaliação (`.eval()`).
#
# ## Resumo
#
# - Cada camada e direção tem `weight_ih`, `weight_hh` e dois vieses; a primeira camada recebe
#   $I$ características, as seguintes $D H$. O total é a fórmula de $P$. O PyTorch guarda as
#   matrizes transpostas em relação ao livro: `weight_ih_l0` tem forma $(H, I)$, e $W_{xh}$,
#   $I \times H$.
# - Os dois vieses do `nn.RNN` são redundantes (a soma é o que conta) e existem por
#   compatibilidade com a cuDNN; na GRU, os das portas $r$ e $z$ também são, mas $b_{xn}$ e
#   $b_{hn}$ não, porque $b_{hn}$ é multiplicado pela porta de reinício.
# - `batch_first` vale para a entrada e para `output`, nunca para `h_0` e `h_n`, que têm forma
#   $(L D, N, H)$.
# - A direção reversa termina no primeiro passo: seu estado final está em `output[0]`, não em
#   `output[-1]`, onde ela deu um passo só.
# - Preenchimento sem empacotar estraga o estado final das sequências curtas e, numa rede
#   bidirecional, a saída da direção reversa em todos os passos reais;
#   `pack_padded_sequence` resolve.
# - Muitos para um: `h_n` da última camada. Muitos para muitos: `output`.
#
# ## Exercícios
#
# 1. Generalize a fórmula de $P$ para a LSTM e a GRU, que têm $G = 4$ e $G = 3$ blocos de pesos
#    (um por porta) em vez de 1, e confira com `nn.LSTM` e `nn.GRU` em três configurações com
#    camadas e direções diferentes.
#
#     ??? success "Solução"
#
#         ```python
#         from torch import nn
#         from recorrente.formatting import num
#
#
#         def n_parametros(I, H, L, D, beta, G):
#             primeira = G * (H * I + H**2 + 2 * beta * H)
#             seguintes = G * (H * D * H + H**2 + 2 * beta * H)
#             return D * (primeira + (L - 1) * seguintes)
#
#
#         for cls, G in [(nn.LSTM, 4), (nn.GRU, 3)]:
#             for I, H, L, D, beta in [(1, 1, 1, 1, 1), (5, 8, 2, 2, 1), (7, 16, 3, 2, 0)]:
#                 modulo = cls(I, H, L, bidirectional=D == 2, bias=bool(beta))
#                 contado = sum(p.numel() for p in modulo.parameters())
#                 assert contado == n_parametros(I, H, L, D, beta, G), (cls, I, H, L, D, beta)
#                 print(f"{cls.__name__:4s} I={I} H={H} L={L} D={D} viés={beta}: {num(contado, 0)}")
#         ```
#
# 2. Mostre que uma RNN bidirecional de uma camada equivale a duas RNNs unidirecionais: uma com
#    os pesos `*_l0`, aplicada à sequência, e outra com os pesos `*_l0_reverse`, aplicada à
#    sequência invertida no tempo (`torch.flip`). Confira `output` e `h_n`.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from torch import nn
#         from recorrente.reproducibility import seed
#
#         torch.manual_seed(seed(0))
#         T, N, I, H = 6, 2, 3, 4
#         bi = nn.RNN(I, H, bidirectional=True)
#         rnn_ida, rnn_volta = nn.RNN(I, H), nn.RNN(I, H)
#         with torch.no_grad():
#             for nome in ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]:
#                 getattr(rnn_ida, nome).copy_(getattr(bi, nome))
#                 getattr(rnn_volta, nome).copy_(getattr(bi, nome + "_reverse"))
#
#         x = torch.randn(T, N, I)
#         output, h_n = bi(x)
#         out_f, h_f = rnn_ida(x)
#         out_b, h_b = rnn_volta(torch.flip(x, dims=[0]))
#         out_b = torch.flip(out_b, dims=[0])  # volta para a ordem original dos passos
#         torch.testing.assert_close(output, torch.cat([out_f, out_b], dim=-1))
#         torch.testing.assert_close(h_n, torch.cat([h_f, h_b]))
#         print("bidirecional == duas unidirecionais, uma delas com a sequência invertida")
#         ```
#
# 3. Num lote empacotado de uma GRU bidirecional com `batch_first=True`, ache o estado final de
#    cada direção da última camada dentro de `output` (depois de `pad_packed_sequence`) e confira
#    com `h_n`. Dica: o fim da direção para a frente depende do tamanho de cada sequência.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from torch import nn
#         from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
#         from recorrente.reproducibility import seed
#
#         torch.manual_seed(seed(0))
#         N, T, I, H = 4, 7, 3, 5
#         gru = nn.GRU(I, H, num_layers=2, batch_first=True, bidirectional=True)
#         x = torch.randn(N, T, I)
#         tamanhos = torch.tensor([7, 3, 5, 1])
#         empacotado = pack_padded_sequence(x, tamanhos, batch_first=True, enforce_sorted=False)
#         saida_empacotada, h_n = gru(empacotado)
#         output, _ = pad_packed_sequence(saida_empacotada, batch_first=True)  # (N, T, 2H)
#
#         linhas = torch.arange(N)
#         ultimo_ida = output[linhas, tamanhos - 1, :H]  # último passo real de cada sequência
#         ultimo_volta = output[:, 0, H:]  # a direção reversa termina no primeiro passo
#         torch.testing.assert_close(ultimo_ida, h_n[-2])
#         torch.testing.assert_close(ultimo_volta, h_n[-1])
#         print("para a frente: output[i, tamanho_i - 1, :H]; para trás: output[i, 0, H:]")
#         ```
