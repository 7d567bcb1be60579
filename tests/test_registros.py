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


@pytest.mark.parametrize("capitulo", chapters(), ids=lambda p: p.stem)
def test_registro_igual_ao_aceito(capitulo: Path) -> None:
    gerado = BUILT_RECORDS / f"{capitulo.stem}.txt"
    aceito = RECORDS / f"{capitulo.stem}.txt"
    aceitar = f".venv/bin/python scripts/paginas.py --aceitar {capitulo.stem[:2]}"
    if not gerado.is_file():
        pytest.fail(f"{gerado.relative_to(ROOT)} não existe; rode `mkdocs build` antes.")
    if not aceito.is_file():
        pytest.fail(f"{capitulo.name} não tem registro aceito; confira o gerado e rode {aceitar}")
    novo, velho = gerado.read_text(encoding="utf-8"), aceito.read_text(encoding="utf-8")
    if novo != velho:
        pytest.fail(
            f"Os números impressos por {capitulo.name} mudaram em relação ao registro aceito:\n"
            f"{records.diff(velho, novo, aceito.name)}\n\n"
            f"Se a mudança é de propósito, aceite-a com: {aceitar}",
            pytrace=False,
        )


def test_todo_registro_aceito_tem_capitulo() -> None:
    nomes = {c.stem for c in chapters()}
    sobras = [p.name for p in RECORDS.glob("*.txt") if p.stem not in nomes]
    assert not sobras, f"registros de capítulos que não existem mais: {sobras}"


def test_linhas_mudadas_acha_o_par() -> None:
    assert records.changed_lines("a 1\nb 2\nc 3\n", "a 1\nb 5\nc 3\n") == [("b 2", "b 5")]
