"""O ``Recurrent`` (célula desdobrada no tempo) e as células comparados com o ``torch.nn``.

Compara saídas, estados finais e gradientes (da entrada e de cada peso) com
``torch.testing.assert_close``.
"""

from __future__ import annotations

import itertools

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from recorrente.cells import GRUCell, LSTMCell, RNNCell
from recorrente.errors import InputError
from recorrente.recurrent import Recurrent, final_states_in_output, split_states

I, H, T, N = 3, 4, 5, 3  # noqa: E741 (os nomes das formas no texto)
KINDS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]


def make_torch(kind: str, **kwargs) -> nn.RNNBase:
    if kind.startswith("rnn"):
        return nn.RNN(I, H, nonlinearity=kind.split("_")[1], **kwargs)
    return {"lstm": nn.LSTM, "gru": nn.GRU}[kind](I, H, **kwargs)


def grad_pairs(module: nn.RNNBase, mine: Recurrent):
    """Pares (gradiente do PyTorch, gradiente da célula), já na mesma orientação."""
    for layer in range(mine.num_layers):
        for direction in range(mine.num_directions):
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            cell = mine.cell(layer, direction)
            yield getattr(module, "weight_ih" + suffix).grad, cell.W_xh.grad.T
            yield getattr(module, "weight_hh" + suffix).grad, cell.W_hh.grad.T
            if module.bias:
                yield getattr(module, "bias_ih" + suffix).grad, cell.b_xh.grad
                yield getattr(module, "bias_hh" + suffix).grad, cell.b_hh.grad


def random_state(kind: str, shape, dtype):
    h = torch.randn(shape, dtype=dtype)
    if kind == "lstm":
        return h, torch.randn(shape, dtype=dtype)
    return h


def clone_state(state):
    if isinstance(state, tuple):
        return tuple(s.clone().requires_grad_() for s in state)
    return state.clone().requires_grad_()


def total(result) -> torch.Tensor:
    """Uma perda escalar que depende da saída e de todo o estado final."""
    output, state = result
    states = state if isinstance(state, tuple) else (state,)
    weights = [torch.linspace(-1, 1, s.numel(), dtype=s.dtype).view_as(s) for s in states]
    return (output**2).sum() + sum((s * w).sum() for s, w in zip(states, weights, strict=True))


def compare(kind, module, mine, x, state=None, lengths=None):
    """Roda os dois, compara saída, estado final e gradientes."""
    x_ref = x.clone().requires_grad_()
    x_mine = x.clone().requires_grad_()
    s_ref = None if state is None else clone_state(state)
    s_mine = None if state is None else clone_state(state)
    if lengths is None:
        ref = module(x_ref, s_ref)
    else:
        packed = pack_padded_sequence(
            x_ref, lengths, batch_first=module.batch_first, enforce_sorted=False
        )
        out, st = module(packed, s_ref)
        out, _ = pad_packed_sequence(out, batch_first=module.batch_first, total_length=T)
        ref = (out, st)
    got = mine(x_mine, s_mine, lengths=lengths)
    torch.testing.assert_close(got[0], ref[0])
    if kind == "lstm":
        torch.testing.assert_close(got[1][0], ref[1][0])
        torch.testing.assert_close(got[1][1], ref[1][1])
    else:
        torch.testing.assert_close(got[1], ref[1])
    total(ref).backward()
    total(got).backward()
    torch.testing.assert_close(x_mine.grad, x_ref.grad)
    for expected, actual in grad_pairs(module, mine):
        torch.testing.assert_close(actual, expected)
    if state is not None:
        for a, b in zip(
            s_mine if isinstance(s_mine, tuple) else (s_mine,),
            s_ref if isinstance(s_ref, tuple) else (s_ref,),
            strict=True,
        ):
            torch.testing.assert_close(a.grad, b.grad)


# A grade: todas as formas de rede para cada tipo; bias=False e float64 se alternam entre as
# combinações, de modo que cada um apareça com todos os tipos sem multiplicar o tempo.
GRID = [
    pytest.param(
        kind,
        layers,
        bidir,
        batch_first,
        not (layers == 2 or (layers == 1 and bidir)),
        torch.float64 if (layers + batch_first) % 2 == 0 else torch.float32,
        id=f"{kind}-L{layers}-{'bi' if bidir else 'uni'}-{'bf' if batch_first else 'tf'}",
    )
    for kind, layers, bidir, batch_first in itertools.product(
        KINDS, (1, 2, 3), (False, True), (False, True)
    )
]


@pytest.mark.parametrize("kind, layers, bidir, batch_first, bias, dtype", GRID)
def test_grid_matches_torch(kind, layers, bidir, batch_first, bias, dtype):
    torch.manual_seed(layers * 10 + bidir)
    module = make_torch(
        kind,
        num_layers=layers,
        bidirectional=bidir,
        batch_first=batch_first,
        bias=bias,
        dtype=dtype,
    )
    mine = Recurrent.from_torch(module)
    x = torch.randn((N, T, I) if batch_first else (T, N, I), dtype=dtype)
    compare(kind, module, mine, x)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bidir", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_initial_state_and_lengths(kind, bidir, batch_first):
    torch.manual_seed(7)
    module = make_torch(
        kind, num_layers=2, bidirectional=bidir, batch_first=batch_first, dtype=torch.float64
    )
    mine = Recurrent.from_torch(module)
    x = torch.randn((N, T, I) if batch_first else (T, N, I), dtype=torch.float64)
    state = random_state(kind, (2 * (2 if bidir else 1), N, H), torch.float64)
    compare(kind, module, mine, x, state=state)
    lengths = torch.tensor([2, T, 1])  # fora de ordem: enforce_sorted=False
    compare(kind, module, mine, x, lengths=lengths)
    compare(kind, module, mine, x, state=state, lengths=lengths)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("with_state", [False, True])
def test_unbatched_input(kind, with_state):
    torch.manual_seed(3)
    module = make_torch(kind, num_layers=2, bidirectional=True)
    mine = Recurrent.from_torch(module)
    x = torch.randn(T, I)
    state = random_state(kind, (4, H), torch.float32) if with_state else None
    compare(kind, module, mine, x, state=state)


def test_padded_output_is_zero_and_state_stops_at_length():
    torch.manual_seed(1)
    module = nn.GRU(I, H, batch_first=True, bidirectional=True)
    mine = Recurrent.from_torch(module)
    x = torch.randn(2, T, I)
    out, h_n = mine(x, lengths=[2, T])
    assert torch.all(out[0, 2:] == 0)
    alone, h_alone = mine(x[:1, :2])
    torch.testing.assert_close(out[0, :2], alone[0])
    torch.testing.assert_close(h_n[:, :1], h_alone)


def test_dropout_between_layers():
    torch.manual_seed(0)
    module = nn.LSTM(I, H, num_layers=2, dropout=0.5)
    mine = Recurrent.from_torch(module)
    x = torch.randn(T, N, I)
    module.eval()
    mine.eval()
    torch.testing.assert_close(mine(x)[0], module(x)[0])
    mine.train()
    first, second = mine(x)[0], mine(x)[0]
    assert not torch.equal(first, second)  # máscaras sorteadas a cada chamada


def test_bad_inputs_have_portuguese_messages():
    mine = Recurrent(LSTMCell, I, H)
    with pytest.raises(InputError, match="características"):
        mine(torch.randn(T, N, I + 1))
    with pytest.raises(InputError, match=r"\(h_0, c_0\)"):
        mine(torch.randn(T, N, I), torch.zeros(1, N, H))
    with pytest.raises(InputError, match="lote primeiro"):
        mine(torch.randn(T, N, I), (torch.zeros(N, 1, H), torch.zeros(N, 1, H)))
    with pytest.raises(InputError, match="entre 1 e T"):
        mine(torch.randn(T, N, I), lengths=[0, 1, 2])
    with pytest.raises(ValueError, match="proj_size"):
        Recurrent.from_torch(nn.LSTM(I, H, proj_size=2))
    with pytest.raises(InputError, match="nn.RNN, nn.LSTM ou nn.GRU"):
        Recurrent.from_torch(nn.Linear(2, 2))


# As células sozinhas contra nn.RNNCell, nn.LSTMCell e nn.GRUCell.
CELLS = {
    "rnn_tanh": (lambda i, h, b: RNNCell(i, h, b), lambda i, h, b: nn.RNNCell(i, h, b)),
    "rnn_relu": (
        lambda i, h, b: RNNCell(i, h, b, nonlinearity="relu"),
        lambda i, h, b: nn.RNNCell(i, h, b, nonlinearity="relu"),
    ),
    "lstm": (LSTMCell, nn.LSTMCell),
    "gru": (GRUCell, nn.GRUCell),
}


@pytest.mark.parametrize("kind", list(CELLS))
@pytest.mark.parametrize("sizes", [(1, 1, 1), (3, 5, 1), (7, 2, 4), (16, 32, 8)])
@pytest.mark.parametrize("bias", [True, False])
def test_cells_match_torch_cells(kind, sizes, bias):
    in_size, hidden, batch = sizes
    torch.manual_seed(in_size + hidden)
    make_mine, make_ref = CELLS[kind]
    ref = make_ref(in_size, hidden, bias)
    mine = make_mine(in_size, hidden, bias)
    with torch.no_grad():
        mine.W_xh.copy_(ref.weight_ih.T)
        mine.W_hh.copy_(ref.weight_hh.T)
        if bias:
            mine.b_xh.copy_(ref.bias_ih)
            mine.b_hh.copy_(ref.bias_hh)
    x = torch.randn(batch, in_size)
    state = tuple(torch.randn(batch, hidden) for _ in range(mine.num_states))
    got = mine(x, state)
    expected = ref(x, state if kind == "lstm" else state[0])
    expected = expected if kind == "lstm" else (expected,)
    for a, b in zip(got, expected, strict=True):
        torch.testing.assert_close(a, b)
    sum(g.sum() for g in got).backward()
    sum(e.sum() for e in expected).backward()
    torch.testing.assert_close(mine.W_xh.grad.T, ref.weight_ih.grad)
    torch.testing.assert_close(mine.W_hh.grad.T, ref.weight_hh.grad)
    if bias:
        torch.testing.assert_close(mine.b_xh.grad, ref.bias_ih.grad)
        torch.testing.assert_close(mine.b_hh.grad, ref.bias_hh.grad)


# Os números e as afirmações do capítulo 2 (o nn.RNN por dentro).


def test_chapter2_seed_example_by_formula_and_unroller():
    torch.manual_seed(42)
    rnn = nn.RNN(1, 1, 1)
    x = torch.tensor([[[0.5]]])
    output, h_n = rnn(x, torch.zeros(1, 1, 1))
    assert output.item() == h_n.item() == 0.788179874420166
    W_xh, W_hh = rnn.weight_ih_l0.T, rnn.weight_hh_l0.T
    h_1 = torch.tanh(x[0] @ W_xh + rnn.bias_ih_l0 + torch.zeros(1, 1) @ W_hh + rnn.bias_hh_l0)
    assert h_1.item() == 0.788179874420166
    _, ours = Recurrent.from_torch(rnn)(x)
    assert ours.item() == pytest.approx(0.788179874420166, abs=1e-7)


@pytest.mark.parametrize(
    "I_, H_, L, D, beta", [(1, 1, 1, 1, 1), (3, 4, 2, 2, 1), (10, 32, 3, 1, 1), (10, 32, 3, 2, 0)]
)
def test_chapter2_parameter_count_formula(I_, H_, L, D, beta):
    expected = D * (
        (H_ * I_ + H_**2 + 2 * beta * H_) + (L - 1) * (H_ * D * H_ + H_**2 + 2 * beta * H_)
    )
    rnn = nn.RNN(I_, H_, num_layers=L, bidirectional=D == 2, bias=bool(beta))
    assert sum(p.numel() for p in rnn.parameters()) == expected
    assert sum(p.numel() for p in Recurrent.from_torch(rnn).parameters()) == expected


@pytest.mark.parametrize("cls, redundant", [(nn.RNN, True), (nn.GRU, False)])
def test_chapter2_two_biases(cls, redundant):
    torch.manual_seed(0)
    module = cls(I, H)
    merged = cls(I, H)
    merged.load_state_dict(module.state_dict())
    with torch.no_grad():
        merged.bias_ih_l0 += merged.bias_hh_l0
        merged.bias_hh_l0.zero_()
    x = torch.randn(T, N, I)
    same = torch.allclose(merged(x)[0], module(x)[0], atol=1e-6)
    assert same == redundant


def test_chapter2_h_n_layout_and_packing():
    torch.manual_seed(1)
    rnn = nn.RNN(I, H, 3, bidirectional=True)
    x = torch.randn(T, N, I)
    output, h_n = rnn(x)
    layers = h_n.view(3, 2, N, H)
    torch.testing.assert_close(layers[-1, 0], output[-1][..., :H])
    torch.testing.assert_close(layers[-1, 1], output[0][..., H:])

    rnn = nn.RNN(I, H, batch_first=True)
    lengths = torch.tensor([T, 2, 3])
    padded = torch.randn(N, T, I)
    for i, n in enumerate(lengths):
        padded[i, n:] = 0
    alone = torch.stack([rnn(padded[i : i + 1, :n])[1][0, 0] for i, n in enumerate(lengths)])
    _, h_padded = rnn(padded)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    _, h_packed = rnn(packed)
    assert not torch.allclose(h_padded[0, 1:], alone[1:])
    torch.testing.assert_close(h_packed[0], alone)


@pytest.mark.parametrize(
    ("kind", "layers", "bidir", "batch_first", "proj"),
    [
        (kind, layers, bidir, batch_first, proj)
        for kind in ("gru", "lstm", "rnn_tanh")
        for layers, bidir, batch_first in itertools.product((1, 2, 3), (False, True), (False, True))
        for proj in ((0, 2) if kind == "lstm" else (0,))
    ],
)
def test_split_states_names_each_layer_and_direction(kind, layers, bidir, batch_first, proj):
    torch.manual_seed(layers * 10 + bidir)
    extra = {"proj_size": proj} if proj else {}
    module = make_torch(
        kind, num_layers=layers, bidirectional=bidir, batch_first=batch_first, **extra
    )
    x = torch.randn((N, T, I) if batch_first else (T, N, I))
    with torch.no_grad():
        output, state = module(x)
    states = state if isinstance(state, tuple) else (state,)
    D = 2 if bidir else 1
    for s in states:  # h_n e, na LSTM, c_n
        named = split_states(s, layers, bidir)
        assert list(named) == [(layer, d) for layer in range(layers) for d in range(D)]
        torch.testing.assert_close(torch.stack(list(named.values())), s)
        torch.testing.assert_close(named[layers - 1, 0], s.view(layers, D, N, -1)[-1, 0])
    # A última camada aparece em output; a camada de baixo, só em h_n.
    ends = final_states_in_output(output, bidir, batch_first=batch_first)
    h_named = split_states(states[0], layers, bidir)
    assert sorted(ends) == list(range(D))
    for d in range(D):
        torch.testing.assert_close(ends[d], h_named[layers - 1, d], rtol=0, atol=0)


@pytest.mark.parametrize("kind", ["gru", "lstm"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_final_states_in_output_with_packed_lengths(kind, batch_first):
    torch.manual_seed(7)
    module = make_torch(kind, num_layers=2, bidirectional=True, batch_first=batch_first)
    lengths = torch.tensor([5, 2, 4])
    x = torch.randn((N, T, I) if batch_first else (T, N, I))
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
    with torch.no_grad():
        packed_out, state = module(packed)
    output, _ = pad_packed_sequence(packed_out, batch_first=batch_first)
    h_n = state[0] if kind == "lstm" else state
    named = split_states(h_n, 2, True)
    ends = final_states_in_output(output, True, batch_first=batch_first, lengths=lengths)
    torch.testing.assert_close(ends[0], named[1, 0], rtol=0, atol=0)
    torch.testing.assert_close(ends[1], named[1, 1], rtol=0, atol=0)
    # Sem lengths, output[-1] cai no preenchimento das sequências curtas.
    wrong = final_states_in_output(output, True, batch_first=batch_first)
    assert not torch.allclose(wrong[0][1], named[1, 0][1])


def test_split_states_unbatched_and_bad_shapes():
    module = nn.LSTM(I, H, num_layers=2, bidirectional=True)
    output, (h_n, c_n) = module(torch.randn(T, I))
    named = split_states(c_n, 2, True)
    assert named[1, 1].shape == (H,)
    ends = final_states_in_output(output, True)
    torch.testing.assert_close(ends[1], split_states(h_n, 2, True)[1, 1])
    with pytest.raises(InputError, match=r"L\*D = 2 × 1 = 2; recebi \(4, 4\)"):
        split_states(h_n, 2, False)
    with pytest.raises(InputError, match="divisível"):
        final_states_in_output(torch.zeros(T, N, 5), True)
    with pytest.raises(InputError, match="lengths"):
        final_states_in_output(torch.zeros(T, N, 4), False, lengths=[T + 1, 1, 1])
