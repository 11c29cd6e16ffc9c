"""``simulate``: run the model for one parameter set or a batch, return labelled results.

The numbers come from the lean path (:func:`model.results.lean.simulate_arrays`, also importable from here),
which callers that need no labels use directly; this module only labels them.
"""

from __future__ import annotations

from collections.abc import Sequence

import xarray as xr

from ..core.defaults import DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START  # noqa: F401 (re-exported)
from ..inputs.parameters import ParameterSet
from .dataset import to_dataset
from .lean import checked_start, result_values, run_arrays, simulate_arrays  # noqa: F401 (re-exported)


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
    start = checked_start(params, months, dt, start, integrator)
    arrays = run_arrays(params, months, dt, start, integrator, variables, threads)
    return to_dataset(arrays, params, start=start, dt=dt, method=integrator, batched=params.batch_size is not None)
