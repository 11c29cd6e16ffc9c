"""The batched break-even search against a scalar root finder run one parameter set at a time."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from model.analysis import breakeven
from model.inputs.parameters import load_params
from model.results.simulate import simulate

TOLERANCE = 1e-6


def _scalar_gap(params, lever, target):
    """The distance from holding at one value of ``lever``, from a full labelled run (the slow path)."""
    def gap(x: float) -> float:
        run = simulate(params.with_values({lever: x}, kind="search"), variables=[breakeven.OUTCOME[target]])
        values = run[breakeven.OUTCOME[target]]
        return float(values.isel(time=-1) - values.isel(time=0)) if target == "front" else float(values.sum())
    return gap


def _xtol(params, lever):
    p = params[lever]
    return TOLERANCE * max(p.high - p.low, abs(p.low), abs(p.high), 1.0)


@pytest.mark.parametrize("scenario, lever, target", [("baseline", "volunteer.signups", "front"),
                                                     ("high_intensity", "casualties.monthly", "net"),
                                                     ("high_intensity", "volunteer.signups", "front"),  # widened
                                                     ("incentive_fatigue", "volunteer.signups", "front")])
def test_the_batched_search_finds_the_scalar_root_finders_answer(scenario, lever, target):
    params = load_params(scenario)
    answer = breakeven.solve(params, lever, target, tolerance=TOLERANCE)
    low, high = answer.bracket
    gap = _scalar_gap(params, lever, target)
    assert np.sign(gap(low)) != np.sign(gap(high))
    reference = brentq(gap, low, high, xtol=_xtol(params, lever), rtol=1e-12)
    assert abs(answer.value - reference) <= _xtol(params, lever)
    assert answer.batches <= 4 and answer.evaluations <= 4 * breakeven.GRID


def test_the_answer_lies_between_values_of_opposite_sign_a_tolerance_apart(baseline):
    answer = breakeven.solve(baseline, "volunteer.signups", "front")
    step = _xtol(baseline, "volunteer.signups")
    gap = _scalar_gap(baseline, "volunteer.signups", "front")
    assert np.sign(gap(answer.value - step)) != np.sign(gap(answer.value + step))


def test_break_evens_solved_together_are_those_solved_alone(baseline):
    problems = [("volunteer.signups", "front"), ("casualties.monthly", "net")]
    together = breakeven.solve_many(baseline, problems, months=24)
    for (lever, target), answer in zip(problems, together):
        alone = breakeven.solve(baseline, lever, target, months=24)
        assert answer.value == alone.value and answer.bracket == alone.bracket
        assert answer.batches == alone.batches


def test_a_bracket_without_a_root_is_widened_by_doubling_then_given_up(baseline):
    answer = breakeven.solve(baseline, "wage.average", "front")
    low = baseline["wage.average"]
    first_high = max(low.high, float(low.value), 1.0)
    assert np.isnan(answer.value)
    assert answer.bracket[1] == pytest.approx(first_high * 2.0 ** breakeven.WIDENINGS)


def test_balance_is_the_front_change_or_the_summed_net_balance(baseline):
    run = simulate(baseline, months=12, variables=["front_total", "net"])
    front = breakeven.balance(baseline, "front", 12, 0.25, None)
    net = breakeven.balance(baseline, "net", 12, 0.25, None)
    assert front.shape == net.shape == (1,)
    assert front[0] == float(run.front_total[-1] - run.front_total[0])
    assert net[0] == pytest.approx(float(run.net.sum()), rel=1e-12)


def test_a_lever_at_its_largest_allowed_value_is_not_widened(baseline):
    search = breakeven._search(baseline, "volunteer.signups", "front", TOLERANCE)
    search.maximum = search.high  # as a fraction at 1
    breakeven._widen(baseline, [search], {"months": 12, "dt": 0.25, "start": None, "integrator": "euler"})
    assert search.pair is None and search.evaluations == 0 and search.high == search.maximum
