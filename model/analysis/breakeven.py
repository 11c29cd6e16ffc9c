"""Break-even: the value of one parameter at which the force just holds, found by root finding.

Two targets:

``"front"``
    front strength at the end of the horizon equals its strength at the start;
``"net"``
    recruitment over the horizon equals permanent losses over it (net balance zero).

The root is bracketed (from the parameter's plausible range outwards) and then
found with :func:`scipy.optimize.brentq`; every evaluation is a full run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from ..core.defaults import BREAKEVEN_TARGETS, DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START
from ..errors import InputError
from ..inputs.parameters import ParameterSet
from ..inputs.spec import unknown_parameter
from ..results.simulate import simulate
from .arguments import as_params

TARGETS = BREAKEVEN_TARGETS


#: What each target means, in words.
GOALS = {"front": "front strength at the horizon equals today's",
         "net": "recruitment equals permanent losses over the horizon"}


@dataclass(frozen=True)
class BreakEven:
    """The answer: ``value`` of ``lever`` (canonical ``unit``) against its ``current`` value.

    ``value`` is NaN when no break-even exists within the searched ``bracket``;
    ``evaluations`` counts the runs the search took.
    """

    lever: str
    target: str
    value: float
    current: float
    unit: str
    bracket: tuple[float, float]
    evaluations: int

    @property
    def gap(self) -> float:
        """How far the lever must move from its current value (canonical unit)."""
        return self.value - self.current

    def __str__(self) -> str:
        goal = GOALS[self.target]
        if np.isnan(self.value):
            return (f"{self.lever}: no break-even ({goal}) between {self.bracket[0]:,.6g} and "
                    f"{self.bracket[1]:,.6g} {self.unit}")
        return (f"{self.lever}: {self.value:,.6g} {self.unit} makes {goal} "
                f"(now {self.current:,.6g}; gap {self.gap:+,.6g} {self.unit}; {self.evaluations} runs)")

    def __repr__(self) -> str:
        return f"<BreakEven {self}>"

    def to_dataframe(self) -> pd.DataFrame:
        """One row indexed by ``lever``: target, value, current, gap, unit, bracket ends, evaluations."""
        return pd.DataFrame([{"lever": self.lever, "target": self.target, "value": self.value,
                              "current": self.current, "gap": self.gap, "unit": self.unit,
                              "bracket_low": self.bracket[0], "bracket_high": self.bracket[1],
                              "evaluations": self.evaluations}]).set_index("lever")


def balance(params: ParameterSet, target: str, months: int, dt: float, start: str,
            integrator: str = "euler") -> float:
    """How far the force is from holding (persons): front change, or cumulative net balance."""
    settings = {"months": months, "dt": dt, "start": start, "integrator": integrator}
    if target == "front":
        front = simulate(params, variables=["front_total"], **settings).front_total
        return float(front.isel(time=-1) - front.isel(time=0))
    return float(simulate(params, variables=["net"], **settings).net.sum())


def solve(params: ParameterSet | str, lever: str, target: str = "front", months: int = DEFAULT_MONTHS,
          dt: float = DEFAULT_DT, start: str | None = DEFAULT_START, tolerance: float = 1e-6,
          integrator: str = "euler") -> BreakEven:
    """Find the value of ``lever`` at which the force holds (see the module docstring); ``model.breakeven``.

    Parameters
    ----------
    params : ParameterSet or str
        A single parameter set (no batch), or a scenario name.
    lever : str
        A numeric registry key, e.g. ``"volunteer.signups"`` or ``"casualties.monthly"``.
    target : {"front", "net"}
    months, dt, start, integrator
        As :func:`model.simulate`.
    tolerance : float
        Tolerance on the lever's value, relative to the scale of its plausible range.
    """
    params = as_params(params, "breakeven")
    if lever not in params:
        raise unknown_parameter("breakeven", lever, at="lever")
    if not params[lever].spec.numeric:
        raise InputError("breakeven", "lever", f"expected a numeric parameter, not a schedule or a choice, "
                                               f"got {lever!r}")
    if target not in TARGETS:
        raise InputError("breakeven", "target", f"expected one of {', '.join(TARGETS)}, got {target!r}")
    if params.batch_size:
        raise InputError("breakeven", "params", "expected a single parameter set, not a batch")
    parameter = params[lever]
    kind = parameter.spec.kind
    current = float(parameter.value)
    count = 0

    def gap(x: float) -> float:
        nonlocal count
        count += 1
        return balance(params.with_values({lever: x}, where="breakeven", kind="search"), target, months, dt, start,
                       integrator)

    lowest = kind.minimum if kind.minimum is not None else min(parameter.low, -abs(parameter.high))
    if kind.positive:
        lowest = max(parameter.low / 10.0, 1e-9)
    low, high = lowest, max(parameter.high, current, 1.0)
    if kind.maximum is not None:
        high = min(high, kind.maximum)
    g_low, g_high = gap(low), gap(high)
    for _ in range(12):  # widen upwards, by doubling, until the sign changes or the value is not allowed
        if np.sign(g_low) != np.sign(g_high) or (kind.maximum is not None and high >= kind.maximum):
            break
        try:
            g_wider = gap(high * 2.0)
        except InputError:  # e.g. more initial troops of one source than the whole force
            break
        high, g_high = high * 2.0, g_wider
    if np.sign(g_low) == np.sign(g_high):
        return BreakEven(lever, target, float("nan"), current, parameter.unit, (low, high), count)
    # Tolerance on the scale of the plausible range, not of the current value (which an override may set to 1e15).
    scale = max(parameter.high - parameter.low, abs(parameter.low), abs(parameter.high), 1.0)
    root = brentq(gap, low, high, xtol=tolerance * scale, rtol=1e-12, maxiter=200)
    return BreakEven(lever, target, float(root), current, parameter.unit, (low, high), count)
