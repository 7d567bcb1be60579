"""``recorrente nomes classificar`` e ``treinar-classificador``: erros (uma linha, código 2)."""

from __future__ import annotations

import re

import pytest
import torch
from test_cli_nomes import _error  # o mesmo critério: uma linha, código 2, sem traceback

from recorrente.checkpoints import save_checkpoint
from recorrente.classification import load_name_classifier, save_name_classifier
from recorrente.cli import main
from recorrente.data.names import CharVocab
from recorrente.models import NameClassifier, SequenceModel

ALPHABET = CharVocab([".", *"abcdefghijklmnopqrstuvwxyz"])


@pytest.fixture()
def classifier(tmp_path):
    torch.manual_seed(0)
    model = NameClassifier(len(ALPHABET), 4, "gru", embedding_size=3, bidirectional=True)
    return save_name_classifier(tmp_path / "classificador.pt", model, ALPHABET)


@pytest.fixture()
def generator_checkpoint(tmp_path):
    model = SequenceModel(len(ALPHABET), len(ALPHABET), hidden_size=4)
    return save_checkpoint(
        tmp_path / "gerador.pt", model, {"task": "nomes", "vocab": ALPHABET.to_dict()}
    )


@pytest.fixture()
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # rede pequena: uma thread é mais rápida numa CPU disputada
    yield
    torch.set_num_threads(threads)


def test_classify_prints_ptbr_shares(classifier, capsys):
    assert (
        main(["nomes", "classificar", "Maria", "João", "xuxo", "--checkpoint", str(classifier)])
        == 0
    )
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert len(lines) == 4  # o cabeçalho e um nome por linha
    for line, name in zip(lines[1:], ["maria", "joao", "xuxo"], strict=True):
        match = re.match(rf"\s+{name}\s+(\d+,\d)% feminino\s+(\d+,\d)% masculino", line)
        assert match, line
        female, male = (float(g.replace(",", ".")) for g in match.groups())
        assert female + male == pytest.approx(100, abs=0.11)
    assert "no censo: 99,7% feminino, 11.734.129 pessoas" in lines[1]
    assert "fora da lista do censo" in lines[3]


def test_classify_errors(tmp_path, classifier, capsys):
    cls = ["nomes", "classificar", "--checkpoint", str(classifier)]
    assert "fora do vocabulário" in _error(capsys, [*cls, "ana-maria"])
    assert "fora do vocabulário" in _error(capsys, [*cls, "R2D2"])
    assert "vazio" in _error(capsys, [*cls, ""])
    assert "vazio" in _error(capsys, [*cls, "ana", "   "])
    assert "não existe" in _error(
        capsys, ["nomes", "classificar", "ana", "--checkpoint", str(tmp_path / "nada.pt")]
    )


def test_checkpoint_of_the_wrong_kind(tmp_path, classifier, generator_checkpoint, capsys):
    err = _error(capsys, ["nomes", "classificar", "ana", "--checkpoint", str(generator_checkpoint)])
    assert "não de um classificador de nomes" in err and "treinar-classificador" in err
    for action in (["gerar"], ["avaliar"]):
        err = _error(capsys, ["nomes", *action, "--checkpoint", str(classifier)])
        assert "não de um modelo que gera nomes" in err
    junk = tmp_path / "lixo.pt"
    junk.write_bytes(b"isto nao e um checkpoint")
    assert "está corrompido ou não foi gravado por este programa" in _error(
        capsys, ["nomes", "classificar", "ana", "--checkpoint", str(junk)]
    )
    other = save_checkpoint(tmp_path / "bolsa.pt", torch.nn.Linear(2, 2), {"task": "bolsa"})
    assert "classificador" in _error(
        capsys, ["nomes", "classificar", "ana", "--checkpoint", str(other)]
    )


def test_train_classifier_refuses_bad_options_before_training(tmp_path, classifier, capsys):
    before = classifier.read_bytes()
    base = ["nomes", "treinar-classificador", "--epocas", "1"]
    assert "--sobrescrever" in _error(capsys, [*base, "--saida", str(classifier)])
    assert classifier.read_bytes() == before
    out = str(tmp_path / "novo.pt")
    assert "--taxa" in _error(capsys, [*base, "--saida", out, "--taxa", "0"])
    assert "--segundos" in _error(capsys, [*base, "--saida", out, "--segundos", "-1"])
    assert not (tmp_path / "novo.pt").exists()


@pytest.mark.slow
def test_train_then_classify(tmp_path, one_thread, capsys):
    out = tmp_path / "c.pt"
    assert (
        main(
            [
                "nomes",
                "treinar-classificador",
                "--tamanho",
                "4",
                "--epocas",
                "1",
                "--lote",
                "4096",
                "--saida",
                str(out),
            ]
        )
        == 0
    )
    trained = capsys.readouterr().out
    assert re.search(r"acerto por nome \d+,\d%, log-loss \d,\d{3} nats", trained), trained
    model, vocab = load_name_classifier(out)
    assert vocab == ALPHABET and model.config["hidden_size"] == 4
    assert main(["nomes", "classificar", "ana", "--checkpoint", str(out)]) == 0
    assert "feminino" in capsys.readouterr().out
