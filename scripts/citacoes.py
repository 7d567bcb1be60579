"""Valores citados na prosa: ``{{ expressão }}`` numa célula de texto vira o valor calculado.

A prosa de um capítulo não digita número medido: ela cita o valor que as células calcularam.
Numa célula Markdown, ``{{ expr }}`` é trocado pelo valor da expressão Python ``expr``, avaliada
no kernel do capítulo logo depois das células de código acima dela (o mesmo espaço de nomes do
código). A expressão dá um ``str`` (feito com ``num``, ``pct``, ``sci``, ``mean_range``, ou uma
palavra que depende do resultado, como ``"todas"``) ou um ``int`` (escrito com ponto de
milhar, ``4.096``); um ``float`` é um erro, porque o número de casas é uma decisão do autor.

Como funciona: antes de executar, :func:`preparar` põe, antes de cada célula de texto que cita
algo, uma célula de código (com a etiqueta :data:`CITACAO`) que avalia as expressões e entrega
os textos como saída (:data:`MIME`). Depois da execução, :func:`substituir` troca as citações
pelos textos e tira essas células. A página, o notebook para baixar e o canário do Zensical
recebem o texto já substituído. Dentro de blocos de código (as soluções dos exercícios) e de
código entre crases, ``{{`` fica como está.

Exemplo:
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_code_cell("x = 3"),
    ...     nbformat.v4.new_markdown_cell("x vale {{ x }} e `{{ não }}` fica.")])
    >>> preparado = preparar(nb)
    >>> [c.cell_type for c in preparado.cells]
    ['code', 'code', 'markdown']
    >>> preparado.cells[1].outputs = [nbformat.v4.new_output(
    ...     "display_data", {MIME: ["3"]})]
    >>> substituir(preparado).cells[1].source
    'x vale 3 e `{{ não }}` fica.'
"""

from __future__ import annotations

import copy
import json
import re

import nbformat

CITACAO = "valores-citados"  # etiqueta da célula que o passo põe antes do texto que cita
MIME = "application/vnd.recorrente.valores+json"
EXPRESSAO = re.compile(r"\{\{\s*([^\n{}]+?)\s*\}\}")
_CERCA = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_CODIGO_EM_LINHA = re.compile(r"(`+)(?:(?!\1).)+?\1")

# O que o kernel roda: avalia cada expressão no espaço de nomes do capítulo e formata.
NO_KERNEL = '''\
def _valores_citados(expressoes):
    from IPython.display import display as _display

    from recorrente.formatting import num as _num

    _espaco = get_ipython().user_ns
    _textos = []
    for _expressao in expressoes:
        try:
            _valor = eval(_expressao, _espaco)
        except Exception as _erro:
            raise RuntimeError(
                f"O valor citado {{{{ {_expressao} }}}} falhou: {type(_erro).__name__}: {_erro}"
            ) from None
        if isinstance(_valor, bool) or not isinstance(_valor, (str, int)):
            if hasattr(_valor, "__index__") and not isinstance(_valor, bool):
                _valor = int(_valor)
            else:
                raise TypeError(
                    f"O valor citado {{{{ {_expressao} }}}} é um {type(_valor).__name__}; "
                    "cite um texto (num(x, 3), pct(x), sci(x), mean_range(...)) ou um int."
                )
        _textos.append(_valor if isinstance(_valor, str) else _num(_valor, 0))
    _display({"''' + MIME + '''": _textos}, raw=True)
'''


def _trechos_de_prosa(texto: str) -> list[tuple[bool, str]]:
    """Divide o Markdown em trechos ``(é_prosa, texto)``: blocos cercados não são prosa."""
    trechos: list[tuple[bool, str]] = []
    cerca = None
    for linha in texto.splitlines(keepends=True):
        achada = _CERCA.match(linha)
        if cerca is None and achada:
            cerca = achada[1][0] * len(achada[1])
            trechos.append((False, linha))
        elif cerca is not None:
            trechos.append((False, linha))
            if achada and achada[1].startswith(cerca) and not linha.strip()[len(achada[1]):]:
                cerca = None
        else:
            trechos.append((True, linha))
    return trechos


def _em_prosa(texto: str, trocar) -> str:
    """Aplica ``trocar(trecho)`` só à prosa: fora de blocos cercados e de código em linha."""
    partes = []
    for prosa, trecho in _trechos_de_prosa(texto):
        if not prosa:
            partes.append(trecho)
            continue
        inicio = 0
        for codigo in _CODIGO_EM_LINHA.finditer(trecho):
            partes.append(trocar(trecho[inicio : codigo.start()]))
            partes.append(codigo[0])
            inicio = codigo.end()
        partes.append(trocar(trecho[inicio:]))
    return "".join(partes)


def expressoes(texto: str) -> list[str]:
    """As expressões citadas num texto Markdown, em ordem (repetidas contam de novo).

    Exemplo:
        >>> expressoes("a {{ num(x) }} e {{n}};\\n```\\n{{ codigo }}\\n```\\n")
        ['num(x)', 'n']
    """
    achadas: list[str] = []

    def guardar(trecho: str) -> str:
        achadas.extend(m[1] for m in EXPRESSAO.finditer(trecho))
        return trecho

    _em_prosa(texto, guardar)
    return achadas


def preparar(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """O notebook com uma célula que avalia as citações antes de cada texto que cita."""
    novo = copy.deepcopy(nb)
    celulas = []
    for celula in novo.cells:
        if celula.cell_type == "markdown":
            lista = expressoes(celula.source)
            if lista:
                celulas.append(
                    nbformat.v4.new_code_cell(
                        f"_valores_citados({json.dumps(lista, ensure_ascii=False)})",
                        metadata={"tags": [CITACAO]},
                    )
                )
        celulas.append(celula)
    novo.cells = celulas
    return novo


def e_citacao(celula: nbformat.NotebookNode) -> bool:
    return celula.cell_type == "code" and CITACAO in celula.metadata.get("tags", [])


def valores(celula: nbformat.NotebookNode) -> list[str] | None:
    """Os textos que a célula de citação entregou (``None`` se ela não tem saída)."""
    for saida in celula.get("outputs", []):
        if MIME in saida.get("data", {}):
            return list(saida["data"][MIME])
    return None


def _trocar(texto: str, fila) -> str:
    return _em_prosa(texto, lambda trecho: EXPRESSAO.sub(lambda _: next(fila), trecho))


def substituir(
    nb: nbformat.NotebookNode, sem_valor: str | None = None
) -> nbformat.NotebookNode:
    """Troca as citações pelos valores e tira as células de citação.

    Parâmetros:
        nb: o notebook preparado e executado (ou não executado, com ``sem_valor``).
        sem_valor: o texto no lugar de uma citação sem valor (página provisória, antes de
            executar); ``None``: uma citação sem valor é um erro.
    """
    novo = copy.deepcopy(nb)
    celulas = []
    pendentes: list[str] | None = None
    for celula in novo.cells:
        if e_citacao(celula):
            pendentes = valores(celula)
            continue
        esperadas = expressoes(celula.source) if celula.cell_type == "markdown" else []
        if esperadas:
            textos = list(pendentes or [])
            if len(textos) != len(esperadas):
                if sem_valor is None:
                    raise ValueError(
                        f"A célula de texto que cita {esperadas} não tem os valores calculados."
                    )
                textos = [sem_valor] * len(esperadas)
            celula.source = _trocar(celula.source, iter(textos))
        pendentes = None if celula.cell_type == "markdown" else pendentes
        celulas.append(celula)
    novo.cells = celulas
    return novo


def citados(nb: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    """``(célula de texto, expressão, valor)`` de cada citação de um notebook preparado e executado.

    O número da célula conta todas as células da fonte (texto e código), a partir de 1, como as
    mensagens de erro do passo das páginas.
    """
    lista = []
    numero, pendentes = 0, None
    for celula in nb.cells:
        if e_citacao(celula):
            pendentes = valores(celula)
            continue
        numero += 1
        if celula.cell_type == "markdown":
            esperadas = expressoes(celula.source)
            for expressao, valor in zip(esperadas, pendentes or [], strict=False):
                lista.append((numero, expressao, valor))
            pendentes = None
    return lista
