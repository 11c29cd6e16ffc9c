"""Invariants over random parameter sets: conservation, non-negativity, extremes, integration error."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import model
from model.spec import CASUALTY_MODES

from .conftest import baseline_params, assert_conserved, assert_non_negative, sample_within_ranges, without_recruitment

RUNS_PER_EXAMPLE = 16

events = st.lists(
    st.builds(dict,
              start=st.sampled_from(["2024-10", "2025-01", "2025-06", "2026-02", "2027-11"]),
              size=st.floats(0, 400_000),
              months=st.sampled_from([0.5, 1, 3, 12])),
    max_size=2)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), mode=st.sampled_from(CASUALTY_MODES),
       dt=st.sampled_from([0.25, 0.125, 0.1]), method=st.sampled_from(["euler", "rk4"]),
       waves=events, tranches=events, roundups=events, casualty_scale=st.sampled_from([1.0, 3.0, 10.0]))
def test_people_are_conserved_and_no_stock_goes_negative(seed, mode, dt, method, waves, tranches,
                                                        roundups, casualty_scale):
    baseline = baseline_params()
    rng = np.random.default_rng(seed)
    values = sample_within_ranges(baseline, RUNS_PER_EXAMPLE, rng)
    values["casualties.monthly"] = values["casualties.monthly"] * casualty_scale
    params = baseline.with_values({**values, "casualties.mode": mode, "mobilization.waves": waves,
                                   "dprk.tranches": tranches, "migrant.roundups": roundups})
    ds = model.simulate(params, months=36, dt=dt, method=method)
    assert_conserved(ds)
    assert_non_negative(ds)


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_without_recruitment_the_force_only_shrinks(baseline, method):
    ds = model.simulate(baseline.with_values(without_recruitment()), method=method)
    force = (ds.training + ds.front + ds.wounded).sum("source")
    assert np.all(np.diff(force.values) < 0)
    # The front shrinks until it is all but gone; after that, wounded who recover within a step
    # may stand at the front for a moment before the casualty demand finds them.
    front = ds.front_total.values
    remnant = 0.01 * front[0]
    manned = front > remnant
    assert np.all(np.diff(front)[manned[:-1]] < 0)
    assert np.all(front[np.argmin(manned):] <= remnant)
    assert float(ds.inflow.sum()) == 0.0
    assert_conserved(ds)


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_ten_times_the_casualties_empties_the_front_without_going_negative(baseline, method):
    ds = model.simulate(baseline.with_values({"casualties.monthly": 450_000.0}), method=method)
    assert_non_negative(ds)
    assert_conserved(ds)
    assert float(ds.front_total.isel(time=-1)) < 0.1 * float(ds.front_total.isel(time=0))
    # Once the front is gone, the demand that found nobody is reported, not lost.
    assert float(ds.shortfall.sel(stock="front").sum()) > 0
    # With no other exits from the front, casualties delivered plus shortfall is the demand, exactly.
    only_casualties = baseline.with_values({"casualties.monthly": 450_000.0, "desertion.rate": 0.0,
                                            **{f"release_rate.{s}": 0.0 for s in model.SOURCES}})
    ds = model.simulate(only_casualties, method=method)
    delivered = float(ds.casualties.sum())
    assert delivered + float(ds.shortfall.sel(stock="front").sum()) == pytest.approx(450_000.0 * 36, rel=1e-9)


def test_a_mobilization_wave_larger_than_its_pool_is_limited_and_reported(baseline):
    params = baseline.with_values({"pool_initial.mobilized": 100_000.0,
                                   "mobilization.waves": [{"start": "2025-01", "size": 300_000, "months": 2}]})
    ds = model.simulate(params)
    assert_non_negative(ds)
    assert_conserved(ds)
    ratio = baseline.value("mobilization.emigration_ratio")
    taken = float(ds.mobilization.sum() + ds.emigration.sum())
    assert taken == pytest.approx(100_000.0, rel=1e-9)
    assert float(ds.shortfall.sel(stock="pool").sum()) == pytest.approx(300_000 * (1 + ratio) - 100_000, rel=1e-9)


def test_no_losses_and_no_exits_means_the_force_grows_by_its_inflow(baseline):
    params = baseline.with_values({"casualties.monthly": 0.0, "desertion.rate": 0.0,
                                   **{f"release_rate.{s}": 0.0 for s in model.SOURCES}})
    ds = model.simulate(params)
    force = (ds.training + ds.front + ds.wounded).sum("source")
    recruited = ds.recruitment.sum("source").isel(time=slice(0, -1)).cumsum("time").values
    np.testing.assert_allclose(force.values[1:] - force.values[0], recruited, rtol=1e-9)


def test_halving_dt_halves_the_euler_error(baseline):
    """Euler is first order: the error against a fine RK4 reference halves with dt."""
    reference = model.simulate(baseline, dt=1 / 32, method="rk4").front_total.values
    errors = [np.max(abs(model.simulate(baseline, dt=dt).front_total.values - reference))
              for dt in (0.5, 0.25, 0.125)]
    assert errors[0] / errors[1] == pytest.approx(2.0, rel=0.15)
    assert errors[1] / errors[2] == pytest.approx(2.0, rel=0.15)
    assert errors[1] / reference.max() < 1e-2  # the default step is accurate to well under 1%


def test_rk4_converges_faster_than_euler(baseline):
    reference = model.simulate(baseline, dt=1 / 32, method="rk4").front_total.values
    rk4 = np.max(abs(model.simulate(baseline, dt=0.5, method="rk4").front_total.values - reference))
    euler = np.max(abs(model.simulate(baseline, dt=0.5).front_total.values - reference))
    assert rk4 < euler / 100
