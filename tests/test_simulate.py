"""simulate(): labelled output, batches, chunking, options and provenance."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import model
from model.errors import InputError
from model.io import write_netcdf

from .conftest import assert_conserved, sample_within_ranges


@pytest.fixture(scope="module")
def baseline_run(baseline) -> xr.Dataset:
    return model.simulate(baseline)


def test_dimensions_and_time_labels(baseline_run):
    ds = baseline_run
    assert dict(ds.sizes) == {"time": 37, "source": 6, "stock": 4}
    assert list(ds.source.values) == list(model.SOURCES)
    assert pd.Timestamp(ds.time.values[0]) == pd.Timestamp("2024-12-01")
    assert pd.Timestamp(ds.time.values[-1]) == pd.Timestamp("2027-12-01")
    for name in ("front", "recruitment", "casualties", "killed", "permanent_losses"):
        assert ds[name].dims == ("time", "source"), name
    for name in ("inflow", "losses", "net", "front_total"):
        assert ds[name].dims == ("time",), name


def test_flows_are_nan_under_the_end_state_only(baseline_run):
    flows = baseline_run.recruitment
    assert flows.isel(time=-1).isnull().all()
    assert flows.isel(time=slice(0, -1)).notnull().all()
    assert baseline_run.front.notnull().all()


def test_totals_are_consistent(baseline_run):
    ds = baseline_run.isel(time=slice(0, -1))
    np.testing.assert_allclose(ds.inflow, ds.recruitment.sum("source"), rtol=1e-12)
    np.testing.assert_allclose(ds.losses, (ds.killed + ds.captured + ds.desertion + ds.discharge).sum("source"),
                               rtol=1e-12)
    np.testing.assert_allclose(ds.net, ds.inflow - ds.losses, rtol=1e-12)
    np.testing.assert_allclose(baseline_run.front_total, baseline_run.front.sum("source"), rtol=1e-12)


def test_units_and_provenance_are_attached(baseline_run, baseline):
    ds = baseline_run
    assert ds.front.attrs["units"] == "1" and ds.front.attrs["cell_methods"] == "time: point"
    assert ds.killed.attrs["cell_methods"] == "time: sum"
    assert "front_initial.dprk" in ds.front.attrs["drivers"]
    assert "casualties.killed_fraction" in ds.killed.attrs["drivers"]
    records = json.loads(ds.attrs["parameters"])
    assert {r["key"] for r in records} == set(baseline)
    assert ds.attrs["parameters_digest"] == baseline.digest()
    assert "start of that month" in ds.attrs["time_semantics"]


def test_initial_state_comes_from_the_registry(baseline_run, baseline):
    front = baseline_run.front.isel(time=0)
    assert float(front.sum()) == pytest.approx(baseline.value("force.deployed_total"))
    assert float(front.sel(source="dprk")) == baseline.value("front_initial.dprk")
    assert float(baseline_run.pool.isel(time=0).sel(source="prisoner")) == baseline.value("pool_initial.prisoner")


def test_a_batch_equals_its_runs_one_by_one(baseline):
    values = sample_within_ranges(baseline, 4, np.random.default_rng(1))
    batch = model.simulate(baseline.with_values(values), months=24)
    assert batch.sizes["run"] == 4
    assert_conserved(batch)
    for i in range(4):
        single = model.simulate(baseline.with_values({k: float(v[i]) for k, v in values.items()}), months=24)
        xr.testing.assert_allclose(batch.isel(run=i, drop=True)[["front", "net", "pool"]],
                                   single[["front", "net", "pool"]], rtol=1e-12)


def test_blocks_and_threads_do_not_change_the_numbers(baseline):
    values = sample_within_ranges(baseline, 300, np.random.default_rng(2))  # several blocks of runs
    params = baseline.with_values(values)
    one = model.simulate(params, months=12, threads=1)
    two = model.simulate(params, months=12, threads=2)
    xr.testing.assert_equal(one, two)
    first = model.simulate(baseline.with_values({k: v[:1] for k, v in values.items()}), months=12)
    xr.testing.assert_equal(one.isel(run=slice(0, 1)), first)


def test_variables_can_be_selected(baseline):
    ds = model.simulate(baseline, months=6, variables=["front_total", "net"])
    assert set(ds.data_vars) == {"front_total", "net"}
    full = model.simulate(baseline, months=6)
    xr.testing.assert_identical(ds.net, full.net)


@pytest.mark.parametrize("options, key", [
    ({"dt": 0.3}, "dt"), ({"dt": 2.0}, "dt"), ({"months": 0}, "months"), ({"method": "rk5"}, "method"),
    ({"start": "2024-13"}, "start"), ({"variables": ["frnt"]}, "variables"),
])
def test_bad_options_are_rejected_with_one_line(baseline, options, key):
    with pytest.raises(InputError) as caught:
        model.simulate(baseline, **options)
    assert caught.value.key == key and "\n" not in str(caught.value)


def test_a_step_too_coarse_for_the_rates_is_rejected(baseline):
    with pytest.raises(InputError, match="use dt <= 0.5"):
        model.simulate(baseline.with_values({"training_time.prisoner": 0.5}), dt=1.0)


def test_netcdf_round_trip(baseline_run, tmp_path):
    path = write_netcdf(baseline_run, tmp_path / "run.nc")
    with xr.open_dataset(path) as loaded:
        xr.testing.assert_allclose(loaded.front, baseline_run.front)
        assert loaded.attrs["parameters_digest"] == baseline_run.attrs["parameters_digest"]
        assert loaded.front.attrs["units"] == "1" and loaded.front.attrs["unit_label"] == "persons"
    assert not list(tmp_path.glob("*.part"))
