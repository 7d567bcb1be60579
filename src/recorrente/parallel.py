"""Modelos de sequência que treinam em paralelo no tempo: pilhas e blocos de minGRU e um
Transformer causal mínimo, no contrato ``forward(x, targets=None) -> (output, loss)``.

Todos leem índices ``(N, T)`` e devolvem logits ``(N, T, C)``: servem ao modelo de
linguagem de caracteres do capítulo 6 e às tarefas sintéticas, com o mesmo ``fit``. Cada
posição só enxerga o passado (a recorrência por construção; a atenção por uma máscara
causal), e o preenchimento no fim do lote não muda as posições anteriores.

Exemplo:
    >>> import torch
    >>> model = ParallelModel(vocab_size=5, num_classes=5, d_model=8, kind="block")
    >>> x = torch.tensor([[1, 2, 3, 4]])
    >>> logits, _ = model(x)
    >>> shorter, _ = model(x[:, :2])                 # o futuro não muda o passado
    >>> torch.testing.assert_close(shorter, logits[:, :2])
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import Tensor, nn

from recorrente.errors import InputError
from recorrente.models import BookModel, sequence_cross_entropy
from recorrente.scans import LinearRecurrent
from recorrente.seq2seq import dot_attention

__all__ = ["PARALLEL_KINDS", "CausalSelfAttention", "ParallelModel", "ResidualBlock"]

ParallelKind = Literal["stack", "block", "transformer"]
PARALLEL_KINDS: tuple[str, ...] = ("stack", "block", "transformer")
"""``"stack"``: camadas de recorrência linear empilhadas; ``"block"``: blocos residuais
(LayerNorm → recorrência → soma; LayerNorm → MLP → soma); ``"transformer"``: os mesmos blocos
com atenção causal no lugar da recorrência."""


class CausalSelfAttention(nn.Module):
    """Autoatenção causal com várias cabeças, feita com :func:`~recorrente.seq2seq.dot_attention`.

    Parâmetros:
        d_model: largura das representações.
        heads: número de cabeças (divide ``d_model``).

    Exemplo:
        >>> attention = CausalSelfAttention(8, heads=2)
        >>> x = torch.randn(3, 5, 8)
        >>> y = attention(x)
        >>> torch.testing.assert_close(attention(x[:, :2]), y[:, :2])  # só o passado
    """

    def __init__(self, d_model: int, heads: int = 2) -> None:
        super().__init__()
        if d_model % heads:
            raise InputError(f"d_model ({d_model}) precisa ser múltiplo de heads ({heads}).")
        self.heads = heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def forward(self, x: Tensor) -> Tensor:
        n, steps, d = x.shape

        def split(t: Tensor) -> Tensor:  # (N, T, d) → (N·cabeças, T, d / cabeças)
            heads = t.view(n, steps, self.heads, -1).transpose(1, 2)
            return heads.reshape(n * self.heads, steps, -1)

        q, k, v = (split(t) for t in self.qkv(x).chunk(3, dim=-1))
        causal = torch.ones(steps, steps, dtype=torch.bool, device=x.device).tril().unsqueeze(0)
        context, _ = dot_attention(q, k, v, causal)
        context = context.view(n, self.heads, steps, -1).transpose(1, 2).reshape(n, steps, d)
        return self.out(context)


class ResidualBlock(nn.Module):
    """``x + mistura(LN(x))`` e depois ``x + MLP(LN(x))``: a mistura no tempo é a recorrência
    linear ou a atenção causal.

    Parâmetros:
        mixer: o módulo que mistura os passos, de ``(N, T, d)`` para ``(N, T, d)``.
        d_model: largura das representações.
        mlp_ratio: a MLP tem ``mlp_ratio * d_model`` unidades ocultas.

    Exemplo:
        >>> block = ResidualBlock(CausalSelfAttention(8), 8)
        >>> block(torch.randn(2, 3, 8)).shape
        torch.Size([2, 3, 8])
    """

    def __init__(self, mixer: nn.Module, d_model: int, mlp_ratio: int = 2) -> None:
        super().__init__()
        self.norm1, self.mixer = nn.LayerNorm(d_model), mixer
        self.norm2 = nn.LayerNorm(d_model)
        width = mlp_ratio * d_model
        self.mlp = nn.Sequential(nn.Linear(d_model, width), nn.GELU(), nn.Linear(width, d_model))

    def forward(self, x: Tensor) -> Tensor:
        mixed = self.mixer(self.norm1(x))
        if isinstance(mixed, tuple):  # LinearRecurrent devolve (saída, último estado)
            mixed = mixed[0]
        x = x + mixed
        return x + self.mlp(self.norm2(x))


class ParallelModel(BookModel):
    """Símbolos → embedding → pilha ou blocos (minGRU, minLSTM, recorrência com sinal, atenção)
    → uma classe por passo.

    Parâmetros:
        vocab_size: quantos símbolos de entrada existem.
        num_classes: quantas classes de saída existem.
        d_model: largura do embedding e do estado (ou das representações do Transformer).
        num_layers: camadas ou blocos.
        kind: ``"stack"``, ``"block"`` ou ``"transformer"`` (:data:`PARALLEL_KINDS`).
        cell: a célula das recorrências (``"mingru"``, ``"minlstm"``, ``"signed"``).
        method: o método da varredura; não muda o resultado, só a conta.
        heads: cabeças de atenção (só ``"transformer"``).
        max_len: o maior ``T`` aceito (só ``"transformer"``, que aprende uma posição por passo).
        mlp_ratio: largura relativa da MLP dos blocos.

    Exemplo:
        >>> model = ParallelModel(6, 3, d_model=8, num_layers=2, kind="transformer", max_len=4)
        >>> logits, loss = model(torch.tensor([[1, 2, 5, 4]]), torch.tensor([[0, 1, 2, -100]]))
        >>> logits.shape, loss.ndim
        (torch.Size([1, 4, 3]), 0)
    """

    def __init__(
        self,
        vocab_size: int,
        num_classes: int,
        d_model: int = 64,
        num_layers: int = 1,
        kind: ParallelKind = "stack",
        *,
        cell: str = "mingru",
        method: str = "loop",
        heads: int = 2,
        max_len: int = 64,
        mlp_ratio: int = 2,
    ) -> None:
        super().__init__()
        if kind not in PARALLEL_KINDS:
            raise InputError(f"Tipo desconhecido: {kind!r}; use um de {list(PARALLEL_KINDS)}.")
        self.config = {
            "vocab_size": vocab_size, "num_classes": num_classes, "d_model": d_model,
            "num_layers": num_layers, "kind": kind, "cell": cell, "method": method,
            "heads": heads, "max_len": max_len, "mlp_ratio": mlp_ratio,
        }  # fmt: skip
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.position = nn.Embedding(max_len, d_model) if kind == "transformer" else None
        if kind == "stack":
            self.layers = nn.ModuleList(
                LinearRecurrent(cell, d_model, d_model, method) for _ in range(num_layers)
            )
        else:
            def mixer() -> nn.Module:
                if kind == "transformer":
                    return CausalSelfAttention(d_model, heads)
                return LinearRecurrent(cell, d_model, d_model, method)

            self.layers = nn.ModuleList(
                ResidualBlock(mixer(), d_model, mlp_ratio) for _ in range(num_layers)
            )
        self.norm = nn.LayerNorm(d_model) if kind != "stack" else nn.Identity()
        self.head = nn.Linear(d_model, num_classes)

    def set_method(self, method: str) -> None:
        """Troca o método de todas as varreduras (os pesos não mudam)."""
        for module in self.modules():
            if isinstance(module, LinearRecurrent):
                module.method = method
        self.config["method"] = method

    def forward(self, x: Tensor, targets: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        """Devolve ``(logits, loss)``; ``logits`` tem forma ``(N, T, num_classes)``.

        Levanta:
            InputError: no Transformer, uma sequência maior que ``max_len``.
        """
        h = self.embedding(x)
        if self.position is not None:
            steps = x.size(1)
            if steps > self.position.num_embeddings:
                raise InputError(
                    f"A sequência tem {steps} passos e o Transformer aceita até "
                    f"{self.position.num_embeddings} (max_len)."
                )
            h = h + self.position(torch.arange(steps, device=x.device))
        for layer in self.layers:
            h = layer(h)
            if isinstance(h, tuple):
                h = h[0]
        logits = self.head(self.norm(h))
        if targets is None:
            return logits, None
        return logits, sequence_cross_entropy(logits, targets)
