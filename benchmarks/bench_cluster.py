"""Does the dask backend scale? The same sweep on 1 and 2 dask workers of one thread each, against inline on one core.

    python benchmarks/bench_cluster.py                                  # 600,000 runs in chunks of 50,000
    python benchmarks/bench_cluster.py --runs 1200000 --chunk 100000 --repeats 2

The sweep is benchmarks/specs/large_metrics.yaml (five metrics, no series) cut to ``--runs`` runs in chunks of
``--chunk``. Each configuration runs in its own subprocess, one after another, ``--repeats`` times (best kept):

``inline 1 thread``  the per-core reference: the engine on one numba thread (``NUMBA_NUM_THREADS=1``);
``dask 1 x 1``       a LocalCluster of one worker process with one thread (the engine on one thread);
``dask 2 x 1``       two such workers;
``... no store``     the same, the client dropping each chunk instead of writing it (the results still travel to
                     the client): the dask backend's own scaling, without the client's write competing for cores.

Printed: runs per second of each, the speed-up of 2 workers over 1 and the scaling efficiency (speed-up / 2;
the target is above 80%), and from dask's task stream the workers' compute time per run and their idle time
per chunk. Then the fixed costs per chunk, measured on ``--tiny``-run chunks with one worker: the workers'
idle time between chunks (everything that is not computing: the scheduler's round trip, the result's
transfer, the client's write), the client's write of one chunk, and a bare dask task's round trip and
pipelined cost (no-op tasks), plus the store's bytes per run. These are the inputs of the cost model in
docs/SCALING.md.

On a machine of two cores the scheduler and the client (this process) share the cores with the two
workers, and other programs may too: the load average is printed with each configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

SPEC = Path(__file__).parent / "specs" / "large_metrics.yaml"
#: name: (backend, workers, whether the client writes the store or discards the results)
CONFIGS = {"inline 1 thread": ("inline", 1, True), "dask 1 x 1": ("dask", 1, True), "dask 2 x 1": ("dask", 2, True),
           "dask 1 x 1 no store": ("dask", 1, False), "dask 2 x 1 no store": ("dask", 2, False)}


def write_spec(runs: int, chunk: int) -> str:
    """The large metrics spec cut to ``runs`` runs (a multiple of its grid points) in chunks of ``chunk``."""
    spec = yaml.safe_load(SPEC.read_text())
    points = spec["grid"]["casualties.monthly"]["num"]
    spec["samples"]["n"] = max(runs // points, 1)
    spec["chunk"] = chunk
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as handle:
        yaml.safe_dump(spec, handle)
    return handle.name


def timed_writes(seconds: list[float], store: bool) -> None:
    """Wrap the sweep's chunk writer so that the client's time writing each chunk is recorded; or, without
    ``store``, replace it by one that drops the chunk (the results still travel from the workers to the client)."""
    import model.sweeps.run as run

    write = run.write_chunk if store else (lambda *args, **kwargs: None)

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return write(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - start)

    run.write_chunk = timed


def computes(stream: list[dict]) -> dict[str, list[tuple[float, float]]]:
    """Each worker's chunk computations (start, stop) in seconds since the epoch, from dask's task stream."""
    out: dict[str, list[tuple[float, float]]] = {}
    for task in stream:
        if task["key"].startswith("run_chunk"):
            for step in task["startstops"]:
                if step["action"] == "compute":
                    out.setdefault(task["worker"], []).append((step["start"], step["stop"]))
    return {worker: sorted(spans) for worker, spans in out.items()}


def child(spec_path: str, backend: str, workers: int, store_results: bool) -> dict:
    """Run the sweep once on ``backend`` with ``workers`` single-thread workers; its timings as a dict."""
    from model.sweeps.run import sweep
    from model.sweeps.spec import SweepSpec

    spec = SweepSpec.load(spec_path)
    writes: list[float] = []
    timed_writes(writes, store_results)
    load, bare = os.getloadavg()[0], {}
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "store"
        if backend == "inline":
            start, own = time.perf_counter(), time.process_time()
            sweep(spec, store, progress=False, threads=1)
            seconds, own, spans, worker_cpu = time.perf_counter() - start, time.process_time() - own, {}, 0.0
        else:
            from distributed import Client, LocalCluster, get_task_stream

            local = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                 scheduler_kwargs={"dashboard_address": ":0"})
            with local as cluster, Client(cluster) as client:
                client.run(warm_up, spec_path)  # compile (or load from cache) in every worker before timing
                with get_task_stream(client) as stream:
                    cpu, start, own = client.run(time.process_time), time.perf_counter(), time.process_time()
                    sweep(spec, store, backend="dask", scheduler=cluster.scheduler_address, workers=workers,
                          progress=False)
                    seconds, own = time.perf_counter() - start, time.process_time() - own
                    worker_cpu = sum(client.run(time.process_time).values()) - sum(cpu.values())
                spans = computes(stream.data)
                bare = bare_tasks(client) if workers == 1 else {}
        size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
    compute = sum(stop - begin for worker in spans.values() for begin, stop in worker)
    gaps = [later[0] - earlier[1] for worker in spans.values() for earlier, later in zip(worker, worker[1:])]
    return {"runs": spec.n_runs, "chunks": len(spec.chunks()), "seconds": seconds, "compute": compute,
            "gap": statistics.median(gaps) if gaps else None, "write": sum(writes),
            "write_median": statistics.median(writes), "bytes": size, "load": load, "worker_cpu": worker_cpu,
            "client_cpu": own, **bare}


def warm_up(spec_path: str) -> None:
    """Run the spec's first chunk cut to a few runs, so that compiling is not timed."""
    from model.sweeps.run import run_chunk
    from model.sweeps.spec import Chunk, SweepSpec

    spec = SweepSpec.load(spec_path)
    first = spec.chunks()[0]
    run_chunk(spec, Chunk(**{**vars(first), "size": min(first.size, 10)}), 1)


def noop(i: int) -> int:
    return i


def bare_tasks(client, n: int = 300) -> dict:
    """A no-op task's round trip (submit, run, result: one at a time) and its cost when pipelined, seconds."""
    start = time.perf_counter()
    for i in range(n):
        client.submit(noop, i, pure=False).result()
    round_trip = (time.perf_counter() - start) / n
    start = time.perf_counter()
    client.gather(client.map(noop, range(10 * n), pure=False))
    return {"task_round_trip": round_trip, "task_pipelined": (time.perf_counter() - start) / (10 * n)}


def run_child(spec_path: str, name: str) -> dict:
    backend, workers, store = CONFIGS.get(name, ("dask", 1, True))
    env = {**os.environ, "NUMBA_NUM_THREADS": "1"} if backend == "inline" else dict(os.environ)
    out = subprocess.run([sys.executable, __file__, "--child", spec_path, backend, str(workers), str(int(store))],
                         env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=600_000, help="runs of the scaling sweep")
    parser.add_argument("--chunk", type=int, default=50_000, help="runs per chunk of the scaling sweep")
    parser.add_argument("--tiny", type=int, default=100, help="runs per chunk of the fixed-cost sweep")
    parser.add_argument("--tiny-chunks", type=int, default=200, help="chunks of the fixed-cost sweep")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each configuration (the fastest kept)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], int(args.child[2]), args.child[3] == "1")))
        return
    spec = write_spec(args.runs, args.chunk)
    best: dict[str, dict] = {}
    print(f"{'configuration':>19} {'runs':>9} {'chunks':>6} {'seconds':>7} {'runs/s':>7} {'worker CPU s':>12} "
          f"{'runs/CPU s':>10} {'busy':>5} {'core share':>10} {'client CPU s':>12} {'idle/chunk ms':>13} {'load':>5}")
    for _ in range(args.repeats):
        for name in CONFIGS:  # interleaved, so that a change of load hits every configuration alike
            r = run_child(spec, name)
            if name not in best or r["seconds"] < best[name]["seconds"]:
                best[name] = r
            workers = CONFIGS[name][1]
            cpu = r["worker_cpu"] or r["client_cpu"]  # inline: the engine runs in the client's process
            idle = f"{r['gap'] * 1e3:13.0f}" if r["gap"] is not None else f"{'':>13}"
            busy = f"{r['compute'] / (workers * r['seconds']):>5.0%}" if r["compute"] else f"{'':>5}"
            print(f"{name:>19} {r['runs']:>9,} {r['chunks']:>6} {r['seconds']:>7.1f} {r['runs'] / r['seconds']:>7,.0f} "
                  f"{r['worker_cpu']:>12.1f} {r['runs'] / cpu:>10,.0f} {busy} {cpu / (workers * r['seconds']):>10.0%} "
                  f"{r['client_cpu']:>12.1f} {idle} {r['load']:>5.1f}")
    print("(runs/CPU s: runs per CPU second of the workers, or of the process inline; busy: the workers' time inside "
          "chunks over workers x seconds;\n core share: their CPU time over workers x seconds; idle/chunk: median gap "
          "between a worker's chunks; load: 1-minute load average at start)")
    print()
    for suffix in ("", " no store"):
        one, two = best["dask 1 x 1" + suffix], best["dask 2 x 1" + suffix]
        speedup = one["seconds"] / two["seconds"]
        cpu = (two["runs"] / two["worker_cpu"]) / (one["runs"] / one["worker_cpu"])
        print(f"2 workers over 1{suffix or ', store written'}: speed-up {speedup:.2f}, scaling efficiency "
              f"{speedup / 2:.0%} (target > 80%); runs per worker CPU second, 2 workers over 1: {cpu:.0%}")
    one, inline = best["dask 1 x 1"], best["inline 1 thread"]
    print(f"dask 1 x 1 against inline on one thread (runs/s): {inline['seconds'] / one['seconds']:.2f}")
    print(f"the client's write: {one['write'] / one['runs'] * 1e6:.1f} s per million runs "
          f"({one['write_median'] * 1e3:.0f} ms per chunk of {args.chunk:,}); the client's whole CPU (scheduler, "
          f"transfers, write): {one['client_cpu'] / one['runs'] * 1e6:.1f} s per million runs")
    print(f"store: {one['bytes'] / one['runs']:.0f} bytes per run (today's store)")
    tiny = run_child(write_spec(args.tiny * args.tiny_chunks, args.tiny), "fixed costs")
    print(f"\nfixed costs per chunk ({args.tiny_chunks} chunks of {args.tiny} runs, dask 1 x 1, load "
          f"{tiny['load']:.1f}):")
    print(f"  a worker's idle time between chunks (median): {tiny['gap'] * 1e3:.1f} ms")
    print(f"  a chunk's compute (mean, {args.tiny} runs):       {tiny['compute'] / tiny['chunks'] * 1e3:.1f} ms")
    print(f"  the client's write of a chunk (median):        {tiny['write_median'] * 1e3:.1f} ms")
    print(f"  a no-op dask task: round trip {tiny['task_round_trip'] * 1e3:.2f} ms, "
          f"pipelined {tiny['task_pipelined'] * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
