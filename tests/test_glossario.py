"""Glossário e siglas: cada termo definido nos capítulos tem entrada, e cada sigla, dica.

- Os termos novos são marcados nos capítulos com ``<dfn>`` (em células Markdown, fora de títulos
  e fórmulas); ``docs/referencia/glossario.md`` tem uma linha por termo, em ordem alfabética, com
  o link para a seção do capítulo onde está o ``<dfn>``.
- As siglas ficam em ``includes/abreviacoes.md``; toda página Markdown, inclusive as dos
  capítulos (geradas por ``scripts/paginas.py``), as recebe pela extensão ``abbr`` (o
  ``pymdownx.snippets`` anexa o arquivo ao fim de cada página), sem hook nenhum.
- Com o site construído (``site/`` ou ``RECORRENTE_SITE``), confere as âncoras dos links e as
  ``<abbr>`` nas páginas; sem ele, essas verificações são puladas com o motivo.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import jupytext
import pytest
from test_site import SITE  # o mesmo site, ou RECORRENTE_SITE

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS_DIR = ROOT / "docs" / "capitulos"
GLOSSARY = ROOT / "docs" / "referencia" / "glossario.md"
ABBREVIATIONS_FILE = ROOT / "includes" / "abreviacoes.md"
CHAPTERS = sorted(CHAPTERS_DIR.glob("*.py"))

# Palavras em maiúsculas que aparecem nos capítulos e não são siglas.
NOT_ABBREVIATIONS = {
    "JOÃO": "nome como o censo o escreveria, citado no capítulo 6",
    "JOAO": "nome como vem da fonte, sem acento, citado no capítulo 6",
    "NVIDIA": "nome de empresa",
}

_DFN = re.compile(r'<dfn(?:\s+title="(?P<title>[^"]*)")?\s*>(?P<inner>.*?)</dfn>', re.DOTALL)
_FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)
_CODE_SPAN = re.compile(r"`[^`]*`")
_ROW = re.compile(
    r"^\|\s*(?P<term>[^|]+?)\s*\|\s*(?P<en>[^|]+?)\s*\|\s*(?P<definition>[^|]+?)\s*"
    r"\|\s*\[(?P<label>[^\]]+)\]\((?P<href>[^)\s]+)\)\s*\|\s*$"
)
_DEFINITION = re.compile(r"^\*\[(?P<abbr>[^\]]+)\]:[ \t]*(?P<title>.+?)\s*$", re.MULTILINE)
# Fórmulas na página construída: a arithmatex as deixa em span/div de classe "arithmatex".
_BUILT_MATH = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.DOTALL)
_SITE_SKIP = f"site não construído em {SITE}; rode `mkdocs build --strict` (o README faz isso)"


def _plain(markdown: str) -> str:
    """Texto de um trecho Markdown curto: sem ênfase, sem tags, espaços normalizados."""
    text = re.sub(r"<[^>]+>", "", markdown).replace("*", "").replace("_", " ")
    return " ".join(text.split())


def _sort_key(term: str) -> str:
    """Ordem alfabética do português: acentos e maiúsculas não contam."""
    decomposed = unicodedata.normalize("NFD", term.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _markdown_cells(chapter: Path) -> list[str]:
    return [c.source for c in jupytext.read(chapter).cells if c.cell_type == "markdown"]


def _prose(markdown: str) -> str:
    """O texto corrido de uma célula: sem blocos de código, fórmulas, código em linha nem as
    expressões dos valores citados (``{{ expr }}``, código Python)."""
    markdown = re.sub(r"\{\{[^\n{}]*\}\}", " ", markdown)
    return _CODE_SPAN.sub(" ", _MATH.sub(" ", _FENCE.sub(" ", markdown)))


@cache
def _dfns() -> list[tuple[str, str]]:
    """Pares (arquivo do capítulo, termo) de cada ``<dfn>``; o termo é o ``title`` ou o texto."""
    found = []
    for chapter in CHAPTERS:
        for cell in _markdown_cells(chapter):
            for m in _DFN.finditer(cell):
                found.append((chapter.name, m["title"] or _plain(m["inner"])))
    return found


@cache
def _glossary() -> list[dict[str, str]]:
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if m and not set(m["term"]) <= set("-: "):
            row = {k: _plain(v) if k != "href" else v for k, v in m.groupdict().items()}
            path, _, anchor = row["href"].partition("#")
            # O link vai para a página gerada (NN_nome.md); o <dfn> está no capítulo NN_nome.py.
            row["file"], row["anchor"] = Path(path).with_suffix(".py").name, anchor
            rows.append(row)
    return rows


def _entry(term: str) -> dict[str, str] | None:
    return next((r for r in _glossary() if r["term"].casefold() == term.casefold()), None)


def _site_page(chapter: str) -> Path:
    return SITE / "capitulos" / Path(chapter).stem / "index.html"


def _site_built() -> bool:
    return (SITE / "index.html").is_file()


# --- (a) os <dfn> dos capítulos e o glossário --------------------------------------------------


def test_every_chapter_marks_its_terms_with_dfn() -> None:
    for chapter in CHAPTERS:
        n = sum(1 for name, _ in _dfns() if name == chapter.name)
        assert n >= 3, f"{chapter.name} marca só {n} termos com <dfn>; marque os termos que define."


def test_each_term_is_defined_only_once() -> None:
    seen: dict[str, str] = {}
    for chapter, term in _dfns():
        key = term.casefold()
        assert key not in seen, (
            f"'{term}' tem <dfn> em {seen[key]} e em {chapter}; marque só a primeira definição."
        )
        seen[key] = chapter


def test_every_dfn_has_an_entry_pointing_to_its_chapter() -> None:
    for chapter, term in _dfns():
        entry = _entry(term)
        assert entry, f"'{term}' ({chapter}) não está em {GLOSSARY.relative_to(ROOT)}."
        assert entry["file"] == chapter, (
            f"A entrada '{term}' do glossário aponta para {entry['file']}, mas o <dfn> está em "
            f"{chapter}."
        )


def test_every_glossary_entry_has_a_dfn() -> None:
    marked = {term.casefold() for _, term in _dfns()}
    for row in _glossary():
        assert row["term"].casefold() in marked, (
            f"A entrada '{row['term']}' do glossário não tem <dfn> em nenhum capítulo; marque a "
            "definição no capítulo (ou tire a entrada)."
        )


def test_glossary_is_alphabetical_and_complete() -> None:
    rows = _glossary()
    assert len(rows) >= 30, f"O glossário tem só {len(rows)} entradas legíveis (esperado ≥ 30)."
    terms = [r["term"] for r in rows]
    assert terms == sorted(terms, key=_sort_key), (
        "O glossário não está em ordem alfabética (sem contar acentos nem maiúsculas); ordem "
        f"esperada: {sorted(terms, key=_sort_key)}"
    )
    for row in rows:
        assert row["en"] and row["definition"], f"A entrada '{row['term']}' está incompleta."
        assert row["label"].startswith("Cap. "), f"Rótulo do link de '{row['term']}': 'Cap. N'."


def test_dfn_stays_out_of_titles_and_formulas() -> None:
    for chapter in CHAPTERS:
        for cell in _markdown_cells(chapter):
            text = _FENCE.sub(" ", cell)
            for line in text.splitlines():
                assert not (line.startswith("#") and "<dfn" in line), (
                    f"{chapter.name}: <dfn> num título quebra as âncoras do sumário: {line!r}"
                )
            for math in _MATH.findall(text):
                assert "<dfn" not in math, f"{chapter.name}: <dfn> dentro de fórmula: {math!r}"


# --- (b) os links do glossário ---------------------------------------------------------------


def test_glossary_links_point_to_existing_chapters() -> None:
    for row in _glossary():
        target = (GLOSSARY.parent / row["href"].partition("#")[0]).resolve()
        assert target.suffix == ".md" and target.with_suffix(".py").is_file(), (
            f"O link de '{row['term']}' ({row['href']}) não aponta para um capítulo existente."
        )
        assert target.parent == CHAPTERS_DIR, f"O link de '{row['term']}' sai de docs/capitulos/."
        assert row["anchor"], f"O link de '{row['term']}' não tem âncora da seção (#...)."


class _Sections(HTMLParser):
    """Lê uma página construída: ids de todos os elementos e a seção (título) de cada <dfn>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.section_of: dict[str, str] = {}
        self._section = ""
        self._dfn: list[str] | None = None
        self._title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
            if re.fullmatch(r"h[1-6]", tag):
                self._section = attributes["id"]
        if tag == "dfn":
            self._dfn, self._title = [], attributes.get("title") or ""

    def handle_data(self, data: str) -> None:
        if self._dfn is not None:
            self._dfn.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "dfn" and self._dfn is not None:
            term = self._title or " ".join("".join(self._dfn).split())
            self.section_of[term.casefold()] = self._section
            self._dfn = None


@cache
def _sections(chapter: str) -> _Sections:
    parser = _Sections()
    parser.feed(_site_page(chapter).read_text(encoding="utf-8"))
    return parser


def test_glossary_anchors_are_the_dfn_section_in_the_site() -> None:
    if not _site_built():
        pytest.skip(_SITE_SKIP)
    for row in _glossary():
        page = _sections(row["file"])
        assert row["anchor"] in page.ids, (
            f"A âncora #{row['anchor']} de '{row['term']}' não existe em "
            f"{_site_page(row['file']).relative_to(SITE)}."
        )
        section = page.section_of.get(row["term"].casefold())
        assert section == row["anchor"], (
            f"'{row['term']}' é definido na seção #{section} da página construída, mas o "
            f"glossário aponta para #{row['anchor']}."
        )


# --- (c) siglas ------------------------------------------------------------------------------


def _caps_words(text: str) -> set[str]:
    """Palavras com duas ou mais maiúsculas e nenhuma minúscula (RNN, S&P, CO₂)."""
    words = re.findall(r"[\w&]+", re.sub(r"<[^>]+>|https?://\S+", " ", text))
    return {
        w.strip("&")
        for w in words
        if sum(c.isupper() for c in w) >= 2 and not any(c.islower() for c in w)
    }


def _abbreviations() -> dict[str, str]:
    text = ABBREVIATIONS_FILE.read_text(encoding="utf-8")
    return {m["abbr"].strip(): m["title"] for m in _DEFINITION.finditer(text)}


def _used_abbreviations(chapter: Path) -> set[str]:
    """Siglas do texto corrido do capítulo (fora de títulos, que o teste não exige)."""
    cells = (re.sub(r"(?m)^#.*$", " ", _prose(cell)) for cell in _markdown_cells(chapter))
    prose = " ".join(cells)
    return {a for a in _abbreviations() if re.search(rf"(?<!\w){re.escape(a)}(?!\w)", prose)}


def test_abbreviations_file_has_only_definitions() -> None:
    lines = [ln for ln in ABBREVIATIONS_FILE.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert len(lines) == len(_abbreviations()), (
        "includes/abreviacoes.md entra no fim de toda página Markdown: cada linha deve ser "
        "'*[SIGLA]: expansão' (outras linhas apareceriam no texto)."
    )
    assert len(set(_abbreviations())) == len(lines), "Sigla repetida em includes/abreviacoes.md."


def test_abbreviations_in_chapters_and_pages_are_defined() -> None:
    defined = set(_abbreviations())
    sources = {c.name: " ".join(_prose(cell) for cell in _markdown_cells(c)) for c in CHAPTERS}
    for page in [ROOT / "docs" / "index.md", GLOSSARY]:
        sources[page.name] = _prose(page.read_text(encoding="utf-8"))
    for name, text in sources.items():
        missing = _caps_words(text) - defined - set(NOT_ABBREVIATIONS)
        assert not missing, (
            f"{name} usa siglas sem definição: {sorted(missing)}. Acrescente "
            "'*[SIGLA]: expansão' em includes/abreviacoes.md (ou, se não for sigla, em "
            "NOT_ABBREVIATIONS)."
        )


def test_every_defined_abbreviation_is_used() -> None:
    used = set().union(*(_used_abbreviations(c) for c in CHAPTERS))
    index = _prose((ROOT / "docs" / "index.md").read_text(encoding="utf-8"))
    used |= {a for a in _abbreviations() if re.search(rf"(?<!\w){re.escape(a)}(?!\w)", index)}
    unused = set(_abbreviations()) - used
    assert not unused, f"Siglas definidas e nunca usadas no texto: {sorted(unused)}."


# --- (d) o site construído ---------------------------------------------------------------------


class _AbbrPlaces(HTMLParser):
    """Junta as <abbr> de uma página e acusa as que estão em código ou num título."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.abbrs: set[tuple[str, str]] = set()
        self.misplaced: list[str] = []
        self._open: list[str] = []
        self._title: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "abbr":
            self._title = dict(attrs).get("title") or ""
            bad = {"code", "pre", "script"} & set(self._open)
            if bad:
                self.misplaced.append(f"<abbr> dentro de <{min(bad)}>")
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self.abbrs.add((data, self._title))
            self._title = None


def _abbr_places(page: Path) -> _AbbrPlaces:
    parser = _AbbrPlaces()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("chapter", [c.name for c in CHAPTERS])
def test_site_chapter_has_the_abbreviations_it_uses(chapter: str) -> None:
    if not _site_built():
        pytest.skip(_SITE_SKIP)
    page = _abbr_places(_site_page(chapter))
    assert not page.misplaced, f"{chapter}: {page.misplaced[:3]}"
    abbreviations = _abbreviations()
    for abbr in sorted(_used_abbreviations(CHAPTERS_DIR / chapter)):
        assert (abbr, abbreviations[abbr]) in page.abbrs, (
            f"{chapter} usa {abbr} no texto, mas a página construída não tem "
            f'<abbr title="{abbreviations[abbr]}">{abbr}</abbr> (hooks/abreviacoes.py rodou?).'
        )


def test_site_abbreviations_stay_out_of_formulas() -> None:
    if not _site_built():
        pytest.skip(_SITE_SKIP)
    for chapter in CHAPTERS:
        html = _site_page(chapter.name).read_text(encoding="utf-8")
        formulas = _BUILT_MATH.findall(html)
        assert formulas, f"{chapter.name}: nenhuma fórmula da arithmatex na página construída"
        for _, math in formulas:
            assert "<abbr" not in math, f"{chapter.name}: <abbr> dentro de fórmula: {math!r}"


@pytest.mark.parametrize("page", ["index.html", "referencia/glossario/index.html"])
def test_site_markdown_pages_have_abbreviations(page: str) -> None:
    if not _site_built():
        pytest.skip(_SITE_SKIP)
    places = _abbr_places(SITE / page)
    assert ("RNN", _abbreviations()["RNN"]) in places.abbrs, f"{page} sem <abbr> para RNN."
    assert not places.misplaced, f"{page}: {places.misplaced[:3]}"


def test_site_print_version_has_abbreviations_in_chapters() -> None:
    if not _site_built():
        pytest.skip(_SITE_SKIP)
    html = (SITE / "print_page" / "index.html").read_text(encoding="utf-8")
    first_chapter = html.find('id="capitulos-01_recorrencia')
    assert first_chapter > 0, "a versão para imprimir não tem o capítulo 1"
    assert "<abbr title=" in html[first_chapter:], (
        "Os capítulos da versão para imprimir estão sem <abbr>: a página guardada pelo print-site "
        "deveria ser a mesma do capítulo, já com as siglas da extensão abbr."
    )
