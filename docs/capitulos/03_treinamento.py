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
# # 3. Treinando no tempo: BPTT e gradientes
#
# Treinar uma rede recorrente é treinar uma rede comum muito funda: desdobrada no tempo, uma
# sequência de $T$ passos vira $T$ cópias da mesma célula, ligadas pelo estado oculto, e a
# retropropagação percorre essas cópias de trás para a frente. Esse é o algoritmo de
# **<dfn>retropropagação ao longo do tempo</dfn>** (*backpropagation through time*, BPTT). Neste
# capítulo escrevemos a conta, medimos quanto gradiente chega a cada passo de uma sequência longa,
# vemos numa tarefa que exige memória de longo alcance o que isso custa ao treino, comparamos o
# corte de gradiente (*gradient clipping*) com a saída mais simples, um passo menor, e terminamos
# com o BPTT truncado, feito com `detach`.
#
# Todo o treino deste capítulo roda em CPU, numa thread só; o tempo gasto aparece impresso nas
# células.

# %%
import math
import time
from functools import partial

import pandas as pd
import torch
from torch import nn

from recorrente.cells import LSTMCell, RNNCell, add_forget_bias
from recorrente.common_errors import expect_error
from recorrente.formatting import mean_range, num, pct, sci, table
from recorrente.gradients import (
    decay_rate,
    rnn_bptt,
    set_spectral_radius,
    state_gradient_norms,
    unroll_states,
    vector_norm,
)
from recorrente.models import IGNORE_INDEX, SequenceModel
from recorrente.plotting.gradients import plot_gradient_norms, plot_loss_panels
from recorrente.tasks import FreshBatches, TaskData, accuracy, majority_accuracy, memory_task
from recorrente.training import TrainConfig, fit

torch.set_num_threads(1)  # modelos pequenos: uma thread basta e não disputa a CPU
inicio_capitulo = time.perf_counter()

# %% [markdown]
# ## Aquecimento: dois passos bastam
#
# Um exemplo de brinquedo: com o vocabulário `o`, `l`, `a`, a rede lê "ol" e deve responder
# "a". O alvo só existe no último passo; no primeiro, o alvo vale `IGNORE_INDEX` e não entra na
# perda.
#
# Usamos o modelo e o laço de treino do pacote. O `SequenceModel` tem três partes. A entrada são
# índices inteiros (0 para `o`, 1 para `l`, 2 para `a`), e um índice não é um bom vetor de
# entrada: a rede leria `a` como "o dobro de `l`". Por isso a primeira camada é uma
# <dfn>*embedding*</dfn> (`nn.Embedding`): uma tabela com uma linha por símbolo, em que o índice
# escolhe a linha; as linhas começam sorteadas e são ajustadas pelo treino como qualquer peso.
# Depois vem a rede recorrente (`nn.RNN`, `nn.LSTM` ou `nn.GRU`) e, por fim, uma camada linear que
# transforma o estado de cada passo em uma nota (*logit*) por classe.

# %%
vocab = ["o", "l", "a"]
x_ol = torch.tensor([[0, 1]])  # "ol"
y_ol = torch.tensor([[IGNORE_INDEX, 2]])  # só o último passo tem alvo: "a"

torch.manual_seed(0)
brinquedo = SequenceModel(vocab_size=3, num_classes=3, hidden_size=8, kind="rnn")
print(brinquedo.embedding)  # 3 símbolos → vetores de 8 números
hist = fit(brinquedo, [(x_ol, y_ol)], None, TrainConfig(lr=0.05, max_epochs=30, progress=False))
previsto = vocab[int(brinquedo(x_ol)[0][0, -1].argmax())]
print(f"perda na 1ª época: {num(hist.train_loss[0])}; na última: {num(hist.train_loss[-1], 4)}")
print(f"'ol' → '{previsto}'")
assert previsto == "a"

# %% [markdown]
# Aqui o gradiente só precisa atravessar dois passos. O problema aparece quando a informação
# que decide a resposta ficou dezenas de passos para trás.
#
# ## A conta do BPTT
#
# Na <dfn>RNN simples</dfn> (ou RNN de Elman), a recorrente sem portas dos capítulos anteriores,
# com vetores-linha como no resto do livro,
#
# $$
# a_t = x_t W_{xh} + h_{t-1} W_{hh} + b, \qquad h_t = \tanh(a_t).
# $$
#
# Como $\tanh'(a) = 1 - \tanh^2(a)$, a derivada de $h_t$ em relação a $h_{t-1}$ é a
# <dfn>matriz jacobiana</dfn>
#
# $$
# J_t = \frac{\partial h_t}{\partial h_{t-1}} = \mathrm{diag}(1 - h_t^2)\, W_{hh}^\top .
# $$
#
# Se a perda $L$ depende do último estado $h_T$, a regra da cadeia encadeia uma jacobiana por
# passo:
#
# $$
# \frac{\partial L}{\partial h_k}
#   = \frac{\partial L}{\partial h_T}\, J_T\, J_{T-1} \cdots J_{k+1}
#   = \frac{\partial L}{\partial h_T} \prod_{t=T}^{k+1} \mathrm{diag}(1 - h_t^2)\, W_{hh}^\top .
# $$
#
# O gradiente de $W_{hh}$ soma a contribuição de todos os passos,
# $\partial L / \partial W_{hh} = \sum_t h_{t-1}^\top \delta_t$, com
# $\delta_t = \partial L/\partial a_t = (\partial L/\partial h_t) \odot (1 - h_t^2)$: a
# contribuição de um passo distante chega multiplicada por muitas jacobianas.
#
# Vamos fazer essa conta com uma célula pequena, produto de jacobianas explícito, e comparar com o
# autograd. A perda é $L = \sum_i h_{T,i}$, então $\partial L/\partial h_T$ é um vetor de uns.


# %%
def vetor(v: torch.Tensor) -> str:
    return "  ".join(sci(float(e), 4) for e in v)


torch.manual_seed(1)
celula = RNNCell(2, 3)
W_hh = celula.W_hh.detach()
x = torch.randn(1, 6, 2)  # (N, T, I)
hs = [estado[0] for estado in unroll_states(celula, x)]  # h_1 ... h_T
T = len(hs)

J = [torch.diag(1 - h_t[0].detach() ** 2) @ W_hh.T for h_t in hs]  # J[t-1] = J_t
k = 1  # queremos dL/dh_k
produto = torch.eye(3)
for t in range(T, k, -1):  # J_T J_{T-1} ... J_{k+1}
    produto = produto @ J[t - 1]
dL_dh_k = torch.ones(3) @ produto

autograd = torch.autograd.grad(hs[-1].sum(), hs[k - 1])[0][0]
print("produto de jacobianas:", vetor(dL_dh_k))
print("autograd:             ", vetor(autograd))
torch.testing.assert_close(dL_dh_k, autograd)
torch.testing.assert_close(rnn_bptt(celula, x)[0, k - 1], autograd)

sigma_max = float(torch.linalg.matrix_norm(W_hh, ord=2))  # maior valor singular
limite = sigma_max ** (T - k)
real = float(torch.linalg.matrix_norm(produto, ord=2))
print(f"σ_max(W_hh) = {num(sigma_max)};  limite σ_max^{T - k} = {num(limite, 4)};  "
      f"‖∂h_T/∂h_{k}‖ = {sci(real)}")
assert sigma_max < 1 and real <= limite

# %% [markdown]
# A função `rnn_bptt` do pacote faz a mesma recursão, um passo para trás de cada vez
# ($g_{t-1} = (g_t \odot (1 - h_t^2))\, W_{hh}^\top$), e `state_gradient_norms` mede a norma de
# $\partial L/\partial h_t$ com o autograd para qualquer célula.
#
# Quanto o produto pode crescer ou encolher? Como $0 < 1 - h_t^2 \le 1$, cada jacobiana tem norma
# no máximo $\sigma_{\max}(W_{hh})$, o maior valor singular de $W_{hh}$, e portanto
# $\lVert \partial h_T / \partial h_k \rVert \le \sigma_{\max}(W_{hh})^{T-k}$. Isso é um limite
# **superior**, e só prova alguma coisa num sentido: se $\sigma_{\max}(W_{hh}) < 1$, o gradiente
# some exponencialmente, seja qual for a entrada. É o caso da célula acima: $\sigma_{\max}$ ficou
# em 0,477, o limite para 5 passos em 0,0246, e o valor real em 4,51e-05, bem abaixo. Se
# $\sigma_{\max} > 1$, o limite cresce, mas o gradiente verdadeiro pode encolher mesmo assim (no
# exercício 1, o limite chega a 2,22 e o valor real fica em 9,37e-04): não há limite inferior
# simples, e para saber se o gradiente explode é preciso medir (a próxima seção mostra um caso
# em que o limite passa de $10^{28}$ e o gradiente medido é da ordem de $10^{-5}$). O que dá uma
# boa indicação é o **<dfn>raio espectral</dfn>** de $W_{hh}$ (o maior módulo de seus autovalores): perto da origem,
# onde $\tanh(a) \approx a$, a jacobiana é quase $W_{hh}^\top$ e o produto de $T - k$ delas se
# comporta como a potência $(W_{hh}^\top)^{T-k}$, que encolhe se o raio é menor que 1 e cresce se
# é maior. Longe da origem, a $\tanh$ entra em jogo e só a medida diz.
#
# ## Medindo o gradiente numa sequência de 100 passos
#
# Uma RNN com $H = 64$, entrada aleatória de 100 passos, e $W_{hh}$ reescalada para três raios
# espectrais: abaixo de 1, igual a 1 e acima de 1. Para cada passo $t$ medimos
# $\lVert \partial L/\partial h_t \rVert$ (média no lote de 32 sequências). A **taxa** impressa
# é o fator médio pelo qual a norma é multiplicada a cada passo para trás, ajustado nos últimos
# 40 passos: abaixo de 1, o gradiente some; acima, explode. Imprimimos também $\sigma_{\max}$, o
# limite $\sigma_{\max}^{99}$ para o primeiro passo e a média de $1 - h_t^2$, o fator da $\tanh$.
#
# Um cuidado com a medida: a norma soma os quadrados dos elementos, e em `float32` um elemento de
# $10^{-30}$ vira $10^{-60}$, abaixo do menor número representável (cerca de $1{,}4 \times
# 10^{-45}$): `g.norm()` daria zero para um gradiente que não é zero. Por isso o pacote calcula as
# normas em `float64` (`recorrente.gradients.vector_norm`).

# %%
torch.manual_seed(0)
x_longo = torch.randn(32, 100, 8)
janela = (59, 99)  # ajuste da taxa: passos 60 a 99

curvas, linhas = {}, []
for rho in (0.5, 1.0, 2.0):
    torch.manual_seed(1)
    rnn_cell = set_spectral_radius(RNNCell(8, 64), rho)
    normas = state_gradient_norms(rnn_cell, x_longo)
    with torch.no_grad():
        h = torch.stack([s[0] for s in unroll_states(rnn_cell, x_longo)], dim=1)  # (N, T, H)
    sigma = float(torch.linalg.matrix_norm(rnn_cell.W_hh.detach(), ord=2))
    nome = f"RNN, raio {num(rho, 1)}"
    curvas[nome] = normas
    linhas.append(
        {
            "rede": nome,
            "σ_max(W_hh)": sigma,
            "limite σ_max⁹⁹": sci(sigma**99),
            "média de 1 − h²": float((1 - h[:, janela[0] : janela[1]] ** 2).mean()),
            "‖∂L/∂h_1‖": sci(normas[0]),
            "‖∂L/∂h_100‖": sci(normas[-1]),
            "taxa/passo": decay_rate(normas, *janela),
        }
    )
rnn = pd.DataFrame(linhas).set_index("rede")
taxa = rnn["taxa/passo"].tolist()
assert taxa[0] < taxa[1] < 1 < taxa[2]
assert float(curvas["RNN, raio 0,5"][0]) > 0  # minúsculo, mas não zero
assert (rnn["σ_max(W_hh)"].iloc[1:] > 1).all()  # limite acima de 1 nos raios 1 e 2
table(rnn)

# %%
fig = plot_gradient_norms(curvas, title="Norma de ∂L/∂hₜ numa sequência de 100 passos")
fig

# %% [markdown]
# O que a tabela e o gráfico mostram:
#
# - Com raio 0,5, o gradiente encolhe a cada passo para trás (taxa 0,467) e chega ao primeiro
#   passo com norma 2,18e-32, 32 ordens de grandeza abaixo da do último passo. Ainda é um número
#   que o `float32` representa, mas, perto dos sinais que vêm dos passos recentes, é nada. É o
#   **<dfn>gradiente que desaparece</dfn>** (*vanishing gradient*). Aqui o limite superior já
#   garantia isso: $\sigma_{\max}(W_{hh}) = 0{,}963 < 1$.
# - Com raio 1 ele ainda encolhe (taxa 0,868), embora $\sigma_{\max}(W_{hh})$ seja 1,926 e o
#   limite, 1,48e+28: o gradiente medido em $h_1$ é 9,40e-06. Perto da origem a jacobiana seria
#   $W_{hh}^\top$, mas a $\tanh$ <dfn title="saturação">satura</dfn> com entradas de tamanho
#   normal: o fator $1 - h_t^2$ ficou, em média, em 0,861, e tira um pouco a cada passo.
# - Com raio 2 o gradiente cresce ao voltar no tempo (taxa 1,156): é o
#   **<dfn>gradiente que explode</dfn>** (*exploding gradient*). A taxa fica bem abaixo do raio 2,
#   e a $\tanh$ satura bem mais (média de $1 - h_t^2$ em 0,465), mas os primeiros passos
#   recebem gradientes 6 ordens de grandeza maiores que o do último (8,77e+06 contra 8).
#
# ### E a LSTM?
#
# O próximo capítulo abre a LSTM por dentro; para medir o gradiente nela basta uma parte. Além de
# $h_t$, a LSTM carrega uma memória $c_t$, atualizada por soma:
#
# $$
# c_t = f_t \odot c_{t-1} + i_t \odot g_t, \qquad h_t = o_t \odot \tanh(c_t),
# $$
#
# em que $f_t$, $i_t$ e $o_t$ são "portas", vetores entre 0 e 1 calculados (com a sigmoide) a
# partir de $x_t$ e $h_{t-1}$, e $g_t$ é o conteúdo novo. A porta $f_t$ decide quanto da memória
# antiga fica. Pelo caminho direto, $\partial c_t / \partial c_{t-1} = \mathrm{diag}(f_t)$: sem a
# multiplicação por $W_{hh}$, o gradiente encolhe por $f_t$ a cada passo. Mas esse não é o único
# caminho: $c_{t-1}$ também forma $h_{t-1}$, que entra em todas as portas do passo seguinte e, por
# elas, em $c_t$.
#
# Medimos, com a mesma entrada de 100 passos, uma LSTM com a inicialização padrão do PyTorch e
# outra com 3 somado ao viés de $f_t$ (um truque comum de inicialização). Além da taxa de
# $\partial L/\partial h_t$ e de $\partial L/\partial c_t$, imprimimos a média de $f_t$ e a taxa
# que o caminho direto daria sozinho, medida na norma do produto
# $f_{k+1} \odot \cdots \odot f_T$.

# %%
linhas = []
for vies_f in (0.0, 3.0):
    torch.manual_seed(1)
    lstm_cell = LSTMCell(8, 64)
    add_forget_bias(lstm_cell, vies_f)  # soma ao bloco f do viés, o segundo de i, f, g, o
    nome = f"LSTM, viés de f +{num(vies_f, 0)}"
    normas = state_gradient_norms(lstm_cell, x_longo)
    curvas[nome] = normas
    with torch.no_grad():  # as portas f_t ao longo da sequência
        estado, fs = lstm_cell.initial_state(32), []
        for t in range(100):
            v = lstm_cell.gate_values(x_longo[:, t], estado)
            fs.append(v["f"])
            estado = (v["h"], v["c"])
    f = torch.stack(fs, dim=1)  # (N, T, H)
    # caminho direto: ∂c_T/∂c_k = diag(f_{k+1} ⊙ ... ⊙ f_T); no último passo, a identidade
    produtos = f.flip(1).cumprod(1).flip(1)  # produtos[:, k] = f_k ⊙ ... ⊙ f_T (índice 0)
    direto = torch.cat([produtos[:, 1:], torch.ones_like(f[:, :1])], dim=1)
    linhas.append(
        {
            "rede": nome,
            "média de f": float(f[:, janela[0] : janela[1]].mean()),
            "taxa do caminho direto": decay_rate(vector_norm(direto).mean(0), *janela),
            "taxa de ∂L/∂c_t": decay_rate(state_gradient_norms(lstm_cell, x_longo, 1), *janela),
            "taxa de ∂L/∂hₜ": decay_rate(normas, *janela),
            "‖∂L/∂h_1‖": sci(normas[0]),
        }
    )
lstm = pd.DataFrame(linhas).set_index("rede")
padrao, vies3 = lstm.to_dict("records")
assert padrao["taxa de ∂L/∂hₜ"] < 1 < vies3["taxa de ∂L/∂hₜ"] + 0.05
assert all(r["taxa do caminho direto"] < r["taxa de ∂L/∂hₜ"] for r in (padrao, vies3))
table(lstm)

# %% [markdown]
# Com a inicialização padrão, os vieses ficam perto de zero e $f_t$ vale, em média, 0,500: a LSTM
# *não* escapa do problema, e o gradiente em $h_t$ encolhe à taxa de 0,638 por passo. Com 3 no
# viés, $f_t$ sobe para 0,950 (perto de $\sigma(3) \approx 0{,}95$) e a taxa para 0,991: o
# gradiente atravessa os 100 passos e chega ao primeiro com norma 2,14, um quarto da do último
# (8), contra 2,43e-20 com a inicialização padrão.
#
# As taxas medidas são maiores que a média de $f_t$ por dois motivos, que a tabela separa. O
# caminho direto sozinho já dá 0,543 e 0,957, acima das médias, porque a norma é dominada pelas
# unidades cujo $f_t$ é maior. O resto (até 0,638 e 0,991) vem dos outros caminhos,
# $c_{t-1} \to h_{t-1} \to$ portas $\to c_t$, que, somados ao caminho direto, deixam o
# decaimento mais lento. A taxa em $c_t$ (0,641 e 0,995) é quase a mesma que em $h_t$. A vantagem
# da LSTM é *poder* manter a memória; o treino (ou uma inicialização assim) é que coloca as portas
# nesse regime. O gráfico mostra as cinco curvas.

# %%
fig = plot_gradient_norms(curvas, title="Norma de ∂L/∂hₜ: RNN simples e LSTM")
fig

# %% [markdown]
# ## A tarefa: lembrar o primeiro símbolo
#
# Quanto isso pesa no treino? Para medir memória de longo alcance usamos `memory_task` do pacote:
# o primeiro símbolo de cada sequência é um **sinal** entre 4 possíveis (0 a 3); depois vêm $T$
# símbolos de distração (outros 4 símbolos, 4 a 7, sorteados); no último passo a rede deve dizer
# qual foi o sinal. Para acertar, a informação precisa atravessar $T$ passos, e o gradiente
# também.

# %%
exemplo = memory_task(2, 6, seed=0)
print("entradas:", exemplo.x.tolist())
print("alvos (−100 = sem alvo):", exemplo.y.tolist())

# %% [markdown]
# Treinamos a RNN simples ($H = 32$) com o `fit` do pacote (AdamW, corte em 1,0) em lotes de 64
# sequências sorteadas na hora (`FreshBatches`), e o acerto nas sequências vistas no treino fica
# ao lado do acerto em 4.096 sequências de teste, de outra semente. Com $T = 30$ existem
# $4 \cdot 4^{30}$ sequências diferentes, e nenhuma se repete: a rede não tem como decorar o
# treino. Com $T = 5$ só existem $4 \cdot 4^5 = 4.096$, e treino e teste se repetem; ali o acerto
# não separa aprender de decorar, e serve só de contraste. São 96 atualizações (12 épocas de 8
# lotes) e seis sementes, cada uma com sua inicialização e seus lotes. Duas distâncias: curta
# ($T = 5$) e longa ($T = 30$); na longa, também com 4 vezes mais atualizações.
#
# Ao lado, duas <dfn title="linha de base">linhas de base</dfn>: o acaso ($1/4$) e a **classe
# majoritária** do treino (responder sempre a classe mais comum nas sequências de treino), medida
# no teste. E, para cada rede antes de treinar, a razão
# $\lVert \partial L/\partial h_1 \rVert / \lVert \partial L/\partial h_T \rVert$, com a mesma
# medida da seção anterior: quanto do gradiente do último passo chega ao passo do sinal.

# %%
teste_por_distancia = {d: memory_task(4096, d, seed=1000) for d in (5, 30)}


def razao_gradiente(modelo: SequenceModel, teste: TaskData) -> float:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ da RNN do modelo, em 256 sequências de teste."""
    celula = RNNCell(modelo.rnn.input_size, modelo.rnn.hidden_size)
    celula.load_torch_weights(modelo.rnn)
    with torch.no_grad():
        entradas = modelo.embedding(teste.x[:256])
    normas = state_gradient_norms(celula, entradas)
    return float(normas[0] / normas[-1])


def treina_memoria(distancia: int, semente: int, epocas: int) -> dict[str, float]:
    sorteio = partial(memory_task, distance=distancia)
    teste = teste_por_distancia[distancia]
    torch.manual_seed(semente)
    modelo = SequenceModel(teste.vocab_size, teste.num_classes, hidden_size=32, kind="rnn")
    razao_inicio = razao_gradiente(modelo, teste)
    lotes = FreshBatches(sorteio, 64, num_batches=8, seed=semente)
    fit(modelo, lotes, None, TrainConfig(lr=1e-2, max_epochs=epocas, progress=False))
    # as sequências que o treino viu: a mesma semente sorteia os mesmos lotes
    vistos = list(FreshBatches(sorteio, 64, num_batches=8 * epocas, seed=semente))
    treino = TaskData(
        torch.cat([xb for xb, _ in vistos]),
        torch.cat([yb for _, yb in vistos]),
        teste.vocab_size,
        teste.num_classes,
    )
    return {
        "maioria": majority_accuracy(treino, teste),
        "treino": accuracy(modelo, treino),
        "teste": accuracy(modelo, teste),
        "razão no início": razao_inicio,
        "razão no fim": razao_gradiente(modelo, teste),
    }


t0 = time.perf_counter()
sementes = range(6)
memoria = {
    (d, epocas): [treina_memoria(d, s, epocas) for s in sementes]
    for d, epocas in ((5, 12), (30, 12), (30, 48))
}
print(f"(18 treinos em {num(time.perf_counter() - t0, 1)} s)")


def coluna(corridas: list[dict[str, float]], chave: str) -> list[float]:
    return [c[chave] for c in corridas]


resumo = pd.DataFrame(
    [
        {
            "T": d,
            "atualizações": 8 * epocas,
            "acaso": 0.25,
            "maioria do treino": mean_range(coluna(corridas, "maioria")),
            "RNN, treino": mean_range(coluna(corridas, "treino")),
            "RNN, teste": mean_range(coluna(corridas, "teste")),
            "teste por semente": " / ".join(num(a) for a in coluna(corridas, "teste")),
        }
        for (d, epocas), corridas in memoria.items()
    ]
).set_index(["T", "atualizações"])
table(resumo)

# %%
def ruido(n: int) -> float:
    """Desvio-padrão da fração de acertos de quem chuta, 1/4, em n sequências."""
    return (0.25 * 0.75 / n) ** 0.5


desvio = ruido(4096)
print(f"ruído do acaso (um desvio-padrão): ±{num(desvio, 4)} em 4.096 sequências; "
      f"±{num(ruido(512), 4)} em 512")
for (d, epocas), corridas in memoria.items():
    inicio = " ".join(sci(r, 1) for r in coluna(corridas, "razão no início"))
    fim = " ".join(sci(r, 1) for r in coluna(corridas, "razão no fim"))
    print(f"T = {d:2d}, {8 * epocas:3d} atualizações: ‖∂L/∂h_1‖/‖∂L/∂h_T‖ "
          f"no início {inicio}; no fim {fim}")

curta, longa, longa_mais = memoria.values()
assert min(coluna(curta, "teste")) > 0.95 and min(coluna(curta, "treino")) > 0.95
assert max(coluna(longa, "teste")) < 0.25 + 4 * desvio  # acaso, em todas as sementes
assert max(coluna(longa, "treino")) < 0.25 + 4 * desvio  # e nada decorado
assert all(abs(c["maioria"] - 0.25) < 4 * desvio for c in curta + longa + longa_mais)
assert max(coluna(longa, "razão no início")) < 1e-6 < min(coluna(curta, "razão no início"))
saem = sum(a > 0.25 + 4 * desvio for a in coluna(longa_mais, "teste"))
assert 1 <= saem < len(sementes)  # com 384 atualizações, depende da semente
print(f"com 384 atualizações, sementes acima do acaso: {saem} de {len(sementes)}")

# %% [markdown]
# Com $T = 5$ a RNN acerta tudo nas seis sementes, no treino e no teste. Com $T = 30$ e as mesmas
# 96 atualizações, ela fica no acaso em todas: acerto médio de 0,247 no teste (de 0,238 a 0,259),
# com a diferença para 1/4 dentro do ruído de amostragem (±0,0068), e 0,258 nas sequências que
# viu no treino. A linha da classe majoritária mostra o que esse ruído faz: como os 4 sinais são
# igualmente prováveis, a classe mais comum no treino é só a que o sorteio favoreceu, e no teste
# ela aparece com a frequência de qualquer outra, perto de 1/4, um pouco acima ou abaixo (de
# 0,239 a 0,263). Num teste de 512 sequências, em que o desvio-padrão é 0,0191, essa linha de
# base, ou uma rede que não aprendeu nada, sai com facilidade 0,02 ou 0,04 abaixo do acaso, sem
# que isso signifique coisa alguma.
#
# A medida do gradiente aponta o motivo provável. Antes do treino, com $T = 5$, o gradiente que
# chega ao passo do sinal é de 2% a 4% do que chega ao último passo; com $T = 30$, fica entre
# 4,1e-11 e 9,5e-10 dele: o gradiente que desaparece, nesta rede. Mas "provável" não é
# "impossível": com 4 vezes mais atualizações (384), três das seis sementes saem do acaso (0,440,
# 0,347 e 0,650 no teste, quase o mesmo que no treino) e as outras três não. Nas duas que foram
# mais longe, a razão no fim do treino subiu para 0,20 e 0,38: a rede passou a deixar o gradiente
# atravessar os 30 passos. Nas que ficaram no acaso ela continua pequena (de 3,9e-08 a 2,8e-05),
# mas também na que chegou a 0,347 (1,1e-11); essa medida, tomada só no fim e com a perda
# $\sum h_T$, não conta a história toda. Com $T = 30$, a RNN simples aprende devagar, quando
# aprende, e o resultado depende da semente. O próximo capítulo compara a RNN com a LSTM e a GRU
# nesta mesma tarefa, para várias distâncias, com o mesmo orçamento.
#
# ## Corte de gradiente: limitando o tamanho do passo
#
# Quando o gradiente explode, um único passo de otimização pode jogar os pesos para uma região
# ruim. O <dfn>corte de gradiente</dfn> pela norma (`torch.nn.utils.clip_grad_norm_`) trata todos
# os parâmetros como um vetor $g$ e, se $\lVert g \rVert$ passa de um limite $\tau$, reescala:
#
# $$
# g \leftarrow g \cdot \min\left(1, \frac{\tau}{\lVert g \rVert}\right).
# $$
#
# A direção é preservada; só o tamanho do passo é limitado. O `fit` do pacote já faz isso a
# cada atualização (`TrainConfig.clip_norm`, 1,0 por padrão), mas usa o AdamW, cujo passo já é
# normalizado pelo tamanho típico do gradiente. Para ver o efeito do corte isolado, usamos aqui o
# SGD puro num laço de poucas linhas: uma RNN ($H = 32$) com $W_{hh}$ de raio espectral 1,8, na
# tarefa de memória com distância 15, em 64 atualizações de lotes novos de 32 sequências. Três
# receitas, com as mesmas seis sementes: taxa de aprendizado 0,3 sem corte; 0,3 com corte em
# $\tau = 1$; e a alternativa óbvia, um passo menor (0,1) sem corte.
#
# Além da perda e do acerto (nas 8 últimas atualizações do treino e em 2.048 sequências de
# teste), contamos as atualizações em que a norma do gradiente passou de 1 (as que o corte
# reduz) e medimos, no fim do treino, a saturação (a fração dos valores de $h_t$, nas sequências
# de teste, com $|h_t| > 0{,}99$) e a razão
# $\lVert \partial L/\partial h_1 \rVert / \lVert \partial L/\partial h_T \rVert$ da seção
# anterior.

# %%
teste_corte = memory_task(2048, 15, seed=1000)


def saturacao(modelo: SequenceModel) -> float:
    with torch.no_grad():
        h, _ = modelo.rnn(modelo.embedding(teste_corte.x))
    return float((h.abs() > 0.99).float().mean())


def treino_sgd(clip: float | None, semente: int, lr: float) -> dict[str, object]:
    torch.manual_seed(semente)
    modelo = SequenceModel(teste_corte.vocab_size, teste_corte.num_classes, 32, kind="rnn")
    with torch.no_grad():
        W = modelo.rnn.weight_hh_l0  # o PyTorch guarda W_hh transposta; o raio é o mesmo
        W.mul_(1.8 / torch.linalg.eigvals(W).abs().max())
    saturacao_inicio = saturacao(modelo)
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    lotes = FreshBatches(partial(memory_task, distance=15), 32, num_batches=64, seed=semente)
    perdas, acertos, normas = [], [], []
    for xb, yb in lotes:
        logits, perda = modelo(xb, yb)
        otimizador.zero_grad()
        perda.backward()
        norma = nn.utils.clip_grad_norm_(modelo.parameters(), clip or float("inf"))
        otimizador.step()
        perdas.append(perda.item())
        acertos.append(float((logits[:, -1].argmax(-1) == yb[:, -1]).float().mean()))
        normas.append(norma.item())  # a norma *antes* do corte
    return {
        "perdas": perdas,
        "maior norma": max(normas),
        "norma > 1": sum(n > 1 for n in normas) / len(normas),
        "perda no treino*": sum(perdas[-8:]) / 8,
        "acerto no treino*": sum(acertos[-8:]) / 8,
        "acerto no teste": accuracy(modelo, teste_corte),
        "saturação no início": saturacao_inicio,
        "saturação no fim": saturacao(modelo),
        "razão no fim": razao_gradiente(modelo, teste_corte),
    }


receitas = {
    f"SGD {num(0.3, 1)}, sem corte": (None, 0.3),
    f"SGD {num(0.3, 1)}, corte τ = 1": (1.0, 0.3),
    f"SGD {num(0.1, 1)}, sem corte": (None, 0.1),
}
t0 = time.perf_counter()
corridas = {
    nome: [treino_sgd(clip, s, lr) for s in sementes] for nome, (clip, lr) in receitas.items()
}
print(f"(18 treinos em {num(time.perf_counter() - t0, 1)} s; * média das 8 últimas "
      "atualizações, cada uma num lote ainda não visto)")
colunas = ["maior norma", "norma > 1", "perda no treino*", "acerto no treino*",
           "acerto no teste", "saturação no fim", "razão no fim"]
porcentagens = {"norma > 1", "saturação no fim"}
casas = {"maior norma": 1, "norma > 1": 1, "saturação no fim": 1}
corte = pd.DataFrame(
    {
        nome: {
            c: mean_range([r[c] for r in rs], casas.get(c, 3), percent=c in porcentagens)
            if c != "razão no fim"
            else f"{sci(min(r[c] for r in rs), 1)} a {sci(max(r[c] for r in rs), 1)}"
            for c in colunas
        }
        for nome, rs in corridas.items()
    }
).T
inicio = [r["saturação no início"] for rs in corridas.values() for r in rs]
print(f"saturação antes do treino: de {pct(min(inicio))} a {pct(max(inicio))}")
table(corte)

# %% legenda="Perda de treino a cada atualização, semente 1: SGD com taxa 0,3 sem corte oscila perto do acaso; com corte em τ = 1 e com taxa 0,1 sem corte, cai até perto de zero"
sem, com, menor = (corridas[nome] for nome in receitas)
assert all(math.isfinite(p) for rs in corridas.values() for r in rs for p in r["perdas"])
assert all(r["acerto no teste"] > 0.95 for r in com + menor)
resolvem = [r["acerto no teste"] > 0.9 for r in sem]
assert sum(resolvem) <= len(sem) // 2  # sem corte, a maioria das sementes não resolve
assert all(r["perda no treino*"] > 0.3 for r, ok in zip(sem, resolvem, strict=True) if not ok)
print(f"sem corte, sementes que resolvem a tarefa (acerto no teste > 0,9): {sum(resolvem)} de "
      f"{len(sem)}")
def media_saturacao(rs: list[dict[str, object]]) -> float:
    return sum(r["saturação no fim"] for r in rs) / len(rs)


assert media_saturacao(sem) > 1.5 * max(media_saturacao(com), media_saturacao(menor))
for s, r in zip(sementes, sem, strict=True):
    print(f"sem corte, semente {s}: perda entre {num(min(r['perdas']))} e "
          f"{num(max(r['perdas']))}; nas 8 últimas, {num(r['perda no treino*'])} em média; "
          f"acerto no teste, {num(r['acerto no teste'])}")
fig = plot_loss_panels(
    {f"{nome} (semente 1)": corridas[nome][1]["perdas"] for nome in receitas},
    reference=(math.log(4), f"acaso, ln 4 ≈ {num(math.log(4), 2)}"),
)
fig

# %% [markdown]
# Sem corte, com taxa 0,3, só uma das seis sementes resolve a tarefa em 64 atualizações (a
# semente 5, com acerto de 0,995 no teste). Nas outras cinco, a perda não diverge (todos os
# valores são finitos): ela oscila sem se firmar, com picos (o maior foi 4,421, na semente 0), e
# nas 8 últimas atualizações fica entre 0,758 e 1,422, perto de $\ln 4 \approx 1{,}39$, o acaso
# entre 4 classes, ou abaixo dele, mas longe de zero. O acerto no teste depende de onde a última
# atualização deixou os pesos: de 0,271 a 0,487 em quatro sementes e 0,004 na semente 0, bem
# abaixo do acaso, o que quer dizer que a rede final erra de modo sistemático. Os gradientes não
# são gigantes: a maior norma fica entre 3,8 e 14,4, na mesma faixa das outras receitas. O que
# muda é o passo: com taxa 0,3, uma norma de 5 desloca os pesos em 1,5 de uma vez.
#
# Com o corte em $\tau = 1$, que agiu em 41,1% das atualizações (de 31,2% a 57,8%), as seis
# sementes acertam tudo, no treino e no teste. A saturação acompanha: no fim, sem corte, 35,6%
# dos valores de $h_t$ têm $|h_t| > 0{,}99$ (média das seis sementes, de 19,1% a 51,7%), contra
# 10,6% com o corte (de 6,4% a 13,5%) e de 2,4% a 6,2% antes do treino. Mas a saturação não chega
# a apagar o gradiente: a razão no fim fica entre 1,2e-02 e 5,4e-01 sem corte, na mesma faixa das
# outras receitas. Os passos longos levam os pesos a uma região mais saturada e de perda mais
# alta; por que o treino não sai dela, estas medidas não dizem.
#
# E a alternativa óbvia funciona tão bem quanto: com a taxa três vezes menor (0,1) e sem corte, as
# seis sementes também acertam tudo no teste, no mesmo número de atualizações, com perda final um
# pouco maior (de 0,025 a 0,154, contra 0,007 a 0,018 com o corte) e saturação parecida com a do
# corte (12,6% em média, de 7,2% a 16,3%). Neste problema, o corte não é a única saída. A
# diferença entre os dois é onde agem: o passo menor encolhe todas as atualizações; o corte só as
# que passam de $\tau$, e deixa as outras com o passo inteiro (em troca, é preciso escolher
# $\tau$).
#
# ## BPTT truncado: detach entre pedaços
#
# Numa sequência muito longa (um livro inteiro, uma série de anos), guardar o grafo de todos os
# passos para uma única retropropagação custa memória proporcional a $T$. O
# **<dfn>BPTT truncado</dfn>** corta a sequência em pedaços de $k$ passos: o estado final de um
# pedaço é o estado inicial do próximo (a rede continua *lembrando* no passo à frente), mas com
# `.detach()`, que o desliga do grafo, então o gradiente de cada pedaço não volta além dele. É o que
# o `repackage_hidden` do exemplo `word_language_model` do PyTorch faz.
#
# Abaixo, uma sequência de 60 passos em pedaços de 20. O gradiente da saída final em relação à
# entrada só é diferente de zero nos 20 últimos passos.

# %%
torch.manual_seed(0)
rnn = nn.RNN(2, 8, batch_first=True)
x_seq = torch.randn(1, 60, 2, requires_grad=True)

h = None
for pedaco in x_seq.split(20, dim=1):
    saida, h = rnn(pedaco, h)
    h = h.detach()  # o estado segue em frente; o grafo, não

saida[0, -1].sum().backward()
passos_com_gradiente = int((x_seq.grad[0].abs().sum(dim=1) > 0).sum())
print("passos da entrada que recebem gradiente:", passos_com_gradiente)
assert passos_com_gradiente == 20

# %% [markdown]
# O preço é claro: uma dependência mais longa que $k$ passos nunca gera gradiente, por mais
# que a rede pudesse aprendê-la. Num treino real, cada pedaço tem sua perda, seu `backward` e
# seu passo do otimizador, e o estado que atravessa os pedaços é sempre desligado com
# `detach`.
#
# !!! warning "Erro comum: esquecer o `detach` entre os pedaços"
#
#     Sem o `detach`, o estado que entra no segundo pedaço ainda está ligado ao grafo do
#     primeiro, que o `backward` anterior já liberou. O segundo `backward` tenta atravessá-lo de
#     novo:

# %% tags=["caixa"]
rnn_tb = nn.RNN(2, 8, batch_first=True)
h_tb = None
with expect_error("backward-duas-vezes"):
    for pedaco in torch.randn(1, 40, 2).split(20, dim=1):
        saida_tb, h_tb = rnn_tb(pedaco, h_tb)  # sem detach: h_tb leva o grafo do pedaço anterior
        saida_tb.pow(2).mean().backward()

# %% tags=["caixa"]
# A correção: h_tb = h_tb.detach() depois de cada pedaço (o repackage_hidden do PyTorch).
h_tb = None
for pedaco in torch.randn(1, 40, 2).split(20, dim=1):
    saida_tb, h_tb = rnn_tb(pedaco, h_tb)
    saida_tb.pow(2).mean().backward()
    h_tb = h_tb.detach()

# %% [markdown]
#     A mensagem sugere `retain_graph=True`. Aqui ela cala o erro, mas faz cada `backward`
#     percorrer de novo todos os pedaços anteriores: a memória e o tempo crescem com a sequência
#     inteira, justamente o que o BPTT truncado queria evitar.

# %%
print(f"tempo total do capítulo: {num(time.perf_counter() - inicio_capitulo, 0)} s")

# %% [markdown]
# ## Resumo
#
# - BPTT é a retropropagação na rede desdobrada: o gradiente que chega ao passo $k$ é o
#   gradiente final multiplicado por uma jacobiana $\mathrm{diag}(1 - h_t^2) W_{hh}^\top$ por
#   passo.
# - Esse produto encolhe ou cresce exponencialmente com a distância; medimos os dois casos e a
#   taxa por passo. O limite $\sigma_{\max}(W_{hh})^{T-k}$ só garante o desaparecimento quando
#   $\sigma_{\max} < 1$; no resto, é preciso medir (e medir a norma em `float64`).
# - Na LSTM, a porta de esquecimento $f_t$ controla o caminho direto da memória; com $f_t$ perto
#   de 1, o gradiente atravessa 100 passos.
# - Na tarefa de memória, a RNN simples resolve $T = 5$ em 96 atualizações e fica no acaso com
#   $T = 30$; com 4 vezes mais atualizações, o resultado depende da semente.
# - O corte pela norma limita o tamanho do passo sem mudar sua direção; neste problema, um passo
#   menor sem corte resolveu a tarefa tão bem quanto.
# - O BPTT truncado corta o grafo com `detach` a cada $k$ passos: economiza memória e perde
#   dependências mais longas que $k$.
#
# ## Exercícios
#
# 1. Mostre numericamente que $\lVert \partial h_T/\partial h_k \rVert_2 \le
#    \lVert W_{hh} \rVert_2^{T-k}$ para uma RNN pequena, calculando o produto de jacobianas. O
#    limite diz se o gradiente explode?
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from recorrente.cells import RNNCell
#         from recorrente.formatting import num, sci
#         from recorrente.gradients import spectral_radius, unroll_states
#
#         torch.manual_seed(0)
#         celula = RNNCell(3, 5)
#         W_hh = celula.W_hh.detach()
#         hs = [s[0][0].detach() for s in unroll_states(celula, torch.randn(1, 12, 3))]
#         T = len(hs)
#         norma_W = float(torch.linalg.matrix_norm(W_hh, ord=2))  # σ_max(W_hh)
#         print(f"σ_max(W_hh) = {num(norma_W)}; raio espectral = {num(spectral_radius(W_hh))}")
#         produto = torch.eye(5)
#         for t in range(T, 1, -1):
#             produto = produto @ (torch.diag(1 - hs[t - 1] ** 2) @ W_hh.T)
#             k = t - 1
#             lado_esq = float(torch.linalg.matrix_norm(produto, ord=2))
#             assert lado_esq <= norma_W ** (T - k) + 1e-6
#             print(f"k={k:2d}  ‖∂h_T/∂h_k‖ = {sci(lado_esq)}  ≤  {sci(norma_W ** (T - k))}")
#         ```
#
#         Aqui $\sigma_{\max}(W_{hh}) = 1{,}075$, acima de 1: o limite cresce a cada passo e chega a 2,22
#         em $k = 1$, enquanto o valor real cai até 9,37e-04 (o raio espectral é 0,598). Um limite
#         superior acima de 1 não diz que o gradiente explode; só quando $\sigma_{\max} < 1$ ele garante
#         alguma coisa (que o gradiente some).
#
# 2. Repita a medição das normas com uma RNN de ReLU (`RNNCell(..., nonlinearity="relu")`) e
#    raio espectral 1,0 e 1,1. O que muda em relação à $\tanh$, que satura? Meça também a fração
#    de unidades ativas ($h_t > 0$) e o tamanho do estado $h_t$.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from recorrente.cells import RNNCell
#         from recorrente.formatting import num, pct, sci
#         from recorrente.gradients import (
#             decay_rate, set_spectral_radius, state_gradient_norms, unroll_states,
#         )
#
#         torch.manual_seed(0)
#         x = torch.randn(16, 60, 4)
#         for rho in (1.0, 1.1, 1.3, 1.5):
#             torch.manual_seed(1)
#             celula = set_spectral_radius(RNNCell(4, 32, nonlinearity="relu"), rho)
#             normas = state_gradient_norms(celula, x)
#             with torch.no_grad():
#                 h = torch.stack([s[0] for s in unroll_states(celula, x)], dim=1)  # (N, T, H)
#             ativas = float((h[:, 20:] > 0).float().mean())
#             tamanho = h.norm(dim=-1).mean(0)  # ‖h_t‖ médio em cada passo
#             print(f"raio {num(rho, 1)}: taxa por passo {num(decay_rate(normas, 20, 59))}, "
#                   f"unidades ativas {pct(ativas)}, ‖h_20‖ = {num(tamanho[19], 2)}, "
#                   f"‖h_60‖ = {num(tamanho[-1], 2)}, ‖∂L/∂h_1‖ = {sci(normas[0])}")
#         ```
#
#         A ReLU não satura para valores positivos (a derivada é 1), mas zera os negativos (derivada 0):
#         a cada passo, só cerca de metade das unidades fica ativa (52,9% com raio 1,0), e a jacobiana
#         $\mathrm{diag}(\mathbb{1}[a_t > 0])\, W_{hh}^\top$ usa só as linhas dessas unidades. O raio
#         espectral de $W_{hh}$ não governa sozinho: com raio 1,0 a taxa é 0,635 e com 1,1 é 0,714, e o
#         gradiente ainda some. A taxa só chega a 1 perto do raio 1,5 (1,015), e aí é o estado, para a
#         frente, que cresce sem nada que o segure: $\lVert h_t \rVert$ passa de 8,14 no passo 20 a 31,43
#         no passo 60, contra 1,32 e 1,39 com raio 1,0. Com a ReLU, o mesmo $W_{hh}$ que deixa o gradiente
#         atravessar a sequência faz o estado crescer a cada passo; a $\tanh$ ao menos mantém o estado
#         entre −1 e 1.
#
# 3. Verifique que `clip_grad_norm_` faz exatamente $g \cdot \min(1, \tau / \lVert g \rVert)$,
#    com a norma calculada sobre todos os parâmetros juntos.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from torch import nn
#         from recorrente.formatting import num
#
#         torch.manual_seed(0)
#         rede = nn.RNN(3, 4)
#         rede(torch.randn(10, 2, 3))[0].pow(2).sum().backward()
#         g = torch.cat([p.grad.flatten() for p in rede.parameters()])
#         tau = 0.5
#         esperado = g * min(1.0, tau / g.norm().item())
#         norma = nn.utils.clip_grad_norm_(rede.parameters(), tau)
#         cortado = torch.cat([p.grad.flatten() for p in rede.parameters()])
#         torch.testing.assert_close(norma, g.norm())  # devolve a norma de antes do corte
#         torch.testing.assert_close(cortado, esperado)
#         print(f"norma antes: {num(norma)}; depois: {num(cortado.norm())}")
#         ```
