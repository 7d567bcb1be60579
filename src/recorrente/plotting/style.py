"""O estilo comum das figuras: cores, tamanho e grade.

As figuras são criadas com ``matplotlib.figure.Figure`` diretamente, sem o
estado global do ``pyplot``: nada fica aberto na memória, e num capítulo basta
terminar a célula com ``fig`` para que ela apareça uma única vez.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from recorrente.formatting import DecimalCommaFormatter

__all__ = ["COLORS", "BookFigure", "new_figure"]

COLORS: dict[str, str] = {
    "principal": "#00897b",
    "destaque": "#e64a19",
    "neutro": "#546e7a",
    "auxiliar": "#5e35b1",
    "claro": "#b2dfdb",
}
"""Paleta do livro (legível em fundo claro; no modo escuro o CSS põe um cartão claro)."""


class BookFigure(Figure):
    """Uma ``Figure`` que o Jupyter sabe mostrar sozinha (sem ``pyplot`` nem ``%matplotlib``).

    Aceita os mesmos argumentos de ``matplotlib.figure.Figure``; o que muda é o
    ``_repr_png_``, que o Jupyter chama para desenhar a figura como PNG, com fundo
    branco, e o ``draw``, que antes de desenhar põe vírgula decimal nos números de
    todo eixo linear (:class:`recorrente.formatting.DecimalCommaFormatter`), inclusive
    nos eixos e barras de cor criados depois de ``new_figure``.

    Exemplo:
        >>> fig = BookFigure(figsize=(2, 1))
        >>> _ = fig.subplots()
        >>> fig._repr_png_()[:4]
        b'\\x89PNG'
    """

    def draw(self, renderer: Any) -> None:
        for ax in self.axes:
            for axis in (ax.xaxis, ax.yaxis):
                if type(axis.get_major_formatter()) is ScalarFormatter:
                    axis.set_major_formatter(DecimalCommaFormatter())
        super().draw(renderer)

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", facecolor="white")
        return buffer.getvalue()


def new_figure(
    nrows: int = 1, ncols: int = 1, *, width: float = 7.0, height: float = 4.0, **kwargs: Any
) -> tuple[Figure, Axes | np.ndarray]:
    """Cria uma figura no estilo do livro; ``kwargs`` vão para ``Figure.subplots``.

    Parâmetros:
        nrows: linhas de painéis.
        ncols: colunas de painéis.
        width: largura em polegadas.
        height: altura em polegadas.
        **kwargs: argumentos de ``Figure.subplots``, como ``squeeze=False`` ou
            ``width_ratios``.

    Retorna:
        fig: a figura, uma :class:`BookFigure`.
        axes: o painel, ou a matriz de painéis, como ``Figure.subplots`` devolve.

    Exemplo:
        >>> fig, ax = new_figure()
        >>> _ = ax.set_title("Perda por época")
        >>> fig.get_size_inches().tolist()
        [7.0, 4.0]
        >>> fig._repr_png_()[:4]  # o Jupyter mostra a figura como PNG
        b'\\x89PNG'
    """
    fig = BookFigure(figsize=(width, height), dpi=100, layout="constrained")
    axes = fig.subplots(nrows, ncols, **kwargs)
    for ax in fig.axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(True, alpha=0.3)
    return fig, axes
