"""Os endereços do site e a versão do pacote, de um ajuste só (:mod:`recorrente_build.addresses`).

``site_url``, ``repo_url``, ``repo_name`` e ``extra.notebooks.colab`` não estão escritos no
``mkdocs.yml``: saem de ``GITHUB_REPOSITORY`` (no GitHub Actions; fora dele, o repositório do
livro). ``extra.versao`` é a versão do pacote ``recorrente`` que executou os capítulos; o rodapé
a mostra. No ``mkdocs serve`` o ``site_url`` já é o endereço local, e fica.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

import recorrente
from recorrente_build import addresses


@event_priority(100)  # antes de qualquer plugin que leia site_url ou repo_url
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    settings = addresses.from_environment().config(recorrente.__version__)
    if config.site_url:
        settings.pop("site_url")  # o mkdocs serve (ou um site_url escrito à mão) manda
    config.extra.update(settings.pop("extra"))
    for key, value in settings.items():
        config[key] = value
    return config
