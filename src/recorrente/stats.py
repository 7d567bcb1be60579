"""A incerteza de um resultado: proporções, e diferenças entre dois modelos no mesmo teste.

Duas fontes de acaso mudam um número do livro: a semente (pesos iniciais, ordem dos lotes) e o
conjunto de teste, que é uma amostra finita. Este módulo mede as duas:

- :func:`wilson_interval`: quando uma semente pode virar o resultado (passos grandes do SGD, uma
  tarefa de memória perto do limite), o capítulo roda muitas sementes e mostra a proporção das
  que resolvem com o intervalo de Wilson (Wilson, 1927), que não sai de [0, 1] e funciona com
  poucas tentativas e proporções perto de 0 ou 1, onde "mais ou menos dois desvios" falha.
- :func:`paired_bootstrap`: o intervalo da diferença entre dois modelos avaliados nos mesmos
  exemplos (acerto, log-loss, NLL por caractere), reamostrando os exemplos (Efron &
  Tibshirani, 1993; Koehn, 2004).
- :func:`mcnemar`: o teste exato para dois classificadores nos mesmos exemplos, que só olha os
  exemplos em que eles discordam (McNemar, 1947).
- :func:`diebold_mariano`: o teste para dois previsores da mesma série, com a correção de
  amostra pequena de Harvey, Leybourne e Newbold (1997) (Diebold & Mariano, 1995).

Exemplo:
    >>> from recorrente.stats import wilson_interval
    >>> baixo, alto = wilson_interval(24, 30)
    >>> round(baixo, 3), round(alto, 3)
    (0.627, 0.905)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from scipy import stats as _scipy_stats

from recorrente.errors import InputError

__all__ = [
    "BootstrapInterval",
    "DieboldMariano",
    "McNemar",
    "diebold_mariano",
    "mcnemar",
    "paired_bootstrap",
    "wilson_interval",
]


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
    _check_confidence(confidence)
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


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise InputError(f"A confiança precisa estar entre 0 e 1; recebi {confidence}.")


def _paired(a: Sequence[float], b: Sequence[float], what: str) -> tuple[np.ndarray, np.ndarray]:
    """Os dois vetores como float64, conferindo que são pareados, finitos e não vazios."""
    a, b = np.asarray(a, dtype=np.float64).ravel(), np.asarray(b, dtype=np.float64).ravel()
    if a.size != b.size:
        raise InputError(
            f"{what} precisa dos dois modelos nos mesmos exemplos; recebi {a.size} e {b.size}."
        )
    if a.size == 0:
        raise InputError(f"{what} precisa de pelo menos um exemplo.")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise InputError(f"{what} recebeu valores não finitos (NaN ou infinito).")
    return a, b


@dataclass(frozen=True)
class BootstrapInterval:
    """A diferença ``A − B`` medida no teste e o seu intervalo de bootstrap pareado.

    Atributos:
        difference: a diferença observada, ``estatística(A) − estatística(B)``.
        low: o limite de baixo do intervalo.
        high: o limite de cima.
        confidence: o nível de confiança.
        resamples: quantas reamostragens.
    """

    difference: float
    low: float
    high: float
    confidence: float
    resamples: int

    @property
    def separates(self) -> bool:
        """``True`` se o intervalo não contém 0: o teste separa os dois modelos."""
        return self.low > 0 or self.high < 0


def paired_bootstrap(
    a: Sequence[float],
    b: Sequence[float],
    weights: Sequence[float] | None = None,
    *,
    resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> BootstrapInterval:
    """Intervalo de bootstrap pareado para a diferença de média entre dois modelos.

    ``a[i]`` e ``b[i]`` são a medida dos modelos A e B no mesmo exemplo ``i`` do teste: 1/0 para
    acerto, a perda do exemplo para log-loss. Com ``weights``, a estatística é a média ponderada
    ``Σ w·x / Σ w`` (a NLL por caractere: ``x`` é a NLL média do nome e ``w`` o seu número de
    caracteres). Cada reamostragem sorteia exemplos com reposição, os mesmos para A e B, e
    calcula a diferença; o intervalo são os percentis das diferenças (método dos percentis).

    Parâmetros:
        a: medidas do modelo A, uma por exemplo.
        b: medidas do modelo B, nos mesmos exemplos e na mesma ordem.
        weights: pesos por exemplo (opcionais, positivos).
        resamples: quantas reamostragens (pelo menos 100).
        confidence: o nível de confiança, entre 0 e 1.
        seed: a semente do sorteio (o intervalo é reprodutível).

    Retorna:
        Um :class:`BootstrapInterval`.

    Levanta:
        InputError: vetores de tamanhos diferentes, vazios, não finitos, ou pesos inválidos.

    Exemplo:
        >>> certo_a = [1] * 90 + [0] * 10      # 90% de acerto
        >>> certo_b = [1] * 80 + [0] * 20      # 80%, nos mesmos 100 exemplos
        >>> r = paired_bootstrap(certo_a, certo_b)
        >>> round(r.difference, 2), r.low > 0, r.separates
        (0.1, True, True)
    """
    a, b = _paired(a, b, "O bootstrap pareado")
    _check_confidence(confidence)
    if resamples < 100:
        raise InputError(f"Use pelo menos 100 reamostragens; recebi {resamples}.")
    w = np.ones_like(a) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if w.size != a.size or not np.isfinite(w).all() or (w <= 0).any():
        raise InputError("Os pesos precisam ser positivos, finitos e um por exemplo.")
    delta = a - b
    observed = float((w * delta).sum() / w.sum())
    rng = np.random.default_rng(seed)
    draws = np.empty(resamples)
    for start in range(0, resamples, 500):  # em blocos: memória limitada com testes grandes
        idx = rng.integers(0, a.size, size=(min(500, resamples - start), a.size))
        draws[start : start + idx.shape[0]] = (w[idx] * delta[idx]).sum(1) / w[idx].sum(1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    return BootstrapInterval(observed, float(low), float(high), confidence, resamples)


@dataclass(frozen=True)
class McNemar:
    """O teste exato de McNemar para dois classificadores nos mesmos exemplos.

    Atributos:
        only_a: exemplos que só A acerta.
        only_b: exemplos que só B acerta.
        p_value: o p-valor bilateral exato (binomial com p = 1/2 nos discordantes).
    """

    only_a: int
    only_b: int
    p_value: float


def mcnemar(correct_a: Sequence[bool], correct_b: Sequence[bool]) -> McNemar:
    """Teste exato de McNemar: A e B acertam com a mesma frequência?

    Os exemplos em que os dois acertam ou os dois erram não dizem nada sobre quem é melhor; o
    teste olha só os ``n`` discordantes. Se A e B fossem igualmente bons, os ``only_a`` seriam
    uma binomial(n, 1/2); o p-valor é a probabilidade de um desequilíbrio pelo menos tão grande
    quanto o observado, nos dois sentidos.

    Parâmetros:
        correct_a: acertos de A (verdadeiro/falso ou 1/0), um por exemplo.
        correct_b: acertos de B, nos mesmos exemplos.

    Retorna:
        Um :class:`McNemar`; sem discordantes, o p-valor é 1.

    Exemplo:
        >>> r = mcnemar([1] * 9 + [0] + [1] * 90, [0] * 9 + [1] + [1] * 90)
        >>> r.only_a, r.only_b, round(r.p_value, 4)   # 2·P(X ≤ 1), X ~ binomial(10, 1/2)
        (9, 1, 0.0215)
    """
    a, b = _paired(correct_a, correct_b, "O teste de McNemar")
    if not (np.isin(a, (0, 1)).all() and np.isin(b, (0, 1)).all()):
        raise InputError("O teste de McNemar recebe acertos: verdadeiro/falso ou 1/0.")
    only_a, only_b = int(((a == 1) & (b == 0)).sum()), int(((a == 0) & (b == 1)).sum())
    n = only_a + only_b
    p_value = 1.0
    if n:
        p_value = min(1.0, 2 * float(_scipy_stats.binom.cdf(min(only_a, only_b), n, 0.5)))
    return McNemar(only_a, only_b, p_value)


@dataclass(frozen=True)
class DieboldMariano:
    """O teste de Diebold–Mariano com a correção de Harvey, Leybourne e Newbold.

    Atributos:
        mean_difference: a média de ``perda(erro A) − perda(erro B)``; negativa favorece A.
        statistic: a estatística corrigida, comparada a uma t de Student com n − 1 graus.
        p_value: o p-valor bilateral.
    """

    mean_difference: float
    statistic: float
    p_value: float


def diebold_mariano(
    errors_a: Sequence[float],
    errors_b: Sequence[float],
    horizon: int = 1,
    loss: Callable[[np.ndarray], np.ndarray] = np.square,
) -> DieboldMariano:
    """Teste de Diebold–Mariano: dois previsores da mesma série erram igual?

    ``d_t = perda(e_A,t) − perda(e_B,t)`` para cada instante do teste. Sob a hipótese de que os
    dois são igualmente bons, a média de ``d`` é 0. A variância da média usa as autocovariâncias
    de ``d`` até a defasagem ``horizon − 1`` (previsões de h passos se sobrepõem), e a estatística
    leva a correção de amostra pequena de Harvey, Leybourne e Newbold (1997):
    ``√((n + 1 − 2h + h(h − 1)/n) / n)``.

    Parâmetros:
        errors_a: erros de previsão de A (previsto − real), um por instante.
        errors_b: erros de B, nos mesmos instantes.
        horizon: o horizonte da previsão, em passos (1 para um passo à frente).
        loss: a perda aplicada aos erros (padrão: o quadrado; use ``np.abs`` para o erro
            absoluto).

    Retorna:
        Um :class:`DieboldMariano`; se ``d`` é constante, a estatística é 0 e o p-valor 1
        quando a média é 0.

    Exemplo:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> ruido = rng.normal(size=200)
        >>> r = diebold_mariano(ruido, 2 * ruido)       # B erra o dobro em todo instante
        >>> r.mean_difference < 0, r.p_value < 1e-6
        (True, True)
    """
    a, b = _paired(errors_a, errors_b, "O teste de Diebold–Mariano")
    n = a.size
    if not 1 <= horizon < n:
        raise InputError(f"O horizonte precisa estar entre 1 e {n - 1}; recebi {horizon}.")
    if n < 3:
        raise InputError(f"O teste de Diebold–Mariano precisa de pelo menos 3 instantes; há {n}.")
    d = loss(a) - loss(b)
    mean = float(d.mean())
    centered = d - mean
    variance = float(centered @ centered) / n
    for lag in range(1, horizon):
        variance += 2 * float(centered[lag:] @ centered[:-lag]) / n
    if variance <= 0:
        return DieboldMariano(mean, 0.0 if mean == 0 else math.copysign(math.inf, mean),
                              1.0 if mean == 0 else 0.0)
    correction = math.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)
    statistic = correction * mean / math.sqrt(variance / n)
    p_value = 2 * float(_scipy_stats.t.sf(abs(statistic), df=n - 1))
    return DieboldMariano(mean, statistic, p_value)
