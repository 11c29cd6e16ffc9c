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
from scipy.optimize import brentq

from ..errors import InputError
from ..inputs.parameters import ParameterSet
from ..results.simulate import DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START, simulate

TARGETS = ("front", "net")


@dataclass(frozen=True)
class BreakEven:
    """The answer: ``value`` of ``lever`` (canonical ``unit``) against its ``current`` value.

    ``value`` is NaN when no break-even exists within the searched ``bracket``.
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
        goal = "front strength at the horizon equals today's" if self.target == "front" else \
            "recruitment equals permanent losses over the horizon"
        if np.isnan(self.value):
            return (f"{self.lever}: no break-even ({goal}) between {self.bracket[0]:,.6g} and "
                    f"{self.bracket[1]:,.6g} {self.unit}")
        return (f"{self.lever}: {self.value:,.6g} {self.unit} makes {goal} "
                f"(now {self.current:,.6g}; gap {self.gap:+,.6g} {self.unit}; {self.evaluations} runs)")


def balance(params: ParameterSet, target: str, months: int, dt: float, start: str) -> float:
    """How far the force is from holding (persons): front change, or cumulative net balance."""
    if target == "front":
        front = simulate(params, months=months, dt=dt, start=start, variables=["front_total"]).front_total
        return float(front.isel(time=-1) - front.isel(time=0))
    return float(simulate(params, months=months, dt=dt, start=start, variables=["net"]).net.sum())


def solve(params: ParameterSet, lever: str, target: str = "front", months: int = DEFAULT_MONTHS,
          dt: float = DEFAULT_DT, start: str = DEFAULT_START, tolerance: float = 1e-6) -> BreakEven:
    """Find the value of ``lever`` at which the force holds (see the module docstring).

    Parameters
    ----------
    params : ParameterSet
        A single parameter set (no batch).
    lever : str
        A numeric registry key, e.g. ``"volunteer.signups"`` or ``"casualties.monthly"``.
    target : {"front", "net"}
    tolerance : float
        Tolerance on the lever's value, relative to the scale of its plausible range.
    """
    if lever not in params:
        raise InputError("--lever", lever, "unknown parameter (see `manpower params` for the keys)")
    if not params[lever].spec.numeric:
        raise InputError("--lever", lever, "expected a numeric parameter, not a schedule or a choice")
    if target not in TARGETS:
        raise InputError("--target", target, f"expected one of {', '.join(TARGETS)}")
    if params.batch_size:
        raise InputError("breakeven", "params", "expected a single parameter set, not a batch")
    parameter = params[lever]
    kind = parameter.spec.kind
    current = float(parameter.value)
    count = 0

    def gap(x: float) -> float:
        nonlocal count
        count += 1
        return balance(params.with_values({lever: x}, where="breakeven", kind="search"), target, months, dt, start)

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
