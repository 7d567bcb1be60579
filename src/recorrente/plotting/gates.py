"""Figuras do capítulo de LSTM e GRU: portas ao longo do tempo e acerto contra a distância."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from recorrente.plotting.style import COLORS, new_figure

__all__ = ["plot_accuracy_vs_distance", "plot_gate_heatmaps"]

_CYCLE = ["principal", "destaque", "auxiliar", "neutro"]


def plot_gate_heatmaps(gates: Mapping[str, object], tokens: Sequence[str]) -> Figure:
    """Um mapa de calor por porta: unidades nas linhas, passos de tempo nas colunas.

    Parâmetros:
        gates: nome da porta → valores ``(T, H)`` entre 0 e 1 (tensor ou array).
        tokens: o símbolo de entrada de cada passo, para rotular o eixo do tempo.

    Retorna:
        A figura, com um painel por porta e a barra de cores.

    Exemplo:
        >>> import numpy as np
        >>> fig = plot_gate_heatmaps({"f": np.zeros((3, 2))}, ["a", "b", "c"])
        >>> len(fig.axes)  # o painel e a barra de cores
        2
    """
    n = len(gates)
    fig, axes = new_figure(n, 1, width=8.0, height=1.9 * n + 0.6, squeeze=False)
    image = None
    for ax, (name, values) in zip(axes[:, 0], gates.items(), strict=True):
        array = np.asarray(values.detach() if hasattr(values, "detach") else values)
        image = ax.imshow(array.T, aspect="auto", cmap="viridis", vmin=0, vmax=1)
        ax.set_title(name, loc="left", fontsize=10)
        ax.set_ylabel("unidade")
        ax.set_xticks(range(len(tokens)))
        ax.set_xticklabels(tokens, fontsize=7)
        ax.grid(False)
    axes[-1, 0].set_xlabel("passo de tempo (símbolo de entrada)")
    fig.colorbar(image, ax=list(axes[:, 0]), shrink=0.8, label="ativação da porta")
    return fig


def plot_accuracy_vs_distance(
    distances: Sequence[int], accuracies: Mapping[str, Sequence[float]], chance: float
) -> Figure:
    """Acerto no conjunto de teste contra a distância a lembrar, uma curva por rede.

    Parâmetros:
        distances: as distâncias testadas (eixo horizontal).
        accuracies: nome da rede → acerto em cada distância.
        chance: o acerto do acaso, desenhado como linha tracejada.

    Retorna:
        A figura, com um painel.

    Exemplo:
        >>> fig = plot_accuracy_vs_distance([5, 10], {"GRU": [1.0, 0.5]}, chance=0.25)
        >>> bool(fig.axes[0].get_ylim()[1] >= 1.0)
        True
    """
    fig, ax = new_figure()
    for i, (label, values) in enumerate(accuracies.items()):
        ax.plot(
            list(distances),
            list(values),
            "o-",
            label=label,
            lw=2,
            color=COLORS[_CYCLE[i % len(_CYCLE)]],
        )
    ax.axhline(chance, color=COLORS["neutro"], ls="--", lw=1, label="acaso")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("distância T entre o sinal e a resposta")
    ax.set_ylabel("acerto no teste")
    ax.legend(frameon=False)
    return fig
