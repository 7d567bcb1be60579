"""O que hooks/theme_palette.py tira do tema, e o aviso quando uma versão nova do tema muda."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hooks"))
import theme_palette  # noqa: E402

_BUNDLE = 'a();let o=x("meta",{name:"color-scheme"});document.head.appendChild(o);o.content="y"'


def _site(tmp_path: Path, css: str, js: str) -> Path:
    (tmp_path / "assets" / "stylesheets").mkdir(parents=True)
    (tmp_path / "assets" / "javascripts").mkdir(parents=True)
    (tmp_path / "assets" / "stylesheets" / "palette.abc.min.css").write_text(css)
    (tmp_path / "assets" / "stylesheets" / "palette.abc.min.css.map").write_text("{}")
    (tmp_path / "assets" / "javascripts" / "bundle.abc.min.js").write_text(js)
    return tmp_path


def test_both_pieces_leave_the_built_theme_and_the_bundle_keeps_its_size(tmp_path, caplog):
    site = _site(tmp_path, "a{b:c}" + theme_palette.SWITCHING_RULE, _BUNDLE)
    with caplog.at_level(logging.WARNING):
        theme_palette.on_post_build({"site_dir": str(site)})
    assert not caplog.records
    css = (site / "assets" / "stylesheets" / "palette.abc.min.css").read_text()
    js = (site / "assets" / "javascripts" / "bundle.abc.min.js").read_text()
    assert css == "a{b:c}"
    assert "color-scheme" not in js and len(js) == len(_BUNDLE) and 'o.content="y"' in js
    assert (site / "assets" / "stylesheets" / "palette.abc.min.css.map").read_text() == "{}"


def test_a_changed_theme_warns_and_leaves_the_files_alone(tmp_path, caplog):
    site = _site(tmp_path, "a{b:c}", "a();b()")
    with caplog.at_level(logging.WARNING):
        theme_palette.on_post_build({"site_dir": str(site)})
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2, messages
    assert "[data-md-color-switching]" in messages[0] and "palette.abc.min.css" in messages[0]
    assert 'color-scheme">' in messages[1] and "bundle.abc.min.js" in messages[1]
    assert (site / "assets" / "javascripts" / "bundle.abc.min.js").read_text() == "a();b()"


def test_a_site_without_the_theme_files_warns(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        theme_palette.on_post_build({"site_dir": str(tmp_path)})
    assert len(caplog.records) == 2
    assert all("Não encontrei" in r.getMessage() for r in caplog.records)
