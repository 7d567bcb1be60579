"""Ajustes para a versão de impressão (plugin ``print-site``), a página com o livro inteiro.

Três coisas que o plugin não faz sozinho com este site:

- Ele avisa que não é o último plugin porque conta os ``hooks:`` do ``mkdocs.yml`` só
  quando eles vêm como dicionário (no MkDocs 1.6 são uma lista, acrescentada depois dos
  plugins). O aviso é falso aqui e derrubaria o ``mkdocs build --strict``; filtramos só ele.
- Ele guarda o HTML de cada página no seu ``on_page_content``; os hooks que limpam esse HTML
  (``sem_prompts.py``, ``abreviacoes.py``) rodam com prioridade maior, antes dele.
- A página combinada é escrita no ``on_post_build``, sem passar pelo ``on_post_page``;
  aqui ela recebe o mesmo ``lang="pt-BR"`` das outras (``idioma.py``).
- Ela é desenhada com o contexto do ``404.html``, cuja base é absoluta (``/recorrente/``, do
  ``site_url``): fora desse endereço (``mkdocs serve`` em outra porta, o site aberto de um
  diretório) a busca pedia ``/recorrente/search/...`` e dava 404. A base volta a ser relativa.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from idioma import on_post_page as _set_language
from mkdocs.plugins import event_priority

_BASE = re.compile(r'("base": )"[^"]*"')
_FALSE_WARNING = "[mkdocs-print-site] 'print-site' should be defined as the *last* plugin"


class _DropFalseWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(_FALSE_WARNING)


logging.getLogger("mkdocs.plugins").addFilter(_DropFalseWarning())


@event_priority(-100)  # depois do print-site, que escreve a página no seu on_post_build
def on_post_build(config, **kwargs) -> None:
    page = Path(config["site_dir"]) / "print_page" / "index.html"
    if page.is_file():
        html = _set_language(page.read_text(encoding="utf-8"))
        page.write_text(_BASE.sub(r'\1".."', html, count=1), encoding="utf-8")
