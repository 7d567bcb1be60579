"""Figuras do capítulo de nomes: curvas de aprendizado e distribuição de tamanhos."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from recorrente.plotting.style import COLORS, new_figure

__all__ = ["learning_curves", "length_distribution"]

_PALETTE = [COLORS["principal"], COLORS["destaque"], COLORS["auxiliar"], COLORS["neutro"]]


def learning_curves(
    histories: Mapping[str, object],
    reference: Mapping[str, float] | None = None,
    *,
    updates_per_epoch: int | None = None,
) -> Figure:
    """NLL de treino (tracejada) e de validação (cheia) ao longo do treino, um modelo por cor.

    Parâmetros:
        histories: nome do modelo → :class:`~recorrente.training.History`.
        reference: linhas horizontais de referência (por exemplo ``{"bigrama": 2.33}``);
            o rótulo é escrito como vier (formate os números com
            :func:`recorrente.formatting.num`).
        updates_per_epoch: se dado, o eixo horizontal conta atualizações (passos do
            otimizador) em vez de épocas: a época ``e`` termina na atualização
            ``e × updates_per_epoch``.

    Retorna:
        A figura, com um painel.

    Exemplo:
        >>> from recorrente.training import History
        >>> fig = learning_curves({"GRU": History([2.0, 1.9], [1.95, 1.88])}, {"bigrama": 2.3})
        >>> fig.axes[0].get_ylabel()
        'NLL (nats por caractere)'
        >>> fig = learning_curves({"GRU": History([2.0, 1.9], [1.95, 1.88])},
        ...                       updates_per_epoch=100)
        >>> fig.axes[0].get_xlabel(), fig.axes[0].lines[0].get_xdata().tolist()
        ('atualizações (passos do otimizador)', [100, 200])
    """
    fig, ax = new_figure()
    step = updates_per_epoch or 1
    for i, (name, history) in enumerate(histories.items()):
        color = _PALETTE[i % len(_PALETTE)]
        epochs = [step * e for e in range(1, len(history.train_loss) + 1)]
        ax.plot(epochs, history.train_loss, "--", color=color, alpha=0.7,
                label=f"{name} (treino)")
        if history.val_loss:
            ax.plot(epochs, history.val_loss, "o-", color=color, label=f"{name} (validação)")
    right = step * max((len(h.train_loss) for h in histories.values()), default=1)
    for j, (name, value) in enumerate((reference or {}).items()):
        ax.axhline(value, color=COLORS["neutro"], lw=1, ls=":" if j else "-.")
        ax.annotate(name, (right, value), xytext=(-2, 3), textcoords="offset points",
                    fontsize=9, ha="right")  # à direita, onde as curvas já desceram
    ax.set_xlabel("atualizações (passos do otimizador)" if updates_per_epoch else "época")
    ax.set_ylabel("NLL (nats por caractere)")
    ax.set_title("Curvas de aprendizado (tracejado: treino; cheio: validação)")
    ax.legend()
    return fig


def length_distribution(real: Sequence[str], generated: Mapping[str, Sequence[str]]) -> Figure:
    """Fração de nomes por tamanho: os reais contra os gerados em cada configuração.

    Parâmetros:
        real: os nomes reais (a curva de referência).
        generated: rótulo da configuração → nomes gerados com ela.

    Retorna:
        A figura, com um painel.

    Exemplo:
        >>> fig = length_distribution(["ana", "bia"], {"τ = 1": ["caio"]})
        >>> fig.axes[0].get_xlabel()
        'tamanho do nome (caracteres)'
    """
    fig, ax = new_figure()
    series = {"nomes reais": real, **generated}
    longest = max(len(s) for names in series.values() for s in names)
    xs = range(1, longest + 1)
    for i, (label, names) in enumerate(series.items()):
        counts = Counter(map(len, names))
        ys = [counts.get(x, 0) / len(names) for x in xs]
        style = {"lw": 3, "color": COLORS["neutro"]} if i == 0 else {
            "lw": 1.6, "color": _PALETTE[(i - 1) % len(_PALETTE)], "marker": "o", "ms": 3
        }
        ax.plot(xs, ys, label=label, **style)
    ax.set_xlabel("tamanho do nome (caracteres)")
    ax.set_ylabel("fração dos nomes")
    ax.set_title("Tamanho dos nomes: reais e gerados")
    ax.legend()
    return fig
