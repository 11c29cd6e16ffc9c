"""The rolling-origin backtest (issue 12, item 4): near-nominal coverage on data from a known process, no
look-ahead (by publication dates), scores and ratios that mean what they say, arguments checked, and the
``manpower backtest`` command."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import model
from model.calibration import backtest as backtests
from model.calibration.backtest import backtest, forecast_origins
from model.calibration.forecasters import (NAIVE, BacktestSeries, ProcessForecaster, Target, casualty_series,
                                           monthly_observed)
from model.cli import main
from model.errors import InputError

from ..series.synthetic import local_level_series

FAST = {"n": 400}
#: Origins of the synthetic series (2000-01 onwards): every 3 months over their last two years.
SYNTHETIC = {"first_origin": "2002-12", "last_origin": "2004-09", "every": 3, "horizons": (3, 6, 12)}


def synthetic(name: str, rng: np.random.Generator, months: int = 60, targets=()) -> BacktestSeries:
    """A local-level series (no drift) forecast by the local level refitted at each origin, and the naive ones."""
    values, _ = local_level_series(rng, months, drift=0.0, sigma_level=0.1, sigma_noise=0.1)
    forecasters = {"local_level": ProcessForecaster(("local_level",), (1.0,), 400)}
    forecasters |= {naive: ProcessForecaster((naive,), (1.0,), 1) for naive in NAIVE}
    return BacktestSeries(monthly_observed(values, name, "synthetic persons"), forecasters, "local_level", NAIVE,
                          tuple(targets))


def test_bands_cover_near_their_nominal_rate_on_data_from_the_process_itself():
    """40 independent series from a local level, 8 origins each, months 1-12 pooled: the refitted local level's
    90% and 50% bands cover near 90% and 50% of what followed (the fit's own estimation uncertainty included)."""
    rng = np.random.default_rng(12)
    result = backtest([synthetic(f"synthetic_{i}", rng) for i in range(40)], **SYNTHETIC, **FAST)
    pooled = result.table.xs(("local_level", "1-12"), level=("forecaster", "horizon"))
    n = int(pooled["n"].sum())
    cover90 = float((pooled["cover90"] * pooled["n"]).sum() / n)
    cover50 = float((pooled["cover50"] * pooled["n"]).sum() / n)
    assert n > 2000
    assert 0.84 <= cover90 <= 0.95, cover90
    assert 0.42 <= cover50 <= 0.58, cover50


def test_a_forecast_at_an_origin_does_not_change_when_the_months_after_it_do():
    """Every forecaster's predictive quantiles at the origin are the same whatever the record says after it;
    changing the origin's own month does change them (so the test can fail)."""
    values, _ = local_level_series(np.random.default_rng(3), 48, drift=0.01)
    values.index = pd.period_range("2021-01", periods=48, freq="M")
    series = casualty_series(values=values)
    origin = pd.Period("2023-06", "M")
    later = series.observed.values.index > origin
    factors = np.exp(np.random.default_rng(9).uniform(-1.6, 1.6, later.sum()))
    changed = BacktestSeries(series.observed.perturbed_after(origin, factors), series.forecasters, series.subject,
                             series.benchmarks)
    earlier = BacktestSeries(series.observed.perturbed_after(origin - 1, np.r_[1.5, factors]), series.forecasters,
                             series.subject, series.benchmarks)
    at = {"first_origin": "2023-06", "last_origin": "2023-06", **FAST}
    quantiles = ["q05", "q25", "q50", "q75", "q95"]
    before = backtest(series, **at).forecasts[quantiles].to_numpy()
    assert np.array_equal(before, backtest(changed, **at).forecasts[quantiles].to_numpy())
    assert not np.array_equal(before, backtest(earlier, **at).forecasts[quantiles].to_numpy())


def test_a_forecaster_sees_only_the_points_published_by_its_origin():
    values, _ = local_level_series(np.random.default_rng(5), 36)
    observed = monthly_observed(values, "synthetic", "synthetic persons")
    origin = pd.Period("2001-06", "M")
    assert observed.known_at(origin).index[-1] == origin  # published a month later: the origin's month is known
    late = observed.published.copy()
    late[origin - 2] = pd.Timestamp("2099-01-01")  # a point published long after the origin
    delayed = type(observed)(observed.name, observed.label, observed.values, late, observed.assumption)
    assert origin - 2 not in delayed.known_at(origin).index
    assert len(delayed.known_at(origin)) == len(observed.known_at(origin)) - 1


def test_every_forecaster_is_scored_on_the_same_points_and_ratios_are_to_the_benchmark():
    result = backtest(synthetic("synthetic", np.random.default_rng(1)), **SYNTHETIC, **FAST)
    counts = result.table["n"].unstack("forecaster")
    assert (counts.nunique(axis=1) == 1).all()
    table = result.table.reset_index()
    assert np.allclose(table.loc[table["forecaster"] == "persistence", "crps_vs_persistence"], 1.0)
    mine = result.table.xs("local_level", level="forecaster")["crps"]
    theirs = result.table.xs("persistence", level="forecaster")["crps"]
    assert np.allclose(result.table.xs("local_level", level="forecaster")["crps_vs_persistence"], mine / theirs)
    scores = result.scores
    assert scores["horizon"].between(1, 12).all()
    assert (scores["month"] == scores["origin"] + scores["horizon"]).all()
    assert scores["month"].max() <= result.observed["synthetic"].index[-1]  # nothing past the record is scored


def test_a_horizon_past_the_record_is_scored_only_by_the_origins_that_reach_it():
    result = backtest(synthetic("synthetic", np.random.default_rng(2)), **SYNTHETIC, **FAST)
    end = result.observed["synthetic"].index[-1]
    reaching = sum(origin + 12 <= end for origin in result.origins)
    assert result.table.loc[("synthetic", "local_level", "12"), "n"] == reaching < len(result.origins)


def test_targets_report_the_number_and_whether_it_is_met():
    targets = (Target("always", "cover90", "1-12", ">= 0", lambda v: v >= 0),
               Target("never", "cover90", "1-12", "> 1", lambda v: v > 1))
    result = backtest(synthetic("synthetic", np.random.default_rng(6), targets=targets), **SYNTHETIC, **FAST)
    verdicts = result.targets.set_index("target")
    assert verdicts.loc["always", "met"] and not verdicts.loc["never", "met"]
    value = result.table.loc[("synthetic", "local_level", "1-12"), "cover90"]
    assert verdicts.loc["never", "value"] == pytest.approx(value)
    assert "met 1 of 2" in repr(result)


def test_a_custom_forecaster_plugs_in_and_a_wrong_shape_is_named():
    base = synthetic("synthetic", np.random.default_rng(7))

    def constant(known, origin, months, n, seed):
        return np.full((n, months), float(known.iloc[-1]))

    def wrong(known, origin, months, n, seed):
        return np.ones((n, months + 1))

    plugged = BacktestSeries(base.observed, {**base.forecasters, "constant": constant}, "constant", NAIVE)
    result = backtest(plugged, **SYNTHETIC, **FAST)
    assert (result.scores.query("forecaster == 'constant'")["width90"] == 0).all()
    broken = BacktestSeries(base.observed, {**base.forecasters, "wrong": wrong}, "wrong", NAIVE)
    with pytest.raises(InputError, match="wrong"):
        backtest(broken, **SYNTHETIC, **FAST)


def test_the_casualty_series_forecasts_with_the_stored_process():
    series = casualty_series()
    stored = series.forecasters["process"]
    _, process = model.series.stored.load_process()
    assert stored.specs == tuple(f.spec for f in process.fits)
    assert np.allclose(stored.weights, process.weights)
    assert set(series.forecasters) == {"process", *NAIVE}


def test_origins_every_three_months_by_default():
    assert [str(o) for o in forecast_origins()] == ["2023-06", "2023-09", "2023-12", "2024-03", "2024-06"]


@pytest.mark.parametrize("arguments, key", [
    ({"first_origin": "2023-13"}, "first_origin"),
    ({"last_origin": "soon"}, "last_origin"),
    ({"first_origin": "2024-06", "last_origin": "2023-06"}, "last_origin"),
    ({"every": 0}, "every"),
    ({"every": 1.5}, "every"),
    ({"horizons": ()}, "horizons"),
    ({"horizons": (0, 6)}, "horizons"),
    ({"horizons": 6}, "horizons"),
    ({"n": 10}, "n"),
    ({"seed": -1}, "seed"),
    ({"series": "nonesuch"}, "series"),
    ({"first_origin": "2022-06"}, "first_origin"),  # fewer than a year of data published by then
    ({"last_origin": "2024-12"}, "last_origin"),  # nothing after it to score
])
def test_bad_arguments_are_refused_naming_the_argument(arguments, key):
    with pytest.raises(InputError) as caught:
        backtest(**arguments)
    assert caught.value.key == key


def test_the_command_prints_the_table_and_verdicts_and_writes_the_csv(tmp_path, capsys):
    out = tmp_path / "backtest.csv"
    assert main(["backtest", "--n", "200", "--horizons", "3,6", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Targets (issue 12)" in printed and "crps_vs_persistence" in printed
    table = pd.read_csv(out)
    assert set(table["horizon"].astype(str)) == {"3", "1-3", "6", "1-6"}
    assert {"series", "forecaster", "crps", "cover50", "cover90", "bias", "width50", "width90"} <= set(table)


def test_a_missed_target_is_printed_and_exits_0(monkeypatch, capsys):
    never = (Target("an impossible target", "cover90", "1-12", "> 1", lambda v: v > 1),)
    rng = np.random.default_rng(8)
    monkeypatch.setattr(backtests, "registry", lambda: {"synthetic": synthetic("synthetic", rng, 70, never)})
    assert main(["backtest", "--n", "200", "--first-origin", "2003-01", "--last-origin", "2004-06"]) == 0
    assert "MISSED" in capsys.readouterr().out


@pytest.mark.parametrize("argv, option", [
    (["backtest", "--first-origin", "2023-13"], "--first-origin"),
    (["backtest", "--horizons", "3,x"], "--horizons"),
    (["backtest", "--horizons", "0"], "--horizons"),
    (["backtest", "--every", "0"], "--every"),
    (["backtest", "--n", "10"], "--n"),
])
def test_bad_options_are_one_line_naming_the_option(argv, option, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"manpower: error: {option}")
