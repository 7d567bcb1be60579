"""As células de ``recorrente.cells`` contra as do PyTorch, peso por peso."""

import pytest
import torch
from torch import nn

from recorrente.cells import GRUCell, LSTMCell, RNNCell

SIZES = [(1, 1, 1), (3, 5, 2), (7, 16, 4)]  # (n_in, H, N)
DTYPES = [torch.float32, torch.float64]
PAIRS = [
    (RNNCell, nn.RNNCell, nn.RNN),
    (LSTMCell, nn.LSTMCell, nn.LSTM),
    (GRUCell, nn.GRUCell, nn.GRU),
]


def _copy_from_torch_cell(cell, torch_cell):
    """nn.*Cell guarda weight_ih sem sufixo; copiamos com a mesma transposição."""
    with torch.no_grad():
        cell.W_xh.copy_(torch_cell.weight_ih.T)
        cell.W_hh.copy_(torch_cell.weight_hh.T)
        if torch_cell.bias:
            cell.b_xh.copy_(torch_cell.bias_ih)
            cell.b_hh.copy_(torch_cell.bias_hh)
    return cell


def _as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


@pytest.mark.parametrize("ours, torch_cell_cls, _", PAIRS)
@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bias", [True, False])
def test_one_step_matches_torch_cell(ours, torch_cell_cls, _, sizes, dtype, bias):
    torch.manual_seed(0)
    n_in, H, N = sizes
    ref = torch_cell_cls(n_in, H, bias=bias).to(dtype)
    cell = _copy_from_torch_cell(ours(n_in, H, bias=bias).to(dtype), ref)
    x = torch.randn(N, n_in, dtype=dtype)
    state = tuple(torch.randn(N, H, dtype=dtype) for _ in range(cell.num_states))
    expected = _as_tuple(ref(x, state if len(state) == 2 else state[0]))
    got = cell(x, state)
    for g, e in zip(got, expected, strict=True):
        torch.testing.assert_close(g, e)


@pytest.mark.parametrize("ours, _, torch_cls", PAIRS)
@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_unrolled_sequence_and_gradients_match_torch_module(ours, _, torch_cls, sizes, dtype):
    torch.manual_seed(1)
    n_in, H, N = sizes
    T = 6
    ref = torch_cls(n_in, H, batch_first=True).to(dtype)
    cell = ours(n_in, H).to(dtype).load_torch_weights(ref)
    x = torch.randn(N, T, n_in, dtype=dtype, requires_grad=True)
    out_ref, _ = ref(x)
    state = cell.initial_state(N, dtype=dtype)
    outs = []
    for t in range(T):
        state = cell(x[:, t], state)
        outs.append(state[0])
    out = torch.stack(outs, dim=1)
    torch.testing.assert_close(out, out_ref)

    weights = torch.randn_like(out)
    g_ours = torch.autograd.grad((out * weights).sum(), [x, cell.W_hh, cell.W_xh])
    g_ref = torch.autograd.grad((out_ref * weights).sum(), [x, ref.weight_hh_l0, ref.weight_ih_l0])
    torch.testing.assert_close(g_ours[0], g_ref[0])
    torch.testing.assert_close(g_ours[1], g_ref[1].T)
    torch.testing.assert_close(g_ours[2], g_ref[2].T)


def test_load_weights_from_second_layer_and_reverse_direction():
    torch.manual_seed(2)
    lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    cell = LSTMCell(8, 4).load_torch_weights(lstm, layer=1, reverse=True)
    torch.testing.assert_close(cell.W_hh, lstm.weight_hh_l1_reverse.T)
    torch.testing.assert_close(cell.b_xh, lstm.bias_ih_l1_reverse)


def test_load_weights_rejects_wrong_module_and_sizes():
    with pytest.raises(ValueError, match="nn.LSTM"):
        LSTMCell(2, 3).load_torch_weights(nn.GRU(2, 3))
    with pytest.raises(ValueError, match="Tamanhos"):
        GRUCell(2, 3).load_torch_weights(nn.GRU(2, 4))


def test_gate_values_are_consistent_with_forward():
    torch.manual_seed(3)
    lstm = LSTMCell(2, 5)
    x, state = torch.randn(4, 2), lstm.initial_state(4)
    v = lstm.gate_values(x, state)
    for name in "ifo":
        assert ((v[name] > 0) & (v[name] < 1)).all()
    torch.testing.assert_close(v["c"], v["i"] * v["g"])  # c_0 = 0
    torch.testing.assert_close(v["h"], v["o"] * torch.tanh(v["c"]))
    gru = GRUCell(2, 5)
    g = gru.gate_values(x, gru.initial_state(4))
    torch.testing.assert_close(g["h"], (1 - g["z"]) * g["n"])  # h_0 = 0


@pytest.mark.parametrize("ours, gates", [(RNNCell, 1), (LSTMCell, 4), (GRUCell, 3)])
def test_parameter_count_is_gates_times_rnn(ours, gates):
    n_in, H = 5, 7
    n = sum(p.numel() for p in ours(n_in, H).parameters())
    assert n == gates * (n_in * H + H * H + 2 * H)


@pytest.mark.parametrize("ours, _, torch_cls", PAIRS)
def test_torch_stores_transposed_weights(ours, _, torch_cls):
    """O PyTorch guarda ``weight_ih_l0`` como (blocos·H, I); a célula, W_xh como (I, blocos·H)."""
    n_in, H = 3, 5
    gates = {RNNCell: 1, LSTMCell: 4, GRUCell: 3}[ours]
    module, cell = torch_cls(n_in, H), ours(n_in, H)
    assert module.weight_ih_l0.shape == (gates * H, n_in) == cell.W_xh.T.shape
    assert module.weight_hh_l0.shape == (gates * H, H) == cell.W_hh.T.shape
    assert module.bias_ih_l0.shape == module.bias_hh_l0.shape == cell.b_xh.shape == (gates * H,)


def test_add_forget_bias_moves_only_the_f_block_in_every_layer_and_direction():
    from recorrente.cells import add_forget_bias

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True, proj_size=2)
    before = {n: p.clone() for n, p in lstm.named_parameters()}
    add_forget_bias(lstm, 3.0)
    for name, param in lstm.named_parameters():
        change = param - before[name]
        if name.startswith("bias_hh"):
            torch.testing.assert_close(change[5:10], torch.full((5,), 3.0))
            assert change[:5].abs().max() < 1e-6 and change[10:].abs().max() < 1e-6
        else:
            assert torch.equal(change, torch.zeros_like(change)), name
    # a célula do pacote: a mesma soma no b_hh, e f começa perto de sigmoide(3)
    cell = LSTMCell(3, 5)
    with torch.no_grad():
        for p in cell.parameters():
            p.zero_()
    add_forget_bias(cell, 3.0)
    f = cell.gate_values(torch.zeros(1, 3), cell.initial_state(1))["f"]
    torch.testing.assert_close(f, torch.full((1, 5), torch.sigmoid(torch.tensor(3.0)).item()))
    with pytest.raises(ValueError, match="LSTM com vieses"):
        add_forget_bias(torch.nn.GRU(3, 5), 3.0)
