"""Figuras do capítulo de extenso: curvas por atualização e mapas de atenção."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from recorrente.plotting.style import COLORS, new_figure

__all__ = ["attention_maps", "seed_curves"]

_PALETTE = [COLORS["principal"], COLORS["destaque"], COLORS["auxiliar"], COLORS["neutro"]]


def seed_curves(
    updates: Sequence[int],
    panels: Mapping[str, Mapping[str, Sequence[Sequence[float]]]],
    *,
    percent: Sequence[str] = (),
    title: str = "",
) -> Figure:
    """Uma métrica por painel ao longo das atualizações: a média das sementes e a faixa.

    Parâmetros:
        updates: as atualizações em que as métricas foram medidas.
        panels: título do painel → rótulo da curva → uma lista por semente, com um valor
            por atualização. A linha é a média; a faixa sombreada vai do mínimo ao máximo.
        percent: títulos dos painéis cujo eixo vertical é uma fração mostrada em %.
        title: título da figura (o texto alternativo).

    Retorna:
        A figura, com um painel por métrica.

    Exemplo:
        >>> fig = seed_curves([100, 200], {"acerto exato": {"com atenção (teste)":
        ...                                [[0.5, 0.9], [0.6, 0.95], [0.55, 0.97]]}},
        ...                   percent=["acerto exato"], title="Curvas")
        >>> fig.axes[0].get_xlabel(), fig.axes[0].lines[0].get_ydata().round(1).tolist()
        ('atualizações', [55.0, 94.0])
    """
    fig, axes = new_figure(1, len(panels), width=5.5 * len(panels), height=4.0, squeeze=False)
    for ax, (panel, curves) in zip(axes[0], panels.items(), strict=True):
        scale = 100.0 if panel in percent else 1.0
        for i, (label, runs) in enumerate(curves.items()):
            values = np.asarray(runs, dtype=float) * scale
            color = _PALETTE[(i // 2) % len(_PALETTE)]
            style = "--" if i % 2 else "-"
            ax.plot(updates, values.mean(axis=0), style, color=color, marker="o", ms=3,
                    label=label)
            ax.fill_between(updates, values.min(axis=0), values.max(axis=0), color=color,
                            alpha=0.15, lw=0)
        ax.set_xlabel("atualizações")
        ax.set_ylabel(f"{panel} (%)" if panel in percent else panel)
        ax.set_title(panel)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def attention_maps(
    examples: Sequence[tuple[str, Sequence[str], np.ndarray]],
    *,
    title: str = "Para onde a atenção olha: palavras escritas × caracteres lidos",
) -> Figure:
    """Mapas de calor dos pesos da atenção, um painel por exemplo.

    Parâmetros:
        examples: trincas ``(entrada, palavras, pesos)``: o texto lido (um caractere por
            coluna), as palavras escritas (uma por linha) e os pesos ``(palavras, caracteres)``.
        title: título da figura (o texto alternativo).

    Retorna:
        A figura; cada linha de cada painel soma 1.

    Exemplo:
        >>> w = np.array([[0.9, 0.1, 0.0, 0.0], [0.0, 0.0, 0.2, 0.8]])
        >>> fig = attention_maps([("1,05", ["um", "real"], w)])
        >>> fig.axes[0].get_xlabel(), [t.get_text() for t in fig.axes[0].get_yticklabels()]
        ('caracteres da entrada', ['um', 'real'])
    """
    heights = [max(2.0, 0.3 * len(words) + 1.2) for _, words, _ in examples]
    widths = [max(1.8, 0.25 * len(text) + 1.0) for text, _, _ in examples]
    fig, axes = new_figure(1, len(examples), width=sum(widths) + 0.8, height=max(heights),
                           squeeze=False, width_ratios=widths)
    image = None
    for ax, (text, words, weights) in zip(axes[0], examples, strict=True):
        weights = np.asarray(weights, dtype=float)[: len(words), : len(text)]
        image = ax.imshow(weights, cmap="Greens", vmin=0.0, vmax=1.0, aspect="auto")
        ax.set_xticks(range(len(text)), list(text), fontsize=9)
        ax.set_yticks(range(len(words)), list(words), fontsize=9)
        ax.grid(False)
        ax.set_xlabel("caracteres da entrada", fontsize=9)
        ax.set_title(f"R$ {text}", fontsize=10)
    axes[0][0].set_ylabel("palavras escritas")
    if image is not None:
        fig.colorbar(image, ax=list(axes[0]), shrink=0.6, label="peso da atenção", pad=0.01)
    fig.suptitle(title)
    return fig
