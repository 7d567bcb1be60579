"""Ajustes para a versão de impressão (plugin ``print-site``), a página com o livro inteiro.

O que o plugin não faz sozinho com este site:

- Ele avisa que não é o último plugin porque conta os ``hooks:`` do ``mkdocs.yml`` só
  quando eles vêm como dicionário (no MkDocs 1.6 são uma lista, acrescentada depois dos
  plugins). O aviso é falso aqui e derrubaria o ``mkdocs build --strict``; filtramos só ele.
- A página combinada é escrita no ``on_post_build``, sem passar pelo ``on_post_page``;
  aqui ela recebe o mesmo ``lang="pt-BR"`` das outras (``language.py``).
- Ela é desenhada com o contexto do ``404.html``, cuja base é absoluta (``/recorrente/``, do
  ``site_url``): fora desse endereço (``mkdocs serve`` em outra porta, o site aberto de um
  diretório) a busca pedia ``/recorrente/search/...`` e dava 404. A base volta a ser relativa.
- Ele troca todo link entre páginas por uma âncora na página combinada, mesmo quando a página
  de destino ficou de fora da impressão (a API) ou é a própria versão para imprimir. Esses
  links voltam a apontar para a página do site.
- Cada seção do ``nav`` vira uma folha de rosto (um ``h1`` sozinho), mesmo a da API, cujas
  páginas ficam de fora: o PDF terminava numa folha "API do pacote" vazia. A folha de uma seção
  sem páginas sai.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from language import on_post_page as _set_language
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs_print_site_plugin.urls import get_page_key

_BASE = re.compile(r'("base": )"[^"]*"')
_ANCHOR_HREF = re.compile(r'href="#([^"]+)"')
_ID = re.compile(r'\sid="([^"]+)"')
_EMPTY_SECTION = re.compile(
    r"<section class=['\"]print-page md-section['\"] id=['\"]([^'\"]+)['\"][^>]*>"
    r"\s*<h1>[^<]*(?:<a[^>]*></a>)?\s*</h1>\s*</section>"
)
_page_urls: dict[str, str] = {}
_FALSE_WARNING = "[mkdocs-print-site] 'print-site' should be defined as the *last* plugin"


class _DropFalseWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_FALSE_WARNING)


logging.getLogger("mkdocs.plugins").addFilter(_DropFalseWarning())


def on_files(files: Files, **kwargs) -> Files:
    _page_urls.clear()
    _page_urls.update({get_page_key(f.url): f.url for f in files.documentation_pages()})
    return files


def restore_links(html: str, page_urls: dict[str, str]) -> str:
    """Devolve ao site os links da página combinada cujo destino não está nela.

    Exemplo:
        >>> html = '<h1 id="index">Início</h1><a href="#index">a</a><a href="#api-x">b</a>'
        >>> restore_links(html, {"index": "", "api": "api/"})
        '<h1 id="index">Início</h1><a href="#index">a</a><a href="../api/#x">b</a>'
    """
    present = set(_ID.findall(html))

    def fix(match: re.Match[str]) -> str:
        anchor = match[1]
        if anchor in present:
            return match[0]
        keys = [k for k in page_urls if anchor == k or anchor.startswith(k + "-")]
        if not keys:
            return match[0]
        key = max(keys, key=len)
        section = anchor[len(key) + 1 :]
        return f'href="../{page_urls[key]}{"#" + section if section else ""}"'

    return _ANCHOR_HREF.sub(fix, html)


def drop_empty_sections(html: str, site_url: str = "../") -> str:
    """Tira as folhas de rosto de seções sem nenhuma página na impressão.

    Os links do menu lateral para a seção tirada vão para ``site_url`` (a seção no site).

    Exemplo:
        >>> html = ("<section class='print-page md-section' id='section-3'><h1>Ref</h1>"
        ...         "<section class='print-page' id='g'><h1>G</h1></section></section>"
        ...         "<section class='print-page md-section' id='section-3-3'>"
        ...         "<h1>API<a class='headerlink'></a></h1>  </section>")
        >>> drop_empty_sections(html).count("<section")
        2
    """
    for section_id in _EMPTY_SECTION.findall(html):
        html = html.replace(f'href="#{section_id}"', f'href="{site_url}"')
    return _EMPTY_SECTION.sub("", html)


@event_priority(-100)  # depois do print-site, que escreve a página no seu on_post_build
def on_post_build(config, **kwargs) -> None:
    page = Path(config["site_dir"]) / "print_page" / "index.html"
    if page.is_file():
        html = _set_language(page.read_text(encoding="utf-8"))
        # A própria página de impressão é criada pelo plugin depois do on_files.
        targets = {**_page_urls, get_page_key("print_page/"): "print_page/"}
        html = restore_links(_BASE.sub(r'\1".."', html, count=1), targets)
        # A única seção que o print-site deixa de fora (exclude do mkdocs.yml) é a da API.
        api = _page_urls.get(get_page_key("referencia/api/"), "")
        html = drop_empty_sections(html, f"../{api}")
        page.write_text(html, encoding="utf-8")
