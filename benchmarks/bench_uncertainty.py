"""Time and peak memory of Monte Carlo runs: sampling plus one vectorized simulate, in-process.

    python benchmarks/bench_uncertainty.py              # 100,000 runs, Latin hypercube
    python benchmarks/bench_uncertainty.py --n 10000 --method sobol
"""

from __future__ import annotations

import argparse
import resource
import time

import model
from model.analysis.sampling import sample, uncertain_keys

CORE_VARIABLES = ["front_total", "inflow", "losses", "net"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--method", default="lhs", choices=["lhs", "sobol", "random"])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    params = model.load_params()
    model.simulate(params, months=2)  # load the compiled kernels
    best = {"sample": float("inf"), "simulate": float("inf")}
    for _ in range(args.repeats):
        start = time.perf_counter()
        batch = sample(params, args.n, args.method, seed=0)
        sampled = time.perf_counter()
        model.simulate(batch, months=36, dt=0.25, variables=CORE_VARIABLES)
        done = time.perf_counter()
        best["sample"] = min(best["sample"], sampled - start)
        best["simulate"] = min(best["simulate"], done - sampled)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = best["sample"] + best["simulate"]
    print(f"{args.n:,} Monte Carlo runs ({args.method}, {len(uncertain_keys(params))} uncertain parameters), "
          f"36 months at dt 0.25, outputs {', '.join(CORE_VARIABLES)}")
    print(f"  sampling  {best['sample']:8.3f} s")
    print(f"  simulate  {best['simulate']:8.3f} s")
    print(f"  total     {total:8.3f} s  ({args.n / total:,.0f} runs/s), peak memory {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
