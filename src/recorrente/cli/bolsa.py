"""``recorrente bolsa``: avaliar previsões de preço com linhas de base e uma LSTM.

Exemplo (na linha de comando)::

    recorrente bolsa avaliar --epocas 10
    recorrente bolsa avaliar --csv precos.csv --coluna-data Date --coluna-preco Close
"""

from __future__ import annotations

import argparse

from recorrente.cli import positive_int
from recorrente.errors import InputError

__all__ = ["register", "run_evaluate"]


def register(subparsers) -> None:
    """Registra ``bolsa avaliar``."""
    bolsa = subparsers.add_parser(
        "bolsa",
        help="previsão de preços: linhas de base contra uma LSTM",
        description="Previsão de preços diários com avaliação honesta (divisão cronológica).",
    )
    commands = bolsa.add_subparsers(title="comandos", dest="acao", metavar="AÇÃO")
    avaliar = commands.add_parser(
        "avaliar",
        help="compara persistência, média móvel, AR linear e LSTM no teste",
        description=(
            "Treina uma LSTM nas janelas de treino (escalonador ajustado só no treino), "
            "compara com as linhas de base no trecho final da série e imprime RMSE, MAE, "
            "MAPE e acerto de direção na unidade original. Sem --csv, usa o S&P 500 "
            "(1999-2018) que vem com o pacote arch."
        ),
    )
    avaliar.add_argument("--csv", help="CSV com uma coluna de datas e uma de preços")
    avaliar.add_argument("--coluna-data", default="data", help="nome da coluna de datas")
    avaliar.add_argument("--coluna-preco", default="preco", help="nome da coluna de preços")
    avaliar.add_argument("--janela", type=positive_int, default=20, help="dias em cada janela")
    avaliar.add_argument("--epocas", type=positive_int, default=20, help="épocas máximas de treino")
    avaliar.add_argument(
        "--walk-forward",
        type=positive_int,
        default=None,
        metavar="DOBRAS",
        help="também avalia em DOBRAS blocos que avançam no tempo (pelo menos 2)",
    )
    avaliar.add_argument("--semente", type=int, default=0, help="semente dos pesos e dos lotes")
    avaliar.set_defaults(func=run_evaluate)
    bolsa.set_defaults(func=lambda args: bolsa.print_help() or 0)


def run_evaluate(args: argparse.Namespace) -> int:
    """Executa ``bolsa avaliar`` e imprime as tabelas."""
    import torch

    from recorrente.data.prices import load_price_csv, load_sp500

    if args.walk_forward is not None and args.walk_forward < 2:
        raise InputError("--walk-forward precisa de pelo menos 2 dobras.")
    if args.csv:
        prices = load_price_csv(
            args.csv,
            date_column=args.coluna_data,
            price_column=args.coluna_preco,
            min_rows=args.janela + 30,
        )
        source = args.csv
    else:
        prices = load_sp500()
        source = "S&P 500 (arch), fechamento ajustado"
    torch.manual_seed(args.semente)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # rede pequena: uma thread evita a disputa entre núcleos
    try:
        return _report(args, prices, source)
    finally:
        torch.set_num_threads(threads)


def _report(args: argparse.Namespace, prices, source: str) -> int:
    """Imprime a divisão, a tabela do teste e, se pedido, o walk-forward."""
    import pandas as pd

    from recorrente.forecasting import chronological_split, compare_models, walk_forward

    split = chronological_split(len(prices), args.janela)
    dates = prices.index
    print(f"Série: {source}, {len(prices)} dias, janela de {args.janela}.")
    print(
        f"Treino até {dates[split.train_end - 1].date()}, validação até "
        f"{dates[split.val_end - 1].date()}, teste de {dates[split.val_end].date()} "
        f"a {dates[-1].date()} ({split.end - split.val_end} dias)."
    )
    table = compare_models(
        prices.to_numpy(),
        args.janela,
        split=split,
        epochs=args.epocas,
        seed=args.semente,
        progress=True,
    )
    with pd.option_context("display.float_format", "{:.3f}".format, "display.width", 120):
        print("\nTeste (unidade original; direção e alta em %):")
        print(table.to_string(na_rep="—"))
        if args.walk_forward:
            folds = walk_forward(
                prices.to_numpy(),
                args.janela,
                n_splits=args.walk_forward,
                epochs=args.epocas,
                seed=args.semente,
                progress=True,
            )
            print(f"\nWalk-forward em {args.walk_forward} dobras (RMSE no teste de cada dobra):")
            summary = folds.drop(columns="inicio_teste").agg(["mean", "std"]).T
            folds["inicio_teste"] = [str(dates[i].date()) for i in folds["inicio_teste"]]
            print(folds.to_string())
            summary.columns = ["média", "desvio"]
            print(summary.to_string())
    return 0
