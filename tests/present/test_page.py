"""The HTML pages' templates (model.present.page): text escaped, trusted fragments kept, templates shipped."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from model.present import page

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "model" / "present" / "templates"
HOSTILE = "Rosstat's \"<b>\" & <script>alert(1)</script>"


def macros():
    return page.environment().get_template("macros.html").module


def test_text_is_escaped_and_only_markup_passes_as_it_is():
    html = str(macros().table(["key", HOSTILE], [[HOSTILE, Markup("<em>kept</em>")]], caption=HOSTILE,
                              numeric=(1,), classes="registry"))
    assert "<script>" not in html and "<b>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3  # header, cell, caption
    assert "Rosstat&#39;s &#34;&lt;b&gt;&#34; &amp;" in html
    assert "<em>kept</em>" in html and '<table class="registry">' in html


def test_numeric_columns_are_right_aligned_and_row_headers_are_th():
    html = str(macros().table(["", "a", "b"], [["row", "1", "2"]], numeric=(1, 2), row_headers=True))
    assert '<tr><th>row</th><td class="num">1</td><td class="num">2</td></tr>' in html
    assert '<th class="num">a</th>' in html and "<th></th>" in html


def test_figures_embed_their_source_and_escape_their_caption():
    html = str(macros().figure("data:image/png;base64,AAAA", "alt & text", HOSTILE))
    assert '<img src="data:image/png;base64,AAAA" alt="alt &amp; text">' in html
    assert "<figcaption>Rosstat&#39;s" in html


@pytest.mark.parametrize("text, expected", [
    ("high_intensity", "high_<wbr>intensity"),
    ("a_<b>", "a_<wbr>&lt;b&gt;"),
    ("plain", "plain"),
])
def test_breakable_escapes_and_may_wrap_after_underscores(text, expected):
    assert page.breakable(text) == Markup(expected)


def test_halves_escapes_and_may_wrap_in_the_middle():
    assert page.halves("c63c0bbac38c") == Markup("c63c0b<wbr>bac38c")
    assert page.halves("<&>") == Markup("&lt;<wbr>&amp;&gt;")


def test_an_undefined_name_is_an_error_not_blank_text():
    with pytest.raises(jinja2.UndefinedError):
        page.environment().from_string("{{ nonesuch }}").render()


def test_every_template_is_shipped_as_package_data():
    """``pip install .`` copies only what ``package-data`` lists: a template left out would fail at report time."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    patterns = config["model.present"] + config.get("*", [])
    files = [p.relative_to(TEMPLATES.parent).as_posix() for p in TEMPLATES.iterdir() if p.is_file()]
    assert files and all(any(fnmatch.fnmatch(f, pattern) for pattern in patterns) for f in files), files
    assert set(page.environment().list_templates()) == {Path(f).name for f in files}
