"""Números em português: vírgula decimal, ponto de milhar, "—" no que falta, eixos com vírgula."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from recorrente.formatting import MISSING, mean_range, num, p_value, pct, sci, table, vec
from recorrente.plotting import new_figure


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1.771, 3, "1,771"),
        (1771, 0, "1.771"),
        (1771.5, 1, "1.771,5"),
        (-0.0049, 3, "-0,005"),
        (-0.00004, 4, "0,0000"),  # arredondou a zero: sem "-0,0000"
        (-0.0, 2, "0,00"),
        (0.2254, 3, "0,225"),
        (np.float32(0.5), 2, "0,50"),
        (None, 3, MISSING),
        (float("nan"), 3, MISSING),
        (np.nan, 1, MISSING),
        (math.inf, 2, "∞"),
    ],
)
def test_num(value, decimals, expected):
    assert num(value, decimals) == expected


def test_sci_pct_and_range():
    assert sci(2.07e-32) == "2,07e-32"
    assert sci(float("nan")) == MISSING
    assert pct(0.886) == "88,6%"
    assert pct(0.05234, 2) == "5,23%"
    assert mean_range([0.315, 0.350, 0.333]) == "0,333 (0,315–0,350)"
    assert mean_range([0.5, float("nan"), 1.0], 2) == "0,75 (0,50–1,00)"
    assert mean_range([None, float("nan")]) == MISSING


def test_p_values_never_print_as_zero_and_counts_have_no_decimals():
    assert [p_value(p) for p in (0.0532, 0.001, 0.00041, 0.0, np.nan)] == [
        "0,053", "0,001", "4,10e-04", "0,00e+00", MISSING]
    df = pd.DataFrame({"McNemar p": [0.00041, 0.2], "erros": [7, 1200], "taxa": [0.5, 0.25]})
    html = table(df, 2, p_values=["McNemar p"]).to_html()
    assert "4,10e-04" in html and "0,200" in html and "0,00" not in html.replace("0,00e", "")
    assert ">1.200<" in html and ">7<" in html and "0,50" in html


def test_table_formats_numbers_and_missing_values_without_changing_data():
    df = pd.DataFrame(
        {"RMSE": [1771.25, float("nan")], "acerto": [0.875, 0.5], "nome": ["a", None]},
        index=["AR linear", "LSTM"],
    )
    html = table(df, {"RMSE": 2}, percent=["acerto"]).to_html()
    assert "1.771,25" in html and "87,5%" in html and "50,0%" in html
    assert MISSING in html
    assert "nan" not in html.lower() and "None" not in html
    assert df["RMSE"].iloc[0] == 1771.25  # os dados continuam numéricos


def test_float_index_is_formatted():
    df = pd.DataFrame({"perda": [1.5, 1.25]}, index=pd.Index([0.5, 1.0], name="temperatura"))
    html = table(df, 2).to_html()
    assert "0,50" in html and "1,25" in html and "0.5" not in html


def test_every_linear_axis_of_a_book_figure_gets_a_decimal_comma():
    fig, axes = new_figure(1, 2)
    axes[0].plot([0, 1], [0.25, 0.75])
    image = axes[1].imshow([[0.0, 0.5], [0.25, 1.0]])
    fig.colorbar(image, ax=axes[1])  # eixo criado depois de new_figure
    axes[1].set_yscale("log")  # escala log: o formatador dela fica
    fig._repr_svg_()
    labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels() + ax.get_xticklabels()]
    decimals = [t for t in labels if any(ch.isdigit() for ch in t) and ("," in t or "." in t)]
    assert decimals, labels
    assert all("." not in t for t in decimals), decimals
    colorbar = [t.get_text() for t in fig.axes[-1].get_yticklabels()]
    assert colorbar[1:3] == ["0,2", "0,4"], colorbar


def test_vec_and_booleans_in_tables():
    import torch

    assert vec(torch.tensor([0.6291, -0.8216])) == "[0,6291; -0,8216]"
    assert vec(np.array([1234.5]), 1) == "[1.234,5]"
    html = table(pd.DataFrame({"igual": [True, False], "erro": [0.5, 0.25]})).to_html()
    assert "True" in html and "False" in html and "0,500" in html
    assert ">1,000<" not in html


def test_text_table_follows_the_same_rule_as_table():
    from recorrente.formatting import text_table

    df = pd.DataFrame(
        {"RMSE": [1771.25, float("nan")], "acerto": [0.875, 0.5], "ok": [True, False]},
        index=["media_movel", "ar_linear"],
    )
    text = text_table(df, {"RMSE": 2}, percent=["acerto"], labels={"media_movel": "média móvel"})
    assert "média móvel" in text and "1.771,25" in text and "87,5%" in text
    assert "True" in text and MISSING in text and "nan" not in text.lower()


def test_labels_also_name_the_axes():
    """Uma tabela indexada por uma chave em inglês (``fold``) mostra o rótulo no nome do eixo."""
    from recorrente.formatting import table, text_table

    df = pd.DataFrame({"RMSE": [1.5, 2.5]}, index=pd.Index([1, 2], name="fold"))
    labels = {"fold": "dobra"}
    assert text_table(df, labels=labels).splitlines()[1].startswith("dobra")
    assert "dobra" in table(df.T, labels=labels).to_html()
    assert "fold" not in table(df, labels=labels).to_html()
    assert df.index.name == "fold"  # os dados não mudam


def test_a_tensor_that_needs_gradients_is_formatted_without_a_warning():
    """Uma perda recém-calculada (``requires_grad``) vira texto sem o ``UserWarning`` do PyTorch.

    Antes, ``num(loss)`` chamava ``float(loss)``, e o aviso "Converting a tensor with
    requires_grad=True to a scalar" aparecia na página do capítulo 8.
    """
    torch = pytest.importorskip("torch")
    weight = torch.tensor(0.25, requires_grad=True)
    loss = 3 * weight  # faz parte do grafo: requires_grad=True e grad_fn
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert loss.requires_grad
        assert num(loss) == "0,750"
        assert sci(loss) == "7,50e-01"
        assert pct(loss) == "75,0%"
        assert mean_range([loss, 2 * loss], 2) == "1,12 (0,75–1,50)"
        assert vec(torch.stack([loss, -loss]), 2) == "[0,75; -0,75]"
        assert num(weight * float("nan")) == MISSING
