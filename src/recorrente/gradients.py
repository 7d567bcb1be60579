r"""Medidas da retropropagação ao longo do tempo (BPTT): quanto gradiente chega a cada passo.

Numa RNN simples, :math:`h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b)`, e a
regra da cadeia dá, para uma perda :math:`L` que depende só de :math:`h_T`,

$$
\frac{\partial L}{\partial h_{t-1}}
    = \frac{\partial L}{\partial h_t}\,\mathrm{diag}(1 - h_t^2)\,W_{hh}^\top ,
$$

com gradientes escritos como vetores-linha. :func:`rnn_bptt` faz exatamente essa
conta, passo a passo para trás; :func:`state_gradient_norms` mede o mesmo com o
autograd, para qualquer célula de :mod:`recorrente.cells`.

Exemplo:
    >>> import torch
    >>> from recorrente.cells import RNNCell
    >>> _ = torch.manual_seed(0)
    >>> cell = RNNCell(2, 4)
    >>> x = torch.randn(3, 10, 2)  # (N, T, I)
    >>> norms = state_gradient_norms(cell, x)
    >>> norms.shape, norms.dtype
    (torch.Size([10]), torch.float64)
    >>> norms_by_hand = torch.linalg.vector_norm(rnn_bptt(cell, x), dim=-1, dtype=torch.float64)
    >>> torch.testing.assert_close(norms_by_hand.mean(dim=0), norms)

As normas saem em ``float64``: um gradiente de elementos perto de ``1e-30`` cabe
folgado no ``float32``, mas a soma dos quadrados (``1e-60``) não, e
``g.norm()`` em ``float32`` daria zero.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from recorrente.cells import RecurrentCell, RNNCell, State

__all__ = [
    "decay_rate",
    "rnn_bptt",
    "set_spectral_radius",
    "spectral_radius",
    "state_gradient_norms",
    "unroll_states",
    "vector_norm",
]


def vector_norm(g: Tensor, dim: int = -1) -> Tensor:
    """Norma euclidiana ao longo de ``dim``, calculada em ``float64`` para não zerar.

    Em ``float32``, ``g.norm()`` soma os quadrados dos elementos: um elemento de
    1e-30 vira 1e-60, abaixo do menor ``float32`` (~1,4e-45), e a norma de um
    gradiente minúsculo, mas não nulo, sai 0. Em ``float64`` o menor número é
    ~5e-324 e esses quadrados cabem.

    Parâmetros:
        g: o tensor (um gradiente, por exemplo), de qualquer tipo real.
        dim: a dimensão somada.

    Retorna:
        As normas, em ``float64``.

    Exemplo:
        >>> g = torch.full((4,), 1e-30)  # cabe no float32 (o menor normal é ~1,2e-38)
        >>> float(g.norm())  # os quadrados, 1e-60, viram zero
        0.0
        >>> f"{float(vector_norm(g)):.3g}"  # √4 · 1e-30
        '2e-30'
    """
    return torch.linalg.vector_norm(g, dim=dim, dtype=torch.float64)


def unroll_states(cell: RecurrentCell, x: Tensor, state: State | None = None) -> list[State]:
    """Aplica a célula a ``x`` ``(N, T, I)`` passo a passo; devolve os ``T`` estados.

    Parâmetros:
        cell: qualquer célula de :mod:`recorrente.cells`.
        x: entrada com o lote primeiro, ``(N, T, I)``.
        state: estado inicial; ``None`` começa de zeros.

    Retorna:
        Uma lista com o estado depois de cada passo (cada um, uma tupla de tensores
            ``(N, H)``); os tensores continuam no grafo do autograd.

    Levanta:
        ValueError: se ``x`` não tem três dimensões.

    Exemplo:
        >>> from recorrente.cells import LSTMCell
        >>> states = unroll_states(LSTMCell(2, 3), torch.zeros(4, 6, 2))
        >>> len(states), [tuple(s.shape) for s in states[-1]]  # 6 passos de (h, c)
        (6, [(4, 3), (4, 3)])
    """
    if x.dim() != 3:
        raise ValueError(f"x deve ter forma (N, T, I); recebi {tuple(x.shape)}.")
    state = cell.initial_state(x.size(0), dtype=x.dtype) if state is None else state
    states = []
    for x_t in x.unbind(1):  # não x[:, t]: indexar no laço deixa o backward O(T²)
        state = cell(x_t, state)
        states.append(state)
    return states


def state_gradient_norms(cell: RecurrentCell, x: Tensor, index: int = 0) -> Tensor:
    r"""Norma de :math:`\partial L / \partial s_t` para cada passo ``t``, com :math:`L = \sum h_T`.

    ``s_t`` é o elemento ``index`` do estado (0: ``h_t``; 1: ``c_t`` da LSTM). A
    derivada é a total (por todos os caminhos até :math:`h_T`), calculada pelo
    autograd. Como os exemplos do lote são independentes, a norma é tomada por
    exemplo e depois se tira a média sobre o lote.

    A norma é calculada em ``float64`` (:func:`vector_norm`): em ``float32``, os
    quadrados de elementos abaixo de ~1e-23 ficam abaixo do menor número
    representável e viram zero, e a norma de um gradiente pequeno, mas não nulo,
    sairia 0.

    Parâmetros:
        cell: qualquer célula de :mod:`recorrente.cells`.
        x: entrada com o lote primeiro, ``(N, T, I)``.
        index: qual elemento do estado medir.

    Retorna:
        Um tensor ``(T,)`` em ``float64``; a posição ``t`` corresponde ao passo ``t + 1``.

    Levanta:
        ValueError: se a célula não tem o elemento ``index`` no estado.

    Exemplo:
        >>> from recorrente.cells import LSTMCell
        >>> _ = torch.manual_seed(0)
        >>> norms = state_gradient_norms(LSTMCell(2, 4), torch.randn(3, 5, 2))
        >>> norms.shape
        torch.Size([5])
        >>> round(float(norms[-1]), 4)  # no último passo, ∂L/∂h_T = 1 nas 4 unidades: √4
        2.0
    """
    if not 0 <= index < cell.num_states:
        raise ValueError(f"A célula tem {cell.num_states} estado(s); index={index} não existe.")
    with torch.enable_grad():
        states = unroll_states(cell, x)
        tracked = [s[index] for s in states]
        loss = states[-1][0].sum()
        grads = torch.autograd.grad(loss, tracked, allow_unused=True)
    out = [
        torch.zeros(x.size(0), dtype=torch.float64) if g is None else vector_norm(g.detach())
        for g in grads
    ]
    return torch.stack(out, dim=1).mean(dim=0)


@torch.no_grad()
def rnn_bptt(cell: RNNCell, x: Tensor) -> Tensor:
    r"""BPTT escrita à mão para uma :class:`~recorrente.cells.RNNCell` com ``tanh``.

    Começa em :math:`\partial L/\partial h_T = \mathbf{1}` (pois :math:`L = \sum h_T`)
    e aplica :math:`g_{t-1} = (g_t \odot (1 - h_t^2))\,W_{hh}^\top` até o primeiro passo.

    Parâmetros:
        cell: a célula da RNN simples (``nonlinearity="tanh"``).
        x: entrada com o lote primeiro, ``(N, T, I)``.

    Retorna:
        Os gradientes :math:`\partial L/\partial h_t`, forma ``(N, T, H)``.

    Levanta:
        ValueError: se a célula não é uma ``RNNCell`` com ``tanh``.

    Exemplo:
        >>> _ = torch.manual_seed(0)
        >>> cell = RNNCell(2, 4)
        >>> x = torch.randn(3, 6, 2)
        >>> grads = rnn_bptt(cell, x)
        >>> grads.shape
        torch.Size([3, 6, 4])
        >>> hs = [s[0] for s in unroll_states(cell, x)]  # a mesma conta pelo autograd
        >>> autograd = torch.autograd.grad(hs[-1].sum(), hs)
        >>> torch.testing.assert_close(grads, torch.stack(autograd, dim=1))
    """
    if not isinstance(cell, RNNCell) or cell.nonlinearity != "tanh":
        raise ValueError("rnn_bptt só vale para RNNCell com nonlinearity='tanh'.")
    hs = [s[0] for s in unroll_states(cell, x)]
    W_hh = cell.W_hh
    g = torch.ones_like(hs[-1])
    grads = [g]
    for t in range(len(hs) - 1, 0, -1):
        g = (g * (1 - hs[t] ** 2)) @ W_hh.T
        grads.append(g)
    return torch.stack(grads[::-1], dim=1)


def spectral_radius(W: Tensor) -> float:
    """Maior módulo dos autovalores de uma matriz quadrada.

    Parâmetros:
        W: a matriz, por exemplo ``cell.W_hh``.

    Retorna:
        O raio espectral, como ``float``.

    Exemplo:
        >>> spectral_radius(torch.tensor([[0.0, 2.0], [0.5, 0.0]]))  # autovalores ±1
        1.0
    """
    return float(torch.linalg.eigvals(W.detach().double()).abs().max())


@torch.no_grad()
def set_spectral_radius(cell: RNNCell, rho: float) -> RNNCell:
    """Reescala ``W_hh`` da célula para que seu raio espectral seja ``rho``.

    Parâmetros:
        cell: a célula, alterada no lugar.
        rho: o raio espectral desejado.

    Retorna:
        A própria célula, para encadear chamadas.

    Levanta:
        ValueError: se ``W_hh`` não é quadrada (células com portas).

    Exemplo:
        >>> cell = set_spectral_radius(RNNCell(3, 8), 1.5)
        >>> round(spectral_radius(cell.W_hh), 6)
        1.5
    """
    if cell.W_hh.shape[0] != cell.W_hh.shape[1]:
        raise ValueError("set_spectral_radius precisa de W_hh quadrada (uma RNNCell).")
    cell.W_hh.mul_(rho / spectral_radius(cell.W_hh))
    return cell


def decay_rate(norms: Tensor, start: int = 0, stop: int | None = None) -> float:
    r"""Fator médio por passo da norma do gradiente, indo do fim para o começo.

    Ajusta uma reta a :math:`\log \lVert g_t \rVert` contra ``t`` no intervalo
    ``[start, stop)`` e devolve :math:`e^{-\text{inclinação}}`: abaixo de 1, o
    gradiente encolhe a cada passo para trás; acima de 1, cresce.

    Parâmetros:
        norms: normas do gradiente por passo, como as de :func:`state_gradient_norms`.
        start: primeiro passo do intervalo do ajuste.
        stop: fim (exclusivo) do intervalo; ``None`` vai até o último passo.

    Retorna:
        O fator médio por passo.

    Exemplo:
        >>> round(decay_rate(torch.tensor([0.25, 0.5, 1.0])), 6)
        0.5
    """
    y = norms[start:stop].double().clamp_min(1e-300).log()
    t = torch.arange(len(y), dtype=torch.float64)
    slope = ((t - t.mean()) * (y - y.mean())).sum() / ((t - t.mean()) ** 2).sum()
    return math.exp(-float(slope))
