"""``manpower compare``'s work against a 100,000-run Monte Carlo, timed in the same process.

    python benchmarks/bench_compare.py               # every scenario, break-evens included, best of 3
    python benchmarks/bench_compare.py --repeats 5

The compare is what the command runs before writing files: :func:`model.compare` over every scenario and
:func:`model.comparison_table` with its two break-even columns per scenario. The Monte Carlo is
``model.uncertainty(n=100_000)`` keeping the headline outputs. Both are run once first (compiled kernels loaded,
registry read), then timed alternately, best of ``--repeats``. Prints the ratio compare / Monte Carlo: issue 14
asks for at most 3.
"""

from __future__ import annotations

import argparse
import time

import model

HEADLINE = ["front_total", "inflow", "losses", "net"]


def compare_work() -> None:
    """What ``manpower compare`` computes: the scenarios' runs and their table, break-evens included."""
    model.comparison_table(model.compare(), with_breakeven=True)


def monte_carlo() -> None:
    model.uncertainty(n=100_000, variables=HEADLINE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    timed = {"compare": compare_work, "Monte Carlo": monte_carlo}
    for work in timed.values():  # warm: kernels compiled or loaded, files read once
        work()
    best = dict.fromkeys(timed, float("inf"))
    for _ in range(args.repeats):
        for name, work in timed.items():
            began = time.perf_counter()
            work()
            best[name] = min(best[name], time.perf_counter() - began)
    print(f"warm, best of {args.repeats}")
    print(f"  compare, {len(model.scenario_names())} scenarios with break-evens   {best['compare']:8.3f} s")
    print(f"  Monte Carlo, 100,000 runs, {', '.join(HEADLINE)}   {best['Monte Carlo']:8.3f} s")
    print(f"  ratio compare / Monte Carlo  {best['compare'] / best['Monte Carlo']:.2f}  (issue 14's target: at most 3)")


if __name__ == "__main__":
    main()
