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

CAPITULO = """\
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


def _capitulo(pasta: Path, texto: str = CAPITULO, nome: str = "09_teste.py") -> Path:
    caminho = pasta / nome
    caminho.write_text(texto, encoding="utf-8")
    return caminho


@pytest.fixture(scope="module")
def executado(tmp_path_factory):
    pasta = tmp_path_factory.mktemp("capitulo")
    capitulo = _capitulo(pasta)
    cache = pasta / "cache"
    nb, do_cache = execution.executed(capitulo, folder=cache)
    assert not do_cache
    return capitulo, cache, nb


def test_markdown_tem_codigo_saidas_figuras_e_tabela(executado, tmp_path) -> None:
    capitulo, _, nb = executado
    assert writing.write(capitulo, nb, destination=tmp_path)
    md = (tmp_path / "09_teste.md").read_text(encoding="utf-8")
    assert md.startswith('---\ntitle: "9. Capítulo de teste"\nnotebook: capitulos/09_teste.ipynb\n')
    assert "```python\nfrom recorrente.formatting import table" in md
    assert "``` { .text .no-copy .saida }\nolá de novo\n```" in md  # o \r de progresso some
    assert "segredo" not in md  # etiqueta remover
    assert "só a saída" in md and 'print("só a saída")' not in md  # etiqueta esconder-codigo
    figuras = re.findall(
        r"!\[([^\]]*)\]\(([^)]+)\)\{ loading=lazy width=(\d+) height=(\d+) \}", md
    )
    # new_figure() tem 7 × 4 polegadas: 504 × 288 pt, 672 × 384 px.
    assert figuras == [
        ("Perda por época (h_t)", "09_teste/figura-3-0.svg", "672", "384"),
        ("Uma reta que desce", "09_teste/figura-4-0.svg", "672", "384"),
    ]
    for _, arquivo, _, _ in figuras:
        svg = (tmp_path / arquivo).read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and '<svg xmlns:xlink' in svg and "<image" not in svg
    tabela = re.search(r"<table>.*?</table>", md, re.DOTALL)[0]
    assert "0,500" in tabela and "class=" not in tabela and "\n\n" not in tabela
    assert "<style" not in md
    assert "$h_t$" in md  # a prosa fica como está, para a arithmatex
    # Os valores citados: substituídos na página e no notebook; código fica como está.
    frase = "A perda ficou em 0,12 depois de 4.096 passos; `{{ literal }}` fica."
    assert frase in md and "{{ 'cercado' }}" in md
    assert "valores_citados" not in md
    notebook = json.loads((tmp_path / "09_teste.ipynb").read_text(encoding="utf-8"))
    texto_do_notebook = json.dumps(notebook, ensure_ascii=False)
    assert frase.replace("`", "") in texto_do_notebook.replace("`", "")
    assert "valores_citados" not in texto_do_notebook
    assert "pip" in "".join(notebook["cells"][0]["source"])
    assert any(c.get("outputs") for c in notebook["cells"][1:] if c["cell_type"] == "code")
    # Escrever de novo a mesma coisa não toca em nenhum arquivo (o serve não recarrega à toa).
    assert not writing.write(capitulo, nb, destination=tmp_path)


def test_celula_caixa_fica_dentro_da_admonicao() -> None:
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
    raiz = ElementTree.fromstring(f"<raiz>{html}</raiz>")
    caixa = "".join(raiz.find("./div[@class='admonition warning']").itertext())
    assert "errar(x)" in caixa and "RuntimeError: got [3, 2, 4]" in caixa
    assert "fora = 2" not in caixa and "fora = 2" in "".join(raiz.itertext())


def test_prosa_editada_nao_executa_de_novo(executado, tmp_path) -> None:
    capitulo, cache, _ = executado
    copia = _capitulo(tmp_path, CAPITULO.replace("Texto com", "Prosa nova com"))
    shutil.copytree(cache, tmp_path / "cache")
    (tmp_path / "cache" / "09_teste.ipynb").rename(tmp_path / "cache" / f"{copia.stem}.ipynb")
    nb, do_cache = execution.executed(copia, folder=tmp_path / "cache")
    assert do_cache
    assert "Prosa nova com" in nb.cells[0].source


def test_pacote_mudado_invalida_so_quem_usa_o_arquivo(executado) -> None:
    capitulo, cache, _ = executado
    chave = json.loads((cache / "09_teste.json").read_text(encoding="utf-8"))
    assert "src/recorrente/formatting.py" in chave["modulos"]
    assert "src/recorrente/cli/__init__.py" not in chave["modulos"]  # não importado: não conta
    assert {"torch", "pandas", "matplotlib"} <= set(chave["versoes"])  # as que o kernel carregou
    fonte = source.prepared(capitulo)
    assert Cache(capitulo, cache).valid(fonte)
    # Um arquivo do pacote que o capítulo carregou mudou (aqui: o resumo guardado é outro).
    arquivo = cache / "09_teste.json"
    for parte, nome, outro in [
        ("modulos", "src/recorrente/formatting.py", "0" * 64),  # o arquivo mudou
        ("versoes", "pandas", "0.0.1"),  # outra versão instalada
    ]:
        original = chave[parte][nome]
        chave[parte][nome] = outro
        arquivo.write_text(json.dumps(chave), encoding="utf-8")
        try:
            assert not Cache(capitulo, cache).valid(fonte), (parte, nome)
        finally:
            chave[parte][nome] = original
            arquivo.write_text(json.dumps(chave), encoding="utf-8")
    assert Cache(capitulo, cache).valid(fonte)


def test_celula_que_falha_diz_capitulo_celula_e_traceback(tmp_path) -> None:
    capitulo = _capitulo(
        tmp_path, "# %% [markdown]\n# # Teste\n\n# %%\nx = 1\n\n# %%\n1 / 0\n", "08_falha.py"
    )
    # o que uma execução anterior, que deu certo, deixou: não pode ficar como se valesse
    (tmp_path / "08_falha.md").write_text("---\nnotebook: capitulos/08_falha.ipynb\n---\n")
    (tmp_path / "08_falha.ipynb").write_text("{}", encoding="utf-8")
    (tmp_path / "08_falha").mkdir()
    (tmp_path / "08_falha" / "figura-1-0.png").write_bytes(b"png")
    with pytest.raises(settings.ChapterError) as erro:
        runner.generate(
            [capitulo], workers=1, destination=tmp_path, report=lambda m: None,
            folder=tmp_path / "cache",
        )
    mensagem = str(erro.value)
    assert "08_falha.py falhou na célula 3" in mensagem
    assert "1 / 0" in mensagem and "ZeroDivisionError" in mensagem
    assert "\x1b[" not in mensagem  # sem as cores do terminal
    assert not (tmp_path / "08_falha.md").exists()
    assert not (tmp_path / "08_falha.ipynb").exists() and not (tmp_path / "08_falha").exists()


def test_registro_tem_os_numeros_impressos_e_os_citados(executado) -> None:
    capitulo, _, nb = executado
    texto = record(capitulo, nb)
    assert "perda 0,1235 em ‹tempo›" in texto  # o tempo muda a cada execução: fica de fora
    assert "GRU | 0,500" in texto  # a tabela, linha por linha
    assert "[célula 8]\nperda 0,1235" in texto  # as células contam como nas mensagens de erro
    assert "célula 9: {{ num(perda, 2) }} = 0,12" in texto
    assert "célula 9: {{ passos }} = 4.096" in texto
    assert "só a saída" not in texto  # linha sem algarismo não é número


def test_citacao_com_float_ou_erro_para_o_build_com_a_expressao(tmp_path) -> None:
    for citacao, esperado in [
        ("{{ perda }}", "é um float; cite um texto"),
        ("{{ nao_existe }}", "NameError"),
    ]:
        capitulo = _capitulo(
            tmp_path,
            f"# %% [markdown]\n# # Teste\n\n# %%\nperda = 0.5\n\n# %% [markdown]\n"
            f"# A perda foi {citacao}.\n",
            "08_cita.py",
        )
        with pytest.raises(settings.ChapterError) as erro:
            execution.run(capitulo, folder=tmp_path / "cache")
        mensagem = str(erro.value)
        assert "valor citado na célula de texto 3" in mensagem, mensagem
        assert citacao.replace(" }}", "") in mensagem and esperado in mensagem, mensagem
        assert "Traceback" not in mensagem


def test_pagina_provisoria_nao_mostra_a_citacao_crua(tmp_path) -> None:
    capitulo = _capitulo(
        tmp_path, "# %% [markdown]\n# # Teste\n\n# %%\nx = 1\n\n# %% [markdown]\n"
        "# Vale {{ x }}.\n", "08_prov.py"
    )
    writing.write_provisional(capitulo, writing.RUNNING_NOTICE, destination=tmp_path)
    md = (tmp_path / "08_prov.md").read_text(encoding="utf-8")
    assert "Vale ….\n" in md and "{{" not in md


def test_ambiente_do_kernel_fixa_o_caminho_e_a_base(tmp_path) -> None:
    capitulo = _capitulo(
        tmp_path,
        "# %%\nimport os\nfrom recorrente.reproducibility import seed\n"
        "print(os.environ['ATEN_CPU_CAPABILITY'], os.environ['MKL_CBWR'], seed(3))\n",
        "08_amb.py",
    )
    publicado = execution.run(capitulo, folder=tmp_path / "a")
    assert publicado.cells[0].outputs[0]["text"].split() == ["avx2", "AVX2", "3"]
    robusto = execution.run(capitulo, folder=tmp_path / "b", environment=settings.robustness(1000))
    assert robusto.cells[0].outputs[0]["text"].split() == ["default", "AUTO", "1003"]
    # a chave do cache separa os dois: a execução de um não serve para o outro
    fonte = source.prepared(capitulo)
    assert Cache(capitulo, tmp_path / "a").valid(fonte)
    assert not Cache(capitulo, tmp_path / "a", settings.robustness(1000)).valid(fonte)


def test_saidas_de_capitulo_renomeado_sao_apagadas(tmp_path) -> None:
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


def test_tabela_html_e_texto_alternativo() -> None:
    assert markdown.html_table("<p>nada</p>") is None
    assert markdown.alt_text("A [x]\n$\\alpha$") == "A (x) alpha"


# --- o canário: o mesmo Markdown no Zensical ----------------------------------------------------

ZENSICAL = shutil.which("zensical") or str(Path(sys.executable).parent / "zensical")
CANARIO = ROOT / ".zensical-canario.yml"
SITE_ZENSICAL = ROOT / "site-zensical"


@pytest.fixture(scope="module")
def zensical_site():
    capitulos = source.chapters()
    faltam = [c.name for c in capitulos if not writing.outputs_of(c)[0].is_file()]
    if faltam:
        pytest.fail(f"páginas não geradas para {faltam}; rode `mkdocs build` antes.")
    # Mesma configuração (INHERIT), só outro diretório de saída, para não tocar em site/. Sem
    # --clean: ele apagaria .cache/ inteiro (o Zensical guarda lá o cache dele).
    shutil.rmtree(SITE_ZENSICAL, ignore_errors=True)
    # O Zensical não roda hooks: os endereços e a versão que o hooks/repository.py põe no
    # build do MkDocs vão escritos, da mesma fonte (recorrente_build.addresses).
    enderecos = addresses.from_environment().config(recorrente.__version__)
    CANARIO.write_text(
        f"INHERIT: mkdocs.yml\nsite_dir: {SITE_ZENSICAL.relative_to(ROOT)}\n"
        + yaml.safe_dump(enderecos, allow_unicode=True),
        encoding="utf-8",
    )
    try:
        resultado = subprocess.run(
            [ZENSICAL, "build", "-f", str(CANARIO)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        CANARIO.unlink(missing_ok=True)
    assert resultado.returncode == 0, resultado.stdout[-3000:] + resultado.stderr[-3000:]
    return SITE_ZENSICAL


@pytest.mark.site
@pytest.mark.parametrize("capitulo", source.chapters(), ids=lambda p: p.stem)
def test_zensical_constroi_cada_capitulo(zensical_site: Path, capitulo: Path) -> None:
    pagina = zensical_site / "capitulos" / capitulo.stem / "index.html"
    assert pagina.is_file(), f"o Zensical não gerou {pagina.relative_to(zensical_site)}"
    html = pagina.read_text(encoding="utf-8")
    assert re.search(r'<span class="kn">import</span>', html), "sem código realçado"
    assert 'class="no-copy saida' in html or "saida" in html, "sem saídas das células"
    imagens = re.findall(r'<img[^>]*src="([^"]+\.svg)"', html)
    markdown = writing.outputs_of(capitulo)[0].read_text(encoding="utf-8")
    assert len(imagens) == len(re.findall(r"^!\[", markdown, re.MULTILINE)), "figuras faltando"
    for src in imagens:
        assert (pagina.parent / src).is_file(), f"figura {src} não copiada"
    formulas = re.findall(r'class="arithmatex">(.*?)</', html, re.DOTALL)
    assert formulas and all(f.startswith(("\\(", "\\[")) for f in formulas), (
        "fórmulas sem a marcação da arithmatex que o MathJax tipografa"
    )
    texto = re.sub(r"<(pre|code|script|style)\b.*?</\1>", " ", html, flags=re.DOTALL)
    texto = re.sub(r'class="arithmatex">.*?</', "", texto, flags=re.DOTALL)
    assert not re.search(r"\$[^$\s<>][^$<>]{0,60}\$", re.sub(r"<[^>]+>", " ", texto)), (
        "TeX cru fora da arithmatex"
    )
    assert len(re.findall(r'<details class="success"', html)) >= 3, "soluções recolhíveis"
