"""``recorrente bolsa avaliar``: execução curta num CSV e erros de entrada."""

from __future__ import annotations

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
    for name in ("persistencia", "media_movel", "ar_linear", "lstm_preco", "lstm_retorno"):
        assert name in out
    assert "Walk-forward em 3 dobras" in out and "média" in out


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
