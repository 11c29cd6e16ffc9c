"""The model's own forecasts of the record's other series, calibrated at each origin on what was published by then.

At a forecast origin ``T`` the calibration (:mod:`model.calibration.posterior`) weighs one shared prior sample of
the hindcast by the observations published by then only (:func:`statement_published`); the forecast of a
series is the model's monthly value in the runs drawn by those weights, seen through the series' stated
measurement error. The benchmark is the same model with its prior alone (uniform weights): the backtest then
measures what calibrating to the record adds.

Which series, and why these only. **Recruitment statements** (``recruitment_independent``): in the hindcast
the recruitment of a month depends on the parameters and the schedules of the sources, not on the casualties
(casualties are exogenous there; ``tests/calibration/test_model_forecasts.py`` checks that scaling the
casualty record leaves recruitment unchanged), so the record-driven hindcast forecasts recruitment after ``T``
without looking at casualties after ``T``. **Statements of the force's size** depend on the casualties after
the origin, which a forecast must draw from the casualty process fitted at ``T``; the engine cannot yet take
a process refitted per origin, so they are not scored (stated in the backtest's notes, not hidden). Annual
contract claims are not monthly series and are left out too.

Publication (an assumption, :data:`STATEMENT_LAG`): a statement is taken as known at the end of the month
after the month of its (last) date, so at origin ``T`` (the end of month ``T + 1``) the statements dated up to
month ``T`` are known; the rule errs on the side of knowing less.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..inputs.observed import load_observed
from ..inputs.posterior import inputs_digest
from .forecasters import BacktestSeries, Observed
from .hindcast import config_path, configured_through, hindcast_params, load_config
from .posterior import PriorRuns, importance_weights, simulate_prior
from .targets import Target, build_targets

#: Months from the month of a statement's date to its assumed publication (at that month's end).
STATEMENT_LAG = 1
#: Prior runs shared by every origin (about a tenth carry weight: thousands of effective draws).
N_PRIOR = 40_000
#: The recruitment statements scored, and the model output they measure.
RECRUITMENT, OUTPUT = "recruitment_independent", "recruitment"


def statement_published(target: Target) -> pd.Timestamp:
    """When ``target`` is taken as known: the end of the month :data:`STATEMENT_LAG` after its last date."""
    return (target.dates[-1].to_period("M") + STATEMENT_LAG).end_time.normalize()


def known_by(origin: pd.Period) -> pd.Timestamp:
    """The date a forecast at ``origin`` is made: when month ``origin``'s casualty figure is out (its month's end
    after the same lag), so every series uses one clock."""
    return (origin + STATEMENT_LAG).end_time.normalize()


@dataclass(frozen=True)
class CalibratedForecaster:
    """Forecasts of ``output`` (summed over sources, persons per month) from prior ``runs`` weighted by the
    ``targets`` published by the origin (``calibrated``), or unweighted (the prior benchmark), with lognormal
    measurement error of relative sd ``relative_sd``. ``known`` (the forecast series' own published points) is
    not used: its points are among ``targets``, filtered by the same publication rule."""

    runs: PriorRuns
    targets: tuple[Target, ...]
    party_bias_sd: float
    relative_sd: float
    output: str = OUTPUT
    calibrated: bool = True

    def weights(self, origin: pd.Period) -> np.ndarray:
        now = known_by(origin)
        usable = [i for i, t in enumerate(self.targets) if statement_published(t) <= now]
        n = len(self.runs.simulated)
        if not self.calibrated or not usable:
            return np.full(n, 1.0 / n)
        runs = replace(self.runs, simulated=self.runs.simulated[:, usable])
        weights, _ = importance_weights(runs, [self.targets[i] for i in usable], self.party_bias_sd)
        return weights

    def __call__(self, known: pd.Series, origin: pd.Period, months: int, n: int,
                 seed: np.random.SeedSequence) -> np.ndarray:
        rng = np.random.default_rng(seed)
        chosen = rng.choice(len(self.runs.simulated), size=n, p=self.weights(origin))
        monthly = self.runs.monthly[self.output]
        first = pd.Period(self.runs.start, freq="M")
        index = np.arange(months) + (origin + 1 - first).n
        # Months past the hindcast's end hold its last month: nothing is recorded there to score them against.
        values = monthly[chosen][:, np.minimum(index, monthly.shape[1] - 1)]
        return values * np.exp(rng.normal(0.0, self.relative_sd, size=values.shape))


@lru_cache(maxsize=2)
def _prior_runs(folder: str | None, digest: str, n_prior: int, seed: int) -> tuple[PriorRuns, tuple[Target, ...]]:
    """The shared prior sample of the hindcast and the calibration's targets, simulated once per folder while its
    inputs (``digest``) are unchanged: every backtest of the same record reuses them."""
    config = load_config(folder)
    params, start, months = hindcast_params(config, folder=folder)
    targets = tuple(build_targets(config, load_observed(folder), start, months))
    runs = simulate_prior(params, list(targets), start, configured_through(config, folder), months, n_prior, seed,
                          keep=(OUTPUT,))
    return runs, targets


def recruitment_series(folder: str | Path | None = None, n_prior: int = N_PRIOR, seed: int = 0) -> BacktestSeries:
    """The recruitment statements, forecast by the model calibrated at each origin and by its prior."""
    config = load_config(folder)
    observed = load_observed(folder)
    root = config_path(folder).parent.parent
    runs, targets = _prior_runs(None if folder is None else str(folder), inputs_digest(root), n_prior, seed)
    series = observed[RECRUITMENT]
    points = series.data["value"]
    months_index = pd.PeriodIndex(points.index.to_period("M"))
    published = pd.Series([(m + STATEMENT_LAG).end_time.normalize() for m in months_index], index=months_index)
    known = Observed(RECRUITMENT, "Russian recruitment per month (independent estimates)",
                     pd.Series(points.to_numpy(), index=months_index), published,
                     f"each statement taken as published at the end of the month after its date (STATEMENT_LAG = "
                     f"{STATEMENT_LAG})")
    common = dict(runs=runs, targets=targets, party_bias_sd=config.party_bias_sd,
                  relative_sd=series.meta.uncertainty)
    forecasters = {"model": CalibratedForecaster(**common), "prior": CalibratedForecaster(**common, calibrated=False)}
    note = ("model: the hindcast's recruitment, its parameters weighted at each origin by every statement published "
            f"by then ({n_prior:,} prior runs); prior: the same model uncalibrated. Force statements are not scored: "
            "a forecast of them needs the casualty process refitted at each origin inside the engine")
    return BacktestSeries(known, forecasters, "model", ("prior",), (), note, min_known=0)
