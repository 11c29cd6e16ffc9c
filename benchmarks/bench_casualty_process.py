"""Speed of ``model.series.draw_paths``: 100,000 casualty paths x 36 months, against drawing as many normals.

The process is fitted once to the record (not timed); each specification and the combined mixture then
draw ``n`` paths of ``months`` months from the month after the data's end. The time is the best of the
repeats, printed with its ratio to ``np.random.default_rng().standard_normal((n, months))`` timed in the same
run (the least any path generator must spend), so the ratio travels between machines.

    python benchmarks/bench_casualty_process.py
    python benchmarks/bench_casualty_process.py --n 10000 --months 120 --repeats 5
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def best(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from model.series import combination, draw_paths, fit, load_record
    from model.series.backtest import COMBINED

    record = load_record()
    start = str(record.end + 1)
    rng = np.random.default_rng()
    normals = best(lambda: rng.standard_normal((args.n, args.months)), args.repeats)
    print(f"{args.n:,} paths x {args.months} months from {start}; best of {args.repeats}")
    print(f"{'normals (reference)':<22} {normals:8.3f} s   1.0 x")
    fitted = {spec: fit(record, spec) for spec in COMBINED} | {"combined": combination(record)}
    for name, process in fitted.items():
        seconds = best(lambda p=process: draw_paths(p, start, args.months, args.n, seed=1), args.repeats)
        print(f"{name:<22} {seconds:8.3f} s {seconds / normals:5.1f} x")


if __name__ == "__main__":
    main()
