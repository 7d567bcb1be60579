"""``recorrente bolsa avaliar``: execução curta num CSV e erros de entrada."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from recorrente.cli import main


@pytest.fixture
def csv_path(tmp_path):
    rng = np.random.default_rng(1)
    dates = pd.bdate_range("2015-01-01", periods=260)
    prices = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, len(dates))))
    path = tmp_path / "precos.csv"
    pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Close": prices}).to_csv(path, index=False)
    return path


def test_avaliar_csv_prints_table(csv_path, capsys):
    code = main(
        [
            "bolsa",
            "avaliar",
            "--csv",
            str(csv_path),
            "--coluna-data",
            "Date",
            "--coluna-preco",
            "Close",
            "--janela",
            "10",
            "--epocas",
            "2",
            "--walk-forward",
            "3",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    for name in ("persistência", "média móvel", "AR linear", "LSTM (preço)", "LSTM (retorno)"):
        assert name in out
    assert "Walk-forward em 3 dobras" in out and "média" in out
    # números e datas como se leem no Brasil; a persistência não tem direção: "—"
    assert re.search(r"persistência\s+\d+,\d\d\s", out)
    assert not re.search(r"\d\.\d", out) and "nan" not in out.lower()
    assert re.search(r"teste de \d\d/\d\d/\d{4} a \d\d/\d\d/\d{4}", out)
    assert "—" in out.split("persistência")[1].splitlines()[0]
    assert "unidades da série" in out and "US$" not in out


def test_avaliar_sp500_is_in_points(monkeypatch, capsys):
    import recorrente.data.prices as prices_module

    rng = np.random.default_rng(2)
    dates = pd.bdate_range("2010-01-01", periods=200)
    index = pd.Series(2000 * np.exp(np.cumsum(rng.normal(0, 0.01, 200))), index=dates)
    monkeypatch.setattr(prices_module, "load_sp500", lambda: index)
    assert main(["bolsa", "avaliar", "--janela", "10", "--epocas", "1"]) == 0
    out = capsys.readouterr().out
    # o S&P 500 é um índice: o erro sai em pontos, não em dólares
    assert "RMSE e MAE em pontos do índice" in out
    assert "US$" not in out and "dólar" not in out
    assert "200 dias" in out


def test_avaliar_missing_column_is_one_line_error(csv_path, capsys):
    code = main(["bolsa", "avaliar", "--csv", str(csv_path), "--epocas", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("recorrente: erro:") and "não tem a coluna 'data'" in err
    assert len(err.strip().splitlines()) == 1


def test_avaliar_short_series(tmp_path, capsys):
    path = tmp_path / "curto.csv"
    path.write_text("data,preco\n2020-01-01,1\n2020-01-02,2\n", encoding="utf-8")
    code = main(["bolsa", "avaliar", "--csv", str(path), "--janela", "20"])
    assert code == 2
    assert "pelo menos 50" in capsys.readouterr().err


def test_avaliar_missing_file(tmp_path, capsys):
    assert main(["bolsa", "avaliar", "--csv", str(tmp_path / "x.csv")]) == 2
    assert "não existe" in capsys.readouterr().err
