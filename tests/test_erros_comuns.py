"""As caixas "Erro comum": a mensagem exata do PyTorch fixado, e a busca do site que a acha.

Sem o site (rápido): cada célula de caixa (etiqueta ``caixa``) dos capítulos roda sozinha, só com
os imports do capítulo, e imprime a mensagem guardada em ``recorrente.common_errors.MESSAGES``
(``expect_error`` confere o texto; uma versão do PyTorch que o mude faz o teste falhar); cada
mensagem tem uma caixa, dentro de uma admonição ``!!! warning "Erro comum: ..."``.

Com o site construído (marca ``site``): o índice de busca do Material tem cada mensagem na seção
do capítulo onde está a caixa, e colar a mensagem na caixa de busca, no Chromium, traz essa
seção entre os primeiros resultados.
"""

from __future__ import annotations

import ast
import contextlib
import html
import io
import json
import re
from pathlib import Path

import jupytext
import pytest
from test_busca import search

from recorrente.common_errors import MESSAGES, expect_error

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "docs" / "capitulos").glob("[0-9]*.py"))
_KEY = re.compile(r"""expect_error\(\s*["']([^"']+)["']""")
_OPENING = re.compile(r'^!!! warning "Erro comum: .+"$')


def _boxes() -> list[tuple[Path, int, str]]:
    """(capítulo, índice da célula, código) de cada célula com a etiqueta ``caixa``."""
    found = []
    for chapter in CHAPTERS:
        for index, cell in enumerate(jupytext.read(chapter).cells):
            if cell.cell_type == "code" and "caixa" in cell.metadata.get("tags", []):
                found.append((chapter, index, cell.source))
    return found


BOXES = _boxes()


def _keys() -> dict[str, list[str]]:
    """Chave do erro → capítulos (nome do arquivo) cujas caixas a usam."""
    keys: dict[str, list[str]] = {}
    for chapter, _, source in BOXES:
        for key in _KEY.findall(source):
            keys.setdefault(key, []).append(chapter.stem)
    return keys


def _imports(chapter: Path) -> str:
    """Os ``import`` de primeiro nível do capítulo, o único contexto de que uma caixa precisa."""
    lines = []
    for cell in jupytext.read(chapter).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                lines.append(ast.unparse(node))
    return "\n".join(lines)


def test_each_message_has_one_box_and_there_are_at_least_eight() -> None:
    keys = _keys()
    assert set(keys) == set(MESSAGES), (
        f"sem caixa: {set(MESSAGES) - set(keys)}; sem mensagem: {set(keys) - set(MESSAGES)}"
    )
    assert all(len(chapters) == 1 for chapters in keys.values()), keys
    distinct = {re.sub(r"\d+", "N", m) for m in MESSAGES.values()}  # sem os números das formas
    assert len(distinct) >= 8, sorted(distinct)
    # Só nos capítulos onde o engano acontece (05, 06 e 08 não têm caixas).
    assert {c[0] for c in keys.values()} <= {
        "01_recorrencia",
        "02_nn_rnn",
        "03_treinamento",
        "04_lstm_gru",
        "07_bolsa",
    }


@pytest.mark.parametrize(
    ("chapter", "index"), [(c, i) for c, i, _ in BOXES], ids=lambda v: getattr(v, "stem", v)
)
def test_box_cell_is_inside_an_open_warning(chapter: Path, index: int) -> None:
    cells = jupytext.read(chapter).cells
    previous = index - 1
    while cells[previous].cell_type == "code":
        assert "caixa" in cells[previous].metadata.get("tags", []), (
            f"célula {previous} entre a admonição e a caixa {index} não é da caixa"
        )
        previous -= 1
    # A última linha sem recuo da célula de texto anterior abre a admonição (que fica aberta).
    unindented = [
        line for line in cells[previous].source.splitlines() if line.strip() and line[0] != " "
    ]
    assert unindented and _OPENING.match(unindented[-1]), (
        f"{chapter.name}, célula {index}: a célula de texto anterior não termina com "
        f'!!! warning "Erro comum: ..." aberto; termina com {unindented[-1:]}'
    )


@pytest.mark.parametrize("chapter", sorted({c for c, _, _ in BOXES}), ids=lambda c: c.stem)
def test_boxes_print_the_pinned_torch_message(chapter: Path) -> None:
    """Cada caixa roda sozinha e imprime a mensagem exata (``expect_error`` confere)."""
    namespace: dict[str, object] = {"__name__": "caixa"}
    exec(_imports(chapter), namespace)  # os imports do próprio capítulo
    for _, index, source in [b for b in BOXES if b[0] == chapter]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(source, f"{chapter.name}:célula {index}", "exec"), namespace)
        for key in _KEY.findall(source):
            assert MESSAGES[key] in out.getvalue().splitlines(), (key, out.getvalue())


def test_expect_error_fails_on_a_changed_or_missing_message() -> None:
    with pytest.raises(AssertionError, match="mudou de mensagem"):
        with expect_error("total-length"):
            raise ValueError("outra mensagem")
    with pytest.raises(AssertionError, match="não aconteceu"):
        with expect_error("total-length"):
            pass


# --- no site construído ---------------------------------------------------------------------


def _search_docs() -> list[dict]:
    from test_site import SITE

    index = SITE / "search" / "search_index.json"
    if not index.is_file():
        pytest.fail(f"{index} não existe; rode `mkdocs build --strict` antes.")
    return json.loads(index.read_text(encoding="utf-8"))["docs"]


def _plain(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def _box_section(key: str) -> dict:
    """O documento do índice de busca da caixa do erro ``key`` (a seção do título da caixa)."""
    chapter = _keys()[key][0]
    message = " ".join(MESSAGES[key].split())
    found = [
        d
        for d in _search_docs()
        if message in _plain(d["text"]) and not d["location"].startswith("referencia/api/")
    ]
    assert [d["location"].split("#")[0] for d in found] == [f"capitulos/{chapter}/"], (
        f"{key}: a mensagem deveria estar só na caixa do capítulo {chapter}; está em "
        f"{[d['location'] for d in found]}"
    )
    return found[0]


@pytest.mark.site
@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_search_index_has_the_message_in_the_box_section(key: str) -> None:
    """A caixa é uma seção própria do índice, com a mensagem no título (que pesa mais)."""
    box = _box_section(key)
    assert "#erro-comum-" in box["location"], box["location"]
    title = _plain(box["title"])
    assert title.startswith("Erro comum: "), title
    first_sentence = re.split(r"(?<=\.) (?=[A-Z])", MESSAGES[key], maxsplit=1)[0]
    assert first_sentence in title, (title, first_sentence)


@pytest.mark.serial  # o índice da busca demora a montar com outro processo disputando a CPU
@pytest.mark.site
@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_pasting_the_message_in_the_search_box_finds_the_box(key: str, server, browser) -> None:
    """No Chromium, a mensagem inteira colada na busca: o primeiro resultado é a caixa."""
    section = _box_section(key)["location"]
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.goto(server, wait_until="load")
    found = search(page, MESSAGES[key], server)
    page.close()
    page_url = section.split("#")[0]
    assert found[:2] == [page_url, section], (
        f"{key}: esperava a página {page_url} e a caixa {section} primeiro; vieram {found[:4]}"
    )
