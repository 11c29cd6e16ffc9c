"""Scenario discovery: PRIM recovers a planted box, the outcomes are what they say, the command runs end to end."""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stdout
from importlib.util import find_spec

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import model
from model.analysis import boxwords
from model.analysis.casualty_dimensions import casualty_path_dimensions
from model.analysis.discovery import discover, kind_of
from model.analysis.outcomes import parse_outcome
from model.cli import main
from model.commands.discover import sweep_runs
from model.errors import InputError
from model.results.summary import headline, pool_exhaustion

needs_prim = pytest.mark.skipif(find_spec("ema_workbench") is None,
                                reason="the discover extra (EMA Workbench) is not installed")


def planted(n: int, noise: float, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Uniform samples of six parameters; the outcome happens where x1 > 0.7 and x2 < 0.3, and with probability
    ``noise`` anywhere (labels flipped at random)."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, 6)), columns=["x1", "x2", "noise1", "noise2", "noise3", "noise4"])
    y = ((x.x1 > 0.7) & (x.x2 < 0.3)).to_numpy()
    return x, y ^ (rng.uniform(size=n) < noise)


@needs_prim
@pytest.mark.parametrize("noise, threshold, tolerance", [(0.0, 0.97, 0.02), (0.03, 0.9, 0.05)])
def test_prim_recovers_the_planted_box(noise, threshold, tolerance):
    """The box kept is the widest whose density reaches the threshold: an edge may sit outside the planted one by
    up to the share of it that the threshold tolerates, hence the tolerances."""
    x, y = planted(4000, noise, seed=1)
    found = discover(x, y, threshold=threshold, boxes=1)
    box = found.boxes[0]
    limits = {r.key: (r.lower, r.upper) for r in box.restrictions}
    assert set(limits) == {"x1", "x2"}
    assert limits["x1"][1] is None and limits["x1"][0] == pytest.approx(0.7, abs=tolerance)
    assert limits["x2"][0] is None and limits["x2"][1] == pytest.approx(0.3, abs=tolerance)
    assert box.density >= threshold and box.coverage >= 0.7  # flipped labels outside the box are not coverable
    inside = ((x.x1 >= limits["x1"][0]) & (x.x2 <= limits["x2"][1])).to_numpy()
    assert box.runs == inside.sum() and box.density == pytest.approx(y[inside].mean())
    assert box.coverage == pytest.approx(y[inside].sum() / y.sum()) and box.mass == pytest.approx(inside.mean())
    assert box.chosen in box.trajectory.index and found.share == pytest.approx(y.mean())
    assert all(r.text in box.sentence for r in box.restrictions)
    if noise == 0:
        assert "x1 is above 0.7 " in box.sentence and "x2 is below 0.3 " in box.sentence


@needs_prim
def test_an_outcome_in_every_run_or_none_has_no_box_and_says_so():
    x, _ = planted(200, 0.0, seed=2)
    for y, share in ((np.ones(200, bool), "100%"), (np.zeros(200, bool), "0%")):
        found = discover(x, y)
        assert found.boxes == () and share in found.sentences[0] and found.to_dataframe().empty


@pytest.fixture(scope="module")
def small_monte_carlo():
    return model.uncertainty("baseline", n=60, seed=3, months=12,
                             variables=["front_total", "inflow", "losses", "net", "pool", "shortfall"])


def test_the_named_outcomes_match_a_hand_computation(small_monte_carlo):
    ds = small_monte_carlo
    months = pd.DatetimeIndex(ds.time.values)
    when = months[5]
    inflow, losses = ds.inflow.transpose("time", "run").values, ds.losses.transpose("time", "run").values
    by_hand = np.array([any(losses[m, r] > inflow[m, r] for m in range(len(months) - 1) if months[m] < when)
                        for r in range(ds.sizes["run"])])
    assert (parse_outcome(f"deficit_before:{when:%Y-%m}").evaluate(ds) == by_hand).all()
    front = ds.front_total.transpose("time", "run").values
    assert (parse_outcome("front_below_start").evaluate(ds) == (front[-1] < front[0])).all()
    dry = ~np.isnan(pool_exhaustion(ds).sel(source="prisoner").values)
    assert (parse_outcome("pool_exhausted:prisoner").evaluate(ds) == dry).all()
    net = headline(ds)["net_horizon"].values
    assert (parse_outcome("net_horizon<0").evaluate(ds) == (net < 0)).all()
    assert (parse_outcome("net_horizon>=0").evaluate(ds) == (net >= 0)).all()


def test_a_sweeps_metrics_give_the_same_outcomes_as_the_series(small_monte_carlo):
    ds = small_monte_carlo
    numbers = headline(ds)
    metrics = ds[[]].assign(first_deficit_month=numbers["first_deficit_month"], front_change=numbers["front_change"])
    metrics.attrs.update(start=ds.attrs["start"], months=12)
    for text in (f"deficit_before:{pd.Timestamp(ds.time.values[4]):%Y-%m}", "front_below_start"):
        outcome = parse_outcome(text)
        assert (outcome.evaluate(metrics) == outcome.evaluate(ds)).all()


@pytest.mark.parametrize("text, words", [
    ("collapse", "expected one of"),
    ("deficit_before:2026-13", "YYYY-MM"),
    ("deficit_before:", "YYYY-MM"),
    ("pool_exhausted:volunteer", "SOURCE"),
    ("net_horizon<many", "number"),
    ("net_horizon<nan", "expected"),
])
def test_a_malformed_outcome_is_refused_naming_where(text, words):
    with pytest.raises(InputError, match=f"^--outcome: .*{words}"):
        parse_outcome(text, "--outcome")


def test_a_deficit_month_outside_the_horizon_is_refused(small_monte_carlo):
    for month in ("2020-01", "2040-01"):
        with pytest.raises(InputError, match="horizon"):
            parse_outcome(f"deficit_before:{month}").evaluate(small_monte_carlo)


def test_numbers_read_in_two_significant_figures_and_the_units_people_use():
    assert [boxwords.significant(v) for v in (0.2345, 0.3, 14_315.2, 1_125_522, 2.5e9, -417_000)] == [
        "0.23", "0.3", "14,000", "1.1 million", "2.5 billion", "-420,000"]
    assert boxwords.reading(kind_of("casualties.growth_rate")).text(0.2 / 12) == "20% a year (continuous rate)"
    assert boxwords.reading(kind_of("desertion.rate")).text(0.0123) == "1.2% a month"
    assert boxwords.reading(kind_of("casualties.killed_fraction")).text(0.3) == "30%"
    assert boxwords.reading(kind_of("volunteer.signups")).text(21_670) == "22,000 persons a month"
    assert boxwords.reading(kind_of("volunteer.pay_elasticity")).text(0.3) == "0.3"
    assert boxwords.condition("x", kind_of("unknown.key"), 0.2, 0.3) == "x is between 0.2 and 0.3"


def test_labels_are_the_registry_descriptions_first_clause():
    params = model.load_params()
    for key in ("volunteer.signups", "deployment.rate", "casualties.killed_fraction"):
        label = boxwords.label(params[key].entry.description, key)
        assert 3 <= len(label.split()) <= 16 and "(" not in label and label[0].islower()
    assert boxwords.label("", "some.key") == "some.key"


@needs_prim
def test_discover_over_a_monte_carlo_uses_only_the_parameters_that_vary(small_monte_carlo):
    found = discover(small_monte_carlo, "front_below_start", threshold=0.5)
    sampled = {small_monte_carlo[v].attrs["key"] for v in small_monte_carlo.data_vars
               if "key" in small_monte_carlo[v].attrs}
    assert set(found.dimensions) <= sampled and found.runs == 60
    for box in found.boxes:
        assert {r.key for r in box.restrictions} <= set(found.dimensions)
        assert all(r.label == found.dimensions[r.key] for r in box.restrictions)


@needs_prim
def test_the_command_prints_boxes_and_writes_a_table_and_a_figure(tmp_path):
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["discover", "--outcome", "front_below_start", "--threshold", "0.7", "--n", "300",
                       "--months", "12", "--out", str(tmp_path)])
    assert status == 0
    text = out.getvalue()
    assert "Outcome front_below_start" in text and "runs where" in text or "no box" in text
    table = pd.read_csv(tmp_path / "discover_baseline_front_below_start.csv")
    assert list(table.columns[:5]) == ["box", "coverage", "density", "mass", "runs"]
    assert ((table.density >= 0) & (table.density <= 1)).all()
    assert (tmp_path / "discover_baseline_front_below_start.png").stat().st_size > 20_000


def test_discover_without_the_extra_is_refused_naming_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ema_workbench", None)  # as if the EMA Workbench were not installed
    monkeypatch.setitem(sys.modules, "ema_workbench.analysis", None)
    x, y = planted(50, 0.0, seed=4)
    with pytest.raises(InputError, match=r"^discover: ema_workbench: .*manpower-model\[discover\]"):
        discover(x, y)
    assert main(["discover", "--outcome", "front_below_start", "--n", "4", "--months", "2",
                 "--out", str(tmp_path / "out")]) == 2
    assert "pip install 'manpower-model[discover]'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_casualty_path_dimensions_are_each_runs_exogenous_casualty_level():
    """Where no stock ran short and the level is demanded whatever the war zone holds (depletion elasticity 0), a
    run's casualties are its exogenous level: the dimensions summarise that path. With the registry's depletion
    the realised casualties fall below it where the war zone is depleted, never above."""
    depleted = model.load_params("baseline")
    params = depleted.with_values({"casualties.depletion_elasticity": 0.0}, where="test", kind="search")
    ds = model.uncertainty(params, n=40, seed=3, months=12, variables=["casualties_total", "shortfall"])
    dims = casualty_path_dimensions(params, ds)
    casualties = ds.casualties_total.transpose("time", "run").values[:-1]  # the last month has no flow
    full = ds.shortfall.sum(["time", "stock"]).values == 0
    assert full.sum() > 20
    np.testing.assert_allclose(dims["casualty_path.level"].values[full], casualties.mean(axis=0)[full], rtol=1e-9)
    growth = np.log(casualties[-3:].mean(axis=0) / casualties[:3].mean(axis=0)) / 9
    np.testing.assert_allclose(dims["casualty_path.growth"].values[full], growth[full], rtol=1e-9)
    lowered = model.uncertainty(depleted, n=40, seed=3, months=12, variables=["casualties_total"])
    realised = lowered.casualties_total.transpose("time", "run").values[:-1].mean(axis=0)
    path = casualty_path_dimensions(depleted, lowered)["casualty_path.level"].values
    assert (realised <= path * (1 + 1e-12)).all() and (realised < path * (1 - 1e-3)).any()
    assert dims["casualty_path.level"].attrs["key"] == "casualty_path.level"
    with pytest.raises(InputError, match="^discover: params: expected the scenario the Monte Carlo ran"):
        casualty_path_dimensions(model.load_params("baseline", prior=True), ds)
    assert casualty_path_dimensions(params.with_values({"casualties.process": "trend"}), ds) == {}


@needs_prim
def test_the_command_discovers_over_a_sweep_store(tmp_path):
    spec = tmp_path / "tiny.yaml"
    signups = model.load_params()["volunteer.signups"]  # the grid spans the parameter's plausible range
    spec.write_text(f"name: tiny\nscenarios: [baseline]\ngrid:\n  volunteer.signups: {{start: {signups.low}, stop: "
                    f"{signups.high}, num: 4}}\nsamples: {{n: 60}}\nmonths: 12\nkeep:\n  metrics: [front_change, "
                    "first_deficit_month]\nseed: 0\nchunk: 120\n")
    store = model.sweep(spec, tmp_path / "store", progress=False)
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["discover", "--sweep", str(store), "--outcome", "front_below_start", "--threshold", "0.6",
                     "--out", str(tmp_path / "out")]) == 0
    assert "Sweep tiny: 240 runs" in out.getvalue()
    table = pd.read_csv(tmp_path / "out" / "discover_sweep-tiny_front_below_start.csv")
    assert set(table.parameter) <= set(model.load_params()) and "grid_point" not in set(table.parameter)
    runs, parameters = sweep_runs(store)
    month = pd.Period(runs.attrs["start"], freq="M") + 5  # the spec starts in the default month (its spec.yaml)
    found = discover(runs, f"deficit_before:{month}", parameters=parameters)
    assert found.runs == 240 and "volunteer.signups" in found.dimensions
    assert found.share == pytest.approx((runs.first_deficit_month.values < 5).mean())


def test_a_missing_per_run_number_counts_as_later_than_any_threshold():
    """A run without a deficit within the horizon has it later than month 12, not never above it."""
    from model.analysis.outcomes import _compare

    ds = xr.Dataset({"first_deficit_month": ("run", [np.nan, 5.0, 20.0])})
    assert _compare(ds, "first_deficit_month", ">", 12, "test").tolist() == [True, False, True]
    assert _compare(ds, "first_deficit_month", "<=", 12, "test").tolist() == [False, True, False]
