"""Extensão do griffe: docstrings em português, entendidas pelo mkdocstrings.

As docstrings do pacote seguem o estilo Google com os títulos de seção em português
(``Parâmetros:``, ``Retorna:``, ``Levanta:``, ``Atributos:``, ``Exemplo:``), para que o
``help()`` do leitor também fale português. O analisador do griffe só reconhece os títulos em
inglês; esta extensão os traduz antes da análise, e o arquivo de idioma
``templates/mkdocstrings/python/material/languages/pt-BR.html.jinja`` devolve o título em
português na página. Também troca os papéis do Sphinx (``:class:`X```, ``:math:`x```), que
o Markdown não entende, por código e por fórmula do MathJax.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

SECTIONS = {
    "Parâmetros": "Args",
    "Retorna": "Returns",
    "Levanta": "Raises",
    "Atributos": "Attributes",
    "Exemplo": "Examples",
    "Exemplos": "Examples",
}
_SECTION = re.compile(r"^(\s*)(" + "|".join(SECTIONS) + r"):\s*$", re.MULTILINE)
_MATH_ROLE = re.compile(r":math:`([^`]+)`")
_CODE_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):`~?([^`]+)`")


def translate(text: str) -> str:
    """Devolve a docstring com os títulos de seção em inglês e sem papéis do Sphinx.

    Exemplo:
        >>> translate("Soma.\\n\\nParâmetros:\\n    x: um :class:`int`.")
        'Soma.\\n\\nArgs:\\n    x: um `int`.'
    """
    text = _SECTION.sub(lambda m: f"{m[1]}{SECTIONS[m[2]]}:", text)
    text = _MATH_ROLE.sub(r"$\1$", text)
    return _CODE_ROLE.sub(r"`\1`", text)


class PortugueseDocstrings(griffe.Extension):
    """Traduz os títulos de seção de cada docstring assim que o objeto é lido."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = translate(obj.docstring.value)
