"""simulate(): labelled output, options and provenance (batches: test_batch_invariance.py)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import model
from model.core.structure import ARMED_FORCES, STOCKS
from model.errors import InputError
from model.inputs.start import default_start
from model.results.io import write_netcdf



@pytest.fixture(scope="module")
def baseline_run(baseline) -> xr.Dataset:
    return model.simulate(baseline)


def test_dimensions_and_time_labels(baseline_run):
    ds = baseline_run
    assert dict(ds.sizes) == {"time": 37, "source": len(model.SOURCES), "stock": len(STOCKS)}
    assert list(ds.source.values) == list(model.SOURCES)
    assert pd.Timestamp(ds.time.values[0]) == pd.Timestamp(f"{default_start()}-01")  # the month after the data
    assert pd.Timestamp(ds.time.values[-1]) == pd.Timestamp(f"{default_start()}-01") + pd.DateOffset(months=36)
    for name in ("front", "recruitment", "casualties", "killed", "permanent_losses", "wounded", "captured",
                 "wounded_in_action"):
        assert ds[name].dims == ("time", "source"), name
    for name in ("inflow", "losses", "net", "front_total", "armed_forces", "casualties_total",
                 "irrecoverable_losses", "deaths", "contract_signers", "bonus", "recruitment_cost"):
        assert ds[name].dims == ("time",), name


def test_flows_are_nan_under_the_end_state_only(baseline_run):
    flows = baseline_run.recruitment
    assert flows.isel(time=-1).isnull().all()
    assert flows.isel(time=slice(0, -1)).notnull().all()
    assert baseline_run.front.notnull().all()


def test_totals_are_consistent(baseline_run):
    ds = baseline_run.isel(time=slice(0, -1))
    np.testing.assert_allclose(ds.inflow, ds.recruitment.sum("source"), rtol=1e-12)
    discharged = ds.discharge_light + ds.discharge_severe
    np.testing.assert_allclose(ds.losses, (ds.killed + ds.captured + ds.deserted + discharged).sum("source"),
                               rtol=1e-12)
    np.testing.assert_allclose(ds.net, ds.inflow - ds.losses, rtol=1e-12)
    np.testing.assert_allclose(ds.casualties_total, (ds.killed + ds.captured + ds.wounded_in_action).sum("source"),
                               rtol=1e-12)
    np.testing.assert_allclose(ds.irrecoverable_losses, (ds.killed + ds.captured + discharged).sum("source"),
                               rtol=1e-12)
    np.testing.assert_allclose(ds.deaths, ds.killed.sum("source"), rtol=1e-12)
    run = baseline_run
    np.testing.assert_allclose(run.front_total, run.front.sum("source"), rtol=1e-12)
    np.testing.assert_allclose(run.front, run.front_new + run.front_veteran, rtol=1e-12)
    np.testing.assert_allclose(run.wounded, run.wounded_light + run.wounded_severe, rtol=1e-12)
    np.testing.assert_allclose(run.armed_forces, sum(run[s] for s in ARMED_FORCES).sum("source"), rtol=1e-12)
    assert np.all(run.armed_forces > run.front_total)


def test_units_and_provenance_are_attached(baseline_run, baseline):
    ds = baseline_run
    assert ds.front.attrs["cell_methods"] == "time: point"
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


def test_variables_can_be_selected(baseline):
    ds = model.simulate(baseline, months=6, variables=["front_total", "net"])
    assert set(ds.data_vars) == {"front_total", "net"}
    full = model.simulate(baseline, months=6)
    xr.testing.assert_identical(ds.net, full.net)


@pytest.mark.parametrize("options, key", [
    ({"dt": 0.3}, "dt"), ({"dt": 2.0}, "dt"), ({"months": 0}, "months"), ({"integrator": "rk5"}, "integrator"),
    ({"start": "2024-13"}, "start"), ({"variables": ["frnt"]}, "variables"),
])
def test_bad_options_are_rejected_with_one_line(baseline, options, key):
    with pytest.raises(InputError) as caught:
        model.simulate(baseline, **options)
    assert caught.value.key == key and "\n" not in str(caught.value)


def test_a_step_too_coarse_for_the_rates_is_rejected(prior):
    with pytest.raises(InputError, match="use dt <= 0.5"):
        model.simulate(prior.with_values({"training_time.prisoner": 0.5}), dt=1.0)


def test_netcdf_round_trip(baseline_run, tmp_path):
    path = write_netcdf(baseline_run, tmp_path / "run.nc")
    with xr.open_dataset(path) as loaded:
        xr.testing.assert_allclose(loaded.front, baseline_run.front)
        assert loaded.attrs["parameters_digest"] == baseline_run.attrs["parameters_digest"]
        assert loaded.front.attrs["units"] == baseline_run.front.attrs["units"]
        assert loaded.front.attrs["unit_label"] == baseline_run.front.attrs["unit_label"]
    assert not list(tmp_path.glob("*.part"))
