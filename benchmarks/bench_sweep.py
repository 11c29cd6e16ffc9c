"""Sweep throughput against the engine's for the same runs, bytes per run on disk, peak memory; per backend.

    python benchmarks/bench_sweep.py --runs 1000000 --backends inline     # the issue's figure
    python benchmarks/bench_sweep.py --runs 1000000                        # inline, then dask with 2 workers
    python benchmarks/bench_sweep.py --runs 1000000 --keep-parameters      # the float32 parameters stored too

The spec is benchmarks/specs/large_metrics.yaml (five metrics) with its sample count scaled to give
``--runs`` runs. Each backend runs in its own subprocess, which measures, after one small warm-up run
(compilation):

* the sweep: ``model.sweeps.sweep`` into a new store, end to end (sampling, parameter checks, the runs,
  the metrics, compression, writing and checksums);
* the engine on the same runs: the lean path (``model.results.lean.simulate_arrays``: the model's checks, the
  compiled integration and its arrays, no dataset) over each chunk's parameter batch (built beforehand, not
  timed) keeping the outputs the metrics read: what the engine costs for these runs, nothing else.

``sweep/engine`` is the ratio of their throughputs, measured in the same process, the engine once before
the sweep and once after (the mean of the two: these machines' load drifts within a run); the target is
at least 0.70. ``in sweep`` is the share of the sweep's own time spent in the lean path (timed inside
it), the same ratio free of that drift. ``bytes/run`` is the whole store on
disk over the runs (target at most 60 for five metrics). ``peak MiB`` is the process's peak resident
memory over the sweep and the engine pass before it (both chunk by chunk), ``worker MiB`` the largest worker's for
the processes and dask backends; it is bounded by the chunk size, not by the number of runs.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import yaml

SPEC = Path(__file__).parent / "specs" / "large_metrics.yaml"
#: The outputs the five metrics of the spec read (front_total, net, inflow, losses).
METRIC_INPUTS = ["front_total", "inflow", "losses", "net"]


def _parts(chunk):
    return getattr(chunk, "parts", (chunk,))  # a chunk across scenarios runs in parts


def engine_seconds(spec) -> float:
    """Seconds the engine (the lean path) takes over every chunk of ``spec``, its parameter batches built untimed."""
    from model.results.lean import simulate_arrays as simulate

    seconds = 0.0
    for chunk in spec.chunks():
        for part in _parts(chunk):
            batch, _ = spec.chunk_params(part)
            start = time.perf_counter()
            simulate(batch, months=spec.spec.months, dt=spec.spec.dt, start=spec.spec.start, variables=METRIC_INPUTS)
            seconds += time.perf_counter() - start
    return seconds


def child(spec_path: str, backend: str, workers: int, keep_parameters: bool) -> dict:
    import model.sweeps.run
    from model.results.lean import simulate_arrays as simulate
    from model.sweeps.run import sweep
    from model.sweeps.spec import SweepSpec

    warnings.simplefilter("ignore")  # the grid's values outside their plausible range, said once per spec
    spec = SweepSpec.load(spec_path, keep_parameters=keep_parameters) if keep_parameters else SweepSpec.load(spec_path)
    warm, _ = spec.chunk_params(_parts(spec.chunks(1000)[0])[0])
    simulate(warm, months=spec.spec.months, dt=spec.spec.dt, start=spec.spec.start, variables=METRIC_INPUTS)
    before = engine_seconds(spec)
    inside = _timing(model.sweeps.run, "simulate_arrays")
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        sweep(spec, Path(folder) / "store", backend=backend, workers=workers, progress=False)
        seconds = time.perf_counter() - start
        size = sum(p.stat().st_size for p in (Path(folder) / "store").rglob("*") if p.is_file())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"runs": spec.n_runs, "seconds": seconds, "engine_seconds": (before + engine_seconds(spec)) / 2,
            "inside": inside[0] if backend == "inline" else float("nan"), "peak_mib": own,
            "worker_peak_mib": children, "bytes": size}


def _timing(module, name: str) -> list[float]:
    """Wrap ``module.name`` (in this process) to add up the seconds spent in it; returns the running total."""
    total, function = [0.0], getattr(module, name)

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - start

    setattr(module, name, timed)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1_000_000)
    parser.add_argument("--backends", nargs="+", default=["inline", "dask"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-parameters", action="store_true", help="store the parameters too (float32)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.workers, args.keep_parameters)))
        return
    spec = yaml.safe_load(SPEC.read_text())
    points = spec["grid"]["casualties.monthly"]["num"]
    spec["samples"]["n"] = max(args.runs // points, 1)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        yaml.safe_dump(spec, handle)
    print(f"{'backend':>9} {'runs':>11} {'sweep s':>8} {'runs/s':>9} {'engine s':>9} {'runs/s':>9} "
          f"{'sweep/engine':>12} {'in sweep':>8} {'bytes/run':>9} {'peak MiB':>8} {'worker MiB':>10}")
    for backend in args.backends:
        command = [sys.executable, __file__, "--workers", str(args.workers), "--child", handle.name, backend]
        out = subprocess.run(command + (["--keep-parameters"] if args.keep_parameters else []),
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        sweep_rate, engine_rate = r["runs"] / r["seconds"], r["runs"] / r["engine_seconds"]
        print(f"{backend:>9} {r['runs']:>11,} {r['seconds']:>8.1f} {sweep_rate:>9,.0f} {r['engine_seconds']:>9.1f} "
              f"{engine_rate:>9,.0f} {sweep_rate / engine_rate:>12.2f} {r['inside'] / r['seconds']:>8.2f} "
              f"{r['bytes'] / r['runs']:>9.1f} "
              f"{r['peak_mib']:>8,.0f} {r['worker_peak_mib']:>10,.0f}")


if __name__ == "__main__":
    main()
