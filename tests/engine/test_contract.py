"""The engine integrates any structure handed to it as data, and knows nothing of the model's own.

A toy system (two stocks along a two-valued subscript: a first-order decay from ``a`` to ``b`` and a fixed
demand drawn from ``b`` into a sink) is integrated by the same compiled loop as the model, and checked against
closed forms: Euler's geometric decay, conservation of what enters, and the shortfall of the demand that ``b``
cannot meet.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from numba import njit

from model.core.stockflow import Flow, Structure
from model.engine import integrator
from model.engine.contract import FACTORS, KERNEL, RATES, Coefficients, Observations, System
from model.engine.methods import METHODS

ENGINE = Path(integrator.__file__).parent

DECAY, DEMAND = 0, 1


@njit(RATES, **KERNEL)
def _toy_rates(state, factors, step, dt, per_run, per_subscript, schedules, series, mode, out, unallocated,
               scratch):
    """decay[s] = k[s] · a[s] (1/month · persons); demand[s] = D (persons/month, every subscript), times the run's
    factor of the month where a series is given."""
    month = step // int(1.0 / dt + 0.5)
    for s in range(state.shape[1]):
        for b in range(state.shape[2]):
            out[DECAY, s, b] = per_subscript[0, s, b] * max(state[0, s, b], 0.0)
            factor = 1.0 if series.shape[0] == 0 else series[0, month, 0 if series.shape[2] == 1 else b]
            out[DEMAND, s, b] = schedules[0, step] * factor
    for b in range(state.shape[2]):
        unallocated[b] = 0.0


@njit(FACTORS, **KERNEL)
def _no_factors(per_run, t, out):
    pass


TOY = System(
    Structure(subscript=("x", "y"), stocks=("a", "b"), sinks=("gone",), flows=(
        Flow("decay", "a", "b", ("x", "y"), "first-order decay", ()),
        Flow("demand", "b", "gone", ("x", "y"), "a fixed demand", (), demand=True),
    ), shortfall_stock="b"),
    rates=_toy_rates, factors=_no_factors, n_factors=0)


def _run(method: str, k: np.ndarray, demand: float, months: int = 12, dt: float = 0.25, b0: float = 0.0,
         series: np.ndarray | None = None):
    n = k.shape[-1]
    state0 = np.zeros((2, 2, n))
    state0[0] = 1000.0
    state0[1] = b0
    steps = months * int(round(1 / dt))
    coefficients = Coefficients(per_run=np.zeros((1, n)), per_subscript=k[None].copy(),
                                schedules=np.full((1, steps), demand),
                                series=np.ones((0, months, 1)) if series is None else series, mode=0)
    keep = Observations(flows_by_source=np.eye(2), flows_total=np.zeros((0, 2)), stocks_by_source=np.eye(2),
                        stocks_total=np.ones((1, 2)))
    return integrator.integrate(TOY, state0, coefficients, months, dt, keep, method)


def test_the_engine_imports_nothing_of_the_model_but_the_structure_types():
    for path in ENGINE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                assert node.module == "core.stockflow", f"{path.name} imports ..{node.module}"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("model") for a in node.names), path.name


def test_a_toy_structure_decays_geometrically_under_euler():
    k = np.array([[0.1, 0.3], [0.2, 0.05]])  # 1/month: subscript x, y (rows) for two runs (columns)
    out = _run("euler", k, demand=0.0)
    steps = np.arange(13)[:, None, None] * 4
    expected = 1000.0 * (1 - k[None] * 0.25) ** steps
    np.testing.assert_allclose(out.stocks_by_source[:, 0], expected, rtol=1e-12)
    np.testing.assert_allclose(out.stocks_total[:, 0], 2000.0, rtol=1e-12)  # nothing leaves without demand
    np.testing.assert_array_equal(out.fallbacks[:-1], 0.0)


def test_rk4_on_a_toy_structure_has_fourth_order_error():
    k = np.array([[0.4], [0.1]])
    errors = []
    for dt in (0.5, 0.25):
        out = _run("rk4", k, demand=0.0, dt=dt)
        errors.append(np.abs(out.stocks_by_source[-1, 0] - 1000.0 * np.exp(-k * 12)).max())
    assert np.log2(errors[0] / errors[1]) == pytest.approx(4.0, abs=0.3)


@pytest.mark.parametrize("method", sorted(METHODS))
def test_demand_beyond_the_stock_is_limited_and_reported_as_shortfall(method):
    """b receives k·a and is asked for 200 a month: it runs dry, and what it could not give is the shortfall."""
    k = np.array([[0.05], [0.05]])
    out = _run(method, k, demand=200.0, b0=100.0)
    stocks = out.stocks_by_source[:, :, :, 0]
    assert (stocks >= -1e-9).all()
    delivered = np.nansum(out.flows_by_source[:, 1, :, 0], axis=0)  # per subscript, over the horizon
    asked = 200.0 * 12
    shortfall = np.nansum(out.shortfall[:, 1, 0])  # summed over both subscripts
    assert delivered.sum() + shortfall == pytest.approx(2 * asked, rel=1e-12)
    # What entered b (its opening 100 and the decay) is what it holds and what it gave, subscript by subscript.
    received = 100.0 + np.nansum(out.flows_by_source[:, 0, :, 0], axis=0)
    np.testing.assert_allclose(received, stocks[-1, 1] + delivered, rtol=1e-12)
    assert shortfall > 0


@pytest.mark.parametrize("method", sorted(METHODS))
def test_a_series_per_run_and_month_reaches_each_run_across_blocks(method):
    """300 runs (three blocks): run j's demand in month m is D · (1 + j/1000) · (m + 1); b holds plenty, so each
    run delivers exactly what it is asked, and a series shared by all runs (run axis of length 1) equals it."""
    n, months = 300, 4
    factors = (1 + np.arange(n) / 1000)[None, None, :] * (np.arange(months) + 1.0)[None, :, None]
    k = np.full((2, n), 0.01)
    out = _run(method, k, demand=10.0, months=months, b0=1e6, series=factors)
    delivered = out.flows_by_source[:months, 1]  # (months, subscript, run)
    np.testing.assert_allclose(delivered, 10.0 * np.broadcast_to(factors[0][:, None, :], delivered.shape), rtol=1e-12)
    shared = _run(method, k, demand=10.0, months=months, b0=1e6, series=factors[:, :, :1])
    np.testing.assert_allclose(shared.flows_by_source[:months, 1],
                               np.broadcast_to(10.0 * factors[0, :, None, :1], (months, 2, n)), rtol=1e-12)


def test_a_series_whose_run_axis_is_neither_one_nor_the_runs_is_refused():
    with pytest.raises(ValueError, match="runs or 1"):
        _run("euler", np.full((2, 5), 0.1), demand=1.0, months=2, series=np.ones((1, 2, 3)))
