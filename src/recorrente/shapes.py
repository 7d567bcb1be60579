"""As formas e as contagens de ``nn.RNN``, ``nn.LSTM`` e ``nn.GRU``, medidas nos módulos de verdade.

É a fonte da página *Folha de consulta* do livro (``docs/referencia/folha.md``, preenchida
pelo ``hooks/cheat_sheet.py`` a cada build): cada forma da folha é conferida com as formas que
os módulos do PyTorch instalado devolvem, em várias combinações de camadas, direções e
``batch_first``, e cada expressão de "onde pegar o último estado" é executada e comparada com
``h_n``. Se o PyTorch mudar, o build para em vez de publicar uma folha errada.

Os símbolos são os do livro: ``T`` passos, ``N`` sequências no lote, ``I`` características por
passo, ``H`` o ``hidden_size``, ``L`` o ``num_layers``, ``D`` as direções (1 ou 2) e ``P`` o
``proj_size`` da LSTM.

Exemplo:
    >>> rows = shape_rows()
    >>> rows[0]["entrada x"], rows[0]["h_0 e h_n"], rows[0]["output"]
    ('(T, N, I)', '(L·D, N, H)', '(T, N, D·H)')
"""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from recorrente.errors import InputError
from recorrente.recurrent import final_states_in_output, split_states

__all__ = ["last_state_rows", "parameter_count", "shape_rows"]

#: Blocos de pesos por camada e direção: um por porta (a RNN simples tem um só).
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}

# Tamanhos distintos entre si (e dos produtos que aparecem), para a conferência não passar por
# coincidência: uma forma (L·D, N, H) trocada por (N, L·D, H) daria números diferentes.
_SIZES = {"T": 11, "N": 5, "I": 13, "H": 7, "P": 3}

#: Os layouts da entrada: nome na folha, ``batch_first`` e se há lote.
_LAYOUTS = [
    ("lote, batch_first=False", False, True),
    ("lote, batch_first=True", True, True),
    ("sem lote", False, False),
]


def parameter_count(
    mode: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bidirectional: bool = False,
    bias: bool = True,
    proj_size: int = 0,
) -> int:
    """Quantos parâmetros o módulo tem, pela fórmula da folha de consulta.

    Com ``G`` blocos (1 na RNN, 3 na GRU, 4 na LSTM), ``H_o = P`` se há ``proj_size`` e
    ``H`` se não, a camada ``l`` numa direção tem ``G·H·(I_l + H_o) + 2·β·G·H`` parâmetros, mais
    ``P·H`` da projeção, com ``I_0 = I``, ``I_l = D·H_o`` nas outras e ``β = 1`` se há viés.
    O total soma as ``L`` camadas e multiplica por ``D``.

    Parâmetros:
        mode: ``"RNN"``, ``"GRU"`` ou ``"LSTM"``.
        input_size: ``I``.
        hidden_size: ``H``.
        num_layers: ``L``.
        bidirectional: ``D = 2`` se ``True``.
        bias: se há vieses (``β``).
        proj_size: ``P`` (só na LSTM; 0 é sem projeção).

    Retorna:
        O número de parâmetros, igual a ``sum(p.numel() for p in módulo.parameters())``.

    Levanta:
        InputError: com um ``mode`` desconhecido, ou ``proj_size`` fora da LSTM.

    Exemplo:
        >>> from torch import nn
        >>> lstm = nn.LSTM(10, 20, num_layers=2, bidirectional=True, proj_size=5)
        >>> parameter_count("LSTM", 10, 20, 2, bidirectional=True, proj_size=5)
        5840
        >>> sum(p.numel() for p in lstm.parameters())
        5840
    """
    if mode not in GATES:
        raise InputError(f"mode precisa ser RNN, GRU ou LSTM; recebi {mode!r}.")
    if proj_size and mode != "LSTM":
        raise InputError("proj_size só existe na LSTM.")
    gates, directions = GATES[mode], 2 if bidirectional else 1
    out = proj_size or hidden_size
    total = 0
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else directions * out
        total += gates * hidden_size * (layer_input + out) + 2 * int(bias) * gates * hidden_size
        total += proj_size * hidden_size
    return directions * total


def _shape(template: str, sizes: dict[str, int]) -> tuple[int, ...]:
    """``"(L·D, N, H)"`` com os tamanhos de ``sizes`` → ``(L*D, N, H)`` em números."""
    return tuple(
        math.prod(sizes[s] for s in part.strip().split("·"))
        for part in template.strip("()").split(",")
    )


def _templates(batch_first: bool, batched: bool, proj: bool) -> dict[str, str]:
    out = "P" if proj else "H"
    seq = ("N", "T") if batch_first else ("T", "N")
    if not batched:
        seq = ("T",)
        state = "(L·D, {})"
    else:
        state = "(L·D, N, {})"
    return {
        "entrada x": f"({', '.join(seq)}, I)",
        "h_0 e h_n": state.format(out),
        "c_0 e c_n (LSTM)": state.format("H"),
        "output": f"({', '.join(seq)}, D·{out})",
    }


def shape_rows() -> list[dict[str, str]]:
    """As formas de entrada, estado e saída, conferidas com os módulos do PyTorch.

    Cada linha vale para ``nn.RNN``, ``nn.GRU`` e ``nn.LSTM`` (as três linhas do fim, só para a
    LSTM com ``proj_size=P``). Antes de devolver, constrói cada módulo com ``L`` de 1 a 3 e
    ``D`` de 1 e 2, roda uma entrada em cada layout e compara as formas de ``output``, ``h_n``
    e ``c_n`` com as da tabela (e passa um ``h_0``/``c_0`` com a forma da tabela).

    Retorna:
        Uma lista de dicionários: ``caso``, ``entrada x``, ``h_0 e h_n``,
            ``c_0 e c_n (LSTM)`` e ``output``, com as formas nos símbolos do livro.

    Levanta:
        AssertionError: se alguma forma do PyTorch não bate com a tabela.

    Exemplo:
        >>> [row["caso"] for row in shape_rows()][-1]
        'proj_size=P, sem lote'
    """
    rows = []
    generator = torch.Generator().manual_seed(0)
    for proj in (False, True):
        for name, batch_first, batched in _LAYOUTS:
            templates = _templates(batch_first, batched, proj)
            modes = ["LSTM"] if proj else ["RNN", "GRU", "LSTM"]
            for mode in modes:
                for layers in (1, 2, 3):
                    for directions in (1, 2):
                        _check(mode, layers, directions, batch_first, proj, templates, generator)
            case = f"proj_size=P, {name}" if proj else name
            rows.append({"caso": case, **templates})
    return rows


def _check(
    mode: str,
    layers: int,
    directions: int,
    batch_first: bool,
    proj: bool,
    templates: dict[str, str],
    generator: torch.Generator,
) -> None:
    sizes = {**_SIZES, "L": layers, "D": directions}
    kwargs: dict[str, Any] = {"num_layers": layers, "bidirectional": directions == 2}
    if proj:
        kwargs["proj_size"] = sizes["P"]
    module = getattr(nn, mode)(sizes["I"], sizes["H"], batch_first=batch_first, **kwargs)
    x = torch.randn(_shape(templates["entrada x"], sizes), generator=generator)
    h_0 = torch.zeros(_shape(templates["h_0 e h_n"], sizes))
    c_0 = torch.zeros(_shape(templates["c_0 e c_n (LSTM)"], sizes))
    with torch.no_grad():
        output, state = module(x, (h_0, c_0) if mode == "LSTM" else h_0)
    h_n, c_n = state if mode == "LSTM" else (state, None)
    where = f"{mode} L={layers} D={directions} batch_first={batch_first} proj={proj}"
    assert tuple(output.shape) == _shape(templates["output"], sizes), (where, output.shape)
    assert tuple(h_n.shape) == _shape(templates["h_0 e h_n"], sizes), (where, h_n.shape)
    if c_n is not None:
        assert tuple(c_n.shape) == _shape(templates["c_0 e c_n (LSTM)"], sizes), (where, c_n.shape)


#: Onde pegar o resumo de cada sequência para classificar (muitos para um), e o mesmo estado
#: dentro de ``output``. ``h_n`` é o ``h_n`` da LSTM (nunca ``c_n``). As expressões são
#: executadas por :func:`last_state_rows` e comparadas entre si.
_LAST_STATE = [
    ("unidirecional", False, True, False, "h_n[-1]", "output[:, -1]"),
    (
        "bidirecional",
        True,
        True,
        False,
        "torch.cat([h_n[-2], h_n[-1]], dim=-1)",
        "torch.cat([output[:, -1, :H], output[:, 0, H:]], dim=-1)",
    ),
    (
        "unidirecional, empacotada",
        False,
        True,
        True,
        "h_n[-1]",
        "output[torch.arange(N), lengths - 1]",
    ),
    (
        "bidirecional, empacotada",
        True,
        True,
        True,
        "torch.cat([h_n[-2], h_n[-1]], dim=-1)",
        "torch.cat([output[torch.arange(N), lengths - 1, :H], output[:, 0, H:]], dim=-1)",
    ),
]


def last_state_rows() -> list[dict[str, str]]:
    """Onde está o último estado para classificar, em ``h_n`` e em ``output``, conferido.

    Para cada caso (uni ou bidirecional, empacotada ou não, com ``batch_first=True``; sem ele,
    ``output[:, t]`` vira ``output[t]``), executa as duas
    expressões da tabela numa GRU e numa LSTM (com e sem ``proj_size``) de 1 e 3 camadas e
    compara os resultados entre si e com :func:`~recorrente.recurrent.split_states` e
    :func:`~recorrente.recurrent.final_states_in_output`. Com sequências empacotadas,
    ``output`` é o que ``pad_packed_sequence`` devolve; ``lengths`` são os tamanhos reais.

    Retorna:
        Uma lista de dicionários: ``caso``, ``em h_n`` e ``em output``, as expressões em Python.

    Levanta:
        AssertionError: se alguma expressão não dá o mesmo tensor que ``h_n``.

    Exemplo:
        >>> last_state_rows()[0]
        {'caso': 'unidirecional', 'em h_n': 'h_n[-1]', 'em output': 'output[:, -1]'}
    """
    generator = torch.Generator().manual_seed(0)
    sizes = _SIZES
    rows = []
    for case, bidirectional, batch_first, packed, in_state, in_output in _LAST_STATE:
        for mode, proj in (("GRU", 0), ("LSTM", 0), ("LSTM", sizes["P"])):
            for layers in (1, 3):
                extra = {"proj_size": proj} if proj else {}
                module = getattr(nn, mode)(
                    sizes["I"],
                    sizes["H"],
                    num_layers=layers,
                    bidirectional=bidirectional,
                    batch_first=batch_first,
                    **extra,
                )
                shape = (sizes["N"], sizes["T"]) if batch_first else (sizes["T"], sizes["N"])
                x = torch.randn(*shape, sizes["I"], generator=generator)
                lengths = torch.randint(1, sizes["T"] + 1, (sizes["N"],), generator=generator)
                lengths[0] = sizes["T"]
                with torch.no_grad():
                    if packed:
                        data = pack_padded_sequence(
                            x, lengths, batch_first=batch_first, enforce_sorted=False
                        )
                        output, state = module(data)
                        output, _ = pad_packed_sequence(output, batch_first=batch_first)
                    else:
                        output, state = module(x)
                h_n = state[0] if mode == "LSTM" else state
                names = {
                    "torch": torch,
                    "h_n": h_n,
                    "output": output,
                    "lengths": lengths,
                    "N": sizes["N"],
                    "H": proj or sizes["H"],
                }
                from_state = eval(in_state, names)  # as expressões da própria tabela
                from_output = eval(in_output, names)
                torch.testing.assert_close(from_state, from_output, rtol=0, atol=0)
                named = split_states(h_n, layers, bidirectional)
                ends = final_states_in_output(
                    output,
                    bidirectional,
                    batch_first=batch_first,
                    lengths=lengths if packed else None,
                )
                last = torch.cat([named[layers - 1, d] for d in range(len(ends))], dim=-1)
                torch.testing.assert_close(from_state, last, rtol=0, atol=0)
                torch.testing.assert_close(torch.cat(list(ends.values()), dim=-1), last)
        rows.append({"caso": case, "em h_n": in_state, "em output": in_output})
    return rows
