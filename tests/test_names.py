"""Dados de nomes: leitura, divisão, codificação, máscara da perda e um treino curto."""

from __future__ import annotations

import pytest
import torch

from recorrente.baselines import NGramModel, choose_k
from recorrente.data.batching import IGNORE_INDEX
from recorrente.data.names import (
    CharVocab,
    NameBatches,
    census_split,
    load_census_counts,
    load_census_names,
    read_names_file,
    split_names,
)
from recorrente.errors import InputError
from recorrente.models import SequenceModel
from recorrente.training import TrainConfig, evaluate, fit


@pytest.fixture(scope="module")
def split():
    return census_split()


def test_census_counts_respect_the_confidentiality_floor():
    """O IBGE só publicou nomes com pelo menos 20 registros por sexo (um só tem 10)."""
    counts = load_census_counts()
    assert list(counts) == load_census_names()
    rare = {name: n for name, n in counts.items() if n < 20}
    assert rare == {"miccella": 10}


def test_census_loader_is_clean():
    names = load_census_names()
    assert len(names) == 100_789
    assert all(name == name.strip().lower() and name for name in names)
    assert set("".join(names)) == set("abcdefghijklmnopqrstuvwxyz")


def test_split_is_disjoint_complete_and_deterministic(split):
    train, val, test = set(split.train), set(split.val), set(split.test)
    assert not (train & val or train & test or val & test)
    assert len(train) + len(val) + len(test) == 100_789
    assert abs(len(train) / 100_789 - 0.8) < 0.001
    again = census_split()
    assert again.test == split.test and again.val == split.val
    shuffled = split_names(list(reversed(split.train + split.val + split.test)))
    assert shuffled.test == split.test
    assert split_names(split.train + split.val + split.test, seed=1).test != split.test


def test_read_file_accents_and_errors(tmp_path):
    good = tmp_path / "nomes.txt"
    good.write_text("João\n\n  Ângela \nJOÃO\n", encoding="utf-8")
    assert read_names_file(good) == ["joão", "ângela"][::-1] or read_names_file(good) == sorted(
        ["joão", "ângela"]
    )
    with pytest.raises(InputError, match="não existe"):
        read_names_file(tmp_path / "falta.txt")
    empty = tmp_path / "vazio.txt"
    empty.write_text("\n \n", encoding="utf-8")
    with pytest.raises(InputError, match="vazio"):
        read_names_file(empty)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("João\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_names_file(latin)


def test_encode_decode_round_trip(split):
    vocab = CharVocab.from_names(split.train)
    assert vocab.chars[0] == "." and len(vocab) == 27
    for name in split.test[:200] + ["jo"]:
        assert vocab.decode(vocab.encode(name)) == name
    assert CharVocab.from_dict(vocab.to_dict()) == vocab
    with pytest.raises(InputError, match="fora do vocabulário"):
        vocab.encode("joão")
    x, y = vocab.encode_batch(["ana", "jo"])
    assert x[:, 0].tolist() == [0, 0]
    assert y[1].tolist() == [*vocab.encode("jo"), 0, IGNORE_INDEX]


def test_batch_encoding_equals_name_by_name(split):
    """O lote inteiro sai de uma vez, com os mesmos índices de ``encode`` nome a nome."""
    vocab = CharVocab(list(".aeéjoãz"))
    names = ["joão", "", "zé", "a", "ajeoãz"]
    x, y = vocab.encode_batch(names)
    width = max(map(len, names)) + 1
    assert x.dtype == y.dtype == torch.long and x.shape == y.shape == (len(names), width)
    for row_x, row_y, name in zip(x.tolist(), y.tolist(), names, strict=True):
        ids, pad = vocab.encode(name), width - len(name) - 1
        assert row_x == [0, *ids] + [0] * pad
        assert row_y == [*ids, 0] + [IGNORE_INDEX] * pad
    padded = vocab.encode_padded([n for n in names if n])
    assert padded.tolist() == [vocab.encode(n) + [0] * (6 - len(n)) for n in names if n]
    census = CharVocab.from_names(split.train)
    some = split.train[:3000]
    assert torch.equal(census.encode_padded(some),
                       torch.tensor([census.encode(n) + [0] * (max(map(len, some)) - len(n))
                                     for n in some]))
    with pytest.raises(InputError, match="'ANA' tem caracteres fora"):
        census.encode_batch(["ana", "ANA", "bia"])
    with pytest.raises(InputError, match="'jo.' tem caracteres fora"):
        census.encode_padded(["ana", "jo."])  # a fronteira não é letra


def test_padding_does_not_change_the_loss():
    vocab = CharVocab.from_names(["ana", "bernardo"])
    torch.manual_seed(0)
    model = SequenceModel(len(vocab), len(vocab), hidden_size=16)
    x, y = vocab.encode_batch(["ana", "bernardo"])
    _, loss = model(x, y)
    x2 = x.clone()
    x2[0, 4:] = 5  # entradas de preenchimento trocadas (só depois do fim de "ana")
    _, loss2 = model(x2, y)
    torch.testing.assert_close(loss, loss2)
    # Os logits das posições mascaradas não entram na perda.
    logits, _ = model(x, y)
    mask = (y != IGNORE_INDEX).unsqueeze(-1)
    noisy = torch.where(mask, logits, logits + 100 * torch.randn_like(logits))
    ref = torch.nn.functional.cross_entropy(
        logits.reshape(-1, len(vocab)), y.reshape(-1), ignore_index=IGNORE_INDEX
    )
    got = torch.nn.functional.cross_entropy(
        noisy.reshape(-1, len(vocab)), y.reshape(-1), ignore_index=IGNORE_INDEX
    )
    torch.testing.assert_close(ref, got)
    # A perda é a média por caractere válido, igual à de cada nome em separado.
    xa, ya = vocab.encode_batch(["ana"])
    xb, yb = vocab.encode_batch(["bernardo"])
    la, lb = model(xa, ya)[1], model(xb, yb)[1]
    torch.testing.assert_close(loss, (4 * la + 9 * lb) / 13)


def test_batches_cover_every_name_once():
    names = [f"n{'a' * (i % 7)}" for i in range(50)]
    vocab = CharVocab.from_names(names)
    batches = NameBatches(names, vocab, batch_size=8, shuffle=True, seed=3)
    total = sum(int((y != IGNORE_INDEX).sum()) for _, y in batches)
    assert total == batches.num_targets() == sum(len(n) + 1 for n in names)
    partial = NameBatches(names, vocab, batch_size=8, shuffle=True, names_per_epoch=20)
    assert sum(x.shape[0] for x, _ in partial) == 20


def test_baselines_order(split):
    vocab = CharVocab.from_names(split.train)
    uniform = NGramModel(vocab, order=0).nll(split.test)
    unigram = NGramModel(vocab, order=1, k=1.0).fit(split.train).nll(split.test)
    bigram, scores = choose_k(vocab, split.train, split.val)
    assert uniform == pytest.approx(torch.log(torch.tensor(27.0)).item())
    assert 2.7 < unigram < 2.9
    assert 2.25 < bigram.nll(split.test) < 2.40
    assert scores[bigram.k] == min(scores.values())


@pytest.mark.slow
def test_short_gru_training_beats_bigram(split):
    vocab = CharVocab.from_names(split.train)
    bigram, _ = choose_k(vocab, split.train, split.val)
    torch.manual_seed(0)
    model = SequenceModel(len(vocab), len(vocab), 96, "gru", embedding_size=32)
    train = NameBatches(split.train, vocab, 512, shuffle=True, names_per_epoch=5_000)
    # 4 "épocas" de 5.000 nomes = 40 passos: determinístico, ~10 s numa CPU livre.
    fit(model, train, None, TrainConfig(lr=1e-2, max_epochs=4, progress=False))
    nll = evaluate(model, NameBatches(split.test, vocab, 4096))
    assert nll < bigram.nll(split.test) - 0.05, nll
    assert nll > 1.5


def test_letter_by_letter_nll_matches_batched_evaluate(split):
    """A checagem do capítulo 6: somar a perda nome a nome dá a NLL da avaliação em lote."""
    vocab = CharVocab.from_names(split.train)
    torch.manual_seed(0)
    model = SequenceModel(len(vocab), len(vocab), 32, "lstm", embedding_size=8)
    probe = split.train[:100]
    total, count = 0.0, 0
    with torch.no_grad():
        for name in probe:
            ids = [0, *vocab.encode(name), 0]
            state = None
            for t in range(len(ids) - 1):
                logits, state = model.step(torch.tensor([[ids[t]]]), state)
                target = torch.tensor([ids[t + 1]])
                total += torch.nn.functional.cross_entropy(logits, target).item()
            count += len(ids) - 1
    assert total / count == pytest.approx(evaluate(model, NameBatches(probe, vocab, 32)), abs=1e-5)


def test_ngram_sample_follows_the_table():
    """O sorteio do n-grama segue as probabilidades da tabela, com a temperatura das redes."""
    names = ["ana"] * 3 + ["bia"]
    vocab = CharVocab.from_names(names)
    bigram = NGramModel(vocab, order=2, k=1e-6).fit(names)
    samples = bigram.sample(4000, seed=0)
    assert samples == bigram.sample(4000, seed=0)
    assert samples != bigram.sample(4000, seed=1)
    first = [s[:1] for s in samples]
    # depois do ".", "a" vem 3 vezes em 4 (τ = 1 sorteia da própria tabela)
    assert first.count("a") / len(first) == pytest.approx(0.75, abs=0.03)
    # τ = 0,5 eleva as probabilidades ao quadrado: 0,75² / (0,75² + 0,25²) = 0,9
    cold = [s[:1] for s in bigram.sample(4000, seed=0, temperature=0.5)]
    assert cold.count("a") / len(cold) == pytest.approx(0.9, abs=0.03)
    assert all(len(s) <= 5 for s in bigram.sample(200, seed=2, max_length=5))
    # τ minúsculo (até o menor float) é o limite guloso: sempre o caractere mais provável,
    # "a" depois do "." (3 em 4) e "." depois do "a" (4 em 7)
    for tiny in (1e-45, 1e-300, 5e-324):
        assert set(bigram.sample(50, seed=0, temperature=tiny)) == {"a"}


def test_ngram_sample_orders_and_errors():
    vocab = CharVocab.from_names(["ana", "bia"])
    uniform = NGramModel(vocab, order=0).sample(300, seed=0, max_length=4)
    assert all(len(s) <= 4 and set(s) <= set("abin") for s in uniform)
    trigram = NGramModel(vocab, order=3, k=1e-9).fit(["ana", "bia"])
    assert set(trigram.sample(100, seed=0)) == {"ana", "bia"}  # só o que a tabela viu
    with pytest.raises(InputError, match="Temperatura inválida"):
        trigram.sample(3, temperature=0)
    with pytest.raises(InputError):
        trigram.sample(0)
