"""A rede da previsão: treinar um :class:`~recorrente.models.WindowRegressor` e prever com ele.

Exemplo:
    >>> import numpy as np
    >>> from recorrente.models import WindowRegressor
    >>> predict(WindowRegressor(hidden_size=4), np.zeros((2, 5))).shape
    (2,)
"""

from __future__ import annotations

import numpy as np
import torch

from recorrente.data.batching import Batches
from recorrente.forecasting.windows import WindowData
from recorrente.models import WindowRegressor
from recorrente.module_tools import evaluating, model_device
from recorrente.training import History, TrainConfig, fit

__all__ = ["lstm_predictions", "predict", "recursive_forecast", "train_window_model"]


def train_window_model(
    data: WindowData,
    *,
    hidden_size: int = 32,
    epochs: int = 30,
    patience: int = 5,
    batch_size: int = 256,
    lr: float = 3e-3,
    seed: int = 0,
    progress: bool = False,
    description: str = "LSTM",
    device: str | torch.device | None = None,
) -> tuple[WindowRegressor, History]:
    """Treina um :class:`WindowRegressor` (LSTM) com parada antecipada na validação.

    Parâmetros:
        data: as janelas, de :func:`prepare_windows`.
        hidden_size: tamanho do estado oculto da LSTM.
        epochs: número máximo de épocas.
        patience: épocas sem melhora na validação antes de parar.
        batch_size: janelas por lote.
        lr: taxa de aprendizado.
        seed: semente dos pesos iniciais e do embaralhamento.
        progress: mostra a barra de progresso.
        description: texto da barra de progresso.
        device: onde treinar a LSTM (``"auto"``, ``"cpu"``, ``"cuda"``, ``"mps"``;
            :func:`recorrente.training.fit`); ``None``: na CPU.

    Retorna:
        O modelo, com os pesos da melhor época, e o :class:`~recorrente.training.History`.

    Exemplo:
        >>> from recorrente.forecasting.windows import chronological_split, prepare_windows
        >>> rng = np.random.default_rng(0)
        >>> prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 150)))
        >>> data = prepare_windows(prices, 5, chronological_split(150, 5))
        >>> model, history = train_window_model(data, hidden_size=8, epochs=2)
        >>> type(model).__name__, len(history.train_loss), len(history.val_loss)
        ('WindowRegressor', 2, 2)
    """
    torch.manual_seed(seed)
    X = torch.tensor(data.X["train"], dtype=torch.float32)
    y = torch.tensor(data.y["train"], dtype=torch.float32)

    val = [
        (
            torch.tensor(data.X["validation"], dtype=torch.float32),
            torch.tensor(data.y["validation"], dtype=torch.float32),
        )
    ]
    model = WindowRegressor(hidden_size=hidden_size)
    config = TrainConfig(
        lr=lr, max_epochs=epochs, patience=patience, progress=progress, description=description
    )
    history = fit(model, Batches(X, y, batch_size, seed=seed), val, config, device=device)
    return model, history


def predict(model: WindowRegressor, X: np.ndarray) -> np.ndarray:
    """Previsões do modelo (na escala da rede) para janelas ``(N, T)``.

    Parâmetros:
        model: o modelo (volta ao modo em que estava).
        X: as janelas, ``(N, T)``.

    Retorna:
        Um vetor ``(N,)`` de ``float``.

    Exemplo:
        >>> from recorrente.models import WindowRegressor
        >>> predict(WindowRegressor(hidden_size=4), np.zeros((3, 10))).shape
        (3,)
    """
    with evaluating(model):
        output, _ = model(torch.tensor(X, dtype=torch.float32, device=model_device(model)))
    return output.cpu().numpy().astype(float)


def lstm_predictions(model: WindowRegressor, data: WindowData, part: str = "test") -> np.ndarray:
    """Previsões do modelo em preços para os alvos de ``part``.

    Parâmetros:
        model: o modelo treinado nas janelas de ``data``.
        data: as janelas, de :func:`prepare_windows`.
        part: ``"train"``, ``"validation"`` ou ``"test"``.

    Retorna:
        Um preço previsto por alvo de ``part``.

    Exemplo:
        >>> from recorrente.forecasting.windows import chronological_split, prepare_windows
        >>> from recorrente.models import WindowRegressor
        >>> prices = 100 * np.exp(np.cumsum(np.full(120, 0.01)))
        >>> data = prepare_windows(prices, 5, chronological_split(120, 5))
        >>> predicted = lstm_predictions(WindowRegressor(hidden_size=4), data)
        >>> predicted.shape == data.actual("test").shape
        True
    """
    return data.to_prices(predict(model, data.X[part]), part)


def recursive_forecast(
    model: WindowRegressor, data: WindowData, horizon: int, part: str = "test"
) -> np.ndarray:
    """Previsão de vários passos, realimentando a rede com as próprias previsões.

    Devolve uma matriz ``(N, horizon)``: a linha ``i`` parte da origem do alvo
    ``i`` de ``part`` (o último dado conhecido é o do dia anterior) e a coluna
    ``h`` é a previsão do preço ``h + 1`` dias à frente.

    Parâmetros:
        model: o modelo treinado nas janelas de ``data``.
        data: as janelas, de :func:`prepare_windows`.
        horizon: quantos passos prever a partir de cada origem.
        part: ``"train"``, ``"validation"`` ou ``"test"``.

    Retorna:
        A matriz ``(N, horizon)`` de preços previstos.

    Exemplo:
        >>> from recorrente.forecasting.windows import chronological_split, prepare_windows
        >>> from recorrente.models import WindowRegressor
        >>> model = WindowRegressor(hidden_size=4)
        >>> prices = 100 * np.exp(np.cumsum(np.full(120, 0.01)))
        >>> data = prepare_windows(prices, 5, chronological_split(120, 5))
        >>> paths = recursive_forecast(model, data, horizon=3)
        >>> paths.shape
        (18, 3)
        >>> np.allclose(paths[:, 0], lstm_predictions(model, data))  # 1 passo: o mesmo
        True
    """
    windows = data.X[part].copy()
    steps = []
    for _ in range(horizon):
        step = predict(model, windows)
        steps.append(step)
        windows = np.concatenate([windows[:, 1:], step[:, None]], axis=1)
    scaled = np.stack(steps, axis=1)
    values = data.scaler.inverse_transform(scaled.reshape(-1, 1)).reshape(scaled.shape)
    if data.mode == "price":
        return values
    return data.previous(part)[:, None] * np.exp(np.cumsum(values, axis=1))
