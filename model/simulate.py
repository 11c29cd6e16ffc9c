"""``simulate``: run the model for one parameter set or a batch, return labelled results."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import xarray as xr

from . import engine
from .equations import coefficients, initial_state, rates
from .errors import InputError
from .parameters import ParameterSet
from .results import to_dataset

DEFAULT_START = "2024-12"
DEFAULT_MONTHS = 36
DEFAULT_DT = 0.25
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def simulate(params: ParameterSet, months: int = DEFAULT_MONTHS, dt: float = DEFAULT_DT,
             start: str = DEFAULT_START, method: str = "euler",
             variables: Sequence[str] | None = None, chunk: int = engine.DEFAULT_CHUNK,
             threads: int | None = None) -> xr.Dataset:
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
    chunk, threads : int
        Runs per block and threads running blocks (default 1); they
        change speed and memory, never the numbers.

    Returns
    -------
    xarray.Dataset
        Dimensions ``time`` (months), ``source`` and, for batches, ``run``.
        A stock under a month is its value at the start of that month (persons);
        a flow under a month is its total over that month (persons); the last
        month holds the end state, and its flows are NaN.
    """
    _check_options(months, dt, start, method)
    n = params.batch_size or 1
    n_steps = months * int(round(1.0 / dt))
    c = coefficients(params, start, n_steps, dt)
    problem = engine.check_step(dt, {
        "training": c.graduation_rate,
        "front": c.desertion_rate + c.release_rate,
        "wounded": np.asarray(c.recovery_rate),
        "pool": c.draw_rate,
    })
    if problem:
        raise InputError("simulate", "dt", problem)
    state0 = initial_state(params, c, n)
    batched = params.batch_size is not None

    def make_rates(runs: slice):
        part = c.take(runs, batched)
        return (lambda state, t, step: rates(part, state, t, step)), state0[..., runs]

    threads = threads or 1
    trajectory = engine.integrate_chunked(make_rates, n, state0.shape[1], months, dt, method, chunk, threads)
    return to_dataset(trajectory, params, c, start=start, dt=dt, method=method, batched=batched,
                      variables=variables)


def _check_options(months: int, dt: float, start: str, method: str) -> None:
    if not isinstance(months, (int, np.integer)) or months < 1:
        raise InputError("simulate", "months", f"expected a whole number of months >= 1, got {months!r}")
    if not isinstance(dt, (int, float)) or not np.isfinite(dt):
        raise InputError("simulate", "dt", f"expected a number of months, got {dt!r}")
    if not _MONTH.match(str(start)):
        raise InputError("simulate", "start", f"expected a month as 'YYYY-MM', got {start!r}")
    if method not in engine.METHODS:
        raise InputError("simulate", "method", f"expected one of {', '.join(engine.METHODS)}, got {method!r}")
