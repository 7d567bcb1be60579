"""A linha de comando ``recorrente``.

Cada grupo de subcomandos mora num módulo deste pacote que expõe
``register(subparsers)``; :func:`main` os reúne. Erros de entrada
(:class:`recorrente.errors.InputError`) viram uma linha em português e código de
saída 2, nunca um *traceback*.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from recorrente import __version__
from recorrente.errors import InputError

#: Módulos de ``recorrente.cli`` que registram subcomandos.
COMMAND_MODULES: tuple[str, ...] = ("bolsa", "extenso", "nomes")


class _PortugueseParser(argparse.ArgumentParser):
    """``ArgumentParser`` com os títulos e as mensagens de erro em português."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opções"
        self.add_argument("-h", "--help", action="help", help="mostra esta ajuda e sai")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "uso:")

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "uso:", 1)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: erro: {_translate(message)}\n")


def _translate(message: str) -> str:
    """Traduz as mensagens mais comuns do argparse."""
    replacements = {
        "the following arguments are required": "estes argumentos são obrigatórios",
        "unrecognized arguments": "argumentos desconhecidos",
        "invalid choice": "escolha inválida",
        "choose from": "escolha entre",
        "expected one argument": "esperava um valor",
        "invalid int value": "número inteiro inválido",
        "invalid float value": "número inválido",
        "argument ": "argumento ",
    }
    for english, portuguese in replacements.items():
        message = message.replace(english, portuguese)
    return message


def positive_int(text: str) -> int:
    """Tipo de argumento: um inteiro maior ou igual a 1, com erro em português."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} não é um número inteiro") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"precisa ser pelo menos 1 (recebi {value})")
    return value


def add_training_output_options(parser: argparse.ArgumentParser, *, lr: str, output: str) -> None:
    """As opções de todo comando que treina e grava um checkpoint, com os padrões dele.

    ``--taxa``, ``--saida``, ``--semente`` e ``--sobrescrever``; confira-as com
    :func:`check_training_output_options` antes de carregar dados ou treinar.
    """
    parser.add_argument("--taxa", type=float, default=float(lr),
                        help=f"taxa de aprendizado (padrão: {lr})")
    parser.add_argument("--saida", type=Path, default=Path(output),
                        help=f"onde gravar o checkpoint (padrão: {output})")
    parser.add_argument("--semente", type=int, default=0, help="semente (padrão: 0)")
    parser.add_argument("--sobrescrever", action="store_true",
                        help="permite substituir um checkpoint que já existe")


def check_training_output_options(args: argparse.Namespace) -> None:
    """Recusa um ``--saida`` que já existe (sem ``--sobrescrever``) e uma ``--taxa`` não positiva.

    Levanta:
        InputError: com a opção errada e como corrigi-la; nada foi gravado.
    """
    if args.saida.exists() and not args.sobrescrever:
        raise InputError(
            f"O arquivo {args.saida} já existe; escolha outro --saida ou use --sobrescrever."
        )
    if not args.taxa > 0:
        raise InputError(f"--taxa precisa ser maior que zero; recebi {args.taxa}.")


def build_parser() -> argparse.ArgumentParser:
    """Monta o analisador de argumentos com todos os subcomandos."""
    parser = _PortugueseParser(
        prog="recorrente",
        description="Ferramentas do livro Recorrente: redes neurais recorrentes com PyTorch.",
    )
    parser.add_argument(
        "--versao",
        "--version",
        action="version",
        version=f"recorrente {__version__}",
        help="mostra a versão e sai",
    )
    subparsers = parser.add_subparsers(
        title="comandos", dest="comando", metavar="COMANDO", parser_class=_PortugueseParser
    )
    for name in COMMAND_MODULES:
        importlib.import_module(f"recorrente.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Ponto de entrada do console: devolve o código de saída."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except InputError as error:
        print(f"recorrente: erro: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("recorrente: interrompido; nenhum arquivo foi deixado pela metade.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
