"""``manpower sweep``: a sweep spec run in chunks into a resumable store, and a summary of its metrics."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from .common import export, print_table, progress, progress_disabled


def cmd_sweep(args: argparse.Namespace) -> int:
    from ..present.console import wrapped
    from ..sweeps import open_store
    from ..sweeps.run import sweep
    from ..sweeps.spec import SweepSpec

    spec = SweepSpec.load(args.spec, keep_parameters=args.keep_parameters)
    if (args.csv or args.xlsx) and not spec.spec.keep.metrics:
        raise InputError("--csv" if args.csv else "--xlsx", str(args.csv or args.xlsx), "expected a sweep that "
                         f"keeps metrics to summarize (keep: {{metrics: [...]}} in {args.spec})")
    store = Path(args.out) if args.out else Path("results") / f"sweep-{spec.spec.name}"
    print(wrapped(f"Sweep {spec.spec.name}: {spec.n_runs:,} runs in {len(spec.chunks()):,} chunks of up to "
                  f"{spec.spec.chunk:,} ({args.backend} backend) -> {store}"))
    sweep(spec, store, backend=args.backend, scheduler=args.scheduler, workers=args.workers, resume=args.resume,
          progress=progress_disabled(args) is None and sys.stderr.isatty())
    if spec.spec.keep.metrics:
        from ..present.summary_tables import sweep_tables

        with progress(args, "summarizing the metrics"):
            tables = sweep_tables(open_store(store))
        print(wrapped("\nMetrics over each scenario's runs (months to the first deficit: over the runs that have "
                      "one within the horizon)"))
        print_table(tables[0].frame, tables[0].kinds)
        written = export(args, lambda: tables, f"manpower sweep {spec.spec.name}: {spec.n_runs:,} runs", spec.digest)
        if written:
            print(f"\nWrote {', '.join(map(str, written))}")
    print(wrapped(f"Done. Open it with: model.sweeps.open_store({str(store)!r}); any runs' parameters: "
                  f"model.sweeps.store_parameters({str(store)!r}, runs)"))
    return 0
