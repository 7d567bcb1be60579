"""A busca do site no Chromium: cada consulta da tabela traz a seção certa em primeiro lugar.

A busca é a do Material (lunr num worker), com o que o livro muda nela: ``hooks/search.py``
(fórmulas em texto simples no índice, páginas da API com peso 0,5) e ``docs/assets/js/search.js``
(texto que entra sem tecla vira consulta; palavras vazias saem da consulta).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page
from test_site import SITE

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parents[1]

# consulta → a seção que deve vir primeiro (a página dela abre a lista, a seção logo abaixo).
# As quatro primeiras são as do issue 24; as outras, uma por capítulo que faltava.
QUERIES = {
    # "de" virava "de*" e achava "dentro" no título do cap. 2
    "porta de esquecimento": "capitulos/04_lstm_gru/#as-portas-das-lstms-treinadas",
    # a prévia desta seção mostrava \(f_t > 0{,}9\)
    "portas f_t distração": "capitulos/04_lstm_gru/#as-portas-das-lstms-treinadas",
    # o título da caixa grudava na mensagem ("...fora de ordemRuntimeError...")
    "enforce_sorted fora de ordem": (
        "capitulos/02_nn_rnn/#erro-comum-enforce_sorted-com-o-lote-fora-de-ordem"
    ),
    # as páginas da API vinham antes, e a seção das formas só em 4.º
    "batch_first": "capitulos/02_nn_rnn/#as-formas-de-entrada-e-saida",
    "concatenar em vez de somar": "capitulos/01_recorrencia/#um-truque-concatenar-em-vez-de-somar",
    "corte de gradiente": (
        "capitulos/03_treinamento/#corte-de-gradiente-limitando-o-tamanho-do-passo"
    ),
    "BPTT truncado": "capitulos/03_treinamento/#bptt-truncado-detach-entre-pedacos",
    "calibração": "capitulos/05_classificacao/#calibracao-quando-a-rede-diz-80-sao-80",
    "nats por caractere": "capitulos/06_nomes/#a-regua-nats-por-caractere",
    "o normalizador só pode ver o treino": (
        "capitulos/07_bolsa/#o-normalizador-so-pode-ver-o-treino"
    ),
    "busca em feixe": "capitulos/08_extenso/#busca-gulosa-e-busca-em-feixe",
    "minGRU": "capitulos/09_paralelas/#da-gru-a-mingru",
}


_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)


def search(page: Page, query: str, server: str) -> list[str]:
    """Escreve ``query`` na caixa de busca e devolve os endereços dos resultados, em ordem.

    Sem o servidor e sem o ``?h=...`` do realce: ``capitulos/02_nn_rnn/#as-formas-...``. O texto
    entra como colado (``fill``, sem tecla); ``docs/assets/js/search.js`` o faz virar consulta.
    """
    box = "input.md-search__input"
    page.fill(box, "")
    page.wait_for_selector(".md-search-result__item", state="detached", timeout=30_000)
    page.fill(box, query)
    page.wait_for_selector(".md-search-result__item", timeout=30_000)
    # A lista se desenha aos poucos: espera até ela parar de mudar.
    links, previous = [], None
    for _ in range(40):
        links = page.eval_on_selector_all(
            ".md-search-result__item a", "els => els.map(e => e.href)"
        )
        if links == previous:
            break
        previous = links
        page.wait_for_timeout(300)
    return [unquote(re.sub(r"\?h=[^#]*", "", h.removeprefix(server))) for h in links]


@pytest.fixture(scope="module")
def search_page(server: str, browser):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.goto(server, wait_until="load")
    yield page
    page.close()


@pytest.mark.serial  # o índice da busca demora a montar com outro processo disputando a CPU
@pytest.mark.parametrize(("query", "section"), QUERIES.items(), ids=list(QUERIES))
def test_query_finds_its_section_first(query: str, section: str, search_page, server) -> None:
    found = search(search_page, query, server)
    page_url = section.split("#")[0]
    assert found[:2] == [page_url, section], (
        f"{query!r}: esperava a página {page_url} e a seção {section} primeiro; vieram {found[:4]}"
    )
    first = search_page.inner_text(".md-search-result__item")
    # A prévia e o título do primeiro resultado: fórmulas sem TeX cru, título da caixa separado
    # da mensagem.
    assert not re.search(r"\\[()\[\]]|\{,\}|\\[a-z]+", first), first
    assert not re.search(r"[a-zà-ú](?:Runtime|Value|Type)Error", first), first


@pytest.mark.serial  # o índice da busca demora a montar com outro processo disputando a CPU
def test_preview_shows_formulas_as_text(search_page, server) -> None:
    search(search_page, "porta de esquecimento", server)
    preview = search_page.inner_text(".md-search-result__item")
    assert "f_t > 0,9" in preview, preview


def test_search_index_has_no_raw_tex() -> None:
    """Fora do código (que mostra o TeX de propósito, como a função ``tex`` do cap. 2)."""
    docs = json.loads((SITE / "search" / "search_index.json").read_text("utf-8"))["docs"]
    raw = [
        d["location"]
        for d in docs
        if re.search(r"\\[(\[]|\{,\}", _CODE.sub(" ", d["title"] + " " + d["text"]))
    ]
    assert not raw, raw
    assert any("f_t &gt; 0,9" in d["text"] for d in docs)


def test_stop_words_dropped_from_queries_are_stop_words_of_lunr_pt() -> None:
    """As palavras que ``search.js`` tira da consulta também saem do índice (filtro do lunr pt):
    tirá-las não faz consulta nenhuma perder resultado."""
    import material

    source = (ROOT / "docs" / "assets" / "js" / "search.js").read_text("utf-8")
    words = re.search(r'const VAZIAS = new Set\(\s*\(((?:\s*"[^"]*"\s*\+?)+)\)', source)[1]
    dropped = set(" ".join(re.findall(r'"([^"]*)"', words)).split())
    lunr_pt = (
        Path(material.__file__).parent / "templates/assets/javascripts/lunr/min/lunr.pt.min.js"
    ).read_text("utf-8")
    stop = set(re.search(r'StopWordFilter\("([^"]*)"', lunr_pt)[1].split())
    assert {"de", "a", "em", "para"} <= dropped
    assert dropped <= stop, dropped - stop
