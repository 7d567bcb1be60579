"""Os números do capítulo 1 (recorrência à mão) e a célula da RNN simples comparada com o nn.RNN."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from recorrente import RNNCell


def _by_hand():
    torch.manual_seed(0)
    x_seq = [torch.randn(2) for _ in range(3)]
    W_xh, W_hh = torch.randn(2, 3), torch.randn(3, 3)
    h, states = torch.zeros(3), []
    for x_t in x_seq:
        h = torch.tanh(x_t @ W_xh + h @ W_hh)
        states.append(h)
    return x_seq, W_xh, W_hh, states


def test_seed_hidden_states_to_four_decimals() -> None:
    _, _, _, states = _by_hand()
    expected = [[0.6291, 0.8989, -0.8216], [-0.6662, -0.6302, 0.7730], [-0.0694, -0.9242, 0.8592]]
    for h, e in zip(states, expected, strict=True):
        assert [round(v, 4) for v in h.tolist()] == pytest.approx(e, abs=1e-12)


def test_rnn_with_copied_weights_matches_hand_computation() -> None:
    x_seq, W_xh, W_hh, states = _by_hand()
    rnn = nn.RNN(2, 3, batch_first=True)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(W_xh.T)
        rnn.weight_hh_l0.copy_(W_hh.T)
        rnn.bias_ih_l0.zero_()
        rnn.bias_hh_l0.zero_()
    out, h_n = rnn(torch.stack(x_seq).unsqueeze(0))
    torch.testing.assert_close(out[0], torch.stack(states))
    torch.testing.assert_close(h_n[0, 0], states[-1])


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize(("input_size", "hidden_size", "batch"), [(1, 1, 1), (2, 3, 4), (7, 16, 5)])
def test_rnn_cell_matches_nn_rnn(input_size, hidden_size, batch, bias, nonlinearity) -> None:
    torch.manual_seed(input_size * 100 + hidden_size)
    rnn = nn.RNN(input_size, hidden_size, bias=bias, nonlinearity=nonlinearity)
    cell = RNNCell(input_size, hidden_size, bias=bias, nonlinearity=nonlinearity)
    cell.load_torch_weights(rnn)
    x = torch.randn(6, batch, input_size)
    h0 = torch.randn(1, batch, hidden_size)
    out, h_n = rnn(x, h0)
    state = (h0[0],)
    for t in range(6):
        state = cell(x[t], state)
        torch.testing.assert_close(state[0], out[t])
    torch.testing.assert_close(state[0], h_n[0])
    # sem lote: o nn.RNN aceita (T, I) e devolve h_n com forma (1, H)
    out_1, h_1 = rnn(x[:, 0])
    state = cell.initial_state(1)
    for t in range(6):
        state = cell(x[t, :1], state)
    torch.testing.assert_close(state[0][0], h_1[0])


def test_load_weights_rejects_mismatches() -> None:
    with pytest.raises(ValueError, match="só copia pesos de nn.RNN"):
        RNNCell(2, 3).load_torch_weights(nn.GRU(2, 3))
    with pytest.raises(ValueError, match="Tamanhos diferentes"):
        RNNCell(2, 4).load_torch_weights(nn.RNN(2, 3))
    with pytest.raises(ValueError, match="relu"):
        RNNCell(2, 3).load_torch_weights(nn.RNN(2, 3, nonlinearity="relu"))
    with pytest.raises(ValueError, match="camada 1"):
        RNNCell(3, 3).load_torch_weights(nn.RNN(2, 3), layer=1)
