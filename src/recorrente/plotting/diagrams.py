"""Desenhos esquemáticos: a rede recorrente enrolada e desdobrada no tempo."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from recorrente.plotting.style import COLORS, new_figure

__all__ = ["unrolled_rnn"]


def _box(ax: Axes, x: float, y: float, text: str, color: str, w: float = 0.9) -> None:
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - 0.3),
            w,
            0.6,
            boxstyle="round,pad=0.05",
            facecolor=color,
            edgecolor=COLORS["neutro"],
            linewidth=1.2,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=12)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], **kwargs) -> None:
    style = {"arrowstyle": "-|>", "mutation_scale": 14, "color": COLORS["neutro"], "lw": 1.4}
    ax.add_patch(FancyArrowPatch(start, end, **(style | kwargs)))


def unrolled_rnn(steps: int = 4) -> Figure:
    """A mesma célula, à esquerda enrolada (com o laço) e à direita desdobrada em ``steps`` passos.

    Cada caixa do desdobramento é a mesma célula com os mesmos pesos ``W_xh``,
    ``W_hh``; só o estado ``h_t`` muda de um passo para o outro.

    Parâmetros:
        steps: quantos passos desenhar no desdobramento.

    Retorna:
        A figura, com um painel sem eixos.

    Levanta:
        ValueError: se ``steps`` é menor que 1.

    Exemplo:
        >>> fig = unrolled_rnn(3)
        >>> len(fig.axes), fig.axes[0].get_title().startswith("Uma RNN enrolada")
        (1, True)
    """
    if steps < 1:
        raise ValueError(f"steps precisa ser pelo menos 1; recebi {steps}.")
    fig, ax = new_figure(width=2.2 + 1.8 * steps, height=3.6)
    ax.set_axis_off()
    ax.grid(False)

    # À esquerda: a forma compacta, com o laço do estado.
    _box(ax, 0, 1.5, "$y_t$", "white", w=0.7)
    _box(ax, 0, 0, "célula", COLORS["claro"])
    _box(ax, 0, -1.5, "$x_t$", "white", w=0.7)
    _arrow(ax, (0, -1.2), (0, -0.35))
    _arrow(ax, (0, 0.35), (0, 1.2))
    _arrow(ax, (0.5, -0.12), (0.5, 0.12), connectionstyle="arc3,rad=2.5", color=COLORS["destaque"])
    ax.text(0.75, 0.42, "$h_{t-1}$", ha="left", fontsize=10, color=COLORS["destaque"])
    ax.text(1.45, 0, "=", ha="center", va="center", fontsize=22)

    # À direita: a mesma célula repetida no tempo.
    x0 = 2.6
    for t in range(1, steps + 1):
        x = x0 + 1.8 * (t - 1)
        _box(ax, x, 1.5, f"$y_{t}$", "white", w=0.7)
        _box(ax, x, 0, "célula", COLORS["claro"])
        _box(ax, x, -1.5, f"$x_{t}$", "white", w=0.7)
        _arrow(ax, (x, -1.2), (x, -0.35))
        _arrow(ax, (x, 0.35), (x, 1.2))
        source = x - 1.8 + 0.5 if t > 1 else x - 1.1
        label = f"$h_{t - 1}$"
        _arrow(ax, (source, 0), (x - 0.5, 0), color=COLORS["destaque"])
        ax.text(
            (source + x - 0.5) / 2, 0.12, label, ha="center", fontsize=10, color=COLORS["destaque"]
        )
    last = x0 + 1.8 * (steps - 1)
    _arrow(ax, (last + 0.5, 0), (last + 1.1, 0), color=COLORS["destaque"])
    ax.text(last + 0.85, 0.12, f"$h_{steps}$", ha="center", fontsize=10, color=COLORS["destaque"])
    ax.set_xlim(-0.8, last + 1.3)
    ax.set_ylim(-2.0, 2.0)
    ax.set_aspect("equal")
    ax.set_title(
        "Uma RNN enrolada (esquerda) e desdobrada no tempo (direita): os pesos são os mesmos"
    )
    return fig
