"""``simulate``: run the model for one parameter set or a batch, return labelled results."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

from ..engine import integrator as engine
from ..inputs import limits
from ..dynamics.equations import SYSTEM, fractional_outflows, growth_rates, prepare
from ..errors import InputError
from ..inputs.parameters import ParameterSet
from ..inputs.start import resolve_start
from .dataset import Selection, to_dataset
from ..core.structure import SOURCES, STOCKS
from ..core.defaults import DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START  # noqa: F401 (re-exported)



def simulate(params: ParameterSet, months: int = DEFAULT_MONTHS, dt: float = DEFAULT_DT,
             start: str | None = DEFAULT_START, integrator: str = "euler",
             variables: Sequence[str] | None = None, threads: int | None = None) -> xr.Dataset:
    """Project the force month by month.

    Parameters
    ----------
    params : ParameterSet
        From :func:`model.load_params`; numeric values may be arrays of shape
        ``(n_runs,)``, and all runs advance together.
    months : int
        Horizon in months (default 36).
    dt : float
        Integration step in months; must divide a month (default 0.25).
    start : str
        First month, ``'YYYY-MM'`` (default: the month after the casualty record's last,
        :func:`model.inputs.start.resolve_start`, which warns about a start beyond it).
    integrator : {"euler", "rk4"}
        Integration method (default ``"euler"``); the dataset's ``method`` attribute records it.
    variables : sequence of str, optional
        Output variables to keep (default: all); for large batches keep only what
        you need, e.g. ``["front", "inflow", "losses", "net"]``.
    threads : int, optional
        Threads running the batch (default: all cores); changes speed, never the numbers.

    Returns
    -------
    xarray.Dataset
        Dimensions ``time`` (months), ``source`` and, for batches, ``run``.
        A stock under a month is its value at the start of that month (persons);
        a flow under a month is its total over that month (persons); the last
        month holds the end state, and its flows are NaN.
    """
    _check_options(months, dt, start, integrator)
    start = resolve_start(start, params.folder)
    selection = Selection.of(variables)
    limits.memory(result_values(params.batch_size or 1, months, dt, variables), "simulate", "months",
                  f"{params.batch_size or 1:,} runs of {months:,} months")
    inputs = prepare(params, start, months * int(round(1.0 / dt)), dt)
    problem = engine.check_step(dt, fractional_outflows(inputs))
    if problem:
        raise InputError("simulate", "dt", problem)
    _check_growth(inputs, months)
    state0 = inputs.state0
    trajectory = engine.integrate(SYSTEM, state0, inputs, months, dt, selection.observations(), integrator, threads)
    _check_finite(trajectory, params)
    return to_dataset(trajectory, selection, params, inputs, start=start, dt=dt, method=integrator,
                      batched=params.batch_size is not None)


def _check_options(months: int, dt: float, start: str, integrator: str) -> None:
    limits.months(months, "simulate")
    limits.step(dt, "simulate")
    if start is not None:
        limits.month(start, "simulate")
    if integrator not in engine.METHODS:
        raise InputError("simulate", "integrator", f"expected one of {', '.join(engine.METHODS)}, got {integrator!r}")


def result_values(runs: int, months: int, dt: float, variables: Sequence[str] | None = None) -> float:
    """How many float64 numbers a :func:`simulate` call holds at its peak (results twice, plus the step grid).

    The results are kept by the engine and copied once into the dataset; the
    step grid holds a handful of schedules per step.
    """
    observations = Selection.of(variables).observations()
    per_month = (len(observations.flows_by_source) * len(SOURCES) + len(observations.flows_total)
                 + len(observations.stocks_by_source) * len(SOURCES) + len(observations.stocks_total)
                 + len(STOCKS) * observations.shortfall + 1)
    steps = months * round(1.0 / dt)
    return 2.0 * runs * (months + 1) * per_month + 8.0 * steps


def _check_growth(inputs, months: int) -> None:
    """Refuse, before the run, exponential growth that would overflow: growth x horizon at most ln(MAX_MAGNITUDE)."""
    largest = np.log(limits.MAX_MAGNITUDE)
    for keys, growth in growth_rates(inputs).items():
        worst = float(np.max(growth)) * months
        if worst > largest:
            raise InputError("simulate", keys, f"expected growth x horizon of at most {largest:.3g} (a factor of "
                                               f"{limits.MAX_MAGNITUDE:g}), got {worst:.3g} over {months} months")


def _check_finite(trajectory: engine.Trajectory, params: ParameterSet) -> None:
    """Refuse a run whose numbers overflowed: a result that is not finite is never an answer."""
    kept = (trajectory.flows_by_source[:-1], trajectory.flows_total[:-1], trajectory.stocks_by_source,
            trajectory.stocks_total, trajectory.shortfall[:-1])
    if all(limits.within_magnitude(a) for a in kept):
        return
    raise InputError("simulate", ", ".join(_far_outside(params)) or "(parameters)",
                     f"expected finite results of magnitude at most {limits.MAX_MAGNITUDE:g} persons; the run "
                     "overflowed: bring these values back towards their plausible ranges")


def _far_outside(params: ParameterSet, top: int = 3) -> list[str]:
    """The numeric parameters furthest outside their plausible range, in units of its width (most first)."""
    distance = {}
    for key, p in params.items():
        if p.spec.numeric and p.low is not None:
            values = np.asarray(p.value, dtype=float)
            width = max(p.high - p.low, abs(p.high), 1e-12)
            beyond = float(np.max(np.maximum(values - p.high, p.low - values))) / width
            if beyond > 0:
                distance[key] = beyond
    return sorted(distance, key=distance.get, reverse=True)[:top]
