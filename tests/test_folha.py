"""A folha de consulta: contagens e formas conferidas com o PyTorch, e duas páginas impressas.

Sem o site: a fórmula de ``recorrente.shapes.parameter_count`` contra a contagem dos módulos
numa grade de configurações, e o hook ``hooks/cheat_sheet.py`` preenchendo todos os marcadores da
página. Com o site construído (marca ``site``): a folha impressa pelo Chromium ("Imprimir →
Salvar como PDF", como em ``test_impressao.py``) cabe em duas páginas, sozinha e dentro da
versão para imprimir do livro.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from torch import nn

from recorrente.errors import InputError
from recorrente.shapes import parameter_count

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hooks"))
import cheat_sheet as folha  # noqa: E402  (hooks/cheat_sheet.py)


@pytest.mark.parametrize(
    ("mode", "layers", "bidirectional", "bias", "proj"),
    [
        (mode, layers, bidirectional, bias, proj)
        for mode in ("RNN", "GRU", "LSTM")
        for layers, bidirectional, bias in itertools.product(
            (1, 2, 3), (False, True), (True, False)
        )
        for proj in ((0, 3) if mode == "LSTM" else (0,))
    ],
)
def test_parameter_count_matches_torch(mode, layers, bidirectional, bias, proj) -> None:
    extra = {"proj_size": proj} if proj else {}
    module = getattr(nn, mode)(6, 8, layers, bias=bias, bidirectional=bidirectional, **extra)
    expected = sum(p.numel() for p in module.parameters())
    assert parameter_count(mode, 6, 8, layers, bidirectional, bias, proj) == expected


def test_parameter_count_rejects_bad_modes() -> None:
    with pytest.raises(InputError, match="RNN, GRU ou LSTM"):
        parameter_count("TRANSFORMER", 1, 1)
    with pytest.raises(InputError, match="só existe na LSTM"):
        parameter_count("GRU", 1, 4, proj_size=2)


def test_hook_fills_every_marker_of_the_page() -> None:
    source = (ROOT / "docs" / "referencia" / "folha.md").read_text(encoding="utf-8")
    markers = set(folha._MARKER.findall(source))
    assert markers == {"formas", "classificacao", "parametros"}
    page = SimpleNamespace(file=SimpleNamespace(src_uri=folha.PAGE))
    filled = folha.on_page_markdown(source, page, None, None)
    assert "<!-- folha:" not in filled
    assert "| lote, batch_first=True | `(N, T, I)` | `(L·D, N, H)` |" in filled
    assert "| proj_size=P, sem lote | `(T, I)` | `(L·D, P)` | `(L·D, H)` |" in filled
    assert "`torch.cat([h_n[-2], h_n[-1]], dim=-1)`" in filled
    assert "5.840" in filled  # a LSTM com projeção da tabela de contagem, com ponto de milhar
    other = SimpleNamespace(file=SimpleNamespace(src_uri="index.md"))
    assert folha.on_page_markdown(source, other, None, None) == source


# --- impressa ------------------------------------------------------------------------------------


def _print(url: str) -> list[str]:
    from test_impressao import print_to_pdf

    with tempfile.TemporaryDirectory() as tmp:
        return [page.extract_text() for page in print_to_pdf(url, Path(tmp)).pages]


@pytest.mark.site
def test_cheat_sheet_prints_on_two_pages(server: str) -> None:
    pages = _print(f"{server}referencia/folha/")
    assert "Folha de consulta" in pages[0]
    assert "(L·D, N, H)" in "".join(pages)
    assert len(pages) <= 2, f"a folha de consulta impressa tem {len(pages)} páginas"


@pytest.mark.site
def test_cheat_sheet_takes_two_pages_in_the_printed_book(pages_text: list[str]) -> None:
    pages = pages_text
    # A folha começa numa página nova, logo depois do último capítulo; o glossário vem depois.
    start = next(i for i, t in enumerate(pages) if i > 1 and "Folha de consulta" in t)
    end = next(i for i, t in enumerate(pages) if i > start and "Glossário" in t)
    assert end - start <= 2, f"a folha ocupa as páginas {start + 1} a {end} do livro impresso"
