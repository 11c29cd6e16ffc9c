"""Speed and peak memory of ``model.simulate`` for batches of 1, 1,000 and 100,000 runs.

Each batch size runs in its own subprocess so that its peak resident memory is
its own. Parameters are drawn uniformly inside their registry ranges, 36 months
at dt = 0.25 (Euler). Prints one row per case; the time is the best of the
repeats, and includes building the labelled xarray result.

    python benchmarks/bench_simulate.py            # all cases
    python benchmarks/bench_simulate.py --sizes 1000 --repeats 5
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

CORE_VARIABLES = ["front_total", "inflow", "losses", "net"]


def measure(n: int, repeats: int, variables: str, threads: int) -> dict:
    import numpy as np

    import model

    params = model.load_params()
    rng = np.random.default_rng(0)
    if n > 1:
        keys = [k for k, p in params.items() if p.spec.numeric]
        params = params.with_values({k: rng.uniform(params[k].low, params[k].high, n) for k in keys})
    keep = None if variables == "all" else CORE_VARIABLES
    model.simulate(params, months=2, variables=keep)  # warm up imports and caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        ds = model.simulate(params, months=36, dt=0.25, variables=keep, threads=threads)
        times.append(time.perf_counter() - start)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"runs": n, "variables": variables, "threads": threads, "seconds": min(times),
            "runs_per_second": n / min(times), "peak_rss_mib": peak_mib, "result_mib": ds.nbytes / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 1_000, 100_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=0, help="threads (default: all cores)")
    parser.add_argument("--child", nargs=3, metavar=("N", "VARIABLES", "REPEATS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        n, variables, repeats = args.child
        print(json.dumps(measure(int(n), int(repeats), variables, args.threads)))
        return
    print(f"{'runs':>8} {'outputs':>8} {'threads':>7} {'seconds':>9} {'runs/s':>11} {'peak MiB':>9} {'result MiB':>10}")
    for n in args.sizes:
        for variables in ("all", "core") if n >= 1000 else ("all",):
            child = subprocess.run([sys.executable, __file__, "--threads", str(args.threads),
                                    "--child", str(n), variables, str(args.repeats if n < 100_000 else 2)],
                                   capture_output=True, text=True, check=True)
            r = json.loads(child.stdout)
            print(f"{r['runs']:>8,} {r['variables']:>8} {r['threads']:>7} {r['seconds']:>9.3f} "
                  f"{r['runs_per_second']:>11,.0f} {r['peak_rss_mib']:>9,.0f} {r['result_mib']:>10,.1f}")
    print("outputs: 'all' = every variable of simulate(); 'core' = " + ", ".join(CORE_VARIABLES))


if __name__ == "__main__":
    main()
