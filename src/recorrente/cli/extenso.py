"""``recorrente extenso``: treinar um modelo e escrever valores em reais por extenso."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import torch

from recorrente.cli import (
    NumberRange,
    add_device,
    add_number,
    add_training_output_options,
    check_training_output_options,
    device_of,
    save_trained,
)
from recorrente.errors import InputError
from recorrente.formatting import num, pct

__all__ = ["register"]

# As faixas das opções numéricas (na ajuda e nas mensagens de erro).
UPDATES_RANGE = NumberRange(1, 100_000)
HIDDEN_RANGE = NumberRange(2, 1024)
BATCH_RANGE = NumberRange(1, 8192)
BEAM_RANGE = NumberRange(1, 64)


def register(subparsers) -> None:
    """Registra ``extenso treinar`` e ``extenso escrever``."""
    from recorrente.data.amounts import MAX_CENTS, format_amount

    parser = subparsers.add_parser(
        "extenso",
        help="escreve valores em reais por extenso com sequência para sequência e atenção",
        description="Treina e usa o modelo do capítulo 8, que escreve o extenso de um valor "
        "(R$ 1.234,50 → mil duzentos e trinta e quatro reais e cinquenta centavos).",
    )
    commands = parser.add_subparsers(title="comandos", dest="acao", metavar="AÇÃO")

    train = commands.add_parser(
        "treinar",
        help="treina um modelo e grava o checkpoint",
        description="Treina o codificador-decodificador em valores até R$ 99.999,99 gerados "
        "pelo num2words e grava os pesos com a codificação e a faixa do treino.",
    )
    add_number(train, "--atualizacoes", UPDATES_RANGE, "atualizações (lotes) de treino",
               default=600)
    train.add_argument("--atencao", choices=["dot", "additive", "none"], default="dot",
                       help="atenção de produto escalar, aditiva ou nenhuma (padrão: dot)")
    add_number(train, "--tamanho", HIDDEN_RANGE, "tamanho do estado do decodificador, par",
               default=64)
    add_number(train, "--lote", BATCH_RANGE, "valores por lote", default=256)
    add_training_output_options(train, lr="0.005", output="extenso.pt")
    add_device(train)
    train.set_defaults(func=_train)

    write = commands.add_parser(
        "escrever",
        help="escreve um valor por extenso",
        description="Escreve o extenso de um valor com um modelo treinado. Aceita 1.234,50, "
        "1234,50, 1234,5 e 1234.50; recusa valores acima da faixa do treino do modelo. Se o "
        "modelo errar (comparado com o num2words), avisa e sai com código 1.",
    )
    write.add_argument("valor", help="o valor em reais, por exemplo 1.234,50 (de 0 a "
                       f"R$ {format_amount(MAX_CENTS)}; no máximo 20 dígitos)")
    write.add_argument("--checkpoint", type=Path, default=Path("extenso.pt"),
                       help="arquivo gravado por 'treinar' (padrão: extenso.pt)")
    add_number(write, "--feixe", BEAM_RANGE, "largura da busca em feixe; 1 é a busca gulosa",
               default=1)
    add_device(write)
    # "-1.234,50" é um valor (negativo, recusado com uma explicação), não uma opção.
    write._negative_number_matcher = re.compile(r"^-[\d.,]+$")
    write.set_defaults(func=_write)
    parser.set_defaults(func=lambda args: parser.print_help())


def _train(args: argparse.Namespace) -> int:
    from recorrente.data.amounts import (
        TRAIN_MAX_CENTS,
        AmountBatches,
        AmountVocab,
        amount_split,
        amount_words,
        format_amount,
    )
    from recorrente.seq2seq import Seq2Seq, exact_match
    from recorrente.spelling import save_amount_model, spell_amounts
    from recorrente.training import TrainConfig, fit

    device = device_of(args)
    check_training_output_options(args)
    if args.tamanho % 2:
        raise InputError(f"--tamanho precisa ser par (metade para cada sentido); "
                         f"recebi {args.tamanho}.")
    split, vocab = amount_split(), AmountVocab()
    torch.manual_seed(args.semente)
    model = Seq2Seq(vocab.num_chars, vocab.num_words, args.tamanho, attention=args.atencao)
    every = min(100, args.atualizacoes)
    batches = AmountBatches(split.train, vocab, args.lote, shuffle=True, num_batches=every,
                            seed=args.semente)
    config = TrainConfig(lr=args.taxa, max_epochs=-(-args.atualizacoes // every),
                         max_steps=args.atualizacoes, description=f"extenso ({args.atencao})")
    print(f"Treinando ({num(model.num_parameters(), 0)} parâmetros) em "
          f"{num(len(split.train), 0)} valores até R$ {format_amount(TRAIN_MAX_CENTS)}.")
    history = fit(model, batches, None, config, device=device)
    written = spell_amounts(model, split.test, vocab)
    accuracy = exact_match(written, [amount_words(c) for c in split.test])
    save_trained(args, model, history, lambda: save_amount_model(
        args.saida, model, TRAIN_MAX_CENTS, overwrite=args.sobrescrever))
    print(f"Acerto exato no teste ({num(len(split.test), 0)} valores nunca vistos): "
          f"{pct(accuracy)}; {num(history.steps, 0)} atualizações em {num(history.seconds, 0)} s. "
          f"Gravado em {args.saida}.")
    return 0


def _write(args: argparse.Namespace) -> int:
    from recorrente.data.amounts import MAX_CENTS, amount_words, format_amount, parse_amount
    from recorrente.spelling import load_amount_model, spell_amounts

    device = device_of(args)
    cents = parse_amount(args.valor)
    if cents > MAX_CENTS:
        raise InputError(f"R$ {format_amount(cents)} passa do maior valor aceito, "
                         f"R$ {format_amount(MAX_CENTS)}.")
    if not args.checkpoint.exists():
        raise InputError(f"O checkpoint {args.checkpoint} não existe; treine um com "
                         "'recorrente extenso treinar' ou indique outro com --checkpoint.")
    model, max_cents = load_amount_model(args.checkpoint, device=device)
    if cents > max_cents:
        raise InputError(
            f"R$ {format_amount(cents)} está acima da faixa do treino deste modelo (até "
            f"R$ {format_amount(max_cents)}); fora dela o modelo erra quase sempre (capítulo 8), "
            "então não escrevo."
        )
    written = spell_amounts(model, [cents], width=args.feixe)[0]
    print(written)
    right = amount_words(cents)
    if written != right:  # nunca errado em silêncio
        print(f"recorrente: aviso: o modelo errou este valor; o extenso certo é: {right}",
              file=sys.stderr)
        return 1
    return 0
