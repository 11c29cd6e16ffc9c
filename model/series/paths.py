"""Monthly paths of a fitted process, for the Monte Carlo: each path its own parameters, then its own shocks.

:func:`draw_paths` is vectorized over paths (one Python step per month at most). Its randomness comes
from a counter-based generator (Philox) keyed by the seed: path ``j``'s numbers for month ``m`` after the
data's end sit at counter ``(j, m)`` (row 0 holds the choice of mixture component and of posterior draw), so a
path depends only on the seed, its own index and the month: the first ``k`` paths of ``n`` are the paths of a
draw of ``k``, paths ``first..first + n`` can be drawn alone (a chunk of a sweep), and a 12-month draw is the
start of a 36-month one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ..errors import InputError
from ..inputs import limits
from . import ar1, damped, local_level
from .base import SHOCKS, Fit, Mixture, counts

#: Each process's module: ``log_paths`` (fit, draws (n,), steps, normals (n, steps, SHOCKS) -> log counts
#: (n, steps)) and ``describe`` (fit -> the parameters an analyst reads); see :mod:`model.series.base`.
PROCESSES = {"ar1": ar1, "damped": damped, "local_level": local_level}
_WHERE = "model.series.draw_paths"


#: Philox yields four numbers per counter step; one step per path and month covers the month's shocks.
_WORDS = 4


def _uniforms(key: np.ndarray, row: int, first: int, n: int) -> np.ndarray:
    """Uniform numbers in (0, 1) at counters ``(first .. first + n, row)``, shape ``(n, _WORDS)``."""
    generator = np.random.Generator(np.random.Philox(key=key, counter=np.array([first, row, 0, 0], dtype=np.uint64)))
    return np.maximum(generator.random((n, _WORDS)), np.finfo(float).tiny)  # ndtri(0) would be -inf


def draw_paths(fitted: Fit | Mixture, start: str, months: int, n: int, seed: int | np.random.SeedSequence = 0, *,
               first: int = 0, level: float = 1.0, trend: float = 0.0) -> np.ndarray:
    """``n`` monthly paths of ``months`` months from ``start``, in persons per month, shape ``(n, months)``.

    Each path draws one set of parameters from the fit's posterior draws (and, for a :class:`Mixture`, its
    component by the weights), starts from the state at the data's end (``fitted.end``), and steps
    forward month by month with its own shocks; the months between the data's end and ``start`` are
    stepped through and dropped. ``start`` must be after the data's end. ``first`` is the index of the first
    path (paths ``first .. first + n`` of the seed's sequence, as a chunk of a larger draw).

    A scenario is an explicit shift of the process: ``level`` (a factor, > 0) multiplies every path, and
    ``trend`` (1/month) adds ``trend x k`` to its log ``k`` months after the data's end; the shocks are
    those of the unshifted paths with the same seed.

    Values are finite and >= 1 person per month (see :data:`model.series.base.LOG_FLOOR`).
    """
    months = limits.months(months, _WHERE)
    shift = np.log(limits.finite(level, _WHERE, "level", minimum=np.finfo(float).tiny))
    trend = limits.finite(trend, _WHERE, "trend")
    n = limits.whole(n, _WHERE, "n", 1)
    opening = pd.Period(limits.month(start, _WHERE), freq="M")
    gap = (opening - fitted.end).n
    if gap < 1:
        raise InputError(_WHERE, "start", f"expected a month after the data's end ({fitted.end}), got {start!r}")
    steps = gap - 1 + months
    limits.memory(n * steps * (SHOCKS + 2), _WHERE, "n", "paths")
    first = limits.whole(first, _WHERE, "first", 0)
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(limits.seed(seed, _WHERE))
    key = sequence.generate_state(2, dtype=np.uint64)
    choice = _uniforms(key, 0, first, n)
    component_u, draw_u = choice[:, 0], choice[:, 1]
    normals = np.empty((n, steps, SHOCKS))
    for month in range(steps):  # filled in place: no list of months to stack
        ndtri(_uniforms(key, 1 + month, first, n)[:, :SHOCKS], out=normals[:, month])
    fits, weights = (fitted.fits, fitted.weights) if isinstance(fitted, Mixture) else ((fitted,), np.ones(1))
    which = np.minimum(np.searchsorted(np.cumsum(weights) / np.sum(weights), component_u, side="right"),
                       len(fits) - 1)
    logs = np.empty((n, steps))
    for j, component in enumerate(fits):
        rows = np.flatnonzero(which == j) if len(fits) > 1 else slice(None)
        index = (draw_u[rows] * component.n_draws).astype(np.int64)
        draws = {key: values[index] for key, values in component.draws.items()}
        logs[rows] = PROCESSES[component.process].log_paths(component, draws, steps, normals[rows])
    return counts(logs[:, gap - 1:] + shift + trend * np.arange(gap, gap + months))
