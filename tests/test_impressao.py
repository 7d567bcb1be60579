"""A versão de impressão: o livro inteiro numa página, impresso em PDF pelo Chromium.

Usa o site construído (``site/``, ou ``RECORRENTE_SITE``), como ``test_site.py``. O PDF sai do
próprio Chromium headless com ``--print-to-pdf``, o mesmo caminho de "Imprimir → Salvar como
PDF" do leitor; o ``--virtual-time-budget`` deixa o MathJax terminar antes da impressão.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from test_site import CHROMIUM, CHROMIUM_ARGS, ROOT, SITE, wait_for_formulas

pytestmark = pytest.mark.site

PRINT_PAGE = SITE / "print_page" / "index.html"
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
    command = [
        CHROMIUM,
        *CHROMIUM_ARGS,
        f"--user-data-dir={folder}/perfil",
        "--virtual-time-budget=30000",
        "--no-pdf-header-footer",
        f"--print-to-pdf={output}",
        url,
    ]
    subprocess.run(command, capture_output=True, timeout=180, check=True)
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
    # O Chromium embute as fontes do MathJax (CHTML) como fontes Type3: uma página com Type3 é
    # uma página com fórmula tipografada. Os capítulos têm fórmulas do começo ao fim.
    with_math = sum(
        any(
            font.get_object().get("/Subtype") == "/Type3"
            for font in (page.get("/Resources", {}).get("/Font") or {}).values()
        )
        for page in pdf.pages
    )
    assert with_math >= 15, f"só {with_math} páginas com fórmulas tipografadas"
    html = PRINT_PAGE.read_text(encoding="utf-8")
    # As figuras dos capítulos são arquivos SVG à parte (scripts/paginas.py), não data: URIs.
    # No PDF, o Chromium desenha cada SVG como um XObject de formulário (vetorial, sem pixels).
    figures = len(re.findall(r'<img[^>]+src="[^"]+\.svg"', html))
    assert figures >= 6
    assert "data:image/" not in html, "figura embutida na página de impressão"
    assert sum(_drawn_objects(page) for page in pdf.pages) >= figures, "figuras faltando no PDF"


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
    finally:
        context.close()
    assert found["tables"] >= 40, f"só {found['tables']} tabelas na página de impressão"
    assert not found["wideTables"], f"tabelas mais largas que a folha: {found['wideTables']}"
    assert not found["wideOther"], f"{found['wideOther']} blocos mais largos que a folha"
    assert found["copyButtons"] == 0, "botão de copiar no papel"
    assert found["screenOnly"] == 0, "frase só para a tela no papel"
