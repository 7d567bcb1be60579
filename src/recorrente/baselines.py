"""Referências de contagem para modelos de caracteres: uniforme, unigrama, bigrama, n-grama.

Um :class:`NGramModel` de ordem ``n`` prevê cada caractere pelos ``n - 1``
anteriores, contando pares no treino e somando ``k`` a toda contagem
(suavização *add-k*), para que nenhum caractere tenha probabilidade zero:

$$ P(c \\mid \\text{contexto}) = \\frac{N(\\text{contexto}, c) + k}{N(\\text{contexto}) + k V} $$

A perda é a mesma dos modelos neurais: NLL média, em nats, por caractere,
contando o fim de cada nome. O modelo também sorteia nomes
(:meth:`NGramModel.sample`), com a mesma temperatura $\\tau$ das redes, para
comparar a qualidade das amostras.

Exemplo:
    >>> from recorrente.data.names import CharVocab
    >>> vocab = CharVocab.from_names(["ana", "ada"])
    >>> uniform = NGramModel(vocab, order=0)
    >>> round(uniform.nll(["ana"]), 4) == round(math.log(len(vocab)), 4)
    True
    >>> bigram = NGramModel(vocab, order=2, k=0.1).fit(["ana", "ada"])
    >>> bigram.nll(["ana"]) < uniform.nll(["ana"])
    True
    >>> # τ baixa: quase só o mais provável; depois de "a", o fim "." (2 das 4 vezes)
    >>> bigram.sample(3, temperature=0.1)
    ['a', 'a', 'a']
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

import numpy as np

from recorrente.data.names import CharVocab
from recorrente.errors import InputError
from recorrente.generation import GREEDY_BELOW, check_temperature

__all__ = ["NGramModel", "choose_k"]


class NGramModel:
    """Modelo de contagem de ordem ``order`` (0: uniforme, 1: unigrama, 2: bigrama, ...).

    Parâmetros:
        vocab: o vocabulário do conjunto de nomes.
        order: tamanho da janela, contando o caractere previsto.
        k: suavização *add-k* somada a toda contagem.

    Exemplo:
        >>> vocab = CharVocab.from_names(["ab"])  # ".", "a", "b"
        >>> model = NGramModel(vocab, order=2, k=0.01).fit(["ab"])
        >>> probs = np.exp(model.log_probs()[vocab.index["a"]])  # o que vem depois de "a"
        >>> round(float(probs[vocab.index["b"]]), 2)  # (1 + 0,01) / (1 + 3 × 0,01)
        0.98
        >>> model.num_parameters()  # uma tabela 3 × 3
        9
    """

    def __init__(self, vocab: CharVocab, order: int = 2, k: float = 1.0) -> None:
        if order < 0:
            raise ValueError(f"order precisa ser ≥ 0; recebi {order}.")
        if k <= 0 and order > 0:
            raise ValueError(f"k precisa ser > 0 para não haver probabilidade zero; recebi {k}.")
        self.vocab, self.order, self.k = vocab, order, k
        shape = (len(vocab),) * max(order, 1)
        self.counts = np.zeros(shape, dtype=np.float64)

    def _windows(self, names: Sequence[str]) -> Iterator[tuple[int, ...]]:
        context = max(self.order - 1, 0)
        for name in names:
            ids = [0] * context + self.vocab.encode(name) + [0]
            for i in range(context, len(ids)):
                yield tuple(ids[i - context : i + 1])

    def fit(self, names: Sequence[str]) -> NGramModel:
        """Conta as janelas de ``names`` (o treino); devolve o próprio modelo."""
        if self.order > 0:
            for window in self._windows(names):
                self.counts[window] += 1
        return self

    def log_probs(self) -> np.ndarray:
        """Log-probabilidades do próximo caractere, indexadas pelo contexto (última dimensão)."""
        if self.order == 0:
            return np.full(len(self.vocab), -math.log(len(self.vocab)))
        smoothed = self.counts + self.k
        return np.log(smoothed / smoothed.sum(axis=-1, keepdims=True))

    def nll(self, names: Sequence[str]) -> float:
        """NLL média em nats por caractere (incluindo o fim de cada nome)."""
        table = self.log_probs()
        windows = list(self._windows(names))
        if self.order == 0:
            return -float(table[0])
        index = tuple(np.array(windows).T)
        return -float(table[index].mean())

    def sample(
        self,
        count: int = 10,
        *,
        temperature: float = 1.0,
        seed: int = 0,
        max_length: int = 30,
    ) -> list[str]:
        """Sorteia ``count`` nomes, uma letra de cada vez, até a fronteira ``"."``.

        É o mesmo sorteio de :func:`recorrente.generation.sample_names`: a cada passo,
        os logaritmos das probabilidades do contexto são divididos pela temperatura
        $\\tau$ antes de normalizar, $p_i \\propto \\exp(\\ln p_i / \\tau)$; com
        $\\tau = 1$, sorteia da própria tabela de contagens.

        Parâmetros:
            count: quantos nomes gerar.
            temperature: a temperatura $\\tau$ (> 0; abaixo de
                :data:`~recorrente.generation.GREEDY_BELOW`, a escolha gulosa).
            seed: semente do sorteio (``numpy.random.default_rng``).
            max_length: tamanho máximo de cada nome.

        Retorna:
            Os nomes sorteados, sem a fronteira.

        Levanta:
            InputError: temperatura inválida ou ``count`` < 1.

        Exemplo:
            >>> vocab = CharVocab.from_names(["ab", "ba"])
            >>> model = NGramModel(vocab, order=3, k=0.001).fit(["ab", "ba"])
            >>> sorted(set(model.sample(50, seed=1)))  # só o que a tabela viu
            ['ab', 'ba']
        """
        temperature = check_temperature(temperature)
        if count < 1:
            raise InputError(f"Peça pelo menos um nome; recebi {count}.")
        rng = np.random.default_rng(seed)
        logits = self.log_probs()
        if temperature < GREEDY_BELOW:
            probs = (logits == logits.max(axis=-1, keepdims=True)).astype(float)
        else:
            logits = logits / temperature
            probs = np.exp(logits - logits.max(axis=-1, keepdims=True))
        probs /= probs.sum(axis=-1, keepdims=True)
        cumulative = np.cumsum(probs, axis=-1)
        width = max(self.order - 1, 0)
        context = np.zeros((count, width), dtype=np.int64)
        out: list[list[int]] = [[] for _ in range(count)]
        alive = np.ones(count, dtype=bool)
        for _ in range(max_length):
            if width:
                rows = cumulative[tuple(context.T)]  # (count, V): a linha de cada contexto
            else:
                rows = np.broadcast_to(cumulative, (count, len(self.vocab)))
            draws = rng.random((count, 1)) * rows[:, -1:]
            nxt = np.minimum((rows < draws).sum(axis=-1), len(self.vocab) - 1)
            for row in np.flatnonzero(alive & (nxt != 0)):
                out[row].append(int(nxt[row]))
            alive &= nxt != 0
            if not alive.any():
                break
            if width:
                context = np.concatenate([context[:, 1:], nxt[:, None]], axis=1)
        return [self.vocab.decode(ids) for ids in out]

    def num_parameters(self) -> int:
        """Quantas probabilidades a tabela guarda (0 para o uniforme)."""
        return 0 if self.order == 0 else int(self.counts.size)


def choose_k(
    vocab: CharVocab,
    train: Sequence[str],
    val: Sequence[str],
    order: int = 2,
    grid: Sequence[float] = (0.001, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0),
) -> tuple[NGramModel, dict[float, float]]:
    """Escolhe ``k`` pela NLL de validação; devolve o melhor modelo e a NLL de cada ``k``.

    Parâmetros:
        vocab: o vocabulário do conjunto de nomes.
        train: nomes em que as contagens são feitas.
        val: nomes em que cada ``k`` é medido.
        order: ordem do modelo (2: bigrama).
        grid: os valores de ``k`` a experimentar.

    Retorna:
        O modelo ajustado com o melhor ``k`` e um dicionário ``k`` → NLL de validação.

    Exemplo:
        >>> vocab = CharVocab.from_names(["ana", "ada", "bia"])
        >>> model, scores = choose_k(vocab, ["ana", "ada"], ["bia"], grid=(0.1, 1.0))
        >>> model.k == min(scores, key=scores.get)
        True
    """
    base = NGramModel(vocab, order, k=1.0).fit(train)
    scores = {}
    for k in grid:
        base.k = k
        scores[k] = base.nll(val)
    best = min(scores, key=scores.get)
    base.k = best
    return base, scores
