"""Previsão de séries: janelas, divisão cronológica, linhas de base, métricas e validação.

O caminho honesto, passo a passo:

1. :func:`chronological_split` corta a série em treino, validação e teste, nesta
   ordem no tempo;
2. :func:`prepare_windows` monta as janelas deslizantes e ajusta o normalizador
   **só no trecho de treino** (com ``leaky=True``, reproduz o erro comum de
   ajustá-lo na série inteira);
3. :func:`baseline_predictions` dá as referências (persistência, média móvel,
   autorregressão linear e, em séries sazonais, :func:`seasonal_naive` com e sem
   deriva) e :func:`train_window_model` treina um
   :class:`recorrente.models.WindowRegressor` com :func:`recorrente.training.fit`;
4. :func:`forecast_metrics` mede tudo na unidade original (RMSE, MAE, MAPE e
   acerto de direção).

Exemplo:
    >>> import numpy as np
    >>> X, y = make_windows(np.arange(6.0), window=3)
    >>> X.tolist(), y.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import torch
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import TimeSeriesSplit
from sklearn.preprocessing import MinMaxScaler

from recorrente.errors import InputError
from recorrente.models import WindowRegressor
from recorrente.training import History, TrainConfig, fit

__all__ = [
    "Split",
    "WindowData",
    "baseline_predictions",
    "chronological_split",
    "compare_models",
    "forecast_metrics",
    "lstm_predictions",
    "make_windows",
    "model_label",
    "predict",
    "prepare_windows",
    "recursive_forecast",
    "seasonal_naive",
    "train_window_model",
    "walk_forward",
    "walk_forward_splits",
]

Mode = Literal["preco", "retorno"]

MODEL_LABELS: dict[str, str] = {
    "persistencia": "persistência",
    "media_movel": "média móvel",
    "ar_linear": "AR linear",
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


def make_windows(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Janelas deslizantes: ``X[i] = values[i : i + window]`` e ``y[i] = values[i + window]``.

    Parâmetros:
        values: a série, em ordem cronológica.
        window: quantos passos cada janela tem.

    Retorna:
        X: as janelas, com forma ``(len(values) - window, window)``.
        y: o valor seguinte a cada janela, com forma ``(len(values) - window,)``.

    Levanta:
        InputError: se a série não tem pelo menos ``window + 1`` valores.

    Exemplo:
        >>> X, y = make_windows(np.arange(10.0), window=4)
        >>> X.shape, y.shape
        ((6, 4), (6,))
        >>> X[-1].tolist(), float(y[-1])  # a última janela e o valor que vem depois
        ([5.0, 6.0, 7.0, 8.0], 9.0)
    """
    values = np.asarray(values, dtype=float)
    if window < 1:
        raise InputError(f"A janela precisa ter pelo menos 1 passo (recebi {window}).")
    if len(values) < window + 1:
        raise InputError(
            f"A série tem {len(values)} valores, mas uma janela de {window} precisa de pelo "
            f"menos {window + 1}; use uma janela menor ou uma série mais longa."
        )
    X = np.lib.stride_tricks.sliding_window_view(values[:-1], window).copy()
    return X, values[window:].copy()


@dataclass(frozen=True)
class Split:
    """Onde terminam o treino e a validação (índices da série, fim exclusivo).

    Um alvo no índice ``t`` é de treino se ``t < train_end``, de validação se
    ``train_end <= t < val_end`` e de teste se ``val_end <= t < end``.

    Atributos:
        train_end: primeiro índice depois do treino.
        val_end: primeiro índice depois da validação (o começo do teste).
        end: o tamanho da série.

    Exemplo:
        >>> split = Split(train_end=70, val_end=85, end=100)
        >>> len(range(split.train_end, split.val_end)), len(range(split.val_end, split.end))
        (15, 15)
    """

    train_end: int
    val_end: int
    end: int


def chronological_split(
    n: int, window: int, *, val_fraction: float = 0.15, test_fraction: float = 0.15
) -> Split:
    """Divide ``n`` pontos em treino, validação e teste, nesta ordem no tempo.

    Parâmetros:
        n: tamanho da série.
        window: tamanho da janela; o treino precisa de pelo menos 10 alvos além dela.
        val_fraction: fração da série para a validação.
        test_fraction: fração da série para o teste (o fim da série).

    Retorna:
        O :class:`Split` com os limites de cada parte.

    Levanta:
        InputError: se a série é curta demais para a janela.

    Exemplo:
        >>> chronological_split(100, window=10)
        Split(train_end=70, val_end=85, end=100)
    """
    n_test = int(round(n * test_fraction))
    n_val = int(round(n * val_fraction))
    train_end = n - n_test - n_val
    if train_end - window < 10 or n_val < 1 or n_test < 1:
        raise InputError(
            f"A série tem {n} valores: pouco para uma janela de {window} com treino, "
            "validação e teste; use uma série mais longa ou uma janela menor."
        )
    return Split(train_end=train_end, val_end=n - n_test, end=n)


@dataclass
class WindowData:
    """Janelas já normalizadas para a rede, e o que é preciso para voltar a preços.

    ``X[parte]`` tem forma ``(N, janela)`` e ``y[parte]`` forma ``(N,)``, com
    ``parte`` em ``"treino"``, ``"validacao"`` e ``"teste"``; ``targets[parte]``
    diz o índice da série de cada alvo. Criada por :func:`prepare_windows`.

    Atributos:
        prices: a série de preços original.
        window: passos de cada janela.
        mode: ``"preco"`` ou ``"retorno"``, o que a rede vê.
        split: a divisão cronológica usada.
        scaler: o normalizador ``MinMaxScaler`` ajustado.
        X: janelas normalizadas de cada parte.
        y: alvos normalizados de cada parte.
        targets: índice na série de cada alvo de cada parte.

    Exemplo:
        >>> prices = 100 * np.exp(np.cumsum(np.full(120, 0.01)))  # sobe 1% ao dia
        >>> data = prepare_windows(prices, 5, chronological_split(120, 5))
        >>> data.X["treino"].shape, data.y["teste"].shape
        ((78, 5), (18,))
        >>> np.allclose(data.to_prices(data.y["teste"], "teste"), data.actual("teste"))
        True
    """

    prices: np.ndarray
    window: int
    mode: Mode
    split: Split
    scaler: MinMaxScaler
    X: dict[str, np.ndarray]
    y: dict[str, np.ndarray]
    targets: dict[str, np.ndarray]

    def to_prices(self, scaled: np.ndarray, part: str) -> np.ndarray:
        """Converte previsões na escala da rede em preços para os alvos de ``part``."""
        values = self.scaler.inverse_transform(np.asarray(scaled, float).reshape(-1, 1))[:, 0]
        if self.mode == "preco":
            return values
        return self.prices[self.targets[part] - 1] * np.exp(values)

    def actual(self, part: str) -> np.ndarray:
        """Os preços verdadeiros dos alvos de ``part``."""
        return self.prices[self.targets[part]]

    def previous(self, part: str) -> np.ndarray:
        """O preço do dia anterior a cada alvo de ``part``."""
        return self.prices[self.targets[part] - 1]


PARTS = ("treino", "validacao", "teste")


def _model_series(prices: np.ndarray, mode: Mode) -> np.ndarray:
    """A série que a rede vê: o preço, ou o log-retorno (``NaN`` no índice 0)."""
    if mode == "preco":
        return prices.astype(float)
    if mode == "retorno":
        return np.concatenate([[np.nan], np.diff(np.log(prices))])
    raise ValueError(f"Modo desconhecido: {mode!r}; use 'preco' ou 'retorno'.")


def prepare_windows(
    prices: np.ndarray | pd.Series,
    window: int,
    split: Split,
    *,
    mode: Mode = "retorno",
    leaky: bool = False,
) -> WindowData:
    """Monta as janelas de treino, validação e teste e as normaliza para a faixa [-1, 1].

    Parâmetros:
        prices: a série de preços (positivos).
        window: quantos passos cada janela tem.
        split: a divisão cronológica (:func:`chronological_split`).
        mode: ``"preco"`` (a rede vê preços) ou ``"retorno"`` (log-retornos diários).
        leaky: ajusta o normalizador na série inteira, como no exemplo ingênuo; só
            serve para medir o vazamento. O honesto (padrão) usa só o treino.

    Retorna:
        As janelas e alvos de cada parte, num :class:`WindowData`.

    Exemplo:
        >>> prices = np.linspace(10, 20, 100)  # uma série que só sobe
        >>> split = chronological_split(100, 5)
        >>> honest = prepare_windows(prices, 5, split, mode="preco")
        >>> leaky = prepare_windows(prices, 5, split, mode="preco", leaky=True)
        >>> round(float(honest.y["teste"].max()), 2)  # o teste sai da faixa vista no treino
        1.87
        >>> round(float(leaky.y["teste"].max()), 2)  # o vazamento esconde isso
        1.0
    """
    prices = np.asarray(prices, dtype=float)
    series = _model_series(prices, mode)
    first = window + (1 if mode == "retorno" else 0)  # primeiro alvo com janela completa
    fit_part = series[: split.end] if leaky else series[: split.train_end]
    scaler = MinMaxScaler(feature_range=(-1, 1))
    scaler.fit(fit_part[~np.isnan(fit_part)].reshape(-1, 1))
    scaled = scaler.transform(np.nan_to_num(series).reshape(-1, 1))[:, 0]
    bounds = {
        "treino": (first, split.train_end),
        "validacao": (split.train_end, split.val_end),
        "teste": (split.val_end, split.end),
    }
    X, y, targets = {}, {}, {}
    for part, (start, stop) in bounds.items():
        t = np.arange(max(start, first), stop)
        targets[part] = t
        X[part] = np.stack([scaled[i - window : i] for i in t]) if len(t) else np.empty((0, window))
        y[part] = scaled[t]
    return WindowData(prices, window, mode, split, scaler, X, y, targets)


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


def seasonal_naive(
    values: npt.ArrayLike, targets: npt.ArrayLike, period: int = 12, *, drift: bool = False
) -> np.ndarray:
    """Linha de base sazonal ingênua, com ou sem deriva, para os alvos ``targets``.

    Sem deriva, repete o valor de um período atrás: ``x̂(t) = x(t-m)``. Com deriva,
    soma a esse valor o quanto a série andou nos últimos ``m`` passos até o último
    valor conhecido: ``x̂(t) = x(t-m) + (x(t-1) - x(t-m-1))``, o que acerta em cheio
    uma série que é um ciclo fixo mais uma tendência reta.

    Parâmetros:
        values: a série, em ordem cronológica.
        targets: índices da série a prever.
        period: o período ``m`` da sazonalidade (12 para meses).
        drift: soma a variação dos últimos ``period`` passos (a deriva).

    Retorna:
        Uma previsão por alvo.

    Levanta:
        InputError: se algum alvo não tem ``period + 1`` valores antes dele (com
            deriva) ou ``period`` valores (sem deriva).

    Exemplo:
        >>> ciclo = np.array([0.0, 2.0, 1.0, 3.0])
        >>> x = np.concatenate([ciclo, ciclo + 1, ciclo + 2])  # ciclo de 4 que sobe 1 por volta
        >>> seasonal_naive(x, [8, 9, 10, 11], period=4).tolist()  # atrasada uma volta
        [1.0, 3.0, 2.0, 4.0]
        >>> seasonal_naive(x, [8, 9, 10, 11], period=4, drift=True).tolist()  # acerta
        [2.0, 4.0, 3.0, 5.0]
    """
    values = np.asarray(values, dtype=float)
    targets = np.asarray(targets, dtype=int)
    need = period + (1 if drift else 0)
    if period < 1:
        raise InputError(f"O período sazonal precisa ser pelo menos 1 (recebi {period}).")
    if len(targets) and targets.min() < need:
        raise InputError(
            f"A sazonal ingênua{' com deriva' if drift else ''} de período {period} precisa "
            f"de {need} valores antes de cada alvo, e o alvo {int(targets.min())} tem menos; "
            f"use uma janela de pelo menos {need} passos ou um período menor."
        )
    forecast = values[targets - period]
    if drift:
        forecast = forecast + values[targets - 1] - values[targets - period - 1]
    return forecast


def baseline_predictions(
    data: WindowData, part: str = "teste", *, average: int = 5, season: int | None = None
) -> dict[str, np.ndarray]:
    """Previsões das linhas de base para os alvos de ``part``, em preços.

    - ``persistencia``: amanhã = hoje;
    - ``media_movel``: média dos últimos ``average`` preços;
    - ``ar_linear``: regressão linear (scikit-learn) que prevê o próximo log-retorno
      a partir dos log-retornos da janela, ajustada nas janelas de treino;
    - com ``season=m``, também ``sazonal_ingenua`` (o valor de ``m`` passos atrás)
      e ``sazonal_com_deriva`` (esse valor mais a variação dos últimos ``m``
      passos), de :func:`seasonal_naive`.

    Parâmetros:
        data: as janelas, de :func:`prepare_windows`.
        part: ``"treino"``, ``"validacao"`` ou ``"teste"``.
        average: quantos preços a média móvel usa.
        season: o período das linhas de base sazonais; ``None`` não as inclui.

    Retorna:
        Um dicionário nome → previsões, uma por alvo de ``part``.

    Exemplo:
        >>> prices = 100 * np.exp(np.cumsum(np.full(120, 0.01)))  # sobe 1% ao dia
        >>> data = prepare_windows(prices, 5, chronological_split(120, 5))
        >>> base = baseline_predictions(data)
        >>> np.allclose(base["persistencia"], data.previous("teste"))  # amanhã = hoje
        True
        >>> np.allclose(base["ar_linear"], data.actual("teste"))  # retorno constante: acerta
        True
        >>> sorted(baseline_predictions(data, season=4))[-2:]
        ['sazonal_com_deriva', 'sazonal_ingenua']
    """
    prices, window = data.prices, data.window
    t = data.targets[part]
    price_windows = np.stack([prices[i - window : i] for i in t])
    returns = np.diff(np.log(prices))

    def return_windows(indices):
        # log-retornos dos `window` dias antes do alvo (precisa de i - window - 1 >= 0)
        return np.stack([returns[i - window - 1 : i - 1] for i in indices])

    train_t = data.targets["treino"]
    train_t = train_t[train_t >= window + 1]
    ar = LinearRegression().fit(return_windows(train_t), returns[train_t - 1])
    ar_t = np.maximum(t, window + 1)
    ar_pred = prices[t - 1] * np.exp(ar.predict(return_windows(ar_t)))
    predictions = {
        "persistencia": price_windows[:, -1],
        "media_movel": price_windows[:, -average:].mean(axis=1),
        "ar_linear": ar_pred,
    }
    if season:
        predictions["sazonal_ingenua"] = seasonal_naive(prices, t, season)
        predictions["sazonal_com_deriva"] = seasonal_naive(prices, t, season, drift=True)
    return predictions


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

    Retorna:
        O modelo, com os pesos da melhor época, e o :class:`~recorrente.training.History`.

    Exemplo:
        >>> rng = np.random.default_rng(0)
        >>> prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 150)))
        >>> data = prepare_windows(prices, 5, chronological_split(150, 5))
        >>> model, history = train_window_model(data, hidden_size=8, epochs=2)
        >>> type(model).__name__, len(history.train_loss), len(history.val_loss)
        ('WindowRegressor', 2, 2)
    """
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    X = torch.tensor(data.X["treino"], dtype=torch.float32)
    y = torch.tensor(data.y["treino"], dtype=torch.float32)

    class _Shuffled:
        """Lotes embaralhados de novo a cada época."""

        def __iter__(self):
            order = torch.randperm(len(X), generator=generator)
            for start in range(0, len(X), batch_size):
                index = order[start : start + batch_size]
                yield X[index], y[index]

    val = [
        (
            torch.tensor(data.X["validacao"], dtype=torch.float32),
            torch.tensor(data.y["validacao"], dtype=torch.float32),
        )
    ]
    model = WindowRegressor(hidden_size=hidden_size)
    config = TrainConfig(
        lr=lr, max_epochs=epochs, patience=patience, progress=progress, description=description
    )
    history = fit(model, _Shuffled(), val, config)
    return model, history


@torch.no_grad()
def predict(model: WindowRegressor, X: np.ndarray) -> np.ndarray:
    """Previsões do modelo (na escala da rede) para janelas ``(N, T)``.

    Parâmetros:
        model: o modelo (fica em modo de avaliação).
        X: as janelas, ``(N, T)``.

    Retorna:
        Um vetor ``(N,)`` de ``float``.

    Exemplo:
        >>> from recorrente.models import WindowRegressor
        >>> predict(WindowRegressor(hidden_size=4), np.zeros((3, 10))).shape
        (3,)
    """
    model.eval()
    output, _ = model(torch.tensor(X, dtype=torch.float32))
    return output.numpy().astype(float)


def lstm_predictions(model: WindowRegressor, data: WindowData, part: str = "teste") -> np.ndarray:
    """Previsões do modelo em preços para os alvos de ``part``.

    Parâmetros:
        model: o modelo treinado nas janelas de ``data``.
        data: as janelas, de :func:`prepare_windows`.
        part: ``"treino"``, ``"validacao"`` ou ``"teste"``.

    Retorna:
        Um preço previsto por alvo de ``part``.

    Exemplo:
        >>> from recorrente.models import WindowRegressor
        >>> prices = 100 * np.exp(np.cumsum(np.full(120, 0.01)))
        >>> data = prepare_windows(prices, 5, chronological_split(120, 5))
        >>> predicted = lstm_predictions(WindowRegressor(hidden_size=4), data)
        >>> predicted.shape == data.actual("teste").shape
        True
    """
    return data.to_prices(predict(model, data.X[part]), part)


def recursive_forecast(
    model: WindowRegressor, data: WindowData, horizon: int, part: str = "teste"
) -> np.ndarray:
    """Previsão de vários passos, realimentando a rede com as próprias previsões.

    Devolve uma matriz ``(N, horizon)``: a linha ``i`` parte da origem do alvo
    ``i`` de ``part`` (o último dado conhecido é o do dia anterior) e a coluna
    ``h`` é a previsão do preço ``h + 1`` dias à frente.

    Parâmetros:
        model: o modelo treinado nas janelas de ``data``.
        data: as janelas, de :func:`prepare_windows`.
        horizon: quantos passos prever a partir de cada origem.
        part: ``"treino"``, ``"validacao"`` ou ``"teste"``.

    Retorna:
        A matriz ``(N, horizon)`` de preços previstos.

    Exemplo:
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
    if data.mode == "preco":
        return values
    return data.previous(part)[:, None] * np.exp(np.cumsum(values, axis=1))


def compare_models(
    prices: np.ndarray | pd.Series,
    window: int = 20,
    *,
    split: Split | None = None,
    modes: Sequence[Mode] = ("preco", "retorno"),
    epochs: int = 30,
    patience: int = 5,
    seed: int = 0,
    progress: bool = False,
    seasonal: int | None = None,
) -> pd.DataFrame:
    """Tabela de métricas no teste: linhas de base e uma LSTM por modo.

    Com ``seasonal=m``, inclui as linhas de base sazonais de :func:`seasonal_naive`:
    a ingênua (o valor de ``m`` passos atrás) e a com deriva (exigem ``window >= m``).

    Parâmetros:
        prices: a série de preços.
        window: passos de cada janela.
        split: a divisão; ``None`` usa :func:`chronological_split`.
        modes: o que cada LSTM vê: ``"preco"`` e/ou ``"retorno"``.
        epochs: número máximo de épocas de cada LSTM.
        patience: épocas sem melhora antes de parar.
        seed: semente das LSTMs.
        progress: mostra a barra de progresso.
        seasonal: período das linhas de base sazonais, se houver.

    Retorna:
        Um ``DataFrame`` com um modelo por linha e as métricas de
            :func:`forecast_metrics` nas colunas.

    Exemplo:
        >>> rng = np.random.default_rng(0)
        >>> prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 150)))
        >>> table = compare_models(prices, 5, modes=("retorno",), epochs=1)
        >>> list(table.index)
        ['persistencia', 'media_movel', 'ar_linear', 'lstm_retorno']
        >>> list(table.columns)
        ['RMSE', 'MAE', 'MAPE_%', 'direcao_%', 'alta_%']
    """
    prices = np.asarray(prices, dtype=float)
    split = split or chronological_split(len(prices), window)
    rows = {}
    for i, mode in enumerate(modes):
        data = prepare_windows(prices, window, split, mode=mode)
        if i == 0:
            actual, previous = data.actual("teste"), data.previous("teste")
            for name, pred in baseline_predictions(data, season=seasonal).items():
                rows[name] = forecast_metrics(actual, pred, previous)
        model, _ = train_window_model(
            data,
            epochs=epochs,
            patience=patience,
            seed=seed,
            progress=progress,
            description=f"LSTM ({mode})",
        )
        rows[f"lstm_{mode}"] = forecast_metrics(actual, lstm_predictions(model, data), previous)
    return pd.DataFrame(rows).T


def walk_forward_splits(n: int, window: int, n_splits: int) -> list[Split]:
    """As divisões de cada dobra de :func:`walk_forward` (``TimeSeriesSplit``), já conferidas.

    Em cada dobra, o treino é tudo o que vem antes do bloco de teste, e os últimos 15% dele
    viram validação. Serve para recusar dobras demais antes de treinar qualquer coisa.

    Parâmetros:
        n: tamanho da série.
        window: passos de cada janela; o treino de cada dobra precisa de 10 alvos além dela.
        n_splits: número de dobras.

    Retorna:
        Um :class:`Split` por dobra; o teste da dobra vai de ``val_end`` a ``end``.

    Levanta:
        InputError: se a série não tem valores para tantas dobras, ou se a primeira dobra é
            curta demais para a janela.

    Exemplo:
        >>> walk_forward_splits(150, 5, 2)
        [Split(train_end=42, val_end=50, end=100), Split(train_end=85, val_end=100, end=150)]
        >>> walk_forward_splits(300, 20, 1000)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        recorrente.errors.InputError: A série tem 300 valores, poucos para 1000 dobras; ...
    """
    if n_splits < 2 or n_splits >= n:
        raise InputError(
            f"A série tem {n} valores, poucos para {n_splits} dobras; a validação que avança "
            "no tempo precisa de 2 dobras ou mais, e de menos dobras que valores."
        )
    splits = []
    for train_idx, test_idx in TimeSeriesSplit(n_splits=n_splits).split(np.arange(n)):
        n_train = len(train_idx)
        n_val = max(1, int(round(0.15 * n_train)))
        split = Split(
            train_end=n_train - n_val, val_end=int(test_idx[0]), end=int(test_idx[-1]) + 1
        )
        if split.train_end - window < 10:
            raise InputError(
                f"A primeira dobra da validação em {n_splits} partes tem só {n_train} valores; "
                "use menos dobras, uma janela menor ou uma série mais longa."
            )
        splits.append(split)
    return splits


def walk_forward(
    prices: np.ndarray | pd.Series,
    window: int = 20,
    *,
    n_splits: int = 3,
    mode: Mode = "retorno",
    epochs: int = 20,
    patience: int = 5,
    seed: int = 0,
    progress: bool = False,
    season: int | None = None,
    train: bool = False,
) -> pd.DataFrame:
    """Validação em janelas que avançam no tempo (``TimeSeriesSplit``).

    Em cada dobra, o treino é tudo o que vem antes do bloco de teste (os últimos
    15% dele viram validação), o normalizador é ajustado só nesse treino e a LSTM
    é comparada com a persistência e o AR linear (e, com ``season``, com as
    sazonais ingênuas). Devolve uma linha por dobra, com o RMSE de cada modelo.

    Parâmetros:
        prices: a série de preços.
        window: passos de cada janela.
        n_splits: número de dobras.
        mode: o que a LSTM vê: ``"preco"`` ou ``"retorno"``.
        epochs: número máximo de épocas de cada LSTM.
        patience: épocas sem melhora antes de parar.
        seed: semente das LSTMs.
        progress: mostra a barra de progresso.
        season: período das linhas de base sazonais (:func:`seasonal_naive`), se houver.
        train: inclui também o RMSE de cada modelo no treino da dobra, em colunas
            com o sufixo ``_treino`` (para ver o erro no treino ao lado do de teste).

    Retorna:
        Um ``DataFrame`` indexado pela dobra, com o início do teste e o RMSE de cada modelo.

    Levanta:
        InputError: se a primeira dobra é curta demais para a janela.

    Exemplo:
        >>> rng = np.random.default_rng(0)
        >>> prices = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 150)))
        >>> folds = walk_forward(prices, 5, n_splits=2, epochs=1)
        >>> folds["inicio_teste"].tolist()  # cada dobra testa um trecho mais adiante
        [50, 100]
        >>> list(folds.columns[1:])
        ['persistencia', 'ar_linear', 'lstm_retorno']
    """
    prices = np.asarray(prices, dtype=float)
    rows = []
    for fold, split in enumerate(walk_forward_splits(len(prices), window, n_splits), start=1):
        data = prepare_windows(prices, window, split, mode=mode)
        actual, previous = data.actual("teste"), data.previous("teste")
        base = baseline_predictions(data, season=season)
        base.pop("media_movel")
        model, _ = train_window_model(
            data,
            epochs=epochs,
            patience=patience,
            seed=seed,
            progress=progress,
            description=f"dobra {fold}",
        )
        base[f"lstm_{mode}"] = lstm_predictions(model, data)
        row = {"dobra": fold, "inicio_teste": split.val_end}
        for name, pred in base.items():
            row[name] = forecast_metrics(actual, pred, previous)["RMSE"]
        if train:
            fitted = baseline_predictions(data, "treino", season=season)
            fitted.pop("media_movel")
            fitted[f"lstm_{mode}"] = lstm_predictions(model, data, "treino")
            for name, pred in fitted.items():
                row[f"{name}_treino"] = forecast_metrics(
                    data.actual("treino"), pred, data.previous("treino")
                )["RMSE"]
        rows.append(row)
    return pd.DataFrame(rows).set_index("dobra")
