"""O registro dos números de cada capítulo é o aceito (``registros/NN_nome.txt``).

O build (``mkdocs build`` ou ``python scripts/paginas.py``) escreve o registro de cada capítulo
em ``build/registros/``; aqui ele é comparado com a cópia aceita, no git. Uma refatoração que
não muda número nenhum passa; uma mudança de número falha com o diff e o comando que a aceita.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from recorrente_build import records
from recorrente_build.settings import BUILT_RECORDS, RECORDS
from recorrente_build.source import chapters

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("chapter", chapters(), ids=lambda p: p.stem)
def test_record_equals_the_accepted_one(chapter: Path) -> None:
    built = BUILT_RECORDS / f"{chapter.stem}.txt"
    accepted = RECORDS / f"{chapter.stem}.txt"
    accept_cmd = f".venv/bin/python scripts/paginas.py --aceitar {chapter.stem[:2]}"
    if not built.is_file():
        pytest.fail(f"{built.relative_to(ROOT)} não existe; rode `mkdocs build` antes.")
    if not accepted.is_file():
        pytest.fail(f"{chapter.name} não tem registro aceito; confira o gerado e rode {accept_cmd}")
    new, old = built.read_text(encoding="utf-8"), accepted.read_text(encoding="utf-8")
    if new != old:
        pytest.fail(
            f"Os números impressos por {chapter.name} mudaram em relação ao registro aceito:\n"
            f"{records.diff(old, new, accepted.name)}\n\n"
            f"Se a mudança é de propósito, aceite-a com: {accept_cmd}",
            pytrace=False,
        )


def test_every_accepted_record_has_a_chapter() -> None:
    stems = {c.stem for c in chapters()}
    leftovers = [p.name for p in RECORDS.glob("*.txt") if p.stem not in stems]
    assert not leftovers, f"registros de capítulos que não existem mais: {leftovers}"


def test_changed_lines_finds_the_pair() -> None:
    assert records.changed_lines("a 1\nb 2\nc 3\n", "a 1\nb 5\nc 3\n") == [("b 2", "b 5")]
