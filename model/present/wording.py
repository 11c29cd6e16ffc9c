"""Numbers as a reader takes them in: rounded to what the evidence supports, with separators and words.

The model's inputs (casualty levels, loss ratios, force sizes, payments) are known to a tenth or worse, so the
brief shows two significant figures (:data:`SIGNIFICANT`): ``660,000``, ``1.7 million``, ``−130`` thousand. A sign
is the typographic minus; shares are whole percentages.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from ..core.numbers import decimals, rounded
from ..core.numbers import percent as share  # noqa: F401 (a share of runs, as the brief words it)

#: Significant figures of a number the brief states.
SIGNIFICANT = 2
MINUS = "\N{MINUS SIGN}"
_SCALES = ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"))


def _signed(text: str, value: float, signed: bool) -> str:
    if value < 0:
        return MINUS + text.lstrip("-")
    return ("+" + text) if signed and value > 0 else text


def about(value: float, digits: int = SIGNIFICANT, signed: bool = False) -> str:
    """``value`` rounded to ``digits`` significant figures, in words a reader takes in at a glance: ``950 billion``,
    ``1.7 million``, ``660,000``, ``+9,000`` with ``signed``; a dash for a missing value."""
    if not np.isfinite(value):
        return "–"
    if abs(value) < 0.5:  # nothing left at a whole person or rouble (a stock run dry to rounding: no "-0")
        return "0"
    r = rounded(value, digits)
    for scale, word in _SCALES:
        if abs(r) >= scale:
            shown = r / scale
            return _signed(f"{shown:,.{decimals(shown, digits)}f}{word}", r, signed)
    return _signed(f"{r:,.0f}", r, signed)


def thousands(value: float, digits: int = SIGNIFICANT, signed: bool = False) -> str:
    """``value`` (persons) in thousands at ``digits`` significant figures: ``−130``, ``9.0``, ``660``."""
    if not np.isfinite(value):
        return "–"
    if abs(value) < 0.5:
        return "0"
    shown = rounded(value, digits) / 1e3
    return _signed(f"{shown:,.{decimals(shown, digits)}f}", shown, signed)


def band(pair: Sequence[float], signed: bool = False, in_thousands: bool = False) -> str:
    """A range ``low to high`` in the same wording (:func:`about`, or :func:`thousands`)."""
    say = thousands if in_thousands else about
    return f"{say(pair[0], signed=signed)} to {say(pair[1], signed=signed)}"




def month_name(month: str) -> str:
    """``2025-09`` as a sentence says it: ``September 2025``."""
    return pd.Period(month, freq="M").strftime("%B %Y")


def months_label(ds: xr.Dataset) -> list[str]:
    """The dataset's months as ``YYYY-MM``."""
    return list(pd.DatetimeIndex(ds.time.values).strftime("%Y-%m"))

