"""Figuras do capítulo 4: acerto contra a distância com a faixa das sementes, portas no tempo."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.collections import LineCollection

from recorrente.plotting.gates import plot_accuracy_vs_distance, plot_gate_heatmaps

DISTANCES = [5, 10, 20, 40]
SEEDS = {
    "RNN simples": [[1.0, 1.0, 1.0], [0.5, 1.0, 1.0], [0.24, 1.0, 1.0], [0.24, 0.27, 0.26]],
    "GRU": [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [0.26, 0.27, 1.0]],
}


def _texts(fig) -> list[str]:
    fig._repr_svg_()  # desenha a figura (e põe a vírgula nos eixos)
    ax = fig.axes[0]
    texts = [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
    texts += [t.get_text() for t in ax.get_legend().get_texts()]
    texts += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    return texts


def test_mean_line_and_seed_range():
    fig = plot_accuracy_vs_distance(DISTANCES, SEEDS, chance=0.25)
    ax = fig.axes[0]
    assert [c.get_label() for c in ax.containers] == list(SEEDS)
    for container, runs in zip(ax.containers, SEEDS.values(), strict=True):
        line, _, (bars,) = container.lines
        np.testing.assert_allclose(line.get_ydata(), [np.mean(r) for r in runs])
        assert isinstance(bars, LineCollection)  # uma barra vertical por distância
        spans = [(seg[:, 1].min(), seg[:, 1].max()) for seg in bars.get_segments()]
        np.testing.assert_allclose(spans, [(min(r), max(r)) for r in runs])


def test_labels_in_portuguese_with_decimal_comma():
    texts = _texts(plot_accuracy_vs_distance(DISTANCES, SEEDS, chance=0.25))
    assert "acerto no teste (média e faixa de 3 sementes)" in texts
    assert "acaso" in texts
    yticks = [t for t in texts if t and t[0].isdigit() and not t.isdigit()]
    assert yticks and all("," in t and "." not in t for t in yticks)
    words = set(" ".join(texts).lower().replace("(", " ").replace(")", " ").split())
    assert not words & {"accuracy", "distance", "chance", "seed", "seeds", "test", "mean"}


@pytest.mark.parametrize("values", [[1.0, 0.5, 0.25, 0.25], [[1.0], [0.5], [0.25], [0.25]]])
def test_one_seed_has_no_range(values):
    fig = plot_accuracy_vs_distance(DISTANCES, {"LSTM": values}, chance=0.25)
    assert fig.axes[0].get_ylabel() == "acerto no teste"


def test_gate_heatmaps_one_panel_per_gate():
    fig = plot_gate_heatmaps({"f": np.ones((3, 4)), "i": np.zeros((3, 4))}, ["s0", "d1", "d2"])
    assert len(fig.axes) == 3  # dois painéis e a barra de cores
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["s0", "d1", "d2"]
