"""O ``mkdocs.yml`` lido pelos testes, num lugar só."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


class _IgnoreTagsLoader(yaml.SafeLoader):
    """Lê o ``mkdocs.yml`` sem executar etiquetas como ``!!python/name`` ou ``!ENV``."""


_IgnoreTagsLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@functools.cache
def mkdocs_config() -> dict:
    """O ``mkdocs.yml`` como dicionário (sem as etiquetas, que viram ``None``)."""
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), _IgnoreTagsLoader)
