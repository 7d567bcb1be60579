"""Tira o ruído de notebook das páginas dos capítulos, antes de a busca indexá-las.

O mkdocs-jupyter escreve os prompts ``In [1]:`` / ``Out[1]:`` e, em cada botão de copiar,
um aviso escondido "Copied!" e um rótulo "Copy to Clipboard" em inglês. Esconder com CSS
ainda os deixaria no índice de busca; aqui os prompts e o aviso somem do HTML e o rótulo do
botão fica em português.
"""

from __future__ import annotations

import re

from mkdocs.plugins import event_priority

_PROMPT = re.compile(r'(<div class="jp-(?:Input|Output)Prompt[^"]*"[^>]*>)[^<]*(</div>)')


_COPIED = '<span class="notice" hidden="">Copied!</span>'


# Antes do print-site, que guarda o HTML de cada página para a versão de impressão.
@event_priority(50)
def on_page_content(html: str, **kwargs) -> str:
    html = _PROMPT.sub(r"\1\2", html)
    html = html.replace(_COPIED, '<span class="notice" hidden=""></span>')
    return html.replace('aria-label="Copy to Clipboard"', 'aria-label="Copiar o código"')
