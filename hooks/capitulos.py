"""Chama ``scripts/paginas.py`` no ``mkdocs build`` e no ``mkdocs serve``; nada além disso.

As páginas dos capítulos são Markdown comum, geradas antes de o MkDocs listar os arquivos
(``docs/capitulos/NN_nome.md``, figuras e notebook ao lado, tudo fora do git):

- ``mkdocs build``: executa em paralelo o que não está no cache e espera; um capítulo que falha
  para o build com o capítulo, o número da célula e o traceback;
- ``mkdocs serve``: o servidor sobe logo; o capítulo sem execução válida no cache ganha uma
  página provisória e é executado em segundo plano; quando termina, a página é escrita e o
  ``serve`` recarrega o navegador. Uma edição só de prosa reescreve a página sem executar nada.

Além disso, a página gerada leva o leitor ao arquivo de verdade: o link "Sugerir correção" e a
data "Atualizado em" são os do ``.py`` do capítulo, não os do ``.md`` gerado.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import paginas  # noqa: E402  (scripts/paginas.py: o passo que o MkDocs só chama)

log = logging.getLogger("mkdocs.hooks.capitulos")


def on_startup(command: str, dirty: bool) -> None:
    # O hook é recarregado a cada build do serve; o estado fica no módulo paginas.
    if command == "serve" and getattr(paginas, "segundo_plano", None) is None:
        paginas.segundo_plano = paginas.SegundoPlano()


def on_pre_build(config: MkDocsConfig) -> None:
    fundo = getattr(paginas, "segundo_plano", None)
    if fundo is not None:
        fundo.atualizar(avisar=log.info)
        return
    try:
        paginas.gerar(avisar=log.info)
    except paginas.ErroNoCapitulo as erro:
        log.error(str(erro))
        raise Abort("Um capítulo falhou; veja a mensagem acima.") from None


def _fonte(page_or_file) -> str | None:
    """``capitulos/NN_nome.py`` para a página gerada de um capítulo; ``None`` para as outras."""
    src = page_or_file.src_uri
    if src.startswith("capitulos/") and src.endswith(".md"):
        fonte = Path(src).with_suffix(".py")
        if (Path(paginas.CAPITULOS) / fonte.name).is_file():
            return fonte.as_posix()
    return None


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for file in files.documentation_pages():
        fonte = _fonte(file)
        if fonte:
            file.edit_uri = fonte  # "Sugerir correção" abre o .py, não o Markdown gerado
    return files


@event_priority(-100)  # depois do git-revision-date-localized (que exclui capitulos/*.md)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **kwargs) -> str:
    fonte = _fonte(page.file)
    plugin = config.plugins.get("git-revision-date-localized")
    if fonte and plugin is not None:
        caminho = Path(config.docs_dir) / fonte
        _, instante = plugin.util.get_git_commit_timestamp(str(caminho))
        formatos = plugin.util.get_date_formats_for_timestamp(
            instante, locale=plugin.config["locale"], add_spans=True
        )
        page.meta["git_revision_date_localized"] = formatos[plugin.config["type"]]
    return markdown
