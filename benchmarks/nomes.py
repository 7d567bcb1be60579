"""Benchmark do capítulo 6: vazão de treino de modelos de nomes e NLL num orçamento de tempo.

Mede nomes por segundo (ida + volta + passo do otimizador) para:

- o laço ingênuo, um nome por vez e uma letra por chamada (lote 1);
- o laço em lotes do pacote, com ``nn.RNN``, ``nn.GRU`` e ``nn.LSTM``;
- o desdobramento do pacote (``recorrente.recurrent.Recurrent`` sobre as células do livro),
  se o módulo existir;
- o mesmo em CUDA, se houver GPU;

e a NLL de validação que uma GRU atinge num orçamento fixo de segundos. Grava
``benchmarks/resultados/nomes.md`` e ``nomes.json``.

Uso::

    python benchmarks/nomes.py                 # padrão: orçamento de 30 s
    python benchmarks/nomes.py --segundos 60 --saida /tmp/resultados
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import time
from pathlib import Path

import torch

from recorrente.data.names import CharVocab, NameBatches, census_split
from recorrente.models import SequenceModel
from recorrente.training import TrainConfig, evaluate, fit

HIDDEN, EMBEDDING, BATCH = 128, 32, 256


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "desconhecida"


def make_model(vocab: CharVocab, kind: str, device: str, from_cells: bool = False):
    torch.manual_seed(0)
    model = SequenceModel(len(vocab), len(vocab), HIDDEN, kind, embedding_size=EMBEDDING)
    if from_cells:
        from recorrente.recurrent import Recurrent

        model.rnn = Recurrent.from_torch(model.rnn)
    return model.to(device)


def per_name_throughput(vocab, names, device) -> float:
    """O laço ingênuo: um passo do otimizador por nome, uma letra por chamada (lote 1)."""
    model = make_model(vocab, "gru", device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    start = time.perf_counter()
    for name in names:
        ids = [0, *vocab.encode(name), 0]
        state, loss = None, 0.0
        for t in range(len(ids) - 1):
            logits, state = model.step(torch.tensor([[ids[t]]], device=device), state)
            target = torch.tensor([ids[t + 1]], device=device)
            loss = loss + torch.nn.functional.cross_entropy(logits, target)
        optimizer.zero_grad()
        (loss / (len(ids) - 1)).backward()
        optimizer.step()
    if device == "cuda":
        torch.cuda.synchronize()
    return len(names) / (time.perf_counter() - start)


def batched_throughput(vocab, names, kind, device, from_cells=False) -> float:
    model = make_model(vocab, kind, device, from_cells)
    batches = [(x.to(device), y.to(device)) for x, y in NameBatches(names, vocab, BATCH,
                                                                     shuffle=True)]
    fit(model, batches[:1], None, TrainConfig(max_epochs=1, progress=False))  # aquecimento
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    fit(model, batches, None, TrainConfig(max_epochs=1, progress=False))
    if device == "cuda":
        torch.cuda.synchronize()
    return len(names) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark do capítulo de nomes.")
    parser.add_argument("--segundos", type=float, default=30.0,
                        help="orçamento de treino da GRU para a NLL")
    parser.add_argument("--nomes-lote", type=int, default=4096,
                        help="nomes por medição em lote")
    parser.add_argument("--nomes-um-a-um", type=int, default=100,
                        help="nomes por medição do laço ingênuo")
    parser.add_argument("--saida", type=Path, default=Path(__file__).parent / "resultados")
    args = parser.parse_args()

    split = census_split()
    vocab = CharVocab.from_names(split.train)
    names = split.train[: args.nomes_lote]
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    try:
        import recorrente.recurrent  # noqa: F401

        has_cells = True
    except ImportError:
        has_cells = False

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    rows, notes = [], []
    for device in devices:
        speed = per_name_throughput(vocab, split.train[: args.nomes_um_a_um], device)
        rows.append({"dispositivo": device, "modelo": "GRU, um nome por vez (lote 1)",
                     "nomes/s": speed})
        print(rows[-1], flush=True)
        for kind in ("rnn", "gru", "lstm"):
            speed = batched_throughput(vocab, names, kind, device)
            rows.append({"dispositivo": device, "modelo": f"nn.{kind.upper()}, lotes de {BATCH}",
                         "nomes/s": speed})
            print(rows[-1], flush=True)
        if has_cells:
            speed = batched_throughput(vocab, names[:1024], "gru", device, from_cells=True)
            rows.append({"dispositivo": device,
                         "modelo": f"Recurrent(GRUCell) do livro, lotes de {BATCH}",
                         "nomes/s": speed})
            print(rows[-1], flush=True)
    if not has_cells:
        notes.append("recorrente.recurrent não existe nesta versão: desdobramento do livro pulado.")
    if "cuda" not in devices:
        notes.append("Sem GPU nesta máquina: só CPU.")

    # NLL que uma GRU atinge num orçamento fixo de tempo (CPU).
    model = make_model(vocab, "gru", "cpu")
    train = NameBatches(split.train, vocab, 512, shuffle=True, names_per_epoch=10_000)
    val = NameBatches(split.val, vocab, 2048)
    history = fit(model, train, NameBatches(split.val[:4000], vocab, 2048),
                  TrainConfig(lr=1e-2, max_epochs=1000, max_seconds=args.segundos,
                              progress=False))
    budget = {"segundos pedidos": args.segundos, "segundos gastos": round(history.seconds, 1),
              "nomes vistos": 10_000 * len(history.train_loss),
              "NLL validação": round(evaluate(model, val), 4)}
    print(budget, flush=True)

    base = next(r["nomes/s"] for r in rows if r["modelo"].startswith("GRU, um"))
    for row in rows:
        row["nomes/s"] = round(row["nomes/s"], 1)
        row["× um nome por vez"] = round(row["nomes/s"] / base, 1)
    machine = {
        "data": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_name(),
        "núcleos": os.cpu_count(),
        "threads do torch": torch.get_num_threads(),
        "carga média (1 min) no início": round(load, 2) if load else load,
        "carga média (1 min) no fim": round(os.getloadavg()[0], 2),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    args.saida.mkdir(parents=True, exist_ok=True)
    result = {"máquina": machine, "vazão": rows, "orçamento GRU": budget, "notas": notes,
              "config": {"hidden": HIDDEN, "embedding": EMBEDDING, "lote": BATCH,
                         "nomes em lote": len(names), "nomes um a um": args.nomes_um_a_um}}
    (args.saida / "nomes.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
    lines = ["# Benchmark: nomes (capítulo 6)", "",
             "Gerado por `python benchmarks/nomes.py`. Máquina: "
             + ", ".join(f"{k}: {v}" for k, v in machine.items()) + ".", "",
             f"Modelos com estado oculto {HIDDEN}, embedding {EMBEDDING}; vazão = nomes por "
             "segundo de treino (ida, volta e passo do AdamW). Numa máquina compartilhada, a "
             "carga média mostra quanto os números podem estar inflados.", "",
             "| dispositivo | modelo | nomes/s | × um nome por vez |", "|---|---|---:|---:|"]
    lines += [f"| {r['dispositivo']} | {r['modelo']} | {r['nomes/s']:.1f} | "
              f"{r['× um nome por vez']:.1f} |" for r in rows]
    lines += ["", "NLL de validação de uma GRU (lotes de 512, taxa 0,01) num orçamento de "
              f"{args.segundos:.0f} s: {budget['NLL validação']} nats/caractere "
              f"({budget['nomes vistos']} nomes vistos em {budget['segundos gastos']} s).", ""]
    lines += [f"- {note}" for note in notes]
    (args.saida / "nomes.md").write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
