"""A linha de comando ``recorrente``.

Cada grupo de subcomandos mora num módulo deste pacote que expõe
``register(subparsers)``; :func:`main` os reúne. Erros de entrada
(:class:`recorrente.errors.InputError`) viram uma linha em português e código de
saída 2, nunca um *traceback*.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import torch

from recorrente import __version__
from recorrente.cli._io import (
    WriteError,
    check_output_path,
    describe_os_error,
    readable_streams,
    write_checkpoint,
)
from recorrente.errors import InputError
from recorrente.formatting import num
from recorrente.module_tools import DEVICE_NAMES, resolve_device

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
        self.exit(2, f"{self.prog}: erro: {_translate(message)} (veja '{self.prog} --help')\n")


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


class NumberRange:
    """A faixa documentada de uma opção numérica: o tipo do ``argparse`` e o texto da ajuda.

    Um valor fora da faixa (ou ``nan``, ou um inteiro gigante) é recusado ao ler os
    argumentos, antes de qualquer trabalho, com a faixa na mensagem.

    Parâmetros:
        low: o menor valor aceito (ou o limite que o valor precisa passar, com ``open_low``).
        high: o maior valor aceito.
        kind: ``int`` ou ``float``.
        open_low: ``low`` não é aceito, só valores maiores que ele.
        zero: aceita também exatamente 0, fora da faixa (a temperatura 0 é a escolha gulosa).

    Exemplo:
        >>> str(NumberRange(1, 10_000)), NumberRange(1, 10_000)("20")
        ('de 1 a 10.000', 20)
        >>> str(NumberRange(0, 1, kind=float, open_low=True))
        'maior que 0 e até 1'
        >>> str(NumberRange(0.01, 100, kind=float, zero=True))
        '0 ou de 0,01 a 100'
    """

    def __init__(self, low: float, high: float, *, kind: type = int, open_low: bool = False,
                 zero: bool = False) -> None:
        self.low, self.high, self.kind, self.open_low, self.zero = low, high, kind, open_low, zero

    def __str__(self) -> str:
        low, high = _number_text(self.low), _number_text(self.high)
        text = f"maior que {low} e até {high}" if self.open_low else f"de {low} a {high}"
        return f"0 ou {text}" if self.zero else text

    def __call__(self, text: str) -> int | float:
        what = "um número inteiro" if self.kind is int else "um número"
        shown = repr(text if len(text) <= 30 else f"{text[:20]}…")  # 5.000 dígitos não
        refusal = argparse.ArgumentTypeError(f"precisa ser {what} {self}; recebi {shown}")
        try:
            value = self.kind(text.strip().replace(",", ".") if self.kind is float else text)
        except ValueError:  # também um inteiro de mais de 4.300 dígitos
            raise refusal from None
        above_low = value > self.low if self.open_low else value >= self.low
        if not ((above_low and value <= self.high) or (self.zero and value == 0)):
            raise refusal
        return value


def _number_text(value: float) -> str:
    """Um limite de faixa como se lê no Brasil: ``10.000``, ``0,01``."""
    return num(value, 0) if float(value).is_integer() else f"{value:g}".replace(".", ",")


def add_number(parser: argparse.ArgumentParser, flag: str, limits: NumberRange, help: str,
               **kwargs) -> None:
    """Acrescenta uma opção numérica com a faixa (e o padrão) no fim da ajuda.

    Exemplo:
        >>> parser = argparse.ArgumentParser()
        >>> add_number(parser, "--quantos", NumberRange(1, 100), "quantos gerar", default=10)
        >>> parser._actions[-1].help
        'quantos gerar (de 1 a 100; padrão: 10)'
    """
    default = kwargs.get("default")
    shown = "" if default is None else f"; padrão: {_number_text(default)}"
    parser.add_argument(flag, type=limits, help=f"{help} ({limits}{shown})", **kwargs)


#: Faixa de ``--semente``: o torch aceita até 2⁶⁴ − 1; 2³² − 1 serve também ao NumPy.
SEED_RANGE = NumberRange(0, 2**32 - 1)
#: Faixa de ``--taxa`` (a taxa de aprendizado do AdamW).
LR_RANGE = NumberRange(0, 1, kind=float, open_low=True)


def add_seed(parser: argparse.ArgumentParser, help: str = "semente") -> None:
    """Acrescenta ``--semente``, com a faixa que o torch aceita."""
    add_number(parser, "--semente", SEED_RANGE, help, default=0)


def add_device(parser: argparse.ArgumentParser) -> None:
    """Acrescenta ``--dispositivo``; confira-o com :func:`device_of` antes de qualquer trabalho."""
    parser.add_argument("--dispositivo", choices=DEVICE_NAMES, default="auto",
                        help="onde a rede roda: auto usa uma GPU quando há (CUDA, ou MPS num "
                        "Mac), senão a CPU; cuda e mps são recusados onde não existem "
                        "(padrão: auto)")


def device_of(args: argparse.Namespace) -> torch.device:
    """O ``torch.device`` de ``--dispositivo``; um que a máquina não tem vira ``InputError``.

    Chame na primeira linha do comando: a recusa vem antes de ler dados ou treinar.
    """
    return resolve_device(args.dispositivo)


def add_training_output_options(parser: argparse.ArgumentParser, *, lr: str, output: str) -> None:
    """As opções de todo comando que treina e grava um checkpoint, com os padrões dele.

    ``--taxa``, ``--saida``, ``--semente`` e ``--sobrescrever``; confira-as com
    :func:`check_training_output_options` antes de carregar dados ou treinar.
    """
    add_number(parser, "--taxa", LR_RANGE, "taxa de aprendizado", default=float(lr))
    parser.add_argument("--saida", type=Path, default=Path(output),
                        help=f"onde gravar o checkpoint (padrão: {output})")
    add_seed(parser)
    parser.add_argument("--sobrescrever", action="store_true",
                        help="permite substituir um checkpoint que já existe (nunca uma entrada)")


def check_training_output_options(
    args: argparse.Namespace, inputs: Sequence[tuple[str, Path | None]] = ()
) -> None:
    """Recusa um ``--saida`` que não pode receber o checkpoint, antes de carregar dados ou treinar.

    Levanta:
        InputError: uma saída que é uma das ``inputs``, que não é um arquivo comum, que já
            existe (sem ``--sobrescrever``) ou que não dá para criar; nada foi gravado.
    """
    check_output_path(args.saida, overwrite=args.sobrescrever, inputs=inputs)


def save_trained(args: argparse.Namespace, model, history, save: Callable[[], Path]) -> None:
    """Grava o checkpoint de um treino com ``save()``, se ele não divergiu.

    ``save`` é a gravação do módulo da tarefa (``save_name_model``, ``save_amount_model``...),
    dono dos dados extras do checkpoint; a CLI só decide se grava.

    Uma taxa grande demais leva a perda e os pesos a ``nan`` ou infinito: esse modelo não é
    gravado (um checkpoint inútil com código 0 engana quem o usa depois).

    Levanta:
        InputError: se a perda dos pesos guardados (``history.best_val``) ou algum peso não é
            um número finito.
        WriteError: se o disco recusa a gravação.
    """
    import torch

    finite = math.isfinite(history.best_val) and all(
        bool(torch.isfinite(p).all()) for p in model.parameters()
    )
    if not finite:
        raise InputError(
            f"O treino divergiu: a perda ou os pesos deixaram de ser números finitos (nan ou "
            f"infinito) com --taxa {_number_text(args.taxa)}; nada foi gravado. Use uma --taxa "
            "menor."
        )
    write_checkpoint(args.saida, save)


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
    """Ponto de entrada do console: devolve o código de saída.

    Códigos: 0 deu certo; 1 falhou no caminho (gravar, escrever na saída padrão) ou o modelo
    errou; 2 entrada ou opção recusada antes do trabalho; 130 interrompido com Ctrl-C; 141
    a saída padrão foi fechada por quem a lia (``recorrente ... | head -1``), sem mensagem.
    """
    readable_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 0
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()
        return code
    except InputError as error:
        return _fail(error, 2)
    except WriteError as error:
        return _fail(error, 1)
    except BrokenPipeError:
        _silence_stdout()
        return 141
    except OSError as error:  # a saída padrão num disco cheio (> /dev/full), por exemplo
        _silence_stdout()
        where = "não consegui escrever na saída padrão" if error.filename is None \
            else str(error.filename)
        return _fail(f"{where}: {describe_os_error(error)}.", 1)
    except KeyboardInterrupt:
        return _fail("interrompido; nenhum arquivo foi deixado pela metade.", 130, prefix="")


def _fail(message: object, code: int, *, prefix: str = "erro: ") -> int:
    """Uma linha em ``stderr`` e o código de saída."""
    print(f"recorrente: {prefix}{message}", file=sys.stderr)
    return code


def _silence_stdout() -> None:
    """Aponta a saída padrão para ``/dev/null``: o que ficou no buffer não gera outro erro na saída.

    É o que a documentação do Python recomenda para ``BrokenPipeError``.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # pytest troca a saída por um objeto sem fd
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
