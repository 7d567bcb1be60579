"""Referências de contagem para modelos de caracteres: uniforme, n-grama *add-k*, Kneser–Ney.

Um :class:`NGramModel` de ordem ``n`` prevê cada caractere pelos ``n - 1``
anteriores, contando pares no treino e somando ``k`` a toda contagem
(suavização *add-k*), para que nenhum caractere tenha probabilidade zero:

$$ P(c \\mid \\text{contexto}) = \\frac{N(\\text{contexto}, c) + k}{N(\\text{contexto}) + k V} $$

A perda é a mesma dos modelos neurais: NLL média, em nats, por caractere,
contando o fim de cada nome. O modelo também sorteia nomes
(:meth:`NGramModel.sample`), com a mesma temperatura $\\tau$ das redes, para
comparar a qualidade das amostras.

Num contexto que o treino nunca viu, todas as contagens do *add-k* são zero e ele volta ao
chute uniforme. O :class:`KneserNeyModel` (Kneser–Ney interpolado, Chen e Goodman, 1999)
desconta um pouco de cada contagem e passa essa massa para o contexto uma letra mais curto,
até chegar ao uniforme; num contexto nunca visto, usa só o mais curto que o treino viu.

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
from collections.abc import Sequence

import numpy as np

from recorrente.data.batching import IGNORE_INDEX
from recorrente.data.names import CharVocab
from recorrente.errors import InputError
from recorrente.generation import GREEDY_BELOW, check_temperature

__all__ = ["KneserNeyModel", "NGramModel", "choose_k", "choose_kneser_ney"]


def _name_windows(vocab: CharVocab, names: Sequence[str], size: int) -> np.ndarray:
    """Uma linha por caractere previsto (cada letra e o fim de cada nome): as ``size`` posições
    que terminam nele, com a fronteira 0 antes do começo do nome.

    As linhas seguem a ordem dos nomes e, dentro de um nome, a das letras. Tudo sai de um
    lote codificado de uma vez (:meth:`CharVocab.encode_batch`), sem laço por nome.
    """
    if not names:
        return np.zeros((0, size), np.int64)
    targets = vocab.encode_batch(names)[1].numpy()  # as letras, o fim (0) e o preenchimento
    predicted = targets != IGNORE_INDEX
    padded = np.zeros((len(names), size - 1 + targets.shape[1]), np.int64)
    padded[:, size - 1 :] = np.where(predicted, targets, 0)
    return np.lib.stride_tricks.sliding_window_view(padded, size, axis=1)[predicted]


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

    def _index(self, names: Sequence[str]) -> tuple[np.ndarray, ...]:
        """As janelas de ``names`` como índice da tabela: uma coluna por posição da janela."""
        return tuple(_name_windows(self.vocab, names, max(self.order, 1)).T)

    def fit(self, names: Sequence[str]) -> NGramModel:
        """Conta as janelas de ``names`` (o treino); devolve o próprio modelo."""
        if self.order > 0:
            np.add.at(self.counts, self._index(names), 1)
        return self

    def log_probs(self) -> np.ndarray:
        """Log-probabilidades do próximo caractere, indexadas pelo contexto (última dimensão)."""
        if self.order == 0:
            return np.full(len(self.vocab), -math.log(len(self.vocab)))
        smoothed = self.counts + self.k
        return np.log(smoothed / smoothed.sum(axis=-1, keepdims=True))

    def name_nll(self, names: Sequence[str]) -> np.ndarray:
        """A NLL de cada nome, em nats, somada sobre os caracteres (com o fim do nome).

        Exemplo:
            >>> vocab = CharVocab.from_names(["ana"])
            >>> [round(float(v), 4) for v in NGramModel(vocab, order=0).name_nll(["a", "an"])]
            [2.1972, 3.2958]
        """
        lengths = np.array([len(name) + 1 for name in names])
        if self.order == 0:
            return lengths * math.log(len(self.vocab))
        logp = self.log_probs()[self._index(names)]
        return -np.add.reduceat(logp, np.concatenate([[0], np.cumsum(lengths)[:-1]]))

    def nll(self, names: Sequence[str]) -> float:
        """NLL média em nats por caractere (incluindo o fim de cada nome)."""
        table = self.log_probs()
        if self.order == 0:
            return -float(table[0])
        return -float(table[self._index(names)].mean())

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


class KneserNeyModel:
    """Kneser–Ney interpolado de ordem ``order``, com um desconto ``discount`` em toda ordem.

    Para o contexto $h$ de ``order - 1`` letras e o seu sufixo $h'$, uma letra mais curto:

    $$ P(c \\mid h) = \\frac{\\max(N(h, c) - D, 0) + D \\, T(h) \\, P(c \\mid h')}{N(h)} $$

    em que $N(h)$ é a soma das contagens do contexto e $T(h)$ quantas letras diferentes o
    seguiram. Na ordem mais alta, $N$ conta as ocorrências; nas mais baixas, conta de quantos
    jeitos diferentes (letra anterior) cada janela apareceu, a contagem de continuação de
    Kneser–Ney. Abaixo da ordem 1 está o uniforme. Um contexto com $N(h) = 0$ usa
    $P(c \\mid h')$ direto. Com $0 < D \\le 1$, cada contexto soma 1.

    Parâmetros:
        vocab: o vocabulário do conjunto de nomes.
        order: tamanho da janela, contando o caractere previsto (≥ 1).
        discount: o desconto $D$, entre 0 (exclusive) e 1.

    Exemplo:
        >>> vocab = CharVocab.from_names(["ab"])  # ".", "a", "b"
        >>> model = KneserNeyModel(vocab, order=2, discount=0.5).fit(["ab"])
        >>> # depois de "a": (1 − 0,5) + 0,5 × P(b), e P(b) = (1 − 0,5 + 0,5 × 3/3) / 3
        >>> round(float(model.probs("a")[vocab.index["b"]]), 4)
        0.6667
        >>> round(float(model.probs("bb").sum()), 6)  # contexto nunca visto: soma 1
        1.0
    """

    def __init__(self, vocab: CharVocab, order: int = 6, discount: float = 0.75) -> None:
        if order < 1:
            raise ValueError(f"order precisa ser ≥ 1; recebi {order}.")
        if not 0 < discount <= 1:
            raise ValueError(f"discount precisa estar em (0, 1]; recebi {discount}.")
        self.vocab, self.order, self.discount = vocab, order, discount
        self._levels: list[tuple[np.ndarray, ...]] = []

    def _windows(self, names: Sequence[str]) -> np.ndarray:
        """Uma linha por caractere previsto: as ``order`` posições que terminam nele."""
        return _name_windows(self.vocab, names, self.order)

    def _codes(self, windows: np.ndarray, n: int) -> np.ndarray:
        """As últimas ``n`` colunas de cada janela como um número na base do vocabulário."""
        codes = np.zeros(len(windows), np.int64)
        for column in range(self.order - n, self.order):
            codes = codes * len(self.vocab) + windows[:, column]
        return codes

    def fit(self, names: Sequence[str]) -> KneserNeyModel:
        """Conta as janelas de ``names`` (o treino), em toda ordem; devolve o próprio modelo."""
        windows, size = self._windows(names), len(self.vocab)
        self._levels = []
        for n in range(1, self.order + 1):
            if n == self.order:
                grams, counts = np.unique(self._codes(windows, n), return_counts=True)
            else:  # continuação: de quantas janelas distintas de n + 1 ela é o fim
                longer = np.unique(self._codes(windows, n + 1))
                grams, counts = np.unique(longer % size**n, return_counts=True)
            contexts, first, types = np.unique(grams // size, return_index=True,
                                               return_counts=True)
            totals = np.add.reduceat(counts, first)
            self._levels.append((grams, counts, contexts, totals, types))
        return self

    @staticmethod
    def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
        where = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
        return np.where(keys[where] == query, values[where], 0)

    def _window_probs(self, windows: np.ndarray) -> np.ndarray:
        if not self._levels:
            raise InputError("O modelo ainda não foi ajustado: chame fit(treino) antes.")
        size, d = len(self.vocab), self.discount
        p = np.full(len(windows), 1 / size)
        for n, (grams, counts, contexts, totals, types) in enumerate(self._levels, start=1):
            codes = self._codes(windows, n)
            count = self._lookup(grams, counts, codes)
            total = self._lookup(contexts, totals, codes // size)
            seen = self._lookup(contexts, types, codes // size)
            interpolated = (np.maximum(count - d, 0) + d * seen * p) / np.maximum(total, 1)
            p = np.where(total > 0, interpolated, p)
        return p

    def probs(self, context: str) -> np.ndarray:
        """A distribuição do próximo caractere depois de ``context`` (as letras já escritas).

        Exemplo:
            >>> vocab = CharVocab.from_names(["ana", "ada"])
            >>> model = KneserNeyModel(vocab, order=3).fit(["ana", "ada"])
            >>> round(float(model.probs("a").sum()), 6)
            1.0
        """
        ids = [0] * (self.order - 1) + self.vocab.encode(context)
        last = ids[len(ids) - self.order + 1 :] if self.order > 1 else []
        windows = np.array([[*last, c] for c in range(len(self.vocab))], np.int64)
        return self._window_probs(windows)

    def name_nll(self, names: Sequence[str]) -> np.ndarray:
        """A NLL de cada nome, em nats, somada sobre os caracteres (com o fim do nome).

        Exemplo:
            >>> vocab = CharVocab.from_names(["ana", "ada"])
            >>> model = KneserNeyModel(vocab, order=2).fit(["ana", "ada"])
            >>> model.name_nll(["ana", "ada"]).shape
            (2,)
        """
        logp = np.log(self._window_probs(self._windows(names)))
        lengths = np.array([len(name) + 1 for name in names])
        return np.add.reduceat(logp, np.concatenate([[0], np.cumsum(lengths)[:-1]])) * -1.0

    def nll(self, names: Sequence[str]) -> float:
        """NLL média em nats por caractere (incluindo o fim de cada nome)."""
        return -float(np.log(self._window_probs(self._windows(names))).mean())


def choose_kneser_ney(
    vocab: CharVocab,
    train: Sequence[str],
    val: Sequence[str],
    orders: Sequence[int] = (3, 4, 5, 6, 7),
    discounts: Sequence[float] = (0.6, 0.7, 0.8, 0.9, 1.0),
) -> tuple[KneserNeyModel, dict[tuple[int, float], float]]:
    """Escolhe a ordem e o desconto do Kneser–Ney pela NLL de validação.

    Parâmetros:
        vocab: o vocabulário do conjunto de nomes.
        train: nomes em que as contagens são feitas.
        val: nomes em que cada combinação é medida.
        orders: as ordens a experimentar.
        discounts: os descontos a experimentar (cada um em (0, 1]).

    Retorna:
        O modelo ajustado com a melhor combinação e a NLL de validação de cada
            ``(ordem, desconto)``.

    Exemplo:
        >>> vocab = CharVocab.from_names(["ana", "ada", "bia"])
        >>> model, scores = choose_kneser_ney(vocab, ["ana", "ada"], ["bia"], (2, 3), (0.5, 1.0))
        >>> (model.order, model.discount) == min(scores, key=scores.get)
        True
    """
    scores, models = {}, {}
    for order in orders:
        models[order] = KneserNeyModel(vocab, order).fit(train)
        windows = models[order]._windows(val)  # as mesmas janelas para todo desconto
        for discount in discounts:
            models[order].discount = discount
            scores[order, discount] = -float(np.log(models[order]._window_probs(windows)).mean())
    best_order, best_discount = min(scores, key=scores.get)
    best = models[best_order]
    best.discount = best_discount
    return best, scores
