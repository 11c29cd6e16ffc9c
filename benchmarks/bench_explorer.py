"""Latency of the live explorer: one slider move = re-run the Monte Carlo sample + redraw the image (Agg).

Each update moves one lever (in turn) to a random point of its slider, re-runs
every run of the sample (``Explorer.update``) and renders the figure to PNG
bytes as the widget shows it (``Explorer.image``), so the time is what a reader
waits for after releasing a slider. Prints the median and the maximum, how
many updates had to draw the axes again (their limits moved), and, for
comparison, a full redraw of the figure without reusing anything.

    python benchmarks/bench_explorer.py                 # n = 200 runs, 20 updates
    python benchmarks/bench_explorer.py --n 1000 --updates 40
"""

from __future__ import annotations

import argparse
import statistics
import time

import matplotlib

matplotlib.use("Agg")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--n", type=int, default=200, help="Monte Carlo runs behind the band (default 200)")
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import numpy as np

    from model.present.explorer import Explorer
    from model.present.levers import LEVERS

    started = time.perf_counter()
    explorer = Explorer(args.scenario, months=args.months, n=args.n, seed=args.seed)
    explorer.update()
    explorer.image()
    first = time.perf_counter() - started

    rng = np.random.default_rng(args.seed)
    values = explorer.defaults()
    times, full = [], 0
    for i in range(args.updates):
        lever = LEVERS[i % len(LEVERS)]
        span = explorer.ranges[lever.name]
        values[lever.name] = span.low + span.step * rng.integers(0, round((span.high - span.low) / span.step) + 1)
        started = time.perf_counter()
        explorer.update(**values)
        full += explorer.panels.background is None  # an axis' limits moved: image() draws the axes again
        explorer.image()
        times.append(time.perf_counter() - started)

    redraws = []
    for _ in range(5):
        started = time.perf_counter()
        explorer.figure.canvas.draw()
        redraws.append(time.perf_counter() - started)

    print(f"explorer, scenario {args.scenario}: {args.n:,} runs x {args.months} months, {args.updates} updates "
          f"(one lever moved each), Agg, {explorer.figure.canvas.get_width_height()} px")
    print(f"  first update (sample, reference run, figure built): {first:.3f} s")
    print(f"  per update, re-run + image: median {statistics.median(times):.3f} s, max {max(times):.3f} s "
          f"({full} of {args.updates} drew the axes again because their limits moved)")
    print(f"  full redraw of the figure alone, for comparison: median {statistics.median(redraws):.3f} s")


if __name__ == "__main__":
    main()
