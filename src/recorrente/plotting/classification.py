"""Figuras do capítulo de classificação de nomes: o diagrama de confiabilidade."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from matplotlib.figure import Figure

from recorrente.plotting.style import COLORS, new_figure

__all__ = ["reliability_diagram"]

_PALETTE = [COLORS["neutro"], COLORS["principal"], COLORS["destaque"], COLORS["auxiliar"]]
_MARKERS = ["s", "o", "^", "D"]


def reliability_diagram(tables: Mapping[str, pd.DataFrame], *, title: str | None = None) -> Figure:
    """Diagrama de confiabilidade: a fração do censo em cada faixa de estimativa, um modelo por cor.

    No painel da esquerda, cada ponto é uma faixa de estimativas: no eixo horizontal, a
    estimativa média da faixa; no vertical, a fração feminina média do censo nos nomes
    da faixa. Um modelo calibrado fica sobre a diagonal. O painel da direita mostra
    quantos nomes caem em cada faixa (em escala logarítmica), porque as faixas vazias
    ou quase vazias pesam pouco no erro de calibração esperado.

    Parâmetros:
        tables: rótulo do modelo → a tabela de
            :func:`recorrente.classification.reliability_table`.
        title: o título da figura (e o texto alternativo); há um padrão em português.

    Retorna:
        A figura, com dois painéis.

    Exemplo:
        >>> from recorrente.classification import reliability_table
        >>> bins = reliability_table([0.1, 0.15, 0.9], [0.0, 0.5, 1.0], num_bins=2)
        >>> fig = reliability_diagram({"modelo": bins})
        >>> [ax.get_xlabel() for ax in fig.axes]
        ['fração feminina estimada (média da faixa)', 'faixa de estimativa']
    """
    fig, (ax, ax_count) = new_figure(1, 2, width=10.0, height=4.2, width_ratios=[1.15, 1])
    ax.plot([0, 1], [0, 1], ls="--", lw=1, color=COLORS["neutro"], label="calibração perfeita")
    width = 0.8 / max(len(tables), 1)
    for i, (label, bins) in enumerate(tables.items()):
        color, marker = _PALETTE[i % len(_PALETTE)], _MARKERS[i % len(_MARKERS)]
        ax.plot(
            bins["estimativa média"],
            bins["fração no censo"],
            marker=marker,
            color=color,
            label=label,
        )
        step = float((bins["até"] - bins["de"]).iloc[0]) if len(bins) else 0.1
        centers = bins["de"] + step * (0.1 + width * (i + 0.5))
        ax_count.bar(centers, bins["nomes"], width=step * width, color=color, label=label)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("fração feminina estimada (média da faixa)")
    ax.set_ylabel("fração feminina no censo (média da faixa)")
    ax.legend(loc="upper left", fontsize=9)
    ax_count.set_yscale("log")
    ax_count.set_xlim(0, 1)
    ax_count.set_xlabel("faixa de estimativa")
    ax_count.set_ylabel("nomes na faixa (escala log)")
    fig.suptitle(
        title or "Diagrama de confiabilidade: estimativa contra a fração do censo, por faixa"
    )
    return fig
