"""``recorrente bolsa``: avaliar previsões de preço com linhas de base e uma LSTM.

Exemplo (na linha de comando)::

    recorrente bolsa avaliar --epocas 10
    recorrente bolsa avaliar --csv precos.csv --coluna-data Date --coluna-preco Close
"""

from __future__ import annotations

import argparse

from recorrente.cli import NumberRange, add_device, add_number, add_seed, device_of

__all__ = ["register", "run_evaluate"]

# As faixas das opções numéricas (na ajuda e nas mensagens de erro).
WINDOW_RANGE = NumberRange(1, 1000)
EPOCHS_RANGE = NumberRange(1, 1000)
FOLDS_RANGE = NumberRange(2, 50)


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
            "Treina uma LSTM nas janelas de treino (normalizador ajustado só no treino), "
            "compara com as linhas de base no trecho final da série e imprime RMSE, MAE, "
            "MAPE e acerto de direção na unidade original (pontos, no caso do índice). "
            "Sem --csv, usa o S&P 500 (1999-2018) que vem com o pacote arch."
        ),
    )
    avaliar.add_argument("--csv", help="CSV com uma coluna de datas e uma de preços")
    avaliar.add_argument("--coluna-data", default="data", help="nome da coluna de datas")
    avaliar.add_argument("--coluna-preco", default="preco", help="nome da coluna de preços")
    add_number(avaliar, "--janela", WINDOW_RANGE, "dias em cada janela", default=20)
    add_number(avaliar, "--epocas", EPOCHS_RANGE, "épocas máximas de treino", default=20)
    add_number(avaliar, "--walk-forward", FOLDS_RANGE, "também avalia em DOBRAS blocos que "
               "avançam no tempo", default=None, metavar="DOBRAS")
    add_seed(avaliar, "semente dos pesos e dos lotes")
    add_device(avaliar)
    avaliar.set_defaults(func=run_evaluate)
    bolsa.set_defaults(func=lambda args: bolsa.print_help() or 0)


def run_evaluate(args: argparse.Namespace) -> int:
    """Executa ``bolsa avaliar`` e imprime as tabelas."""
    import torch

    from recorrente.data.prices import load_price_csv, load_sp500
    from recorrente.forecasting import walk_forward_splits

    device = device_of(args)
    if args.csv:
        prices = load_price_csv(
            args.csv,
            date_column=args.coluna_data,
            price_column=args.coluna_preco,
            min_rows=args.janela + 30,
        )
        source, unit = args.csv, "unidades da série"
    else:
        prices = load_sp500()
        source, unit = "S&P 500 (arch), fechamento ajustado", "pontos do índice"
    if args.walk_forward:  # antes de treinar: dobras demais para a série são recusadas já
        walk_forward_splits(len(prices), args.janela, args.walk_forward)
    torch.manual_seed(args.semente)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # rede pequena: uma thread evita a disputa entre núcleos
    try:
        return _report(args, prices, source, unit, device)
    finally:
        torch.set_num_threads(threads)


def _day(timestamp) -> str:
    """Uma data como se escreve no Brasil (31/12/2018)."""
    return timestamp.strftime("%d/%m/%Y")


def _report(args: argparse.Namespace, prices, source: str, unit: str, device) -> int:
    """Imprime a divisão, a tabela do teste e, se pedido, o walk-forward."""
    from recorrente.forecasting import (
        chronological_split,
        compare_models,
        model_label,
        walk_forward,
    )
    from recorrente.formatting import num, text_table

    split = chronological_split(len(prices), args.janela)
    dates = prices.index
    print(f"Série: {source}, {num(len(prices), 0)} dias, janela de {args.janela}.")
    print(
        f"Treino até {_day(dates[split.train_end - 1])}, validação até "
        f"{_day(dates[split.val_end - 1])}, teste de {_day(dates[split.val_end])} "
        f"a {_day(dates[-1])} ({num(split.end - split.val_end, 0)} dias)."
    )
    table = compare_models(
        prices.to_numpy(),
        args.janela,
        split=split,
        epochs=args.epocas,
        seed=args.semente,
        progress=True,
        device=device,
    )
    print(f"\nTeste (RMSE e MAE em {unit}; MAPE, direção e alta em %):")
    decimals = {"RMSE": 2, "MAE": 2, "MAPE_%": 2, "direction_%": 1, "up_%": 1}
    print(text_table(table, decimals, labels=model_label))
    if args.walk_forward:
        folds = walk_forward(
            prices.to_numpy(),
            args.janela,
            n_splits=args.walk_forward,
            epochs=args.epocas,
            seed=args.semente,
            progress=True,
            device=device,
        )
        print(
            f"\nWalk-forward em {args.walk_forward} dobras "
            f"(RMSE no teste de cada dobra, em {unit}):"
        )
        summary = folds.drop(columns="test_start").agg(["mean", "std"]).T
        folds["test_start"] = [_day(dates[i]) for i in folds["test_start"]]
        print(text_table(folds, 2, labels=model_label))
        summary.columns = ["média", "desvio"]
        print(text_table(summary, 2, labels=model_label))
    return 0
