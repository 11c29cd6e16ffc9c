"""Self-contained HTML: escaped text, tables, embedded figures and a printable page.

Everything a page needs travels inside it: figures as base64 PNG data URIs,
the stylesheet inline, no scripts and no fonts to fetch, so it opens offline
and prints as it shows. Text is escaped unless it is :class:`Markup`, so
registry prose (quotes with ``&``, ``<``, apostrophes) can be passed as is.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence

import matplotlib.pyplot as plt

#: Figure resolution in the page (dots per inch): sharp on screen and in print, a few hundred kB a figure.
DPI = 110

#: Elements after which the source breaks its line, so that the page reads (and diffs) line by line.
BLOCKS = frozenset({"html", "head", "title", "style", "body", "header", "footer", "section", "div", "h1", "h2", "h3",
                    "p", "table", "caption", "thead", "tbody", "tr", "figure", "figcaption"})

STYLE = """
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 15px; line-height: 1.5;
       color: #1a1a1a; background: #fff; max-width: 1120px; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.7rem; margin: 0.2rem 0 0.6rem; line-height: 1.25; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #1a1a1a; padding-bottom: 0.2rem; margin-top: 2.4rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.3rem; }
p, li { max-width: 80ch; }
.lead { font-size: 1.08rem; }
.muted { color: #555; }
.small { font-size: 0.82rem; }
.stamp { font-size: 0.8rem; color: #333; background: #f3f3f3; border: 1px solid #ccc; padding: 0.5rem 0.8rem; }
.stamp code { overflow-wrap: anywhere; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.84rem; width: 100%; }
caption { caption-side: top; text-align: left; font-size: 0.85rem; color: #444; padding-bottom: 0.3rem; }
th, td { border: 1px solid #999; padding: 0.22rem 0.4rem; vertical-align: top; text-align: left; }
thead th { background: #e8e8e8; }
tbody th { background: #f6f6f6; font-weight: 600; }
tbody tr:nth-child(even) td { background: #fafafa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.unit { font-weight: normal; color: #555; font-size: 0.9em; }
table.compact { font-size: 0.78rem; }
table.compact th, table.compact td { padding: 0.18rem 0.3rem; }
table.registry { font-size: 0.74rem; }
table.registry td { overflow-wrap: break-word; }
table.registry td:first-child { width: 24%; }
table.registry td:last-child { width: 36%; }
table.registry a { word-break: break-all; }
figure { margin: 1.2rem 0; break-inside: avoid; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.8rem; color: #444; margin-top: 0.3rem; }
.scenario { break-inside: avoid; }
.scenario p.description { font-style: italic; color: #444; margin: 0 0 0.3rem; }
.scenario h3 { margin-bottom: 0.1rem; }
a { color: #0b4f8a; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  tr, .stamp { break-inside: avoid; }
  table.compact { font-size: 7.5pt; }
  table.compact td.num { white-space: normal; }
  table.registry { font-size: 8pt; }
  #appendix { break-before: page; }
  a { color: inherit; text-decoration: none; }
}
"""


class Markup(str):
    """Text that is already HTML and must not be escaped again."""


def escape(value: object) -> Markup:
    """``value`` as HTML: :class:`Markup` as it is, anything else as escaped text."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def join(parts: Iterable[object], separator: str = "") -> Markup:
    """Parts escaped and joined (``separator`` is HTML)."""
    return Markup(separator.join(escape(p) for p in parts))


def breakable(text: str) -> Markup:
    """Escaped text that may wrap after underscores (long identifiers in narrow table headers)."""
    return Markup(escape(text).replace("_", "_<wbr>"))


def tag(name: str, *content: object, **attributes: str) -> Markup:
    """An element with escaped content; ``class_`` stands for ``class``; block elements end their line."""
    attrs = "".join(f' {k.rstrip("_")}="{escape(v)}"' for k, v in attributes.items() if v)
    end = "\n" if name in BLOCKS else ""
    return Markup(f"<{name}{attrs}>{join(content)}</{name}>{end}")


def link(url: str, text: str | None = None) -> Markup:
    """A link to ``url`` (shown as its own text by default), or the plain text if it is not http(s)."""
    if not url.startswith(("https://", "http://")):
        return escape(text or url)
    return tag("a", text or url, href=url)


def table(header: Sequence[object], rows: Iterable[Sequence[object]], caption: str = "", numeric: Sequence[bool] = (),
          class_: str = "", row_headers: bool = False) -> Markup:
    """A bordered table; ``numeric[i]`` right-aligns column ``i``; ``row_headers`` makes the first cell a ``th``."""
    def cell(i: int, value: object, head: bool = False) -> Markup:
        number = "num" if i < len(numeric) and numeric[i] else ""
        return tag("th" if head or (row_headers and i == 0) else "td", value, class_=number)

    head = tag("thead", tag("tr", *(cell(i, h, head=True) for i, h in enumerate(header))))
    body = tag("tbody", *(tag("tr", *(cell(i, v) for i, v in enumerate(row))) for row in rows))
    return tag("table", tag("caption", caption) if caption else "", head, body, class_=class_)


def png_data_uri(fig: plt.Figure, dpi: int = DPI) -> str:
    """A matplotlib figure as a ``data:image/png;base64,...`` URI; the figure is closed."""
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=dpi)
    finally:
        plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure(fig: plt.Figure, alt: str, caption: object) -> Markup:
    """A figure embedded in the page, with its caption."""
    return tag("figure", Markup(f'<img src="{png_data_uri(fig)}" alt="{escape(alt)}">'), tag("figcaption", caption))


def section(anchor: str, title: str, *content: object) -> Markup:
    """A titled section with an ``id`` to link to."""
    return tag("section", tag("h2", title), *content, id=anchor)


def page(title: str, *content: object) -> str:
    """A complete HTML document with the inline stylesheet."""
    head = Markup('<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">')
    return "<!DOCTYPE html>\n" + tag("html", tag("head", head, tag("title", title), tag("style", Markup(STYLE))),
                                     tag("body", *content), lang="en") + "\n"
