"""Para o ``mkdocs serve``: a prosa aparece logo e a execução corre em segundo plano.

O servidor sobe assim que o primeiro build termina; esse build só escreve páginas: a do cache,
quando a execução guardada vale, ou uma provisória (prosa, títulos e código, sem saídas) para
o capítulo que precisa executar. A execução começa depois (:meth:`Background.release`), para
não disputar a CPU com o primeiro build; quando termina, a página de verdade é escrita e o
``serve`` recarrega o navegador. Um capítulo que já tem página e precisa executar de novo
mostra um aviso no topo até a execução nova terminar.

Um capítulo que falha executa **uma vez** por mudança das suas fontes (o código das células,
os arquivos do pacote, o ambiente): a página mostra o aviso de falha (capítulo, célula,
mensagem) até o autor mudar alguma delas. A página escrita não faz o capítulo executar de novo.

O hook é recarregado a cada build do ``serve``; a sessão fica aqui (:func:`start`,
:func:`session`), não no módulo do hook.
"""

from __future__ import annotations

import concurrent.futures
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

import nbformat

from recorrente_build import execution
from recorrente_build.cache import Cache, code_key, environment_key, package_key, sha
from recorrente_build.settings import CACHE, CHAPTERS, ChapterError, default_workers
from recorrente_build.source import chapters, prepared
from recorrente_build.writing import (
    RUNNING_NOTICE,
    mark_stale,
    outputs_of,
    write,
    write_failure,
    write_provisional,
)

Report = Callable[[str], None]


class Background:
    """Executa em segundo plano o que não está no cache e mantém as páginas em dia.

    Parâmetros:
        workers: execuções em paralelo.
        source: a pasta dos capítulos; ``destination``: onde as páginas vão; ``cache``: a
            pasta do cache (outras que as do livro só nos testes).
    """

    def __init__(
        self,
        workers: int = 1,
        source: Path = CHAPTERS,
        destination: Path = CHAPTERS,
        cache: Path = CACHE,
    ) -> None:
        self.source, self.destination, self.cache = source, destination, cache
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
        self.lock = threading.Lock()
        self.released = threading.Event()
        self.stopped = execution.Stop()
        # assinatura das fontes → execução agendada; e a assinatura com que cada um falhou
        self.running: dict[Path, tuple[str, concurrent.futures.Future]] = {}
        self.failed: dict[Path, str] = {}
        # fonte + execução guardada de cada página já escrita a partir do cache: um build do
        # serve não refaz as páginas que não mudaram (deixa a edição de prosa mais rápida)
        self.written: dict[Path, str] = {}
        # o primeiro build do serve é leve (sem a referência da API): o servidor responde antes
        self.first_build = True

    def release(self) -> None:
        """Deixa as execuções começarem (o hook chama depois do primeiro build)."""
        self.released.set()

    def stop(self) -> None:
        """Encerra os kernels e esquece a fila (o ``serve`` está saindo)."""
        self.stopped.stop()
        self.released.set()
        self.pool.shutdown(wait=False, cancel_futures=True)

    def update(self, report: Report = print) -> None:
        """Escreve já o que o cache permite e põe na fila o que precisa executar."""
        for chapter in chapters(folder=self.source):
            try:
                source = prepared(chapter)
            except ChapterError as error:  # malformado: aviso uma vez por versão do arquivo
                self._fail(chapter, sha(chapter.read_bytes()), str(error), report)
                continue
            if self._from_cache(chapter, source):
                self.failed.pop(chapter, None)
                continue
            signature = sha(code_key(source), package_key(), environment_key())
            with self.lock:
                if self.failed.get(chapter) == signature:
                    continue  # já falhou com estas fontes: o aviso de falha fica
                current = self.running.get(chapter)
                if current and current[0] == signature:
                    continue  # na fila, executando, ou já escrito por esta execução
                md, _, _ = outputs_of(chapter, self.destination)
                if md.is_file() and "notebook:" in md.read_text(encoding="utf-8")[:200]:
                    mark_stale(md)
                else:
                    write_provisional(chapter, RUNNING_NOTICE, self.destination)
                report(f"{chapter.name}: executando em segundo plano")
                future = self.pool.submit(self._execute, chapter, signature, report)
                self.running[chapter] = (signature, future)

    def _from_cache(self, chapter: Path, source: nbformat.NotebookNode) -> bool:
        executed = execution.from_cache(chapter, source, self.cache)
        if executed is None:
            return False
        cache = Cache(chapter, self.cache)
        signature = sha(chapter.read_bytes(), cache.key.read_bytes())
        md, _, _ = outputs_of(chapter, self.destination)
        if self.written.get(chapter) != signature or not md.is_file():
            write(chapter, executed, self.destination)
            self.written[chapter] = signature
        return True

    def _fail(self, chapter: Path, signature: str, message: str, report: Report) -> None:
        with self.lock:
            if self.failed.get(chapter) == signature:
                return
            self.failed[chapter] = signature
        report(message)
        write_failure(chapter, message, self.destination)

    def _execute(self, chapter: Path, signature: str, report: Report) -> None:
        self.released.wait()
        if self.stopped.event.is_set():
            return
        start = time.monotonic()
        try:
            nb = execution.run(chapter, self.cache, stop=self.stopped)
            source = prepared(chapter)
            if code_key(source) != code_key(nb):
                return  # o código mudou durante a execução; o próximo build já pôs outra na fila
            write(chapter, execution.with_prose_of(source, nb), self.destination)
        except Exception as error:  # noqa: BLE001 (qualquer falha vira o aviso, e não repete)
            self._fail(chapter, signature, str(error), report)
            return
        report(f"{chapter.name}: executado em {time.monotonic() - start:.0f} s")


_session: Background | None = None


API_LATER = (
    "!!! note \"A referência deste módulo vem já\"\n"
    "    O primeiro build do `mkdocs serve` pula a referência da API, a parte mais lenta, para "
    "o servidor responder logo; o build seguinte, que começa sozinho, a escreve e recarrega a "
    "página.\n"
)


def without_api(markdown: str) -> str:
    """A página sem os blocos ``::: objeto`` do mkdocstrings, com um aviso no lugar do primeiro.

    Exemplo:
        >>> page = without_api("# m\\n\\n::: recorrente.m\\n    options:\\n      a: 1\\n\\nFim.")
        >>> page.startswith("# m\\n\\n!!! note") and page.endswith("página.\\n\\nFim.")
        True
        >>> without_api("Sem referência.")
        'Sem referência.'
    """
    blocks = re.compile(r"^::: .*\n(?:(?:    .*)?\n)*", re.MULTILINE)
    if not blocks.search(markdown + "\n"):
        return markdown
    return blocks.sub("", blocks.sub(API_LATER + "\n", markdown + "\n", count=1)).rstrip("\n")


QUIET_SECONDS = 2.0
"""Segundos sem requisição do navegador antes de o ``serve`` pedir o build completo."""


def rebuild_when_quiet(server, quiet: float = QUIET_SECONDS) -> threading.Thread:
    """Pede ao ``serve`` um build novo quando o navegador para de pedir arquivos.

    O servidor do MkDocs (``LiveReloadServer``) segura toda requisição enquanto um build roda.
    Pedir o build completo logo que o servidor sobe prende a primeira página atrás dele; aqui
    o pedido espera a primeira requisição e depois ``quiet`` segundos sem nenhuma outra (a
    página, o CSS, o JS e as figuras já foram), sem contar a espera longa do livereload.
    O MkDocs 1.6 não tem um método público para "reconstrua": é o mesmo que ele faz quando um
    arquivo vigiado muda (``_want_rebuild``).

    Retorna:
        A thread que espera (daemon; termina com o pedido ou com o fim do servidor).
    """
    app = server.get_app()
    last: list[float] = []
    lock = threading.Lock()

    def counting(environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/livereload/"):
            with lock:
                last[:] = [time.monotonic()]
        return app(environ, start_response)

    def wait() -> None:
        while not getattr(server, "_shutdown", False):
            time.sleep(0.2)
            with lock:
                quiet_now = bool(last) and time.monotonic() - last[0] >= quiet
            if quiet_now:
                server.set_app(app)
                with server._rebuild_cond:
                    server._want_rebuild = True
                    server._rebuild_cond.notify_all()
                return

    server.set_app(counting)
    thread = threading.Thread(target=wait, name="recorrente-build-completo", daemon=True)
    thread.start()
    return thread


def start(workers: int | None = None) -> Background:
    """A sessão do ``serve`` deste processo (criada na primeira chamada)."""
    global _session
    if _session is None:
        _session = Background(workers or default_workers())
    return _session


def session() -> Background | None:
    """A sessão do ``serve``, ou ``None`` quando é um ``mkdocs build``."""
    return _session
