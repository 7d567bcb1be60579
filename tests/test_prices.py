"""Carregadores de séries: S&P 500, CO₂ e CSV do usuário (com cada erro de entrada)."""

from __future__ import annotations

import numpy as np
import pytest

from recorrente.data.prices import load_co2_monthly, load_price_csv, load_sp500
from recorrente.errors import InputError


def _write(tmp_path, text, name="precos.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sp500_shape_and_order():
    prices = load_sp500()
    assert len(prices) == 5031
    assert prices.index.is_monotonic_increasing
    assert str(prices.index[0].date()) == "1999-01-04"
    assert str(prices.index[-1].date()) == "2018-12-31"
    assert not prices.isna().any()


def test_co2_monthly_without_gaps():
    co2 = load_co2_monthly()
    assert len(co2) == 526
    assert not co2.isna().any()
    assert 310 < co2.iloc[0] < 320 and 360 < co2.iloc[-1] < 375


def test_csv_sorted_filled_and_decimal_comma(tmp_path):
    text = 'dia,fech\n2020-01-03,12\n2020-01-01,10\n2020-01-02,\n2020-01-06,"13,5"\n'
    path = _write(tmp_path, text)
    prices = load_price_csv(path, date_column="dia", price_column="fech")
    assert prices.index.is_monotonic_increasing
    np.testing.assert_allclose(prices.to_numpy(), [10, 10, 12, 13.5])  # lacuna: preço de ontem


def test_csv_missing_file(tmp_path):
    with pytest.raises(InputError, match="não existe"):
        load_price_csv(tmp_path / "nada.csv")


def test_csv_empty_file(tmp_path):
    with pytest.raises(InputError, match="vazio"):
        load_price_csv(_write(tmp_path, ""))


def test_csv_missing_column(tmp_path):
    path = _write(tmp_path, "data,close\n2020-01-01,1\n")
    with pytest.raises(InputError, match="não tem a coluna 'preco'"):
        load_price_csv(path)


def test_csv_non_numeric(tmp_path):
    path = _write(tmp_path, "data,preco\n2020-01-01,1\n2020-01-02,abc\n")
    with pytest.raises(InputError, match="não numérico.*linha 3"):
        load_price_csv(path)


def test_csv_bad_date(tmp_path):
    path = _write(tmp_path, "data,preco\n2020-01-01,1\nontem,2\n")
    with pytest.raises(InputError, match="Data inválida"):
        load_price_csv(path)


def test_csv_duplicate_date(tmp_path):
    path = _write(tmp_path, "data,preco\n2020-01-01,1\n2020-01-01,2\n")
    with pytest.raises(InputError, match="mais de uma vez"):
        load_price_csv(path)


def test_csv_first_value_missing(tmp_path):
    path = _write(tmp_path, "data,preco\n2020-01-01,\n2020-01-02,2\n")
    with pytest.raises(InputError, match="primeiro preço"):
        load_price_csv(path)


def test_csv_gap_too_long(tmp_path):
    rows = ["2020-01-01,1"] + [f"2020-01-0{d}," for d in range(2, 7)] + ["2020-01-07,2"]
    path = _write(tmp_path, "data,preco\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError, match="5 preços vazios seguidos"):
        load_price_csv(path, max_gap=3)


def test_csv_non_positive(tmp_path):
    path = _write(tmp_path, "data,preco\n2020-01-01,1\n2020-01-02,0\n")
    with pytest.raises(InputError, match="positivos"):
        load_price_csv(path)


def test_csv_too_short(tmp_path):
    path = _write(tmp_path, "data,preco\n2020-01-01,1\n2020-01-02,2\n")
    with pytest.raises(InputError, match="pelo menos 50"):
        load_price_csv(path, min_rows=50)
