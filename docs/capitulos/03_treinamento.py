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
# **<dfn>retropropagação no tempo</dfn>** (*backpropagation through time*, BPTT). Neste capítulo
# escrevemos a conta, medimos quanto gradiente chega a cada passo de uma sequência longa, vemos
# o corte de gradiente (*gradient clipping*) segurar um treino que dispara e o BPTT truncado
# com `detach`, e terminamos com uma tarefa que exige memória de longo alcance.
#
# Todo o treino deste capítulo roda em CPU, numa thread só; o tempo gasto aparece impresso nas
# células.

# %%
import time

import torch
from torch import nn

from recorrente.cells import LSTMCell, RNNCell
from recorrente.gradients import (
    decay_rate,
    rnn_bptt,
    set_spectral_radius,
    state_gradient_norms,
    unroll_states,
)
from recorrente.models import IGNORE_INDEX, SequenceModel
from recorrente.plotting.gradients import plot_gradient_norms, plot_loss_panels
from recorrente.tasks import accuracy, majority_accuracy, memory_task
from recorrente.training import TrainConfig, fit

torch.set_num_threads(1)  # modelos pequenos: uma thread basta e não disputa a CPU
inicio_capitulo = time.perf_counter()

# %% [markdown]
# ## Aquecimento: dois passos bastam
#
# Um exemplo de brinquedo: com o vocabulário `o`, `l`, `a`, a rede lê "ol" e deve responder
# "a". O alvo só existe no último passo; no primeiro, o alvo vale `IGNORE_INDEX` e não entra na
# perda. Usamos o modelo e o laço de treino do pacote.

# %%
vocab = ["o", "l", "a"]
x_ol = torch.tensor([[0, 1]])  # "ol"
y_ol = torch.tensor([[IGNORE_INDEX, 2]])  # só o último passo tem alvo: "a"

torch.manual_seed(0)
brinquedo = SequenceModel(vocab_size=3, num_classes=3, hidden_size=8, kind="rnn")
hist = fit(brinquedo, [(x_ol, y_ol)], None, TrainConfig(lr=0.05, max_epochs=30, progress=False))
previsto = vocab[int(brinquedo(x_ol)[0][0, -1].argmax())]
print(f"perda na 1ª época: {hist.train_loss[0]:.3f}; na última: {hist.train_loss[-1]:.4f}")
print(f"'ol' → '{previsto}'")
assert previsto == "a"

# %% [markdown]
# Aqui o gradiente só precisa atravessar dois passos. O problema aparece quando a informação
# que decide a resposta ficou dezenas de passos para trás.
#
# ## A conta do BPTT
#
# Na <dfn>RNN de Elman</dfn> (a recorrente simples dos capítulos anteriores), com vetores-linha
# como no resto do livro,
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
# Vamos fazer essa conta com uma célula pequena, produto de jacobianas explícito, e conferir
# contra o autograd. A perda é $L = \sum_i h_{T,i}$, então $\partial L/\partial h_T$ é um vetor
# de uns.

# %%
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
print("produto de jacobianas:", dL_dh_k)
print("autograd:             ", autograd)
torch.testing.assert_close(dL_dh_k, autograd)
torch.testing.assert_close(rnn_bptt(celula, x)[0, k - 1], autograd)

# %% [markdown]
# A função `rnn_bptt` do pacote faz a mesma recursão, um passo para trás de cada vez
# ($g_{t-1} = (g_t \odot (1 - h_t^2))\, W_{hh}^\top$), e `state_gradient_norms` mede a norma de
# $\partial L/\partial h_t$ com o autograd para qualquer célula. Cada jacobiana tem norma no máximo
# $\lVert W_{hh} \rVert$, porque $0 < 1 - h_t^2 \le 1$; um produto de $T - k$ delas tende a encolher
# ou a crescer exponencialmente em $T - k$. O **<dfn>raio espectral</dfn>** de $W_{hh}$ (o maior
# módulo de seus autovalores) diz para que lado vai quando a $\tanh$ opera perto da origem.
#
# ## Medindo o gradiente numa sequência de 100 passos
#
# Uma RNN com $H = 64$, entrada aleatória de 100 passos, e $W_{hh}$ reescalada para três raios
# espectrais: abaixo de 1, igual a 1 e acima de 1. Para cada passo $t$ medimos
# $\lVert \partial L/\partial h_t \rVert$ (média no lote de 32 sequências). A **taxa** impressa
# é o fator médio pelo qual a norma é multiplicada a cada passo para trás, ajustado nos últimos
# 40 passos: abaixo de 1, o gradiente some; acima, explode.

# %%
torch.manual_seed(0)
x_longo = torch.randn(32, 100, 8)
janela = (59, 99)  # ajuste da taxa: passos 60 a 99

curvas, taxas = {}, {}
for rho in (0.5, 1.0, 2.0):
    torch.manual_seed(1)
    rnn_cell = set_spectral_radius(RNNCell(8, 64), rho)
    normas = state_gradient_norms(rnn_cell, x_longo)
    curvas[f"RNN, raio {rho}"] = normas
    taxas[f"RNN, raio {rho}"] = decay_rate(normas, *janela)

for vies_f in (0.0, 3.0):
    torch.manual_seed(1)
    lstm_cell = LSTMCell(8, 64)
    with torch.no_grad():
        lstm_cell.b_hh[64:128] += vies_f  # bloco da porta de esquecimento
    nome = f"LSTM, viés de f +{vies_f:g}"
    normas = state_gradient_norms(lstm_cell, x_longo)
    curvas[nome] = normas
    taxas[nome] = decay_rate(normas, *janela)

print(f"{'rede':<22}{'‖∂L/∂h_1‖':>12}{'‖∂L/∂h_100‖':>14}{'taxa/passo':>12}")
for nome, normas in curvas.items():
    print(f"{nome:<22}{normas[0]:>12.2e}{normas[-1]:>14.2e}{taxas[nome]:>12.3f}")

assert taxas["RNN, raio 0.5"] < taxas["RNN, raio 1.0"] < 1 < taxas["RNN, raio 2.0"]
assert taxas["LSTM, viés de f +0"] < 1 < taxas["LSTM, viés de f +3"] + 0.05

# %%
fig = plot_gradient_norms(curvas, title="Norma de ∂L/∂h_t numa sequência de 100 passos")
fig

# %% [markdown]
# O que a tabela e o gráfico mostram:
#
# - Com raio 0,5, o gradiente cai a cada passo para trás até ficar abaixo do menor número que
#   o `float32` representa (o zero impresso na tabela): o primeiro passo não recebe sinal
#   nenhum. É o **<dfn>gradiente que desaparece</dfn>**
#   (*vanishing gradient*).
# - Com raio 1 ele ainda encolhe. Perto da origem a jacobiana seria $W_{hh}^\top$, mas a $\tanh$
#   <dfn title="saturação">satura</dfn> com entradas de tamanho normal, e cada fator $1 - h_t^2 < 1$
#   tira um pouco.
# - Com raio 2 o gradiente cresce ao voltar no tempo: é o **<dfn>gradiente que explode</dfn>**
#   (*exploding gradient*). A saturação da $\tanh$ segura o crescimento, mas ainda assim os
#   primeiros passos recebem gradientes ordens de grandeza maiores que os últimos.
# - A LSTM com a inicialização padrão do PyTorch *não* escapa do problema: com vieses perto de
#   zero, a porta de esquecimento vale cerca de 0,5 e a memória $c_t$ é multiplicada por ~0,5 a
#   cada passo. Quando somamos 3 ao viés dessa porta, $f_t \approx \sigma(3) \approx 0{,}95$ e o
#   gradiente atravessa os 100 passos sem sumir. A vantagem da LSTM é *poder* manter a memória;
#   o treino (ou uma inicialização assim) é que coloca as portas nesse regime. O próximo capítulo
#   abre a LSTM por dentro.
#
# ## Corte de gradiente: segurando um treino que dispara
#
# Quando o gradiente explode, um único passo de otimização pode jogar os pesos para uma região ruim.
# O <dfn>corte de gradiente</dfn> pela norma (`torch.nn.utils.clip_grad_norm_`) trata todos os
# parâmetros como um vetor $g$ e, se $\lVert g \rVert$ passa de um limite $\tau$, reescala:
#
# $$
# g \leftarrow g \cdot \min\left(1, \frac{\tau}{\lVert g \rVert}\right).
# $$
#
# A direção é preservada; só o tamanho do passo é limitado. O `fit` do pacote já faz isso a
# cada atualização (`TrainConfig.clip_norm`, 1,0 por padrão), mas usa o AdamW, cujo passo é
# normalizado e por si só amortece picos. Para ver o efeito do corte isolado, usamos aqui o SGD
# puro num laço de poucas linhas: uma RNN com $W_{hh}$ de raio espectral 1,8, na tarefa de
# memória com distância 15 (descrita no fim do capítulo), com e sem corte em $\tau = 1$, para
# três sementes de inicialização.

# %%
treino_corte = memory_task(256, 15, seed=1)


def treino_sgd(clip: float | None, semente: int, lr: float = 0.3, epocas: int = 8):
    torch.manual_seed(semente)
    modelo = SequenceModel(treino_corte.vocab_size, treino_corte.num_classes, 32, kind="rnn")
    with torch.no_grad():
        W = modelo.rnn.weight_hh_l0  # o PyTorch guarda W_hh transposta; o raio é o mesmo
        W.mul_(1.8 / torch.linalg.eigvals(W).abs().max())
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    perdas, normas = [], []
    for _ in range(epocas):
        for xb, yb in treino_corte.batches(32):
            _, perda = modelo(xb, yb)
            otimizador.zero_grad()
            perda.backward()
            norma = nn.utils.clip_grad_norm_(modelo.parameters(), clip or float("inf"))
            otimizador.step()
            perdas.append(perda.item())
            normas.append(norma.item())  # a norma *antes* do corte
    return perdas, normas


t0 = time.perf_counter()
corridas = {(clip, s): treino_sgd(clip, s) for clip in (None, 1.0) for s in (0, 1, 2)}
print(f"{'':<11}{'semente':>8}{'maior norma':>13}{'perda final*':>14}")
finais = {}
for (clip, s), (perdas, normas) in corridas.items():
    finais[clip, s] = sum(perdas[-8:]) / 8
    rotulo = "sem corte" if clip is None else "com corte"
    print(f"{rotulo:<11}{s:>8}{max(normas):>13.1f}{finais[clip, s]:>14.3f}")
print("* média das 8 últimas atualizações")
print(f"(seis treinos em {time.perf_counter() - t0:.1f} s)")
assert all(finais[1.0, s] < 0.1 for s in (0, 1, 2))
assert sum(finais[None, s] > 1.0 for s in (0, 1, 2)) >= 2

# %%
fig = plot_loss_panels(
    {
        "SGD sem corte (semente 1)": corridas[None, 1][0],
        "SGD com corte, τ = 1 (semente 1)": corridas[1.0, 1][0],
    }
)
fig

# %% [markdown]
# Sem corte, em duas das três sementes a perda fica presa perto do valor inicial
# ($\ln 4 \approx 1{,}39$, o acaso entre 4 classes): as atualizações com gradiente grande dão
# passos longos demais e jogam os pesos para uma região onde a $\tanh$ satura. Com o corte, os
# mesmos gradientes viram passos de tamanho controlado, e a perda cai quase a zero nas três.
# Compare as linhas da tabela.
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
# ## A tarefa: lembrar o primeiro símbolo
#
# Para medir memória de longo alcance usamos `memory_task` do pacote: o primeiro símbolo de
# cada sequência é um **sinal** entre 4 possíveis; depois vêm $T$ símbolos de distração
# (outros 4 símbolos, sorteados); no último passo a rede deve dizer qual foi o sinal. Para
# acertar, a informação precisa atravessar $T$ passos, e o gradiente também.

# %%
exemplo = memory_task(2, 6, seed=0)
print("entradas:\n", exemplo.x)
print("alvos (−100 = sem alvo):\n", exemplo.y)

# %% [markdown]
# Treinamos a RNN de Elman com o `fit` do pacote (AdamW, corte em 1,0) em 512 sequências e avaliamos
# em 512 sequências novas, de outra semente. Ao lado, duas
# <dfn title="linha de base">linhas de base</dfn>: o acaso ($1/4$) e a **classe majoritária** do
# treino (responder sempre a classe mais comum). Duas distâncias: curta ($T = 5$) e longa
# ($T = 30$).

# %%
resultados = []
t0 = time.perf_counter()
for distancia in (5, 30):
    treino = memory_task(512, distancia, seed=1)
    teste = memory_task(512, distancia, seed=2)
    torch.manual_seed(0)
    modelo = SequenceModel(treino.vocab_size, treino.num_classes, hidden_size=32, kind="rnn")
    fit(modelo, treino.batches(64), None, TrainConfig(lr=1e-2, max_epochs=12, progress=False))
    resultados.append(
        (
            distancia,
            1 / treino.num_classes,
            majority_accuracy(treino, teste),
            accuracy(modelo, teste),
        )
    )
print(f"(treinos em {time.perf_counter() - t0:.1f} s)\n")
print(f"{'T':>3}{'acaso':>8}{'maioria':>9}{'RNN':>7}")
for distancia, acaso, maioria, acerto in resultados:
    print(f"{distancia:>3}{acaso:>8.3f}{maioria:>9.3f}{acerto:>7.3f}")

curta, longa = resultados
assert curta[3] > 0.9 and longa[3] < 0.5

# %% [markdown]
# Com $T = 5$ a RNN acerta praticamente tudo, muito acima das duas linhas de base. Com
# $T = 30$ ela não passa muito do acaso: o sinal chega ao último passo, mas o gradiente que
# deveria ensinar a rede a guardá-lo precisa voltar 30 passos, e pelo que medimos acima ele
# chega minúsculo. O próximo capítulo compara a RNN com a LSTM e a GRU nesta mesma tarefa, para
# várias distâncias.

# %%
print(f"tempo total do capítulo: {time.perf_counter() - inicio_capitulo:.0f} s")

# %% [markdown]
# ## Resumo
#
# - BPTT é a retropropagação na rede desdobrada: o gradiente que chega ao passo $k$ é o
#   gradiente final multiplicado por uma jacobiana $\mathrm{diag}(1 - h_t^2) W_{hh}^\top$ por
#   passo.
# - Esse produto encolhe ou cresce exponencialmente com a distância; medimos os dois casos e a
#   taxa por passo.
# - O corte pela norma limita o tamanho do passo sem mudar sua direção.
# - O BPTT truncado corta o grafo com `detach` a cada $k$ passos: economiza memória e perde
#   dependências mais longas que $k$.
#
# ## Exercícios
#
# 1. Mostre numericamente que $\lVert \partial h_T/\partial h_k \rVert_2 \le
#    \lVert W_{hh} \rVert_2^{T-k}$ para uma RNN pequena, calculando o produto de jacobianas.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from recorrente.cells import RNNCell
#         from recorrente.gradients import unroll_states
#
#         torch.manual_seed(0)
#         celula = RNNCell(3, 5)
#         W_hh = celula.W_hh.detach()
#         hs = [s[0][0].detach() for s in unroll_states(celula, torch.randn(1, 12, 3))]
#         T = len(hs)
#         norma_W = torch.linalg.matrix_norm(W_hh, ord=2)
#         produto = torch.eye(5)
#         for t in range(T, 1, -1):
#             produto = produto @ (torch.diag(1 - hs[t - 1] ** 2) @ W_hh.T)
#             k = t - 1
#             lado_esq = torch.linalg.matrix_norm(produto, ord=2)
#             assert lado_esq <= norma_W ** (T - k) + 1e-6
#             print(f"k={k:2d}  ‖∂h_T/∂h_k‖ = {lado_esq:.2e}  ≤  {norma_W ** (T - k):.2e}")
#         ```
#
# 2. Repita a medição das normas com uma RNN de ReLU (`RNNCell(..., nonlinearity="relu")`) e
#    raio espectral 1,0 e 1,1. O que muda em relação à $\tanh$, que satura?
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from recorrente.cells import RNNCell
#         from recorrente.gradients import decay_rate, set_spectral_radius, state_gradient_norms
#
#         torch.manual_seed(0)
#         x = torch.randn(16, 60, 4)
#         for rho in (1.0, 1.1):
#             torch.manual_seed(1)
#             celula = RNNCell(4, 32, nonlinearity="relu")
#             with torch.no_grad():
#                 celula.W_hh.mul_(rho / torch.linalg.eigvals(celula.W_hh).abs().max())
#             normas = state_gradient_norms(celula, x)
#             print(f"raio {rho}: taxa por passo {decay_rate(normas, 20, 59):.3f}, "
#                   f"‖∂L/∂h_1‖ = {normas[0]:.2e}")
#         # A ReLU não satura para valores positivos: a derivada é 0 ou 1, e o raio espectral
#         # de W_hh (restrito às unidades ativas) governa sozinho o crescimento ou o decaimento.
#         ```
#
# 3. Confira que `clip_grad_norm_` faz exatamente $g \cdot \min(1, \tau / \lVert g \rVert)$,
#    com a norma calculada sobre todos os parâmetros juntos.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from torch import nn
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
#         print(f"norma antes: {norma:.3f}; depois: {cortado.norm():.3f}")
#         ```
