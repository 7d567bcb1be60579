"""As camadas do pacote: cada módulo importa só das camadas abaixo dele (ou da sua), sem ciclo.

Lê os imports com ``ast`` (os de dentro de funções também: um import adiado continua sendo uma
dependência) e confere a tabela :data:`LAYERS`, a mesma que o CONTRIBUINDO.md desenha. Um
módulo novo precisa entrar na tabela.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "recorrente"

LAYERS: dict[str, int] = {
    # 0: a base, sem nada do livro
    "errors": 0, "formatting": 0, "reproducibility": 0, "stats": 0, "module_tools": 0,
    # 1: a lição (células, rede desdobrada, gradientes) e as peças de página
    "cells": 1, "recurrent": 1, "scans": 1, "gradients": 1, "shapes": 1, "common_errors": 1,
    "pages": 1,
    "__init__": 1,
    # 2: dados (lotes, nomes, valores, preços, tarefas sintéticas)
    "data": 2,
    # 3: modelos e perdas
    "models": 3, "seq2seq": 3, "parallel": 3,
    # 4: treino e checkpoints
    "training": 4, "checkpoints": 4,
    # 5: uma tarefa aplicada por módulo
    "classification": 5, "generation": 5, "forecasting": 5, "spelling": 5, "web": 5,
    "baselines": 5,
    # 6: figuras e linha de comando
    "plotting": 6, "cli": 6, "__main__": 6,
}  # fmt: skip
"""A camada de cada módulo (ou subpacote) de ``recorrente``, pelo primeiro nome depois dele."""


def module_name(path: Path, root: Path = SRC) -> str:
    """``src/recorrente/data/names.py`` → ``recorrente.data.names`` (o pacote, sem ``__init__``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, name: str, is_package: bool, known: set[str]) -> set[str]:
    """Os módulos de ``recorrente`` que o código importa, em qualquer lugar do arquivo."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # import relativo
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # "from pacote import submódulo" depende do submódulo
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        else:
            continue
        found.update(t for t in targets if t == PACKAGE or t.startswith(PACKAGE + "."))
    found.discard(name)
    return found


def layer_of(module: str) -> int | None:
    """A camada de um módulo pela tabela (``recorrente`` sozinho é o ``__init__``)."""
    parts = module.split(".")
    return LAYERS.get(parts[1] if len(parts) > 1 else "__init__")


def import_graph(root: Path = SRC) -> dict[str, set[str]]:
    """Módulo → os módulos do pacote que ele importa."""
    files = {module_name(p, root): p for p in sorted((root / PACKAGE).rglob("*.py"))}
    known = set(files)
    return {
        name: imports_of(path.read_text(encoding="utf-8"), name, path.name == "__init__.py", known)
        for name, path in files.items()
    }


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Cada import de uma camada acima da do módulo que importa, como texto."""
    return [
        f"{name} (camada {layer_of(name)}) importa {target} (camada {layer_of(target)})"
        for name, targets in sorted(graph.items())
        for target in sorted(targets)
        if None not in (layer_of(target), layer_of(name)) and layer_of(target) > layer_of(name)
    ]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Um ciclo de imports (a lista de módulos, o primeiro repetido no fim), ou ``None``."""
    state: dict[str, int] = {}  # 1: na pilha; 2: terminado
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_every_module_has_a_layer():
    missing = [name for name in import_graph() if layer_of(name) is None]
    assert not missing, f"Ponha na tabela LAYERS (e no CONTRIBUINDO.md): {missing}"


def test_no_module_imports_from_a_layer_above():
    assert upward_imports(import_graph()) == []


def test_no_import_cycle():
    assert find_cycle(import_graph()) is None


def _fake_package(tmp_path: Path, files: dict[str, str]) -> dict[str, set[str]]:
    for relative, text in files.items():
        path = tmp_path / PACKAGE / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return import_graph(tmp_path)


@pytest.mark.parametrize(
    "files, upward, cycle",
    [
        # o ciclo que havia: models -> classification (perda) -> models, escondido numa função
        (
            {
                "__init__.py": "",
                "models.py": "from recorrente.classification import soft_cross_entropy\n",
                "classification.py": "def load():\n    from recorrente.models import Net\n",
            },
            ["recorrente.models (camada 3) importa recorrente.classification (camada 5)"],
            ["recorrente.classification", "recorrente.models", "recorrente.classification"],
        ),
        # dados que dependem de modelos (para cima), por um import relativo
        (
            {"__init__.py": "", "data/__init__.py": "", "data/names.py": "from ..models import X\n",
             "models.py": ""},
            ["recorrente.data.names (camada 2) importa recorrente.models (camada 3)"],
            None,
        ),
        # "from recorrente.data import names" depende do submódulo; para baixo, sem ciclo
        (
            {"__init__.py": "", "data/__init__.py": "", "data/names.py": "",
             "training.py": "from recorrente.data import names\nimport recorrente.errors\n",
             "errors.py": ""},
            [],
            None,
        ),
    ],
)
def test_the_checker_catches_upward_imports_and_cycles(tmp_path, files, upward, cycle):
    graph = _fake_package(tmp_path, files)
    assert upward_imports(graph) == upward
    assert find_cycle(graph) == cycle
