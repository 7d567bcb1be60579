import math

import numpy as np
import pytest
from scipy import stats as scipy_stats

from recorrente.errors import InputError
from recorrente.stats import diebold_mariano, mcnemar, paired_bootstrap, wilson_interval


def test_wilson_matches_hand_computation():
    # p = 0,8, n = 30, z = 1,959964: centro (0,8 + z²/60)/(1 + z²/30), meia-largura à mão
    z = 1.959963984540054
    center = (0.8 + z * z / 60) / (1 + z * z / 30)
    half_width = z * ((0.8 * 0.2 / 30 + z * z / 3600) ** 0.5) / (1 + z * z / 30)
    assert wilson_interval(24, 30) == pytest.approx((center - half_width, center + half_width))


def test_wilson_stays_in_unit_interval_and_contains_p():
    for n in (1, 5, 20, 100):
        for k in range(n + 1):
            low, high = wilson_interval(k, n)
            assert 0 <= low <= k / n <= high <= 1


def test_wilson_narrows_with_more_trials():
    few, many = wilson_interval(5, 10), wilson_interval(50, 100)
    assert few[1] - few[0] > many[1] - many[0]


@pytest.mark.parametrize("k,n,c", [(3, 2, 0.95), (-1, 5, 0.95), (1, 0, 0.95), (1, 5, 1.0)])
def test_wilson_refuses_impossible_counts(k, n, c):
    with pytest.raises(InputError):
        wilson_interval(k, n, c)


# --- diferenças entre dois modelos no mesmo teste -------------------------------------------


def test_mcnemar_is_the_exact_binomial_on_discordant_pairs():
    # 9 exemplos só A acerta, 1 só B: p = 2·P(X ≤ 1), X ~ binomial(10, 1/2) = 2·11/1024
    a = [1] * 9 + [0] * 1 + [1] * 40 + [0] * 5
    b = [0] * 9 + [1] * 1 + [1] * 40 + [0] * 5
    r = mcnemar(a, b)
    assert (r.only_a, r.only_b) == (9, 1)
    assert r.p_value == pytest.approx(22 / 1024)
    assert mcnemar(b, a).p_value == pytest.approx(22 / 1024)  # simétrico


def test_mcnemar_without_disagreement_or_balanced_is_one():
    assert mcnemar([1, 0, 1], [1, 0, 1]).p_value == 1.0
    assert mcnemar([1] * 5 + [0] * 5, [0] * 5 + [1] * 5).p_value == 1.0


def test_mcnemar_refuses_non_binary_or_unpaired():
    with pytest.raises(InputError):
        mcnemar([0.5, 1], [1, 1])
    with pytest.raises(InputError):
        mcnemar([1, 0, 1], [1, 0])


def test_diebold_mariano_matches_hand_computation():
    # erros A = 1, 2, 3, 4 e B = 2, 2, 2, 2; perda quadrática: d = -3, 0, 5, 12, média 3,5;
    # desvios -6,5 -3,5 1,5 8,5; γ0 = 129/4; γ1 = (22,75 − 5,25 + 12,75)/4 = 30,25/4
    a, b = [1, 2, 3, 4], [2, 2, 2, 2]
    h1 = diebold_mariano(a, b)
    expected1 = math.sqrt(3 / 4) * 3.5 / math.sqrt((129 / 4) / 4)
    assert h1.mean_difference == pytest.approx(3.5)
    assert h1.statistic == pytest.approx(expected1)
    assert h1.p_value == pytest.approx(2 * scipy_stats.t.sf(expected1, df=3))
    h2 = diebold_mariano(a, b, horizon=2)
    expected2 = math.sqrt(1.5 / 4) * 3.5 / math.sqrt((129 / 4 + 2 * 30.25 / 4) / 4)
    assert h2.statistic == pytest.approx(expected2)


def test_diebold_mariano_absolute_loss_and_equal_forecasters():
    rng = np.random.default_rng(1)
    e = rng.normal(size=300)
    assert diebold_mariano(e, -e).p_value == 1.0  # mesma perda em todo instante
    r = diebold_mariano(e, e + rng.normal(scale=0.01, size=300), loss=np.abs)
    assert r.p_value > 0.01  # ruído minúsculo não separa


def test_paired_bootstrap_is_reproducible_and_centered_on_the_difference():
    rng = np.random.default_rng(2)
    a = (rng.random(2000) < 0.85).astype(float)
    b = (rng.random(2000) < 0.80).astype(float)
    r = paired_bootstrap(a, b, seed=7)
    assert r == paired_bootstrap(a, b, seed=7)
    assert r.difference == pytest.approx(a.mean() - b.mean())
    assert r.low < r.difference < r.high
    # com muitos exemplos, o intervalo dos percentis fica perto do normal ±1,96·dp/√n
    half = 1.959964 * (a - b).std() / math.sqrt(a.size)
    assert (r.high - r.low) / 2 == pytest.approx(half, rel=0.1)


def test_paired_bootstrap_weighted_is_the_ratio_of_sums():
    # NLL por caractere: x é a NLL média do nome, w o número de caracteres
    x_a, x_b, w = [2.0, 1.0, 3.0], [2.5, 1.0, 2.0], [4, 6, 2]
    r = paired_bootstrap(x_a, x_b, w, resamples=200)
    assert r.difference == pytest.approx((8 + 6 + 6) / 12 - (10 + 6 + 4) / 12)


def test_paired_bootstrap_of_identical_models_is_zero():
    r = paired_bootstrap([0.3, 0.1, 0.7], [0.3, 0.1, 0.7], resamples=200)
    assert (r.difference, r.low, r.high, r.separates) == (0.0, 0.0, 0.0, False)


@pytest.mark.parametrize(
    "a,b,w",
    [([1, 0], [1], None), ([], [], None), ([1.0, float("nan")], [1, 1], None),
     ([1, 0], [0, 1], [1, 0])],
)
def test_paired_bootstrap_refuses_bad_input(a, b, w):
    with pytest.raises(InputError):
        paired_bootstrap(a, b, w, resamples=200)
