"""Capítulo 4: a comparação RNN simples × LSTM × GRU na tarefa de memória, com outras sementes.

Não copia o experimento: executa o próprio código do capítulo (as células de código de
``docs/capitulos/04_lstm_gru.py``, lidas pelo jupytext) com outra base de sementes
(``RECORRENTE_SEMENTE_BASE``) e no caminho numérico do livro, e lê as tabelas das variáveis
que o capítulo calculou: o acerto de cada rede em cada distância (``acertos``) e as portas das
LSTMs treinadas (``portas_tabela``). O capítulo usa ``seeds(3)``, as sementes 0, 1 e 2; com a
base 3, a rodada usa 3, 4 e 5, e o texto do capítulo cita esta rodada para dizer quais
conclusões se mantêm com outras sementes. Grava ``benchmarks/resultados/memoria.md``.

Uso::

    python benchmarks/memoria.py            # base 3: sementes 3, 4 e 5
    python benchmarks/memoria.py --base 0   # as do livro (a mesma tabela do capítulo)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from pathlib import Path

from recorrente.reproducibility import NUMERIC_PATH, SEED_BASE_VARIABLE

os.environ.update(NUMERIC_PATH)  # antes de o torch carregar, como no passo das páginas

import jupytext  # noqa: E402
import torch  # noqa: E402

from recorrente.formatting import mean_range, num  # noqa: E402

CHAPTER = Path(__file__).resolve().parents[1] / "docs" / "capitulos" / "04_lstm_gru.py"


def run_chapter(base: int) -> dict:
    """Executa as células de código do capítulo com a base ``base``; devolve as variáveis dele."""
    os.environ[SEED_BASE_VARIABLE] = str(base)
    namespace: dict = {"__name__": "capitulo_04"}
    for number, cell in enumerate(jupytext.read(CHAPTER).cells, start=1):
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{CHAPTER.name}, célula {number}", "exec"), namespace)
    return namespace


def markdown(chapter: dict, base: int, seconds: float) -> str:
    """As duas tabelas do capítulo em Markdown, com a máquina, a data e o comando."""
    distances, networks, accuracies = chapter["distancias"], chapter["redes"], chapter["acertos"]
    lines = [
        "# Benchmark: tarefa de memória (capítulo 4)",
        "",
        f"Gerado por `python benchmarks/memoria.py --base {base}` (sementes "
        f"{', '.join(map(str, chapter['sementes']))}) em {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}"
        f" UTC, torch {torch.__version__}, {os.cpu_count()} núcleos, 1 thread; "
        f"{num(seconds, 0)} s de CPU para o capítulo inteiro.",
        "",
        "Acerto: média (menor–maior) nas sementes; treino = as últimas 512 sequências vistas.",
        "",
        "| rede | acerto | " + " | ".join(f"T = {d}" for d in distances) + " |",
        "|---|---|" + "---:|" * len(distances),
    ]
    for name in networks:
        for phase in ("treino", "teste"):
            cells = [mean_range(accuracies[name, phase][d], 2) for d in distances]
            lines.append(f"| {name} | {phase} | " + " | ".join(cells) + " |")
    gates = chapter["portas_tabela"]
    lines += [
        "",
        "Portas das LSTMs, em 200 sequências de teste (a tabela do capítulo, agrupada pelo "
        "resultado):",
        "",
        "| " + " | ".join([*gates.index.names, *gates.columns]) + " |",
        "|---|---|---|" + "---:|" * len(gates.columns),
    ]
    for key, row in gates.iterrows():
        lines.append("| " + " | ".join(str(v) for v in [*key, *row]) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=3, help="base das sementes (padrão: 3)")
    parser.add_argument("--saida", type=Path, default=Path(__file__).parent / "resultados")
    args = parser.parse_args()
    start = time.process_time()
    chapter = run_chapter(args.base)
    text = markdown(chapter, args.base, time.process_time() - start)
    args.saida.mkdir(parents=True, exist_ok=True)
    (args.saida / "memoria.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
