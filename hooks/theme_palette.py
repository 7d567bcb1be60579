"""Tira do componente de cores do Material o que recalcula o estilo da página inteira ao carregar.

São duas peças, e as duas obrigavam o navegador a recalcular o estilo de todos os elementos da
página a cada carga (issue 24; ``tests/test_desempenho.py`` mede):

**A regra ``[data-md-color-switching] *``.**

O Material 9 marca o ``<body>`` com ``data-md-color-switching`` sempre que aplica a paleta, ao
carregar a página inclusive, e tira a marca no quadro seguinte; a folha ``palette.*.min.css``
tem uma regra ``[data-md-color-switching] *`` (sem transições durante a troca). Um seletor
universal sob um atributo do ``<body>``: pôr e tirar o atributo obriga o navegador a recalcular
o estilo de todos os elementos da página, duas vezes a cada carga. Num capítulo de 10 mil
elementos, com a CPU 4× mais lenta, eram 0,5 a 1 s de thread principal bloqueada
(``tests/test_desempenho.py``; issue 24). Sem a regra, trocar de tema no botão do cabeçalho
anima as cores (as transições do tema, de 0,125 a 0,25 s), e nada mais muda.

**O ``<meta name="color-scheme">`` do pacote JS.** Ao carregar, o pacote acrescenta ao ``<head>``
um ``<meta name="color-scheme">`` vazio e depois lhe dá o valor do ``color-scheme`` do
cabeçalho ("light" ou "dark"). Cada uma das duas mudanças troca o esquema de cores da página, e
o navegador recalcula o estilo de tudo: no cap. 4, com a CPU 4× mais lenta, dois recálculos de
50 a 70 ms no meio da tarefa que avalia o pacote. O pedaço sai do pacote (o objeto que recebia
o valor vira um objeto qualquer, e o arquivo mantém o tamanho, para o mapa de fontes continuar
certo). O que o ``<meta>`` fazia (a raiz da página, a barra de rolagem dela e o fundo da janela
no esquema do tema) o ``docs/assets/recorrente.css`` faz com ``color-scheme`` no ``<html>``,
seguindo o ``data-md-color-scheme`` do ``<body>``.

As duas peças são procuradas pelo texto (a do pacote, com os nomes de variáveis do código
minificado em aberto); se uma versão nova do tema mudar o texto, o build avisa (e o
``--strict`` para), em vez de deixar a página lenta sem ninguém saber.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.theme_palette")

SWITCHING_RULE = (
    "[data-md-color-switching] *,[data-md-color-switching] :after,"
    "[data-md-color-switching] :before{transition-duration:0s!important}"
)


def strip_switching_rule(css: str) -> str | None:
    """A folha sem a regra, ou ``None`` se ela não está lá.

    >>> strip_switching_rule("a{color:red}" + SWITCHING_RULE + "b{x:y}")
    'a{color:red}b{x:y}'
    >>> strip_switching_rule("a{color:red}") is None
    True
    """
    if SWITCHING_RULE not in css:
        return None
    return css.replace(SWITCHING_RULE, "")


# `let o=x("meta",{name:"color-scheme"});document.head.appendChild(o);` no pacote 9.x.
COLOR_SCHEME_META = re.compile(
    r'let (\w+)=\w+\("meta",\{name:"color-scheme"\}\);document\.head\.appendChild\(\1\);'
)


def drop_color_scheme_meta(js: str) -> str | None:
    """O pacote JS sem o ``<meta name="color-scheme">``, do mesmo tamanho, ou ``None``.

    >>> js = 'a();let o=x("meta",{name:"color-scheme"});document.head.appendChild(o);b(o)'
    >>> novo = drop_color_scheme_meta(js)
    >>> novo.replace(" ", "")
    'a();leto={};b(o)'
    >>> len(novo) == len(js)
    True
    >>> drop_color_scheme_meta("a();b()") is None
    True
    """
    match = COLOR_SCHEME_META.search(js)
    if match is None:
        return None
    stub = f"let {match.group(1)}={{}};".ljust(len(match.group(0)))
    return js[: match.start()] + stub + js[match.end() :]


def on_post_build(config, **kwargs) -> None:
    assets = Path(config["site_dir"]) / "assets"
    _patch(
        list((assets / "stylesheets").glob("palette.*.min.css")),
        strip_switching_rule,
        "a folha de cores do Material (palette.*.min.css)",
        "A regra [data-md-color-switching]",
    )
    _patch(
        list((assets / "javascripts").glob("bundle.*.min.js")),
        drop_color_scheme_meta,
        "o pacote JS do Material (bundle.*.min.js)",
        'O <meta name="color-scheme">',
    )


def _patch(files: list[Path], patch, what: str, piece: str) -> None:
    """Aplica ``patch`` a cada arquivo; avisa se não há arquivo ou se a peça não está nele."""
    if not files:
        log.warning("Não encontrei %s no site.", what)
    for path in sorted(files):
        text = patch(path.read_text(encoding="utf-8"))
        if text is None:
            log.warning(
                "%s não está em %s como esperado: o tema mudou; confira o bloqueio da thread "
                "principal (tests/test_desempenho.py).",
                piece,
                path.name,
            )
            continue
        path.write_text(text, encoding="utf-8")
