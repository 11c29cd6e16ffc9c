"""Monthly paths of a fitted process, for the Monte Carlo: each path its own parameters, then its own shocks.

:func:`draw_paths` is vectorized over paths (one Python step per month at most). Its randomness comes
from one ``numpy.random.SeedSequence`` per call, spawned into one stream per role (which component of a
mixture, which posterior draw, the monthly shocks); each stream fills its array path by path, in order.
So a path depends only on the seed and its own index: the first ``k`` paths of a draw of ``n`` are the
paths of a draw of ``k`` (chunk invariance), and batches can be drawn in pieces.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from ..inputs import limits
from . import ar1, local_level
from .base import SHOCKS, Fit, Mixture, counts

#: Each process's module: ``log_paths`` (fit, draws (n,), steps, normals (n, steps, SHOCKS) -> log counts
#: (n, steps)) and ``describe`` (fit -> the parameters an analyst reads); see :mod:`model.series.base`.
PROCESSES = {"ar1": ar1, "local_level": local_level}
_WHERE = "model.series.draw_paths"


def draw_paths(fitted: Fit | Mixture, start: str, months: int, n: int, seed: int = 0, *, level: float = 1.0,
               trend: float = 0.0) -> np.ndarray:
    """``n`` monthly paths of ``months`` months from ``start``, in persons per month, shape ``(n, months)``.

    Each path draws one set of parameters from the fit's posterior draws (and, for a :class:`Mixture`, its
    component by the weights), starts from the state at the data's end (``fitted.end``), and steps
    forward month by month with its own shocks; the months between the data's end and ``start`` are
    stepped through and dropped. ``start`` must be after the data's end.

    A scenario is an explicit shift of the process: ``level`` (a factor, > 0) multiplies every path, and
    ``trend`` (1/month) adds ``trend x k`` to its log ``k`` months after the data's end; the shocks are
    those of the unshifted paths with the same seed.

    Values are finite and >= 1 person per month (see :data:`model.series.base.LOG_FLOOR`).
    """
    months = limits.months(months, _WHERE)
    shift = np.log(limits.finite(level, _WHERE, "level", minimum=np.finfo(float).tiny))
    trend = limits.finite(trend, _WHERE, "trend")
    n = limits.whole(n, _WHERE, "n", 1)
    first = pd.Period(limits.month(start, _WHERE), freq="M")
    gap = (first - fitted.end).n
    if gap < 1:
        raise InputError(_WHERE, "start", f"expected a month after the data's end ({fitted.end}), got {start!r}")
    steps = gap - 1 + months
    limits.memory(n * steps * (SHOCKS + 2), _WHERE, "n", "paths")
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(limits.seed(seed, _WHERE)).spawn(3)]
    component_u, draw_u = streams[0].random(n), streams[1].random(n)
    normals = streams[2].standard_normal((n, steps * SHOCKS)).reshape(n, steps, SHOCKS)
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
