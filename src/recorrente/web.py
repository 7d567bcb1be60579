"""O modelo de nomes no navegador do leitor: a exportação compacta, a lista do censo e as unidades.

O capítulo de geração treina uma GRU de caracteres; a página do capítulo roda essa mesma rede
em JavaScript (``docs/assets/js/nomes.js``), sem servidor e sem biblioteca. Este módulo
prepara o que a página carrega:

- :func:`export_name_model` grava os pesos em ``float32`` num só arquivo binário, com um
  cabeçalho JSON pequeno (vocabulário, tamanhos, nomes e formas dos tensores, unidades
  sugeridas); :func:`load_exported_name_model` lê o arquivo de volta num
  :class:`~recorrente.models.SequenceModel` (os testes comparam a página com o PyTorch assim);
- :func:`pack_names` guarda a lista do censo com codificação de prefixo (cada nome só escreve
  o que muda em relação ao anterior, em ordem alfabética): a página sabe, sem erro nenhum, se
  um nome sorteado existe no censo;
- :func:`unit_correlations` mede, num conjunto de nomes, a correlação de cada unidade do
  estado (e de cada porta) com a posição no nome e com a letra lida, para a página sugerir
  unidades ao leitor;
- a célula do capítulo entrega esses arquivos à página com :class:`recorrente.pages.SiteFiles`.

O formato do arquivo do modelo: 4 bytes ``b"RNOM"``, o tamanho do cabeçalho (``uint32``
*little-endian*), o cabeçalho JSON em UTF-8 (completado com espaços até um múltiplo de 4) e
os tensores em ``float32`` *little-endian*, na ordem e com as formas do cabeçalho, com os
nomes do ``state_dict`` do PyTorch.

Exemplo:
    >>> import torch
    >>> from recorrente.data.names import CharVocab
    >>> vocab = CharVocab.from_names(["ana", "bia"])
    >>> _ = torch.manual_seed(0)
    >>> model = SequenceModel(len(vocab), len(vocab), 8, "gru", embedding_size=4)
    >>> data = export_name_model(model, vocab)
    >>> loaded, loaded_vocab, header = load_exported_name_model(data)
    >>> loaded_vocab == vocab, header["kind"], len(data)
    (True, 'gru', 1904)
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import torch

from recorrente.cells import GRUCell
from recorrente.data.names import CharVocab
from recorrente.errors import InputError
from recorrente.models import SequenceModel

__all__ = [
    "MODEL_FORMAT",
    "export_name_model",
    "load_exported_name_model",
    "pack_names",
    "unit_correlations",
    "unit_profile",
    "unpack_names",
]

MODEL_FORMAT = "recorrente-nomes/1"
"""Versão do formato do arquivo do modelo; a página recusa outra."""

_MAGIC = b"RNOM"
_TENSORS = (
    "embedding.weight",
    "rnn.weight_ih_l0",
    "rnn.weight_hh_l0",
    "rnn.bias_ih_l0",
    "rnn.bias_hh_l0",
    "head.weight",
    "head.bias",
)
_FIRST_PREFIX_CODE = ord("0")  # comprimento do prefixo comum k vira o caractere chr(48 + k)
_MAX_PREFIX = ord("_") - _FIRST_PREFIX_CODE  # 47: os marcadores vão de "0" a "_"


def export_name_model(
    model: SequenceModel, vocab: CharVocab, *, units: Sequence[Mapping] = ()
) -> bytes:
    """Os pesos de uma GRU de nomes em ``float32``, com um cabeçalho JSON, num só arquivo.

    Parâmetros:
        model: um :class:`~recorrente.models.SequenceModel` GRU de uma camada, num sentido só,
            com tantas classes de saída quanto símbolos de entrada.
        vocab: o vocabulário com que ele foi treinado.
        units: unidades que a página sugere ao leitor (dicionários serializáveis em JSON, por
            exemplo ``{"gate": "h", "unit": 3, "text": "..."}``).

    Retorna:
        O conteúdo do arquivo.

    Levanta:
        InputError: se o modelo não é uma GRU de uma camada e um sentido, ou se o vocabulário
            não tem o tamanho do modelo.

    Exemplo:
        >>> vocab = CharVocab.from_names(["ana"])
        >>> data = export_name_model(SequenceModel(3, 3, 4, "gru", embedding_size=2), vocab)
        >>> data[:4], len(data) % 4
        (b'RNOM', 0)
    """
    config = model.config
    if config["kind"] != "gru" or config["num_layers"] != 1 or config["bidirectional"]:
        raise InputError(
            "A página só roda uma GRU de uma camada, num sentido só; recebi "
            f"{config['kind']!r} com {config['num_layers']} camada(s)"
            f"{' bidirecional' if config['bidirectional'] else ''}."
        )
    if not config["vocab_size"] == config["num_classes"] == len(vocab):
        raise InputError(
            f"O vocabulário tem {len(vocab)} símbolos, mas o modelo lê {config['vocab_size']} "
            f"e prevê {config['num_classes']}; exporte com o vocabulário do treino."
        )
    state = model.state_dict()
    arrays = [state[name].detach().to(torch.float32).cpu().numpy() for name in _TENSORS]
    header = {
        "format": MODEL_FORMAT,
        "kind": "gru",
        "chars": "".join(vocab.chars),
        "hidden_size": config["hidden_size"],
        "embedding_size": config["embedding_size"],
        "tensors": [[name, list(a.shape)] for name, a in zip(_TENSORS, arrays, strict=True)],
        "units": list(units),
    }
    text = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)
    body = b"".join(a.astype("<f4").tobytes() for a in arrays)
    return _MAGIC + struct.pack("<I", len(text)) + text + body


def load_exported_name_model(data: bytes) -> tuple[SequenceModel, CharVocab, dict]:
    """Lê o arquivo de :func:`export_name_model` de volta num modelo do PyTorch.

    Parâmetros:
        data: o conteúdo do arquivo.

    Retorna:
        O modelo (em modo de avaliação, com os mesmos pesos), o vocabulário e o cabeçalho.

    Levanta:
        InputError: se os bytes não são de um modelo exportado neste formato.

    Exemplo:
        >>> load_exported_name_model(b"nada disso")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        recorrente.errors.InputError: Estes bytes não são um modelo de nomes exportado ...
    """
    bad = InputError(
        f"Estes bytes não são um modelo de nomes exportado no formato {MODEL_FORMAT}; "
        "gere o arquivo com recorrente.web.export_name_model."
    )
    if len(data) < 8 or data[:4] != _MAGIC:
        raise bad
    (size,) = struct.unpack("<I", data[4:8])
    try:
        header = json.loads(data[8 : 8 + size].decode())
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise bad from None
    if not isinstance(header, dict) or header.get("format") != MODEL_FORMAT:
        raise bad
    offset, state = 8 + size, {}
    for name, shape in header["tensors"]:
        count = int(np.prod(shape))
        chunk = data[offset : offset + 4 * count]
        if len(chunk) != 4 * count:
            raise bad
        state[name] = torch.from_numpy(np.frombuffer(chunk, dtype="<f4").reshape(shape).copy())
        offset += 4 * count
    vocab = CharVocab(list(header["chars"]))
    model = SequenceModel(
        len(vocab), len(vocab), header["hidden_size"], "gru",
        embedding_size=header["embedding_size"],
    )
    model.load_state_dict(state)
    model.eval()
    return model, vocab, header


def pack_names(names: Iterable[str]) -> bytes:
    """Uma lista de nomes em ordem alfabética, com codificação de prefixo, em UTF-8.

    Cada nome vira um caractere que diz quantas letras ele tem em comum com o anterior
    (``"0"`` para nenhuma, ``"1"`` para uma, ...) seguido só do resto do nome; não há
    separador. A lista é exata: nada de falsos positivos, como num filtro de Bloom.

    Parâmetros:
        names: os nomes (repetições são ignoradas); sem dígitos, maiúsculas nem pontuação do
            intervalo ``"0"``–``"_"`` (que marcam o começo de cada nome) e com no máximo 47
            caracteres.

    Retorna:
        A lista codificada.

    Levanta:
        InputError: se algum nome é vazio, longo demais ou tem um caractere reservado.

    Exemplo:
        >>> pack_names(["ana", "anabel", "bia"])
        b'0ana3bel0bia'
        >>> unpack_names(pack_names(["joão", "joana"]))
        ['joana', 'joão']
    """
    out, previous = [], ""
    for name in sorted(set(names)):
        reserved = [ch for ch in name if _FIRST_PREFIX_CODE <= ord(ch) <= ord("_")]
        if not name or reserved or len(name) > _MAX_PREFIX:
            raise InputError(
                f"O nome {name!r} não cabe na lista compacta: ela aceita nomes de 1 a "
                f"{_MAX_PREFIX} caracteres, sem dígitos, maiúsculas nem {reserved[:1] or '_'}."
            )
        common = 0
        for a, b in zip(name, previous, strict=False):
            if a != b:
                break
            common += 1
        out.append(chr(_FIRST_PREFIX_CODE + common) + name[common:])
        previous = name
    return "".join(out).encode()


def unpack_names(data: bytes) -> list[str]:
    """Desfaz :func:`pack_names` (a página faz a mesma conta em JavaScript).

    Parâmetros:
        data: a lista codificada.

    Retorna:
        Os nomes, em ordem alfabética.

    Exemplo:
        >>> unpack_names(b"0ana3bel0bia")
        ['ana', 'anabel', 'bia']
    """
    names: list[str] = []
    current = ""
    for ch in data.decode():
        if _FIRST_PREFIX_CODE <= ord(ch) <= ord("_"):
            if names or current:
                names.append(current)
            current = current[: ord(ch) - _FIRST_PREFIX_CODE]
        else:
            current += ch
    if current:
        names.append(current)
    return names


_VOWELS = frozenset("aeiouáéíóúâêôãõàü")


_FEATURES = ["letras lidas", "letras que faltam", "vogal"]


@torch.no_grad()
def _read_names(
    model: SequenceModel, vocab: CharVocab, names: Sequence[str]
) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    """Ativações ``h``, ``z`` e ``r`` depois de cada letra de cada nome, e as três medidas."""
    cell = GRUCell(model.config["embedding_size"], model.config["hidden_size"])
    cell.load_torch_weights(model.rnn)
    x, _ = vocab.encode_batch(list(names))
    lengths = torch.tensor([len(n) for n in names])
    embedded = model.embedding(x)
    state = cell.initial_state(len(names))
    values: dict[str, list[torch.Tensor]] = {"h": [], "z": [], "r": []}
    features: list[torch.Tensor] = []
    vowel_ids = torch.tensor([ch in _VOWELS for ch in vocab.chars], dtype=torch.float32)
    for t, embedded_t in enumerate(embedded.unbind(1)):
        gates = cell.gate_values(embedded_t, state)
        state = (gates["h"],)
        if t == 0:
            continue  # o passo que lê o "." do começo: ainda nenhuma letra
        valid = t <= lengths
        for key in values:
            values[key].append(gates[key][valid])
        read = torch.full((int(valid.sum()),), float(t))
        features.append(
            torch.stack([read, lengths[valid] - read, vowel_ids[x[valid, t]]], dim=1)
        )
    return {key: torch.cat(chunks) for key, chunks in values.items()}, torch.cat(features)


def unit_correlations(model: SequenceModel, vocab: CharVocab, names: Sequence[str]) -> pd.DataFrame:
    """Correlação de cada unidade do estado e das portas da GRU com a posição e a letra lida.

    A rede lê cada nome (``". n o m e"``); em cada passo depois de uma letra, guardamos
    ``h``, a porta de atualização ``z`` e a de reinício ``r`` (as equações de
    :class:`~recorrente.cells.GRUCell`, com os pesos do modelo) e medimos a correlação de
    Pearson de cada unidade com três medidas: quantas letras já foram lidas, quantas faltam
    para o fim e se a letra lida é vogal (1) ou não (0). A tabela tem o índice
    ``("ativação", "unidade")`` e as colunas ``"letras lidas"``, ``"letras que faltam"`` e
    ``"vogal"``.

    Parâmetros:
        model: um :class:`~recorrente.models.SequenceModel` GRU de uma camada.
        vocab: o vocabulário do modelo.
        names: os nomes lidos (por exemplo, os da validação).

    Retorna:
        Uma tabela com uma linha por ativação e unidade e as três correlações por coluna.

    Exemplo:
        >>> vocab = CharVocab.from_names(["ana", "bia", "caio"])
        >>> _ = torch.manual_seed(0)
        >>> model = SequenceModel(len(vocab), len(vocab), 4, "gru", embedding_size=3)
        >>> table = unit_correlations(model, vocab, ["ana", "bia", "caio"])
        >>> table.shape, table.index[0] == ("h", 0)
        ((12, 3), True)
    """
    values, features = _read_names(model, vocab, names)
    feats = features.double()
    feats = (feats - feats.mean(0)) / feats.std(0)
    rows, index = [], []
    for key, acts in values.items():
        acts = acts.double()
        acts = (acts - acts.mean(0)) / acts.std(0).clamp_min(1e-12)
        rows.append((acts.T @ feats / (len(acts) - 1)).numpy())  # (H, 3)
        index += [(key, unit) for unit in range(acts.size(1))]
    return pd.DataFrame(
        np.concatenate(rows),
        index=pd.MultiIndex.from_tuples(index, names=["ativação", "unidade"]),
        columns=_FEATURES,
    )


def unit_profile(
    model: SequenceModel,
    vocab: CharVocab,
    names: Sequence[str],
    units: Sequence[tuple[str, int]],
    max_read: int = 10,
) -> pd.DataFrame:
    """A média de cada unidade escolhida depois de 1, 2, ... letras lidas.

    Uma correlação resume a relação numa conta só; o perfil mostra a forma: se a unidade
    desce devagar, letra a letra, ou troca de valor logo no começo e depois fica parada. Cada
    coluna é a média entre os nomes que têm pelo menos aquele tamanho.

    Parâmetros:
        model: um :class:`~recorrente.models.SequenceModel` GRU de uma camada.
        vocab: o vocabulário do modelo.
        names: os nomes lidos.
        units: pares ``(ativação, unidade)``, com a ativação ``"h"``, ``"z"`` ou ``"r"``.
        max_read: até quantas letras lidas.

    Retorna:
        Uma tabela com uma linha por unidade (``"h 74"``) e uma coluna por letras lidas.

    Exemplo:
        >>> vocab = CharVocab.from_names(["ana", "bia", "caio"])
        >>> model = SequenceModel(len(vocab), len(vocab), 4, "gru", embedding_size=3)
        >>> unit_profile(model, vocab, ["ana", "caio"], [("h", 0), ("z", 3)]).shape
        (2, 4)
    """
    values, features = _read_names(model, vocab, names)
    read = features[:, 0].long()
    keep = read <= max_read
    columns = {
        f"{gate} {unit}": pd.Series(values[gate][keep, unit].numpy())
        .groupby(read[keep].numpy())
        .mean()
        for gate, unit in units
    }
    profile = pd.DataFrame(columns).T
    profile.columns.name = "letras lidas"
    return profile
