"""O livro em PDF, com o número da página de cada capítulo no sumário.

A versão para imprimir (``print_page/``, do plugin print-site) vira PDF no navegador, mas o
sumário sai sem números: o Chromium não tem o ``target-counter()`` do CSS, que escreveria a
página de um link. Este passo faz o PDF do livro em duas passadas do Chromium headless, o mesmo
``--print-to-pdf`` de "Imprimir → Salvar como PDF":

1. serve o site construído e imprime a página; o Chromium grava cada link interno como uma
   anotação ``/Link`` com um destino nomeado (o ``id`` do alvo), e o pypdf diz em que página
   cai o destino de cada link do sumário;
2. serve a mesma página com esses números (o atributo ``data-pagina`` nos links do sumário, que
   o ``docs/assets/recorrente.css`` desenha à direita, depois de um pontilhado) e imprime de
   novo. O espaço do número já estava reservado na primeira passada (os links levam
   ``data-pagina=""``), então nenhuma linha muda de altura e a paginação fica igual; o passo
   confere isso lendo os destinos outra vez. Se algum mudou, imprime mais uma vez com os
   números novos, até :data:`MAX_PASSES`; se ainda não bater, é um erro.

Os links para páginas do site que não estão na impressão (a API, os notebooks) apontam para o
site publicado (``recorrente_build.addresses``), não para o servidor local da impressão.
``python scripts/paginas.py --pdf`` grava ``site/recorrente.pdf`` (num arquivo temporário,
renomeado no fim: nunca um PDF pela metade) e só então põe o link "Baixar o PDF" na página de
impressão; um build sem esse passo (sem o Chromium, o ``mkdocs serve``, o Zensical) não tem o
link.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import http.server
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pypdf

from recorrente.formatting import num
from recorrente_build.addresses import from_environment
from recorrente_build.files import write_if_changed
from recorrente_build.settings import COMMAND, ROOT, relative

CHROMIUM = os.environ.get("RECORRENTE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SITE = ROOT / "site"
PRINT_PAGE = Path("print_page") / "index.html"
PDF_NAME = "recorrente.pdf"
MAX_PASSES = 3
PRINT_TIMEOUT = 600  # segundos por passada; medido de 16 a 153 s em 2 núcleos disputados
_SIDEBAR_TOC = re.compile(r'<div class="md-sidebar md-sidebar--secondary".*?</nav>\s*</div>', re.S)
_TOC_LINK = re.compile(r'<a href="#([^"]+)"(?: data-pagina="[^"]*")?')
_SITE_LINK = re.compile(r'(<a\b[^>]*?\shref=")\.\./')
_DOWNLOAD = re.compile(r"(<!-- pdf -->).*?(<!-- /pdf -->)", re.S)
# Uma página de impressão mínima, para os exemplos: um link para o site e o índice lateral.
EXAMPLE = (
    '<a href="../x/">x</a><div class="md-sidebar md-sidebar--secondary"><nav><ul>'
    '<li><a href="#a">A</a><nav><a href="#b">B</a></nav></li>'
    '<li><a href="../api/">API</a></li></ul></nav>\n</div>'
)


class PdfError(RuntimeError):
    """O PDF do livro não saiu: a mensagem diz por quê e o que fazer."""


def _sidebar_toc(html: str) -> re.Match[str]:
    """O índice da barra lateral secundária, de onde o print-site copia o sumário no navegador."""
    sidebar = _SIDEBAR_TOC.search(html)
    if sidebar is None:
        raise PdfError(
            "a página de impressão não tem o índice de onde o print-site copia o sumário; "
            "ela foi construída com o plugin print-site (mkdocs build)?"
        )
    return sidebar


def toc_targets(html: str) -> list[str]:
    """Os destinos (``id``) dos links do sumário, na ordem do sumário.

    Exemplo:
        >>> toc_targets(EXAMPLE)
        ['a', 'b']
    """
    return _TOC_LINK.findall(_sidebar_toc(html)[0])


def with_page_numbers(html: str, numbers: Mapping[str, int], site_url: str) -> str:
    """A página de impressão como a passada a imprime: cada link do sumário com o número da
    página do seu destino (vazio onde ainda não se sabe) e os links para o site absolutos.

    Exemplo:
        >>> html = with_page_numbers(EXAMPLE, {"a": 7}, "https://s/")
        >>> re.findall(r'data-pagina="[^"]*"|href="[^#"]+"', html)
        ['href="https://s/x/"', 'data-pagina="7"', 'data-pagina=""', 'href="https://s/api/"']
    """
    sidebar = _sidebar_toc(html)
    numbered = _TOC_LINK.sub(
        lambda m: f'<a href="#{m[1]}" data-pagina="{numbers.get(m[1], "")}"', sidebar[0]
    )
    html = html[: sidebar.start()] + numbered + html[sidebar.end() :]
    return _SITE_LINK.sub(rf"\g<1>{site_url}", html)


def destination_pages(reader: pypdf.PdfReader, targets: list[str]) -> dict[str, int]:
    """A página (contando de 1, como o rodapé "Página N") em que cai cada destino.

    Levanta:
        PdfError: o Chromium não gravou o destino de algum link do sumário.
    """
    found = reader.named_destinations
    missing = [t for t in targets if f"/{t}" not in found and t not in found]
    if missing:
        raise PdfError(
            f"o PDF não tem o destino dos links do sumário {', '.join(missing[:5])}; esta "
            "versão do Chromium não grava os links internos como destinos?"
        )
    return {
        t: reader.get_destination_page_number(found.get(f"/{t}") or found[t]) + 1 for t in targets
    }


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serve o site e, no endereço da página de impressão, a versão da passada."""

    def __init__(self, *args, page: bytes, **kwargs) -> None:
        self.page = page
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        if self.path.split("?")[0] in ("/print_page/", "/print_page/index.html"):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(self.page)))
            self.end_headers()
            self.wfile.write(self.page)
        else:
            super().do_GET()

    def log_message(self, *args) -> None:  # sem uma linha por arquivo pedido
        pass


@contextlib.contextmanager
def _serving(site: Path, page: str) -> Iterator[str]:
    """O site em ``http://127.0.0.1:<porta>/``, com ``page`` no lugar da página de impressão."""
    handler = functools.partial(_Handler, directory=str(site), page=page.encode())
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def print_to_pdf(url: str, output: Path, folder: Path, timeout: float = PRINT_TIMEOUT) -> None:
    """Imprime ``url`` em ``output`` com o Chromium headless (``folder``: o perfil, descartável).

    O ``--virtual-time-budget`` deixa os scripts da página (o sumário do print-site, as
    fórmulas) terminarem antes da impressão. Um Ctrl-C (ou erro) encerra o Chromium e os
    processos filhos dele.

    Levanta:
        PdfError: o Chromium não existe, falhou ou passou de ``timeout`` segundos.
    """
    command = [
        CHROMIUM,
        *CHROMIUM_ARGS,
        f"--user-data-dir={folder / 'perfil'}",
        "--virtual-time-budget=30000",
        "--no-pdf-header-footer",
        "--generate-pdf-document-outline",
        f"--print-to-pdf={output}",
        url,
    ]
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            start_new_session=True,  # o grupo inteiro (renderizadores inclusive) morre junto
        )
    except OSError as error:
        raise PdfError(
            f"não consegui abrir o Chromium em {CHROMIUM} ({error.strerror}); instale-o "
            "(sudo apt-get install -y chromium) ou aponte RECORRENTE_CHROMIUM para ele"
        ) from None
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise PdfError(f"o Chromium não terminou a impressão em {timeout:.0f} s") from None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    if process.returncode != 0 or not output.is_file() or output.stat().st_size == 0:
        last = (errors or "").strip().splitlines()[-3:]
        raise PdfError(
            f"o Chromium saiu com o código {process.returncode} sem gravar o PDF"
            + (": " + " / ".join(last) if last else "")
        )


@dataclasses.dataclass(frozen=True)
class BookPdf:
    """O que saiu: o número de páginas, a página de cada destino do sumário e os segundos de
    cada passada."""

    pages: int
    numbers: dict[str, int]
    seconds: list[float]


def make_book_pdf(
    site: Path,
    output: Path,
    site_url: str | None = None,
    report: Callable[[str], None] = print,
) -> BookPdf:
    """Imprime o livro de ``site`` em ``output``, com os números de página no sumário.

    Parâmetros:
        site: a pasta do site construído (``mkdocs build``).
        output: o PDF; só aparece, inteiro, quando tudo deu certo.
        site_url: para onde apontam os links a páginas fora da impressão (padrão: o endereço
            publicado, de ``GITHUB_REPOSITORY``).
        report: recebe uma linha por etapa.

    Levanta:
        PdfError: sem a página de impressão, sem o Chromium, ou a paginação não assentou em
            :data:`MAX_PASSES` passadas.
    """
    page = site / PRINT_PAGE
    if not page.is_file():
        raise PdfError(
            f"{relative(page)} não existe; construa o site antes (mkdocs build) e rode "
            f"python {COMMAND} --pdf de novo"
        )
    html = page.read_text(encoding="utf-8")
    targets = toc_targets(html)
    site_url = site_url or from_environment().site_url
    output.parent.mkdir(parents=True, exist_ok=True)
    numbers: dict[str, int] = {}
    seconds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="recorrente-pdf-") as tmp:
        folder = Path(tmp)
        for number in range(1, MAX_PASSES + 1):
            printed = folder / f"passada-{number}.pdf"
            report(f"PDF: passada {number}, o Chromium imprime o livro...")
            start = time.monotonic()
            with _serving(site, with_page_numbers(html, numbers, site_url)) as url:
                print_to_pdf(f"{url}print_page/", printed, folder)
            seconds.append(time.monotonic() - start)
            reader = pypdf.PdfReader(printed)
            found = destination_pages(reader, targets)
            report(
                f"PDF: passada {number} em {seconds[-1]:.0f} s, {len(reader.pages)} páginas; "
                f"{len(found)} entradas do sumário"
            )
            if found == numbers:
                write_if_changed(output, printed.read_bytes())  # atômico: nunca pela metade
                return BookPdf(len(reader.pages), found, seconds)
            moved = [t for t in found if numbers and numbers.get(t) != found[t]]
            if moved:
                report(f"PDF: {len(moved)} entradas mudaram de página; mais uma passada")
            numbers = found
    raise PdfError(
        f"a paginação do PDF não assentou em {MAX_PASSES} passadas: os números do sumário "
        "mudam a altura de alguma linha (confira o CSS do sumário em docs/assets/recorrente.css)"
    )


def with_download_link(html: str, pdf: BookPdf, size: int) -> str:
    """A página de impressão com o link "Baixar o PDF" entre os marcadores ``<!-- pdf -->`` e
    ``<!-- /pdf -->`` da capa (``templates/capa.tpl``); o link some no papel (``so-tela``).

    Exemplo:
        >>> html = with_download_link("<p>Capa</p><!-- pdf --><!-- /pdf -->",
        ...                           BookPdf(200, {}, []), 12_400_000)
        >>> re.sub(r"<[^>]+>", "", html)[:46]
        'CapaBaixar o PDF pronto (200 páginas, 12,4 MB)'
    """
    link = (
        f'<p class="so-tela"><a href="../{PDF_NAME}" download>Baixar o PDF</a> pronto '
        f"({pdf.pages} páginas, {num(size / 1e6, 1)} MB), com o número da página de cada "
        "capítulo no sumário, que o PDF salvo pelo navegador não tem.</p>"
    )
    result, count = _DOWNLOAD.subn(lambda m: m[1] + link + m[2], html, count=1)
    if not count:
        raise PdfError(
            "a página de impressão não tem os marcadores <!-- pdf --><!-- /pdf --> da capa "
            "(templates/capa.tpl), onde vai o link para o PDF"
        )
    return result


def publish(site: Path = SITE, report: Callable[[str], None] = print) -> Path:
    """``python scripts/paginas.py --pdf``: grava ``site/recorrente.pdf`` e põe o link para ele
    na página de impressão.
    """
    output = site / PDF_NAME
    start = time.monotonic()
    pdf = make_book_pdf(site, output, report=report)
    size = output.stat().st_size
    page = site / PRINT_PAGE
    write_if_changed(page, with_download_link(page.read_text(encoding="utf-8"), pdf, size))
    report(
        f"PDF: {relative(output)} ({pdf.pages} páginas, {num(size / 1e6, 1)} MB) em "
        f"{time.monotonic() - start:.0f} s; o link está na página de impressão"
    )
    return output
