"""Os endereços do livro, todos derivados de um ajuste só: o repositório no GitHub.

O ``site_url``, o ``repo_url`` (e com ele os links "Sugerir correção"), o endereço do Colab e o
pacote que a célula de instalação dos notebooks usa quando a versão não está no PyPI saem de
``dono/nome``. No GitHub Actions ele vem de ``GITHUB_REPOSITORY``, que o próprio executor
define: um fork publica o seu site, que aponta para o seu repositório, sem editar nada. Fora do
Actions, o padrão é o repositório do livro.

O ``hooks/repositorio.py`` aplica estes endereços à configuração do MkDocs; ``scripts/paginas.py``
os usa na célula de instalação; os testes os usam para saber o que esperar.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping

PADRAO = "recorrente/recorrente"  # o repositório do livro, quando GITHUB_REPOSITORY falta
_DONO_E_NOME = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")


@dataclasses.dataclass(frozen=True)
class Enderecos:
    """Os endereços de um repositório ``dono/nome`` no GitHub.

    Exemplo:
        >>> e = Enderecos("fulana/livro-rnn")
        >>> e.repo_url, e.site_url
        ('https://github.com/fulana/livro-rnn', 'https://fulana.github.io/livro-rnn/')
        >>> e.colab
        'https://colab.research.google.com/github/fulana/livro-rnn/blob/notebooks/'
        >>> Enderecos("Fulana/fulana.github.io").site_url  # o site de usuário fica na raiz
        'https://fulana.github.io/'
    """

    repositorio: str

    def __post_init__(self) -> None:
        if not _DONO_E_NOME.fullmatch(self.repositorio):
            raise ValueError(
                f"repositório inválido: {self.repositorio!r}; use dono/nome, como "
                f"GITHUB_REPOSITORY (por exemplo, {PADRAO!r})"
            )

    @property
    def dono(self) -> str:
        return self.repositorio.split("/")[0]

    @property
    def nome(self) -> str:
        return self.repositorio.split("/")[1]

    @property
    def repo_url(self) -> str:
        return f"https://github.com/{self.repositorio}"

    @property
    def site_url(self) -> str:
        """O endereço do GitHub Pages do repositório."""
        host = f"{self.dono.lower()}.github.io"
        return f"https://{host}/" if self.nome.lower() == host else f"https://{host}/{self.nome}/"

    @property
    def colab(self) -> str:
        """A base do botão "Abrir no Colab": os notebooks do ramo ``notebooks`` (publicar.yml)."""
        return f"https://colab.research.google.com/github/{self.repositorio}/blob/notebooks/"

    def pacotes(self, versao: str) -> tuple[str, str]:
        """O que a célula de instalação pede ao ``pip``: a versão no PyPI e, se ela não estiver
        lá (um fork que não publica, uma versão ainda por publicar), a mesma do repositório, na
        etiqueta ``vX.Y.Z`` que o workflow de release usa.

        Exemplo:
            >>> Enderecos("fulana/livro-rnn").pacotes("0.1.0")
            ('recorrente==0.1.0', 'recorrente @ git+https://github.com/fulana/livro-rnn@v0.1.0')
        """
        return f"recorrente=={versao}", f"recorrente @ git+{self.repo_url}@v{versao}"

    def configuracao(self, versao: str) -> dict:
        """O que entra no ``mkdocs.yml``: o ``hooks/repositorio.py`` aplica no build; o canário
        do Zensical (que não roda hooks) recebe o mesmo num arquivo.

        ``extra.versao`` é a versão do pacote com que as páginas foram construídas; o rodapé a
        mostra e a célula de instalação dos notebooks a pede.
        """
        return {
            "site_url": self.site_url,
            "repo_url": self.repo_url,
            "repo_name": self.repositorio,
            "extra": {"notebooks": {"colab": self.colab}, "versao": versao},
        }


def do_ambiente(ambiente: Mapping[str, str] | None = None) -> Enderecos:
    """Os endereços de ``GITHUB_REPOSITORY`` (ou do repositório do livro, sem ela).

    Exemplo:
        >>> do_ambiente({"GITHUB_REPOSITORY": "fulana/livro-rnn"}).repo_url
        'https://github.com/fulana/livro-rnn'
        >>> do_ambiente({}).repositorio == PADRAO
        True
    """
    ambiente = os.environ if ambiente is None else ambiente
    return Enderecos(ambiente.get("GITHUB_REPOSITORY") or PADRAO)
