"""O passo que imprime o livro em PDF (``recorrente_build.pdf``), sem o Chromium de verdade.

As passadas, a conferência dos números e as falhas, com a impressão trocada por um PDF feito
aqui; o PDF do livro impresso pelo Chromium é conferido em ``test_impressao.py``.
"""

from __future__ import annotations

import os
import signal
import stat
import threading
import time
from pathlib import Path

import pypdf
import pytest

from recorrente_build import cli, pdf

PAGE = (
    '<html><body><section id="print-site-cover-page"><p>Capa</p><!-- pdf --><!-- /pdf -->'
    '</section><a href="../api/">API</a>'
    + pdf.EXAMPLE
    + '<section class="print-page" id="a"><h1>A</h1></section></body></html>'
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "print_page").mkdir()
    (tmp_path / "print_page" / "index.html").write_text(PAGE, encoding="utf-8")
    return tmp_path


@pytest.fixture
def printer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Troca o Chromium por um PDF de uma página; guarda a página que cada passada recebeu."""
    served: list[str] = []

    def fake_print(url: str, output: Path, folder: Path, timeout: float = 0) -> None:
        import urllib.request

        served.append(urllib.request.urlopen(url).read().decode())
        writer = pypdf.PdfWriter()
        writer.add_blank_page(100, 100)
        writer.write(output)

    monkeypatch.setattr(pdf, "print_to_pdf", fake_print)
    return served


def _pages_by_pass(monkeypatch: pytest.MonkeyPatch, *passes: dict[str, int]) -> None:
    """Cada passada acha os destinos nas páginas dadas, na ordem."""
    found = iter(passes)
    monkeypatch.setattr(pdf, "destination_pages", lambda reader, targets: next(found))


def test_second_pass_prints_the_numbers_of_the_first(site, printer, monkeypatch) -> None:
    _pages_by_pass(monkeypatch, {"a": 3, "b": 5}, {"a": 3, "b": 5})
    output = site / "livro.pdf"
    result = pdf.make_book_pdf(site, output, "https://s/", report=lambda line: None)
    assert output.is_file() and (result.pages, result.numbers) == (1, {"a": 3, "b": 5})
    assert len(result.seconds) == 2
    first, second = printer
    # o lugar do número existe nas duas passadas (vazio na primeira): a altura das linhas não muda
    assert first.count('data-pagina=""') == 2
    assert 'href="#a" data-pagina="3"' in second and 'href="#b" data-pagina="5"' in second
    # os links para páginas fora da impressão apontam para o site publicado, não para o servidor
    assert 'href="https://s/api/"' in second and 'href="../' not in second


def test_numbers_that_move_get_a_third_pass(site, printer, monkeypatch) -> None:
    _pages_by_pass(monkeypatch, {"a": 3, "b": 5}, {"a": 3, "b": 6}, {"a": 3, "b": 6})
    lines: list[str] = []
    result = pdf.make_book_pdf(site, site / "livro.pdf", "https://s/", report=lines.append)
    assert result.numbers == {"a": 3, "b": 6} and len(printer) == 3
    assert 'data-pagina="6"' in printer[2]
    assert any("1 entradas mudaram de página" in line for line in lines)


def test_pagination_that_never_settles_is_an_error_without_a_pdf(
    site, printer, monkeypatch
) -> None:
    _pages_by_pass(monkeypatch, *({"a": 3, "b": 5 + n} for n in range(pdf.MAX_PASSES)))
    output = site / "livro.pdf"
    with pytest.raises(pdf.PdfError, match="não assentou em 3 passadas"):
        pdf.make_book_pdf(site, output, "https://s/", report=lambda line: None)
    assert not output.exists() and not list(site.glob(".livro.pdf*"))


def test_missing_chromium_is_one_line_in_portuguese(site, monkeypatch, capsys) -> None:
    monkeypatch.setattr(pdf, "CHROMIUM", str(site / "sem-chromium"))
    assert cli.main(["--pdf", "--site", str(site)]) == 1
    err = capsys.readouterr().err
    assert "não consegui abrir o Chromium" in err and "RECORRENTE_CHROMIUM" in err
    assert "Traceback" not in err
    assert not (site / pdf.PDF_NAME).exists()
    assert "<!-- pdf --><!-- /pdf -->" in (site / pdf.PRINT_PAGE).read_text(encoding="utf-8")


def test_chromium_that_fails_leaves_no_pdf(site, monkeypatch) -> None:
    fake = site / "chromium"
    fake.write_text("#!/bin/sh\necho 'sem memória' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pdf, "CHROMIUM", str(fake))
    with pytest.raises(pdf.PdfError, match="código 3 sem gravar o PDF: sem memória"):
        pdf.make_book_pdf(site, site / "livro.pdf", "https://s/", report=lambda line: None)
    assert not (site / "livro.pdf").exists()


def test_site_not_built_says_what_to_run(tmp_path, capsys) -> None:
    assert cli.main(["--pdf", "--site", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert "não existe" in err and "mkdocs build" in err and "--pdf" in err
    assert len(err.splitlines()) == 1


def test_publish_writes_the_pdf_and_then_the_link(site, printer, monkeypatch) -> None:
    _pages_by_pass(monkeypatch, {"a": 3, "b": 5}, {"a": 3, "b": 5})
    output = pdf.publish(site, report=lambda line: None)
    assert output == site / pdf.PDF_NAME and output.is_file()
    html = (site / pdf.PRINT_PAGE).read_text(encoding="utf-8")
    assert html.count('href="../recorrente.pdf"') == 1
    # de novo: o link é trocado, não repetido
    _pages_by_pass(monkeypatch, {"a": 3, "b": 5}, {"a": 3, "b": 5})
    pdf.publish(site, report=lambda line: None)
    html = (site / pdf.PRINT_PAGE).read_text(encoding="utf-8")
    assert html.count('href="../recorrente.pdf"') == 1


def test_ctrl_c_stops_chromium_and_leaves_the_old_pdf(site, monkeypatch, capsys) -> None:
    old = site / pdf.PDF_NAME
    old.write_bytes(b"%PDF antigo")
    fake = site / "chromium"  # um Chromium que demora; o Ctrl-C chega no meio da impressão
    fake.write_text(f"#!/bin/sh\necho $$ > {site}/pid\nexec sleep 60\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pdf, "CHROMIUM", str(fake))

    def interrupt_when_printing() -> None:
        for _ in range(600):
            if (site / "pid").is_file():
                signal.raise_signal(signal.SIGINT)
                return
            time.sleep(0.05)

    threading.Thread(target=interrupt_when_printing, daemon=True).start()
    assert cli.main(["--pdf", "--site", str(site)]) == 130
    assert capsys.readouterr().err.strip() == cli.PDF_INTERRUPTED
    assert old.read_bytes() == b"%PDF antigo"
    chromium = int((site / "pid").read_text())
    with pytest.raises(ProcessLookupError):  # morto e recolhido, não um zumbi
        os.kill(chromium, 0)


def test_page_without_the_link_markers_is_an_error() -> None:
    with pytest.raises(pdf.PdfError, match="templates/capa.tpl"):
        pdf.with_download_link("<p>capa</p>", pdf.BookPdf(1, {}, []), 10)
