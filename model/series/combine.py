"""Specifications combined by their out-of-sample scores: a mixture whose paths follow one component each.

Where no specification beats the others at every horizon of the rolling-origin backtest, the casualty
process is their mixture, weighted by the inverse of each one's mean CRPS over the backtest (each horizon
counting equally): a simple score-based weighting that, unlike stacking, needs no optimisation on the few
dozen scored months the record holds, and never puts all weight on one specification by chance. Where one
specification is best at every horizon it is used alone. A path of the mixture follows one component from
start to end (its parameters and shocks), so each path is a coherent draw of one process.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError
from .backtest import COMBINED, backtest, inverse_crps_weights
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


def dominant(scores: pd.DataFrame, specs=COMBINED) -> str | None:
    """The spec of ``specs`` with the lowest mean CRPS at every horizon of ``scores``, if one is."""
    table = scores[scores["spec"].isin(specs)].groupby(["horizon", "spec"])["crps"].mean().unstack()
    best = set(table.idxmin(axis=1))
    return best.pop() if len(best) == 1 else None


def combination(record: Record, scores: pd.DataFrame | None = None, specs=COMBINED, n_draws: int = N_DRAWS,
                seed: int = 0) -> Mixture:
    """The casualty process fitted to all of ``record``: ``specs`` weighted by ``scores`` (a backtest of the
    record, run if not given), or the dominant spec alone (weight 1)."""
    if scores is None:
        scores = backtest(record, specs, combine=False, seed=seed)
    winner = dominant(scores, specs)
    weights = inverse_crps_weights(scores, specs) if winner is None else \
        pd.Series([float(s == winner) for s in specs], index=list(specs))
    return mixture(tuple(fit(record, spec, n_draws, seed) for spec in specs), weights.reindex(list(specs)))
