"""Tarefas sintéticas: formas, determinismo, rótulos e um treino curto que aprende."""

import pytest
import torch

from recorrente.data.batching import IGNORE_INDEX
from recorrente.data.tasks import (
    Batches,
    accuracy,
    majority_accuracy,
    memory_task,
    next_symbol_task,
)
from recorrente.models import SequenceModel
from recorrente.training import TrainConfig, fit


def test_memory_task_shapes_and_labels():
    d = memory_task(50, 7, num_symbols=3, num_distractors=5, seed=4)
    assert d.x.shape == d.y.shape == (50, 8)
    assert (d.x[:, 0] < 3).all() and (d.x[:, 1:] >= 3).all() and (d.x < 8).all()
    assert (d.y[:, :-1] == IGNORE_INDEX).all()
    assert torch.equal(d.y[:, -1], d.x[:, 0])
    assert (d.vocab_size, d.num_classes) == (8, 3)


def test_tasks_are_deterministic_and_seed_dependent():
    a, b, c = (memory_task(20, 5, seed=s) for s in (1, 1, 2))
    assert torch.equal(a.x, b.x) and not torch.equal(a.x, c.x)
    n1, n2 = next_symbol_task(10, 6, seed=3), next_symbol_task(10, 6, seed=3)
    assert torch.equal(n1.x, n2.x) and torch.equal(n1.y, n2.y)


def test_next_symbol_task_labels_are_the_following_symbol():
    d = next_symbol_task(30, 9, vocab_size=4, seed=0)
    assert d.x.shape == (30, 9)
    assert torch.equal(d.y[:, :-1], d.x[:, 1:])
    assert (d.y[:, -1] == IGNORE_INDEX).all()


def test_bad_sizes_raise():
    with pytest.raises(ValueError, match="distance"):
        memory_task(10, 0)
    with pytest.raises(ValueError, match="tamanhos"):
        Batches(torch.zeros(3, 2), torch.zeros(4, 2), 2)


def test_batches_cover_every_example_once_per_epoch_and_reshuffle():
    x = torch.arange(10)[:, None]
    b = Batches(x, x, 3, seed=0)
    first = torch.cat([xb for xb, _ in b]).flatten()
    second = torch.cat([xb for xb, _ in b]).flatten()
    assert sorted(first.tolist()) == list(range(10)) == sorted(second.tolist())
    assert not torch.equal(first, second)
    assert len(b) == 4


def test_majority_baseline_on_balanced_labels_is_near_chance():
    tr, te = memory_task(2000, 3, seed=0), memory_task(2000, 3, seed=1)
    assert 0.2 < majority_accuracy(tr, te) < 0.3


@pytest.mark.slow
def test_short_training_on_memory_task_beats_baseline():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # rede pequena: uma thread é mais rápida numa CPU disputada
    try:
        torch.manual_seed(0)
        tr, te = memory_task(512, 5, seed=1), memory_task(256, 5, seed=2)
        model = SequenceModel(tr.vocab_size, tr.num_classes, hidden_size=16, kind="gru")
        fit(model, tr.batches(64), None, TrainConfig(lr=1e-2, max_epochs=8, progress=False))
    finally:
        torch.set_num_threads(threads)
    acc, base = accuracy(model, te), majority_accuracy(tr, te)
    assert base < 0.35
    assert 0.9 <= acc <= 1.0


def test_fresh_batches_never_repeat_and_are_reproducible():
    from functools import partial

    from recorrente.data.tasks import FreshBatches, memory_task, next_symbol_task

    make = partial(memory_task, distance=12)
    stream = FreshBatches(make, 16, num_batches=4, seed=3)
    first = [x for x, _ in stream]
    second = [x for x, _ in stream]
    rows = {tuple(r.tolist()) for b in first + second for r in b}
    assert len(rows) == 8 * 16  # 128 sequências, nenhuma repetida entre lotes e épocas
    assert all(bool((y[:, -1] == x[:, 0]).all()) for x, y in FreshBatches(make, 4, 2, seed=0))
    replay = FreshBatches(make, 16, num_batches=4, seed=3)
    assert all(torch.equal(a, b) for a, (b, _) in zip(first, replay, strict=True))
    other = next(iter(FreshBatches(make, 16, num_batches=1, seed=4)))[0]
    assert not torch.equal(other, first[0])
    symbols = next(iter(FreshBatches(partial(next_symbol_task, length=6), 5, 1, seed=0)))
    assert symbols[0].shape == (5, 6)
    with pytest.raises(ValueError, match="num_batches"):
        FreshBatches(make, 16, num_batches=0)


def test_progress_bar_shows_val_only_with_validation(capsys):
    """Sem validação, a barra mostra só a perda de treino, não um "val" que seria o treino."""
    torch.manual_seed(0)
    data = memory_task(64, 3, seed=1)
    model = SequenceModel(data.vocab_size, data.num_classes, hidden_size=4, kind="gru")
    fit(model, data.batches(32), None, TrainConfig(lr=1e-2, max_epochs=1))
    without = capsys.readouterr().err
    fit(model, data.batches(32), data.batches(32), TrainConfig(lr=1e-2, max_epochs=1))
    with_val = capsys.readouterr().err
    assert "perda=" in without and "val=" not in without
    assert "perda=" in with_val and "val=" in with_val
