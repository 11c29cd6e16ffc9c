"""One look for every figure: fonts, colours, sizes, the footer and what a PNG carries besides its pixels.

Each figure function is drawn inside :func:`styled` with a :class:`Medium`, the page it is made for:

- :data:`SLIDE`: 13.33 × 7.5 inches, a 16:9 slide at its own size (PowerPoint's default), text 12–18 pt; scaled to
  the width of an A4 page it still reads at 7–9 pt;
- :data:`A4` and :data:`HALF_A4`: a portrait page's text block (7.5 inches wide) and half of it, text 8–12 pt
  printed at about its size.

Colours are Okabe and Ito's (https://jfly.uni-koeln.de/color/), distinguishable by the common kinds of colour
blindness; since several of them have the same grey, every series also differs by line style and marker
(:func:`scenario_styles`) or by hatch (:data:`SOURCE_STYLE`), so a figure survives a black-and-white printer.

A figure's in-image text is for people: titles, units, a footer of at most :data:`FOOTER_LINES` lines naming each
source once (:func:`footer`). Parameter digests, seeds, the model version and the command go into the PNG's text
chunks instead (:func:`attach_metadata`, written by :func:`model.results.io.save_figure` and
:func:`model.present.page.png_data_uri`); read them back with ``PIL.Image.open(path).text``.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt

from .._version import __version__
from ..results.io import FIGURE_METADATA

# Okabe-Ito.
BLACK, ORANGE, SKY_BLUE, GREEN = "#000000", "#E69F00", "#56B4E9", "#009E73"
YELLOW, BLUE, VERMILLION, PURPLE = "#F0E442", "#0072B2", "#D55E00", "#CC79A7"
GREY = "#999999"
#: Text that is not the point of a figure (footers, notes).
QUIET = "#444444"

#: The style file every figure is drawn with (colours, line styles, fonts relative to the body size, no axis
#: offsets); at the package's root, so the calibration report below this layer reads it too.
STYLE_FILE = Path(__file__).resolve().parents[1] / "manpower.mplstyle"


@cache
def _style_file() -> dict:
    return dict(matplotlib.rc_params_from_file(STYLE_FILE, use_default_template=False))


#: Line colours and styles in the order series take them (the style file's cycle; yellow left out: too faint for
#: a line on white). Markers (:data:`MARKERS`): any two of the first 14 series differ by marker, and consecutive
#: ones by line style too, whatever their colours look like in grey.
COLOURS = tuple(_style_file()["axes.prop_cycle"].by_key()["color"])
LINESTYLES = tuple(_style_file()["axes.prop_cycle"].by_key()["linestyle"])
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">", "p", "d", "8")

#: Colour and hatch per recruitment source: readable in colour, for colour-blind readers and in black and white.
SOURCE_STYLE = {
    "volunteer": (BLUE, ""),
    "mobilized": (ORANGE, "//"),
    "prisoner": (VERMILLION, "xx"),
    "migrant": (PURPLE, ".."),
    "foreign": (GREEN, "\\\\"),
    "dprk": (SKY_BLUE, "++"),
    "conscript": (YELLOW, "--"),
}


@dataclass(frozen=True)
class Medium:
    """Where a figure is shown: its size (inches, width × height) and its body text (points)."""

    name: str
    size: tuple[float, float]
    font: float

    def height(self, inches: float) -> tuple[float, float]:
        """This medium's width with another height (a chart whose height follows its rows)."""
        return (self.size[0], inches)


SLIDE = Medium("slide", (13.33, 7.5), 13.5)
A4 = Medium("A4 portrait", (7.5, 10.0), 9.0)
HALF_A4 = Medium("half an A4 page", (7.5, 4.8), 9.0)

#: At most this many lines of footer under a figure.
FOOTER_LINES = 2


def rc(medium: Medium) -> dict:
    """matplotlib settings for ``medium``: the style file (:data:`STYLE_FILE`: fonts relative to the body text, no
    offset or scientific tick labels, light grids, the colour and line-style cycle) with the medium's figure size
    and body text."""
    return {**_style_file(), "figure.figsize": medium.size, "font.size": medium.font}


@contextmanager
def context(medium: Medium):
    """Draw inside ``medium``'s settings (:func:`rc`)."""
    with plt.rc_context(rc(medium)):
        yield


def styled(medium: Medium) -> Callable:
    """Decorate a function that draws a figure so that it draws it in ``medium``'s settings."""
    def decorate(draw: Callable) -> Callable:
        @functools.wraps(draw)
        def drawn(*args, **kwargs):
            with context(medium):
                return draw(*args, **kwargs)
        drawn.medium = medium
        return drawn
    return decorate


def scenario_styles(names: Iterable[str], reference: str = "baseline") -> dict[str, dict]:
    """Colour, line style and marker per scenario (keyword arguments of ``Axes.plot``), ``reference`` first (black,
    solid, circles) wherever it stands, the others in order; among the first 49 no two share colour and line style,
    among the first 14 no two share a marker."""
    names = list(names)
    ordered = sorted(names, key=lambda name: name != reference)
    # Each round through the colours shifts the line styles by one, so no colour comes back with its style.
    return {name: {"color": COLOURS[i % len(COLOURS)],
                   "linestyle": LINESTYLES[(i + i // len(COLOURS)) % len(LINESTYLES)],
                   "marker": MARKERS[i % len(MARKERS)]} for i, name in enumerate(ordered)}


def luminance(colour: str) -> float:
    """A colour's grey (0 black, 1 white), as a black-and-white printer or ``PIL``'s ``convert('L')`` sees it."""
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.299 * red + 0.587 * green + 0.114 * blue


def unique(items: Iterable[str]) -> list[str]:
    """``items`` in their order, each once."""
    return list(dict.fromkeys(item for item in items if item))


def footer_text(width_inches: float, fontsize: float, sources: Iterable[str], note: str = "") -> str:
    """The footer: ``Sources: a, b, c.`` and ``note``, wrapped to ``width_inches``, at most :data:`FOOTER_LINES`
    lines; sources that do not fit are counted (``and 4 more: manpower params lists them``), then the note cut."""
    characters = int(width_inches * 72 / (0.55 * fontsize))  # DejaVu Sans: about 0.55 em a character
    names = unique(sources)

    def compose(shown: int) -> list[str]:
        listed = ", ".join(names[:shown])
        more = f" and {len(names) - shown} more (`manpower params` lists them)" if shown < len(names) else ""
        text = " ".join(part for part in (f"Sources: {listed}{more}." if names else "", note) if part)
        return textwrap.wrap(text, characters)

    shown = len(names)
    lines = compose(shown)
    while len(lines) > FOOTER_LINES and shown > 1:
        shown -= 1
        lines = compose(shown)
    if len(lines) > FOOTER_LINES:
        lines = lines[:FOOTER_LINES]
        lines[-1] = lines[-1][:characters - 1].rstrip() + "…"
    return "\n".join(lines)


def footer(fig: plt.Figure, sources: Iterable[str], note: str = "") -> float:
    """Write the footer (:func:`footer_text`) at the bottom left of ``fig``; return the figure fraction it takes.

    With a constrained layout the axes are kept above it.
    """
    fontsize = plt.rcParams["font.size"] * 0.8  # about 5.5 pt when a slide figure is printed at A4 width
    text = footer_text(fig.get_figwidth() - 0.2, fontsize, sources, note)
    fig.text(0.01, 0.008, text, fontsize=fontsize, color=QUIET, ha="left", va="bottom", gid="footer")
    height = (0.1 + (text.count("\n") + 1) * 1.25 * fontsize / 72) / fig.get_figheight()
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set") and "rect" in engine.get():
        engine.set(rect=(0, height, 1, 1 - height))
    return height


def attach_metadata(fig: plt.Figure, attrs: Mapping | None = None, **extra: object) -> plt.Figure:
    """Keep a run's settings with ``fig`` for its PNG's text chunks (not in its pixels): the model version, and
    from a results dataset's ``attrs`` its scenario, start, step, integrator, parameter digest(s), seed and sampling
    (whichever it has), and ``extra`` (``None`` values left out). Returns ``fig``."""
    keys = ("scenario", "overrides", "start", "dt_months", "method", "parameters_digest", "parameters_from",
            "casualty_process", "seed", "sampling_method", "sampler", "runs", "n", "created")
    found = {key: (attrs or {}).get(key) for key in keys}
    items = {"Software": f"manpower-model {__version__}", **found, **extra}
    metadata = dict(getattr(fig, FIGURE_METADATA, {}))
    metadata.update({key: str(value) for key, value in items.items() if value not in (None, "", "[]")})
    setattr(fig, FIGURE_METADATA, metadata)
    return fig


def figure_texts(fig: plt.Figure) -> list[str]:
    """Every text a reader sees in ``fig``: titles, labels, tick labels, legends, annotations, the footer."""
    texts = [t.get_text() for t in fig.findobj(match=lambda a: hasattr(a, "get_text") and a.get_visible())]
    return [t for t in texts if t]
