"""As linhas de base da previsão: persistência, média móvel, AR linear, as sazonais ingênuas e
as ajustadas com o mesmo cuidado da rede: o AR com *ridge* (α escolhido na validação) e o SARIMA.

Exemplo:
    >>> seasonal_naive([1.0, 2.0, 3.0, 4.0], [2, 3], period=2).tolist()
    [1.0, 2.0]
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from recorrente.errors import InputError
from recorrente.forecasting.windows import WindowData

__all__ = [
    "RIDGE_ALPHAS",
    "RidgeAR",
    "baseline_predictions",
    "ridge_ar",
    "sarima_predictions",
    "seasonal_naive",
]

RIDGE_ALPHAS: tuple[float, ...] = (0.0, 0.1, 1.0, 10.0, 100.0, 1000.0)
"""Os α que :func:`ridge_ar` experimenta (retornos padronizados; 0 é o AR sem penalidade)."""


def seasonal_naive(
    values: npt.ArrayLike, targets: npt.ArrayLike, period: int = 12, *, drift: bool = False
) -> np.ndarray:
    """Linha de base sazonal ingênua, com ou sem deriva, para os alvos ``targets``.

    Sem deriva, repete o valor de um período atrás: ``x̂(t) = x(t-m)``. Com deriva,
    soma a esse valor o quanto a série andou nos últimos ``m`` passos até o último
    valor conhecido: ``x̂(t) = x(t-m) + (x(t-1) - x(t-m-1))``, o que acerta em cheio
    uma série que é um ciclo fixo mais uma tendência reta.

    Parâmetros:
        values: a série, em ordem cronológica.
        targets: índices da série a prever.
        period: o período ``m`` da sazonalidade (12 para meses).
        drift: soma a variação dos últimos ``period`` passos (a deriva).

    Retorna:
        Uma previsão por alvo.

    Levanta:
        InputError: se algum alvo não tem ``period + 1`` valores antes dele (com
            deriva) ou ``period`` valores (sem deriva).

    Exemplo:
        >>> ciclo = np.array([0.0, 2.0, 1.0, 3.0])
        >>> x = np.concatenate([ciclo, ciclo + 1, ciclo + 2])  # ciclo de 4 que sobe 1 por volta
        >>> seasonal_naive(x, [8, 9, 10, 11], period=4).tolist()  # atrasada uma volta
        [1.0, 3.0, 2.0, 4.0]
        >>> seasonal_naive(x, [8, 9, 10, 11], period=4, drift=True).tolist()  # acerta
        [2.0, 4.0, 3.0, 5.0]
    """
    values = np.asarray(values, dtype=float)
    targets = np.asarray(targets, dtype=int)
    need = period + (1 if drift else 0)
    if period < 1:
        raise InputError(f"O período sazonal precisa ser pelo menos 1 (recebi {period}).")
    if len(targets) and targets.min() < need:
        raise InputError(
            f"A sazonal ingênua{' com deriva' if drift else ''} de período {period} precisa "
            f"de {need} valores antes de cada alvo, e o alvo {int(targets.min())} tem menos; "
            f"use uma janela de pelo menos {need} passos ou um período menor."
        )
    forecast = values[targets - period]
    if drift:
        forecast = forecast + values[targets - 1] - values[targets - period - 1]
    return forecast


def baseline_predictions(
    data: WindowData, part: str = "test", *, average: int = 5, season: int | None = None
) -> dict[str, np.ndarray]:
    """Previsões das linhas de base para os alvos de ``part``, em preços.

    - ``persistence``: amanhã = hoje;
    - ``moving_average``: média dos últimos ``average`` preços;
    - ``linear_ar``: regressão linear (scikit-learn) que prevê o próximo log-retorno
      a partir dos log-retornos da janela, ajustada nas janelas de treino;
    - com ``season=m``, também ``seasonal_naive`` (o valor de ``m`` passos atrás)
      e ``seasonal_drift`` (esse valor mais a variação dos últimos ``m``
      passos), de :func:`seasonal_naive`.

    Parâmetros:
        data: as janelas, de :func:`prepare_windows`.
        part: ``"train"``, ``"validation"`` ou ``"test"``.
        average: quantos preços a média móvel usa.
        season: o período das linhas de base sazonais; ``None`` não as inclui.

    Retorna:
        Um dicionário nome → previsões, uma por alvo de ``part``.

    Exemplo:
        >>> from recorrente.forecasting.windows import chronological_split, prepare_windows
        >>> prices = 100 * np.exp(np.cumsum(np.full(120, 0.01)))  # sobe 1% ao dia
        >>> data = prepare_windows(prices, 5, chronological_split(120, 5))
        >>> base = baseline_predictions(data)
        >>> np.allclose(base["persistence"], data.previous("test"))  # amanhã = hoje
        True
        >>> np.allclose(base["linear_ar"], data.actual("test"))  # retorno constante: acerta
        True
        >>> sorted(baseline_predictions(data, season=4))[-2:]
        ['seasonal_drift', 'seasonal_naive']
    """
    prices, window = data.prices, data.window
    t = data.targets[part]
    price_windows = np.stack([prices[i - window : i] for i in t])
    predictions = {
        "persistence": price_windows[:, -1],
        "moving_average": price_windows[:, -average:].mean(axis=1),
        "linear_ar": _ar_forecast(data, LinearRegression(), part),
    }
    if season:
        predictions["seasonal_naive"] = seasonal_naive(prices, t, season)
        predictions["seasonal_drift"] = seasonal_naive(prices, t, season, drift=True)
    return predictions


def _return_windows(data: WindowData, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Os log-retornos dos ``window`` passos antes de cada alvo e o log-retorno do alvo.

    O primeiro alvo possível é ``window + 1`` (o retorno de índice 0 não existe); alvos mais
    cedo usam a janela desse primeiro.
    """
    returns = np.diff(np.log(data.prices))
    indices = np.maximum(np.asarray(indices), data.window + 1)
    windows = np.stack([returns[i - data.window - 1 : i - 1] for i in indices])
    return windows, returns[indices - 1]


def _ar_forecast(data: WindowData, regressor, part: str) -> np.ndarray:
    """Ajusta ``regressor`` nas janelas de treino (log-retornos) e prevê os preços de ``part``."""
    train_t = data.targets["train"]
    regressor.fit(*_return_windows(data, train_t[train_t >= data.window + 1]))
    windows, _ = _return_windows(data, data.targets[part])
    return data.previous(part) * np.exp(regressor.predict(windows))


@dataclass(frozen=True)
class RidgeAR:
    """O AR com *ridge* de :func:`ridge_ar`: o α escolhido e as previsões de cada parte.

    Atributos:
        alpha: o α de menor RMSE na validação.
        validation_rmse: o RMSE na validação de cada α experimentado.
        predictions: parte (``"train"``, ``"validation"``, ``"test"``) → previsões em preços.

    Exemplo:
        >>> r = RidgeAR(alpha=1.0, validation_rmse={0.0: 0.34, 1.0: 0.33}, predictions={})
        >>> min(r.validation_rmse, key=r.validation_rmse.get) == r.alpha
        True
    """

    alpha: float
    validation_rmse: dict[float, float]
    predictions: dict[str, np.ndarray]


def ridge_ar(data: WindowData, alphas: Sequence[float] = RIDGE_ALPHAS) -> RidgeAR:
    """O AR linear regularizado (*ridge*), com α escolhido na validação, como a rede.

    Prevê o próximo log-retorno a partir dos ``window`` anteriores, como o AR linear de
    :func:`baseline_predictions`, mas com os retornos padronizados pela média e o desvio do
    treino e a penalidade ``α·‖w‖²`` nos coeficientes. Cada α é ajustado só nas janelas de
    treino; fica o de menor RMSE (em preços) na validação, a mesma que decide a parada
    antecipada da rede. ``α = 0`` é o AR sem penalidade, que assim é um dos candidatos.

    Parâmetros:
        data: as janelas, de :func:`prepare_windows`.
        alphas: os α experimentados (o orçamento da busca é ``len(alphas)`` ajustes).

    Retorna:
        Um :class:`RidgeAR`.

    Levanta:
        InputError: sem α para experimentar, ou com algum α negativo.

    Exemplo:
        >>> from recorrente.forecasting.windows import chronological_split, prepare_windows
        >>> prices = 100 * np.exp(np.cumsum(np.tile([0.01, -0.01], 60)))  # sobe, desce, ...
        >>> data = prepare_windows(prices, 1, chronological_split(120, 1))
        >>> tuned = ridge_ar(data)
        >>> tuned.alpha, np.allclose(tuned.predictions["test"], data.actual("test"))
        (0.0, True)
    """
    if not alphas or min(alphas) < 0:
        raise InputError(f"O ridge precisa de pelo menos um α, todos ≥ 0; recebi {list(alphas)}.")
    fits = {}
    for alpha in alphas:
        model = make_pipeline(StandardScaler(), _ridge(alpha))
        fits[alpha] = {part: _ar_forecast(data, model, part) for part in data.targets}
    validation = {
        alpha: float(np.sqrt(np.mean((f["validation"] - data.actual("validation")) ** 2)))
        for alpha, f in fits.items()
    }
    best = min(validation, key=validation.get)
    return RidgeAR(alpha=best, validation_rmse=validation, predictions=fits[best])


def _ridge(alpha: float):
    # α = 0 é mínimos quadrados; a Ridge do scikit-learn avisa nesse caso, a LinearRegression não
    return LinearRegression() if alpha == 0 else Ridge(alpha=alpha)


def sarima_predictions(
    data: WindowData,
    order: tuple[int, int, int] = (1, 1, 1),
    seasonal_order: tuple[int, int, int, int] = (0, 1, 1, 12),
) -> dict[str, np.ndarray]:
    """Previsões de um passo de um SARIMA no log da série, ajustado só no treino.

    O modelo (statsmodels, ``SARIMAX``) estima os coeficientes por máxima verossimilhança só
    nos valores de treino (índices ``< split.train_end``); depois, com esses coeficientes
    fixos, o filtro de Kalman percorre a série inteira e cada previsão usa só o passado do
    alvo, como as janelas da rede. A variância do ruído é concentrada fora da verossimilhança
    (``concentrate_scale``), o que faz o otimizador convergir nos valores pequenos do log.

    Parâmetros:
        data: as janelas, de :func:`prepare_windows` (só a série e a divisão são usadas).
        order: ``(p, d, q)``.
        seasonal_order: ``(P, D, Q, m)``.

    Retorna:
        Parte (``"train"``, ``"validation"``, ``"test"``) → previsões em preços.

    Exemplo:
        >>> from recorrente.forecasting.windows import chronological_split, prepare_windows
        >>> months = np.arange(120)
        >>> ruido = np.random.default_rng(0).normal(0, 0.001, 120)
        >>> x = np.exp(5 + 0.002 * months + 0.01 * np.sin(2 * np.pi * months / 12) + ruido)
        >>> data = prepare_windows(x, 24, chronological_split(120, 24))
        >>> erro = sarima_predictions(data)["test"] / data.actual("test") - 1
        >>> bool(np.abs(erro).max() < 0.005)  # erra no tamanho do ruído (0,1%), não do ciclo (1%)
        True
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning  # importado aqui: é lento
    from statsmodels.tsa.statespace.sarimax import SARIMAX  # importado aqui: é lento

    log_values = np.log(data.prices)
    train = log_values[: data.split.train_end]
    model = SARIMAX(train, order=order, seasonal_order=seasonal_order, concentrate_scale=True)
    with warnings.catch_warnings():
        # avisos de estimação (pontos iniciais, matriz de covariância) não mudam a previsão;
        # a convergência é conferida abaixo
        warnings.simplefilter("ignore")
        fitted = model.fit(disp=False)
        predicted = fitted.apply(log_values).get_prediction().predicted_mean
    if not fitted.mle_retvals.get("converged", True):
        warnings.warn("O SARIMA não convergiu no treino.", ConvergenceWarning, stacklevel=2)
    return {part: np.exp(predicted[t]) for part, t in data.targets.items()}
