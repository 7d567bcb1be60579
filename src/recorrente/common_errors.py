"""Os erros comuns com camadas recorrentes no PyTorch, com as mensagens exatas.

Quem chega ao livro com uma mensagem de erro colada na busca precisa encontrar a mensagem
**exata** que o PyTorch imprime. As caixas "Erro comum" dos capítulos cometem o erro de
verdade, numa célula executada a cada build, dentro de ``with expect_error("chave"):``, que
captura a exceção e imprime a mensagem. :data:`MESSAGES` é a casa única dessas mensagens: a
célula confere a mensagem que o PyTorch levantou com a guardada aqui e, se o PyTorch mudar o
texto (numa atualização de versão), o build para, em vez de publicar uma mensagem velha. Os
testes (``tests/test_erros_comuns.py``) executam de novo cada caixa e procuram cada mensagem no
índice de busca do site.

Exemplo:
    >>> import torch
    >>> from torch import nn
    >>> rnn = nn.RNN(3, 4, num_layers=2, batch_first=True)
    >>> with expect_error("h0-com-o-lote-primeiro"):
    ...     rnn(torch.zeros(3, 5, 3), torch.zeros(3, 2, 4))  # h_0 como (N, L, H)
    RuntimeError: Expected hidden size (2, 3, 4), got [3, 2, 4]
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["MESSAGES", "expect_error"]

MESSAGES: dict[str, str] = {
    "input-size": ("RuntimeError: input.size(-1) must be equal to input_size. Expected 2, got 3"),
    "h0-com-o-lote-primeiro": "RuntimeError: Expected hidden size (2, 3, 4), got [3, 2, 4]",
    "lote-2d-lido-sem-lote": (
        "RuntimeError: input.size(-1) must be equal to input_size. Expected 1, got 7"
    ),
    "h0-3d-com-entrada-2d": (
        "RuntimeError: For unbatched 2-D input, hx should also be 2-D but got 3-D tensor"
    ),
    "h0-sem-a-dimensao-das-camadas": (
        "RuntimeError: For batched 3-D input, hx should also be 3-D but got 2-D tensor"
    ),
    "lengths-2d": (
        "RuntimeError: 'lengths' argument should be a 1D CPU int64 tensor, but got 2D cpu "
        "Long tensor"
    ),
    "sequencia-vazia": (
        "RuntimeError: Length of all samples has to be greater than 0, but found an element "
        "in 'lengths' that is <= 0"
    ),
    "enforce-sorted": (
        "RuntimeError: `lengths` array must be sorted in decreasing order when "
        "`enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence "
        "and/or pack_sequence to sidestep this requirement if you do not need ONNX "
        "exportability."
    ),
    "total-length": (
        "ValueError: Expected total_length to be at least the length of the longest sequence "
        "in input, but got total_length=4 and max sequence length being 5"
    ),
    "backward-duas-vezes": (
        "RuntimeError: Trying to backward through the graph a second time (or directly access "
        "saved tensors after they have already been freed). Saved intermediate values of the "
        "graph are freed when you call .backward() or autograd.grad(). Specify "
        "retain_graph=True if you need to backward through the graph a second time or if you "
        "need to access saved tensors after calling backward."
    ),
    "lstm-com-um-tensor-so": "IndexError: index 1 is out of bounds for dimension 0 with size 1",
    "proj-size": "RuntimeError: Expected hidden[0] size (1, 3, 2), got [1, 3, 6]",
    "float64": (
        "ValueError: RNN input dtype (torch.float64) does not match weight dtype "
        "(torch.float32). Convert input: input.to(torch.float32), or convert model: "
        "model.to(torch.float64)"
    ),
}
"""Chave da caixa → a última linha do *traceback* que o PyTorch fixado imprime
(``Tipo: mensagem``), exatamente como o leitor a vê e a cola na busca."""


@contextmanager
def expect_error(key: str) -> Iterator[None]:
    """Executa o bloco, que tem de levantar o erro ``key``, e imprime a mensagem do PyTorch.

    A exceção é capturada (a célula segue), e a linha impressa é a última do *traceback*,
    ``Tipo: mensagem``. Se o bloco não levanta nada, ou levanta uma mensagem diferente da
    guardada em :data:`MESSAGES`, levanta ``AssertionError``: o capítulo falha no build.

    Parâmetros:
        key: a chave do erro em :data:`MESSAGES`.

    Levanta:
        KeyError: se ``key`` não está em :data:`MESSAGES`.
        AssertionError: se o bloco não levantou o erro esperado.

    Exemplo:
        >>> import torch
        >>> from torch import nn
        >>> lstm = nn.LSTM(3, 4)
        >>> with expect_error("lstm-com-um-tensor-so"):
        ...     lstm(torch.zeros(5, 3, 3), torch.zeros(1, 3, 4))  # falta o c_0
        IndexError: index 1 is out of bounds for dimension 0 with size 1
    """
    expected = MESSAGES[key]
    try:
        yield
    except Exception as error:  # qualquer erro do PyTorch; o texto é conferido abaixo
        got = f"{type(error).__name__}: {error}"
        if got != expected:
            raise AssertionError(
                f"O erro comum {key!r} mudou de mensagem (versão nova do PyTorch?).\n"
                f"Esperada (recorrente.common_errors.MESSAGES):\n  {expected}\n"
                f"Recebida:\n  {got}\n"
                "Atualize MESSAGES e o texto da caixa do capítulo."
            ) from error
        print(got)
        return
    raise AssertionError(f"O erro comum {key!r} não aconteceu: o bloco rodou sem erro.")
