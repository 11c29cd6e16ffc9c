"""Each flow on its own, against the equation it implements, and closed-form cases.

Every case runs on the synthetic registry (:mod:`tests.synthetic`), with the values it leans on
either read from it or set explicitly, so that editing ``params/registry.yaml`` moves no expected value.
"""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.dynamics.equations import evaluate_rates, prepare
from model.core.structure import CASUALTY_FLOWS, EXPOSED_STOCK, POOLED, STOCKS, WAR_ZONE

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


def per_source(params, template):
    """A per-source registry value as an array along the source axis."""
    return np.array([params.value(template.format(source=s)) for s in model.SOURCES])


@pytest.mark.parametrize("novice", [1.0, 3.0])
def test_casualties_fall_on_sources_by_exposure_weighted_strength(toy, novice):
    """Each source's newly deployed and experienced men take casualties in proportion to role x (novice ratio for
    the newly deployed) x strength, or where a stock is nearly empty, what reaches it within half the step."""
    shares = {"assault_share.mobilized": 0.0, "assault_share.prisoner": 0.9, "assault_share.dprk": 0.5}
    params = toy.with_values({**shares, "exposure.assault_ratio": 3.0, "exposure.novice_ratio": novice,
                              "seasoning.time": 2.0, "deployment.rate": 0.05, "rear_initial.volunteer": 50_000.0,
                              "deploy_share.volunteer": 0.5, "desertion.rate": 0.02})
    ds = run(params, months=1, dt=1.0)
    v = params.value
    role = 1 + per_source(params, "assault_share.{source}") * (v("exposure.assault_ratio") - 1)
    start = ds.isel(time=0)
    graduates = (per_source(params, "deploy_share.{source}") * start.training.values
                 / per_source(params, "training_time.{source}"))
    arrivals_new = (graduates + v("deployment.rate") * start.rear.values
                    + v("desertion.return_fraction") * start.absent.values / v("desertion.absence_time"))
    arrivals_veteran = (start.front_new.values / v("seasoning.time")
                        + v("wounded.light_return_fraction") * start.wounded_light.values
                        / v("wounded.light_recovery_time")
                        + v("wounded.severe_return_fraction") * start.wounded_severe.values
                        / v("wounded.severe_recovery_time"))
    weight_new = role * novice * np.maximum(start.front_new.values, 0.5 * arrivals_new)
    weight_veteran = role * np.maximum(start.front_veteran.values, 0.5 * arrivals_veteran)
    per_weight = v("casualties.monthly") / (weight_new.sum() + weight_veteran.sum())
    for suffix, weight in (("new", weight_new), ("veteran", weight_veteran)):
        casualties = sum(start[f"{kind}_{suffix}"].values for kind in ("killed", "captured", "wounded_light",
                                                                       "wounded_severe"))
        np.testing.assert_allclose(casualties, weight * per_weight, rtol=1e-12)
    assert float(start.front_new.sum()) > 0


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
    """Halving the war zone halves endogenous casualties and leaves exogenous ones unchanged."""
    params = toy.with_values({"casualties.mode": mode, "seasoning.time": 2.0, "exposure.novice_ratio": 2.0})
    start = run(params, months=1).isel(time=0)
    state = np.stack([start[s].values for s in STOCKS])[:, :, None]
    assert state[STOCKS.index("front_new")].sum() > 0
    halved = state.copy()
    halved[[STOCKS.index(s) for s in WAR_ZONE]] /= 2
    inputs = prepare(params, "2024-12", 4, 0.25)
    full, half = (sum(evaluate_rates(inputs, s)[0][f] for f in CASUALTY_FLOWS).sum() for s in (state, halved))
    assert half == pytest.approx(factor * full, rel=1e-12)
    if mode == "exogenous":
        assert full == pytest.approx(toy.value("casualties.monthly"), rel=1e-12)


def test_endogenous_casualties_alone_drain_the_front_exponentially(toy):
    """Only casualties, all exposures alike: F' = -C0·F/F0; Euler gives F0·(1 - C0·dt/F0)^n, RK4 F0·exp(-C0·t/F0)."""
    c0, dt = toy.value("casualties.monthly"), 0.25
    params = only(toy, **{"casualties.monthly": c0, "casualties.mode": "endogenous",
                          "wounded.light_return_fraction": 0.0, "wounded.severe_return_fraction": 0.0,
                          "exposure.novice_ratio": 1.0, "exposure.assault_ratio": 1.0})
    front = run(params, dt=dt).front_total.values
    f0 = toy.value("force.deployed_total")
    np.testing.assert_allclose(front, f0 * (1 - c0 * dt / f0) ** (np.arange(MONTHS + 1) / dt), rtol=1e-12)
    rk4 = run(params, dt=dt, integrator="rk4").front_total.values
    np.testing.assert_allclose(rk4, f0 * np.exp(-c0 / f0 * np.arange(MONTHS + 1)), rtol=1e-9)


def draining(toy, elasticity: float):
    """The synthetic set with casualties alone in the exogenous mode, every exposure alike, no wounded returning."""
    return only(toy, **{"casualties.monthly": toy.value("casualties.monthly"), "casualties.mode": "exogenous",
                        "casualties.depletion_elasticity": elasticity, "wounded.light_return_fraction": 0.0,
                        "wounded.severe_return_fraction": 0.0, "exposure.novice_ratio": 1.0,
                        "exposure.assault_ratio": 1.0})


def test_full_depletion_response_drains_the_front_as_the_endogenous_mode_does(toy):
    """Elasticity 1: F' = -C0·F/F0 once the war zone is below its start, the endogenous mode's closed forms."""
    c0, dt, f0 = toy.value("casualties.monthly"), 0.25, toy.value("force.deployed_total")
    params = draining(toy, 1.0)
    np.testing.assert_allclose(run(params, dt=dt).front_total.values,
                               f0 * (1 - c0 * dt / f0) ** (np.arange(MONTHS + 1) / dt), rtol=1e-12)
    np.testing.assert_allclose(run(params, dt=dt, integrator="rk4").front_total.values,
                               f0 * np.exp(-c0 / f0 * np.arange(MONTHS + 1)), rtol=1e-9)


def test_partial_depletion_response_drains_the_front_as_its_power_law(toy):
    """Elasticity 1/2: F' = -C0·(F/F0)^(1/2), so F = F0·(1 - C0·t/(2·F0))^2 until it empties at t = 2·F0/C0;
    Euler follows its own recursion to rounding, RK4 the closed form."""
    c0, dt, f0 = toy.value("casualties.monthly"), 0.25, toy.value("force.deployed_total")
    months = int(2 * f0 / c0 * 0.9)  # stop before the front empties
    params = draining(toy, 0.5)
    euler = run(params, dt=dt, months=months).front_total.values
    expected = [f0]
    for _ in range(int(months / dt)):
        expected.append(expected[-1] - dt * c0 * np.sqrt(expected[-1] / f0))
    np.testing.assert_allclose(euler, expected[::int(1 / dt)], rtol=1e-12)
    rk4 = run(params, dt=dt, months=months, integrator="rk4").front_total.values
    np.testing.assert_allclose(rk4, f0 * (1 - c0 * np.arange(months + 1) / (2 * f0)) ** 2, rtol=1e-6)


@pytest.mark.parametrize("elasticity", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
def test_depletion_lowers_exogenous_casualties_only_below_the_start(toy, elasticity, scale):
    """At the start the casualties are the level; a war zone scaled by ``scale`` takes the level times
    min(1, scale)^elasticity: never more than the level, the process's own trend carries a growing force."""
    params = toy.with_values({"casualties.depletion_elasticity": elasticity, "seasoning.time": 2.0,
                              "exposure.novice_ratio": 2.0})
    inputs = prepare(params, "2024-12", 4, 0.25)
    state = inputs.state0.copy()
    scaled = state.copy()
    scaled[[STOCKS.index(s) for s in WAR_ZONE]] *= scale
    at_start, after = (sum(evaluate_rates(inputs, s)[0][f] for f in CASUALTY_FLOWS).sum() for s in (state, scaled))
    level = toy.value("casualties.monthly")
    assert at_start == pytest.approx(level, rel=1e-12)
    assert after == pytest.approx(level * min(1.0, scale) ** elasticity, rel=1e-12)


def test_recorded_months_are_the_record_whatever_the_depletion(toy):
    """In a month the record covers the casualties are the recorded count, however depleted the war zone."""
    recorded = [{"start": "2024-12", "size": 7_000.0, "months": 1}]
    params = toy.with_values({"casualties.depletion_elasticity": 1.0, "casualties.recorded": recorded})
    inputs = prepare(params, "2024-12", 4, 0.25)
    state = inputs.state0.copy()
    state[[STOCKS.index(s) for s in WAR_ZONE]] *= 0.25
    assert sum(evaluate_rates(inputs, state)[0][f] for f in CASUALTY_FLOWS).sum() == pytest.approx(7_000.0, rel=1e-12)


def test_first_order_flows_are_their_rate_times_their_stock(toy):
    """Seasoning, desertion of both kinds, release, rotation, deployment and release from outside the war zone:
    each month's total (dt = 1) is the rate times the stock at the start of the month."""
    params = only(toy, **{"desertion.rate": 0.01, **{f"release_rate.{s}": 0.02 for s in model.SOURCES},
                          "rotation.rate": 0.03, "deployment.rate": 0.04, "rear.release_rate": 0.05,
                          "seasoning.time": 2.0, "rear_initial.volunteer": 50_000.0,
                          "rear_initial.mobilized": 20_000.0})
    ds = run(params, dt=1.0)
    stock = {name: ds[name].isel(time=slice(0, -1)) for name in ("front_new", "front_veteran", "rear")}
    for flow, rate, origin in (("seasoning", 0.5, "front_new"), ("desertion_new", 0.01, "front_new"),
                               ("desertion_veteran", 0.01, "front_veteran"), ("release", 0.02, "front_veteran"),
                               ("rotation", 0.03, "front_veteran"), ("deployment", 0.04, "rear"),
                               ("rear_release", 0.05, "rear")):
        np.testing.assert_allclose(monthly(ds, flow), rate * stock[origin], rtol=1e-12, err_msg=flow)
        assert float(monthly(ds, flow).sum()) > 0, flow


@pytest.mark.parametrize("severity", ["light", "severe"])
def test_wounded_return_or_are_discharged_in_the_registered_proportion(toy, severity):
    """Each severity leaves treatment at 1/recovery time; a share returns to the war zone, the rest is discharged."""
    ds = run(toy, dt=1.0)
    rho, time = toy.value(f"wounded.{severity}_return_fraction"), toy.value(f"wounded.{severity}_recovery_time")
    stock = ds[f"wounded_{severity}"].isel(time=slice(0, -1))
    np.testing.assert_allclose(monthly(ds, f"return_{severity}"), rho * stock / time, rtol=1e-12)
    np.testing.assert_allclose(monthly(ds, f"discharge_{severity}"), (1 - rho) * stock / time, rtol=1e-12)
    assert float(stock.sum()) > 0


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
    """Volunteers only, S a month, tau months' training, dt = 1: T' = S - T/tau; graduation + assignment = T/tau,
    split by the deploy share.

    A pipeline that starts full (T0 = S·tau) stays so and graduates S a month; prisoners drawn from a
    pool that empties give a pipeline that drains, still at T/tau.
    """
    signups, tau = toy.value("volunteer.signups"), 2.0
    params = only(toy, **{"volunteer.signups": signups, "training_time.volunteer": tau,
                          "draw_rate.prisoner": 0.5, "training_time.prisoner": tau,
                          "deploy_share.volunteer": 0.7, "deploy_share.prisoner": 0.2})
    ds = run(params, dt=1.0)
    decay = (1 - 1 / tau) ** np.arange(MONTHS + 1)
    for source in ("volunteer", "prisoner"):
        training = ds.training.sel(source=source).values
        share = params.value(f"deploy_share.{source}")
        np.testing.assert_allclose(monthly(ds, "graduation").sel(source=source), share * training[:-1] / tau,
                                   rtol=1e-12)
        np.testing.assert_allclose(monthly(ds, "assignment").sel(source=source), (1 - share) * training[:-1] / tau,
                                   rtol=1e-12)
    training = ds.training.sel(source="volunteer").values
    np.testing.assert_allclose(training, signups * tau + (training[0] - signups * tau) * decay, rtol=1e-12)
    np.testing.assert_allclose(monthly(ds, "signups").sel(source="volunteer"), signups, rtol=1e-12)
    assert np.ptp(ds.training.sel(source="prisoner").values) > 0.5 * toy.value("pool_initial.prisoner")


@pytest.mark.parametrize("ceiling", [1_000_000.0, 3_000_000.0, 500_000.0])
def test_volunteer_signups_follow_the_payment(toy, ceiling):
    """S(t) = S0·((12p + F + R(t)) / (12p + F + R0))^e · exp(-(e·g + f)·t), R(t) = C·R0 / (R0 + (C - R0)·e^(-r·t));
    the bonus output is F + R(t) at the start of each month."""
    e, r = 0.5, 0.1
    params = toy.with_values({"volunteer.pay_elasticity": e, "volunteer.fatigue_rate": "0.1 / year",
                              "wage.growth": "0.06 / year", "pay.regional_growth": r, "pay.regional_ceiling": ceiling,
                              "pay.regional_bonus": 1_000_000.0})
    ds = run(params, dt=1.0)
    v = params.value
    t = np.arange(MONTHS + 1.0)
    r0 = v("pay.regional_bonus")
    regional = ceiling * r0 / (r0 + (ceiling - r0) * np.exp(-r * t))
    fixed = 12 * v("pay.monthly") + v("pay.federal_bonus")
    expected = (v("volunteer.signups") * ((fixed + regional) / (fixed + r0)) ** e
                * np.exp(-(e * 0.06 / 12 + 0.1 / 12) * t))
    np.testing.assert_allclose(monthly(ds, "signups").sel(source="volunteer"), expected[:-1], rtol=1e-12)
    np.testing.assert_allclose(ds.bonus.values, v("pay.federal_bonus") + regional, rtol=1e-12)


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
    params = toy.with_values({f"front_initial.{s}": 0.0 for s in POOLED})
    params = params.with_values({"force.deployed_total": 0.0, "casualties.monthly": 1e6}, kind="search")
    ds = run(params, months=6, dt=0.25)
    # Whatever reaches the front is taken at once: the front stays empty and the rest of the demand is shortfall.
    np.testing.assert_allclose(ds.front_total.values, 0.0, atol=1e-6)
    assert float(ds.casualties.isel(time=slice(0, -1)).sum()) > 0
    assert float(ds.shortfall.sel(stock=EXPOSED_STOCK).sum()) > 0
