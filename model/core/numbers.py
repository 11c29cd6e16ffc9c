"""Rounding to significant figures: the one rule every number the package prints or exports follows.

Each presenter keeps its own words (``1.7 million``), signs (the typographic minus) and separators; the rounding
and the decimals that show it are decided here, once, below every layer that formats numbers (the sentences of
scenario discovery in :mod:`model.analysis`, and the brief, the figures, the console and the exports in
:mod:`model.present`).
"""

from __future__ import annotations

import math


def rounded(value: float, figures: int) -> float:
    """``value`` rounded to ``figures`` significant figures; zero, infinities and NaN as they are."""
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, figures - 1 - math.floor(math.log10(abs(value))))


def decimals(value: float, figures: int) -> int:
    """The decimals that show ``figures`` significant figures of ``value`` (none for a number of that many digits or
    more)."""
    if value == 0 or not math.isfinite(value):
        return 0
    return max(0, figures - 1 - math.floor(math.log10(abs(value))))


def fixed(value: float, figures: int, sign: bool = False, zeros: bool = True) -> str:
    """``value`` at ``figures`` significant figures with thousands separators and no exponent: ``32,400``,
    ``0.0417``; with ``sign``, ``+`` before a positive number; without ``zeros``, no trailing zeros after the
    point (``0.3`` rather than ``0.30``, as prose writes it)."""
    r = rounded(value, figures)
    if not math.isfinite(r):
        return f"{r:g}"
    text = f"{r:{'+' if sign else ''},.{decimals(r, figures)}f}"
    return text.rstrip("0").rstrip(".") if not zeros and "." in text else text


def percent(share: float) -> str:
    """A share (0 to 1) of runs as a whole percentage; ``under 1%`` and ``over 99%`` rather than 0% and 100% when the
    share is not exactly that (a sample's 0.3% is not none of it)."""
    if not math.isfinite(share):
        return "–"
    if 0 < share < 0.005:
        return "under 1%"
    if 0.995 < share < 1:
        return "over 99%"
    return f"{share:.0%}"
