"""Valores citados na prosa: ``{{ expressão }}`` numa célula de texto vira o valor calculado.

A prosa de um capítulo não digita número medido: ela cita o valor que as células calcularam.
Numa célula Markdown, ``{{ expr }}`` é trocado pelo valor da expressão Python ``expr``, avaliada
no kernel do capítulo logo depois das células de código acima dela (o mesmo espaço de nomes do
código). A expressão dá um ``str`` (feito com ``num``, ``pct``, ``sci``, ``mean_range``, ou uma
palavra que depende do resultado, como ``"todas"``) ou um ``int`` (escrito com ponto de
milhar, ``4.096``); um ``float`` é um erro, porque o número de casas é uma decisão do autor.

Como funciona: antes de executar, :func:`prepare` põe, antes de cada célula de texto que cita
algo, uma célula de código (com a etiqueta :data:`TAG`) que avalia as expressões e entrega
os textos como saída (:data:`MIME`). Depois da execução, :func:`substitute` troca as citações
pelos textos e tira essas células. A página, o notebook para baixar e o canário do Zensical
recebem o texto já substituído. Dentro de blocos de código (as soluções dos exercícios) e de
código entre crases, ``{{`` fica como está.

Exemplo:
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("x = 3"),
    ...     nbformat.v4.new_markdown_cell("x vale {{ x }} e `{{ não }}` fica.")])
    >>> prepared = prepare(nb)
    >>> [c.cell_type for c in prepared.cells]
    ['code', 'code', 'markdown']
    >>> prepared.cells[1].outputs = [nbformat.v4.new_output(
    ...     "display_data", {MIME: ["3"]})]
    >>> substitute(prepared).cells[1].source
    'x vale 3 e `{{ não }}` fica.'
"""

from __future__ import annotations

import copy
import json
import re

import nbformat

from recorrente_build.kernel.quotes import _MIME

TAG = "valores-citados"  # etiqueta da célula que o passo põe antes do texto que cita
MIME = _MIME  # o tipo da saída com os textos (definido no código que roda no kernel)
EXPRESSION = re.compile(r"\{\{\s*([^\n{}]+?)\s*\}\}")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")


def _prose_chunks(text: str) -> tuple[list[tuple[bool, str]], str | None]:
    """Divide o Markdown em trechos ``(é_prosa, texto)``: blocos cercados não são prosa.

    Devolve também a cerca que ficou aberta no fim (``None`` se todas fecharam).
    """
    chunks: list[tuple[bool, str]] = []
    fence = None
    for line in text.splitlines(keepends=True):
        found = _FENCE.match(line)
        if fence is None and found:
            fence = found[1][0] * len(found[1])
            chunks.append((False, line))
        elif fence is not None:
            chunks.append((False, line))
            if found and found[1].startswith(fence) and not line.strip()[len(found[1]):]:
                fence = None
        else:
            chunks.append((True, line))
    return chunks, fence


def open_fence(text: str) -> str | None:
    """A cerca de um bloco de código aberto e nunca fechado no texto (``None`` se não há).

    Exemplo:
        >>> open_fence("```python\\nx = 1\\n```\\n"), open_fence("texto\\n```python\\nx = 1\\n")
        (None, '```')
    """
    return _prose_chunks(text)[1]


def _in_prose(text: str, change) -> str:
    """Aplica ``change(trecho)`` só à prosa: fora de blocos cercados e de código em linha."""
    parts = []
    for prose, chunk in _prose_chunks(text)[0]:
        if not prose:
            parts.append(chunk)
            continue
        start = 0
        for code in _INLINE_CODE.finditer(chunk):
            parts.append(change(chunk[start : code.start()]))
            parts.append(code[0])
            start = code.end()
        parts.append(change(chunk[start:]))
    return "".join(parts)


def expressions(text: str) -> list[str]:
    """As expressões citadas num texto Markdown, em ordem (repetidas contam de novo).

    Exemplo:
        >>> expressions("a {{ num(x) }} e {{n}};\\n```\\n{{ codigo }}\\n```\\n")
        ['num(x)', 'n']
    """
    found: list[str] = []

    def keep(chunk: str) -> str:
        found.extend(m[1] for m in EXPRESSION.finditer(chunk))
        return chunk

    _in_prose(text, keep)
    return found


def prepare(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """O notebook com uma célula que avalia as citações antes de cada texto que cita."""
    new = copy.deepcopy(nb)
    cells = []
    for cell in new.cells:
        if cell.cell_type == "markdown":
            found = expressions(cell.source)
            if found:
                cells.append(
                    nbformat.v4.new_code_cell(
                        f"_valores_citados({json.dumps(found, ensure_ascii=False)})",
                        metadata={"tags": [TAG]},
                    )
                )
        cells.append(cell)
    new.cells = cells
    return new


def is_quote_cell(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and TAG in cell.metadata.get("tags", [])


def values(cell: nbformat.NotebookNode) -> list[str] | None:
    """Os textos que a célula de citação entregou (``None`` se ela não tem saída)."""
    for output in cell.get("outputs", []):
        if MIME in output.get("data", {}):
            return list(output["data"][MIME])
    return None


def _replace(text: str, queue) -> str:
    return _in_prose(text, lambda chunk: EXPRESSION.sub(lambda _: next(queue), chunk))


def substitute(
    nb: nbformat.NotebookNode, missing: str | None = None
) -> nbformat.NotebookNode:
    """Troca as citações pelos valores e tira as células de citação.

    Parâmetros:
        nb: o notebook preparado e executado (ou não executado, com ``missing``).
        missing: o texto no lugar de uma citação sem valor (página provisória, antes de
            executar); ``None``: uma citação sem valor é um erro.
    """
    new = copy.deepcopy(nb)
    cells = []
    pending: list[str] | None = None
    for cell in new.cells:
        if is_quote_cell(cell):
            pending = values(cell)
            continue
        expected = expressions(cell.source) if cell.cell_type == "markdown" else []
        if expected:
            texts = list(pending or [])
            if len(texts) != len(expected):
                if missing is None:
                    raise ValueError(
                        f"A célula de texto que cita {expected} não tem os valores calculados."
                    )
                texts = [missing] * len(expected)
            cell.source = _replace(cell.source, iter(texts))
        pending = None if cell.cell_type == "markdown" else pending
        cells.append(cell)
    new.cells = cells
    return new


def quoted(nb: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    """``(célula de texto, expressão, valor)`` de cada citação de um notebook preparado e executado.

    O número da célula conta todas as células da fonte (texto e código), a partir de 1, como as
    mensagens de erro do passo das páginas.
    """
    found = []
    number, pending = 0, None
    for cell in nb.cells:
        if is_quote_cell(cell):
            pending = values(cell)
            continue
        number += 1
        if cell.cell_type == "markdown":
            expected = expressions(cell.source)
            for expression, value in zip(expected, pending or [], strict=False):
                found.append((number, expression, value))
            pending = None
    return found
