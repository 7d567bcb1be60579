"""Preenche a *Folha de consulta* (``docs/referencia/folha.md``) com tabelas medidas no build.

A página é Markdown escrito à mão, com marcadores ``<!-- folha: nome -->`` onde entram as
tabelas. Cada tabela vem de :mod:`recorrente.shapes`, que constrói os módulos do PyTorch
instalado e confere cada forma, contagem e expressão antes de devolvê-la: se o PyTorch mudar, o
build para em vez de publicar uma folha errada. Roda em menos de um segundo (uma thread), no
``mkdocs build`` e no ``mkdocs serve``. O Zensical não roda hooks: lá a folha sai sem as tabelas.
"""

from __future__ import annotations

import re
import warnings

from mkdocs.exceptions import PluginError

PAGE = "referencia/folha.md"
_MARKER = re.compile(r"<!-- folha: (\w+) -->")

#: Configurações da tabela de contagem: (módulo, I, H, L, bidirecional, proj_size).
COUNT_CONFIGS = [
    ("RNN", 10, 20, 2, True, 0),
    ("GRU", 10, 20, 2, True, 0),
    ("LSTM", 10, 20, 2, True, 0),
    ("LSTM", 10, 20, 2, True, 5),
]


def markdown_table(rows: list[dict[str, str]], code: set[str] = frozenset()) -> str:
    """Uma tabela Markdown; as colunas em ``code`` vão entre crases.

    Exemplo:
        >>> print(markdown_table([{"a": "x", "b": "(T, I)"}], code={"b"}))
        | a | b |
        | --- | --- |
        | x | `(T, I)` |
    """
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    for row in rows:
        cells = [f"`{row[k]}`" if k in code else str(row[k]) for k in header]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def _tables() -> dict[str, str]:
    import torch
    from torch import nn

    from recorrente.formatting import num
    from recorrente.shapes import last_state_rows, parameter_count, shape_rows

    threads, filters = torch.get_num_threads(), list(warnings.filters)
    torch.set_num_threads(1)  # módulos minúsculos: uma thread é mais rápida
    try:
        warnings.filterwarnings("ignore", "LSTM with projections is not supported with oneDNN")
        shapes = shape_rows()
        last = last_state_rows()
        counts = []
        for mode, i, h, layers, bidirectional, proj in COUNT_CONFIGS:
            extra = {"proj_size": proj} if proj else {}
            module = getattr(nn, mode)(i, h, layers, bidirectional=bidirectional, **extra)
            real = sum(p.numel() for p in module.parameters())
            formula = parameter_count(mode, i, h, layers, bidirectional, proj_size=proj)
            assert formula == real, (mode, formula, real)
            counts.append(
                {
                    "módulo": f"nn.{mode}({i}, {h}, {layers}, bidirectional=True"
                    + (f", proj_size={proj})" if proj else ")"),
                    "pela fórmula": num(formula, 0),
                    "contados no PyTorch": num(real, 0),
                }
            )
    finally:
        torch.set_num_threads(threads)
        warnings.filters[:] = filters
    return {
        "formas": markdown_table(
            shapes, code={"entrada x", "h_0 e h_n", "c_0 e c_n (LSTM)", "output"}
        ),
        "classificacao": markdown_table(last, code={"em h_n", "em output"}),
        "parametros": markdown_table(counts, code={"módulo"}),
    }


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri != PAGE:
        return markdown
    try:
        tables = _tables()
    except AssertionError as error:
        raise PluginError(
            f"A folha de consulta não confere com o PyTorch instalado: {error}"
        ) from error
    unknown = set(_MARKER.findall(markdown)) - set(tables)
    if unknown:
        raise PluginError(f"{PAGE}: marcadores sem tabela: {sorted(unknown)}")
    return _MARKER.sub(lambda m: tables[m[1]], markdown)
