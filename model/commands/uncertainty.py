"""Sampling the registry's ranges: ``manpower uncertainty`` (Monte Carlo) and ``sensitivity`` (SALib)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import export, export_paths, print_table, progress

#: What ``uncertainty --keep`` writes besides the figure: every run (``all``, hundreds of MB for 10,000 runs), or
#: only the percentiles over runs of every output, month by month (``summary``, under a megabyte).
KEEP = ("all", "summary")


def cmd_uncertainty(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..analysis.uncertainty import deficit_probability, deficit_share, front_below, percentiles, uncertainty
    from ..inputs.parameters import load_params
    from ..present.console import SHARE, wrapped
    from ..present.summary_tables import uncertainty_tables
    from ..results.io import all_or_none, check_outputs

    params = load_params(args.scenario, prior=args.prior)  # an unknown scenario fails before sampling
    name = params.scenario  # a scenario given as a file is named by it
    paths = [] if args.no_save else check_outputs(uncertainty_paths(args.out, name, args.keep), "--out")
    with progress(args, f"{args.n:,} runs of {name}"):
        ds = uncertainty(params, n=args.n, seed=args.seed, months=args.months, sampler=args.method,
                         dt=args.dt, start=args.start)
    threshold, share = args.threshold, 1.0 if args.below is None else args.below
    level = (f"{threshold:,.0f}" if threshold is not None
             else "own start" if share == 1 else f"{share:.0%} of own start")
    print(wrapped(f"Scenario {name}: {args.n:,} runs ({args.method}, seed {args.seed}), "
                  f"{ds.sizes['time'] - 1} months from {ds.attrs['start']}; parameters: "
                  f"{ds.attrs['parameters_from']}\n"))
    print("Percentiles over runs (persons; inflow and losses in persons per month)")
    print_table(percentiles(ds))
    print(f"\nShare of runs in which losses exceed inflow in some month: {deficit_share(ds):.2f}")
    deficit = deficit_probability(ds).to_series()
    below = front_below(ds, threshold, share).to_series()
    table = pd.DataFrame({"P(losses > inflow)": deficit, f"P(front < {level})": below})
    table.index = table.index.strftime("%Y-%m")
    table.index.name = "month"
    print("\nBy month (share of runs):")
    print_table(table.iloc[::3], SHARE)
    with all_or_none([*paths, *export_paths(args)]):
        written = _save(args, ds, paths, threshold) if paths else []
        written += export(args, lambda: uncertainty_tables(ds, threshold, share),
                          f"manpower uncertainty: scenario {name}, {args.n:,} runs ({args.method}, seed {args.seed})",
                          params.digest())
    print(wrapped(f"\nWrote {', '.join(map(str, written))}" if written else "\nWrote nothing (--no-save)"))
    return 0


def uncertainty_paths(out: str | Path, name: str, keep: str) -> list[Path]:
    """The files ``uncertainty`` writes into the folder ``out`` for scenario ``name``: the NetCDF file ``keep``
    asks for (:data:`KEEP`) and the fan chart."""
    out = Path(out)
    netcdf = f"uncertainty_{name}_summary.nc" if keep == "summary" else f"uncertainty_{name}.nc"
    return [out / netcdf, out / f"fan_{name}.png"]


def _save(args: argparse.Namespace, ds, paths: list[Path], threshold: float | None) -> list[Path]:
    """The NetCDF file ``--keep`` asks for (every run, or the percentiles over runs) and the fan chart, written
    to ``paths`` (:func:`uncertainty_paths`)."""
    from ..analysis.uncertainty import percentile_summary
    from ..present.plots import fan_chart
    from ..results.io import save_figure, write_netcdf

    netcdf, figure = paths
    kept = percentile_summary(ds) if args.keep == "summary" else ds
    return [write_netcdf(kept, netcdf, command=args.command_line), save_figure(fan_chart(ds, threshold), figure)]


def sensitivity_paths(out: str | Path, name: str, method: str) -> list[Path]:
    """The files ``sensitivity`` writes into the folder ``out``: the indices as CSV and their chart."""
    stem = f"sensitivity_{name}_{method}"
    return [Path(out) / f"{stem}.csv", Path(out) / f"{stem}.png"]


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from ..analysis.sensitivity import ranking, sensitivity
    from ..inputs.parameters import load_params
    from ..present.console import RATE, wrapped
    from ..present.plots import sensitivity_chart
    from ..results.io import all_or_none, atomic_write, check_outputs, save_figure

    params = load_params(args.scenario, prior=args.prior)  # an unknown scenario fails before sampling
    name = params.scenario
    csv, figure = check_outputs(sensitivity_paths(args.out, name, args.method), "--out")
    with progress(args, f"{args.method} sensitivity of {name}"):
        result = sensitivity(params, method=args.method, n=args.n, seed=args.seed, months=args.months,
                             dt=args.dt, start=args.start)
    print(wrapped(f"{args.method.capitalize()} sensitivity of scenario {name}: {result.attrs['runs']:,} runs, "
                  f"seed {args.seed}, {result.sizes['parameter']} uncertain parameters\n"))
    for output in result.output.values:
        print(f"{output}: top {args.top}")
        print_table(ranking(result, str(output)).head(args.top), RATE)
        print()
    table = result.drop_vars("parameter_unit").to_dataframe()
    with all_or_none([csv, figure]):
        csv = atomic_write(csv, lambda tmp: table.to_csv(tmp, float_format="%.4g"))
        figure = save_figure(sensitivity_chart(result, args.top), figure)
    print(wrapped(f"Wrote {csv} and {figure}"))
    return 0
