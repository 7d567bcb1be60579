"""Fixtures comuns: o servidor local do site construído (o de ``test_site.py``) e o livro impresso.

O PDF da versão de impressão é caro (o Chromium tipografa o livro inteiro): sai uma vez por
sessão e serve a ``test_impressao.py`` e a ``test_folha.py``.
"""

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest
from test_impressao import PRINT_PAGE, print_to_pdf
from test_site import browser, server  # noqa: F401  (test_impressao, test_erros_comuns)


@pytest.fixture(scope="session")
def pdf(server: str) -> Iterator[pypdf.PdfReader]:  # noqa: F811
    """O livro inteiro (``print_page/``) impresso em PDF pelo Chromium."""
    if not PRINT_PAGE.is_file():
        pytest.fail(f"{PRINT_PAGE} não existe; rode `mkdocs build --strict` antes.")
    with tempfile.TemporaryDirectory() as tmp:
        yield print_to_pdf(f"{server}print_page/", Path(tmp))


@pytest.fixture(scope="session")
def pages_text(pdf: pypdf.PdfReader) -> list[str]:
    """O texto de cada página do livro impresso."""
    return [page.extract_text() for page in pdf.pages]
