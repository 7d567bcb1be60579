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
from test_site import CHROMIUM, CHROMIUM_ARGS, ROOT, SITE

pytestmark = pytest.mark.site

PRINT_PAGE = SITE / "print_page" / "index.html"
# Restos de TeX que só aparecem no texto do PDF quando o MathJax não tipografou a fórmula.
RAW_TEX = re.compile(r"\$[^$\n]{1,80}\$|\\(?:frac|tanh|sigma|odot|mathbf|begin|sum|left|right)\b")


def _chapter_titles() -> list[str]:
    titles = []
    for chapter in sorted((ROOT / "docs" / "capitulos").glob("*.py")):
        match = re.search(r"^# # (.+)$", chapter.read_text(encoding="utf-8"), re.MULTILINE)
        assert match, f"{chapter.name} não tem título de nível 1"
        titles.append(match[1].strip())
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
    assert 40 <= len(pages_text) <= 200, f"{len(pages_text)} páginas: o livro inteiro está lá?"
    assert site_name in pages_text[0] and "Versão para imprimir" in pages_text[0]
    assert "Sumário" in pages_text[1]
    whole = "\n".join(pages_text)
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
    # As figuras dos capítulos são arquivos PNG à parte (scripts/paginas.py), não data: URIs.
    figures = len(re.findall(r'<img[^>]+src="[^"]+\.png"', html))
    assert figures >= 6
    assert "data:image/png" not in html, "figura embutida na página de impressão"
    assert sum(len(page.images) for page in pdf.pages) >= figures, "figuras faltando no PDF"
