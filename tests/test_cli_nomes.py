"""``recorrente nomes``: caminhos de erro (uma linha, código 2, sem traceback) e um ciclo curto."""

from __future__ import annotations

import math
import re

import pytest
import torch

from recorrente.checkpoints import save_checkpoint
from recorrente.cli import main

NAMES = "\n".join(
    ["ana", "bia", "caio", "davi", "elisa", "fábio", "gabriel", "helena", "íris", "joão",
     "karina", "lucas", "maria", "nina", "otávio", "paula", "rafael", "sofia", "tiago", "vitória"]
)


@pytest.fixture()
def names_file(tmp_path):
    path = tmp_path / "nomes.txt"
    path.write_text(NAMES + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def checkpoint(tmp_path, names_file):
    out = tmp_path / "modelo.pt"
    code = main(["nomes", "treinar", "--dados", str(names_file), "--tamanho", "8",
                 "--epocas", "2", "--saida", str(out)])
    assert code == 0 and out.is_file()
    return out


def _run(argv) -> int:
    """O código de saída de ``main``, também quando o argparse recusa uma opção (SystemExit)."""
    try:
        return main(argv)
    except SystemExit as exit:
        return exit.code


def _error(capsys, argv, code: int = 2) -> str:
    """Roda e confere: o código, e uma linha em ``stderr`` com "erro:", sem traceback.

    A barra de progresso de um treino (linhas terminadas em ``\\r``, apagadas no fim) fica
    antes da mensagem, na mesma linha do terminal; só a mensagem é devolvida.
    """
    got = _run(argv)
    err = capsys.readouterr().err
    assert got == code, err
    assert "Traceback" not in err
    message = err.rsplit("\r", 1)[-1]
    assert re.match(r"recorrente( [\w-]+)*: erro: ", message) and err.count("\n") == 1, err
    return message


def test_train_generate_evaluate(tmp_path, names_file, checkpoint, capsys):
    capsys.readouterr()
    assert main(["nomes", "gerar", "--checkpoint", str(checkpoint), "--quantos", "4",
                 "--temperatura", "0.8", "--top-k", "5", "--prefixo", "Jo", "--semente", "1"]) == 0
    first = capsys.readouterr().out.split()
    assert len(first) == 4 and all(name.startswith("jo") for name in first)
    main(["nomes", "gerar", "--checkpoint", str(checkpoint), "--quantos", "4",
          "--temperatura", "0.8", "--top-k", "5", "--prefixo", "Jo", "--semente", "1"])
    assert capsys.readouterr().out.split() == first
    assert main(["nomes", "avaliar", "--checkpoint", str(checkpoint),
                 "--dados", str(names_file)]) == 0
    assert "nats por caractere" in capsys.readouterr().out


def test_printed_numbers_are_ptbr(tmp_path, names_file, capsys):
    """Vírgula decimal, e a perplexidade e os bits ao lado dos nats (como o capítulo 6 mostra)."""
    out = tmp_path / "m.pt"
    assert main(["nomes", "treinar", "--dados", str(names_file), "--tamanho", "8",
                 "--epocas", "1", "--saida", str(out)]) == 0
    trained = capsys.readouterr().out
    assert re.search(r"NLL de validação \d+,\d{3} nats", trained), trained
    assert main(["nomes", "avaliar", "--checkpoint", str(out), "--dados", str(names_file)]) == 0
    line = capsys.readouterr().out
    match = re.search(r"(\d+,\d{4}) nats por caractere \(perplexidade (\d+,\d{2}); "
                      r"(\d+,\d{3}) bits por caractere\)", line)
    assert match, line
    nats, perplexity, bits = (float(g.replace(",", ".")) for g in match.groups())
    assert perplexity == pytest.approx(math.exp(nats), abs=0.01)
    assert bits == pytest.approx(nats / math.log(2), abs=0.001)


def test_existing_checkpoint_is_not_overwritten(names_file, checkpoint, capsys):
    before = checkpoint.read_bytes()
    err = _error(capsys, ["nomes", "treinar", "--dados", str(names_file), "--tamanho", "8",
                          "--epocas", "1", "--saida", str(checkpoint)])
    assert "--sobrescrever" in err
    assert checkpoint.read_bytes() == before
    assert main(["nomes", "treinar", "--dados", str(names_file), "--tamanho", "8", "--epocas",
                 "1", "--saida", str(checkpoint), "--sobrescrever", "--semente", "3"]) == 0
    assert checkpoint.read_bytes() != before


def test_bad_data_files(tmp_path, capsys):
    out = str(tmp_path / "m.pt")
    base = ["nomes", "treinar", "--epocas", "1", "--saida", out, "--dados"]
    assert "não existe" in _error(capsys, [*base, str(tmp_path / "falta.txt")])
    empty = tmp_path / "vazio.txt"
    empty.write_text("\n\n", encoding="utf-8")
    assert "vazio" in _error(capsys, [*base, str(empty)])
    latin = tmp_path / "latin.txt"
    latin.write_bytes("João\nMaria\n".encode("latin-1"))
    assert "UTF-8" in _error(capsys, [*base, str(latin)])
    assert not (tmp_path / "m.pt").exists()


def test_generate_errors(tmp_path, checkpoint, capsys):
    gen = ["nomes", "gerar", "--checkpoint", str(checkpoint)]
    assert "não conhece" in _error(capsys, [*gen, "--prefixo", "xw"])
    for bad in ["-1", "nan", "0.001"]:
        assert "0 ou de 0,01 a 100" in _error(capsys, [*gen, f"--temperatura={bad}"])
    assert "não existe" in _error(capsys, ["nomes", "gerar", "--checkpoint",
                                           str(tmp_path / "nada.pt")])


def test_foreign_checkpoints(tmp_path, capsys):
    junk = tmp_path / "lixo.pt"
    junk.write_bytes(b"isto nao e um checkpoint")
    assert "está corrompido" in _error(capsys, ["nomes", "gerar", "--checkpoint", str(junk)])
    other = save_checkpoint(tmp_path / "bolsa.pt", torch.nn.Linear(2, 2), {"task": "bolsa"})
    assert "nomes" in _error(capsys, ["nomes", "avaliar", "--checkpoint", str(other)])


def test_evaluate_file_with_unknown_characters(tmp_path, checkpoint, capsys):
    weird = tmp_path / "estranhos.txt"
    weird.write_text("xuxa\n", encoding="utf-8")
    assert "vocabulário" in _error(
        capsys, ["nomes", "avaliar", "--checkpoint", str(checkpoint), "--dados", str(weird)]
    )
