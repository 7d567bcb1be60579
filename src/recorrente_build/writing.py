"""Escrever em disco o que um capítulo gera: página, figuras, notebook e registro dos números.

Tudo fora do git, em ``docs/capitulos/`` (e o registro em ``build/registros/``). Só se escreve
o que mudou: o ``mkdocs serve`` reconstrói a cada arquivo escrito.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat

from recorrente_build import quotes, records
from recorrente_build.files import write_if_changed
from recorrente_build.markdown import markdown
from recorrente_build.notebook import downloadable
from recorrente_build.settings import BUILT_RECORDS, CHAPTERS, ChapterError
from recorrente_build.source import chapters, prepared

RUNNING_NOTICE = (
    '!!! info "Executando o capítulo"\n\n'
    "    As células deste capítulo estão sendo executadas agora. A página se atualiza sozinha "
    "quando a execução terminar."
)

STALE_NOTICE = (
    '!!! warning "Executando de novo"\n\n'
    "    O código deste capítulo ou o pacote mudou: as saídas abaixo são da execução anterior e "
    "esta página se atualiza sozinha quando a execução nova terminar."
)


def failure_notice(message: str) -> str:
    """O aviso, em português, de que o capítulo falhou: a mensagem (capítulo, célula, erro)."""
    body = "\n".join("        " + line for line in message.splitlines())
    return (
        '!!! failure "O capítulo falhou"\n\n'
        "    Corrija o arquivo (ou o pacote) e salve: a página se atualiza sozinha.\n\n"
        f"    ```text\n{body}\n    ```"
    )


def outputs_of(chapter: Path, destination: Path = CHAPTERS) -> tuple[Path, Path, Path]:
    """Onde ficam a página, a pasta das figuras e o notebook de um capítulo."""
    return (
        destination / f"{chapter.stem}.md",
        destination / chapter.stem,
        destination / f"{chapter.stem}.ipynb",
    )


def write_record(chapter: Path, nb: nbformat.NotebookNode, folder: Path = BUILT_RECORDS) -> Path:
    """Escreve o registro dos números do capítulo (:mod:`recorrente_build.records`) em ``folder``.

    Ao lado, ``NN_nome.citados.json``: os textos citados na prosa, sem máscara (o teste da
    prosa os usa para saber que número da página veio de uma citação).
    """
    path = folder / f"{chapter.stem}.txt"
    write_if_changed(path, records.record(chapter, nb))
    found = [value for _, _, value in quotes.quoted(nb)]
    write_if_changed(folder / f"{chapter.stem}.citados.json", json.dumps(found, ensure_ascii=False))
    return path


def write(chapter: Path, nb: nbformat.NotebookNode, destination: Path = CHAPTERS) -> bool:
    """Escreve página, figuras, notebook e registro; devolve ``True`` se a página mudou.

    ``nb`` é o notebook preparado e executado: os valores citados são substituídos aqui, e a
    página e o notebook para baixar recebem o texto pronto.
    """
    if destination == CHAPTERS:
        write_record(chapter, nb)
    nb = quotes.substitute(nb)
    page = markdown(chapter, nb)
    md, folder, ipynb = outputs_of(chapter, destination)
    changed = False
    for name, data in page.figures.items():
        changed |= write_if_changed(destination / name, data)
    if folder.is_dir():
        for old in folder.iterdir():
            if f"{chapter.stem}/{old.name}" not in page.figures:
                old.unlink()
                changed = True
    changed |= write_if_changed(ipynb, nbformat.writes(downloadable(nb)) + "\n")
    changed |= write_if_changed(md, page.markdown)  # a página por último: ela aponta para o resto
    return changed


def after_title(text: str, notice: str) -> str:
    """Põe ``notice`` logo depois do título ``# ...`` da página."""
    parts = text.split("\n# ", 1)
    if len(parts) != 2:
        return f"{notice}\n\n{text}"
    title, rest = parts[1].split("\n", 1)
    return f"{parts[0]}\n# {title}\n\n{notice}\n\n{rest.lstrip()}"


def write_provisional(chapter: Path, notice: str, destination: Path = CHAPTERS) -> bool:
    """A página do capítulo ainda sem saídas (executando, ou falhou), com ``notice`` no topo.

    Prosa, títulos (e suas âncoras, que o glossário usa) e código já aparecem; só faltam as
    saídas, as figuras e os botões do notebook. Um capítulo que nem se lê ganha uma página só
    com o título (o nome do arquivo) e o aviso.
    """
    try:
        without_outputs = quotes.substitute(prepared(chapter), missing="…")
        text = markdown(chapter, without_outputs).markdown.replace(
            f"notebook: capitulos/{chapter.stem}.ipynb\n", ""
        )
    except ChapterError:
        text = (
            f"---\ntitle: {json.dumps(chapter.stem)}\nfonte: capitulos/{chapter.name}\n---\n\n"
            f"# {chapter.stem}\n"
        )
    md, _, _ = outputs_of(chapter, destination)
    return write_if_changed(md, after_title(text, notice))


def write_failure(chapter: Path, message: str, destination: Path = CHAPTERS) -> None:
    """Troca a página pelo aviso de falha e apaga o notebook e as figuras da execução velha."""
    remove_outputs(chapter, destination, keep_page=True)
    write_provisional(chapter, failure_notice(message), destination)


def mark_stale(md: Path) -> None:
    """Põe no topo da página o aviso de que as saídas são da execução anterior."""
    text = md.read_text(encoding="utf-8")
    if STALE_NOTICE not in text:
        write_if_changed(md, after_title(text, STALE_NOTICE))


def remove_outputs(chapter: Path, destination: Path = CHAPTERS, keep_page: bool = False) -> None:
    """Apaga o que foi gerado para o capítulo (a página, se não ``keep_page``; e o registro)."""
    md, folder, ipynb = outputs_of(chapter, destination)
    if not keep_page:
        md.unlink(missing_ok=True)
    ipynb.unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    if destination == CHAPTERS:
        (BUILT_RECORDS / f"{chapter.stem}.txt").unlink(missing_ok=True)


def _generated(page: Path) -> bool:
    """A página foi escrita por este passo (a final ou a provisória)?"""
    head = page.read_text(encoding="utf-8")[:500]
    marks = (f"\nnotebook: capitulos/{page.stem}.ipynb\n", f"\nfonte: capitulos/{page.stem}.py\n")
    return any(mark in head for mark in marks)


def remove_orphans(destination: Path = CHAPTERS, source: Path | None = None) -> list[str]:
    """Apaga o que foi gerado para um capítulo cujo ``.py`` não existe mais (renomeado, apagado).

    Sem isso, a página velha (``05_nomes.md`` depois de o capítulo virar ``06_nomes.py``)
    continuaria em ``docs/capitulos/`` e o ``mkdocs build --strict`` pararia com "página fora
    do nav". Só sai o que o passo gera: a página com o cabeçalho que ele escreve (``notebook:``
    ou ``fonte:``),
    o notebook e a pasta das figuras; um ``.md`` escrito à mão fica.

    Retorna:
        Os nomes apagados, em ordem.
    """
    source = source or destination  # a pasta dos .py (a mesma, no livro)
    removed = []
    for path in sorted(destination.glob("[0-9][0-9]_*")):
        if (source / f"{path.stem}.py").exists() or path.suffix == ".py":
            continue
        if path.is_dir():
            shutil.rmtree(path)
        elif path.suffix == ".ipynb" or (path.suffix == ".md" and _generated(path)):
            path.unlink()
        else:
            continue
        removed.append(path.name)
    return removed


def clean(destination: Path = CHAPTERS) -> None:
    """Apaga as páginas, figuras e notebooks gerados (o cache de execução fica)."""
    for chapter in chapters():
        remove_outputs(chapter, destination)
    remove_orphans(destination)
