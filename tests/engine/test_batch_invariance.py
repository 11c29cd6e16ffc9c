"""A run's numbers do not depend on the batch it is in: every position equals the same run simulated alone.

The engine advances runs in blocks of :data:`model.engine.integrator.BLOCK`, the last one shorter; a batch of
one and a half blocks puts runs at every position of a full block and of a short one (where the compiler's
vectorized loops leave their last runs to scalar code), and a run alone is a block of one. A mobilization wave larger
than some runs' reservist pools makes the limiter (and, under RK4, its per-run fallback) act in some
runs and not in others of the same block.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import xarray as xr

import model
from model.engine.limiter import limit
from model.inputs.streams import RunStream
from model.engine.integrator import BLOCK
from model.analysis.sampling import sample, uncertain_keys

from .test_contract import DEMAND, TOY

#: One full block and a padded one, whatever the block size.
N_RUNS = BLOCK + BLOCK // 2
MONTHS = 18
WAVE = [{"start": "2025-02", "size": 1_500_000, "months": 1}]
#: Conscripts sent into the war zone, and a call-up campaign, so that the conscript channel acts in every run.
CONSCRIPTS = {"conscription.emergency": [{"start": "2025-03", "size": 30_000, "months": 1}],
              "conscription.campaigns": [{"start": "2024-10", "size": 130_000, "months": 3},
                                         {"start": "2025-04", "size": 150_000, "months": 3}]}


@pytest.fixture(scope="module")
def scenario(baseline) -> model.ParameterSet:
    return baseline.with_values({"mobilization.waves": WAVE, **CONSCRIPTS})


@pytest.fixture(scope="module")
def batch(scenario) -> model.ParameterSet:
    return sample(scenario, N_RUNS, "random", seed=11)


def assert_every_run_equals_the_run_alone(scenario: model.ParameterSet, batch: model.ParameterSet,
                                          **options) -> xr.Dataset:
    """Simulate ``batch`` and each of its runs alone with ``options``; every variable must agree to 1e-12."""
    together = model.simulate(batch, **options)
    keys = uncertain_keys(scenario)
    def run_alone(i: int) -> model.ParameterSet:  # keeps the run's own draws (its casualty path), at its index
        single = scenario.with_values({k: float(batch.value(k)[i]) for k in keys}, kind="search")
        return replace(single, stream=RunStream(batch.stream.sequence, [batch.stream.index[i]])) if batch.stream \
            else single

    alone = [model.simulate(run_alone(i), **options) for i in range(together.sizes["run"])]
    stacked = xr.concat(alone, "run", combine_attrs="drop").transpose(..., "run")
    xr.testing.assert_allclose(together.drop_vars("run"), stacked, rtol=1e-12, atol=0)
    return together


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_every_run_of_a_batch_equals_the_run_alone(scenario, batch, method):
    together = assert_every_run_equals_the_run_alone(scenario, batch, months=MONTHS, integrator=method)
    limited = together.shortfall.sel(stock="pool").sum("time")
    assert 0 < int((limited > 0).sum()) < N_RUNS, "the limiter should act in some runs only"
    assert (together.emergency_deployment.sum(["time", "source"]) > 0).all()
    assert (together.conversion.sum(["time", "source"]) > 0).all()


@pytest.mark.slow
@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_every_run_of_several_blocks_equals_the_run_alone_in_endogenous_mode(scenario, method):
    events = {"dprk.tranches": [{"start": "2025-03", "size": 20_000, "months": 2}],
              "migrant.roundups": [{"start": "2025-08", "size": 30_000, "months": 1}]}
    busy = scenario.with_values({"casualties.mode": "endogenous", **events})
    many = sample(busy, 4 * BLOCK + 88, "lhs", seed=5)
    assert_every_run_equals_the_run_alone(busy, many, months=36, dt=0.125, integrator=method)


def test_the_number_of_threads_does_not_change_the_numbers(batch):
    one = model.simulate(batch, months=MONTHS, threads=1)
    two = model.simulate(batch, months=MONTHS, threads=2)
    xr.testing.assert_equal(one, two)


def _edge(dt: float) -> tuple[float, float]:
    """A stock ``held`` (persons) and outflows ``asked`` (persons/month) that fit it (``asked · dt <= held``) and yet
    exceed it by a rounding when divided (``asked > held / dt``): the limiter's two tests disagree there."""
    for held in np.linspace(1.0, 1000.0, 100_001):
        asked = np.nextafter(held / dt, np.inf)
        if asked * dt <= held:
            return float(held), float(asked)
    raise AssertionError("no rounding edge found")


def _limited(columns: list[tuple[float, float]], dt: float) -> tuple[np.ndarray, np.ndarray]:
    """The toy system's stock b holding ``held`` and asked ``asked`` by its demand flow, run by run (a column
    each); the limiter's rates and shortfall."""
    plan, n = TOY.plan, len(columns)
    state, rates = np.zeros((2, 2, n)), np.zeros((2, 2, n))
    for run, (held, asked) in enumerate(columns):
        state[1, :, run], rates[DEMAND, :, run] = held, asked
    shortfall = np.zeros((2, n))
    limit(rates, state, dt, plan.demand_limited, plan.limit_order, plan.origin, plan.lo, plan.hi, plan.outflows,
          plan.inflows, plan.is_demand, plan.leaving, plan.leaving_counts, np.ones(plan.leaving.shape[2]), shortfall,
          np.zeros(2 * n), np.zeros(n), np.zeros(3, dtype=bool))
    return rates, shortfall


def test_a_run_at_its_stocks_rounding_edge_is_limited_the_same_beside_an_overdrawn_run():
    """The limiter decides for a whole block whether to scale; a run it then finds covered keeps its rates, bit for
    bit, and reports no shortfall, whether or not another run of the block is overdrawn."""
    dt = 0.1  # not a power of two: asked · dt and held / dt round
    held, asked = _edge(dt)
    alone_rates, alone_shortfall = _limited([(held, asked)], dt)
    rates, shortfall = _limited([(10.0, 1_000.0), (held, asked)], dt)
    assert shortfall[1, 0] > 0  # the other run is overdrawn: the block is scaled
    np.testing.assert_array_equal(rates[..., 1], alone_rates[..., 0])
    np.testing.assert_array_equal(shortfall[:, 1], alone_shortfall[:, 0])
    assert alone_rates[DEMAND, 0, 0] == asked and alone_shortfall[1, 0] == 0.0
