"""Lineage: every parameter that moves an output is among its drivers (the closure is complete).

Each numeric parameter is perturbed in its own run of one batch; every
schedule and choice in a run of its own. Whatever moves an output by more than
rounding must be listed in that output's drivers.
"""

from __future__ import annotations

import numpy as np
import pytest

from model.inputs.spec import CASUALTY_PROCESSES

from model import simulate
from model.core.lineage import drivers, expand_keys, tree
from model.results.outputs import OUTPUTS

MONTHS = 6
#: Schedules and choices, set to values that act within the short horizon (start 2024-12).
NON_NUMERIC = {
    "casualties.mode": "endogenous",
    "casualties.recorded": [{"start": "2025-01", "size": 60000, "months": 1}],
    "mobilization.waves": [{"start": "2025-01", "size": 100000, "months": 2}],
    "dprk.tranches": [{"start": "2025-01", "size": 5000, "months": 1}],
    "migrant.roundups": [{"start": "2025-01", "size": 20000, "months": 1}],
    "conscription.campaigns": [{"start": "2025-01", "size": 130000, "months": 3}],
    "conscription.emergency": [{"start": "2025-02", "size": 5000, "months": 1}],
}

def _nudged(parameter) -> float:
    """A value 10 % away from the current one (up, or into the range when at zero)."""
    value = float(parameter.value)
    if value == 0.0:
        return 0.1 * (parameter.high or 1.0)
    return value * (0.9 if parameter.high is not None and value * 1.1 > parameter.high else 1.1)


def _moved(base, other) -> dict[str, bool]:
    """Per output: whether ``other`` differs from ``base`` beyond rounding."""
    return {name: not np.allclose(other[name].values, base[name].values, rtol=1e-9, atol=1e-6, equal_nan=True)
            for name in OUTPUTS}


def _numeric_movers(base, found: dict[str, set[str]]) -> None:
    """Perturb every numeric parameter of ``base`` in its own run of one batch; record what moved."""
    numeric = [k for k in base if base[k].spec.numeric]
    columns = {k: np.full(len(numeric) + 1, float(base.value(k))) for k in numeric}
    for run, key in enumerate(numeric, start=1):
        columns[key][run] = _nudged(base[key])
    # A 10 % nudge may leave a narrow plausible range: a perturbation, set without a range warning.
    batch = simulate(base.with_values(columns, kind="search"), months=MONTHS)
    for run, key in enumerate(numeric, start=1):
        for name, moved in _moved(batch.isel(run=0), batch.isel(run=run)).items():
            if moved:
                found[name].add(key)


@pytest.fixture(scope="module")
def movers(baseline) -> dict[str, set[str]]:
    """For each output, the parameters whose perturbation moved it.

    Numeric parameters are perturbed around a busy base (every schedule acting
    within the horizon), in both casualty modes, so that rates multiplying an
    empty schedule or pool get their chance to act.
    """
    found: dict[str, set[str]] = {name: set() for name in OUTPUTS}
    schedules = {k: v for k, v in NON_NUMERIC.items() if k != "casualties.mode"}
    for mode in ("exogenous", "endogenous"):
        _numeric_movers(baseline.with_values({**schedules, "casualties.mode": mode}), found)
    reference = simulate(baseline, months=MONTHS)
    other_process = next(c for c in CASUALTY_PROCESSES if c != baseline.value("casualties.process"))
    for key, value in {**NON_NUMERIC, "casualties.process": other_process}.items():
        for name, moved in _moved(reference, simulate(baseline.with_values({key: value}), months=MONTHS)).items():
            if moved:
                found[name].add(key)
    return found


def test_the_perturbations_reach_every_parameter(movers, baseline):
    reached = set().union(*movers.values())
    assert reached == set(baseline), sorted(set(baseline) - reached)


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_every_parameter_that_moves_an_output_is_among_its_drivers(name, movers, baseline):
    listed = set(expand_keys(OUTPUTS[name].drivers, baseline))
    assert movers[name] <= listed, sorted(movers[name] - listed)


def test_net_lists_the_upstream_drivers_the_direct_flows_miss(movers, baseline):
    # Before the closure, `net` listed only the parameters of recruitment and permanent-loss flows:
    # the starting force moves desertion, training times move deployments, and neither was listed.
    listed = set(expand_keys(OUTPUTS["net"].drivers, baseline))
    for key in ("force.deployed_total", "training_time.volunteer", "front_initial.prisoner"):
        assert key in movers["net"] and key in listed


def test_closure_stops_where_the_structure_does(baseline):
    # Sign-ups read no stock: only the volunteer, payment and wage parameters drive them, nothing upstream of
    # the war zone.
    assert set(expand_keys(OUTPUTS["signups"].drivers, baseline)) == set(
        expand_keys(["volunteer.", "pay.", "wage."], baseline))
    assert "casualties.monthly" not in expand_keys(OUTPUTS["pool_inflow"].drivers, baseline)


@pytest.mark.parametrize("name", ["net", "front", "shortfall", "bonus"])
def test_tree_shows_each_driver_once(name, baseline):
    meta = OUTPUTS[name]
    branches = tree(meta.nodes, baseline)

    def keys(branch):
        return list(branch.keys) + [k for child in branch.children for k in keys(child)]

    shown = [k for b in branches for k in keys(b)]
    assert len(shown) == len(set(shown))
    assert set(shown) | set(expand_keys(meta.parameters, baseline)) == set(expand_keys(meta.drivers, baseline))


def test_drivers_of_a_stock_include_its_opening_value():
    assert drivers([("stock", "pool")])[0] == "pool_initial."
