"""Medidas de BPTT: formas, BPTT à mão contra o autograd, raio espectral e taxas."""

import math

import pytest
import torch

from recorrente.cells import GRUCell, LSTMCell, RNNCell
from recorrente.gradients import (
    decay_rate,
    rnn_bptt,
    set_spectral_radius,
    spectral_radius,
    state_gradient_norms,
    unroll_states,
    vector_norm,
)


@pytest.mark.parametrize("cell_cls", [RNNCell, LSTMCell, GRUCell])
def test_norms_have_one_value_per_step(cell_cls):
    torch.manual_seed(0)
    cell = cell_cls(3, 6)
    norms = state_gradient_norms(cell, torch.randn(4, 12, 3))
    assert norms.shape == (12,)
    assert (norms > 0).all()
    # L = soma de h_T, então dL/dh_T = 1 e sua norma é sqrt(H).
    torch.testing.assert_close(norms[-1], torch.tensor(math.sqrt(6), dtype=torch.float64))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_hand_written_bptt_matches_autograd(dtype):
    torch.manual_seed(1)
    cell = RNNCell(3, 5).to(dtype)
    x = torch.randn(2, 9, 3, dtype=dtype)
    hs = [s[0] for s in unroll_states(cell, x)]
    expected = torch.stack(torch.autograd.grad(hs[-1].sum(), hs), dim=1)
    torch.testing.assert_close(rnn_bptt(cell, x), expected)
    torch.testing.assert_close(
        state_gradient_norms(cell, x), expected.double().norm(dim=-1).mean(dim=0)
    )


def test_lstm_cell_state_gradients_match_autograd():
    torch.manual_seed(2)
    cell = LSTMCell(2, 4)
    x = torch.randn(3, 7, 2)
    states = unroll_states(cell, x)
    cs = [s[1] for s in states]
    expected = torch.stack(torch.autograd.grad(states[-1][0].sum(), cs), dim=1)
    torch.testing.assert_close(
        state_gradient_norms(cell, x, index=1), expected.double().norm(dim=-1).mean(0)
    )
    with pytest.raises(ValueError):
        state_gradient_norms(RNNCell(2, 4), x, index=1)


def test_tiny_gradient_has_nonzero_norm():
    # W_hh de raio 1e-10: o gradiente encolhe ~1e-10 por passo e, três passos para trás,
    # tem elementos perto de 1e-30. Eles cabem no float32, mas seus quadrados (1e-60) não:
    # uma norma calculada em float32 daria 0, um "desaparecimento" que é só arredondamento.
    torch.manual_seed(5)
    cell = set_spectral_radius(RNNCell(3, 4), 1e-10)
    x = torch.randn(2, 4, 3)
    hs = [s[0] for s in unroll_states(cell, x)]
    grad_h1 = torch.autograd.grad(hs[-1].sum(), hs[0])[0]
    assert 0 < grad_h1.abs().max() < 1e-25  # minúsculo, mas não zero, no próprio float32
    norms = state_gradient_norms(cell, x)
    assert norms[0] > 0
    torch.testing.assert_close(norms[0], grad_h1.double().norm(dim=-1).mean())
    assert float(vector_norm(torch.full((4,), 1e-30))) == pytest.approx(2e-30)


def test_spectral_radius_controls_vanishing_and_exploding():
    torch.manual_seed(3)
    x = torch.randn(8, 60, 4)
    rates = {}
    for rho in (0.5, 3.0):
        torch.manual_seed(4)
        cell = set_spectral_radius(RNNCell(4, 32), rho)
        assert spectral_radius(cell.W_hh) == pytest.approx(rho, rel=1e-5)
        rates[rho] = decay_rate(state_gradient_norms(cell, x), 30, 59)
    assert rates[0.5] < 0.7
    assert rates[3.0] > 1.0


def test_decay_rate_of_geometric_sequence():
    norms = 0.9 ** torch.arange(20, 0, -1, dtype=torch.float64)
    assert decay_rate(norms) == pytest.approx(0.9)


def test_unroll_states_rejects_wrong_shape():
    with pytest.raises(ValueError, match="forma"):
        unroll_states(RNNCell(2, 3), torch.zeros(4, 2))


def test_gradient_plot_keeps_tiny_norms_and_loss_panels_share_the_axis():
    from recorrente.plotting.gradients import plot_gradient_norms, plot_loss_panels

    torch.manual_seed(6)
    cell = set_spectral_radius(RNNCell(3, 8), 1e-10)
    norms = state_gradient_norms(cell, torch.randn(2, 5, 3))
    fig = plot_gradient_norms({"raio minúsculo": norms})
    drawn = fig.axes[0].get_lines()[0].get_ydata()
    assert (drawn > 0).all()  # nenhum ponto zerado some da escala logarítmica

    fig = plot_loss_panels({"a": [1.4, 0.5], "b": [1.4, 0.1]}, reference=(1.39, "acaso"))
    first, second = fig.axes
    assert first.get_shared_y_axes().joined(first, second)
    assert [t.get_text() for t in first.get_legend().get_texts()] == ["acaso"]
    assert second.get_legend() is None
