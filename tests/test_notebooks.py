"""Notebooks para baixar e abrir no Colab, link de correção, versão e data da última mudança.

A conversão é testada direto em ``recorrente_build.notebook``; os links e o notebook publicado
(com as saídas da execução), no site construído (``site/`` ou ``RECORRENTE_SITE``); e a data e os
endereços, também num build feito fora do git e como o de um fork (outro
``GITHUB_REPOSITORY``), como o de quem baixa o repositório em .tar.gz.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import jupytext
import nbformat
import pytest
from configuracao import mkdocs_config
from test_site import SITE

import recorrente
from recorrente_build import addresses
from recorrente_build.notebook import downloadable, pip_requirements
from recorrente_build.settings import CACHE, REMOVE
from recorrente_build.source import read

ROOT = Path(__file__).resolve().parents[1]

CHAPTERS = sorted((ROOT / "docs" / "capitulos").glob("*.py"))
MONTHS = (
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro"
).split()
DATE = re.compile(r"\b\d{1,2} de (?:" + "|".join(MONTHS) + r") de \d{4}\b")


CONFIG = mkdocs_config()
ADDRESSES = addresses.from_environment()  # os do build que os testes do site conferem
PACKAGES = pip_requirements()
REMOVED_TAGS = [REMOVE]


def _notebook(chapter: Path) -> nbformat.NotebookNode:
    """O notebook para baixar, montado do capítulo ainda sem executar."""
    return downloadable(read(chapter), PACKAGES)


class _Links(HTMLParser):
    """Guarda os atributos dos elementos marcados com ``data-recorrente``."""

    def __init__(self) -> None:
        super().__init__()
        self.marked: dict[str, dict[str, str | None]] = {}
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("data-recorrente"):
            self._in = attributes["data-recorrente"]
            self.marked[self._in] = attributes
            self.text.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("a", "span", "div"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.marked[self._in]["texto"] = (self.marked[self._in].get("texto") or "") + data


def _marked(html_path: Path) -> dict[str, dict[str, str | None]]:
    parser = _Links()
    parser.feed(html_path.read_text(encoding="utf-8"))
    return parser.marked


def _page(chapter: Path, site: Path = SITE) -> Path:
    return site / "capitulos" / chapter.stem / "index.html"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_converts_to_a_valid_notebook_with_install_cell_first(chapter: Path) -> None:
    nb = _notebook(chapter)
    nbformat.validate(nb)
    first = nb.cells[0]
    assert first.cell_type == "code"
    assert all(repr(package) in first.source for package in PACKAGES)
    source_cells = [
        c
        for c in jupytext.read(chapter).cells
        if not set(REMOVED_TAGS) & set(c.metadata.get("tags", []))
    ]
    assert [c.source for c in nb.cells[1:]] == [c.source for c in source_cells]
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert nbformat.writes(nb) == nbformat.writes(_notebook(chapter)), (
        "a conversão precisa ser determinística"
    )


def _run_install_cell(monkeypatch, installed: bool, on_pypi: bool = True) -> list:
    """Executa a célula de instalação com um ``pip`` de mentira; devolve as chamadas."""
    calls: list = []
    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args):
        if name == "recorrente" and not installed:
            return None
        return real_find_spec(name, *args)

    def run(cmd, **kw):
        calls.append((cmd, kw))
        found = on_pypi or cmd[-1] != PACKAGES[0]
        return subprocess.CompletedProcess(cmd, 0 if found else 1)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    monkeypatch.setattr(subprocess, "run", run)
    cell = _notebook(CHAPTERS[0]).cells[0]
    exec(compile(cell.source, "instalar", "exec"), {})
    return calls


def test_install_cell_installs_only_when_the_package_is_missing(monkeypatch) -> None:
    assert _run_install_cell(monkeypatch, installed=True) == []
    ((command, options),) = _run_install_cell(monkeypatch, installed=False)
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    assert command[-1] == f"recorrente=={recorrente.__version__}" and options == {}


def test_install_cell_falls_back_to_the_same_version_from_the_repository(monkeypatch) -> None:
    (pypi, _), (git, options) = _run_install_cell(monkeypatch, installed=False, on_pypi=False)
    assert pypi[-1] == PACKAGES[0]
    assert git[-1] == f"recorrente @ git+{ADDRESSES.repo_url}@v{recorrente.__version__}"
    assert options == {"check": True}


def test_colab_and_package_point_at_the_repository_and_the_published_branch() -> None:
    repo = ADDRESSES.repository
    assert ADDRESSES.colab == f"https://colab.research.google.com/github/{repo}/blob/notebooks/"
    assert PACKAGES == ADDRESSES.packages(recorrente.__version__)
    # Nada de endereço escrito no mkdocs.yml: todos saem de addresses (hooks/repository.py).
    assert not {"site_url", "repo_url", "repo_name"} & set(CONFIG)
    assert "notebooks" not in CONFIG["extra"]
    workflow = (ROOT / ".github" / "workflows" / "publicar.yml").read_text()
    assert "site/capitulos/*.ipynb" in workflow and "notebooks\n" in workflow, (
        "o publicar.yml precisa enviar os notebooks ao ramo que o Colab abre"
    )


def _require_site() -> None:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"Site não encontrado em {SITE}; rode `mkdocs build --strict` antes.")


@pytest.mark.site
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_page_offers_download_and_colab(chapter: Path) -> None:
    _require_site()
    links = _marked(_page(chapter))
    download = links["baixar"]
    assert download["texto"].strip() == "Baixar notebook (.ipynb)"
    page_url = f"http://site/capitulos/{chapter.stem}/"
    target = urljoin(page_url, download["href"]).removeprefix("http://site/")
    published = nbformat.read(SITE / target, as_version=4)
    nbformat.validate(published)
    expected = _notebook(chapter)
    assert [c.cell_type for c in published.cells] == [c.cell_type for c in expected.cells], (
        f"{target} não tem as células de {chapter.name}"
    )
    for cell, source in zip(published.cells, expected.cells, strict=True):
        # no texto, cada {{ expr }} da fonte chega já trocado pelo valor calculado
        parts = [source.source]
        if cell.cell_type == "markdown":
            parts = re.split(r"\{\{[^\n{}]*?\}\}", source.source)
        pattern = "(?:.+?)".join(re.escape(p) for p in parts)
        assert re.fullmatch(pattern, cell.source, re.DOTALL), (
            f"{target} não tem as células de {chapter.name}: {source.source[:80]!r}"
        )
    # O leitor vê os resultados antes de rodar: as células de código vêm executadas.
    code = [c for c in published.cells[1:] if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), f"{target} sem execução"
    assert any(c.outputs for c in code), f"{target} sem saídas"
    colab = links["colab"]
    assert colab["texto"].strip() == "Abrir no Colab"
    assert colab["href"] == ADDRESSES.colab + target


def _check_footer(html_path: Path, source: str, repo_url: str = ADDRESSES.repo_url) -> None:
    links = _marked(html_path)
    assert DATE.search(links["data"]["texto"]), f"{html_path}: sem data em português"
    fix = links["corrigir"]
    assert fix["texto"].strip() == "Sugerir correção"
    assert fix["href"] == f"{repo_url}/{CONFIG['edit_uri']}{source}"
    # A versão do pacote que construiu a página, a mesma que o notebook instala.
    assert f"recorrente=={recorrente.__version__}" in links["versao"]["texto"]


@pytest.mark.site
def test_pages_show_last_change_and_link_to_their_source() -> None:
    _require_site()
    for chapter in CHAPTERS:
        _check_footer(_page(chapter), f"capitulos/{chapter.name}")
    _check_footer(SITE / "index.html", "index.md")
    _check_footer(SITE / "referencia" / "glossario" / "index.html", "referencia/glossario.md")


FORK = addresses.Addresses("fulana/livro-rnn")


@pytest.fixture(scope="module")
def fork_site(tmp_path_factory) -> Path:
    """O livro construído de uma cópia sem ``.git`` (como de um .tar.gz), como num fork no
    GitHub Actions (``GITHUB_REPOSITORY=fulana/livro-rnn``), reaproveitando o cache."""
    if not any(CACHE.glob("*.json")):
        pytest.fail("sem o cache do passo de renderização; rode `mkdocs build --strict` antes.")
    tmp_path = tmp_path_factory.mktemp("fork")
    copy = tmp_path / "recorrente"
    everywhere = shutil.ignore_patterns(
        "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info"
    )
    # Na raiz, o que o git ignora e o build refaz; "dist" só ali (o mhchemparser do npm, que o
    # mathjax-full carrega, tem a sua dist/). O node_modules entra por um link, como instalado.
    at_root = {".git", ".venv", "site", "site-zensical", ".cache", "dist", "node_modules"}

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = everywhere(folder, names)
        return skipped | (at_root & set(names)) if Path(folder) == ROOT else skipped

    shutil.copytree(ROOT, copy, ignore=ignore)
    if (ROOT / "node_modules").is_dir():
        (copy / "node_modules").symlink_to(ROOT / "node_modules")
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run(
        [str(mkdocs), "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        env={  # o pacote e o passo de renderização da cópia, como num pip install -e . nela
            "NO_MKDOCS_2_WARNING": "1",
            "PATH": f"{mkdocs.parent}:/usr/bin:/bin",
            "PYTHONPATH": str(copy / "src"),
            "GITHUB_REPOSITORY": FORK.repository,
        },
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # A URL só entra na célula de instalação e nos links, não no que o kernel calcula: o fork
    # reaproveita a execução de cada capítulo.
    for chapter in CHAPTERS:
        assert f"{chapter.name}: do cache" in result.stderr, (
            f"o build do fork sem git deveria reaproveitar a execução de {chapter.name}"
        )
    return tmp_path / "site"


@pytest.mark.site
def test_build_without_git_history_falls_back_to_build_date(fork_site: Path) -> None:
    """Um build de um .tar.gz (sem ``.git``) funciona, mostra a data do build e usa o cache."""
    _check_footer(
        _page(CHAPTERS[0], fork_site), f"capitulos/{CHAPTERS[0].name}", repo_url=FORK.repo_url
    )


# Qualquer endereço do repositório do livro: GitHub, Pages, Colab, git+https do pip.
_BOOK_ADDRESS = re.compile(r"recorrente/recorrente|recorrente\.github\.io", re.IGNORECASE)


@pytest.mark.site
def test_fork_build_points_only_at_the_fork(fork_site: Path) -> None:
    """Nenhuma página, notebook ou sitemap do fork aponta para o repositório do livro."""
    files = [
        p for p in fork_site.rglob("*") if p.suffix in {".html", ".xml", ".ipynb", ".json", ".js"}
    ]
    assert any(p.name == "sitemap.xml" for p in files)
    found_addresses = {
        str(p.relative_to(fork_site)): sorted(set(_BOOK_ADDRESS.findall(p.read_text("utf-8"))))
        for p in files
        if _BOOK_ADDRESS.search(p.read_text(encoding="utf-8"))
    }
    assert found_addresses == {}, found_addresses
    sitemap = (fork_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{FORK.site_url}</loc>" in sitemap
    home = (fork_site / "index.html").read_text(encoding="utf-8")
    assert f'href="{FORK.repo_url}"' in home  # o repositório no cabeçalho
    links = _marked(_page(CHAPTERS[0], fork_site))
    notebook = f"capitulos/{CHAPTERS[0].stem}.ipynb"
    assert links["colab"]["href"] == FORK.colab + notebook
    install_cell = nbformat.read(fork_site / notebook, as_version=4).cells[0].source
    assert repr(FORK.packages(recorrente.__version__)[1]) in install_cell
