"""Dados do extenso: a convenção do livro, com casos escritos à mão, e a leitura de valores."""

from __future__ import annotations

from decimal import Decimal

import pytest
import torch
from num2words import num2words

from recorrente.data.amounts import (
    MAX_CENTS,
    TRAIN_MAX_CENTS,
    WORDS,
    AmountBatches,
    AmountVocab,
    amount_split,
    amount_words,
    format_amount,
    normalize_words,
    parse_amount,
    sample_amounts,
)
from recorrente.data.batching import IGNORE_INDEX
from recorrente.errors import InputError

# Escritos à mão a partir da norma brasileira (sem vírgula depois de "mil"; "e" entre
# milhar e centena só quando a centena é redonda ou menor que cem; só centavos sem
# "zero reais"; "um real", "um centavo" no singular), não copiados do num2words.
HAND_CHECKED = {
    0: "zero reais",
    1: "um centavo",
    50: "cinquenta centavos",
    99: "noventa e nove centavos",
    100: "um real",
    101: "um real e um centavo",
    200: "dois reais",
    1010: "dez reais e dez centavos",
    1400: "catorze reais",
    1600: "dezesseis reais",
    1900: "dezenove reais",
    10000: "cem reais",
    10100: "cento e um reais",
    100000: "mil reais",
    100100: "mil e um reais",
    105000: "mil e cinquenta reais",
    110000: "mil e cem reais",
    111000: "mil cento e dez reais",
    123450: "mil duzentos e trinta e quatro reais e cinquenta centavos",
    200500: "dois mil e cinco reais",
    230000: "dois mil e trezentos reais",
    2100000: "vinte e um mil reais",
    5000050: "cinquenta mil reais e cinquenta centavos",
    9999999: "noventa e nove mil novecentos e noventa e nove reais e noventa e nove centavos",
    10000000: "cem mil reais",
    10010000: "cem mil e cem reais",
    11000000: "cento e dez mil reais",
    12345678: "cento e vinte e três mil quatrocentos e cinquenta e seis reais e setenta e "
    "oito centavos",
    20000100: "duzentos mil e um reais",
    MAX_CENTS: "novecentos e noventa e nove mil novecentos e noventa e nove reais e "
    "noventa e nove centavos",
}


@pytest.mark.parametrize(("cents", "words"), HAND_CHECKED.items())
def test_hand_checked_words(cents, words):
    assert amount_words(cents) == words


def test_words_are_what_num2words_writes():
    """O extenso de cada valor é o do num2words normalizado, igual ao pedir de novo."""
    amounts = sample_amounts(500, max_digits=6, seed=7)
    first = [amount_words(c) for c in amounts]
    again = [amount_words(c) for c in amounts]
    direct = [normalize_words(num2words(Decimal(c) / 100, lang="pt_BR", to="currency"))
              for c in amounts]
    assert first == again == direct
    with pytest.raises(InputError):  # o erro continua saindo, mesmo depois de valores válidos
        amount_words(MAX_CENTS + 1)


def test_normalize_only_touches_the_two_differences():
    assert normalize_words("mil, novecentos e dez reais") == "mil novecentos e dez reais"
    assert normalize_words("zero reais e um centavo") == "um centavo"
    assert normalize_words("zero reais") == "zero reais"
    assert normalize_words("dois mil e cinco reais") == "dois mil e cinco reais"
    assert normalize_words("cem  mil reais ") == "cem mil reais"


def test_every_word_is_in_the_vocabulary():
    amounts = sample_amounts(3000, max_digits=6, seed=5)
    used = {w for c in amounts for w in amount_words(c).split()}
    assert used <= set(WORDS)
    assert len(set(WORDS)) == len(WORDS)


@pytest.mark.parametrize(
    ("text", "cents"),
    [("1.234,50", 123450), ("1234,50", 123450), ("1234.50", 123450), ("1234,5", 123450),
     ("1234.5", 123450), ("R$ 1.234,50", 123450), (" 7 ", 700), ("0,01", 1), ("1.234", 123400),
     ("999.999,99", MAX_CENTS), ("12.345.678,00", 1234567800), ("0", 0)],
)
def test_parse_amount_formats(text, cents):
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "vazio"), ("  ", "vazio"), ("R$", "vazio"), ("12a", "não é um valor"),
     ("dez", "não é um valor"), ("-5", "negativo"), ("-1.234,50", "negativo"),
     ("12,345", "duas casas"), ("1.234,567", "duas casas"), ("1234.567", "duas casas"),
     ("1,2,3", "não é um valor que eu saiba ler"), ("1.23,4", "não é um valor que eu saiba ler")],
)
def test_parse_amount_errors(text, message):
    with pytest.raises(InputError, match=message):
        parse_amount(text)


def test_range_errors():
    with pytest.raises(InputError, match="maior valor aceito"):
        amount_words(MAX_CENTS + 1)
    with pytest.raises(InputError, match="negativo"):
        amount_words(-1)


def test_format_round_trip():
    for cents in sample_amounts(500, max_digits=6, seed=3):
        assert parse_amount(format_amount(cents)) == cents


def test_split_is_deterministic_and_disjoint():
    a, b = amount_split(2000, 300, 100), amount_split(2000, 300, 100)
    assert a == b
    assert not set(a.train) & set(a.test)
    assert max(a.train + a.test) <= TRAIN_MAX_CENTS < min(a.beyond)
    assert len(set(a.train)) == len(a.train)
    digits = {len(str(c // 100)) for c in a.train}
    assert digits == {1, 2, 3, 4, 5}


def test_batches_encode_and_pad():
    vocab = AmountVocab()
    batches = AmountBatches([1, 123450, 9999999], vocab, batch_size=2, shuffle=True,
                            num_batches=5, seed=0)
    seen = list(batches)
    assert len(seen) == 5
    for x, y in seen:
        assert x.shape[0] == 2 and x.dtype == torch.long
        for row_x, row_y in zip(x, y, strict=True):
            text = "".join(vocab.chars[i] for i in row_x.tolist() if i)
            words = vocab.decode_words([i for i in row_y.tolist() if i != IGNORE_INDEX])
            assert words == amount_words(parse_amount(text))
