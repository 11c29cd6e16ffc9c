"""Sampling the registry's ranges: ``manpower uncertainty`` (Monte Carlo) and ``sensitivity`` (SALib)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import wide_pandas


def cmd_uncertainty(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..analysis.uncertainty import deficit_probability, deficit_share, front_below, percentiles, uncertainty
    from ..inputs.parameters import load_params
    from ..present.plots import fan_chart
    from ..results.io import save_figure, write_netcdf

    params = load_params(args.scenario, prior=args.prior)  # an unknown scenario fails before sampling
    name = params.scenario  # a scenario given as a file is named by it
    ds = uncertainty(params, n=args.n, seed=args.seed, months=args.months, sampler=args.method,
                     dt=args.dt, start=args.start)
    threshold, share = args.threshold, 1.0 if args.below is None else args.below
    level = (f"{threshold:,.0f}" if threshold is not None
             else "own start" if share == 1 else f"{share:.0%} of own start")
    print(f"Scenario {name}: {args.n:,} runs ({args.method}, seed {args.seed}), "
          f"{ds.sizes['time'] - 1} months from {ds.attrs['start']}; parameters: {ds.attrs['parameters_from']}\n")
    with wide_pandas():
        print(percentiles(ds).to_string(float_format=lambda v: "0" if abs(v) < 0.5 else f"{v:,.0f}"))
        print(f"\nShare of runs in which losses exceed inflow in some month: {deficit_share(ds):.2f}")
        deficit = deficit_probability(ds).to_series()
        below = front_below(ds, threshold, share).to_series()
        table = pd.DataFrame({"P(losses > inflow)": deficit, f"P(front < {level})": below})
        table.index = table.index.strftime("%Y-%m")
        print("\nBy month (share of runs):")
        print(table.iloc[::3].to_string(float_format=lambda v: f"{v:.2f}"))
    out = Path(args.out)
    netcdf = write_netcdf(ds, out / f"uncertainty_{name}.nc", command=args.command_line)
    figure = save_figure(fan_chart(ds, threshold), out / f"fan_{name}.png")
    print(f"\nWrote {netcdf} (samples and outputs) and {figure}")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from ..analysis.sensitivity import ranking, sensitivity
    from ..inputs.parameters import load_params
    from ..present.plots import sensitivity_chart
    from ..results.io import atomic_write, save_figure

    params = load_params(args.scenario, prior=args.prior)  # an unknown scenario fails before sampling
    name = params.scenario
    result = sensitivity(params, method=args.method, n=args.n, seed=args.seed, months=args.months,
                         dt=args.dt, start=args.start)
    print(f"{args.method.capitalize()} sensitivity of scenario {name}: {result.attrs['runs']:,} runs, "
          f"seed {args.seed}, {result.sizes['parameter']} uncertain parameters\n")
    with wide_pandas():
        for output in result.output.values:
            print(f"{output}: top {args.top}")
            print(ranking(result, str(output)).head(args.top).to_string(float_format=lambda v: f"{v:.3g}"))
            print()
    out = Path(args.out)
    table = result.drop_vars("parameter_unit").to_dataframe()
    csv = atomic_write(out / f"sensitivity_{name}_{args.method}.csv", lambda tmp: table.to_csv(tmp))
    figure = save_figure(sensitivity_chart(result, args.top), out / f"sensitivity_{name}_{args.method}.png")
    print(f"Wrote {csv} and {figure}")
    return 0
