"""O laço de treino faz o que diz: orçamento em atualizações, pesos finais sem validação,
os da melhor época (e de que atualização) com validação, e tempo conferido entre atualizações."""

import time

import pytest
import torch

from recorrente.models import WindowRegressor
from recorrente.training import TrainConfig, fit


def _batches(n: int = 5):
    torch.manual_seed(0)
    x = torch.linspace(0, 1, 8 * 5 * n).reshape(8 * n, 5)
    return [(x[i * 8 : (i + 1) * 8], x[i * 8 : (i + 1) * 8, -1]) for i in range(n)]


class _Counted:
    """Lotes que contam quantos foram entregues ao laço."""

    def __init__(self, batches):
        self.batches, self.delivered = batches, 0

    def __iter__(self):
        for batch in self.batches:
            self.delivered += 1
            yield batch


@pytest.mark.parametrize("max_steps", [1, 3, 5, 7, 12])
def test_max_steps_trains_exactly_that_many_updates(max_steps):
    batches = _Counted(_batches(5))
    model = WindowRegressor(hidden_size=4)
    config = TrainConfig(max_epochs=100, max_steps=max_steps, progress=False)
    history = fit(model, batches, None, config)
    assert history.steps == max_steps == batches.delivered
    assert len(history.train_loss) == -(-max_steps // 5)  # a última época pode ser parcial


def test_without_validation_the_model_keeps_the_last_update():
    batches = _batches(4)
    torch.manual_seed(1)
    model = WindowRegressor(hidden_size=4)
    # taxa alta: a perda de treino sobe e desce, e a "melhor" época não seria a última
    history = fit(model, batches, None, TrainConfig(lr=0.5, max_epochs=6, progress=False))
    torch.manual_seed(1)
    twin = WindowRegressor(hidden_size=4)
    optimizer = torch.optim.AdamW(twin.parameters(), lr=0.5, weight_decay=0.01)
    for _ in range(6):
        for x, y in batches:
            _, loss = twin(x, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(twin.parameters(), 1.0)
            optimizer.step()
    for a, b in zip(model.parameters(), twin.parameters(), strict=True):
        torch.testing.assert_close(a, b)
    assert history.best_epoch == 6 and history.best_step == history.steps == 24


def test_with_validation_restores_the_best_epoch_and_says_which_update():
    batches = _batches(3)
    val = _batches(2)
    model = WindowRegressor(hidden_size=4)
    seen = {}
    history = fit(
        model, batches, val, TrainConfig(lr=0.3, max_epochs=8, progress=False),
        on_epoch_end=lambda epoch, m: seen.__setitem__(
            epoch, {k: v.clone() for k, v in m.state_dict().items()}
        ),
    )
    best = min(range(len(history.val_loss)), key=history.val_loss.__getitem__) + 1
    assert history.best_epoch == best and history.best_step == 3 * best
    for name, value in model.state_dict().items():
        torch.testing.assert_close(value, seen[best][name])


def test_max_seconds_is_checked_between_updates():
    class Slow:
        def __iter__(self):
            for batch in _batches(50):
                time.sleep(0.02)
                yield batch

    history = fit(WindowRegressor(hidden_size=4), Slow(), None,
                  TrainConfig(max_epochs=10, max_seconds=0.1, progress=False))
    assert 1 <= history.steps < 50  # parou no meio da primeira época
    assert history.seconds < 1.0
