"""Kneser–Ney interpolado: contas à mão, soma 1 em todo contexto e uma versão de referência."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter

import numpy as np
import pytest
import torch

from recorrente.baselines import KneserNeyModel, NGramModel, choose_kneser_ney
from recorrente.data.names import CharVocab
from recorrente.errors import InputError
from recorrente.generation import name_nll
from recorrente.models import SequenceModel
from recorrente.training import evaluate


def test_probabilities_by_hand():
    # treino "ab" e "aa", ordem 2, D = 0,5. Bigramas: .a (2), ab, b., aa, a.
    # ordem 1 (continuação): a ← {.a, aa} = 2, b ← {ab} = 1, . ← {b., a.} = 2; soma 5, 3 tipos
    #   P(a) = (2 − 0,5 + 0,5 × 3 × 1/3) / 5 = 0,4; P(b) = (1 − 0,5 + 0,5) / 5 = 0,2
    # ordem 2, contexto "a": a, b e . uma vez cada (N = 3, T = 3)
    #   P(b | a) = (1 − 0,5 + 0,5 × 3 × 0,2) / 3 = 4/15
    # contexto ".": só a, duas vezes (N = 2, T = 1)
    #   P(a | .) = (2 − 0,5 + 0,5 × 0,4) / 2 = 0,85; P(b | .) = 0,5 × 0,2 / 2 = 0,05
    vocab = CharVocab.from_names(["ab"])
    model = KneserNeyModel(vocab, order=2, discount=0.5).fit(["ab", "aa"])
    a, b, end = vocab.index["a"], vocab.index["b"], 0
    assert model.probs("a")[b] == pytest.approx(4 / 15)
    assert model.probs("")[a] == pytest.approx(0.85)
    assert model.probs("")[b] == pytest.approx(0.05)
    assert model.probs("")[end] == pytest.approx(0.1)
    # a NLL do nome "ab": −ln P(a|.) − ln P(b|a) − ln P(.|b); P(.|b) = (1 − 0,5 + 0,5 × 0,4) / 1
    expected = -(math.log(0.85) + math.log(4 / 15) + math.log(0.7))
    assert model.name_nll(["ab"])[0] == pytest.approx(expected)
    assert model.nll(["ab"]) == pytest.approx(expected / 3)


def reference_probability(train, vocab, order, discount, context, symbol):
    """Kneser–Ney interpolado escrito direto da fórmula, com dicionários (lento e claro)."""
    pad = [0] * (order - 1)
    windows = []
    for name in train:
        ids = pad + vocab.encode(name) + [0]
        windows += [tuple(ids[i - order + 1 : i + 1]) for i in range(order - 1, len(ids))]
    counts = {}
    for n in range(1, order + 1):
        if n == order:
            counts[n] = Counter(w[-n:] for w in windows)
        else:
            counts[n] = Counter(g[1:] for g in {w[-n - 1 :] for w in windows})
    p = 1 / len(vocab)
    for n in range(1, order + 1):
        h = tuple(context[len(context) - n + 1 :]) if n > 1 else ()
        row = {g[-1]: c for g, c in counts[n].items() if g[:-1] == h}
        total = sum(row.values())
        if total:
            p = (max(row.get(symbol, 0) - discount, 0) + discount * len(row) * p) / total
    return p


@pytest.mark.parametrize("order", [1, 3, 4])
def test_matches_the_reference_and_sums_to_one_in_every_context(order):
    rng = random.Random(order)
    train = ["".join(rng.choice("abc") for _ in range(rng.randint(1, 6))) for _ in range(40)]
    vocab = CharVocab.from_names(train + ["abc"])
    model = KneserNeyModel(vocab, order=order, discount=0.7).fit(train)
    letters = [vocab.decode([i]) for i in range(1, len(vocab))]
    unseen = 0
    for size in range(order):  # todos os contextos, do começo do nome até order − 1 letras
        for context in itertools.product(letters, repeat=size):
            probs = model.probs("".join(context))
            assert probs.sum() == pytest.approx(1.0)
            assert (probs > 0).all()
            ids = [0] * (order - 1) + vocab.encode("".join(context))
            ids = ids[len(ids) - order + 1 :] if order > 1 else []
            unseen += not any(vocab.encode(n)[: size] == list(context) for n in train)
            for symbol in range(len(vocab)):
                assert probs[symbol] == pytest.approx(
                    reference_probability(train, vocab, order, 0.7, ids, symbol))
    assert order == 1 or unseen > 0  # houve contextos nunca vistos, e eles também somam 1


def test_unseen_context_backs_off_instead_of_going_uniform():
    names = ["ana", "anabela", "mariana", "ariane"]
    vocab = CharVocab.from_names(names + ["qz"])
    kn = KneserNeyModel(vocab, order=4, discount=0.8).fit(names)
    addk = NGramModel(vocab, order=4, k=0.1).fit(names)
    # "qan" nunca aparece; o add-k volta ao uniforme, o Kneser–Ney usa o que vem depois de "an"
    addk_row = np.exp(addk.log_probs()[tuple(vocab.encode("qan"))])
    assert np.allclose(addk_row, 1 / len(vocab))
    assert kn.probs("qan").argmax() == vocab.index["a"]


def test_search_picks_the_best_validation_score_and_errors():
    names = ["ana", "anabela", "mariana", "ariane", "bia", "beatriz"]
    vocab = CharVocab.from_names(names)
    model, scores = choose_kneser_ney(vocab, names[:4], names[4:], (2, 3), (0.5, 0.9))
    assert set(scores) == {(2, 0.5), (2, 0.9), (3, 0.5), (3, 0.9)}
    assert (model.order, model.discount) == min(scores, key=scores.get)
    assert model.nll(names[4:]) == pytest.approx(min(scores.values()))
    with pytest.raises(ValueError, match="discount"):
        KneserNeyModel(vocab, discount=1.5)
    with pytest.raises(ValueError, match="order"):
        KneserNeyModel(vocab, order=0)
    with pytest.raises(InputError, match="fit"):
        KneserNeyModel(vocab, order=2).nll(["ana"])


def test_name_nll_of_a_network_matches_evaluate():
    names = ["ana", "bia", "caio", "davi", "e"]
    vocab = CharVocab.from_names(names)
    torch.manual_seed(0)
    model = SequenceModel(len(vocab), len(vocab), hidden_size=8)
    per_name = name_nll(model, vocab, names, batch_size=2)
    chars = sum(len(n) + 1 for n in names)
    x, y = vocab.encode_batch(names)
    assert per_name.shape == (len(names),)
    assert per_name.sum() / chars == pytest.approx(evaluate(model, [(x, y)]), rel=1e-5)


@pytest.mark.parametrize("order", [0, 1, 2, 3, 4])
def test_ngram_counts_and_nll_match_windows_counted_one_by_one(order):
    """A contagem do n-grama e a NLL são as de contar janela por janela, nome a nome."""
    rng = random.Random(order)
    names = ["".join(rng.choice("abcde") for _ in range(rng.randint(1, 9))) for _ in range(300)]
    vocab = CharVocab.from_names(names)
    context = max(order - 1, 0)
    windows = []
    for name in names:
        ids = [0] * context + [vocab.index[c] for c in name] + [0]
        windows += [tuple(ids[i - context : i + 1]) for i in range(context, len(ids))]
    model = NGramModel(vocab, order, k=0.1).fit(names)
    if order:
        expected = np.zeros_like(model.counts)
        for window, count in Counter(windows).items():
            expected[window] = count
        np.testing.assert_array_equal(model.counts, expected)
    table = model.log_probs()
    per_char = [-table[w] if order else -table[0] for w in windows]
    assert model.nll(names) == pytest.approx(sum(per_char) / len(per_char), rel=1e-12)
    sums, start = [], 0
    for name in names:
        sums.append(sum(per_char[start : start + len(name) + 1]))
        start += len(name) + 1
    np.testing.assert_allclose(model.name_nll(names), sums, rtol=1e-12)
    kneser_ney = KneserNeyModel(vocab, max(order, 1)).fit(names)
    assert len(kneser_ney._window_probs(kneser_ney._windows(names))) == len(windows)
