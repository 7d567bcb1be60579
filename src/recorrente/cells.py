"""Células recorrentes de um passo, escritas a partir das equações.

Cada célula recebe a entrada de um passo, ``x_t`` com forma ``(N, I)``, e o
estado anterior, uma tupla de tensores ``(N, H)``; devolve o novo estado, outra
tupla. O primeiro elemento do estado é sempre ``h_t``, a saída do passo. A RNN
simples e a GRU têm um só estado, ``(h,)``; a LSTM tem dois, ``(h, c)``. Com
essa interface única, o código que desdobra uma célula no tempo
(:mod:`recorrente.recurrent`) serve às três sem casos especiais.

Os pesos seguem a notação das equações do livro (``W_xh`` multiplica a entrada
pela direita, ``x_t @ W_xh``), que é a transposta do ``weight_ih_l0`` guardado
pelo PyTorch. :meth:`RecurrentCell.load_torch_weights` copia os pesos de um
``nn.RNN``, ``nn.LSTM`` ou ``nn.GRU`` (qualquer camada e direção) fazendo essa
transposição, de modo que a célula e o módulo do PyTorch calculem o mesmo.

Exemplo:
    >>> import torch
    >>> from torch import nn
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> rnn = nn.RNN(input_size=2, hidden_size=3)
    >>> cell = RNNCell(2, 3).load_torch_weights(rnn)
    >>> x = torch.randn(4, 2)  # 4 exemplos, 2 características
    >>> (h,) = cell(x, cell.initial_state(4))
    >>> _, h_n = rnn(x.unsqueeze(0))  # a mesma conta com um passo de tempo
    >>> torch.testing.assert_close(h, h_n[0])
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

State = tuple[Tensor, ...]
"""O estado de uma célula: ``(h,)`` na RNN e na GRU, ``(h, c)`` na LSTM; cada tensor ``(N, H)``."""

__all__ = [
    "GRUCell",
    "LSTMCell",
    "MinGRUCell",
    "MinLSTMCell",
    "MinimalCell",
    "RNNCell",
    "RecurrentCell",
    "SignedLinearCell",
    "State",
    "add_forget_bias",
    "log_positive",
    "positive",
]


class _Cell(nn.Module):
    """O que toda célula do livro tem: os tamanhos conferidos, os pesos uniformes e o estado zero.

    Cada subclasse cria os seus parâmetros depois de ``super().__init__`` e chama
    :meth:`reset_parameters`.
    """

    #: Quantos tensores formam o estado: 1 para ``(h,)``, 2 para ``(h, c)``.
    num_states: int = 1

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        if input_size < 1 or hidden_size < 1:
            raise ValueError(
                f"input_size e hidden_size precisam ser positivos; recebi {input_size} e "
                f"{hidden_size}."
            )
        self.input_size = input_size
        self.hidden_size = hidden_size

    def reset_parameters(self) -> None:
        """Inicializa como o PyTorch: uniforme em ``[-1/sqrt(H), 1/sqrt(H)]``."""
        bound = 1.0 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def initial_state(
        self,
        batch_size: int,
        *,
        dtype: torch.dtype | None = None,
        device: torch.device | str | None = None,
    ) -> State:
        """Estado inicial de zeros: ``num_states`` tensores ``(N, H)``, no tipo dos pesos."""
        weight = next(self.parameters())
        zeros = torch.zeros(
            batch_size,
            self.hidden_size,
            dtype=dtype or weight.dtype,
            device=device or weight.device,
        )
        return tuple(zeros.clone() for _ in range(self.num_states))


class RecurrentCell(_Cell):
    """Base das células: parâmetros fundidos por porta e cópia de pesos do PyTorch.

    Uma célula com ``gates`` blocos guarda ``W_xh`` com forma ``(I, gates * H)``,
    ``W_hh`` com forma ``(H, gates * H)`` e, com ``bias=True``, ``b_xh`` e
    ``b_hh`` com forma ``(gates * H,)``: as projeções de todas as portas são
    feitas numa única multiplicação e depois separadas com ``chunk``.

    Parâmetros:
        input_size: número de características de ``x_t`` (``I``).
        hidden_size: tamanho do estado oculto (``H``).
        bias: se ``False``, a célula não tem vieses, como ``nn.RNN(bias=False)``.

    Exemplo:
        >>> cell = GRUCell(2, 3)  # a GRU tem 3 blocos: r, z e n
        >>> isinstance(cell, RecurrentCell)
        True
        >>> cell.W_xh.shape, cell.W_hh.shape, cell.b_xh.shape
        (torch.Size([2, 9]), torch.Size([3, 9]), torch.Size([9]))
        >>> [tuple(s.shape) for s in LSTMCell(2, 3).initial_state(4)]  # (h, c)
        [(4, 3), (4, 3)]
    """

    gates: int = 1
    #: Nome do módulo equivalente do PyTorch, usado nas mensagens de erro.
    torch_name: str = "RNN"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size)
        self.bias = bias
        width = self.gates * hidden_size
        self.W_xh = nn.Parameter(torch.empty(input_size, width))
        self.W_hh = nn.Parameter(torch.empty(hidden_size, width))
        if bias:
            self.b_xh = nn.Parameter(torch.empty(width))
            self.b_hh = nn.Parameter(torch.empty(width))
        else:
            self.register_parameter("b_xh", None)
            self.register_parameter("b_hh", None)
        self.reset_parameters()

    def input_projection(self, x: Tensor) -> Tensor:
        """``x_t W_xh + b_xh`` para todas as portas de uma vez (forma ``(N, gates*H)``)."""
        out = x @ self.W_xh
        return out if self.b_xh is None else out + self.b_xh

    def hidden_projection(self, h: Tensor) -> Tensor:
        """``h_{t-1} W_hh + b_hh`` para todas as portas de uma vez."""
        out = h @ self.W_hh
        return out if self.b_hh is None else out + self.b_hh

    @torch.no_grad()
    def load_torch_weights(
        self, module: nn.RNNBase, layer: int = 0, reverse: bool = False
    ) -> RecurrentCell:
        """Copia os pesos de uma camada e direção de um módulo do PyTorch.

        Parâmetros:
            module: um ``nn.RNN``, ``nn.LSTM`` ou ``nn.GRU`` do mesmo tipo da célula.
            layer: qual camada copiar (``l0``, ``l1``, ...).
            reverse: ``True`` copia a direção de trás para a frente (``_reverse``).

        Retorna:
            A própria célula, para encadear chamadas.

        Levanta:
            ValueError: se o módulo for de outro tipo ou tiver outros tamanhos.
        """
        if module.mode.split("_")[0] != self.torch_name.upper():
            raise ValueError(
                f"{type(self).__name__} só copia pesos de nn.{self.torch_name}; "
                f"recebi nn.{type(module).__name__}."
            )
        if self.torch_name == "RNN" and module.nonlinearity != self.nonlinearity:
            raise ValueError(
                f"A célula usa {self.nonlinearity!r} e o nn.RNN usa {module.nonlinearity!r}."
            )
        suffix = f"_l{layer}" + ("_reverse" if reverse else "")
        try:
            w_ih = getattr(module, "weight_ih" + suffix)
            w_hh = getattr(module, "weight_hh" + suffix)
        except AttributeError:
            raise ValueError(
                f"O módulo não tem a camada {layer}"
                + (" na direção reversa" if reverse else "")
                + "."
            ) from None
        if w_ih.shape != self.W_xh.T.shape or w_hh.shape != self.W_hh.T.shape:
            raise ValueError(
                f"Tamanhos diferentes: a célula espera weight_ih {tuple(self.W_xh.T.shape)} e "
                f"weight_hh {tuple(self.W_hh.T.shape)}; o módulo tem {tuple(w_ih.shape)} e "
                f"{tuple(w_hh.shape)}."
            )
        if (self.b_xh is not None) != module.bias:
            raise ValueError("A célula e o módulo precisam concordar em bias=True ou bias=False.")
        self.W_xh.copy_(w_ih.T)
        self.W_hh.copy_(w_hh.T)
        if self.b_xh is not None:
            self.b_xh.copy_(getattr(module, "bias_ih" + suffix))
            self.b_hh.copy_(getattr(module, "bias_hh" + suffix))
        return self

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}, bias={self.bias}"


class RNNCell(RecurrentCell):
    r"""Célula da RNN simples: :math:`h_t = \tanh(x_t W_{xh} + b_{xh} + h_{t-1} W_{hh} + b_{hh})`.

    Parâmetros:
        input_size: número de características da entrada.
        hidden_size: tamanho do estado oculto.
        bias: se a célula tem os vieses ``b_xh`` e ``b_hh``.
        nonlinearity: ``"tanh"`` (padrão) ou ``"relu"``, como em ``nn.RNN``.

    Exemplo:
        >>> import torch
        >>> cell = RNNCell(2, 3)
        >>> (h,) = cell(torch.ones(5, 2), cell.initial_state(5))
        >>> h.shape
        torch.Size([5, 3])
    """

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh"
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity deve ser 'tanh' ou 'relu'; recebi {nonlinearity!r}.")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias)

    def forward(self, x: Tensor, state: State) -> State:
        (h,) = state
        a = self.input_projection(x) + self.hidden_projection(h)
        return (torch.tanh(a) if self.nonlinearity == "tanh" else torch.relu(a),)

    def extra_repr(self) -> str:
        return super().extra_repr() + f", nonlinearity={self.nonlinearity!r}"


class LSTMCell(RecurrentCell):
    r"""Célula LSTM, com as portas na ordem do PyTorch (entrada, esquecimento, candidata, saída).

    $$
    \begin{aligned}
    i_t &= \sigma(x_t W_{xi} + b_{xi} + h_{t-1} W_{hi} + b_{hi}) \\
    f_t &= \sigma(x_t W_{xf} + b_{xf} + h_{t-1} W_{hf} + b_{hf}) \\
    g_t &= \tanh(x_t W_{xg} + b_{xg} + h_{t-1} W_{hg} + b_{hg}) \\
    o_t &= \sigma(x_t W_{xo} + b_{xo} + h_{t-1} W_{ho} + b_{ho}) \\
    c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
    h_t &= o_t \odot \tanh(c_t)
    \end{aligned}
    $$

    A porta de saída ``o_t`` produz ``h_t`` a partir de ``tanh(c_t)``; ela não
    altera a memória ``c_t``.

    Parâmetros:
        input_size: número de características da entrada.
        hidden_size: tamanho do estado oculto (e da memória ``c_t``).
        bias: se a célula tem os vieses ``b_xh`` e ``b_hh``.

    Exemplo:
        >>> import torch
        >>> lstm = torch.nn.LSTM(2, 3)
        >>> cell = LSTMCell(2, 3).load_torch_weights(lstm)
        >>> x = torch.ones(5, 2)
        >>> h, c = cell(x, cell.initial_state(5))
        >>> h.shape, c.shape
        (torch.Size([5, 3]), torch.Size([5, 3]))
        >>> _, (h_n, c_n) = lstm(x.unsqueeze(0))  # um passo de tempo no PyTorch
        >>> torch.testing.assert_close((h, c), (h_n[0], c_n[0]))
    """

    gates = 4
    num_states = 2
    torch_name = "LSTM"

    def gate_values(self, x: Tensor, state: State) -> dict[str, Tensor]:
        """Todas as ativações de um passo: ``i``, ``f``, ``g``, ``o``, ``c`` e ``h``."""
        h_prev, c_prev = state
        i, f, g, o = (self.input_projection(x) + self.hidden_projection(h_prev)).chunk(4, dim=-1)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c_prev + i * g
        h = o * torch.tanh(c)
        return {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}

    def forward(self, x: Tensor, state: State) -> State:
        v = self.gate_values(x, state)
        return v["h"], v["c"]


class GRUCell(RecurrentCell):
    r"""Célula GRU (*Gated Recurrent Unit*), com as portas na ordem do PyTorch.

    $$
    \begin{aligned}
    r_t &= \sigma(x_t W_{xr} + b_{xr} + h_{t-1} W_{hr} + b_{hr}) \\
    z_t &= \sigma(x_t W_{xz} + b_{xz} + h_{t-1} W_{hz} + b_{hz}) \\
    n_t &= \tanh(x_t W_{xn} + b_{xn} + r_t \odot (h_{t-1} W_{hn} + b_{hn})) \\
    h_t &= (1 - z_t) \odot n_t + z_t \odot h_{t-1}
    \end{aligned}
    $$

    Como no PyTorch, a porta de reinício ``r_t`` multiplica ``h_{t-1} W_hn + b_hn``
    inteiro, viés incluído.

    Parâmetros:
        input_size: número de características da entrada.
        hidden_size: tamanho do estado oculto.
        bias: se a célula tem os vieses ``b_xh`` e ``b_hh``.

    Exemplo:
        >>> import torch
        >>> cell = GRUCell(2, 3)
        >>> (h,) = cell(torch.ones(5, 2), cell.initial_state(5))
        >>> h.shape
        torch.Size([5, 3])
    """

    gates = 3
    torch_name = "GRU"

    def gate_values(self, x: Tensor, state: State) -> dict[str, Tensor]:
        """Todas as ativações de um passo: ``r``, ``z``, ``n`` e ``h``."""
        (h_prev,) = state
        xr, xz, xn = self.input_projection(x).chunk(3, dim=-1)
        hr, hz, hn = self.hidden_projection(h_prev).chunk(3, dim=-1)
        r = torch.sigmoid(xr + hr)
        z = torch.sigmoid(xz + hz)
        n = torch.tanh(xn + r * hn)
        h = (1 - z) * n + z * h_prev
        return {"r": r, "z": z, "n": n, "h": h}

    def forward(self, x: Tensor, state: State) -> State:
        return (self.gate_values(x, state)["h"],)


@torch.no_grad()
def add_forget_bias(module: LSTMCell | nn.LSTM, value: float) -> None:
    """Soma ``value`` ao viés da porta de esquecimento de uma LSTM (a do pacote ou a do PyTorch).

    Os vieses fundidos seguem a ordem de portas do PyTorch, ``i, f, g, o``: o bloco de ``f`` é
    o segundo, ``[H:2H]``. A soma vai no viés recorrente (``b_hh`` da :class:`LSTMCell`,
    ``bias_hh_l*`` de todas as camadas e direções do ``nn.LSTM``). Com ``value = 3`` e o resto
    perto de zero, ``f`` começa perto de ``sigmoide(3) ≈ 0,95``: a memória e o gradiente
    atravessam mais passos no começo do treino.

    Parâmetros:
        module: a célula :class:`LSTMCell` ou o ``nn.LSTM``, com vieses.
        value: quanto somar (o livro usa 3).

    Levanta:
        ValueError: se o módulo não é uma LSTM com vieses.

    Exemplo:
        >>> lstm = nn.LSTM(2, 3, num_layers=2)
        >>> _ = nn.init.zeros_(lstm.bias_hh_l1)
        >>> add_forget_bias(lstm, 3.0)
        >>> lstm.bias_hh_l1.tolist()  # blocos i, f, g, o
        [0.0, 0.0, 0.0, 3.0, 3.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """
    if isinstance(module, LSTMCell) and module.b_hh is not None:
        biases = [module.b_hh]
    elif isinstance(module, nn.LSTM) and module.bias:
        biases = [p for name, p in module.named_parameters() if name.startswith("bias_hh")]
    else:
        raise ValueError("add_forget_bias precisa de uma LSTM com vieses (LSTMCell ou nn.LSTM).")
    size = module.hidden_size
    for bias in biases:
        bias[size : 2 * size] += value


def positive(x: Tensor) -> Tensor:
    r"""A função $g$ da minGRU: $x + 1/2$ para $x \ge 0$ e $\sigma(x)$ abaixo; sempre positiva.

    Contínua em 0 (as duas dão 1/2) e crescente. Com o candidato positivo, a recorrência cabe
    na varredura em espaço log (Feng e colegas, 2024).

    Exemplo:
        >>> positive(torch.tensor([-100.0, 0.0, 2.0])).tolist()
        [0.0, 0.5, 2.5]
    """
    return torch.where(x >= 0, x.clamp(min=0) + 0.5, torch.sigmoid(x))


def log_positive(x: Tensor) -> Tensor:
    r"""$\ln g(x)$ calculado sem passar por $g(x)$: $\ln(x + 1/2)$ ou $-\mathrm{softplus}(-x)$.

    Exemplo:
        >>> x = torch.tensor([-3.0, 0.0, 2.0])
        >>> torch.testing.assert_close(log_positive(x), positive(x).log())
    """
    return torch.where(x >= 0, (x.clamp(min=0) + 0.5).log(), -nn.functional.softplus(-x))


class MinimalCell(_Cell):
    r"""Base das células cuja recorrência é linear: $h_t = a_t \odot h_{t-1} + b_t$.

    As portas leem só a entrada $x_t$, nunca $h_{t-1}$; por isso $a_t$ e $b_t$ de todos os
    passos saem de uma vez (:meth:`coefficients`, com qualquer forma ``(..., I)``) e a
    recorrência pode ser calculada por uma varredura (:mod:`recorrente.scans`). A célula
    guarda uma projeção fundida ``W_x`` ``(I, blocks * H)`` e ``b_x``, inicializadas como as
    outras células do livro.

    Parâmetros:
        input_size: características de ``x_t`` (``I``).
        hidden_size: tamanho do estado (``H``).

    Exemplo:
        >>> cell = MinGRUCell(2, 3)
        >>> a, b = cell.coefficients(torch.ones(4, 5, 2))  # 4 sequências de 5 passos
        >>> a.shape, b.shape
        (torch.Size([4, 5, 3]), torch.Size([4, 5, 3]))
        >>> (h,) = cell(torch.ones(4, 2), cell.initial_state(4))  # um passo: a ⊙ 0 + b
        >>> torch.testing.assert_close(h, b[:, 0])
    """

    blocks: int = 2
    #: Se a célula tem :meth:`log_coefficients` (a varredura em espaço log exige a_t, b_t > 0).
    has_log: bool = True

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__(input_size, hidden_size)
        self.W_x = nn.Parameter(torch.empty(input_size, self.blocks * hidden_size))
        self.b_x = nn.Parameter(torch.empty(self.blocks * hidden_size))
        self.reset_parameters()

    def projections(self, x: Tensor) -> tuple[Tensor, ...]:
        """``x W_x + b_x`` separado nos blocos da célula."""
        return (x @ self.W_x + self.b_x).chunk(self.blocks, dim=-1)

    def coefficients(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """``(a, b)`` da recorrência para as entradas ``x`` ``(..., I)``; cada um ``(..., H)``."""
        raise NotImplementedError

    def log_coefficients(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """``(ln a, ln b)``, calculados sem ``log`` de um número que pode ser 0."""
        raise NotImplementedError

    def forward(self, x: Tensor, state: State) -> State:
        """Um passo: ``h_t = a_t ⊙ h_{t-1} + b_t``."""
        (h_prev,) = state
        a, b = self.coefficients(x)
        return (a * h_prev + b,)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}"


class MinGRUCell(MinimalCell):
    r"""A minGRU (Feng e colegas, 2024): a GRU sem $h_{t-1}$ nas portas.

    $$
    \begin{aligned}
    z_t &= \sigma(x_t W_{xz} + b_z) \\
    \tilde h_t &= g(x_t W_{xh} + b_h) \\
    h_t &= (1 - z_t) \odot h_{t-1} + z_t \odot \tilde h_t
    \end{aligned}
    $$

    Na forma linear, $a_t = 1 - z_t$ e $b_t = z_t \odot \tilde h_t$; $g$ é :func:`positive`.

    Exemplo:
        >>> cell = MinGRUCell(2, 3)
        >>> a, b = cell.coefficients(torch.randn(5, 2))
        >>> bool(((0 < a) & (a < 1)).all() and (b > 0).all())
        True
    """

    def coefficients(self, x: Tensor) -> tuple[Tensor, Tensor]:
        k, candidate = self.projections(x)
        z = torch.sigmoid(k)
        return 1 - z, z * positive(candidate)

    def log_coefficients(self, x: Tensor) -> tuple[Tensor, Tensor]:
        k, candidate = self.projections(x)
        softplus = nn.functional.softplus
        return -softplus(k), -softplus(-k) + log_positive(candidate)  # ln(1 - z), ln z + ln h̃


class MinLSTMCell(MinimalCell):
    r"""A minLSTM (Feng e colegas, 2024): portas de esquecer e de entrada normalizadas.

    $$
    f_t = \sigma(x_t W_{xf} + b_f), \quad i_t = \sigma(x_t W_{xi} + b_i), \quad
    h_t = \frac{f_t}{f_t + i_t} \odot h_{t-1} + \frac{i_t}{f_t + i_t} \odot g(x_t W_{xh} + b_h)
    $$

    Exemplo:
        >>> a, b = MinLSTMCell(2, 3).coefficients(torch.randn(5, 2))
        >>> bool(((0 < a) & (a < 1)).all())
        True
    """

    blocks = 3

    def coefficients(self, x: Tensor) -> tuple[Tensor, Tensor]:
        kf, ki, candidate = self.projections(x)
        f, i = torch.sigmoid(kf), torch.sigmoid(ki)
        return f / (f + i), i / (f + i) * positive(candidate)

    def log_coefficients(self, x: Tensor) -> tuple[Tensor, Tensor]:
        kf, ki, candidate = self.projections(x)
        softplus = nn.functional.softplus
        diff = softplus(-kf) - softplus(-ki)  # ln(i/f)
        return -softplus(diff), -softplus(-diff) + log_positive(candidate)


class SignedLinearCell(MinimalCell):
    r"""Recorrência linear com transição que pode ser negativa: $a_t = \tanh(x_t W_{xa} + b_a)$.

    $b_t = x_t W_{xb} + b_b$. Com $a_t \in (-1, 1)$, um passo pode **inverter** o sinal do
    estado, o que a minGRU ($a_t \in (0, 1)$) não faz; não tem forma em espaço log.

    Exemplo:
        >>> cell = SignedLinearCell(1, 1)
        >>> _ = nn.init.ones_(cell.W_x), nn.init.zeros_(cell.b_x)
        >>> a, _ = cell.coefficients(torch.tensor([[-2.0], [2.0]]))
        >>> torch.sign(a).flatten().tolist()  # as duas direções
        [-1.0, 1.0]
    """

    has_log = False

    def coefficients(self, x: Tensor) -> tuple[Tensor, Tensor]:
        k, b = self.projections(x)
        return torch.tanh(k), b
