"""Executa o código de cada solução de exercício dos capítulos.

As soluções ficam em ``<details class="success"><summary>Solução</summary>`` dentro das
células Markdown; cada bloco ```python é autocontido e roda sozinho.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CHAPTERS = sorted((Path(__file__).resolve().parents[1] / "docs" / "capitulos").glob("*.py"))
_DETAILS = re.compile(
    r'<details class="success"><summary>Solução</summary>(.*?)</details>', re.DOTALL
)
_CODE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _markdown_text(chapter: Path) -> str:
    """O texto das células Markdown, sem o ``# `` do formato percent."""
    lines = []
    for line in chapter.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") or line == "#":
            lines.append(line[2:])
    return "\n".join(lines)


def _solutions() -> list[tuple[str, str]]:
    found = []
    for chapter in CHAPTERS:
        for i, block in enumerate(_DETAILS.findall(_markdown_text(chapter)), start=1):
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
