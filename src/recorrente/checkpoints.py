"""Checkpoints: gravar um modelo com a sua configuração e reconstruí-lo, conferido, de um jeito só.

Todo checkpoint do pacote é um dicionário com a marca :data:`CHECKPOINT_FORMAT`, o nome da
classe do modelo, a configuração (``model.config``, os argumentos do ``__init__``), os pesos
(``state_dict``) e os dados extras da tarefa (``extra``: o vocabulário, a faixa do treino...).
:func:`load_model` reconstrói qualquer modelo do livro com ``cls(**config)``, como o
``GPTConfig(**model_args)`` do nanoGPT, confere se é do tipo pedido e **valida tudo antes de
devolver**: um arquivo truncado, corrompido, adulterado (configuração ausente ou com uma chave
que o modelo não conhece, pesos faltando ou de outro tamanho, extras que não batem com os
pesos) ou com pesos que não são números finitos dá uma linha só, :func:`corrupt_message`.

Cada tarefa aplicada tem um módulo que é dono dos extras do seu checkpoint (o que grava e
como lê): :mod:`recorrente.generation` (gerar nomes), :mod:`recorrente.classification`
(classificar nomes) e :mod:`recorrente.spelling` (escrever valores por extenso). Este módulo
não conhece nenhuma tarefa.

Exemplo:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from recorrente.models import WindowRegressor
    >>> kind = CheckpointKind("WindowRegressor", "exemplo", "um regressor de exemplo",
    ...                       "recorrente exemplo treinar")
    >>> model = WindowRegressor(hidden_size=4)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_model(Path(folder) / "m.pt", model, kind, {"janela": 20})
    ...     loaded, extra = load_model(path, kind)
    >>> loaded.config == model.config, extra["janela"], loaded.training
    (True, 20, False)
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from recorrente.errors import InputError
from recorrente.models import NameClassifier, SequenceModel, WindowRegressor
from recorrente.module_tools import resolve_device
from recorrente.seq2seq import Seq2Seq

__all__ = [
    "CHECKPOINT_FORMAT",
    "MODEL_CLASSES",
    "CheckpointKind",
    "corrupt_message",
    "load_checkpoint",
    "load_model",
    "save_checkpoint",
    "save_model",
]

CHECKPOINT_FORMAT = "recorrente-checkpoint-v1"
"""Marca gravada em todo checkpoint do pacote, para recusar arquivos alheios."""

MODEL_CLASSES: dict[str, type[nn.Module]] = {
    cls.__name__: cls for cls in (SequenceModel, NameClassifier, WindowRegressor, Seq2Seq)
}
"""As classes que um checkpoint pode reconstruir, pelo nome gravado nele."""


@dataclass(frozen=True)
class CheckpointKind:
    """Que modelo um checkpoint tem de conter, para recusar o de outra tarefa com uma linha clara.

    Atributos:
        model_class: o nome da classe do modelo gravado (``"SequenceModel"``).
        task: o ``extra["task"]`` que o treino gravou (``"nomes"``).
        description: o modelo como a mensagem de erro o nomeia ("um modelo que gera nomes").
        command: o comando que grava esse checkpoint (``"recorrente nomes treinar"``).

    Exemplo:
        >>> kind = CheckpointKind("SequenceModel", "nomes", "um modelo que gera nomes",
        ...                       "recorrente nomes treinar")
        >>> kind.task
        'nomes'
    """

    model_class: str
    task: str
    description: str
    command: str


def corrupt_message(path: str | Path, kind: CheckpointKind | None = None) -> str:
    """A linha que recusa um checkpoint ilegível, adulterado ou com pesos que não são números.

    Parâmetros:
        path: o arquivo.
        kind: o tipo esperado, cujo comando de treino a mensagem sugere.

    Retorna:
        A mensagem, com o arquivo e o comando que grava um checkpoint bom.

    Exemplo:
        >>> corrupt_message("x.pt")  # doctest: +ELLIPSIS
        "O checkpoint x.pt está corrompido ou não foi gravado por este programa; treine de ..."
    """
    command = kind.command if kind is not None else "recorrente ... treinar"
    return (
        f"O checkpoint {path} está corrompido ou não foi gravado por este programa; "
        f"treine de novo com '{command}'."
    )


def save_checkpoint(
    path: str | Path,
    model: nn.Module,
    extra: dict[str, Any] | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Grava pesos, configuração (``model.config``, se houver) e ``extra`` de forma atômica.

    O arquivo é escrito num temporário da mesma pasta e renomeado no fim: uma
    interrupção nunca deixa um checkpoint pela metade.

    Parâmetros:
        path: caminho do arquivo; a pasta é criada se não existir.
        model: o modelo cujos pesos (``state_dict``) serão gravados.
        extra: dados extras gravados junto, por exemplo o vocabulário.
        overwrite: se ``True``, substitui um arquivo que já existe.

    Retorna:
        O caminho gravado, como ``Path``.

    Levanta:
        InputError: se o arquivo já existe e ``overwrite`` é ``False``, ou se ``path`` não é
            um arquivo comum (uma pasta, um dispositivo), mesmo com ``overwrite``.
        OSError: se o disco recusa a gravação (cheio, somente leitura...); o temporário é
            apagado e um arquivo anterior fica intacto.

    Exemplo:
        >>> from recorrente.models import WindowRegressor
        >>> folder = tempfile.TemporaryDirectory()
        >>> path = save_checkpoint(Path(folder.name) / "modelo.pt", WindowRegressor(hidden_size=4))
        >>> [p.name for p in path.parent.iterdir()]  # nenhum temporário sobrou
        ['modelo.pt']
        >>> save_checkpoint(path, WindowRegressor(hidden_size=4))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        recorrente.errors.InputError: O arquivo ... já existe; escolha outro caminho ou ...
        >>> folder.cleanup()
    """
    path = Path(path)
    if path.exists() and not path.is_file():  # uma pasta, ou um dispositivo como /dev/full
        raise InputError(f"{path} não é um arquivo comum; escolha o caminho de um arquivo.")
    if path.exists() and not overwrite:
        raise InputError(
            f"O arquivo {path} já existe; escolha outro caminho ou peça para sobrescrever."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": CHECKPOINT_FORMAT,
        "model_class": type(model).__name__,
        "config": getattr(model, "config", None),
        "state_dict": {k: v.cpu() for k, v in model.state_dict().items()},  # abre sem GPU
        "extra": extra or {},
    }
    buffer = io.BytesIO()  # serializado antes: uma falha do disco chega como OSError, com errno
    torch.save(payload, buffer)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(buffer.getbuffer())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def save_model(
    path: str | Path,
    model: nn.Module,
    kind: CheckpointKind,
    extra: dict[str, Any] | None = None,
    *,
    overwrite: bool = False,
) -> Path:
    """Grava o checkpoint de uma tarefa: :func:`save_checkpoint` com ``extra["task"]`` do tipo.

    Parâmetros:
        path: caminho do arquivo.
        model: o modelo (um dos de :data:`MODEL_CLASSES`, da classe de ``kind``).
        kind: o tipo do checkpoint, que :func:`load_model` vai conferir.
        extra: os dados extras da tarefa.
        overwrite: se ``True``, substitui um arquivo que já existe.

    Retorna:
        O caminho gravado.

    Levanta:
        ValueError: se o modelo não é da classe que ``kind`` pede (um erro de programação).

    Exemplo:
        >>> from recorrente.models import WindowRegressor
        >>> kind = CheckpointKind("SequenceModel", "nomes", "um modelo de nomes", "treinar")
        >>> save_model("x.pt", WindowRegressor(), kind)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: ...
    """
    if type(model).__name__ != kind.model_class:
        raise ValueError(f"{kind.task} grava um {kind.model_class}, não um {type(model).__name__}.")
    return save_checkpoint(path, model, {**(extra or {}), "task": kind.task}, overwrite=overwrite)


def load_checkpoint(path: str | Path, kind: CheckpointKind | None = None) -> dict[str, Any]:
    """Lê o dicionário de um checkpoint gravado por :func:`save_checkpoint`, sem montar o modelo.

    Sempre carrega na CPU (``map_location="cpu"``) e só tensores e tipos simples
    (``weights_only=True``).

    Parâmetros:
        path: caminho do arquivo.
        kind: se dado, o tipo de modelo esperado; um checkpoint de outra tarefa é recusado.

    Retorna:
        Um dicionário com ``model_class``, ``config``, ``state_dict`` e ``extra``.

    Levanta:
        InputError: se o arquivo não existe, não é legível como checkpoint do Recorrente
            (:func:`corrupt_message`) ou não é do tipo ``kind``.

    Exemplo:
        >>> from recorrente.models import WindowRegressor
        >>> model = WindowRegressor(hidden_size=4)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = save_checkpoint(Path(folder) / "modelo.pt", model, {"janela": 20})
        ...     payload = load_checkpoint(path)
        >>> payload["model_class"], payload["config"]["hidden_size"], payload["extra"]
        ('WindowRegressor', 4, {'janela': 20})
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"O checkpoint {path} não existe.")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:
        payload = None
    if (
        not isinstance(payload, dict)
        or payload.get("format") != CHECKPOINT_FORMAT
        or not isinstance(payload.get("extra"), dict)
    ):
        raise InputError(corrupt_message(path, kind))
    if kind is not None and (
        payload.get("model_class") != kind.model_class or payload["extra"].get("task") != kind.task
    ):
        raise InputError(
            f"{path} é um checkpoint do Recorrente, mas não de {kind.description}; "
            f"use um arquivo gravado por '{kind.command}'."
        )
    return payload


def load_model(
    path: str | Path,
    kind: CheckpointKind,
    read_extra: Callable[[dict[str, Any], nn.Module], Any] | None = None,
    *,
    device: str | torch.device = "cpu",
) -> tuple[nn.Module, Any]:
    """Reconstrói o modelo de um checkpoint pela configuração gravada, validado, em avaliação.

    A validação inteira mora aqui: o arquivo precisa ser legível, do tipo ``kind``, ter uma
    configuração que o ``__init__`` da classe aceita, os pesos completos e do tamanho certo,
    todos finitos, e extras que ``read_extra`` consiga ler. Qualquer falha vira a linha de
    :func:`corrupt_message`, sem *traceback*. Os pesos sempre carregam primeiro na CPU
    (``map_location="cpu"``), então um checkpoint gravado numa GPU abre numa máquina sem
    nenhuma; só o modelo pronto vai para ``device``.

    Parâmetros:
        path: caminho do arquivo.
        kind: o tipo esperado.
        read_extra: lê os extras da tarefa como ``read_extra(extra, modelo)`` e devolve o que
            a tarefa precisa (o vocabulário, a faixa do treino); levanta ``ValueError``,
            ``KeyError`` ou ``TypeError`` se não batem com o modelo. ``None``: devolve o
            dicionário ``extra`` como está.
        device: para onde o modelo vai depois de validado (``"auto"``, ``"cpu"``, ``"cuda"``,
            ``"mps"``; :func:`recorrente.module_tools.resolve_device`).

    Retorna:
        O modelo, em ``device`` e em modo de avaliação, e o que ``read_extra`` devolveu.

    Levanta:
        InputError: se o arquivo não existe, é de outro tipo ou não passa na validação, ou
            se esta máquina não tem ``device``.

    Exemplo:
        >>> from recorrente.models import WindowRegressor
        >>> kind = CheckpointKind("WindowRegressor", "exemplo", "um regressor", "treinar")
        >>> model = WindowRegressor(hidden_size=4)
        >>> _ = torch.nn.init.constant_(model.head.bias, float("nan"))
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = save_model(Path(folder) / "m.pt", model, kind)
        ...     load_model(path, kind)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        recorrente.errors.InputError: O checkpoint ... está corrompido ou não foi gravado ...
    """
    target = resolve_device(device)  # um dispositivo que não há é recusado antes de ler
    payload = load_checkpoint(path, kind)
    try:
        config = payload["config"]
        if not isinstance(config, dict):
            raise TypeError("a configuração não é um dicionário")
        model = MODEL_CLASSES[kind.model_class](**config)
        model.load_state_dict(payload["state_dict"])
        weights = [t for t in model.state_dict().values() if t.is_floating_point()]
        if not all(bool(torch.isfinite(t).all()) for t in weights):
            raise ValueError("pesos que não são números finitos")
        extra = payload["extra"]
        extra = read_extra(extra, model) if read_extra is not None else extra
    except (KeyError, TypeError, ValueError, IndexError, RuntimeError, AttributeError):
        raise InputError(corrupt_message(path, kind)) from None
    model.eval()
    return model.to(target), extra
