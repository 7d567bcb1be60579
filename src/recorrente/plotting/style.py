"""O estilo comum das figuras: cores, tamanho e grade.

As figuras são criadas com ``matplotlib.figure.Figure`` diretamente, sem o
estado global do ``pyplot``: nada fica aberto na memória, e num capítulo basta
terminar a célula com ``fig`` para que ela apareça uma única vez.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import ScalarFormatter

from recorrente.formatting import DecimalCommaFormatter

__all__ = ["COLORS", "MIN_FONT_PT", "BookFigure", "new_figure"]

MIN_FONT_PT = 10.0
"""A menor letra de uma figura, em pontos. No celular a figura aparece no tamanho natural
(1 pt = 4/3 px), então 10 pt dão 13,3 px, mais que a menor letra do texto do tema (12,8 px);
``tests/test_desempenho.py`` mede isso no Chromium."""

COLORS: dict[str, str] = {
    "principal": "#00897b",
    "destaque": "#e64a19",
    "neutro": "#546e7a",
    "auxiliar": "#5e35b1",
    "claro": "#b2dfdb",
}
"""Paleta do livro (o fundo da figura é transparente; no modo escuro o CSS põe um cartão
claro atenuado atrás dela, ``docs/assets/recorrente.css``)."""


class BookFigure(Figure):
    """Uma ``Figure`` que o Jupyter sabe mostrar sozinha (sem ``pyplot`` nem ``%matplotlib``).

    Aceita os mesmos argumentos de ``matplotlib.figure.Figure``; o que muda é o
    ``_repr_svg_``, que o Jupyter chama para desenhar a figura como SVG (nítida em qualquer
    tela, com fundo transparente e as letras como curvas, sem depender das fontes do leitor),
    e o ``draw``, que antes de desenhar põe vírgula decimal nos números de todo eixo linear
    (:class:`recorrente.formatting.DecimalCommaFormatter`), inclusive nos eixos e barras de
    cor criados depois de ``new_figure``, e leva todo texto menor que :data:`MIN_FONT_PT` a
    esse tamanho.

    Exemplo:
        >>> fig = BookFigure(figsize=(2, 1))
        >>> ax = fig.subplots()
        >>> _ = ax.set_title("pequeno", fontsize=6)
        >>> fig._repr_svg_()[:5], ax.title.get_fontsize()
        ('<?xml', 10.0)
    """

    def draw(self, renderer: Any) -> None:
        for ax in self.axes:
            for axis in (ax.xaxis, ax.yaxis):
                if type(axis.get_major_formatter()) is ScalarFormatter:
                    axis.set_major_formatter(DecimalCommaFormatter())
        for text in self.findobj(Text):
            if text.get_fontsize() < MIN_FONT_PT:
                text.set_fontsize(MIN_FONT_PT)
        super().draw(renderer)

    def _repr_svg_(self) -> str:
        buffer = io.StringIO()
        # Sem data e com ids fixos: a mesma figura dá o mesmo arquivo a cada build.
        with rc_context({"svg.fonttype": "path", "svg.hashsalt": "recorrente"}):
            self.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
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
        >>> fig._repr_svg_()[:5]  # o Jupyter mostra a figura como SVG
        '<?xml'
    """
    fig = BookFigure(figsize=(width, height), dpi=100, layout="constrained")
    axes = fig.subplots(nrows, ncols, **kwargs)
    for ax in fig.axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(True, alpha=0.3)
    return fig, axes
