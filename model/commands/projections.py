"""Deterministic projections: ``manpower run`` (one scenario), ``compare`` (side by side), ``breakeven``."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import export, export_paths, print_table, progress, scenario_params


#: The levels whose change ``run`` explains, each with the suffix of its waterfall figure's file name.
WATERFALLS = (("front", ""), ("armed_forces", "_armed_forces"))


def run_paths(out: str | Path, stem: str) -> list[Path]:
    """The files ``run`` writes into the folder ``out`` for a scenario's ``stem``: the NetCDF file, the figure and
    one waterfall figure per level of :data:`WATERFALLS`, in that order."""
    out = Path(out)
    return [out / f"{stem}.nc", out / f"{stem}.png",
            *(out / f"{stem}_decomposition{suffix}.png" for _, suffix in WATERFALLS)]


def cmd_run(args: argparse.Namespace) -> int:
    from ..present.console import PERSONS, SIGNED, render, wrapped
    from ..present.plots import decomposition_figure, run_figure
    from ..present.summary_tables import run_tables
    from ..results.decomposition import by_kind, decomposition, level_name
    from ..results.io import all_or_none, check_outputs, save_figure, write_netcdf
    from ..results.simulate import simulate
    from ..results.summary import text_summary

    params = scenario_params(args)
    netcdf, figure, *waterfall_paths = check_outputs(run_paths(args.out, params.file_stem), "--out")
    with progress(args, f"simulating {params.label}"):
        ds = simulate(params, months=args.months, dt=args.dt, start=args.start, integrator=args.method)
    print(wrapped(text_summary(ds, format_table=lambda table: render(table, PERSONS))))
    waterfalls = []
    for (level, _), path in zip(WATERFALLS, waterfall_paths):
        parts = by_kind(decomposition(ds, level))
        print(f"\nWhat changed the {level_name(level)} from {parts.attrs['first']} to {parts.attrs['last']} "
              "(persons):")
        print_table(parts.set_index("label")[["persons"]].rename_axis(None), SIGNED)
        waterfalls.append((decomposition_figure(ds, parts), path))
    with all_or_none([netcdf, figure, *waterfall_paths, *export_paths(args)]):
        netcdf = write_netcdf(ds, netcdf, command=args.command_line)
        figure = save_figure(run_figure(ds), figure)
        written = [save_figure(fig, path) for fig, path in waterfalls]
        written += export(args, lambda: run_tables(ds), f"manpower run: scenario {params.label}",
                          ds.attrs["parameters_digest"])
    print(wrapped(f"\nWrote {netcdf}, {figure}, {', '.join(map(str, written))}"))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from ..analysis.comparison import compare, comparison_table
    from ..inputs.parameters import load_params, scenario_names
    from ..present.comparison_files import comparison_paths, write_comparison
    from ..present.console import wrapped
    from ..present.summary_tables import comparison_tables
    from ..results.io import check_outputs

    # An unknown name, or a file that cannot be written, fails here, before any run.
    names = [load_params(name, prior=args.prior) for name in args.names or scenario_names()]
    check_outputs(comparison_paths(args.out), "--out")
    with progress(args, f"running {len(names)} scenarios"):
        ds = compare(names, months=args.months, dt=args.dt, start=args.start)
    with progress(args, "solving the break-even points" if not args.no_breakeven else "tabulating"):
        table = comparison_table(ds, with_breakeven=not args.no_breakeven)
    print(wrapped(f"Scenarios compared over {ds.sizes['time'] - 1} months from {ds.attrs['start']} "
                  "(flows: persons over the horizon; break-even: persons per month)\n"))
    print_table(table.T, {"share foreign %": "percent", "share dprk %": "percent"}, axis="index")
    written = list(write_comparison(ds, table, args.out, command=args.command_line))
    digests = ", ".join(f"{name} {digest}" for name, digest in zip(ds.scenario.values, _digests(ds)))
    source = "manpower compare: " + ", ".join(map(str, ds.scenario.values))
    written += export(args, lambda: comparison_tables(table), source, digests)
    print(wrapped(f"\nWrote {', '.join(map(str, written))}"))
    return 0


def _digests(ds) -> list[str]:
    """Each compared scenario's parameter digest (the dataset's ``parameters_digest`` attribute lists them)."""
    text = str(ds.attrs.get("parameters_digest", ""))
    parts = [p.split(":")[-1].strip() for p in text.split(",")] if text else []
    return parts if len(parts) == ds.sizes["scenario"] else [text] * ds.sizes["scenario"]


def cmd_breakeven(args: argparse.Namespace) -> int:
    from ..analysis.breakeven import solve
    from ..present.console import wrapped

    params = scenario_params(args)
    with progress(args, f"solving for {args.lever}"):
        result = solve(params, args.lever, args.target, months=args.months, dt=args.dt, start=args.start)
    print(wrapped(str(result)))
    return 0
