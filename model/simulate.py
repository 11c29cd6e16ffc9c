"""``simulate``: run the model for one parameter set or a batch, return labelled results."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import xarray as xr

from . import engine
from .equations import fractional_outflows, initial_state, prepare
from .errors import InputError
from .parameters import ParameterSet
from .results import Selection, to_dataset

DEFAULT_START = "2024-12"
DEFAULT_MONTHS = 36
DEFAULT_DT = 0.25
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def simulate(params: ParameterSet, months: int = DEFAULT_MONTHS, dt: float = DEFAULT_DT,
             start: str = DEFAULT_START, method: str = "euler",
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
        First month, ``'YYYY-MM'`` (default ``'2024-12'``).
    method : {"euler", "rk4"}
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
    _check_options(months, dt, start, method)
    selection = Selection.of(variables)
    inputs = prepare(params, start, months * int(round(1.0 / dt)), dt)
    problem = engine.check_step(dt, fractional_outflows(inputs))
    if problem:
        raise InputError("simulate", "dt", problem)
    state0 = initial_state(params, inputs)
    trajectory = engine.integrate(state0, inputs, months, dt, selection.observations(), method, threads)
    return to_dataset(trajectory, selection, params, inputs, start=start, dt=dt, method=method,
                      batched=params.batch_size is not None)


def _check_options(months: int, dt: float, start: str, method: str) -> None:
    if not isinstance(months, (int, np.integer)) or months < 1:
        raise InputError("simulate", "months", f"expected a whole number of months >= 1, got {months!r}")
    if not isinstance(dt, (int, float)) or not np.isfinite(dt):
        raise InputError("simulate", "dt", f"expected a number of months, got {dt!r}")
    if not _MONTH.match(str(start)):
        raise InputError("simulate", "start", f"expected a month as 'YYYY-MM', got {start!r}")
    if method not in engine.METHODS:
        raise InputError("simulate", "method", f"expected one of {', '.join(engine.METHODS)}, got {method!r}")
