"""``manpower backtest``: forecast skill measured by rolling origin, the table and the targets' verdicts.

A missed target is a measurement, not an error: it is printed as MISSED and the exit status stays 0.
"""

from __future__ import annotations

import argparse


def parse_horizons(text: str) -> list[int]:
    """``"3,6,12"`` as ``[3, 6, 12]``; an empty item or a horizon given twice refused (the library checks each
    value's range and names the option)."""
    from ..errors import InputError
    from .common import check_once, comma_list

    items = "whole numbers of months"
    parts = comma_list(text, "--horizons", items, "horizon", "3,6,12")
    try:
        horizons = [int(part) for part in parts]
    except ValueError:
        raise InputError("--horizons", text, f"expected {items} separated by commas, e.g. 3,6,12") from None
    check_once(horizons, "--horizons", "horizon")  # 6 and 06 are one horizon
    return horizons


def format_table(table) -> str:
    """The backtest's table for a terminal (:func:`model.present.console.render`): counts in persons per month
    with thousands separators, coverage shares and CRPS ratios with two decimals, "—" where a ratio has no
    benchmark."""
    from ..present.console import PERSONS, SHARE, render

    kinds = {c: SHARE if str(c).startswith(("cover", "crps_vs")) else PERSONS for c in table.columns}
    return render(table, kinds)  # the row labels (series, forecaster, horizon) repeat in each block


def verdict_lines(targets) -> list[str]:
    """One line per target: met, MISSED, or not scored (its horizon not among those asked, or not reached), with
    the number and what was wanted."""
    return [f"  {'met   ' if row.met else 'MISSED' if row.n else 'n/a   '}  {row.series} {row.forecaster}: "
            f"{row.target} ({row.measure} at horizon {row.horizon}: "
            + (f"{row.value:.3f}, wanted {row.wanted}; n = {row.n})" if row.n else "not scored in this backtest)")
            for row in targets.itertuples()]


def cmd_backtest(args: argparse.Namespace) -> int:
    from ..calibration.backtest import backtest, write_table
    from ..present.console import wrapped
    from .common import progress, say

    with progress(args, "refitting at each origin"):
        result = backtest(first_origin=args.first_origin, last_origin=args.last_origin, every=args.every,
                          horizons=parse_horizons(args.horizons), n=args.n, seed=args.seed)
    origins = ", ".join(str(o) for o in result.origins)
    print(wrapped(f"Rolling-origin backtest: origins {origins}; each forecaster refitted on the data published by "
                  f"its origin only; {result.settings['n']:,} paths per forecast, seed {result.settings['seed']}."))
    for name, text in result.settings["publication"].items():
        print(wrapped(f"Publication dates of {name}: {text}."))
    for name, text in result.settings["notes"].items():
        if text:
            print(wrapped(f"Note on {name}: {text}."))
    print(wrapped("\nCRPS, bias and band widths in persons per month (lower CRPS is better); cover50/cover90: share "
                  "of recorded months inside the central 50%/90% bands; crps_vs_X: CRPS as a ratio to X's on the "
                  "same points (below 1: better). Horizon 6: six months ahead; 1-6: months 1 to 6 pooled.\n"))
    print(format_table(result.table))
    met = int(result.targets["met"].sum())
    say(f"\nTargets (issue 12): {met} of {len(result.targets)} met")
    print(wrapped("\n".join(verdict_lines(result.targets))))
    if args.out:
        say(f"\nWrote {write_table(result, args.out)}")
    return 0
