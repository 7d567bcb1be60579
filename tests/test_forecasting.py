"""Janelas, divisão cronológica, ausência de vazamento, métricas e o modelo de janelas."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from recorrente.data.prices import load_co2_monthly
from recorrente.errors import InputError
from recorrente.forecasting import (
    Split,
    baseline_predictions,
    chronological_split,
    compare_models,
    forecast_metrics,
    lstm_predictions,
    make_windows,
    prepare_windows,
    recursive_forecast,
    ridge_ar,
    sarima_predictions,
    seasonal_naive,
    train_window_model,
    walk_forward,
)
from recorrente.models import WindowRegressor


def _walk(n=400, seed=0):
    rng = np.random.default_rng(seed)
    return 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))


def test_make_windows_values_and_errors():
    X, y = make_windows(np.arange(10.0), window=4)
    assert X.shape == (6, 4) and y.shape == (6,)
    np.testing.assert_array_equal(X[2], [2, 3, 4, 5])
    assert y[2] == 6
    with pytest.raises(InputError, match="janela de 10"):
        make_windows(np.arange(10.0), window=10)


def test_split_is_chronological():
    split = chronological_split(1000, window=20)
    assert split == Split(700, 850, 1000)
    data = prepare_windows(_walk(1000), 20, split, mode="price")
    t_train, t_val, t_test = (data.targets[p] for p in ("train", "validation", "test"))
    assert t_train.max() < t_val.min() and t_val.max() < t_test.min()
    assert t_test.max() == 999
    # toda janela de treino usa só valores anteriores ao seu alvo e ao fim do treino
    assert t_train.max() < split.train_end
    with pytest.raises(InputError):
        chronological_split(30, window=20)


@pytest.mark.parametrize("mode", ["price", "return"])
def test_no_leak_from_test_period(mode):
    prices = _walk(600)
    split = chronological_split(len(prices), 20)
    changed = prices.copy()
    changed[split.val_end :] *= 3.0  # o futuro muda muito
    a = prepare_windows(prices, 20, split, mode=mode)
    b = prepare_windows(changed, 20, split, mode=mode)
    np.testing.assert_array_equal(a.scaler.data_min_, b.scaler.data_min_)
    np.testing.assert_array_equal(a.scaler.data_max_, b.scaler.data_max_)
    for part in ("train", "validation"):
        np.testing.assert_array_equal(a.X[part], b.X[part])
        np.testing.assert_array_equal(a.y[part], b.y[part])
    # o normalizador "vazado" (série inteira) muda, e com ele as entradas de treino
    leaky_a = prepare_windows(prices, 20, split, mode=mode, leaky=True)
    leaky_b = prepare_windows(changed, 20, split, mode=mode, leaky=True)
    assert not np.array_equal(leaky_a.X["train"], leaky_b.X["train"])


def test_metrics_by_hand():
    actual, predicted, previous = [100, 102, 99, 101], [101, 101, 100, 101], [100, 100, 100, 100]
    m = forecast_metrics(actual, predicted, previous)
    errors = np.array([1, -1, 1, 0])
    assert m["RMSE"] == pytest.approx(np.sqrt(3 / 4))
    assert m["MAE"] == pytest.approx(0.75)
    assert m["MAPE_%"] == pytest.approx(100 * np.mean(np.abs(errors) / np.array(actual)))
    # direções previstas: +, +, 0, +; reais: 0, +, -, +  -> acerta 2 de 4
    assert m["direction_%"] == pytest.approx(50.0)
    assert m["up_%"] == pytest.approx(50.0)
    assert np.isnan(forecast_metrics([1, 2], [1, 1], [1, 1])["direction_%"])


def test_baselines_by_hand():
    prices = _walk(300)
    data = prepare_windows(prices, 10, chronological_split(300, 10), mode="price")
    base = baseline_predictions(data, average=3)
    t = data.targets["test"]
    np.testing.assert_allclose(base["persistence"], prices[t - 1])
    expected = (prices[t - 1] + prices[t - 2] + prices[t - 3]) / 3
    np.testing.assert_allclose(base["moving_average"], expected)
    assert np.all(np.isfinite(base["linear_ar"]))


def test_seasonal_naive_by_hand():
    x = np.array([5.0, 7, 6, 9, 8, 10, 12, 11])
    targets = [4, 5, 6, 7]
    # sem deriva, período 3: x[t-3]
    np.testing.assert_array_equal(seasonal_naive(x, targets, 3), [7, 6, 9, 8])
    # com deriva: x[t-3] + (x[t-1] - x[t-4]), calculado à mão
    #   t=4: 7 + (9 - 5) = 11;  t=5: 6 + (8 - 7) = 7
    #   t=6: 9 + (10 - 6) = 13; t=7: 8 + (12 - 9) = 11
    np.testing.assert_array_equal(seasonal_naive(x, targets, 3, drift=True), [11, 7, 13, 11])
    # a deriva precisa de um valor a mais que a sazonal sem deriva
    seasonal_naive(x, [3], 3)
    with pytest.raises(InputError, match="com deriva de período 3"):
        seasonal_naive(x, [3], 3, drift=True)


def test_seasonal_baselines_in_tables():
    months = np.arange(120)
    series = 300 + 0.1 * months + np.sin(2 * np.pi * months / 12)  # ciclo anual mais tendência
    data = prepare_windows(series, 12, chronological_split(120, 12), mode="return")
    base = baseline_predictions(data, season=12)
    t = data.targets["test"]
    np.testing.assert_allclose(base["seasonal_naive"], series[t - 12])
    # ciclo fixo mais tendência reta: a deriva acerta, a sazonal sem deriva fica um ano atrás
    np.testing.assert_allclose(base["seasonal_drift"], series[t])
    np.testing.assert_allclose(series[t] - base["seasonal_naive"], 1.2)
    folds = walk_forward(series, 12, n_splits=2, epochs=1, season=12, train=True)
    assert {"seasonal_naive", "seasonal_drift", "linear_ar_train"} <= set(folds.columns)
    assert "ridge_ar" not in folds.columns
    tuned = walk_forward(series, 12, n_splits=2, epochs=1, season=12, train=True, tuned=True)
    assert {"ridge_ar", "ridge_ar_train", "sarima", "sarima_train"} <= set(tuned.columns)
    assert (tuned["sarima"] < 1e-3).all()  # ciclo fixo mais tendência: o SARIMA acerta
    assert (folds["seasonal_drift"] < 1e-9).all()
    assert (folds["seasonal_drift_train"] < 1e-9).all()
    np.testing.assert_allclose(folds["seasonal_naive_train"], 1.2)


def _alternating(n=60, a=0.02):
    """Preços cujo log-retorno alterna +a, -a, +a, ...: o retorno seguinte é -1 vez o atual."""
    return 100 * np.exp(np.cumsum(np.tile([a, -a], n // 2)))


def test_ridge_ar_by_hand():
    a = 0.02
    prices = _alternating(60, a)
    data = prepare_windows(prices, 1, Split(train_end=42, val_end=51, end=60))
    n = 40  # janelas de treino: alvos 2..41 (o primeiro alvo com retorno anterior é window+1)
    # Retornos padronizados x = ±1, alvo y = -r: o coeficiente do ridge é Σ x·y / (Σ x² + α)
    # = -n·a / (n + α). Com α = n, a previsão encolhe a alternância pela metade: r̂ = -r/2.
    half = ridge_ar(data, alphas=(float(n),))
    t = data.targets["test"]
    previous_return = np.log(prices[t - 1] / prices[t - 2])
    expected = prices[t - 1] * np.exp(-previous_return / 2)
    np.testing.assert_allclose(half.predictions["test"], expected)
    # sem penalidade acerta tudo, e a validação escolhe esse α entre os candidatos
    tuned = ridge_ar(data, alphas=(float(n), 0.0, 10.0))
    assert tuned.alpha == 0.0 and tuned.validation_rmse[0.0] < 1e-9
    assert tuned.validation_rmse[float(n)] > tuned.validation_rmse[10.0] > 0
    np.testing.assert_allclose(tuned.predictions["test"], data.actual("test"))
    with pytest.raises(InputError, match="α"):
        ridge_ar(data, alphas=(-1.0,))


def test_ridge_ar_picks_alpha_on_validation():
    data = prepare_windows(_walk(300), 10, chronological_split(300, 10))
    tuned = ridge_ar(data)
    assert tuned.alpha == min(tuned.validation_rmse, key=tuned.validation_rmse.get)
    rmse = np.sqrt(np.mean((tuned.predictions["validation"] - data.actual("validation")) ** 2))
    assert rmse == pytest.approx(tuned.validation_rmse[tuned.alpha])
    # α = 0 é o AR linear sem penalidade
    ols = ridge_ar(data, alphas=(0.0,)).predictions["test"]
    np.testing.assert_allclose(ols, baseline_predictions(data)["linear_ar"])


def test_sarima_uses_only_the_training_part():
    months = np.arange(150)
    rng = np.random.default_rng(1)
    series = np.exp(5 + 0.002 * months + 0.01 * np.sin(2 * np.pi * months / 12)
                    + rng.normal(0, 0.001, 150))
    split = chronological_split(150, 24)
    data = prepare_windows(series, 24, split)
    changed = series.copy()
    changed[split.train_end :] *= np.exp(rng.normal(0, 0.01, 150 - split.train_end))
    before = sarima_predictions(data)
    after = sarima_predictions(prepare_windows(changed, 24, split))
    # os coeficientes vêm só do treino: mudar o futuro não muda a previsão dentro do treino
    np.testing.assert_allclose(before["train"], after["train"])
    # e cada previsão usa só o passado do alvo: o primeiro alvo de validação também não muda
    np.testing.assert_allclose(before["validation"][0], after["validation"][0])
    assert not np.allclose(before["test"], after["test"])
    # ciclo e tendência: o erro fica no tamanho do ruído, bem abaixo da amplitude do ciclo
    error = before["test"] / data.actual("test") - 1
    assert np.abs(error).max() < 0.005


def test_return_mode_inverts_to_prices():
    prices = _walk(300)
    data = prepare_windows(prices, 10, chronological_split(300, 10), mode="return")
    np.testing.assert_allclose(data.to_prices(data.y["test"], "test"), data.actual("test"))


def test_window_regressor_contract():
    model = WindowRegressor(hidden_size=8)
    out, loss = model(torch.zeros(5, 7, 1), torch.ones(5))
    assert out.shape == (5,) and loss.item() > 0
    out, loss = model(torch.zeros(5, 7))
    assert out.shape == (5,) and loss is None


def test_recursive_first_step_matches_one_step():
    prices = _walk(300)
    data = prepare_windows(prices, 10, chronological_split(300, 10), mode="return")
    model, _ = train_window_model(data, epochs=1, hidden_size=8)
    multi = recursive_forecast(model, data, horizon=3)
    assert multi.shape == (len(data.targets["test"]), 3)
    np.testing.assert_allclose(multi[:, 0], lstm_predictions(model, data), rtol=1e-5)


def test_lstm_beats_seasonal_naive_on_co2():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # rede pequena: uma thread é mais rápida
    try:
        table = compare_models(
            load_co2_monthly().to_numpy(),
            24,
            modes=("return",),
            epochs=60,
            patience=10,
            seasonal=12,
        )
    finally:
        torch.set_num_threads(threads)
    assert table.loc["lstm_return", "RMSE"] < 0.5 * table.loc["seasonal_naive", "RMSE"]
    # a deriva explica quase toda a distância entre a sazonal ingênua e a LSTM
    assert table.loc["seasonal_drift", "RMSE"] < 0.3 * table.loc["seasonal_naive", "RMSE"]
