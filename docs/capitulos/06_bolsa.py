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
# # 6. Previsão de preços com honestidade
#
# Quase todo tutorial de LSTM para séries temporais termina com o mesmo gráfico: a curva do
# preço real e, por cima dela, a curva prevista, quase idênticas. O gráfico impressiona, mas
# costuma esconder três problemas:
#
# 1. **<dfn title="vazamento de dados">vazamento</dfn>**: o <dfn>escalonador</dfn> (o
#    `MinMaxScaler`) é ajustado na série inteira, de modo que o mínimo e o máximo do período de
#    teste entram no pré-processamento do treino;
# 2. **falta de referência**: ninguém compara a rede com a previsão mais boba possível,
#    "amanhã o preço será igual ao de hoje";
# 3. **<dfn>cópia defasada</dfn>**: a curva prevista parece boa porque é, em boa parte, a curva real
#    atrasada um dia.
#
# Neste capítulo montamos o caminho honesto com o S&P 500 diário de 1999 a 2018, medimos o
# efeito de cada um desses problemas e terminamos com um caso em que a rede recorrente
# realmente ajuda: uma série com <dfn>sazonalidade</dfn> forte.
#
# Tudo o que usamos mora em `recorrente.forecasting` (janelas, divisão, linhas de base,
# métricas), `recorrente.data.prices` (as séries) e `recorrente.models.WindowRegressor` (a
# LSTM). O treino é o mesmo `fit` dos outros capítulos, em lotes e com <dfn>parada antecipada</dfn>.
# As redes são pequenas (32 unidades ocultas) e rodam numa thread de CPU; a última célula
# de código imprime o tempo que o capítulo inteiro levou.

# %%
import time

import numpy as np
import pandas as pd
import torch

from recorrente.data.prices import load_co2_monthly, load_sp500
from recorrente.forecasting import (
    baseline_predictions,
    chronological_split,
    forecast_metrics,
    lstm_predictions,
    prepare_windows,
    recursive_forecast,
    train_window_model,
    walk_forward,
)
from recorrente.plotting.forecasting import (
    plot_horizon_errors,
    plot_lagged_copy,
    plot_seasonal,
    plot_split,
)

pd.set_option("display.float_format", "{:.3f}".format)
torch.set_num_threads(1)  # redes pequenas: uma thread é mais rápida que várias
inicio_capitulo = time.perf_counter()

sp500 = load_sp500()
precos = sp500.to_numpy()
print(f"{len(sp500)} pregões, de {sp500.index[0].date()} a {sp500.index[-1].date()}")
print(f"preço (fechamento ajustado): mín. {precos.min():.0f}, máx. {precos.max():.0f}")

# %% [markdown]
# ## Janelas e divisão no tempo
#
# Cada exemplo é uma **<dfn>janela</dfn>** com os últimos $T$ preços, $x_{t-T}, \dots, x_{t-1}$, e o
# alvo é o preço seguinte, $x_t$. A divisão não pode ser aleatória: o teste tem de ser o
# futuro. Cortamos a série em 70% de treino, 15% de validação (que só decide quando parar o
# treino) e 15% de teste, nesta ordem. Um alvo de índice $t$ pertence à parte em que $t$ cai.

# %%
T = 20  # dias por janela
divisao = chronological_split(len(precos), window=T)
datas = sp500.index
print(f"treino:    até {datas[divisao.train_end - 1].date()}")
print(f"validação: até {datas[divisao.val_end - 1].date()}")
print(f"teste:     {datas[divisao.val_end].date()} a {datas[-1].date()}")
fig = plot_split(sp500, divisao)
fig

# %% [markdown]
# O gráfico já mostra a primeira dificuldade: os preços do teste estão muito acima de tudo o
# que o treino viu. Um modelo que recebe **preços** vai ter de extrapolar.
#
# ## O escalonador só pode ver o treino
#
# Redes treinam melhor com entradas numa faixa pequena, por isso escalonamos a série para
# $[-1, 1]$:
#
# $$
# \tilde x = -1 + 2\,\frac{x - x_{\min}}{x_{\max} - x_{\min}}.
# $$
#
# A pergunta é de onde vêm $x_{\min}$ e $x_{\max}$. No caminho honesto, só do treino. A
# checagem abaixo é a mesma de `tests/test_forecasting.py`: triplicamos todos os preços do
# teste e conferimos que nem o escalonador nem nenhuma entrada de treino mudou.

# %%
honesto = prepare_windows(precos, T, divisao, mode="preco")
futuro_alterado = precos.copy()
futuro_alterado[divisao.val_end :] *= 3
alterado = prepare_windows(futuro_alterado, T, divisao, mode="preco")
assert honesto.scaler.data_max_ == alterado.scaler.data_max_
assert np.array_equal(honesto.X["treino"], alterado.X["treino"])
assert np.array_equal(honesto.y["treino"], alterado.y["treino"])

vazado = prepare_windows(precos, T, divisao, mode="preco", leaky=True)
comparacao = pd.DataFrame(
    {
        "x_min": [honesto.scaler.data_min_[0], vazado.scaler.data_min_[0]],
        "x_max": [honesto.scaler.data_max_[0], vazado.scaler.data_max_[0]],
        "treino: maior entrada": [honesto.X["treino"].max(), vazado.X["treino"].max()],
        "teste: maior entrada": [honesto.X["teste"].max(), vazado.X["teste"].max()],
    },
    index=["honesto (só treino)", "vazado (série inteira)"],
)
assert vazado.X["treino"].max() < 0.5 and honesto.X["teste"].max() > 1.5
comparacao

# %% [markdown]
# Com o escalonador vazado, as entradas de treino nunca chegam perto de $+1$: a faixa de
# cima fica "reservada" para os preços futuros, uma informação que ninguém teria na época. No
# honesto, o treino ocupa $[-1, 1]$ e o teste passa muito de $1$.
#
# Quanto isso muda o erro relatado? Treinamos a mesma LSTM (mesma semente, mesmas épocas)
# nos dois pré-processamentos e medimos no teste, já de volta em dólares.

# %%
EPOCAS, PACIENCIA = 15, 5
metricas = {}
modelos = {}
for nome, dados in [("lstm_preco (honesto)", honesto), ("lstm_preco (vazado)", vazado)]:
    modelo, hist = train_window_model(dados, epochs=EPOCAS, patience=PACIENCIA, seed=0)
    modelos[nome] = modelo
    previsto = lstm_predictions(modelo, dados)
    metricas[nome] = forecast_metrics(dados.actual("teste"), previsto, dados.previous("teste"))
    print(f"{nome}: {len(hist.train_loss)} épocas, melhor {hist.best_epoch}, {hist.seconds:.1f} s")
tabela_vazamento = pd.DataFrame(metricas).T
tabela_vazamento

# %%
rmse_honesto = tabela_vazamento.loc["lstm_preco (honesto)", "RMSE"]
rmse_vazado = tabela_vazamento.loc["lstm_preco (vazado)", "RMSE"]
persistencia_rmse = forecast_metrics(
    honesto.actual("teste"), honesto.previous("teste"), honesto.previous("teste")
)["RMSE"]
print(f"RMSE honesto / vazado: {rmse_honesto / rmse_vazado:.2f}")
print(f"RMSE da persistência (amanhã = hoje): {persistencia_rmse:.2f}")
assert min(rmse_honesto, rmse_vazado) > 3 * persistencia_rmse

# %% [markdown]
# A razão impressa acima diz quanto o vazamento mexe no erro desta vez (abaixo de 1, o
# vazado saiu com erro *maior*; o vazamento não garante um número melhor, só um número que
# não vale como estimativa do futuro). O que não muda é o
# principal: **as duas** LSTMs que recebem preços erram muitas vezes mais que a persistência
# (o `assert` confere que o erro é mais de três vezes maior). O vazamento altera os números
# do pré-processamento, mas não ensina a rede a prever preços que ela nunca viu: o estado
# oculto passa por `tanh` e `sigmoid`, que saturam, e a rede não extrapola para muito além da
# faixa em que treinou. Uma curva bonita nesse cenário costuma vir de um teste num trecho
# parecido com o treino, ou de um gráfico da série inteira, em cuja escala o erro some.
#
# ## Prever retornos em vez de preços
#
# A saída é trocar de variável. O **<dfn>log-retorno</dfn>** diário
#
# $$
# r_t = \log x_t - \log x_{t-1}
# $$
#
# vive numa faixa estável ao longo dos 20 anos. A rede prevê $\hat r_t$ e o preço volta com
# $\hat x_t = x_{t-1}\, e^{\hat r_t}$. As linhas de base usam as mesmas janelas:
#
# - **<dfn>persistência</dfn>**: $\hat x_t = x_{t-1}$;
# - **<dfn>média móvel</dfn>**: a média dos últimos 5 preços;
# - **<dfn>AR linear</dfn>**: uma regressão linear do scikit-learn dos 20 log-retornos da janela no
#   próximo log-retorno.

# %%
retornos = prepare_windows(precos, T, divisao, mode="retorno")
t0 = time.perf_counter()
lstm_ret, hist_ret = train_window_model(retornos, epochs=EPOCAS, patience=PACIENCIA, seed=0)
print(
    f"LSTM (retornos): {len(hist_ret.train_loss)} épocas, melhor {hist_ret.best_epoch}, "
    f"{time.perf_counter() - t0:.1f} s"
)

real, ontem = retornos.actual("teste"), retornos.previous("teste")
previsoes = baseline_predictions(retornos)
previsoes["lstm_preco"] = lstm_predictions(modelos["lstm_preco (honesto)"], honesto)
previsoes["lstm_retorno"] = lstm_predictions(lstm_ret, retornos)
tabela = pd.DataFrame({k: forecast_metrics(real, v, ontem) for k, v in previsoes.items()}).T
tabela

# %% [markdown]
# Como ler a tabela: RMSE e MAE estão em pontos do índice, MAPE em porcentagem do preço;
# `direcao_%` é a fração dos dias em que o modelo acertou se o preço subiria ou cairia, e
# `alta_%` é a fração de dias de alta no teste. Um modelo que dissesse sempre "sobe" acertaria
# a direção em `alta_%` dos dias, então essa é a régua da coluna de direção. A persistência
# nunca prevê movimento, por isso não tem direção (—).

# %%
razao = tabela.loc["lstm_retorno", "RMSE"] / tabela.loc["persistencia", "RMSE"]
print(f"RMSE da LSTM (retornos) / RMSE da persistência: {razao:.3f}")
print(
    f"acerto de direção da LSTM: {tabela.loc['lstm_retorno', 'direcao_%']:.1f}%  "
    f"| dias de alta: {tabela.loc['lstm_retorno', 'alta_%']:.1f}%"
)
sobe = np.mean(previsoes["lstm_retorno"] > ontem) * 100
print(f"dias em que a LSTM prevê alta: {sobe:.1f}%")
assert 0.9 < razao < 1.1  # no máximo 10% de diferença para "amanhã = hoje"
assert 0.9 < tabela.loc["ar_linear", "RMSE"] / tabela.loc["persistencia", "RMSE"] < 1.1
assert tabela.loc["media_movel", "RMSE"] > tabela.loc["persistencia", "RMSE"]

# %% [markdown]
# A LSTM de retornos fica colada na persistência (a razão impressa fica a menos de 10% de 1,
# como o `assert` garante), o AR linear também, e a média móvel é pior, porque anda atrasada
# vários dias. Compare o acerto de direção impresso com a fração de dias de alta: é essa a
# régua, e não 50%. A última linha impressa mostra em quantos dias a LSTM previu alta:
# quando esse número é alto, a rede aprendeu pouco mais que "o mercado costuma subir", e o
# acerto de direção dela fica perto da fração de dias de alta por isso.
#
# ## A cópia defasada
#
# Por que a LSTM de retornos fica tão perto da persistência? Porque o melhor que ela
# consegue é prever um retorno quase zero, e $x_{t-1} e^{0} = x_{t-1}$: a previsão é o preço
# de ontem com um pequeno ajuste. Num gráfico, isso parece "acompanhar a série muito bem".
# Desenhamos 60 dias do teste com a série atrasada um dia ao lado.

# %%
trecho = slice(-60, None)
fig = plot_lagged_copy(
    datas[retornos.targets["teste"]][trecho],
    real[trecho],
    previsoes["lstm_retorno"][trecho],
    ontem[trecho],
    label="LSTM (retornos)",
)
fig

# %%
dist_ontem = np.abs(previsoes["lstm_retorno"] - ontem).mean()
dist_real = np.abs(previsoes["lstm_retorno"] - real).mean()
print(f"distância média da previsão ao preço de ontem: {dist_ontem:.2f}")
print(f"distância média da previsão ao preço real:     {dist_real:.2f}")
assert dist_ontem < 0.5 * dist_real

# %% [markdown]
# A previsão está, em média, bem mais perto do preço de **ontem** do que do preço que queria
# prever (os dois números acima). No painel da direita, os pontos caem quase sobre a diagonal
# "previsão = ontem". Sempre que um modelo de preços parecer bom demais, faça esse teste.
#
# ## Validação que anda no tempo
#
# Um único corte de teste pode ter sorte ou azar. Na <dfn>validação *walk-forward*</dfn>
# (`TimeSeriesSplit` do scikit-learn), treinamos em tudo o que vem antes de um bloco e
# testamos no bloco; depois avançamos. Cada dobra ajusta seu próprio escalonador, só no seu
# treino.

# %%
dobras = walk_forward(precos, T, n_splits=3, epochs=10, patience=4, seed=0)
dobras["inicio_teste"] = [str(datas[i].date()) for i in dobras["inicio_teste"]]
dobras

# %%
resumo = dobras.drop(columns="inicio_teste").agg(["mean", "std"]).T
resumo.columns = ["RMSE médio", "desvio"]
resumo["razão média / persistência"] = [
    dobras[coluna].div(dobras["persistencia"]).mean() for coluna in resumo.index
]
assert resumo["desvio"].max() < 1.5 * resumo.loc["persistencia", "desvio"]
resumo

# %% [markdown]
# A tabela mostra média ± desvio padrão do RMSE nas três dobras. O desvio da persistência,
# que não treina nada, é parecido com o dos outros modelos: ele vem dos blocos (nível de
# preço e volatilidade diferentes), não do treino. O erro em pontos do índice é maior onde o
# índice é mais alto ou mais nervoso. A última coluna, a razão entre o RMSE do modelo e o da
# persistência, calculada em cada dobra e depois tirada a média, é a comparação que importa:
# abaixo de 1, o modelo ganhou de "amanhã = hoje".
#
# ## Vários passos à frente
#
# Para prever $h$ dias à frente, realimentamos a rede com as próprias previsões: o retorno
# previsto para amanhã entra na janela no lugar do dado que ainda não existe. O erro cresce
# com o horizonte, e a pergunta é se cresce mais devagar que o da persistência
# ($\hat x_{t+h-1} = x_{t-1}$).

# %%
H = 10
multi = recursive_forecast(lstm_ret, retornos, horizon=H)
alvos = retornos.targets["teste"]
validos = alvos + H - 1 < len(precos)
erros = {"persistência": [], "LSTM (retornos)": []}
for h in range(1, H + 1):
    verdade = precos[alvos[validos] + h - 1]
    erros["persistência"].append(np.sqrt(np.mean((ontem[validos] - verdade) ** 2)))
    erros["LSTM (retornos)"].append(np.sqrt(np.mean((multi[validos, h - 1] - verdade) ** 2)))
erros_horizonte = pd.DataFrame(erros, index=pd.RangeIndex(1, H + 1, name="horizonte"))
erros_horizonte.T

# %%
razao_h = erros_horizonte["LSTM (retornos)"] / erros_horizonte["persistência"]
print("RMSE LSTM / persistência por horizonte:", np.round(razao_h.to_numpy(), 3))
assert razao_h.between(0.95, 1.05).all()
fig = plot_horizon_errors(erros_horizonte)
fig

# %% [markdown]
# O RMSE de ambos cresce com o horizonte (num <dfn>passeio aleatório</dfn>, cresceria como
# $\sqrt{h}$ vezes o erro de um passo), e as duas curvas andam juntas: a razão impressa fica a menos
# de 5% de 1 em todos os horizontes. Realimentar a rede com retornos quase nulos produz quase a
# persistência, só que mais cara.
#
# ## Quando a rede recorrente ajuda
#
# O preço de uma ação diária é quase um passeio aleatório; não há padrão para aprender a
# partir dos preços passados. Uma série com **estrutura** é outra história. A concentração de
# CO₂ medida em Mauna Loa sobe todo ano e oscila com as estações. Usamos as médias mensais
# (1958–2001), o mesmo pipeline, uma janela de 24 meses e acrescentamos a linha de base
# **<dfn>sazonal ingênua</dfn>**, que repete o valor de 12 meses atrás.

# %%
co2 = load_co2_monthly()
valores = co2.to_numpy()
div_co2 = chronological_split(len(valores), window=24)
dados_co2 = prepare_windows(valores, 24, div_co2, mode="retorno")
t0 = time.perf_counter()
lstm_co2, hist_co2 = train_window_model(dados_co2, epochs=100, patience=15, seed=0)
print(f"LSTM (CO₂): {len(hist_co2.train_loss)} épocas, {time.perf_counter() - t0:.1f} s")

real_co2, ontem_co2 = dados_co2.actual("teste"), dados_co2.previous("teste")
prev_co2 = baseline_predictions(dados_co2)
prev_co2["sazonal_ingenua"] = valores[dados_co2.targets["teste"] - 12]
prev_co2["lstm_retorno"] = lstm_predictions(lstm_co2, dados_co2)
tabela_co2 = pd.DataFrame(
    {k: forecast_metrics(real_co2, v, ontem_co2) for k, v in prev_co2.items()}
).T
tabela_co2

# %%
lstm_vs_sazonal = tabela_co2.loc["lstm_retorno", "RMSE"] / tabela_co2.loc["sazonal_ingenua", "RMSE"]
lstm_vs_ar = tabela_co2.loc["lstm_retorno", "RMSE"] / tabela_co2.loc["ar_linear", "RMSE"]
print(f"RMSE LSTM / sazonal ingênua: {lstm_vs_sazonal:.2f}")
print(f"RMSE LSTM / AR linear:       {lstm_vs_ar:.2f}")
assert lstm_vs_sazonal < 0.5
assert tabela_co2.loc["lstm_retorno", "RMSE"] < tabela_co2.loc["persistencia", "RMSE"]
assert 0.75 < lstm_vs_ar < 1.33

# %%
fig = plot_seasonal(
    co2.index[dados_co2.targets["teste"]],
    real_co2,
    {"sazonal ingênua": prev_co2["sazonal_ingenua"], "LSTM (retornos)": prev_co2["lstm_retorno"]},
)
fig

# %% [markdown]
# Aqui a LSTM tem o que aprender: o formato do ciclo anual nas variações mensais. Seu RMSE
# fica abaixo da metade do da sazonal ingênua (o `assert` acima confere), que erra por não
# acompanhar a tendência de alta de um ano para o outro, e abaixo da persistência, que ignora
# a estação (os `assert`s conferem as duas coisas). Mas olhe a linha do AR linear e a razão
# impressa entre os dois: um modelo linear com os mesmos 24 meses de janela chega ao mesmo
# patamar de erro (a razão fica entre 0,75 e 1,33). A série é regular o bastante para que
# uma regressão linear capture quase tudo; a rede recorrente fica no nível dela, não muito
# além. A lição não é "LSTM é ruim", e sim que ela precisa ser comparada
# com a linha de base certa, no período certo, com o pré-processamento ajustado só no passado.

# %%
total = time.perf_counter() - inicio_capitulo
threads = torch.get_num_threads()
print(f"tempo total deste capítulo: {total:.0f} s (threads de CPU do torch: {threads})")

# %% [markdown]
# ## Exercícios
#
# **1.** Compare o acerto de direção de um preditor que diz sempre "sobe" com a fração de
# dias de alta no teste do S&P 500. Por que 50% não é a régua certa?
#
# ??? success "Solução"
#
#     ```python
#     from recorrente.data.prices import load_sp500
#     from recorrente.forecasting import chronological_split, forecast_metrics, prepare_windows
#
#     precos = load_sp500().to_numpy()
#     dados = prepare_windows(precos, 20, chronological_split(len(precos), 20), mode="preco")
#     real, ontem = dados.actual("teste"), dados.previous("teste")
#     sempre_sobe = ontem * 1.001  # qualquer previsão acima de ontem
#     m = forecast_metrics(real, sempre_sobe, ontem)
#     print(f"direção de 'sempre sobe': {m['direcao_%']:.1f}% | dias de alta: {m['alta_%']:.1f}%")
#     assert abs(m["direcao_%"] - m["alta_%"]) < 1e-9
#     ```
#
# **2.** Mostre que o escalonador vazado depende do futuro: triplique os preços do teste e
# veja o que acontece com as entradas de **treino** nos dois pré-processamentos.
#
# ??? success "Solução"
#
#     ```python
#     import numpy as np
#
#     from recorrente.data.prices import load_sp500
#     from recorrente.forecasting import chronological_split, prepare_windows
#
#     precos = load_sp500().to_numpy()
#     divisao = chronological_split(len(precos), 20)
#     futuro = precos.copy()
#     futuro[divisao.val_end :] *= 3
#     for vazado in (False, True):
#         a = prepare_windows(precos, 20, divisao, mode="preco", leaky=vazado)
#         b = prepare_windows(futuro, 20, divisao, mode="preco", leaky=vazado)
#         diferenca = np.abs(a.X["treino"] - b.X["treino"]).max()
#         print(f"vazado={vazado}: maior mudança numa entrada de treino = {diferenca:.3f}")
#     ```
#
# **3.** A média móvel da tabela usa 5 dias. Meça o RMSE no teste para 1, 2, 5, 10 e 20 dias.
# Qual tamanho ganha, e por quê?
#
# ??? success "Solução"
#
#     ```python
#     from recorrente.data.prices import load_sp500
#     from recorrente.forecasting import (
#         baseline_predictions,
#         chronological_split,
#         forecast_metrics,
#         prepare_windows,
#     )
#
#     precos = load_sp500().to_numpy()
#     dados = prepare_windows(precos, 20, chronological_split(len(precos), 20), mode="preco")
#     for k in (1, 2, 5, 10, 20):
#         previsto = baseline_predictions(dados, average=k)["media_movel"]
#         rmse = forecast_metrics(dados.actual("teste"), previsto, dados.previous("teste"))["RMSE"]
#         print(f"média de {k:2d} dias: RMSE {rmse:.2f}")
#     # k = 1 é a persistência: num passeio aleatório, o último preço é a melhor previsão.
#     ```
