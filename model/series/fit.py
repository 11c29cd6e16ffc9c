"""Fit a specification to a monthly record: the one entry point, and the table of specifications.

>>> from model.series import fit, load_record
>>> fitted = fit(load_record(), "local_level_drift", seed=0)
>>> fitted.draws["drift"].mean()  # log per month

Specifications (:data:`SPECS`): ``ar1_trend`` and ``ar1_seasonal`` (:mod:`model.series.ar1`),
``local_level`` and ``local_level_drift`` (:mod:`model.series.local_level`), ``damped_trend``
(:mod:`model.series.damped`), and the naive forecasters
``persistence`` and ``trailing_mean`` (:mod:`model.series.naive`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..errors import InputError
from ..inputs import limits
from . import ar1, damped, local_level, naive
from .base import Fit
from .record import Record, as_record

#: Each specification: record, draws wanted, generator -> fit.
SPECS: dict[str, Callable[[Record, int, np.random.Generator], Fit]] = {
    "ar1_trend": lambda record, n, rng: ar1.fit(record, False, n, rng),
    "ar1_seasonal": lambda record, n, rng: ar1.fit(record, True, n, rng),
    "local_level": lambda record, n, rng: local_level.fit(record, False, n, rng),
    "local_level_drift": lambda record, n, rng: local_level.fit(record, True, n, rng),
    "damped_trend": lambda record, n, rng: damped.fit(record, n, rng),
    "persistence": lambda record, n, rng: naive.persistence(record),
    "trailing_mean": lambda record, n, rng: naive.trailing_mean(record),
}
#: The statistical specifications (with estimation uncertainty), and the naive forecasters they must beat.
MODELS = ("ar1_trend", "ar1_seasonal", "local_level", "local_level_drift", "damped_trend")
NAIVE = ("persistence", "trailing_mean")
#: Posterior draws kept by default: enough that each path of a large Monte Carlo batch picks among many.
N_DRAWS = 4000
_MAX_DRAWS = 1_000_000


def fit(record: Record | pd.Series, spec: str = "local_level_drift", n_draws: int = N_DRAWS, seed: int = 0) -> Fit:
    """Fit ``spec`` to ``record`` (a :class:`Record` or a Series indexed by month, checked by :func:`as_record`).

    Parameters
    ----------
    record : Record or pandas.Series
        Monthly counts (persons per month), consecutive months, each > 0.
    spec : str
        A key of :data:`SPECS`.
    n_draws : int
        Posterior draws to keep (naive forecasters keep one).
    seed : int
        Seed of the posterior draws: the same seed, the same draws.
    """
    where = "model.series.fit"
    if spec not in SPECS:
        raise InputError(where, "spec", f"expected one of {', '.join(SPECS)}, got {spec!r}")
    n_draws = limits.whole(n_draws, where, "n_draws", 1, _MAX_DRAWS)
    rng = np.random.default_rng(limits.seed(seed, where))
    return SPECS[spec](record if isinstance(record, Record) else as_record(record), n_draws, rng)
