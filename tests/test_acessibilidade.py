"""O site para quem lê no celular, no modo escuro ou com leitor de tela.

Cada página do site construído é aberta no Chromium no celular (390 px, tema claro) e depois
posta a 1280 px no tema escuro. Nos dois, o axe-core (do npm, fixado no
``package.json`` e instalado por ``scripts/instalar.sh``; nada de CDN) não pode achar violação
séria ou crítica; no celular, a página não pode rolar para o lado, nem uma tabela de texto das
páginas de referência (glossário, API).
"""

from __future__ import annotations

import json

import pytest
from test_site import PAGES, ROOT, draw_whole_page, wait_for_formulas

pytestmark = pytest.mark.site

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# A página de impressão repete o conteúdo de todos os capítulos (já auditados um a um) e o axe
# leva um minuto nela; lá ele audita só o que é dela: a capa e o sumário.
PRINT_PAGE = "print_page/index.html"
PRINT_PAGE_OWN = ["#print-site-page > section:first-of-type", "#print-page-toc"]

_AXE_RUN_JS = """
(include) => axe.run(include ? {include: include.map(s => [s])} : document,
                     {resultTypes: ['violations']})
  .then(r => r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}, ${v.nodes.length}×): ` + v.nodes.slice(0, 3)
      .map(n => n.target.join(' ') + ' → ' + n.failureSummary.split('\\n')[1]).join(' | ')))
"""

# A página rola para o lado quando algum elemento passa da borda direita fora de uma região que
# rola sozinha (tabela, bloco de código, fórmula longa).
_HORIZONTAL_SCROLL_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const culprits = Array.from(document.querySelectorAll('.md-content *'))
    .filter(e => e.getBoundingClientRect().right > width + 1)
    .filter(e => !e.parentElement.closest('.md-typeset__scrollwrap, pre, div.arithmatex, '
                                          + '.recorrente-formula-larga, mjx-assistive-mml'))
    .map(e => `${e.tagName.toLowerCase()}.${e.className} (${e.getBoundingClientRect().width} px)`);
  return {scrollWidth: document.documentElement.scrollWidth, width, culprits: culprits.slice(0, 5)};
}
"""

# Nas páginas de referência (glossário, API, folha de consulta), as tabelas são de texto: no
# celular, cada linha vira um bloco (recorrente.css) e nenhuma rola para o lado. Antes, a coluna
# "Onde" do glossário e a "Padrão" dos parâmetros da API ficavam fora da tela (87 tabelas em 31
# páginas a 390 px). As tabelas de números dos capítulos rolam na própria caixa, que o Tab
# alcança.
_TABLES_THAT_SCROLL_JS = """
() => [...document.querySelectorAll('article table')]
  .map(t => t.closest('.md-typeset__scrollwrap') ?? t)
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => box.querySelector('th')?.textContent.trim() + ` (${box.scrollWidth} px)`)
"""
TEXT_TABLE_PAGES = [p for p in PAGES if p.startswith("referencia/")]


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.is_file(), f"axe-core não encontrado em {AXE}; rode `npm ci` (scripts/instalar.sh)."
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("page_path", PAGES)
def test_no_serious_axe_violation_light_and_dark_and_no_sideways_scroll_on_phone(
    page_path: str, server: str, browser, axe_source: str
) -> None:
    # Uma carga por página (o MathJax da página de impressão leva segundos): primeiro o celular
    # no tema claro, depois a mesma página a 1280 px no tema escuro (o Material troca o tema pelo
    # atributo data-md-color-scheme, o mesmo que o botão do cabeçalho muda).
    context = browser.new_context(color_scheme="light", **PHONE)
    try:
        page = context.new_page()
        page.goto(server + page_path, wait_until="load")
        draw_whole_page(page)
        scroll = page.evaluate(_HORIZONTAL_SCROLL_JS)
        assert scroll["scrollWidth"] <= scroll["width"], (
            f"a página rola para o lado a 390 px ({scroll['scrollWidth']} px): {scroll['culprits']}"
        )
        if page_path in TEXT_TABLE_PAGES:
            scrolling = page.evaluate(_TABLES_THAT_SCROLL_JS)
            assert not scrolling, f"tabela de texto que rola para o lado a 390 px: {scrolling}"
        page.add_script_tag(content=axe_source)
        own = PRINT_PAGE_OWN if page_path == PRINT_PAGE else None
        light = page.evaluate(_AXE_RUN_JS, own)
        assert not light, "tema claro, 390 px:\n" + "\n".join(light)

        # Sem as transições de cor do tema, o axe leria as cores no meio da troca.
        page.add_style_tag(content="*, *::before, *::after { transition: none !important; }")
        page.set_viewport_size(DESKTOP["viewport"])
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        draw_whole_page(page)
        dark = page.evaluate(_AXE_RUN_JS, own)
        assert not dark, "tema escuro, 1280 px:\n" + "\n".join(dark)
    finally:
        context.close()


def test_axe_comes_from_the_pinned_npm_package(axe_source: str) -> None:
    wanted = json.loads((ROOT / "package.json").read_text())["devDependencies"]["axe-core"]
    assert axe_source.startswith(f"/*! axe v{wanted}"), "axe-core instalado difere do package.json"
    assert (ROOT / "package-lock.json").is_file()


# Regras moderadas e menores que o livro já cumpre nos capítulos: títulos sem pular nível (a
# caixa "Erro comum" é um nível abaixo da seção), marcos com nomes distintos (o <nav> do botão de
# copiar não é marco), nenhum cabeçalho de tabela vazio (o canto do índice do pandas) e nenhuma
# fórmula como parada do Tab.
_AXE_MINOR_JS = """
() => axe.run(document, {runOnly: ['heading-order', 'landmark-unique', 'empty-table-header']})
  .then(r => r.violations.map(v => `${v.id} (${v.nodes.length}×): ` +
    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))
"""


@pytest.mark.parametrize("page_path", [p for p in PAGES if p.startswith("capitulos/")])
def test_chapter_headings_landmarks_table_headers_and_formula_tab_stops(
    page_path: str, server: str, browser, axe_source: str
) -> None:
    context = browser.new_context(**DESKTOP)
    try:
        page = context.new_page()
        page.goto(server + page_path, wait_until="load")
        draw_whole_page(page)
        page.add_script_tag(content=axe_source)
        violations = page.evaluate(_AXE_MINOR_JS)
        assert not violations, "\n".join(violations)
        formulas = page.locator("mjx-container")
        stops = page.locator("mjx-container[tabindex]:not([tabindex='-1'])")
        assert stops.count() == 0, f"{stops.count()} de {formulas.count()} fórmulas no Tab"
    finally:
        context.close()


# Blocos de código e saídas quebram a linha em vez de rolar para o lado (hooks/code_lines.py e
# docs/assets/recorrente.css); o texto copiado (o botão do tema copia o innerText) continua o
# código original; o botão de copiar não cobre letra nenhuma; e, a 1280 px, toda tabela cabe.
_CODE_JS = """
async () => {
  for (const d of document.querySelectorAll('details')) d.open = true;  // as soluções também
  const blocks = Array.from(document.querySelectorAll('.md-content pre > code'));
  // O tema monta o botão de copiar quando o bloco aparece (content.lazy): passa por todos e
  // espera o botão de cada um (até 3 s; numa máquina cheia, 30 ms não bastavam).
  for (const c of blocks) {
    c.scrollIntoView({block: 'center'});
    const copyable = !c.closest('.highlight').classList.contains('no-copy');
    for (let t = 0; t < 60; t++) {
      await new Promise(r => setTimeout(r, 50));
      if (!copyable || c.parentElement.querySelector('.md-code__nav')) break;
    }
  }
  const copyable = document.querySelectorAll('.md-content .highlight:not(.no-copy) pre > code');
  const sideways = blocks.filter(c => c.scrollWidth > c.clientWidth + 1)
    .map(c => c.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a)));
  const changed = blocks.filter(c => c.innerText.trimEnd() !== c.textContent.trimEnd())
    .map(c => c.textContent.slice(0, 60));
  const covered = [];
  for (const nav of document.querySelectorAll('.md-content .md-code__nav')) {
    const box = nav.getBoundingClientRect();
    const code = nav.parentElement.querySelector('code');
    const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        if (!node.data[i].trim()) continue;
        range.setStart(node, i); range.setEnd(node, i + 1);
        const r = range.getBoundingClientRect();
        if (r.top > box.bottom) break;
        if (r.right > box.left && r.left < box.right && r.bottom > box.top && r.top < box.bottom)
          covered.push(code.textContent.split('\\n')[0].slice(0, 60));
      }
    }
  }
  const tables = Array.from(document.querySelectorAll('.md-content table'))
    .filter(t => t.scrollWidth > t.parentElement.clientWidth + 1)
    .map(t => Array.from(t.querySelectorAll('th')).map(h => h.textContent.trim()).join(' | '));
  const buttons = document.querySelectorAll('.md-content .md-code__nav').length;
  return {blocks: blocks.length, copyable: copyable.length, buttons, sideways, changed,
          covered: [...new Set(covered)], tables};
}
"""


@pytest.mark.parametrize("page_path", [p for p in PAGES if p.startswith("capitulos/")])
def test_code_wraps_instead_of_scrolling_and_tables_fit_on_desktop(
    page_path: str, server: str, browser
) -> None:
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(**viewport)
        try:
            page = context.new_page()
            page.goto(server + page_path, wait_until="load")
            wait_for_formulas(page)
            found = page.evaluate(_CODE_JS)
        finally:
            context.close()
        width = viewport["viewport"]["width"]
        assert found["blocks"] > 0
        assert found["buttons"] == found["copyable"], "nem todo bloco ganhou o botão de copiar"
        assert not found["sideways"], f"{width} px, código rolando para o lado: {found['sideways']}"
        assert not found["changed"], f"o texto copiado não é o código: {found['changed']}"
        assert not found["covered"], f"{width} px, o botão de copiar cobre: {found['covered']}"
        if viewport is DESKTOP:
            assert not found["tables"], f"1280 px, tabelas cortadas: {found['tables']}"
