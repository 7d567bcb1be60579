"""Figuras do capítulo de treino: normas do gradiente no tempo e curvas de perda."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from recorrente.plotting.style import COLORS, new_figure

__all__ = ["plot_gradient_norms", "plot_loss_panels"]

_CYCLE = ["principal", "destaque", "auxiliar", "neutro"]


def plot_gradient_norms(
    curves: Mapping[str, Sequence[float]], *, title: str = "Gradiente que chega a cada passo"
) -> Figure:
    r"""Uma curva por rótulo: a norma de :math:`\partial L/\partial h_t` contra ``t`` (escala log).

    Parâmetros:
        curves: rótulo → norma do gradiente em cada passo (o passo 1 primeiro).
        title: título da figura.

    Retorna:
        A figura, com um painel.

    Exemplo:
        >>> fig = plot_gradient_norms({"tanh": [1e-3, 1e-2, 1.0], "relu": [1.0, 1.0, 1.0]})
        >>> ax = fig.axes[0]
        >>> ax.get_yscale(), [line.get_label() for line in ax.get_lines()]
        ('log', ['tanh', 'relu'])
    """
    fig, ax = new_figure()
    for i, (label, values) in enumerate(curves.items()):
        steps = range(1, len(values) + 1)
        color = COLORS[_CYCLE[i % len(_CYCLE)]]
        style = "-" if i < len(_CYCLE) else "--"  # depois de 4 cores, tracejado
        ax.plot(steps, list(values), style, label=label, color=color, lw=2)
    ax.set_yscale("log")
    ax.set_xlabel("passo t (a perda está no último passo)")
    ax.set_ylabel(r"$\|\partial L / \partial h_t\|$")
    ax.set_title(title)
    ax.legend(frameon=False)
    return fig


def plot_loss_panels(
    curves: Mapping[str, Sequence[float]],
    *,
    ylabel: str = "perda de treino",
    reference: tuple[float, str] | None = None,
) -> Figure:
    """Um painel por curva, lado a lado, cada um com a perda por atualização.

    Os painéis dividem o eixo vertical, para que as curvas se comparem à vista.
    Valores não finitos (``nan``, ``inf``) são marcados com um "x" no ponto onde
    aparecem pela primeira vez, porque o traço some ali.

    Parâmetros:
        curves: título do painel → perda de cada atualização.
        ylabel: rótulo do eixo vertical.
        reference: ``(valor, rótulo)`` de uma linha horizontal tracejada em todos os
            painéis, como a perda do acaso; o rótulo (com números já formatados por
            :func:`recorrente.formatting.num`) aparece na legenda do primeiro.

    Retorna:
        A figura, com um painel por curva.

    Exemplo:
        >>> fig = plot_loss_panels({"sem corte": [2.0, float("nan")], "com corte": [2.0, 1.0]},
        ...                        reference=(1.39, "acaso"))
        >>> [ax.get_title() for ax in fig.axes]
        ['sem corte', 'com corte']
        >>> fig.axes[0].get_legend().get_texts()[0].get_text()
        'acaso'
    """
    fig, axes = new_figure(
        1, len(curves), width=3.6 * len(curves), height=3.4, squeeze=False, sharey=True
    )
    for i, (ax, (label, values)) in enumerate(zip(axes[0], curves.items(), strict=True)):
        values = [float(v) for v in values]
        color = COLORS[_CYCLE[i % len(_CYCLE)]]
        ax.plot(range(1, len(values) + 1), values, color=color, lw=1.5)
        bad = next((k for k, v in enumerate(values) if v != v or abs(v) == float("inf")), None)
        if bad is not None:
            finite = [v for v in values[:bad] if v == v]
            y = max(finite) if finite else 0.0
            ax.plot([bad + 1], [y], "x", color=COLORS["destaque"], ms=12, mew=3)
            ax.annotate(
                "perda não finita", (bad + 1, y), textcoords="offset points", xytext=(-70, -18)
            )
        if reference is not None:
            ax.axhline(reference[0], color=COLORS["neutro"], ls="--", lw=1, label=reference[1])
        ax.set_title(label)
        ax.set_xlabel("atualização")
    axes[0, 0].set_ylabel(ylabel)
    if reference is not None:
        axes[0, 0].legend(frameon=False, loc="lower left")
    return fig
