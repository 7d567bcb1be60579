"""Janelas deslizantes e a divisão cronológica, com o normalizador ajustado só no treino.

Exemplo:
    >>> import numpy as np
    >>> X, y = make_windows(np.arange(6.0), window=3)
    >>> X.tolist(), y.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.preprocessing import MinMaxScaler

from recorrente.errors import InputError

__all__ = ["Split", "WindowData", "chronological_split", "make_windows", "prepare_windows"]

Mode = Literal["price", "return"]


def make_windows(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Janelas deslizantes: ``X[i] = values[i : i + window]`` e ``y[i] = values[i + window]``.

    Parâmetros:
        values: a série, em ordem cronológica.
        window: quantos passos cada janela tem.

    Retorna:
        X: as janelas, com forma ``(len(values) - window, window)``.
        y: o valor seguinte a cada janela, com forma ``(len(values) - window,)``.

    Levanta:
        InputError: se a série não tem pelo menos ``window + 1`` valores.

    Exemplo:
        >>> X, y = make_windows(np.arange(10.0), window=4)
        >>> X.shape, y.shape
        ((6, 4), (6,))
        >>> X[-1].tolist(), float(y[-1])  # a última janela e o valor que vem depois
        ([5.0, 6.0, 7.0, 8.0], 9.0)
    """
    values = np.asarray(values, dtype=float)
    if window < 1:
        raise InputError(f"A janela precisa ter pelo menos 1 passo (recebi {window}).")
    if len(values) < window + 1:
        raise InputError(
            f"A série tem {len(values)} valores, mas uma janela de {window} precisa de pelo "
            f"menos {window + 1}; use uma janela menor ou uma série mais longa."
        )
    X = np.lib.stride_tricks.sliding_window_view(values[:-1], window).copy()
    return X, values[window:].copy()


@dataclass(frozen=True)
class Split:
    """Onde terminam o treino e a validação (índices da série, fim exclusivo).

    Um alvo no índice ``t`` é de treino se ``t < train_end``, de validação se
    ``train_end <= t < val_end`` e de teste se ``val_end <= t < end``.

    Atributos:
        train_end: primeiro índice depois do treino.
        val_end: primeiro índice depois da validação (o começo do teste).
        end: o tamanho da série.

    Exemplo:
        >>> split = Split(train_end=70, val_end=85, end=100)
        >>> len(range(split.train_end, split.val_end)), len(range(split.val_end, split.end))
        (15, 15)
    """

    train_end: int
    val_end: int
    end: int


def chronological_split(
    n: int, window: int, *, val_fraction: float = 0.15, test_fraction: float = 0.15
) -> Split:
    """Divide ``n`` pontos em treino, validação e teste, nesta ordem no tempo.

    Parâmetros:
        n: tamanho da série.
        window: tamanho da janela; o treino precisa de pelo menos 10 alvos além dela.
        val_fraction: fração da série para a validação.
        test_fraction: fração da série para o teste (o fim da série).

    Retorna:
        O :class:`Split` com os limites de cada parte.

    Levanta:
        InputError: se a série é curta demais para a janela.

    Exemplo:
        >>> chronological_split(100, window=10)
        Split(train_end=70, val_end=85, end=100)
    """
    n_test = int(round(n * test_fraction))
    n_val = int(round(n * val_fraction))
    train_end = n - n_test - n_val
    if train_end - window < 10 or n_val < 1 or n_test < 1:
        raise InputError(
            f"A série tem {n} valores: pouco para uma janela de {window} com treino, "
            "validação e teste; use uma série mais longa ou uma janela menor."
        )
    return Split(train_end=train_end, val_end=n - n_test, end=n)


@dataclass
class WindowData:
    """Janelas já normalizadas para a rede, e o que é preciso para voltar a preços.

    ``X[parte]`` tem forma ``(N, janela)`` e ``y[parte]`` forma ``(N,)``, com
    ``parte`` em ``"train"``, ``"validation"`` e ``"test"``; ``targets[parte]``
    diz o índice da série de cada alvo. Criada por :func:`prepare_windows`.

    Atributos:
        prices: a série de preços original.
        window: passos de cada janela.
        mode: ``"price"`` ou ``"return"``, o que a rede vê.
        split: a divisão cronológica usada.
        scaler: o normalizador ``MinMaxScaler`` ajustado.
        X: janelas normalizadas de cada parte.
        y: alvos normalizados de cada parte.
        targets: índice na série de cada alvo de cada parte.

    Exemplo:
        >>> prices = 100 * np.exp(np.cumsum(np.full(120, 0.01)))  # sobe 1% ao dia
        >>> data = prepare_windows(prices, 5, chronological_split(120, 5))
        >>> data.X["train"].shape, data.y["test"].shape
        ((78, 5), (18,))
        >>> np.allclose(data.to_prices(data.y["test"], "test"), data.actual("test"))
        True
    """

    prices: np.ndarray
    window: int
    mode: Mode
    split: Split
    scaler: MinMaxScaler
    X: dict[str, np.ndarray]
    y: dict[str, np.ndarray]
    targets: dict[str, np.ndarray]

    def to_prices(self, scaled: np.ndarray, part: str) -> np.ndarray:
        """Converte previsões na escala da rede em preços para os alvos de ``part``."""
        values = self.scaler.inverse_transform(np.asarray(scaled, float).reshape(-1, 1))[:, 0]
        if self.mode == "price":
            return values
        return self.prices[self.targets[part] - 1] * np.exp(values)

    def actual(self, part: str) -> np.ndarray:
        """Os preços verdadeiros dos alvos de ``part``."""
        return self.prices[self.targets[part]]

    def previous(self, part: str) -> np.ndarray:
        """O preço do dia anterior a cada alvo de ``part``."""
        return self.prices[self.targets[part] - 1]


def _model_series(prices: np.ndarray, mode: Mode) -> np.ndarray:
    """A série que a rede vê: o preço, ou o log-retorno (``NaN`` no índice 0)."""
    if mode == "price":
        return prices.astype(float)
    if mode == "return":
        return np.concatenate([[np.nan], np.diff(np.log(prices))])
    raise ValueError(f"Modo desconhecido: {mode!r}; use 'price' ou 'return'.")


def prepare_windows(
    prices: np.ndarray | pd.Series,
    window: int,
    split: Split,
    *,
    mode: Mode = "return",
    leaky: bool = False,
) -> WindowData:
    """Monta as janelas de treino, validação e teste e as normaliza para a faixa [-1, 1].

    Parâmetros:
        prices: a série de preços (positivos).
        window: quantos passos cada janela tem.
        split: a divisão cronológica (:func:`chronological_split`).
        mode: ``"price"`` (a rede vê preços) ou ``"return"`` (log-retornos diários).
        leaky: ajusta o normalizador na série inteira, como no exemplo ingênuo; só
            serve para medir o vazamento. O honesto (padrão) usa só o treino.

    Retorna:
        As janelas e alvos de cada parte, num :class:`WindowData`.

    Exemplo:
        >>> prices = np.linspace(10, 20, 100)  # uma série que só sobe
        >>> split = chronological_split(100, 5)
        >>> honest = prepare_windows(prices, 5, split, mode="price")
        >>> leaky = prepare_windows(prices, 5, split, mode="price", leaky=True)
        >>> round(float(honest.y["test"].max()), 2)  # o teste sai da faixa vista no treino
        1.87
        >>> round(float(leaky.y["test"].max()), 2)  # o vazamento esconde isso
        1.0
    """
    prices = np.asarray(prices, dtype=float)
    series = _model_series(prices, mode)
    first = window + (1 if mode == "return" else 0)  # primeiro alvo com janela completa
    fit_part = series[: split.end] if leaky else series[: split.train_end]
    scaler = MinMaxScaler(feature_range=(-1, 1))
    scaler.fit(fit_part[~np.isnan(fit_part)].reshape(-1, 1))
    scaled = scaler.transform(np.nan_to_num(series).reshape(-1, 1))[:, 0]
    bounds = {
        "train": (first, split.train_end),
        "validation": (split.train_end, split.val_end),
        "test": (split.val_end, split.end),
    }
    X, y, targets = {}, {}, {}
    for part, (start, stop) in bounds.items():
        t = np.arange(max(start, first), stop)
        targets[part] = t
        X[part] = np.stack([scaled[i - window : i] for i in t]) if len(t) else np.empty((0, window))
        y[part] = scaled[t]
    return WindowData(prices, window, mode, split, scaler, X, y, targets)
