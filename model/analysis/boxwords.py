"""How a box of parameter space reads to people: labels, units as a reader expects them, two significant figures.

A parameter's label is the first clause of its registry description ("Share of all casualties who are killed");
its value is shown in the unit a reader thinks in, not the canonical one the equations use: a growth rate per
month as a continuous rate in percent a year (as the registry states it), a monthly rate as percent a month, a
fraction as percent, persons in thousands or millions as words. Every number is rounded to two significant
figures: a box's edges are estimates from a sample, and more digits would claim a precision the sample does not
have.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..core.numbers import fixed, percent, rounded
from ..inputs import spec as specs
from ..inputs.labels import joined


@dataclass(frozen=True)
class Reading:
    """How a kind of parameter is read: a factor from the canonical unit and the words after the number."""

    factor: float
    unit: str
    percent: bool = False

    def text(self, canonical: float) -> str:
        """``canonical`` (the parameter's canonical unit) in this reading, two significant figures: '20% a year'."""
        number = significant(canonical * self.factor)
        if self.percent:
            return f"{number}%{' ' + self.unit if self.unit else ''}"
        return f"{number} {self.unit}".strip()


#: The reading of each kind of parameter (canonical units in :mod:`model.inputs.spec`).
READINGS: dict[str, Reading] = {
    # A continuous rate per month as the registry states it, a continuous rate per year ("20% a year, continuous"
    # is exp(0.2) - 1 = 22% growth over a year).
    specs.GROWTH.name: Reading(1200.0, "a year (continuous rate)", percent=True),
    specs.RATE.name: Reading(100.0, "a month", percent=True),
    specs.FRACTION.name: Reading(100.0, "", percent=True),
    specs.RATIO.name: Reading(1.0, ""),
    specs.COUNT.name: Reading(1.0, "persons"),
    specs.FLOW.name: Reading(1.0, "persons a month"),
    specs.DURATION.name: Reading(1.0, "months"),
    specs.MONEY.name: Reading(1.0, "roubles"),
    specs.MONEY_CHANGE.name: Reading(1.0, "roubles"),
    specs.MONEY_FLOW.name: Reading(1.0, "roubles a month"),
}
_PLAIN = Reading(1.0, "")
#: First words that stay capitalised inside a sentence.
_PROPER = {"Russian", "North", "Ukrainian", "UK"}


def reading(kind: specs.Kind | None) -> Reading:
    """How a parameter of ``kind`` is read (a plain number for ``None``: a column the model does not declare)."""
    return READINGS.get(kind.name, _PLAIN) if kind is not None else _PLAIN


def significant(value: float, figures: int = 2) -> str:
    """``value`` rounded to ``figures`` significant figures, as people write it: '0.3', '14,000', '1.1 million'."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    r = rounded(value, figures)
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(r) >= size:
            return f"{fixed(r / size, figures, zeros=False)} {word}"
    return fixed(r, figures, zeros=False)


def label(description: str, key: str) -> str:
    """A parameter's label inside a sentence: the first clause of its description, or its key if it has none."""
    text = re.sub(r" ?\([^()]*\)", "", " ".join(str(description).split()))  # units and asides in brackets
    clause = re.split(r"\. |; |: | — ", text)[0].rstrip(".").strip()
    head, comma, _ = clause.partition(", ")
    if comma and len(head.split()) >= 6:  # a long clause's qualifications after a comma
        clause = head
    if not clause:
        return key
    first = clause.split()[0]
    return clause if first in _PROPER or (len(first) > 1 and first.isupper()) else clause[0].lower() + clause[1:]


def condition(name: str, kind: specs.Kind | None, lower: float | None, upper: float | None) -> str:
    """A box's restriction on one parameter in words: 'X is above 20% a year', 'between 0.2 and 0.3', 'below'.

    ``lower`` and ``upper`` are in the canonical unit of ``kind``; ``None`` for a side the box leaves open.
    """
    shown = reading(kind)
    if lower is not None and upper is not None:
        return f"{name} is between {shown.text(lower)} and {shown.text(upper)}"
    if lower is not None:
        return f"{name} is above {shown.text(lower)}"
    if upper is not None:
        return f"{name} is below {shown.text(upper)}"
    return f"{name} is unrestricted"


def sentence(outcome: str, density: float, coverage: float, mass: float, conditions: list[str],
             number: int = 1) -> str:
    """One box in plain language: how often the outcome happens inside it, and how much of it the box holds.

    'Permanent losses exceed inflow in some month before June 2026 in 82% of runs where ... (the box holds 25%
    of all runs and 61% of those in which it happens).' PRIM finds a later box (``number`` above 1) among the
    runs the earlier boxes left, and its density counts only those: the sentence says so.
    """
    where = joined(conditions) if conditions else "any parameter values"
    opening = outcome[0].upper() + outcome[1:]
    runs = "runs" if number == 1 else "the runs outside the earlier boxes"
    return (f"{opening} in {percent(density)} of {runs} where {where} (the box holds {percent(mass)} of all runs "
            f"and {percent(coverage)} of those in which it happens).")
