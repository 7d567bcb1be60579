"""No kernel: cada figura do matplotlib vira PNG com um texto alternativo em português."""

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


def _png_with_description(fig):
    if hasattr(fig, "_repr_png_"):
        png = fig._repr_png_()
    else:
        from IPython.core.pylabtools import print_figure

        png = print_figure(fig, "png", bbox_inches="tight")
    return png, {"alt": _description(fig)}


if __name__ == "__main__":
    get_ipython().display_formatter.formatters["image/png"].for_type(
        _Figure, _png_with_description
    )
