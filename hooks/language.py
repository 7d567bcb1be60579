"""Marca as páginas como ``lang="pt-BR"``.

O Material, com ``language: pt-BR``, traduz a interface para o português do Brasil mas
escreve só ``<html lang="pt">``; leitores de tela e o tradutor do navegador leem melhor o
código completo da variante.
"""

from __future__ import annotations


def on_post_page(output: str, **kwargs) -> str:
    return output.replace('<html lang="pt"', '<html lang="pt-BR"', 1)
