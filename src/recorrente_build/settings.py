"""Onde ficam as coisas e em que condições os capítulos executam: as constantes do passo.

Os caminhos são os do repositório (este pacote é ferramenta do livro, não vai no pacote do
leitor). As etiquetas e metadados das células são o vocabulário de quem escreve um capítulo
(``CONTRIBUINDO.md``); ficam em português como o resto do que o autor escreve.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from recorrente.reproducibility import NUMERIC_PATH, ROBUSTNESS_PATH, SEED_BASE_VARIABLE

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "docs" / "capitulos"
CACHE = ROOT / ".cache-paginas"  # fora de .cache/, que o Zensical apaga com --clean
PACKAGE = ROOT / "src" / "recorrente"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "chapter.md.j2"
RECORDS = ROOT / "registros"  # os registros aceitos, no git
BUILT_RECORDS = ROOT / "build" / "registros"  # os do último build (fora do git)
ROBUSTNESS_RECORDS = ROOT / "build" / "registros-robustez"  # os da rodada de robustez
ROBUSTNESS_BASE = 1000
COMMAND = "scripts/paginas.py"  # a linha de comando documentada (um atalho para cli.main)

REMOVE = "remover"  # célula que não vai para a página nem para o notebook
HIDE_CODE = "esconder-codigo"  # célula cuja saída aparece, mas o código não
BOX = "caixa"  # célula (código e saída) dentro da admonição aberta pelo texto anterior
TAGS = (REMOVE, HIDE_CODE, BOX)
CAPTION = "legenda"  # metadado da célula: o texto alternativo da figura que ela mostra
SETUP_TAG = "preparo-do-livro"  # etiqueta das células que o passo acrescenta e depois tira
CELL_TIMEOUT = 900  # segundos


@dataclasses.dataclass(frozen=True)
class Environment:
    """Em que condições os capítulos executam: o caminho numérico e a base das sementes.

    O livro publicado executa em :data:`PUBLISHED` (o caminho fixo de
    ``recorrente.reproducibility.NUMERIC_PATH``, base 0); a rodada de robustez, em outro
    caminho e com outra base (:func:`robustness`).
    """

    path: tuple[tuple[str, str], ...]
    base: int = 0

    def variables(self) -> dict[str, str]:
        return {**dict(self.path), SEED_BASE_VARIABLE: str(self.base)}


PUBLISHED = Environment(tuple(NUMERIC_PATH.items()))


def robustness(base: int = ROBUSTNESS_BASE) -> Environment:
    """O ambiente da rodada de robustez: outro caminho numérico e sementes deslocadas.

    Exemplo:
        >>> robustness(7).variables()[SEED_BASE_VARIABLE]
        '7'
    """
    return Environment(tuple(ROBUSTNESS_PATH.items()), base)


class ChapterError(RuntimeError):
    """Um capítulo não virou página: a mensagem diz qual, em que célula e por quê."""


def relative(path: Path) -> str:
    """O caminho a partir da raiz do repositório (ou inteiro, se está fora dela)."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def default_workers() -> int:
    """Execuções em paralelo por padrão: uma por núcleo."""
    return max(1, os.cpu_count() or 1)
