"""No kernel: cada figura do matplotlib vira SVG com um texto alternativo em português."""

from IPython import get_ipython
from matplotlib.figure import Figure as _Figure


def _description(fig):
    """O texto alternativo da figura: o título geral, ou os títulos dos painéis, ou os eixos."""
    titles = []
    if getattr(fig, "_suptitle", None) is not None and fig._suptitle.get_text().strip():
        titles.append(fig._suptitle.get_text().strip())
    else:
        titles = [ax.get_title().strip() for ax in fig.axes if ax.get_title().strip()]
    if not titles:
        axes = [
            f"{ax.get_ylabel().strip()} por {ax.get_xlabel().strip()}"
            for ax in fig.axes
            if ax.get_xlabel().strip() and ax.get_ylabel().strip()
        ]
        titles = [f"Gráfico de {a}" for a in axes]
    return "; ".join(titles)


def _svg_with_description(fig):
    if hasattr(fig, "_repr_svg_"):
        svg = fig._repr_svg_()
    else:
        from IPython.core.pylabtools import print_figure

        svg = print_figure(fig, "svg", bbox_inches="tight")
    return svg, {"alt": _description(fig)}


if __name__ == "__main__":
    formatters = get_ipython().display_formatter.formatters
    # Só o SVG: um PNG ao lado viraria uma segunda cópia da figura na página.
    formatters["image/png"].pop(_Figure, None)
    formatters["image/svg+xml"].for_type(_Figure, _svg_with_description)
