"""Figuras do capítulo de LSTM e GRU: portas ao longo do tempo e acerto contra a distância."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from recorrente.plotting.style import COLORS, new_figure

__all__ = ["GATE_TITLES", "plot_accuracy_vs_distance", "plot_gate_heatmaps"]

_CYCLE = ["principal", "destaque", "auxiliar", "neutro"]


GATE_TITLES: dict[str, str] = {
    "i": "porta de entrada $i_t$",
    "f": "porta de esquecimento $f_t$",
    "o": "porta de saída $o_t$",
    "g": "candidata $g_t$",
    "r": "porta de reinício $r_t$",
    "z": "porta de atualização $z_t$",
}
"""Título de cada porta nas figuras, a partir da letra das equações."""


def plot_gate_heatmaps(gates: Mapping[str, object], tokens: Sequence[str]) -> Figure:
    """Um mapa de calor por porta: unidades nas linhas, passos de tempo nas colunas.

    Parâmetros:
        gates: nome da porta → valores ``(T, H)`` entre 0 e 1 (tensor ou array); as
            letras das equações (``"f"``, ``"i"``, ...) viram os títulos de
            :data:`GATE_TITLES`, outro nome fica como está.
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
        ax.set_title(GATE_TITLES.get(name, name), loc="left", fontsize=10)
        ax.set_ylabel("unidade")
        ax.set_xticks(range(len(tokens)))
        ax.set_xticklabels(tokens, fontsize=7)
        ax.grid(False)
    axes[-1, 0].set_xlabel("passo de tempo (símbolo de entrada)")
    fig.colorbar(image, ax=list(axes[:, 0]), shrink=0.8, label="ativação da porta")
    return fig


def plot_accuracy_vs_distance(
    distances: Sequence[int],
    accuracies: Mapping[str, Sequence[float | Sequence[float]]],
    chance: float,
) -> Figure:
    """Acerto no teste contra a distância a lembrar: a média e a faixa das sementes, por rede.

    Cada rede é uma curva pela média das sementes em cada distância, com uma barra
    vertical do menor ao maior valor (a faixa das sementes). O eixo das distâncias é
    logarítmico (5, 10, 20, 40 ficam igualmente espaçados) e as curvas ficam um pouco
    deslocadas na horizontal, para que as barras de redes diferentes não se escondam.

    Parâmetros:
        distances: as distâncias testadas (eixo horizontal).
        accuracies: nome da rede → para cada distância, os acertos das sementes
            (ou um número só, quando houve uma semente).
        chance: o acerto do acaso, desenhado como linha tracejada.

    Retorna:
        A figura, com um painel; o eixo vertical diz quantas sementes entraram.

    Exemplo:
        >>> fig = plot_accuracy_vs_distance(
        ...     [5, 10], {"GRU": [[1.0, 1.0, 0.9], [0.5, 0.25, 1.0]]}, chance=0.25
        ... )
        >>> ax = fig.axes[0]
        >>> bool(ax.get_ylim()[1] >= 1.0), ax.get_ylabel()
        (True, 'acerto no teste (média e faixa de 3 sementes)')
    """
    fig, ax = new_figure(width=8.0, height=4.0)
    xs = np.asarray(distances, dtype=float)
    seeds = set()
    n = len(accuracies)
    for i, (label, per_distance) in enumerate(accuracies.items()):
        runs = [np.atleast_1d(np.asarray(v, dtype=float)) for v in per_distance]
        seeds.update(len(r) for r in runs)
        mean = np.array([r.mean() for r in runs])
        low = mean - np.array([r.min() for r in runs])
        high = np.array([r.max() for r in runs]) - mean
        ax.errorbar(
            xs * 1.035 ** (i - (n - 1) / 2),
            mean,
            yerr=[low, high],
            fmt="o-",
            label=label,
            lw=2,
            capsize=4,
            color=COLORS[_CYCLE[i % len(_CYCLE)]],
        )
    ax.axhline(chance, color="#212121", ls="--", lw=1, label="acaso")
    ax.set_ylim(0, 1.05)
    ax.set_xscale("log")
    ax.set_xticks(list(distances), [str(d) for d in distances])
    ax.minorticks_off()
    ax.set_xlabel("distância T entre o sinal e a resposta")
    count = seeds.pop() if len(seeds) == 1 else None
    if count is None or count > 1:
        how_many = f"de {count} sementes" if count else "das sementes"
        ax.set_ylabel(f"acerto no teste (média e faixa {how_many})")
    else:
        ax.set_ylabel("acerto no teste")
    ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return fig
