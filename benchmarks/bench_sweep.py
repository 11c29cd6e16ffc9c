"""Sweep throughput and peak memory, per backend, on a spec whose size you choose.

    python benchmarks/bench_sweep.py --runs 1000000                 # inline, then dask with 2 workers
    python benchmarks/bench_sweep.py --runs 10000000 --backends inline

The spec is benchmarks/specs/large_metrics.yaml (metrics only) with its sample count scaled to give
``--runs`` runs. Each backend runs in its own subprocess so that its peak memory is its own; the peak
includes the dask workers' memory for the dask backend.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

SPEC = Path(__file__).parent / "specs" / "large_metrics.yaml"


def child(spec_path: str, backend: str, workers: int) -> dict:
    from model.sweeps.spec import SweepSpec
    from model.sweeps.run import sweep

    spec = SweepSpec.load(spec_path)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        sweep(spec, Path(folder) / "store", backend=backend, workers=workers, progress=False)
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in (Path(folder) / "store").rglob("*"))
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"runs": spec.n_runs, "seconds": seconds, "peak_mib": own, "worker_peak_mib": children,
            "store_mib": size / 2**20}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--backends", nargs="+", default=["inline", "dask"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.workers)))
        return
    spec = yaml.safe_load(SPEC.read_text())
    points = spec["grid"]["casualties.monthly"]["num"]
    spec["samples"]["n"] = max(args.runs // points, 1)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        yaml.safe_dump(spec, handle)
    print(f"{'backend':>9} {'runs':>12} {'seconds':>9} {'runs/s':>10} {'peak MiB':>9} {'worker MiB':>10} {'store MiB':>9}")
    for backend in args.backends:
        out = subprocess.run([sys.executable, __file__, "--workers", str(args.workers), "--child", handle.name,
                              backend], capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{backend:>9} {r['runs']:>12,} {r['seconds']:>9.1f} {r['runs'] / r['seconds']:>10,.0f} "
              f"{r['peak_mib']:>9,.0f} {r['worker_peak_mib']:>10,.0f} {r['store_mib']:>9,.1f}")


if __name__ == "__main__":
    main()
