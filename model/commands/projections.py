"""Deterministic projections: ``manpower run`` (one scenario), ``compare`` (side by side), ``breakeven``."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import scenario_params, wide_pandas


def cmd_run(args: argparse.Namespace) -> int:
    from ..present.plots import decomposition_figure, run_figure
    from ..results.decomposition import by_kind, decomposition, level_name
    from ..results.io import save_figure, write_netcdf
    from ..results.simulate import simulate
    from ..results.summary import text_summary

    params = scenario_params(args)
    ds = simulate(params, months=args.months, dt=args.dt, start=args.start, integrator=args.method)
    print(text_summary(ds))
    out = Path(args.out)
    waterfalls = []
    for level, suffix in (("front", ""), ("armed_forces", "_armed_forces")):
        parts = by_kind(decomposition(ds, level))
        print(f"\nWhat changed the {level_name(level)} from {parts.attrs['first']} to {parts.attrs['last']} "
              "(persons):")
        print(parts.set_index("label")["persons"].to_string(float_format=lambda v: f"{v:+,.0f}"))
        waterfalls.append((decomposition_figure(ds, parts), out / f"{params.file_stem}_decomposition{suffix}.png"))
    netcdf = write_netcdf(ds, out / f"{params.file_stem}.nc", command=args.command_line)
    figure = save_figure(run_figure(ds), out / f"{params.file_stem}.png")
    written = [save_figure(fig, path) for fig, path in waterfalls]
    print(f"\nWrote {netcdf}, {figure}, {' and '.join(map(str, written))}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from ..analysis.comparison import compare, comparison_table
    from ..inputs.parameters import load_params, scenario_names
    from ..present.comparison_files import write_comparison

    # An unknown name fails here, before any run.
    names = [load_params(name, prior=args.prior) for name in args.names or scenario_names()]
    ds = compare(names, months=args.months, dt=args.dt, start=args.start)
    table = comparison_table(ds, with_breakeven=not args.no_breakeven)
    with wide_pandas():
        print(f"Scenarios compared over {ds.sizes['time'] - 1} months from {ds.attrs['start']} "
              "(flows: persons over the horizon; break-even: persons per month)\n")
        print(table.T.to_string(float_format=lambda v: "0" if abs(v) < 0.5 else f"{v:,.0f}"))
    csv, netcdf, figure = write_comparison(ds, table, args.out, command=args.command_line)
    print(f"\nWrote {csv}, {netcdf} and {figure}")
    return 0


def cmd_breakeven(args: argparse.Namespace) -> int:
    from ..analysis.breakeven import solve

    params = scenario_params(args)
    print(solve(params, args.lever, args.target, months=args.months, dt=args.dt, start=args.start))
    return 0
