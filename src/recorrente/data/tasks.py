"""Tarefas sintéticas de sequência, para medir memória e contexto.

Cada tarefa devolve um :class:`TaskData` com entradas inteiras ``x`` de forma
``(N, T)`` e alvos ``y`` de mesma forma, com
:data:`recorrente.data.batching.IGNORE_INDEX` onde não há nada a prever. Assim, os
dados servem direto a :class:`recorrente.models.SequenceModel` e a
:func:`recorrente.training.fit`.

- :func:`memory_task`: o primeiro símbolo é um *sinal*; seguem ``distance``
  símbolos de distração; no último passo a rede deve dizer qual era o sinal.
  Mede a memória de longo alcance: o acaso acerta ``1 / num_symbols``.
- :func:`next_symbol_task`: o rótulo de cada posição é o símbolo *seguinte*. Uma
  rede que só lê o passado não tem como saber; uma bidirecional tem.
- :class:`FreshBatches`: lotes sempre novos, sorteados na hora, para treinar sem
  repetir exemplos (o acerto no treino mede o que a rede aprendeu, não o que decorou).

Exemplo:
    >>> data = memory_task(3, distance=4, num_symbols=2, num_distractors=3, seed=0)
    >>> data.x.shape, data.y.shape
    (torch.Size([3, 5]), torch.Size([3, 5]))
    >>> bool((data.y[:, -1] == data.x[:, 0]).all())
    True
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from recorrente.data.batching import IGNORE_INDEX, Batches
from recorrente.module_tools import evaluating

__all__ = [
    "FreshBatches",
    "TaskData",
    "accuracy",
    "majority_accuracy",
    "memory_task",
    "next_symbol_task",
    "parity_task",
]


@dataclass
class TaskData:
    """Um conjunto de exemplos de uma tarefa sintética.

    Atributos:
        x: símbolos de entrada ``(N, T)``.
        y: alvos ``(N, T)``, com ``IGNORE_INDEX`` nas posições sem alvo.
        vocab_size: quantos símbolos de entrada existem.
        num_classes: quantas classes de saída existem.

    Exemplo:
        >>> data = next_symbol_task(10, 4, vocab_size=3)
        >>> len(data), data.vocab_size, data.num_classes
        (10, 3, 3)
        >>> [len(x) for x, _ in data.batches(4, seed=None)]
        [4, 4, 2]
    """

    x: Tensor
    y: Tensor
    vocab_size: int
    num_classes: int

    def __len__(self) -> int:
        return self.x.size(0)

    def batches(self, batch_size: int = 64, *, seed: int | None = 0) -> Batches:
        """Os exemplos em lotes; com ``seed``, embaralhados de novo a cada época."""
        return Batches(self.x, self.y, batch_size, seed=seed)


def _check_positive(**values: int) -> None:
    for name, value in values.items():
        if value < 1:
            raise ValueError(f"{name} precisa ser pelo menos 1; recebi {value}.")


def memory_task(
    num_samples: int,
    distance: int,
    *,
    num_symbols: int = 4,
    num_distractors: int = 4,
    seed: int = 0,
    generator: torch.Generator | None = None,
) -> TaskData:
    """Lembrar o primeiro símbolo depois de ``distance`` distrações.

    Os sinais são ``0 .. num_symbols-1``; as distrações são
    ``num_symbols .. num_symbols+num_distractors-1``. A sequência tem
    ``distance + 1`` passos e o único alvo está no último: ``y[:, -1] = x[:, 0]``.

    Parâmetros:
        num_samples: número de sequências.
        distance: quantos passos separam o sinal da resposta.
        num_symbols: quantos sinais (e classes) diferentes.
        num_distractors: quantos símbolos de distração diferentes.
        seed: semente do gerador (o mesmo ``seed`` dá os mesmos dados).
        generator: um gerador já em uso (então ``seed`` é ignorada); é o que
            :class:`FreshBatches` passa para sortear lote após lote sem repetir.

    Retorna:
        Um :class:`TaskData` com ``x`` e ``y`` de forma ``(num_samples, distance + 1)``.

    Exemplo:
        >>> data = memory_task(4, distance=3, num_symbols=2, num_distractors=3, seed=0)
        >>> data.x.shape, data.vocab_size, data.num_classes
        (torch.Size([4, 4]), 5, 2)
        >>> bool((data.x[:, 1:] >= 2).all())  # depois do sinal, só distrações
        True
        >>> data.y[0].tolist()[:-1]  # nenhum alvo antes do último passo
        [-100, -100, -100]
    """
    _check_positive(
        num_samples=num_samples,
        distance=distance,
        num_symbols=num_symbols,
        num_distractors=num_distractors,
    )
    gen = generator if generator is not None else torch.Generator().manual_seed(seed)
    signal = torch.randint(0, num_symbols, (num_samples,), generator=gen)
    noise = torch.randint(
        num_symbols, num_symbols + num_distractors, (num_samples, distance), generator=gen
    )
    x = torch.cat([signal[:, None], noise], dim=1)
    y = torch.full_like(x, IGNORE_INDEX)
    y[:, -1] = signal
    return TaskData(x, y, num_symbols + num_distractors, num_symbols)


def next_symbol_task(
    num_samples: int,
    length: int,
    *,
    vocab_size: int = 5,
    seed: int = 0,
    generator: torch.Generator | None = None,
) -> TaskData:
    """Rotular cada posição com o símbolo que vem *depois* dela.

    ``y[:, t] = x[:, t+1]``; a última posição não tem alvo. Só quem enxerga o
    futuro da sequência acerta mais que o acaso (``1 / vocab_size``).

    Parâmetros:
        num_samples: número de sequências.
        length: passos de cada sequência.
        vocab_size: quantos símbolos (e classes) diferentes.
        seed: semente do gerador.
        generator: um gerador já em uso (então ``seed`` é ignorada).

    Retorna:
        Um :class:`TaskData` com ``x`` e ``y`` de forma ``(num_samples, length)``.

    Exemplo:
        >>> d = next_symbol_task(1, 4, vocab_size=3, seed=1)
        >>> bool((d.y[0, :-1] == d.x[0, 1:]).all()), int(d.y[0, -1])
        (True, -100)
    """
    _check_positive(num_samples=num_samples, length=length, vocab_size=vocab_size)
    gen = generator if generator is not None else torch.Generator().manual_seed(seed)
    x = torch.randint(0, vocab_size, (num_samples, length), generator=gen)
    y = torch.full_like(x, IGNORE_INDEX)
    y[:, :-1] = x[:, 1:]
    return TaskData(x, y, vocab_size, vocab_size)


def parity_task(
    num_samples: int,
    length: int,
    *,
    every_step: bool = True,
    seed: int = 0,
    generator: torch.Generator | None = None,
) -> TaskData:
    """Paridade acumulada: bits 0/1, e o alvo de cada passo é a soma dos bits até ali, módulo 2.

    A resposta muda a cada bit 1: é a tarefa mínima de **rastrear um estado** (Merrill, Petty e
    Sabharwal, 2024). O acaso acerta metade.

    Parâmetros:
        num_samples: número de sequências.
        length: passos de cada sequência.
        every_step: alvo em todo passo (treino); ``False``: só no último (avaliação).
        seed: semente do gerador.
        generator: um gerador já em uso (então ``seed`` é ignorada).

    Exemplo:
        >>> d = parity_task(1, 5, seed=3)
        >>> bits, y = d.x[0].tolist(), d.y[0].tolist()
        >>> y == [sum(bits[: t + 1]) % 2 for t in range(5)]
        True
        >>> parity_task(1, 5, every_step=False, seed=3).y[0, :-1].tolist()
        [-100, -100, -100, -100]
    """
    _check_positive(num_samples=num_samples, length=length)
    gen = generator if generator is not None else torch.Generator().manual_seed(seed)
    x = torch.randint(0, 2, (num_samples, length), generator=gen)
    y = x.cumsum(dim=1) % 2
    if not every_step:
        y[:, :-1] = IGNORE_INDEX
    return TaskData(x, y, 2, 2)


class FreshBatches:
    """Lotes sempre novos: cada lote de cada época é sorteado na hora, nenhum se repete.

    Numa tarefa sintética, treinar sempre nas mesmas poucas centenas de sequências
    deixa a rede decorá-las (acerto alto no treino, acaso no teste). Com dados novos
    a cada lote, o número de atualizações é ``num_batches`` por época e o de exemplos
    é ``num_batches * batch_size`` por época, iguais para todos os modelos comparados,
    e a perda de treino já é uma medida fora da amostra. A sequência de lotes é
    determinada por ``seed`` (o gerador é criado aqui e segue de uma época para a
    outra, sem voltar ao início).

    Parâmetros:
        make: a tarefa, chamada como ``make(batch_size, generator=g)``; por exemplo
            ``functools.partial(memory_task, distance=20)``.
        batch_size: exemplos por lote.
        num_batches: lotes (atualizações) por época.
        seed: semente do gerador dos lotes; use uma diferente da do conjunto de teste.

    Exemplo:
        >>> from functools import partial
        >>> lotes = FreshBatches(partial(memory_task, distance=5), 8, num_batches=3, seed=0)
        >>> epoca1, epoca2 = [x for x, _ in lotes], [x for x, _ in lotes]
        >>> len(lotes), epoca1[0].shape
        (3, torch.Size([8, 6]))
        >>> any(torch.equal(a, b) for a in epoca1 for b in epoca2)  # nada se repete
        False
        >>> again = FreshBatches(partial(memory_task, distance=5), 8, num_batches=3, seed=0)
        >>> torch.equal(next(iter(again))[0], epoca1[0])  # mesma semente, mesmos lotes
        True
    """

    def __init__(
        self,
        make: Callable[..., TaskData],
        batch_size: int,
        num_batches: int,
        *,
        seed: int = 0,
    ) -> None:
        _check_positive(batch_size=batch_size, num_batches=num_batches)
        self.make, self.batch_size, self.num_batches = make, batch_size, num_batches
        self._gen = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return self.num_batches

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        for _ in range(self.num_batches):
            data = self.make(self.batch_size, generator=self._gen)
            yield data.x, data.y


@torch.no_grad()
def accuracy(model: nn.Module, data: TaskData, batch_size: int = 256) -> float:
    """Fração de acertos do modelo nas posições com alvo (argmax dos logits).

    Parâmetros:
        model: um modelo que devolve ``(logits, loss)``, como o
            :class:`~recorrente.models.SequenceModel`.
        data: os exemplos a avaliar.
        batch_size: exemplos por lote na avaliação.

    Retorna:
        A fração de acertos, entre 0 e 1.

    Exemplo:
        >>> from recorrente.models import SequenceModel
        >>> data = memory_task(100, 3, seed=0)
        >>> model = SequenceModel(data.vocab_size, data.num_classes, hidden_size=8)
        >>> _ = nn.init.zeros_(model.head.weight), nn.init.zeros_(model.head.bias)
        >>> acc = accuracy(model, data)  # logits iguais: o argmax é sempre a classe 0
        >>> acc == float((data.y[:, -1] == 0).float().mean())
        True
    """
    correct, total = 0, 0
    with evaluating(model):
        for x, y in Batches(data.x, data.y, batch_size, seed=None):
            logits, _ = model(x)
            mask = y != IGNORE_INDEX
            correct += int((logits.argmax(-1)[mask] == y[mask]).sum())
            total += int(mask.sum())
    return correct / max(total, 1)


def majority_accuracy(train: TaskData, test: TaskData) -> float:
    """Acerto de quem sempre responde a classe mais comum do treino (a linha de base).

    Parâmetros:
        train: os dados em que se conta a classe mais comum.
        test: os dados em que se mede o acerto.

    Retorna:
        A fração dos alvos de ``test`` iguais à classe mais comum de ``train``.

    Exemplo:
        >>> tr = memory_task(200, 3, seed=0); te = memory_task(200, 3, seed=1)
        >>> 0.15 < majority_accuracy(tr, te) < 0.35
        True
    """
    labels = train.y[train.y != IGNORE_INDEX]
    majority = torch.bincount(labels, minlength=train.num_classes).argmax()
    target = test.y[test.y != IGNORE_INDEX]
    return float((target == majority).float().mean())
