"""The model's own forecasts of the record's other series, calibrated at each origin on what was published by then.

At a forecast origin ``T`` the calibration (:mod:`model.calibration.posterior`) weighs a prior sample of the
hindcast as known at ``T`` (its scheduled events that started by then only, the call-ups that recur by law
expected at the last decreed sizes: :func:`hindcast_known_at`) by the
observations published by then only (:func:`statement_published`); the forecast of a
series is the model's monthly value in the runs drawn by those weights, seen through the series' stated
measurement error. The benchmark is the same model with its prior alone (uniform weights): the backtest then
measures what calibrating to the record adds.

Which series, and why these only. **Recruitment statements** (``recruitment_independent``): in the hindcast
the recruitment of a month depends on the parameters and the schedules of the sources, not on the casualties
(casualties are exogenous there; ``tests/calibration/test_model_forecasts.py`` checks that scaling the
casualty record leaves recruitment unchanged), so the record-driven hindcast forecasts recruitment after ``T``
without looking at casualties after ``T``. **Statements of the force's size** and **the casualties
themselves** depend on the casualties after the origin, which a forecast draws from the casualty process
refitted at ``T`` (:class:`DrivenForecaster`: each run its own path, as the projection's exogenous level, so
that the war zone's depletion lowers it as in a projection). Annual contract claims are not monthly series and
are left out.

Publication (an assumption, :data:`STATEMENT_LAG`): a statement is taken as known at the end of the month
after the month of its (last) date, so at origin ``T`` (the end of month ``T + 1``) the statements dated up to
month ``T`` are known; the rule errs on the side of knowing less. What cannot be dated back: the priors (the
registry's ranges, and the hindcast's starting force of January 2023) were set with evidence through 2024, so at
the 2023 origins they may carry knowledge not yet published then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.defaults import DEFAULT_DT
from ..dynamics.equations import CASUALTIES0, FRONT_START, Inputs
from ..inputs import limits
from ..inputs.observed import load_observed
from ..inputs.parameters import ParameterSet
from ..inputs.posterior import inputs_digest
from ..inputs.registry import Event
from ..results.lean import Selection, checked_inputs, integrate_inputs, result_values
from .forecasters import BacktestSeries, Forecaster, Observed, casualty_series
from .hindcast import configured_through, hindcast_params, load_config
from .likelihood import log_gaps
from .posterior import PriorRuns, importance_weights, simulate_prior
from .targets import Target, build_targets

#: Months from the month of a statement's date to its assumed publication (at that month's end).
STATEMENT_LAG = 1
#: Prior runs at each origin (about a tenth carry weight: thousands of effective draws).
N_PRIOR = 20_000
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
    """Forecasts of ``output`` (summed over the sources the statements count, :func:`recruitment_target`; persons
    per month) from prior ``runs`` weighted by the
    ``targets`` published by the origin (``calibrated``), or unweighted (the prior benchmark), with lognormal
    measurement error of relative sd ``relative_sd``. ``known`` (the forecast series' own published points) is
    not used: its points are among ``targets``, filtered by the same publication rule."""

    runs: PriorRuns | Callable[[pd.Period], PriorRuns]
    targets: tuple[Target, ...]
    party_bias_sd: float
    relative_sd: float
    output: str = OUTPUT
    calibrated: bool = True

    def runs_at(self, origin: pd.Period) -> PriorRuns:
        """The prior runs a forecast at ``origin`` weighs: ``runs`` itself, or (a function) the runs of the hindcast
        as known at the origin (:func:`hindcast_known_at`)."""
        return self.runs(origin) if callable(self.runs) else self.runs

    def weights(self, origin: pd.Period) -> np.ndarray:
        """The prior runs' weights at ``origin``: the posterior given what was published by then, or (the prior,
        or nothing published yet) equal weights over the runs inside the parameter constraints."""
        now = known_by(origin)
        usable = [i for i, t in enumerate(self.targets) if statement_published(t) <= now]
        prior = self.runs_at(origin)
        if not self.calibrated or not usable:
            inside = np.isfinite(prior.simulated).all(axis=1)
            return inside / inside.sum()
        runs = replace(prior, simulated=prior.simulated[:, usable])
        weights, _ = importance_weights(runs, [self.targets[i] for i in usable], self.party_bias_sd)
        return weights

    def __call__(self, known: pd.Series, origin: pd.Period, months: int, n: int,
                 seed: np.random.SeedSequence) -> np.ndarray:
        rng = np.random.default_rng(seed)
        runs = self.runs_at(origin)
        chosen = rng.choice(len(runs.simulated), size=n, p=self.weights(origin))
        monthly = runs.monthly[self.output]
        first = pd.Period(runs.start, freq="M")
        index = np.arange(months) + (origin + 1 - first).n
        # Months past the hindcast's end hold its last month: nothing is recorded there to score them against.
        values = monthly[chosen][:, np.minimum(index, monthly.shape[1] - 1)]
        return values * np.exp(rng.normal(0.0, self.relative_sd, size=values.shape))


#: Scheduled events that recur by law, two call-ups a year: a forecaster at any date expects the next ones, at the
#: sizes of the last decrees (the registry's own rule for the campaigns after its evidence ends).
RECURRING = ("conscription.campaigns",)


def hindcast_known_at(params: ParameterSet, cutoff: str) -> ParameterSet:
    """The hindcast's parameters as known at the end of month ``cutoff``: its scheduled events (roundups, tranches,
    waves) that start after it removed, since a forecaster then could not have known them, except those that recur
    by law (:data:`RECURRING`), which a forecaster expects: each later one takes the size and length of the last
    event known by then in the same calendar month. The recorded casualties are kept (only months up to the origin
    drive what is weighed)."""
    known = {key: _known_events(params.value(key), cutoff, key in RECURRING) for key in params
             if key != "casualties.recorded" and isinstance(params.value(key), tuple)}
    changed = {key: events for key, events in known.items() if events != params.value(key)}
    return params.with_values(changed, where=f"events known by {cutoff}", kind="search") if changed else params


def _known_events(events: tuple[Event, ...], cutoff: str, recurring: bool) -> tuple[Event, ...]:
    """``events`` that start by ``cutoff``; if ``recurring``, each later one as the last known of its calendar
    month repeated at its own start."""
    known = tuple(e for e in events if e.start <= cutoff)
    if not recurring:
        return known
    last = {e.start[5:]: e for e in known}  # by calendar month ('04', '10'), the latest decree
    return known + tuple(last[e.start[5:]].model_copy(update={"start": e.start}) for e in events
                         if e.start > cutoff and e.start[5:] in last)


@lru_cache(maxsize=16)
def _prior_runs(folder: str | None, digest: str, n_prior: int, seed: int,
                cutoff: str | None = None) -> tuple[PriorRuns, tuple[Target, ...]]:
    """The prior sample of the hindcast (with the events known at ``cutoff``, if given) and the calibration's
    targets, simulated once per folder and cutoff while its inputs (``digest``) are unchanged."""
    config = load_config(folder)
    params, start, months = hindcast_params(config, folder=folder)
    if cutoff is not None:
        params = hindcast_known_at(params, cutoff)
    targets = calibration_targets(folder)
    runs = simulate_prior(params, list(targets), start, configured_through(config, folder), months, n_prior, seed,
                          keep={OUTPUT: recruitment_target(targets)})
    return runs, targets


def recruitment_target(targets: tuple[Target, ...]) -> Target:
    """A target of the recruitment statements: what a forecast of them keeps (the model's recruitment of the
    sources the statements count), so that the forecast and the calibration compare like with like."""
    return next(t for t in targets if t.series == RECRUITMENT)


def calibration_targets(folder: str | Path | None = None) -> tuple[Target, ...]:
    """The calibration's observations over the whole hindcast (each a forecaster filters by publication)."""
    config = load_config(folder)
    _, start, months = hindcast_params(config, folder=folder)
    return tuple(build_targets(config, load_observed(folder), start, months))


def _runs_by_origin(folder: str | Path | None, n_prior: int, seed: int) -> Callable[[pd.Period], PriorRuns]:
    """The prior runs of the hindcast as known at each origin (:func:`hindcast_known_at`), simulated on demand."""
    name, digest = None if folder is None else str(folder), inputs_digest(folder)
    return lambda origin: _prior_runs(name, digest, n_prior, seed, str(origin))[0]


def _model_series(name: str, label: str, note: str, forecaster: type[CalibratedForecaster],
                  folder: str | Path | None, n_prior: int, seed: int, **extra) -> BacktestSeries:
    """Statements of series ``name`` forecast by ``forecaster`` calibrated at each origin (``model``) and by the
    same forecaster uncalibrated (``prior``, the benchmark); ``extra`` are the forecaster's own fields."""
    series = load_observed(folder)[name]
    common = dict(runs=_runs_by_origin(folder, n_prior, seed), targets=calibration_targets(folder),
                  party_bias_sd=load_config(folder).party_bias_sd, relative_sd=series.meta.uncertainty, **extra)
    forecasters = {"model": forecaster(**common), "prior": forecaster(**common, calibrated=False)}
    return BacktestSeries(_statements(series, label), forecasters, "model", ("prior",), (), note, min_known=0,
                          sparse=True)


def recruitment_series(folder: str | Path | None = None, n_prior: int = N_PRIOR, seed: int = 0) -> BacktestSeries:
    """The recruitment statements, forecast by the model calibrated at each origin and by its prior."""
    note = ("model: the hindcast's recruitment, its parameters weighted at each origin by every statement published "
            f"by then ({n_prior:,} prior runs); prior: the same model uncalibrated")
    return _model_series(RECRUITMENT, "Russian recruitment per month (independent estimates)", note,
                         CalibratedForecaster, folder, n_prior, seed)


#: The force statements scored.
FORCE = "force_in_ukraine_ua"


@dataclass(frozen=True)
class DrivenForecaster(CalibratedForecaster):
    """Forecasts of what the model does after the origin: the hindcast's runs drawn as :class:`CalibratedForecaster`
    draws them, driven by the casualties recorded up to the origin and then each by its own path of the casualty
    process refitted to the record known at the origin (``process``, the casualty series' own forecaster). After
    the origin the path is the exogenous casualty level of the projection (``casualties.process`` = trend,
    scaled month by month), not a record: as in a projection, it falls where the war zone has shrunk below its
    strength at the origin (``casualties.depletion_elasticity``), so the backtest scores the model that
    forecasts, depletion included."""

    casualties: Observed | None = None
    process: Forecaster | None = None

    def driven(self, chosen: np.ndarray, origin: pd.Period, seed: np.random.SeedSequence,
               variables: tuple[str, ...]) -> dict[str, np.ndarray]:
        """``variables`` of the ``chosen`` runs over the hindcast's span (run axis last), driven as the class says."""
        runs = self.runs_at(origin)
        first, last = pd.Period(runs.start, freq="M"), pd.Period(runs.through, freq="M")
        span = (last - first).n + 1
        # The drawn values and their layout, the casualty paths, the outputs: refused before any is allocated.
        limits.memory(len(chosen) * (2 * len(runs.values) + 2 * span)
                      + result_values(len(chosen), span, DEFAULT_DT, variables),
                      "backtest", "n", f"{len(chosen):,} model runs of {span} months")
        record = self.casualties.known_at(origin)
        drive = tuple(Event(start=str(m), size=float(v), months=1) for m, v in record[record.index >= first].items())
        batch = runs.params.with_values(
            {**{k: v[chosen] for k, v in runs.values.items()}, "casualties.recorded": drive,
             "casualties.process": "trend", "casualties.growth_rate": 0.0},
            where=f"forecast at {origin}", kind="sample")
        inputs = checked_inputs(batch, span, DEFAULT_DT, runs.start)
        opening = (origin + 1 - first).n  # the first month after the origin, counted from the hindcast's start
        if opening < span:  # the state at the origin does not depend on what follows: the record drives it
            at_origin = integrate_inputs(inputs, batch, span, DEFAULT_DT, "euler", Selection.of(["front_total"]))
            inputs = demanded(inputs, self.process(self.casualties.known_at(origin), origin, span - opening,
                                                   len(chosen), seed), opening, at_origin["front_total"][opening])
        return integrate_inputs(inputs, batch, span, DEFAULT_DT, "euler", Selection.of(list(variables)))

    def draw(self, origin: pd.Period, n: int, seed: np.random.SeedSequence
             ) -> tuple[np.ndarray, np.random.Generator, np.random.SeedSequence]:
        """The runs a forecast draws, the generator of its noise (a stream derived from ``seed`` without
        ``seed.spawn``, which would change the caller's sequence), and the casualty paths' seed: ``seed`` itself,
        so that the paths are those the process forecaster draws at the same origin and seed, and the two
        forecasts differ only by what the model does to them."""
        rng = np.random.default_rng(np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, 1)))
        chosen = rng.choice(len(self.runs_at(origin).simulated), size=n, p=self.weights(origin))
        return chosen, rng, seed

    def months_after(self, origin: pd.Period, months: int) -> np.ndarray:
        """The hindcast's month index of each of the ``months`` months after ``origin`` (months past its end hold
        its last: nothing is recorded there to score them against)."""
        runs = self.runs_at(origin)
        first, last = pd.Period(runs.start, freq="M"), pd.Period(runs.through, freq="M")
        return np.minimum(np.arange(months) + (origin + 1 - first).n, (last - first).n)


def demanded(inputs: Inputs, paths: np.ndarray, opening: int, front: np.ndarray) -> Inputs:
    """``inputs`` (a trend-mode layout without growth) whose exogenous casualty level follows ``paths`` (runs x
    months, persons per month) from month ``opening`` on, with the depletion's reference the group in the war zone
    ``front`` (persons, one per run) at the start of month ``opening``."""
    series = np.ones((1, inputs.series.shape[1], paths.shape[0]))
    series[0, opening:opening + paths.shape[1]] = paths.T
    per_run = inputs.per_run.copy()
    per_run[CASUALTIES0] = 1.0  # the level is the path itself: 1 person/month times the month's factor
    per_run[FRONT_START] = front
    return replace(inputs, series=series, per_run=per_run)


@dataclass(frozen=True)
class ForceForecaster(DrivenForecaster):
    """Forecasts of a party's statements of the force's size: the front strength (mid-month) of
    :meth:`DrivenForecaster.driven` runs, seen through the party's bias (drawn from its posterior given the
    statements of the series published by the origin, or from its prior) and the stated error."""

    series: str = FORCE

    def __call__(self, known: pd.Series, origin: pd.Period, months: int, n: int,
                 seed: np.random.SeedSequence) -> np.ndarray:
        chosen, rng, paths_seed = self.draw(origin, n, seed)
        stock = self.driven(chosen, origin, paths_seed, ("front_total",))["front_total"].T
        index = self.months_after(origin, months)
        front = 0.5 * (stock[:, index] + stock[:, index + 1])
        bias = self._bias(chosen, origin, rng)
        return front * np.exp(bias[:, None] + rng.normal(0.0, self.relative_sd, size=front.shape))

    def _bias(self, chosen: np.ndarray, origin: pd.Period, rng: np.random.Generator) -> np.ndarray:
        """Each run's log bias: from its posterior given the series' statements published by ``origin`` (a normal
        whose mean and variance follow from the run's gaps), else from the bias prior."""
        now = known_by(origin)
        own = [i for i, t in enumerate(self.targets) if t.series == self.series and statement_published(t) <= now]
        tau = self.party_bias_sd
        if not own or tau == 0 or not self.calibrated:
            return rng.normal(0.0, tau, size=len(chosen))
        gaps, sigma = log_gaps(self.runs_at(origin).simulated[np.ix_(chosen, own)], [self.targets[i] for i in own])
        variance = 1.0 / (1.0 / tau ** 2 + (1.0 / sigma ** 2).sum())
        mean = variance * (gaps / sigma ** 2).sum(axis=1)
        return mean + np.sqrt(variance) * rng.standard_normal(len(chosen))


@dataclass(frozen=True)
class CasualtyForecaster(DrivenForecaster):
    """The model's own monthly casualties after the origin (persons per month) in :meth:`DrivenForecaster.driven`
    runs: the process's paths where the war zone holds its strength, less where it is depleted. No measurement
    error: the model's casualties are the reported count (``casualties.process``)."""

    def __call__(self, known: pd.Series, origin: pd.Period, months: int, n: int,
                 seed: np.random.SeedSequence) -> np.ndarray:
        chosen, _, paths_seed = self.draw(origin, n, seed)
        monthly = self.driven(chosen, origin, paths_seed, ("casualties_total",))["casualties_total"].T
        return monthly[:, self.months_after(origin, months)]


def with_model(series: BacktestSeries, folder: str | Path | None = None, n_prior: int = N_PRIOR,
               seed: int = 0) -> BacktestSeries:
    """The casualty ``series`` with the model's own casualties (``model``, :class:`CasualtyForecaster`) as its
    subject, the forecast a projection publishes, and the process alone among its benchmarks: the process drives
    the model, so the two differ only where the model's war zone is depleted or too small for the casualties (the
    limiter caps what it can lose)."""
    model = CasualtyForecaster(runs=_runs_by_origin(folder, n_prior, seed), targets=calibration_targets(folder),
                               party_bias_sd=load_config(folder).party_bias_sd, relative_sd=0.0,
                               casualties=series.observed, process=series.forecasters[series.subject])
    note = (f"{series.note}; model: the casualties of the model's runs (calibrated at each origin) driven by "
            "the process's paths, lowered where the war zone is depleted")
    return replace(series, forecasters={**series.forecasters, "model": model}, subject="model",
                   benchmarks=(*series.benchmarks, series.subject), note=note)


def force_series(folder: str | Path | None = None, n_prior: int = N_PRIOR, seed: int = 0) -> BacktestSeries:
    """The force statements, forecast by the model calibrated at each origin and by its prior."""
    casualties = casualty_series(folder)
    note = ("model: the hindcast's front strength, its parameters weighted at each origin by every statement "
            "published by then, driven after the origin by paths of the casualty process refitted to the record "
            "known then, with the party's bias; prior: the same model uncalibrated")
    return _model_series(FORCE, "Russian force in and around Ukraine (statements)", note, ForceForecaster, folder,
                         n_prior, seed, casualties=casualties.observed,
                         process=casualties.forecasters[casualties.subject])


def _statements(series, label: str) -> Observed:
    """A series of statements as the backtest scores them: one value per month, published at the end of the month
    after its date (:data:`STATEMENT_LAG`)."""
    points = series.data["value"]
    # Two statements in one month (none yet) count as their mean, published when the later one is.
    values = points.groupby(pd.PeriodIndex(points.index.to_period("M"))).mean()
    published = pd.Series([(m + STATEMENT_LAG).end_time.normalize() for m in values.index], index=values.index)
    return Observed(series.name, label, values, published,
                    f"each statement taken as published at the end of the month after its date (STATEMENT_LAG = "
                    f"{STATEMENT_LAG})")
