"""Copia o MathJax 3 de um pacote do PyPI para o site construído.

O pacote ``django-static-mathjax`` traz o MathJax 3.2.2 em
``mathjax/static/mathjax/es5``. Copiamos esse diretório para
``site/assets/mathjax`` a cada build, em vez de guardar arquivos de terceiros no
repositório ou depender de uma CDN na hora da leitura.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import mathjax


def _source() -> Path:
    root = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (root / "tex-chtml.js").is_file():
        raise FileNotFoundError(
            f"MathJax não encontrado em {root}; instale o extra [docs] (django-static-mathjax)."
        )
    return root


# Só o necessário para TeX → CHTML: sem o motor de fala (sre), sem SVG/MathML.
_IGNORED = shutil.ignore_patterns(
    "*.md",
    "sre",
    "latest.js",
    "node-main.js",
    "*-full*.js",
    "mml-*.js",
    "tex-svg*.js",
    "tex-mml-*.js",
    "svg",
)


def on_post_build(config, **kwargs) -> None:
    target = Path(config["site_dir"]) / "assets" / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(_source(), target, ignore=_IGNORED)
