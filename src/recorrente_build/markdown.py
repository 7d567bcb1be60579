"""O Markdown de um capítulo executado: código, saídas, figuras e tabelas, sem tocar em disco.

O nbconvert (``MarkdownExporter`` com o modelo ``templates/chapter.md.j2``) escreve código em
blocos ```` ```python ````, saídas de texto em blocos sem botão de copiar, figuras como arquivos
com texto alternativo e carregamento preguiçoso, tabelas do pandas (``DataFrame`` ou
``Styler``) como tabelas HTML simples. Os arquivos que uma célula entrega como saída
(``recorrente.web.SiteFiles``) vão para a pasta das figuras.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import re
import textwrap
from pathlib import Path

import nbformat
from nbconvert import MarkdownExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from recorrente.pages import FILES_MIME, SiteFiles
from recorrente_build.records import ANSI, strip_progress
from recorrente_build.settings import BOX, CAPTION, HIDE_CODE, REMOVE, TEMPLATE


def _fenced(text: str, classes: str) -> str:
    """Um bloco cercado com crases a mais do que qualquer sequência de crases do texto."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    opening = classes if " " not in classes else f" {{ {classes} }}"
    return f"{ticks}{opening}\n{text.rstrip()}\n{ticks}"


def output_block(text: str) -> str:
    """Uma saída de texto como bloco sem realce e sem botão de copiar.

    Exemplo:
        >>> print(output_block("h_1 = [0,1]\\n"))
        ``` { .text .no-copy .saida }
        h_1 = [0,1]
        ```
    """
    return _fenced(ANSI.sub("", strip_progress(text)), ".text .no-copy .saida")


def code_block(text: str) -> str:
    """O código de uma célula como bloco Python (com o botão de copiar do tema)."""
    return _fenced(text, "python")


def indent(text: str) -> str:
    """Recua 4 espaços (menos as linhas em branco): o conteúdo de uma célula ``caixa``.

    Exemplo:
        >>> print(indent("\\n```python\\nx = 1\\n\\ny = 2\\n```\\n\\n"))
            ```python
            x = 1
        <BLANKLINE>
            y = 2
            ```
    """
    return textwrap.indent(re.sub(r"\n{3,}", "\n\n", text).strip("\n"), "    ")


def boxed(cell: nbformat.NotebookNode) -> bool:
    """A célula vai dentro da admonição aberta pelo texto anterior (etiqueta :data:`BOX`)?"""
    return BOX in cell.metadata.get("tags", [])


_TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL | re.IGNORECASE)
_STYLE_ATTRIBUTES = re.compile(r'\s(?:class|id|border|style)="[^"]*"')


def html_table(content: str) -> str | None:
    """A tabela de uma saída HTML do pandas, sem classes, ids nem ``<style>``.

    O tema estiliza as tabelas sem classe; as do pandas (``DataFrame`` e ``Styler``) vêm com
    classes e ids próprios. Devolve ``None`` quando a saída não é uma tabela. O canto vazio
    acima do índice (``<th></th>`` ou ``<th>&nbsp;</th>``) vira ``<td></td>``: um cabeçalho sem
    texto não diz nada ao leitor de tela (axe: ``empty-table-header``).

    Exemplo:
        >>> html_table('<style>td {}</style><table id="T_1" class="x">'
        ...            '<tr><td class="data row0">0,5</td></tr></table>')
        '<table>\\n<tr><td>0,5</td></tr></table>'
        >>> html_table('<table><tr><th class="blank" >&nbsp;</th><th>a</th></tr></table>')
        '<table>\\n<tr><td></td><th>a</th></tr></table>'
    """
    found = _TABLE.search(content)
    if not found:
        return None
    table = _STYLE_ATTRIBUTES.sub("", found[0])
    table = re.sub(r"<table>\s*", "<table>\n", table)
    table = re.sub(r"<th\s*>(?:\s|&nbsp;)*</th>", "<td></td>", table)
    # Linhas em branco encerrariam o bloco HTML do Markdown.
    return re.sub(r"\n\s*\n", "\n", table)


def alt_text(text: str) -> str:
    """O texto alternativo pronto para ``![...]``: sem TeX do matplotlib nem colchetes.

    Exemplo:
        >>> alt_text("Norma de $h_t$ [log]")
        'Norma de h_t (log)'
    """
    text = re.sub(r"\$([^$]*)\$", r"\1", text).replace("\\", "")
    text = text.replace("[", "(").replace("]", ")").replace("\n", " ")
    return " ".join(text.split())


FIGURE_TYPES = ("image/svg+xml", "image/png", "image/jpeg")
"""As saídas que viram arquivos de figura; as do livro são SVG (``recorrente.plotting``)."""

_SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)pt"[^>]*?\bheight="([\d.]+)pt"')


def svg_size(svg: str) -> tuple[int, int]:
    """Largura e altura naturais de um SVG do matplotlib em pixels CSS (1 pt = 4/3 px).

    Escritas no ``<img>``, elas reservam o lugar da figura antes que ela carregue (a página
    não pula) e a mostram no tamanho natural, em que a letra tem o tamanho que o matplotlib
    desenhou.

    Exemplo:
        >>> svg_size('<svg xmlns="http://www.w3.org/2000/svg" width="504pt" height="288pt">')
        (672, 384)
    """
    found = _SVG_SIZE.search(svg)
    if not found:
        raise ValueError("SVG sem largura e altura em pt (a figura não veio do matplotlib?)")
    return round(float(found[1]) * 4 / 3), round(float(found[2]) * 4 / 3)


class _Outputs(Preprocessor):
    """Prepara cada saída para o modelo: texto alternativo e tamanho das figuras, tabelas limpas."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        caption = cell.metadata.get(CAPTION)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            kind = next((k for k in FIGURE_TYPES if k in data), None)
            if kind:
                description = caption or output.metadata.get(kind, {}).get("alt", "")
                if not description:
                    description = f"Figura da célula {index + 1} do capítulo"
                output.metadata["recorrente_alt"] = alt_text(description)
            if "image/svg+xml" in data:
                width, height = svg_size(data["image/svg+xml"])
                output.metadata["recorrente_tamanho"] = f"width={width} height={height}"
            if "text/html" in data:
                table = html_table(data["text/html"])
                if table:
                    output.metadata["recorrente_tabela"] = table
                else:  # HTML que não é tabela: o texto simples basta numa página estática
                    del data["text/html"]
        return cell, resources


def _exporter() -> MarkdownExporter:
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {REMOVE}
    config.TagRemovePreprocessor.remove_input_tags = {HIDE_CODE}
    config.TagRemovePreprocessor.enabled = True
    config.ExtractOutputPreprocessor.enabled = True
    config.ExtractOutputPreprocessor.extract_output_types = set(FIGURE_TYPES)
    config.ExtractOutputPreprocessor.output_filename_template = (
        "figura-{cell_index}-{index}{extension}"
    )
    exporter = MarkdownExporter(
        config=config, template_file=str(TEMPLATE), extra_template_basedirs=[str(TEMPLATE.parent)]
    )
    exporter.register_preprocessor(_Outputs, enabled=True)
    exporter.register_filter("code_block", code_block)
    exporter.register_filter("output_block", output_block)
    exporter.register_filter("indent_box", indent)
    exporter.register_filter("boxed", boxed)
    return exporter


def page_files(nb: nbformat.NotebookNode, folder: str) -> dict[str, bytes]:
    """Tira das saídas os arquivos que as células entregam (``FILES_MIME``) e os devolve.

    Um arquivo que a página carrega (os pesos de um modelo, por exemplo) vem como saída de
    célula, e não escrito em disco pela célula: assim ele existe também quando a execução vem
    do cache. Na saída fica só o texto (o tamanho de cada arquivo). Os nomes passam pela mesma
    conferência de :class:`recorrente.web.SiteFiles`.

    Exemplo:
        >>> output = nbformat.v4.new_output(
        ...     "display_data", {FILES_MIME: {"a.bin": "AAE="}, "text/plain": "a.bin: 2 bytes"})
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[output])])
        >>> page_files(nb, "09_teste"), list(output.data)
        ({'09_teste/a.bin': b'\\x00\\x01'}, ['text/plain'])
    """
    files = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            encoded = output.get("data", {}).pop(FILES_MIME, {})
            decoded = SiteFiles({n: base64.b64decode(c) for n, c in encoded.items()}).files
            files |= {f"{folder}/{name}": content for name, content in decoded.items()}
    return files


@dataclasses.dataclass
class Page:
    """O Markdown de um capítulo e os arquivos das suas figuras (e os da ``SiteFiles``)."""

    markdown: str
    figures: dict[str, bytes]


def markdown(chapter: Path, nb: nbformat.NotebookNode) -> Page:
    """Escreve a página Markdown do notebook executado (sem tocar em disco)."""
    nb = copy.deepcopy(nb)  # o exportador altera o notebook
    files = page_files(nb, chapter.stem)
    resources = {"output_files_dir": chapter.stem, "unique_key": chapter.stem}
    text, produced = _exporter().from_notebook_node(nb, resources=resources)
    figures = dict(produced.get("outputs", {})) | files
    title = re.search(r"^# (.+)$", text, re.MULTILINE)
    # O título também no cabeçalho: o sumário da versão para imprimir e a navegação o leem de
    # lá, como texto (sem as crases de `nn.RNN`, que só o título da página mostra como código).
    plain = title[1].strip().replace("`", "") if title else chapter.stem
    header = (
        "---\n"
        f"title: {json.dumps(plain, ensure_ascii=False)}\n"
        f"notebook: capitulos/{chapter.stem}.ipynb\n"
        f"fonte: capitulos/{chapter.name}\n"
        "---\n\n"
        f"<!-- Gerado por scripts/paginas.py a partir de {chapter.name}; edite o .py. -->\n\n"
    )
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    return Page(header + text, figures)
