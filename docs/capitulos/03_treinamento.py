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
# **<dfn>retropropagação ao longo do tempo</dfn>** (*backpropagation through time*, BPTT; [Werbos, 1990](../referencia/referencias.md#werbos1990)). Neste
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
from recorrente.data.batching import IGNORE_INDEX
from recorrente.data.tasks import FreshBatches, TaskData, accuracy, majority_accuracy, memory_task
from recorrente.formatting import mean_range, num, pct, sci, table
from recorrente.gradients import (
    decay_rate,
    rnn_bptt,
    set_spectral_radius,
    state_gradient_norms,
    unroll_states,
    vector_norm,
)
from recorrente.models import SequenceModel
from recorrente.plotting.gradients import plot_gradient_norms, plot_loss_panels
from recorrente.reproducibility import seed, seeds
from recorrente.stats import wilson_interval
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

torch.manual_seed(seed(0))
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
# Na <dfn>RNN simples</dfn> (ou RNN de Elman; [Elman, 1990](../referencia/referencias.md#elman1990)), a recorrente sem portas dos capítulos anteriores,
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


torch.manual_seed(seed(1))
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
assert real <= limite  # o limite vale para qualquer W_hh
relacao_sigma = "abaixo de 1" if sigma_max < 1 else "acima de 1"

# %% [markdown]
# A função `rnn_bptt` do pacote faz a mesma recursão, um passo para trás de cada vez
# ($g_{t-1} = (g_t \odot (1 - h_t^2))\, W_{hh}^\top$), e `state_gradient_norms` mede a norma de
# $\partial L/\partial h_t$ com o autograd para qualquer célula.
#
# Quanto o produto pode crescer ou encolher? Como $0 < 1 - h_t^2 \le 1$, cada jacobiana tem norma
# no máximo $\sigma_{\max}(W_{hh})$, o maior valor singular de $W_{hh}$, e portanto
# $\lVert \partial h_T / \partial h_k \rVert \le \sigma_{\max}(W_{hh})^{T-k}$. Isso é um limite
# **superior**, e só prova alguma coisa num sentido: se $\sigma_{\max}(W_{hh}) < 1$, o gradiente
# some exponencialmente, seja qual for a entrada. Na célula acima, $\sigma_{\max}$ ficou em
# {{ num(sigma_max) }}, {{ relacao_sigma }}; o limite para {{ T - k }} passos, em
# {{ num(limite, 4) }}, e o valor real, em {{ sci(real) }}, bem abaixo dele. Se
# $\sigma_{\max} > 1$, o limite cresce, mas o gradiente verdadeiro pode encolher mesmo assim (o
# exercício 1 mostra um caso): não há limite inferior simples, e para saber se o gradiente
# explode é preciso medir (a próxima seção mostra um caso em que o limite é um número
# astronômico e o gradiente medido é minúsculo). O que dá uma
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
torch.manual_seed(seed(0))
x_longo = torch.randn(32, 100, 8)
janela = (59, 99)  # ajuste da taxa: passos 60 a 99

raios = (0.5, 1.0, 2.0)
curvas, linhas, medidas = {}, [], {}
for rho in raios:
    torch.manual_seed(seed(1))
    rnn_cell = set_spectral_radius(RNNCell(8, 64), rho)
    normas = state_gradient_norms(rnn_cell, x_longo)
    with torch.no_grad():
        h = torch.stack([s[0] for s in unroll_states(rnn_cell, x_longo)], dim=1)  # (N, T, H)
    sigma = float(torch.linalg.matrix_norm(rnn_cell.W_hh.detach(), ord=2))
    nome = f"RNN, raio {num(rho, 1)}"
    curvas[nome] = normas
    medidas[rho] = {  # os valores que a prosa cita
        "sigma": sigma,
        "limite": sigma**99,
        "tanh": float((1 - h[:, janela[0] : janela[1]] ** 2).mean()),
        "primeiro": float(normas[0]),
        "ultimo": float(normas[-1]),
        "ordens": round(abs(math.log10(float(normas[0] / normas[-1])))),
    }
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
# - Com raio {{ num(raios[0], 1) }}, o gradiente encolhe a cada passo para trás (taxa
#   {{ num(taxa[0]) }}) e chega ao primeiro passo com norma
#   {{ sci(medidas[raios[0]]["primeiro"]) }},
#   {{ medidas[raios[0]]["ordens"] }} ordens de grandeza abaixo da do último passo. Ainda é um
#   número que o `float32` representa, mas, perto dos sinais que vêm dos passos recentes, é nada.
#   É o **<dfn>gradiente que desaparece</dfn>** (*vanishing gradient*). Aqui o limite superior
#   já garantia isso: $\sigma_{\max}(W_{hh})$ ficou em {{ num(medidas[raios[0]]["sigma"]) }},
#   abaixo de 1.
# - Com raio {{ num(raios[1], 0) }} ele ainda encolhe (taxa {{ num(taxa[1]) }}), embora
#   $\sigma_{\max}(W_{hh})$ seja {{ num(medidas[raios[1]]["sigma"]) }} e o limite,
#   {{ sci(medidas[raios[1]]["limite"]) }}: o gradiente medido em $h_1$ é
#   {{ sci(medidas[raios[1]]["primeiro"]) }}. Perto da origem a jacobiana seria $W_{hh}^\top$,
#   mas a $\tanh$ <dfn title="saturação">satura</dfn> com entradas de tamanho normal: o fator
#   $1 - h_t^2$ ficou, em média, em {{ num(medidas[raios[1]]["tanh"]) }}, e tira um pouco a cada
#   passo.
# - Com raio {{ num(raios[2], 0) }} o gradiente cresce ao voltar no tempo (taxa
#   {{ num(taxa[2]) }}): é o **<dfn>gradiente que explode</dfn>** (*exploding gradient*). A taxa
#   fica bem abaixo do raio, e a $\tanh$ satura bem mais (média de $1 - h_t^2$ em
#   {{ num(medidas[raios[2]]["tanh"]) }}), mas os primeiros passos recebem gradientes
#   {{ medidas[raios[2]]["ordens"] }} ordens de grandeza maiores que o do último
#   ({{ sci(medidas[raios[2]]["primeiro"]) }} contra {{ num(medidas[raios[2]]["ultimo"], 0) }}).
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
    torch.manual_seed(seed(1))
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
primeiro_padrao, primeiro_vies3 = (float(curvas[nome][0]) for nome in list(curvas)[-2:])
ultimo_vies3 = float(curvas[list(curvas)[-1]][-1])
assert padrao["taxa de ∂L/∂hₜ"] < 1 < vies3["taxa de ∂L/∂hₜ"] + 0.05
assert all(r["taxa do caminho direto"] < r["taxa de ∂L/∂hₜ"] for r in (padrao, vies3))
assert all(r["média de f"] < r["taxa do caminho direto"] for r in (padrao, vies3))
assert all(abs(r["taxa de ∂L/∂c_t"] - r["taxa de ∂L/∂hₜ"]) < 0.02 for r in (padrao, vies3))
table(lstm)

# %% [markdown]
# Com a inicialização padrão, os vieses ficam perto de zero e $f_t$ vale, em média,
# {{ num(padrao["média de f"]) }}: a LSTM *não* escapa do problema, e o gradiente em $h_t$
# encolhe à taxa de {{ num(padrao["taxa de ∂L/∂hₜ"]) }} por passo. Com 3 no viés, $f_t$ sobe
# para {{ num(vies3["média de f"]) }} (perto de $\sigma(3) \approx 0{,}95$) e a taxa para
# {{ num(vies3["taxa de ∂L/∂hₜ"]) }}: o gradiente atravessa os 100 passos e chega ao primeiro
# com norma {{ num(primeiro_vies3, 2) }}, contra {{ num(ultimo_vies3, 0) }} no último e
# {{ sci(primeiro_padrao) }} com a inicialização padrão.
#
# As taxas medidas são maiores que a média de $f_t$ por dois motivos, que a tabela separa. O
# caminho direto sozinho já dá {{ num(padrao["taxa do caminho direto"]) }} e
# {{ num(vies3["taxa do caminho direto"]) }}, acima das médias, porque a norma é dominada pelas
# unidades cujo $f_t$ é maior. O resto (até {{ num(padrao["taxa de ∂L/∂hₜ"]) }} e
# {{ num(vies3["taxa de ∂L/∂hₜ"]) }}) vem dos outros caminhos,
# $c_{t-1} \to h_{t-1} \to$ portas $\to c_t$, que, somados ao caminho direto, deixam o
# decaimento mais lento. A taxa em $c_t$ ({{ num(padrao["taxa de ∂L/∂c_t"]) }} e
# {{ num(vies3["taxa de ∂L/∂c_t"]) }}) é quase a mesma que em $h_t$. A vantagem da LSTM é
# *poder* manter a memória; o treino (ou uma inicialização assim) é que coloca as portas nesse
# regime. O gráfico mostra as cinco curvas.

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
exemplo = memory_task(2, 6, seed=seed(0))
print("entradas:", exemplo.x.tolist())
print("alvos (−100 = sem alvo):", exemplo.y.tolist())

# %% [markdown]
# Treinamos a RNN simples ($H = 32$) com o `fit` do pacote (AdamW, corte em
# {{ num(TrainConfig().clip_norm, 1) }}) em lotes de 64
# sequências sorteadas na hora (`FreshBatches`), e medimos o acerto em 4.096 sequências de teste,
# de outra semente, ao lado do acerto nas sequências que o treino viu. Com $T = 30$
# existem $4 \cdot 4^{30}$ sequências diferentes, e nenhuma se repete: a rede não tem como
# decorar o treino. Com $T = 5$ só existem $4 \cdot 4^5 = 4.096$, e treino e teste se repetem;
# ali o acerto não separa aprender de decorar, e serve só de contraste. São 96 atualizações
# (12 épocas de 8 lotes), com duas distâncias: curta ($T = 5$, seis sementes) e longa
# ($T = 30$, vinte sementes, cada uma com sua inicialização e seus lotes). Na longa, o treino
# continua até 384 atualizações (4 vezes mais); a medida com 96 é tirada no meio do caminho, e
# até ali o treino é o mesmo que pararia em 96.
#
# Ao lado, duas <dfn title="linha de base">linhas de base</dfn>: o acaso ($1/4$) e a **classe
# majoritária** do treino (responder sempre a classe mais comum nas sequências de treino), medida
# no teste. E, para cada rede antes e depois de treinar, a razão
# $\lVert \partial L/\partial h_1 \rVert / \lVert \partial L/\partial h_T \rVert$, com a mesma
# medida da seção anterior: quanto do gradiente do último passo chega ao passo do sinal.

# %%
teste_por_distancia = {d: memory_task(4096, d, seed=seed(1000)) for d in (5, 30)}


def razao_gradiente(modelo: SequenceModel, teste: TaskData) -> float:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ da RNN do modelo, em 256 sequências de teste."""
    celula = RNNCell(modelo.rnn.input_size, modelo.rnn.hidden_size)
    celula.load_torch_weights(modelo.rnn)
    with torch.no_grad():
        entradas = modelo.embedding(teste.x[:256])
    normas = state_gradient_norms(celula, entradas)
    return float(normas[0] / normas[-1])


def treina_memoria(distancia: int, semente: int, marcas: tuple[int, ...]) -> dict[int, dict]:
    """Treina por max(marcas) épocas de 8 lotes e mede a rede no fim de cada época marcada."""
    sorteio = partial(memory_task, distance=distancia)
    teste = teste_por_distancia[distancia]
    torch.manual_seed(semente)
    modelo = SequenceModel(teste.vocab_size, teste.num_classes, hidden_size=32, kind="rnn")
    razao_inicio = razao_gradiente(modelo, teste)
    # as sequências que o treino vê: a mesma semente sorteia os mesmos lotes
    vistos = list(FreshBatches(sorteio, 64, num_batches=8 * max(marcas), seed=semente))
    medidas = {}

    def medir(epoca: int, modelo: SequenceModel) -> None:
        if epoca not in marcas:
            return
        ate_aqui = vistos[: 8 * epoca]
        treino = TaskData(
            torch.cat([xb for xb, _ in ate_aqui]),
            torch.cat([yb for _, yb in ate_aqui]),
            teste.vocab_size,
            teste.num_classes,
        )
        medidas[epoca] = {
            "maioria": majority_accuracy(treino, teste),
            "treino": accuracy(modelo, treino),
            "teste": accuracy(modelo, teste),
            "razão no início": razao_inicio,
            "razão no fim": razao_gradiente(modelo, teste),
        }

    lotes = FreshBatches(sorteio, 64, num_batches=8, seed=semente)
    fit(modelo, lotes, None, TrainConfig(lr=1e-2, max_epochs=max(marcas), progress=False),
        on_epoch_end=medir)
    return medidas


t0 = time.perf_counter()
sementes_curtas, sementes_longas = seeds(6), seeds(20)
curta = [treina_memoria(5, s, (12,))[12] for s in sementes_curtas]
longas = [treina_memoria(30, s, (12, 48)) for s in sementes_longas]
longa, longa_mais = [m[12] for m in longas], [m[48] for m in longas]
memoria = {(5, 96): curta, (30, 96): longa, (30, 384): longa_mais}
print(f"({len(curta) + len(longas)} treinos em {num(time.perf_counter() - t0, 1)} s)")


def coluna(corridas: list[dict[str, float]], chave: str) -> list[float]:
    return [c[chave] for c in corridas]


def ruido(n: int) -> float:
    """Desvio-padrão da fração de acertos de quem chuta, 1/4, em n sequências."""
    return (0.25 * 0.75 / n) ** 0.5


desvio = ruido(4096)
limiar_resolve = 0.9  # acerto no teste acima disso: a rede resolve a tarefa
fora_do_acaso = 0.25 + 4 * desvio  # acerto no teste acima disso: a rede aprendeu alguma coisa


def proporcao(k: int, n: int) -> str:
    """'k de n (intervalo de 95%: a–b)', com o intervalo de Wilson."""
    baixo, alto = wilson_interval(k, n)
    return f"{k} de {n} ({pct(baixo, 0)}–{pct(alto, 0)})"


resumo = pd.DataFrame(
    [
        {
            "T": d,
            "atualizações": atualizacoes,
            "sementes": str(len(corridas)),
            "maioria do treino": mean_range(coluna(corridas, "maioria")),
            "RNN, treino": mean_range(coluna(corridas, "treino")),
            "RNN, teste": mean_range(coluna(corridas, "teste")),
            "acima do acaso": proporcao(
                sum(a > fora_do_acaso for a in coluna(corridas, "teste")), len(corridas)
            ),
        }
        for (d, atualizacoes), corridas in memoria.items()
    ]
).set_index(["T", "atualizações"])
table(resumo)

# %%
print(f"ruído do acaso (um desvio-padrão): ±{num(desvio, 4)} em 4.096 sequências; "
      f"±{num(ruido(512), 4)} em 512; 'acima do acaso': acerto no teste > {num(fora_do_acaso)}")
print("T = 30, 96 atualizações, acerto no teste por semente:",
      " ".join(num(a) for a in coluna(longa, "teste")))
for d, corridas in ((5, curta), (30, longa)):
    inicio = coluna(corridas, "razão no início")
    print(f"T = {d:2d}: ‖∂L/∂h_1‖/‖∂L/∂h_T‖ antes do treino, de {sci(min(inicio), 1)} "
          f"a {sci(max(inicio), 1)}")
print("T = 30, 384 atualizações, por semente (da que mais acerta à que menos acerta):")
for s, r in sorted(zip(sementes_longas, longa_mais, strict=True), key=lambda p: -p[1]["teste"]):
    print(f"  semente {s:4d}: teste {num(r['teste'])}, treino {num(r['treino'])}; razão "
          f"no início {sci(r['razão no início'], 1)}, no fim {sci(r['razão no fim'], 1)}")

# T = 5: todas as sementes saem bem do acaso, e quase todas resolvem (algumas param num platô,
# com 2 ou 3 das 4 classes certas)
assert min(coluna(curta, "teste")) > fora_do_acaso + 0.1
resolvem_curta = sum(a > limiar_resolve for a in coluna(curta, "teste"))
assert resolvem_curta >= len(curta) - 2
quantas_curta = (
    f"todas as {len(curta)}"
    if resolvem_curta == len(curta)
    else f"{resolvem_curta} das {len(curta)}"
)
# 96 atualizações: a grande maioria das sementes fica no acaso, e nada é decorado
acaso_96 = [r for r in longa if r["teste"] <= fora_do_acaso]
fora_96 = [r for r in longa if r["teste"] > fora_do_acaso]
assert len(acaso_96) >= 0.75 * len(longa)
assert all(abs(r["treino"] - 0.25) < 4 * ruido(8 * 12 * 64) for r in acaso_96)
excecao_96 = (
    f"; {len(fora_96)} já {'sai' if len(fora_96) == 1 else 'saem'} do acaso, com acerto de "
    + " e ".join(num(r["teste"]) for r in fora_96)
    if fora_96
    else ""
)
assert all(abs(c["maioria"] - 0.25) < 4 * desvio for c in curta + longa + longa_mais)
assert max(coluna(longa, "razão no início")) < 1e-6 < min(coluna(curta, "razão no início"))

# com 384 atualizações: quem sai do acaso, quem resolve, e a razão no fim de cada rede
acima = [r for r in longa_mais if r["teste"] > fora_do_acaso]
no_acaso = [r for r in longa_mais if abs(r["teste"] - 0.25) <= 4 * desvio]
abaixo = [r for r in longa_mais if r["teste"] < 0.25 - 4 * desvio]
resolvem_memoria = [r for r in longa_mais if r["teste"] > limiar_resolve]
n_longas = len(longa_mais)
assert 0 < len(acima) < n_longas  # depende da semente
menor_razao_no_acaso = min(coluna(no_acaso, "razão no fim"))
travadas = [r for r in acima if r["razão no fim"] < menor_razao_no_acaso]
assert travadas  # há redes que aprenderam e terminam com menos gradiente que qualquer outra
baixo_acima, alto_acima = wilson_interval(len(acima), n_longas)
print(f"acima do acaso: {proporcao(len(acima), n_longas)}; resolvem (teste > "
      f"{num(limiar_resolve, 1)}): {len(resolvem_memoria)}; abaixo do acaso: {len(abaixo)}")
maior_razao_acima = max(coluna(acima, "razão no fim"))
print(f"razão no fim: nas que ficam no acaso, de {sci(menor_razao_no_acaso, 1)} a "
      f"{sci(max(coluna(no_acaso, 'razão no fim')), 1)}; nas que saem dele, de "
      f"{sci(min(coluna(acima, 'razão no fim')), 1)} a {sci(maior_razao_acima, 1)}")
print(f"das {len(acima)} que saem do acaso, {len(travadas)} terminam com a razão abaixo de "
      f"{sci(menor_razao_no_acaso, 1)}, a menor entre as que ficam no acaso")
excecoes = (
    "ela não vale para todas: a maior razão entre as que saem do acaso é "
    + sci(maior_razao_acima, 1)
    if len(travadas) < len(acima)
    else "nesta rodada ela vale para todas as que saem do acaso"
)

# %% [markdown]
# Com $T = 5$ a RNN resolve a tarefa (acerto acima de {{ num(limiar_resolve, 1) }} no teste)
# em {{ quantas_curta }} sementes, e todas saem bem do acaso (o pior acerto no teste foi
# {{ num(min(coluna(curta, "teste"))) }}). Com $T = 30$ e as mesmas 96
# atualizações, ela fica no acaso em {{ len(acaso_96) }} das {{ len(longa) }} sementes: nelas,
# o acerto no teste é de {{ mean_range(coluna(acaso_96, "teste")) }}, com a diferença para 1/4
# dentro do ruído de amostragem (um desvio-padrão é ±{{ num(desvio, 4) }} em 4.096
# sequências), e de {{ mean_range(coluna(acaso_96, "treino")) }} nas sequências que viu no
# treino{{ excecao_96 }}. A linha
# da classe majoritária mostra o que esse ruído faz: como os 4 sinais são igualmente prováveis,
# a classe mais comum no treino é só a que o sorteio favoreceu, e no teste ela aparece com a
# frequência de qualquer outra, perto de 1/4, um pouco acima ou abaixo: nas redes de
# $T = 30$, {{ mean_range(coluna(longa + longa_mais, "maioria")) }}. Num teste de 512
# sequências, em que o desvio-padrão é {{ num(ruido(512), 4) }}, essa linha de base, ou uma
# rede que não aprendeu nada, sai com facilidade alguns centésimos abaixo do acaso, sem que
# isso signifique coisa alguma.
#
# A medida do gradiente aponta um motivo provável. Antes do treino, com $T = 5$, o gradiente
# que chega ao passo do sinal é de {{ pct(min(coluna(curta, "razão no início")), 0) }} a
# {{ pct(max(coluna(curta, "razão no início")), 0) }} do que chega ao último passo; com
# $T = 30$, fica entre {{ sci(min(coluna(longa, "razão no início")), 1) }} e
# {{ sci(max(coluna(longa, "razão no início")), 1) }} dele: o gradiente que desaparece, nesta
# rede. Mas "provável" não é "impossível": com 4 vezes mais atualizações (384),
# {{ len(acima) }} das {{ n_longas }} sementes saem do acaso (intervalo de 95% para a proporção:
# {{ pct(baixo_acima, 0) }} a {{ pct(alto_acima, 0) }}); as que passam de
# {{ num(limiar_resolve, 1) }} no teste são {{ len(resolvem_memoria) }}. Com $T = 30$, a RNN
# simples aprende devagar, quando aprende, e quem decide é a semente.
#
# A razão no fim do treino conta uma história que contraria a intuição. Aprender a tarefa não
# exigiu abrir o caminho do gradiente: das {{ len(acima) }} redes que saem do acaso,
# {{ len(travadas) }} terminam com a razão abaixo de {{ sci(menor_razao_no_acaso, 1) }}, a menor
# razão entre as redes que ficaram no acaso, e a menor de todas chega a
# {{ sci(min(coluna(acima, "razão no fim")), 1) }}. Nessas redes a informação do sinal atravessa
# os 30 passos (o acerto está acima do acaso) e o gradiente não atravessa. [Bengio, Simard e
# Frasconi (1994)](../referencia/referencias.md#bengio1994)
# mostraram que isso não é acidente: para guardar um símbolo de forma que as distrações não o
# apaguem, o estado precisa cair na bacia de um atrator, que encolhe qualquer perturbação do
# estado a cada passo; e $\partial h_T / \partial h_1$ é justamente a resposta a uma perturbação
# de $h_1$. Guardar com robustez e deixar o gradiente sumir são a mesma propriedade, vista de
# dois lados. Aqui não medimos os atratores, então essa é a explicação provável para as redes
# com razão minúscula, não um mecanismo demonstrado; e {{ excecoes }}. O próximo
# capítulo compara a RNN com a LSTM e a GRU nesta mesma tarefa, para várias distâncias, com o
# mesmo orçamento.
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
# cada atualização (`TrainConfig.clip_norm`, {{ num(TrainConfig().clip_norm, 1) }} por padrão),
# mas usa o AdamW, cujo passo já é normalizado pelo tamanho típico do gradiente. Para ver o
# efeito do corte isolado, usamos aqui o SGD puro num laço de poucas linhas, com três receitas:

# %%
raio_corte, distancia_corte, atualizacoes_corte = 1.8, 15, 64
taxa_grande, taxa_menor, tau = 0.3, 0.1, 1.0
receitas = {  # nome: (τ do corte, ou None sem corte; taxa de aprendizado)
    f"SGD {num(taxa_grande, 1)}, sem corte": (None, taxa_grande),
    f"SGD {num(taxa_grande, 1)}, corte τ = {num(tau, 0)}": (tau, taxa_grande),
    f"SGD {num(taxa_menor, 1)}, sem corte": (None, taxa_menor),
}
sementes_corte = seeds(30)
print(*receitas, sep="\n")

# %% [markdown]
# O problema é uma RNN ($H = 32$) com $W_{hh}$ de raio espectral {{ num(raio_corte, 1) }}, na
# tarefa de memória com distância {{ distancia_corte }}, em {{ atualizacoes_corte }}
# atualizações de lotes novos de 32 sequências. As receitas: taxa de aprendizado
# {{ num(taxa_grande, 1) }} sem corte; a mesma taxa com corte em $\tau = 1$; e a alternativa
# óbvia, um passo {{ num(taxa_grande / taxa_menor, 0) }} vezes menor ({{ num(taxa_menor, 1) }})
# sem corte.
#
# Com passos tão grandes, o treino é caótico: uma semente a mais ou a menos, ou a mesma semente
# noutra CPU (que soma os números em outra ordem), pode virar o resultado. Por isso cada receita
# roda com {{ len(sementes_corte) }} sementes, as mesmas nas três, e a medida principal é a
# proporção das sementes que resolvem a tarefa (acerto no teste acima de
# {{ num(limiar_resolve, 1) }}), com o intervalo de Wilson de 95% ([Wilson, 1927](../referencia/referencias.md#wilson1927)):
# a faixa de proporções compatíveis com a contagem, que não sai de 0 a 100% e funciona com
# poucas tentativas (`recorrente.stats.wilson_interval`).
#
# Além disso, medimos a perda e o acerto (nas 8 últimas atualizações do treino e em 2.048
# sequências de teste), contamos as atualizações em que a norma do gradiente passou de $\tau$
# (as que o corte reduz) e medimos, no fim do treino, a saturação (a fração dos valores de $h_t$,
# nas sequências de teste, com $|h_t| > 0{,}99$) e a razão
# $\lVert \partial L/\partial h_1 \rVert / \lVert \partial L/\partial h_T \rVert$ da seção
# anterior.

# %%
teste_corte = memory_task(2048, distancia_corte, seed=seed(1000))


def saturacao(modelo: SequenceModel) -> float:
    with torch.no_grad():
        h, _ = modelo.rnn(modelo.embedding(teste_corte.x))
    return float((h.abs() > 0.99).float().mean())


def treino_sgd(clip: float | None, semente: int, lr: float) -> dict[str, object]:
    torch.manual_seed(semente)
    modelo = SequenceModel(teste_corte.vocab_size, teste_corte.num_classes, 32, kind="rnn")
    with torch.no_grad():
        W = modelo.rnn.weight_hh_l0  # o PyTorch guarda W_hh transposta; o raio é o mesmo
        W.mul_(raio_corte / torch.linalg.eigvals(W).abs().max())
    saturacao_inicio = saturacao(modelo)
    otimizador = torch.optim.SGD(modelo.parameters(), lr=lr)
    sorteio = partial(memory_task, distance=distancia_corte)
    lotes = FreshBatches(sorteio, 32, num_batches=atualizacoes_corte, seed=semente)
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
        "norma > τ": sum(n > tau for n in normas) / len(normas),
        "perda no treino*": sum(perdas[-8:]) / 8,
        "acerto no treino*": sum(acertos[-8:]) / 8,
        "acerto no teste": accuracy(modelo, teste_corte),
        "saturação no início": saturacao_inicio,
        "saturação no fim": saturacao(modelo),
        "razão no fim": razao_gradiente(modelo, teste_corte),
    }


t0 = time.perf_counter()
corridas = {
    nome: [treino_sgd(clip, s, lr) for s in sementes_corte]
    for nome, (clip, lr) in receitas.items()
}
print(f"({len(receitas) * len(sementes_corte)} treinos em {num(time.perf_counter() - t0, 1)} s; "
      "* média das 8 últimas atualizações, cada uma num lote ainda não visto)")


def resolve(r: dict[str, object]) -> bool:
    return r["acerto no teste"] > limiar_resolve


colunas = ["maior norma", "norma > τ", "perda no treino*", "acerto no treino*",
           "acerto no teste", "saturação no fim", "razão no fim"]
porcentagens = {"norma > τ", "saturação no fim"}
casas = {"maior norma": 1, "norma > τ": 1, "saturação no fim": 1}
corte = pd.DataFrame(
    {
        nome: {
            "resolvem": proporcao(sum(map(resolve, rs)), len(rs)),
            **{
                c: mean_range([r[c] for r in rs], casas.get(c, 3), percent=c in porcentagens)
                if c != "razão no fim"
                else f"{sci(min(r[c] for r in rs), 1)} a {sci(max(r[c] for r in rs), 1)}"
                for c in colunas
            },
        }
        for nome, rs in corridas.items()
    }
).T
inicio = [r["saturação no início"] for rs in corridas.values() for r in rs]
print(f"saturação antes do treino: de {pct(min(inicio))} a {pct(max(inicio))}")
table(corte)

# %% legenda="Perda de treino a cada atualização, numa mesma semente, nas três receitas: SGD com a taxa maior sem corte, com corte e com a taxa menor sem corte; a linha tracejada é a perda do acaso"
sem, com, menor = (corridas[nome] for nome in receitas)
n_corte = len(sementes_corte)
assert all(math.isfinite(p) for rs in corridas.values() for r in rs for p in r["perdas"])
k_sem, k_com, k_menor = (sum(map(resolve, rs)) for rs in (sem, com, menor))
ic_sem, ic_com, ic_menor = (wilson_interval(k, n_corte) for k in (k_sem, k_com, k_menor))
# o corte e o passo menor resolvem mais que o passo longo sem corte; o corte, com os intervalos
# bem separados; o passo menor, com uma margem de sementes (os intervalos às vezes se tocam)
assert ic_sem[1] < ic_com[0] and k_menor >= k_sem + 6
intervalos_menor = (
    "também não se tocam" if ic_sem[1] < ic_menor[0] else "se tocam nesta rodada"
)
so_com = sum(resolve(a) and not resolve(b) for a, b in zip(com, menor, strict=True))
so_menor = sum(resolve(b) and not resolve(a) for a, b in zip(com, menor, strict=True))
nao_separa = f"não dá para separar o corte do passo menor com {n_corte} sementes"
if ic_com[0] <= ic_menor[1] and ic_menor[0] <= ic_com[1]:
    comparacao = f"os dois intervalos se sobrepõem: {nao_separa}"
else:  # acontece em algumas rodadas, não em todas: a conclusão que se repete é a mesma
    comparacao = (
        "nesta rodada os intervalos não se sobrepõem, mas em outras (com outra base de "
        "sementes ou outro caminho numérico) se sobrepõem, e a conclusão que se repete é que "
        + nao_separa
    )
print(f"sem corte: resolvem {proporcao(k_sem, n_corte)}")
print(f"com corte: resolvem {proporcao(k_com, n_corte)}")
print(f"passo menor: resolvem {proporcao(k_menor, n_corte)}")
print(f"nas mesmas sementes: só o corte resolve em {so_com}; só o passo menor, em {so_menor}")

falham = [r for r in sem if not resolve(r)]
perda_falham = [r["perda no treino*"] for r in falham]
acerto_falham = [r["acerto no teste"] for r in falham]
assert sum(perda_falham) / len(perda_falham) > 0.7  # quem não resolve fica longe de perda zero
abaixo_sem = sum(a < 0.25 - 4 * ruido(2048) for a in acerto_falham)
erro_sistematico = (
    f"; em {abaixo_sem} delas o acerto fica abaixo do acaso, e a rede final erra de modo "
    "sistemático" if abaixo_sem else ""
)
maiores = {nome: sorted(r["maior norma"] for r in rs) for nome, rs in corridas.items()}
mediana_maior = {nome: v[len(v) // 2] for nome, v in maiores.items()}
agiu = [r["norma > τ"] for r in com]
agiu_media = sum(agiu) / len(agiu)
assert agiu_media > 0.2  # o corte age numa parte grande das atualizações, não só em picos raros


def media_saturacao(rs: list[dict[str, object]]) -> float:
    return sum(r["saturação no fim"] for r in rs) / len(rs)


saturacoes = [media_saturacao(rs) for rs in (sem, com, menor)]
assert saturacoes[0] > 1.2 * max(saturacoes[1:])
print(f"perda nas 8 últimas atualizações, sem corte, nas que não resolvem: "
      f"{mean_range(perda_falham)}; acerto no teste: {mean_range(acerto_falham)}")
fig = plot_loss_panels(
    {f"{nome} (semente {sementes_corte[0]})": corridas[nome][0]["perdas"] for nome in receitas},
    reference=(math.log(4), f"acaso, ln 4 ≈ {num(math.log(4), 2)}"),
)
fig

# %% [markdown]
# Sem corte, com taxa {{ num(taxa_grande, 1) }}, as sementes que resolvem a tarefa em
# {{ atualizacoes_corte }} atualizações são {{ k_sem }} em {{ n_corte }} (intervalo de 95% para
# a proporção: {{ pct(ic_sem[0], 0) }} a {{ pct(ic_sem[1], 0) }}). Nas outras, a perda não
# diverge (todos os valores são finitos): ela oscila sem se firmar e, nas 8 últimas
# atualizações, tem média de {{ num(sum(perda_falham) / len(perda_falham)) }} e vai de
# {{ num(min(perda_falham)) }} a {{ num(max(perda_falham)) }} entre as sementes (o acaso entre
# 4 classes dá $\ln 4 \approx 1{,}39$): em média, longe de zero. O
# acerto no teste dessas sementes depende de onde a última atualização deixou os pesos: vai de
# {{ num(min(acerto_falham)) }} a {{ num(max(acerto_falham)) }}{{ erro_sistematico }}.
#
# Os gradientes não são gigantes: a maior norma de cada treino tem mediana
# {{ num(mediana_maior[list(receitas)[0]], 1) }} sem corte,
# {{ num(mediana_maior[list(receitas)[1]], 1) }} com o corte (a norma de antes do corte) e
# {{ num(mediana_maior[list(receitas)[2]], 1) }} com o passo menor. O que muda é o passo: com
# taxa {{ num(taxa_grande, 1) }}, uma norma de 5 desloca os pesos em
# {{ num(5 * taxa_grande, 1) }} de uma vez. Com o corte em $\tau = 1$, resolvem {{ k_com }} em
# {{ n_corte }} sementes ({{ pct(ic_com[0], 0) }} a {{ pct(ic_com[1], 0) }}), e o corte
# agiu em {{ pct(agiu_media) }} das atualizações, em média (de {{ pct(min(agiu)) }} a
# {{ pct(max(agiu)) }} por semente). Isso diz o que esta demonstração mede. O corte foi proposto
# ([Pascanu, Mikolov e Bengio, 2013](../referencia/referencias.md#pascanu2013))
# contra os "penhascos" da superfície de perda, onde um gradiente raro e enorme joga os pesos
# longe numa atualização só. Aqui não é disso que se trata: o corte age em boa parte das
# atualizações, não em algumas raras, e funciona como um passo menor nas de norma maior. O que
# o experimento mostra é um passo longo demais, e não o penhasco de Pascanu e colegas.
#
# A saturação acompanha: no fim, sem corte, {{ pct(saturacoes[0]) }} dos valores de $h_t$ têm
# $|h_t| > 0{,}99$ (média das sementes), contra {{ pct(saturacoes[1]) }} com o corte,
# {{ pct(saturacoes[2]) }} com o passo menor e de {{ pct(min(inicio)) }} a
# {{ pct(max(inicio)) }} antes do treino. Os passos longos levam os pesos a uma região mais
# saturada e de perda mais alta; por que o treino não sai dela, estas medidas não dizem.
#
# E a alternativa óbvia? Com a taxa {{ num(taxa_grande / taxa_menor, 0) }} vezes menor e sem
# corte, resolvem {{ k_menor }} em {{ n_corte }} sementes ({{ pct(ic_menor[0], 0) }} a
# {{ pct(ic_menor[1], 0) }}). Os dois remédios resolvem bem mais vezes que o passo longo sem
# corte: os intervalos do corte e do passo longo não se tocam, e os do passo menor e do passo
# longo {{ intervalos_menor }}. Entre o corte e o passo menor, {{ comparacao }}. Nas mesmas
# sementes, só o corte resolve em {{ so_com }} e só o passo menor em {{ so_menor }}; com outra
# base de sementes e outro caminho de ponto flutuante (a rodada de robustez do livro), as contagens
# mudam algumas sementes para cada lado. Neste problema, o corte não é a única saída. A
# diferença entre os dois é onde agem: o passo menor encolhe todas as atualizações; o corte, só
# as que passam de $\tau$, e deixa as outras com o passo inteiro (em troca, é preciso escolher
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
torch.manual_seed(seed(0))
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
# - Na tarefa de memória, a RNN simples sai do acaso com $T = 5$ em 96 atualizações e, com
#   $T = 30$, fica no acaso na grande maioria das sementes; com 4 vezes mais atualizações, o
#   resultado depende da semente ({{ len(acima) }} de {{ n_longas }} saem do acaso). Destas,
#   {{ len(travadas) }} terminam com menos gradiente chegando ao sinal do que qualquer rede que
#   ficou no acaso: guardar o sinal com robustez e deixar o gradiente sumir andam juntos
#   ([Bengio, Simard e Frasconi, 1994](../referencia/referencias.md#bengio1994)).
# - O corte pela norma limita o tamanho do passo sem mudar sua direção. Num SGD de passo longo
#   demais (não num penhasco de gradiente), o corte e um passo menor resolvem a tarefa em bem
#   mais sementes que o passo longo sem corte ({{ k_com }}, {{ k_menor }} e {{ k_sem }} de
#   {{ n_corte }}); entre os dois, {{ nao_separa }}.
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
#         # o que a resposta abaixo afirma, para esta semente
#         assert norma_W > 1 and spectral_radius(W_hh) < 1
#         assert lado_esq < 0.01 < 1 < norma_W ** (T - 1)
#         ```
#
#         Aqui $\sigma_{\max}(W_{hh})$ fica acima de 1: o limite cresce a cada passo e, em $k = 1$,
#         passa de 1, enquanto o valor real cai a menos de um centésimo (o raio espectral fica abaixo
#         de 1). Um limite superior acima de 1 não diz que o gradiente explode; só quando
#         $\sigma_{\max} < 1$ ele garante alguma coisa (que o gradiente some).
#
# 2. Repita a medição das normas com uma RNN de ReLU (`RNNCell(..., nonlinearity="relu")`) e
#    raio espectral $1{,}0$ e $1{,}1$. O que muda em relação à $\tanh$, que satura? Meça também a fração
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
#             taxa = decay_rate(normas, 20, 59)
#             crescimento = float(tamanho[-1] / tamanho[19])
#             # o que a resposta abaixo afirma, para esta semente
#             if rho == 1.0:
#                 assert 0.4 < ativas < 0.6 and crescimento < 1.2
#             if rho in (1.0, 1.1):
#                 assert taxa < 0.9
#             if rho == 1.5:
#                 assert abs(taxa - 1) < 0.1 and crescimento > 2
#         ```
#
#         A ReLU não satura para valores positivos (a derivada é 1), mas zera os negativos (derivada 0):
#         a cada passo, só cerca de metade das unidades fica ativa, e a jacobiana
#         $\mathrm{diag}(\mathbb{1}[a_t > 0])\, W_{hh}^\top$ usa só as linhas dessas unidades. O raio
#         espectral de $W_{hh}$ não governa sozinho: com raio $1{,}0$ e $1{,}1$ a taxa fica bem abaixo
#         de 1, e o gradiente ainda some. A taxa só chega perto de 1 com raio $1{,}5$, e aí é o
#         estado, para a frente, que cresce sem nada que o segure: $\lVert h_t \rVert$ mais que
#         dobra do passo 20 ao 60, enquanto com raio $1{,}0$ quase não muda. Com a ReLU, o mesmo
#         $W_{hh}$ que deixa o gradiente atravessar a sequência faz o estado crescer a cada passo; a
#         $\tanh$ ao menos mantém o estado entre −1 e 1.
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
