"""Dá a cada caixa "Erro comum" um título com âncora, que a busca do Material acha sozinho.

A busca do Material divide cada página em seções, uma por título (``h1`` a ``h6``) com ``id``; um
título dentro de uma caixa abre uma seção só com o conteúdo da caixa, que termina com ela. Sem
isso, a mensagem de erro colada na busca cairia na seção inteira do capítulo, longa demais para
ficar entre os primeiros resultados (o lunr desconta o tamanho do texto). O título da admonição,
um ``<p class="admonition-title">``, vira ``<h4 class="admonition-title" id="erro-comum-...">``:
a mesma aparência (as regras do tema são da classe), fora do sumário da página (que o MkDocs
monta do Markdown, antes deste passo), e um endereço para citar a caixa.
"""

from __future__ import annotations

import html
import re
import unicodedata

from mkdocs.structure.pages import Page

_TITLE = re.compile(r'<p class="admonition-title">(Erro comum: .*?)</p>')


def _slug(title: str, taken: set[str]) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", title)).lower()
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "erro-comum-" + "-".join(re.findall(r"\w+", text.removeprefix("erro comum:")))
    unique, n = slug, 2
    while unique in taken:
        unique, n = f"{slug}-{n}", n + 1
    taken.add(unique)
    return unique


def anchor_common_errors(content: str) -> str:
    """Troca o título de cada caixa "Erro comum" por um ``h4`` com ``id``.

    Exemplo:
        >>> print(anchor_common_errors('<p class="admonition-title">Erro comum: <b>h</b></p>'))
        <h4 class="admonition-title" id="erro-comum-h">Erro comum: <b>h</b></h4>
    """
    taken = set(re.findall(r'\sid="([^"]+)"', content))
    return _TITLE.sub(
        lambda m: f'<h4 class="admonition-title" id="{_slug(m[1], taken)}">{m[1]}</h4>', content
    )


def on_page_content(html_content: str, page: Page, **kwargs) -> str:
    return anchor_common_errors(html_content)
