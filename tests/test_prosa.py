"""A prosa de cada página de capítulo: números citados, sem barulho do build.

- Todo número decimal da prosa (``0,995``, ``87,5%``, ``2,1e-14``, e também um ``0.5`` no
  formato inglês) veio de um valor citado (``{{ expr }}``, :mod:`recorrente_build.quotes`): a
  página é lida como o build a gerou e, tirados código, saídas, tabelas e figuras, cada número
  precisa estar entre os textos citados naquele capítulo (o build os guarda em
  ``build/registros/NN_nome.citados.json``), ou na lista curta :data:`ALLOWED` de entradas e
  constantes que não têm como vir de uma variável.
- Nenhum aviso (``UserWarning``...) e nenhum caminho absoluto da máquina do build aparece na
  página.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from recorrente_build.settings import BUILT_RECORDS
from recorrente_build.source import chapters
from recorrente_build.writing import outputs_of

ROOT = Path(__file__).resolve().parents[1]

# Entradas e constantes escritas na prosa que não têm de onde ser citadas. Cada uma com o
# motivo; mantenha a lista curta.
ALLOWED: dict[str, list[str]] = {
    # Valores digitados de exemplo: os formatos que o leitor pode escrever na linha de comando
    # (a introdução vem antes de qualquer célula, e a CLI recebe o texto como o leitor o digita).
    "08_extenso": ["1.234,50"] * 4 + ["1234,50", "1234,5", "1234.50"],
}

NUMBER = re.compile(
    r"(?<![\w.,])(?:"
    r"\d+(?:,\d+)?e[-+]?\d+"  # notação científica: 2,1e-14
    r"|\d{1,3}(?:\.\d{3})*,\d+%?"  # decimal com vírgula (e ponto de milhar): 1.234,5 e 87,5%
    r"|\d+,\d+%?"
    r"|\d+\.\d{1,2}(?![\d.])"  # decimal no formato inglês: 0.5 (um milhar seria 4.096)
    r"|\d\.\d{4,}"
    r")(?![\w])"
)
_OUTSIDE_PROSE = [
    re.compile(r"\A---\n.*?\n---\n", re.DOTALL),  # cabeçalho
    re.compile(r"<!--.*?-->", re.DOTALL),
    re.compile(r"^([ \t]*)(`{3,}|~{3,}).*?^\1\2[ \t]*$", re.DOTALL | re.MULTILINE),  # blocos
    re.compile(r"<table\b.*?</table>", re.DOTALL | re.IGNORECASE),  # tabelas das saídas
    re.compile(r"!\[[^\]]*\]\([^)]*\)(\{[^}]*\})?"),  # figuras (o texto vem do código)
    re.compile(r"(`+)(?:(?!\1).)+?\1"),  # código em linha
    re.compile(r"\]\([^)]*\)"),  # endereços de links
]
_WARNING = re.compile(r"\b\w*Warning\b|Traceback \(most recent call last\)")
_ABSOLUTE_PATH = re.compile(
    r"(?<![\w.])/(?:home|root|tmp|usr|work|opt|var|Users|mnt|srv)/|site-packages|\.venv/lib"
)


def _prose(markdown: str) -> str:
    for pattern in _OUTSIDE_PROSE:
        markdown = pattern.sub(" ", markdown)
    return markdown


def prose_numbers(markdown: str) -> list[str]:
    """Os números decimais da prosa de uma página, em ordem."""
    return NUMBER.findall(_prose(markdown))


def _page(chapter: Path) -> str:
    md = outputs_of(chapter)[0]
    if not md.is_file():
        pytest.fail(f"{md.relative_to(ROOT)} não existe; rode `mkdocs build` antes.")
    return md.read_text(encoding="utf-8")


def test_prose_numbers_are_found_and_the_rest_ignored() -> None:
    text = (
        "Acerto de 0,995 (87,5%), razão 2,1e-14, 1.234,5 reais e 0.5 em inglês; 4.096 "
        "sequências e T = 30 são inteiros; `0,3` é código.\n\n```python\nx = 0.25\n```\n"
        "<table><tr><td>0,125</td></tr></table>\n![Perda 0,5](fig.png){ loading=lazy }\n"
    )
    assert prose_numbers(text) == ["0,995", "87,5%", "2,1e-14", "1.234,5", "0.5"]


@pytest.mark.parametrize("chapter", chapters(), ids=lambda p: p.stem)
def test_every_prose_number_comes_from_a_quoted_value(chapter: Path) -> None:
    quoted_json = BUILT_RECORDS / f"{chapter.stem}.citados.json"
    if not quoted_json.is_file():
        pytest.fail(f"{quoted_json.relative_to(ROOT)} não existe; rode `mkdocs build` antes.")
    available = Counter()
    for value in json.loads(quoted_json.read_text(encoding="utf-8")):
        available.update(NUMBER.findall(value))
    available.update(ALLOWED.get(chapter.stem, []))
    typed = []
    for number in prose_numbers(_page(chapter)):
        if available[number] > 0:
            available[number] -= 1
        else:
            typed.append(number)
    assert not typed, (
        f"{chapter.name}: números digitados na prosa, que nenhuma célula calculou: {typed}. "
        "Cite o valor com {{ expr }} (veja 'Como citar um valor' no CONTRIBUINDO.md)."
    )


@pytest.mark.parametrize("chapter", chapters(), ids=lambda p: p.stem)
def test_page_has_no_warnings_or_machine_paths(chapter: Path) -> None:
    text = _page(chapter)
    problems = [
        line.strip()[:160]
        for line in text.splitlines()
        if _WARNING.search(line) or _ABSOLUTE_PATH.search(line) or str(ROOT) in line
    ]
    assert not problems, f"{chapter.name}: aviso ou caminho da máquina na página: {problems}"
