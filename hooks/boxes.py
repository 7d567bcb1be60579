"""Dá a cada caixa "Erro comum" um título com âncora e a mensagem, que a busca acha primeiro.

A busca do Material divide cada página em seções, uma por título (``h1`` a ``h6``) com ``id``; um
título dentro de uma caixa abre uma seção só com o conteúdo da caixa, que termina com ela. O
título da admonição, um ``<p class="admonition-title">``, vira ``<hN class="admonition-title"
id="erro-comum-...">``, um nível abaixo do título anterior (``h3`` numa seção ``h2``; um ``h4``
fixo pulava um nível). A aparência é a mesma, porque as regras do tema são da classe, e o título
fica fora do sumário, que o MkDocs monta antes, do Markdown. Ele ganha uma segunda linha com a
primeira frase da mensagem de erro que a célula da caixa imprimiu (depois de um espaço: o índice
da busca tira o ``<br>``, e título e mensagem saíam grudados, "...fora de ordemRuntimeError...").
O título vale 1000 vezes o texto no índice: sem ele, uma mensagem colada na busca cairia em
seções longas, que casam com as palavras curtas da mensagem ("to", "be", "a", que o Material
busca como prefixos: ``to*`` acha ``torch``).
"""

from __future__ import annotations

import html
import re
import unicodedata

from mkdocs.structure.pages import Page

_BOX = re.compile(
    r'<p class="admonition-title">(Erro comum: .*?)</p>'
    r'(.*?)(?=<div class="admonition|<h[1-6][ >]|$)',
    re.DOTALL,
)
_MESSAGE = re.compile(
    r'<div class="[^"]*\bsaida\b[^"]*"><pre><span></span><code>(\w+(?:Error|Exception): [^\n<]+)'
)


def _slug(title: str, taken: set[str]) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", title)).lower()
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "erro-comum-" + "-".join(re.findall(r"\w+", text.removeprefix("erro comum:")))
    unique, n = slug, 2
    while unique in taken:
        unique, n = f"{slug}-{n}", n + 1
    taken.add(unique)
    return unique


def first_sentence(message: str) -> str:
    """A mensagem até o fim da primeira frase (a parte que a identifica).

    Exemplo:
        >>> first_sentence("RuntimeError: Trying to go (or not). Saved values are freed.")
        'RuntimeError: Trying to go (or not).'
        >>> first_sentence("ValueError: got total_length=4 and 5")
        'ValueError: got total_length=4 and 5'
    """
    return re.split(r"(?<=\.) (?=[A-Z])", message, maxsplit=1)[0]


def anchor_common_errors(content: str) -> str:
    """Troca o título de cada caixa "Erro comum" por um título com ``id`` e a mensagem.

    O nível é o seguinte ao do título anterior na página (``h3`` depois de um ``h2``).

    Exemplo:
        >>> box = ('<h2 id="s">S</h2><p class="admonition-title">Erro comum: <b>h</b></p><p>x</p>'
        ...        '<div class="saida"><pre><span></span><code>ValueError: ruim\\n</code></pre>')
        >>> out = anchor_common_errors(box)
        >>> for part in out[out.index("</h2>") + 5 : out.index("<p>")].split(" <br>"):
        ...     print(part)
        <h3 class="admonition-title" id="erro-comum-h">Erro comum: <b>h</b>
        <code class="erro-comum-mensagem">ValueError: ruim</code></h3>
    """
    taken = set(re.findall(r'\sid="([^"]+)"', content))

    def title(match: re.Match[str]) -> str:
        message = _MESSAGE.search(match[2])
        extra = (
            f' <br><code class="erro-comum-mensagem">{first_sentence(message[1])}</code>'
            if message
            else ""
        )
        slug = _slug(match[1], taken)
        above = re.findall(r"<h([1-6])[ >]", content[: match.start()])
        level = min(int(above[-1]) + 1, 6) if above else 2
        return (
            f'<h{level} class="admonition-title" id="{slug}">{match[1]}{extra}</h{level}>'
            f"{match[2]}"
        )

    return _BOX.sub(title, content)


def on_page_content(html_content: str, page: Page, **kwargs) -> str:
    return anchor_common_errors(html_content)
