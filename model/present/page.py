"""Self-contained HTML pages from the Jinja2 templates in ``model/present/templates``.

Everything a page needs travels inside it: figures as base64 PNG data URIs
(:func:`png_data_uri`), the stylesheet inline, no scripts and no fonts to fetch,
so it opens offline and prints as it shows. The templates escape every value
(autoescape): registry prose with ``&``, ``<`` or apostrophes is passed as it
is; only :class:`markupsafe.Markup` built by the filters below goes in unescaped.
"""

from __future__ import annotations

import base64
import io
from functools import cache

import matplotlib.pyplot as plt
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..results.io import png_metadata

#: Figure resolution in the page (dots per inch): sharp on screen and in print, a few hundred kB a figure.
DPI = 110
#: Break opportunity: where a long word may wrap in a narrow column.
WBR = Markup("<wbr>")


def png_data_uri(fig: plt.Figure, dpi: int = DPI) -> str:
    """A matplotlib figure as a ``data:image/png;base64,...`` URI, its settings and digests in the PNG's text chunks
    (:func:`model.results.io.png_metadata`); the figure is closed."""
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=dpi, metadata=png_metadata(fig))
    finally:
        plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def breakable(text: str) -> Markup:
    """Escaped text that may wrap after underscores (long identifiers in narrow table headers)."""
    return (Markup("_") + WBR).join(str(text).split("_"))


def halves(text: str) -> Markup:
    """Escaped text that may wrap in its middle (a digest in a narrow printed column)."""
    middle = len(text) // 2
    return WBR.join([text[:middle], text[middle:]])


def grouped(number: int) -> str:
    """An integer with thousands separators: 2,000."""
    return f"{number:,}"


@cache
def environment() -> Environment:
    """The templates' environment: autoescaped, and an undefined name is an error rather than blank text."""
    env = Environment(loader=PackageLoader("model.present", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(breakable=breakable, halves=halves, grouped=grouped)
    return env


def render(template: str, **context: object) -> str:
    """The template ``template`` (a file name in ``templates/``) filled with ``context``."""
    return environment().get_template(template).render(**context)
