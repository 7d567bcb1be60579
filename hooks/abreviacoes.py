"""Siglas com a expansão ao passar o mouse também nas páginas dos capítulos.

As páginas Markdown recebem ``includes/abreviacoes.md`` pelo ``pymdownx.snippets``
(``auto_append``) e a extensão ``abbr`` escreve ``<abbr title="...">RNN</abbr>``. Os capítulos
são notebooks: o mkdocs-jupyter converte o Markdown deles sem passar pelo Python-Markdown, e as
siglas ficariam sem a dica. Este hook lê o mesmo arquivo (uma casa só para as siglas) e marca,
nas células de texto dos capítulos (``div.jp-RenderedMarkdown``), cada ocorrência da sigla como
palavra inteira, com a mesma marcação da extensão ``abbr``.

Fica de fora o que não é prosa ou não pode mudar:

- código, saídas e figuras (``code``, ``pre``, ``script``, ``style``, ``svg``) e o que já é
  ``abbr``; atributos nunca são tocados, só o texto entre as tags;
- títulos (``h1``–``h6``): o sumário e as âncoras do mkdocs-jupyter, o índice de busca e o
  sumário da versão para imprimir leem o conteúdo dos títulos; uma tag a mais ali só
  atrapalharia, e a sigla aparece com a dica logo no texto abaixo;
- fórmulas: nos notebooks o TeX continua cru (``$...$``, ``$$...$$``, ``\\(...\\)``,
  ``\\[...\\]``) até o MathJax tipografá-lo no navegador; o texto é cortado nesses delimitadores
  e só o que está fora deles é marcado.

Dentro de links (``a``) a sigla é marcada, como a extensão ``abbr`` faz nas páginas Markdown.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.plugins import event_priority

_DEFINITION = re.compile(r"^\*\[(?P<abbr>[^\]]+)\]:[ \t]*(?P<title>.+?)\s*$", re.MULTILINE)
_TOKEN = re.compile(r"<!--.*?-->|<[^>]*>|[^<]+", re.DOTALL)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_MATH = re.compile(r"(\$\$.+?\$\$|\$[^$]+?\$|\\\(.+?\\\)|\\\[.+?\\\])", re.DOTALL)
_SKIP = frozenset(
    {"code", "pre", "script", "style", "svg", "abbr", *(f"h{n}" for n in range(1, 7))}
)
_PROSE = "jp-RenderedMarkdown"


def _escape(text: str, quote: bool = False) -> str:
    """Escapa como o serializador do Python-Markdown (``'`` fica como está)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def read_abbreviations(path: Path) -> dict[str, str]:
    """Lê as linhas ``*[SIGLA]: expansão`` de um arquivo, na sintaxe da extensão ``abbr``.

    Exemplo:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as pasta:
        ...     arquivo = Path(pasta) / "siglas.md"
        ...     _ = arquivo.write_text("*[RNN]: rede neural recorrente\\n", encoding="utf-8")
        ...     read_abbreviations(arquivo)
        {'RNN': 'rede neural recorrente'}
    """
    text = path.read_text(encoding="utf-8")
    return {m["abbr"].strip(): m["title"] for m in _DEFINITION.finditer(text)}


def wrap_abbreviations(html: str, abbreviations: dict[str, str], container: str = _PROSE) -> str:
    """Marca as siglas como ``<abbr title="...">`` no texto corrido de ``html``.

    Só age dentro dos ``div`` cuja classe contém ``container`` (``""``: no HTML inteiro), e
    pula títulos, código, fórmulas e atributos (veja o topo do módulo).

    Exemplo:
        >>> wrap_abbreviations("<p>Uma RNN, não a RNNCell nem <code>RNN</code>.</p>",
        ...                    {"RNN": "rede recorrente"}, container="")
        '<p>Uma <abbr title="rede recorrente">RNN</abbr>, não a RNNCell nem <code>RNN</code>.</p>'
    """
    if not abbreviations:
        return html
    keys = sorted((_escape(k) for k in abbreviations), key=len, reverse=True)
    titles = {_escape(k): _escape(v, quote=True) for k, v in abbreviations.items()}
    word = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, keys)) + r")(?!\w)")

    def mark(text: str) -> str:
        parts = _MATH.split(text)  # posições ímpares: fórmulas, intocadas
        for i in range(0, len(parts), 2):
            parts[i] = word.sub(lambda m: f'<abbr title="{titles[m[1]]}">{m[1]}</abbr>', parts[i])
        return "".join(parts)

    out: list[str] = []
    skip: list[str] = []  # pilha das tags abertas que mandam pular o texto
    depth, prose = 0, None  # profundidade de div e a do div de prosa em que estamos
    opens_prose = re.compile(r'class="[^"]*\b' + re.escape(container) + r"\b")
    for token in _TOKEN.findall(html):
        tag = _TAG.match(token)
        if tag and not token.endswith("/>"):
            closing, name = tag[1] == "/", tag[2].lower()
            if name == "div" and closing:
                depth -= 1
                if prose is not None and depth < prose:
                    prose = None
            elif name == "div":
                depth += 1
                if prose is None and container and opens_prose.search(token):
                    prose = depth
            elif name in _SKIP and not closing:
                skip.append(name)
            elif name in skip:
                del skip[len(skip) - 1 - skip[::-1].index(name) :]
            out.append(token)
        elif token.startswith("<") or skip or (container and prose is None):
            out.append(token)
        else:
            out.append(mark(token))
    return "".join(out)


_abbreviations: dict[str, str] = {}


def on_config(config, **kwargs):
    """Lê, uma vez por build, o arquivo que o ``pymdownx.snippets`` anexa às páginas Markdown."""
    snippets = config.mdx_configs["pymdownx.snippets"]
    root = Path(config.config_file_path).parent
    path = root / snippets["base_path"][0] / snippets["auto_append"][0]
    _abbreviations.clear()
    _abbreviations.update(read_abbreviations(path))
    return config


# Antes do print-site, que guarda o HTML de cada página para a versão de impressão.
@event_priority(50)
def on_page_content(html: str, page, **kwargs) -> str:
    if not page.file.src_uri.endswith(".py"):
        return html  # páginas Markdown: a extensão abbr já cuidou delas
    return wrap_abbreviations(html, _abbreviations)
