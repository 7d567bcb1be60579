"""Siglas e números no site construído: a abreviação fora do código, um número por ``<mn>``.

- ``includes/abreviacoes.md`` (``abbr`` + ``pymdownx.snippets``) sublinha toda sigla do texto;
  num nome de código (``nn.RNN``) a sigla é parte do identificador e não leva ``<abbr>``.
- As fórmulas chegam tipografadas do build (``hooks/typeset_math.py``): nenhuma fica com o TeX
  cru, e cada página com fórmula traz a folha de estilo delas.
- O MathJax lê ``0{,}4472`` como um número só (``digits`` em ``docs/assets/mathjax-config.js``),
  e o sinal de menos de ``[0{,}2182; -0{,}3425]`` é o de um número negativo, sem o espaço de
  operador dos dois lados.
"""

from __future__ import annotations

import re
import sys

import pytest
from test_site import PAGES, PHONE, ROOT, SITE, draw_whole_page, wait_for_formulas

sys.path.insert(0, str(ROOT / "hooks"))
import typeset_math  # noqa: E402  (hooks/typeset_math.py)

pytestmark = pytest.mark.site

_ABBR_IN_CODE = re.compile(r"<code[^>]*>(?:(?!</code>).)*<abbr", re.DOTALL)
_ABBR_IN_NAME = re.compile(r"[\w`][.]<abbr[^>]*>\w+</abbr>|</abbr>\w")


def test_abbreviations_stay_out_of_code_and_names() -> None:
    found = {}
    for page in PAGES:
        html = (SITE / page).read_text(encoding="utf-8")
        bad = [m[0][-60:] for m in _ABBR_IN_CODE.finditer(html)] + [
            html[max(m.start() - 30, 0) : m.start() + 10] for m in _ABBR_IN_NAME.finditer(html)
        ]
        if bad:
            found[page] = bad[:3]
    assert not found, found
    chapter = (SITE / "capitulos" / "02_nn_rnn" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"<abbr title=\"rede neural recorrente[^\"]*\">RNN</abbr>", chapter)
    assert "O <code>nn.RNN</code> por dentro" in chapter


def test_formulas_arrive_typeset_from_the_build() -> None:
    typeset = 0
    for page in PAGES:
        html = (SITE / page).read_text(encoding="utf-8")
        raw = typeset_math.formulas(html)
        assert not raw, (
            f"{page}: {len(raw)} fórmulas com o TeX cru ({raw[0][0][:60]}); o build rodou sem o "
            "Node ou o mathjax-full? (npm ci)"
        )
        count = html.count('class="arithmatex"><mjx-container')
        assert count == html.count('class="arithmatex"'), f"{page}: fórmula fora do padrão"
        if count:
            href = re.search(r'<link rel="stylesheet" href="([^"]*mathjax/svg\.css)">', html)
            assert href and (SITE / page).parent.joinpath(href[1]).resolve().is_file(), page
        typeset += count
    assert typeset > 1000, f"só {typeset} fórmulas tipografadas no site"


# Cada capítulo com número de vírgula decimal numa fórmula: no TeX cru ou, tipografado no build,
# na MathML.
_DECIMAL = re.compile(r"\{,\}|<mn>\d+,\d")
DECIMAL_CHAPTERS = sorted(
    p
    for p in PAGES
    if p.startswith("capitulos/") and _DECIMAL.search((SITE / p).read_text(encoding="utf-8"))
)

# Na MathML que o MathJax gera para o leitor de tela: dois <mn> seguidos numa linha (um número
# partido). No que ele desenha (SVG): cada menos logo depois de um ponto e vírgula e o espaço,
# em em, entre ele e o número que vem depois (um menos de operação separaria o número).
MAX_MINUS_GAP_EM = 0.25
_NUMBERS_JS = """
() => [...document.querySelectorAll('mjx-assistive-mml math')].flatMap(math => {
  const problems = [];
  for (const el of math.querySelectorAll('mn')) {
    const prev = el.previousElementSibling;
    // Em <msup>, <mfrac> etc. os filhos são base e expoente, não um número seguido de outro.
    if (!['math', 'mrow'].includes(el.parentElement.tagName.toLowerCase())) continue;
    if (prev && prev.tagName.toLowerCase() === 'mn')
      problems.push('número partido: ' + prev.textContent + ' ' + el.textContent);
  }
  return problems;
})
"""
_MINUS_JS = """
() => [...document.querySelectorAll('mjx-container')].flatMap(c => {
  const out = [];
  const em = parseFloat(getComputedStyle(c).fontSize);
  for (const mo of c.querySelectorAll('g[data-mml-node="mo"]')) {
    if (!mo.querySelector(':scope > path[data-c="2212"]')) continue;
    const prev = mo.previousElementSibling, next = mo.nextElementSibling;
    const pontoEVirgula = prev?.matches('g[data-mml-node="mo"]') &&
      prev.querySelector(':scope > path[data-c="3B"]');
    if (!pontoEVirgula || !next) continue;
    const espaco = next.getBoundingClientRect().left - mo.getBoundingClientRect().right;
    out.push({espaco: espaco / em, formula: c.querySelector('mjx-assistive-mml').textContent});
  }
  return out;
})
"""


@pytest.mark.parametrize("page_path", DECIMAL_CHAPTERS)
def test_decimal_comma_numbers_are_one_number(page_path: str, server: str, browser) -> None:
    page = browser.new_page()
    page.goto(server + page_path.removesuffix("index.html"), timeout=120_000)
    wait_for_formulas(page)
    problems = page.evaluate(_NUMBERS_JS)
    minus = page.evaluate(_MINUS_JS)
    page.close()
    assert not problems, problems[:5]
    # O menos depois de "; " é de um número negativo: o número vem colado nele. No desenho, o
    # espaço entre o menos e o número é só o das letras (0,15 em); um menos de operação teria o
    # espaço médio do TeX (4/18 em) dos dois lados (0,41 em: "1 − z_t" no cap. 4).
    assert all(m["espaco"] < MAX_MINUS_GAP_EM for m in minus), minus
    if page_path.startswith("capitulos/04_"):
        assert minus, "o cap. 4 tem [0,4472; 0,2182; -0,3425] numa fórmula"


# Cada desenho de fórmula na tela, com a largura que o build lhe deu (em ex do texto em volta):
# a largura na tela menos a de 10 ex medidos dentro da mesma fórmula, em pixels.
_FORMULA_SIZE_JS = """
() => [...document.querySelectorAll('mjx-container[jax="SVG"] > svg')].flatMap(svg => {
  const regua = document.createElement('span');
  regua.style.cssText = 'display:inline-block;width:10ex;position:absolute;visibility:hidden';
  svg.parentElement.append(regua);
  const ex = regua.getBoundingClientRect().width / 10;
  regua.remove();
  const tela = svg.getBoundingClientRect().width;
  const pedida = parseFloat(svg.getAttribute('width')) * ex;
  if (Math.abs(tela - pedida) <= 1) return [];
  return [{tela, pedida, formula: svg.parentElement.textContent.slice(0, 40)}];
})
"""
FORMULA_CHAPTERS = [
    p
    for p in PAGES
    if p.startswith("capitulos/")
    and 'class="arithmatex"' in (SITE / p).read_text(encoding="utf-8")
]


@pytest.mark.parametrize("page_path", FORMULA_CHAPTERS)
def test_every_formula_is_drawn_at_its_size_on_a_phone(page_path: str, server: str, browser):
    """No celular, o tema limita todo <svg> do texto a 100% de uma caixa de largura min-content
    nas fórmulas em bloco: as equações da LSTM viravam 1 px e sumiam (``recorrente.css``)."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server + page_path.removesuffix("index.html"), timeout=120_000)
    draw_whole_page(page)
    wrong = page.evaluate(_FORMULA_SIZE_JS)
    context.close()
    assert not wrong, wrong[:5]


# A pontuação encostada numa fórmula em linha ("(" antes; vírgula, ponto, ")" depois) e a
# fórmula na mesma linha: o retângulo do caractere cruza o da fórmula na vertical.
_PUNCTUATION_JS = """
() => {
  const found = [];
  let checked = 0;
  const sameLine = (a, b) => Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
  for (const span of document.querySelectorAll('article span.arithmatex')) {
    const formula = span.querySelector('mjx-container')?.getBoundingClientRect();
    if (!formula?.width) continue;
    for (const [node, atEnd, chars] of [[span.previousSibling, true, '(['],
                                        [span.nextSibling, false, ',.;:!?)]']]) {
      if (node?.nodeType !== Node.TEXT_NODE || !node.data) continue;
      const i = atEnd ? node.data.length - 1 : 0;
      if (!chars.includes(node.data[i])) continue;
      checked++;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      if (!sameLine(range.getBoundingClientRect(), formula))
        found.push(atEnd ? node.data.slice(-20) + '⟨fórmula⟩'
                         : '⟨fórmula⟩' + node.data.slice(0, 20));
    }
  }
  return {checked, found};
}
"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("page_path", FORMULA_CHAPTERS)
def test_punctuation_stays_on_the_line_of_its_formula(page_path: str, width: int, server, browser):
    """O Chromium quebrava a linha entre o texto e a caixa da fórmula: "(" no fim de uma linha
    e a fórmula na seguinte, ou a vírgula sozinha no começo (14 casos nos capítulos a 390 px, 2 a
    1280 px). ``hooks/typeset_math.py`` cola a pontuação na fórmula numa caixa sem quebra."""
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    page.goto(server + page_path.removesuffix("index.html"), timeout=120_000)
    draw_whole_page(page)
    result = page.evaluate(_PUNCTUATION_JS)
    context.close()
    assert result["checked"], "nenhuma fórmula com pontuação encostada no capítulo?"
    assert not result["found"], result["found"][:5]
