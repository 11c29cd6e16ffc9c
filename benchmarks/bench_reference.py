"""The Monte Carlo against the plain numpy reference of the same equations, timed in the same process.

    python benchmarks/bench_reference.py              # 100,000 runs, 36 months, dt 0.25
    python benchmarks/bench_reference.py --n 20000

Both start from the same sample (Latin hypercube, seed 0) and the same prepared coefficients; the reference
(``benchmarks/numpy_reference.py``) is checked against the engine first (headline outputs to 1e-9 relative where
no constraint binds), then each is timed, best of ``--repeats``, alternately. Prints the ratio
engine / reference: the issue on speed asks for at most 0.1 with the headline outputs.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import model
from model.analysis.sampling import sample
from model.dynamics.equations import prepare
from model.inputs.start import resolve_start

import numpy_reference

HEADLINE = ["front_total", "inflow", "losses", "net"]
MONTHS, DT = 36, 0.25


def check(batch) -> tuple[float, int]:
    """Largest difference of the headline outputs, engine against reference, relative to each output's largest
    magnitude, over the runs of ``batch`` in which no constraint binds (the reference has no limiter); and how
    many runs those are."""
    start = resolve_start(None, batch.folder)
    engine = model.simulate(batch, months=MONTHS, dt=DT, variables=HEADLINE + ["shortfall"])
    plain = numpy_reference.simulate(prepare(batch, start, MONTHS * round(1 / DT), DT), MONTHS)
    free = (engine.shortfall.sum(["time", "stock"]) == 0).values
    worst = 0.0
    for name in HEADLINE:
        a, b = engine[name].transpose("time", "run").values[:, free], plain[name][:, free]
        worst = max(worst, float(np.nanmax(np.abs(a - b)) / np.nanmax(np.abs(a))))
    return worst, int(free.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    params = model.load_params()
    difference, free = check(sample(params, 200, "lhs", seed=0))
    print(f"engine against the numpy reference, the {free} of 200 runs in which no constraint binds: largest "
          f"relative difference {difference:.1e}")
    start = resolve_start(None, params.folder)
    best = {"engine": np.inf, "reference": np.inf}
    for _ in range(args.repeats):
        began = time.perf_counter()
        batch = sample(params, args.n, "lhs", seed=0)
        model.simulate(batch, months=MONTHS, dt=DT, variables=HEADLINE)
        best["engine"] = min(best["engine"], time.perf_counter() - began)
        began = time.perf_counter()
        batch = sample(params, args.n, "lhs", seed=0)
        numpy_reference.simulate(prepare(batch, start, MONTHS * round(1 / DT), DT), MONTHS)
        best["reference"] = min(best["reference"], time.perf_counter() - began)
    print(f"{args.n:,} runs, {MONTHS} months at dt {DT}, outputs {', '.join(HEADLINE)}; best of {args.repeats}")
    print(f"  engine (sample + simulate + dataset)   {best['engine']:8.3f} s")
    print(f"  numpy reference (sample + prepare + Euler)  {best['reference']:8.3f} s")
    print(f"  ratio engine / reference  {best['engine'] / best['reference']:.2f}  (issue 14's target: at most 0.10)")


if __name__ == "__main__":
    main()
