"""Amostragem de nomes a partir de um modelo de caracteres (temperatura, top-k, prefixo).

A cada passo o modelo dá logits $z$ para o próximo caractere; dividimos por
uma temperatura $\\tau$ e sorteamos de $\\mathrm{softmax}(z / \\tau)$. Com $\\tau < 1$ a
distribuição fica mais concentrada (nomes comuns), com $\\tau > 1$ mais espalhada
(nomes estranhos); o livro reserva $T$ para o tamanho das sequências. O *top-k*
sorteia só entre os ``k`` caracteres mais prováveis. Um ``torch.Generator`` com
semente torna o sorteio reprodutível.

Exemplo:
    >>> import torch
    >>> from recorrente.data.names import CharVocab
    >>> from recorrente.models import SequenceModel
    >>> vocab = CharVocab.from_names(["ana", "bia"])
    >>> _ = torch.manual_seed(0)
    >>> model = SequenceModel(len(vocab), len(vocab), hidden_size=8)
    >>> a = sample_names(model, vocab, 3, seed=1, max_length=5)
    >>> a == sample_names(model, vocab, 3, seed=1, max_length=5)
    True
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch.nn import functional as F

from recorrente.checkpoints import CheckpointKind, load_model, save_model
from recorrente.data.batching import IGNORE_INDEX
from recorrente.data.names import CharVocab, normalize_name
from recorrente.errors import InputError
from recorrente.models import SequenceModel
from recorrente.module_tools import evaluating, model_device

__all__ = [
    "GREEDY_BELOW",
    "NAME_MODEL",
    "check_temperature",
    "greedy_name",
    "load_name_model",
    "name_nll",
    "sample_names",
    "sample_quality",
    "save_name_model",
]


GREEDY_BELOW = 1e-6
"""Abaixo desta temperatura o sorteio usa o limite de $\\mathrm{softmax}(z / \\tau)$ quando
$\\tau \\to 0$: toda a probabilidade nos caracteres de maior logit (empatados dividem). Dividir
por um $\\tau$ minúsculo estouraria os logits para infinito e o sorteio quebraria."""


def check_temperature(temperature: float) -> float:
    """Confere que a temperatura é um número finito e positivo.

    Qualquer positivo serve: abaixo de :data:`GREEDY_BELOW` o sorteio é o guloso.

    Parâmetros:
        temperature: o valor a conferir.

    Retorna:
        A temperatura como ``float``.

    Levanta:
        InputError: caso contrário.

    Exemplo:
        >>> check_temperature(1)
        1.0
        >>> check_temperature(0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        recorrente.errors.InputError: Temperatura inválida: 0; use um número maior que zero ...
    """
    valid = isinstance(temperature, int | float) and math.isfinite(temperature)
    if not valid or temperature <= 0:
        raise InputError(
            f"Temperatura inválida: {temperature}; use um número maior que zero (por exemplo 0.8)."
        )
    return float(temperature)


def sample_names(
    model: SequenceModel,
    vocab: CharVocab,
    count: int = 10,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    prefix: str = "",
    seed: int = 0,
    max_length: int = 30,
) -> list[str]:
    """Sorteia ``count`` nomes, todos em paralelo (um lote), até a fronteira ``"."``.

    Parâmetros:
        model: um :class:`~recorrente.models.SequenceModel` de caracteres.
        vocab: o vocabulário com que ele foi treinado.
        count: quantos nomes gerar.
        temperature: a temperatura $\\tau$, que divide os logits antes do softmax (> 0;
            abaixo de :data:`GREEDY_BELOW`, o mesmo que a escolha gulosa).
        top_k: se dado, sorteia só entre os ``top_k`` caracteres mais prováveis.
        prefix: começo fixo dos nomes (normalizado como os dados: minúsculas).
        seed: semente do sorteio.
        max_length: tamanho máximo de cada nome, prefixo incluído.

    Retorna:
        Os ``count`` nomes sorteados, sem a fronteira ``"."``.

    Levanta:
        InputError: temperatura inválida, ``top_k`` < 1, ``count`` < 1, ou prefixo com
            caracteres fora do vocabulário.

    Exemplo:
        >>> from recorrente.data.names import CharVocab
        >>> vocab = CharVocab.from_names(["ana", "bia", "caio"])
        >>> _ = torch.manual_seed(0)
        >>> model = SequenceModel(len(vocab), len(vocab), hidden_size=8)
        >>> names = sample_names(model, vocab, 5, prefix="Bi", top_k=3, max_length=6)
        >>> len(names), all(n.startswith("bi") and len(n) <= 6 for n in names)
        (5, True)
    """
    temperature = check_temperature(temperature)
    if count < 1:
        raise InputError(f"Peça pelo menos um nome; recebi {count}.")
    if top_k is not None and top_k < 1:
        raise InputError(f"top-k precisa ser pelo menos 1; recebi {top_k}.")
    prefix = _checked_prefix(vocab, prefix)
    generator = torch.Generator().manual_seed(seed)  # o sorteio é na CPU, em qualquer modelo
    device = model_device(model)
    out: list[list[int]] = [[] for _ in range(count)]
    with evaluating(model):
        start = torch.tensor([[0, *vocab.encode(prefix)]], device=device).repeat(count, 1)
        logits, state = model.step(start)
        alive = torch.ones(count, dtype=torch.bool)
        for _ in range(max(max_length - len(prefix), 0)):
            if temperature < GREEDY_BELOW:
                probs = (logits == logits.amax(dim=-1, keepdim=True)).float().cpu()
            else:
                logits = logits / temperature
                if top_k is not None and top_k < logits.size(-1):
                    kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]
                    logits = logits.masked_fill(logits < kth, -math.inf)
                probs = torch.softmax(logits, dim=-1).cpu()
            nxt = torch.multinomial(probs, 1, generator=generator).squeeze(1)
            for row in torch.nonzero(alive & (nxt != 0)).flatten().tolist():
                out[row].append(int(nxt[row]))
            alive &= nxt != 0
            if not alive.any():
                break
            logits, state = model.step(nxt.unsqueeze(1).to(device), state)
    return [prefix + vocab.decode(ids) for ids in out]


def name_nll(
    model: SequenceModel, vocab: CharVocab, names: Sequence[str], batch_size: int = 2048
) -> np.ndarray:
    """A NLL de cada nome, em nats, somada sobre os caracteres (com o fim do nome).

    Dividida pelo número de caracteres (``len(nome) + 1``), dá a NLL por caractere de cada
    nome; é o que o bootstrap pareado de :mod:`recorrente.stats` reamostra para comparar dois
    modelos nos mesmos nomes.

    Parâmetros:
        model: o modelo de caracteres.
        vocab: o vocabulário do modelo.
        names: os nomes avaliados.
        batch_size: quantos nomes por chamada ao modelo.

    Retorna:
        Um vetor ``float64`` com uma NLL por nome, na ordem de ``names``.

    Exemplo:
        >>> import math
        >>> from recorrente.data.names import CharVocab
        >>> vocab = CharVocab.from_names(["ana", "bia"])
        >>> model = SequenceModel(len(vocab), len(vocab), hidden_size=8)
        >>> _ = torch.nn.init.zeros_(model.head.weight), torch.nn.init.zeros_(model.head.bias)
        >>> nll = name_nll(model, vocab, ["ana", "bi"])  # logits iguais: ln V por caractere
        >>> [round(float(v) / math.log(len(vocab)), 4) for v in nll]
        [4.0, 3.0]
    """
    totals = []
    with evaluating(model), torch.no_grad():
        for start in range(0, len(names), batch_size):
            x, y = vocab.encode_batch(names[start : start + batch_size])
            logits, _ = model(x)
            loss = F.cross_entropy(logits.transpose(1, 2), y, ignore_index=IGNORE_INDEX,
                                   reduction="none")
            totals.append(loss.double().sum(dim=1))
    return torch.cat(totals).numpy()


def _checked_prefix(vocab: CharVocab, prefix: str) -> str:
    """O prefixo normalizado, ou um ``InputError`` que diz quais caracteres o modelo não conhece."""
    prefix = normalize_name(prefix)
    missing = vocab.unknown(prefix)
    if missing:
        raise InputError(
            f"O prefixo {prefix!r} tem caracteres que o modelo não conhece: "
            f"{''.join(missing)!r}; use só {''.join(vocab.chars[1:])!r}."
        )
    return prefix


def greedy_name(
    model: SequenceModel, vocab: CharVocab, prefix: str = "", *, max_length: int = 30
) -> str:
    """O nome da decodificação gulosa: a cada passo, o caractere mais provável (sem sorteio).

    É o limite do sorteio de :func:`sample_names` quando a temperatura $\\tau$ vai a zero: a
    distribuição $\\mathrm{softmax}(z / \\tau)$ se concentra toda no maior logit.

    Parâmetros:
        model: um :class:`~recorrente.models.SequenceModel` de caracteres.
        vocab: o vocabulário com que ele foi treinado.
        prefix: começo fixo do nome (normalizado como os dados: minúsculas).
        max_length: tamanho máximo do nome, prefixo incluído.

    Retorna:
        O nome, sem a fronteira ``"."``.

    Levanta:
        InputError: prefixo com caracteres fora do vocabulário.

    Exemplo:
        >>> vocab = CharVocab.from_names(["ana", "bia"])
        >>> _ = torch.manual_seed(0)
        >>> model = SequenceModel(len(vocab), len(vocab), hidden_size=8)
        >>> name = greedy_name(model, vocab, "b", max_length=6)
        >>> name == sample_names(model, vocab, 1, prefix="b", temperature=1e-6, max_length=6)[0]
        True
    """
    prefix = _checked_prefix(vocab, prefix)
    out: list[int] = []
    device = model_device(model)
    with evaluating(model):
        logits, state = model.step(torch.tensor([[0, *vocab.encode(prefix)]], device=device))
        for _ in range(max(max_length - len(prefix), 0)):
            nxt = int(logits[0].argmax())
            if nxt == 0:
                break
            out.append(nxt)
            logits, state = model.step(torch.tensor([[nxt]], device=device), state)
    return prefix + vocab.decode(out)


def sample_quality(
    samples_by_temperature: Mapping[Hashable, Sequence[str]],
    train: Iterable[str],
    known: Iterable[str],
    *,
    index_name: str = "temperatura",
) -> pd.DataFrame:
    """Tabela de qualidade das amostras, uma linha por configuração (por exemplo, por temperatura).

    Colunas: fração que repete um nome do treino, fração que é um nome real
    fora do treino (``known`` menos treino, por exemplo o teste), fração
    inédita, nomes distintos, tamanho médio e fração com um tamanho que nenhum
    nome de ``known`` tem (mais curto que o menor ou mais longo que o maior).

    Parâmetros:
        samples_by_temperature: rótulo da linha (a temperatura $\\tau$, ou um texto
            como ``"trigrama"``) → nomes sorteados com ela.
        train: os nomes do treino.
        known: nomes reais conhecidos (podem incluir os do treino).
        index_name: o nome do índice da tabela.

    Retorna:
        Um ``DataFrame`` com uma linha por rótulo, na ordem do dicionário.

    Exemplo:
        >>> table = sample_quality({1.0: ["ana", "zzz", "z"]}, ["ana"], ["ana", "bia"])
        >>> table.loc[1.0, ["inéditos", "fora da faixa de tamanho"]].round(3).tolist()
        [0.667, 0.333]
    """
    train = set(train)
    known = set(known)
    other = known - train
    shortest, longest = min(map(len, known)), max(map(len, known))
    rows = {}
    for label, samples in samples_by_temperature.items():
        n = len(samples)
        in_train = sum(s in train for s in samples) / n
        in_other = sum(s in other for s in samples) / n
        rows[label] = {
            "no treino": in_train,
            "reais fora do treino": in_other,
            "inéditos": 1 - in_train - in_other,
            "distintos": len(set(samples)) / n,
            "tamanho médio": sum(map(len, samples)) / n,
            "fora da faixa de tamanho": sum(
                not shortest <= len(s) <= longest for s in samples
            ) / n,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = index_name
    return table


NAME_MODEL = CheckpointKind("SequenceModel", "nomes", "um modelo que gera nomes",
                            "recorrente nomes treinar")
"""O tipo do checkpoint de um modelo que gera nomes."""


def save_name_model(
    path: str | Path,
    model: SequenceModel,
    vocab: CharVocab,
    source: str = "censo",
    *,
    overwrite: bool = False,
) -> Path:
    """Grava um modelo que gera nomes com o vocabulário, a fonte dos nomes e a divisão.

    Parâmetros:
        path: caminho do arquivo.
        model: o :class:`~recorrente.models.SequenceModel` de caracteres.
        vocab: o vocabulário com que ele foi treinado.
        source: de onde vieram os nomes (``"censo"`` ou o arquivo do usuário).
        overwrite: se ``True``, substitui um arquivo que já existe.

    Retorna:
        O caminho gravado.

    Exemplo:
        >>> import tempfile
        >>> vocab = CharVocab.from_names(["ana", "bia"])
        >>> model = SequenceModel(len(vocab), len(vocab), hidden_size=8)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = save_name_model(Path(folder) / "nomes.pt", model, vocab)
        ...     loaded, loaded_vocab = load_name_model(path)
        >>> loaded_vocab == vocab, torch.equal(loaded.head.weight, model.head.weight)
        (True, True)
    """
    return save_model(path, model, NAME_MODEL, vocab.checkpoint_extra(source), overwrite=overwrite)


def _read_vocab(extra: dict, model: SequenceModel) -> CharVocab:
    """O vocabulário gravado, do tamanho que os pesos esperam na entrada e na saída."""
    if model.config["num_classes"] != model.config["vocab_size"]:
        raise ValueError("um modelo de nomes prevê um símbolo do próprio vocabulário")
    return CharVocab.from_checkpoint(extra, size=model.config["vocab_size"])


def load_name_model(
    path: str | Path, *, device: str | torch.device = "cpu"
) -> tuple[SequenceModel, CharVocab]:
    """Carrega um modelo de nomes gravado por ``recorrente nomes treinar`` (ou pelo capítulo 6).

    Parâmetros:
        path: caminho do checkpoint.
        device: para onde o modelo vai depois de carregado na CPU (``"auto"``: uma GPU
            quando há).

    Retorna:
        O modelo, já em modo de avaliação, e o vocabulário com que foi treinado.

    Levanta:
        InputError: se o arquivo não existe, não é de nomes ou não passa na validação de
            :func:`recorrente.checkpoints.load_model`.

    Exemplo:
        >>> import tempfile
        >>> from recorrente.checkpoints import save_checkpoint
        >>> vocab = CharVocab.from_names(["ana", "bia"])
        >>> model = SequenceModel(len(vocab), len(vocab), hidden_size=8)
        >>> small = {"task": "nomes", "vocab": CharVocab.from_names(["ana"]).to_dict()}
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = save_checkpoint(Path(folder) / "nomes.pt", model, small)
        ...     load_name_model(path)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        recorrente.errors.InputError: O checkpoint ... está corrompido ou não foi gravado ...
    """
    return load_model(path, NAME_MODEL, _read_vocab, device=device)
