"""Verificações do site CONSTRUÍDO (``site/``), servido em localhost e aberto no Chromium.

Rode depois de ``mkdocs build --strict`` (o comando de testes do README faz isso). Para cada
página: idioma pt-BR, nenhum erro no console, nenhuma requisição fora de localhost, todas as
imagens carregadas (as preguiçosas também) e com texto alternativo em português, fórmulas
tipografadas no build (sem baixar o MathJax) sem ``$`` cru, e todo link interno (com âncora)
resolvendo. Nos
capítulos, as soluções são ``<details>`` da extensão de admonições, com o código dentro.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from playwright.sync_api import sync_playwright

# O navegador e as opções dele moram no passo que imprime o PDF do livro (um lugar só).
from recorrente_build.pdf import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("RECORRENTE_SITE", ROOT / "site"))

def _pages() -> list[str]:
    if not (SITE / "index.html").is_file():
        return []
    return sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if p.name != "404.html" and "assets" not in p.parts
    )


PAGES = _pages()
# A janela do celular dos testes do site (a largura do issue 24).
PHONE = {"width": 390, "height": 844}


def test_site_was_built() -> None:
    assert PAGES, f"Site não encontrado em {SITE}; rode `mkdocs build --strict` antes."
    assert "capitulos/01_recorrencia/index.html" in PAGES


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # silencia o log de cada requisição
        pass


@pytest.fixture(scope="session")
def server():
    handler = functools.partial(_Quiet, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), (
        f"Chromium não encontrado em {CHROMIUM} (apt-get install chromium)."
    )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def wait_for_formulas(page) -> None:
    """Espera as fórmulas ficarem prontas: do build na hora, ou tipografadas pelo MathJax do
    navegador (o build sem o Node, carregado só nas páginas com fórmula crua).

    ``docs/assets/mathjax-config.js`` marca o ``<html>`` com ``data-formulas`` ("prontas" ou
    "nenhuma"); a largura das fórmulas longas e as regiões que rolam são medidas no quadro
    seguinte, aos poucos, e ``docs/assets/js/acessivel.js`` marca ``data-regioes`` no fim (de
    novo a cada mudança de largura da janela).
    """
    page.wait_for_function("() => document.documentElement.dataset.formulas", timeout=120_000)
    page.evaluate(NEXT_FRAME_JS)
    page.wait_for_function("() => document.documentElement.dataset.regioes", timeout=120_000)


# Espera o navegador desenhar um quadro (dois requestAnimationFrame). O page.evaluate não tem
# prazo: num CI, o Chromium parou de desenhar uma página (CPU ociosa, nenhum quadro) e a espera
# durou 18 minutos. Com o prazo, a promessa resolve com false, e quem chama decide.
NEXT_FRAME_JS = """
() => new Promise(r => {
  setTimeout(() => r(false), 5000);
  requestAnimationFrame(() => requestAnimationFrame(() => r(true)));
})
"""


def draw_whole_page(page) -> None:
    """Desenha e mede a página inteira, como a primeira tecla Tab do leitor.

    Os blocos longe da tela chegam sem estilo nem layout (content-visibility); o
    ``docs/assets/js/acessivel.js`` desenha cada um quando chega perto da janela, e todos na
    primeira tecla Tab (as regiões que rolam precisam do tabindex antes de o Tab seguir). O axe
    lê cores e tamanhos do layout: num bloco ainda não desenhado ele inventava contraste (1,48:1
    num ``<summary>``). Medido assim, ele vê o que o leitor vê quando chega ao bloco.
    """
    wait_for_formulas(page)
    page.keyboard.press("Tab")
    page.wait_for_function(
        "() => document.documentElement.dataset.regioes === 'marcadas'", timeout=120_000
    )


# Texto visível da página sem código, saídas de células e fórmulas já tipografadas.
_VISIBLE_PROSE_JS = """
() => {
  const root = document.querySelector('.md-content').cloneNode(true);
  root.querySelectorAll('pre, code, script, style, mjx-container').forEach(e => e.remove());
  return root.innerText;
}
"""


@pytest.mark.parametrize("page_path", PAGES)
def test_page_in_browser(page_path: str, server: str, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    mathjax: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def check_request(request) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if host not in ("127.0.0.1", "localhost"):
            outside.append(request.url)
        if request.url.endswith("/tex-chtml.js"):
            mathjax.append(request.url)

    page.on("request", check_request)
    page.goto(server + page_path, wait_until="load")
    wait_for_formulas(page)
    page.evaluate(_LOAD_LAZY_IMAGES_JS)
    page.wait_for_load_state("networkidle")

    assert page.evaluate("document.documentElement.lang") == "pt-BR"
    assert not outside, f"requisições para fora de localhost: {outside}"
    assert not errors, f"erros no console: {errors}"

    broken = page.evaluate(
        "() => Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
        ".map(i => i.src.slice(0, 80))"
    )
    assert not broken, f"imagens que não carregaram: {broken}"

    alts = page.evaluate(
        "() => Array.from(document.querySelectorAll('.md-content img'))"
        ".map(i => i.getAttribute('alt') || '')"
    )
    bad_alts = [a for a in alts if not _portuguese_alt(a)]
    assert not bad_alts, f"imagens sem texto alternativo em português: {bad_alts[:5]}"

    has_formulas = page.evaluate("() => document.querySelectorAll('.arithmatex').length > 0")
    prose = page.evaluate(_VISIBLE_PROSE_JS)
    raw = re.findall(r"\$[^$\s][^$]{0,60}\$|\$\$|\\\(|\\\[", prose)
    assert not raw, f"fórmulas cruas na página: {raw[:5]}"
    if has_formulas:
        assert page.evaluate("document.querySelectorAll('mjx-container').length") > 0
    # As fórmulas chegam tipografadas do build (hooks/typeset_math.py): o MathJax nem é baixado.
    assert not mathjax, "a página baixou o MathJax para tipografar no navegador"
    context.close()


# As imagens dos capítulos têm loading="lazy": fora da tela, o navegador nem as pede. Para
# conferir todas, cada uma passa a "eager" e esperamos que carregue (ou falhe).
_LOAD_LAZY_IMAGES_JS = """
() => Promise.all(Array.from(document.images).map(img => {
  img.loading = 'eager';
  if (img.complete) return null;
  return new Promise(resolve => { img.onload = img.onerror = resolve; });
}))
"""

# Palavras que o texto alternativo de uma figura costuma ter em português; o texto padrão do
# renderizador antigo ("No description has been provided for this image") não passa.
_PORTUGUESE = re.compile(
    r"\b(?:de|da|do|das|dos|e|em|por|com|para|no|na|o|a|os|as|um|uma|figura|gráfico)\b"
    r"|[ãõçáéíóúâêô]",
    re.IGNORECASE,
)


def _portuguese_alt(alt: str) -> bool:
    return len(alt.strip()) >= 8 and "No description" not in alt and bool(_PORTUGUESE.search(alt))


CHAPTER_PAGES = [p for p in PAGES if p.startswith("capitulos/")]


@pytest.mark.parametrize("page_path", CHAPTER_PAGES)
def test_chapter_solutions_are_admonitions_with_code(page_path: str) -> None:
    html = (SITE / page_path).read_text(encoding="utf-8")
    solutions = re.findall(
        r'<details class="success">\s*<summary>Solução</summary>(.*?)</details>', html, re.DOTALL
    )
    assert len(solutions) >= 3, f"{page_path}: {len(solutions)} soluções recolhíveis"
    for body in solutions:
        assert "<pre>" in body and '<span class="kn">import</span>' in body, (
            f"{page_path}: solução sem o bloco de código realçado (o Markdown dela não foi lido)"
        )


def test_chapter_figures_are_separate_lazy_files() -> None:
    for page_path in CHAPTER_PAGES:
        html = (SITE / page_path).read_text(encoding="utf-8")
        assert "data:image/png" not in html, f"{page_path}: figura embutida no HTML"
        for tag in re.findall(r"<img\b[^>]*>", html):
            assert 'loading="lazy"' in tag, f"{page_path}: figura sem carregamento preguiçoso"


class _LinksAndIds(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key):
                self.ids.add(values[key])
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])


@functools.cache
def _parse(path: Path) -> _LinksAndIds:
    parser = _LinksAndIds()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _target_file(url_path: str) -> Path:
    target = SITE / unquote(url_path).lstrip("/")
    return target / "index.html" if url_path.endswith("/") or target.is_dir() else target


def test_internal_links_and_anchors_resolve() -> None:
    assert PAGES, "Site não construído."
    problems = []
    for page_path in PAGES:
        base = "http://site/" + page_path
        for href in _parse(SITE / page_path).links:
            url = urlparse(urljoin(base, href))
            if url.scheme not in ("http", "https") or url.hostname != "site":
                continue  # link externo (repositório, licença): não é carregado pelo leitor
            target = _target_file(url.path)
            if not target.is_file():
                problems.append(f"{page_path}: {href} → arquivo inexistente")
                continue
            if url.fragment and target.suffix == ".html":
                if unquote(url.fragment) not in _parse(target).ids:
                    problems.append(f"{page_path}: {href} → âncora inexistente")
    assert not problems, "\n".join(problems[:20])


def test_search_index_has_no_notebook_noise() -> None:
    docs = json.loads((SITE / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert any(d["location"].startswith("capitulos/01_recorrencia/") for d in docs)
    noisy = [
        d["location"]
        for d in docs
        if re.search(r"\b(?:In|Out)\W{0,2}\[\d*\]:|Copied!|Copiado!|Copy to", d["text"])
    ]
    assert not noisy, f"prompts de notebook no índice de busca: {noisy[:5]}"


def test_api_labels_are_in_portuguese() -> None:
    """Os rótulos do mkdocstrings nas páginas de API saem traduzidos (nada de ``classmethod``)."""
    labels: dict[str, set[str]] = {}
    for page_path in PAGES:
        if page_path.startswith("referencia/api/"):
            html = (SITE / page_path).read_text(encoding="utf-8")
            for kind, text in re.findall(r'doc-label-([\w-]+)"><code>([^<]*)</code>', html):
                labels.setdefault(kind, set()).add(text)
    assert {"classmethod", "dataclass", "module-attribute"} <= labels.keys()
    untranslated = {k: texts for k, texts in labels.items() if k in texts or not all(texts)}
    assert not untranslated, f"rótulos em inglês ou vazios: {untranslated}"
    assert labels["module-attribute"] == {"atributo do módulo"}


def test_titles_and_navigation_are_plain_text() -> None:
    """O título da aba e os itens da navegação são texto: nada de crases do Markdown.

    O título de um capítulo pode ter código (``2. O `nn.RNN` por dentro``, para a sigla RNN não
    sair sublinhada dentro do nome); a navegação e o ``<title>`` mostram o texto sem as crases.
    """
    if not SITE.is_dir():
        pytest.skip("site/ não foi construído")
    with_backticks = []
    for html in sorted(SITE.rglob("*.html")):
        text = html.read_text(encoding="utf-8")
        titles = re.findall(r"<title>(.*?)</title>", text, re.S)
        links = re.findall(r'<span class="md-ellipsis">(.*?)</span>', text, re.S)
        name = html.relative_to(SITE)
        with_backticks += [f"{name}: {t.strip()}" for t in titles + links if "`" in t]
    assert not with_backticks, with_backticks[:5]
