"""As fórmulas tipografadas no build (``hooks/typeset_math.py``), num site de mentira.

O hook roda o MathJax do npm (``mathjax-full``, de ``npm ci``) no Node, uma vez, para todas as
fórmulas do site; sem o Node, as fórmulas ficam para o MathJax do navegador. O site de verdade
é conferido em ``test_tipografia.py`` (nenhuma fórmula crua, folha de estilo) e em
``test_site.py`` (nenhuma página baixa o ``tex-chtml.js``).
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
import copy_mathjax  # noqa: E402  (hooks/copy_mathjax.py)
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
    assert '<mjx-container class="MathJax" jax="CHTML" display="true"' in chapter
    # A MathML escondida para o leitor de tela, com o digits do mathjax-config.js: um número só.
    assert "<mn>0,4472</mn>" in chapter
    assert "<mo>&lt;</mo>" in chapter
    assert chapter.count("<mjx-assistive-mml") == 3
    assert "tabindex" not in chapter, "fórmula como parada do Tab"
    assert '<pre><code>preco = "$10"</code></pre>' in chapter
    link = '<link rel="stylesheet" href="../../assets/mathjax/chtml.css"></head>'
    assert link in chapter
    assert (site / "index.html").read_text(encoding="utf-8") == NO_MATH

    css = (site / typeset_math.STYLESHEET).read_text(encoding="utf-8")
    assert "mjx-assistive-mml" in css
    fonts = re.findall(r'url\("([^"]+\.woff)"\)', css)
    assert fonts and all(f.startswith(typeset_math.FONT_URL + "/") for f in fonts)
    # As fontes existem onde a folha de estilo as procura, no MathJax que copy_mathjax.py copia.
    source = copy_mathjax._source()
    assert all((source / f).is_file() for f in fonts), fonts


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
    assert (site / "capitulos" / "um" / "index.html").read_text(encoding="utf-8") == CHAPTER
    assert not (site / typeset_math.STYLESHEET).exists()
    messages = [r.getMessage() for r in caplog.records if r.name == typeset_math.log.name]
    assert len(messages) == 1 and "MathJax do navegador" in messages[0]
    assert all(r.levelno == logging.INFO for r in caplog.records), "aviso derrubaria o --strict"
