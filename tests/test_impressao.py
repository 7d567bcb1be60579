"""A versão de impressão: o livro inteiro numa página, impresso em PDF pelo Chromium.

Usa o site construído (``site/``, ou ``RECORRENTE_SITE``), como ``test_site.py``. O PDF é o que
``python scripts/paginas.py --pdf`` publica (``recorrente_build.pdf``, a fixture ``pdf`` de
``conftest.py``): o Chromium headless com ``--print-to-pdf``, o mesmo caminho de "Imprimir →
Salvar como PDF" do leitor, em duas passadas, a segunda com os números de página no sumário.
"""

from __future__ import annotations

import html as html_text
import re
from pathlib import Path
from urllib.parse import urlparse

import pypdf
import pytest
from test_site import ROOT, SITE, wait_for_formulas

from recorrente_build import pdf as book_pdf
from recorrente_build.addresses import from_environment

pytestmark = pytest.mark.site

PRINT_PAGE = SITE / "print_page" / "index.html"
# Segmento de curva no conteúdo de uma página do PDF, e quantos fazem uma página com fórmulas.
_CURVE = re.compile(rb"(?<=\s)c(?=\s)")
MATH_PAGE_CURVES = 1000
# Restos de TeX que só aparecem no texto do PDF quando o MathJax não tipografou a fórmula.
RAW_TEX = re.compile(r"\$[^$\n]{1,80}\$|\\(?:frac|tanh|sigma|odot|mathbf|begin|sum|left|right)\b")


def _chapter_titles() -> list[str]:
    titles = []
    for chapter in sorted((ROOT / "docs" / "capitulos").glob("*.py")):
        match = re.search(r"^# # (.+)$", chapter.read_text(encoding="utf-8"), re.MULTILINE)
        assert match, f"{chapter.name} não tem título de nível 1"
        titles.append(match[1].strip().replace("`", ""))  # o título de navegação é texto
    return titles


def print_to_pdf(url: str, folder: Path) -> pypdf.PdfReader:
    """Imprime ``url`` em PDF com o Chromium headless, usando ``folder`` como rascunho."""
    output = folder / "impresso.pdf"
    book_pdf.print_to_pdf(url, output, folder)
    return pypdf.PdfReader(output)


def test_pdf_has_cover_table_of_contents_and_every_chapter(pages_text: list[str]) -> None:
    site_name = re.search(r"^site_name: (.+)$", (ROOT / "mkdocs.yml").read_text(), re.M)[1]
    # 169 páginas antes das linhas de base ajustadas dos caps. 5–8 e das figuras em SVG; 207 depois
    assert 40 <= len(pages_text) <= 260, f"{len(pages_text)} páginas: o livro inteiro está lá?"
    assert site_name in pages_text[0] and "Versão para imprimir" in pages_text[0]
    assert "Sumário" in pages_text[1]
    # o texto extraído põe dois espaços depois de um trecho em código ("O nn.RNN  por dentro")
    whole = re.sub(r"[ \t]+", " ", "\n".join(pages_text))
    for title in _chapter_titles():
        assert title in pages_text[1], f"'{title}' não está no sumário"
        assert whole.count(title) >= 2, f"o capítulo '{title}' não está no corpo do PDF"
    assert "Glossário" in whole


def _plain(text: str) -> str:
    """O texto com os espaços juntados (o texto extraído põe dois depois de um trecho em código)."""
    return re.sub(r"\s+", " ", text).strip()


def _html_text(fragment: str) -> str:
    """O texto de um trecho de HTML, sem as marcas e sem o ¶ do link do título."""
    return _plain(html_text.unescape(re.sub(r"<[^>]+>", "", fragment))).rstrip("¶ ")


def _toc_entries() -> list[tuple[str, str]]:
    """Cada link do sumário com destino no PDF: (o título no sumário, o título da seção).

    Lidos do HTML da página de impressão: o sumário é uma cópia do índice lateral, e cada
    destino é uma ``<section>`` que começa com o seu ``<h1>`` (na página de "Início", o título é
    o do livro).
    """
    html = PRINT_PAGE.read_text(encoding="utf-8")
    entries = []
    for target in book_pdf.toc_targets(html):
        link = re.search(
            rf'<a href="#{re.escape(target)}" class="md-nav__link"[^>]*>(.*?)</a>', html, re.S
        )
        heading = re.search(
            rf"<section class=['\"]print-page[^'\"]*['\"] id=['\"]{re.escape(target)}['\"]"
            r"[^>]*>\s*(?:<!--.*?-->\s*)*<h1[^>]*>(.*?)</h1>",
            html,
            re.S,
        )
        assert link and heading, f"#{target}: sem link ou sem a seção com título na página"
        entries.append((_html_text(link[1]), _html_text(heading[1])))
    return entries


def _toc_lines(page: pypdf.PageObject) -> dict[str, str]:
    """As linhas de uma página do sumário: título (sem espaços) → o número à direita dele.

    O número é desenhado pelo CSS (``::after``) depois do título e sai em outro trecho do texto
    extraído; título e número estão na mesma linha de base (mesmo ``y``).
    """
    pieces: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font, size) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            pieces.append((-y, x, text.strip()))

    page.extract_text(visitor_text=visit)
    lines: list[list[tuple[float, float, str]]] = []
    for piece in sorted(pieces):
        if lines and abs(lines[-1][0][0] - piece[0]) < 2:  # a mesma linha de base
            lines[-1].append(piece)
        else:
            lines.append([piece])
    result = {}
    for line in lines:
        texts = [text for _, _, text in sorted(line, key=lambda p: p[1])]
        number = texts.pop() if len(texts) > 1 and texts[-1].isdigit() else ""
        result[re.sub(r"\s", "", "".join(texts))] = number
    return result


def test_toc_numbers_are_the_pages_where_each_section_starts(
    pdf: pypdf.PdfReader, pages_text: list[str]
) -> None:
    toc = _toc_lines(pdf.pages[1])
    entries = _toc_entries()
    assert len(entries) >= 12, f"só {len(entries)} entradas no sumário"
    numbers = []
    for title, heading in entries:
        number = toc.get(re.sub(r"\s", "", title))
        assert number, f"'{title}' sem número de página no sumário do PDF: {toc}"
        start = _plain(pages_text[int(number) - 1]).removeprefix(f"Página {number}").strip()
        assert start.startswith(heading), (
            f"o sumário diz que '{title}' começa na página {number}, que começa com {start[:70]!r}"
        )
        numbers.append(int(number))
    assert numbers == sorted(numbers) and numbers[0] > 2, numbers


def test_pdf_links_lead_inside_it_or_to_the_published_site(pdf: pypdf.PdfReader) -> None:
    uris = [
        annotation.get_object()["/A"].get("/URI", "")
        for page in pdf.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    ]
    local = [u for u in uris if urlparse(u).hostname in ("127.0.0.1", "localhost")]
    assert not local, f"links para o servidor local da impressão: {local[:3]}"
    assert any(u.startswith(from_environment().site_url) for u in uris), "nenhum link para o site"


def test_print_page_links_to_the_pdf_only_when_it_exists() -> None:
    html = PRINT_PAGE.read_text(encoding="utf-8")
    assert "<!-- pdf -->" in html, "a capa não tem o lugar do link para o PDF (templates/capa.tpl)"
    linked = f'href="../{book_pdf.PDF_NAME}"' in html
    assert linked == (SITE / book_pdf.PDF_NAME).is_file(), (
        "link para o PDF sem o PDF" if linked else "o PDF existe e a página não tem o link"
    )


def test_pdf_is_in_portuguese_without_notebook_noise(pages_text: list[str]) -> None:
    for number, text in enumerate(pages_text, start=1):
        assert f"Página {number}" in text, f"a página {number} não tem o rodapé 'Página {number}'"
        for noise in ("Page ", "In [", "Out[", "Copied", "Copy to clipboard"):
            assert noise not in text, f"'{noise}' na página {number} do PDF"


def test_pdf_formulas_are_typeset_and_figures_present(
    pdf: pypdf.PdfReader, pages_text: list[str]
) -> None:
    raw = [(n, m[0]) for n, t in enumerate(pages_text, 1) for m in RAW_TEX.finditer(t)]
    assert not raw, f"TeX cru no PDF (página, trecho): {raw[:5]}"
    # As fórmulas são desenhos SVG (hooks/typeset_math.py): no PDF, o contorno de cada letra é
    # um caminho na própria página, sem fonte. Uma página com fórmulas desenha milhares de
    # curvas (o operador "c" do PDF); sem elas, as caixas e os ícones de uma página dão algumas
    # dezenas (61 das 216 páginas passam de 1.000; com as fórmulas em CHTML, em fontes Type3,
    # eram 16).
    with_math = sum(_curves(page) >= MATH_PAGE_CURVES for page in pdf.pages)
    assert with_math >= 40, f"só {with_math} páginas com fórmulas desenhadas"
    html = PRINT_PAGE.read_text(encoding="utf-8")
    # As figuras dos capítulos são arquivos SVG à parte (scripts/paginas.py), não data: URIs.
    # No PDF, o Chromium desenha cada SVG como um XObject de formulário (vetorial, sem pixels).
    figures = len(re.findall(r'<img[^>]+src="[^"]+\.svg"', html))
    assert figures >= 6
    assert "data:image/" not in html, "figura embutida na página de impressão"
    assert sum(_drawn_objects(page) for page in pdf.pages) >= figures, "figuras faltando no PDF"


def _curves(page: pypdf.PageObject) -> int:
    """Quantos segmentos de curva (operador ``c``) o conteúdo da página desenha."""
    content = page.get_contents()
    return 0 if content is None else len(_CURVE.findall(content.get_data()))


def _drawn_objects(page: pypdf.PageObject) -> int:
    """Quantos XObjects (imagens e formulários, como os SVG) a página do PDF desenha."""
    xobjects = page.get("/Resources", {}).get("/XObject", {})
    return sum(x.get_object().get("/Subtype") in ("/Form", "/Image") for x in xobjects.values())


def test_pdf_ends_with_content_and_has_nothing_only_for_the_screen(pages_text: list[str]) -> None:
    last = pages_text[-1].replace(f"Página {len(pages_text)}", "").strip()
    assert len(last) > 200, f"a última página do PDF está quase vazia: {last!r}"
    assert not any(t.strip().startswith("API do pacote") for t in pages_text), (
        "folha de rosto da API, cujas páginas não vão para a impressão"
    )
    whole = re.sub(r"\s+", " ", "\n".join(pages_text)).lower()
    for screen_only in ("passa o mouse", "passe o mouse", "no topo da página"):
        assert screen_only not in whole, f"'{screen_only}' no papel"


def _headings() -> set[str]:
    """O texto de cada título (h2 a h6) da versão para imprimir."""
    page = PRINT_PAGE.read_text(encoding="utf-8")
    found = re.findall(r"<h([2-6])\b[^>]*>(.*?)</h\1>", page, re.DOTALL)
    return {text for _, heading in found if (text := _html_text(heading))}


def test_no_page_ends_with_a_heading_away_from_its_text(pages_text: list[str]) -> None:
    # Sem break-after: avoid nos títulos (recorrente.css), três páginas terminavam num título de
    # seção, com o texto dele na página seguinte (a 61, "As células do pacote comparadas com as
    # do PyTorch"; a 203 e a 215).
    headings = _headings()
    assert len(headings) > 50, "os títulos da versão para imprimir não foram encontrados"
    stranded = []
    for number, text in enumerate(pages_text, start=1):
        lines = [_plain(line) for line in text.splitlines()]
        lines = [line for line in lines if line and line != f"Página {number}"]
        if lines and lines[-1] in headings:
            stranded.append(f"página {number}: {lines[-1]}")
    assert not stranded, stranded


# A folha A4 (210 mm a 96 px por polegada) menos as margens laterais de 1,5em (16 px) que o
# print-site (css/print-site-material.css) dá à @page.
A4_TEXT_WIDTH = round(210 / 25.4 * 96 - 2 * 1.5 * 16)

_WIDE_IN_PRINT_JS = """
() => {
  const box = document.querySelector('.md-content__inner').getBoundingClientRect();
  const wide = e => e.getBoundingClientRect().right > box.right + 0.5
                    || e.scrollWidth > e.clientWidth + 1;
  const label = t => (t.closest('section.print-page')?.id || '?') + ': '
    + Array.from(t.querySelectorAll('th')).map(x => x.textContent.trim()).join(' | ').slice(0, 80);
  const shown = sel => Array.from(document.querySelectorAll(sel))
    .filter(e => getComputedStyle(e).display !== 'none' && e.getClientRects().length).length;
  return {
    tables: document.querySelectorAll('.md-content table').length,
    wideTables: Array.from(document.querySelectorAll('.md-content table')).filter(wide).map(label),
    wideOther: Array.from(document.querySelectorAll('.md-content :is(pre, img, .arithmatex)'))
      .filter(wide).length,
    copyButtons: shown('.md-clipboard, .md-code__button, .md-code__nav'),
    screenOnly: shown('.so-tela'),
  };
}
"""


def test_every_table_fits_the_a4_text_block_in_print(server: str, browser) -> None:
    context = browser.new_context(viewport={"width": A4_TEXT_WIDTH, "height": 1123})
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        page.goto(f"{server}print_page/", wait_until="load")
        wait_for_formulas(page)
        found = page.evaluate(_WIDE_IN_PRINT_JS)
        # O contorno com que o MathJax engrossa cada letra de fórmula: no PDF, o leitor o
        # desenha com um pixel da tela, e as fórmulas saíam em negrito (recorrente.css).
        strokes = page.evaluate(
            "[...new Set(Array.from(document.querySelectorAll('mjx-container path[data-c]'),"
            " (p) => getComputedStyle(p).stroke))]"
        )
    finally:
        context.close()
    assert strokes == ["none"], f"letras de fórmula com contorno no papel: {strokes}"
    assert found["tables"] >= 40, f"só {found['tables']} tabelas na página de impressão"
    assert not found["wideTables"], f"tabelas mais largas que a folha: {found['wideTables']}"
    assert not found["wideOther"], f"{found['wideOther']} blocos mais largos que a folha"
    assert found["copyButtons"] == 0, "botão de copiar no papel"
    assert found["screenOnly"] == 0, "frase só para a tela no papel"
