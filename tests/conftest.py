"""Fixtures comuns: o servidor local do site construído (o de ``test_site.py``) e o livro impresso;
e como a bateria se reparte entre os dois processos do ``scripts/testar.sh``.

O PDF do livro é caro (o Chromium tipografa o livro inteiro, duas vezes: a segunda com os
números de página no sumário): sai uma vez por sessão e serve a ``test_impressao.py`` e a
``test_folha.py``, que por isso vão juntos para o mesmo processo (o grupo ``livro-impresso``).
"""

from pathlib import Path

import pypdf
import pytest
from test_impressao import PRINT_PAGE
from test_site import SITE, browser, server  # noqa: F401  (test_impressao, test_erros_comuns)

from recorrente_build.pdf import make_book_pdf


@pytest.fixture(scope="session")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> pypdf.PdfReader:
    """O livro inteiro em PDF, como ``python scripts/paginas.py --pdf`` o publica (fora do site)."""
    if not PRINT_PAGE.is_file():
        pytest.fail(f"{PRINT_PAGE} não existe; rode `mkdocs build --strict` antes.")
    output: Path = tmp_path_factory.mktemp("livro") / "recorrente.pdf"
    make_book_pdf(SITE, output, report=lambda line: None)
    return pypdf.PdfReader(output)


@pytest.fixture(scope="session")
def pages_text(pdf: pypdf.PdfReader) -> list[str]:
    """O texto de cada página do livro impresso."""
    return [page.extract_text() for page in pdf.pages]


# --- a repartição entre os dois processos (pytest -n 2 --dist loadfile) ---------------------------

# Os arquivos que usam o livro impresso: no mesmo processo, o PDF (fixture de sessão) sai uma vez.
PRINTED_BOOK = {"test_impressao.py", "test_folha.py"}

# Segundos aproximados dos grupos mais longos no CI (as etapas mais lentas do issue 21 somadas
# por arquivo, mais as menores do mesmo arquivo; o serial não conta). Só ordenam: os longos
# começam primeiro e os curtos (todo o resto, na ordem da coleta) tapam o fim, para os dois
# processos terminarem juntos. Errar aqui custa tempo, nunca um teste.
GROUP_SECONDS = {
    "tests/test_acessibilidade.py": 200,  # axe em cada página; a de impressão, 38 s
    "tests/test_distribuicao.py": 150,  # sdist e wheel, venv novo, notebooks 1 e 7 (47 s)
    "tests/test_desempenho.py": 120,  # CLS e texto das figuras, duas cargas por capítulo
    "tests/test_site.py": 100,  # cada página no Chromium
    "livro-impresso": 160,  # o PDF do livro (duas passadas de 69 s) e o da folha
    "tests/test_notebooks.py": 40,  # o build do fork sem git (28 s)
    "tests/test_paginas.py": 40,  # o site do Zensical (19 s)
    "tests/test_names.py": 30,  # o GRU curto contra o bigrama (19 s)
    "tests/test_nomes_web.py": 30,  # o gerador no Chromium (15 s)
}


def _group(nodeid: str) -> str:
    """O grupo do teste: o arquivo dele (as fixtures de módulo saem uma vez por arquivo), e um
    grupo só para os arquivos do livro impresso."""
    path = nodeid.split("::")[0]
    return "livro-impresso" if path.rsplit("/", 1)[-1] in PRINTED_BOOK else path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: -GROUP_SECONDS.get(_group(item.nodeid), 0))


@pytest.hookimpl(optionalhook=True)  # o hook é do pytest-xdist
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadfile`` com os grupos de ``_group`` no lugar dos arquivos, na ordem da coleta.

    (A marca ``xdist_group`` com ``--dist loadgroup`` faria o mesmo, mas o xdist 3.8 marca o
    grupo no ``item._nodeid``, que o pytest 9.2 não usa mais: os testes saíam soltos.)
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid)

    # A ordem dos grupos é a da coleta (pytest_collection_modifyitems), não a do número de testes.
    config.option.loadscopereorder = False
    return ByGroup(config, log)
