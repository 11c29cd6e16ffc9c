"""People at the start: the initial stocks come from the registry and the sustained opening flows only.

A scheduled event (a mobilization wave, a North Korean tranche, a migrant roundup, conscripts sent into the war
zone in an emergency, a call-up campaign) that falls in the start month must not put anyone in the training,
conscript or wounded stocks at t = 0: its people are taken from its pool
as the run goes. Before this was fixed, a 300,000 wave in the start month added 450,000 persons at t = 0.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import model
from model.dynamics.equations import conversion_rate, initial_state, prepare
from model.core.structure import POOLED, SOURCES, STOCKS
from model.inputs.start import default_start

from .. import strategies as hs
from ..conftest import assert_conserved, baseline_params

START = default_start()  # the default start: the month after the casualty record
REGISTRY = baseline_params()

sizes = st.floats(min_value=0.0, max_value=2e6, allow_nan=False)
spans = st.floats(min_value=0.25, max_value=6.0, allow_nan=False)


def _initial(params: model.ParameterSet) -> np.ndarray:
    return initial_state(params, prepare(params, START, 4, 0.25), START)


@given(values=hs.parameter_values(REGISTRY), wave=sizes, wave_months=spans, tranche=sizes,
       tranche_months=spans, roundup=sizes, roundup_months=spans)
def test_events_in_the_start_month_change_no_initial_stock(values, wave, wave_months, tranche, tranche_months,
                                                           roundup, roundup_months):
    campaign = {"start": "2024-04", "size": 150_000.0, "months": 3}
    base = REGISTRY.with_values({**values, "mobilization.waves": [], "dprk.tranches": [], "migrant.roundups": [],
                                 "conscription.emergency": [], "conscription.campaigns": [campaign]})
    events = base.with_values({
        "mobilization.waves": [{"start": START, "size": wave, "months": wave_months}],
        "dprk.tranches": [{"start": START, "size": tranche, "months": tranche_months}],
        "migrant.roundups": [{"start": START, "size": roundup, "months": roundup_months}],
        "conscription.emergency": [{"start": START, "size": tranche, "months": tranche_months}],
        "conscription.campaigns": [campaign, {"start": START, "size": wave, "months": wave_months}],
    })
    np.testing.assert_array_equal(_initial(events), _initial(base))


def test_initial_pipelines_are_the_steady_state_of_the_sustained_flows(toy):
    """Training: (sign-ups + draw rate x pool + conscripts signing) x training time; absent: desertion x absence
    time; newly deployed: F·A·S/(A·S + F) of a source's group F, arrivals A, seasoning time S; wounded of each severity: wounded per month
    x recovery time. An emergency deployment in the start month is left out."""
    params = toy.with_values({
        "mobilization.waves": [{"start": START, "size": 300_000.0, "months": 2}],
        "conscription.emergency": [{"start": START, "size": 10_000.0, "months": 1}],
        "conscription.campaigns": [{"start": "2024-04", "size": 150_000.0, "months": 3}],
        "conscription.term": 4.0, "conscription.conversion_share": 0.2, "desertion.rate": 0.02,
        "desertion.return_fraction": 0.5, "desertion.absence_time": 2.0, "deployment.rate": 0.05,
        "seasoning.time": 3.0, "deploy_share.volunteer": 0.6, "rear_initial.volunteer": 100_000.0,
        "casualties.process": "trend"})
    state = _initial(params)
    v = params.value
    index = {s: i for i, s in enumerate(STOCKS)}
    serving = state[index["conscripts"], SOURCES.index("conscript"), 0]
    assert serving > 0
    pool = {s: v(f"pool_initial.{s}") for s in POOLED}
    draws = {s: v(f"draw_rate.{s}") * pool[s] for s in ("prisoner", "migrant", "foreign", "dprk")}
    signing = float(conversion_rate(v("conscription.conversion_share"), v("conscription.term")) * serving)
    recruits = {"volunteer": v("volunteer.signups"), "mobilized": 0.0, "conscript": signing, **draws}
    training = np.array([recruits[s] * v(f"training_time.{s}") for s in SOURCES])
    np.testing.assert_allclose(state[index["training"], :, 0], training, rtol=1e-12)
    front = state[index["front_new"], :, 0] + state[index["front_veteran"], :, 0]
    np.testing.assert_allclose(front.sum(), v("force.deployed_total"), rtol=1e-12)
    absent = v("desertion.rate") * front * v("desertion.absence_time")
    np.testing.assert_allclose(state[index["absent"], :, 0], absent, rtol=1e-12)
    graduates = np.array([v(f"deploy_share.{s}") / v(f"training_time.{s}") for s in SOURCES]) * training
    arrivals = (graduates + v("deployment.rate") * state[index["rear"], :, 0]
                + v("desertion.return_fraction") * absent / v("desertion.absence_time"))
    seasoned = arrivals * v("seasoning.time")
    np.testing.assert_allclose(state[index["front_new"], :, 0], front * seasoned / (seasoned + front), rtol=1e-12)
    # Contract soldiers who came from conscription are taken out of the volunteers in proportion to arrivals.
    registered = front[0] + front[-1]
    np.testing.assert_allclose(front[-1], registered * graduates[-1] / (graduates[0] + graduates[-1] + v(
        "deployment.rate") * state[index["rear"], 0, 0]), rtol=1e-12)
    wounded = v("casualties.monthly") * (1 - v("casualties.killed_fraction") - v("casualties.captured_fraction"))
    severe = v("wounded.severe_fraction")
    np.testing.assert_allclose(state[index["wounded_light"]].sum(),
                               wounded * (1 - severe) * v("wounded.light_recovery_time"), rtol=1e-12)
    np.testing.assert_allclose(state[index["wounded_severe"]].sum(),
                               wounded * severe * v("wounded.severe_recovery_time"), rtol=1e-12)


def test_a_wave_in_the_start_month_draws_its_people_from_the_pool(baseline):
    size = 300_000.0
    without = baseline.with_values({"mobilization.waves": []})
    with_wave = baseline.with_values({"mobilization.waves": [{"start": START, "size": size, "months": 1}]})
    emigrating = size * baseline.value("mobilization.emigration_ratio")  # leave the pool with the wave
    a, b = (model.simulate(p, months=3) for p in (without, with_wave))
    total = {name: sum(ds[s] for s in STOCKS).sum("source") for name, ds in (("without", a), ("with", b))}
    # Nobody is added at the start, and the wave only moves people from the pool into training.
    assert float(total["with"].isel(time=0)) == float(total["without"].isel(time=0))
    drawn = a.pool.sel(source="mobilized").isel(time=1) - b.pool.sel(source="mobilized").isel(time=1)
    np.testing.assert_allclose(float(drawn), size + emigrating, rtol=1e-12)
    np.testing.assert_allclose(float(b.mobilization.sel(source="mobilized").isel(time=0)), size, rtol=1e-12)
    assert_conserved(b)
