"""Speed of ``model.backtest``: each series' rolling-origin backtest, against a reference made in the same run.

Every backtest (default: 5 origins, 12 months, 2,000 paths per forecast, every forecast scored) is timed after a
first call that pays for the imports, ``scoringrules``' compilation and the calibration's shared prior sample
(timed on its own). The casualty record's (3 forecasters) is timed against one forecast as it makes them: the
stored process refitted to the whole record and 2,000 paths of 12 months drawn. The model-based series'
(recruitment and force statements: the model calibrated at each origin, and its prior) are timed against one
hindcast of 2,000 runs (``model.simulate`` of the hindcast's prior sample). The ratios travel between machines.

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
    from model.calibration.hindcast import hindcast_params

    series = casualty_series()
    process, known = series.forecasters["process"], series.observed.values
    origin = known.index[-1]
    start = time.perf_counter()
    model.backtest(n=args.n)
    first = time.perf_counter() - start
    forecast = best(lambda: process(known, origin, 12, args.n, np.random.SeedSequence(0)), args.repeats)
    params, hindcast_start, months = hindcast_params()
    runs = model.sample(params, args.n, "random", seed=0)
    hindcast = best(lambda: model.simulate(runs, months=months, start=hindcast_start, variables=["front_total"]),
                    args.repeats)
    print(f"backtests, {args.n:,} paths per forecast; best of {args.repeats}")
    print(f"{'one casualty forecast (reference)':<40} {forecast:8.3f} s    1.0 x")
    seconds = best(lambda: model.backtest("uk_mod_monthly_casualties", n=args.n), args.repeats)
    print(f"{'  casualty record':<40} {seconds:8.3f} s {seconds / forecast:6.1f} x")
    print(f"{'one hindcast of the runs (reference)':<40} {hindcast:8.3f} s    1.0 x")
    for name in ("recruitment_independent", "force_in_ukraine_ua"):
        seconds = best(lambda name=name: model.backtest(name, n=args.n), args.repeats)
        print(f"{'  ' + name:<40} {seconds:8.3f} s {seconds / hindcast:6.1f} x")
    print(f"{'first call (imports, jit, prior sample)':<40} {first:8.3f} s")


if __name__ == "__main__":
    main()
