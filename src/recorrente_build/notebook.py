"""O notebook que o leitor baixa (e abre no Colab): com as saídas e a instalação no topo."""

from __future__ import annotations

import copy

import nbformat
import yaml

from recorrente_build.markdown import page_files
from recorrente_build.settings import REMOVE, ROOT

INSTALL_CELL = """\
# Fora do repositório do livro (no Colab, por exemplo), instala o pacote `recorrente`,
# que traz os modelos e os dados dos capítulos. Onde ele já está instalado, não faz nada.
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("recorrente") is None:
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", {package!r}],
        check=True,
    )"""


def pip_requirement() -> str:
    """O requisito do ``pip`` para o pacote, de ``extra.notebooks.pacote`` do ``mkdocs.yml``."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    loader = type("_NoTags", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("", lambda loader, suffix, node: None)
    config = yaml.load(text, loader)  # noqa: S506 (SafeLoader, etiquetas viram None)
    return config["extra"]["notebooks"]["pacote"]


def downloadable(nb: nbformat.NotebookNode, package: str | None = None) -> nbformat.NotebookNode:
    """O notebook do leitor: sem as células ``remover``, com a célula de instalação no topo.

    Mantém as saídas: quem abre vê os resultados antes de rodar.

    Exemplo:
        >>> from recorrente_build.source import chapters, read
        >>> nb = downloadable(read(chapters(["01"])[0]), "recorrente")
        >>> nb.cells[0].cell_type, "pip" in nb.cells[0].source
        ('code', True)
    """
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if REMOVE not in c.metadata.get("tags", [])]
    page_files(nb, "")  # os arquivos da página não pesam no notebook do leitor
    package = package or pip_requirement()
    nb.cells.insert(0, nbformat.v4.new_code_cell(INSTALL_CELL.format(package=package)))
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
