"""The structure checks itself at import, and the engine's limiting order and step check derive from it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import model
from model.dynamics.equations import SYSTEM, fractional_outflows, prepare
from model.core.structure import FLOWS, STOCKS, Flow, StructureError, check_structure, limit_order


def _flow(name, origin, target, sources=("volunteer",), demand=False):
    return Flow(name, origin, target, tuple(sources), "test flow", (), demand)


@pytest.mark.parametrize("flows, words", [
    ([_flow("a", "pool", "rear"), _flow("a", "rear", "killed_total")], "unique"),
    ([_flow("a", "barracks", "rear")], "origin 'barracks'"),
    ([_flow("a", "rear", "heaven")], "target 'heaven'"),
    ([_flow("a", "rear", "rear")], "same stock"),
    ([_flow("a", "rear", "killed_total", sources=("volunteer", "prisoner"))], "contiguous"),
    ([_flow("a", "rear", "killed_total", sources=())], "non-empty"),
    ([_flow("a", "rear", "killed_total", sources=("martian",))], "non-empty subset"),
])
def test_an_inconsistent_structure_is_refused(flows, words):
    with pytest.raises(StructureError, match=words):
        check_structure(flows)


def _in_a_cycle(flows, stock):
    """True when ``stock`` reaches itself along non-demand flows between stocks."""
    edges = [(f.origin, f.target) for f in flows if f.origin is not None and f.target in STOCKS and not f.demand]
    seen, frontier = set(), {t for o, t in edges if o == stock}
    while frontier:
        seen |= frontier
        frontier = {t for o, t in edges if o in frontier} - seen
    return stock in seen


def test_the_limiting_order_puts_each_stock_after_the_stocks_that_feed_it():
    """Where no cycle runs through both ends of a non-demand flow, its origin is settled before its target."""
    order = limit_order()
    position = {s: i for i, s in enumerate(order)}
    assert sorted(order) == sorted(STOCKS)
    checked = 0
    for f in FLOWS:
        if f.origin is not None and f.target in STOCKS and not f.demand:
            if _in_a_cycle(FLOWS, f.origin) and _in_a_cycle(FLOWS, f.target):
                continue
            assert position[f.origin] < position[f.target], f.name
            checked += 1
    assert checked >= 5
    np.testing.assert_array_equal(SYSTEM.plan.limit_order, [STOCKS.index(s) for s in order])


def test_the_limiting_order_follows_a_changed_structure():
    """Make light wounds proportional and returns from light wounds demand flows: the war zone's experienced
    then settle before the lightly wounded (they feed them), not after."""
    def changed(f):
        if f.name in ("return_light", "wounded_light_new", "wounded_light_veteran"):
            return replace(f, demand=not f.demand)
        return f

    assert limit_order().index("wounded_light") < limit_order().index("front_veteran")
    order = limit_order([changed(f) for f in FLOWS])
    assert order.index("front_veteran") < order.index("wounded_light")


def test_a_cycle_of_non_demand_flows_is_accepted_and_ordered_around():
    """Rotation and deployment make rear -> front_new -> front_veteran -> rear a cycle of proportional flows:
    the structure is accepted, every stock is still ordered once, and the stocks outside the cycle still
    come after their feeders (training after pool and conscripts)."""
    check_structure(FLOWS)
    cycle = [_flow("a", "rear", "front_new"), _flow("b", "front_new", "rear")]
    check_structure(cycle)
    order = limit_order(cycle)
    assert sorted(order) == sorted(STOCKS)
    assert order.index("rear") < order.index("front_new")  # the cycle's first stock (in STOCKS order) first
    order = limit_order()
    assert order.index("pool") < order.index("training") and order.index("conscripts") < order.index("training")


@pytest.mark.parametrize("integrator", ["euler", "rk4"])
def test_the_limiter_never_overdraws_a_stock_in_a_cycle(toy, integrator):
    """Rotation and deployment at rates that nearly empty their stocks every step (a cycle of non-demand flows),
    with casualties ten times the war zone's strength a month: no stock goes negative, headcount is conserved."""
    from ..conftest import assert_conserved, assert_non_negative

    params = toy.with_values({"deploy_share.volunteer": 0.0, "seasoning.time": 0.5,
                              "casualties.mode": "exogenous", "casualties.process": "trend"})
    params = params.with_values({"rotation.rate": 3.9, "deployment.rate": 3.9, "casualties.monthly": 5e6},
                                kind="search")
    ds = model.simulate(params, months=6, dt=0.25, integrator=integrator, variables=None)
    assert_non_negative(ds)
    assert_conserved(ds)
    assert float(ds.shortfall.sum()) > 0


def test_the_step_check_reads_each_stocks_proportional_outflows_off_the_equations(baseline):
    """Closed forms from the registry: 1/training time; seasoning + desertion; rotation + desertion + release;
    deployment + rear release; 1/recovery time of each severity; 1/absence time; the conscripts' exits;
    draw rate."""
    v = baseline.value
    rates = fractional_outflows(prepare(baseline, "2024-12", 4, 0.25))
    term, share = v("conscription.term"), v("conscription.conversion_share")
    for i, s in enumerate(model.SOURCES):
        expected = {
            "training": 1 / v(f"training_time.{s}"),
            "front_new": 1 / v("seasoning.time") + v("desertion.rate"),
            "front_veteran": v("rotation.rate") + v("desertion.rate") + v(f"release_rate.{s}"),
            "rear": v("deployment.rate") + v("rear.release_rate"),
            "wounded_light": 1 / v("wounded.light_recovery_time"),
            "wounded_severe": 1 / v("wounded.severe_recovery_time"),
            "absent": 1 / v("desertion.absence_time"),
            "conscripts": (1 + share / (1 - share)) / term if s == "conscript" else 0.0,
            "pool": v(f"draw_rate.{s}") if s in ("prisoner", "migrant", "foreign", "dprk") else 0.0,
        }
        assert set(expected) == set(STOCKS)
        for stock, rate in expected.items():
            assert rates[stock][i, 0] == pytest.approx(rate, rel=1e-12, abs=1e-15), (stock, s)


def test_a_step_longer_than_a_training_time_is_refused(baseline):
    """A training time of 0.2 months (set as a stress value, whatever the registry's range): a step of a
    quarter month empties the training stock more than once per step, a step of a tenth does not."""
    params = baseline.with_values({"training_time.volunteer": 0.2}, kind="search")
    with pytest.raises(model.InputError, match="training stock"):
        model.simulate(params, months=2, dt=0.25)
    model.simulate(params, months=2, dt=0.1)
