"""The compiled kernel computes what the one description of each rate says, on random states and batches."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.core import lineage
from model.core.lineage import expand_keys
from model.core.structure import FLOW_NAMES, STOCKS
from model.dynamics import description, reference
from model.dynamics.equations import (ABSENT, CONSCRIPTS, FRONT_NEW, FRONT_VETERAN, REAR, TRAINING, WOUNDED_LIGHT,
                                      WOUNDED_SEVERE, evaluate_rates, prepare)
from model.analysis.sampling import uncertain_keys
from model.inputs.spec import SPECS
from model.inputs.start import default_start

FUNCTIONS = set(reference.NUMPY)


def test_each_expression_reads_only_symbols_earlier_equations_and_the_listed_functions():
    known = {s.name for s in description.SYMBOLS} | FUNCTIONS
    for equation in description.EQUATIONS:
        unknown = description.names_read(equation.expression) - known
        assert not unknown, f"{equation.name} reads {unknown}"
        known.add(equation.name)


def test_every_registry_key_the_description_names_is_one_the_model_specifies():
    specified = {s.key for s in SPECS}
    for symbol in description.SYMBOLS:
        if symbol.kind in ("parameter", "schedule", "switch"):
            keys = [symbol.key.format(source=s) for s in symbol.sources] if symbol.sources else [symbol.key]
            assert set(keys) <= specified, symbol.name


def test_every_key_a_flow_equation_reads_is_among_the_flows_drivers(baseline):
    """The lineage (``Flow.parameters`` and the stocks a flow reads) names every key the description uses, so an
    output's ``drivers`` attribute cannot leave out a key that moves it."""
    for flow in FLOW_NAMES:
        drivers = expand_keys(lineage.drivers([("flow", flow)]), list(baseline))
        missing = description.keys_read(flow) - set(drivers) - {"casualties.mode"}
        assert not missing, f"{flow}: {sorted(missing)}"


def _random_state(rng: np.random.Generator, n: int, empty_share: float) -> np.ndarray:
    """Stocks of ``n`` runs, persons; about ``empty_share`` of the cells empty (so the max() branches are taken)."""
    state = rng.uniform(0, 200_000, size=(len(STOCKS), len(model.SOURCES), n))
    state[rng.random(state.shape) < empty_share] = 0.0
    return state


@pytest.mark.parametrize("mode", ["exogenous", "endogenous"])
@pytest.mark.parametrize("scenario", ["baseline", "synthetic", "fitted"])
def test_the_compiled_rates_are_the_described_rates(baseline, toy, scenario, mode):
    """A batch of 64 parameter sets drawn from the ranges, random stocks (a third of the cells empty), random
    step: every flow, every source, every run agrees to rounding (1e-12 of the largest rate of that flow).
    ``fitted``: the casualty process on, so each run has its own casualty path (months 2024-06 to 2025-08 straddle
    the record's end)."""
    rng = np.random.default_rng(7)
    base = (toy if scenario == "synthetic" else baseline).with_values(
        {"casualties.mode": mode, "casualties.process": "fitted" if scenario == "fitted" else "trend"}, kind="override")
    if scenario == "fitted":  # a level shift and an added trend, which the fitted process scales and realigns
        base = base.with_values({"casualties.monthly": 1.1 * base.value("casualties.monthly"),
                                 "casualties.growth_rate": 0.01}, kind="search")
    # Keys tied by constraints (killed + captured <= 1, the deployed total over its parts) keep their value.
    keys = [k for k in uncertain_keys(base) if k not in ("casualties.captured_fraction", "casualties.killed_fraction")
            and not k.startswith(("front_initial.", "force."))]
    batch = model.sample(base, 64, seed=3, keys=keys)
    dt, n_steps = 0.25, 60
    inputs = prepare(batch, "2024-06", n_steps, dt)
    # Steps on purpose: a month's first and last sub-steps, months the record covers (2024-06 to 2024-12 under the
    # fitted process), the first month after it (2025-01: step 28), the horizon's last step.
    for step in (0, 3, 26, 27, 28, 31, 45, n_steps - 1):
        state = _random_state(rng, 64, empty_share=1 / 3)
        state[[FRONT_NEW, FRONT_VETERAN], :, :4] = 0.0  # four runs with the war zone empty: their demand finds
        state[[TRAINING, REAR, WOUNDED_LIGHT, WOUNDED_SEVERE, ABSENT, CONSCRIPTS], :, :2] = 0.0  # nobody (unallocated);
        # ... two of them with nobody arriving either
        t = step * dt
        compiled, unallocated = evaluate_rates(inputs, state, t, int(step))
        described = reference.rates(batch, state, t, int(step), start="2024-06", dt=dt)
        for flow in FLOW_NAMES:
            scale = max(np.abs(described[flow]).max(), 1.0)
            np.testing.assert_allclose(compiled[flow], described[flow], rtol=0, atol=1e-12 * scale, err_msg=flow)
        np.testing.assert_allclose(unallocated, described["unallocated"], rtol=1e-12, err_msg=f"unallocated {step}")


def test_the_description_catches_a_kernel_that_drifts(baseline):
    """The comparison above is not vacuous: a description that differs from the kernel by 1% is seen."""
    inputs = prepare(baseline, default_start(), 4, 0.25)
    state = _random_state(np.random.default_rng(1), 1, empty_share=0.0)
    compiled, _ = evaluate_rates(inputs, state)
    drifted = baseline.with_values({"desertion.rate": baseline.value("desertion.rate") * 1.01}, kind="override")
    described = reference.rates(drifted, state)
    assert not np.allclose(compiled["desertion_veteran"], described["desertion_veteran"], rtol=1e-6)


def test_the_markdown_lists_every_equation_and_symbol():
    text = description.markdown()
    for equation in description.EQUATIONS:
        assert f"`{equation.expression}`" in text
    for symbol in description.SYMBOLS:
        assert f"`{symbol.name}`" in text
