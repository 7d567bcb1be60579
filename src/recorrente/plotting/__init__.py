"""As figuras do livro: um estilo só, rótulos em português.

Cada assunto tem seu módulo (``diagrams`` para os desenhos da rede desdobrada,
e um por capítulo para os gráficos de resultados); todos usam :func:`new_figure`
para ter o mesmo visual.
"""

from recorrente.plotting.style import COLORS, new_figure

__all__ = ["COLORS", "new_figure"]
