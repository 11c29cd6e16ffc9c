"""The engine's speed by the number of runs a thread advances together (``model.engine.integrator.BLOCK``).

    python benchmarks/bench_block.py                  # 20,000 runs, blocks of 64 to 1,024
    python benchmarks/bench_block.py --n 50000 --blocks 128 256 512

One thread, CPU time of the compiled integration only (so other work on the machine disturbs it less), best of
``--repeats``, the block sizes measured in turn; prints each size's time as a ratio to the current ``BLOCK``'s.
The numbers of a run do not depend on the block (tests/engine/test_batch_invariance.py), only the speed does: a
bigger block spreads each loop's set-up over more runs, a smaller one keeps its working arrays (about 4 kB per
run) in the core's cache.
"""

from __future__ import annotations

import argparse
import time

import model
import model.engine.integrator as integrator
from model.analysis.sampling import sample

HEADLINE = ["front_total", "inflow", "losses", "net"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--blocks", type=int, nargs="+", default=[64, 128, 256, 512, 1024])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    batch = sample(model.load_params(), args.n, "lhs", seed=0)
    kernel, current = integrator._integrate, integrator.BLOCK
    spent: list[float] = []

    def timed_kernel(*arguments):
        began = time.process_time()
        kernel(*arguments)
        spent.append(time.process_time() - began)

    integrator._integrate = timed_kernel
    best = {}
    try:
        for _ in range(args.repeats):
            for block in dict.fromkeys([current, *args.blocks]):
                integrator.BLOCK = block
                spent.clear()
                model.simulate(batch, variables=HEADLINE, threads=1)
                best[block] = min(best.get(block, float("inf")), sum(spent))
    finally:
        integrator._integrate, integrator.BLOCK = kernel, current
    print(f"{args.n:,} runs, 36 months at dt 0.25, one thread, CPU seconds of the integration (best of "
          f"{args.repeats}); ratio to BLOCK = {current}")
    for block in sorted(best):
        print(f"  block {block:5d}   {best[block]:7.3f} s   {best[block] / best[current]:5.2f}")


if __name__ == "__main__":
    main()
