"""The generated documents: ``manpower validate`` (docs/VALIDATION.md), ``docs`` (docs/MODEL.md), ``report``."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import progress, say


def cmd_validate(args: argparse.Namespace) -> int:
    from ..present.validation import write_report

    with progress(args, "running the validation tests"):
        path = write_report(args.out, n=args.n, seed=args.seed)
    say(f"Wrote {path} and its figures in {Path(args.out) / 'figures'}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from ..inputs.parameters import load_params
    from ..present.docs import model_markdown
    from ..results.io import atomic_write

    text = model_markdown(load_params())
    path = atomic_write(Path(args.out), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    say(f"Wrote {path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ..present.report import report

    with progress(args, "computing the briefing"):
        path = report(args.scenarios, n=args.n, seed=args.seed, months=args.months, sobol_n=args.sobol_n,
                      out=args.out, dt=args.dt, start=args.start, prior=args.prior)
    say(f"Wrote {path}")
    return 0
