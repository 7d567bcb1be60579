"""A referência da API está completa e mostra o que as docstrings querem dizer.

Três garantias, sem construir o site (roda em poucos segundos):

1. todo módulo do pacote tem a sua página em ``docs/referencia/api/``, no ``nav`` do
   ``mkdocs.yml`` e na tabela do ``index.md`` da API;
2. toda função e classe pública (em ``__all__``) tem docstring com exemplo executável e
   títulos de seção em português;
3. o griffe, com a extensão ``hooks/docstrings_pt.py`` que o mkdocstrings usa, entende cada
   docstring: há uma seção de exemplos, nenhum título ficou como texto cru, nenhum papel do
   Sphinx sobrou e o analisador não reclamou de nada (o build estrito falharia).

Os exemplos em si rodam com ``pytest --doctest-modules src``.
"""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import logging
import re
from pathlib import Path

import griffe
import pytest
from configuracao import mkdocs_config

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "recorrente"
API_DOCS = ROOT / "docs" / "referencia" / "api"
EXTENSION = "hooks/docstrings_pt.py:PortugueseDocstrings"

#: Títulos do estilo Google em inglês: o leitor do ``help()`` veria inglês.
ENGLISH_TITLE = re.compile(
    r"^\s*(Args|Arguments|Parameters|Returns|Raises|Attributes|Examples?|Yields|Notes?):\s*$",
    re.MULTILINE,
)
#: Um título (em português ou em inglês) que sobrou como texto depois da análise.
RAW_TITLE = re.compile(
    r"^\s*(Parâmetros|Retorna|Levanta|Atributos|Exemplos?|Args|Returns|Raises|Attributes|"
    r"Examples?):\s*$",
    re.MULTILINE,
)
#: Papéis e diretivas do reStructuredText, que o Markdown mostraria crus.
SPHINX_ROLE = re.compile(r":(class|func|meth|mod|attr|data|exc|obj|math):`")
RST_DIRECTIVE = re.compile(r"^\s*\.\. [\w-]+::", re.MULTILINE)
#: Título já traduzido pela extensão → o tipo de seção que o griffe precisa produzir.
SECTION_KINDS = {
    "Args": ("parameters", "Parâmetros"),
    "Returns": ("returns", "Retorna"),
    "Raises": ("raises", "Levanta"),
    "Attributes": ("attributes", "Atributos"),
    "Examples": ("examples", "Exemplo"),
}
TRANSLATED_TITLE = re.compile(r"^\s*(" + "|".join(SECTION_KINDS) + r"):\s*$", re.MULTILINE)


def _only_reexports(path: Path) -> bool:
    """``True`` se o arquivo não define nada: só docstring, imports, ``__all__`` e afins."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if names and all(n.startswith("__") and n.endswith("__") for n in names):
                continue
        return False
    return True


def _documented_modules() -> list[str]:
    """Os módulos que precisam de página, com o nome sem o ``recorrente.`` da frente.

    Ficam de fora ``__main__``, a linha de comando (``cli``, documentada pelo ``--help``)
    e os ``__init__`` que só reexportam nomes de outros módulos.
    """
    modules = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__main__" or parts[0] == "cli":
            continue
        if parts[-1] == "__init__":
            if _only_reexports(path):
                continue
            parts = parts[:-1]
        modules.append(".".join(parts))
    return modules


MODULES = _documented_modules()


def _public_objects() -> list[tuple[str, str]]:
    """Pares ``(módulo, nome)`` de cada função e classe pública definida no próprio módulo."""
    pairs = []
    for module_name in MODULES:
        module = importlib.import_module(f"recorrente.{module_name}")
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            is_api = inspect.isfunction(obj) or inspect.isclass(obj)
            if is_api and getattr(obj, "__module__", None) == module.__name__:
                pairs.append((module_name, name))
    return pairs


PUBLIC = _public_objects()
PUBLIC_IDS = [f"{m}.{n}" for m, n in PUBLIC]


@functools.cache
def _nav_pages() -> frozenset[str]:
    config = mkdocs_config()

    def walk(item):
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for value in item.values():
                yield from walk(value)
        elif isinstance(item, list):
            for value in item:
                yield from walk(value)

    return frozenset(walk(config["nav"]))


@functools.cache
def _griffe_package() -> griffe.Module:
    """O pacote como o mkdocstrings o vê: estilo Google, com os títulos traduzidos."""
    return griffe.load(
        "recorrente",
        search_paths=[str(SRC)],
        extensions=griffe.load_extensions(str(ROOT / EXTENSION)),
        docstring_parser="google",
    )


def _parse(obj: griffe.Object, caplog: pytest.LogCaptureFixture) -> list:
    """Seções da docstring, e falha se o analisador avisar de algo (o build estrito cairia)."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="griffe"):
        sections = obj.docstring.parse("google")
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert not warnings, f"{obj.path}: o griffe avisou ao ler a docstring: {warnings}"
    return sections


def _check_rendering(obj: griffe.Object, sections: list) -> None:
    """O que a página vai mostrar: sem título cru, sem papel do Sphinx, Retorna bem dividido."""
    value = obj.docstring.value
    assert not SPHINX_ROLE.search(value), f"{obj.path}: papel do Sphinx sobrou na página"
    assert not RST_DIRECTIVE.search(value), (
        f"{obj.path}: diretiva do reStructuredText (como '.. math::') aparece crua na página; "
        "use $$ ... $$ para fórmulas"
    )
    kinds = [section.kind.value for section in sections]
    for title in TRANSLATED_TITLE.findall(value):
        kind, portuguese = SECTION_KINDS[title]
        assert kind in kinds, (
            f"{obj.path}: o título '{portuguese}:' não virou seção; o conteúdo precisa vir "
            "logo abaixo, recuado"
        )
    for section in sections:
        if section.kind.value == "text":
            title = RAW_TITLE.search(section.value)
            assert not title, (
                f"{obj.path}: o título {title[0].strip()!r} virou texto comum (falta recuo no "
                "conteúdo, ou há uma linha em branco a mais?)"
            )
        if section.kind.value == "returns":
            for item in section.value:
                assert item.description.rstrip().endswith("."), (
                    f"{obj.path}: um item de Retorna termina sem ponto ({item.description!r}); "
                    "a continuação de uma frase precisa de recuo extra, senão vira outra linha "
                    "da tabela"
                )


def test_the_scan_finds_the_known_modules():
    """A varredura acha os módulos que sabemos existir (um teste vazio não protege nada)."""
    assert {"cells", "recurrent", "data.names", "plotting.style"} <= set(MODULES)
    assert not any(m.startswith("cli") or m.endswith("__main__") for m in MODULES)
    assert len(PUBLIC) > 50, f"só {len(PUBLIC)} funções e classes públicas encontradas"


@pytest.mark.parametrize("module_name", MODULES)
def test_every_module_has_a_page_in_the_nav_and_the_index(module_name):
    """Cada módulo tem página com ``::: recorrente.X``, entra no ``nav`` e no índice da API."""
    page = API_DOCS / f"{module_name}.md"
    assert page.is_file(), f"falta a página {page.relative_to(ROOT)} para recorrente.{module_name}"
    text = page.read_text(encoding="utf-8")
    assert re.search(rf"^::: recorrente\.{re.escape(module_name)}\s*$", text, re.MULTILINE), (
        f"{page.name} não tem a linha '::: recorrente.{module_name}'"
    )
    assert f"referencia/api/{module_name}.md" in _nav_pages(), (
        f"referencia/api/{module_name}.md não está no nav do mkdocs.yml"
    )
    index = (API_DOCS / "index.md").read_text(encoding="utf-8")
    assert f"]({module_name}.md)" in index, (
        f"a tabela de docs/referencia/api/index.md não tem link para {module_name}.md"
    )


@pytest.mark.parametrize("module_name", MODULES)
def test_every_module_declares_all(module_name):
    """``__all__`` diz o que é público; a página e este teste dependem dele."""
    module = importlib.import_module(f"recorrente.{module_name}")
    assert isinstance(getattr(module, "__all__", None), list | tuple), (
        f"recorrente.{module_name} não define __all__"
    )


@pytest.mark.parametrize(("module_name", "name"), PUBLIC, ids=PUBLIC_IDS)
def test_docstring_has_an_example_and_portuguese_titles(module_name, name):
    """Toda função e classe pública tem docstring, um exemplo ``>>>`` e títulos em português."""
    obj = getattr(importlib.import_module(f"recorrente.{module_name}"), name)
    doc = obj.__doc__  # não inspect.getdoc: ele herdaria a docstring da classe-mãe
    assert doc and doc.strip(), f"recorrente.{module_name}.{name} não tem docstring"
    assert ">>>" in doc, f"recorrente.{module_name}.{name} não tem exemplo (Exemplo: com >>>)"
    english = ENGLISH_TITLE.search(doc)
    assert not english, (
        f"recorrente.{module_name}.{name} usa o título em inglês {english[0].strip()!r}; "
        "use Parâmetros:, Retorna:, Levanta:, Atributos: ou Exemplo:"
    )


@pytest.mark.parametrize(("module_name", "name"), PUBLIC, ids=PUBLIC_IDS)
def test_griffe_understands_the_docstring(module_name, name, caplog):
    """A página terá a seção de exemplos e nenhum título, papel ou diretiva cru."""
    obj = _griffe_package()[f"{module_name}.{name}"]
    sections = _parse(obj, caplog)
    kinds = [section.kind.value for section in sections]
    assert "examples" in kinds, (
        f"{obj.path}: o griffe não achou a seção de exemplos (o título é 'Exemplo:', com o "
        f"conteúdo recuado?); seções: {kinds}"
    )
    examples = [s for s in sections if s.kind.value == "examples"]
    assert any(">>>" in code for s in examples for _, code in s.value), (
        f"{obj.path}: a seção de exemplos não tem nenhuma linha '>>>'"
    )
    _check_rendering(obj, sections)


@pytest.mark.parametrize("module_name", MODULES)
def test_griffe_understands_the_rest_of_the_page(module_name, caplog):
    """A docstring do módulo e a dos métodos públicos também aparecem na página."""
    module = _griffe_package()[module_name]
    objects = [module]
    for member in module.members.values():
        if member.is_alias or not member.is_class:
            continue
        objects += [
            m
            for m in member.members.values()
            if not m.is_alias and m.is_function and not m.name.startswith("_")
        ]
    for obj in objects:
        if obj.docstring is not None:
            _check_rendering(obj, _parse(obj, caplog))


@pytest.mark.parametrize("module_name", MODULES)
def test_public_constants_have_a_docstring(module_name):
    """Sem docstring, o mkdocstrings esconde a constante (o ``#:`` do Sphinx não conta)."""
    module = _griffe_package()[module_name]
    exported = module.exports or []
    missing = [
        name
        for name in exported
        if name in module.members
        and not module.members[name].is_alias
        and module.members[name].is_attribute
        and module.members[name].docstring is None
    ]
    assert not missing, f"recorrente.{module_name}: constantes sem docstring: {missing}"
