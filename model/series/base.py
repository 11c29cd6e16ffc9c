"""The contract of a fitted specification: posterior draws of a process's parameters, and how to step it on.

A *process* (``ar1``, ``local_level``) is a family of models of the log of a monthly count; a *specification*
(``ar1_trend``, ``local_level_drift``, ``persistence``, ...) is a way of fitting one to a record. Rules for
adding a process:

1. Write ``fit_*`` functions that return a :class:`Fit` whose ``draws`` hold equally weighted draws of
   the process's parameters (each an array of shape ``(D,)``, the same ``D`` for all), including any
   latent state at the data's end, so that a path needs nothing but one draw and its own shocks.
2. Write ``log_paths(fit, draws, steps, normals) -> (n, steps)``: the log counts of the ``steps`` months
   after ``fit.end``, one row per path, given one draw of each parameter per path (arrays of shape
   ``(n,)``) and standard normal shocks of shape ``(n, steps, SHOCKS)``. It must be vectorized over
   paths, use row ``i`` of its inputs only for path ``i`` (so that paths do not depend on how many are
   drawn), and draw no random numbers of its own.
3. Write ``describe(fit) -> list[Derived]``: the parameters an analyst reads (level at the data's end, trend,
   persistence, shock sizes), as draws with units, for the registry records.
4. Register the process in :data:`model.series.paths.PROCESSES` and its specifications in
   :data:`model.series.fit.SPECS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..inputs.limits import MAX_MAGNITUDE

#: Counts are kept within 1 person a month and ``MAX_MAGNITUDE``: a log-normal tail over many months (or a
#: posterior draw with ``phi`` next to 1, whose trend level divides by ``1 - phi``) could otherwise leave
#: the floats (0 or infinity). The record's counts are thousands a month, so on any horizon the model runs
#: neither bound is reached but by a vanishing share of paths.
LOG_FLOOR, LOG_CEILING = 0.0, float(np.log(MAX_MAGNITUDE))

#: Standard normal shocks each path draws per month, for every process (the most any process needs:
#: the damped trend uses one for its level, one for the measurement noise and one for its slope; the
#: local level the first two). Shock ``k`` of a path and month is the same number whatever ``SHOCKS`` is.
SHOCKS = 3


def counts(logs: np.ndarray) -> np.ndarray:
    """Persons per month from log counts, kept within ``[1, MAX_MAGNITUDE]`` (see :data:`LOG_FLOOR`)."""
    return np.exp(np.clip(logs, LOG_FLOOR, LOG_CEILING))


@dataclass(frozen=True)
class Fit:
    """A specification fitted to a record.

    Attributes
    ----------
    spec : str
        The specification's name (a key of :data:`model.series.fit.SPECS`).
    process : str
        The process its draws parameterize (a key of :data:`model.series.paths.PROCESSES`).
    series : str
        The record's name.
    first, end : pandas.Period
        The record's first month (time ``t = 0``) and its last (the origin of every path).
    last_log : float
        Log of the count in ``end`` (log persons per month).
    draws : dict[str, numpy.ndarray]
        Equally weighted draws of the parameters (shape ``(D,)`` each): posterior draws, or one draw
        repeated for a point estimate.
    method : str
        How the draws were made, in words (for the records' ``method``).
    bic : float
        Schwarz's criterion, ``-2 log L + k log m``, of the log values at the maximum likelihood (``m``
        the months the likelihood counts, ``k`` the parameters); NaN where not defined. Lower is better;
        it compares specifications of one process on one record (seasonal or not).
    """

    spec: str
    process: str
    series: str
    first: pd.Period
    end: pd.Period
    last_log: float
    draws: dict[str, np.ndarray]
    method: str
    bic: float = float("nan")

    def __repr__(self) -> str:
        return f"Fit({self.spec!r} of {self.series!r} {self.first} to {self.end}, {self.n_draws} draws)"

    @property
    def n_draws(self) -> int:
        return len(next(iter(self.draws.values())))

    @property
    def t_end(self) -> int:
        """Months from the first month of the record to its last."""
        return (self.end - self.first).n


@dataclass(frozen=True)
class Mixture:
    """Fits of one record combined: each path follows component ``j`` with probability ``weights[j]``."""

    fits: tuple[Fit, ...]
    weights: np.ndarray
    method: str = "mixture"

    def __repr__(self) -> str:
        parts = ", ".join(f"{f.spec} {w:.3f}" for f, w in zip(self.fits, self.weights))
        return f"Mixture({parts}; {self.series!r} through {self.end})"

    @property
    def end(self) -> pd.Period:
        return self.fits[0].end

    @property
    def series(self) -> str:
        return self.fits[0].series

    @property
    def spec(self) -> str:
        return "combined"


@dataclass(frozen=True)
class Derived:
    """One parameter an analyst reads, as draws: ``name``, ``unit`` (pint/CF style), ``draws`` (D,), meaning."""

    name: str
    unit: str
    draws: np.ndarray
    description: str
