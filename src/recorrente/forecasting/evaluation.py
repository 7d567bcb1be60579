"""A comparação no teste e a validação que avança no tempo (*walk-forward*).

Exemplo:
    >>> import numpy as np
    >>> prices = 100 * np.exp(np.cumsum(np.full(150, 0.01)))
    >>> list(compare_models(prices, 5, modes=("return",), epochs=1).columns)[:2]
    ['RMSE', 'MAE']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import TimeSeriesSplit

from recorrente.errors import InputError
from recorrente.forecasting.baselines import baseline_predictions, ridge_ar, sarima_predictions
from recorrente.forecasting.metrics import forecast_metrics, model_label
from recorrente.forecasting.network import lstm_predictions, train_window_model
from recorrente.forecasting.windows import (
    Mode,
    Split,
    WindowData,
    chronological_split,
    prepare_windows,
)
from recorrente.models import WindowRegressor

__all__ = ["compare_models", "walk_forward", "walk_forward_splits"]


def compare_models(
    prices: np.ndarray | pd.Series,
    window: int = 20,
    *,
    split: Split | None = None,
    modes: Sequence[Mode] = ("price", "return"),
    epochs: int = 30,
    patience: int = 5,
    seed: int = 0,
    progress: bool = False,
    seasonal: int | None = None,
    device: str | torch.device | None = None,
) -> pd.DataFrame:
    """Tabela de métricas no teste: linhas de base e uma LSTM por modo.

    Com ``seasonal=m``, inclui as linhas de base sazonais de :func:`seasonal_naive`:
    a ingênua (o valor de ``m`` passos atrás) e a com deriva (exigem ``window >= m``).

    Parâmetros:
        prices: a série de preços.
        window: passos de cada janela.
        split: a divisão; ``None`` usa :func:`chronological_split`.
        modes: o que cada LSTM vê: ``"price"`` e/ou ``"return"``.
        epochs: número máximo de épocas de cada LSTM.
        patience: épocas sem melhora antes de parar.
        seed: semente das LSTMs.
        progress: mostra a barra de progresso.
        seasonal: período das linhas de base sazonais, se houver.
        device: onde treinar a LSTM (``"auto"``, ``"cpu"``, ``"cuda"``, ``"mps"``;
            :func:`recorrente.training.fit`); ``None``: na CPU.

    Retorna:
        Um ``DataFrame`` com um modelo por linha e as métricas de
            :func:`forecast_metrics` nas colunas.

    Exemplo:
        >>> rng = np.random.default_rng(0)
        >>> prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 150)))
        >>> table = compare_models(prices, 5, modes=("return",), epochs=1)
        >>> list(table.index)
        ['persistence', 'moving_average', 'linear_ar', 'lstm_return']
        >>> list(table.columns)
        ['RMSE', 'MAE', 'MAPE_%', 'direction_%', 'up_%']
    """
    prices = np.asarray(prices, dtype=float)
    split = split or chronological_split(len(prices), window)
    rows = {}
    for i, mode in enumerate(modes):
        data = prepare_windows(prices, window, split, mode=mode)
        if i == 0:
            actual, previous = data.actual("test"), data.previous("test")
            for name, pred in baseline_predictions(data, season=seasonal).items():
                rows[name] = forecast_metrics(actual, pred, previous)
        model = _train_lstm(data, model_label(f"lstm_{mode}"), epochs, patience, seed, progress,
                            device)
        rows[f"lstm_{mode}"] = forecast_metrics(actual, lstm_predictions(model, data), previous)
    return pd.DataFrame(rows).T


def _train_lstm(
    data: WindowData,
    description: str,
    epochs: int,
    patience: int,
    seed: int,
    progress: bool,
    device: str | torch.device | None,
    hidden_size: int = 32,
    lr: float = 3e-3,
) -> WindowRegressor:
    """A LSTM de uma tabela: :func:`train_window_model` com o orçamento que a tabela recebeu."""
    model, _ = train_window_model(
        data,
        hidden_size=hidden_size,
        lr=lr,
        epochs=epochs,
        patience=patience,
        seed=seed,
        progress=progress,
        description=description,
        device=device,
    )
    return model


def walk_forward_splits(n: int, window: int, n_splits: int) -> list[Split]:
    """As divisões de cada dobra de :func:`walk_forward` (``TimeSeriesSplit``), já conferidas.

    Em cada dobra, o treino é tudo o que vem antes do bloco de teste, e os últimos 15% dele
    viram validação. Serve para recusar dobras demais antes de treinar qualquer coisa.

    Parâmetros:
        n: tamanho da série.
        window: passos de cada janela; o treino de cada dobra precisa de 10 alvos além dela.
        n_splits: número de dobras.

    Retorna:
        Um :class:`Split` por dobra; o teste da dobra vai de ``val_end`` a ``end``.

    Levanta:
        InputError: se a série não tem valores para tantas dobras, ou se a primeira dobra é
            curta demais para a janela.

    Exemplo:
        >>> walk_forward_splits(150, 5, 2)
        [Split(train_end=42, val_end=50, end=100), Split(train_end=85, val_end=100, end=150)]
        >>> walk_forward_splits(300, 20, 1000)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        recorrente.errors.InputError: A série tem 300 valores, poucos para 1000 dobras; ...
    """
    if n_splits < 2 or n_splits >= n:
        raise InputError(
            f"A série tem {n} valores, poucos para {n_splits} dobras; a validação que avança "
            "no tempo precisa de 2 dobras ou mais, e de menos dobras que valores."
        )
    splits = []
    for train_idx, test_idx in TimeSeriesSplit(n_splits=n_splits).split(np.arange(n)):
        n_train = len(train_idx)
        n_val = max(1, int(round(0.15 * n_train)))
        split = Split(
            train_end=n_train - n_val, val_end=int(test_idx[0]), end=int(test_idx[-1]) + 1
        )
        if split.train_end - window < 10:
            raise InputError(
                f"A primeira dobra da validação em {n_splits} partes tem só {n_train} valores; "
                "use menos dobras, uma janela menor ou uma série mais longa."
            )
        splits.append(split)
    return splits


def walk_forward(
    prices: np.ndarray | pd.Series,
    window: int = 20,
    *,
    n_splits: int = 3,
    mode: Mode = "return",
    epochs: int = 20,
    patience: int = 5,
    seed: int = 0,
    progress: bool = False,
    season: int | None = None,
    train: bool = False,
    tuned: bool = False,
    device: str | torch.device | None = None,
    hidden_size: int = 32,
    lr: float = 3e-3,
) -> pd.DataFrame:
    """Validação em janelas que avançam no tempo (``TimeSeriesSplit``).

    Em cada dobra, o treino é tudo o que vem antes do bloco de teste (os últimos
    15% dele viram validação), o normalizador é ajustado só nesse treino e a LSTM
    é comparada com a persistência e o AR linear (e, com ``season``, com as
    sazonais ingênuas). Devolve uma linha por dobra, com o RMSE de cada modelo.

    Parâmetros:
        prices: a série de preços.
        window: passos de cada janela.
        n_splits: número de dobras.
        mode: o que a LSTM vê: ``"price"`` ou ``"return"``.
        epochs: número máximo de épocas de cada LSTM.
        patience: épocas sem melhora antes de parar.
        seed: semente das LSTMs.
        progress: mostra a barra de progresso.
        season: período das linhas de base sazonais (:func:`seasonal_naive`), se houver.
        train: inclui também o RMSE de cada modelo no treino da dobra, em colunas
            com o sufixo ``_train`` (para ver o erro no treino ao lado do de teste).
        tuned: inclui as linhas de base ajustadas: o AR com *ridge* de :func:`ridge_ar` (α
            escolhido na validação da dobra) e, com ``season``, o SARIMA(1,1,1)(0,1,1)
            de :func:`sarima_predictions`, ajustado no treino da dobra.
        device: onde treinar a LSTM (``"auto"``, ``"cpu"``, ``"cuda"``, ``"mps"``;
            :func:`recorrente.training.fit`); ``None``: na CPU.
        hidden_size: tamanho do estado de cada LSTM (:func:`train_window_model`).
        lr: taxa de aprendizado de cada LSTM.

    Retorna:
        Um ``DataFrame`` indexado pela dobra, com o início do teste e o RMSE de cada modelo.

    Levanta:
        InputError: se a primeira dobra é curta demais para a janela.

    Exemplo:
        >>> rng = np.random.default_rng(0)
        >>> prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 150)))
        >>> folds = walk_forward(prices, 5, n_splits=2, epochs=1)
        >>> folds["test_start"].tolist()  # cada dobra testa um trecho mais adiante
        [50, 100]
        >>> list(folds.columns[1:])
        ['persistence', 'linear_ar', 'lstm_return']
    """
    prices = np.asarray(prices, dtype=float)
    rows = []
    for fold, split in enumerate(walk_forward_splits(len(prices), window, n_splits), start=1):
        data = prepare_windows(prices, window, split, mode=mode)
        actual, previous = data.actual("test"), data.previous("test")
        base = baseline_predictions(data, season=season)
        base.pop("moving_average")
        fitted = baseline_predictions(data, "train", season=season)
        fitted.pop("moving_average")
        if tuned:
            extra = {"ridge_ar": ridge_ar(data).predictions}
            if season:
                extra["sarima"] = sarima_predictions(data, seasonal_order=(0, 1, 1, season))
            for name, parts in extra.items():
                base[name], fitted[name] = parts["test"], parts["train"]
        model = _train_lstm(
            data, f"dobra {fold}", epochs, patience, seed, progress, device, hidden_size, lr
        )
        base[f"lstm_{mode}"] = lstm_predictions(model, data)
        row = {"fold": fold, "test_start": split.val_end}
        for name, pred in base.items():
            row[name] = forecast_metrics(actual, pred, previous)["RMSE"]
        if train:
            fitted[f"lstm_{mode}"] = lstm_predictions(model, data, "train")
            for name, pred in fitted.items():
                row[f"{name}_train"] = forecast_metrics(
                    data.actual("train"), pred, data.previous("train")
                )["RMSE"]
        rows.append(row)
    return pd.DataFrame(rows).set_index("fold")
