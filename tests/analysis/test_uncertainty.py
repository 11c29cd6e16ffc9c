"""Monte Carlo: reproducible samples from the registry's distributions, and their summaries."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import stats

import model
from model.analysis.uncertainty import MONTE_CARLO_OUTPUTS
from model.results.outputs import OUTPUTS
from model.cli import main
from model.errors import InputError
from model.analysis.sampler import unit_cube
from model.analysis.sampling import distribution, ppf_columns, sample, uncertain_keys
from model.analysis.uncertainty import deficit_probability, deficit_share, front_below, percentiles, uncertainty

from ..conftest import assert_conserved, assert_non_negative


@pytest.mark.parametrize("sampler", ["lhs", "sobol", "random"])
def test_samples_are_reproducible_from_their_seed(baseline, sampler):
    first, again = sample(baseline, 64, sampler, seed=7), sample(baseline, 64, sampler, seed=7)
    other = sample(baseline, 64, sampler, seed=8)
    key = uncertain_keys(baseline)[0]
    np.testing.assert_array_equal(first.value(key), again.value(key))
    assert not np.array_equal(first.value(key), other.value(key))
    assert first.digest() == again.digest() != other.digest()


@pytest.mark.parametrize("sampler", ["lhs", "sobol", "random"])
def test_samples_stay_inside_their_ranges(prior, sampler):
    batch = sample(prior, 256, sampler, seed=1)
    for key in uncertain_keys(prior):
        values = batch.value(key)
        assert values.shape == (256,)
        assert np.all((values >= prior[key].low) & (values <= prior[key].high)), key


@pytest.mark.parametrize("sampler", ["lhs", "sobol", "random"])
@pytest.mark.parametrize("key", ["casualties.killed_fraction", "volunteer.signups", "desertion.rate"])
def test_sampled_marginals_match_their_distributions(prior, sampler, key):
    """Kolmogorov-Smirnov goodness of fit of each marginal against its frozen distribution.

    At the 0.1% level: nine fixed-seed tests at 1% would fail for a correct random sampler about one time in
    eleven (seed 3's random draw of desertion.rate has p = 0.002; 1 of 40 seeds gives p < 0.05 for it).
    """
    values = sample(prior, 2048, sampler, seed=3).value(key)
    assert stats.kstest(values, distribution(prior[key]).cdf).pvalue > 0.001


def test_a_value_set_outside_its_range_is_held_not_drawn(prior):
    """No distribution over the plausible range is centred outside it: the Monte Carlo holds such a value where the
    analyst set it, and a sample asked to vary it explicitly refuses."""
    key = "casualties.killed_fraction"
    above = prior[key].high + 0.05
    moved = prior.with_values({key: above}, where="test", kind="search")
    assert key in uncertain_keys(prior) and key not in uncertain_keys(moved)
    batch = sample(moved, 64, seed=1)
    assert np.all(np.asarray(batch.value(key)) == above)
    with pytest.raises(InputError, match=f"keys: expected parameters set inside their plausible ranges, got '{key}'"):
        sample(moved, 8, seed=1, keys=[key])


def test_distribution_follows_the_registry_entry(toy):
    parameter = toy["casualties.monthly"]
    triangular = distribution(parameter)
    assert triangular.support() == (parameter.low, parameter.high)
    assert triangular.pdf(parameter.value) == pytest.approx(2 / (parameter.high - parameter.low))  # mode = value


@pytest.mark.parametrize("kind", ["triangular", "uniform", "loguniform"])
def test_batched_quantiles_equal_each_frozen_distributions_ppf(kind):
    """The fast broadcast quantiles give exactly what each frozen distribution's public ``ppf`` gives."""
    entries = {f"p{i}": SimpleNamespace(low=low, high=high, value=mode, entry=SimpleNamespace(distribution=kind))
               for i, (low, mode, high) in enumerate([(0.5, 0.7, 2.0), (10.0, 30.0, 31.0), (1e-3, 1e-3, 1e-1)])}
    cube = unit_cube(9000, len(entries), "random", 7)  # more rows than one block of the threaded mapping
    cube[0] = 0.0
    columns = ppf_columns(entries, list(entries), cube)
    for i, (key, parameter) in enumerate(entries.items()):
        np.testing.assert_allclose(columns[key], distribution(parameter).ppf(cube[:, i]), rtol=1e-13)


def test_latin_hypercube_fills_every_stratum():
    cube = unit_cube(100, 5, "lhs", 0)
    for column in cube.T:
        assert sorted(np.floor(column * 100).astype(int)) == list(range(100))


def test_uncertainty_returns_runs_with_their_sampled_parameters():
    ds = uncertainty("baseline", n=200, seed=0, months=24, variables=list(OUTPUTS))
    assert ds.sizes["run"] == 200
    registered = model.load_params()
    key = uncertain_keys(registered)[0]
    name = key.replace(".", "__")
    assert ds[name].dims == ("run",) and ds[name].attrs["key"] == key
    assert (ds[name].attrs["low"], ds[name].attrs["high"]) == (registered[key].low, registered[key].high)
    assert ds.attrs["seed"] == 0 and ds.attrs["sampling_method"] == "lhs"
    assert_conserved(ds)
    assert_non_negative(ds)
    again = uncertainty("baseline", n=200, seed=0, months=24, variables=list(OUTPUTS))
    xr.testing.assert_identical(ds.assign_attrs(history=""), again.assign_attrs(history=""))  # history: a timestamp


def test_a_monte_carlo_keeps_its_default_outputs_with_the_same_numbers():
    """By default a Monte Carlo keeps MONTE_CARLO_OUTPUTS (and what they need), the same numbers as when every
    output is kept."""
    kept = uncertainty("baseline", n=50, seed=1, months=6)
    every = uncertainty("baseline", n=50, seed=1, months=6, variables=list(OUTPUTS))
    outputs = [v for v in kept.data_vars if "key" not in kept[v].attrs]
    assert set(MONTE_CARLO_OUTPUTS) <= set(outputs) < set(OUTPUTS)
    for name in outputs:
        xr.testing.assert_identical(kept[name], every[name])


def test_summaries_are_probabilities_and_ordered_percentiles():
    ds = uncertainty("high_intensity", n=300, seed=2, months=24)
    table = percentiles(ds)
    assert np.all(np.diff(table.values, axis=1) >= 0)
    p = deficit_probability(ds)
    assert float(p.min()) >= 0 and float(p.max()) <= 1
    assert deficit_share(ds) >= float(p.max())  # a run with a deficit in any month counts once
    front = ds.front_total
    assert float(front_below(ds, float(front.min())).max()) == 0.0
    assert float(front_below(ds, float(front.max()) + 1).min()) == 1.0
    # 300 distinct values: half of them lie below their median.
    assert float(front_below(ds, float(front.isel(time=-1).median())).isel(time=-1)) == 0.5


def test_bad_sample_requests_are_rejected(baseline):
    with pytest.raises(InputError, match="whole number >= 1"):
        sample(baseline, 0)
    with pytest.raises(InputError, match="expected one of lhs, sobol, random"):
        sample(baseline, 10, sampler="halton")
    with pytest.raises(InputError, match="range of some width"):
        sample(baseline, 10, keys=["pool_initial.dprk"])


def test_uncertainty_command_prints_percentiles_and_writes_a_fan_chart(tmp_path):
    registry = model.load_params().digest()
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["uncertainty", "--n", "300", "--months", "12", "--out", str(tmp_path)]) == 0
    text = out.getvalue()
    assert "p5" in text and "p95" in text and "P(losses" in text and "> inflow)" in text  # a wrapped header
    assert (tmp_path / "fan_baseline.png").stat().st_size > 50_000
    with xr.open_dataset(tmp_path / "uncertainty_baseline.nc") as ds:
        assert ds.sizes["run"] == 300 and "volunteer__signups" in ds
    assert model.load_params().digest() == registry  # the registry on disk is left as it was


@pytest.mark.parametrize("call, key", [
    (lambda: model.analysis.uncertainty.uncertainty("baseline", n=10**12), "n"),
    (lambda: model.analysis.uncertainty.uncertainty("baseline", n=0), "n"),
    (lambda: model.analysis.sampling.sample(model.load_params(), 4, seed=-1), "seed"),
    (lambda: model.analysis.sampling.sample(model.load_params(), 10**13), "n"),
])
def test_the_python_api_refuses_sizes_and_seeds_before_allocating(call, key):
    with pytest.raises(model.InputError) as caught:
        call()
    assert caught.value.key == key


def test_the_interval_score_has_its_closed_form_and_a_forecast_is_scored_only_where_the_record_reaches():
    from model.analysis.forecast import interval_score, score_forecasts

    q = {0.05: 10.0, 0.25: 20.0, 0.5: 30.0, 0.75: 40.0, 0.95: 50.0}
    # Inside every interval: half the median's error plus each interval's width times alpha/2, over K + 1/2.
    assert interval_score(30.0, q) == pytest.approx((0.1 / 2 * 40 + 0.5 / 2 * 20) / 2.5)
    # Below the 90% interval by 5: each interval adds 2/alpha times its miss.
    expected = (0.5 * 25 + 0.05 * (40 + 2 / 0.1 * 5) + 0.25 * (20 + 2 / 0.5 * 15)) / 2.5
    assert interval_score(5.0, q) == pytest.approx(expected)
    assert interval_score(5.0, q) > interval_score(30.0, q)
    document = {"data_end": "2030-01", "made": "2030-02-10", "quantiles": [0.05, 0.25, 0.5, 0.75, 0.95],
                "series": {"casualties": {"2030-02": [10, 20, 30, 40, 50], "2030-03": [10, 20, 30, 40, 50]}}}
    scores = score_forecasts({"a": document, "old": {"series": {"net": {}}}}, pd.Series({"2030-02": 45.0}))
    assert list(scores["month"]) == ["2030-02"] and scores["months_ahead"].iloc[0] == 1
    assert not scores["cover50"].iloc[0] and scores["cover90"].iloc[0]


def test_a_pooled_score_counts_each_data_ends_first_forecast_made_at_the_time():
    """A repeat for the same data (``_2``) and a forecast made after the fact (``--through``) are scored but not
    counted; a forecast of a later data end counts on its own."""
    from model.analysis.forecast import counted_forecasts, score_forecasts

    def document(data_end: str, made: str, known: str | None = None) -> dict:
        return {"data_end": data_end, "made": made, "record_known_to": known or data_end,
                "quantiles": [0.05, 0.25, 0.5, 0.75, 0.95], "series": {"casualties": {"2030-03": [1, 2, 3, 4, 5]}}}

    documents = {"forecast_data-2030-01_made-2030-02-10_2.yaml": document("2030-01", "2030-02-10"),
                 "forecast_data-2030-01_made-2030-02-10.yaml": document("2030-01", "2030-02-10"),
                 "forecast_data-2030-01_made-2030-02-20.yaml": document("2030-01", "2030-02-20"),
                 "forecast_data-2029-12_made-2030-03-01.yaml": document("2029-12", "2030-03-01", known="2030-02"),
                 "forecast_data-2030-02_made-2030-03-05.yaml": document("2030-02", "2030-03-05")}
    assert counted_forecasts(documents) == {"forecast_data-2030-01_made-2030-02-10.yaml",
                                            "forecast_data-2030-02_made-2030-03-05.yaml"}
    scores = score_forecasts(documents, pd.Series({"2030-03": 3.0}))
    assert len(scores) == 5 and scores["counted"].sum() == 2
