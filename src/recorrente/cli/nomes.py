"""``recorrente nomes``: modelos que geram nomes (cap. 6) e o classificador de nomes (cap. 5)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import torch

from recorrente.cli import (
    NumberRange,
    add_device,
    add_number,
    add_seed,
    add_training_output_options,
    check_training_output_options,
    device_of,
    save_trained,
)
from recorrente.errors import InputError
from recorrente.formatting import num, pct

__all__ = ["register"]

# As faixas das opções numéricas (na ajuda e nas mensagens de erro).
HIDDEN_RANGE = NumberRange(1, 1024)
EPOCHS_RANGE = NumberRange(1, 10_000)
SECONDS_RANGE = NumberRange(0, 7 * 24 * 3600, kind=float, open_low=True)  # uma semana
BATCH_RANGE = NumberRange(1, 8192)
COUNT_RANGE = NumberRange(1, 100_000)
TOP_K_RANGE = NumberRange(1, 1000)
#: Abaixo de 0,01 a divisão dos logits pode estourar o float32; 0 é a escolha gulosa.
TEMPERATURE_RANGE = NumberRange(0.01, 100, kind=float, zero=True)


def register(subparsers) -> None:
    """Registra os subcomandos de ``nomes``: os de geração e os do classificador."""
    parser = subparsers.add_parser(
        "nomes",
        help="gera e classifica nomes brasileiros com redes recorrentes de caracteres",
        description="Treina, amostra e avalia modelos de nomes (capítulo 6) e estima a fração "
        "feminina e masculina de um nome no Censo 2010 (capítulo 5).",
    )
    commands = parser.add_subparsers(title="comandos", dest="acao", metavar="AÇÃO")

    train = commands.add_parser(
        "treinar",
        help="treina um modelo e grava o checkpoint",
        description="Treina um modelo de caracteres nos nomes do Censo 2010 (ou num arquivo seu) "
        "e grava os pesos com o vocabulário.",
    )
    train.add_argument("--dados", type=Path, help="arquivo UTF-8 com um nome por linha "
                       "(padrão: nomes do Censo 2010 do IBGE)")
    train.add_argument("--modelo", choices=["rnn", "gru", "lstm"], default="gru",
                       help="tipo de rede recorrente (padrão: gru)")
    _add_training_options(train, size=128, epochs=5, batch=256, lr="0.003", output="nomes.pt")
    train.set_defaults(func=_train)

    gen = commands.add_parser("gerar", help="gera nomes com um checkpoint",
                              description="Sorteia nomes novos com um modelo treinado.")
    gen.add_argument("--checkpoint", type=Path, required=True, help="arquivo gravado por 'treinar'")
    add_number(gen, "--quantos", COUNT_RANGE, "quantos nomes gerar", default=10)
    add_number(gen, "--temperatura", TEMPERATURE_RANGE, "menor dá nomes mais comuns, maior "
               "mais ousados; 0 escolhe sempre o caractere mais provável, e todos os nomes saem "
               "iguais", default=1.0)
    add_number(gen, "--top-k", TOP_K_RANGE, "sorteia só entre os k caracteres mais prováveis",
               default=None, dest="top_k")
    gen.add_argument("--prefixo", default="", help="começo fixo dos nomes")
    add_seed(gen, "semente do sorteio")
    add_device(gen)
    gen.set_defaults(func=_generate)

    ev = commands.add_parser("avaliar", help="NLL por caractere de um checkpoint",
                             description="Mede a NLL média (nats por caractere, com o fim de "
                             "cada nome) no teste do censo ou num arquivo seu, com a "
                             "perplexidade (e elevado à NLL) e os bits por caractere.")
    ev.add_argument("--checkpoint", type=Path, required=True, help="arquivo gravado por 'treinar'")
    ev.add_argument("--dados", type=Path, help="arquivo UTF-8 com um nome por linha "
                    "(padrão: a parte de teste do censo)")
    add_device(ev)
    ev.set_defaults(func=_evaluate)

    fit_cls = commands.add_parser(
        "treinar-classificador",
        help="treina o classificador de nomes e grava o checkpoint",
        description="Treina uma rede recorrente que estima, para um primeiro nome, a fração "
        "das pessoas registradas no sexo feminino e no masculino no Censo 2010 (capítulo 5), "
        "com a mesma divisão de nomes do capítulo 6.",
    )
    fit_cls.add_argument("--modelo", choices=["rnn", "gru", "lstm"], default="gru",
                         help="tipo de rede recorrente (padrão: gru)")
    fit_cls.add_argument("--bidirecional", action="store_true",
                         help="lê o nome nos dois sentidos")
    _add_training_options(fit_cls, size=32, epochs=4, batch=512, lr="0.01",
                          output="classificador.pt")
    fit_cls.set_defaults(func=_train_classifier)

    cls = commands.add_parser(
        "classificar",
        help="estima a fração feminina e masculina de nomes",
        description="Estima, para cada nome, a fração das pessoas com esse nome registradas no "
        "sexo feminino e no masculino no Censo 2010. É uma estatística sobre o nome, não o "
        "gênero de uma pessoa.",
    )
    cls.add_argument("nomes", nargs="+", metavar="NOME", help="um ou mais primeiros nomes")
    cls.add_argument("--checkpoint", type=Path, required=True,
                     help="arquivo gravado por 'treinar-classificador'")
    add_device(cls)
    cls.set_defaults(func=_classify)
    parser.set_defaults(func=lambda args: parser.print_help())


def _add_training_options(
    parser: argparse.ArgumentParser, *, size: int, epochs: int, batch: int, lr: str, output: str
) -> None:
    """As opções comuns aos dois treinos, com os padrões de cada um."""
    add_number(parser, "--tamanho", HIDDEN_RANGE, "tamanho do estado oculto", default=size)
    add_number(parser, "--epocas", EPOCHS_RANGE, "número máximo de épocas", default=epochs)
    add_number(parser, "--segundos", SECONDS_RANGE,
               "orçamento de tempo; para na atualização que o ultrapassar", default=None)
    add_number(parser, "--lote", BATCH_RANGE, "nomes por lote", default=batch)
    add_training_output_options(parser, lr=lr, output=output)
    add_device(parser)


def _train(args: argparse.Namespace) -> int:
    from recorrente.data.names import (
        CharVocab,
        NameBatches,
        census_split,
        read_names_file,
        split_names,
    )
    from recorrente.generation import save_name_model
    from recorrente.models import SequenceModel
    from recorrente.training import TrainConfig, evaluate, fit

    device = device_of(args)
    check_training_output_options(args, [("--dados", args.dados)])
    if args.dados is None:
        split, source = census_split(), "censo"
    else:
        split, source = split_names(read_names_file(args.dados)), str(args.dados)
    vocab = CharVocab.from_names(split.train + split.val + split.test)
    torch.manual_seed(args.semente)
    model = SequenceModel(len(vocab), len(vocab), args.tamanho, args.modelo, embedding_size=32)
    train = NameBatches(split.train, vocab, args.lote, shuffle=True, seed=args.semente)
    val = NameBatches(split.val, vocab, 2048)
    config = TrainConfig(lr=args.taxa, max_epochs=args.epocas, max_seconds=args.segundos,
                         description=f"{args.modelo} {args.tamanho}")
    print(f"Treinando {args.modelo.upper()} ({num(model.num_parameters(), 0)} parâmetros) em "
          f"{num(len(split.train), 0)} nomes; validação: {num(len(split.val), 0)}.")
    history = fit(model, train, val, config, device=device)
    save_trained(args, model, history, lambda: save_name_model(
        args.saida, model, vocab, source, overwrite=args.sobrescrever))
    print(f"Modelo da época {history.best_epoch} (atualização {num(history.best_step, 0)} de "
          f"{num(history.steps, 0)}, a de menor perda de validação); NLL de validação "
          f"{num(evaluate(model, val))} nats/caractere; {num(history.seconds, 0)} s. "
          f"Gravado em {args.saida}.")
    return 0


def _generate(args: argparse.Namespace) -> int:
    from recorrente.generation import greedy_name, load_name_model, sample_names

    model, vocab = load_name_model(args.checkpoint, device=device_of(args))
    if args.temperatura == 0:  # o limite do sorteio quando a temperatura vai a zero
        names = [greedy_name(model, vocab, args.prefixo)] * args.quantos
    else:
        names = sample_names(model, vocab, args.quantos, temperature=args.temperatura,
                             top_k=args.top_k, prefix=args.prefixo, seed=args.semente)
    print("\n".join(names))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from recorrente.data.names import NameBatches, census_split, read_names_file
    from recorrente.generation import load_name_model
    from recorrente.training import evaluate

    model, vocab = load_name_model(args.checkpoint, device=device_of(args))
    if args.dados is None:
        names, label = census_split().test, "teste do censo"
    else:
        names, label = read_names_file(args.dados), str(args.dados)
    nll = evaluate(model, NameBatches(names, vocab, 2048))
    print(f"NLL em {label} ({num(len(names), 0)} nomes): {num(nll, 4)} nats por caractere "
          f"(perplexidade {num(math.exp(nll), 2)}; {num(nll / math.log(2), 3)} bits por caractere)")
    return 0


def _train_classifier(args: argparse.Namespace) -> int:
    from recorrente.classification import (
        female_shares,
        log_loss,
        name_accuracy,
        predict_shares,
        save_name_classifier,
    )
    from recorrente.data.names import (
        CharVocab,
        NameBatches,
        census_split,
        load_census_sex_counts,
    )
    from recorrente.models import NameClassifier
    from recorrente.training import TrainConfig, fit

    device = device_of(args)
    check_training_output_options(args)
    split, counts = census_split(), load_census_sex_counts()
    vocab = CharVocab.from_names(split.train + split.val + split.test)
    torch.manual_seed(args.semente)
    model = NameClassifier(len(vocab), args.tamanho, args.modelo, embedding_size=16,
                           bidirectional=args.bidirecional)
    train = NameBatches(split.train, vocab, args.lote, shuffle=True, seed=args.semente,
                        shares=female_shares(split.train, counts))
    val_shares = female_shares(split.val, counts)
    val = NameBatches(split.val, vocab, 4096, shares=val_shares)
    label = f"{args.modelo}{' bidirecional' if args.bidirecional else ''} {args.tamanho}"
    config = TrainConfig(lr=args.taxa, max_epochs=args.epocas, max_seconds=args.segundos,
                         description=label)
    print(f"Treinando o classificador {label} ({num(model.num_parameters(), 0)} parâmetros) em "
          f"{num(len(split.train), 0)} nomes; validação: {num(len(split.val), 0)}.")
    history = fit(model, train, val, config, device=device)
    save_trained(args, model, history, lambda: save_name_classifier(
        args.saida, model, vocab, overwrite=args.sobrescrever))
    predicted = predict_shares(model, split.val, vocab)
    print(f"Modelo da época {history.best_epoch} (atualização {num(history.best_step, 0)} de "
          f"{num(history.steps, 0)}); na validação, acerto por nome "
          f"{pct(name_accuracy(predicted, val_shares))}, log-loss "
          f"{num(log_loss(predicted, val_shares))} nats; {num(history.seconds, 0)} s. "
          f"Gravado em {args.saida}.")
    return 0


def _classify(args: argparse.Namespace) -> int:
    from recorrente.classification import load_name_classifier, predict_shares
    from recorrente.data.names import load_census_sex_counts, normalize_name, strip_accents

    model, vocab = load_name_classifier(args.checkpoint, device=device_of(args))
    names = []
    for text in args.nomes:
        name = normalize_name(text)
        if not name:
            raise InputError("Há um nome vazio; escreva pelo menos uma letra em cada nome.")
        if vocab.unknown(name) and not vocab.unknown(strip_accents(name)):
            name = strip_accents(name)  # o censo escreve os nomes sem acento: "joão" → "joao"
        names.append(name)
    predicted = predict_shares(model, names, vocab)
    counts = load_census_sex_counts()
    width = max(len(name) for name in names)
    print("Fração estimada das pessoas com o nome registradas em cada sexo (Censo 2010):")
    for name, p in zip(names, predicted, strict=True):
        if name in counts:
            female, male = counts[name]
            census = f"no censo: {pct(female / (female + male))} feminino, " \
                     f"{num(female + male, 0)} pessoas"
        else:
            census = "fora da lista do censo"
        print(f"  {name:{width}s}  {pct(p):>6s} feminino  {pct(1 - p):>6s} masculino  ({census})")
    return 0
