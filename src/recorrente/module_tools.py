"""Ajudas para qualquer ``nn.Module``: avaliar sem perder o modo, contar parâmetros e o dispositivo.

:func:`resolve_device` é a única casa que traduz um nome de dispositivo (``"auto"``, ``"cpu"``,
``"cuda"``, ``"mps"``) num ``torch.device``; :func:`model_device` diz onde um modelo está, para
que quem roda o modelo crie os seus tensores no mesmo lugar.

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
from itertools import chain

import torch
from torch import nn

from recorrente.errors import InputError

__all__ = ["DEVICE_NAMES", "count_parameters", "evaluating", "model_device", "resolve_device"]

DEVICE_NAMES = ("auto", "cpu", "cuda", "mps")
"""Os nomes de dispositivo aceitos; ``"auto"`` escolhe CUDA, senão MPS, senão a CPU."""

_MISSING = {
    "cuda": "o PyTorch não encontra uma GPU CUDA (torch.cuda.is_available() é False)",
    "mps": "o PyTorch não encontra o MPS de um Mac com Apple Silicon "
           "(torch.backends.mps.is_available() é False)",
}


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


def _available(kind: str) -> bool:
    """Se o PyTorch desta máquina consegue usar um dispositivo do tipo ``kind``."""
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        mps = getattr(torch.backends, "mps", None)
        return mps is not None and mps.is_available()
    return kind == "cpu"


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """O ``torch.device`` de um nome: ``"auto"`` escolhe o melhor que a máquina tem.

    ``"auto"`` é CUDA se há uma GPU NVIDIA, senão MPS (Mac com Apple Silicon), senão a CPU.
    Um dispositivo pedido pelo nome que a máquina não tem é recusado com uma linha que diz
    o que fazer, antes de qualquer trabalho, em vez de um erro do torch no meio do treino.

    Parâmetros:
        device: ``"auto"``, ``"cpu"``, ``"cuda"`` (ou ``"cuda:1"``), ``"mps"`` ou um
            ``torch.device``.

    Retorna:
        O dispositivo.

    Levanta:
        InputError: nome desconhecido, ou um dispositivo que esta máquina não tem.

    Exemplo:
        >>> resolve_device("cpu")
        device(type='cpu')
        >>> resolve_device("auto").type in ("cuda", "mps", "cpu")
        True
        >>> resolve_device("tpu")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        recorrente.errors.InputError: Dispositivo desconhecido: 'tpu'; use auto, cpu, cuda ou mps.
    """
    if isinstance(device, str) and device.strip().lower() == "auto":
        return torch.device(next(k for k in ("cuda", "mps", "cpu") if _available(k)))
    try:
        chosen = device if isinstance(device, torch.device) else torch.device(device.strip())
    except (RuntimeError, AttributeError):
        chosen = None
    if chosen is None or chosen.type not in DEVICE_NAMES:
        raise InputError(f"Dispositivo desconhecido: {device!r}; use auto, cpu, cuda ou mps.")
    if not _available(chosen.type):
        raise InputError(f"O dispositivo {str(chosen)!r} não existe nesta máquina: "
                         f"{_MISSING[chosen.type]}; use 'cpu', ou 'auto' para usar uma GPU "
                         "só quando houver.")
    if chosen.type == "cuda" and chosen.index is not None \
            and chosen.index >= torch.cuda.device_count():
        raise InputError(f"O dispositivo {str(chosen)!r} não existe nesta máquina: há "
                         f"{torch.cuda.device_count()} GPU(s) CUDA; use 'cuda' ou 'auto'.")
    return chosen


def model_device(model: nn.Module) -> torch.device:
    """Onde estão os pesos do modelo (o do primeiro parâmetro ou *buffer*; CPU se não há).

    Quem roda um modelo cria as entradas aqui: ``torch.tensor(..., device=model_device(m))``.

    Exemplo:
        >>> from torch import nn
        >>> model_device(nn.Linear(2, 1)), model_device(nn.Identity())
        (device(type='cpu'), device(type='cpu'))
    """
    first = next(chain(model.parameters(), model.buffers()), None)
    return torch.device("cpu") if first is None else first.device
