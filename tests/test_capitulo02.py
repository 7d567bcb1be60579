"""As afirmações do capítulo 2 (o nn.RNN por dentro), medidas em mais de uma configuração.

O capítulo mostra cada uma numa célula com uma semente; aqui elas valem para várias formas e
sementes, para que uma mudança do PyTorch (ou do texto) que as desfaça apareça nos testes.
"""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def _merge_biases(module: nn.RNNBase, positions: slice) -> nn.RNNBase:
    """Cópia de ``module`` com ``bias_hh`` somado a ``bias_ih`` (e zerado) nas ``positions``."""
    merged = type(module)(module.input_size, module.hidden_size).to(module.bias_ih_l0.dtype)
    merged.load_state_dict(module.state_dict())
    with torch.no_grad():
        merged.bias_ih_l0[positions] += merged.bias_hh_l0[positions]
        merged.bias_hh_l0[positions] = 0.0
    return merged


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("input_size", "hidden_size"), [(3, 4), (5, 8)])
def test_gru_biases_merge_only_in_the_r_and_z_blocks(seed, input_size, hidden_size) -> None:
    torch.manual_seed(seed)
    gru = nn.GRU(input_size, hidden_size).double()
    x = torch.randn(7, 3, input_size, dtype=torch.float64)
    H = hidden_size
    with torch.no_grad():
        reference = gru(x)[0]
        rz = _merge_biases(gru, slice(0, 2 * H))(x)[0]
        n = _merge_biases(gru, slice(2 * H, 3 * H))(x)[0]
    torch.testing.assert_close(rz, reference)  # b_xr, b_hr e b_xz, b_hz: só a soma conta
    assert (n - reference).abs().max() > 1e-3  # b_hn é multiplicado por r_t: não se junta


def test_rnn_biases_merge() -> None:
    torch.manual_seed(0)
    rnn = nn.RNN(3, 4).double()
    x = torch.randn(6, 2, 3, dtype=torch.float64)
    with torch.no_grad():
        torch.testing.assert_close(_merge_biases(rnn, slice(None))(x)[0], rnn(x)[0])


def _reverse_last_step_influence(num_layers: int, seed: int) -> list[float]:
    """Quanto ``output[-1][0, H:]`` muda quando se soma 1 a cada passo ``x_t``."""
    T, N, features, H = 5, 2, 3, 4
    torch.manual_seed(seed)
    rnn = nn.RNN(features, H, num_layers, bidirectional=True).double()
    x = torch.randn(T, N, features, dtype=torch.float64)
    changes = []
    with torch.no_grad():
        base = rnn(x)[0][-1, 0, H:]
        for t in range(T):
            changed = x.clone()
            changed[t, 0] += 1.0
            changes.append((rnn(changed)[0][-1, 0, H:] - base).abs().max().item())
    return changes


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_reverse_direction_at_last_step_sees_one_input_only_with_one_layer(seed) -> None:
    one = _reverse_last_step_influence(1, seed)
    assert max(one[:-1]) == 0.0 and one[-1] > 1e-3
    three = _reverse_last_step_influence(3, seed)
    assert min(three) > 1e-5  # empilhada, a última camada recebe a sequência toda de baixo


@pytest.mark.parametrize("seed", [2, 3, 4])
@pytest.mark.parametrize("cls", [nn.RNN, nn.GRU, nn.LSTM])
def test_trailing_padding_changes_only_the_reverse_direction(seed, cls) -> None:
    torch.manual_seed(seed)
    lengths = torch.tensor([5, 2, 3])
    padded = torch.zeros(3, 5, 2)
    for i, n in enumerate(lengths.tolist()):
        padded[i, :n] = torch.randn(n, 2)
    net = cls(2, 3, batch_first=True, bidirectional=True)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    with torch.no_grad():
        reference, _ = pad_packed_sequence(net(packed)[0], batch_first=True)
        unpacked = net(padded)[0]
    for i, n in enumerate(lengths.tolist()):
        gap = (unpacked[i, :n] - reference[i, :n]).abs()
        assert gap[:, :3].max() < 1e-6  # para a frente: o preenchimento vem depois
        if n < 5:
            assert gap[:, 3:].max() > 1e-3  # para trás: vem antes e contamina os passos reais
        else:
            assert gap[:, 3:].max() < 1e-6
