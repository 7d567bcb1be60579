"""Chama o passo de renderização (``src/recorrente_build``) no ``mkdocs build`` e no ``serve``.

As páginas dos capítulos são Markdown comum, geradas antes de o MkDocs listar os arquivos
(``docs/capitulos/NN_nome.md``, figuras e notebook ao lado, tudo fora do git):

- ``mkdocs build``: executa em paralelo o que não está no cache e espera; um capítulo que falha
  para o build com o capítulo, o número da célula e o traceback;
- ``mkdocs serve``: o primeiro build só escreve páginas (as do cache, e provisórias com a
  prosa para o que precisa executar), o servidor sobe, e aí a execução começa em segundo
  plano (:mod:`recorrente_build.serve`); quando termina, a página é escrita e o ``serve``
  recarrega o navegador. Um capítulo que falha mostra o aviso de falha até ser corrigido. Esse
  primeiro build também pula a referência da API (o mkdocstrings); o segundo, pedido quando o
  navegador já recebeu a primeira página, a escreve.

Além disso, a página gerada leva o leitor ao arquivo de verdade: o link "Sugerir correção" e a
data "Atualizado em" são os do ``.py`` do capítulo, não os do ``.md`` gerado.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler

from recorrente_build import cli, runner, serve
from recorrente_build.settings import CHAPTERS, ChapterError

log = logging.getLogger("mkdocs.hooks.chapters")


def on_startup(command: str, dirty: bool) -> None:
    cli.sigterm_as_interrupt()  # SIGTERM encerra os kernels, como Ctrl-C
    # O hook é recarregado a cada build do serve; a sessão fica em recorrente_build.serve.
    if command == "serve":
        serve.start()


def on_pre_build(config: MkDocsConfig) -> None:
    if Path(config.docs_dir).resolve() != CHAPTERS.parent.resolve():
        raise Abort(
            f"O passo de renderização importado ({CHAPTERS.parents[1]}) é de outra cópia do "
            f"livro; rode `pip install -e .` nesta (ou PYTHONPATH=src) antes do mkdocs."
        )
    background = serve.session()
    if background is not None:
        # As páginas provisórias (capítulos ainda executando) apontam para arquivos que a
        # execução ainda vai gravar (o modelo do cap. 6): no modo estrito, o primeiro serve de um
        # clone novo parava com "Aborted with 2 warnings". Sob o serve os avisos ficam no log; o
        # build do CI (`mkdocs build --strict`) continua estrito.
        mkdocs_log = logging.getLogger("mkdocs")
        for handler in list(mkdocs_log.handlers):
            if isinstance(handler, CountHandler):  # o contador do modo estrito deste build
                mkdocs_log.removeHandler(handler)
        background.update(report=log.info)
        return
    try:
        runner.generate(report=log.info)
    except ChapterError as error:
        log.error(str(error))
        raise Abort("Um capítulo falhou; veja a mensagem acima.") from None


def on_post_build(config: MkDocsConfig) -> None:
    background = serve.session()
    if background is not None:
        background.release()  # o servidor já pode responder: agora a execução começa


def on_serve(server, config: MkDocsConfig, builder):
    """Depois do primeiro build (leve, sem a API), pede ao ``serve`` o build completo.

    O pedido espera o navegador parar de pedir arquivos (:func:`serve.rebuild_when_quiet`): o
    servidor do MkDocs segura toda requisição enquanto um build roda, e a primeira página não
    pode ficar presa atrás do build completo.
    """
    background = serve.session()
    if background is not None and background.first_build:
        background.first_build = False
        serve.rebuild_when_quiet(server)
    return server


def on_shutdown() -> None:
    background = serve.session()
    if background is not None:
        background.stop()


def _source(page_or_file) -> str | None:
    """``capitulos/NN_nome.py`` para a página gerada de um capítulo; ``None`` para as outras."""
    src = page_or_file.src_uri
    if src.startswith("capitulos/") and src.endswith(".md"):
        source = Path(src).with_suffix(".py")
        if (CHAPTERS / source.name).is_file():
            return source.as_posix()
    return None


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for file in files.documentation_pages():
        source = _source(file)
        if source:
            file.edit_uri = source  # "Sugerir correção" abre o .py, não o Markdown gerado
    return files


@event_priority(-100)  # depois do git-revision-date-localized (que exclui capitulos/*.md)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **kwargs) -> str:
    background = serve.session()
    if background is not None and background.first_build:
        markdown = serve.without_api(markdown)
    source = _source(page.file)
    plugin = config.plugins.get("git-revision-date-localized")
    if source and plugin is not None:
        path = Path(config.docs_dir) / source
        _, timestamp = plugin.util.get_git_commit_timestamp(str(path))
        formats = plugin.util.get_date_formats_for_timestamp(
            timestamp, locale=plugin.config["locale"], add_spans=True
        )
        page.meta["git_revision_date_localized"] = formats[plugin.config["type"]]
    return markdown
