"""O registro do que cada capítulo imprimiu: um arquivo de texto pequeno, comparável com diff.

É a trava dos números do livro (como um *lockfile*, mas de resultados). Para cada capítulo, o
passo das páginas escreve em ``build/registros/NN_nome.txt`` as linhas com números que as
células imprimiram (texto, tabelas, títulos das figuras) e os valores que a prosa cita. A cópia
aceita fica no git, em ``registros/NN_nome.txt``; ``tests/test_registros.py`` compara as duas.
Uma refatoração que não muda nenhum número deixa o registro igual; uma mudança de propósito é
aceita com ``python scripts/paginas.py --aceitar NN``.

O que não entra: medidas de tempo, que mudam a cada execução (um número seguido de ``s``,
``ms``, ``min``, ``segundos``, ``/s`` ou ``×``, e o valor citado cuja expressão fala de
tempo: ``segundos``, ``seconds``, ``tempo``, ``time``, ``speed``), endereços de memória e
linhas sem nenhum algarismo.

Exemplo:
    >>> print(linha_do_registro("18 treinos em 12,3 s; acerto 0,995"))
    18 treinos em ‹tempo›; acerto 0,995
    >>> print(linha_do_registro("lotes de 50: 2.190 nomes/s (12× mais rápido); modelo 3×8"))
    lotes de 50: ‹tempo› (‹tempo› mais rápido); modelo 3×8
"""

from __future__ import annotations

import difflib
import html
import re
from pathlib import Path

import citacoes
import nbformat

TEMPO = "‹tempo›"
_TEMPO = re.compile(
    r"\d[\d.,]*\s*(?:ms|min|segundos?|s(?= de CPU| de relógio)|[a-zçãõé]+/s|s)(?![\w/])"
    r"|\d[\d.,]*×(?!\s?\d)"  # 12× mais rápido, mas não uma dimensão como 3×8
)
_ENDERECO = re.compile(r"0x[0-9a-fA-F]{6,}")
_EXPRESSAO_DE_TEMPO = re.compile(
    r"segundo|second|tempo|(?<![a-z])time|speed|rapid|(?<![a-z])lent", re.IGNORECASE
)
_LINHA_DA_TABELA = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
_CELULA_DA_TABELA = re.compile(r"<t[hd][^>]*>(.*?)</t[hd]>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def limpar_progresso(texto: str) -> str:
    r"""Só o último estado de cada linha reescrita com ``\r`` (barras de progresso).

    Exemplo:
        >>> limpar_progresso("10%\r100%\nfim")
        '100%\nfim'
    """
    return "\n".join(linha.rsplit("\r", 1)[-1] for linha in texto.split("\n"))


def linha_do_registro(linha: str) -> str:
    """A linha como entra no registro: tempos e endereços mascarados, espaços finais fora."""
    return _ENDERECO.sub("0x…", _TEMPO.sub(TEMPO, linha)).rstrip()


def _linhas_da_tabela(conteudo: str) -> list[str]:
    linhas = []
    for linha in _LINHA_DA_TABELA.findall(conteudo):
        celulas = [
            " ".join(html.unescape(_TAG.sub("", c)).split())
            for c in _CELULA_DA_TABELA.findall(linha)
        ]
        linhas.append(" | ".join(celulas))
    return linhas


def _textos(celula: nbformat.NotebookNode) -> list[str]:
    linhas: list[str] = []
    for saida in celula.get("outputs", []):
        tipo = saida.get("output_type")
        if tipo == "stream":
            if saida.get("name") == "stdout":
                linhas.extend(limpar_progresso(saida["text"]).splitlines())
        elif tipo in ("execute_result", "display_data"):
            dados = saida.get("data", {})
            if "text/html" in dados and "<table" in dados["text/html"]:
                linhas.extend(_linhas_da_tabela(dados["text/html"]))
            elif "image/png" in dados or "image/jpeg" in dados:
                alt = saida.get("metadata", {}).get("image/png", {}).get("alt")
                if alt:
                    linhas.append(f"figura: {alt}")
            elif "text/plain" in dados:
                linhas.extend(dados["text/plain"].splitlines())
    return linhas


def registro(capitulo: Path, nb: nbformat.NotebookNode) -> str:
    """O registro de um capítulo a partir do notebook preparado e executado.

    As células contam como nas mensagens de erro: todas as da fonte, a partir de 1.
    """
    partes = [
        f"# Números impressos por docs/capitulos/{capitulo.name}, célula por célula, e os",
        "# valores que a prosa cita. Gerado por scripts/paginas.py; não edite à mão.",
        "# Mudança de propósito: .venv/bin/python scripts/paginas.py --aceitar "
        + capitulo.stem[:2],
    ]
    numero = 0
    for celula in nb.cells:
        if citacoes.e_citacao(celula):
            continue
        numero += 1
        if celula.cell_type != "code":
            continue
        linhas = [linha_do_registro(t) for t in _textos(celula)]
        linhas = [t for t in linhas if re.search(r"\d", t)]
        if linhas:
            partes.append(f"\n[célula {numero}]")
            partes.extend(linhas)
    lista = citacoes.citados(nb)
    if lista:
        partes.append("\n[valores citados na prosa]")
        for numero, expressao, valor in lista:
            if _EXPRESSAO_DE_TEMPO.search(expressao):
                valor = TEMPO
            partes.append(f"célula {numero}: {{{{ {expressao} }}}} = {linha_do_registro(valor)}")
    return "\n".join(partes) + "\n"


def diferenca(aceito: str, novo: str, nome: str, limite: int = 60) -> str:
    """As linhas que mudaram, em formato diff unificado (no máximo ``limite`` linhas)."""
    linhas = list(
        difflib.unified_diff(
            aceito.splitlines(), novo.splitlines(), f"registros/{nome}", f"gerado/{nome}",
            lineterm="", n=1,
        )
    )
    if len(linhas) > limite:
        linhas = linhas[:limite] + [f"... (mais {len(linhas) - limite} linhas)"]
    return "\n".join(linhas)


def linhas_mudadas(a: str, b: str) -> list[tuple[str, str]]:
    """Pares ``(antes, depois)`` das linhas que mudaram entre dois registros."""
    pares = []
    matcher = difflib.SequenceMatcher(None, a.splitlines(), b.splitlines(), autojunk=False)
    antes, depois = a.splitlines(), b.splitlines()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        velhas, novas = antes[i1:i2], depois[j1:j2]
        for k in range(max(len(velhas), len(novas))):
            pares.append(
                (velhas[k] if k < len(velhas) else "", novas[k] if k < len(novas) else "")
            )
    return pares
