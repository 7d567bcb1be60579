"""O pacote como o leitor o recebe: sdist e wheel, ``twine check``, um venv novo e os notebooks
dos capítulos executados fora do repositório.

"Copie o código para o seu projeto" quer dizer isto: o notebook que a página oferece, num
diretório vazio, com o pacote instalado de um wheel (não de ``src/``), roda sem erro. O venv é
um só para o módulo: criá-lo é a parte cara (o torch entra com os arquivos do já instalado,
veja ``_link_installed_torch``). Do pacote instalado, aqui só o import, ``--version`` e
``--help``: a fumaça com treino (``scripts/fumaca.sh``) roda no workflow de lançamento, e o
treino já é exercitado pelos dois notebooks.
"""

from __future__ import annotations

import email
import email.policy
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

import recorrente
from recorrente_build.source import chapters
from recorrente_build.writing import outputs_of

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.distribuicao

VERSION = recorrente.__version__
# O capítulo 1 (só o pacote) e o capítulo que treina e lê dados mais barato: o 7 lê a série do
# S&P 500 que vem com o arch e treina LSTMs.
NOTEBOOKS = ["01_recorrencia", "07_bolsa"]


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{cmd}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _reader_env() -> dict[str, str]:
    """O ambiente de quem não tem o repositório: sem PYTHONPATH apontando para ``src/``."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """sdist e wheel, como ``python -m build`` os faz (o wheel sai do sdist, num ambiente de
    build isolado, com o setuptools que o pyproject pede)."""
    out_dir = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", str(out_dir), str(ROOT)])
    return out_dir


def _wheel(dist: Path) -> Path:
    (wheel,) = dist.glob("*.whl")
    return wheel


def test_sdist_and_wheel_pass_twine_check_strict(dist: Path) -> None:
    files = sorted(p.name for p in dist.iterdir())
    assert files == [f"recorrente-{VERSION}-py3-none-any.whl", f"recorrente-{VERSION}.tar.gz"]
    _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())])


def test_wheel_carries_the_license_the_metadata_and_no_book_tooling(dist: Path) -> None:
    with zipfile.ZipFile(_wheel(dist)) as wheel:
        names = wheel.namelist()
        info = f"recorrente-{VERSION}.dist-info"
        license_text = wheel.read(f"{info}/licenses/LICENSE").decode()
        meta = email.message_from_bytes(wheel.read(f"{info}/METADATA"), policy=email.policy.default)
    assert license_text.startswith("MIT License")
    assert "recorrente/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "docs/", "scripts/", "hooks/"))]
    assert meta["Version"] == VERSION
    assert meta["License-Expression"] == "MIT"
    assert meta["Author"] and meta["Keywords"]
    assert {u.split(",")[0] for u in meta.get_all("Project-URL")} == {
        "Livro",
        "Código-fonte",
        "Problemas",
    }
    assert "Typing :: Typed" in meta.get_all("Classifier")
    assert meta["Description-Content-Type"] == "text/markdown"
    assert "pip install recorrente" in meta.get_payload()
    requirements = meta.get_all("Requires-Dist")
    # Sem teto para o torch (o Colab não é rebaixado) e nada do build do livro.
    assert "torch>=2.4" in requirements
    assert not meta.get_all("Provides-Extra")
    assert not [r for r in requirements if re.match(r"(mkdocs|zensical|pytest|ruff)", r)]


def test_pypi_readme_example_runs_and_prints_what_it_says() -> None:
    """O exemplo da página do PyPI roda e imprime o que o comentário dele promete."""
    text = (ROOT / "README.pypi.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    result = _run([sys.executable, "-c", code])
    promised = code.strip().splitlines()[-1].split("# ")[-1]
    assert result.stdout.strip() == promised


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory) -> Path:
    """Um venv novo com o wheel (e o torch fixado do livro, de CPU), sem nada do repositório."""
    venv_dir = tmp_path_factory.mktemp("venv") / "venv"
    start = time.monotonic()
    _run([sys.executable, "-m", "venv", str(venv_dir)])
    pip = [str(venv_dir / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    constraints = ROOT / "requirements" / "constraints.txt"
    torch = next(
        line for line in constraints.read_text().splitlines() if line.startswith("torch==")
    )
    if not _link_installed_torch(torch, venv_dir):
        # Como o scripts/instalar.sh: RECORRENTE_TORCH_INDICE escolhe o índice do torch (no CI,
        # o de CPU); sem ela, o índice padrão do pip (aqui, o wheel de CPU da máquina).
        index_url = os.environ.get("RECORRENTE_TORCH_INDICE")
        _run([*pip, torch, *(["--index-url", index_url] if index_url else [])], env=_reader_env())
    # O wheel com as versões fixadas do livro, e o kernel do Jupyter para os notebooks.
    _run([*pip, "-c", str(constraints), str(_wheel(dist)), "ipykernel"], env=_reader_env())
    print(f"venv novo com o wheel em {time.monotonic() - start:.0f} s")
    return venv_dir


def _link_installed_torch(pinned: str, venv: Path) -> bool:
    """Põe no venv novo os arquivos do torch instalado neste ambiente, se ele é o fixado e de CPU.

    É o que o pip descompactaria do mesmo wheel (o ``pip install`` de ``scripts/instalar.sh``),
    arquivo por arquivo, em ligações físicas (cópia se o disco for outro): instalar o torch de
    novo levava 1,5 min no CI (900 MB descompactados e compilados) para conferir o que o
    ``instalar.sh`` já conferiu. O resto (as dependências do torch e do wheel) o pip instala no
    venv novo. Os scripts de ``bin/`` do torch ficam de fora: apontam para o outro Python.
    Devolve False (e o pip instala o torch) se o daqui é outra versão ou a de CUDA.
    """
    try:
        dist = importlib.metadata.distribution("torch")
    except importlib.metadata.PackageNotFoundError:
        return False
    cuda = any(r.startswith("nvidia") for r in dist.requires or [])
    if cuda or dist.version.split("+")[0] != pinned.removeprefix("torch=="):
        return False
    python_dir = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site_packages = venv / "lib" / python_dir / "site-packages"
    for file in dist.files or []:
        origin = Path(dist.locate_file(file))
        if file.parts[0] == ".." or not origin.is_file():
            continue
        target = site_packages / file
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(origin, target)
        except OSError:
            shutil.copy2(origin, target)
    return True


def test_installed_package_imports_and_answers_version_and_help(venv: Path, tmp_path: Path) -> None:
    """Num diretório vazio, o pacote vem do venv (não de ``src/``) e a CLI responde."""
    env = _reader_env()
    python, cli = str(venv / "bin" / "python"), str(venv / "bin" / "recorrente")
    origin = _run(
        [python, "-c", "import recorrente; print(recorrente.__file__)"], cwd=tmp_path, env=env
    ).stdout.strip()
    assert Path(origin).is_relative_to(venv), f"recorrente veio de {origin}"
    version_output = _run([cli, "--version"], cwd=tmp_path, env=env).stdout
    assert VERSION in version_output
    help_text = _run([cli, "--help"], cwd=tmp_path, env=env).stdout
    assert "nomes" in help_text


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_downloaded_notebook_runs_outside_the_repository(
    venv: Path, name: str, tmp_path: Path
) -> None:
    """O notebook de "Baixar notebook", sozinho num diretório vazio, roda no venv novo."""
    (chapter,) = chapters([name])
    notebook_file = outputs_of(chapter)[2]
    if not notebook_file.is_file():
        pytest.fail(f"{notebook_file.name} não foi gerado; rode `mkdocs build` antes.")
    folder = tmp_path / "meu-projeto"
    folder.mkdir()
    shutil.copy(notebook_file, folder)
    nb = nbformat.read(folder / notebook_file.name, as_version=4)
    # Uma célula a mais no fim: de onde o kernel importou o pacote.
    nb.cells.append(nbformat.v4.new_code_cell("import recorrente\nprint(recorrente.__file__)"))
    kernels = tmp_path / "kernels"
    (kernels / "venv-novo").mkdir(parents=True)
    (kernels / "venv-novo" / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [
                    str(venv / "bin" / "python"),
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                ],
                "display_name": "venv novo",
                "language": "python",
            }
        )
    )
    # Por soquetes locais (IPC), como o passo de renderização: nada aberto na rede.
    kernel = KernelManager(
        kernel_name="venv-novo",
        kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]),
        transport="ipc",
        ip=str(kernels / "k"),
    )
    env = {**_reader_env(), "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
    start = time.monotonic()
    NotebookClient(
        nb, km=kernel, timeout=600, allow_errors=False, resources={"metadata": {"path": folder}}
    ).execute(env=env)
    print(f"{notebook_file.name} executado fora do repositório em {time.monotonic() - start:.0f} s")
    origin = Path(nb.cells[-1].outputs[0]["text"].strip())
    assert origin.is_relative_to(venv), f"o kernel importou recorrente de {origin}"
    # A célula de instalação não instalou nada (o pacote já estava lá) e o capítulo não deixou
    # arquivos no diretório do leitor.
    assert sorted(p.name for p in folder.iterdir()) == [notebook_file.name]
