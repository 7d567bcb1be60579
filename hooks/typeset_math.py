"""Tipografa as fórmulas no build: o site sai com elas prontas, sem o MathJax no navegador.

No navegador, o MathJax (1 MB) tipografava cada fórmula depois do carregamento: com a CPU 4×
mais lenta, 1 a 2 s de thread principal parada por capítulo e quase 20 s na versão para
imprimir, e o parágrafo na tela mudava de largura quando o TeX cru virava fórmula (issue 24).

No fim do build, depois da versão para imprimir (``printing.py``), cada ``.arithmatex`` de cada
página do site vira um desenho SVG do MathJax 3.2.2 do npm (``mathjax-full``), a mesma versão
do site, com a MathML escondida para o leitor de tela. SVG e não CHTML: em CHTML, cada
caractere é um elemento com a letra numa fonte do MathJax, e as fórmulas perto do topo eram
boa parte do layout ao carregar (com a CPU 4× mais lenta, o cap. 4 caiu de 0,64 para 0,41 s
de bloqueio; ``typeset_math.mjs``). Uma chamada só ao Node por build, com as fórmulas únicas
em lote; a folha de estilo delas vai para ``assets/mathjax/svg.css``, e cada página com
fórmula a recebe num ``<link>``. Uma página sem ``.arithmatex`` por tipografar não baixa o
``tex-chtml.js`` (``docs/assets/mathjax-config.js``).

Sem o Node ou sem o ``mathjax-full`` (``npm ci``), o build diz isso numa linha e as fórmulas
ficam para o MathJax do navegador, como antes; o Zensical, que não roda hooks, também.

O índice da busca não muda: o plugin de busca lê o HTML de cada página antes do tema
(``on_page_context``), com o TeX que ``search.py`` troca por texto.
"""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.typeset_math")

SCRIPT = Path(__file__).with_suffix(".mjs")
STYLESHEET = "assets/mathjax/svg.css"

# O que a arithmatex (generic: true) escreve: \(...\) num <span>, \[...\] num <div>.
_FORMULA = re.compile(
    r'<span class="arithmatex">\\\((?P<inline>.*?)\\\)</span>'
    r'|<div class="arithmatex">\\\[(?P<display>.*?)\\\]</div>',
    re.DOTALL,
)


# Uma fórmula em linha com a pontuação encostada nela: "(" antes; vírgula, ponto, ")" depois. O
# Chromium quebra a linha entre um texto e uma caixa em linha (a fórmula), mesmo onde o texto
# não deixaria ("(" no fim de uma linha e a fórmula na seguinte; a vírgula sozinha no começo
# da linha): 14 vezes nos capítulos a 390 px, 2 a 1280 px.
_PUNCTUATED = re.compile(
    r'(?P<before>[(\[])?(?P<formula><span class="arithmatex">\\\(.*?\\\)</span>)'
    r"(?P<after>[,.;:!?)\]]+)?",
    re.DOTALL,
)
GLUED = "recorrente-colada"


def glue_punctuation(page: str) -> str:
    """A página com cada fórmula em linha e a pontuação encostada nela numa caixa sem quebra.

    Exemplo:
        >>> print(glue_punctuation('de (<span class="arithmatex">\\\\(x\\\\)</span>), e'))
        de <span class="recorrente-colada">(<span class="arithmatex">\\(x\\)</span>),</span> e
        >>> glue_punctuation('e <span class="arithmatex">\\\\(y\\\\)</span> e')  # sem pontuação
        'e <span class="arithmatex">\\\\(y\\\\)</span> e'
    """
    return _PUNCTUATED.sub(_glue, page)


def _glue(match: re.Match[str]) -> str:
    if not (match["before"] or match["after"]):
        return match[0]
    return f'<span class="{GLUED}">{match[0]}</span>'


def formulas(page: str) -> list[tuple[str, bool]]:
    """O TeX e se é exibida (bloco) de cada fórmula da arithmatex numa página HTML.

    Exemplo:
        >>> formulas('<p><span class="arithmatex">\\\\(a &lt; b\\\\)</span></p>')
        [('a < b', False)]
    """
    return [_key(m) for m in _FORMULA.finditer(page)]


def _key(match: re.Match[str]) -> tuple[str, bool]:
    display = match["display"] is not None
    return html.unescape(match["display"] if display else match["inline"]), display


def replace_formulas(page: str, typeset: dict[tuple[str, bool], str], stylesheet: str) -> str:
    """A página com cada fórmula trocada pela sua versão tipografada e a folha de estilo.

    Exemplo:
        >>> page = '<head></head><span class="arithmatex">\\\\(x\\\\)</span>'
        >>> print(replace_formulas(page, {("x", False): "<mjx-math/>"}, "a.css"))
        <head><link rel="stylesheet" href="a.css"></head><span class="arithmatex"><mjx-math/></span>
    """
    page, count = _FORMULA.subn(lambda m: _typeset(m, typeset), page)
    if not count:
        return page
    return page.replace("</head>", f'<link rel="stylesheet" href="{stylesheet}"></head>', 1)


def _typeset(match: re.Match[str], typeset: dict[tuple[str, bool], str]) -> str:
    tag = "div" if match["display"] is not None else "span"
    return f'<{tag} class="arithmatex">{typeset[_key(match)]}</{tag}>'


def _node() -> str | None:
    """O Node, se ele e o mathjax-full (do package.json, pelo npm ci) estão instalados."""
    installed = (SCRIPT.parent.parent / "node_modules" / "mathjax-full" / "package.json").is_file()
    return shutil.which("node") if installed else None


def typeset_all(node: str, keys: list[tuple[str, bool]]) -> tuple[list[str], str]:
    """Tipografa todas as fórmulas numa chamada ao Node: o HTML de cada uma e a folha de estilo."""
    request = json.dumps({"formulas": keys})
    done = subprocess.run(
        [node, str(SCRIPT)], input=request, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise PluginError(f"O MathJax no Node falhou ({SCRIPT.name}):\n{done.stderr}")
    result = json.loads(done.stdout)
    for error in result["errors"]:
        log.warning("Fórmula com erro de TeX (%s): %s", error["error"], error["tex"])
    return result["html"], result["css"]


@event_priority(-200)  # depois da versão para imprimir (printing.py, -100)
def on_post_build(config: MkDocsConfig, **kwargs) -> None:
    site = Path(config.site_dir)
    built = {path: path.read_text(encoding="utf-8") for path in site.rglob("*.html")}
    pages = {path: glue_punctuation(page) for path, page in built.items()}
    keys = sorted({key for page in pages.values() for key in formulas(page)})
    node = _node() if keys else None
    if keys and node is None:
        log.info(
            "Sem o Node ou o mathjax-full (npm ci), as fórmulas ficam para o MathJax do navegador."
        )
    if node is not None:
        typeset, css = typeset_all(node, keys)
        (site / STYLESHEET).write_text(css, encoding="utf-8")
        by_key = dict(zip(keys, typeset, strict=True))
        for path, page in pages.items():
            depth = len(path.relative_to(site).parts) - 1
            pages[path] = replace_formulas(page, by_key, "../" * depth + STYLESHEET)
    for path, page in pages.items():
        if page != built[path]:
            path.write_text(page, encoding="utf-8")
