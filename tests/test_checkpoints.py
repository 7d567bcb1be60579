"""Checkpoints: reconstrução pela configuração e a validação de um lugar só (``load_model``).

Um checkpoint truncado, corrompido, adulterado ou com pesos que não são números dá, pela linha
de comando, uma linha só ("o checkpoint X está corrompido ou não foi gravado por este
programa; treine de novo com ..."), código 2, sem *traceback*, e o arquivo fica como estava.
"""

from __future__ import annotations

import math

import pytest
import torch
from test_cli_nomes import _error  # uma linha, código 2, sem traceback

from recorrente.checkpoints import (
    MODEL_CLASSES,
    CheckpointKind,
    load_checkpoint,
    load_model,
    save_checkpoint,
    save_model,
)
from recorrente.classification import save_name_classifier
from recorrente.data.amounts import AmountVocab
from recorrente.data.names import CharVocab
from recorrente.generation import save_name_model
from recorrente.models import NameClassifier, SequenceModel, WindowRegressor
from recorrente.seq2seq import Seq2Seq
from recorrente.spelling import save_amount_model

VOCAB = CharVocab([".", *"abcdefghijklmnopqrstuvwxyz"])


def _names(path):
    torch.manual_seed(0)
    return save_name_model(path, SequenceModel(len(VOCAB), len(VOCAB), 8), VOCAB)


def _classifier(path):
    torch.manual_seed(0)
    return save_name_classifier(path, NameClassifier(len(VOCAB), 4, embedding_size=3), VOCAB)


def _amounts(path):
    torch.manual_seed(0)
    vocab = AmountVocab()
    return save_amount_model(path, Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=8))


# cada tarefa: como gravar um checkpoint bom, o comando que o lê e o que a mensagem sugere
TASKS = {
    "gerar nomes": (_names, ["nomes", "gerar", "--checkpoint"], "recorrente nomes treinar"),
    "classificar": (
        _classifier,
        ["nomes", "classificar", "ana", "--checkpoint"],
        "recorrente nomes treinar-classificador",
    ),
    "extenso": (_amounts, ["extenso", "escrever", "10,00", "--checkpoint"],
                "recorrente extenso treinar"),
}


def _rewrite(path, change) -> None:
    payload = torch.load(path, map_location="cpu", weights_only=True)
    change(payload)
    torch.save(payload, path)


def _first_weight(payload) -> torch.Tensor:
    return next(v for v in payload["state_dict"].values() if v.is_floating_point())


def _smaller_vocabulary(payload) -> None:
    extra = payload["extra"]
    if "vocab" in extra:
        extra["vocab"] = {"chars": extra["vocab"]["chars"][:-3]}
    else:
        extra["chars"] = extra["chars"][:-3]


def _truncate(path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupt(path) -> None:
    data = bytearray(path.read_bytes())
    data[100:140] = b"\xff" * 40
    path.write_bytes(bytes(data))


TAMPERINGS = {
    "truncado": _truncate,
    "bytes trocados": _corrupt,
    "config None": lambda p: _rewrite(p, lambda c: c.update(config=None)),
    "sem state_dict": lambda p: _rewrite(p, lambda c: c.pop("state_dict")),
    "chave de config inesperada": lambda p: _rewrite(p, lambda c: c["config"].update(nova=1)),
    "vocabulário menor que os pesos": lambda p: _rewrite(p, _smaller_vocabulary),
    "pesos NaN": lambda p: _rewrite(p, lambda c: _first_weight(c).fill_(math.nan)),
    "pesos infinitos": lambda p: _rewrite(p, lambda c: _first_weight(c).fill_(math.inf)),
    "peso a menos": lambda p: _rewrite(p, lambda c: c["state_dict"].popitem()),
    "extras que não são um dicionário": lambda p: _rewrite(p, lambda c: c.update(extra=[1])),
}


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_a_damaged_checkpoint_gives_one_line(tmp_path, capsys, task, tampering):
    save, argv, command = TASKS[task]
    path = save(tmp_path / "modelo.pt")
    TAMPERINGS[tampering](path)
    before = path.read_bytes()
    err = _error(capsys, [*argv, str(path)])
    assert err == (
        f"recorrente: erro: O checkpoint {path} está corrompido ou não foi gravado por este "
        f"programa; treine de novo com '{command}'.\n"
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize("task", TASKS)
def test_an_intact_checkpoint_still_loads(tmp_path, capsys, task):
    """O contraste da tabela acima: sem dano, o mesmo comando lê o arquivo (código 0 ou 1)."""
    save, argv, _ = TASKS[task]
    path = save(tmp_path / "modelo.pt")
    assert main_code([*argv, str(path)]) in (0, 1)  # 1: o extenso sem treino erra e avisa
    assert "corrompido" not in capsys.readouterr().err


def main_code(argv) -> int:
    from recorrente.cli import main

    return main(argv)


@pytest.mark.parametrize("model", [
    SequenceModel(7, 5, 8, "lstm", num_layers=2, dropout=0.1, padding_idx=0),
    NameClassifier(6, 4, "rnn", bidirectional=True),
    WindowRegressor(2, 8, "gru", num_layers=2),
    Seq2Seq(13, 46, hidden_size=8, attention="additive", max_len=5),
], ids=lambda m: type(m).__name__)
def test_every_model_is_rebuilt_from_its_config(tmp_path, model):
    kind = CheckpointKind(type(model).__name__, "teste", "um modelo de teste", "treinar")
    loaded, extra = load_model(save_model(tmp_path / "m.pt", model, kind, {"a": 1}), kind)
    assert type(loaded) is type(model) and loaded.config == model.config
    assert extra == {"a": 1, "task": "teste"} and not loaded.training
    for (name, a), (_, b) in zip(model.state_dict().items(), loaded.state_dict().items(),
                                 strict=True):
        assert torch.equal(a, b), name
    assert set(MODEL_CLASSES) == {"SequenceModel", "NameClassifier", "WindowRegressor", "Seq2Seq"}


def test_the_kind_is_checked_before_anything_else(tmp_path):
    kind = CheckpointKind("WindowRegressor", "previsão", "um regressor de janelas", "treinar")
    other = save_checkpoint(tmp_path / "n.pt", SequenceModel(3, 3, 4), {"task": "nomes"})
    with pytest.raises(ValueError, match="não de um regressor de janelas"):
        load_checkpoint(other, kind)
