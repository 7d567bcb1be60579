"""Valores em reais e o seu extenso: o conjunto de dados do capítulo 8.

Os pares (valor, extenso) são gerados aqui mesmo, sem download, pelo pacote
``num2words`` (``lang="pt_BR"``, ``to="currency"``, versão fixada nas restrições
do projeto), e passam por uma única função de normalização,
:func:`normalize_words`, que aplica a convenção do livro (a da norma brasileira
para cheques e contratos). A entrada da rede são os caracteres do valor escrito
como no Brasil (``"1.234,50"``); a saída são as palavras do extenso.

O conjunto é dono da sua codificação: :class:`AmountVocab` guarda os
caracteres de entrada, as palavras de saída (todas as que aparecem até
R$ 999.999,99, com o início e o fim da frase) e monta os lotes com
preenchimento e a máscara dos alvos (:data:`recorrente.data.batching.IGNORE_INDEX`).

Exemplo:
    >>> format_amount(123450)
    '1.234,50'
    >>> amount_words(123450)
    'mil duzentos e trinta e quatro reais e cinquenta centavos'
    >>> parse_amount("1234.5")
    123450
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

import torch
from num2words import num2words
from torch import Tensor

from recorrente.data.batching import IGNORE_INDEX, PermutationQueue
from recorrente.errors import InputError
from recorrente.formatting import num

__all__ = [
    "BOS",
    "EOS",
    "INPUT_CHARS",
    "MAX_CENTS",
    "PAD",
    "SPLIT_SEED",
    "TRAIN_MAX_CENTS",
    "WORDS",
    "AmountBatches",
    "AmountSplit",
    "AmountVocab",
    "amount_split",
    "amount_words",
    "format_amount",
    "normalize_words",
    "parse_amount",
    "sample_amounts",
]

MAX_CENTS = 99_999_999
"""O maior valor que o conjunto sabe escrever, em centavos: R$ 999.999,99."""
TRAIN_MAX_CENTS = 9_999_999
"""O maior valor da faixa de treino do livro, em centavos: R$ 99.999,99."""
SPLIT_SEED = 1994
"""Semente da divisão fixa do livro (o ano do real)."""

PAD = "_"
"""Preenchimento da entrada (índice 0 dos caracteres)."""
BOS = "<início>"
"""Palavra que abre a frase na entrada do decodificador (índice 0 das palavras)."""
EOS = "<fim>"
"""Palavra que fecha a frase no alvo (índice 1 das palavras)."""
INPUT_CHARS = PAD + "0123456789.,"
"""Os símbolos de entrada, preenchimento primeiro."""
WORDS: tuple[str, ...] = (
    BOS, EOS, "e", "real", "reais", "centavo", "centavos", "zero",
    "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove",
    "dez", "onze", "doze", "treze", "catorze", "quinze", "dezesseis", "dezessete", "dezoito",
    "dezenove", "vinte", "trinta", "quarenta", "cinquenta", "sessenta", "setenta", "oitenta",
    "noventa", "cem", "cento", "duzentos", "trezentos", "quatrocentos", "quinhentos",
    "seiscentos", "setecentos", "oitocentos", "novecentos", "mil",
)  # fmt: skip
"""As palavras de saída: os dois marcadores e tudo o que o extenso usa até R$ 999.999,99."""


def normalize_words(text: str) -> str:
    """A convenção do livro para o extenso que o ``num2words`` 0.5.14 escreve.

    Duas diferenças em relação à norma brasileira de cheques e contratos, e só elas:

    - **sem vírgula depois de "mil"**: a norma escreve "mil novecentos e dez", e a
      vírgula do ``num2words`` ("mil, novecentos e dez") não existe nela. O "e"
      depois de "mil" fica como está, porque a biblioteca já segue a regra (só
      quando a centena é redonda ou menor que cem: "mil e cem", "dois mil e
      cinco", mas "mil cento e dez");
    - **sem "zero reais"** quando só há centavos: no cheque de R$ 0,50 se escreve
      "cinquenta centavos", não "zero reais e cinquenta centavos". O valor zero
      inteiro continua "zero reais".

    Espaços repetidos viram um só.

    Parâmetros:
        text: o extenso como o ``num2words`` o escreveu.

    Retorna:
        O extenso na convenção do livro.

    Exemplo:
        >>> normalize_words("mil, novecentos e dez reais")
        'mil novecentos e dez reais'
        >>> normalize_words("zero reais e um centavo")
        'um centavo'
    """
    text = text.replace("mil,", "mil")
    text = re.sub(r"^zero reais e ", "", text)
    return " ".join(text.split())


def amount_words(cents: int) -> str:
    """O extenso de um valor em centavos, na convenção do livro.

    Parâmetros:
        cents: o valor em centavos, de 0 a :data:`MAX_CENTS`.

    Retorna:
        As palavras separadas por espaço.

    Levanta:
        InputError: se o valor é negativo ou passa de :data:`MAX_CENTS`.

    Exemplo:
        >>> amount_words(1), amount_words(100), amount_words(110000)
        ('um centavo', 'um real', 'mil e cem reais')
    """
    _check_range(cents)
    return normalize_words(num2words(Decimal(cents) / 100, lang="pt_BR", to="currency"))


def _check_range(cents: int, limit: int = MAX_CENTS) -> None:
    if cents < 0:
        raise InputError(f"O valor não pode ser negativo; recebi {format_amount(-cents)} "
                         "com sinal de menos.")
    if cents > limit:
        raise InputError(
            f"R$ {format_amount(cents)} passa do maior valor aceito, R$ {format_amount(limit)}."
        )


def format_amount(cents: int) -> str:
    """O valor escrito como no Brasil: ponto de milhar e vírgula antes dos centavos.

    Parâmetros:
        cents: o valor em centavos (não negativo).

    Retorna:
        O texto, sempre com dois dígitos de centavos.

    Exemplo:
        >>> format_amount(5), format_amount(100000000)
        ('0,05', '1.000.000,00')
    """
    reais, rest = divmod(int(cents), 100)
    return f"{reais:,}".replace(",", ".") + f",{rest:02d}"


_BRAZILIAN = re.compile(r"\d{1,3}(\.\d{3})*(,\d{1,2})?")
_PLAIN = re.compile(r"\d+([.,]\d{1,2})?")
_MAX_DIGITS = 20  # bem acima dos 8 de MAX_CENTS; protege o int() do Python (limite de 4.300)


def parse_amount(text: str) -> int:
    """Lê um valor escrito por uma pessoa e devolve os centavos.

    Aceita o jeito brasileiro (``"1.234,50"``), sem ponto de milhar
    (``"1234,50"``, ``"1234,5"``), com ponto decimal (``"1234.50"``) e com
    ``"R$"`` na frente. Um ponto seguido de exatamente três dígitos é de milhar
    (``"1.234"`` é mil duzentos e trinta e quatro reais).

    Parâmetros:
        text: o valor.

    Retorna:
        O valor em centavos.

    Levanta:
        InputError: se o texto está vazio, tem letras, é negativo, tem mais de
            duas casas decimais, mais de 20 dígitos ou não é um número.

    Exemplo:
        >>> parse_amount("R$ 1.234,50"), parse_amount("1234.50"), parse_amount("0,5")
        (123450, 123450, 50)
        >>> parse_amount("12,345")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        recorrente.errors.InputError: '12,345' tem mais de duas casas decimais; ...
    """
    raw = text
    text = text.strip().removeprefix("R$").strip().replace(" ", "")
    if not text:
        raise InputError("O valor está vazio; escreva um valor como 1.234,50.")
    if text.startswith("-"):
        raise InputError(f"{raw!r} é negativo; o extenso só existe para valores de 0 para cima.")
    if re.search(r"[^\d.,]", text):
        raise InputError(
            f"{raw!r} não é um valor: use só dígitos, ponto de milhar e vírgula (1.234,50)."
        )
    digits = sum(c.isdigit() for c in text)
    if digits > _MAX_DIGITS:
        raise InputError(
            f"O valor tem {num(digits, 0)} dígitos (no máximo {_MAX_DIGITS}); o maior valor "
            f"aceito é R$ {format_amount(MAX_CENTS)}."
        )
    comma_decimals = re.fullmatch(r"[\d.]*,\d{3,}", text)
    dot_decimals = re.fullmatch(r"\d+\.\d{3,}", text) and not _BRAZILIAN.fullmatch(text)
    if comma_decimals or dot_decimals:
        raise InputError(
            f"{raw!r} tem mais de duas casas decimais; centavos têm no máximo duas "
            "(por exemplo 12,34)."
        )
    if _BRAZILIAN.fullmatch(text):
        reais, _, frac = text.replace(".", "").partition(",")
    elif _PLAIN.fullmatch(text):
        reais, _, frac = text.replace(",", ".").partition(".")
    else:
        raise InputError(f"{raw!r} não é um valor que eu saiba ler; escreva como 1.234,50.")
    return int(reais) * 100 + int(frac.ljust(2, "0") or 0)


def sample_amounts(
    n: int,
    *,
    max_digits: int = 5,
    min_digits: int = 1,
    seed: int = 0,
    exclude: frozenset[int] | set[int] = frozenset(),
) -> list[int]:
    """Sorteia ``n`` valores diferentes, em centavos, com o número de dígitos dos reais uniforme.

    Sortear o valor uniformemente daria quase só valores de cinco dígitos (90% deles
    estão entre 10.000 e 99.999); aqui cada número de dígitos dos reais, de
    ``min_digits`` a ``max_digits``, é igualmente provável, e os centavos são
    ``,00`` em um quarto dos valores (valores redondos são comuns) e uniformes no
    resto.

    Parâmetros:
        n: quantos valores (sem repetição).
        max_digits: dígitos máximos da parte em reais (5: até 99.999,99).
        min_digits: dígitos mínimos da parte em reais (1: a partir de 0,00).
        seed: semente do sorteio.
        exclude: valores que não podem sair (por exemplo, os do teste).

    Retorna:
        A lista de valores, na ordem sorteada.

    Levanta:
        InputError: se os dígitos estão fora de 1 a 6 ou se não há valores suficientes.

    Exemplo:
        >>> [format_amount(c) for c in sample_amounts(3, seed=1)]
        ['82,97', '4,00', '8.737,26']
    """
    if not 1 <= min_digits <= max_digits <= 6:
        raise InputError("Os dígitos dos reais vão de 1 a 6 (até R$ 999.999,99).")
    capacity = sum(
        (10**k - (10 ** (k - 1) if k > 1 else 0)) * 100 for k in range(min_digits, max_digits + 1)
    )
    if n > capacity // 2:
        raise InputError(f"Não há {n} valores diferentes na faixa pedida; peça menos.")
    rng = random.Random(seed)
    chosen: dict[int, None] = {}
    while len(chosen) < n:
        digits = rng.randint(min_digits, max_digits)
        low = 10 ** (digits - 1) if digits > 1 else 0
        reais = rng.randrange(low, 10**digits)
        cents = 0 if rng.random() < 0.25 else rng.randrange(100)
        value = reais * 100 + cents
        if value not in exclude:
            chosen[value] = None
    return list(chosen)


@dataclass(frozen=True)
class AmountSplit:
    """A divisão do livro: treino e teste na mesma faixa, e um teste fora dela.

    Atributos:
        train: valores de treino (até :data:`TRAIN_MAX_CENTS`).
        test: valores de teste na faixa do treino, nenhum visto no treino.
        beyond: valores de seis dígitos (R$ 100.000,00 a R$ 999.999,99), maiores que
            qualquer um do treino.

    Exemplo:
        >>> split = amount_split(100, 20, 10)
        >>> len(split.train), len(split.test), len(split.beyond)
        (100, 20, 10)
        >>> set(split.train) & set(split.test)
        set()
    """

    train: list[int]
    test: list[int]
    beyond: list[int]


def amount_split(
    n_train: int = 40_000, n_test: int = 1_000, n_beyond: int = 500, *, seed: int = SPLIT_SEED
) -> AmountSplit:
    """Sorteia o teste primeiro e depois o treino sem nenhum valor do teste.

    Parâmetros:
        n_train: valores de treino.
        n_test: valores de teste na faixa do treino.
        n_beyond: valores de teste de seis dígitos, fora da faixa.
        seed: semente da divisão.

    Retorna:
        O :class:`AmountSplit`.

    Exemplo:
        >>> split = amount_split(50, 10, 5, seed=0)
        >>> max(split.train) <= TRAIN_MAX_CENTS < min(split.beyond)
        True
    """
    test = sample_amounts(n_test, seed=seed + 1)
    train = sample_amounts(n_train, seed=seed, exclude=frozenset(test))
    beyond = sample_amounts(n_beyond, min_digits=6, max_digits=6, seed=seed + 2)
    return AmountSplit(train=train, test=test, beyond=beyond)


class AmountVocab:
    """Caracteres de entrada e palavras de saída, com os lotes prontos para o modelo.

    Entrada: os caracteres de :data:`INPUT_CHARS` (``"_"``, o preenchimento, é o 0).
    Saída: as palavras de :data:`WORDS`; :data:`BOS` (0) abre a frase do
    decodificador e :data:`EOS` (1) a fecha nos alvos.

    Exemplo:
        >>> vocab = AmountVocab()
        >>> vocab.encode_input("1,05")
        [2, 12, 1, 6]
        >>> vocab.decode_words(vocab.encode_words("um real e cinco centavos") + [0, 5])
        'um real e cinco centavos'
    """

    def __init__(self) -> None:
        self.chars = INPUT_CHARS
        self.words = WORDS
        self.char_index = {ch: i for i, ch in enumerate(self.chars)}
        self.word_index = {w: i for i, w in enumerate(self.words)}
        self.bos, self.eos = self.word_index[BOS], self.word_index[EOS]

    @property
    def num_chars(self) -> int:
        """Quantos símbolos de entrada (com o preenchimento)."""
        return len(self.chars)

    @property
    def num_words(self) -> int:
        """Quantas palavras de saída (com os dois marcadores)."""
        return len(self.words)

    def encode_input(self, text: str) -> list[int]:
        """Índices dos caracteres de um valor formatado (``"1.234,50"``)."""
        try:
            return [self.char_index[ch] for ch in text if ch != PAD]
        except KeyError as error:
            raise InputError(f"{text!r} tem o caractere {error.args[0]!r}, fora da entrada "
                             f"do modelo ({self.chars[1:]!r}).") from None

    def encode_words(self, words: str) -> list[int]:
        """Índices das palavras de um extenso, terminados por :data:`EOS`."""
        return [self.word_index[w] for w in words.split()] + [self.eos]

    def decode_words(self, ids: Sequence[int]) -> str:
        """O extenso dos índices, parando no primeiro :data:`EOS`."""
        out = []
        for i in ids:
            if int(i) == self.eos:
                break
            if int(i) != self.bos:
                out.append(self.words[int(i)])
        return " ".join(out)

    def encode_batch(self, amounts: Sequence[int]) -> tuple[Tensor, Tensor]:
        """Entradas ``(N, S)`` com preenchimento 0 e alvos ``(N, T)`` com :data:`IGNORE_INDEX`.

        Exemplo:
            >>> x, y = AmountVocab().encode_batch([1, 100])
            >>> x.tolist()
            [[1, 12, 1, 2], [2, 12, 1, 1]]
            >>> y.tolist()
            [[8, 5, 1], [8, 3, 1]]
        """
        inputs = [self.encode_input(format_amount(c)) for c in amounts]
        targets = [self.encode_words(amount_words(c)) for c in amounts]
        width_x = max(map(len, inputs))
        width_y = max(map(len, targets))
        x = [row + [0] * (width_x - len(row)) for row in inputs]
        y = [row + [IGNORE_INDEX] * (width_y - len(row)) for row in targets]
        return torch.tensor(x, dtype=torch.long), torch.tensor(y, dtype=torch.long)


class AmountBatches:
    """Lotes ``(x, y)`` de valores, percorríveis a cada época (servem a ``fit``).

    Codifica todos os valores uma vez (o ``num2words`` é lento para chamar a cada
    lote). Com ``shuffle=True``, cada época tem ``num_batches`` lotes tirados de
    uma permutação que vai sendo consumida, e a semente torna tudo reprodutível;
    sem ele, os lotes seguem a ordem dada (avaliação).

    Parâmetros:
        amounts: os valores, em centavos.
        vocab: a codificação.
        batch_size: valores por lote.
        shuffle: embaralha (treino).
        num_batches: lotes por época com ``shuffle`` (padrão: uma passada inteira).
        seed: semente do embaralhamento.

    Exemplo:
        >>> batches = AmountBatches([1, 100, 12345], AmountVocab(), batch_size=2)
        >>> [tuple(x.shape) for x, _ in batches]
        [(2, 4), (1, 6)]
    """

    def __init__(
        self,
        amounts: Sequence[int],
        vocab: AmountVocab,
        batch_size: int = 256,
        *,
        shuffle: bool = False,
        num_batches: int | None = None,
        seed: int = 0,
    ) -> None:
        if not amounts:
            raise InputError("Não há valores para montar lotes.")
        self.x, self.y = vocab.encode_batch(list(amounts))
        self.x_len = (self.x != 0).sum(dim=1)
        self.y_len = (self.y != IGNORE_INDEX).sum(dim=1)
        self.batch_size, self.shuffle = batch_size, shuffle
        self.num_batches = num_batches or -(-len(self.x) // batch_size)
        self.queue = PermutationQueue(len(self.x), seed=seed)

    def __len__(self) -> int:
        return self.num_batches if self.shuffle else -(-len(self.x) // self.batch_size)

    def _chunks(self) -> list[Tensor]:
        if not self.shuffle:
            return list(torch.arange(len(self.x)).split(self.batch_size))
        return [self.queue.take(self.batch_size) for _ in range(self.num_batches)]

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        for idx in self._chunks():
            yield (self.x[idx, : int(self.x_len[idx].max())],
                   self.y[idx, : int(self.y_len[idx].max())])
