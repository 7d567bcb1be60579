"""Os endereços do livro, todos derivados de um ajuste só: o repositório no GitHub.

O ``site_url``, o ``repo_url`` (e com ele os links "Sugerir correção"), o endereço do Colab e o
pacote que a célula de instalação dos notebooks usa quando a versão não está no PyPI saem de
``dono/nome``. No GitHub Actions ele vem de ``GITHUB_REPOSITORY``, que o próprio executor
define: um fork publica o seu site, que aponta para o seu repositório, sem editar nada. Fora do
Actions, o padrão é o repositório do livro.

O ``hooks/repository.py`` aplica estes endereços à configuração do MkDocs; :mod:`.notebook` os
usa na célula de instalação; os testes os usam para saber o que esperar.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping

DEFAULT = "recorrente/recorrente"  # o repositório do livro, quando GITHUB_REPOSITORY falta
_OWNER_AND_NAME = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")


@dataclasses.dataclass(frozen=True)
class Addresses:
    """Os endereços de um repositório ``dono/nome`` no GitHub.

    Exemplo:
        >>> a = Addresses("fulana/livro-rnn")
        >>> a.repo_url, a.site_url
        ('https://github.com/fulana/livro-rnn', 'https://fulana.github.io/livro-rnn/')
        >>> a.colab
        'https://colab.research.google.com/github/fulana/livro-rnn/blob/notebooks/'
        >>> Addresses("Fulana/fulana.github.io").site_url  # o site de usuário fica na raiz
        'https://fulana.github.io/'
    """

    repository: str

    def __post_init__(self) -> None:
        if not _OWNER_AND_NAME.fullmatch(self.repository):
            raise ValueError(
                f"repositório inválido: {self.repository!r}; use dono/nome, como "
                f"GITHUB_REPOSITORY (por exemplo, {DEFAULT!r})"
            )

    @property
    def owner(self) -> str:
        return self.repository.split("/")[0]

    @property
    def name(self) -> str:
        return self.repository.split("/")[1]

    @property
    def repo_url(self) -> str:
        return f"https://github.com/{self.repository}"

    @property
    def site_url(self) -> str:
        """O endereço do GitHub Pages do repositório."""
        host = f"{self.owner.lower()}.github.io"
        return f"https://{host}/" if self.name.lower() == host else f"https://{host}/{self.name}/"

    @property
    def colab(self) -> str:
        """A base do botão "Abrir no Colab": os notebooks do ramo ``notebooks`` (publicar.yml)."""
        return f"https://colab.research.google.com/github/{self.repository}/blob/notebooks/"

    def packages(self, version: str) -> tuple[str, str]:
        """O que a célula de instalação pede ao ``pip``: a versão no PyPI e, se ela não estiver
        lá (um fork que não publica, uma versão ainda por publicar), a mesma do repositório, na
        etiqueta ``vX.Y.Z`` que o workflow de lançamento usa.

        Exemplo:
            >>> Addresses("fulana/livro-rnn").packages("0.1.0")
            ('recorrente==0.1.0', 'recorrente @ git+https://github.com/fulana/livro-rnn@v0.1.0')
        """
        return f"recorrente=={version}", f"recorrente @ git+{self.repo_url}@v{version}"

    def config(self, version: str) -> dict:
        """O que entra no ``mkdocs.yml``: o ``hooks/repository.py`` aplica no build; o canário
        do Zensical (que não roda hooks) recebe o mesmo num arquivo.

        ``extra.versao`` é a versão do pacote com que as páginas foram construídas; o rodapé a
        mostra e a célula de instalação dos notebooks a pede.
        """
        return {
            "site_url": self.site_url,
            "repo_url": self.repo_url,
            "repo_name": self.repository,
            "extra": {"notebooks": {"colab": self.colab}, "versao": version},
        }


def from_environment(environ: Mapping[str, str] | None = None) -> Addresses:
    """Os endereços de ``GITHUB_REPOSITORY`` (ou do repositório do livro, sem ela).

    Exemplo:
        >>> from_environment({"GITHUB_REPOSITORY": "fulana/livro-rnn"}).repo_url
        'https://github.com/fulana/livro-rnn'
        >>> from_environment({}).repository == DEFAULT
        True
    """
    environ = os.environ if environ is None else environ
    return Addresses(environ.get("GITHUB_REPOSITORY") or DEFAULT)
