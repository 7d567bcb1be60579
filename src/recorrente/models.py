"""Modelos de tarefa com um único contrato: ``forward(x, targets=None) -> (output, loss)``.

Todo modelo do livro devolve a saída e, quando recebe ``targets``, a perda
média sobre os alvos válidos (``loss`` é ``None`` sem alvos). Com esse contrato,
um só laço de treino (:func:`recorrente.training.fit`) serve a todos.

Exemplo:
    >>> import torch
    >>> model = SequenceModel(vocab_size=5, num_classes=5, hidden_size=8, kind="gru")
    >>> x = torch.tensor([[1, 2, 3], [4, 1, 0]])
    >>> y = torch.tensor([[2, 3, 0], [1, -100, -100]])  # -100: posição sem alvo
    >>> logits, loss = model(x, y)
    >>> logits.shape, loss.ndim
    (torch.Size([2, 3, 5]), 0)
"""

from __future__ import annotations

from typing import Literal

import torch
from torch import Tensor, nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence

from recorrente.data.batching import IGNORE_INDEX
from recorrente.errors import InputError
from recorrente.module_tools import count_parameters
from recorrente.recurrent import split_states

__all__ = [
    "RECURRENT_KINDS",
    "BookModel",
    "NameClassifier",
    "SequenceModel",
    "WindowRegressor",
    "make_recurrent",
    "sequence_cross_entropy",
    "soft_cross_entropy",
]

RecurrentKind = Literal["rnn", "gru", "lstm"]
RECURRENT_KINDS: dict[str, type[nn.RNNBase]] = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}
"""O módulo do PyTorch de cada tipo de rede aceito por :func:`make_recurrent`."""


class BookModel(nn.Module):
    """A base dos modelos do livro: a configuração que reconstrói o modelo e a contagem de pesos.

    Cada modelo guarda em ``self.config`` os argumentos do seu ``__init__``; um checkpoint
    grava esse dicionário e :func:`recorrente.checkpoints.load_model` reconstrói o modelo
    com ``cls(**config)``.

    Atributos:
        config: os argumentos com que o modelo foi criado.

    Exemplo:
        >>> model = WindowRegressor(hidden_size=4)
        >>> WindowRegressor(**model.config).num_parameters() == model.num_parameters()
        True
    """

    config: dict

    def num_parameters(self) -> int:
        """Número de parâmetros treináveis (:func:`recorrente.module_tools.count_parameters`)."""
        return count_parameters(self)


def soft_cross_entropy(logits: Tensor, shares: Tensor) -> Tensor:
    """Entropia cruzada de um logit por nome contra a fração ``shares`` (alvo suave), média.

    É a perda do :class:`NameClassifier` (capítulo 5): o alvo de cada nome é a fração
    feminina $q$ do censo, não um rótulo.

    Parâmetros:
        logits: ``(N,)``, o logit $z$ do feminino; $p = \\sigma(z)$.
        shares: ``(N,)``, a fração feminina $q$ de cada nome, entre 0 e 1.

    Retorna:
        A média de $-q \\ln \\sigma(z) - (1 - q) \\ln \\sigma(-z)$, um escalar.

    Exemplo:
        >>> z = torch.tensor([0.0, 2.0])
        >>> q = torch.tensor([0.5, 1.0])
        >>> loss = soft_cross_entropy(z, q)   # (ln 2 + ln(1 + e^-2)) / 2
        >>> round(loss.item(), 4)
        0.41
        >>> torch.testing.assert_close(loss, F.binary_cross_entropy_with_logits(z, q))
    """
    shares = shares.to(logits.dtype)
    return -(shares * F.logsigmoid(logits) + (1 - shares) * F.logsigmoid(-logits)).mean()


def sequence_cross_entropy(logits: Tensor, targets: Tensor) -> Tensor:
    """Entropia cruzada média sobre os passos com alvo (``IGNORE_INDEX`` não conta).

    Parâmetros:
        logits: ``(N, T, C)``.
        targets: ``(N, T)``.

    Exemplo:
        >>> import math
        >>> logits = torch.zeros(1, 2, 4)
        >>> loss = sequence_cross_entropy(logits, torch.tensor([[1, IGNORE_INDEX]]))
        >>> round(loss.item(), 4) == round(math.log(4), 4)
        True
    """
    return F.cross_entropy(
        logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=IGNORE_INDEX
    )


def make_recurrent(
    kind: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    *,
    bidirectional: bool = False,
    dropout: float = 0.0,
) -> nn.RNNBase:
    """Cria um ``nn.RNN``, ``nn.GRU`` ou ``nn.LSTM`` com ``batch_first=True``.

    Parâmetros:
        kind: ``"rnn"``, ``"gru"`` ou ``"lstm"``.
        input_size: características por passo.
        hidden_size: tamanho do estado oculto.
        num_layers: camadas empilhadas.
        bidirectional: se a rede lê a sequência nos dois sentidos.
        dropout: *dropout* entre camadas (só vale com ``num_layers > 1``).

    Retorna:
        O módulo do PyTorch, ainda com os pesos iniciais sorteados.

    Levanta:
        ValueError: se ``kind`` não é um dos três tipos.

    Exemplo:
        >>> make_recurrent("lstm", 3, 4)
        LSTM(3, 4, batch_first=True)
        >>> make_recurrent("gru", 3, 4, num_layers=2, dropout=0.1).dropout
        0.1
    """
    try:
        cls = RECURRENT_KINDS[kind]
    except KeyError:
        raise ValueError(
            f"Tipo de rede desconhecido: {kind!r}; use um de {sorted(RECURRENT_KINDS)}."
        ) from None
    return cls(
        input_size,
        hidden_size,
        num_layers,
        batch_first=True,
        bidirectional=bidirectional,
        dropout=dropout if num_layers > 1 else 0.0,
    )


class SequenceModel(BookModel):
    """Símbolos de entrada → embedding → rede recorrente → uma classe por passo.

    Serve ao modelo de linguagem de caracteres (o alvo de cada passo é o
    próximo símbolo) e às tarefas de classificação de sequências (o alvo só
    existe no último passo; os demais valem :data:`~recorrente.data.batching.IGNORE_INDEX`).

    Parâmetros:
        vocab_size: quantos símbolos de entrada existem.
        num_classes: quantas classes de saída existem.
        hidden_size: tamanho do estado oculto.
        kind: ``"rnn"``, ``"gru"`` ou ``"lstm"``.
        embedding_size: tamanho do embedding (padrão: ``hidden_size``).
        num_layers: camadas recorrentes empilhadas.
        bidirectional: lê a sequência nos dois sentidos (não serve para gerar texto).
        dropout: *dropout* entre camadas recorrentes e antes da camada de saída.
        padding_idx: índice do símbolo de preenchimento na entrada, se houver.

    Exemplo:
        >>> import torch
        >>> from torch.nn import functional as F
        >>> model = SequenceModel(vocab_size=6, num_classes=3, hidden_size=8, kind="lstm")
        >>> x = torch.tensor([[1, 2, 5, 4]])
        >>> y = torch.tensor([[-100, -100, -100, 2]])  # só o último passo tem alvo
        >>> logits, loss = model(x, y)
        >>> logits.shape
        torch.Size([1, 4, 3])
        >>> torch.testing.assert_close(loss, F.cross_entropy(logits[:, -1], torch.tensor([2])))
    """

    def __init__(
        self,
        vocab_size: int,
        num_classes: int,
        hidden_size: int = 128,
        kind: RecurrentKind = "gru",
        *,
        embedding_size: int | None = None,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        padding_idx: int | None = None,
    ) -> None:
        super().__init__()
        embedding_size = embedding_size or hidden_size
        self.config = {
            "vocab_size": vocab_size,
            "num_classes": num_classes,
            "hidden_size": hidden_size,
            "kind": kind,
            "embedding_size": embedding_size,
            "num_layers": num_layers,
            "bidirectional": bidirectional,
            "dropout": dropout,
            "padding_idx": padding_idx,
        }
        self.embedding = nn.Embedding(vocab_size, embedding_size, padding_idx=padding_idx)
        self.rnn = make_recurrent(
            kind,
            embedding_size,
            hidden_size,
            num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), num_classes)

    def forward(
        self, x: Tensor, targets: Tensor | None = None, state: Tensor | tuple | None = None
    ) -> tuple[Tensor, Tensor | None]:
        """Devolve ``(logits, loss)``; ``logits`` tem forma ``(N, T, num_classes)``.

        Parâmetros:
            x: índices ``(N, T)``.
            targets: classes ``(N, T)``, com
                :data:`~recorrente.data.batching.IGNORE_INDEX` onde não há alvo.
            state: estado inicial opcional da rede recorrente.
        """
        output, _ = self.rnn(self.embedding(x), state)
        logits = self.head(self.dropout(output))
        if targets is None:
            return logits, None
        return logits, sequence_cross_entropy(logits, targets)

    def step(self, x: Tensor, state: Tensor | tuple | None = None) -> tuple[Tensor, Tensor | tuple]:
        """Um passo de geração: logits do último passo ``(N, C)`` e o novo estado."""
        output, state = self.rnn(self.embedding(x), state)
        return self.head(output[:, -1]), state



class NameClassifier(BookModel):
    """Muitos para um: as letras de um nome → rede recorrente → um logit da fração feminina.

    A entrada são lotes com preenchimento 0 depois de cada nome
    (:meth:`recorrente.data.names.CharVocab.encode_padded`). O modelo conta o tamanho
    de cada nome (os índices diferentes de 0), **empacota** o lote com
    ``pack_padded_sequence`` e lê o último estado de cada nome em ``h_n``: o do seu
    último caractere, e não o de um passo de preenchimento. Na rede bidirecional, junta
    o estado final da direção de ida (última letra) com o da volta (primeira letra).
    A perda é :func:`soft_cross_entropy` contra a fração do
    censo.

    Parâmetros:
        vocab_size: quantos símbolos de entrada existem (com o 0 do preenchimento).
        hidden_size: tamanho do estado oculto (em cada direção).
        kind: ``"rnn"``, ``"gru"`` ou ``"lstm"``.
        embedding_size: tamanho do embedding (padrão: ``hidden_size``).
        num_layers: camadas recorrentes empilhadas.
        bidirectional: lê o nome nos dois sentidos.

    Exemplo:
        >>> import torch
        >>> model = NameClassifier(vocab_size=5, hidden_size=8, kind="lstm", bidirectional=True)
        >>> x = torch.tensor([[1, 2, 3], [4, 1, 0]])  # o 2º nome tem 2 letras e um preenchimento
        >>> logits, loss = model(x, torch.tensor([1.0, 0.25]))
        >>> logits.shape, loss.ndim
        (torch.Size([2]), 0)
        >>> alone, _ = model(x[1:, :2])  # o mesmo nome sozinho, sem preenchimento
        >>> torch.testing.assert_close(alone, logits[1:])
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int = 64,
        kind: RecurrentKind = "gru",
        *,
        embedding_size: int | None = None,
        num_layers: int = 1,
        bidirectional: bool = False,
    ) -> None:
        super().__init__()
        embedding_size = embedding_size or hidden_size
        self.config = {
            "vocab_size": vocab_size,
            "hidden_size": hidden_size,
            "kind": kind,
            "embedding_size": embedding_size,
            "num_layers": num_layers,
            "bidirectional": bidirectional,
        }
        self.embedding = nn.Embedding(vocab_size, embedding_size, padding_idx=0)
        self.rnn = make_recurrent(
            kind, embedding_size, hidden_size, num_layers, bidirectional=bidirectional
        )
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), 1)

    def forward(self, x: Tensor, targets: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        """Devolve ``(logits, loss)``; ``logits`` tem forma ``(N,)`` (a fração é a sigmoide dele).

        Parâmetros:
            x: índices ``(N, T)``, cada nome seguido de zeros (preenchimento).
            targets: a fração feminina de cada nome, ``(N,)``, entre 0 e 1.

        Levanta:
            InputError: se algum nome do lote não tem nenhuma letra.
        """
        lengths = (x != 0).sum(dim=1)
        if bool((lengths == 0).any()):
            raise InputError("Há um nome vazio no lote; escreva pelo menos uma letra.")
        packed = pack_padded_sequence(
            self.embedding(x), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        _, h_n = self.rnn(packed)
        if isinstance(h_n, tuple):  # a LSTM devolve (h_n, c_n)
            h_n = h_n[0]
        # o estado final de cada direção da última camada, lado a lado (para a frente, para trás)
        layers, bidirectional = self.config["num_layers"], self.config["bidirectional"]
        states = split_states(h_n, layers, bidirectional)
        directions = (0, 1) if bidirectional else (0,)
        features = torch.cat([states[layers - 1, d] for d in directions], dim=-1)
        logits = self.head(features).squeeze(-1)
        if targets is None:
            return logits, None
        return logits, soft_cross_entropy(logits, targets)



class WindowRegressor(BookModel):
    """Janela de ``T`` passos → rede recorrente → o próximo valor (regressão).

    A rede lê a janela inteira e uma camada linear transforma o estado oculto do
    último passo numa previsão por exemplo. A perda é o erro quadrático médio.

    Parâmetros:
        input_size: características por passo (1 para uma série só).
        hidden_size: tamanho do estado oculto.
        kind: ``"rnn"``, ``"gru"`` ou ``"lstm"``.
        num_layers: camadas recorrentes empilhadas.

    Exemplo:
        >>> import torch
        >>> model = WindowRegressor(hidden_size=8)
        >>> y_hat, loss = model(torch.zeros(4, 20), torch.zeros(4))
        >>> y_hat.shape, loss.ndim
        (torch.Size([4]), 0)
    """

    def __init__(
        self,
        input_size: int = 1,
        hidden_size: int = 32,
        kind: RecurrentKind = "lstm",
        *,
        num_layers: int = 1,
    ) -> None:
        super().__init__()
        self.config = {
            "input_size": input_size,
            "hidden_size": hidden_size,
            "kind": kind,
            "num_layers": num_layers,
        }
        self.rnn = make_recurrent(kind, input_size, hidden_size, num_layers)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: Tensor, targets: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        """Devolve ``(previsão, loss)``; a previsão tem forma ``(N,)``.

        Parâmetros:
            x: janelas ``(N, T)`` (uma série) ou ``(N, T, input_size)``.
            targets: o valor seguinte de cada janela, ``(N,)``.
        """
        if x.ndim == 2:
            x = x.unsqueeze(-1)
        output, _ = self.rnn(x)
        prediction = self.head(output[:, -1]).squeeze(-1)
        if targets is None:
            return prediction, None
        return prediction, F.mse_loss(prediction, targets.reshape(prediction.shape))
