"""As métricas da previsão na unidade original e os rótulos das tabelas para o leitor.

Exemplo:
    >>> m = forecast_metrics([10, 12], [11, 12], [10, 10])
    >>> round(m["RMSE"], 3), model_label("MAPE_%")
    (0.707, 'MAPE (%)')
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["MODEL_LABELS", "forecast_metrics", "model_label"]

MODEL_LABELS: dict[str, str] = {
    "persistence": "persistência",
    "moving_average": "média móvel",
    "linear_ar": "AR linear",
    "ridge_ar": "AR ridge",
    "sarima": "SARIMA",
    "lstm_price": "LSTM (preço)",
    "lstm_return": "LSTM (retorno)",
    "seasonal_naive": "sazonal ingênua",
    "seasonal_drift": "sazonal com deriva",
    "train": "treino",
    "validation": "validação",
    "test": "teste",
    "test_start": "início do teste",
    "fold": "dobra",
    "MAPE_%": "MAPE (%)",
    "direction_%": "direção (%)",
    "up_%": "alta (%)",
}
"""Cada chave que o código de previsão usa (modelos, partes, métricas) como o leitor a lê.

As chaves ficam em inglês no código; os rótulos em português moram só aqui."""


def model_label(key: str) -> str:
    """O rótulo em português de uma chave das tabelas (``"moving_average"`` → ``"média móvel"``).

    Lê a chave da esquerda para a direita, trocando o maior pedaço (separado por ``_``) que é
    uma chave de :data:`MODEL_LABELS`; o resto fica como está, com espaços no lugar dos ``_``.
    Serve para os nomes de linhas e colunas que o código compõe, como ``"linear_ar_train"``.

    Parâmetros:
        key: a chave ou o nome de coluna.

    Retorna:
        O texto para mostrar ao leitor.

    Exemplo:
        >>> model_label("moving_average"), model_label("linear_ar_train"), model_label("RMSE")
        ('média móvel', 'AR linear treino', 'RMSE')
        >>> model_label("lstm_return_test"), model_label("x_min")
        ('LSTM (retorno) teste', 'x min')
    """
    words, shown = key.split("_"), []
    while words:
        for cut in range(len(words), 0, -1):
            head = "_".join(words[:cut])
            if head in MODEL_LABELS:
                shown.append(MODEL_LABELS[head])
                break
        else:
            cut = 1
            shown.append(words[0])
        words = words[cut:]
    return " ".join(shown)


def forecast_metrics(
    actual: npt.ArrayLike, predicted: npt.ArrayLike, previous: npt.ArrayLike
) -> dict[str, float]:
    """RMSE, MAE, MAPE (%) e acerto de direção (%), na unidade original.

    A direção prevista é o sinal de ``predicted - previous``; ela acerta quando
    coincide com o sinal de ``actual - previous``. Quem nunca prevê mudança (a
    persistência) não tem direção: o acerto fica ``NaN``. ``up_%`` é a fração
    de alvos em que o preço subiu, a referência do acerto de direção.

    Parâmetros:
        actual: os valores verdadeiros.
        predicted: as previsões.
        previous: o valor anterior a cada alvo (o último conhecido).

    Retorna:
        Um dicionário com ``RMSE``, ``MAE``, ``MAPE_%``, ``direction_%`` e ``up_%``.

    Exemplo:
        >>> m = forecast_metrics([10, 12, 9], [11, 11, 10], [10, 10, 10])
        >>> round(m["RMSE"], 4), round(m["MAE"], 4), round(m["direction_%"], 1)
        (1.0, 1.0, 33.3)
    """
    actual, predicted, previous = (
        np.asarray(a, dtype=float) for a in (actual, predicted, previous)
    )
    error = predicted - actual
    predicted_move = np.sign(predicted - previous)
    actual_move = np.sign(actual - previous)
    moved = predicted_move != 0
    return {
        "RMSE": float(np.sqrt(np.mean(error**2))),
        "MAE": float(np.mean(np.abs(error))),
        "MAPE_%": float(100 * np.mean(np.abs(error) / np.abs(actual))),
        "direction_%": (
            float(100 * np.mean(predicted_move == actual_move)) if moved.any() else np.nan
        ),
        "up_%": float(100 * np.mean(actual_move > 0)),
    }
