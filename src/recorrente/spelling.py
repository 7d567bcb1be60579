"""Escrever valores por extenso com um modelo treinado (capítulo 8): predição e checkpoint.

A tarefa aplicada do capítulo 8 mora aqui: :func:`spell_amounts` escreve o extenso com um
:class:`~recorrente.seq2seq.Seq2Seq`, e o checkpoint da tarefa (o que ``recorrente extenso
treinar`` grava e ``recorrente extenso escrever`` lê) é gravado por :func:`save_amount_model`
e lido por :func:`load_amount_model`, com a codificação e a faixa do treino nos extras.

Exemplo:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from recorrente.data.amounts import AmountVocab, format_amount
    >>> from recorrente.seq2seq import Seq2Seq
    >>> vocab = AmountVocab()
    >>> model = Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=8, max_len=3)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_amount_model(Path(folder) / "extenso.pt", model)
    ...     loaded, max_cents = load_amount_model(path)
    >>> format_amount(max_cents), spell_amounts(loaded, [100]) == spell_amounts(model, [100])
    ('99.999,99', True)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch

from recorrente.checkpoints import CheckpointKind, load_model, save_model
from recorrente.data.amounts import (
    INPUT_CHARS,
    SPLIT_SEED,
    TRAIN_MAX_CENTS,
    WORDS,
    AmountVocab,
    format_amount,
)
from recorrente.module_tools import evaluating, model_device
from recorrente.seq2seq import Seq2Seq

__all__ = ["AMOUNT_MODEL", "load_amount_model", "save_amount_model", "spell_amounts"]

AMOUNT_MODEL = CheckpointKind("Seq2Seq", "extenso", "um modelo de extenso",
                              "recorrente extenso treinar")
"""O tipo do checkpoint de extenso."""


def spell_amounts(
    model: torch.nn.Module,
    amounts: Sequence[int],
    vocab: AmountVocab | None = None,
    *,
    width: int = 1,
    batch_size: int = 1024,
) -> list[str]:
    """O extenso que um :class:`~recorrente.seq2seq.Seq2Seq` escreve para cada valor.

    Parâmetros:
        model: o modelo treinado (com os métodos ``greedy`` e ``beam``).
        amounts: os valores, em centavos.
        vocab: a codificação (padrão: :class:`~recorrente.data.amounts.AmountVocab`).
        width: largura da busca em feixe; 1 é a busca gulosa.
        batch_size: valores decodificados de uma vez.

    Retorna:
        Uma frase por valor, na ordem dada.

    Exemplo:
        >>> vocab = AmountVocab()
        >>> model = Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=8, max_len=3)
        >>> len(spell_amounts(model, [1, 100, 12345], vocab))   # sem treino: palavras ao acaso
        3
    """
    vocab = vocab or AmountVocab()
    out: list[str] = []
    device = model_device(model)
    with evaluating(model):
        for start in range(0, len(amounts), batch_size):
            chunk = amounts[start : start + batch_size]
            rows = [vocab.encode_input(format_amount(c)) for c in chunk]
            width_x = max(map(len, rows))
            x = torch.tensor([row + [0] * (width_x - len(row)) for row in rows], dtype=torch.long,
                             device=device)
            words = model.greedy(x)[0] if width == 1 else model.beam(x, width=width)
            out.extend(vocab.decode_words(row.tolist()) for row in words)
    return out


def save_amount_model(
    path: str | Path, model: Seq2Seq, max_cents: int = TRAIN_MAX_CENTS, *, overwrite: bool = False
) -> Path:
    """Grava o modelo de extenso com a codificação e o maior valor da faixa do treino.

    Parâmetros:
        path: caminho do arquivo.
        model: o :class:`~recorrente.seq2seq.Seq2Seq` treinado.
        max_cents: o maior valor do treino, em centavos (acima dele o modelo recusa).
        overwrite: se ``True``, substitui um arquivo que já existe.

    Retorna:
        O caminho gravado.

    Exemplo:
        >>> import tempfile
        >>> vocab = AmountVocab()
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = save_amount_model(Path(folder) / "e.pt", Seq2Seq(13, 46, hidden_size=4))
        ...     path.name
        'e.pt'
    """
    extra = {"chars": INPUT_CHARS, "words": list(WORDS), "max_cents": int(max_cents),
             "split_seed": SPLIT_SEED}
    return save_model(path, model, AMOUNT_MODEL, extra, overwrite=overwrite)


def _read_extra(extra: dict, model: torch.nn.Module) -> int:
    """A faixa do treino; recusa outra codificação de valores e palavras."""
    if extra["chars"] != INPUT_CHARS or list(extra["words"]) != list(WORDS):
        raise ValueError("outra codificação de valores e palavras")
    if (model.config["num_chars"], model.config["num_words"]) != (len(INPUT_CHARS), len(WORDS)):
        raise ValueError("os pesos não são da codificação gravada")
    max_cents = extra.get("max_cents", TRAIN_MAX_CENTS)
    if not isinstance(max_cents, int) or max_cents < 0:
        raise ValueError("faixa do treino inválida")
    return max_cents


def load_amount_model(
    path: str | Path, *, device: str | torch.device = "cpu"
) -> tuple[Seq2Seq, int]:
    """Carrega um modelo de extenso gravado por ``recorrente extenso treinar``.

    Parâmetros:
        path: caminho do checkpoint.
        device: para onde o modelo vai depois de carregado na CPU (``"auto"``: uma GPU
            quando há).

    Retorna:
        O modelo em modo de avaliação e o maior valor da faixa do treino, em centavos.

    Levanta:
        InputError: se o arquivo não existe, não é de extenso, usa outra codificação ou não
            passa na validação de :func:`recorrente.checkpoints.load_model`.

    Exemplo:
        >>> import tempfile
        >>> model = Seq2Seq(13, 46, hidden_size=8)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = save_amount_model(Path(folder) / "extenso.pt", model)
        ...     loaded, max_cents = load_amount_model(path)
        >>> format_amount(max_cents), torch.equal(loaded.head.weight, model.head.weight)
        ('99.999,99', True)
    """
    return load_model(path, AMOUNT_MODEL, _read_extra, device=device)
