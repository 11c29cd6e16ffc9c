"""The model's own forecasts of the recruitment statements, calibrated at each origin (issue 12, item 4)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import model
from model.calibration.hindcast import configured_through, hindcast_params, load_config
from model.calibration.model_forecasts import (CalibratedForecaster, known_by, recruitment_series,
                                               recruitment_target, statement_published)
from model.calibration.posterior import simulate_prior
from model.calibration.targets import build_targets
from model.inputs.observed import load_observed
from model.inputs.registry import Event


@pytest.fixture(scope="module")
def setup():
    config = load_config()
    params, start, months = hindcast_params(config)
    targets = tuple(build_targets(config, load_observed(), start, months))
    runs = simulate_prior(params, list(targets), start, configured_through(config), months, 3000, 5,
                          keep={"recruitment": recruitment_target(targets)})
    return config, params, start, months, targets, runs


def test_recruitment_in_the_hindcast_does_not_depend_on_the_casualties(setup):
    """Why the record-driven hindcast may forecast recruitment after an origin: scaling every recorded month's
    casualties leaves every month's recruitment unchanged (so no casualty after the origin is looked at)."""
    _, params, start, months, _, _ = setup
    batch = model.sample(params, 64, "random", seed=2)
    recorded = params.value("casualties.recorded")
    doubled = batch.with_values({"casualties.recorded": tuple(e.model_copy(update={"size": 2 * e.size})
                                                              for e in recorded)})
    assert all(isinstance(e, Event) for e in recorded)
    one = model.simulate(batch, months=months, start=start, variables=["recruitment", "killed"])
    two = model.simulate(doubled, months=months, start=start, variables=["recruitment", "killed"])
    assert float(np.abs(two.killed - one.killed).max()) > 0  # the change took
    np.testing.assert_array_equal(one.recruitment.values, two.recruitment.values)


def test_a_forecast_uses_only_what_was_published_by_its_origin(setup):
    """Changing every statement published after the origin changes nothing forecast there; changing one
    published by then does."""
    config, _, _, _, targets, runs = setup
    origin = pd.Period("2024-03", freq="M")
    forecaster = CalibratedForecaster(runs, targets, config.party_bias_sd, 0.2)
    later = tuple(replace(t, observed=3 * t.observed, sd=3 * t.sd) if statement_published(t) > known_by(origin) else t
                  for t in targets)
    earlier = tuple(replace(t, observed=3 * t.observed, sd=3 * t.sd) if statement_published(t) <= known_by(origin)
                    else t for t in targets)
    seed = np.random.SeedSequence(1)
    base = forecaster(pd.Series(dtype=float), origin, 6, 500, seed)
    assert np.array_equal(base, replace(forecaster, targets=later)(pd.Series(dtype=float), origin, 6, 500, seed))
    assert not np.array_equal(base, replace(forecaster, targets=earlier)(pd.Series(dtype=float), origin, 6, 500,
                                                                         seed))
    assert any(statement_published(t) > known_by(origin) for t in targets)


def test_the_prior_benchmark_ignores_the_record_and_the_model_does_not(setup):
    config, _, _, _, targets, runs = setup
    model_ = CalibratedForecaster(runs, targets, config.party_bias_sd, 0.2)
    prior = replace(model_, calibrated=False)
    origin = pd.Period("2024-06", freq="M")
    assert np.allclose(prior.weights(origin), 1 / len(runs.simulated))
    assert not np.allclose(model_.weights(origin), 1 / len(runs.simulated))
    before_any = pd.Period("2022-12", freq="M")  # nothing published yet: the model is its prior
    assert np.allclose(model_.weights(before_any), prior.weights(before_any))


def test_the_recruitment_series_is_scored_from_statements_with_publication_dates():
    series = recruitment_series(n_prior=500)
    observed = series.observed
    assert (observed.published > observed.values.index.to_timestamp(how="end")).all()
    assert series.min_known == 0 and series.benchmarks == ("prior",)
    result = model.backtest(series, n=200)
    assert set(result.scores["forecaster"]) == {"model", "prior"}
    assert (result.scores["month"] > result.scores["origin"]).all()


@pytest.mark.parametrize("kind", ["force", "casualties"])
def test_a_driven_forecast_sees_neither_casualties_nor_statements_after_its_origin(setup, kind):
    """The force and casualty forecasts are driven by the casualties recorded up to the origin and then by the
    casualty process refitted to them: changing the record after the origin, or the statements published after
    it, changes nothing; changing a month before it does."""
    from model.calibration.forecasters import casualty_series
    from model.calibration.model_forecasts import CasualtyForecaster, ForceForecaster

    config, _, _, _, targets, runs = setup
    casualties = casualty_series()
    origin = pd.Period("2023-09", freq="M")
    forecaster = (ForceForecaster if kind == "force" else CasualtyForecaster)(
        runs, targets, config.party_bias_sd, 0.15, casualties=casualties.observed,
        process=casualties.forecasters["process"])
    seed = np.random.SeedSequence(3)

    def draws(f):
        return f(pd.Series(dtype=float), origin, 12, 200, seed)

    base = draws(forecaster)
    assert base.shape == (200, 12) and np.isfinite(base).all() and (base > 0).all()
    later = casualties.observed.perturbed_after(origin, np.full((casualties.observed.values.index > origin).sum(), 2.0))
    assert np.array_equal(base, draws(replace(forecaster, casualties=later)))
    statements = tuple(replace(t, observed=2 * t.observed, sd=2 * t.sd) if statement_published(t) > known_by(origin)
                       else t for t in targets)
    assert np.array_equal(base, draws(replace(forecaster, targets=statements)))
    values = casualties.observed.values.copy()
    values[origin - 2] *= 3
    earlier = replace(casualties.observed, values=values)
    assert not np.array_equal(base, draws(replace(forecaster, casualties=earlier)))


@pytest.mark.parametrize("elasticity", [0.0, 1.0])
def test_the_models_casualties_are_the_process_paths_unless_the_war_zone_is_depleted(setup, elasticity):
    """Driven by the process after the origin, the model's monthly casualties are the process forecaster's own
    draws at the same origin and seed where the depletion elasticity is 0 (common random numbers: the backtest's
    model and process then differ only by the depletion), and never above them otherwise; with a war zone that
    shrinks, elasticity 1 takes fewer."""
    from model.calibration.forecasters import casualty_series
    from model.calibration.model_forecasts import CasualtyForecaster

    config, _, _, _, targets, runs = setup
    fixed = replace(runs, values={**runs.values, "casualties.depletion_elasticity": np.full(len(runs.simulated),
                                                                                          elasticity)})
    casualties = casualty_series()
    origin = pd.Period("2024-03", freq="M")
    forecaster = CasualtyForecaster(fixed, targets, config.party_bias_sd, 0.0, casualties=casualties.observed,
                                    process=casualties.forecasters["process"])
    seed = np.random.SeedSequence(4)
    months = 9
    drawn = forecaster(pd.Series(dtype=float), origin, months, 300, seed)
    # The backtest asks for its longest horizon, beyond the record's end: the months the record reaches are the same.
    paths = casualties.forecasters["process"](casualties.observed.known_at(origin), origin, months + 3, 300,
                                              seed)[:, :months]
    if elasticity == 0.0:
        np.testing.assert_allclose(drawn, paths, rtol=1e-12)
    else:
        assert (drawn <= paths * (1 + 1e-12)).all() and (drawn < paths * (1 - 1e-6)).any()


def test_a_driven_forecast_too_large_for_memory_is_refused_before_it_runs(setup, monkeypatch):
    """The model's runs of a driven forecast (their parameters, casualty paths and outputs) are counted against the
    memory limit before anything is drawn into them: an input error naming ``n``, not a MemoryError."""
    from model.calibration.forecasters import casualty_series
    from model.calibration.model_forecasts import CasualtyForecaster
    from model.errors import InputError
    from model.inputs import limits

    config, _, _, _, targets, runs = setup
    casualties = casualty_series()
    forecaster = CasualtyForecaster(runs, targets, config.party_bias_sd, 0.0, casualties=casualties.observed,
                                    process=casualties.forecasters["process"])
    monkeypatch.setattr(limits, "memory_limit", lambda: 100 * 2**10)  # 100 KiB: less than 200 runs need
    with pytest.raises(InputError, match=r"backtest: n: expected a size that fits in memory: 200 model runs"):
        forecaster(pd.Series(dtype=float), pd.Period("2024-03", freq="M"), 6, 200, np.random.SeedSequence(0))


def test_a_forecast_at_an_origin_knows_only_the_events_that_had_started_by_then(setup):
    """The hindcast's roundups and tranches after the origin are not known to a forecaster there."""
    from model.calibration.model_forecasts import hindcast_known_at

    _, params, _, _, _, _ = setup
    scheduled = {k: params.value(k) for k in params
                 if k != "casualties.recorded" and isinstance(params.value(k), tuple) and params.value(k)}
    assert scheduled, "the hindcast schedules no event: nothing to check"
    earliest = min(e.start for events in scheduled.values() for e in events)
    before = hindcast_known_at(params, str(pd.Period(earliest, freq="M") - 1))
    assert all(before.value(k) == () for k in scheduled)
    assert before.value("casualties.recorded") == params.value("casualties.recorded")
    assert hindcast_known_at(params, "2100-01") is params


def test_a_forecaster_expects_the_call_ups_that_recur_by_law_at_the_last_decreed_sizes():
    """Call-ups after the origin are not dropped but repeated from the last decree of their calendar month; every
    other schedule keeps only what had started."""
    from model.calibration.model_forecasts import RECURRING, hindcast_known_at
    from model.inputs.registry import Event

    key = RECURRING[0]
    decreed = (Event(start="2030-04", size=100.0, months=3.5), Event(start="2030-10", size=80.0, months=3.0),
               Event(start="2031-04", size=120.0, months=3.5), Event(start="2031-10", size=90.0, months=3.0),
               Event(start="2032-04", size=130.0, months=3.5))
    params = model.load_params(prior=True).with_values({key: decreed, "mobilization.waves": (Event(start="2031-06",
                                                                                              size=5.0),)})
    known = hindcast_known_at(params, "2031-05")
    assert [(e.start, e.size, e.months) for e in known.value(key)] == [
        ("2030-04", 100.0, 3.5), ("2030-10", 80.0, 3.0), ("2031-04", 120.0, 3.5), ("2031-10", 80.0, 3.0),
        ("2032-04", 120.0, 3.5)]
    assert known.value("mobilization.waves") == ()
