"""Sequência para sequência: codificador, decodificador, atenção, busca gulosa e em feixe.

O :class:`Seq2Seq` lê uma sequência de símbolos com um codificador GRU
bidirecional e escreve outra com um decodificador GRU. Sem atenção, o
decodificador vê a entrada só pelo **vetor de contexto fixo** ``c`` (o último
estado do codificador), o mesmo em todos os passos. Com atenção, cada passo
``t`` monta o seu contexto ``c_t`` como uma média dos estados do codificador
``s_j`` ponderada por pesos ``a_tj`` que somam 1:

    e_tj = score(h_t, s_j),   a_tj = softmax_j(e_tj),   c_t = sum_j a_tj s_j

com o placar do produto escalar (:func:`dot_attention`, ``q · k / sqrt(d)``) ou o
aditivo (:class:`AdditiveAttention`, ``v · tanh(W_q q + W_k k)``). A saída do
passo é ``tanh(W_c [c_t; h_t])`` seguida da camada linear das palavras (a
atenção "global" de Luong e colegas, 2015).

O modelo obedece ao contrato do livro (``forward(x, targets) -> (saída, perda)``):
com alvos, treina com forçamento do professor; sem eles, decodifica de forma
gulosa. :func:`greedy_search` e :func:`beam_search` não conhecem o modelo: recebem
uma função de um passo, e por isso podem ser testadas com modelos feitos à mão.

Exemplo:
    >>> import torch
    >>> model = Seq2Seq(num_chars=13, num_words=46, hidden_size=16, attention="dot")
    >>> x = torch.tensor([[2, 12, 1, 6], [3, 4, 12, 1]])       # "1,05" e "23,0"
    >>> y = torch.tensor([[8, 3, 2, 13, 6, 1], [9, 1, -100, -100, -100, -100]])
    >>> logits, loss = model(x, y)
    >>> logits.shape, loss.ndim
    (torch.Size([2, 6, 46]), 0)
    >>> model.greedy(x, max_len=5)[0].shape[1] <= 5             # sem alvos: decodificação
    True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import torch
from torch import Tensor, nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from recorrente.data.batching import IGNORE_INDEX
from recorrente.models import BookModel

__all__ = [
    "ATTENTION_KINDS",
    "AdditiveAttention",
    "Seq2Seq",
    "beam_search",
    "dot_attention",
    "edit_distance",
    "exact_match",
    "greedy_search",
    "word_error_rate",
]

AttentionKind = Literal["none", "dot", "additive"]
ATTENTION_KINDS: tuple[str, ...] = ("none", "dot", "additive")
"""Os decodificadores aceitos: contexto fixo, atenção de produto escalar ou aditiva."""

State = tuple[Tensor, ...]
StepFn = Callable[[Tensor, State], tuple[Tensor, State]]


def dot_attention(
    query: Tensor,
    keys: Tensor,
    values: Tensor,
    mask: Tensor | None = None,
    *,
    scale: float | None = None,
) -> tuple[Tensor, Tensor]:
    """Atenção de produto escalar: ``softmax(q kᵀ · escala) v``, com máscara.

    É a mesma conta de ``torch.nn.functional.scaled_dot_product_attention``
    (escala padrão ``1 / sqrt(d)``), escrita a partir da equação e devolvendo
    também os pesos, que o capítulo desenha.

    Parâmetros:
        query: consultas ``(N, T, d)`` (os estados do decodificador).
        keys: chaves ``(N, S, d)`` (os estados do codificador).
        values: valores ``(N, S, d_v)``.
        mask: ``(N, S)`` ou ``(N, T, S)``, ``True`` onde a posição vale
            (``False`` no preenchimento).
        scale: fator do placar; ``None`` usa ``1 / sqrt(d)``.

    Retorna:
        O contexto ``(N, T, d_v)`` e os pesos ``(N, T, S)``, que somam 1 em ``S``.

    Exemplo:
        >>> q = torch.tensor([[[1.0, 0.0]]]); k = torch.tensor([[[1.0, 0.0], [0.0, 1.0]]])
        >>> context, weights = dot_attention(q, k, k, scale=1.0)
        >>> weights.squeeze().tolist() == torch.softmax(torch.tensor([1.0, 0.0]), 0).tolist()
        True
        >>> _, weights = dot_attention(q, k, k, torch.tensor([[True, False]]))
        >>> weights.squeeze().tolist()                     # o preenchimento não recebe peso
        [1.0, 0.0]
    """
    scale = 1.0 / math.sqrt(query.size(-1)) if scale is None else scale
    scores = query @ keys.transpose(1, 2) * scale  # e_tj = q_t · k_j · escala
    return _softmax_context(scores, values, mask)


def _softmax_context(scores: Tensor, values: Tensor, mask: Tensor | None) -> tuple[Tensor, Tensor]:
    if mask is not None:
        mask = mask if mask.ndim == 3 else mask.unsqueeze(1)
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # a_tj: somam 1 em j
    return weights @ values, weights  # c_t = sum_j a_tj v_j


class AdditiveAttention(nn.Module):
    """Atenção aditiva (Bahdanau e colegas, 2015): ``e_tj = v · tanh(W_q q_t + W_k k_j)``.

    Parâmetros:
        query_size: tamanho das consultas.
        key_size: tamanho das chaves.
        attention_size: tamanho da camada escondida do placar.

    Exemplo:
        >>> attention = AdditiveAttention(4, 6, 8)
        >>> context, weights = attention(torch.zeros(2, 3, 4), torch.ones(2, 5, 6),
        ...                              torch.ones(2, 5, 6))
        >>> context.shape, weights.shape
        (torch.Size([2, 3, 6]), torch.Size([2, 3, 5]))
        >>> torch.allclose(weights, torch.full((2, 3, 5), 0.2))  # placares iguais: média
        True
    """

    def __init__(self, query_size: int, key_size: int, attention_size: int) -> None:
        super().__init__()
        self.W_q = nn.Linear(query_size, attention_size, bias=False)
        self.W_k = nn.Linear(key_size, attention_size, bias=False)
        self.v = nn.Linear(attention_size, 1, bias=False)

    def forward(
        self, query: Tensor, keys: Tensor, values: Tensor, mask: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        """O contexto ``(N, T, d_v)`` e os pesos ``(N, T, S)`` (ver :func:`dot_attention`)."""
        hidden = torch.tanh(self.W_q(query).unsqueeze(2) + self.W_k(keys).unsqueeze(1))
        scores = self.v(hidden).squeeze(-1)  # (N, T, S)
        return _softmax_context(scores, values, mask)


class Seq2Seq(BookModel):
    """Codificador GRU bidirecional e decodificador GRU, com ou sem atenção.

    Parâmetros:
        num_chars: símbolos de entrada (o 0 é o preenchimento).
        num_words: palavras de saída.
        hidden_size: estado do decodificador (o codificador usa metade em cada sentido).
        embedding_size: tamanho dos embeddings de entrada e de saída.
        attention: ``"none"`` (vetor de contexto fixo), ``"dot"`` ou ``"additive"``.
        bos: índice da palavra que abre a frase.
        eos: índice da palavra que a fecha.
        max_len: passos máximos da decodificação sem alvos.

    Exemplo:
        >>> model = Seq2Seq(13, 46, hidden_size=8, attention="none")
        >>> model.config["attention"], model.num_parameters() > 0
        ('none', True)
    """

    def __init__(
        self,
        num_chars: int,
        num_words: int,
        hidden_size: int = 128,
        embedding_size: int = 32,
        attention: AttentionKind = "dot",
        *,
        bos: int = 0,
        eos: int = 1,
        max_len: int = 24,
    ) -> None:
        super().__init__()
        if attention not in ATTENTION_KINDS:
            raise ValueError(f"Atenção desconhecida: {attention!r}; use uma de {ATTENTION_KINDS}.")
        if hidden_size % 2:
            raise ValueError("hidden_size precisa ser par (metade para cada sentido).")
        self.config = {
            "num_chars": num_chars,
            "num_words": num_words,
            "hidden_size": hidden_size,
            "embedding_size": embedding_size,
            "attention": attention,
            "bos": bos,
            "eos": eos,
            "max_len": max_len,
        }
        self.attention_kind, self.bos, self.eos, self.max_len = attention, bos, eos, max_len
        self.char_embedding = nn.Embedding(num_chars, embedding_size, padding_idx=0)
        self.encoder = nn.GRU(
            embedding_size, hidden_size // 2, batch_first=True, bidirectional=True
        )
        self.word_embedding = nn.Embedding(num_words, embedding_size)
        self.decoder = nn.GRU(embedding_size, hidden_size, batch_first=True)
        self.additive = (
            AdditiveAttention(hidden_size, hidden_size, hidden_size)
            if attention == "additive"
            else None
        )
        self.W_c = nn.Linear(2 * hidden_size, hidden_size)
        self.head = nn.Linear(hidden_size, num_words)

    def encode(self, x: Tensor) -> State:
        """Estados do codificador ``(N, S, H)``, máscara ``(N, S)`` e estado inicial ``(N, H)``.

        As sequências são empacotadas, e o sentido de trás começa no último
        caractere de verdade de cada valor, não no preenchimento.
        """
        mask = x != 0
        lengths = mask.sum(dim=1).clamp(min=1).cpu()
        packed = pack_padded_sequence(
            self.char_embedding(x), lengths, batch_first=True, enforce_sorted=False
        )
        out, h_n = self.encoder(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        context = torch.cat([h_n[0], h_n[1]], dim=-1)  # os dois sentidos: (N, H)
        return out, mask, context

    def _combine(self, h: Tensor, memory: Tensor, mask: Tensor, context: Tensor) -> State:
        """Saída ``tanh(W_c [c_t; h_t])`` e os pesos da atenção (``None`` sem ela)."""
        if self.attention_kind == "none":
            c_t, weights = context.unsqueeze(1).expand_as(h), None  # o mesmo c em todo passo
        elif self.attention_kind == "dot":
            c_t, weights = dot_attention(h, memory, memory, mask)
        else:
            c_t, weights = self.additive(h, memory, memory, mask)
        return torch.tanh(self.W_c(torch.cat([c_t, h], dim=-1))), weights

    def forward(self, x: Tensor, targets: Tensor | None = None) -> tuple[Tensor, Tensor | None]:
        """Devolve ``(logits, loss)``; com alvos, ``logits`` é ``(N, T, num_words)``.

        Com ``targets`` (índices ``(N, T)`` terminados pelo fim, com
        :data:`~recorrente.data.batching.IGNORE_INDEX` no preenchimento), o decodificador
        recebe a palavra certa do passo anterior (forçamento do professor). Sem
        alvos, decodifica de forma gulosa por ``max_len`` passos e devolve os logits
        de cada passo, com ``loss = None``.

        Parâmetros:
            x: caracteres ``(N, S)``, preenchidos com 0.
            targets: palavras-alvo ``(N, T)``.
        """
        if targets is None:
            return self._greedy_logits(x), None
        memory, mask, context = self.encode(x)
        previous = targets[:, :-1].masked_fill(targets[:, :-1] == IGNORE_INDEX, self.eos)
        bos = torch.full_like(targets[:, :1], self.bos)
        dec_in = self.word_embedding(torch.cat([bos, previous], dim=1))
        h, _ = self.decoder(dec_in, context.unsqueeze(0))  # h_t para todos os t de uma vez
        out, _ = self._combine(h, memory, mask, context)
        logits = self.head(out)
        loss = F.cross_entropy(
            logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=IGNORE_INDEX
        )
        return logits, loss

    def step_fn(self, x: Tensor, record: list[Tensor] | None = None) -> tuple[StepFn, State]:
        """Função de um passo do decodificador e o estado inicial, para as buscas.

        O estado é ``(h, memória, máscara, contexto)``, todos com o lote na
        primeira dimensão (as buscas os reordenam com ``index_select``).

        Parâmetros:
            x: caracteres ``(N, S)``.
            record: se dada, recebe os pesos da atenção ``(M, S)`` de cada passo.

        Retorna:
            ``step(tokens (M,), state) -> (log-probabilidades (M, V), state)`` e o estado.
        """
        memory, mask, context = self.encode(x)

        def step(tokens: Tensor, state: State) -> tuple[Tensor, State]:
            h, memory, mask, context = state
            out, h_new = self.decoder(self.word_embedding(tokens).unsqueeze(1), h.unsqueeze(0))
            combined, weights = self._combine(out, memory, mask, context)
            if record is not None and weights is not None:
                record.append(weights[:, 0])
            log_probs = torch.log_softmax(self.head(combined[:, 0]), dim=-1)
            return log_probs, (h_new[0], memory, mask, context)

        return step, (context, memory, mask, context)

    @torch.no_grad()
    def greedy(self, x: Tensor, max_len: int | None = None) -> tuple[Tensor, Tensor | None]:
        """Decodificação gulosa: as palavras ``(N, L)`` e os pesos da atenção ``(N, L, S)``.

        Depois do fim, as posições repetem o índice do fim. Sem atenção, os pesos são ``None``.

        Exemplo:
            >>> model = Seq2Seq(13, 46, hidden_size=8)
            >>> words, weights = model.greedy(torch.tensor([[2, 12, 1, 6]]), max_len=3)
            >>> words.shape[1] <= 3, weights.shape == (1, words.shape[1], 4)  # L passos × S
            (True, True)
        """
        collected: list[Tensor] = []
        step, state = self.step_fn(x, collected)
        words = greedy_search(step, state, x.size(0), self.bos, self.eos, max_len or self.max_len)
        weights = torch.stack(collected, dim=1) if collected else None
        return words, weights

    @torch.no_grad()
    def beam(self, x: Tensor, width: int = 4, max_len: int | None = None) -> Tensor:
        """Busca em feixe de largura ``width``: as palavras ``(N, L)`` da melhor hipótese.

        Exemplo:
            >>> model = Seq2Seq(13, 46, hidden_size=8)
            >>> x = torch.tensor([[2, 12, 1, 6]])
            >>> torch.equal(model.beam(x, width=1, max_len=4), model.greedy(x, max_len=4)[0])
            True
        """
        step, state = self.step_fn(x)
        return beam_search(step, state, x.size(0), self.bos, self.eos, max_len or self.max_len,
                           width=width)

    @torch.no_grad()
    def _greedy_logits(self, x: Tensor) -> Tensor:
        step, state = self.step_fn(x)
        tokens = torch.full((x.size(0),), self.bos, dtype=torch.long, device=x.device)
        logits = []
        for _ in range(self.max_len):
            log_probs, state = step(tokens, state)
            logits.append(log_probs)
            tokens = log_probs.argmax(dim=-1)
        return torch.stack(logits, dim=1)


def _device_of(state: State) -> torch.device:
    """Onde os tensores do estado estão (a CPU sem estado): as buscas criam os seus ali."""
    return state[0].device if state else torch.device("cpu")


def greedy_search(
    step: StepFn, state: State, batch_size: int, bos: int, eos: int, max_len: int
) -> Tensor:
    """Escolhe em cada passo a palavra mais provável, até o fim ou ``max_len`` passos.

    Parâmetros:
        step: ``step(tokens (M,), state) -> (log-probabilidades (M, V), state)``.
        state: o estado inicial (tensores com o lote na primeira dimensão).
        batch_size: quantas sequências.
        bos: índice da palavra inicial.
        eos: índice do fim; depois dele, a sequência só repete o fim.
        max_len: passos no máximo.

    Retorna:
        As palavras escolhidas ``(N, L)``, com ``L <= max_len``.

    Exemplo:
        >>> table = torch.log(torch.tensor([[0.0, 0.0, 0.6, 0.4],   # depois do início
        ...                                 [0.0, 1.0, 0.0, 0.0],   # depois do fim
        ...                                 [0.0, 1.0, 0.0, 0.0],
        ...                                 [0.0, 1.0, 0.0, 0.0]]))
        >>> markov = lambda tokens, state: (table[tokens], state)
        >>> greedy_search(markov, (), 1, bos=0, eos=1, max_len=5).tolist()
        [[2, 1]]
    """
    device = _device_of(state)
    tokens = torch.full((batch_size,), bos, dtype=torch.long, device=device)
    done = torch.zeros(batch_size, dtype=torch.bool, device=device)
    out = []
    for _ in range(max_len):
        log_probs, state = step(tokens, state)
        tokens = log_probs.argmax(dim=-1).masked_fill(done, eos)
        out.append(tokens)
        done = done | (tokens == eos)
        if bool(done.all()):
            break
    return torch.stack(out, dim=1)


def beam_search(
    step: StepFn,
    state: State,
    batch_size: int,
    bos: int,
    eos: int,
    max_len: int,
    *,
    width: int = 4,
) -> Tensor:
    """Guarda as ``width`` hipóteses de maior log-probabilidade total a cada passo.

    Uma hipótese que chega ao fim fica parada com a sua pontuação (só pode
    continuar com o fim, a custo zero). No fim, devolve a melhor de cada exemplo.
    Sem normalização pelo comprimento: a pontuação é a soma das log-probabilidades.

    Parâmetros:
        step: ``step(tokens (M,), state) -> (log-probabilidades (M, V), state)``.
        state: o estado inicial (tensores com o lote na primeira dimensão).
        batch_size: quantas sequências.
        bos: índice da palavra inicial.
        eos: índice do fim.
        max_len: passos no máximo.
        width: largura do feixe; 1 é a busca gulosa.

    Retorna:
        As palavras da melhor hipótese ``(N, L)``, com o fim repetido depois do fim.

    Exemplo:
        >>> table = torch.log(torch.tensor([[0.0, 0.0, 0.6, 0.4, 0.0],  # início: 2 ou 3
        ...                                 [0.0, 1.0, 0.0, 0.0, 0.0],  # fim
        ...                                 [0.0, 0.5, 0.0, 0.0, 0.5],  # 2: fim ou 4
        ...                                 [0.0, 1.0, 0.0, 0.0, 0.0],  # 3: fim
        ...                                 [0.0, 0.0, 0.0, 0.0, 0.0]]))
        >>> table[4] = torch.tensor([0.0, 1.0, 0.0, 0.0, 0.0]).log()
        >>> markov = lambda tokens, state: (table[tokens], state)
        >>> beam_search(markov, (), 1, bos=0, eos=1, max_len=4, width=2).tolist()
        [[3, 1]]
        >>> greedy_search(markov, (), 1, bos=0, eos=1, max_len=4).tolist()  # 0,6 × 0,5 = 0,3
        [[2, 1]]
    """
    N, W = batch_size, width
    device = _device_of(state)
    state = tuple(t.repeat_interleave(W, dim=0) for t in state)
    tokens = torch.full((N * W,), bos, dtype=torch.long, device=device)
    scores = torch.full((N, W), float("-inf"), device=device)
    scores[:, 0] = 0.0  # no começo, só uma hipótese vale
    done = torch.zeros(N, W, dtype=torch.bool, device=device)
    history = torch.empty(N, W, 0, dtype=torch.long, device=device)
    for _ in range(max_len):
        log_probs, state = step(tokens, state)
        V = log_probs.size(-1)
        log_probs = log_probs.view(N, W, V)
        finished = torch.full((V,), float("-inf"), device=device)
        finished[eos] = 0.0
        log_probs = torch.where(done.unsqueeze(-1), finished, log_probs)
        candidates = (scores.unsqueeze(-1) + log_probs).view(N, W * V)
        scores, index = candidates.topk(W, dim=-1)
        origin, tokens_nw = index // V, index % V
        kept = history.gather(1, origin.unsqueeze(-1).expand(-1, -1, history.size(2)))
        history = torch.cat([kept, tokens_nw.unsqueeze(-1)], dim=2)
        done = done.gather(1, origin) | (tokens_nw == eos)
        flat = (origin + torch.arange(N, device=device).unsqueeze(1) * W).view(-1)
        state = tuple(t.index_select(0, flat) for t in state)
        tokens = tokens_nw.view(-1)
        if bool(done.all()):
            break
    best = scores.argmax(dim=-1)
    return history[torch.arange(N, device=device), best]


def edit_distance(hypothesis: list[str], reference: list[str]) -> int:
    """Distância de edição (Levenshtein) entre duas listas de palavras.

    O menor número de trocas, inserções e remoções de palavras que leva de uma à outra.

    Parâmetros:
        hypothesis: as palavras escritas pelo modelo.
        reference: as palavras certas.

    Retorna:
        O número de edições.

    Exemplo:
        >>> edit_distance("mil e cem reais".split(), "mil cento e dez reais".split())
        2
    """
    previous = list(range(len(reference) + 1))
    for i, word in enumerate(hypothesis, start=1):
        current = [i]
        for j, ref in enumerate(reference, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (word != ref)))
        previous = current
    return previous[-1]


def exact_match(hypotheses: list[str], references: list[str]) -> float:
    """Fração das frases escritas inteiras sem nenhum erro (acerto exato).

    Parâmetros:
        hypotheses: frases escritas pelo modelo.
        references: as frases certas, na mesma ordem.

    Retorna:
        A fração, de 0 a 1.

    Exemplo:
        >>> exact_match(["dez reais", "um real"], ["dez reais", "dois reais"])
        0.5
    """
    pairs = list(zip(hypotheses, references, strict=True))
    return sum(h == r for h, r in pairs) / max(1, len(pairs))


def word_error_rate(hypotheses: list[str], references: list[str]) -> float:
    """Taxa de erro de palavras (WER): edições somadas ÷ palavras de referência somadas.

    Parâmetros:
        hypotheses: frases escritas pelo modelo (palavras separadas por espaço).
        references: as frases certas, na mesma ordem.

    Retorna:
        A taxa (0 é perfeito; pode passar de 1 se o modelo escreve demais).

    Exemplo:
        >>> word_error_rate(["dez reais", "um real"], ["dez reais", "dois reais"])
        0.5
    """
    pairs = zip(hypotheses, references, strict=True)
    # uma frase igual à referência tem 0 edições: a conta quadrática só roda nas que erram
    edits = sum(edit_distance(h.split(), r.split()) for h, r in pairs if h != r)
    return edits / max(1, sum(len(r.split()) for r in references))
