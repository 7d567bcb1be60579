"""As linhas de código em caixas (hooks/code_lines.py), sem mudar o texto do código."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hooks"))
from code_lines import split_lines, wrap_blocks  # noqa: E402

_TAG = re.compile(r"<[^>]+>")


def _text(markup: str) -> str:
    return html.unescape(_TAG.sub("", markup))


def test_each_line_in_a_box_with_its_indent_and_the_same_text() -> None:
    code = (
        '<span class="k">def</span> f():\n'
        '    <span class="sd">"""Um texto\n    em duas linhas."""</span>\n'
        "\n"
        '        x = a &lt; b<br>\n'
    )
    boxed = split_lines(code)
    assert _text(boxed) == _text(code)
    lines = boxed.split("\n")
    assert len(lines) == 6 and lines[-1] == ""  # a quebra final fica fora das caixas
    assert [re.findall(r"--recuo:(\d+)", line) for line in lines[:5]] == [
        [], ["4"], ["4"], [], ["8"]]
    # A docstring que atravessa a linha é fechada e reaberta: cada caixa fecha o que abriu.
    for line in lines[:5]:
        assert line.count("<span") == line.count("</span>")
    assert lines[2].startswith('<span class="linha" style="--recuo:4"><span class="sd">    em')
    assert lines[3] == '<span class="linha"></span>'


def test_only_code_blocks_change_and_twice_is_the_same() -> None:
    page = (
        "<p>a\nb</p>"
        '<div class="highlight"><pre><span></span><code>x = 1\n  y\n</code></pre></div>'
    )
    once = wrap_blocks(page)
    assert once.startswith("<p>a\nb</p>")
    boxed = '<span class="linha">x = 1</span>\n<span class="linha" style="--recuo:2">  y</span>\n'
    assert boxed in once
    assert wrap_blocks(once) == once
