"""O passo que transforma capítulos em páginas Markdown (``src/recorrente_build``).

Num capítulo de mentira, pequeno, executado de verdade num kernel: o cache (prosa não executa
de novo; pacote mudado executa), a mensagem de erro em português com o número da célula, e o
Markdown (código, saídas, figura com texto alternativo, tabela do pandas, etiquetas). No fim, o
canário: o mesmo Markdown dos capítulos construído pelo Zensical, com a mesma configuração.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

import recorrente
from recorrente_build import addresses, execution, markdown, runner, settings, source, writing
from recorrente_build.cache import Cache
from recorrente_build.records import record

ROOT = Path(__file__).resolve().parents[1]

FAKE_CHAPTER = """\
# %% [markdown]
# # 9. Capítulo de teste
#
# Texto com uma fórmula $h_t$ e a sigla RNN.

# %%
from recorrente.formatting import table
from recorrente.plotting.style import new_figure
import pandas as pd

print("olá\\rolá de novo")

# %% tags=["remover"]
segredo = 1

# %% tags=["esconder-codigo"]
print("só a saída")

# %%
fig, ax = new_figure()
ax.plot([0, 1], [1, 0])
ax.set_title("Perda por época ($h_t$)")
fig

# %% legenda="Uma reta que desce"
fig2, ax2 = new_figure()
ax2.plot([0, 1], [1, 0])
fig2

# %%
table(pd.DataFrame({"modelo": ["GRU"], "perda": [0.5]}), decimals=3)

# %%
from recorrente.formatting import num
perda, passos = 0.123456, 4096
print(f"perda {num(perda, 4)} em 12,5 s")

# %% [markdown]
# A perda ficou em {{ num(perda, 2) }} depois de {{ passos }} passos; `{{ literal }}` fica.
#
# ```python
# print(f"{{ 'cercado' }}")
# ```
"""


def _chapter(folder: Path, text: str = FAKE_CHAPTER, name: str = "09_teste.py") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("capitulo")
    chapter = _chapter(folder)
    cache = folder / "cache"
    nb, cached = execution.executed(chapter, folder=cache)
    assert not cached
    return chapter, cache, nb


def test_markdown_has_code_outputs_figures_and_a_table(executed, tmp_path) -> None:
    chapter, _, nb = executed
    assert writing.write(chapter, nb, destination=tmp_path)
    md = (tmp_path / "09_teste.md").read_text(encoding="utf-8")
    assert md.startswith('---\ntitle: "9. Capítulo de teste"\nnotebook: capitulos/09_teste.ipynb\n')
    assert "```python\nfrom recorrente.formatting import table" in md
    assert "``` { .text .no-copy .saida }\nolá de novo\n```" in md  # o \r de progresso some
    assert "segredo" not in md  # etiqueta remover
    assert "só a saída" in md and 'print("só a saída")' not in md  # etiqueta esconder-codigo
    figures = re.findall(
        r"!\[([^\]]*)\]\(([^)]+)\)\{ loading=lazy width=(\d+) height=(\d+) \}", md
    )
    # new_figure() tem 7 × 4 polegadas: 504 × 288 pt, 672 × 384 px.
    assert figures == [
        ("Perda por época (h_t)", "09_teste/figura-3-0.svg", "672", "384"),
        ("Uma reta que desce", "09_teste/figura-4-0.svg", "672", "384"),
    ]
    for _, path, _, _ in figures:
        svg = (tmp_path / path).read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and '<svg xmlns:xlink' in svg and "<image" not in svg
    table = re.search(r"<table>.*?</table>", md, re.DOTALL)[0]
    assert "0,500" in table and "class=" not in table and "\n\n" not in table
    assert "<style" not in md
    assert "$h_t$" in md  # a prosa fica como está, para a arithmatex
    # Os valores citados: substituídos na página e no notebook; código fica como está.
    sentence = "A perda ficou em 0,12 depois de 4.096 passos; `{{ literal }}` fica."
    assert sentence in md and "{{ 'cercado' }}" in md
    assert "valores_citados" not in md
    notebook = json.loads((tmp_path / "09_teste.ipynb").read_text(encoding="utf-8"))
    notebook_text = json.dumps(notebook, ensure_ascii=False)
    assert sentence.replace("`", "") in notebook_text.replace("`", "")
    assert "valores_citados" not in notebook_text
    assert "pip" in "".join(notebook["cells"][0]["source"])
    assert any(c.get("outputs") for c in notebook["cells"][1:] if c["cell_type"] == "code")
    # Escrever de novo a mesma coisa não toca em nenhum arquivo (o serve não recarrega à toa).
    assert not writing.write(chapter, nb, destination=tmp_path)


def test_caixa_cell_stays_inside_the_admonition() -> None:
    """Etiqueta ``caixa``: código e saída recuados, dentro do ``!!! warning`` da prosa anterior."""
    import markdown as python_markdown
    import nbformat

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(
                '# 9. Teste\n\n!!! warning "Erro comum: o estado"\n\n    O que dá errado.'
            ),
            nbformat.v4.new_code_cell(
                "x = 1\n\nerrar(x)",
                metadata={"tags": ["caixa"]},
                outputs=[
                    nbformat.v4.new_output(
                        "stream", name="stdout", text="RuntimeError: got [3, 2, 4]\n"
                    )
                ],
            ),
            nbformat.v4.new_code_cell("fora = 2"),
        ]
    )
    md = markdown.markdown(Path("09_teste.py"), nb).markdown
    assert "\n    ```python\n    x = 1\n\n    errar(x)\n    ```\n" in md
    assert "\n    ``` { .text .no-copy .saida }\n    RuntimeError: got [3, 2, 4]\n    ```" in md
    assert "\n```python\nfora = 2\n```" in md  # a célula sem etiqueta fica fora
    html = python_markdown.markdown(
        md.split("-->", 1)[1], extensions=["admonition", "attr_list", "pymdownx.superfences"]
    )
    root = ElementTree.fromstring(f"<root>{html}</root>")
    box = "".join(root.find("./div[@class='admonition warning']").itertext())
    assert "errar(x)" in box and "RuntimeError: got [3, 2, 4]" in box
    assert "fora = 2" not in box and "fora = 2" in "".join(root.itertext())


def test_edited_prose_does_not_run_again(executed, tmp_path) -> None:
    chapter, cache, _ = executed
    edited = _chapter(tmp_path, FAKE_CHAPTER.replace("Texto com", "Prosa nova com"))
    shutil.copytree(cache, tmp_path / "cache")
    (tmp_path / "cache" / "09_teste.ipynb").rename(tmp_path / "cache" / f"{edited.stem}.ipynb")
    nb, cached = execution.executed(edited, folder=tmp_path / "cache")
    assert cached
    assert "Prosa nova com" in nb.cells[0].source


def test_a_changed_package_file_invalidates_only_its_users(executed) -> None:
    chapter, cache, _ = executed
    key = json.loads((cache / "09_teste.json").read_text(encoding="utf-8"))
    assert "src/recorrente/formatting.py" in key["modulos"]
    assert "src/recorrente/cli/__init__.py" not in key["modulos"]  # não importado: não conta
    assert {"torch", "pandas", "matplotlib"} <= set(key["versoes"])  # as que o kernel carregou
    prepared = source.prepared(chapter)
    assert Cache(chapter, cache).valid(prepared)
    # Um arquivo do pacote que o capítulo carregou mudou (aqui: o resumo guardado é outro).
    key_file = cache / "09_teste.json"
    for part, name, other in [
        ("modulos", "src/recorrente/formatting.py", "0" * 64),  # o arquivo mudou
        ("versoes", "pandas", "0.0.1"),  # outra versão instalada
    ]:
        original = key[part][name]
        key[part][name] = other
        key_file.write_text(json.dumps(key), encoding="utf-8")
        try:
            assert not Cache(chapter, cache).valid(prepared), (part, name)
        finally:
            key[part][name] = original
            key_file.write_text(json.dumps(key), encoding="utf-8")
    assert Cache(chapter, cache).valid(prepared)


def test_a_failing_cell_names_chapter_cell_and_traceback(tmp_path) -> None:
    chapter = _chapter(
        tmp_path, "# %% [markdown]\n# # Teste\n\n# %%\nx = 1\n\n# %%\n1 / 0\n", "08_falha.py"
    )
    # o que uma execução anterior, que deu certo, deixou: não pode ficar como se valesse
    (tmp_path / "08_falha.md").write_text("---\nnotebook: capitulos/08_falha.ipynb\n---\n")
    (tmp_path / "08_falha.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "08_falha").mkdir()
    (tmp_path / "08_falha" / "figura-1-0.png").write_bytes(b"png")
    with pytest.raises(settings.ChapterError) as error:
        runner.generate(
            [chapter], workers=1, destination=tmp_path, report=lambda m: None,
            folder=tmp_path / "cache",
        )
    message = str(error.value)
    assert "08_falha.py falhou na célula 3" in message
    assert "1 / 0" in message and "ZeroDivisionError" in message
    assert "\x1b[" not in message  # sem as cores do terminal
    assert not (tmp_path / "08_falha.md").exists()
    assert not (tmp_path / "08_falha.ipynb").exists() and not (tmp_path / "08_falha").exists()


def test_record_has_the_printed_and_the_quoted_numbers(executed) -> None:
    chapter, _, nb = executed
    text = record(chapter, nb)
    assert "perda 0,1235 em ‹tempo›" in text  # o tempo muda a cada execução: fica de fora
    assert "GRU | 0,500" in text  # a tabela, linha por linha
    assert "[célula 8]\nperda 0,1235" in text  # as células contam como nas mensagens de erro
    assert "célula 9: {{ num(perda, 2) }} = 0,12" in text
    assert "célula 9: {{ passos }} = 4.096" in text
    assert "só a saída" not in text  # linha sem algarismo não é número


def test_a_float_or_failing_quote_stops_the_build_with_the_expression(tmp_path) -> None:
    for quote, expected in [
        ("{{ perda }}", "é um float; cite um texto"),
        ("{{ nao_existe }}", "NameError"),
    ]:
        chapter = _chapter(
            tmp_path,
            f"# %% [markdown]\n# # Teste\n\n# %%\nperda = 0.5\n\n# %% [markdown]\n"
            f"# A perda foi {quote}.\n",
            "08_cita.py",
        )
        with pytest.raises(settings.ChapterError) as error:
            execution.run(chapter, folder=tmp_path / "cache")
        message = str(error.value)
        assert "valor citado na célula de texto 3" in message, message
        assert quote.replace(" }}", "") in message and expected in message, message
        assert "Traceback" not in message


def test_provisional_page_does_not_show_the_raw_quote(tmp_path) -> None:
    chapter = _chapter(
        tmp_path, "# %% [markdown]\n# # Teste\n\n# %%\nx = 1\n\n# %% [markdown]\n"
        "# Vale {{ x }}.\n", "08_prov.py"
    )
    writing.write_provisional(chapter, writing.RUNNING_NOTICE, destination=tmp_path)
    md = (tmp_path / "08_prov.md").read_text(encoding="utf-8")
    assert "Vale ….\n" in md and "{{" not in md


def test_kernel_environment_pins_the_numeric_path_and_the_seed_base(tmp_path) -> None:
    chapter = _chapter(
        tmp_path,
        "# %%\nimport os\nfrom recorrente.reproducibility import seed\n"
        "print(os.environ['ATEN_CPU_CAPABILITY'], os.environ['MKL_CBWR'], seed(3))\n",
        "08_amb.py",
    )
    published = execution.run(chapter, folder=tmp_path / "a")
    assert published.cells[0].outputs[0]["text"].split() == ["avx2", "AVX2", "3"]
    robust = execution.run(chapter, folder=tmp_path / "b", environment=settings.robustness(1000))
    assert robust.cells[0].outputs[0]["text"].split() == ["default", "AUTO", "1003"]
    # a chave do cache separa os dois: a execução de um não serve para o outro
    prepared = source.prepared(chapter)
    assert Cache(chapter, tmp_path / "a").valid(prepared)
    assert not Cache(chapter, tmp_path / "a", settings.robustness(1000)).valid(prepared)


def test_outputs_of_a_renamed_chapter_are_removed(tmp_path) -> None:
    """Depois de 05_nomes.py virar 06_nomes.py, o 05_nomes.md velho não pode parar o build."""
    (tmp_path / "06_nomes.py").write_text("# %%\n", encoding="utf-8")
    (tmp_path / "06_nomes.md").write_text(
        "---\ntitle: x\nnotebook: capitulos/06_nomes.ipynb\n---\n", encoding="utf-8"
    )
    (tmp_path / "05_nomes.md").write_text(
        "---\ntitle: x\nnotebook: capitulos/05_nomes.ipynb\n---\n", encoding="utf-8"
    )
    (tmp_path / "05_nomes.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "05_nomes").mkdir()
    (tmp_path / "05_nomes" / "figura-1-0.png").write_bytes(b"png")
    (tmp_path / "09_escrito_a_mao.md").write_text("# Escrito à mão\n", encoding="utf-8")

    assert writing.remove_orphans(tmp_path) == ["05_nomes", "05_nomes.ipynb", "05_nomes.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "06_nomes.md", "06_nomes.py", "09_escrito_a_mao.md"
    ]


def test_html_table_and_alt_text() -> None:
    assert markdown.html_table("<p>nada</p>") is None
    assert markdown.alt_text("A [x]\n$\\alpha$") == "A (x) alpha"


# --- o canário: o mesmo Markdown no Zensical ----------------------------------------------------

ZENSICAL = shutil.which("zensical") or str(Path(sys.executable).parent / "zensical")
CANARY_CONFIG = ROOT / ".zensical-canario.yml"
ZENSICAL_SITE_DIR = ROOT / "site-zensical"


@pytest.fixture(scope="module")
def zensical_site():
    chapters = source.chapters()
    missing = [c.name for c in chapters if not writing.outputs_of(c)[0].is_file()]
    if missing:
        pytest.fail(f"páginas não geradas para {missing}; rode `mkdocs build` antes.")
    # Mesma configuração (INHERIT), só outro diretório de saída, para não tocar em site/. Sem
    # --clean: ele apagaria .cache/ inteiro (o Zensical guarda lá o cache dele).
    shutil.rmtree(ZENSICAL_SITE_DIR, ignore_errors=True)
    # O Zensical não roda hooks: os endereços e a versão que o hooks/repository.py põe no
    # build do MkDocs vão escritos, da mesma fonte (recorrente_build.addresses).
    site_addresses = addresses.from_environment().config(recorrente.__version__)
    CANARY_CONFIG.write_text(
        f"INHERIT: mkdocs.yml\nsite_dir: {ZENSICAL_SITE_DIR.relative_to(ROOT)}\n"
        + yaml.safe_dump(site_addresses, allow_unicode=True),
        encoding="utf-8",
    )
    try:
        result = subprocess.run(
            [ZENSICAL, "build", "-f", str(CANARY_CONFIG)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        CANARY_CONFIG.unlink(missing_ok=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return ZENSICAL_SITE_DIR


@pytest.mark.site
@pytest.mark.parametrize("chapter", source.chapters(), ids=lambda p: p.stem)
def test_zensical_builds_every_chapter(zensical_site: Path, chapter: Path) -> None:
    page = zensical_site / "capitulos" / chapter.stem / "index.html"
    assert page.is_file(), f"o Zensical não gerou {page.relative_to(zensical_site)}"
    html = page.read_text(encoding="utf-8")
    assert re.search(r'<span class="kn">import</span>', html), "sem código realçado"
    assert 'class="no-copy saida' in html or "saida" in html, "sem saídas das células"
    images = re.findall(r'<img[^>]*src="([^"]+\.svg)"', html)
    markdown = writing.outputs_of(chapter)[0].read_text(encoding="utf-8")
    assert len(images) == len(re.findall(r"^!\[", markdown, re.MULTILINE)), "figuras faltando"
    for src in images:
        assert (page.parent / src).is_file(), f"figura {src} não copiada"
    formulas = re.findall(r'class="arithmatex">(.*?)</', html, re.DOTALL)
    assert formulas and all(f.startswith(("\\(", "\\[")) for f in formulas), (
        "fórmulas sem a marcação da arithmatex que o MathJax tipografa"
    )
    text = re.sub(r"<(pre|code|script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    text = re.sub(r'class="arithmatex">.*?</', "", text, flags=re.DOTALL)
    assert not re.search(r"\$[^$\s<>][^$<>]{0,60}\$", re.sub(r"<[^>]+>", " ", text)), (
        "TeX cru fora da arithmatex"
    )
    assert len(re.findall(r'<details class="success"', html)) >= 3, "soluções recolhíveis"
