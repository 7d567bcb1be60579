"""O *backward* dos laços no tempo cresce linearmente com ``T`` (passos com ``unbind``).

Indexar ``x[t]`` (ou ``x[:, t]``) dentro do laço faz o *backward* de cada passo escrever um
gradiente do tamanho de ``x`` inteiro: o custo vai com ``T²``. Com 4 vezes mais passos, um
laço linear leva cerca de 4 vezes mais tempo, e um quadrático até 16. Para o teste não
depender de uma máquina ocupada, cada tempo é o menor de várias repetições (o ruído só
aumenta um tempo, nunca o diminui) e o limite, 8, fica no meio do caminho entre os dois.
"""

from __future__ import annotations

import time

import pytest
import torch

from recorrente.cells import RNNCell
from recorrente.gradients import unroll_states
from recorrente.recurrent import Recurrent

SHORT, LONG = 64, 256
BATCH, FEATURES, HIDDEN = 32, 512, 16  # x largo: a cópia de um x[t] no backward pesaria


def _seconds_with_backward(loop, steps: int, repeats: int = 5) -> float:
    """Ida e volta do laço em ``steps`` passos (a ida é linear; o que pode crescer é a volta)."""
    best = float("inf")
    for _ in range(repeats):
        x = torch.randn(steps, BATCH, FEATURES, requires_grad=True)
        start = time.perf_counter()
        loop(x).sum().backward()
        best = min(best, time.perf_counter() - start)
    return best


def _ratio(loop, repeats: int = 5) -> float:
    _seconds_with_backward(loop, SHORT, repeats=1)  # aquece
    long = _seconds_with_backward(loop, LONG, repeats)
    return long / _seconds_with_backward(loop, SHORT, repeats)


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


torch.manual_seed(0)
NETWORK = Recurrent(RNNCell, FEATURES, HIDDEN)
CELL = RNNCell(FEATURES, HIDDEN)


def _recurrent(x):
    return NETWORK(x)[0]


def _unroll_states(x):  # (T, N, I) -> (N, T, I), o formato de unroll_states
    return unroll_states(CELL, x.transpose(0, 1))[-1][0]


def _indexing(x):  # o laço antigo, como referência do que o teste precisa distinguir
    state = CELL.initial_state(x.size(1))
    for t in range(x.size(0)):
        state = CELL(x[t], state)
    return state[0]


@pytest.mark.parametrize("loop", [_recurrent, _unroll_states], ids=["Recurrent", "unroll_states"])
def test_backward_is_linear_in_the_number_of_steps(loop):
    ratio = _ratio(loop)
    assert ratio < 8, f"T={LONG} levou {ratio:.1f}× o tempo de T={SHORT}; linear daria ~4"


def test_indexing_in_the_loop_is_what_the_limit_catches():
    """Sem este contraste, um limite folgado demais passaria com qualquer laço."""
    assert _ratio(_indexing, repeats=2) > max(8, 1.5 * _ratio(_unroll_states))
