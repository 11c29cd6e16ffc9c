"""Each flow on its own, against the equation it implements, and closed-form cases.

Every case runs on the synthetic registry (:mod:`tests.synthetic`), with the values it leans on
either read from it or set explicitly, so that editing ``params/registry.yaml`` moves no expected value.
"""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.dynamics.equations import evaluate_rates, prepare
from model.core.structure import CASUALTY_FLOWS, STOCKS

from ..conftest import assert_conserved, quiet_front, without_recruitment

MONTHS = 24


def run(params, **kwargs):
    return model.simulate(params, months=kwargs.pop("months", MONTHS), **kwargs)


def monthly(ds, name):
    """A flow's monthly totals without the end-state label (persons)."""
    return ds[name].isel(time=slice(0, -1))


def only(toy, **values):
    """The synthetic set with recruitment, casualties, desertion and release off, plus ``values``."""
    return toy.with_values({**without_recruitment(), **quiet_front(), **values})


def test_casualties_split_into_killed_wounded_captured(toy):
    ds = run(toy)
    flows = ds.isel(time=slice(0, -1)).sum("source")
    k, c = toy.value("casualties.killed_fraction"), toy.value("casualties.captured_fraction")
    np.testing.assert_allclose(flows.casualties, toy.value("casualties.monthly"), rtol=1e-12)
    np.testing.assert_allclose(flows.killed, k * flows.casualties, rtol=1e-12)
    np.testing.assert_allclose(flows.captured, c * flows.casualties, rtol=1e-12)
    np.testing.assert_allclose(flows.wounded_in_action, (1 - k - c) * flows.casualties, rtol=1e-12)


def test_casualties_fall_on_sources_by_exposure_weighted_strength(toy):
    exposures = {"exposure.mobilized": 0.5, "exposure.prisoner": 3.0, "exposure.dprk": 2.0}
    params = toy.with_values(exposures)
    ds = run(params, months=1, dt=1.0)
    exposure = np.array([1.0] + [params.value(f"exposure.{s}") for s in model.SOURCES[1:]])
    start = ds.isel(time=0)
    # Strength, or where a source's front is nearly empty, what reaches it within half the step (dt = 1 month).
    graduates = start.training.values / np.array([params.value(f"training_time.{s}") for s in model.SOURCES])
    returns = (params.value("wounded.return_fraction") * start.wounded.values / params.value("wounded.recovery_time"))
    weight = exposure * np.maximum(start.front.values, 0.5 * 1.0 * (graduates + returns))
    expected = toy.value("casualties.monthly") * weight / weight.sum()
    np.testing.assert_allclose(start.casualties.values, expected, rtol=1e-12)


def test_casualties_grow_at_the_growth_rate(toy):
    params = toy.with_values({"casualties.growth_rate": "0.3 / year"})
    ds = run(params, dt=0.125)
    totals = monthly(ds, "casualties").sum("source").values
    # C0·exp(g·t) sampled at the left edge of each of 8 steps a month.
    steps = np.arange(MONTHS * 8) * 0.125
    expected = (toy.value("casualties.monthly") * np.exp(0.3 / 12 * steps) * 0.125).reshape(MONTHS, 8).sum(axis=1)
    np.testing.assert_allclose(totals, expected, rtol=1e-12)


@pytest.mark.parametrize("mode, factor", [("exogenous", 1.0), ("endogenous", 0.5)])
def test_casualty_level_follows_the_mode(toy, mode, factor):
    """Halving the front halves endogenous casualties and leaves exogenous ones unchanged."""
    params = toy.with_values({"casualties.mode": mode})
    start = run(params, months=1).isel(time=0)
    state = np.stack([start[s].values for s in STOCKS])[:, :, None]
    halved = state.copy()
    halved[STOCKS.index("front")] /= 2
    inputs = prepare(params, "2024-12", 4, 0.25)
    full, half = (sum(evaluate_rates(inputs, s)[0][f] for f in CASUALTY_FLOWS).sum() for s in (state, halved))
    assert full == pytest.approx(toy.value("casualties.monthly"), rel=1e-12)
    assert half == pytest.approx(factor * toy.value("casualties.monthly"), rel=1e-12)


def test_endogenous_casualties_alone_drain_the_front_exponentially(toy):
    """Only casualties, all exposures alike: F' = -C0·F/F0; Euler gives F0·(1 - C0·dt/F0)^n, RK4 F0·exp(-C0·t/F0)."""
    c0, dt = toy.value("casualties.monthly"), 0.25
    params = only(toy, **{"casualties.monthly": c0, "casualties.mode": "endogenous", "wounded.return_fraction": 0.0,
                          **{f"exposure.{s}": 1.0 for s in model.SOURCES[1:]}})
    front = run(params, dt=dt).front_total.values
    f0 = toy.value("force.deployed_total")
    np.testing.assert_allclose(front, f0 * (1 - c0 * dt / f0) ** (np.arange(MONTHS + 1) / dt), rtol=1e-12)
    rk4 = run(params, dt=dt, integrator="rk4").front_total.values
    np.testing.assert_allclose(rk4, f0 * np.exp(-c0 / f0 * np.arange(MONTHS + 1)), rtol=1e-9)


def test_desertion_and_release_are_first_order(toy):
    params = only(toy, **{"desertion.rate": 0.01, **{f"release_rate.{s}": 0.02 for s in model.SOURCES}})
    ds = run(params, dt=1.0)
    front = ds.front.isel(time=slice(0, -1))
    np.testing.assert_allclose(monthly(ds, "desertion"), 0.01 * front, rtol=1e-12)
    np.testing.assert_allclose(monthly(ds, "release"), 0.02 * front, rtol=1e-12)


def test_wounded_return_or_are_discharged_in_the_registered_proportion(toy):
    ds = run(toy)
    rho = toy.value("wounded.return_fraction")
    np.testing.assert_allclose(monthly(ds, "return_to_duty"), rho / (1 - rho) * monthly(ds, "discharge"),
                               rtol=1e-12)


def test_release_drain_matches_the_discrete_and_continuous_closed_forms(toy):
    """F' = -r·F: Euler gives F0·(1 - r·dt)^n exactly, and converges to F0·exp(-r·t) at first order."""
    r = 0.05
    params = only(toy, **{f"release_rate.{s}": r for s in model.SOURCES})
    errors = []
    months = np.arange(MONTHS + 1)
    for dt in (0.5, 0.25, 0.125):
        front = run(params, dt=dt).front_total.values
        np.testing.assert_allclose(front, front[0] * (1 - r * dt) ** (months / dt), rtol=1e-12)
        errors.append(abs(front[-1] - front[0] * np.exp(-r * MONTHS)) / front[0])
    assert errors[0] / errors[1] == pytest.approx(2.0, rel=0.1)
    assert errors[1] / errors[2] == pytest.approx(2.0, rel=0.1)


def test_constant_inflow_against_first_order_drain(toy):
    """Prisoner pool: P' = I - k·P, so P(t) = I/k + (P0 - I/k)·exp(-k·t)."""
    inflow, k, p0 = 2000.0, 0.1, 5000.0
    params = toy.with_values({"pool_inflow.prisoner": inflow, "draw_rate.prisoner": k,
                              "pool_initial.prisoner": p0})
    t = np.arange(MONTHS + 1)
    exact = inflow / k + (p0 - inflow / k) * np.exp(-k * t)
    euler = run(params, dt=0.25).pool.sel(source="prisoner").values
    discrete = inflow / k + (p0 - inflow / k) * (1 - k * 0.25) ** (t / 0.25)
    np.testing.assert_allclose(euler, discrete, rtol=1e-12)
    rk4 = run(params, dt=0.25, integrator="rk4").pool.sel(source="prisoner").values
    np.testing.assert_allclose(rk4, exact, rtol=1e-7)
    assert np.max(abs(rk4 - exact)) < np.max(abs(euler - exact)) / 1000


def test_graduation_drains_the_pipeline_at_one_over_the_training_time(toy):
    """Volunteers only, S a month, tau months' training, dt = 1: T' = S - T/tau, graduation = T/tau.

    A pipeline that starts full (T0 = S·tau) stays so and graduates S a month; prisoners drawn from a
    pool that empties give a pipeline that drains, still at T/tau.
    """
    signups, tau = toy.value("volunteer.signups"), 2.0
    params = only(toy, **{"volunteer.signups": signups, "training_time.volunteer": tau,
                          "draw_rate.prisoner": 0.5, "training_time.prisoner": tau})
    ds = run(params, dt=1.0)
    decay = (1 - 1 / tau) ** np.arange(MONTHS + 1)
    for source in ("volunteer", "prisoner"):
        training = ds.training.sel(source=source).values
        np.testing.assert_allclose(monthly(ds, "graduation").sel(source=source), training[:-1] / tau, rtol=1e-12)
    training = ds.training.sel(source="volunteer").values
    np.testing.assert_allclose(training, signups * tau + (training[0] - signups * tau) * decay, rtol=1e-12)
    np.testing.assert_allclose(monthly(ds, "signups").sel(source="volunteer"), signups, rtol=1e-12)
    assert np.ptp(ds.training.sel(source="prisoner").values) > 0.5 * toy.value("pool_initial.prisoner")


def test_volunteer_signups_follow_bonus_and_fatigue(toy):
    """Sign-ups grow at elasticity x bonus growth - fatigue: S0·exp((eps·g - phi)·t)."""
    eps, g, phi = 0.5, 0.6 / 12, 0.1 / 12
    params = toy.with_values({"volunteer.bonus_growth": "0.6 / year", "volunteer.bonus_elasticity": eps,
                              "volunteer.fatigue_rate": "0.1 / year"})
    ds = run(params, dt=1.0)
    months = np.arange(MONTHS + 1)
    expected = toy.value("volunteer.signups") * np.exp((eps * g - phi) * months[:-1])
    np.testing.assert_allclose(monthly(ds, "signups").sel(source="volunteer"), expected, rtol=1e-12)
    np.testing.assert_allclose(ds.bonus.values, toy.value("volunteer.bonus") * np.exp(g * months), rtol=1e-12)


def test_pool_draw_depletes_a_pool_without_inflow(toy):
    params = toy.with_values({"pool_inflow.foreign": 0.0, "draw_rate.foreign": 0.2})
    ds = run(params, dt=0.5)
    pool = ds.pool.sel(source="foreign").values
    np.testing.assert_allclose(pool, toy.value("pool_initial.foreign") * 0.9 ** (2 * np.arange(MONTHS + 1)),
                               rtol=1e-12)
    assert float(ds.pool_draw.sel(source="foreign").sum()) == pytest.approx(pool[0] - pool[-1], rel=1e-12)


def test_scheduled_events_deliver_their_size(toy):
    params = toy.with_values({
        "dprk.tranches": [{"start": "2025-03", "size": 12000, "months": 2}],
        "migrant.roundups": [{"start": "2025-06", "size": 30000, "months": 1}],
        "mobilization.waves": [{"start": "2025-09", "size": 300000, "months": 3}],
    })
    base, ds = run(toy), run(params)
    extra = (ds - base).isel(time=slice(0, -1)).sum("time")
    assert float(extra.pool_inflow.sel(source="dprk")) == pytest.approx(12000)
    assert float(extra.pool_inflow.sel(source="migrant")) == pytest.approx(
        toy.value("migrant.roundup_send_fraction") * 30000)
    assert float(extra.mobilization.sum()) == pytest.approx(300000)
    assert float(extra.emigration.sum()) == pytest.approx(toy.value("mobilization.emigration_ratio") * 300000)
    months = ds.time.dt.strftime("%Y-%m").values
    mobilized = ds.mobilization.sel(source="mobilized").values
    assert set(months[mobilized > 0]) == {"2025-09", "2025-10", "2025-11"}
    assert_conserved(ds)


def test_an_emptied_front_takes_its_casualties_among_the_people_reaching_it(toy):
    """With every source's front at zero, casualties fall on the arrivals instead of being sheltered from them."""
    params = toy.with_values({f"front_initial.{s}": 0.0 for s in model.SOURCES[1:]})
    params = params.with_values({"force.deployed_total": 0.0, "casualties.monthly": 1e6}, kind="search")
    ds = run(params, months=6, dt=0.25)
    # Whatever reaches the front is taken at once: the front stays empty and the rest of the demand is shortfall.
    np.testing.assert_allclose(ds.front_total.values, 0.0, atol=1e-6)
    assert float(ds.casualties.isel(time=slice(0, -1)).sum()) > 0
    assert float(ds.shortfall.sel(stock="front").sum()) > 0
