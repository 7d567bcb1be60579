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
    "persistencia": "persistência",
    "media_movel": "média móvel",
    "ar_linear": "AR linear",
    "ar_ridge": "AR ridge",
    "sarima": "SARIMA",
    "lstm_preco": "LSTM (preço)",
    "lstm_retorno": "LSTM (retorno)",
    "sazonal_ingenua": "sazonal ingênua",
    "sazonal_com_deriva": "sazonal com deriva",
    "inicio_teste": "início do teste",
    "MAPE_%": "MAPE (%)",
    "direcao_%": "direção (%)",
    "alta_%": "alta (%)",
}
"""Nome de cada chave das tabelas de previsão (sem acento, para o código) como o leitor lê."""


def model_label(key: str) -> str:
    """O rótulo em português de uma chave das tabelas (``"media_movel"`` → ``"média móvel"``).

    Troca cada chave de :data:`MODEL_LABELS` que aparecer no texto (a mais longa
    primeiro) e os ``_`` que sobrarem por espaços; serve para os nomes de linhas e
    colunas que o código compõe, como ``"ar_linear_treino"``.

    Parâmetros:
        key: a chave ou o nome de coluna.

    Retorna:
        O texto para mostrar ao leitor.

    Exemplo:
        >>> model_label("media_movel"), model_label("ar_linear_treino"), model_label("RMSE")
        ('média móvel', 'AR linear treino', 'RMSE')
    """
    for raw in sorted(MODEL_LABELS, key=len, reverse=True):
        key = key.replace(raw, MODEL_LABELS[raw])
    return key.replace("_", " ")


def forecast_metrics(
    actual: npt.ArrayLike, predicted: npt.ArrayLike, previous: npt.ArrayLike
) -> dict[str, float]:
    """RMSE, MAE, MAPE (%) e acerto de direção (%), na unidade original.

    A direção prevista é o sinal de ``predicted - previous``; ela acerta quando
    coincide com o sinal de ``actual - previous``. Quem nunca prevê mudança (a
    persistência) não tem direção: o acerto fica ``NaN``. ``alta_%`` é a fração
    de alvos em que o preço subiu, a referência do acerto de direção.

    Parâmetros:
        actual: os valores verdadeiros.
        predicted: as previsões.
        previous: o valor anterior a cada alvo (o último conhecido).

    Retorna:
        Um dicionário com ``RMSE``, ``MAE``, ``MAPE_%``, ``direcao_%`` e ``alta_%``.

    Exemplo:
        >>> m = forecast_metrics([10, 12, 9], [11, 11, 10], [10, 10, 10])
        >>> round(m["RMSE"], 4), round(m["MAE"], 4), round(m["direcao_%"], 1)
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
        "direcao_%": float(100 * np.mean(predicted_move == actual_move)) if moved.any() else np.nan,
        "alta_%": float(100 * np.mean(actual_move > 0)),
    }
