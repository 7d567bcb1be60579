"""O registro do que cada capítulo imprimiu: um arquivo de texto pequeno, comparável com diff.

É a trava dos números do livro (como um *lockfile*, mas de resultados). Para cada capítulo, o
passo das páginas escreve em ``build/registros/NN_nome.txt`` as linhas com números que as
células imprimiram (texto, tabelas, títulos das figuras) e os valores que a prosa cita. A cópia
aceita fica no git, em ``registros/NN_nome.txt``; ``tests/test_registros.py`` compara as duas.
Uma refatoração que não muda nenhum número deixa o registro igual; uma mudança de propósito é
aceita com ``python scripts/paginas.py --aceitar NN`` (:mod:`recorrente_build.cli`).

O que não entra: medidas de tempo, que mudam a cada execução (um número seguido de ``s``,
``ms``, ``min``, ``segundos``, ``/s`` ou ``×``, e o valor citado cuja expressão fala de
tempo: ``segundos``, ``seconds``, ``tempo``, ``time``, ``speed``), endereços de memória e
linhas sem nenhum algarismo.

Exemplo:
    >>> print(record_line("18 treinos em 12,3 s; acerto 0,995"))
    18 treinos em ‹tempo›; acerto 0,995
    >>> print(record_line("lotes de 50: 2.190 nomes/s (12× mais rápido); modelo 3×8"))
    lotes de 50: ‹tempo› (‹tempo› mais rápido); modelo 3×8
"""

from __future__ import annotations

import difflib
import html
import re
from pathlib import Path

import nbformat

from recorrente_build import quotes

TIME = "‹tempo›"
_TIME = re.compile(
    r"\d[\d.,]*\s*(?:ms|min|segundos?|s(?= de CPU| de relógio)|[a-zçãõé]+/s|s)(?![\w/])"
    r"|\d[\d.,]*×(?!\s?\d)"  # 12× mais rápido, mas não uma dimensão como 3×8
)
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_TIME_EXPRESSION = re.compile(
    r"segundo|second|tempo|(?<![a-z])time|speed|rapid|(?<![a-z])lent", re.IGNORECASE
)
_TABLE_ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_TABLE_CELL = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # as cores do terminal num traceback


def strip_progress(text: str) -> str:
    r"""Só o último estado de cada linha reescrita com ``\r`` (barras de progresso).

    Exemplo:
        >>> strip_progress("10%\r100%\nfim")
        '100%\nfim'
    """
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def record_line(line: str) -> str:
    """A linha como entra no registro: tempos e endereços mascarados, espaços finais fora."""
    return _ADDRESS.sub("0x…", _TIME.sub(TIME, line)).rstrip()


def _table_lines(content: str) -> list[str]:
    lines = []
    for line in _TABLE_ROW.findall(content):
        cells = [
            " ".join(html.unescape(_TAG.sub("", c)).split())
            for c in _TABLE_CELL.findall(line)
        ]
        lines.append(" | ".join(cells))
    return lines


_FIGURES = ("image/svg+xml", "image/png", "image/jpeg")


def _texts(cell: nbformat.NotebookNode) -> list[str]:
    lines: list[str] = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            if output.get("name") == "stdout":
                lines.extend(strip_progress(output["text"]).splitlines())
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "text/html" in data and "<table" in data["text/html"]:
                lines.extend(_table_lines(data["text/html"]))
            elif kind := next((k for k in _FIGURES if k in data), None):
                alt = output.get("metadata", {}).get(kind, {}).get("alt")
                if alt:
                    lines.append(f"figura: {alt}")
            elif "text/plain" in data:
                lines.extend(data["text/plain"].splitlines())
    return lines


def record(chapter: Path, nb: nbformat.NotebookNode) -> str:
    """O registro de um capítulo a partir do notebook preparado e executado.

    As células contam como nas mensagens de erro: todas as da fonte, a partir de 1.
    """
    parts = [
        f"# Números impressos por docs/capitulos/{chapter.name}, célula por célula, e os",
        "# valores que a prosa cita. Gerado por scripts/paginas.py; não edite à mão.",
        "# Mudança de propósito: .venv/bin/python scripts/paginas.py --aceitar "
        + chapter.stem[:2],
    ]
    number = 0
    for cell in nb.cells:
        if quotes.is_quote_cell(cell):
            continue
        number += 1
        if cell.cell_type != "code":
            continue
        lines = [record_line(t) for t in _texts(cell)]
        lines = [t for t in lines if re.search(r"\d", t)]
        if lines:
            parts.append(f"\n[célula {number}]")
            parts.extend(lines)
    found = quotes.quoted(nb)
    if found:
        parts.append("\n[valores citados na prosa]")
        for number, expression, value in found:
            if _TIME_EXPRESSION.search(expression):
                value = TIME
            parts.append(f"célula {number}: {{{{ {expression} }}}} = {record_line(value)}")
    return "\n".join(parts) + "\n"


def diff(accepted: str, new: str, name: str, limit: int = 60) -> str:
    """As linhas que mudaram, em formato diff unificado (no máximo ``limit`` linhas)."""
    lines = list(
        difflib.unified_diff(
            accepted.splitlines(), new.splitlines(), f"registros/{name}", f"gerado/{name}",
            lineterm="", n=1,
        )
    )
    if len(lines) > limit:
        lines = lines[:limit] + [f"... (mais {len(lines) - limit} linhas)"]
    return "\n".join(lines)


def changed_lines(a: str, b: str) -> list[tuple[str, str]]:
    """Pares ``(antes, depois)`` das linhas que mudaram entre dois registros."""
    pairs = []
    matcher = difflib.SequenceMatcher(None, a.splitlines(), b.splitlines(), autojunk=False)
    before, after = a.splitlines(), b.splitlines()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old, fresh = before[i1:i2], after[j1:j2]
        for k in range(max(len(old), len(fresh))):
            pairs.append(
                (old[k] if k < len(old) else "", fresh[k] if k < len(fresh) else "")
            )
    return pairs
