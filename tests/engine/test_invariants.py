"""Invariants over parameter values hypothesis draws from the registry's ranges, extremes, integration error.

Values beyond the plausible ranges (several times the casualties, no recruitment, no exits) are stress
tests: they are set with ``kind="search"``, which records them without an out-of-range warning.

Every property draws one value per numeric parameter with :func:`tests.strategies.parameter_values`,
so a failure shrinks to a minimal set of values and the ends of each range are reached. The number
of examples comes from the hypothesis profile (``HYPOTHESIS_PROFILE=slow`` for many more).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import model
from model.core.structure import EXPOSED_STOCK, WAR_ZONE

from .. import strategies as hs
from ..conftest import assert_conserved, assert_non_negative, baseline_params, quiet_front, without_recruitment

MONTHS = 36
REGISTRY = baseline_params()
values = hs.parameter_values(REGISTRY)


def force(ds):
    """Everyone in the armed forces, by month (persons)."""
    return ds.armed_forces.values


def contract_force(ds):
    """The armed forces without the conscripts serving their term, by month (persons)."""
    return ds.armed_forces.values - ds.conscripts.sum("source").values


def pair(fixed: dict, key: str, low: float, high: float) -> model.ParameterSet:
    """A batch of two runs that differ only in ``key`` (``low`` in run 0, ``high`` in run 1)."""
    return REGISTRY.with_values({**fixed, key: np.array([low, high])}, kind="search")


def never_above(ds, smaller: int, larger: int) -> None:
    """Front strength of run ``smaller`` <= that of run ``larger`` (up to rounding) in every month."""
    not_above(*(ds.front_total.isel(run=i).values for i in (smaller, larger)))


def not_above(low: np.ndarray, high: np.ndarray) -> None:
    """``low <= high`` everywhere, up to rounding (persons)."""
    assert np.all(low <= high + 1e-9 * np.maximum(abs(high), 1.0)), np.max(low - high)


@given(values=values, mode=hs.modes, dt=hs.steps, method=hs.methods, waves=hs.events, tranches=hs.events,
       roundups=hs.events, campaigns=hs.events, emergency=hs.events, casualty_scale=st.sampled_from([1.0, 3.0, 10.0]))
def test_people_are_conserved_and_no_stock_goes_negative(values, mode, dt, method, waves, tranches, roundups,
                                                         campaigns, emergency, casualty_scale):
    # Three and ten times the casualties leave the plausible range on purpose: a stress test, not warned about.
    params = REGISTRY.with_values({**values, "casualties.monthly": values["casualties.monthly"] * casualty_scale,
                                   "casualties.mode": mode, "mobilization.waves": waves,
                                   "dprk.tranches": tranches, "migrant.roundups": roundups,
                                   "conscription.campaigns": campaigns, "conscription.emergency": emergency},
                                  kind="search")
    ds = model.simulate(params, months=MONTHS, dt=dt, integrator=method)
    assert_conserved(ds)
    assert_non_negative(ds)


@given(values=values, mode=hs.modes, method=hs.methods, factor=st.floats(1.0, 3.0))
def test_more_casualties_never_mean_a_larger_front(values, mode, method, factor):
    level = values["casualties.monthly"]
    ds = model.simulate(pair({**values, "casualties.mode": mode}, "casualties.monthly", level, level * factor),
                        months=MONTHS, integrator=method, variables=["front_total", "shortfall"])
    never_above(ds, smaller=1, larger=0)


def test_more_casualties_never_mean_a_larger_front_even_once_it_is_exhausted(baseline):
    level = baseline.value("casualties.monthly")
    params = baseline.with_values({"casualties.growth_rate": "0.5 / year",
                                   "casualties.monthly": np.array([level, 2 * level])}, kind="search")
    ds = model.simulate(params, months=MONTHS, variables=["front_total"])
    not_above(ds.front_total.isel(run=1).values, ds.front_total.isel(run=0).values)


@given(values=values, mode=hs.modes, method=hs.methods, factor=st.floats(1.0, 3.0), tranche=st.floats(0, 100_000))
def test_more_recruits_never_mean_a_smaller_front(values, mode, method, factor, tranche):
    signups = values["volunteer.signups"]
    fixed = {**values, "casualties.mode": mode, "dprk.tranches": [{"start": "2025-03", "size": tranche}]}
    ds = model.simulate(pair(fixed, "volunteer.signups", signups, signups * factor), months=MONTHS, integrator=method,
                        variables=["front_total", "shortfall"])
    never_above(ds, smaller=0, larger=1)


@given(values=values, mode=hs.modes, method=hs.methods)
def test_without_recruitment_the_force_only_shrinks(values, mode, method):
    ds = model.simulate(REGISTRY.with_values({**values, **without_recruitment(), "casualties.mode": mode}, kind="search"),
                        months=MONTHS, integrator=method)
    total = force(ds)
    assert np.all(np.diff(total) <= 1e-9 * total[:-1]) and total[-1] < total[0]
    assert float(ds.call_up.sum()) == 0.0
    assert float(ds.inflow.sum()) == 0.0
    assert_conserved(ds)


def test_the_models_own_no_recruitment_overrides_shut_every_recruitment_flow(toy):
    from model.results.checks import without_recruitment as models_own

    params = toy.with_values({"conscription.campaigns": [{"start": "2024-09", "size": 100_000, "months": 3}],
                              **models_own()}, kind="search")
    ds = model.simulate(params, months=6)
    assert float(ds.recruitment.sum()) == 0.0 and float(ds.call_up.sum()) == 0.0


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_ten_times_the_casualties_empties_the_front_without_going_negative(held, method):
    demand = 10 * held.value("casualties.monthly")
    ds = model.simulate(held.with_values({"casualties.monthly": demand}, kind="search"), integrator=method)
    assert_non_negative(ds)
    assert_conserved(ds)
    assert float(ds.front_total.isel(time=-1)) < 0.1 * float(ds.front_total.isel(time=0))
    # Once the front is gone, the demand that found nobody is reported, not lost.
    assert float(ds.shortfall.sel(stock=EXPOSED_STOCK).sum()) > 0
    _delivered_plus_shortfall_is_the_demand(held, method, seasoning=1e9)


def _delivered_plus_shortfall_is_the_demand(params, method, seasoning):
    """With no other exits from the war zone, casualties delivered plus shortfall is the demand, exactly."""
    demand = 10 * params.value("casualties.monthly")
    only_casualties = params.with_values({**quiet_front(), "casualties.monthly": demand, "seasoning.time": seasoning,
                                          "casualties.growth_rate": 0.0}, kind="search")
    ds = model.simulate(only_casualties, integrator=method)
    delivered = float(ds.casualties.sum())
    shortfall = float(ds.shortfall.sel(stock=list(WAR_ZONE)).sum())
    assert delivered + shortfall == pytest.approx(demand * MONTHS, rel=1e-9)


def test_shortfall_counts_only_what_demand_flows_lacked(held):
    _delivered_plus_shortfall_is_the_demand(held, "euler", seasoning=held.value("seasoning.time"))


def test_a_mobilization_wave_larger_than_its_pool_is_limited_and_reported(baseline):
    pool, size = 100_000.0, 300_000.0
    params = baseline.with_values({"pool_initial.mobilized": pool,
                                   "mobilization.waves": [{"start": "2025-01", "size": size, "months": 2}]},
                                  kind="search")
    ds = model.simulate(params)
    assert_non_negative(ds)
    assert_conserved(ds)
    ratio = baseline.value("mobilization.emigration_ratio")
    assert float(ds.mobilization.sum() + ds.emigration.sum()) == pytest.approx(pool, rel=1e-9)
    assert float(ds.shortfall.sel(stock="pool").sum()) == pytest.approx(size * (1 + ratio) - pool, rel=1e-9)


@pytest.mark.parametrize("emergency", [[], [{"start": "2025-02", "size": 3000, "months": 2}]])
def test_no_losses_and_no_exits_means_the_force_grows_by_its_inflow(toy, emergency):
    """Outside the conscripts, the armed forces grow by recruitment (conscripts signing contracts included) and by
    conscripts sent into the war zone, exactly."""
    params = toy.with_values({**quiet_front(), "conscription.emergency": emergency,
                              "conscription.campaigns": [{"start": "2024-10", "size": 100000, "months": 3}]},
                             kind="search")
    ds = model.simulate(params)
    total = contract_force(ds)
    arrived = (ds.recruitment + ds.emergency_deployment).sum("source").isel(time=slice(0, -1)).cumsum("time").values
    np.testing.assert_allclose(total[1:] - total[0], arrived, rtol=1e-9)
    assert float(ds.conversion.sum()) > 0


def test_halving_dt_halves_the_euler_error(toy):
    """Euler is first order: the error against a fine RK4 reference halves with dt."""
    reference = model.simulate(toy, dt=1 / 32, integrator="rk4").front_total.values
    errors = [np.max(abs(model.simulate(toy, dt=dt).front_total.values - reference)) for dt in (0.5, 0.25, 0.125)]
    assert errors[0] / errors[1] == pytest.approx(2.0, rel=0.15)
    assert errors[1] / errors[2] == pytest.approx(2.0, rel=0.15)


def test_rk4_converges_faster_than_euler(toy):
    reference = model.simulate(toy, dt=1 / 32, integrator="rk4").front_total.values
    rk4 = np.max(abs(model.simulate(toy, dt=0.5, integrator="rk4").front_total.values - reference))
    euler = np.max(abs(model.simulate(toy, dt=0.5).front_total.values - reference))
    assert rk4 < euler / 100
