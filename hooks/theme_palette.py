"""Tira da folha de cores do Material a regra que recalcula o estilo da página inteira.

O Material 9 marca o ``<body>`` com ``data-md-color-switching`` sempre que aplica a paleta, ao
carregar a página inclusive, e tira a marca no quadro seguinte; a folha ``palette.*.min.css``
tem uma regra ``[data-md-color-switching] *`` (sem transições durante a troca). Um seletor
universal sob um atributo do ``<body>``: pôr e tirar o atributo obriga o navegador a recalcular
o estilo de todos os elementos da página, duas vezes a cada carga. Num capítulo de 10 mil
elementos, com a CPU 4× mais lenta, eram 0,5 a 1 s de thread principal bloqueada
(``tests/test_desempenho.py``; issue 24). Sem a regra, trocar de tema no botão do cabeçalho
anima as cores (as transições do tema, de 0,125 a 0,25 s), e nada mais muda.

A regra é procurada pelo texto exato; se uma versão nova do tema mudar o texto, o build avisa
(e o ``--strict`` para), em vez de deixar a página lenta sem ninguém saber.
"""

from __future__ import annotations

import logging
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


def on_post_build(config, **kwargs) -> None:
    sheets = sorted((Path(config["site_dir"]) / "assets" / "stylesheets").glob("palette.*.css"))
    sheets = [s for s in sheets if not s.name.endswith(".map")]
    if not sheets:
        log.warning("Folha de cores do Material (palette.*.min.css) não encontrada no site.")
        return
    for sheet in sheets:
        css = strip_switching_rule(sheet.read_text(encoding="utf-8"))
        if css is None:
            log.warning(
                "A regra [data-md-color-switching] não está em %s: o tema mudou; confira o "
                "bloqueio da thread principal (tests/test_desempenho.py).",
                sheet.name,
            )
            continue
        sheet.write_text(css, encoding="utf-8")
