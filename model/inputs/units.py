"""Units: one pint registry for the whole package, with people and roubles.

Every number in the parameter registry carries a unit string; it is parsed here
and converted to the unit the equations use (the parameter's *canonical* unit),
so that a figure quoted per day or per year enters the model per month.
A month is a twelfth of a year (30.44 days), pint's definition.
"""

from __future__ import annotations

from functools import lru_cache

import pint

#: Units the equations are written in; every parameter converts to one of them.
PERSON = "person"
PERSON_PER_MONTH = "person / month"
PER_MONTH = "1 / month"
MONTH = "month"
DIMENSIONLESS = "dimensionless"
ROUBLE = "RUB"
ROUBLE_PER_MONTH = "RUB / month"


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The package's unit registry: pint's defaults plus ``person`` and ``RUB``."""
    ureg = pint.UnitRegistry()
    ureg.define("person = [headcount] = persons = people")
    ureg.define("RUB = [currency] = rouble = ruble = roubles = rubles")
    return ureg


def parse_unit(text: str) -> pint.Unit:
    """Parse a unit string such as ``"person / day"``; raise ``ValueError`` if pint cannot."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"expected a unit string, got {text!r}")
    try:
        return registry().Unit(text)
    except Exception as exc:  # pint raises several unrelated types for bad strings
        raise ValueError(f"unknown unit {text!r} ({exc.__class__.__name__})") from None


def conversion_factor(unit: str, canonical: str) -> float:
    """Factor that turns a magnitude in ``unit`` into one in ``canonical``.

    Raises ``ValueError`` naming both units when their dimensions differ
    (persons cannot become persons per month).
    """
    source, target = parse_unit(unit), parse_unit(canonical)
    if source.dimensionality != target.dimensionality:
        raise ValueError(
            f"expected a unit convertible to '{canonical}', got '{unit}'"
        )
    return float(registry().Quantity(1.0, source).to(target).magnitude)


def format_unit(text: str) -> str:
    """Compact, human-readable form of a unit string (``person / month``)."""
    return f"{parse_unit(text):~P}" if text != DIMENSIONLESS else "1"
