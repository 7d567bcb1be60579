"""Executa o código de cada solução de exercício dos capítulos.

As soluções ficam nas admonições recolhíveis ``??? success "Solução"`` das células Markdown
(o conteúdo recuado abaixo da linha do ``???``); cada bloco ```python é autocontido e roda
sozinho.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "docs" / "capitulos").glob("*.py"))
_ADMONITION = re.compile(r'^(?P<indent> *)\?\?\?\+? success "Solução"\s*$')
_CODE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _markdown_text(chapter: Path) -> str:
    """O texto das células Markdown, sem o ``# `` do formato percent."""
    lines = []
    for line in chapter.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") or line == "#":
            lines.append(line[2:])
    return "\n".join(lines)


def _admonitions(text: str) -> list[str]:
    """O conteúdo de cada ``??? success "Solução"``: as linhas mais recuadas que a do ``???``."""
    lines = text.splitlines()
    blocks = []
    for i, line in enumerate(lines):
        match = _ADMONITION.match(line)
        if not match:
            continue
        indent, body = len(match["indent"]), []
        for next_line in lines[i + 1 :]:
            if next_line.strip() and len(next_line) - len(next_line.lstrip()) <= indent:
                break
            body.append(next_line)
        blocks.append(textwrap.dedent("\n".join(body)))
    return blocks


def _solutions() -> list[tuple[str, str]]:
    found = []
    for chapter in CHAPTERS:
        for i, block in enumerate(_admonitions(_markdown_text(chapter)), start=1):
            for code in _CODE.findall(block):
                found.append((f"{chapter.stem}-solucao{i}", code))
    return found


SOLUTIONS = _solutions()


def test_every_chapter_has_three_solutions() -> None:
    for chapter in CHAPTERS:
        n = sum(1 for name, _ in SOLUTIONS if name.startswith(chapter.stem + "-"))
        assert n >= 3, f"{chapter.name} tem {n} soluções de exercício; o mínimo é 3."


@pytest.mark.parametrize("code", [c for _, c in SOLUTIONS], ids=[n for n, _ in SOLUTIONS])
def test_solution_runs(code: str, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # nenhuma solução escreve no repositório
    exec(compile(code, "<solução>", "exec"), {"__name__": "__solucao__"})
