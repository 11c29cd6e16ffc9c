"""``manpower export``: the model of a scenario (or of one Monte Carlo draw) as a Vensim or XMILE file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from .common import scenario_params

#: File suffixes each format is recognised by in ``--out``.
SUFFIXES = {".mdl": "mdl", ".xmile": "xmile", ".xml": "xmile", ".stmx": "xmile"}


#: The sample ``--draw`` takes its run from, as ``manpower uncertainty`` draws it by default.
SAMPLE_DEFAULTS = {"n": 10_000, "seed": 0, "method": "lhs"}


def check_export(args: argparse.Namespace) -> None:
    """``manpower export``'s own options, before any work: the format against ``--out``'s suffix; the sample's
    options only with ``--draw``, never with ``--set``; the draw within the sample."""
    from ..inputs import limits

    args.format = export_format(args)
    given = [f"--{option}" for option in SAMPLE_DEFAULTS if getattr(args, option) is not None]
    if args.draw is None:
        if given:
            raise InputError(given[0], str(getattr(args, given[0][2:])), "expected --draw RUN with it (--n, --seed "
                                                                          "and --method say which sample to draw from)")
        return
    if args.set:
        raise InputError("--set", args.set[0], "expected no --set with --draw: a Monte Carlo sample draws the "
                                               "registry's values (write a scenario with `manpower scenario new` and "
                                               "export a draw of it)")
    for option, default in SAMPLE_DEFAULTS.items():
        if getattr(args, option) is None:
            setattr(args, option, default)
    limits.whole(args.draw, "--draw", str(args.draw), 0, args.n - 1)


def export_format(args: argparse.Namespace) -> str:
    """The format asked for: ``--format``, or the suffix of ``--out``, or MDL; a contradiction refused."""
    suffix = SUFFIXES.get(Path(args.out).suffix.lower()) if args.out and args.out != "-" else None
    if args.format and suffix and args.format != suffix:
        raise InputError("--out", args.out, f"expected a file name ending in .{args.format} to match --format "
                                              f"{args.format}")
    return args.format or suffix or "mdl"


def cmd_export(args: argparse.Namespace) -> int:
    from ..analysis.sampling import sample
    from ..inputs.paths import display
    from ..interchange import FORMATS, export
    from ..results.io import atomic_write

    chosen = args.format
    params = scenario_params(args)
    run = None
    if args.draw is not None:
        params, run = sample(params, args.n, sampler=args.method, seed=args.seed), args.draw
    text = export(params, chosen, run=run, months=args.months, dt=args.dt, start=args.start)
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    draw = f"_draw{run}" if run is not None else ""
    path = Path(args.out or f"results/model_{params.file_stem}{draw}{FORMATS[chosen]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    what = (f"as run {run} of a {args.n:,}-run {args.method} sample (seed {args.seed})" if run is not None
            else "at its central values")
    reader = "pysd.read_vensim" if chosen == "mdl" else "pysd.read_xmile"
    print(f"Wrote {display(path)}: {params.heading} {what}, {args.months} months from time 0 = the start month, "
          f"Euler at dt {args.dt:g}.")
    print(f"Open it in {'Vensim' if chosen == 'mdl' else 'Stella or another XMILE tool'}, or run it with "
          f"{reader} (docs/MODEL.md, 'The model in other tools').")
    return 0
