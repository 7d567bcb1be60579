r"""Recorrências lineares $h_t = a_t \odot h_{t-1} + b_t$ e quatro jeitos de calculá-las.

Quando $a_t$ e $b_t$ dependem só da entrada (e não de $h_{t-1}$), a sequência inteira de
estados pode ser calculada de várias formas, todas com o mesmo resultado em aritmética exata:

- :func:`scan_loop`: o laço, um passo por vez (``T`` passos em sequência);
- :func:`scan_cumprod`: a fórmula fechada com o produto acumulado
  $A_t = \prod_{s \le t} a_s$, $h_t = A_t \sum_{s \le t} b_s / A_s$: em ponto flutuante,
  $A_t$ vira 0 em poucas centenas de passos e o resultado, ``NaN``;
- :func:`scan_log`: a mesma fórmula em espaço log (Heinsen, 2023), com ``logcumsumexp``,
  para $a_t, b_t > 0$;
- :func:`scan_chunked`: em blocos de ``C`` passos: o laço dentro de todos os blocos de uma
  vez, depois o laço sobre os blocos; cerca de $C + T/C$ passos em sequência em vez de $T$.

Os tensores têm forma ``(N, T, H)`` (lote primeiro); o estado inicial ``h0``, ``(N, H)``, é
zero quando omitido. Todos os laços percorrem o tempo com ``unbind`` (indexar ``x[:, t]``
deixaria o *backward* quadrático em ``T``).

Exemplo:
    >>> import torch
    >>> a = torch.full((1, 3, 1), 0.5)
    >>> b = torch.ones(1, 3, 1)
    >>> scan_loop(a, b).flatten().tolist()  # 1, 0,5·1 + 1, 0,5·1,5 + 1
    [1.0, 1.5, 1.75]
    >>> torch.testing.assert_close(scan_chunked(a, b, chunk_size=2), scan_loop(a, b))
"""

from __future__ import annotations

import math
from typing import Literal

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from recorrente.cells import MinGRUCell, MinimalCell, MinLSTMCell, SignedLinearCell
from recorrente.errors import InputError

__all__ = [
    "LINEAR_CELLS",
    "SCAN_METHODS",
    "LinearRecurrent",
    "linear_scan",
    "scan_chunked",
    "scan_cumprod",
    "scan_log",
    "scan_loop",
]

ScanMethod = Literal["loop", "chunked", "log", "cumprod"]
SCAN_METHODS: tuple[str, ...] = ("loop", "chunked", "log", "cumprod")
"""Os jeitos de calcular a recorrência aceitos por :func:`linear_scan`."""

LINEAR_CELLS: dict[str, type[MinimalCell]] = {
    "mingru": MinGRUCell,
    "minlstm": MinLSTMCell,
    "signed": SignedLinearCell,
}
"""As células de recorrência linear aceitas por :class:`LinearRecurrent`."""


def _zeros_state(b: Tensor) -> Tensor:
    return b.new_zeros(b.size(0), b.size(2))


def scan_loop(a: Tensor, b: Tensor, h0: Tensor | None = None) -> Tensor:
    """O laço: ``h = a_t * h + b_t`` a cada passo. Devolve todos os estados ``(N, T, H)``.

    Exemplo:
        >>> a, b = torch.zeros(2, 4, 3), torch.randn(2, 4, 3)
        >>> torch.equal(scan_loop(a, b), b)  # a = 0: cada estado esquece o anterior
        True
    """
    h = _zeros_state(b) if h0 is None else h0
    states = []
    for a_t, b_t in zip(a.unbind(1), b.unbind(1), strict=True):
        h = a_t * h + b_t
        states.append(h)
    return torch.stack(states, dim=1)


def scan_cumprod(a: Tensor, b: Tensor, h0: Tensor | None = None) -> Tensor:
    r"""A fórmula fechada $h_t = A_t (h_0 + \sum_{s \le t} b_s / A_s)$, $A_t = \prod_{s \le t} a_s$.

    Certa em aritmética exata e inútil em ponto flutuante para sequências longas: com
    $a_t < 1$, $A_t$ vira 0, $b_s / A_s$ vira infinito e $0 \cdot \infty$ dá ``NaN``.

    Exemplo:
        >>> a, b = torch.full((1, 300, 1), 0.5), torch.ones(1, 300, 1)
        >>> h = scan_cumprod(a, b)
        >>> round(h[0, 9, 0].item(), 4), bool(h[0, -1].isnan().all())  # curto certo, longo NaN
        (1.998, True)
    """
    prod = torch.cumprod(a, dim=1)
    start = 0 if h0 is None else h0.unsqueeze(1)
    return prod * (start + torch.cumsum(b / prod, dim=1))


def scan_log(log_a: Tensor, log_b: Tensor, log_h0: Tensor | None = None) -> Tensor:
    r"""A varredura em espaço log (Heinsen, 2023), para $a_t, b_t > 0$.

    $$
    \ln h_t = a^*_t + \ln \sum_{s \le t} e^{\ln b_s - a^*_s}, \qquad a^*_t = \sum_{s \le t} \ln a_s
    $$

    A soma é um ``logcumsumexp``, calculado sem estouro; nada passa por $A_t$ fora do log.

    Parâmetros:
        log_a: $\ln a_t$, ``(N, T, H)``.
        log_b: $\ln b_t$, ``(N, T, H)``.
        log_h0: $\ln h_0$, ``(N, H)``; omitido, $h_0 = 0$.

    Retorna:
        Os estados $h_t$ (não o log), ``(N, T, H)``.

    Exemplo:
        >>> a, b = torch.rand(2, 5, 3) + 0.1, torch.rand(2, 5, 3) + 0.1
        >>> torch.testing.assert_close(scan_log(a.log(), b.log()), scan_loop(a, b))
    """
    a_star = torch.cumsum(log_a, dim=1)
    if log_h0 is not None:
        log_b = torch.cat([log_h0.unsqueeze(1), log_b], dim=1)
        a_star = F.pad(a_star, (0, 0, 1, 0))
    log_h = a_star + torch.logcumsumexp(log_b - a_star, dim=1)
    return log_h.exp() if log_h0 is None else log_h[:, 1:].exp()


def scan_chunked(
    a: Tensor, b: Tensor, h0: Tensor | None = None, chunk_size: int | None = None
) -> Tensor:
    r"""Em blocos de ``C`` passos (padrão: $C \approx \sqrt{T}$): dois laços curtos, não um longo.

    1. Dentro de cada bloco, partindo de zero, o laço dá os estados locais, e ``cumprod`` o
       produto $P_t$ dos $a$ desde o começo do bloco (todos os blocos de uma vez: ``C`` passos).
    2. Entre os blocos, a mesma recorrência com $a = P$ e $b$ = estado local no fim de cada bloco
       dá o estado que entra em cada bloco (``T / C`` passos).
    3. Estado = local + $P_t$ · estado que entrou no bloco.

    Só multiplicações e somas, como o laço: sem divisão nem log, vale para qualquer sinal.

    Exemplo:
        >>> a, b = torch.randn(2, 10, 3), torch.randn(2, 10, 3)
        >>> torch.testing.assert_close(scan_chunked(a, b, chunk_size=3), scan_loop(a, b))
    """
    n, steps, hidden = b.shape
    size = chunk_size or max(1, round(math.sqrt(steps)))
    if size < 1:
        raise InputError(f"O tamanho do bloco precisa ser pelo menos 1; recebi {size}.")
    pad = -steps % size
    if pad:  # a = 1 e b = 0 no fim: o estado atravessa os passos extras sem mudar
        a, b = F.pad(a, (0, 0, 0, pad), value=1.0), F.pad(b, (0, 0, 0, pad))
    blocks = (steps + pad) // size
    a_blocks = a.reshape(n * blocks, size, hidden)
    local = scan_loop(a_blocks, b.reshape(n * blocks, size, hidden)).view(n, blocks, size, hidden)
    prods = torch.cumprod(a_blocks, dim=1).view(n, blocks, size, hidden)
    ends = scan_loop(prods[:, :, -1], local[:, :, -1], h0)  # o estado no fim de cada bloco
    first = _zeros_state(b) if h0 is None else h0
    starts = torch.cat([first.unsqueeze(1), ends[:, :-1]], dim=1)
    states = local + prods * starts.unsqueeze(2)
    return states.reshape(n, blocks * size, hidden)[:, :steps]


def linear_scan(
    a: Tensor,
    b: Tensor,
    h0: Tensor | None = None,
    method: ScanMethod = "loop",
    *,
    chunk_size: int | None = None,
) -> Tensor:
    """Os estados de $h_t = a_t ⊙ h_{t-1} + b_t$ pelo método escolhido.

    ``"log"`` calcula ``ln a`` e ``ln b`` aqui e exige valores positivos; uma célula que
    sabe dar os logs direto (:meth:`~recorrente.cells.MinimalCell.log_coefficients`) é mais
    precisa, e :class:`LinearRecurrent` os usa.

    Levanta:
        InputError: método desconhecido, formas diferentes ou ``"log"`` com valores ≤ 0.

    Exemplo:
        >>> a, b = torch.rand(1, 4, 2) + 0.1, torch.rand(1, 4, 2) + 0.1
        >>> ref = linear_scan(a, b)
        >>> all(torch.allclose(linear_scan(a, b, method=m), ref) for m in SCAN_METHODS)
        True
    """
    if a.shape != b.shape or a.ndim != 3:
        raise InputError(
            f"a e b precisam ter a mesma forma (N, T, H); recebi {tuple(a.shape)} e "
            f"{tuple(b.shape)}."
        )
    if method == "loop":
        return scan_loop(a, b, h0)
    if method == "chunked":
        return scan_chunked(a, b, h0, chunk_size)
    if method == "cumprod":
        return scan_cumprod(a, b, h0)
    if method == "log":
        values = [a, b] if h0 is None else [a, b, h0]
        if any(bool((v <= 0).any()) for v in values):
            raise InputError("A varredura em espaço log precisa de a, b e h0 positivos.")
        return scan_log(a.log(), b.log(), None if h0 is None else h0.log())
    raise InputError(f"Método desconhecido: {method!r}; use um de {list(SCAN_METHODS)}.")


class LinearRecurrent(nn.Module):
    """Uma camada de recorrência linear: a célula dá ``(a, b)`` de todos os passos, a varredura
    dá os estados.

    Parâmetros:
        cell: ``"mingru"``, ``"minlstm"`` ou ``"signed"`` (:data:`LINEAR_CELLS`).
        input_size: características por passo.
        hidden_size: tamanho do estado.
        method: ``"loop"``, ``"chunked"``, ``"log"`` ou ``"cumprod"`` (:data:`SCAN_METHODS`);
            pode ser trocado depois (``camada.method = "log"``): os pesos são os mesmos.
        chunk_size: o tamanho do bloco de ``"chunked"``.

    Exemplo:
        >>> layer = LinearRecurrent("mingru", 2, 4)
        >>> x = torch.randn(3, 7, 2)
        >>> output, h_n = layer(x)
        >>> output.shape, h_n.shape
        (torch.Size([3, 7, 4]), torch.Size([3, 4]))
        >>> layer.method = "log"
        >>> torch.testing.assert_close(layer(x)[0], output)
    """

    def __init__(
        self,
        cell: str,
        input_size: int,
        hidden_size: int,
        method: ScanMethod = "loop",
        *,
        chunk_size: int | None = None,
    ) -> None:
        super().__init__()
        if cell not in LINEAR_CELLS:
            raise InputError(f"Célula desconhecida: {cell!r}; use uma de {sorted(LINEAR_CELLS)}.")
        self.cell = LINEAR_CELLS[cell](input_size, hidden_size)
        self.method, self.chunk_size = method, chunk_size

    def forward(self, x: Tensor, h0: Tensor | None = None) -> tuple[Tensor, Tensor]:
        """Devolve ``(saída (N, T, H), último estado (N, H))`` para ``x`` ``(N, T, I)``."""
        if self.method == "log":
            if not self.cell.has_log:
                raise InputError(
                    f"A célula {type(self.cell).__name__} não tem forma em espaço log; use "
                    "method='loop' ou 'chunked'."
                )
            log_a, log_b = self.cell.log_coefficients(x)
            output = scan_log(log_a, log_b, None if h0 is None else h0.log())
        else:
            a, b = self.cell.coefficients(x)
            output = linear_scan(a, b, h0, self.method, chunk_size=self.chunk_size)
        return output, output[:, -1]

    def extra_repr(self) -> str:
        return f"method={self.method!r}"
