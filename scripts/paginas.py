"""Transforma cada capítulo (``docs/capitulos/NN_nome.py``) numa página Markdown com figuras.

É o passo que fica entre o capítulo e qualquer gerador de site (o MkDocs o chama pelo hook
``hooks/capitulos.py``; o Zensical lê o mesmo Markdown). Para cada capítulo:

1. o jupytext lê o arquivo *percent* como notebook;
2. o nbclient executa o notebook num kernel novo (diretório de trabalho: a raiz do repositório),
   com uma célula de preparo na frente que dá a cada figura do matplotlib um texto alternativo
   em português (o título da figura; uma ``legenda`` nos metadados da célula tem precedência);
3. o nbconvert (``MarkdownExporter`` com o modelo ``scripts/modelos/capitulo.md.j2``) escreve
   ``docs/capitulos/NN_nome.md``: código em blocos ```` ```python ````, saídas de texto em blocos
   sem botão de copiar, figuras como arquivos em ``docs/capitulos/NN_nome/`` com carregamento
   preguiçoso, tabelas do pandas (``DataFrame`` ou ``Styler``) como tabelas HTML simples; os
   arquivos que uma célula entrega como saída (``recorrente.web.SiteFiles``, o modelo que a
   página roda no navegador) vão para a mesma pasta das figuras;
4. o notebook executado, com as saídas e uma célula de instalação no topo, vira
   ``docs/capitulos/NN_nome.ipynb``, o arquivo de "Baixar notebook" e do Colab.

Nada disso vai para o git (``.gitignore``). A execução fica em cache em ``.cache-paginas/``,
com uma chave que cobre tudo o que muda uma saída: o código das células, os arquivos do pacote
``recorrente`` que o capítulo carregou (e os dados do pacote), a versão do Python e as
versões instaladas das distribuições que o kernel carregou (torch, numpy, pandas, ...).
Mudou só a prosa: a página é reescrita sem executar nada. Mudou ``src/recorrente``: os
capítulos que usam o arquivo mudado são executados de novo. Os capítulos são executados em
paralelo, um por núcleo.

Uso sozinho (sem gerador de site), da raiz do repositório::

    python scripts/paginas.py            # todos os capítulos
    python scripts/paginas.py 01 05      # só os que começam com esses prefixos
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import copy
import dataclasses
import hashlib
import importlib.metadata
import json
import math
import os
import re
import shutil
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import jupytext
import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import MarkdownExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
import citacoes  # noqa: E402  (scripts/citacoes.py)
import enderecos  # noqa: E402  (scripts/enderecos.py)

import recorrente  # noqa: E402
import registros  # noqa: E402  (scripts/registros.py)
from recorrente.reproducibility import (  # noqa: E402
    NUMERIC_PATH,
    ROBUSTNESS_PATH,
    SEED_BASE_VARIABLE,
)

RAIZ = Path(__file__).resolve().parents[1]
CAPITULOS = RAIZ / "docs" / "capitulos"
CACHE = RAIZ / ".cache-paginas"  # fora de .cache/, que o Zensical apaga com --clean
PACOTE = RAIZ / "src" / "recorrente"
MODELO = Path(__file__).resolve().parent / "modelos" / "capitulo.md.j2"
REGISTROS = RAIZ / "registros"  # os registros aceitos, no git
REGISTROS_GERADOS = RAIZ / "build" / "registros"  # os do último build (fora do git)
REGISTROS_ROBUSTEZ = RAIZ / "build" / "registros-robustez"  # os da rodada de robustez
BASE_DA_ROBUSTEZ = 1000

REMOVER = "remover"  # célula que não vai para a página nem para o notebook
ESCONDER_CODIGO = "esconder-codigo"  # célula cuja saída aparece, mas o código não
CAIXA = "caixa"  # célula (código e saída) dentro da admonição aberta pelo texto anterior
LEGENDA = "legenda"  # metadado da célula: o texto alternativo da figura que ela mostra
# Saída de célula que vira arquivos da página (recorrente.web.SiteFiles): nome → base64.
ARQUIVOS = "application/vnd.recorrente.arquivos+json"
_NOME_DE_ARQUIVO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_PREPARO = "preparo-do-livro"  # etiqueta das células que o passo acrescenta e depois tira
TEMPO_POR_CELULA = 900  # segundos

PREPARO = '''\
import sys as _sys

from matplotlib.figure import Figure as _Figure


def _descricao(fig):
    """O texto alternativo da figura: o título geral, ou os títulos dos painéis, ou os eixos."""
    titulos = []
    if getattr(fig, "_suptitle", None) is not None and fig._suptitle.get_text().strip():
        titulos.append(fig._suptitle.get_text().strip())
    else:
        titulos = [ax.get_title().strip() for ax in fig.axes if ax.get_title().strip()]
    if not titulos:
        eixos = [
            f"{ax.get_ylabel().strip()} por {ax.get_xlabel().strip()}"
            for ax in fig.axes
            if ax.get_xlabel().strip() and ax.get_ylabel().strip()
        ]
        titulos = [f"Gráfico de {e}" for e in eixos]
    return "; ".join(titulos)


def _png_com_descricao(fig):
    if hasattr(fig, "_repr_png_"):
        png = fig._repr_png_()
    else:
        from IPython.core.pylabtools import print_figure

        png = print_figure(fig, "png", bbox_inches="tight")
    return png, {"alt": _descricao(fig)}


get_ipython().display_formatter.formatters["image/png"].for_type(_Figure, _png_com_descricao)
''' + "\n\n" + citacoes.NO_KERNEL

MODULOS = """\
import importlib.metadata as _metadata
import json as _json
import sys as _sys

_modulos = list(_sys.modules.items())
_distribuicoes = {}
_por_modulo = _metadata.packages_distributions()
for _nome in {n.partition(".")[0] for n, _ in _modulos}:
    for _dist in _por_modulo.get(_nome, []):
        try:
            _distribuicoes[_dist.lower()] = _metadata.version(_dist)
        except _metadata.PackageNotFoundError:
            pass
_distribuicoes.pop("recorrente", None)
print(_json.dumps({
    "arquivos": sorted(
        m.__file__ for n, m in _modulos
        if (n == "recorrente" or n.startswith("recorrente.")) and getattr(m, "__file__", None)
    ),
    "distribuicoes": _distribuicoes,
}))
"""


@dataclasses.dataclass(frozen=True)
class Ambiente:
    """Em que condições os capítulos executam: o caminho numérico e a base das sementes.

    O livro publicado executa em :data:`PUBLICADO` (o caminho fixo de
    ``recorrente.reproducibility.NUMERIC_PATH``, base 0); a rodada de robustez, em outro
    caminho e com outra base (:func:`robustez`).
    """

    caminho: tuple[tuple[str, str], ...]
    base: int = 0

    def variaveis(self) -> dict[str, str]:
        return {**dict(self.caminho), SEED_BASE_VARIABLE: str(self.base)}


PUBLICADO = Ambiente(tuple(NUMERIC_PATH.items()))


def robustez(base: int = BASE_DA_ROBUSTEZ) -> Ambiente:
    """O ambiente da rodada de robustez: outro caminho numérico e sementes deslocadas."""
    return Ambiente(tuple(ROBUSTNESS_PATH.items()), base)


class ErroNoCapitulo(RuntimeError):
    """Uma célula do capítulo levantou um erro; a mensagem diz qual e traz o traceback."""


# --- leitura e chave do cache ------------------------------------------------------------------


def capitulos(prefixos: Iterable[str] = ()) -> list[Path]:
    """Os arquivos de capítulo, em ordem; ``prefixos`` filtra pelo começo do nome.

    Exemplo:
        >>> [p.name for p in capitulos(["01"])]
        ['01_recorrencia.py']
    """
    todos = sorted(CAPITULOS.glob("[0-9]*.py"))
    prefixos = list(prefixos)
    return [p for p in todos if not prefixos or p.name.startswith(tuple(prefixos))]


def ler(capitulo: Path) -> nbformat.NotebookNode:
    """O capítulo como notebook (nbformat 4), como o jupytext o lê."""
    return jupytext.read(capitulo)


def preparado(capitulo: Path) -> nbformat.NotebookNode:
    """O capítulo pronto para executar: com as células que avaliam os valores citados."""
    return citacoes.preparar(ler(capitulo))


def _sha(*partes: bytes | str) -> str:
    h = hashlib.sha256()
    for parte in partes:
        h.update(parte.encode() if isinstance(parte, str) else parte)
        h.update(b"\0")
    return h.hexdigest()


def chave_do_codigo(nb: nbformat.NotebookNode) -> str:
    """Resumo das células de código: a prosa não entra, então editá-la não executa nada.

    Exemplo:
        >>> a = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
        >>> b = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("texto"),
        ...                                     nbformat.v4.new_code_cell("x = 1")])
        >>> chave_do_codigo(a) == chave_do_codigo(b)
        True
    """
    return _sha(*(c.source for c in nb.cells if c.cell_type == "code"))


_ambiente: str | None = None


def chave_do_ambiente() -> str:
    """A versão do Python e os arquivos de dados do pacote (o que não é ``.py``; o marcador
    ``py.typed``, que não muda saída nenhuma, também não entra)."""
    global _ambiente
    if _ambiente is None:
        dados = [
            _sha(str(p.relative_to(PACOTE)), p.read_bytes())
            for p in sorted(PACOTE.rglob("*"))
            if p.is_file() and p.suffix not in (".py", ".pyc") and p.name != "py.typed"
        ]
        _ambiente = _sha(sys.version, *dados)
    return _ambiente


def versoes(nomes: Iterable[str]) -> dict[str, str]:
    """A versão instalada agora de cada distribuição (``"ausente"`` se não está instalada).

    Exemplo:
        >>> versoes(["nbformat"]) == {"nbformat": nbformat.__version__}
        True
    """
    encontradas = {}
    for nome in nomes:
        try:
            encontradas[nome] = importlib.metadata.version(nome)
        except importlib.metadata.PackageNotFoundError:
            encontradas[nome] = "ausente"
    return encontradas


def _resumo_dos_modulos(arquivos: Iterable[str]) -> dict[str, str]:
    resumo = {}
    for nome in arquivos:
        caminho = Path(nome)
        if not caminho.is_absolute():
            caminho = RAIZ / caminho
        try:
            resumo[_relativo(caminho)] = _sha(caminho.read_bytes())
        except FileNotFoundError:
            resumo[_relativo(caminho)] = "apagado"
    return resumo


def _relativo(caminho: Path) -> str:
    try:
        return caminho.resolve().relative_to(RAIZ).as_posix()
    except ValueError:
        return str(caminho)


@dataclasses.dataclass
class Cache:
    """Onde fica a execução guardada de um capítulo."""

    capitulo: Path
    pasta: Path = CACHE
    ambiente: Ambiente = PUBLICADO

    @property
    def notebook(self) -> Path:
        return self.pasta / f"{self.capitulo.stem}.ipynb"

    @property
    def chave(self) -> Path:
        return self.pasta / f"{self.capitulo.stem}.json"

    def valido(self, nb: nbformat.NotebookNode) -> bool:
        """A execução guardada serve para este código, este ambiente e estes módulos?"""
        if not (self.notebook.is_file() and self.chave.is_file()):
            return False
        try:
            guardada = json.loads(self.chave.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return False
        return (
            isinstance(guardada, dict)
            and guardada.get("codigo") == chave_do_codigo(nb)
            and guardada.get("ambiente") == chave_do_ambiente()
            and guardada.get("numerico") == self.ambiente.variaveis()
            and guardada.get("modulos") == _resumo_dos_modulos(guardada.get("modulos", {}))
            and guardada.get("versoes") == versoes(guardada.get("versoes", {}))
        )

    def ler(self) -> nbformat.NotebookNode:
        return nbformat.read(self.notebook, as_version=4)

    def guardar(self, executado: nbformat.NotebookNode, carregado: dict) -> None:
        """Guarda o notebook e a chave: código, ambiente, módulos e versões que ele carregou."""
        self.pasta.mkdir(parents=True, exist_ok=True)
        chave = {
            "codigo": chave_do_codigo(executado),
            "ambiente": chave_do_ambiente(),
            "numerico": self.ambiente.variaveis(),
            "modulos": _resumo_dos_modulos(carregado["arquivos"]),
            "versoes": versoes(carregado["distribuicoes"]),
        }
        _escrever(self.notebook, nbformat.writes(executado))
        _escrever(self.chave, json.dumps(chave, indent=1, sort_keys=True))


def _escrever(caminho: Path, texto: str | bytes) -> bool:
    """Escreve só se mudou (o ``mkdocs serve`` reconstrói a cada arquivo escrito), atômico."""
    dados = texto.encode() if isinstance(texto, str) else texto
    if caminho.is_file() and caminho.read_bytes() == dados:
        return False
    caminho.parent.mkdir(parents=True, exist_ok=True)
    temporario = caminho.with_name(f".{caminho.name}.{os.getpid()}.{threading.get_ident()}")
    temporario.write_bytes(dados)
    temporario.replace(caminho)
    return True


# --- execução ---------------------------------------------------------------------------------


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _mensagem_de_erro(capitulo: Path, nb: nbformat.NotebookNode, erro: Exception) -> str:
    numero, codigo, traceback, citacao = None, "", str(erro), False
    celulas = [c for c in nb.cells if _PREPARO not in c.metadata.get("tags", [])]
    i = 0
    for celula in celulas:
        citacao = citacoes.e_citacao(celula)
        i += 0 if citacao else 1
        if celula.cell_type != "code":
            continue
        saidas_de_erro = [o for o in celula.get("outputs", []) if o.output_type == "error"]
        if saidas_de_erro:
            numero, codigo = (i + 1, "") if citacao else (i, celula.source)
            traceback = "\n".join(saidas_de_erro[0].traceback)
            if citacao:
                traceback = f"{saidas_de_erro[0].ename}: {saidas_de_erro[0].evalue}"
            break
    traceback = _ANSI.sub("", traceback)
    onde = f"na célula {numero}" if numero else "ao executar"
    if citacao:
        return (
            f"O capítulo {_relativo(capitulo)} falhou num valor citado na célula de texto "
            f"{numero} (contando todas as células, de texto e de código, a partir de 1):\n"
            f"{traceback}"
        )
    return (
        f"O capítulo {_relativo(capitulo)} falhou {onde} (contando todas as células, "
        f"de texto e de código, a partir de 1).\n"
        f"Código da célula:\n{codigo}\n\nTraceback:\n{traceback}"
    )


def executar(
    capitulo: Path,
    trabalhadores: int = 1,
    pasta: Path = CACHE,
    ambiente: Ambiente = PUBLICADO,
) -> nbformat.NotebookNode:
    """Executa o capítulo num kernel novo e guarda o resultado no cache (em ``pasta``).

    O kernel roda no caminho numérico de ``ambiente`` (por padrão o fixo do livro, o mesmo em
    toda máquina x86) e com a base de sementes dele. Devolve o notebook *preparado*: com as
    células dos valores citados (:mod:`citacoes`), que :func:`escrever` substitui.

    Levanta:
        ErroNoCapitulo: uma célula falhou; a mensagem traz o capítulo, o número da célula e o
            traceback.
    """
    inicio = time.monotonic()
    nb = preparado(capitulo)
    nb.cells.insert(0, nbformat.v4.new_code_cell(PREPARO, metadata={"tags": [_PREPARO]}))
    nb.cells.append(nbformat.v4.new_code_cell(MODULOS, metadata={"tags": [_PREPARO]}))
    # Uma thread por kernel (os capítulos executam em paralelo, um por núcleo): além de não
    # disputar a CPU, a soma em paralelo mudaria de ordem com o número de núcleos da máquina.
    variaveis = {
        **os.environ,
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": "0",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        **ambiente.variaveis(),  # o caminho numérico fixo (uma thread) e a base das sementes
    }
    # O kernel conversa com este processo por soquetes locais (IPC), não por TCP: nada fica
    # aberto na rede, e o ipykernel não enche o log de avisos sobre TCP sem criptografia.
    with tempfile.TemporaryDirectory(prefix="recorrente-kernel-") as pasta_do_kernel:
        kernel = KernelManager(
            kernel_name="python3", transport="ipc", ip=str(Path(pasta_do_kernel) / "k")
        )
        cliente = NotebookClient(
            nb,
            km=kernel,
            timeout=TEMPO_POR_CELULA,
            allow_errors=False,
            resources={"metadata": {"path": str(RAIZ)}},
        )
        try:
            cliente.execute(env=variaveis)
        except CellExecutionError as erro:
            raise ErroNoCapitulo(_mensagem_de_erro(capitulo, nb, erro)) from None
        except Exception as erro:  # kernel que morreu, tempo esgotado
            raise ErroNoCapitulo(_mensagem_de_erro(capitulo, nb, erro)) from None
        finally:
            if kernel.has_kernel:
                kernel.shutdown_kernel(now=True)
    ultima = nb.cells.pop()
    carregado = json.loads("".join(o.get("text", "") for o in ultima.outputs))
    nb.cells.pop(0)
    nb.metadata.pop("jupytext", None)
    Cache(capitulo, pasta, ambiente).guardar(nb, carregado)
    _guardar_duracao(capitulo, time.monotonic() - inicio)
    return nb


def executado(
    capitulo: Path,
    trabalhadores: int = 1,
    pasta: Path = CACHE,
    ambiente: Ambiente = PUBLICADO,
) -> tuple[nbformat.NotebookNode, bool]:
    """O notebook executado (e preparado) do capítulo: o do cache, se ainda vale, ou um novo.

    Retorna:
        O notebook com as saídas e ``True`` quando veio do cache.
    """
    fonte = preparado(capitulo)
    cache = Cache(capitulo, pasta, ambiente)
    if cache.valido(fonte):
        try:
            return _com_a_prosa_de(fonte, cache.ler()), True
        except Exception:  # noqa: BLE001 (execução guardada estragada: executa de novo)
            pass
    return _com_a_prosa_de(fonte, executar(capitulo, trabalhadores, pasta, ambiente)), False


def _com_a_prosa_de(
    fonte: nbformat.NotebookNode, executado: nbformat.NotebookNode
) -> nbformat.NotebookNode:
    """Junta a prosa e os metadados atuais da fonte às saídas guardadas das células de código."""
    saidas = [c for c in executado.cells if c.cell_type == "code"]
    junto = nbformat.v4.new_notebook(metadata=fonte.metadata)
    for celula in fonte.cells:
        celula = copy.deepcopy(celula)
        if celula.cell_type == "code":
            guardada = saidas.pop(0)
            celula.outputs = guardada.outputs
            celula.execution_count = guardada.execution_count
        junto.cells.append(celula)
    junto.metadata.pop("jupytext", None)
    return junto


# --- Markdown --------------------------------------------------------------------------------


def _cerca(texto: str, classes: str) -> str:
    """Um bloco cercado com crases a mais do que qualquer sequência de crases do texto."""
    maior = max((len(m) for m in re.findall(r"`+", texto)), default=0)
    crases = "`" * max(3, maior + 1)
    abre = classes if " " not in classes else f" {{ {classes} }}"
    return f"{crases}{abre}\n{texto.rstrip()}\n{crases}"


def bloco_de_saida(texto: str) -> str:
    """Uma saída de texto como bloco sem realce e sem botão de copiar.

    Exemplo:
        >>> print(bloco_de_saida("h_1 = [0,1]\\n"))
        ``` { .text .no-copy .saida }
        h_1 = [0,1]
        ```
    """
    return _cerca(_ANSI.sub("", registros.limpar_progresso(texto)), ".text .no-copy .saida")


def bloco_de_codigo(texto: str) -> str:
    """O código de uma célula como bloco Python (com o botão de copiar do tema)."""
    return _cerca(texto, "python")


def recuar(texto: str) -> str:
    """Recua 4 espaços (menos as linhas em branco): o conteúdo de uma célula ``caixa``.

    Exemplo:
        >>> print(recuar("\\n```python\\nx = 1\\n\\ny = 2\\n```\\n\\n"))
            ```python
            x = 1
        <BLANKLINE>
            y = 2
            ```
    """
    return textwrap.indent(re.sub(r"\n{3,}", "\n\n", texto).strip("\n"), "    ")


_TABELA = re.compile(r"<table\b.*?</table>", re.DOTALL | re.IGNORECASE)
_ATRIBUTOS_DE_ESTILO = re.compile(r'\s(?:class|id|border|style)="[^"]*"')


def tabela_html(conteudo: str) -> str | None:
    """A tabela de uma saída HTML do pandas, sem classes, ids nem ``<style>``.

    O tema estiliza as tabelas sem classe; as do pandas (``DataFrame`` e ``Styler``) vêm com
    classes e ids próprios. Devolve ``None`` quando a saída não é uma tabela.

    Exemplo:
        >>> tabela_html('<style>td {}</style><table id="T_1" class="x">'
        ...             '<tr><td class="data row0">0,5</td></tr></table>')
        '<table>\\n<tr><td>0,5</td></tr></table>'
    """
    achada = _TABELA.search(conteudo)
    if not achada:
        return None
    tabela = _ATRIBUTOS_DE_ESTILO.sub("", achada[0])
    tabela = re.sub(r"<table>\s*", "<table>\n", tabela)
    # Linhas em branco encerrariam o bloco HTML do Markdown.
    return re.sub(r"\n\s*\n", "\n", tabela)


def texto_alternativo(texto: str) -> str:
    """O texto alternativo pronto para ``![...]``: sem TeX do matplotlib nem colchetes.

    Exemplo:
        >>> texto_alternativo("Norma de $h_t$ [log]")
        'Norma de h_t (log)'
    """
    texto = re.sub(r"\$([^$]*)\$", r"\1", texto).replace("\\", "")
    texto = texto.replace("[", "(").replace("]", ")").replace("\n", " ")
    return " ".join(texto.split())


class _Saidas(Preprocessor):
    """Prepara cada saída para o modelo: texto alternativo das figuras e tabelas limpas."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        legenda = cell.metadata.get(LEGENDA)
        for saida in cell.get("outputs", []):
            dados = saida.get("data", {})
            if "image/png" in dados:
                descricao = legenda or saida.metadata.get("image/png", {}).get("alt", "")
                if not descricao:
                    descricao = f"Figura da célula {index + 1} do capítulo"
                saida.metadata["recorrente_alt"] = texto_alternativo(descricao)
            if "text/html" in dados:
                tabela = tabela_html(dados["text/html"])
                if tabela:
                    saida.metadata["recorrente_tabela"] = tabela
                else:  # HTML que não é tabela: o texto simples basta numa página estática
                    del dados["text/html"]
        return cell, resources


def _exportador() -> MarkdownExporter:
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {REMOVER}
    config.TagRemovePreprocessor.remove_input_tags = {ESCONDER_CODIGO}
    config.TagRemovePreprocessor.enabled = True
    config.ExtractOutputPreprocessor.enabled = True
    config.ExtractOutputPreprocessor.extract_output_types = {"image/png", "image/jpeg"}
    config.ExtractOutputPreprocessor.output_filename_template = (
        "figura-{cell_index}-{index}{extension}"
    )
    exportador = MarkdownExporter(
        config=config, template_file=str(MODELO), extra_template_basedirs=[str(MODELO.parent)]
    )
    exportador.register_preprocessor(_Saidas, enabled=True)
    exportador.register_filter("bloco_de_codigo", bloco_de_codigo)
    exportador.register_filter("bloco_de_saida", bloco_de_saida)
    exportador.register_filter("recuar", recuar)
    return exportador


def arquivos_das_saidas(nb: nbformat.NotebookNode, pasta: str) -> dict[str, bytes]:
    """Tira das saídas os arquivos que as células entregam (:data:`ARQUIVOS`) e os devolve.

    Um arquivo que a página carrega (os pesos de um modelo, por exemplo) vem como saída de
    célula, e não escrito em disco pela célula: assim ele existe também quando a execução vem
    do cache. Na saída fica só o texto (o tamanho de cada arquivo).

    Exemplo:
        >>> saida = nbformat.v4.new_output(
        ...     "display_data", {ARQUIVOS: {"a.bin": "AAE="}, "text/plain": "a.bin: 2 bytes"})
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[saida])])
        >>> arquivos_das_saidas(nb, "09_teste"), list(saida.data)
        ({'09_teste/a.bin': b'\\x00\\x01'}, ['text/plain'])
    """
    arquivos = {}
    for celula in nb.cells:
        for saida in celula.get("outputs", []):
            for nome, conteudo in saida.get("data", {}).pop(ARQUIVOS, {}).items():
                if not _NOME_DE_ARQUIVO.match(nome):
                    raise ValueError(f"nome de arquivo inválido numa saída: {nome!r}")
                arquivos[f"{pasta}/{nome}"] = base64.b64decode(conteudo)
    return arquivos


@dataclasses.dataclass
class Pagina:
    """O Markdown de um capítulo e os arquivos das suas figuras (e os de :data:`ARQUIVOS`)."""

    markdown: str
    figuras: dict[str, bytes]


def markdown(capitulo: Path, nb: nbformat.NotebookNode) -> Pagina:
    """Escreve a página Markdown do notebook executado (sem tocar em disco)."""
    nb = copy.deepcopy(nb)  # o exportador altera o notebook
    arquivos = arquivos_das_saidas(nb, capitulo.stem)
    resources = {"output_files_dir": capitulo.stem, "unique_key": capitulo.stem}
    texto, recursos = _exportador().from_notebook_node(nb, resources=resources)
    figuras = {nome: dados for nome, dados in recursos.get("outputs", {}).items()} | arquivos
    titulo = re.search(r"^# (.+)$", texto, re.MULTILINE)
    cabecalho = (
        "---\n"
        # O título também no cabeçalho: o sumário da versão para imprimir o lê de lá.
        f"title: {json.dumps(titulo[1].strip() if titulo else capitulo.stem, ensure_ascii=False)}\n"
        f"notebook: capitulos/{capitulo.stem}.ipynb\n"
        f"fonte: capitulos/{capitulo.name}\n"
        "---\n\n"
        f"<!-- Gerado por scripts/paginas.py a partir de {capitulo.name}; edite o .py. -->\n\n"
    )
    texto = re.sub(r"\n{3,}", "\n\n", texto).strip() + "\n"
    return Pagina(cabecalho + texto, figuras)


# --- notebook para baixar ----------------------------------------------------------------------

INSTALL_CELL = """\
# Fora do repositório do livro (no Colab, por exemplo), instala o pacote `recorrente` na versão
# com que este capítulo foi executado. Onde ele já está instalado, não faz nada.
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("recorrente") is None:
    pip = [sys.executable, "-m", "pip", "install", "--quiet"]
    if subprocess.run([*pip, {pypi!r}]).returncode != 0:
        # Versão que não está no PyPI: a mesma, do repositório do livro.
        subprocess.run([*pip, {git!r}], check=True)"""


def pacotes_do_pip() -> tuple[str, str]:
    """O que a célula de instalação pede ao ``pip``: esta versão do pacote no PyPI e, na falta
    dela, no repositório (:mod:`enderecos`, de ``GITHUB_REPOSITORY``)."""
    return enderecos.do_ambiente().pacotes(recorrente.__version__)


def notebook_para_baixar(
    nb: nbformat.NotebookNode, pacotes: tuple[str, str] | None = None
) -> nbformat.NotebookNode:
    """O notebook do leitor: sem as células ``remover``, com a célula de instalação no topo.

    Mantém as saídas: quem abre vê os resultados antes de rodar.

    Exemplo:
        >>> nb = notebook_para_baixar(ler(capitulos(["01"])[0]), ("recorrente", "recorrente"))
        >>> nb.cells[0].cell_type, "pip" in nb.cells[0].source
        ('code', True)
    """
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if REMOVER not in c.metadata.get("tags", [])]
    arquivos_das_saidas(nb, "")  # os arquivos da página não pesam no notebook do leitor
    pypi, git = pacotes or pacotes_do_pip()
    nb.cells.insert(0, nbformat.v4.new_code_cell(INSTALL_CELL.format(pypi=pypi, git=git)))
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    for index, cell in enumerate(nb.cells):
        cell.id = f"celula-{index:03d}"  # ids estáveis: o mesmo capítulo gera o mesmo arquivo
        if cell.cell_type == "code":
            for saida in cell.get("outputs", []):
                saida.get("metadata", {}).pop("recorrente_alt", None)
    nbformat.validate(nb)
    return nb


# --- escrita ------------------------------------------------------------------------------------


def saida_do_capitulo(capitulo: Path, destino: Path = CAPITULOS) -> tuple[Path, Path, Path]:
    """Onde ficam a página, a pasta das figuras e o notebook de um capítulo."""
    return (
        destino / f"{capitulo.stem}.md",
        destino / capitulo.stem,
        destino / f"{capitulo.stem}.ipynb",
    )


def escrever_registro(
    capitulo: Path, nb: nbformat.NotebookNode, pasta: Path = REGISTROS_GERADOS
) -> Path:
    """Escreve o registro dos números do capítulo (:mod:`registros`) em ``pasta``.

    Ao lado, ``NN_nome.citados.json``: os textos citados na prosa, sem máscara (o teste da
    prosa os usa para saber que número da página veio de uma citação).
    """
    caminho = pasta / f"{capitulo.stem}.txt"
    _escrever(caminho, registros.registro(capitulo, nb))
    valores = [valor for _, _, valor in citacoes.citados(nb)]
    _escrever(pasta / f"{capitulo.stem}.citados.json", json.dumps(valores, ensure_ascii=False))
    return caminho


def escrever(capitulo: Path, nb: nbformat.NotebookNode, destino: Path = CAPITULOS) -> bool:
    """Escreve página, figuras, notebook e registro; devolve ``True`` se a página mudou.

    ``nb`` é o notebook preparado e executado: os valores citados são substituídos aqui, e a
    página e o notebook para baixar recebem o texto pronto.
    """
    if destino == CAPITULOS:
        escrever_registro(capitulo, nb)
    nb = citacoes.substituir(nb)
    pagina = markdown(capitulo, nb)
    md, pasta, ipynb = saida_do_capitulo(capitulo, destino)
    mudou = False
    for nome, dados in pagina.figuras.items():
        mudou |= _escrever(destino / nome, dados)
    if pasta.is_dir():
        for velha in pasta.iterdir():
            if f"{capitulo.stem}/{velha.name}" not in pagina.figuras:
                velha.unlink()
                mudou = True
    mudou |= _escrever(ipynb, nbformat.writes(notebook_para_baixar(nb)) + "\n")
    mudou |= _escrever(md, pagina.markdown)  # a página por último: ela aponta para o resto
    return mudou


def _depois_do_titulo(texto: str, aviso: str) -> str:
    """Põe ``aviso`` logo depois do título ``# ...`` da página."""
    partes = texto.split("\n# ", 1)
    if len(partes) != 2:
        return f"{aviso}\n\n{texto}"
    titulo, resto = partes[1].split("\n", 1)
    return f"{partes[0]}\n# {titulo}\n\n{aviso}\n\n{resto.lstrip()}"


def escrever_provisoria(capitulo: Path, aviso: str, destino: Path = CAPITULOS) -> bool:
    """A página do capítulo ainda sem saídas (executando, ou falhou), com ``aviso`` no topo.

    Prosa, títulos (e suas âncoras, que o glossário usa) e código já aparecem; só faltam as
    saídas, as figuras e os botões do notebook.
    """
    sem_saidas = citacoes.substituir(preparado(capitulo), sem_valor="…")
    texto = markdown(capitulo, sem_saidas).markdown.replace(
        f"notebook: capitulos/{capitulo.stem}.ipynb\n", ""
    )
    md, _, _ = saida_do_capitulo(capitulo, destino)
    return _escrever(md, _depois_do_titulo(texto, aviso))


AVISO_EXECUTANDO = (
    '!!! info "Executando o capítulo"\n\n'
    "    As células deste capítulo estão sendo executadas agora. A página se atualiza sozinha "
    "quando a execução terminar."
)


def aviso_de_erro(mensagem: str) -> str:
    corpo = "\n".join("        " + linha for linha in mensagem.splitlines())
    return (
        '!!! failure "O capítulo falhou"\n\n'
        "    Corrija o arquivo (ou o pacote) e salve: a página se atualiza sozinha.\n\n"
        f"    ```text\n{corpo}\n    ```"
    )


# --- vários capítulos -------------------------------------------------------------------------


def trabalhadores_padrao() -> int:
    return max(1, os.cpu_count() or 1)


DURACOES = CACHE / "duracoes.json"  # quanto cada capítulo levou na última execução


def _duracoes() -> dict:
    try:
        duracoes = json.loads(DURACOES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return duracoes if isinstance(duracoes, dict) else {}


def _na_ordem_de_custo(lista: list[Path]) -> list[Path]:
    """Os capítulos mais demorados primeiro (pela última execução; sem ela, os últimos
    capítulos primeiro, que são os de treino mais longo): com um trabalhador por núcleo, o
    mais longo não fica para o fim sozinho."""
    duracoes = _duracoes()

    def custo(capitulo: Path) -> float:
        valor = duracoes.get(capitulo.stem)
        return -valor if isinstance(valor, (int, float)) else -math.inf  # sem medida: antes

    return sorted(sorted(lista, reverse=True), key=custo)


def _guardar_duracao(capitulo: Path, segundos: float) -> None:
    with _trava_das_duracoes:
        duracoes = _duracoes()
        duracoes[capitulo.stem] = round(segundos, 1)
        try:
            _escrever(DURACOES, json.dumps(duracoes, indent=1, sort_keys=True))
        except OSError:
            pass  # só serve para ordenar a próxima execução


_trava_das_duracoes = threading.Lock()


def gerar(
    lista: Iterable[Path] | None = None,
    trabalhadores: int | None = None,
    destino: Path = CAPITULOS,
    avisar: Callable[[str], None] = print,
) -> None:
    """Gera a página de cada capítulo, executando em paralelo os que não estão no cache.

    Levanta:
        ErroNoCapitulo: algum capítulo falhou (a mensagem junta as de todos os que falharam).
    """
    if lista is None:
        for nome in remover_orfaos(destino):
            avisar(f"{nome}: apagado (o capítulo não existe mais)")
    lista = list(capitulos() if lista is None else lista)
    trabalhadores = trabalhadores or trabalhadores_padrao()
    erros = []
    inicio = time.monotonic()
    for capitulo, nb, do_cache, erro in _em_paralelo(lista, trabalhadores):
        if nb is None:
            erros.append(erro)
            continue
        escrever(capitulo, nb, destino)
        origem = "do cache" if do_cache else "executado"
        avisar(f"{capitulo.name}: {origem} ({time.monotonic() - inicio:.0f} s)")
    if erros:
        raise ErroNoCapitulo("\n\n".join(erros))


class SegundoPlano:
    """Para o ``mkdocs serve``: executa em segundo plano o que não está no cache.

    O servidor sobe logo; o capítulo ainda não executado ganha uma página provisória, e a página
    de verdade é escrita quando a execução termina (o ``mkdocs serve`` percebe o arquivo novo e
    recarrega o navegador). Um capítulo que já tem página e precisa executar de novo (o pacote
    mudou) mostra um aviso no topo até a execução nova terminar.
    """

    def __init__(self, trabalhadores: int | None = None) -> None:
        self.trabalhadores = trabalhadores or trabalhadores_padrao()
        self.fila = concurrent.futures.ThreadPoolExecutor(max_workers=self.trabalhadores)
        self.em_andamento: dict[Path, tuple[str, concurrent.futures.Future]] = {}
        self.trava = threading.Lock()
        # fonte + execução guardada de cada página já escrita a partir do cache: um build do
        # serve não refaz as páginas que não mudaram (deixa a edição de prosa mais rápida)
        self.escritas: dict[Path, str] = {}

    def atualizar(self, avisar: Callable[[str], None] = print) -> None:
        """Escreve já o que o cache permite e põe na fila o que precisa executar."""
        for capitulo in capitulos():
            fonte = preparado(capitulo)
            cache = Cache(capitulo)
            if cache.valido(fonte):
                assinatura = _sha(
                    capitulo.read_bytes(),
                    cache.chave.read_bytes(),
                    str(cache.notebook.stat().st_mtime_ns),
                )
                if self.escritas.get(capitulo) != assinatura or not saida_do_capitulo(
                    capitulo
                )[0].is_file():
                    escrever(capitulo, _com_a_prosa_de(fonte, cache.ler()))
                    self.escritas[capitulo] = assinatura
                continue
            assinatura = chave_do_codigo(fonte)
            with self.trava:
                atual = self.em_andamento.get(capitulo)
                if atual and atual[0] == assinatura and not atual[1].done():
                    continue
                md, _, _ = saida_do_capitulo(capitulo)
                if md.is_file() and "notebook:" in md.read_text(encoding="utf-8")[:200]:
                    _marcar_desatualizada(md)
                else:
                    escrever_provisoria(capitulo, AVISO_EXECUTANDO)
                avisar(f"{capitulo.name}: executando em segundo plano")
                futuro = self.fila.submit(self._executar, capitulo, avisar)
                self.em_andamento[capitulo] = (assinatura, futuro)

    def _executar(self, capitulo: Path, avisar: Callable[[str], None]) -> None:
        inicio = time.monotonic()
        try:
            nb = executar(capitulo, self.trabalhadores)
        except ErroNoCapitulo as erro:
            avisar(str(erro))
            escrever_provisoria(capitulo, aviso_de_erro(str(erro)))
            return
        fonte = preparado(capitulo)
        if chave_do_codigo(fonte) != chave_do_codigo(nb):
            return  # o código mudou durante a execução; o próximo build já pôs outra na fila
        escrever(capitulo, _com_a_prosa_de(fonte, nb))
        avisar(f"{capitulo.name}: executado em {time.monotonic() - inicio:.0f} s")


AVISO_DESATUALIZADA = (
    '!!! warning "Executando de novo"\n\n'
    "    O código deste capítulo ou o pacote mudou: as saídas abaixo são da execução anterior e "
    "esta página se atualiza sozinha quando a execução nova terminar."
)


def _marcar_desatualizada(md: Path) -> None:
    texto = md.read_text(encoding="utf-8")
    if AVISO_DESATUALIZADA not in texto:
        _escrever(md, _depois_do_titulo(texto, AVISO_DESATUALIZADA))


def limpar(destino: Path = CAPITULOS) -> None:
    """Apaga as páginas, figuras e notebooks gerados (o cache de execução fica)."""
    for capitulo in capitulos():
        md, pasta, ipynb = saida_do_capitulo(capitulo, destino)
        md.unlink(missing_ok=True)
        ipynb.unlink(missing_ok=True)
        shutil.rmtree(pasta, ignore_errors=True)
    remover_orfaos(destino)


def remover_orfaos(destino: Path = CAPITULOS) -> list[str]:
    """Apaga o que foi gerado para um capítulo cujo ``.py`` não existe mais (renomeado, apagado).

    Sem isso, a página velha (``05_nomes.md`` depois de o capítulo virar ``06_nomes.py``)
    continuaria em ``docs/capitulos/`` e o ``mkdocs build --strict`` pararia com "página fora
    do nav". Só sai o que o passo gera: a página com o cabeçalho ``notebook:`` que ele escreve,
    o notebook e a pasta das figuras; um ``.md`` escrito à mão fica.

    Retorna:
        Os nomes apagados, em ordem.
    """
    apagados = []
    for caminho in sorted(destino.glob("[0-9][0-9]_*")):
        if (destino / f"{caminho.stem}.py").exists() or caminho.suffix == ".py":
            continue
        if caminho.is_dir():
            shutil.rmtree(caminho)
        elif caminho.suffix == ".ipynb" or (
            caminho.suffix == ".md"
            and f"\nnotebook: capitulos/{caminho.stem}.ipynb\n"
            in caminho.read_text(encoding="utf-8")[:500]
        ):
            caminho.unlink()
        else:
            continue
        apagados.append(caminho.name)
    return apagados


def _em_paralelo(
    lista: list[Path], trabalhadores: int, ambiente: Ambiente = PUBLICADO, pasta: Path = CACHE
) -> Iterator[tuple[Path, nbformat.NotebookNode | None, bool, str]]:
    """Executa (ou tira do cache) os capítulos em paralelo, os mais demorados primeiro.

    Devolve, na ordem em que terminam, ``(capítulo, notebook, veio_do_cache, erro)``: o
    notebook é ``None`` e ``erro`` traz a mensagem quando o capítulo falhou.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=trabalhadores) as fila:
        futuros = {
            fila.submit(executado, c, trabalhadores, pasta, ambiente): c
            for c in _na_ordem_de_custo(lista)
        }
        for futuro in concurrent.futures.as_completed(futuros):
            try:
                nb, do_cache = futuro.result()
            except ErroNoCapitulo as erro:
                yield futuros[futuro], None, False, str(erro)
                continue
            yield futuros[futuro], nb, do_cache, ""


def rodada_de_robustez(
    lista: Iterable[Path] | None = None,
    trabalhadores: int | None = None,
    base: int = BASE_DA_ROBUSTEZ,
    avisar: Callable[[str], None] = print,
) -> int:
    """Executa os capítulos de novo com outra base de sementes e outro caminho numérico.

    Todo ``assert`` dos capítulos precisa valer aqui também. O registro de cada capítulo vai
    para ``build/registros-robustez/`` e é comparado com o do livro (o do último build, ou o
    aceito): a rodada mostra quantas linhas com números mudaram, com exemplos, para provar
    que não executou a mesma coisa de novo.

    Retorna:
        Quantas linhas mudaram, somando todos os capítulos.

    Levanta:
        ErroNoCapitulo: algum capítulo falhou (um ``assert`` que não vale com outras sementes),
            ou nenhum número mudou.
    """
    lista = list(capitulos() if lista is None else lista)
    ambiente = robustez(base)
    variaveis = " ".join(f"{k}={v}" for k, v in ambiente.variaveis().items())
    avisar(f"Rodada de robustez: {len(lista)} capítulos com {variaveis}")
    inicio = time.monotonic()
    feitos, erros = {}, []
    for capitulo, nb, _, erro in _em_paralelo(
        lista, trabalhadores or trabalhadores_padrao(), ambiente, CACHE / f"robustez-{base}"
    ):
        if nb is None:
            erros.append(erro)
        else:
            feitos[capitulo] = nb
    total, comparados = 0, 0
    for capitulo in lista:
        if capitulo not in feitos:
            continue
        novo = escrever_registro(capitulo, feitos[capitulo], REGISTROS_ROBUSTEZ).read_text(
            encoding="utf-8"
        )
        referencia = REGISTROS_GERADOS / f"{capitulo.stem}.txt"
        if not referencia.is_file():
            referencia = REGISTROS / f"{capitulo.stem}.txt"
        if not referencia.is_file():
            avisar(f"{capitulo.name}: passou (sem registro do livro para comparar)")
            continue
        pares = registros.linhas_mudadas(referencia.read_text(encoding="utf-8"), novo)
        total += len(pares)
        comparados += 1
        avisar(f"{capitulo.name}: passou; {len(pares)} linhas com números mudaram")
        for antes, depois in pares[:2]:
            avisar(f"    livro:   {antes}\n    robustez: {depois}")
    avisar(f"Rodada de robustez em {time.monotonic() - inicio:.0f} s.")
    if erros:
        raise ErroNoCapitulo("\n\n".join(erros))
    if total == 0 and comparados:
        raise ErroNoCapitulo(
            "A rodada de robustez não mudou nenhum número impresso: as sementes ou o caminho "
            "numérico não chegaram aos capítulos."
        )
    return total


def aceitar(lista: Iterable[Path], avisar: Callable[[str], None] = print) -> list[str]:
    """Copia o registro do último build para ``registros/``: a mudança passa a ser a aceita.

    Retorna:
        Os nomes dos registros que mudaram.
    """
    mudaram = []
    for capitulo in lista:
        gerado = REGISTROS_GERADOS / f"{capitulo.stem}.txt"
        if not gerado.is_file():
            raise ErroNoCapitulo(
                f"Não há registro gerado para {capitulo.name}; rode antes "
                f".venv/bin/python scripts/paginas.py {capitulo.stem[:2]} (ou o mkdocs build)."
            )
        if _escrever(REGISTROS / gerado.name, gerado.read_bytes()):
            mudaram.append(gerado.name)
            avisar(f"registros/{gerado.name}: aceito")
    return mudaram


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python scripts/paginas.py",
        description="Executa os capítulos e escreve as páginas Markdown em docs/capitulos/.",
    )
    parser.add_argument("prefixos", nargs="*", help="só os capítulos que começam assim (ex.: 01)")
    parser.add_argument(
        "-j",
        "--trabalhadores",
        type=int,
        default=None,
        help="execuções em paralelo (padrão: núcleos)",
    )
    parser.add_argument("--limpar", action="store_true", help="apaga as páginas geradas e sai")
    parser.add_argument(
        "--aceitar",
        action="store_true",
        help="aceita o registro de números do último build (copia build/registros/ para "
        "registros/) e sai",
    )
    parser.add_argument(
        "--robustez",
        action="store_true",
        help="rodada de robustez: executa de novo com outra base de sementes e outro caminho "
        "numérico; todo assert precisa valer",
    )
    parser.add_argument(
        "--base",
        type=int,
        default=BASE_DA_ROBUSTEZ,
        help=f"base das sementes da rodada de robustez (padrão: {BASE_DA_ROBUSTEZ})",
    )
    args = parser.parse_args(argv)
    if args.limpar:
        limpar()
        return 0
    try:
        if args.aceitar:
            aceitar(capitulos(args.prefixos))
            return 0
        if args.robustez:
            rodada_de_robustez(capitulos(args.prefixos), args.trabalhadores, args.base)
            return 0
        gerar(capitulos(args.prefixos), args.trabalhadores)
    except ErroNoCapitulo as erro:
        print(erro, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
