"""Figuras do capítulo de previsão de preços: divisão, cópia defasada, horizonte, CO₂.

Exemplo:
    >>> import numpy as np, pandas as pd
    >>> from recorrente.forecasting import Split
    >>> serie = pd.Series(np.arange(1.0, 101.0), index=pd.date_range("2000", periods=100))
    >>> fig = plot_split(serie, Split(70, 85, 100))
    >>> len(fig.axes)
    1
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure

from recorrente.forecasting import Split
from recorrente.plotting.style import COLORS, new_figure

__all__ = ["plot_horizon_errors", "plot_lagged_copy", "plot_seasonal", "plot_split"]


def plot_split(series: pd.Series, split: Split, *, ylabel: str = "índice (pontos)") -> Figure:
    """A série com treino, validação e teste em cores diferentes.

    Parâmetros:
        series: a série, indexada pela data.
        split: a divisão cronológica (:func:`recorrente.forecasting.chronological_split`).
        ylabel: rótulo do eixo vertical.

    Retorna:
        A figura, com um painel e uma curva por parte.

    Exemplo:
        >>> serie = pd.Series(np.arange(100.0), index=pd.date_range("2000", periods=100))
        >>> fig = plot_split(serie, Split(70, 85, 100))
        >>> [line.get_label() for line in fig.axes[0].get_lines()]
        ['treino', 'validação', 'teste']
    """
    fig, ax = new_figure(width=8, height=3.6)
    parts = [
        ("treino", 0, split.train_end, COLORS["principal"]),
        ("validação", split.train_end, split.val_end, COLORS["auxiliar"]),
        ("teste", split.val_end, split.end, COLORS["destaque"]),
    ]
    for label, start, stop, color in parts:
        ax.plot(series.index[start:stop], series.to_numpy()[start:stop], color=color, label=label)
    ax.set_ylabel(ylabel)
    ax.set_title("Divisão cronológica: o teste é o futuro")
    ax.legend(loc="upper left")
    return fig


def plot_lagged_copy(
    dates: pd.DatetimeIndex | np.ndarray,
    actual: np.ndarray,
    predicted: np.ndarray,
    previous: np.ndarray,
    *,
    label: str = "LSTM",
    ylabel: str = "índice (pontos)",
) -> Figure:
    """Previsão, série real e a série atrasada um dia (a persistência), lado a lado.

    À esquerda, as três curvas num trecho; à direita, a previsão contra o preço
    de ontem (a diagonal é "copiar ontem").

    Parâmetros:
        dates: a data de cada alvo.
        actual: os preços verdadeiros.
        predicted: as previsões do modelo.
        previous: o preço do dia anterior a cada alvo.
        label: nome do modelo, na legenda.
        ylabel: rótulo do eixo vertical do painel da esquerda (o S&P 500 é um índice:
            pontos, não dólares).

    Retorna:
        A figura, com dois painéis.

    Exemplo:
        >>> dates = pd.date_range("2020", periods=4)
        >>> actual = np.array([10.0, 11, 12, 11, 13])
        >>> fig = plot_lagged_copy(dates, actual[1:], actual[:-1] + 0.1, actual[:-1])
        >>> [ax.get_title() for ax in fig.axes]
        ['A previsão anda um dia atrás da série', 'Previsão × ontem']
    """
    fig, (ax, ax2) = new_figure(1, 2, width=9, height=3.8, width_ratios=[2, 1])
    ax.plot(dates, actual, color=COLORS["neutro"], label="real", linewidth=2)
    ax.plot(dates, previous, color=COLORS["claro"], label="real atrasado 1 dia", linewidth=3)
    ax.plot(dates, predicted, color=COLORS["destaque"], label=label, linewidth=1.2)
    ax.set_ylabel(ylabel)
    ax.set_title("A previsão anda um dia atrás da série")
    ax.legend(loc="best", fontsize=8)
    if np.issubdtype(np.asarray(dates).dtype, np.datetime64):
        ax.xaxis.set_major_formatter(DateFormatter("%d/%m/%Y"))  # datas como no Brasil
    ax.tick_params(axis="x", labelrotation=30)
    ax2.scatter(previous, predicted, s=6, color=COLORS["principal"], alpha=0.6)
    low, high = float(np.min(previous)), float(np.max(previous))
    ax2.plot([low, high], [low, high], color=COLORS["destaque"], linewidth=1)
    ax2.set_xlabel("valor de ontem")
    ax2.set_ylabel(f"previsão ({label})")
    ax2.set_title("Previsão × ontem")
    return fig


def plot_horizon_errors(errors: pd.DataFrame, *, ylabel: str = "RMSE (pontos)") -> Figure:
    """RMSE por horizonte (dias à frente), uma curva por coluna de ``errors``.

    Parâmetros:
        errors: uma linha por horizonte (o índice) e uma coluna por modelo.
        ylabel: rótulo do eixo vertical.

    Retorna:
        A figura, com um painel.

    Exemplo:
        >>> errors = pd.DataFrame({"persistência": [1.0, 1.4], "LSTM": [1.1, 1.6]}, index=[1, 2])
        >>> fig = plot_horizon_errors(errors)
        >>> [line.get_label() for line in fig.axes[0].get_lines()]
        ['persistência', 'LSTM']
    """
    fig, ax = new_figure(width=7, height=3.6)
    colors = [COLORS["neutro"], COLORS["destaque"], COLORS["principal"], COLORS["auxiliar"]]
    for color, column in zip(colors, errors.columns, strict=False):
        ax.plot(errors.index, errors[column], marker="o", color=color, label=column)
    ax.set_xlabel("horizonte (passos à frente)")
    ax.set_ylabel(ylabel)
    ax.set_title("O erro cresce com o horizonte")
    ax.legend()
    return fig


def plot_seasonal(
    dates: pd.DatetimeIndex | np.ndarray,
    actual: np.ndarray,
    predictions: dict[str, np.ndarray],
    *,
    ylabel: str = "CO₂ (ppm)",
) -> Figure:
    """A série sazonal no teste e as previsões de cada modelo.

    Parâmetros:
        dates: a data de cada ponto do teste.
        actual: os valores verdadeiros.
        predictions: nome do modelo → previsões.
        ylabel: rótulo do eixo vertical.

    Retorna:
        A figura, com um painel.

    Exemplo:
        >>> dates = pd.date_range("2000-01", periods=12, freq="MS")
        >>> actual = 350 + np.sin(np.arange(12) / 12 * 2 * np.pi)
        >>> fig = plot_seasonal(dates, actual, {"sazonal ingênua": actual + 0.2})
        >>> [line.get_label() for line in fig.axes[0].get_lines()]
        ['real', 'sazonal ingênua']
    """
    fig, ax = new_figure(width=8, height=3.6)
    ax.plot(dates, actual, color=COLORS["neutro"], linewidth=2.5, label="real")
    colors = [COLORS["destaque"], COLORS["principal"], COLORS["auxiliar"]]
    for color, (name, pred) in zip(colors, predictions.items(), strict=False):
        ax.plot(dates, pred, color=color, linewidth=1.2, label=name)
    ax.set_ylabel(ylabel)
    ax.set_title("Teste na série mensal de CO₂ de Mauna Loa")
    ax.legend(loc="upper left")
    return fig
