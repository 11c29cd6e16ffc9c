"""``manpower sweep``: a sweep spec run in chunks into a resumable store."""

from __future__ import annotations

import argparse
from pathlib import Path


def cmd_sweep(args: argparse.Namespace) -> int:
    from ..sweeps.run import sweep
    from ..sweeps.spec import SweepSpec

    spec = SweepSpec.load(args.spec, keep_parameters=args.keep_parameters)
    store = Path(args.out) if args.out else Path("results") / f"sweep-{spec.spec.name}"
    print(f"Sweep {spec.spec.name}: {spec.n_runs:,} runs in {len(spec.chunks()):,} chunks of up to "
          f"{spec.spec.chunk:,} ({args.backend} backend) -> {store}")
    sweep(spec, store, backend=args.backend, scheduler=args.scheduler, workers=args.workers, resume=args.resume,
          progress=not args.no_progress)
    print(f"Done. Open it with: model.sweeps.open_store({str(store)!r}); any runs' parameters: "
          f"model.sweeps.store_parameters({str(store)!r}, runs)")
    return 0
