"""Each flow on its own, against the equation it implements, and closed-form cases."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.equations import evaluate_rates, initial_state, prepare

from .conftest import assert_conserved, quiet_front, without_recruitment

MONTHS = 24

#: Training times of a month, so that tests can step a whole month at once (dt = 1).
MONTH_LONG_TRAINING = {f"training_time.{s}": 1.0 for s in model.SOURCES}


def run(params, **kwargs):
    return model.simulate(params, months=kwargs.pop("months", MONTHS), **kwargs)


def test_casualties_split_into_killed_wounded_captured(baseline):
    ds = run(baseline)
    flows = ds.isel(time=slice(0, -1)).sum("source")
    k, c = baseline.value("casualties.killed_fraction"), baseline.value("casualties.captured_fraction")
    np.testing.assert_allclose(flows.casualties, 45000.0, rtol=1e-12)
    np.testing.assert_allclose(flows.killed, k * flows.casualties, rtol=1e-12)
    np.testing.assert_allclose(flows.captured, c * flows.casualties, rtol=1e-12)
    np.testing.assert_allclose(flows.wounded_in_action, (1 - k - c) * flows.casualties, rtol=1e-12)


def test_casualties_fall_on_sources_by_exposure_weighted_strength(baseline):
    ds = run(baseline.with_values(MONTH_LONG_TRAINING), months=1, dt=1.0)
    exposure = np.array([1.0] + [baseline.value(f"exposure.{s}") for s in model.SOURCES[1:]])
    front = ds.front.isel(time=0).values
    expected = 45000.0 * exposure * front / (exposure * front).sum()
    np.testing.assert_allclose(ds.casualties.isel(time=0).values, expected, rtol=1e-12)


def test_casualties_grow_at_the_growth_rate(baseline):
    params = baseline.with_values({"casualties.growth_rate": "0.3 / year"})
    ds = run(params, dt=0.125)
    monthly = ds.casualties.sum("source").isel(time=slice(0, -1)).values
    rate = 0.3 / 12
    # Exact mean of C0·exp(g·t) over each month, sampled at the left edge of each of 8 steps.
    steps = np.arange(MONTHS * 8) * 0.125
    expected = (45000.0 * np.exp(rate * steps) * 0.125).reshape(MONTHS, 8).sum(axis=1)
    np.testing.assert_allclose(monthly, expected, rtol=1e-12)


@pytest.mark.parametrize("mode, factor", [("exogenous", 1.0), ("endogenous", 0.5)])
def test_casualty_level_follows_the_mode(baseline, mode, factor):
    """Halving the front halves endogenous casualties and leaves exogenous ones unchanged."""
    params = baseline.with_values({"casualties.mode": mode})
    inputs = prepare(params, "2024-12", 4, 0.25)
    state = initial_state(params, inputs)
    halved = state.copy()
    halved[model.STOCKS.index("front")] /= 2
    full = sum(evaluate_rates(inputs, state)[0][f] for f in ("killed", "wounded_in_action", "captured"))
    half = sum(evaluate_rates(inputs, halved)[0][f] for f in ("killed", "wounded_in_action", "captured"))
    assert full.sum() == pytest.approx(45000.0, rel=1e-12)
    assert half.sum() == pytest.approx(factor * 45000.0, rel=1e-12)


def test_endogenous_casualties_fall_as_the_front_shrinks(baseline):
    params = baseline.with_values({"casualties.mode": "endogenous", **without_recruitment()})
    total = run(params).casualties.sum("source").isel(time=slice(0, -1))
    assert float(total.isel(time=0)) < 45000.0
    assert np.all(np.diff(total.values) < 0)


def test_desertion_and_release_are_first_order(baseline):
    params = baseline.with_values({**without_recruitment(), **MONTH_LONG_TRAINING, "casualties.monthly": 0.0,
                                   "desertion.rate": 0.01, **{f"release_rate.{s}": 0.02 for s in model.SOURCES}})
    ds = run(params, dt=1.0)
    front = ds.front.isel(time=slice(0, -1))
    np.testing.assert_allclose(ds.desertion.isel(time=slice(0, -1)), 0.01 * front, rtol=1e-12)
    np.testing.assert_allclose(ds.release.isel(time=slice(0, -1)), 0.02 * front, rtol=1e-12)


def test_wounded_return_or_are_discharged_in_the_registered_proportion(baseline):
    ds = run(baseline)
    rho = baseline.value("wounded.return_fraction")
    flows = ds.isel(time=slice(0, -1))
    np.testing.assert_allclose(flows.return_to_duty, rho / (1 - rho) * flows.discharge, rtol=1e-12)


def test_release_drain_matches_the_discrete_and_continuous_closed_forms(baseline):
    """F' = -r·F: Euler gives F0·(1 - r·dt)^n exactly, and converges to F0·exp(-r·t)."""
    r = 0.05
    params = baseline.with_values({**without_recruitment(), **quiet_front(),
                                   **{f"release_rate.{s}": r for s in model.SOURCES}})
    errors = []
    months = np.arange(MONTHS + 1)
    for dt in (0.5, 0.25, 0.125):
        front = run(params, dt=dt).front_total.values
        np.testing.assert_allclose(front, front[0] * (1 - r * dt) ** (months / dt), rtol=1e-12)
        errors.append(abs(front[-1] - front[0] * np.exp(-r * MONTHS)) / front[0])
    assert errors[0] / errors[1] == pytest.approx(2.0, rel=0.1)
    assert errors[1] / errors[2] == pytest.approx(2.0, rel=0.1)


def test_constant_inflow_against_first_order_drain(baseline):
    """Prisoner pool: P' = I - k·P, so P(t) = I/k + (P0 - I/k)·exp(-k·t)."""
    inflow, k, p0 = 2000.0, 0.1, 5000.0
    params = baseline.with_values({"pool_inflow.prisoner": inflow, "draw_rate.prisoner": k,
                                   "pool_initial.prisoner": p0})
    t = np.arange(MONTHS + 1)
    exact = inflow / k + (p0 - inflow / k) * np.exp(-k * t)
    euler = run(params, dt=0.25).pool.sel(source="prisoner").values
    discrete = inflow / k + (p0 - inflow / k) * (1 - k * 0.25) ** (t / 0.25)
    np.testing.assert_allclose(euler, discrete, rtol=1e-12)
    rk4 = run(params, dt=0.25, method="rk4").pool.sel(source="prisoner").values
    np.testing.assert_allclose(rk4, exact, rtol=1e-7)
    assert np.max(abs(rk4 - exact)) < np.max(abs(euler - exact)) / 1000


def test_graduation_empties_training_with_the_training_time(baseline):
    params = baseline.with_values({**without_recruitment(), **MONTH_LONG_TRAINING, "training_time.volunteer": 2.0})
    ds = run(params, dt=1.0)
    training = ds.training.sel(source="volunteer").values
    np.testing.assert_allclose(training[1:], training[:-1] * 0.5, rtol=1e-12)
    np.testing.assert_allclose(ds.graduation.sel(source="volunteer").values[:-1], training[:-1] * 0.5)


def test_volunteer_signups_follow_bonus_and_fatigue(baseline):
    params = baseline.with_values({"volunteer.bonus_growth": "0.6 / year", "volunteer.bonus_elasticity": 0.5,
                                   "volunteer.fatigue_rate": "0.1 / year", **MONTH_LONG_TRAINING})
    ds = run(params, dt=1.0)
    months = np.arange(MONTHS)
    expected = 28000.0 * np.exp((0.5 * 0.6 - 0.1) / 12 * months)
    np.testing.assert_allclose(ds.signups.sel(source="volunteer").values[:-1], expected, rtol=1e-12)
    np.testing.assert_allclose(ds.bonus.values, 1e6 * np.exp(0.05 * np.arange(MONTHS + 1)), rtol=1e-12)


def test_pool_draw_depletes_a_pool_without_inflow(baseline):
    params = baseline.with_values({"pool_inflow.foreign": 0.0, "draw_rate.foreign": 0.2})
    ds = run(params, dt=0.5)
    pool = ds.pool.sel(source="foreign").values
    np.testing.assert_allclose(pool, pool[0] * 0.9 ** (2 * np.arange(MONTHS + 1)), rtol=1e-12)
    drawn = ds.pool_draw.sel(source="foreign").sum()
    assert float(drawn) == pytest.approx(pool[0] - pool[-1], rel=1e-12)


def test_scheduled_events_deliver_their_size(baseline):
    params = baseline.with_values({
        "dprk.tranches": [{"start": "2025-03", "size": 12000, "months": 2}],
        "migrant.roundups": [{"start": "2025-06", "size": 30000, "months": 1}],
        "mobilization.waves": [{"start": "2025-09", "size": 300000, "months": 3}],
    })
    base, ds = run(baseline), run(params)
    extra = (ds - base).isel(time=slice(0, -1)).sum("time")
    assert float(extra.pool_inflow.sel(source="dprk")) == pytest.approx(12000)
    send = baseline.value("migrant.roundup_send_fraction")
    assert float(extra.pool_inflow.sel(source="migrant")) == pytest.approx(send * 30000)
    assert float(ds.mobilization.sum()) == pytest.approx(300000)
    ratio = baseline.value("mobilization.emigration_ratio")
    assert float(ds.emigration.sum()) == pytest.approx(ratio * 300000)
    months = ds.time.dt.strftime("%Y-%m").values
    mobilized = ds.mobilization.sel(source="mobilized").values
    assert set(months[mobilized > 0]) == {"2025-09", "2025-10", "2025-11"}
    assert_conserved(ds)
