"""The structure of issue 13 against its equations: two force levels, the conscript channel, payments, losses
as they are counted, exposure by role and experience.

Every case runs on the synthetic registry (:mod:`tests.synthetic`), with the values it leans on set here or read
from it: closed forms where the equations give one, invariants and directions of effect elsewhere.
"""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.core.structure import ARMED_FORCES, CASUALTY_FLOWS, FLOWS, POOLED, SOURCES, STOCKS, WAR_ZONE
from model.dynamics.equations import (NOVICE, ROLE, evaluate_rates, exposure_weight, initial_state, prepare,
                                      registered_exposure, serving_conscripts)
from model.inputs.registry import Event
from model.inputs.start import default_start
from model.inputs.schedules import month_index

from ..conftest import assert_conserved, assert_non_negative, quiet_front, without_recruitment

START = default_start()
MONTHS = 24
CONSCRIPT = SOURCES.index("conscript")


def month(offset: int) -> str:
    """The month ``offset`` months after the start, YYYY-MM."""
    index = month_index(START) + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


#: Every channel on: call-up campaigns before and during the run, conversion, an emergency deployment, rotation,
#: deployment, release from outside the war zone, absence and return, both wound severities, a wave, a tranche.
BUSY = {
    "conscription.campaigns": [{"start": month(-9), "size": 150_000.0, "months": 3},
                               {"start": month(-3), "size": 130_000.0, "months": 3},
                               {"start": month(3), "size": 140_000.0, "months": 3.5}],
    "conscription.emergency": [{"start": month(2), "size": 20_000.0, "months": 2}],
    "conscription.conversion_share": 0.2,
    "mobilization.waves": [{"start": month(4), "size": 100_000.0, "months": 2}],
    "dprk.tranches": [{"start": month(1), "size": 10_000.0, "months": 1}],
    "rotation.rate": 0.05, "deployment.rate": 0.08, "rear.release_rate": 0.01,
    "rear_initial.volunteer": 150_000.0, "rear_initial.mobilized": 30_000.0,
    **{f"deploy_share.{s}": 0.7 for s in SOURCES},
    "desertion.rate": 0.01, "desertion.return_fraction": 0.6, "desertion.absence_time": 2.0,
    "exposure.novice_ratio": 2.5, "exposure.assault_ratio": 3.0, "assault_share.prisoner": 0.8,
    "pay.regional_ceiling": 2_000_000.0, "pay.regional_growth": 0.1, "volunteer.pay_elasticity": 0.6,
}


def run(params, **kwargs):
    return model.simulate(params, months=kwargs.pop("months", MONTHS), start=kwargs.pop("start", START), **kwargs)


def monthly(ds, name):
    """A variable's monthly values without the end-state label."""
    return ds[name].isel(time=slice(0, -1))


def quiet(toy, **values):
    """The synthetic set with recruitment and every exit from the war zone off, plus ``values``."""
    return toy.with_values({**without_recruitment(), **quiet_front(), **values})


# --- conservation across both levels and the conscript channel -------------------------------------------------

@pytest.mark.parametrize("mode", ["exogenous", "endogenous"])
@pytest.mark.parametrize("integrator", ["euler", "rk4"])
def test_people_are_conserved_across_both_levels_and_the_conscript_channel(toy, mode, integrator):
    """armed forces + pools + everyone who left (sinks) change only by the inflows from outside the model."""
    ds = run(toy.with_values({**BUSY, "casualties.mode": mode}), integrator=integrator)
    assert_conserved(ds)
    assert_non_negative(ds)
    outside = [f.name for f in FLOWS if f.origin is None]
    assert sorted(outside) == ["call_up", "pool_inflow", "signups"]
    exits = [f.name for f in FLOWS if f.target not in STOCKS]
    inside = ds.armed_forces + ds.pool.sum("source")
    arrived = sum(monthly(ds, f).sum("source") for f in outside).cumsum("time").values
    left = sum(monthly(ds, f).sum("source") for f in exits).cumsum("time").values
    np.testing.assert_allclose(inside.values[1:] - inside.values[0], arrived - left,
                               rtol=1e-9, atol=1e-9 * float(inside.max()))
    for flow in ("call_up", "conversion", "demobilization", "emergency_deployment", "rotation", "deployment",
                 "rear_release", "desertion_new", "absence_return", "deserted", "return_light", "return_severe",
                 "discharge_light", "discharge_severe", "assignment", "graduation", "seasoning"):
        assert float(ds[flow].sum()) > 0, flow


def test_the_levels_are_their_stocks(toy):
    ds = run(toy.with_values(BUSY), months=6)
    np.testing.assert_allclose(ds.front_total, sum(ds[s] for s in WAR_ZONE).sum("source"), rtol=1e-12)
    np.testing.assert_allclose(ds.armed_forces, sum(ds[s] for s in ARMED_FORCES).sum("source"), rtol=1e-12)
    assert set(WAR_ZONE) < set(ARMED_FORCES) and "pool" not in ARMED_FORCES


# --- the conscript channel ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("share", [0.0, 0.1, 0.3])
def test_conscripts_leave_at_the_end_of_their_term_or_sign(toy, share):
    """dt = 1: demobilization = conscripts / term, conversion = share / (1 - share) / term x conscripts, each month."""
    params = toy.with_values({**BUSY, "conscription.conversion_share": share, "conscription.emergency": []})
    ds = run(params, dt=1.0)
    term = toy.value("conscription.term")
    conscripts = monthly(ds, "conscripts").sel(source="conscript")
    assert float(conscripts.min()) > 0
    np.testing.assert_allclose(monthly(ds, "demobilization").sel(source="conscript"), conscripts / term, rtol=1e-12)
    np.testing.assert_allclose(monthly(ds, "conversion").sel(source="conscript"),
                               share / (1 - share) / term * conscripts, rtol=1e-12)
    if share == 0.0:
        assert float(ds.conversion.sum()) == 0.0


@pytest.mark.parametrize("share", [0.05, 0.25, 0.6])
@pytest.mark.parametrize("integrator, dt", [("euler", 0.01), ("rk4", 0.1)])
def test_a_cohort_signs_in_the_registered_share_before_its_term_ends(toy, share, integrator, dt):
    """One campaign, nothing else: of the conscripts called up, a share ``share`` signs before leaving."""
    params = quiet(toy, **{"conscription.conversion_share": share,
                           "conscription.campaigns": [{"start": START, "size": 100_000.0, "months": 1}]})
    ds = run(params, months=60, dt=dt, integrator=integrator, variables=["call_up", "conversion", "demobilization",
                                                                          "conscripts"])
    called = float(ds.call_up.sum())
    assert called == pytest.approx(100_000.0, rel=1e-12)
    assert float(ds.conscripts.isel(time=-1).sum()) < 1e-3 * called
    assert float(ds.conversion.sum()) / called == pytest.approx(share, abs=1e-3)
    assert float(ds.conversion.sum() + ds.demobilization.sum()) == pytest.approx(called, rel=1e-3)


def test_call_up_follows_the_campaign_schedule(toy):
    campaigns = [{"start": month(1), "size": 120_000.0, "months": 3}, {"start": month(7), "size": 90_000.0,
                                                                          "months": 1.5}]
    ds = run(quiet(toy, **{"conscription.campaigns": campaigns}), months=12, dt=0.5)
    call_up = monthly(ds, "call_up").sel(source="conscript").values
    expected = np.zeros(12)
    expected[1:4] = 40_000.0
    expected[7] = 60_000.0
    expected[8] = 30_000.0
    np.testing.assert_allclose(call_up, expected, rtol=1e-12, atol=1e-9)
    others = monthly(ds, "call_up").drop_sel(source="conscript")
    assert float(abs(others).sum()) == 0.0


@pytest.mark.parametrize("term, share", [(2.0, 0.1), (4.0, 0.3)])
def test_serving_conscripts_decay_by_the_exits_of_the_channel(toy, term, share):
    """A single campaign month, age a months at the start: N · exp(-(1/term + c)·a), c = share / (1 - share) / term."""
    size = 120_000.0
    params = toy.with_values({"conscription.term": term, "conscription.conversion_share": share,
                              "conscription.campaigns": [{"start": month(-5), "size": size, "months": 1}]})
    exit_rate = 1 / term + share / (1 - share) / term
    state = initial_state(params, prepare(params, START, 4, 0.25), START)
    expected = size * np.exp(-exit_rate * 4.5)  # called up in mid-month, 4.5 months before the start
    assert state[STOCKS.index("conscripts"), CONSCRIPT, 0] == pytest.approx(expected, rel=1e-12)
    assert state[STOCKS.index("conscripts")].sum() == pytest.approx(expected, rel=1e-12)
    direct = serving_conscripts([Event(start=month(-5), size=size, months=1)], START, np.array([exit_rate]))
    assert direct[0] == pytest.approx(expected, rel=1e-12)
    assert serving_conscripts([Event(start=START, size=size, months=1)], START, np.array([exit_rate]))[0] == 0.0
    # In the run, the same cohort keeps decaying at that rate (RK4, one month steps at most 1e-4 off a month).
    ds = run(params.with_values(quiet_front()), months=12, dt=0.1, integrator="rk4", variables=["conscripts"])
    conscripts = ds.conscripts.sel(source="conscript").values
    np.testing.assert_allclose(conscripts, expected * np.exp(-exit_rate * np.arange(13)), rtol=1e-6)


def emergency(toy, size):
    """A quiet run of four months with conscripts serving and ``size`` of them asked for in the second month."""
    params = quiet(toy, **{"conscription.campaigns": [{"start": month(-4), "size": 100_000.0, "months": 2}],
                           "conscription.emergency": [{"start": month(1), "size": size, "months": 1}]})
    return run(params, months=4, dt=0.25, variables=None)


@pytest.mark.parametrize("size", [5_000.0, 10_000_000.0])
def test_emergency_deployment_is_limited_by_the_conscripts_serving(toy, size):
    """Conscripts sent into the war zone come from the conscripts serving: a demand beyond them empties the stock,
    never below zero, and what it lacked is reported as shortfall of the conscripts."""
    ds = emergency(toy, size)
    assert_non_negative(ds)
    assert_conserved(ds)
    sent = float(ds.emergency_deployment.sum())
    lacking = float(ds.shortfall.sel(stock="conscripts").sum())
    assert sent + lacking >= size * (1 - 1e-9)
    before = float(ds.conscripts.sel(source="conscript").isel(time=1))
    if size < before / 2:
        assert sent == pytest.approx(size, rel=1e-12) and lacking == 0.0
    else:
        assert sent < before and lacking > 0
        assert float(ds.conscripts.sum("source").isel(time=2)) <= 1e-6 * before
    # The conscripts sent arrive in the war zone (no casualties here), among the newly deployed.
    front = ds.front_new + ds.front_veteran
    np.testing.assert_allclose(float(front.sel(source="conscript").isel(time=2)), sent, rtol=1e-9)


def test_emergency_shortfall_is_exactly_what_the_emergency_lacked(toy):
    size = 10_000_000.0
    ds = emergency(toy, size)
    sent = float(ds.emergency_deployment.sum())
    assert sent + float(ds.shortfall.sel(stock="conscripts").sum()) == pytest.approx(size, rel=1e-9)


# --- wounds, absence, the loss definitions -----------------------------------------------------------------------

@pytest.mark.parametrize("severe", [0.0, 0.3, 1.0])
def test_the_wounded_split_by_severity(toy, severe):
    ds = run(toy.with_values({**BUSY, "wounded.severe_fraction": severe}), months=6, dt=1.0)
    k, c = toy.value("casualties.killed_fraction"), toy.value("casualties.captured_fraction")
    for suffix in ("new", "veteran"):
        casualties = sum(monthly(ds, f"{kind}_{suffix}") for kind in ("killed", "captured", "wounded_light",
                                                                      "wounded_severe"))
        wounded = (1 - k - c) * casualties
        np.testing.assert_allclose(monthly(ds, f"wounded_severe_{suffix}"), severe * wounded, rtol=1e-12,
                                   atol=1e-9)
        np.testing.assert_allclose(monthly(ds, f"wounded_light_{suffix}"), (1 - severe) * wounded, rtol=1e-12,
                                   atol=1e-9)
    if severe == 0.0:
        assert float(ds.wounded_severe.isel(time=slice(1, None)).sum()) == 0.0
    if severe == 1.0:
        assert float(ds.wounded_light.isel(time=slice(1, None)).sum()) == 0.0


@pytest.mark.parametrize("returning", [0.0, 0.6, 1.0])
def test_absentees_return_or_are_lost_in_the_registered_proportion(toy, returning):
    ds = run(toy.with_values({**BUSY, "desertion.return_fraction": returning}), months=6, dt=1.0)
    absent, time = monthly(ds, "absent"), BUSY["desertion.absence_time"]
    assert float(absent.sum()) > 0
    np.testing.assert_allclose(monthly(ds, "absence_return"), returning * absent / time, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(monthly(ds, "deserted"), (1 - returning) * absent / time, rtol=1e-12, atol=1e-9)
    if returning == 1.0:
        assert float(ds.deserted.sum()) == 0.0
    if returning == 0.0:
        assert float(ds.absence_return.sum()) == 0.0


def test_the_loss_definitions_nest(toy):
    """deaths <= irrecoverable losses <= permanent losses; deaths <= casualties; casualties = killed + captured
    + wounded in action."""
    full = run(toy.with_values(BUSY)).isel(time=slice(0, -1))
    tolerance = 1e-9 * float(full.casualties_total.max())
    assert np.all(full.deaths <= full.irrecoverable_losses + tolerance)
    assert np.all(full.irrecoverable_losses <= full.losses + tolerance)
    assert np.all(full.deaths <= full.casualties_total + tolerance)
    np.testing.assert_allclose(full.casualties_total,
                               (full.killed + full.captured + full.wounded_in_action).sum("source"), rtol=1e-12)
    assert float(full.irrecoverable_losses.sum()) > float(full.deaths.sum()) > 0


# --- exposure by role and experience -----------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["exogenous", "endogenous"])
def test_casualties_start_at_the_level_for_the_registered_exposures(toy, mode):
    """The endogenous mode's anchor is the initial exposure-weighted strength under the registered exposures: at
    t = 0 both modes give the level with the registered exposures; overriding them to more assault and a higher
    novice ratio leaves exogenous casualties at the level and raises endogenous ones in proportion to the
    exposure-weighted strength."""
    registered = toy.with_values({**{k: v for k, v in BUSY.items() if not k.startswith(("exposure.", "assault"))},
                                  "casualties.mode": mode, "casualties.process": "trend"})
    riskier = registered.with_values({"exposure.novice_ratio": 4.0, "assault_share.volunteer": 0.9})
    level = toy.value("casualties.monthly")
    for params in (registered, riskier):
        inputs = prepare(params, START, 4, 0.25)
        state = initial_state(params, inputs, START)
        rates, _ = evaluate_rates(inputs, state)
        total = sum(rates[f].sum() for f in CASUALTY_FLOWS)
        own = exposure_weight(inputs.per_source[ROLE], inputs.per_run[NOVICE], state)
        reference = exposure_weight(*registered_exposure(params, 1), state)
        expected = level * float(own[0] / reference[0]) if mode == "endogenous" else level
        assert total == pytest.approx(expected, rel=1e-12)
    assert mode == "exogenous" or float(own[0] / reference[0]) > 1.0


def pair(params, key, low, high):
    """A batch of two runs differing only in ``key``."""
    return params.with_values({key: np.array([low, high])}, kind="search")


def share_of_casualties(ds, source):
    casualties = monthly(ds, "casualties")
    return casualties.sel(source=source) / casualties.sum("source")


@pytest.mark.parametrize("mode", ["exogenous", "endogenous"])
@pytest.mark.parametrize("source", ["prisoner", "volunteer"])
def test_more_assault_share_never_lowers_a_sources_share_of_casualties(toy, mode, source):
    params = toy.with_values({**BUSY, "casualties.mode": mode})
    ds = run(pair(params, f"assault_share.{source}", 0.1, 0.9), variables=None)
    low, high = (share_of_casualties(ds.isel(run=i), source).values for i in (0, 1))
    assert np.all(high >= low - 1e-12) and np.any(high > low)


@pytest.mark.parametrize("source", ["prisoner", "volunteer"])
def test_more_assault_share_never_lowers_casualties_in_the_endogenous_mode(toy, source):
    params = toy.with_values({**BUSY, "casualties.mode": "endogenous"})
    ds = run(pair(params, f"assault_share.{source}", 0.1, 0.9), variables=["casualties_total"])
    low, high = (monthly(ds, "casualties_total").isel(run=i).values for i in (0, 1))
    assert np.all(high >= low * (1 - 1e-12))


@pytest.mark.parametrize("mode", ["exogenous", "endogenous"])
def test_a_higher_novice_ratio_raises_the_newly_deployed_share_of_casualties(toy, mode):
    params = toy.with_values({**BUSY, "casualties.mode": mode})
    ds = run(pair(params, "exposure.novice_ratio", 1.5, 3.5), variables=None)

    def new_share(one):
        new = sum(monthly(one, f"{kind}_new").sum("source") for kind in ("killed", "captured", "wounded_light",
                                                                         "wounded_severe"))
        return (new / monthly(one, "casualties_total")).values

    low, high = new_share(ds.isel(run=0)), new_share(ds.isel(run=1))
    assert np.all(high > low)


# --- directions of the conscript channel and the budget ----------------------------------------------------------

@pytest.mark.parametrize("mode", ["exogenous", "endogenous"])
def test_more_conversion_never_shrinks_either_force_level(toy, mode):
    params = toy.with_values({**BUSY, "casualties.mode": mode})
    ds = run(pair(params, "conscription.conversion_share", 0.05, 0.4), variables=["armed_forces", "front_total"])
    for level in ("armed_forces", "front_total"):
        low, high = (float(ds[level].isel(run=i, time=-1)) for i in (0, 1))
        assert high >= low, level
    assert float(ds.front_total.isel(run=1, time=-1)) > float(ds.front_total.isel(run=0, time=-1))


@pytest.mark.parametrize("key, low, high", [("pay.regional_ceiling", 1_200_000.0, 3_000_000.0),
                                            ("pay.regional_ceiling", 500_000.0, 1_000_000.0),
                                            ("pay.regional_growth", 0.02, 0.2)])
def test_a_regional_budget_cut_never_raises_signups(toy, key, low, high):
    ds = run(pair(toy.with_values(BUSY), key, low, high), variables=["signups"])
    cut, full = (monthly(ds, "signups").sel(source="volunteer").isel(run=i).values for i in (0, 1))
    assert np.all(cut <= full * (1 + 1e-12))


def test_a_federal_payment_cut_never_raises_signups(toy):
    ds = run(pair(toy.with_values(BUSY), "pay.federal_change", -500_000.0, 1_000_000.0), variables=["signups"])
    cut, full = (monthly(ds, "signups").sel(source="volunteer").isel(run=i).values for i in (0, 1))
    assert np.all(cut <= full * (1 + 1e-12)) and np.any(cut < full)


# --- the payment and its cost ------------------------------------------------------------------------------------

@pytest.mark.parametrize("r0, ceiling, growth", [(1e6, 1e6, 0.1), (1e6, 3e6, 0.1), (1e6, 3e6, 0.0),
                                                 (2e6, 5e5, 0.2), (5e5, 9e6, 0.5)])
def test_the_regional_bonus_stays_between_its_start_and_ceiling_and_moves_towards_the_ceiling(toy, r0, ceiling,
                                                                                                growth):
    params = toy.with_values({"pay.regional_bonus": r0, "pay.regional_ceiling": ceiling,
                              "pay.regional_growth": growth, "pay.federal_bonus": 400_000.0})
    ds = run(params, months=120, dt=1.0, variables=["bonus"])
    regional = ds.bonus.values - 400_000.0
    assert regional[0] == pytest.approx(r0, rel=1e-12)
    assert np.all(regional <= max(r0, ceiling) * (1 + 1e-12)) and np.all(regional >= min(r0, ceiling) * (1 - 1e-12))
    steps = np.diff(regional) * np.sign(ceiling - r0)
    assert np.all(steps >= -1e-9 * r0)
    if ceiling == r0 or growth == 0.0:
        np.testing.assert_allclose(regional, r0, rtol=1e-12)
    elif growth >= 0.1:
        assert abs(regional[-1] - ceiling) < 0.05 * abs(ceiling - r0)


def test_recruitment_cost_is_the_mid_month_bonus_times_the_contract_signers(toy):
    params = toy.with_values(BUSY)
    ds = run(params, variables=["recruitment_cost", "contract_signers", "bonus", "signups", "conversion"])
    signers = monthly(ds, "contract_signers")
    np.testing.assert_allclose(signers, (monthly(ds, "signups") + monthly(ds, "conversion")).sum("source"),
                               rtol=1e-12)
    t = np.arange(MONTHS) + 0.5
    r0, ceiling, growth = (params.value(k) for k in ("pay.regional_bonus", "pay.regional_ceiling",
                                                     "pay.regional_growth"))
    mid_month = params.value("pay.federal_bonus") + ceiling * r0 / (r0 + (ceiling - r0) * np.exp(-growth * t))
    np.testing.assert_allclose(monthly(ds, "recruitment_cost"), mid_month * signers, rtol=1e-12)
    start = params.value("pay.federal_bonus") + ceiling * r0 / (r0 + (ceiling - r0) * np.exp(-growth * (t - 0.5)))
    np.testing.assert_allclose(monthly(ds, "bonus"), start, rtol=1e-12)


# --- extremes ----------------------------------------------------------------------------------------------------

def test_nobody_goes_straight_to_the_war_zone_when_every_deploy_share_is_zero(toy):
    ds = run(toy.with_values({**BUSY, **{f"deploy_share.{s}": 0.0 for s in SOURCES}}), months=12)
    assert float(ds.graduation.sum()) == 0.0
    assert float(ds.assignment.sum()) > 0
    # The war zone is then reached only through deployment, absence return, emergency and treatment.
    assert float(ds.deployment.sum()) > 0


def test_every_recruit_goes_straight_to_the_war_zone_when_every_deploy_share_is_one(toy):
    ds = run(toy.with_values({**BUSY, **{f"deploy_share.{s}": 1.0 for s in SOURCES}}), months=12)
    assert float(ds.assignment.sum()) == 0.0
    assert float(ds.graduation.sum()) > 0


def test_conscripts_do_not_start_in_the_war_zone(toy):
    state = initial_state(toy, prepare(toy, START, 4, 0.25), START)
    for stock in WAR_ZONE:
        assert state[STOCKS.index(stock), CONSCRIPT].sum() == 0.0
    assert set(POOLED) < set(SOURCES) and "conscript" not in POOLED
