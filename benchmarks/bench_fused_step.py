"""The limiter and the advance of one Euler step: as the engine does them, against a step generated from the structure.

    python benchmarks/bench_fused_step.py
    python benchmarks/bench_fused_step.py --repeats 5 --strides 256 264

The engine limits and advances a block of runs with generic kernels that read the structure as data
(`model.engine.limiter.limit` and `model.engine.integrator._advance`): about a hundred passes over rows of the block
per step. This script generates, from the same `Plan`, one compiled loop per source that reads each of the source's
rate cells once and applies the limiter, the monthly totals and the advance to the source's cells. A flow never leaves
its source, so the sources are independent. Each loop uses the same operations in the same order as the kernels.
Before timing, it checks that both give the same stocks, totals and shortfall, bit for bit, on a block of 256
baseline runs, a third of them with their stocks cut to a thousandth so that the limiter binds.

The generated loops read the block from flat arrays, each row ``stride`` numbers apart. With 256 runs to a row of
2 KB, the fifty rows a loop reads at once fall in two sets of the L1 cache and evict one another; 264 spreads them.
Printed: nanoseconds per run and step, one thread, best of ``--repeats``, and the ratio generated / engine. Issue 14
item 1: what a step generated from the structure would buy (benchmarks/README, "What 0.10 would take").
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import model
from model.analysis.sampling import sample
from model.core.structure import FLOW_NAMES
from model.dynamics.equations import SYSTEM, evaluate_rates, prepare
from model.engine.integrator import _advance
from model.engine.limiter import limit
from model.inputs.start import resolve_start
from model.results.lean import Selection

RUNS, DT = 256, 0.25
#: The headline outputs of a Monte Carlo: the flows they sum are the ones whose monthly totals are kept.
HEADLINE = ["front_total", "inflow", "losses", "net"]


def generated_source(plan, needed: np.ndarray, limited: np.ndarray, stride: int) -> str:
    """Source of ``step(R, X, T, SF, dt, B)``: the limiter, the totals of the ``needed`` flows and the advance, one
    loop per source over its ``B`` runs, on flat arrays of rows ``stride`` apart (rates ``R``, stocks ``X``, totals
    ``T``, shortfall ``SF``)."""
    lines = ["from numba import njit", "", "", "@njit(nogil=True, error_model='numpy')",
             "def step(R, X, T, SF, dt, B):"]
    for s in range(limited.shape[1]):
        rate = {f: f"r{f}" for f in range(len(plan.origin)) if plan.lo[f] <= s < plan.hi[f]}
        loop = [f"{name} = R[{_row(f, s, limited) * stride} + b]" for f, name in rate.items()]
        loop += _limiter(plan, limited, s, rate, stride)
        loop += [f"T[{at}] = T[{at}] + {name}" for f, name in rate.items() if needed[f]
                 for at in [f"{_row(f, s, limited) * stride} + b"]]
        loop += _advance_lines(plan, limited, s, rate, stride)
        lines += ["    for b in range(B):"] + [" " * 8 + line for line in loop]
    return "\n".join(lines) + "\n"


def _row(first: int, s: int, limited: np.ndarray) -> int:
    """The flat row of cell ``(first, s)`` of an array with one row per source (rates or stocks)."""
    return first * limited.shape[1] + s


def _limiter(plan, limited: np.ndarray, s: int, rate: dict[int, str], stride: int) -> list[str]:
    """The limiter's statements for source ``s`` (``limit``'s operations, run by run)."""
    n_stocks = limited.shape[0]
    settled = [not limited[k].any() for k in range(n_stocks)] + [True]  # the last: outside the model
    out = []
    for k in plan.limit_order:
        if settled[k]:
            continue
        if limited[k, s]:
            out += [f"held = X[{_row(k, s, limited) * stride} + b]", "asked = 0.0"]
            out += [f"asked = asked + 1.0 * {rate[f]} * 1.0" for f in plan.leaving[k, s, :plan.leaving_counts[k, s]]]
            out.append("available = max(held, 0.0) / dt")
            out += [f"available = available + {rate[f]}" for f in plan.inflows[k]
                    if f >= 0 and f in rate and settled[plan.origin[f] if plan.origin[f] >= 0 else n_stocks]]
            out.append("factor = available / asked if (asked > available) & (asked * dt > held) else 1.0")
            for f in (f for f in plan.outflows[k] if f >= 0 and f in rate):
                if plan.is_demand[f]:
                    out.append(f"SF[{k * stride} + b] = SF[{k * stride} + b] + {rate[f]} * (1.0 - factor) * dt")
                out.append(f"{rate[f]} = {rate[f]} * factor")
        settled[k] = True
    return out


def _advance_lines(plan, limited: np.ndarray, s: int, rate: dict[int, str], stride: int) -> list[str]:
    """The advance's statements for source ``s``: each stock's cell takes its flows in order (``_advance``)."""
    out = []
    for k in range(limited.shape[0]):
        at = f"X[{_row(k, s, limited) * stride} + b]"
        expression = at
        for j in range(plan.move_counts[k, s]):
            expression = f"({expression} + {float(plan.move_signs[k, s, j])!r} * {rate[plan.moves[k, s, j]]} * dt)"
        if expression != at:
            out.append(f"{at} = {expression}")
    return out


def compiled(source: str, folder: Path, name: str):
    """The ``step`` of ``source``, imported from a file in ``folder``."""
    path = folder / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.step


def block_inputs() -> tuple[np.ndarray, np.ndarray]:
    """Rates (flow, source, run) and stocks (stock, source, run) of 256 baseline runs at a step of the first year."""
    params = model.load_params()
    inputs = prepare(sample(params, RUNS, "lhs", seed=0), resolve_start(None, params.folder), 144, DT)
    rates, _ = evaluate_rates(inputs, inputs.state0, t=0.0, step=10)
    return np.stack([rates[name] for name in FLOW_NAMES]), inputs.state0.copy()


def headline_flows() -> np.ndarray:
    """Which flows the headline outputs sum (the engine keeps their monthly totals), one boolean per flow."""
    observations = Selection.of(HEADLINE).observations()
    return (np.abs(observations.flows_by_source).sum(axis=0) + np.abs(observations.flows_total).sum(axis=0)) != 0


def flat(a: np.ndarray, stride: int) -> np.ndarray:
    """``a`` (..., runs) as flat rows ``stride`` apart, the padding zero."""
    out = np.zeros(a.shape[:-1] + (stride,))
    out[..., :a.shape[-1]] = a
    return out.ravel()


def unflat(a: np.ndarray, like: np.ndarray, stride: int) -> np.ndarray:
    """The runs of the flat rows ``a``, in the shape of ``like``."""
    return a.reshape(like.shape[:-1] + (stride,))[..., :like.shape[-1]]


def fastest(step, arrays, repeats: int) -> float:
    """Nanoseconds per run of ``step(*arrays)``, best of ``repeats`` rounds of 20,000 calls."""
    step(*arrays)
    calls, best = 20_000, np.inf
    for _ in range(repeats):
        began = time.perf_counter()
        for _ in range(calls):
            step(*arrays)
        best = min(best, (time.perf_counter() - began) / calls / RUNS * 1e9)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--strides", type=int, nargs="+", default=[264, 256])
    args = parser.parse_args()
    plan, limited = SYSTEM.plan, SYSTEM.plan.demand_limited
    needed = headline_flows()
    rates, state = block_inputs()
    work = (np.ones(plan.leaving.shape[2]), np.zeros(state.shape[1] * RUNS), np.zeros(RUNS),
            np.zeros(state.shape[0] + 1, dtype=bool))

    def engine(r, x, t, sf):
        limit(r, x, DT, limited, plan.limit_order, plan.origin, plan.lo, plan.hi, plan.outflows, plan.inflows,
              plan.is_demand, plan.leaving, plan.leaving_counts, work[0], sf, *work[1:])
        _advance(r, x, t, needed, DT, plan.lo, plan.hi, plan.moves, plan.move_signs, plan.move_counts)

    def blank(stocks: np.ndarray) -> tuple[np.ndarray, ...]:
        return rates.copy(), stocks.copy(), np.zeros_like(rates), np.zeros((state.shape[0], RUNS))

    cut = state.copy()
    cut[:, :, ::3] *= 1e-3  # a third of the runs overdrawn
    print(f"one Euler step's limiter, totals ({needed.sum()} flows) and advance, {RUNS} baseline runs, one "
          f"thread, best of {args.repeats}; ns per run and step")
    with tempfile.TemporaryDirectory() as folder:
        for stride in args.strides:
            step = compiled(generated_source(plan, needed, limited, stride), Path(folder), f"generated_{stride}")
            ours = blank(cut)
            theirs = tuple(flat(a, stride) for a in ours)
            engine(*ours)
            step(*theirs, DT, RUNS)
            same = all(np.array_equal(unflat(b, a, stride), a) for a, b in zip(ours[1:], theirs[1:]))
            limited_runs = int((ours[3].sum(axis=0) > 0).sum())
            kernels = fastest(engine, blank(state), args.repeats)
            generated = fastest(step, tuple(flat(a, stride) for a in blank(state)) + (DT, RUNS), args.repeats)
            print(f"  rows {stride} apart: bit for bit {'yes' if same else 'NO'} ({limited_runs} of {RUNS} runs "
                  f"limited); engine {kernels:6.1f}, generated {generated:6.1f}: ratio {generated / kernels:.2f}")


if __name__ == "__main__":
    main()
