"""Classificação de nomes: perda com alvo suave, empacotamento, métricas à mão e linhas de base."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from recorrente.classification import (
    LOGISTIC_GRID,
    LastLetterRule,
    MajorityBaseline,
    SuffixLogisticRegression,
    expected_calibration_error,
    female_shares,
    log_loss,
    name_accuracy,
    name_log_losses,
    person_accuracy,
    predict_shares,
    reliability_table,
    tune_logistic_regression,
)
from recorrente.data.names import (
    CharVocab,
    NameBatches,
    census_split,
    load_census_counts,
    load_census_sex_counts,
    strip_accents,
)
from recorrente.errors import InputError
from recorrente.models import NameClassifier, soft_cross_entropy
from recorrente.training import TrainConfig, evaluate, fit

# --- a perda com alvo suave --------------------------------------------------------------------


def test_soft_cross_entropy_by_hand():
    z = torch.tensor([0.0, 2.0, -1.0])
    q = torch.tensor([0.5, 1.0, 0.25])
    by_hand = (
        -(0.5 * math.log(0.5) + 0.5 * math.log(0.5))
        - math.log(1 / (1 + math.exp(-2.0)))
        - (0.25 * math.log(1 / (1 + math.e)) + 0.75 * math.log(1 - 1 / (1 + math.e)))
    ) / 3
    assert soft_cross_entropy(z, q).item() == pytest.approx(by_hand, abs=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_soft_cross_entropy_matches_torch(seed):
    generator = torch.Generator().manual_seed(seed)
    z = torch.randn(50, generator=generator, dtype=torch.float64) * 5
    q = torch.rand(50, generator=generator, dtype=torch.float64)
    loss = soft_cross_entropy(z, q)
    torch.testing.assert_close(loss, F.binary_cross_entropy_with_logits(z, q))
    zeros = torch.zeros_like(z)
    two_classes = F.cross_entropy(torch.stack([z, zeros], 1), torch.stack([q, 1 - q], 1))
    torch.testing.assert_close(loss, two_classes)
    # com rótulos 0/1, é a entropia cruzada comum
    hard = (q > 0.5).double()
    torch.testing.assert_close(
        soft_cross_entropy(z, hard),
        F.cross_entropy(torch.stack([torch.zeros_like(z), z], 1), hard.long()),
    )


def test_soft_cross_entropy_minimum_is_at_the_share():
    q = torch.tensor([0.3])
    z = torch.linspace(-4, 4, 8001)
    losses = torch.stack([soft_cross_entropy(v.reshape(1), q) for v in z])
    best = torch.sigmoid(z[losses.argmin()]).item()
    assert best == pytest.approx(0.3, abs=1e-3)
    entropy = -(0.3 * math.log(0.3) + 0.7 * math.log(0.7))
    assert losses.min().item() == pytest.approx(entropy, abs=1e-6)


# --- o modelo empacotado ------------------------------------------------------------------------

NAMES = ["ana", "bernardo", "li", "maximiliano", "eva", "o"]


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_packed_batch_equals_each_name_alone(kind, bidirectional, num_layers):
    vocab = CharVocab.from_names(NAMES)
    torch.manual_seed(0)
    model = NameClassifier(
        len(vocab), 6, kind, embedding_size=5, num_layers=num_layers, bidirectional=bidirectional
    ).eval()
    with torch.no_grad():
        batched, _ = model(vocab.encode_padded(NAMES))
        alone = torch.cat([model(vocab.encode_padded([n]))[0] for n in NAMES])
        # mais preenchimento no fim não muda nada
        extra = torch.zeros(len(NAMES), 4, dtype=torch.long)
        wider = torch.cat([vocab.encode_padded(NAMES), extra], dim=1)
        padded_more, _ = model(wider)
    torch.testing.assert_close(batched, alone)
    torch.testing.assert_close(batched, padded_more)


def test_packed_state_is_the_last_real_step():
    """Sem empacotar, o último passo do lote preenchido é outro estado; o modelo usa o certo."""
    vocab = CharVocab.from_names(NAMES)
    torch.manual_seed(0)
    model = NameClassifier(len(vocab), 6, "gru", embedding_size=5).eval()
    x = vocab.encode_padded(NAMES)
    with torch.no_grad():
        logits, _ = model(x)
        output, _ = model.rnn(model.embedding(x))
        lengths = (x != 0).sum(1)
        at_last_letter = model.head(output[torch.arange(len(NAMES)), lengths - 1]).squeeze(-1)
        at_padding = model.head(output[:, -1]).squeeze(-1)
    torch.testing.assert_close(logits, at_last_letter)
    assert not torch.allclose(logits[lengths < x.shape[1]], at_padding[lengths < x.shape[1]])


def test_bidirectional_features_are_forward_end_and_backward_start():
    vocab = CharVocab.from_names(NAMES)
    torch.manual_seed(0)
    model = NameClassifier(len(vocab), 4, "lstm", embedding_size=3, bidirectional=True).eval()
    name = "bernardo"
    with torch.no_grad():
        output, _ = model.rnn(model.embedding(vocab.encode_padded([name])))
        features = torch.cat([output[0, -1, :4], output[0, 0, 4:]])
        expected = model.head(features)
        logits, _ = model(vocab.encode_padded([name]))
    torch.testing.assert_close(logits, expected)


def test_empty_name_is_an_input_error():
    vocab = CharVocab.from_names(NAMES)
    model = NameClassifier(len(vocab), 4)
    with pytest.raises(InputError, match="vazio"):
        model(torch.tensor([[1, 2], [0, 0]]))
    with pytest.raises(InputError, match="vazio"):
        vocab.encode_padded(["ana", ""])


def test_model_trains_with_the_package_loop():
    """O contrato do pacote: fit e evaluate treinam e medem o classificador (alvo suave)."""
    names = ["ana", "bia", "julia", "mariana", "joao", "pedro", "caio", "marcos"]
    shares = [1.0, 0.95, 1.0, 0.99, 0.0, 0.02, 0.0, 0.05]
    vocab = CharVocab.from_names(names)
    torch.manual_seed(0)
    model = NameClassifier(len(vocab), 8, embedding_size=4)
    batches = NameBatches(names, vocab, 4, shuffle=True, shares=shares)
    before = evaluate(model, NameBatches(names, vocab, 8, shares=shares))
    history = fit(model, batches, None, TrainConfig(lr=0.05, max_epochs=40, progress=False))
    after = evaluate(model, NameBatches(names, vocab, 8, shares=shares))
    assert after < before and history.train_loss[-1] < history.train_loss[0]
    predicted = predict_shares(model, names, vocab)
    assert after == pytest.approx(log_loss(predicted, shares), abs=1e-5)
    assert name_accuracy(predicted, shares) == 1.0


def test_share_batches_keep_names_and_shares_together():
    names = ["ana", "bernardo", "li", "eva"]
    shares = [0.9, 0.1, 0.4, 0.8]
    vocab = CharVocab.from_names(names)
    seen = {}
    for x, y in NameBatches(names, vocab, 3, shuffle=True, seed=1, shares=shares):
        assert y.dtype == torch.float32 and y.shape == (x.shape[0],)
        for row, share in zip(x, y, strict=True):
            seen[vocab.decode([int(i) for i in row])] = round(float(share), 4)
    assert seen == dict(zip(names, shares, strict=True))
    with pytest.raises(InputError, match="uma fração por nome"):
        NameBatches(names, vocab, 2, shares=[0.5])


# --- as métricas, contra contas à mão -----------------------------------------------------------


def test_name_and_person_accuracy_by_hand():
    shares = [0.9, 0.2, 0.6, 0.5]
    predicted = [0.7, 0.6, 0.4, 0.1]  # certo, errado, errado, empate (qualquer escolha vale)
    people = [100, 50, 30, 20]
    assert name_accuracy(predicted, shares) == pytest.approx(2 / 4)
    # pessoas do lado escolhido: 90 + 10 + 12 + 10, de 200
    assert person_accuracy(predicted, shares, people) == pytest.approx(122 / 200)
    assert person_accuracy(shares, shares, people) == pytest.approx((90 + 40 + 18 + 10) / 200)


def test_log_loss_by_hand():
    predicted, shares = [0.8, 0.3], [1.0, 0.5]
    expected = (-math.log(0.8) - 0.5 * math.log(0.3) - 0.5 * math.log(0.7)) / 2
    assert log_loss(predicted, shares) == pytest.approx(expected)
    weighted = (-3 * math.log(0.8) - 1 * (0.5 * math.log(0.3) + 0.5 * math.log(0.7))) / 4
    assert log_loss(predicted, shares, people=[3, 1]) == pytest.approx(weighted)
    assert math.isfinite(log_loss([0.0, 1.0], [1.0, 0.0]))  # estimativas extremas: finita
    torch.testing.assert_close(
        torch.tensor(log_loss(predicted, shares)),
        soft_cross_entropy(
            torch.logit(torch.tensor(predicted, dtype=torch.float64)),
            torch.tensor(shares, dtype=torch.float64),
        ).float(),
    )


def test_reliability_and_ece_on_a_tiny_example():
    predicted = [0.05, 0.15, 0.12, 0.95, 0.55]
    shares = [0.0, 0.5, 0.0, 1.0, 0.9]
    bins = reliability_table(predicted, shares, num_bins=4)  # faixas de 0,25
    assert bins["nomes"].tolist() == [3, 1, 1]
    assert bins["de"].tolist() == [0.0, 0.5, 0.75]
    np.testing.assert_allclose(bins["estimativa média"], [0.32 / 3, 0.55, 0.95])
    np.testing.assert_allclose(bins["fração no censo"], [0.5 / 3, 0.9, 1.0])
    expected = (3 * abs(0.32 / 3 - 0.5 / 3) + abs(0.55 - 0.9) + abs(0.95 - 1.0)) / 5
    assert expected_calibration_error(predicted, shares, num_bins=4) == pytest.approx(expected)
    assert expected_calibration_error(shares, shares) == pytest.approx(0.0)
    # 1,0 cai na última faixa, 0,5 na de cima
    assert reliability_table([1.0, 0.5], [1.0, 1.0], num_bins=2)["nomes"].tolist() == [2]


def test_metrics_refuse_mismatched_sizes():
    with pytest.raises(InputError):
        name_accuracy([0.5, 0.5], [1.0])
    with pytest.raises(InputError):
        person_accuracy([0.5], [1.0], [1, 2])


# --- linhas de base ----------------------------------------------------------------------------


def test_majority_and_last_letter_by_hand():
    names = ["ana", "bia", "caio", "joao", "davi", "mari"]
    shares = [1.0, 0.8, 0.0, 0.1, 0.0, 0.9]
    majority = MajorityBaseline().fit(names, shares)
    assert majority.predict(["x", "y"]).tolist() == pytest.approx([2.8 / 6] * 2)
    rule = LastLetterRule().fit(names, shares)
    assert rule.predict(["julia", "pedro", "levi", "rafael"]).tolist() == pytest.approx(
        [0.9, 0.05, 0.45, 2.8 / 6]
    )


def test_logistic_regression_soft_targets_and_suffixes():
    names = ["ana", "mariana", "luana", "joao", "pedro", "leandro", "darci", "juraci"]
    shares = [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.5, 0.5]
    model = SuffixLogisticRegression(max_suffix=3, max_prefix=1, C=100.0).fit(names, shares)
    assert model.features("ana") == {"-a": 1, "-na": 1, "-ana": 1, "a-": 1}
    predicted = model.predict(names)
    assert name_accuracy(predicted[:6], shares[:6]) == 1.0
    # os nomes meio a meio ficam no meio (alvo suave, não rótulo)
    assert 0.3 < predicted[6] < 0.7 and 0.3 < predicted[7] < 0.7
    with pytest.raises(InputError):
        SuffixLogisticRegression().predict(["ana"])


def test_name_log_losses_by_hand_and_their_mean_is_log_loss():
    losses = name_log_losses([0.5, 0.9, 0.2], [1.0, 1.0, 0.5])
    expected = [math.log(2), -math.log(0.9), -(0.5 * math.log(0.2) + 0.5 * math.log(0.8))]
    assert losses.tolist() == pytest.approx(expected)
    assert losses.mean() == pytest.approx(log_loss([0.5, 0.9, 0.2], [1.0, 1.0, 0.5]))


def test_logistic_search_by_hand():
    names = ["ana", "mariana", "luana", "joao", "pedro", "leandro"]
    shares = [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]
    val_names, val_shares = ["juliana", "alessandro", "bia"], [1.0, 0.0, 0.8]
    grid = [{"max_suffix": 1, "C": 1e-8}, {"max_suffix": 2, "max_prefix": 1, "C": 100.0}]
    model, found = tune_logistic_regression(names, shares, val_names, val_shares, grid)
    # C quase zero: os pesos somem e sobra o intercepto (sem regularização no L-BFGS), que dá a
    # fração média do treino, 1/2; a log-loss de validação fica ln 2 em cada nome
    assert found.loc[0, "log-loss (validação)"] == pytest.approx(math.log(2), abs=1e-6)
    # cada linha é a mesma configuração ajustada sozinha, medida na validação
    alone = SuffixLogisticRegression(max_suffix=2, max_prefix=1, C=100.0).fit(names, shares)
    assert found.loc[1, "log-loss (validação)"] == pytest.approx(
        log_loss(alone.predict(val_names), val_shares))
    assert found.loc[1, "acerto por nome (validação)"] == pytest.approx(
        name_accuracy(alone.predict(val_names), val_shares))
    assert found["escolhida"].tolist() == [False, True]
    assert (model.max_suffix, model.max_prefix, model.C) == (2, 1, 100.0)
    assert model.predict(val_names).tolist() == pytest.approx(alone.predict(val_names).tolist())
    # no empate, a primeira configuração da lista
    _, tie = tune_logistic_regression(names, shares, val_names, val_shares, [grid[1], grid[1]])
    assert tie["escolhida"].tolist() == [True, False]
    with pytest.raises(InputError, match="pelo menos uma configuração"):
        tune_logistic_regression(names, shares, val_names, val_shares, [])


def test_logistic_grid_is_the_chapter_search():
    assert len(LOGISTIC_GRID) == 4
    assert {(g["max_suffix"], g["max_prefix"]) for g in LOGISTIC_GRID} == {(5, 2), (7, 3)}
    assert {g["C"] for g in LOGISTIC_GRID} == {1.0, 3.0}


# --- os dados ----------------------------------------------------------------------------------


def test_census_sex_counts_agree_with_totals_and_split():
    sex = load_census_sex_counts()
    totals = load_census_counts()
    assert sex.keys() == totals.keys()
    assert all(f + m == totals[n] for n, (f, m) in sex.items())
    split = census_split()  # a mesma divisão do capítulo 6: nenhum nome de teste no treino
    assert not set(split.train) & set(split.test)
    shares = female_shares(split.test, sex)
    assert shares.shape == (len(split.test),) and 0 <= shares.min() and shares.max() <= 1


def test_strip_accents():
    assert strip_accents("João Conceição Maitê") == "Joao Conceicao Maite"
