"""As fórmulas tipografadas no build (``hooks/typeset_math.py``), num site de mentira.

O hook roda o MathJax do npm (``mathjax-full``, de ``npm ci``) no Node, uma vez, para todas as
fórmulas do site; sem o Node, as fórmulas ficam para o MathJax do navegador, que
``docs/assets/mathjax-config.js`` baixa só quando há fórmula crua (conferido no Chromium, numa
página de mentira servida com os arquivos do site construído). O site de verdade
é conferido em ``test_tipografia.py`` (nenhuma fórmula crua, folha de estilo) e em
``test_site.py`` (nenhuma página baixa o ``tex-chtml.js``).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_site import browser, server  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
import typeset_math  # noqa: E402  (hooks/typeset_math.py)

CHAPTER = """<html><head><title>c</title></head><body>
<p>A porta <span class="arithmatex">\\(f_t &lt; 0{,}4472\\)</span> e
<span class="arithmatex">\\(x_t\\)</span>.</p>
<div class="arithmatex">\\[
\\begin{aligned} h_t &amp;= \\tanh(a_t) \\\\ y_t &amp;= h_t W \\end{aligned}
\\]</div>
<pre><code>preco = "$10"</code></pre>
</body></html>"""
NO_MATH = "<html><head></head><body><p>Sem fórmula, com um $ qualquer.</p></body></html>"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "capitulos" / "um").mkdir(parents=True)
    (tmp_path / "assets" / "mathjax").mkdir(parents=True)
    (tmp_path / "capitulos" / "um" / "index.html").write_text(CHAPTER, encoding="utf-8")
    (tmp_path / "index.html").write_text(NO_MATH, encoding="utf-8")
    return tmp_path


def _build(site: Path) -> None:
    typeset_math.on_post_build(SimpleNamespace(site_dir=str(site)))


def test_node_and_mathjax_full_are_installed() -> None:
    assert typeset_math._node(), (
        "Node ou mathjax-full não encontrado; rode `npm ci` (scripts/instalar.sh)."
    )


def test_formulas_come_out_typeset_with_the_browser_config(site: Path) -> None:
    _build(site)
    chapter = (site / "capitulos" / "um" / "index.html").read_text(encoding="utf-8")
    assert typeset_math.formulas(chapter) == [], "fórmula crua depois do build"
    assert chapter.count('<span class="arithmatex"><mjx-container') == 2
    assert chapter.count('<div class="arithmatex"><mjx-container') == 1
    assert '<mjx-container class="MathJax" jax="SVG" display="true"' in chapter
    # Cada fórmula é um desenho com o caminho de cada letra dentro dele: sem <use> (uma cópia
    # escondida por letra no navegador) e sem texto numa fonte do MathJax.
    assert chapter.count("<svg ") == 3 and chapter.count('aria-hidden="true"') == 3
    assert '<path data-c="1D453"' in chapter  # o f itálico de f_t
    assert "<use" not in chapter and "<text" not in chapter
    # A MathML escondida para o leitor de tela, com o digits do mathjax-config.js: um número só.
    assert "<mn>0,4472</mn>" in chapter
    assert "<mo>&lt;</mo>" in chapter
    assert chapter.count("<mjx-assistive-mml") == 3
    assert "tabindex" not in chapter, "fórmula como parada do Tab"
    assert '<pre><code>preco = "$10"</code></pre>' in chapter
    link = '<link rel="stylesheet" href="../../assets/mathjax/svg.css"></head>'
    assert link in chapter
    assert (site / "index.html").read_text(encoding="utf-8") == NO_MATH

    css = (site / typeset_math.STYLESHEET).read_text(encoding="utf-8")
    assert "mjx-assistive-mml" in css and 'mjx-container[jax="SVG"]' in css
    assert "@font-face" not in css, "fonte para baixar na folha de estilo das fórmulas"


def test_tex_error_is_a_build_warning(site: Path, caplog) -> None:
    page = site / "capitulos" / "um" / "index.html"
    page.write_text(CHAPTER.replace("\\tanh", "\\tamh"), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        _build(site)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "\\tamh" in warnings[0], warnings


def test_without_node_formulas_stay_for_the_browser(site: Path, monkeypatch, caplog) -> None:
    monkeypatch.setattr(typeset_math.shutil, "which", lambda name: None)
    with caplog.at_level(logging.INFO):
        _build(site)
    # O TeX fica cru; só a pontuação encostada numa fórmula ganha a caixa sem quebra.
    page = (site / "capitulos" / "um" / "index.html").read_text(encoding="utf-8")
    assert page == CHAPTER.replace(
        '<span class="arithmatex">\\(x_t\\)</span>.',
        '<span class="recorrente-colada"><span class="arithmatex">\\(x_t\\)</span>.</span>',
    )
    assert not (site / typeset_math.STYLESHEET).exists()
    messages = [r.getMessage() for r in caplog.records if r.name == typeset_math.log.name]
    assert len(messages) == 1 and "MathJax do navegador" in messages[0]
    assert all(r.levelno == logging.INFO for r in caplog.records), "aviso derrubaria o --strict"


# O caminho do navegador (build sem o Node, Zensical): o mathjax-config.js do site tipografa
# a fórmula crua e só então baixa o tex-chtml.js. O document$ do Material é um observável que
# avisa quando a página está pronta; aqui, um que espera o DOMContentLoaded. Ao lado, a mesma
# fórmula como o build a entrega (o desenho SVG do typeset_math.mjs, com a folha de estilo dele).
_TEX = "f_t < 0{,}4472"
_BROWSER_PAGE = """<!doctype html><html><head>
<script>window.document$ = {{subscribe: (f) => addEventListener("DOMContentLoaded", f)}};</script>
<script src="assets/mathjax-config.js"></script>
<style>{css}</style></head><body>
<p>{formula} e <span class="arithmatex" id="build">{typeset}</span></p>
</body></html>"""


@pytest.mark.site
@pytest.mark.parametrize("raw", [True, False], ids=["crua", "do-build"])
def test_browser_typesets_only_raw_formulas(raw: bool, server: str, browser) -> None:  # noqa: F811
    [typeset], css = typeset_math.typeset_all(typeset_math._node(), [(_TEX, False)])
    formula = '<span class="arithmatex">\\(f_t &lt; 0{,}4472\\)</span>' if raw else ""
    body = _BROWSER_PAGE.format(formula=formula, typeset=typeset, css=css)
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.route(
        server + "formulas.html",
        lambda route: route.fulfill(body=body, content_type="text/html"),
    )
    page.goto(server + "formulas.html")
    page.wait_for_function("() => document.documentElement.dataset.formulas", timeout=120_000)
    state = page.evaluate("document.documentElement.dataset.formulas")
    mathml = page.evaluate(
        "Array.from(document.querySelectorAll('mjx-assistive-mml')).map(m => m.textContent)"
    )
    boxes = page.evaluate(
        "Array.from(document.querySelectorAll('mjx-container')).map(c => {"
        "  const r = (c.querySelector(':scope > svg') || c).getBoundingClientRect();"
        "  return {jax: c.getAttribute('jax'), largura: r.width, altura: r.height}; })"
    )
    page.close()
    assert state == "prontas"
    downloaded = any(url.endswith("/tex-chtml.js") for url in requests)
    assert downloaded == raw
    # O texto da MathML, um número só; a do build e a do navegador dizem o mesmo.
    assert mathml == (["ft<0,4472"] * (2 if raw else 1))
    assert [b["jax"] for b in boxes] == (["CHTML", "SVG"] if raw else ["SVG"])
    # O desenho do build, medido em ex do texto em volta, tem o tamanho que o MathJax do
    # navegador dá à fórmula (o x dela na altura do x do texto).
    assert boxes[-1]["largura"] > 60, f"fórmula do build pequena demais: {boxes}"
    if raw:
        chtml, svg = boxes
        assert abs(svg["largura"] / chtml["largura"] - 1) < 0.05, boxes
