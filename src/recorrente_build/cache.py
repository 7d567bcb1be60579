"""A execução guardada de cada capítulo e a chave que diz se ela ainda vale.

A chave cobre tudo o que muda uma saída: o código das células (a prosa não entra: editá-la não
executa nada), a versão do Python e os arquivos de dados do pacote, o caminho numérico e a base
das sementes, os arquivos do pacote ``recorrente`` que o capítulo carregou e as versões das
distribuições que o kernel carregou (torch, numpy, pandas, ...).

Uma entrada estragada (notebook truncado, chave que não é UTF-8 nem um objeto JSON, pasta do
cache que é um arquivo ou só de leitura) é só uma execução que não está no cache: o capítulo
executa de novo e, se não dá para guardar, o build segue com um aviso.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import nbformat

from recorrente_build.files import write_if_changed
from recorrente_build.settings import CACHE, PACKAGE, PUBLISHED, ROOT, Environment, relative


def sha(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def code_key(nb: nbformat.NotebookNode) -> str:
    """Resumo das células de código: a prosa não entra, então editá-la não executa nada.

    Exemplo:
        >>> a = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
        >>> b = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("texto"),
        ...                                     nbformat.v4.new_code_cell("x = 1")])
        >>> code_key(a) == code_key(b)
        True
    """
    return sha(*(c.source for c in nb.cells if c.cell_type == "code"))


@functools.cache
def environment_key() -> str:
    """A versão do Python e os arquivos de dados do pacote (o que não é ``.py``; o marcador
    ``py.typed``, que não muda saída nenhuma, também não entra)."""
    data = [
        sha(str(p.relative_to(PACKAGE)), p.read_bytes())
        for p in sorted(PACKAGE.rglob("*"))
        if p.is_file() and p.suffix not in (".py", ".pyc") and p.name != "py.typed"
    ]
    return sha(sys.version, *data)


def package_key() -> str:
    """Resumo de todos os arquivos ``.py`` do pacote: muda quando o autor edita o pacote.

    Serve ao ``serve`` para saber que um capítulo que falhou pode ter sido consertado no
    pacote (a execução que falhou não diz que módulos carregou).
    """
    return sha(*(sha(str(p.relative_to(PACKAGE)), p.read_bytes()) for p in _package_files()))


def _package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def versions(names: Iterable[str]) -> dict[str, str]:
    """A versão instalada agora de cada distribuição (``"ausente"`` se não está instalada).

    Exemplo:
        >>> versions(["nbformat"]) == {"nbformat": nbformat.__version__}
        True
    """
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "ausente"
    return found


def module_digests(files: Iterable[str]) -> dict[str, str]:
    """O resumo de cada arquivo (``"apagado"`` se não existe mais), pelo caminho relativo."""
    digests = {}
    for name in files:
        path = Path(name)
        if not path.is_absolute():
            path = ROOT / path
        try:
            digests[relative(path)] = sha(path.read_bytes())
        except FileNotFoundError:
            digests[relative(path)] = "apagado"
    return digests


@dataclasses.dataclass
class Cache:
    """Onde fica a execução guardada de um capítulo."""

    chapter: Path
    folder: Path = CACHE
    environment: Environment = PUBLISHED

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.chapter.stem}.ipynb"

    @property
    def key(self) -> Path:
        return self.folder / f"{self.chapter.stem}.json"

    def valid(self, nb: nbformat.NotebookNode) -> bool:
        """A execução guardada serve para este código, este ambiente e estes módulos?

        Uma chave ilegível, estragada ou de outro formato é só um "não".
        """
        try:
            stored = json.loads(self.key.read_text(encoding="utf-8"))
            return (
                self.notebook.is_file()
                and isinstance(stored, dict)
                and stored.get("codigo") == code_key(nb)
                and stored.get("ambiente") == environment_key()
                and stored.get("numerico") == self.environment.variables()
                and stored.get("modulos") == module_digests(stored.get("modulos", {}))
                and stored.get("versoes") == versions(stored.get("versoes", {}))
            )
        except (OSError, ValueError, TypeError, AttributeError):
            return False

    def read(self) -> nbformat.NotebookNode | None:
        """O notebook guardado, ou ``None`` se o arquivo está estragado."""
        try:
            return nbformat.read(self.notebook, as_version=4)
        except Exception:  # noqa: BLE001 (truncado, JSON inválido, outro formato: execute de novo)
            return None

    def store(self, executed: nbformat.NotebookNode, loaded: dict) -> str | None:
        """Guarda o notebook e a chave: código, ambiente, módulos e versões que ele carregou.

        Retorna:
            ``None``, ou a mensagem de por que não deu para guardar (a execução vale assim
            mesmo; só não fica no cache).
        """
        key = {
            "codigo": code_key(executed),
            "ambiente": environment_key(),
            "numerico": self.environment.variables(),
            "modulos": module_digests(loaded["arquivos"]),
            "versoes": versions(loaded["distribuicoes"]),
        }
        try:
            write_if_changed(self.notebook, nbformat.writes(executed))
            write_if_changed(self.key, json.dumps(key, indent=1, sort_keys=True))
        except OSError as error:
            return f"a execução de {self.chapter.name} não foi guardada em {self.folder}: {error}"
        return None


class Durations:
    """Quanto cada capítulo levou na última execução (para ordenar a próxima)."""

    _lock = threading.Lock()  # os capítulos terminam em threads diferentes

    def __init__(self, folder: Path = CACHE) -> None:
        self.path = folder / "duracoes.json"

    def read(self) -> dict:
        try:
            durations = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return durations if isinstance(durations, dict) else {}

    def store(self, chapter: Path, seconds: float) -> None:
        with self._lock:
            durations = self.read()
            durations[chapter.stem] = round(seconds, 1)
            try:
                write_if_changed(self.path, json.dumps(durations, indent=1, sort_keys=True))
            except OSError:
                pass  # só serve para ordenar a próxima execução
