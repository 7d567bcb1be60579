"""Cada linha de código numa caixa própria, para quebrar na largura da página sem se perder.

Os blocos de código e as saídas das células quebram a linha na largura do texto em vez de rolar
para o lado (``docs/assets/recorrente.css``; issue 24). Uma linha quebrada continua um pouco
mais para dentro que o seu próprio recuo, para não parecer uma linha nova do Python. Isso pede o
recuo de cada linha: no fim do build, cada linha de cada ``<pre><code>`` do site vira um
``<span class="linha">`` com o número de espaços do começo em ``--recuo``, que o CSS usa.

As linhas continuam separadas pelo ``\\n`` de sempre, fora das caixas, e a caixa é
``inline-block``: o texto copiado (o botão de copiar do tema usa ``innerText``, e a seleção do
leitor também) é o código exatamente como era, sem quebras de tela nem linhas em branco a mais.
Uma marca do Pygments que atravessa linhas (uma *docstring*) é fechada no fim de cada linha e
reaberta na seguinte.

Sem este hook (o Zensical não roda hooks), o CSS ainda quebra as linhas, com a continuação a 4
colunas da margem.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

_BLOCK = re.compile(r"(<pre[^>]*>(?:<span></span>)?<code[^>]*>)(.*?)(</code></pre>)", re.DOTALL)
_PIECE = re.compile(r"(<[^>]+>)")
_OPEN = re.compile(r"<([a-zA-Z][\w-]*)")
_VOID = {"br", "img", "wbr", "input", "hr"}


def split_lines(code: str) -> str:
    """O HTML de dentro de um ``<code>`` com cada linha numa ``<span class="linha">``.

    >>> split_lines('<span class="k">if</span> x:\\n    <span class="s">"a\\nb"</span>\\n')
    '<span class="linha"><span class="k">if</span> x:</span>\\n<span class="linha" \
style="--recuo:4">    <span class="s">"a</span></span>\\n<span class="linha"><span class="s">b"\
</span></span>\\n'
    """
    ending = "\n" if code.endswith("\n") else ""
    lines: list[list[str]] = [[]]
    open_tags: list[str] = []  # as marcas abertas, na ordem
    for piece in _PIECE.split(code[: len(code) - len(ending)]):
        if piece.startswith("</"):
            if open_tags:
                open_tags.pop()
            lines[-1].append(piece)
        elif piece.startswith("<"):
            name = _OPEN.match(piece)
            if name and name.group(1).lower() not in _VOID and not piece.endswith("/>"):
                open_tags.append(piece)
            lines[-1].append(piece)
        else:
            first, *rest = piece.split("\n")
            lines[-1].append(first)
            for text in rest:
                lines[-1].extend(f"</{_OPEN.match(tag).group(1)}>" for tag in reversed(open_tags))
                lines.append([*open_tags, text])
    return "\n".join(_line("".join(parts)) for parts in lines) + ending


def _line(content: str) -> str:
    text = html.unescape(_PIECE.sub("", content))
    indent = len(text) - len(text.lstrip(" "))
    style = f' style="--recuo:{indent}"' if indent else ""
    return f'<span class="linha"{style}>{content}</span>'


def wrap_blocks(page: str) -> str:
    """Cada ``<pre><code>`` da página com as linhas em caixas (os já tratados ficam como estão)."""

    def replace(match: re.Match[str]) -> str:
        start, code, end = match.groups()
        if code.startswith('<span class="linha"'):
            return match.group(0)
        return start + split_lines(code) + end

    return _BLOCK.sub(replace, page)


@event_priority(-150)  # depois da versão para imprimir (printing.py, -100): ela também
def on_post_build(config: MkDocsConfig, **kwargs) -> None:
    for path in Path(config.site_dir).rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        new = wrap_blocks(page)
        if new != page:
            path.write_text(new, encoding="utf-8")
