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
    ([_flow("a", "pool", "front"), _flow("a", "front", "killed_total")], "unique"),
    ([_flow("a", "barracks", "front")], "origin 'barracks'"),
    ([_flow("a", "front", "heaven")], "target 'heaven'"),
    ([_flow("a", "front", "front")], "same stock"),
    ([_flow("a", "front", "killed_total", sources=("volunteer", "prisoner"))], "contiguous"),
    ([_flow("a", "front", "killed_total", sources=())], "non-empty"),
    ([_flow("a", "front", "killed_total", sources=("martian",))], "non-empty subset"),
    ([_flow("a", "front", "wounded"), _flow("b", "wounded", "front")], "cycle"),
])
def test_an_inconsistent_structure_is_refused(flows, words):
    with pytest.raises(StructureError, match=words):
        check_structure(flows)


def test_the_limiting_order_puts_each_stock_after_the_stocks_that_feed_it():
    order = limit_order()
    position = {s: i for i, s in enumerate(order)}
    assert sorted(order) == sorted(STOCKS)
    for f in FLOWS:
        if f.origin is not None and f.target in STOCKS and not f.demand:
            assert position[f.origin] < position[f.target], f.name
    np.testing.assert_array_equal(SYSTEM.plan.limit_order, [STOCKS.index(s) for s in order])


def test_the_limiting_order_follows_a_changed_structure():
    """Make return to duty a demand flow and casualties proportional: the front then settles before the wounded."""
    changed = [replace(f, demand=not f.demand) if f.name in ("return_to_duty", "wounded_in_action") else f
               for f in FLOWS]
    changed = [replace(f, demand=False) if f.origin == "front" else f for f in changed]
    order = limit_order(changed)
    assert order.index("front") < order.index("wounded")


def test_the_step_check_reads_each_stocks_proportional_outflows_off_the_equations(baseline):
    """Closed forms from the registry: 1/training time, desertion + release, 1/recovery time, draw rate."""
    v = baseline.value
    rates = fractional_outflows(prepare(baseline, "2024-12", 4, 0.25))
    for i, s in enumerate(model.SOURCES):
        assert rates["training"][i, 0] == pytest.approx(1 / v(f"training_time.{s}"), rel=1e-12)
        assert rates["front"][i, 0] == pytest.approx(v("desertion.rate") + v(f"release_rate.{s}"), rel=1e-12)
        assert rates["wounded"][i, 0] == pytest.approx(1 / v("wounded.recovery_time"), rel=1e-12)
        draw = v(f"draw_rate.{s}") if s in ("prisoner", "migrant", "foreign", "dprk") else 0.0
        assert rates["pool"][i, 0] == pytest.approx(draw, rel=1e-12)


def test_a_step_longer_than_a_training_time_is_refused(baseline):
    """A training time of 0.2 months (set as a stress value, whatever the registry's range): a step of a
    quarter month empties the training stock more than once per step, a step of a tenth does not."""
    params = baseline.with_values({"training_time.volunteer": 0.2}, kind="search")
    with pytest.raises(model.InputError, match="training stock"):
        model.simulate(params, months=2, dt=0.25)
    model.simulate(params, months=2, dt=0.1)
