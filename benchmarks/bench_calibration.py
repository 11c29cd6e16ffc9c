"""Speed of the Bayesian calibration (``manpower calibrate --posterior``) against a Monte Carlo of the same runs.

The calibration simulates ``n_prior`` prior runs of the hindcast (January 2023 to the record's end) in batches,
weighs them by the likelihood of the record (Pareto-smoothed importance sampling) and resamples the posterior.
The reference, timed in the same run, is ``model.uncertainty`` of the hindcast's parameters with the same number of
runs over the same months and the outputs the calibration reads: the engine's share of the work. The ratio (the
calibration's overhead over a plain Monte Carlo: the targets read from the runs, the weights, the summaries)
travels between machines; the seconds do not.

    python benchmarks/bench_calibration.py
    python benchmarks/bench_calibration.py --n-prior 50000 --repeats 3
"""

from __future__ import annotations

import argparse
import time

from bench_casualty_process import best  # run as a script, this folder is on the path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-prior", type=int, default=200_000, help="prior runs")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    import model
    from model.calibration.hindcast import hindcast_params
    from model.calibration.posterior import calibrate_posterior

    params, start, months = hindcast_params()
    outputs = ["front", "front_total", "recruitment", "killed", "casualties"]
    started = time.perf_counter()
    calibrate_posterior(n_prior=1000)
    first = time.perf_counter() - started
    reference = best(lambda: model.uncertainty(params, n=args.n_prior, months=months, start=start, sampler="random",
                                               variables=outputs), args.repeats)
    seconds = best(lambda: calibrate_posterior(n_prior=args.n_prior), args.repeats)
    print(f"Bayesian calibration, {args.n_prior:,} prior runs of {months} months; best of {args.repeats}")
    print(f"{'Monte Carlo of the same runs (reference)':<44} {reference:8.2f} s    1.0 x")
    print(f"{'calibrate_posterior':<44} {seconds:8.2f} s {seconds / reference:6.2f} x")
    print(f"{'first call, 1,000 runs (imports, jit)':<44} {first:8.2f} s")


if __name__ == "__main__":
    main()
