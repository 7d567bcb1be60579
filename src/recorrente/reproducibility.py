"""As sementes dos capítulos, de um lugar só, e o caminho numérico fixo do livro.

Todo capítulo tira suas sementes daqui: :func:`seed` para uma, :func:`seeds` para várias. A
base vem da variável de ambiente ``RECORRENTE_SEMENTE_BASE`` (0 quando não existe). O livro
publicado usa a base 0; a *rodada de robustez* (``python scripts/paginas.py --robustez``)
executa os mesmos capítulos com outra base e outro caminho de ponto flutuante, e toda
afirmação guardada por um ``assert`` precisa valer lá também.

Os dados não mudam com a base: a divisão treino/teste de um conjunto é parte da definição do
conjunto (``census_split``, por exemplo, tem a sua própria semente fixa).

Exemplo:
    >>> from recorrente.reproducibility import seed, seeds
    >>> seed(), seed(3), seeds(3)  # sem RECORRENTE_SEMENTE_BASE, a base é 0
    (0, 3, [0, 1, 2])
"""

from __future__ import annotations

import os

from recorrente.errors import InputError

__all__ = ["NUMERIC_PATH", "ROBUSTNESS_PATH", "SEED_BASE_VARIABLE", "seed", "seed_base", "seeds"]

SEED_BASE_VARIABLE = "RECORRENTE_SEMENTE_BASE"
"""A variável de ambiente com a base das sementes (um inteiro ≥ 0)."""

NUMERIC_PATH = {
    "ATEN_CPU_CAPABILITY": "avx2",
    "MKL_CBWR": "AVX2",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
"""O caminho numérico fixo em que o livro é executado (o passo das páginas o aplica).

Em CPUs x86 diferentes (com ou sem AVX-512), o PyTorch e a MKL escolhem rotinas diferentes, e
as somas saem em outra ordem: os últimos dígitos mudam, e num experimento caótico muda o
resultado de uma semente. Fixar as rotinas no nível AVX2 e uma thread por kernel faz a mesma
conta em toda máquina x86 com AVX2.
"""

ROBUSTNESS_PATH = {
    "ATEN_CPU_CAPABILITY": "default",
    "MKL_CBWR": "AUTO",
    "ONEDNN_MAX_CPU_ISA": "SSE41",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
"""Outro caminho numérico, o da rodada de robustez: rotinas sem vetorização no ATen, a MKL
livre para escolher as da CPU e o oneDNN limitado ao SSE4.1."""


def seed_base() -> int:
    """A base das sementes: ``RECORRENTE_SEMENTE_BASE`` ou 0.

    Levanta:
        InputError: a variável não é um inteiro entre 0 e 10⁹.

    Exemplo:
        >>> import os
        >>> os.environ["RECORRENTE_SEMENTE_BASE"] = "1000"
        >>> seed_base()
        1000
        >>> del os.environ["RECORRENTE_SEMENTE_BASE"]
        >>> seed_base()
        0
    """
    text = os.environ.get(SEED_BASE_VARIABLE, "").strip()
    if not text:
        return 0
    try:
        base = int(text)
    except ValueError:
        base = -1
    if not 0 <= base <= 10**9:
        raise InputError(
            f"{SEED_BASE_VARIABLE}={text!r} não serve: use um inteiro entre 0 e 1000000000."
        )
    return base


def seed(k: int = 0) -> int:
    """A semente número ``k`` do capítulo: a base mais ``k``.

    Exemplo:
        >>> seed(2) - seed(0)
        2
    """
    return seed_base() + k


def seeds(n: int, start: int = 0) -> list[int]:
    """``n`` sementes seguidas, a partir da número ``start``.

    Exemplo:
        >>> len(seeds(20)), seeds(2, start=10) == [seed(10), seed(11)]
        (20, True)
    """
    base = seed_base()
    return [base + start + i for i in range(n)]
