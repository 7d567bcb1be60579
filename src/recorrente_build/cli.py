"""A linha de comando do passo: ``python scripts/paginas.py [NN ...]`` (ou ``-m recorrente_build``).

Um erro de capítulo sai em português, sem traceback do passo, com código 1. Ctrl-C ou SIGTERM
param em segundos com uma linha e código 130: os kernels em andamento morrem e as pastas
temporárias ``recorrente-kernel-*`` são apagadas.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from recorrente_build import pdf, runner
from recorrente_build.settings import COMMAND, ROBUSTNESS_BASE, ChapterError
from recorrente_build.source import chapters
from recorrente_build.writing import clean

INTERRUPTED = "Interrompido: os kernels em andamento foram encerrados; nada ficou pela metade."
PDF_INTERRUPTED = "Interrompido: o Chromium foi encerrado; nenhum PDF ficou pela metade."


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


def sigterm_as_interrupt() -> None:
    """SIGTERM vira o mesmo que Ctrl-C: os kernels morrem e as pastas temporárias não ficam.

    Sem isso, SIGTERM mata o processo na hora e deixa kernels órfãos e ``recorrente-kernel-*``.
    """
    signal.signal(signal.SIGTERM, _terminate)


def run_interruptibly(task: Callable[[], object], interrupted: str = INTERRUPTED) -> int:
    """Roda ``task`` e traduz o fim em código de saída, com uma linha em português."""
    sigterm_as_interrupt()
    try:
        task()
    except (ChapterError, pdf.PdfError) as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(interrupted, file=sys.stderr)
        return 130
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python {COMMAND}",
        description="Executa os capítulos e escreve as páginas Markdown em docs/capitulos/.",
    )
    parser.add_argument("prefixos", nargs="*", help="só os capítulos que começam assim (ex.: 01)")
    parser.add_argument(
        "-j",
        "--trabalhadores",
        type=int,
        default=None,
        help="execuções em paralelo (padrão: núcleos)",
    )
    parser.add_argument("--limpar", action="store_true", help="apaga as páginas geradas e sai")
    parser.add_argument(
        "--aceitar",
        action="store_true",
        help="aceita o registro de números do último build (copia build/registros/ para "
        "registros/) e sai",
    )
    parser.add_argument(
        "--robustez",
        action="store_true",
        help="rodada de robustez: executa de novo com outra base de sementes e outro caminho "
        "numérico; todo assert precisa valer",
    )
    parser.add_argument(
        "--base",
        type=int,
        default=ROBUSTNESS_BASE,
        help=f"base das sementes da rodada de robustez (padrão: {ROBUSTNESS_BASE})",
    )
    parser.add_argument(
        "--pdf",
        action="store_true",
        help="imprime o livro em PDF (site/recorrente.pdf) no Chromium, com os números de página "
        "no sumário, e põe o link para ele na versão para imprimir; depois do mkdocs build",
    )
    parser.add_argument(
        "--site",
        type=Path,
        default=pdf.SITE,
        help="a pasta do site construído, para --pdf (padrão: site)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.limpar:
        return run_interruptibly(clean)
    if args.aceitar:
        return run_interruptibly(lambda: runner.accept(chapters(args.prefixos)))
    if args.pdf:
        return run_interruptibly(lambda: pdf.publish(args.site), PDF_INTERRUPTED)
    if args.robustez:
        return run_interruptibly(
            lambda: runner.robustness_run(chapters(args.prefixos), args.trabalhadores, args.base)
        )
    return run_interruptibly(lambda: runner.generate(chapters(args.prefixos), args.trabalhadores))
