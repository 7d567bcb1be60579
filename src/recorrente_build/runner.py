"""Vários capítulos: executar em paralelo (ou tirar do cache), escrever, a rodada de robustez.

Os capítulos executam em paralelo, um por núcleo, os mais demorados primeiro. Um capítulo que
falha não deixa página velha: a página, o notebook, as figuras e o registro dele são apagados,
e o erro (capítulo, célula, traceback) sobe como :class:`ChapterError`.
"""

from __future__ import annotations

import concurrent.futures
import math
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import nbformat

from recorrente_build import execution, records
from recorrente_build.cache import Durations
from recorrente_build.files import write_if_changed
from recorrente_build.settings import (
    BUILT_RECORDS,
    CACHE,
    CHAPTERS,
    COMMAND,
    PUBLISHED,
    RECORDS,
    ROBUSTNESS_BASE,
    ROBUSTNESS_RECORDS,
    ChapterError,
    Environment,
    default_workers,
    robustness,
)
from recorrente_build.source import chapters
from recorrente_build.writing import remove_orphans, remove_outputs, write, write_record


def by_cost(found: list[Path], folder: Path = CACHE) -> list[Path]:
    """Os capítulos mais demorados primeiro (pela última execução; sem ela, os últimos
    capítulos primeiro, que são os de treino mais longo): com um trabalhador por núcleo, o
    mais longo não fica para o fim sozinho."""
    durations = Durations(folder).read()

    def cost(chapter: Path) -> float:
        value = durations.get(chapter.stem)
        return -value if isinstance(value, (int, float)) else -math.inf  # sem medida: antes

    return sorted(sorted(found, reverse=True), key=cost)


def in_parallel(
    found: list[Path], workers: int, environment: Environment = PUBLISHED, folder: Path = CACHE
) -> Iterator[tuple[Path, nbformat.NotebookNode | None, bool, str]]:
    """Executa (ou tira do cache) os capítulos em paralelo, os mais demorados primeiro.

    Devolve, na ordem em que terminam, ``(capítulo, notebook, veio_do_cache, erro)``: o
    notebook é ``None`` e ``erro`` traz a mensagem quando o capítulo falhou. Um Ctrl-C (ou
    qualquer exceção aqui) encerra os kernels em andamento e não espera por eles.
    """
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
    stop = execution.Stop()
    try:
        futures = {
            pool.submit(execution.executed, c, folder, environment, stop): c
            for c in by_cost(found, folder)
        }
        for future in concurrent.futures.as_completed(futures):
            try:
                nb, cached = future.result()
            except ChapterError as error:
                yield futures[future], None, False, str(error)
                continue
            yield futures[future], nb, cached, ""
    except GeneratorExit:  # quem pediu parou de ler: os que faltam terminam sozinhos
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    except BaseException:
        stop.stop()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def generate(
    found: Iterable[Path] | None = None,
    workers: int | None = None,
    destination: Path = CHAPTERS,
    report: Callable[[str], None] = print,
    folder: Path = CACHE,
) -> None:
    """Gera a página de cada capítulo, executando em paralelo os que não estão no cache.

    Levanta:
        ChapterError: algum capítulo falhou (a mensagem junta as de todos os que falharam).
    """
    if found is None:
        for name in remove_orphans(destination):
            report(f"{name}: apagado (o capítulo não existe mais)")
    found = list(chapters() if found is None else found)
    errors = []
    start = time.monotonic()
    for chapter, nb, cached, error in in_parallel(
        found, workers or default_workers(), PUBLISHED, folder
    ):
        if nb is None:
            remove_outputs(chapter, destination)
            errors.append(error)
            continue
        write(chapter, nb, destination)
        origin = "do cache" if cached else "executado"
        report(f"{chapter.name}: {origin} ({time.monotonic() - start:.0f} s)")
    if errors:
        raise ChapterError("\n\n".join(errors))


def robustness_run(
    found: Iterable[Path] | None = None,
    workers: int | None = None,
    base: int = ROBUSTNESS_BASE,
    report: Callable[[str], None] = print,
) -> int:
    """Executa os capítulos de novo com outra base de sementes e outro caminho numérico.

    Todo ``assert`` dos capítulos precisa valer aqui também. O registro de cada capítulo vai
    para ``build/registros-robustez/`` e é comparado com o do livro (o do último build, ou o
    aceito): a rodada mostra quantas linhas com números mudaram, com exemplos, para provar
    que não executou a mesma coisa de novo.

    Retorna:
        Quantas linhas mudaram, somando todos os capítulos.

    Levanta:
        ChapterError: algum capítulo falhou (um ``assert`` que não vale com outras sementes),
            ou nenhum número mudou.
    """
    found = list(chapters() if found is None else found)
    environment = robustness(base)
    variables = " ".join(f"{k}={v}" for k, v in environment.variables().items())
    report(f"Rodada de robustez: {len(found)} capítulos com {variables}")
    start = time.monotonic()
    done, errors = {}, []
    for chapter, nb, _, error in in_parallel(
        found, workers or default_workers(), environment, CACHE / f"robustez-{base}"
    ):
        if nb is None:
            errors.append(error)
        else:
            done[chapter] = nb
    total, compared = 0, 0
    for chapter in found:
        if chapter not in done:
            continue
        new = write_record(chapter, done[chapter], ROBUSTNESS_RECORDS).read_text(encoding="utf-8")
        reference = BUILT_RECORDS / f"{chapter.stem}.txt"
        if not reference.is_file():
            reference = RECORDS / f"{chapter.stem}.txt"
        if not reference.is_file():
            report(f"{chapter.name}: passou (sem registro do livro para comparar)")
            continue
        pairs = records.changed_lines(reference.read_text(encoding="utf-8"), new)
        total += len(pairs)
        compared += 1
        report(f"{chapter.name}: passou; {len(pairs)} linhas com números mudaram")
        for before, after in pairs[:2]:
            report(f"    livro:   {before}\n    robustez: {after}")
    report(f"Rodada de robustez em {time.monotonic() - start:.0f} s.")
    if errors:
        raise ChapterError("\n\n".join(errors))
    if total == 0 and compared:
        raise ChapterError(
            "A rodada de robustez não mudou nenhum número impresso: as sementes ou o caminho "
            "numérico não chegaram aos capítulos."
        )
    return total


def accept(found: Iterable[Path], report: Callable[[str], None] = print) -> list[str]:
    """Copia o registro do último build para ``registros/``: a mudança passa a ser a aceita.

    Retorna:
        Os nomes dos registros que mudaram.
    """
    changed = []
    for chapter in found:
        built = BUILT_RECORDS / f"{chapter.stem}.txt"
        if not built.is_file():
            raise ChapterError(
                f"Não há registro gerado para {chapter.name}; rode antes "
                f".venv/bin/python {COMMAND} {chapter.stem[:2]} (ou o mkdocs build)."
            )
        if write_if_changed(RECORDS / built.name, built.read_bytes()):
            changed.append(built.name)
            report(f"registros/{built.name}: aceito")
    return changed
