"""O que todo lote do livro compartilha: o alvo ignorado, a contagem de alvos e o sorteio.

- :data:`IGNORE_INDEX`: o alvo que a perda ignora (preenchimento, posições sem rótulo);
  todo conjunto de dados o usa para marcar o que não conta;
- :func:`count_targets`: quantos alvos valem numa perda média (o laço de treino pondera
  cada lote por ele);
- :class:`PermutationQueue`: a única fila de sorteio: uma permutação depois da outra,
  consumida em fatias, para que uma "época" possa ser menor que uma passada inteira
  sem repetir exemplos antes de esgotar a permutação;
- :class:`Batches`: lotes ``(x, y)`` de tensores prontos, embaralhados a cada época.

Exemplo:
    >>> queue = PermutationQueue(5, seed=0)
    >>> first, second = queue.take(3), queue.take(3)
    >>> sorted(first.tolist() + second.tolist()[:2])  # a 1ª permutação inteira
    [0, 1, 2, 3, 4]
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import Tensor

__all__ = ["IGNORE_INDEX", "Batches", "PermutationQueue", "count_targets"]

IGNORE_INDEX = -100
"""Alvo que a perda ignora (preenchimento, posições sem rótulo)."""


def count_targets(targets: Tensor) -> int:
    """Quantos alvos valem numa perda média: inteiros ≠ :data:`IGNORE_INDEX`, ou todos.

    Parâmetros:
        targets: alvos de um lote; inteiros (classes) ou reais (regressão).

    Retorna:
        O número de alvos válidos: todos, se ``targets`` é real.

    Exemplo:
        >>> count_targets(torch.tensor([[1, -100], [2, 3]]))
        3
        >>> count_targets(torch.zeros(4, 1))
        4
    """
    if targets.dtype.is_floating_point:
        return targets.numel()
    return int((targets != IGNORE_INDEX).sum())


class PermutationQueue:
    """Índices de ``0`` a ``size - 1`` em permutações sorteadas, uma emendada na outra.

    Cada :meth:`take` tira a próxima fatia; quando a fila tem menos índices que o pedido,
    uma permutação nova entra no fim. Assim, nenhum índice se repete antes de todos os
    outros saírem, e a semente torna a sequência inteira reprodutível.

    Parâmetros:
        size: quantos exemplos há.
        seed: semente do gerador (criado aqui, não o global do PyTorch).

    Exemplo:
        >>> queue = PermutationQueue(4, seed=1)
        >>> len(queue.take(3)), len(queue.take(3))
        (3, 3)
    """

    def __init__(self, size: int, *, seed: int = 0) -> None:
        self.size = size
        self.generator = torch.Generator().manual_seed(seed)
        self._pending = torch.empty(0, dtype=torch.long)

    def permutation(self) -> Tensor:
        """Uma permutação nova de ``size`` índices, do mesmo gerador."""
        return torch.randperm(self.size, generator=self.generator)

    def take(self, count: int) -> Tensor:
        """Os próximos ``count`` índices da fila."""
        while len(self._pending) < count:
            self._pending = torch.cat([self._pending, self.permutation()])
        chosen, self._pending = self._pending[:count], self._pending[count:]
        return chosen


class Batches:
    """Lotes ``(x, y)`` que podem ser percorridos a cada época.

    Com ``seed``, a ordem muda a cada passagem, mas a sequência de ordens é
    sempre a mesma (o gerador é criado aqui, não o global do PyTorch).

    Parâmetros:
        x: entradas, com os exemplos na primeira dimensão.
        y: alvos, com o mesmo número de exemplos.
        batch_size: exemplos por lote (o último pode ter menos).
        seed: semente do embaralhamento; ``None`` mantém a ordem original.

    Exemplo:
        >>> b = Batches(torch.arange(10)[:, None], torch.arange(10)[:, None], 4, seed=None)
        >>> [len(x) for x, _ in b]
        [4, 4, 2]
    """

    def __init__(self, x: Tensor, y: Tensor, batch_size: int, *, seed: int | None = 0) -> None:
        if len(x) != len(y):
            raise ValueError(f"x e y têm tamanhos diferentes: {len(x)} e {len(y)}.")
        if batch_size < 1:
            raise ValueError(f"batch_size precisa ser pelo menos 1; recebi {batch_size}.")
        self.x, self.y, self.batch_size = x, y, batch_size
        self._queue = None if seed is None else PermutationQueue(len(x), seed=seed)

    def __len__(self) -> int:
        return -(-len(self.x) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        n = len(self.x)
        order = torch.arange(n) if self._queue is None else self._queue.permutation()
        for start in range(0, n, self.batch_size):
            idx = order[start : start + self.batch_size]
            yield self.x[idx], self.y[idx]
