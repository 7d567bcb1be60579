"""Ler um capítulo (o arquivo *percent* do jupytext) e recusar o que está malformado.

Um erro de forma que passaria calado vira :class:`~recorrente_build.settings.ChapterError` com
o capítulo e a célula: um bloco de código aberto numa célula de texto (engoliria a célula
seguinte na página), metadados que o jupytext não entende (``tags=[`` sem fechar), etiquetas
que não são uma lista de textos (``tags="caixa"``) ou uma ``legenda`` que não é texto.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import jupytext
import nbformat

from recorrente_build import quotes
from recorrente_build.settings import CAPTION, CHAPTERS, TAGS, ChapterError, relative

_HEADER = re.compile(r"^# %%(.*)$", re.MULTILINE)
_TAGS_HINT = 'as etiquetas são uma lista de textos, como em # %% tags=["caixa"]'


def chapters(prefixes: Iterable[str] = (), folder: Path = CHAPTERS) -> list[Path]:
    """Os arquivos de capítulo, em ordem; ``prefixes`` filtra pelo começo do nome.

    Exemplo:
        >>> [p.name for p in chapters(["01"])]
        ['01_recorrencia.py']
    """
    found = sorted(folder.glob("[0-9]*.py"))
    prefixes = tuple(prefixes)
    return [p for p in found if not prefixes or p.name.startswith(prefixes)]


def _problem(cell: nbformat.NotebookNode) -> str | None:
    """O que está errado na forma de uma célula (``None`` se nada)."""
    metadata = cell.metadata
    if "incorrectly_encoded_metadata" in metadata:
        return (
            f"metadados que o jupytext não entende: {metadata['incorrectly_encoded_metadata']!r}"
            ' (escreva, por exemplo, # %% tags=["caixa"])'
        )
    tags = metadata.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return f"tags={tags!r}: {_TAGS_HINT}"
    unknown = [t for t in tags if t not in TAGS]
    if unknown:
        return f"etiqueta desconhecida {unknown[0]!r}; as que o passo entende: {', '.join(TAGS)}"
    if CAPTION in metadata and not isinstance(metadata[CAPTION], str):
        return f"{CAPTION}={metadata[CAPTION]!r} não é um texto"
    if cell.cell_type == "markdown":
        fence = quotes.open_fence(cell.source)
        if fence:
            return f"um bloco de código aberto com {fence} não foi fechado"
    return None


def _unreadable_cell(text: str) -> tuple[int, str] | None:
    """A célula (contando a partir de 1) cujo cabeçalho ``# %% ...`` o jupytext não lê."""
    headers = list(_HEADER.finditer(text))
    before = 1 if headers and text[: headers[0].start()].strip() else 0
    for number, header in enumerate(headers, start=1 + before):
        try:
            jupytext.reads(f"{header[0]}\npass\n", fmt="py:percent")
        except Exception as error:  # noqa: BLE001 (qualquer erro do leitor serve para apontar)
            detail = str(error).splitlines()[0]
            return number, f"metadados inválidos em {header[0]!r} ({detail}); {_TAGS_HINT}"
    return None


def read(chapter: Path) -> nbformat.NotebookNode:
    """O capítulo como notebook (nbformat 4), como o jupytext o lê, com a forma conferida.

    Levanta:
        ChapterError: o arquivo não se lê ou uma célula está malformada; a mensagem traz o
            capítulo e o número da célula (contando todas, de texto e de código, a partir de 1).
    """
    try:
        text = chapter.read_text(encoding="utf-8")
        nb = jupytext.reads(text, fmt="py:percent")
    except (OSError, UnicodeDecodeError) as error:
        raise ChapterError(f"O capítulo {relative(chapter)} não pôde ser lido: {error}") from None
    except Exception as error:  # noqa: BLE001 (o jupytext e o nbformat levantam de tudo)
        where = _unreadable_cell(text)
        cell = f"na célula {where[0]}: {where[1]}" if where else f": {error}"
        raise ChapterError(f"O capítulo {relative(chapter)} está malformado {cell}") from None
    for number, cell in enumerate(nb.cells, start=1):
        problem = _problem(cell)
        if problem:
            raise ChapterError(
                f"O capítulo {relative(chapter)} está malformado na célula {number} "
                f"(contando todas as células, de texto e de código, a partir de 1): {problem}."
            )
    return nb


def prepared(chapter: Path) -> nbformat.NotebookNode:
    """O capítulo pronto para executar: com as células que avaliam os valores citados."""
    return quotes.prepare(read(chapter))
