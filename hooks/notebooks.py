"""Gera, a cada build, o notebook ``.ipynb`` de cada capítulo, pronto para rodar fora daqui.

Os capítulos moram no repositório como arquivos ``.py`` do jupytext; nenhum ``.ipynb`` é
guardado no git. Este hook converte cada capítulo e publica o resultado ao lado da página
(``capitulos/01_recorrencia.ipynb``), tanto no ``mkdocs build`` quanto no ``mkdocs serve``.
Cada notebook gerado:

- começa com uma célula que instala o pacote ``recorrente`` quando ele não está instalado
  (no Colab, por exemplo); dentro do ambiente do repositório, ela não faz nada;
- não traz as células que a página também esconde (``remove_cell_tags`` do mkdocs-jupyter);
- não tem saídas: quem abre roda.

Os endereços vêm de ``extra.notebooks`` no ``mkdocs.yml``: ``pacote`` (o que o ``pip``
instala) e ``colab`` (o prefixo do ramo ``notebooks``, para onde o workflow ``publicar.yml``
envia estes mesmos arquivos). Os botões da página estão em ``overrides/partials/actions.html``.

Exemplo:
    >>> nb = chapter_notebook(Path("docs/capitulos/01_recorrencia.py"), "recorrente", ["remover"])
    >>> nb.cells[0].cell_type, "pip" in nb.cells[0].source
    ('code', True)
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path, PurePosixPath

import jupytext
import nbformat
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

INSTALL_CELL = '''\
# Fora do repositório do livro (no Colab, por exemplo), instala o pacote `recorrente`,
# que traz os modelos e os dados dos capítulos. Onde ele já está instalado, não faz nada.
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("recorrente") is None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", {package!r}],
        check=True,
    )'''


def chapter_notebook(
    source: Path, package: str, removed_tags: Collection[str]
) -> nbformat.NotebookNode:
    """Converte um capítulo do jupytext num notebook com a célula de instalação no topo.

    Parâmetros:
        source: o arquivo ``.py`` do capítulo.
        package: o requisito do ``pip`` para o pacote (``recorrente @ git+https://...``).
        removed_tags: etiquetas das células que ficam de fora, como na página.

    Retorna:
        O notebook (nbformat 4), sem saídas e sem as células com essas etiquetas.
    """
    notebook = jupytext.read(source)
    notebook.cells = [
        cell
        for cell in notebook.cells
        if not set(removed_tags) & set(cell.metadata.get("tags", []))
    ]
    notebook.cells.insert(0, nbformat.v4.new_code_cell(INSTALL_CELL.format(package=package)))
    notebook.metadata.pop("jupytext", None)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(notebook.cells):
        cell.id = f"celula-{index:03d}"  # ids estáveis: o mesmo capítulo gera o mesmo arquivo
    nbformat.validate(notebook)
    return notebook


def notebook_uri(chapter_uri: str) -> str:
    """O caminho do notebook no site: ``capitulos/01_x.py`` vira ``capitulos/01_x.ipynb``."""
    return str(PurePosixPath(chapter_uri).with_suffix(".ipynb"))


def _settings(config: MkDocsConfig) -> dict[str, str]:
    settings = config.extra.get("notebooks") or {}
    missing = [key for key in ("pacote", "colab") if not settings.get(key)]
    if missing:
        raise PluginError(f"mkdocs.yml: faltam em extra.notebooks as chaves {', '.join(missing)}.")
    return settings


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    _settings(config)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    package = _settings(config)["pacote"]
    jupyter = config.plugins["mkdocs-jupyter"].config
    removed_tags = jupyter["remove_tag_config"].get("remove_cell_tags", [])
    chapters = [
        f for f in files if f.src_uri.startswith("capitulos/") and f.src_uri.endswith(".py")
    ]
    for chapter in chapters:
        notebook = chapter_notebook(Path(chapter.abs_src_path), package, removed_tags)
        files.append(
            File.generated(
                config, notebook_uri(chapter.src_uri), content=nbformat.writes(notebook) + "\n"
            )
        )
    return files
