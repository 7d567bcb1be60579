"""``recorrente extenso``: formatos aceitos, erros (uma linha, código 2) e checkpoints."""

from __future__ import annotations

import pytest
import torch
from test_cli_nomes import _error  # o mesmo critério: uma linha, código 2, sem traceback

from recorrente.checkpoints import save_checkpoint
from recorrente.cli import main
from recorrente.data.amounts import AmountVocab
from recorrente.seq2seq import Seq2Seq

TINY = ["--atualizacoes", "2", "--tamanho", "8", "--lote", "16"]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("extenso") / "extenso.pt"
    assert main(["extenso", "treinar", *TINY, "--saida", str(out)]) == 0
    assert out.is_file()
    return out


def test_train_prints_ptbr_summary(tmp_path, capsys):
    out = tmp_path / "e.pt"
    assert main(["extenso", "treinar", *TINY, "--saida", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "40.000 valores até R$ 99.999,99" in printed
    assert "Acerto exato no teste (1.000 valores nunca vistos)" in printed


def test_train_does_exactly_the_updates_asked(tmp_path, capsys):
    """101 atualizações são 101 (antes, arredondava para épocas de 100 e treinava 200)."""
    out = tmp_path / "e.pt"
    args = ["--atualizacoes", "101", "--tamanho", "8", "--lote", "16"]
    assert main(["extenso", "treinar", *args, "--saida", str(out)]) == 0
    assert "; 101 atualizações em " in capsys.readouterr().out


@pytest.mark.parametrize("text", ["1.234,50", "1234.50", "1234,5", "1234,50", "R$ 1.234,50"])
def test_accepted_formats_give_the_same_words(checkpoint, capsys, text):
    code = main(["extenso", "escrever", "1.234,50", "--checkpoint", str(checkpoint)])
    reference = capsys.readouterr()
    assert main(["extenso", "escrever", text, "--checkpoint", str(checkpoint)]) == code
    assert capsys.readouterr() == reference
    assert reference.out.count("\n") == 1


def test_a_wrong_answer_is_flagged(checkpoint, capsys):
    """O modelo de 2 atualizações erra: a saída diz isso e dá o extenso certo, com código 1."""
    assert main(["extenso", "escrever", "1.234,50", "--checkpoint", str(checkpoint)]) == 1
    captured = capsys.readouterr()
    assert captured.out.strip() != "mil duzentos e trinta e quatro reais e cinquenta centavos"
    assert captured.err == ("recorrente: aviso: o modelo errou este valor; o extenso certo é: "
                            "mil duzentos e trinta e quatro reais e cinquenta centavos\n")


def test_a_right_answer_exits_zero(tmp_path, capsys, monkeypatch):
    """Com um modelo que acerta (aqui, trocado por um que devolve o certo), nada de aviso."""
    import recorrente.data.amounts as amounts
    import recorrente.spelling as spelling

    out = tmp_path / "e.pt"
    assert main(["extenso", "treinar", *TINY, "--saida", str(out)]) == 0
    capsys.readouterr()
    monkeypatch.setattr(spelling, "spell_amounts",
                        lambda model, cents, **kw: [amounts.amount_words(c) for c in cents])
    assert main(["extenso", "escrever", "205,40", "--checkpoint", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "duzentos e cinco reais e quarenta centavos\n" and not captured.err


def test_beam_option(checkpoint, capsys):
    assert main(["extenso", "escrever", "205,40", "--checkpoint", str(checkpoint),
                 "--feixe", "3"]) in (0, 1)
    assert capsys.readouterr().out.count("\n") == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [("dez reais", "não é um valor"), ("12a", "não é um valor"), ("-5", "negativo"),
     ("-1.234,50", "negativo"), ("12,345", "duas casas"), ("", "vazio"),
     ("1.000.000,00", "maior valor aceito"), ("123.456,00", "faixa do treino")],
)
def test_bad_values(checkpoint, capsys, value, message):
    assert message in _error(capsys, ["extenso", "escrever", value, "--checkpoint",
                                      str(checkpoint)])


def test_existing_checkpoint_is_not_overwritten(checkpoint, capsys):
    before = checkpoint.read_bytes()
    err = _error(capsys, ["extenso", "treinar", *TINY, "--saida", str(checkpoint)])
    assert "--sobrescrever" in err
    assert checkpoint.read_bytes() == before
    assert main(["extenso", "treinar", *TINY, "--saida", str(checkpoint), "--sobrescrever",
                 "--semente", "3"]) == 0
    assert checkpoint.read_bytes() != before
    assert [p.name for p in checkpoint.parent.iterdir()] == [checkpoint.name]  # sem temporários


def test_bad_training_options(tmp_path, capsys):
    out = tmp_path / "e.pt"
    assert "par" in _error(capsys, ["extenso", "treinar", "--tamanho", "7", "--saida", str(out)])
    assert "--taxa" in _error(capsys, ["extenso", "treinar", "--taxa", "0", "--saida", str(out)])
    assert not out.exists()


def test_foreign_checkpoints(tmp_path, capsys):
    write = ["extenso", "escrever", "10,00", "--checkpoint"]
    assert "extenso treinar" in _error(capsys, [*write, str(tmp_path / "nada.pt")])
    junk = tmp_path / "lixo.pt"
    junk.write_bytes(b"isto nao e um checkpoint")
    assert "está corrompido" in _error(capsys, [*write, str(junk)])
    names = save_checkpoint(tmp_path / "nomes.pt", torch.nn.Linear(2, 2), {"task": "nomes"})
    assert "extenso" in _error(capsys, [*write, str(names)])
    vocab = AmountVocab()
    model = Seq2Seq(vocab.num_chars, vocab.num_words, hidden_size=8)
    other = save_checkpoint(tmp_path / "outro.pt", model,
                            {"task": "extenso", "chars": "_01", "words": ["a"]})
    assert "está corrompido" in _error(capsys, [*write, str(other)])
