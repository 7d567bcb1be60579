"""Duas ajudas para qualquer ``nn.Module``: avaliar sem perder o modo e contar parâmetros.

Exemplo:
    >>> from torch import nn
    >>> model = nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.5))
    >>> with evaluating(model):
    ...     model.training
    False
    >>> model.training, count_parameters(model)  # o modo de treino voltou; 3 × 2 + 2
    (True, 8)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

__all__ = ["count_parameters", "evaluating"]


@contextmanager
def evaluating(model: nn.Module) -> Iterator[nn.Module]:
    """Põe o modelo em modo de avaliação, sem gradientes, e devolve o modo de antes na saída.

    O modo volta mesmo que o bloco levante um erro: quem chamou com o modelo em treino
    continua treinando.

    Parâmetros:
        model: o modelo.

    Retorna:
        Um gerenciador de contexto que entrega o próprio modelo.

    Exemplo:
        >>> from torch import nn
        >>> model = nn.Linear(2, 1).eval()
        >>> with evaluating(model) as m:
        ...     m(torch.zeros(1, 2)).requires_grad
        False
        >>> model.training  # estava em avaliação e continua
        False
    """
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        model.train(was_training)


def count_parameters(model: nn.Module) -> int:
    """Número de parâmetros treináveis (os que têm ``requires_grad``).

    Parâmetros:
        model: o modelo.

    Retorna:
        A soma de ``numel()`` dos parâmetros treináveis.

    Exemplo:
        >>> from torch import nn
        >>> count_parameters(nn.RNN(3, 4))  # W_ih 4 × 3, W_hh 4 × 4 e os dois vieses de 4
        36
    """
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
