"""Dimensional consistency: every equation of :mod:`model.dynamics.description`, evaluated in units alone.

Each symbol becomes a pint quantity of magnitude one half in the unit the compiled
equations read it in (a parameter's canonical unit, stocks in persons, time in
months, a schedule's size spread over months), and the description's
expressions are evaluated on them. pint refuses to add quantities of
different dimensions and to take the exponential of a dimensional one, so
evaluating the equations *is* the check; each flow's rate must then convert to
persons per month. Per-source parameters are checked source by source.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pint

from ..core.structure import FLOW_NAMES, SOURCES
from ..inputs.units import PERSON, PERSON_PER_MONTH, registry
from .description import SYMBOLS, Symbol
from .reference import evaluate


def _either(a, b):
    """What ``maximum`` and ``where`` give in units: both arguments must share a dimension (pint checks the sum)."""
    return a + b


UNITS = {"exp": np.exp, "maximum": _either, "where": lambda condition, a, b: _either(a, b),
         "total": lambda x: x, "inverse": lambda x: 1 / x}


def symbol_unit(symbol: Symbol, params: Mapping, source: str) -> str:
    """The unit (pint syntax) the compiled equations read ``symbol`` in, for ``source``."""
    if symbol.kind == "parameter":
        key = symbol.key.format(source=source if source in symbol.sources else symbol.sources[0]) \
            if symbol.sources else symbol.key
        return params[key].unit
    if symbol.kind == "schedule":
        return f"({params[symbol.key].unit}) / month"  # an event's size spread over its months
    return symbol.unit or PERSON


def equation_quantities(params: Mapping, source: str = "prisoner") -> dict[str, pint.Quantity]:
    """Every equation (auxiliaries and flows) for one ``source`` as pint quantities (magnitudes meaningless).

    ``params`` maps registry keys to objects with a ``unit`` (a :class:`ParameterSet` does).
    """
    ureg = registry()
    # Magnitude one half: no expression divides by a difference that vanishes (1 - a share of one).
    values = {s.name: ureg.Quantity(0.5, symbol_unit(s, params, source)) for s in SYMBOLS if s.kind != "switch"}
    values["endogenous"] = True
    return evaluate(values, UNITS)


def flow_equations(params: Mapping, source: str = "prisoner") -> dict[str, pint.Quantity]:
    """Every flow's rate for one ``source`` as pint quantities (magnitudes meaningless)."""
    env = equation_quantities(params, source)
    return {name: env[name] for name in FLOW_NAMES}


def check(params: Mapping) -> dict[str, str]:
    """Each flow's unit as evaluated; raises ``pint.DimensionalityError`` where an equation mixes dimensions.

    Every source is evaluated; a flow whose unit differs between sources raises too.
    """
    target = registry().Unit(PERSON_PER_MONTH)
    units: dict[str, str] = {}
    for source in SOURCES:
        for name, rate in flow_equations(params, source).items():
            unit = str(rate.to(target).units)
            if units.setdefault(name, unit) != unit:
                raise pint.DimensionalityError(units[name], unit, extra_msg=f" ({name} for {source})")
    return units
