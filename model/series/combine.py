"""Specifications combined by their out-of-sample scores: a mixture whose paths follow one component each.

The specifications are mixed, weighted by the inverse of each one's mean CRPS over the rolling-origin
backtest (each horizon counting equally; :func:`model.series.backtest.score_weights`): a simple
score-based weighting that, unlike stacking, needs no optimisation on the few dozen overlapping scored
months the record holds, and puts no weight on one specification by chance. A specification beaten at every
horizon by another keeps its weight by default, since its errors may offset the others';
``weighting="drop"`` leaves such specifications out (and so uses alone one that beats all others).
docs/CASUALTIES.md compares the two out of sample. A path of the mixture follows one component
from start to end (its parameters and shocks), so each path is a coherent draw of one process.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .backtest import COMBINED, backtest, score_weights
from .base import Fit, Mixture
from .fit import N_DRAWS, fit
from .record import Record

_WHERE = "model.series.combine"


def mixture(fits: tuple[Fit, ...], weights) -> Mixture:
    """The mixture of ``fits`` (one record, one end) with ``weights`` (finite, >= 0, not all 0; normalised)."""
    fits = tuple(fits)
    weights = np.asarray(weights, dtype=float)
    if not fits or weights.shape != (len(fits),):
        raise InputError(_WHERE, "weights", f"expected one weight per fit ({len(fits)}), got {weights.shape}")
    if not (np.all(np.isfinite(weights)) and np.all(weights >= 0) and weights.sum() > 0):
        raise InputError(_WHERE, "weights", f"expected finite weights >= 0, not all 0, got {weights.tolist()}")
    if len({(f.series, f.end) for f in fits}) > 1:
        raise InputError(_WHERE, "fits", "expected fits of one record through one month, got "
                                         + ", ".join(f"{f.series} through {f.end}" for f in fits))
    return Mixture(fits, weights / weights.sum(), "mixture weighted by inverse mean CRPS of the rolling-origin "
                                                 "backtest")


def combination(record: Record, scores: pd.DataFrame | None = None, specs=COMBINED, n_draws: int = N_DRAWS,
                seed: int = 0, weighting: str = "inverse") -> Mixture:
    """The casualty process fitted to all of ``record``: ``specs`` weighted by their ``scores`` (a backtest of
    the record, run if not given; see :func:`model.series.backtest.score_weights`)."""
    if scores is None:
        scores = backtest(record, specs, combine=False, seed=seed)
    weights = score_weights(scores, specs, weighting)
    return mixture(tuple(fit(record, spec, n_draws, seed) for spec in specs), weights.to_numpy())
