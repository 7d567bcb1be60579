"""Executar um capítulo num kernel novo, ou tirar a execução do cache.

O kernel roda com a raiz do repositório como diretório de trabalho, no caminho numérico do
ambiente pedido e com uma thread; na frente vai uma célula de preparo (o código de
:mod:`recorrente_build.kernel`: texto alternativo das figuras e os valores citados) e no fim
uma que conta o que o capítulo carregou, para a chave do cache. As duas saem do notebook.

Ctrl-C (ou SIGTERM, pela linha de comando) chama :meth:`Stop.stop`: os kernels em andamento
morrem, cada execução termina com erro em segundos e apaga a sua pasta temporária.
"""

from __future__ import annotations

import atexit
import copy
import json
import os
import tempfile
import threading
import time
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient

from recorrente_build import kernel as kernel_code
from recorrente_build import quotes
from recorrente_build.cache import Cache, Durations
from recorrente_build.records import ANSI
from recorrente_build.settings import (
    CACHE,
    CELL_TIMEOUT,
    PUBLISHED,
    ROOT,
    SETUP_TAG,
    ChapterError,
    Environment,
    relative,
)
from recorrente_build.source import prepared


class Stop:
    """Um pedido de parada para um grupo de execuções (as de um build, as de um ``serve``).

    Quem pede para parar (Ctrl-C, SIGTERM, o fim do ``serve``) chama :meth:`stop`: os kernels
    do grupo morrem, e uma execução do grupo que ainda não começou, ou que vai começar outra
    célula, termina com :class:`ChapterError`. Cada uma apaga a sua pasta temporária.
    """

    def __init__(self) -> None:
        self.event = threading.Event()
        self.lock = threading.Lock()
        self.kernels: set[AsyncKernelManager] = set()

    def __call__(self, **_) -> None:
        if self.event.is_set():
            raise ChapterError("Execução interrompida.")

    def stop(self) -> None:
        self.event.set()
        with self.lock:
            kernels = list(self.kernels)
        for manager in kernels:  # daqui, outra thread: só matar o processo é seguro
            process = getattr(manager.provisioner, "process", None)
            if process is not None and process.poll() is None:
                process.kill()


def _shutdown(manager: AsyncKernelManager) -> None:
    try:
        if manager.has_kernel:
            run_sync(manager.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001, S110 (já morreu, ou está morrendo)
        pass


def error_message(chapter: Path, nb: nbformat.NotebookNode, error: Exception) -> str:
    """O capítulo, a célula (contando todas, a partir de 1), o código e o traceback sem cores."""
    number, code, traceback, quote = None, "", str(error), False
    cells = [c for c in nb.cells if SETUP_TAG not in c.metadata.get("tags", [])]
    i = 0
    for cell in cells:
        quote = quotes.is_quote_cell(cell)
        i += 0 if quote else 1
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        if errors:
            number, code = (i + 1, "") if quote else (i, cell.source)
            traceback = "\n".join(errors[0].traceback)
            if quote:
                traceback = f"{errors[0].ename}: {errors[0].evalue}"
            break
    traceback = ANSI.sub("", traceback)
    where = f"na célula {number}" if number else "ao executar"
    if quote:
        return (
            f"O capítulo {relative(chapter)} falhou num valor citado na célula de texto "
            f"{number} (contando todas as células, de texto e de código, a partir de 1):\n"
            f"{traceback}"
        )
    return (
        f"O capítulo {relative(chapter)} falhou {where} (contando todas as células, "
        f"de texto e de código, a partir de 1).\n"
        f"Código da célula:\n{code}\n\nTraceback:\n{traceback}"
    )


def _setup_cell(name: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(name, metadata={"tags": [SETUP_TAG]})


def run(
    chapter: Path,
    folder: Path = CACHE,
    environment: Environment = PUBLISHED,
    stop: Stop | None = None,
) -> nbformat.NotebookNode:
    """Executa o capítulo num kernel novo e guarda o resultado no cache (em ``folder``).

    O kernel roda no caminho numérico de ``environment`` (por padrão o fixo do livro, o mesmo
    em toda máquina x86) e com a base de sementes dele. Devolve o notebook *preparado*: com as
    células dos valores citados (:mod:`recorrente_build.quotes`), que a escrita substitui.

    Levanta:
        ChapterError: uma célula falhou; a mensagem traz o capítulo, o número da célula e o
            traceback.
    """
    stop = stop or Stop()
    stop()
    start = time.monotonic()
    nb = prepared(chapter)
    setup = kernel_code.source("figures") + "\n\n" + kernel_code.source("quotes")
    nb.cells.insert(0, _setup_cell(setup))
    nb.cells.append(_setup_cell(kernel_code.source("loaded")))
    # Uma thread por kernel (os capítulos executam em paralelo, um por núcleo): além de não
    # disputar a CPU, a soma em paralelo mudaria de ordem com o número de núcleos da máquina.
    variables = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": "0",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        **environment.variables(),  # o caminho numérico fixo (uma thread) e a base das sementes
    }
    # O kernel conversa com este processo por soquetes locais (IPC), não por TCP: nada fica
    # aberto na rede, e o ipykernel não enche o log de avisos sobre TCP sem criptografia.
    with tempfile.TemporaryDirectory(prefix="recorrente-kernel-") as kernel_folder:
        # O cliente assíncrono: com ele, a espera pelas saídas não trava a verificação de que o
        # kernel está vivo, e um kernel morto (Ctrl-C) encerra a execução em um segundo.
        manager = AsyncKernelManager(
            kernel_name="python3",
            transport="ipc",
            ip=str(Path(kernel_folder) / "k"),
            connection_file=str(Path(kernel_folder) / "conexao.json"),  # nada fora da pasta
        )
        client = NotebookClient(
            nb,
            km=manager,
            timeout=CELL_TIMEOUT,
            allow_errors=False,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": str(ROOT)}},
        )
        client.on_cell_start = stop
        with stop.lock:
            stop.kernels.add(manager)
        try:
            stop()  # o pedido pode ter chegado antes de o kernel entrar no grupo
            client.execute(env=variables, cleanup_kc=True)  # o nbclient fecha kernel e canais
        except Exception as error:  # célula que falhou, kernel que morreu, tempo esgotado
            stop()
            raise ChapterError(error_message(chapter, nb, error)) from None
        finally:
            with stop.lock:
                stop.kernels.discard(manager)
            _shutdown(manager)
            # O nbclient esquece de tirar a limpeza do atexit quando o kernel morre ao subir
            # (Ctrl-C): na saída, ela levantaria um AssertionError com traceback.
            atexit.unregister(client._cleanup_kernel)
    loaded = json.loads("".join(o.get("text", "") for o in nb.cells.pop().outputs))
    nb.cells.pop(0)
    nb.metadata.pop("jupytext", None)
    problem = Cache(chapter, folder, environment).store(nb, loaded)
    if problem:
        print(f"Aviso: {problem}", flush=True)
    Durations(folder).store(chapter, time.monotonic() - start)
    return nb


def executed(
    chapter: Path,
    folder: Path = CACHE,
    environment: Environment = PUBLISHED,
    stop: Stop | None = None,
) -> tuple[nbformat.NotebookNode, bool]:
    """O notebook executado (e preparado) do capítulo: o do cache, se ainda vale, ou um novo.

    Retorna:
        O notebook com as saídas e ``True`` quando veio do cache.
    """
    source = prepared(chapter)
    cached = from_cache(chapter, source, folder, environment)
    if cached is not None:
        return cached, True
    return with_prose_of(source, run(chapter, folder, environment, stop)), False


def from_cache(
    chapter: Path,
    source: nbformat.NotebookNode,
    folder: Path = CACHE,
    environment: Environment = PUBLISHED,
) -> nbformat.NotebookNode | None:
    """A execução guardada com a prosa atual, ou ``None`` (não há, não vale, ou estragou)."""
    cache = Cache(chapter, folder, environment)
    if not cache.valid(source):
        return None
    stored = cache.read()
    if stored is None:
        return None
    try:
        return with_prose_of(source, stored)
    except (IndexError, KeyError, AttributeError):  # guardado com outras células: execute
        return None


def with_prose_of(
    source: nbformat.NotebookNode, executed: nbformat.NotebookNode
) -> nbformat.NotebookNode:
    """Junta a prosa e os metadados atuais da fonte às saídas guardadas das células de código."""
    outputs = [c for c in executed.cells if c.cell_type == "code"]
    joined = nbformat.v4.new_notebook(metadata=source.metadata)
    for cell in source.cells:
        cell = copy.deepcopy(cell)
        if cell.cell_type == "code":
            stored = outputs.pop(0)
            cell.outputs = joined_lines(stored.outputs)
            cell.execution_count = stored.execution_count
        joined.cells.append(cell)
    joined.metadata.pop("jupytext", None)
    return joined


def joined_lines(outputs: list) -> list:
    """As saídas com cada linha impressa inteira: junta um pedaço de texto ao seguinte do mesmo
    fluxo quando a linha ficou pela metade.

    O kernel manda o texto de um ``print`` em pedaços quando demora (máquina ocupada): sem isto,
    ``print("igual:", x)`` viraria dois blocos na página ("igual:" e "True") conforme a carga.
    Pedaços que terminam uma linha ficam como vieram.

    Exemplo:
        >>> parts = [nbformat.v4.new_output("stream", name="stdout", text=t)
        ...          for t in ("igual:", " True\\n", "fim\\n")]
        >>> [o.text for o in joined_lines(parts)]
        ['igual: True\\n', 'fim\\n']
    """
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and output.get("output_type") == previous.get("output_type") == "stream"
            and output.get("name") == previous.get("name")
            and not previous["text"].endswith("\n")
        ):
            previous = copy.deepcopy(previous)
            previous["text"] += output["text"]
            joined[-1] = previous
        else:
            joined.append(output)
    return joined
