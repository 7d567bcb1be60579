"""Previsão de séries: janelas, divisão cronológica, linhas de base, métricas e validação.

O caminho honesto, passo a passo, um submódulo por conceito:

1. :mod:`~recorrente.forecasting.windows`: :func:`chronological_split` corta a série em
   treino, validação e teste, nesta ordem no tempo, e :func:`prepare_windows` monta as
   janelas deslizantes e ajusta o normalizador **só no trecho de treino** (com
   ``leaky=True``, reproduz o erro comum de ajustá-lo na série inteira);
2. :mod:`~recorrente.forecasting.baselines`: :func:`baseline_predictions` dá as referências
   (persistência, média móvel, autorregressão linear e, em séries sazonais,
   :func:`seasonal_naive` com e sem deriva); :func:`ridge_ar` (α na validação) e
   :func:`sarima_predictions` (ajustado no treino) são as ajustadas com o mesmo cuidado da rede;
3. :mod:`~recorrente.forecasting.network`: :func:`train_window_model` treina um
   :class:`recorrente.models.WindowRegressor` com :func:`recorrente.training.fit`, e
   :func:`predict` prevê com ele;
4. :mod:`~recorrente.forecasting.metrics`: :func:`forecast_metrics` mede tudo na unidade
   original (RMSE, MAE, MAPE e acerto de direção), e :func:`model_label` dá o rótulo de
   cada chave para o leitor;
5. :mod:`~recorrente.forecasting.evaluation`: :func:`compare_models` (a tabela do teste) e
   :func:`walk_forward` (dobras que avançam no tempo).

Os nomes abaixo são importáveis daqui mesmo (``from recorrente.forecasting import ...``).

Exemplo:
    >>> import numpy as np
    >>> X, y = make_windows(np.arange(6.0), window=3)
    >>> X.tolist(), y.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0])
"""

from recorrente.forecasting.baselines import (
    RIDGE_ALPHAS,
    RidgeAR,
    baseline_predictions,
    ridge_ar,
    sarima_predictions,
    seasonal_naive,
)
from recorrente.forecasting.evaluation import compare_models, walk_forward, walk_forward_splits
from recorrente.forecasting.metrics import MODEL_LABELS, forecast_metrics, model_label
from recorrente.forecasting.network import (
    lstm_predictions,
    predict,
    recursive_forecast,
    train_window_model,
)
from recorrente.forecasting.windows import (
    Split,
    WindowData,
    chronological_split,
    make_windows,
    prepare_windows,
)

__all__ = [
    "MODEL_LABELS",
    "RIDGE_ALPHAS",
    "RidgeAR",
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
    "ridge_ar",
    "sarima_predictions",
    "seasonal_naive",
    "train_window_model",
    "walk_forward",
    "walk_forward_splits",
]
