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
# # 9. RNNs que treinam em paralelo
#
# Quem chega ao fim do capítulo 8 costuma perguntar: e agora, Transformers ou as RNNs novas?
# Desde 2023 a área voltou às recorrências: Mamba, RWKV, xLSTM, Griffin e as camadas de "regra
# delta" dos modelos grandes de 2025 são todas redes recorrentes. O que elas têm em comum é um
# truque de contas: a recorrência é **linear** no estado, e por isso o treino não precisa andar
# um passo de cada vez.
#
# Este capítulo faz esse caminho com o que já temos. Partimos da GRU do capítulo 4, tiramos o
# estado anterior das portas e chegamos à minGRU; calculamos a mesma recorrência de quatro
# jeitos e medimos quando a "varredura paralela" ganha do laço (e quando perde); treinamos a
# minGRU e um Transformer pequeno nos nomes do capítulo 6, com o mesmo orçamento da GRU; e
# mostramos uma tarefa de uma linha que a minGRU não aprende e a GRU aprende. No fim, um mapa
# da família inteira numa página.

# %%
import math
import time
from functools import partial

import numpy as np
import pandas as pd
import torch

from recorrente.baselines import choose_k
from recorrente.cells import MinGRUCell
from recorrente.data.names import CharVocab, NameBatches, census_split
from recorrente.data.tasks import FreshBatches, accuracy, parity_task
from recorrente.formatting import mean_range, num, sci, table
from recorrente.generation import name_nll
from recorrente.models import SequenceModel
from recorrente.module_tools import count_parameters
from recorrente.parallel import ParallelModel
from recorrente.reproducibility import seed, seeds
from recorrente.scans import LinearRecurrent, scan_chunked, scan_cumprod, scan_log, scan_loop
from recorrente.stats import paired_bootstrap
from recorrente.training import TrainConfig, evaluate, fit

torch.set_num_threads(1)  # o livro mede tudo numa thread de CPU
torch.manual_seed(seed(0))
INICIO_CAPITULO = time.process_time()  # segundos de CPU deste processo
print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread de CPU")

# %% [markdown]
# ## Da GRU à minGRU
#
# A GRU do capítulo 4 calcula, a cada passo,
#
# $$
# \begin{aligned}
# z_t &= \sigma(x_t W_{xz} + h_{t-1} W_{hz} + b_z) \\
# n_t &= \tanh(x_t W_{xn} + r_t \odot (h_{t-1} W_{hn}) + b_n) \\
# h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}.
# \end{aligned}
# $$
#
# O $h_{t-1}$ aparece **dentro** das portas e da candidata, depois de uma sigmoide e de uma
# tangente: para saber $z_5$ é preciso ter $h_4$, que precisa de $h_3$, e assim por diante. Não
# há como calcular o passo 5 antes do 4. A minGRU ([Feng e colegas, 2024](../referencia/referencias.md#feng2024))
# faz três cortes: as portas e a candidata leem **só a entrada** $x_t$; a porta de reinício
# $r_t$ some (sem $h_{t-1}$ na candidata, ela não tem o que reiniciar); e a tangente vira uma
# função $g$ sempre positiva ($x + 1/2$ acima de zero, a sigmoide abaixo), que vai servir às
# contas em espaço log:
#
# $$
# z_t = \sigma(x_t W_{xz} + b_z), \qquad
# \tilde h_t = g(x_t W_{xh} + b_h), \qquad
# h_t = (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t.
# $$
#
# (Aqui $z_t$ é a fração do novo, como no artigo da minGRU; na GRU do PyTorch, a do velho.)
# Escrita com $a_t = 1 - z_t$ e $b_t = z_t \odot \tilde h_t$, a última linha é uma
# <dfn>recorrência linear</dfn>:
#
# $$
# h_t = a_t \odot h_{t-1} + b_t,
# $$
#
# em que $a_t$ e $b_t$ dependem só da entrada. O estado entra multiplicado e somado, nunca
# dentro de uma não linearidade. A célula `MinGRUCell` do pacote dá `a` e `b` de todos os passos
# de uma vez (`coefficients`), e `forward` dá um passo, como as células do capítulo 4. A
# comparação: desdobrar a célula passo a passo, à mão, e calcular a camada `LinearRecurrent`
# inteira, que chama a célula uma vez só para a sequência toda.

# %%
torch.manual_seed(seed(0))
camada = LinearRecurrent("mingru", input_size=3, hidden_size=4).double()
x = torch.randn(2, 50, 3, dtype=torch.float64)
estado = camada.cell.initial_state(2, dtype=torch.float64)
a_mao = []
for x_t in x.unbind(1):
    estado = camada.cell(x_t, estado)
    a_mao.append(estado[0])
a_mao = torch.stack(a_mao, 1)
saida, h_n = camada(x)
diferenca_celula = (saida - a_mao).abs().max().item()
print(f"célula passo a passo vs. camada inteira: diferença máxima {sci(diferenca_celula)}")
assert diferenca_celula < 1e-12

ENTRADA, OCULTO = 32, 64
pesos = {"GRU": count_parameters(torch.nn.GRU(ENTRADA, OCULTO)),
         "minGRU": count_parameters(MinGRUCell(ENTRADA, OCULTO))}
print(f"parâmetros com entrada {ENTRADA} e estado {OCULTO}: "
      + ", ".join(f"{k} {num(v, 0)}" for k, v in pesos.items()))

# %% [markdown]
# Com a mesma entrada e o mesmo estado, a minGRU tem {{ num(pesos["minGRU"], 0) }} parâmetros
# e a GRU, {{ num(pesos["GRU"], 0) }}: sem as matrizes $W_{h\cdot}$ que multiplicam o estado,
# sobra menos de um terço. É o preço da linearidade: cada camada da minGRU é menos expressiva,
# e as redes empilham camadas (ou blocos) para compensar. A seção de nomes mede o que isso custa.
#
# ## Quatro jeitos de calcular a mesma recorrência
#
# Com $a_t$ e $b_t$ na mão, os estados $h_1, \dots, h_T$ saem de quatro contas diferentes, todas
# iguais em aritmética exata (partindo de $h_0 = 0$):
#
# 1. **O laço**: $h_t = a_t \odot h_{t-1} + b_t$, um passo depois do outro (`scan_loop`).
#
# 2. **A fórmula fechada**: com o produto acumulado $A_t = \prod_{s \le t} a_s$,
#
#     $$
#     h_t = A_t \odot \sum_{s \le t} \frac{b_s}{A_s},
#     $$
#
#     um `cumprod` e um `cumsum`, sem laço nenhum (`scan_cumprod`).
#
# 3. **Em espaço log** ([Heinsen, 2023](../referencia/referencias.md#heinsen2023)): a mesma
#     fórmula com logaritmos, para $a_t, b_t > 0$:
#
#     $$
#     \ln h_t = a^*_t + \ln \sum_{s \le t} e^{\ln b_s - a^*_s}, \qquad a^*_t = \sum_{s \le t} \ln a_s,
#     $$
#
#     em que a soma de exponenciais é um `logcumsumexp`, que o PyTorch calcula sem estourar
#     (`scan_log`). É por isso que a minGRU troca a tangente por $g > 0$.
#
# 4. **Em blocos** de $C$ passos (`scan_chunked`): o laço anda $C$ passos dentro de **todos**
#     os blocos ao mesmo tempo (cada bloco partindo de zero), e depois um segundo laço, de
#     $T/C$ passos, leva o estado de um bloco para o seguinte. São $C + T/C$ passos em
#     sequência, em vez de $T$; com $C \approx \sqrt{T}$, para $T = 4.096$, 128 em vez de 4.096.
#
# As contas 2, 3 e 4 são formas de <dfn>varredura paralela</dfn> (*parallel scan*): calcular
# todos os prefixos de uma operação associativa com menos passos em sequência que o laço. Na
# teoria, a varredura chega a $O(\log T)$ passos em sequência, com trabalho suficiente para
# processadores paralelos. Vamos ver o que cada uma dá em `float32`, com os $a_t$ e $b_t$ de
# uma minGRU sorteada, em sequências de 12 e 256 passos, e em `float64` com 2.048.

# %%
torch.manual_seed(seed(1))
celula = MinGRUCell(16, 32)


def erros_contra_o_laco(passos, dtype):
    """Maior |diferença| entre cada conta e o laço, nos mesmos a, b."""
    x = torch.randn(8, passos, 16, dtype=dtype) * 2
    c = celula.to(dtype)
    with torch.no_grad():
        a, b = c.coefficients(x)
        log_a, log_b = c.log_coefficients(x)
        referencia = scan_loop(a, b)
        contas = {"produto acumulado": scan_cumprod(a, b),
                  "espaço log": scan_log(log_a, log_b),
                  "em blocos": scan_chunked(a, b)}
    return {nome: (h - referencia).abs().max().item() for nome, h in contas.items()}


erros = pd.DataFrame({
    "T = 12, float32": erros_contra_o_laco(12, torch.float32),
    "T = 256, float32": erros_contra_o_laco(256, torch.float32),
    "T = 2.048, float64": erros_contra_o_laco(2048, torch.float64),
}).T
celula.float()
print("maior |diferença| para o laço (NaN: a conta deu NaN)")
table(erros.map(lambda v: "NaN" if math.isnan(v) else sci(v)))

# %%
with torch.no_grad():
    a, _ = celula.coefficients(torch.randn(8, 256, 16) * 2)
    produto = torch.cumprod(a, dim=1)
passo_zero = int((produto == 0).any(dim=(0, 2)).nonzero()[0])  # primeiro passo com A_t = 0
menor_a = a.min().item()
print(f"primeiro passo em que algum A_t vira 0 em float32: {passo_zero + 1}; "
      f"menor a_t: {num(menor_a, 4)}")
assert erros.loc["T = 12, float32", "produto acumulado"] < 1e-3
assert math.isnan(erros.loc["T = 256, float32", "produto acumulado"])
assert erros.loc["T = 256, float32", "espaço log"] < 1e-3
assert erros["em blocos"].max() < 1e-5
assert erros.loc["T = 2.048, float64", "espaço log"] < 1e-9

# %% [markdown]
# A tabela mostra as três coisas que importam:
#
# - A **fórmula fechada** acerta em 12 passos e dá `NaN` em 256. O produto $A_t$ de números
#   menores que 1 encolhe a cada passo e, no passo {{ passo_zero + 1 }}, algum deles já virou
#   exatamente 0 em `float32` (o menor $a_t$ sorteado foi {{ num(menor_a, 4) }}). Daí $b_s / A_s$
#   é infinito e $0 \cdot \infty$ é `NaN`. Certa no papel, inútil no computador.
# - A conta **em espaço log** não passa por $A_t$: erra {{ sci(erros.loc["T = 256, float32", "espaço log"]) }}
#   em 256 passos de `float32`, mais que o laço e os blocos. O erro cresce com $T$ porque
#   $a^*_t$ soma $T$ logaritmos e o `float32` guarda uns sete dígitos de um número cada vez
#   maior; em `float64`, com 2.048 passos, fica em {{ sci(erros.loc["T = 2.048, float64", "espaço log"]) }}.
#   Os testes do pacote declaram a tolerância: em `float32`, até 256 passos.
# - A conta **em blocos** só multiplica e soma, como o laço, e fica no arredondamento
#   ({{ sci(erros["em blocos"].max()) }} no pior caso). Ela vale também para $a_t$ negativo, o
#   que vai importar na paridade.
#
# Os gradientes seguem o mesmo padrão; `tests/test_scans.py` compara valores e gradientes de
# cada conta com os do laço, com $T = 1$, $T = 2.048$ e lote 1.
#
# ## O tempo: quando a varredura ganha do laço
#
# "Paralelo" quer dizer menos passos **em sequência**, não menos contas. A varredura em espaço
# log faz exponenciais e logaritmos que o laço não faz; a em blocos faz o trabalho do laço e
# mais um pouco. Elas só ganham quando cada passo do laço tem pouco trabalho, e o custo fixo de
# cada passo (Python, despacho de operações, alocação) domina: lotes pequenos e sequências
# longas. Numa GPU, que faz milhares de contas ao mesmo tempo, esse ponto chega muito antes.
#
# A célula abaixo mede, numa thread de CPU, ida e volta (*forward* e *backward*) de uma camada
# minGRU com estado de 128 calculada pelos três métodos, e do `nn.GRU` do PyTorch (em C++, com
# a mesma entrada e o mesmo estado) em três casos. Cada tempo é o tempo de CPU do processo (o
# que outro programa faz na máquina não entra), o menor de três repetições. A
# tabela mostra a razão para o laço da minGRU: acima de 1, mais lento que o laço.

# %%
CASOS_TEMPO = {"lote 64, T = 12": (64, 12), "lote 64, T = 256": (64, 256),
               "lote 1, T = 4.096": (1, 4096)}
ESTADO_TEMPO = 128
torch.manual_seed(seed(2))
minGRU_tempo = LinearRecurrent("mingru", ESTADO_TEMPO, ESTADO_TEMPO)
gru_tempo = torch.nn.GRU(ESTADO_TEMPO, ESTADO_TEMPO, batch_first=True)


def segundos_ida_e_volta(rodar, lote, passos, repeticoes=3):
    melhor = float("inf")
    for _ in range(repeticoes):
        x = torch.randn(lote, passos, ESTADO_TEMPO, requires_grad=True)
        inicio = time.process_time()  # tempo de CPU: outro programa na máquina não conta
        rodar(x).sum().backward()
        melhor = min(melhor, time.process_time() - inicio)
    return melhor


def com_metodo(metodo):
    def rodar(x):
        minGRU_tempo.method = metodo
        return minGRU_tempo(x)[0]
    return rodar


jeitos = {"laço": com_metodo("loop"), "espaço log": com_metodo("log"),
          "em blocos": com_metodo("chunked"), "nn.GRU": lambda x: gru_tempo(x)[0]}
tempos_ms = pd.DataFrame({
    caso: {nome: 1000 * segundos_ida_e_volta(rodar, *forma) for nome, rodar in jeitos.items()}
    for caso, forma in CASOS_TEMPO.items()
}).T
razoes_tempo = tempos_ms.div(tempos_ms["laço"], axis=0)
passos_em_sequencia = {caso: {"laço": t, "em blocos": 2 * round(math.sqrt(t))}
                       for caso, (_, t) in CASOS_TEMPO.items()}
print("tempo de ida e volta dividido pelo do laço da minGRU (medido nesta execução):")
table(razoes_tempo.map(lambda v: f"{num(v, 2)}×"))

# %%
print("milissegundos de ida e volta, nesta execução:")
table(tempos_ms.map(lambda v: f"{num(v, 1)} ms"))

# %%
tempo_longo = razoes_tempo.loc["lote 1, T = 4.096"]
tempo_largo = razoes_tempo.loc["lote 64, T = 256"]
assert tempo_longo["em blocos"] < 1 / 1.5  # com lote 1 e T longo, os blocos ganham com folga
assert tempo_largo["espaço log"] > 1.5  # com lote 64, o espaço log perde para o laço
palavra_tempo_gru = "mais rápido" if tempo_largo["nn.GRU"] < 1 else "mais lento"
frase_tempo_blocos_largo = ("também perdeu" if tempo_largo["em blocos"] > 1.1 else
                      "ganhou dele" if tempo_largo["em blocos"] < 0.9 else "ficou perto dele")

# %% [markdown]
# O que esta execução mediu (as razões mudam de máquina para máquina; a direção de cada uma é
# o que as conferências da célula guardam):
#
# - Com **lote 64** e 256 passos, a conta em espaço log levou
#   {{ num(tempo_largo["espaço log"], 2) }} vezes o tempo do laço: cada passo do laço já
#   multiplica matrizes de 64 linhas, sobra pouco custo fixo para economizar, e as exponenciais
#   e os logaritmos da varredura custam mais. A conta em blocos
#   ({{ num(tempo_largo["em blocos"], 2) }} vezes) {{ frase_tempo_blocos_largo }}. O `nn.GRU`, que
#   além disso multiplica o estado por uma matriz a cada passo, foi {{ palavra_tempo_gru }} que o laço
#   da minGRU ({{ num(tempo_largo["nn.GRU"], 2) }} vezes o tempo dele).
# - Com **lote 1 e 4.096 passos**, cada passo do laço faz quase nada, e o custo fixo manda:
#   os blocos levaram {{ num(tempo_longo["em blocos"], 2) }} do tempo do laço, com
#   {{ passos_em_sequencia["lote 1, T = 4.096"]["em blocos"] }} passos em sequência em vez de
#   4.096, e a conta em espaço log, {{ num(tempo_longo["espaço log"], 2) }}. Esse é o caso em
#   que a varredura ganha numa CPU.
#
# Daí a conclusão honesta: numa CPU, "treinar em paralelo" não é automaticamente mais rápido
# que o laço; a vantagem aparece com sequências longas e pouco trabalho por passo,
# e sobretudo em GPU, que faz as contas de muitos passos ao mesmo tempo. Este capítulo roda em
# CPU; a tabela não tem coluna de GPU.
#
# ## Nomes com o mesmo orçamento
#
# Uma recorrência mais simples aprende tão bem quanto a GRU? Voltamos aos nomes do Censo do
# capítulo 6, com o mesmo método: a mesma divisão, o mesmo número de atualizações e de nomes
# para todos, três sementes, NLL de treino e de validação lado a lado. Os candidatos têm cerca
# de 20 mil parâmetros cada:
#
# - **GRU 64**, a do capítulo 6;
# - **pilha de minGRU**: duas camadas de estado 64, uma sobre a outra;
# - **bloco minGRU**: dois blocos residuais, como os dos modelos modernos: normalização de
#   camada → minGRU → soma com a entrada; normalização → MLP → soma;
# - **Transformer pequeno**: os mesmos blocos com autoatenção causal (cada posição olha só para
#   trás) no lugar da minGRU, feita com a `dot_attention` do capítulo 8, duas cabeças, largura 32.
#
# Para caber no orçamento do livro, o treino é mais curto que o do capítulo 6: 200
# atualizações com a taxa alta e 100 com a baixa, em lotes de 128 nomes. A referência sem
# rede é o 4-grama do capítulo 6, com o $k$ escolhido na validação. (Os valores estão em
# `FASES` e `LOTE`, na célula abaixo.)

# %%
divisao = census_split()
vocab = CharVocab.from_names(divisao.train)
V = len(vocab)
FASES = [(0.01, 200), (0.002, 100)]  # (taxa de aprendizado, atualizações)
LOTE = 128
SEMENTES = tuple(seeds(3))
CANDIDATOS = {
    "GRU 64": lambda: SequenceModel(V, V, 64, "gru", embedding_size=32),
    "pilha de minGRU 2 × 64": lambda: ParallelModel(V, V, 64, 2, "stack"),
    "bloco minGRU 2 × 40": lambda: ParallelModel(V, V, 40, 2, "block"),
    "Transformer 2 × 32": lambda: ParallelModel(V, V, 32, 2, "transformer", max_len=32),
}
amostra_treino = NameBatches(divisao.train[:5000], vocab, 2048)
lotes_validacao = NameBatches(divisao.val, vocab, 2048)


def treinar(modelo, semente):
    lotes = NameBatches(divisao.train, vocab, LOTE, shuffle=True, seed=semente)
    for taxa, atualizacoes in FASES:
        lotes.names_per_epoch = atualizacoes * LOTE  # uma "época" por fase; a fila continua
        fit(modelo, lotes, None, TrainConfig(lr=taxa, max_epochs=1, progress=False))
    return modelo


linhas, modelos = [], {}
for rotulo, criar in CANDIDATOS.items():
    for semente in SEMENTES:
        torch.manual_seed(semente)
        modelo = treinar(criar(), semente)
        modelos[rotulo, semente] = modelo
        linhas.append({"rede": rotulo, "semente": semente, "parâmetros": modelo.num_parameters(),
                       "NLL treino": evaluate(modelo, amostra_treino),
                       "NLL validação": evaluate(modelo, lotes_validacao)})
rodadas = pd.DataFrame(linhas)
quatro_grama, _ = choose_k(vocab, divisao.train, divisao.val, order=4)
nll_quatro_grama = quatro_grama.nll(divisao.val)
comparacao = rodadas.groupby("rede", sort=False).agg(
    **{"parâmetros": ("parâmetros", "first"), "NLL treino": ("NLL treino", mean_range),
       "NLL validação": ("NLL validação", mean_range)})
print(f"{len(SEMENTES)} sementes; média (menor–maior); "
      f"{num(sum(u for _, u in FASES), 0)} atualizações de {LOTE} nomes para cada rede; "
      f"4-grama (k = {num(quatro_grama.k, 1)}): NLL de validação {num(nll_quatro_grama, 3)}")
table(comparacao, 0)

# %% [markdown]
# A tabela dá a média das sementes; a pergunta "qual é melhor" precisa da diferença semente a
# semente e de uma medida no **teste**, que nenhum modelo viu. Para cada rede e cada nome do
# teste, tomamos a NLL do nome (somada sobre os seus caracteres, com o `.` final), média das
# três sementes; e o [bootstrap pareado](../referencia/referencias.md#efron1993) sorteia nomes
# do teste com reposição, os mesmos para as duas redes, e dá o intervalo de 95% da diferença de
# NLL por caractere entre cada rede e a GRU.

# %%
caracteres = np.array([len(nome) + 1 for nome in divisao.test])  # com o fim do nome
nll_teste = {rotulo: sum(name_nll(modelos[rotulo, s], vocab, divisao.test) for s in SEMENTES)
             / len(SEMENTES) for rotulo in CANDIDATOS}

validacao = rodadas.pivot(index="semente", columns="rede", values="NLL validação")
intervalos = {}
for rotulo in list(CANDIDATOS)[1:]:
    intervalos[rotulo] = paired_bootstrap(nll_teste[rotulo] / caracteres,
                                          nll_teste["GRU 64"] / caracteres,
                                          weights=caracteres, seed=seed(0))
linhas_teste = [{"rede": r, "NLL teste": (nll_teste[r].sum() / caracteres.sum()).item(),
                 "menos a GRU, validação, por semente":
                     "  ".join(num(v, 3) for v in validacao[r] - validacao["GRU 64"]),
                 "menos a GRU, teste (IC 95%)":
                     (f"{num(intervalos[r].difference, 3)} ({num(intervalos[r].low, 3)} a "
                      f"{num(intervalos[r].high, 3)})") if r in intervalos else "—"}
                for r in CANDIDATOS]
print(f"{num(len(divisao.test), 0)} nomes de teste; NLL por caractere, média das sementes")
table(pd.DataFrame(linhas_teste).set_index("rede"), 3)

# %%
diferencas_validacao = {r: validacao[r] - validacao["GRU 64"] for r in list(CANDIDATOS)[1:]}
distancia = (rodadas["NLL validação"] - rodadas["NLL treino"]).abs().max()


def veredito(rotulo):
    d, ic = diferencas_validacao[rotulo], intervalos[rotulo]
    if d.min() > 0 and ic.low > 0:
        return "fica atrás da GRU em todas as sementes e no teste"
    if d.max() < 0 and ic.high < 0:
        return "fica à frente da GRU em todas as sementes e no teste"
    return "não se separa da GRU com estas sementes e este teste"


vereditos = {r: veredito(r) for r in diferencas_validacao}
medias_validacao = rodadas.groupby("rede", sort=False)["NLL validação"].mean()
passam = [r for r, v in medias_validacao.items() if v < nll_quatro_grama]
frase_quatro_grama = (f"{len(passam)} das {len(medias_validacao)} redes passam dele na média "
                      f"({', '.join(passam)})" if passam else
                      "nenhuma das quatro redes passa dele na média das sementes")
for rotulo, frase in vereditos.items():
    print(f"{rotulo}: {frase}")
print(f"maior distância entre treino e validação: {num(distancia, 3)}")
pilha = "pilha de minGRU 2 × 64"
assert diferencas_validacao[pilha].min() > 0 and intervalos[pilha].low > 0  # a pilha perde
assert rodadas["NLL validação"].max() < math.log(V)  # todas aprendem alguma coisa
assert distancia < 0.05
bloco_contra_pilha = validacao["pilha de minGRU 2 × 64"] - validacao["bloco minGRU 2 × 40"]
assert bloco_contra_pilha.min() > 0.005

# %% [markdown]
# O que as tabelas mostram, com {{ num(sum(u for _, u in FASES), 0) }} atualizações para todos:
#
# - a **pilha de minGRU** {{ vereditos["pilha de minGRU 2 × 64"] }}: {{ mean_range(diferencas_validacao["pilha de minGRU 2 × 64"]) }}
#   nat na validação, e o intervalo do teste não passa por zero. Duas camadas lineares no
#   estado, com o mesmo número de parâmetros, não substituem as portas que olham para o estado;
# - o **bloco minGRU** {{ vereditos["bloco minGRU 2 × 40"] }}
#   ({{ mean_range(diferencas_validacao["bloco minGRU 2 × 40"]) }} nat na validação);
# - o **Transformer pequeno** {{ vereditos["Transformer 2 × 32"] }}
#   ({{ mean_range(diferencas_validacao["Transformer 2 × 32"]) }} nat na validação).
#
# O 4-grama, a referência sem rede, fica em {{ num(nll_quatro_grama, 3) }} na validação, e
# {{ frase_quatro_grama }}: com 300 atualizações, as redes ainda não chegaram ao que as
# contagens dão (no capítulo 6, com mais treino, a GRU passa dele). Treino e
# validação ficam próximos (a maior distância é {{ num(distancia, 3) }}): ninguém decorou os
# nomes. O bloco (normalização, soma residual e MLP) é o que faz a minGRU render: com o mesmo
# número de parâmetros, ficou à frente da pilha por {{ mean_range(bloco_contra_pilha) }} nat na
# validação, semente a semente. A mesma
# estrutura de bloco é a de quase todos os modelos da família no fim do capítulo. A tabela não
# ordena as arquiteturas de forma geral: são redes de 20 mil parâmetros, nomes curtos (sete
# letras em média) e 300 atualizações.
#
# ## O que a minGRU não consegue: a paridade
#
# Uma tarefa de uma linha: a entrada é uma sequência de bits, e a resposta em cada passo é a
# **paridade** dos bits até ali (se a quantidade de 1 é par ou ímpar). Cada bit 1 inverte a
# resposta. Quem resolve precisa carregar um estado de dois valores e trocá-lo a cada 1, por
# qualquer número de passos: é o exemplo mínimo de <dfn>rastreamento de estado</dfn> (*state
# tracking*), acompanhar um estado que muda com cada entrada.
#
# Treinamos três redes de estado 32 em sequências de 16 bits, sorteadas novas a cada lote,
# e medimos o acerto na última posição de sequências novas de 16, 64 e 256 bits (o acaso acerta
# metade): a **GRU**, a **minGRU** de uma camada e uma recorrência linear com **transição com
# sinal**, $a_t = \tanh(x_t W_{xa} + b_a) \in (-1, 1)$ e $b_t = x_t W_{xb} + b_b$, que a
# varredura em blocos calcula como a da minGRU.

# %%
TAMANHOS_PARIDADE = (16, 64, 256)
REDES_PARIDADE = {
    "GRU 32": lambda: SequenceModel(2, 2, 32, "gru"),
    "minGRU 32": lambda: ParallelModel(2, 2, 32, 1, "stack"),
    "transição com sinal 32": lambda: ParallelModel(2, 2, 32, 1, "stack", cell="signed",
                                                    method="chunked"),
}
testes_paridade = {n: parity_task(500, n, every_step=False, seed=seed(100)) for n in
                   TAMANHOS_PARIDADE}
linhas, redes_treinadas = [], {}
for rotulo, criar in REDES_PARIDADE.items():
    for semente in SEMENTES:
        torch.manual_seed(semente)
        rede = criar()
        lotes = FreshBatches(partial(parity_task, length=16), 64, 300, seed=seed(200) + semente)
        fit(rede, lotes, None, TrainConfig(lr=0.01, max_epochs=1, progress=False))
        redes_treinadas[rotulo, semente] = rede
        linhas.append({"rede": rotulo, "semente": semente,
                       **{f"T = {n}": accuracy(rede, d) for n, d in testes_paridade.items()}})
paridade = pd.DataFrame(linhas)
resumo_paridade = paridade.groupby("rede", sort=False)[
    [f"T = {n}" for n in TAMANHOS_PARIDADE]].agg(partial(mean_range, decimals=2))
print(f"acerto na última posição; treino em T = 16, 300 atualizações de 64 sequências; "
      f"{len(SEMENTES)} sementes, média (menor–maior); 500 sequências de teste por tamanho")
table(resumo_paridade)

# %%
colunas = [f"T = {n}" for n in TAMANHOS_PARIDADE]
por_rede = paridade.groupby("rede", sort=False)[colunas]
melhor_mingru = por_rede.max().loc["minGRU 32"].max()
assert melhor_mingru < 0.6  # a minGRU fica no acaso em toda semente e todo tamanho
assert por_rede.mean().loc["GRU 32", "T = 16"] > 0.9
assert por_rede.mean().loc["transição com sinal 32", "T = 16"] > 0.9

# O mecanismo, medido: o a_t que a rede com sinal aprendeu para o bit 0 e para o bit 1
rede_sinal = redes_treinadas["transição com sinal 32", SEMENTES[0]]
with torch.no_grad():
    a_bits, _ = rede_sinal.layers[0].cell.coefficients(rede_sinal.embedding.weight)
invertem = int(((a_bits[1] < 0) & (a_bits[0] > 0)).sum())
print(f"rede com sinal, semente {SEMENTES[0]}: {invertem} de {a_bits.size(1)} unidades têm "
      f"a_t > 0 para o bit 0 e a_t < 0 para o bit 1; "
      f"o mais negativo: {num(a_bits[1].min().item(), 3)}")
assert invertem >= 1

# %% [markdown]
# A minGRU fica no acaso: o melhor acerto dela, em qualquer semente e tamanho, foi
# {{ num(melhor_mingru, 2) }}. Com $a_t \in (0, 1)$ e $b_t > 0$, cada passo só mistura o estado
# com algo positivo; nada inverte o sinal, e a paridade precisa de uma inversão a cada bit 1. A
# GRU resolve: com $h_{t-1}$ dentro das portas e da tangente, a troca pode ser montada pela não
# linearidade. A recorrência
# **linear** com transição com sinal também resolve, e o mecanismo está medido acima:
# {{ invertem }} unidades aprenderam $a_t > 0$ para o bit 0 e $a_t < 0$ para o bit 1 (o mais
# negativo, {{ num(a_bits[1].min().item(), 3) }}), ou seja, "inverta o sinal quando vier um 1".
# Nas sequências de 256 bits, 16 vezes mais longas que as do treino, o acerto médio dela foi
# {{ num(por_rede.mean().loc["transição com sinal 32", "T = 256"], 2) }}, e o da GRU,
# {{ num(por_rede.mean().loc["GRU 32", "T = 256"], 2) }}.
#
# Esse é o limite que a teoria prevê: recorrências lineares com transições em $[0, 1]$ (as de
# Mamba, da minGRU, da atenção linear) não rastreiam estado como a paridade
# ([Merrill, Petty e Sabharwal, 2024](../referencia/referencias.md#merrill2024)), e deixar a
# transição ir a valores negativos devolve essa capacidade
# ([Grazzi e colegas, 2025](../referencia/referencias.md#grazzi2025)). É a razão de versões de
# 2025 (RWKV-7, Mamba-3) mudarem a transição, e de a xLSTM manter, ao lado da camada paralela,
# uma sLSTM com o estado de volta nas portas, que não se calcula por varredura.
#
# ## O mapa da família
#
# Toda a família cabe na mesma linha, $h_t = a_t \odot h_{t-1} + b_t$ (ou, com estado matricial,
# $S_t = A_t S_{t-1} + B_t$); o que muda é de onde vêm $a_t$ e $b_t$ e a forma do estado. Na
# tabela, $x_t$ é a entrada, $k_t, v_t, q_t$ são projeções dela (chave, valor, consulta), e
# "diagonal" quer dizer um número por unidade do estado, como na minGRU.
#
# | modelo | $a_t$ (transição) | $b_t$ (entrada) | estado | leitura |
# | --- | --- | --- | --- | --- |
# | minGRU ([Feng e colegas, 2024](../referencia/referencias.md#feng2024)) | $1 - \sigma(\cdot)$, diagonal, da entrada | $z_t \odot g(\cdot)$ | vetor | $h_t$ |
# | LRU ([Orvieto e colegas, 2023](../referencia/referencias.md#orvieto2023)) | $\lambda$ complexo fixo, $\lvert\lambda\rvert < 1$, diagonal | $\gamma \odot B x_t$ | vetor complexo | $\mathrm{Re}(C h_t)$ |
# | S4 ([Gu, Goel e Ré, 2022](../referencia/referencias.md#gu2022)) | $e^{\Delta A}$ fixo (não depende da entrada) | $\Delta B x_t$ | $N$ por canal | $C h_t$ |
# | Mamba ([Gu e Dao, 2023](../referencia/referencias.md#gu2023)) | $e^{\Delta_t A}$, diagonal, $\Delta_t$ da entrada | $\Delta_t B_t x_t$ | $N$ por canal | $C_t h_t$ |
# | Mamba-2 / SSD ([Dao e Gu, 2024](../referencia/referencias.md#dao2024)) | $e^{\Delta_t A}$, **um escalar** por cabeça | $x_t B_t^\top$ | matriz por cabeça | $S_t C_t$ |
# | atenção linear ([Katharopoulos e colegas, 2020](../referencia/referencias.md#katharopoulos2020)) | $1$ (nada se esquece) | $v_t k_t^\top$ | matriz $d \times d$ | $S_t q_t$ |
# | RWKV ([Peng e colegas, 2023](../referencia/referencias.md#peng2023)) | decaimento $e^{-w}$ por canal (fixo no RWKV-4, da entrada a partir do 6) | $e^{k_t} v_t$ (RWKV-4); $v_t k_t^\top$ (5 e 6) | vetor; matriz | com $r_t$ |
# | xLSTM, mLSTM ([Beck e colegas, 2024](../referencia/referencias.md#beck2024)) | porta de esquecer $f_t$, escalar | $i_t\, v_t k_t^\top$ | matriz | $S_t q_t$ normalizado |
# | Griffin, `RG-LRU` ([De e colegas, 2024](../referencia/referencias.md#de2024)) | $a^{c\, r_t}$, diagonal, da entrada | $\sqrt{1 - a_t^2} \odot (i_t \odot x_t)$ | vetor | $h_t$ (com atenção local) |
# | DeltaNet ([Yang e colegas, 2024](../referencia/referencias.md#yang2024)) | $I - \beta_t k_t k_t^\top$, **matriz** | $\beta_t v_t k_t^\top$ | matriz | $S_t q_t$ |
#
# Três eixos organizam a tabela. **De onde vem $a_t$**: fixo (S4, LRU), da entrada (Mamba,
# minGRU, Griffin); quando vem da entrada, a rede escolhe o que esquecer a cada passo, que é o
# que as portas da LSTM já faziam. **A forma do estado**: um vetor (minGRU, LRU, Griffin) ou uma
# matriz de chaves por valores (atenção linear, Mamba-2, mLSTM, DeltaNet), que guarda muito mais
# com o mesmo custo por passo; a atenção linear é uma recorrência com estado matricial que
# nunca esquece. **A transição é diagonal ou não**: a DeltaNet apaga da memória o que estava
# guardado na direção da chave nova antes de escrever, uma transição que não é diagonal, e a
# variante com porta (Gated DeltaNet) é a camada linear dos modelos grandes de 2025. Em todas,
# a conta em blocos deste capítulo (com o estado matricial no lugar do vetor) é a que os
# núcleos de GPU usam.
#
# ## O que levar deste capítulo
#
# - A minGRU é uma recorrência linear: $a_t$ e $b_t$ vêm só da entrada, e os estados podem ser
#   calculados por uma varredura. A fórmula fechada com o produto acumulado dá `NaN` em poucas
#   centenas de passos; a conta em espaço log funciona, com erro que cresce com $T$ em
#   `float32`; a conta em blocos fica no arredondamento.
# - Numa CPU, com lotes de 64, a conta em espaço log perdeu para o laço; com lote 1 e 4.096
#   passos, os blocos ganharam dele com folga. "Paralelo" é sobre passos em sequência, e paga em GPU.
# - Nos nomes, com o mesmo orçamento, a pilha de minGRU {{ vereditos["pilha de minGRU 2 × 64"] }};
#   o bloco minGRU {{ vereditos["bloco minGRU 2 × 40"] }}; o Transformer pequeno
#   {{ vereditos["Transformer 2 × 32"] }}. O bloco residual é o que faz a minGRU render.
# - A minGRU não aprende a paridade em nenhuma semente; a GRU e a recorrência linear com
#   transição com sinal aprendem. Linear e paralelo tem um preço, e ele se paga mudando $a_t$.
#
# O capítulo inteiro usou {{ num(time.process_time() - INICIO_CAPITULO, 0) }} segundos de CPU,
# numa thread.
#
# ## Exercícios
#
# 1. Mostre que a minLSTM (`cell="minlstm"`), a outra célula mínima de Feng e colegas, também
#    dá o mesmo resultado pelos três métodos (laço, espaço log e blocos), em `float64`.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from recorrente.scans import LinearRecurrent
#
#         torch.manual_seed(0)
#         camada = LinearRecurrent("minlstm", 5, 8).double()
#         x = torch.randn(3, 300, 5, dtype=torch.float64)
#         saidas = {}
#         for metodo in ["loop", "log", "chunked"]:
#             camada.method = metodo
#             saidas[metodo] = camada(x)[0]
#         for metodo in ["log", "chunked"]:
#             diferenca = (saidas[metodo] - saidas["loop"]).abs().max().item()
#             print(metodo, "contra o laço:", diferenca)
#             assert diferenca < 1e-10
#         ```
#
# 2. A conta em blocos faz $C + T/C$ passos em sequência. Encontre o $C$ que minimiza esse
#    número para $T = 4.096$, confira que é $\sqrt{T}$, e que com esse $C$ a conta dá o mesmo
#    que o laço.
#
#     ??? success "Solução"
#
#         ```python
#         import math
#         import torch
#         from recorrente.scans import scan_chunked, scan_loop
#
#         T = 4096
#         passos = {C: C + math.ceil(T / C) for C in range(1, T + 1)}
#         melhor = min(passos, key=passos.get)
#         print("melhor C:", melhor, "com", passos[melhor], "passos em sequência, contra", T)
#         assert melhor == math.isqrt(T)
#         a, b = torch.rand(1, T, 4, dtype=torch.float64), torch.randn(1, T, 4, dtype=torch.float64)
#         diferenca = (scan_chunked(a, b, chunk_size=melhor) - scan_loop(a, b)).abs().max()
#         assert diferenca < 1e-10
#         ```
#
# 3. Escreva à mão uma recorrência linear que resolve a paridade sem treino: $h_0 = 1$,
#    $a_t = 1 - 2 x_t$ (vale $-1$ quando o bit é 1) e $b_t = 0$; o sinal de $h_T$ dá a paridade.
#    Confira em 1.000 bits com a varredura em blocos. Depois troque por $a_t \in (0, 1)$ e mostre
#    que o sinal de $h_T$ nunca muda, quaisquer que sejam os bits.
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from recorrente.scans import scan_chunked
#
#         gerador = torch.Generator().manual_seed(0)
#         bits = torch.randint(0, 2, (50, 1000, 1), generator=gerador).double()
#         a = 1 - 2 * bits
#         h = scan_chunked(a, torch.zeros_like(a), h0=torch.ones(50, 1, dtype=torch.float64))
#         paridade = bits.sum(1).squeeze(-1) % 2
#         prevista = (h[:, -1, 0] < 0).double()
#         assert torch.equal(prevista, paridade)
#         a_positivo = 0.5 + 0.4 * (1 - 2 * bits)  # 0,1 ou 0,9: sempre em (0, 1)
#         h_positivo = scan_chunked(a_positivo, torch.zeros_like(a), h0=torch.ones(50, 1).double())
#         assert (h_positivo >= 0).all()
#         print("com sinal: acerta todas; sem sinal: o estado nunca fica negativo")
#         ```
