"""Maquinário da página: o que uma célula entrega ao passo que escreve o site, não ao leitor.

O código que o leitor estuda (modelos, dados, tarefas) não depende deste módulo. Aqui mora
:class:`SiteFiles`, a saída de célula que vira arquivos ao lado das figuras do capítulo. As
outras peças de página do pacote são :mod:`recorrente.common_errors` (as caixas "Erro
comum") e :mod:`recorrente.shapes` (as tabelas medidas da folha de consulta).

Exemplo:
    >>> SiteFiles({"a.bin": b"12"})
    a.bin: 2 bytes
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping

from recorrente.errors import InputError
from recorrente.formatting import num

__all__ = ["FILES_MIME", "SiteFiles"]

FILES_MIME = "application/vnd.recorrente.arquivos+json"
"""Tipo da saída de célula que ``scripts/paginas.py`` transforma em arquivos da página."""

_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class SiteFiles:
    """Arquivos que a página do capítulo serve ao lado das figuras, vindos de uma célula.

    Como última expressão de uma célula, mostra o tamanho de cada arquivo e leva o conteúdo
    na saída (tipo :data:`FILES_MIME`, em base64); ``scripts/paginas.py`` grava cada um em
    ``docs/capitulos/NN_nome/``. Assim o arquivo vem junto com a execução guardada no cache.

    Parâmetros:
        files: nome do arquivo (letras, dígitos, ``.``, ``_`` e ``-``) → conteúdo.

    Levanta:
        InputError: se um nome tem outros caracteres (barras, por exemplo).

    Exemplo:
        >>> files = SiteFiles({"pesos.bin": b"1234"})
        >>> files
        pesos.bin: 4 bytes
        >>> files._repr_mimebundle_()[FILES_MIME]
        {'pesos.bin': 'MTIzNA=='}
    """

    def __init__(self, files: Mapping[str, bytes]) -> None:
        for name in files:
            if not _FILE_NAME.match(name):
                raise InputError(
                    f"Nome de arquivo inválido para a página: {name!r}; use só letras, dígitos, "
                    "'.', '_' e '-', sem pastas."
                )
        self.files = dict(files)

    def __repr__(self) -> str:
        return "\n".join(f"{name}: {num(len(data), 0)} bytes" for name, data in self.files.items())

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        encoded = {name: base64.b64encode(data).decode() for name, data in self.files.items()}
        return {FILES_MIME: encoded, "text/plain": repr(self)}
