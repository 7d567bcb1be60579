"""Os endereços do site e a versão do pacote, de um ajuste só (``scripts/enderecos.py``).

``site_url``, ``repo_url``, ``repo_name`` e ``extra.notebooks.colab`` não estão escritos no
``mkdocs.yml``: saem de ``GITHUB_REPOSITORY`` (no GitHub Actions; fora dele, o repositório do
livro). ``extra.versao`` é a versão do pacote ``recorrente`` que executou os capítulos; o rodapé
a mostra. No ``mkdocs serve`` o ``site_url`` já é o endereço local, e fica.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import enderecos  # noqa: E402  (scripts/enderecos.py)

import recorrente  # noqa: E402


@event_priority(100)  # antes de qualquer plugin que leia site_url ou repo_url
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    ajustes = enderecos.do_ambiente().configuracao(recorrente.__version__)
    if config.site_url:
        ajustes.pop("site_url")  # o mkdocs serve (ou um site_url escrito à mão) manda
    config.extra.update(ajustes.pop("extra"))
    for chave, valor in ajustes.items():
        config[chave] = valor
    return config
