"""Tables and text for a terminal: at most 100 columns, thousands separators, one format per kind of number.

Every command prints its tables with :func:`render`. A number's *kind* decides its format, the same in every
table:

========== ============================================ ===================
kind       what it is                                   shown as
========== ============================================ ===================
persons    a count of people, or people per month       ``777,188``
signed     a change in persons                          ``+658,427``
share      a share or probability, 0 to 1               ``0.84``
percent    a share already in percent                   ``6.5``
rate       any other number (rates, elasticities, ...)  3 significant figures, no exponent above 1e-4
========== ============================================ ===================

A column (or, with ``axis="index"``, a row) whose kind is not given is ``persons`` when its numbers are whole or
of magnitude 100 or more, ``share`` when they all lie in [0, 1], else ``rate``. A table wider than the terminal's
100 columns has its headers wrapped, long texts shortened with an ellipsis and, when still too wide, its columns
split into blocks printed one under the other, each with the row labels.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping
from numbers import Real

import pandas as pd

from ..core.numbers import fixed

#: Columns a printed table may take (a terminal's and a 100-column log's width).
WIDTH = 100
PERSONS, SIGNED, SHARE, PERCENT, RATE, TEXT = "persons", "signed", "share", "percent", "rate", "text"
KINDS = (PERSONS, SIGNED, SHARE, PERCENT, RATE, TEXT)
#: What a missing number (NaN: not defined, not reached) prints as.
MISSING = "—"
#: The widest a text cell or a row label is printed (longer ones end in an ellipsis).
MAX_TEXT = 44
#: The widest a column grows to keep its header on at most two lines.
MAX_HEADER = 22
#: Columns a multi-level row label leaves for the numbers beside it.
MIN_COLUMNS = 30
_GAP = "  "


def significant(value: float, figures: int = 3) -> str:
    """``value`` to ``figures`` significant figures, with thousands separators and without an exponent (except
    for magnitudes below 1e-4): 32,441.7 -> ``32,400``; 0.0416667 -> ``0.0417``."""
    if value != 0 and math.isfinite(value) and abs(value) < 1e-4:
        return f"{value:.{figures - 1}e}"
    return fixed(value, figures)


def number_text(value, kind: str) -> str:
    """One cell: ``value`` formatted as ``kind`` (see the module docstring); text and missing values as text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if kind == TEXT or isinstance(value, bool) or not isinstance(value, Real):
        return str(value)
    value = float(value)
    if kind == PERSONS:
        return "0" if abs(value) < 0.5 else f"{value:,.0f}"
    if kind == SIGNED:
        return "0" if abs(value) < 0.5 else f"{value:+,.0f}"
    if kind == SHARE:
        return f"{value:.2f}"
    if kind == PERCENT:
        return f"{value:.1f}"
    if kind == RATE:
        return significant(value)
    raise ValueError(f"expected a kind among {', '.join(KINDS)}, got {kind!r}")


def infer_kind(values: pd.Series) -> str:
    """The kind of a column (or row) of numbers, when it is not given (see the module docstring)."""
    numbers = pd.to_numeric(pd.Series([v for v in values if isinstance(v, Real) and not isinstance(v, bool)],
                                      dtype=object), errors="coerce").dropna().astype(float)
    if numbers.empty:
        return TEXT
    if ((numbers % 1 == 0) | (numbers.abs() >= 100)).all():
        return PERSONS
    if numbers.between(0, 1).all():
        return SHARE
    return RATE


def formatted(frame: pd.DataFrame, kinds: Mapping[str, str] | str | None = None,
              axis: str = "columns") -> pd.DataFrame:
    """``frame`` as text cells, each column (``axis="columns"``) or row (``"index"``) in its kind; ``kinds`` maps
    labels to kinds, or is one kind for all."""
    frame = frame.astype(object)
    source = frame if axis == "columns" else frame.T
    cells = {}
    for label, values in source.items():
        kind = kinds if isinstance(kinds, str) else (kinds or {}).get(label) or infer_kind(values)
        cells[label] = [number_text(v, kind) for v in values]
    shown = pd.DataFrame(cells, index=source.index)
    return shown if axis == "columns" else shown.T


def shortened(text: str, width: int = WIDTH) -> str:
    """``text`` on one line of at most ``width`` characters, ending in an ellipsis when it was longer."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _wrap_header(text: str, width: int) -> list[str]:
    """A header on lines of at most ``width``, broken at spaces; a word longer than ``width`` (a long scenario
    name) broken after its underscores (``regions_at_`` / ``budget_limit``), then anywhere."""
    words = []
    for word in str(text).split():
        words += [word] if len(word) <= width else re.findall(r"[^_]*_|[^_]+$", word)
    lines: list[str] = []
    for word in words:
        glue = "" if lines and lines[-1].endswith("_") else " "
        if lines and len(lines[-1]) + len(glue) + len(word) <= width:
            lines[-1] += glue + word
        else:
            lines += textwrap.wrap(word, width=width) or [""]
    return lines or [""]


def _column_width(header: str, cells: list[str]) -> int:
    """Wide enough for every cell and for the header's longest word (up to :data:`MAX_HEADER`), wider still (up
    to it) when the header would otherwise take more than two lines."""
    widest = max((len(c) for c in cells), default=0)
    width = max(widest, min(max((len(w) for w in str(header).split()), default=0), MAX_HEADER))
    while len(_wrap_header(header, width)) > 2 and width < MAX_HEADER:
        width += 1
    return width


def _row_labels(index: pd.Index) -> tuple[list[str], str]:
    """The row labels as printed, and their header: the levels of a multi-index in aligned columns (leaving
    :data:`MIN_COLUMNS` for the numbers), a plain label shortened to :data:`MAX_TEXT`."""
    if index.nlevels == 1:
        labels = [shortened(v, MAX_TEXT) for v in index]
        return labels, shortened(index.name or "", MAX_TEXT)
    levels = [[str(v) for v in index.get_level_values(i)] for i in range(index.nlevels)]
    names = [str(n or "") for n in index.names]
    widths = [max(len(x) for x in [*level, name]) for level, name in zip(levels, names)]
    labels = [_GAP.join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in zip(*levels)]
    header = _GAP.join(n.ljust(w) for n, w in zip(names, widths)).rstrip()
    room = WIDTH - MIN_COLUMNS
    return [x if len(x) <= room else x[:room - 1] + "…" for x in labels], header[:room]


def _block(labels: list[str], label_header: str, columns: list[tuple[str, list[str], bool]],
           label_width: int) -> list[str]:
    """One block of a table: the row labels and some columns (header, cells, right-aligned)."""
    widths = [_column_width(h, cells) for h, cells, _ in columns]
    headers = [_wrap_header(h, w) for (h, _, _), w in zip(columns, widths)]
    depth = max([len(h) for h in headers] + [1])
    lines = []
    for row in range(depth):
        parts = [(label_header if row == depth - 1 else "").ljust(label_width)]
        for header, width, (_, _, right) in zip(headers, widths, columns):
            text = header[row - (depth - len(header))] if row >= depth - len(header) else ""
            parts.append(text.rjust(width) if right else text.ljust(width))
        lines.append(_GAP.join(parts).rstrip())
    for i, label in enumerate(labels):
        parts = [label.ljust(label_width)]
        for (_, cells, right), width in zip(columns, widths):
            parts.append(cells[i].rjust(width) if right else cells[i].ljust(width))
        lines.append(_GAP.join(parts).rstrip())
    return lines


def render(frame: pd.DataFrame, kinds: Mapping[str, str] | str | None = None, axis: str = "columns",
           index: bool = True, width: int = WIDTH) -> str:
    """``frame`` as a table of at most ``width`` columns (see the module docstring).

    ``kinds`` gives the kind of each column's (``axis="columns"``) or row's (``axis="index"``) numbers; without
    ``index`` the row labels are left out, and the leading text columns (up to three) label the rows instead, so
    that each block of a split table says which row is which. Numbers are right-aligned, texts left-aligned.
    """
    numeric = {label: any(isinstance(v, Real) and not isinstance(v, bool) for v in frame[label])
               for label in frame.columns}
    if not index and axis == "columns":  # the leading text columns label the rows, in every block
        lead = []
        for label in frame.columns:
            if numeric[label] or len(lead) == 3:
                break
            lead.append(label)
        if lead and len(lead) < len(frame.columns):
            frame, index = frame.set_index(lead), True
    shown = formatted(frame, kinds, axis)
    columns = [(str(label), [shortened(c, MAX_TEXT) for c in shown[label]], numeric[label] or axis == "index")
               for label in shown.columns]
    if index:
        labels, label_header = _row_labels(frame.index)
    else:
        labels, label_header = [""] * len(frame), ""
    label_width = max([len(x) for x in labels] + [len(label_header)]) if index else 0
    blocks, current, used = [], [], label_width
    for column in columns:
        needed = len(_GAP) + _column_width(column[0], column[1])
        if current and used + needed > width:
            blocks.append(current)
            current, used = [], label_width
        current.append(column)
        used += needed
    blocks.append(current)
    lines: list[str] = []
    for number, block in enumerate(blocks):
        if number:
            lines.append("")
        rendered = _block(labels, label_header, block, label_width)
        lines += [line[len(_GAP):] if not index else line for line in rendered]
    return "\n".join(lines)


def wrapped(text: str, width: int = WIDTH) -> str:
    """Prose for a terminal: each line longer than ``width`` wrapped at spaces, continuation lines indented two
    more than it (a single word longer than ``width``, such as a long path, stays whole)."""
    out = []
    for line in text.splitlines():
        if len(line) <= width:
            out.append(line)
            continue
        indent = re.match(r"\s*", line).group(0)
        out += textwrap.wrap(line, width=width, subsequent_indent=indent + "  ", break_on_hyphens=False,
                             break_long_words=False)  # a path is never cut
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")
