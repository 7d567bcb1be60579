"""O notebook que o leitor baixa (e abre no Colab): com as saídas e a instalação no topo."""

from __future__ import annotations

import copy

import nbformat

import recorrente
from recorrente_build import addresses
from recorrente_build.markdown import page_files
from recorrente_build.settings import REMOVE

INSTALL_CELL = """\
# Fora do repositório do livro (no Colab, por exemplo), instala o pacote `recorrente` na versão
# com que este capítulo foi executado. Onde ele já está instalado, não faz nada.
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("recorrente") is None:
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    if subprocess.run([*pip, {pypi!r}]).returncode != 0:
        # Versão que não está no PyPI: a mesma, do repositório do livro.
        subprocess.run([*pip, {git!r}], check=True)"""


def pip_requirements() -> tuple[str, str]:
    """O que a célula de instalação pede ao ``pip``: esta versão do pacote no PyPI e, na falta
    dela, no repositório (:mod:`.addresses`, de ``GITHUB_REPOSITORY``)."""
    return addresses.from_environment().packages(recorrente.__version__)


def downloadable(
    nb: nbformat.NotebookNode, packages: tuple[str, str] | None = None
) -> nbformat.NotebookNode:
    """O notebook do leitor: sem as células ``remover``, com a célula de instalação no topo.

    Mantém as saídas: quem abre vê os resultados antes de rodar.

    Exemplo:
        >>> from recorrente_build.source import chapters, read
        >>> nb = downloadable(read(chapters(["01"])[0]), ("recorrente", "recorrente"))
        >>> nb.cells[0].cell_type, "pip" in nb.cells[0].source
        ('code', True)
    """
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if REMOVE not in c.metadata.get("tags", [])]
    page_files(nb, "")  # os arquivos da página não pesam no notebook do leitor
    pypi, git = packages or pip_requirements()
    nb.cells.insert(0, nbformat.v4.new_code_cell(INSTALL_CELL.format(pypi=pypi, git=git)))
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(nb.cells):
        cell.id = f"celula-{index:03d}"  # ids estáveis: o mesmo capítulo gera o mesmo arquivo
        if cell.cell_type == "code":
            for output in cell.get("outputs", []):
                output.get("metadata", {}).pop("recorrente_alt", None)
    nbformat.validate(nb)
    return nb
