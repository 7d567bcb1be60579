import pytest

from recorrente.errors import InputError
from recorrente.stats import wilson_interval


def test_wilson_matches_hand_computation():
    # p = 0,8, n = 30, z = 1,959964: centro (0,8 + z²/60)/(1 + z²/30), meia-largura à mão
    z = 1.959963984540054
    centro = (0.8 + z * z / 60) / (1 + z * z / 30)
    meia = z * ((0.8 * 0.2 / 30 + z * z / 3600) ** 0.5) / (1 + z * z / 30)
    assert wilson_interval(24, 30) == pytest.approx((centro - meia, centro + meia))


def test_wilson_stays_in_unit_interval_and_contains_p():
    for n in (1, 5, 20, 100):
        for k in range(n + 1):
            baixo, alto = wilson_interval(k, n)
            assert 0 <= baixo <= k / n <= alto <= 1


def test_wilson_narrows_with_more_trials():
    poucos, muitos = wilson_interval(5, 10), wilson_interval(50, 100)
    assert poucos[1] - poucos[0] > muitos[1] - muitos[0]


@pytest.mark.parametrize("k,n,c", [(3, 2, 0.95), (-1, 5, 0.95), (1, 0, 0.95), (1, 5, 1.0)])
def test_wilson_refuses_impossible_counts(k, n, c):
    with pytest.raises(InputError):
        wilson_interval(k, n, c)
