"""As linhas de base da previsão: persistência, média móvel, AR linear e as sazonais ingênuas.

Exemplo:
    >>> seasonal_naive([1.0, 2.0, 3.0, 4.0], [2, 3], period=2).tolist()
    [1.0, 2.0]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LinearRegression

from recorrente.errors import InputError
from recorrente.forecasting.windows import WindowData

__all__ = ["baseline_predictions", "seasonal_naive"]


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
    data: WindowData, part: str = "teste", *, average: int = 5, season: int | None = None
) -> dict[str, np.ndarray]:
    """Previsões das linhas de base para os alvos de ``part``, em preços.

    - ``persistencia``: amanhã = hoje;
    - ``media_movel``: média dos últimos ``average`` preços;
    - ``ar_linear``: regressão linear (scikit-learn) que prevê o próximo log-retorno
      a partir dos log-retornos da janela, ajustada nas janelas de treino;
    - com ``season=m``, também ``sazonal_ingenua`` (o valor de ``m`` passos atrás)
      e ``sazonal_com_deriva`` (esse valor mais a variação dos últimos ``m``
      passos), de :func:`seasonal_naive`.

    Parâmetros:
        data: as janelas, de :func:`prepare_windows`.
        part: ``"treino"``, ``"validacao"`` ou ``"teste"``.
        average: quantos preços a média móvel usa.
        season: o período das linhas de base sazonais; ``None`` não as inclui.

    Retorna:
        Um dicionário nome → previsões, uma por alvo de ``part``.

    Exemplo:
        >>> from recorrente.forecasting.windows import chronological_split, prepare_windows
        >>> prices = 100 * np.exp(np.cumsum(np.full(120, 0.01)))  # sobe 1% ao dia
        >>> data = prepare_windows(prices, 5, chronological_split(120, 5))
        >>> base = baseline_predictions(data)
        >>> np.allclose(base["persistencia"], data.previous("teste"))  # amanhã = hoje
        True
        >>> np.allclose(base["ar_linear"], data.actual("teste"))  # retorno constante: acerta
        True
        >>> sorted(baseline_predictions(data, season=4))[-2:]
        ['sazonal_com_deriva', 'sazonal_ingenua']
    """
    prices, window = data.prices, data.window
    t = data.targets[part]
    price_windows = np.stack([prices[i - window : i] for i in t])
    returns = np.diff(np.log(prices))

    def return_windows(indices):
        # log-retornos dos `window` dias antes do alvo (precisa de i - window - 1 >= 0)
        return np.stack([returns[i - window - 1 : i - 1] for i in indices])

    train_t = data.targets["treino"]
    train_t = train_t[train_t >= window + 1]
    ar = LinearRegression().fit(return_windows(train_t), returns[train_t - 1])
    ar_t = np.maximum(t, window + 1)
    ar_pred = prices[t - 1] * np.exp(ar.predict(return_windows(ar_t)))
    predictions = {
        "persistencia": price_windows[:, -1],
        "media_movel": price_windows[:, -average:].mean(axis=1),
        "ar_linear": ar_pred,
    }
    if season:
        predictions["sazonal_ingenua"] = seasonal_naive(prices, t, season)
        predictions["sazonal_com_deriva"] = seasonal_naive(prices, t, season, drift=True)
    return predictions
