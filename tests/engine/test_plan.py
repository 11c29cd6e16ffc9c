"""The plan's cell tables, and the integrator's step applied cell by cell, several flows per pass.

:class:`~model.engine.contract.Plan` lists, for every stock's cell, the flows that move it (in flow order, with
their signs) and the flows that leave it; the integrator's advance and the limiter read them. Applying a cell's
flows up to four per pass must give exactly the numbers of one pass per flow (the same operations in the same
order), which a plain numpy loop over the flows checks here bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from model.dynamics.equations import SYSTEM
from model.engine.contract import Plan
from model.engine.integrator import _advance

from .test_contract import TOY

PLANS = {"model": SYSTEM.plan, "toy": TOY.plan}


@pytest.mark.parametrize("name", PLANS)
def test_cell_tables_list_each_cells_flows_in_flow_order(name):
    plan: Plan = PLANS[name]
    n_stocks, n_subscript = plan.demand_limited.shape
    for k in range(n_stocks):
        for s in range(n_subscript):
            along = [f for f in range(len(plan.origin)) if plan.lo[f] <= s < plan.hi[f]]
            expected = [(f, -1.0) for f in along if plan.origin[f] == k] + [(f, 1.0) for f in along
                                                                          if plan.target[f] == k]
            expected.sort()
            count = plan.move_counts[k, s]
            assert list(zip(plan.moves[k, s, :count], plan.move_signs[k, s, :count])) == expected
            assert np.all(plan.moves[k, s, count:] == -1)
            leaving = [f for f, sign in expected if sign < 0]
            assert list(plan.leaving[k, s, :plan.leaving_counts[k, s]]) == leaving
            assert np.all(plan.leaving[k, s, plan.leaving_counts[k, s]:] == -1)


def test_the_models_cells_take_every_grouping_of_flows():
    """The bitwise check below covers every pass the advance makes: a last group of 1, 2, 3 or 4 flows, after
    whole groups of four or none."""
    counts = [int(c) for c in SYSTEM.plan.move_counts.ravel() if c > 0]
    assert {c % 4 or 4 for c in counts} == {1, 2, 3, 4} and max(counts) > 4


@pytest.mark.parametrize("dt", [0.25, 0.1, 1.0])
def test_advance_equals_one_pass_per_flow_bit_for_bit(dt):
    plan = SYSTEM.plan
    rng = np.random.default_rng(7)
    n_flows, (n_stocks, n_subscript), block = len(plan.origin), plan.demand_limited.shape, 37
    # Rates of many magnitudes and both signs, and stocks holding rounding residue, so that order matters.
    rates = rng.standard_normal((n_flows, n_subscript, block)) * 10.0 ** rng.integers(-12, 6, (n_flows, 1, block))
    state = rng.standard_normal((n_stocks, n_subscript, block)) * 10.0 ** rng.integers(-12, 7, (n_stocks, 1, block))
    expected = state.copy()
    for f in range(n_flows):
        for s in range(plan.lo[f], plan.hi[f]):
            moved = rates[f, s] * dt
            if plan.origin[f] >= 0:
                expected[plan.origin[f], s] = expected[plan.origin[f], s] - moved
            if plan.target[f] >= 0:
                expected[plan.target[f], s] = expected[plan.target[f], s] + moved
    totals = np.zeros_like(rates)
    needed = np.zeros(n_flows, dtype=np.bool_)
    needed[::3] = True
    _advance(rates, state, totals, needed, dt, plan.lo, plan.hi, plan.moves, plan.move_signs, plan.move_counts)
    assert np.array_equal(state, expected)
    for f in range(n_flows):
        rows = slice(plan.lo[f], plan.hi[f])
        assert np.array_equal(totals[f, rows], rates[f, rows] if needed[f] else np.zeros_like(rates[f, rows]))
