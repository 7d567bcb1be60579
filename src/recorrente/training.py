"""Um laço de treino para todos os modelos do livro (os checkpoints moram em ``checkpoints``).

Os modelos obedecem ao contrato de :mod:`recorrente.models`:
``model(x, targets) -> (output, loss)``. Os lotes são pares ``(x, targets)``
vindos de qualquer iterável que possa ser percorrido de novo a cada época (um
``DataLoader``, uma lista, ...). Cada lote vai para o dispositivo do modelo antes de entrar
nele; ``fit(..., device="auto")`` treina na GPU quando há uma.

Exemplo:
    >>> import torch
    >>> from recorrente.models import SequenceModel
    >>> _ = torch.manual_seed(0)
    >>> x = torch.randint(0, 4, (32, 5))
    >>> y = torch.full_like(x, -100); y[:, -1] = x[:, 0]   # lembrar o 1º símbolo
    >>> model = SequenceModel(4, 4, hidden_size=16)
    >>> history = fit(model, [(x, y)], [(x, y)], TrainConfig(max_epochs=3, progress=False))
    >>> len(history.train_loss), history.best_epoch in (1, 2, 3)
    (3, True)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn
from tqdm import tqdm

from recorrente.checkpoints import save_checkpoint
from recorrente.data.batching import count_targets
from recorrente.errors import InputError
from recorrente.formatting import num
from recorrente.module_tools import evaluating, model_device, resolve_device

__all__ = ["History", "TrainConfig", "evaluate", "fit"]

Batch = tuple[Tensor, Tensor]


@dataclass
class TrainConfig:
    """Hiperparâmetros do laço de treino.

    Atributos:
        lr: taxa de aprendizado do AdamW.
        weight_decay: decaimento de pesos do AdamW.
        max_epochs: número máximo de épocas.
        max_steps: orçamento em atualizações (passos do otimizador); o treino para logo depois
            da atualização de número ``max_steps``, mesmo no meio de uma época. ``None``: só
            ``max_epochs`` conta.
        max_seconds: orçamento de tempo, conferido entre as atualizações: o treino para na
            primeira atualização que o ultrapassar.
        clip_norm: norma máxima do gradiente (``None`` desliga o corte).
        patience: épocas sem melhora na validação antes de parar (``None``: nunca para cedo).
        progress: mostra uma barra de progresso com a perda.
        description: texto da barra de progresso.

    Exemplo:
        >>> config = TrainConfig(max_epochs=5, progress=False)
        >>> config.max_epochs, config.lr, config.clip_norm  # o resto fica no padrão
        (5, 0.003, 1.0)
    """

    lr: float = 3e-3
    weight_decay: float = 0.01
    max_epochs: int = 10
    max_steps: int | None = None
    max_seconds: float | None = None
    clip_norm: float | None = 1.0
    patience: int | None = None
    progress: bool = True
    description: str = "treino"


@dataclass
class History:
    """O que aconteceu no treino: perdas por época, de onde vêm os pesos finais e o tempo.

    Atributos:
        train_loss: perda média de treino de cada época (a última pode ser parcial, quando o
            orçamento de atualizações ou de tempo acaba no meio dela).
        val_loss: perda de validação de cada época (vazia sem validação).
        best_epoch: a época dos pesos com que o modelo ficou, contada a partir de 1: a de
            menor perda de validação, ou a última sem validação.
        best_val: a perda dessa época (de validação, ou de treino sem validação).
        steps: quantas atualizações o treino fez.
        best_step: depois de quantas atualizações estavam os pesos com que o modelo ficou.
        seconds: duração do treino, em segundos.

    Exemplo:
        >>> history = History(train_loss=[1.0, 0.8], val_loss=[0.9, 0.95], best_epoch=1,
        ...                   best_val=0.9)
        >>> history.val_loss[history.best_epoch - 1] == history.best_val
        True
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int = 0
    best_val: float = math.inf
    steps: int = 0
    best_step: int = 0
    seconds: float = 0.0


@torch.no_grad()
def evaluate(model: nn.Module, batches: Iterable[Batch]) -> float:
    """Perda média ponderada pelo número de alvos válidos de cada lote.

    Com alvos inteiros, ignora :data:`recorrente.data.batching.IGNORE_INDEX`: para um
    modelo de linguagem, o resultado é a NLL média por símbolo. O modelo volta ao
    modo (treino ou avaliação) em que estava. Os lotes vão para o dispositivo do modelo.

    Parâmetros:
        model: um modelo que obedece ``model(x, targets) -> (output, loss)``.
        batches: lotes ``(x, targets)``.

    Retorna:
        A perda média por alvo válido.

    Levanta:
        InputError: se os lotes não têm nenhum alvo válido.

    Exemplo:
        >>> import math
        >>> from recorrente.models import SequenceModel
        >>> model = SequenceModel(4, 4, hidden_size=8)
        >>> _ = nn.init.zeros_(model.head.weight), nn.init.zeros_(model.head.bias)
        >>> x = torch.tensor([[1, 2, 3]]); y = torch.tensor([[2, 3, -100]])
        >>> round(evaluate(model, [(x, y)]), 5) == round(math.log(4), 5)  # logits iguais
        True
    """
    total, count = 0.0, 0
    device = model_device(model)
    with evaluating(model):
        for x, targets in batches:
            x, targets = x.to(device), targets.to(device)
            _, loss = model(x, targets)
            n = count_targets(targets)
            total += loss.item() * n
            count += n
    if count == 0:
        raise InputError("Não há nenhum alvo válido para avaliar; o conjunto está vazio?")
    return total / count


def fit(
    model: nn.Module,
    train_batches: Iterable[Batch],
    val_batches: Iterable[Batch] | None = None,
    config: TrainConfig | None = None,
    *,
    checkpoint: str | Path | None = None,
    checkpoint_extra: dict[str, Any] | None = None,
    on_epoch_end: Callable[[int, nn.Module], None] | None = None,
    device: str | torch.device | None = None,
) -> History:
    """Treina com AdamW e corte de gradiente, por épocas ou por um orçamento de atualizações.

    Com ``val_batches``, avalia no fim de cada época e, no fim do treino, devolve ao modelo os
    pesos da época de menor perda de validação (parada antecipada); ``History.best_step`` diz
    de que atualização eles são. Sem validação, o modelo fica com os pesos da última
    atualização: nada é trocado. Com ``checkpoint``, grava os pesos com que o modelo vai ficar
    (e ``checkpoint_extra``, por exemplo o vocabulário) de forma atômica: sempre que a
    validação melhora, ou no fim de cada época sem validação.

    Com ``device``, o modelo vai para esse dispositivo antes do treino e fica lá; cada lote vai
    para ele antes de entrar no modelo. ``"auto"`` escolhe uma GPU quando há (CUDA, ou o MPS
    de um Mac), senão a CPU. O padrão, ``None``, treina onde o modelo já está: o código que
    chama o modelo depois, com tensores da CPU, continua funcionando.

    Parâmetros:
        model: um modelo que obedece ``model(x, targets) -> (output, loss)``.
        train_batches: lotes de treino, percorridos uma vez por época.
        val_batches: lotes de validação, opcionais.
        config: hiperparâmetros (:class:`TrainConfig`).
        checkpoint: caminho do arquivo de checkpoint (sobrescrito a cada melhora).
        checkpoint_extra: dados extras gravados junto com os pesos.
        on_epoch_end: chamada como ``on_epoch_end(época, modelo)`` no fim de cada época,
            antes da troca pelos melhores pesos (para medir curvas com outras métricas).
        device: ``"auto"``, ``"cpu"``, ``"cuda"``, ``"mps"`` ou um ``torch.device``
            (:func:`recorrente.module_tools.resolve_device`); ``None``: onde o modelo está.

    Retorna:
        O :class:`History` do treino.

    Levanta:
        InputError: um ``device`` que esta máquina não tem (``"cuda"`` sem GPU).

    Exemplo:
        >>> from recorrente.models import WindowRegressor
        >>> _ = torch.manual_seed(0)
        >>> x = torch.linspace(0, 1, 40).reshape(8, 5); y = x[:, -1]  # repetir o último valor
        >>> model = WindowRegressor(hidden_size=8)
        >>> seen = []
        >>> history = fit(model, [(x, y)], config=TrainConfig(max_epochs=20, progress=False),
        ...               on_epoch_end=lambda epoch, model: seen.append(epoch))
        >>> len(history.train_loss), history.train_loss[-1] < history.train_loss[0], seen[-1]
        (20, True, 20)

        Numa GPU, quando há uma (senão na CPU, sem mudar nada no código):

        >>> history = fit(model, [(x, y)], config=TrainConfig(max_epochs=2, progress=False),
        ...               device="auto")
        >>> next(model.parameters()).device.type in ("cuda", "mps", "cpu")
        True
    """
    config = config or TrainConfig()
    if device is not None:
        model.to(resolve_device(device))
    device = model_device(model)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    history = History()
    best_state = None
    start = time.perf_counter()
    epochs = range(1, config.max_epochs + 1)
    bar = tqdm(epochs, desc=config.description, disable=not config.progress, leave=False)
    for epoch in bar:
        model.train()
        total, count, out_of_budget = 0.0, 0, False
        for x, targets in train_batches:
            x, targets = x.to(device), targets.to(device)
            _, loss = model(x, targets)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if config.clip_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), config.clip_norm)
            optimizer.step()
            history.steps += 1
            n = count_targets(targets)
            total += loss.item() * n
            count += n
            out_of_budget = (
                config.max_steps is not None and history.steps >= config.max_steps
            ) or (
                config.max_seconds is not None
                and time.perf_counter() - start >= config.max_seconds
            )
            if out_of_budget:
                break
        if count == 0:  # um orçamento de 0 atualizações, ou lotes vazios
            break
        history.train_loss.append(total / count)
        current = history.train_loss[-1]
        if val_batches is not None:
            current = evaluate(model, val_batches)
            history.val_loss.append(current)
        if val_batches is None or current < history.best_val:
            history.best_val, history.best_epoch = current, epoch
            history.best_step = history.steps
            if val_batches is not None:
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            if checkpoint is not None:
                save_checkpoint(checkpoint, model, checkpoint_extra, overwrite=True)
        postfix = {"perda": num(history.train_loss[-1])}
        if val_batches is not None:  # sem validação, não há "val" a mostrar
            postfix["val"] = num(current)
        bar.set_postfix(postfix)
        if on_epoch_end is not None:
            on_epoch_end(epoch, model)
        if out_of_budget:
            break
        if config.patience is not None and epoch - history.best_epoch >= config.patience:
            break
    history.seconds = time.perf_counter() - start
    if best_state is not None:
        model.load_state_dict(best_state)
    return history
