"""Speed of ``model.backtest``: the rolling-origin backtest of the casualty record, against one forecast.

The backtest (default: 5 origins, 3 forecasters, 12 months, 2,000 paths each, every forecast scored) is timed
after a first call that pays for the imports and ``scoringrules``' compilation (timed on its own). The reference,
timed in the same run, is one forecast as the backtest makes it: the stored process refitted to the whole record
and 2,000 paths of 12 months drawn; the ratio (about the number of forecasts made, plus the scoring) travels
between machines.

    python benchmarks/bench_backtest.py
    python benchmarks/bench_backtest.py --n 10000 --repeats 3
"""

from __future__ import annotations

import argparse
import time

from bench_casualty_process import best  # run as a script, this folder is on the path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="paths per forecast")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import numpy as np

    import model
    from model.calibration.forecasters import casualty_series

    series = casualty_series()
    process, known = series.forecasters["process"], series.observed.values
    origin = known.index[-1]
    seed = np.random.SeedSequence(0)
    start = time.perf_counter()
    model.backtest(n=args.n)
    first = time.perf_counter() - start
    reference = best(lambda: process(known, origin, 12, args.n, seed), args.repeats)
    seconds = best(lambda: model.backtest(n=args.n), args.repeats)
    print(f"backtest of the casualty record, {args.n:,} paths per forecast; best of {args.repeats}")
    print(f"{'one forecast (reference)':<28} {reference:8.3f} s    1.0 x")
    print(f"{'backtest':<28} {seconds:8.3f} s {seconds / reference:6.1f} x")
    print(f"{'first call (imports, jit)':<28} {first:8.3f} s")


if __name__ == "__main__":
    main()
