"""The exported model, translated and run by PySD, reproduces the engine's run of the same parameter set.

Every stock (its value at the start of each month, by source), every flow (its total over each month, by
source) and the limiter's shortfall by stock must agree to 1e-9 relative to that series' largest magnitude,
under Euler, for the baseline over the default 36 months at dt 0.25 and, over the months in which their events
fall, for scenarios that switch on schedules and make a constraint bind (a pool run dry, conscripts overdrawn, a
war zone emptied), casualties that scale with the force, a start inside the casualty record at dt 0.5, and one
run of a Monte Carlo batch. (PySD takes about 60 ms a step for this model, so the shorter horizons keep the suite
quick.)

PySD's translator writes lists of numbers (lookups) with numpy's print options (8 decimals by default), so
translation runs with ``floatmode="unique"``, which writes every double exactly (docs/MODEL.md says so).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

import model
from model.core.structure import FLOW_NAMES, SINKS, SOURCES, STOCKS, STRUCTURE
from model.interchange import export
from model.interchange.form import limited_stocks
from model.results.lean import simulate_arrays

pysd = pytest.importorskip("pysd", reason="the test extra (PySD) is not installed")

DT = 0.25
TOLERANCE = 1e-9


def translated(text: str, suffix: str, folder):
    """The PySD model of an exported file's ``text``."""
    path = folder / f"model{suffix}"
    path.write_text(text)
    with np.printoptions(floatmode="unique"):
        return pysd.read_vensim(str(path)) if suffix == ".mdl" else pysd.read_xmile(str(path))


def pysd_run(translated_model, months: int, dt: float = DT) -> dict[str, np.ndarray]:
    """Every stock, flow and shortfall of a PySD run at every step, as arrays ``(steps + 1, sources)`` (shortfall
    ``(steps + 1,)``)."""
    columns = [f"{v}[{s}]" for v in (*STOCKS, *SINKS, *FLOW_NAMES) for s in SOURCES]
    shortfalls = [f"{stock}_shortfall" for stock in limited_stocks()]
    out = translated_model.run(return_timestamps=np.arange(months * round(1 / dt) + 1) * dt,
                               return_columns=columns + shortfalls)
    runs = {v: np.stack([out[f"{v}[{s}]"].to_numpy() for s in SOURCES], axis=1) for v in (*STOCKS, *SINKS,
                                                                                         *FLOW_NAMES)}
    runs |= {name: out[name].to_numpy() for name in shortfalls}
    return runs


def monthly_totals(rates: np.ndarray, dt: float) -> np.ndarray:
    """Rates at every step (persons/month; the last row the end state's) as totals over each month (persons), as
    the engine keeps flows."""
    steps = rates[:-1]
    return steps.reshape(-1, round(1 / dt), *steps.shape[1:]).sum(axis=1) * dt


def engine_run(params, months: int, run: int = 0, dt: float = DT, start: str | None = None) -> dict[str, np.ndarray]:
    """The engine's stocks and flows ``(months + 1, sources)`` and shortfall ``(months + 1, stocks)`` of one run."""
    arrays = simulate_arrays(params, months, dt, start, variables=[*STOCKS, *FLOW_NAMES, "shortfall"])
    return {name: values[..., run] for name, values in arrays.items()}


def differences(mine: dict[str, np.ndarray], theirs: dict[str, np.ndarray], dt: float = DT) -> dict[str, float]:
    """Largest difference of each series (variable and source) relative to its largest magnitude."""
    out = {}
    months = len(mine["pool"]) - 1
    per_month = round(1 / dt)

    def compare(label: str, a: np.ndarray, b: np.ndarray) -> None:
        scale = np.abs(a).max()
        out[label] = float(np.abs(a - b).max() / scale) if scale > 0 else float(np.abs(b).max())

    for stock in STOCKS:
        for i, source in enumerate(SOURCES):
            compare(f"{stock}[{source}]", mine[stock][:, i], theirs[stock][::per_month, i])
    for flow in FLOW_NAMES:
        totals = monthly_totals(theirs[flow], dt)
        for i, source in enumerate(SOURCES):
            compare(f"{flow}[{source}]", mine[flow][:months, i], totals[:, i])
    for sink in SINKS:  # a sink is the running sum of the flows into it
        into = sum(mine[f.name][:months] for f in STRUCTURE.flows_into(sink))
        for i, source in enumerate(SOURCES):
            compare(f"{sink}[{source}]", np.concatenate([[0.0], np.cumsum(into[:, i])]),
                    theirs[sink][::per_month, i])
    for stock in limited_stocks():
        compare(f"shortfall[{stock}]", mine["shortfall"][:months, STOCKS.index(stock)],
                monthly_totals(theirs[f"{stock}_shortfall"], dt))
    return out


@dataclass(frozen=True)
class Case:
    """A scenario with overrides, run for ``months`` at step ``dt`` from ``start`` (None: after the data);
    ``binding`` names the stock whose shortfall shows the limiter binds; ``depleted``: the war zone falls below
    its start, so the depletion of the casualty level acts."""

    scenario: str
    overrides: dict = field(default_factory=dict)
    months: int = 12
    binding: str | None = None
    depleted: bool = False
    dt: float = DT
    start: str | None = None

    @property
    def params(self):
        return model.load_params(self.scenario, overrides=self.overrides)


CASES = {
    "baseline": Case("baseline", months=36),
    "pool run dry": Case("mobilization_2025", {"pool_initial.mobilized": 100_000}, binding="pool"),
    "conscripts overdrawn": Case("conscripts_emergency", {
        "conscription.emergency": [{"start": "2025-06", "size": 900_000, "months": 2}]}, binding="conscripts"),
    "war zone emptied": Case("dprk_surge", {"casualties.process": "trend", "casualties.monthly": 400_000,
                                            "casualties.depletion_elasticity": 0.0}, binding="front_veteran"),
    "war zone depleted": Case("dprk_surge", {"casualties.process": "trend", "casualties.monthly": 150_000},
                              depleted=True),
    "casualties scale with the force": Case("migrant_roundups", {"casualties.mode": "endogenous"}),
    "start inside the record, half-month steps": Case("high_intensity", months=4, dt=0.5, start="2024-06"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_mdl_runs_in_pysd_as_in_the_engine(case, tmp_path, recwarn):
    c = CASES[case]
    mine = engine_run(c.params, c.months, dt=c.dt, start=c.start)
    if c.binding is not None:  # the case exercises the limiter it is meant to
        assert mine["shortfall"][:c.months, STOCKS.index(c.binding)].sum() > 0
    if c.depleted:
        war_zone = (mine["front_new"] + mine["front_veteran"]).sum(axis=1)
        assert war_zone[-1] < 0.5 * war_zone[0]
    text = export(c.params, "mdl", months=c.months, dt=c.dt, start=c.start)
    theirs = pysd_run(translated(text, ".mdl", tmp_path), c.months, c.dt)
    worst = differences(mine, theirs, c.dt)
    assert max(worst.values()) <= TOLERANCE, sorted(worst.items(), key=lambda kv: -kv[1])[:5]


@pytest.mark.parametrize("case", ["pool run dry", "war zone emptied", "start inside the record, half-month steps"])
def test_xmile_runs_in_pysd_as_in_the_engine(case, tmp_path, recwarn):
    c = CASES[case]
    text = export(c.params, "xmile", months=c.months, dt=c.dt, start=c.start)
    theirs = pysd_run(translated(text, ".xmile", tmp_path), c.months, c.dt)
    worst = differences(engine_run(c.params, c.months, dt=c.dt, start=c.start), theirs, c.dt)
    assert max(worst.values()) <= TOLERANCE, sorted(worst.items(), key=lambda kv: -kv[1])[:5]


def test_a_monte_carlo_draw_exported_reproduces_its_run(tmp_path, recwarn):
    batch = model.sample("baseline", n=6, seed=11)
    run, months = 4, 12
    mine = engine_run(batch, months, run)
    theirs = pysd_run(translated(export(batch, "mdl", run=run, months=months, dt=DT), ".mdl", tmp_path), months)
    worst = differences(mine, theirs)
    assert max(worst.values()) <= TOLERANCE, sorted(worst.items(), key=lambda kv: -kv[1])[:5]
    # and it is that run, not another: run 0 of the batch differs from it
    other = engine_run(batch, months, 0)
    assert not np.allclose(other["front_new"], mine["front_new"], rtol=1e-6)
