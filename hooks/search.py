"""O que a busca do Material indexa: fórmulas legíveis na prévia e a API depois dos capítulos.

- **Fórmulas.** O índice guarda o HTML de cada seção, e uma fórmula nele é o TeX da arithmatex
  (``\\(f_t > 0{,}9\\)``), que a prévia do resultado mostrava cru. Depois que o plugin escreve o
  ``search/search_index.json``, cada fórmula do texto e dos títulos vira texto simples
  (``f_t > 0,9``, ``σ``, ``⊙``): legível na prévia e ainda achável pelas letras.
- **Peso das páginas da API.** Uma página da referência da API repete um nome
  (``batch_first``) em cada assinatura e ganhava da seção do capítulo que o explica. Com peso
  ``0,5``, ela continua achável pelos nomes que só ela tem, mas fica atrás do capítulo.

As palavras vazias da consulta ("de", "a", "para"...) saem no navegador, em
``docs/assets/js/search.js``: o Material busca cada palavra como prefixo (``de*`` acha
``dentro``), e lá o filtro de palavras vazias do lunr não roda.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

API_BOOST = 0.5

_SYMBOLS = {
    "partial": "∂", "odot": "⊙", "sigma": "σ", "tau": "τ", "top": "ᵀ", "cdot": "·",
    "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "approx": "≈", "in": "∈",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "Delta": "Δ", "lambda": "λ",
    "phi": "φ", "theta": "θ", "mu": "μ", "epsilon": "ε", "ell": "ℓ", "infty": "∞", "ne": "≠",
    "to": "→", "leftarrow": "←", "rightarrow": "→", "propto": "∝", "sum": "∑", "prod": "∏",
    "sqrt": "√", "dots": "…", "ldots": "…", "cdots": "⋯", "mid": "|", "lvert": "|",
    "rvert": "|", "lVert": "‖", "rVert": "‖",
}  # fmt: skip
_SPACES = {",", ";", ":", "!", "quad", "qquad", "\\"}
_MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.DOTALL)
_FRAC = re.compile(r"\\frac\{([^{}]*)\}\{([^{}]*)\}")
_ENVIRONMENT = re.compile(r"\\(?:begin|end)\{[^{}]*\}")
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")


def _command(match: re.Match[str]) -> str:
    name = match[1]
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    if name in _SPACES:
        return " "
    if name in "{}_^%&$#":
        return name
    # \tanh, \ln, \max: o próprio nome; \mathrm, \text, \hat, \left: só o conteúdo.
    return name if name in {"tanh", "ln", "log", "exp", "max", "min"} else ""


def tex_to_text(tex: str) -> str:
    """Uma fórmula TeX em texto simples, para a prévia da busca.

    Exemplo:
        >>> tex_to_text(r"f_t > 0{,}9")
        'f_t > 0,9'
        >>> tex_to_text(r"h_t = \\tanh(W_{xh} x_t + b) \\odot \\sigma(z)")
        'h_t = tanh(W_xh x_t + b) ⊙ σ(z)'
        >>> tex_to_text(r"\\frac{\\partial L}{\\partial h_t} \\approx \\mathrm{0{,}5}")
        '∂ L/∂ h_t ≈ 0,5'
    """
    text = tex.replace("{,}", ",")
    text = _ENVIRONMENT.sub(" ", text)
    while _FRAC.search(text):
        text = _FRAC.sub(r"\1/\2", text)
    text = _COMMAND.sub(_command, text)
    text = re.sub(r"(?<!\\)[{}]", "", text)
    return " ".join(text.split())


def plain_formulas(html: str) -> str:
    """Troca cada fórmula ``\\(...\\)`` ou ``\\[...\\]`` do HTML indexado pelo seu texto.

    Exemplo:
        >>> plain_formulas(r"a porta \\(f_t\\) passa de \\(0{,}9\\)")
        'a porta f_t passa de 0,9'
    """
    return _MATH.sub(lambda m: tex_to_text(m[1] if m[1] is not None else m[2]), html)


def on_page_markdown(markdown: str, page: Page, **kwargs) -> str:
    if page.file.src_uri.startswith("referencia/api/"):
        page.meta.setdefault("search", {}).setdefault("boost", API_BOOST)
    return markdown


def on_post_build(config: MkDocsConfig, **kwargs) -> None:
    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for field in ("title", "text"):
            doc[field] = plain_formulas(doc[field])
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")
