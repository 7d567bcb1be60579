"""Desdobrar uma célula no tempo, empilhar camadas e ler nos dois sentidos.

:class:`Recurrent` faz com qualquer célula de :mod:`recorrente.cells` o que
``nn.RNN``, ``nn.LSTM`` e ``nn.GRU`` fazem: recebe a sequência inteira, aplica
a célula passo a passo, empilha ``num_layers`` camadas (a saída de uma é a
entrada da seguinte) e, com ``bidirectional=True``, roda uma segunda célula de
trás para a frente em cada camada e concatena as duas saídas.

O resultado tem o mesmo formato do PyTorch: ``(output, h_n)`` para RNN e GRU,
``(output, (h_n, c_n))`` para a LSTM, com ``h_n`` de forma ``(L*D, N, H)``
(camada ``l``, direção ``d`` na linha ``l*D + d``), qualquer que seja
``batch_first``. O único ponto em que o tipo da célula importa é o número de
tensores do estado (``cell.num_states``).

Sequências de tamanhos diferentes: com ``lengths``, os passos de
preenchimento não alteram o estado e a saída vale zero neles, exatamente o que
``pack_padded_sequence`` seguido de ``pad_packed_sequence(...,
total_length=T)`` produz.

*Dropout* entre camadas: com ``dropout > 0`` e o módulo em modo de treino, a
saída de cada camada menos a última passa por ``F.dropout``, como no PyTorch.
As máscaras sorteadas são outras, então o resultado só é idêntico ao do
PyTorch com ``dropout=0`` ou em modo de avaliação (``.eval()``).

Exemplo:
    >>> import torch
    >>> from torch import nn
    >>> _ = torch.manual_seed(0)
    >>> gru = nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    >>> mine = Recurrent.from_torch(gru)
    >>> x = torch.randn(5, 7, 3)  # 5 sequências, 7 passos, 3 características
    >>> out, h_n = mine(x)
    >>> out.shape, h_n.shape
    (torch.Size([5, 7, 8]), torch.Size([4, 5, 4]))
    >>> torch.testing.assert_close(out, gru(x)[0])
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from recorrente.cells import GRUCell, LSTMCell, RecurrentCell, RNNCell, State
from recorrente.errors import InputError

__all__ = ["Recurrent", "final_states_in_output", "split_states"]

#: ``module.mode`` do PyTorch → (classe da célula, argumentos extras).
_TORCH_MODES: dict[str, tuple[type[RecurrentCell], dict[str, Any]]] = {
    "RNN_TANH": (RNNCell, {"nonlinearity": "tanh"}),
    "RNN_RELU": (RNNCell, {"nonlinearity": "relu"}),
    "LSTM": (LSTMCell, {}),
    "GRU": (GRUCell, {}),
}


class Recurrent(nn.Module):
    """Rede recorrente de várias camadas, opcionalmente bidirecional, sobre uma célula.

    Parâmetros:
        cell_class: a classe da célula (:class:`~recorrente.cells.RNNCell`,
            :class:`~recorrente.cells.LSTMCell`, :class:`~recorrente.cells.GRUCell`).
        input_size: características por passo da entrada (``I``).
        hidden_size: tamanho do estado oculto (``H``).
        num_layers: camadas empilhadas (``L``).
        bias: se as células têm vieses.
        batch_first: entrada e saída em ``(N, T, ...)`` em vez de ``(T, N, ...)``.
        dropout: probabilidade de *dropout* na saída de cada camada, menos a última.
        bidirectional: se cada camada também lê a sequência de trás para a frente (``D=2``).
        **cell_kwargs: argumentos extras da célula, como ``nonlinearity="relu"``.

    Exemplo:
        >>> import torch
        >>> from recorrente.cells import LSTMCell
        >>> net = Recurrent(LSTMCell, 3, 4, num_layers=2, batch_first=True)
        >>> out, (h_n, c_n) = net(torch.zeros(5, 7, 3))  # 5 sequências de 7 passos
        >>> out.shape, h_n.shape, c_n.shape
        (torch.Size([5, 7, 4]), torch.Size([2, 5, 4]), torch.Size([2, 5, 4]))
        >>> out, _ = net(torch.ones(2, 7, 3), lengths=[7, 3])  # a 2ª tem só 3 passos
        >>> bool(out[1, 3:].eq(0).all())  # a saída é zero no preenchimento
        True
    """

    def __init__(
        self,
        cell_class: type[RecurrentCell],
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        *,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        **cell_kwargs: Any,
    ) -> None:
        super().__init__()
        if num_layers < 1:
            raise InputError(f"num_layers precisa ser pelo menos 1; recebi {num_layers}.")
        if not 0.0 <= dropout <= 1.0:
            raise InputError(f"dropout precisa estar entre 0 e 1; recebi {dropout}.")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.batch_first = batch_first
        self.dropout = dropout
        self.bidirectional = bidirectional
        self.num_directions = 2 if bidirectional else 1
        self.num_states = cell_class.num_states
        # Célula da camada l, direção d na posição l*D + d: a mesma ordem de h_n.
        self.cells = nn.ModuleList(
            cell_class(
                input_size if layer == 0 else hidden_size * self.num_directions,
                hidden_size,
                bias,
                **cell_kwargs,
            )
            for layer in range(num_layers)
            for _ in range(self.num_directions)
        )

    @classmethod
    def from_torch(cls, module: nn.RNNBase) -> Recurrent:
        """Cria uma rede com a configuração e os pesos de um ``nn.RNN``, ``nn.LSTM`` ou ``nn.GRU``.

        A rede nova fica no mesmo ``dtype`` e ``device`` do módulo e no mesmo modo
        (treino ou avaliação).

        Levanta:
            InputError: se o módulo não for RNN, LSTM ou GRU, ou se for uma LSTM com
                ``proj_size > 0`` (projeção do estado, que este módulo não implementa).
        """
        if not isinstance(module, nn.RNNBase) or module.mode not in _TORCH_MODES:
            raise InputError(
                f"from_torch aceita nn.RNN, nn.LSTM ou nn.GRU; recebi {type(module).__name__}."
            )
        if getattr(module, "proj_size", 0) > 0:
            raise InputError(
                "LSTM com proj_size > 0 não é suportada: o estado projetado tem outro tamanho "
                "e a célula não implementa a projeção. Use proj_size=0."
            )
        cell_class, cell_kwargs = _TORCH_MODES[module.mode]
        weight = module.weight_ih_l0
        net = cls(
            cell_class,
            module.input_size,
            module.hidden_size,
            module.num_layers,
            bias=module.bias,
            batch_first=module.batch_first,
            dropout=module.dropout,
            bidirectional=module.bidirectional,
            **cell_kwargs,
        ).to(dtype=weight.dtype, device=weight.device)
        for layer in range(net.num_layers):
            for direction in range(net.num_directions):
                net.cell(layer, direction).load_torch_weights(
                    module, layer=layer, reverse=direction == 1
                )
        return net.train(module.training)

    def cell(self, layer: int, direction: int = 0) -> RecurrentCell:
        """A célula da camada ``layer`` na direção ``direction`` (0: para a frente, 1: reversa)."""
        return self.cells[layer * self.num_directions + direction]

    def forward(
        self,
        x: Tensor,
        state: Tensor | tuple[Tensor, ...] | None = None,
        lengths: Tensor | list[int] | None = None,
    ) -> tuple[Tensor, Tensor | tuple[Tensor, ...]]:
        """Processa a sequência inteira e devolve ``(output, h_n)`` ou ``(output, (h_n, c_n))``.

        Parâmetros:
            x: ``(T, N, I)``, ``(N, T, I)`` com ``batch_first=True``, ou ``(T, I)`` sem lote.
            state: estado inicial: ``h_0`` (RNN, GRU) ou ``(h_0, c_0)`` (LSTM), cada um
                com forma ``(L*D, N, H)``, ou ``(L*D, H)`` sem lote. ``None``: zeros.
            lengths: tamanho real de cada sequência do lote (``N`` inteiros entre 1 e ``T``);
                os passos além dele são preenchimento e não mudam o estado.

        Retorna:
            output: as saídas da última camada, com forma ``(T, N, D*H)`` (ou
                ``(N, T, D*H)``, ou ``(T, D*H)``), zero nos passos de preenchimento.
            h_n: o estado final no formato do PyTorch, ``h_n`` ou ``(h_n, c_n)``, cada um
                sempre ``(L*D, N, H)``, nunca com o lote primeiro.
        """
        unbatched = x.dim() == 2
        if x.dim() not in (2, 3):
            raise InputError(
                f"A entrada precisa ter 2 dimensões (T, I) ou 3 (com o lote); recebi a forma "
                f"{tuple(x.shape)}."
            )
        if x.size(-1) != self.input_size:
            raise InputError(
                f"A entrada tem {x.size(-1)} características por passo, mas a rede espera "
                f"input_size={self.input_size}."
            )
        if unbatched:
            x = x.unsqueeze(1)
        elif self.batch_first:
            x = x.transpose(0, 1)
        steps, batch = x.shape[:2]
        states = self._initial_states(state, batch, unbatched, x)
        mask = self._step_mask(lengths, steps, batch, unbatched, x.device)

        final: list[State] = []
        layer_input = x
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(self.num_directions):
                index = layer * self.num_directions + direction
                out, last = self._unroll(
                    self.cells[index],
                    layer_input,
                    tuple(s[index] for s in states),
                    mask,
                    reverse=direction == 1,
                )
                outputs.append(out)
                final.append(last)
            layer_input = torch.cat(outputs, dim=-1) if len(outputs) > 1 else outputs[0]
            if self.dropout > 0 and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, self.training)

        output = layer_input
        finals = tuple(torch.stack([s[k] for s in final]) for k in range(self.num_states))
        if unbatched:
            output = output.squeeze(1)
            finals = tuple(f.squeeze(1) for f in finals)
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, finals[0] if self.num_states == 1 else finals

    @staticmethod
    def _unroll(
        cell: RecurrentCell, x: Tensor, state: State, mask: Tensor | None, reverse: bool
    ) -> tuple[Tensor, State]:
        """Aplica ``cell`` a cada passo de ``x`` ``(T, N, I)``; devolve saídas e estado final.

        Os passos saem de ``x.unbind()``: indexar ``x`` dentro do laço faria o *backward* de
        cada passo escrever um gradiente do tamanho de ``x`` inteiro, quadrático em ``T``.
        """
        steps = range(x.size(0) - 1, -1, -1) if reverse else range(x.size(0))
        outputs: list[Tensor] = [x.new_empty(0)] * x.size(0)
        inputs = x.unbind()  # um tensor por passo, sem indexar x dentro do laço
        for t in steps:
            new = cell(inputs[t], state)
            if mask is None:
                state = new
                outputs[t] = new[0]
            else:
                valid = mask[t]  # (N, 1): True onde o passo t é real
                state = tuple(torch.where(valid, n, s) for n, s in zip(new, state, strict=True))
                outputs[t] = torch.where(valid, new[0], torch.zeros_like(new[0]))
        return torch.stack(outputs), state

    def _initial_states(
        self,
        state: Tensor | tuple[Tensor, ...] | None,
        batch: int,
        unbatched: bool,
        x: Tensor,
    ) -> tuple[Tensor, ...]:
        """Normaliza o estado inicial para uma tupla de ``num_states`` tensores ``(L*D, N, H)``."""
        shape = (self.num_layers * self.num_directions, batch, self.hidden_size)
        if state is None:
            zeros = x.new_zeros(shape)
            return tuple(zeros for _ in range(self.num_states))
        if isinstance(state, Tensor):
            state = (state,)
        names = "h_0" if self.num_states == 1 else "(h_0, c_0)"
        if len(state) != self.num_states:
            raise InputError(
                f"Esta rede espera o estado inicial {names}, com {self.num_states} tensor(es); "
                f"recebi {len(state)}."
            )
        expected = (shape[0], shape[2]) if unbatched else shape
        result = []
        for s in state:
            if tuple(s.shape) != expected:
                raise InputError(
                    f"O estado inicial precisa ter a forma (L*D, N, H) = {expected}"
                    f"{' (sem lote)' if unbatched else ''}; recebi {tuple(s.shape)}. "
                    "Lembre que o estado nunca vem com o lote primeiro, mesmo com batch_first."
                )
            result.append(s.unsqueeze(1) if unbatched else s)
        return tuple(result)

    @staticmethod
    def _step_mask(
        lengths: Tensor | list[int] | None,
        steps: int,
        batch: int,
        unbatched: bool,
        device: torch.device,
    ) -> Tensor | None:
        """Máscara ``(T, N, 1)``: ``True`` nos passos reais de cada sequência."""
        if lengths is None:
            return None
        lengths = torch.as_tensor(lengths, device=device).reshape(-1)
        if unbatched:
            raise InputError("lengths só faz sentido com um lote; passe a entrada com 3 dimensões.")
        if lengths.numel() != batch:
            raise InputError(
                f"lengths precisa de um tamanho por sequência ({batch}); recebi {lengths.numel()}."
            )
        if lengths.min() < 1 or lengths.max() > steps:
            raise InputError(
                f"Cada tamanho em lengths precisa estar entre 1 e T={steps}; recebi "
                f"{lengths.tolist()}."
            )
        return (torch.arange(steps, device=device)[:, None] < lengths[None, :]).unsqueeze(-1)

    def extra_repr(self) -> str:
        return (
            f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
            f"batch_first={self.batch_first}, dropout={self.dropout}, "
            f"bidirectional={self.bidirectional}"
        )


def split_states(
    h_n: Tensor, num_layers: int, bidirectional: bool
) -> dict[tuple[int, int], Tensor]:
    """Dá nome às linhas de ``h_n`` (ou ``c_n``): ``(camada, direção)`` → estado final.

    O PyTorch empilha os estados finais numa só dimensão, ``L*D``, ordenada por camada e, dentro
    de cada camada, por direção: a linha ``l*D + d`` é a camada ``l`` (0 é a de baixo), direção
    ``d`` (0 para a frente, 1 para trás). Vale para RNN, LSTM (``h_n`` e ``c_n``, com ou sem
    ``proj_size``) e GRU, e não depende de ``batch_first``: o estado nunca traz o lote primeiro.

    Parâmetros:
        h_n: o estado final, ``(L*D, N, H)``, ou ``(L*D, H)`` sem lote.
        num_layers: o ``num_layers`` do módulo (``L``).
        bidirectional: o ``bidirectional`` do módulo (``D = 2`` se ``True``).

    Retorna:
        Um dicionário ``{(camada, direção): tensor}``, em ordem, cada tensor com forma
            ``(N, H)`` (ou ``(H,)`` sem lote). São vistas de ``h_n``, sem cópia.

    Levanta:
        InputError: se a primeira dimensão de ``h_n`` não é ``num_layers * D``.

    Exemplo:
        >>> import torch
        >>> from torch import nn
        >>> gru = nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True)
        >>> output, h_n = gru(torch.randn(5, 7, 3))  # 5 sequências de 7 passos
        >>> states = split_states(h_n, num_layers=2, bidirectional=True)
        >>> list(states)
        [(0, 0), (0, 1), (1, 0), (1, 1)]
        >>> states[1, 1].shape  # última camada, direção para trás: (N, H)
        torch.Size([5, 4])
        >>> summary = torch.cat([states[1, 0], states[1, 1]], dim=-1)  # para classificar
        >>> summary.shape
        torch.Size([5, 8])
    """
    directions = 2 if bidirectional else 1
    if h_n.dim() not in (2, 3) or h_n.size(0) != num_layers * directions:
        raise InputError(
            f"h_n precisa ter forma (L*D, N, H) ou (L*D, H) com L*D = {num_layers} × "
            f"{directions} = {num_layers * directions}; recebi {tuple(h_n.shape)}. Confira "
            "num_layers e bidirectional (e lembre que o estado nunca vem com o lote primeiro)."
        )
    return {
        (layer, direction): h_n[layer * directions + direction]
        for layer in range(num_layers)
        for direction in range(directions)
    }


def final_states_in_output(
    output: Tensor,
    bidirectional: bool,
    *,
    batch_first: bool = False,
    lengths: Tensor | list[int] | None = None,
) -> dict[int, Tensor]:
    """Onde o estado final da última camada aparece em ``output``: direção → tensor.

    A direção para a frente termina no último passo (``output[-1]``, ou no último passo real
    de cada sequência, com ``lengths``); a direção para trás lê a sequência ao contrário e
    termina no **primeiro** passo (``output[0]``). Cada direção ocupa uma metade da última
    dimensão de ``output``. Os tensores devolvidos são iguais a
    ``split_states(h_n, L, bidirectional)[L - 1, d]``.

    Parâmetros:
        output: a primeira saída do módulo, ``(T, N, D*H)``, ``(N, T, D*H)`` com
            ``batch_first=True``, ou ``(T, D*H)`` sem lote. Com sequências empacotadas, a saída
            de ``pad_packed_sequence``.
        bidirectional: o ``bidirectional`` do módulo.
        batch_first: o ``batch_first`` do módulo (só vale para entradas com lote).
        lengths: o tamanho real de cada sequência, quando o lote tem preenchimento.

    Retorna:
        ``{0: para a frente}`` ou ``{0: para a frente, 1: para trás}``, cada um
            ``(N, H)`` (ou ``(H,)`` sem lote).

    Levanta:
        InputError: se ``output`` não tem 2 ou 3 dimensões, se a última não se divide pelas
            direções, ou se ``lengths`` não combina com o lote.

    Exemplo:
        >>> import torch
        >>> from torch import nn
        >>> gru = nn.GRU(3, 4, num_layers=2, bidirectional=True, batch_first=True)
        >>> output, h_n = gru(torch.randn(5, 7, 3))
        >>> ends = final_states_in_output(output, bidirectional=True, batch_first=True)
        >>> states = split_states(h_n, num_layers=2, bidirectional=True)
        >>> torch.equal(ends[0], states[1, 0]), torch.equal(ends[1], states[1, 1])
        (True, True)
    """
    directions = 2 if bidirectional else 1
    if output.dim() not in (2, 3) or output.size(-1) % directions:
        raise InputError(
            f"output precisa ter forma (T, N, D*H), (N, T, D*H) ou (T, D*H), com a última "
            f"dimensão divisível por D = {directions}; recebi {tuple(output.shape)}."
        )
    hidden = output.size(-1) // directions
    if output.dim() == 3 and batch_first:
        output = output.transpose(0, 1)  # (T, N, D*H)
    steps = output.size(0)
    if lengths is None:
        last = output[-1]
    else:
        if output.dim() == 2:
            raise InputError("lengths só faz sentido com um lote; output tem 2 dimensões.")
        lengths = torch.as_tensor(lengths, device=output.device).reshape(-1)
        if lengths.numel() != output.size(1) or lengths.min() < 1 or lengths.max() > steps:
            raise InputError(
                f"lengths precisa de {output.size(1)} tamanhos entre 1 e T={steps}; recebi "
                f"{lengths.tolist()}."
            )
        last = output[lengths - 1, torch.arange(output.size(1), device=output.device)]
    ends = {0: last[..., :hidden]}
    if bidirectional:
        ends[1] = output[0][..., hidden:]
    return ends
