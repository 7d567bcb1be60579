"""A incerteza de um resultado: intervalos para proporções.

Quando uma semente pode virar o resultado de um experimento (passos grandes do SGD, uma tarefa de
memória perto do limite do que a rede aprende), o capítulo roda muitas sementes e mostra a
proporção das que resolvem, com o intervalo de Wilson de 95% (Wilson, 1927), que não sai de
[0, 1] e funciona com poucas tentativas e com proporções perto de 0 ou de 1, onde o intervalo
"mais ou menos dois desvios" falha.

Exemplo:
    >>> from recorrente.stats import wilson_interval
    >>> baixo, alto = wilson_interval(24, 30)
    >>> round(baixo, 3), round(alto, 3)
    (0.627, 0.905)
"""

from __future__ import annotations

import math
from statistics import NormalDist

from recorrente.errors import InputError

__all__ = ["wilson_interval"]


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """O intervalo de Wilson para a proporção ``successes / trials``.

    Parâmetros:
        successes: quantas tentativas deram certo (0 a ``trials``).
        trials: quantas tentativas houve (pelo menos 1).
        confidence: o nível de confiança, entre 0 e 1.

    Retorna:
        Os limites ``(baixo, alto)``, dentro de [0, 1].

    Levanta:
        InputError: contagens impossíveis ou confiança fora de (0, 1).

    Exemplo:
        >>> wilson_interval(0, 20)[0], round(wilson_interval(0, 20)[1], 3)
        (0.0, 0.161)
        >>> [round(v, 3) for v in wilson_interval(10, 20)]
        [0.299, 0.701]
    """
    if trials < 1 or not 0 <= successes <= trials:
        raise InputError(
            f"Contagens impossíveis para uma proporção: {successes} de {trials}."
        )
    if not 0 < confidence < 1:
        raise InputError(f"A confiança precisa estar entre 0 e 1; recebi {confidence}.")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / trials
    center = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (
        1 + z * z / trials
    )
    # nas pontas (0 ou n sucessos) o limite é exatamente 0 ou 1; a conta deixaria um resto de
    # arredondamento (1e-17)
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == trials else min(1.0, center + half)
    return low, high
