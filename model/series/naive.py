"""The two naive forecasters every specification must beat, as degenerate fits of the two processes.

``persistence``
    The last month held: a random walk in logs from the last month's count, without drift or noise, whose
    monthly step has the record's historical log-volatility (the standard deviation of its month-to-month
    log changes), so the ``h``-month band widens as ``sqrt(h)``.
``trailing_mean``
    The mean of the last 12 months held: each future month independently log-normal around that mean's
    log, with the spread of the last 12 months' logs.

Each is one point estimate (no estimation uncertainty), stored as a single draw, so that paths, scores and
backtests treat them exactly as the fitted specifications.
"""

from __future__ import annotations

import numpy as np

from .base import Fit
from .record import Record

#: Months in the trailing mean.
WINDOW = 12


def _fit(record: Record, spec: str, process: str, draws: dict[str, float], method: str) -> Fit:
    return Fit(spec, process, record.name, record.months[0], record.end, float(record.logs[-1]),
               {key: np.array([value], dtype=float) for key, value in draws.items()}, method)


def persistence(record: Record) -> Fit:
    """The last month held, with the record's month-to-month log-volatility."""
    y = record.logs
    return _fit(record, "persistence", "local_level",
                {"level": y[-1], "drift": 0.0, "sigma_level": np.std(np.diff(y), ddof=1), "sigma_noise": 0.0},
                "persistence: the last month held, random-walk band from the sd of monthly log changes")


def trailing_mean(record: Record) -> Fit:
    """The mean of the last :data:`WINDOW` months held, with the spread of their logs."""
    window = record.values[-WINDOW:]
    return _fit(record, "trailing_mean", "ar1",
                {"c": np.log(window.mean()), "d": 0.0, "phi": 0.0, "sigma": np.std(np.log(window), ddof=1),
                 "g_sin": 0.0, "g_cos": 0.0},
                f"trailing {WINDOW}-month mean held, log-normal band from the sd of those months' logs")
