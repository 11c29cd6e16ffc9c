"""What a backtest scores: observed series with publication dates, and the forecasters of each.

An :class:`Observed` series holds monthly values (persons per month) and, for each, the date it was published.
A backtest at origin ``T`` hands a forecaster only the points published by the date month ``T``'s own figure
was (:meth:`Observed.known_at`): the forecaster never sees the rest of the series, so no look-ahead is possible
whatever it does. A :class:`Forecaster` is any callable ``(known, origin, months, n, seed) -> (n, months)``
predictive draws (persons per month) of the ``months`` months after ``origin``.

Rules for adding a series (the lead's model-based forecasts of recruitment and force statements, say):

1. Build an :class:`Observed` with the series' points and each point's publication date (where a date
   cannot be pinned down, state the rule assumed, as :data:`PUBLICATION_LAG` does for the casualties).
2. Write its forecasters: the model's (``subject``) and the benchmarks it must beat, each a
   :class:`Forecaster` that uses nothing but ``known`` (and evidence dated by the origin).
3. State its :class:`Target` s and register it in :func:`registry`.

Publication dates of the casualty record (:data:`PUBLICATION_LAG`). The monthly figures in
``params/observed/uk_mod_monthly_casualties.csv`` come from one UK Ministry of Defence infographic of January
2025 that lists every month's average daily casualties. The compilation itself postdates every origin; the
counts it relays are the Ukrainian General Staff's, announced day by day during the war, so each month's
total could be formed once the month was over. We take each month's figure as available at the end of the
month after it (a month's margin for the relay), and assume the compilation did not revise them: the stored
record cannot check that. So a backtest at origin ``T`` (forecast made when month ``T``'s figure came out, at
the end of month ``T + 1``) uses the months up to ``T`` only and forecasts ``T + 1`` onwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from ..errors import InputError
from ..series import draw_paths, fit, mixture
from ..series.record import CASUALTY_SERIES, MIN_MONTHS, as_record, load_record
from ..series.stored import load_process

#: Months between the end of a month and the publication of its casualty figure (see the module's docstring).
PUBLICATION_LAG = 1
#: The fewest known months a forecaster is given (the fewest :mod:`model.series` fits).
MIN_KNOWN = MIN_MONTHS


@dataclass(frozen=True)
class Observed:
    """One observed monthly series, each point with its publication date.

    Attributes
    ----------
    name : str
        The series' name (``params/observed/series.yaml``).
    label : str
        What it counts, for people ("Russian casualties per month").
    values : pandas.Series
        Persons per month, indexed by monthly ``Period``, oldest first; months without a point are absent.
    published : pandas.Series
        The date (``Timestamp``) each value was published, same index as ``values``.
    assumption : str
        How the publication dates were set, in words.
    """

    name: str
    label: str
    values: pd.Series
    published: pd.Series
    assumption: str

    def __post_init__(self):
        if not self.values.index.equals(self.published.index):
            raise InputError(self.name, "published", "expected one publication date per value")

    @property
    def end(self) -> pd.Period:
        return self.values.index[-1]

    def known_at(self, origin: pd.Period) -> pd.Series:
        """The values published by the date month ``origin``'s figure was (all, if ``origin`` has no point):
        what a forecaster at ``origin`` may use."""
        when = (self.published.get(origin) if origin in self.published.index
                else (origin + PUBLICATION_LAG).end_time.normalize())
        return self.values[self.published <= when]

    def perturbed_after(self, origin: pd.Period, factors: np.ndarray) -> Observed:
        """The series with each value after ``origin`` multiplied by ``factors`` (for look-ahead tests)."""
        values = self.values.copy()
        after = values.index > origin
        values[after] = values[after].to_numpy() * factors
        return Observed(self.name, self.label, values, self.published, self.assumption)


def monthly_observed(values: pd.Series, name: str, label: str, lag: int = PUBLICATION_LAG) -> Observed:
    """``values`` (persons per month by month) with each month published at the end of the month ``lag`` after it."""
    record = as_record(values, name)
    published = pd.Series([(m + lag).end_time.normalize() for m in record.months], index=record.months)
    after = "the month after it" if lag == 1 else f"the month {lag} after it"
    assumption = f"each month's figure is taken as published at the end of {after}"
    return Observed(name, label, pd.Series(record.values, index=record.months), published, assumption)


class Forecaster(Protocol):
    """Predictive draws of a series: ``(known, origin, months, n, seed) -> (n, months)`` persons per month of
    months ``origin + 1 .. origin + months``, from ``known`` (the values published by the origin) only."""

    def __call__(self, known: pd.Series, origin: pd.Period, months: int, n: int,
                 seed: np.random.SeedSequence) -> np.ndarray: ...


@dataclass(frozen=True)
class ProcessForecaster:
    """The specifications ``specs`` with ``weights`` (a mixture; one spec with weight 1 is that spec alone),
    each refitted to the known record at every origin, ``n_draws`` posterior draws with seed ``fit_seed``."""

    specs: tuple[str, ...]
    weights: tuple[float, ...]
    n_draws: int = 4000
    fit_seed: int = 0

    def __call__(self, known: pd.Series, origin: pd.Period, months: int, n: int,
                 seed: np.random.SeedSequence) -> np.ndarray:
        record = as_record(known, "known record")
        fits = tuple(fit(record, spec, self.n_draws, self.fit_seed) for spec in self.specs)
        return draw_paths(mixture(fits, np.array(self.weights)), str(origin + 1), months, n, seed)


@dataclass(frozen=True)
class Target:
    """A target a forecaster should meet: ``measure`` (a column of the backtest's table) at ``horizon`` (``"6"``
    for that month ahead, ``"1-12"`` for months 1 to 12 pooled) satisfying ``holds``, stated as ``statement``."""

    statement: str
    measure: str
    horizon: str
    wanted: str
    holds: Callable[[float], bool]


@dataclass(frozen=True)
class BacktestSeries:
    """A series to backtest: its observed points, its forecasters (``subject`` the model's, the rest
    benchmarks), the benchmarks skill is measured against, and its targets."""

    observed: Observed
    forecasters: dict[str, Forecaster]
    subject: str
    benchmarks: tuple[str, ...]
    targets: tuple[Target, ...] = field(default=())
    note: str = ""
    #: The fewest points its forecasters need published by the first origin (0: the model needs none).
    min_known: int = MIN_KNOWN
    #: Statements at a few dates: an origin may have nothing after it to score (not an error).
    sparse: bool = False

    def __post_init__(self):
        missing = [name for name in (self.subject, *self.benchmarks) if name not in self.forecasters]
        if missing:
            raise InputError(self.observed.name, "forecasters", f"expected a forecaster named {missing[0]!r}")


#: The issue's targets for the casualty series (issue 12, item 4).
CASUALTY_TARGETS = (
    Target("90% bands cover at least 80% of held-back monthly points", "cover90", "1-12", ">= 0.80",
           lambda v: v >= 0.80),
    Target("50% bands cover between 35% and 65% of held-back monthly points", "cover50", "1-12", "0.35-0.65",
           lambda v: 0.35 <= v <= 0.65),
    Target("CRPS better than persistence at 6 months", "crps_vs_persistence", "6", "< 1", lambda v: v < 1),
    Target("CRPS better than persistence at 12 months", "crps_vs_persistence", "12", "< 1", lambda v: v < 1),
)
#: The naive benchmarks of every series, as model.series fits them.
NAIVE = ("persistence", "trailing_mean")


def casualty_series(folder: str | Path | None = None, values: pd.Series | None = None) -> BacktestSeries:
    """The monthly casualty record (or ``values`` in its place) with the stored process (its specifications and
    weights, as ``params/observed/casualty_process.yaml`` records them, refitted at each origin) and the naive
    benchmarks persistence and trailing 12-month mean."""
    _, process = load_process(folder)
    record = load_record(CASUALTY_SERIES, folder) if values is None else as_record(values, CASUALTY_SERIES)
    observed = monthly_observed(record.to_series(), CASUALTY_SERIES, "Russian casualties (killed and wounded)")
    forecasters = {"process": ProcessForecaster(tuple(f.spec for f in process.fits),
                                                tuple(float(w) for w in process.weights),
                                                process.fits[0].n_draws)}
    forecasters |= {name: ProcessForecaster((name,), (1.0,), 1) for name in NAIVE}
    note = (f"process: {process.method.split(':')[0]}, chosen by a backtest of the whole record "
            "(docs/CASUALTIES.md), so its choice is not out of sample; its priors are generic, not dated")
    return BacktestSeries(observed, forecasters, "process", NAIVE, CASUALTY_TARGETS, note)


def registry(folder: str | Path | None = None) -> dict[str, BacktestSeries]:
    """Every series the backtest scores, by name: the casualty record, and the recruitment statements forecast by
    the model calibrated at each origin (:mod:`model.calibration.model_forecasts`)."""
    from .model_forecasts import force_series, recruitment_series, with_model  # the prior sample: built when scored

    return {series.observed.name: series for series in (with_model(casualty_series(folder), folder),
                                                        recruitment_series(folder), force_series(folder))}
