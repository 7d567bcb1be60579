"""Capítulo 4: a comparação RNN simples × LSTM × GRU na tarefa de memória, com outras sementes.

Repete, fora do livro, o experimento da seção "A comparação na tarefa de memória" com as
mesmas escolhas (estado 32, lotes novos de 32 sequências, 4 épocas de 100 lotes, AdamW com
taxa 0,01 e corte em 1,0, teste em 1.000 sequências da semente 2), para as sementes que se
pedir, e mede as portas das LSTMs treinadas com ``T = 10`` e ``T = 20`` como a seção "As portas
das LSTMs treinadas". O capítulo usa as sementes 0, 1 e 2; o texto cita esta rodada com 3, 4 e 5
para dizer quais conclusões se mantêm com outras sementes. Grava
``benchmarks/resultados/memoria.md``.

Uso::

    python benchmarks/memoria.py                    # sementes 3, 4 e 5
    python benchmarks/memoria.py --sementes 0 1 2   # as do livro (a mesma tabela do capítulo)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from functools import partial
from pathlib import Path

import torch

from recorrente.cells import LSTMCell, add_forget_bias
from recorrente.data.tasks import FreshBatches, TaskData, accuracy, memory_task
from recorrente.formatting import mean_range, num
from recorrente.models import SequenceModel
from recorrente.training import TrainConfig, fit

DISTANCIAS = (5, 10, 20, 40)
TAMANHO, LOTE, LOTES_POR_EPOCA, EPOCAS = 32, 32, 100, 4
REDES = {
    "RNN simples": ("rnn", 0.0),
    "LSTM": ("lstm", 0.0),
    "LSTM, viés de f +3": ("lstm", 3.0),
    "GRU": ("gru", 0.0),
}


def criar(tipo: str, vies_f: float, semente: int) -> SequenceModel:
    torch.manual_seed(semente)
    modelo = SequenceModel(8, 4, hidden_size=TAMANHO, kind=tipo)
    if vies_f:
        add_forget_bias(modelo.rnn, vies_f)
    return modelo


def ultimas_do_treino(tarefa, semente: int) -> TaskData:
    fluxo = FreshBatches(tarefa, LOTE, LOTES_POR_EPOCA * EPOCAS, seed=semente)
    x, y = (torch.cat(partes[-(512 // LOTE) :]) for partes in zip(*fluxo, strict=True))
    return TaskData(x, y, 8, 4)


@torch.no_grad()
def portas(modelo: SequenceModel, distancia: int) -> dict[str, float]:
    """f médio nas distrações, unidades com f > 0,9 em todas elas, i no sinal e nas distrações."""
    celula = LSTMCell(TAMANHO, TAMANHO).load_torch_weights(modelo.rnn)
    x = memory_task(200, distancia, seed=7).x
    entradas, estado, f, i = modelo.embedding(x), celula.initial_state(len(x)), [], []
    for t in range(x.size(1)):
        valores = celula.gate_values(entradas[:, t], estado)
        estado = (valores["h"], valores["c"])
        f.append(valores["f"])
        i.append(valores["i"])
    f_distr, i = torch.stack(f, dim=1)[:, 1:], torch.stack(i, dim=1)
    return {
        "f nas distrações": float(f_distr.mean()),
        "unidades com f > 0,9": float((f_distr > 0.9).all(dim=1).sum(dim=1).float().mean()),
        "i no sinal": float(i[:, 0].mean()),
        "i nas distrações": float(i[:, 1:].mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sementes", type=int, nargs="+", default=[3, 4, 5])
    parser.add_argument("--saida", type=Path, default=Path(__file__).parent / "resultados")
    args = parser.parse_args()
    torch.set_num_threads(1)
    acertos = {(n, f, d): [] for n in REDES for f in ("treino", "teste") for d in DISTANCIAS}
    linhas_portas = []
    inicio = time.process_time()
    for d in DISTANCIAS:
        teste = memory_task(1000, d, seed=2)
        tarefa = partial(memory_task, distance=d)
        for semente in args.sementes:
            visto = ultimas_do_treino(tarefa, 100 + semente)
            for nome, (tipo, vies_f) in REDES.items():
                modelo = criar(tipo, vies_f, semente)
                lotes = FreshBatches(tarefa, LOTE, LOTES_POR_EPOCA, seed=100 + semente)
                fit(modelo, lotes, None, TrainConfig(lr=1e-2, max_epochs=EPOCAS, progress=False))
                acertos[nome, "treino", d].append(accuracy(modelo, visto))
                acertos[nome, "teste", d].append(accuracy(modelo, teste))
                if tipo == "lstm" and d in (10, 20):
                    medidas = portas(modelo, d)
                    celulas = [num(acertos[nome, "teste", d][-1], 3)]
                    celulas += [num(v, 1 if "unidades" in k else 2) for k, v in medidas.items()]
                    celulas = [nome, str(d), str(semente), *celulas]
                    linhas_portas.append("| " + " | ".join(celulas) + " |")
    segundos = time.process_time() - inicio
    linhas = [
        "# Benchmark: tarefa de memória (capítulo 4)",
        "",
        f"Gerado por `python benchmarks/memoria.py --sementes {' '.join(map(str, args.sementes))}`"
        f" em {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, torch {torch.__version__}, "
        f"{os.cpu_count()} núcleos, 1 thread; {num(segundos, 0)} s de CPU.",
        "",
        "Acerto: média (menor–maior) nas sementes; treino = as últimas 512 sequências vistas.",
        "",
        "| rede | acerto | " + " | ".join(f"T = {d}" for d in DISTANCIAS) + " |",
        "|---|---|" + "---:|" * len(DISTANCIAS),
    ]
    for nome in REDES:
        for fase in ("treino", "teste"):
            celulas = [mean_range(acertos[nome, fase, d], 2) for d in DISTANCIAS]
            linhas.append(f"| {nome} | {fase} | " + " | ".join(celulas) + " |")
    linhas += [
        "",
        "Portas das LSTMs treinadas, em 200 sequências de teste (como no capítulo):",
        "",
        "| rede | T | semente | acerto no teste | f nas distrações | unidades com f > 0,9 "
        "| i no sinal | i nas distrações |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *linhas_portas,
    ]
    texto = "\n".join(linhas) + "\n"
    args.saida.mkdir(parents=True, exist_ok=True)
    (args.saida / "memoria.md").write_text(texto, encoding="utf-8")
    print(texto)


if __name__ == "__main__":
    main()
