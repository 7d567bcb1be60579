"""Sequência para sequência: a atenção comparada com o PyTorch, as buscas e as formas."""

from __future__ import annotations

import math

import pytest
import torch
from torch.nn import functional as F

from recorrente.data.amounts import AmountBatches, AmountVocab, amount_split
from recorrente.seq2seq import (
    AdditiveAttention,
    Seq2Seq,
    beam_search,
    dot_attention,
    edit_distance,
    exact_match,
    greedy_search,
    word_error_rate,
)
from recorrente.spelling import spell_amounts
from recorrente.training import TrainConfig, fit


@pytest.mark.parametrize(("n", "t", "s", "d"), [(1, 1, 1, 4), (3, 5, 7, 8), (2, 16, 12, 64)])
@pytest.mark.parametrize("scale", [None, 1.0, 0.3])
def test_dot_attention_matches_torch(n, t, s, d, scale):
    gen = torch.Generator().manual_seed(n * 100 + t)
    q, k, v = (torch.randn(n, m, d, generator=gen) for m in (t, s, s))
    context, weights = dot_attention(q, k, v, scale=scale)
    torch.testing.assert_close(context, F.scaled_dot_product_attention(q, k, v, scale=scale))
    torch.testing.assert_close(weights.sum(-1), torch.ones(n, t))


def test_dot_attention_mask_matches_torch_and_ignores_padding():
    gen = torch.Generator().manual_seed(0)
    q, k = torch.randn(3, 4, 8, generator=gen), torch.randn(3, 6, 8, generator=gen)
    v = torch.randn(3, 6, 5, generator=gen)
    lengths = torch.tensor([6, 3, 1])
    mask = torch.arange(6) < lengths.unsqueeze(1)
    context, weights = dot_attention(q, k, v, mask)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask.unsqueeze(1))
    torch.testing.assert_close(context, expected)
    assert torch.all(weights[~mask.unsqueeze(1).expand_as(weights)] == 0)
    k2 = k.clone()
    k2[1, 3:] = 99.0  # mexer no preenchimento não muda nada
    torch.testing.assert_close(dot_attention(q, k2, v, mask)[0], context)


def test_additive_attention_formula():
    torch.manual_seed(0)
    attention = AdditiveAttention(4, 6, 5)
    q, k = torch.randn(2, 3, 4), torch.randn(2, 7, 6)
    context, weights = attention(q, k, k)
    scores = torch.einsum(
        "a,ntsa->nts", attention.v.weight[0],
        torch.tanh(q.unsqueeze(2) @ attention.W_q.weight.T + (k @ attention.W_k.weight.T)
                   .unsqueeze(1)),
    )
    torch.testing.assert_close(weights, torch.softmax(scores, -1))
    torch.testing.assert_close(context, weights @ k)


def _markov(table):
    log_table = torch.log(torch.tensor(table))
    return lambda tokens, state: (log_table[tokens], state)


def test_beam_finds_what_greedy_misses():
    # 0 = início, 1 = fim. Gulosa: 2 (0,6) e depois 3 ou 4 (0,5 cada) = 0,3.
    # A frase "5, fim" tem probabilidade 0,4, e só o feixe a encontra.
    step = _markov([
        [0.0, 0.0, 0.6, 0.0, 0.0, 0.4],
        [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.5, 0.5, 0.0],
        [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
    ])
    assert greedy_search(step, (), 1, 0, 1, 5).tolist() == [[2, 3, 1]]
    assert beam_search(step, (), 1, 0, 1, 5, width=2).tolist() == [[5, 1, 1]]


def test_beam_returns_most_probable_sequence_by_enumeration():
    torch.manual_seed(3)
    table = torch.softmax(torch.randn(5, 5) * 2, dim=-1)
    table[1] = torch.tensor([0.0, 1.0, 0.0, 0.0, 0.0])  # o fim é absorvente
    step = _markov(table.tolist())
    log_table = table.log()

    def best_of_length(length):
        best, best_seq = -math.inf, None
        for code in range(5**length):
            seq, prev, score = [], 0, 0.0
            for _ in range(length):
                code, token = divmod(code, 5)
                score += log_table[prev, token].item()
                seq.append(token)
                prev = token
            if seq[-1] == 1 and score > best:
                best, best_seq = score, seq
        return best, best_seq

    max_len = 4
    found = beam_search(step, (), 1, 0, 1, max_len, width=25)[0].tolist()
    score = sum(log_table[p, t].item() for p, t in zip([0, *found[:-1]], found, strict=True))
    exhaustive, _ = best_of_length(max_len)
    assert found[-1] == 1
    assert score == pytest.approx(exhaustive, abs=1e-5)


@pytest.mark.parametrize("attention", ["none", "dot", "additive"])
def test_model_shapes_and_width_one_is_greedy(attention):
    torch.manual_seed(0)
    vocab = AmountVocab()
    model = Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=16, attention=attention,
                    max_len=6)
    x, y = vocab.encode_batch([1, 123450, 9999999, 500])
    logits, loss = model(x, y)
    assert logits.shape == (4, y.shape[1], vocab.num_words) and loss.ndim == 0
    out, none = model(x)
    assert out.shape == (4, 6, vocab.num_words) and none is None
    words, weights = model.greedy(x)
    assert torch.equal(model.beam(x, width=1), words)
    if attention == "none":
        assert weights is None
    else:
        assert weights.shape == (4, words.shape[1], x.shape[1])
        torch.testing.assert_close(weights.sum(-1), torch.ones(4, words.shape[1]))
        assert torch.all(weights[0, :, 4:] == 0)  # "0,01" tem 4 caracteres; o resto é preenchimento


def test_padding_does_not_change_the_encoding():
    torch.manual_seed(0)
    vocab = AmountVocab()
    model = Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=16)
    alone, _ = vocab.encode_batch([5])
    padded, _ = vocab.encode_batch([5, 9999999])
    a = model.encode(alone)
    b = model.encode(padded)
    torch.testing.assert_close(a[0][0], b[0][0, : alone.shape[1]])
    torch.testing.assert_close(a[2][0], b[2][0])


def test_teacher_forcing_sees_only_the_past():
    """Mudar a palavra-alvo do passo t não muda os logits dos passos até t."""
    torch.manual_seed(0)
    vocab = AmountVocab()
    model = Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=16)
    x, y = vocab.encode_batch([123450])
    logits, _ = model(x, y)
    y2 = y.clone()
    y2[0, 4] = 7
    logits2, _ = model(x, y2)
    torch.testing.assert_close(logits[:, :5], logits2[:, :5])
    assert not torch.allclose(logits[:, 5:], logits2[:, 5:])


def test_metrics():
    assert edit_distance([], ["a", "b"]) == 2
    assert edit_distance(["a", "b", "c"], ["a", "c"]) == 1
    assert word_error_rate(["um real"], ["um real"]) == 0.0
    assert word_error_rate(["dois reais e um centavo"], ["dois reais"]) == 1.5
    # as frases certas entram no denominador e não somam edições
    assert word_error_rate(["um real", "mil e cem reais", "dez reais"],
                           ["um real", "mil cento e dez reais", "dez reais"]) == 2 / 9
    assert exact_match(["a", "b"], ["a", "c"]) == 0.5


def test_tiny_training_learns_something():
    torch.manual_seed(0)
    vocab = AmountVocab()
    split = amount_split(2000, 100, 10)
    model = Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=32)
    batches = AmountBatches(split.train, vocab, 64, shuffle=True, num_batches=20)
    history = fit(model, batches, None, TrainConfig(lr=1e-2, max_epochs=2, progress=False))
    assert history.train_loss[-1] < history.train_loss[0] < math.log(vocab.num_words) + 0.2
    assert len(spell_amounts(model, split.test[:5], vocab, width=3)) == 5
