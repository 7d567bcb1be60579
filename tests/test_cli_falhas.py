"""Nada se perde, nenhum traceback: cada falha da CLI é uma linha em português (issue 26).

Uma tabela por item: a saída que é uma entrada, as falhas de gravação, as faixas das opções
numéricas, o CSV do ``bolsa`` e o terminal. Cada caso confere o código de saída, uma linha com
"erro:" e sem "Traceback", e que os arquivos de entrada ficaram iguais, byte a byte.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from test_cli_nomes import NAMES, _error, _run

import recorrente.checkpoints as checkpoints
import recorrente.training as training
from recorrente.cli import main
from recorrente.cli.bolsa import EPOCHS_RANGE as BOLSA_EPOCHS
from recorrente.cli.bolsa import FOLDS_RANGE, WINDOW_RANGE
from recorrente.cli.extenso import BEAM_RANGE, UPDATES_RANGE
from recorrente.cli.nomes import (
    BATCH_RANGE,
    COUNT_RANGE,
    HIDDEN_RANGE,
    SECONDS_RANGE,
    TEMPERATURE_RANGE,
    TOP_K_RANGE,
)
from recorrente.generation import greedy_name, load_name_model

SRC = Path(__file__).resolve().parents[1] / "src"
TINY_NAMES = ["--tamanho", "8", "--epocas", "1"]
TINY_AMOUNTS = ["--atualizacoes", "2", "--tamanho", "8", "--lote", "16"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    """O conteúdo de cada arquivo comum da pasta (as entradas do teste)."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.fixture()
def inputs(tmp_path):
    """Uma pasta só com entradas (nomes, um checkpoint, um CSV); o teste confere que não mudam."""
    folder = tmp_path / "entradas"
    folder.mkdir()
    names = folder / "nomes.txt"
    names.write_text(NAMES + "\n", encoding="utf-8")
    assert main(["nomes", "treinar", "--dados", str(names), *TINY_NAMES,
                 "--saida", str(folder / "nomes.pt")]) == 0
    rng = np.random.default_rng(1)
    dates = pd.bdate_range("2015-01-01", periods=300)
    prices = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, len(dates))))
    frame = pd.DataFrame({"data": dates.strftime("%Y-%m-%d"), "preco": prices})
    frame.to_csv(folder / "precos.csv", index=False)
    before = _snapshot(folder)
    yield folder
    assert _snapshot(folder) == before, "um arquivo de entrada mudou"


# --- 1. A saída nunca é uma entrada, nem algo que não é um arquivo comum ----------------------

def _symlink(folder: Path) -> Path:
    link = folder.parent / "atalho.txt"
    link.symlink_to(folder / "nomes.txt")
    return link


def _hardlink(folder: Path) -> Path:
    link = folder.parent / "outro_nome.txt"
    os.link(folder / "nomes.txt", link)
    return link


def _fifo(folder: Path) -> Path:
    fifo = folder.parent / "fila"
    os.mkfifo(fifo)
    return fifo


def _directory(folder: Path) -> Path:
    return folder


OUTPUTS = {
    "o próprio arquivo": (lambda folder: folder / "nomes.txt", "mesmo arquivo que --dados"),
    "com ./ e ..": (lambda folder: Path(f"./{folder.name}/../{folder.name}/nomes.txt"),
                    "mesmo arquivo que --dados"),
    "link simbólico": (_symlink, "mesmo arquivo que --dados"),
    "link físico (mesmo inode)": (_hardlink, "mesmo arquivo que --dados"),
    "uma pasta": (_directory, "é uma pasta"),
    "um pipe": (_fifo, "não é um arquivo comum"),
    "pai é um arquivo": (lambda folder: folder / "nomes.txt" / "m.pt",
                         "é um arquivo, não uma pasta"),
}


@pytest.mark.parametrize("case", OUTPUTS)
def test_output_is_never_an_input(inputs, capsys, monkeypatch, case):
    """Recusado antes de treinar, com código 2, mesmo com --sobrescrever."""
    monkeypatch.chdir(inputs.parent)
    make, message = OUTPUTS[case]
    output = make(inputs)
    err = _error(capsys, ["nomes", "treinar", "--dados", str(inputs / "nomes.txt"), *TINY_NAMES,
                          "--saida", str(output), "--sobrescrever"])
    assert message in err
    assert "Treinando" not in capsys.readouterr().out  # nada de trabalho antes da recusa


# --- 2. Falhas de gravação: uma linha com o caminho e a causa; o anterior fica intacto ---------

WRITE_FAULTS = {
    "disco cheio": (errno.ENOSPC, "não há espaço no disco"),
    "somente leitura": (errno.EROFS, "o sistema de arquivos é somente leitura"),
    "sem permissão": (errno.EACCES, "sem permissão de escrita"),
}


@pytest.mark.parametrize("case", WRITE_FAULTS)
def test_write_failure_keeps_the_previous_file(inputs, tmp_path, capsys, monkeypatch, case):
    """O disco recusa no meio da gravação: código 1, o arquivo anterior e nenhum temporário."""
    code, cause = WRITE_FAULTS[case]
    output = tmp_path / "saida" / "m.pt"
    output.parent.mkdir()
    output.write_bytes(b"checkpoint anterior")
    real_fdopen = os.fdopen

    class FailingFile(io.BufferedWriter):
        def write(self, data):
            super().write(bytes(data)[:10])
            raise OSError(code, os.strerror(code))

    def failing_fdopen(fd, mode="r", *args, **kwargs):
        return FailingFile(real_fdopen(fd, "wb", buffering=0)) if "w" in mode else \
            real_fdopen(fd, mode, *args, **kwargs)

    monkeypatch.setattr(checkpoints.os, "fdopen", failing_fdopen)
    err = _error(capsys, ["nomes", "treinar", "--dados", str(inputs / "nomes.txt"), *TINY_NAMES,
                          "--saida", str(output), "--sobrescrever"], code=1)
    assert str(output) in err and cause in err
    assert "Gravado em" not in capsys.readouterr().out
    assert output.read_bytes() == b"checkpoint anterior"
    assert [p.name for p in output.parent.iterdir()] == ["m.pt"]  # o temporário foi apagado


@pytest.mark.skipif(os.geteuid() == 0, reason="o root escreve numa pasta sem permissão")
def test_read_only_folder_is_refused_before_training(inputs, tmp_path, capsys):
    folder = tmp_path / "trancada"
    folder.mkdir(mode=0o500)
    err = _error(capsys, ["nomes", "treinar", "--dados", str(inputs / "nomes.txt"),
                          *TINY_NAMES, "--saida", str(folder / "m.pt")])
    assert "sem permissão de escrita" in err


def _poison_weights(model, history):
    with torch.no_grad():
        next(model.parameters()).fill_(float("nan"))


def _poison_loss(model, history):
    history.best_val = float("nan")


@pytest.mark.parametrize(
    ("command", "poison"),
    [(["nomes", "treinar", *TINY_NAMES], _poison_weights),
     (["nomes", "treinar", *TINY_NAMES], _poison_loss),
     (["extenso", "treinar", *TINY_AMOUNTS], _poison_weights)],
    ids=["nomes, pesos nan", "nomes, perda nan", "extenso, pesos nan"],
)
def test_diverged_training_writes_nothing(inputs, tmp_path, capsys, monkeypatch, command, poison):
    """Um treino que terminou com nan ou infinito não grava checkpoint e não sai com 0."""
    real_fit = training.fit

    def diverging_fit(model, *args, **kwargs):
        history = real_fit(model, *args, **kwargs)
        poison(model, history)
        return history

    monkeypatch.setattr(training, "fit", diverging_fit)
    output = tmp_path / "m.pt"
    data = ["--dados", str(inputs / "nomes.txt")] if command[0] == "nomes" else []
    err = _error(capsys, [*command, *data, "--saida", str(output)])
    assert "O treino divergiu" in err and "--taxa menor" in err
    assert not output.exists()


# --- 3. Toda opção numérica tem uma faixa, na mensagem e na ajuda ------------------------------

SEED_TOO_BIG = "99999999999999999999999"
RANGES = [
    (["nomes", "treinar"], "--semente", SEED_TOO_BIG, "de 0 a 4.294.967.295"),
    (["nomes", "treinar"], "--semente", "-1", "de 0 a 4.294.967.295"),
    (["nomes", "treinar"], "--taxa", "inf", "maior que 0 e até 1"),
    (["nomes", "treinar"], "--taxa", "1e308", "maior que 0 e até 1"),
    (["nomes", "treinar"], "--taxa", "nan", "maior que 0 e até 1"),
    (["nomes", "treinar"], "--tamanho", "1000000000", str(HIDDEN_RANGE)),
    (["nomes", "treinar"], "--lote", "1000000000", str(BATCH_RANGE)),
    (["nomes", "treinar"], "--epocas", "0", "de 1 a 10.000"),
    (["nomes", "treinar"], "--segundos", "inf", str(SECONDS_RANGE)),
    (["nomes", "treinar-classificador"], "--semente", SEED_TOO_BIG, "4.294.967.295"),
    (["nomes", "gerar"], "--semente", SEED_TOO_BIG, "4.294.967.295"),
    (["nomes", "gerar"], "--temperatura", "1e-300", str(TEMPERATURE_RANGE)),
    (["nomes", "gerar"], "--temperatura", "1e-45", str(TEMPERATURE_RANGE)),
    (["nomes", "gerar"], "--quantos", "99999999999", str(COUNT_RANGE)),
    (["nomes", "gerar"], "--top-k", "0", str(TOP_K_RANGE)),
    (["extenso", "treinar"], "--semente", SEED_TOO_BIG, "4.294.967.295"),
    (["extenso", "treinar"], "--atualizacoes", "1000000000000", str(UPDATES_RANGE)),
    (["extenso", "escrever", "12,50"], "--feixe", "99999999999", str(BEAM_RANGE)),
    (["bolsa", "avaliar"], "--semente", SEED_TOO_BIG, "4.294.967.295"),
    (["bolsa", "avaliar"], "--janela", "0", str(WINDOW_RANGE)),
    (["bolsa", "avaliar"], "--epocas", "1e3", str(BOLSA_EPOCHS)),
    (["bolsa", "avaliar"], "--walk-forward", "1", str(FOLDS_RANGE)),
]


@pytest.mark.parametrize(("command", "option", "value", "limits"), RANGES,
                         ids=[f"{' '.join(c)} {o} {v[:12]}" for c, o, v, _ in RANGES])
def test_numeric_options_have_a_documented_range(inputs, capsys, command, option, value, limits):
    """Recusado ao ler os argumentos (antes de tudo), com a faixa na mensagem e no --help."""
    err = _error(capsys, [*command, option, value])
    assert option in err and limits in err and repr(value) in err
    assert _run([*command[:2], "--help"]) == 0
    assert limits in " ".join(capsys.readouterr().out.split())  # a ajuda quebra linhas


def test_a_number_with_thousands_of_digits_is_shown_cut(inputs, capsys):
    err = _error(capsys, ["nomes", "gerar", "--semente", "9" * 5000])
    assert "de 0 a 4.294.967.295; recebi '" + "9" * 20 + "…'" in err and len(err) < 300


def test_amount_with_too_many_digits(inputs, capsys):
    err = _error(capsys, ["extenso", "escrever", "9" * 5000, "--checkpoint", "nada.pt"])
    assert "5.000 dígitos (no máximo 20)" in err and "R$ 999.999,99" in err


def test_temperature_zero_is_greedy(inputs, capsys):
    checkpoint = inputs / "nomes.pt"
    capsys.readouterr()
    assert main(["nomes", "gerar", "--checkpoint", str(checkpoint), "--temperatura", "0",
                 "--quantos", "3", "--prefixo", "jo"]) == 0
    model, vocab = load_name_model(checkpoint)
    assert capsys.readouterr().out.split() == [greedy_name(model, vocab, "jo")] * 3


# --- 5. O CSV do bolsa -------------------------------------------------------------------------

def _edit_csv(folder: Path, edit) -> Path:
    frame = pd.read_csv(folder / "precos.csv", dtype=str)
    edit(frame)
    path = folder.parent / "editado.csv"
    frame.to_csv(path, index=False)
    return path


def _set(column: str, row: int, value: str):
    def edit(frame):
        frame.loc[row, column] = value
    return edit


def _mixed_zones(frame):
    frame["data"] = [d + ("T10:00:00+00:00" if i % 2 else "T10:00:00-03:00")
                     for i, d in enumerate(frame["data"])]


CSV_CASES = {
    "infinito": (_set("preco", 100, "inf"), [], "Valor infinito na coluna 'preco', linha 102"),
    "menos infinito": (_set("preco", 5, "-inf"), [], "Valor infinito"),
    "estoura o float": (_set("preco", 7, "1e400"), [], "Valor infinito"),
    "fusos misturados": (_mixed_zones, [], "misturam fusos horários"),
    "data fora da faixa": (_set("data", 3, "1500-01-01"), [], "fora da faixa aceita, de 1678"),
    "dobras demais": (lambda frame: None, ["--walk-forward", "50", "--janela", "40"],
                      "A primeira dobra da validação em 50 partes"),
}


@pytest.mark.parametrize("case", CSV_CASES)
def test_bad_csv(inputs, capsys, case):
    edit, options, message = CSV_CASES[case]
    path = _edit_csv(inputs, edit)
    err = _error(capsys, ["bolsa", "avaliar", "--csv", str(path), "--epocas", "1", *options])
    assert message in err
    assert "Teste (RMSE" not in capsys.readouterr().out  # recusado antes de treinar


def test_more_folds_than_rows_is_refused(inputs, capsys):
    """1.000 dobras em 300 linhas: a mensagem diz quantos valores há, sem o erro do sklearn."""
    err = _error(capsys, ["bolsa", "avaliar", "--csv", str(inputs / "precos.csv"),
                          "--walk-forward", "1000"])
    assert "argumento --walk-forward" in err  # a faixa documentada (de 2 a 50) recusa antes


@pytest.mark.slow
def test_a_large_csv_works(tmp_path, capsys):
    """200 mil linhas diárias (de 1700 a 2247): lido e avaliado, com o treino mais curto."""
    rng = np.random.default_rng(3)
    dates = pd.date_range("1700-01-01", periods=200_000, freq="D")
    prices = 50 * np.exp(np.cumsum(rng.normal(0, 0.001, len(dates))))
    path = tmp_path / "grande.csv"
    pd.DataFrame({"data": dates.strftime("%Y-%m-%d"), "preco": prices}).to_csv(path, index=False)
    threads = torch.get_num_threads()
    try:
        assert main(["bolsa", "avaliar", "--csv", str(path), "--janela", "2", "--epocas", "1"]) == 0
    finally:
        torch.set_num_threads(threads)
    assert "200.000 dias" in capsys.readouterr().out


# --- 6. O terminal -----------------------------------------------------------------------------

def _generate_argv(folder: Path) -> list[str]:
    return ["nomes", "gerar", "--checkpoint", str(folder / "nomes.pt"), "--quantos", "10"]


def test_closed_pipe_exits_quietly(inputs, monkeypatch):
    """Quem lia a saída a fechou (``| head -1``): código 141 e nada em stderr."""
    read, write = os.pipe()
    os.close(read)
    stdout = open(write, "w", encoding="utf-8")  # noqa: SIM115 - main a fecha ao silenciar
    errors = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", errors)
    assert main(_generate_argv(inputs)) == 141
    assert errors.getvalue() == ""
    stdout.close()


def test_full_disk_on_stdout_is_one_line(inputs, monkeypatch):
    """``> /dev/full``: uma linha, código 1."""
    if not Path("/dev/full").exists():
        pytest.skip("sem /dev/full")
    errors = io.StringIO()
    with open("/dev/full", "w", encoding="utf-8") as full:
        monkeypatch.setattr(sys, "stdout", full)
        monkeypatch.setattr(sys, "stderr", errors)
        assert main(_generate_argv(inputs)) == 1
    assert errors.getvalue() == ("recorrente: erro: não consegui escrever na saída padrão: "
                                 "não há espaço no disco.\n")


def _ascii_streams(monkeypatch) -> tuple[io.BytesIO, io.BytesIO]:
    """Troca stdout e stderr por fluxos ASCII estritos, como ``PYTHONIOENCODING=ascii``."""
    out, err = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(out, encoding="ascii"))
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(err, encoding="ascii"))
    return out, err


ASCII_CASES = {
    "treinar": (lambda f: ["nomes", "treinar", "--dados", str(f / "nomes.txt"), *TINY_NAMES,
                           "--saida", str(f.parent / "a.pt")], 0, "out", "parametros"),
    "ajuda": (lambda f: ["nomes", "treinar", "--help"], 0, "out", "padrao: 128"),
    "erro": (lambda f: ["nomes", "gerar", "--checkpoint", "falta.pt"], 2, "err", "nao existe"),
    "nome com acento": (lambda f: ["nomes", "classificar", "João", "--checkpoint",
                                   str(f / "nomes.pt")], 2, "err", "nao de um classificador"),
}


@pytest.mark.parametrize("case", ASCII_CASES)
def test_ascii_terminal_drops_accents(inputs, monkeypatch, case):
    """Num terminal ASCII, a saída sai sem acentos ("não" vira "nao"), em vez de um traceback."""
    argv, code, stream, text = ASCII_CASES[case]
    out, err = _ascii_streams(monkeypatch)
    assert _run(argv(inputs)) == code
    sys.stdout.flush(), sys.stderr.flush()
    written = {"out": out, "err": err}[stream].getvalue().decode("ascii")
    assert text in " ".join(written.split())
    assert "Traceback" not in err.getvalue().decode("ascii")


def test_pipe_to_head_in_an_ascii_terminal(inputs):
    """O caso de verdade, num processo: ``PYTHONIOENCODING=ascii recorrente nomes gerar | head -1``.

    Nada em stderr (nem o ``BrokenPipeError`` nem o ``UnicodeEncodeError`` de antes), e a
    linha que chega é ASCII.
    """
    command = f"{sys.executable} -m recorrente nomes gerar --checkpoint nomes.pt " \
              "--quantos 4000 | head -1"  # uns 95 KB: mais que os 64 KB do buffer do pipe
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONIOENCODING": "ascii"}
    result = subprocess.run(["bash", "-c", command], capture_output=True, cwd=inputs, env=env,
                            timeout=120, check=False)
    assert result.returncode == 0 and result.stdout.count(b"\n") == 1
    assert result.stdout.isascii()
    assert result.stderr == b""
