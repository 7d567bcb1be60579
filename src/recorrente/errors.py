"""O erro que o pacote levanta para entradas ruins, com mensagem em português."""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Entrada inválida do usuário: arquivo vazio, coluna ausente, caractere desconhecido...

    A mensagem diz o problema e como resolvê-lo. A linha de comando mostra só a
    mensagem, numa linha, e sai com código 2, sem *traceback*.

    Exemplo:
        >>> raise InputError("O arquivo nomes.txt está vazio; coloque um nome por linha.")
        Traceback (most recent call last):
        ...
        recorrente.errors.InputError: O arquivo nomes.txt está vazio; coloque um nome por linha.
    """
