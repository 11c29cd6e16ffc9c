"""Scripted parameter sweeps: chunks of vectorized runs, streamed to a resumable store.

:func:`sweep` runs a :mod:`spec <model.sweeps.spec>` chunk by chunk (each
chunk one vectorized :func:`model.simulate` call), on one of three backends,
and writes every finished chunk to the store (:mod:`model.sweeps.store`):

``inline``
    in this process, one chunk after another (all cores inside each chunk);
``processes``
    a pool of local worker processes, one chunk each at a time;
``dask``
    a ``dask.distributed`` cluster: a ``LocalCluster`` by default, or the
    scheduler at ``scheduler``; the same spec gives the same numbers anywhere
    (dask.distributed is the ``cluster`` extra: ``pip install 'manpower-model[cluster]'``).

At most twice as many chunks as workers are in flight, so memory stays
bounded whatever the number of runs. A progress bar shows chunks done and the
time left. An interruption at any point (a kill, Ctrl-C) leaves the store
readable and resumable; see the store's rules in :mod:`model.sweeps.store`.
The store is labelled as the package's other results are (CF units, long
names, drivers, ``Conventions``, ``history``; see :mod:`model.sweeps.contents`).
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import multiprocessing
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ..inputs import limits
from ..errors import InputError
from ..results.lean import simulate_arrays
from .contents import EXPERIMENTS, ChunkValues, numeric_keys
from .metrics import compute, reads
from .spec import Chunk, SpecFile, SweepSpec, check_chunk_memory
from .store import locked, open_store, prepare, write_chunk
from ..core.defaults import BACKENDS

#: Worker processes of the ``processes`` and ``dask`` backends when none are asked for.
DEFAULT_WORKERS = 2


def run_chunk(spec: SweepSpec, chunk: Chunk, threads: int | None = None) -> ChunkValues:
    """Run one chunk: the values of the store's variables (:func:`model.sweeps.contents.dims`) for its runs.

    Each part of the chunk (its runs of one scenario) is one vectorized run of
    the lean path (:func:`model.results.lean.simulate_arrays`: the engine's arrays, no dataset) keeping only the
    outputs the kept metrics and series read; the metrics are computed from those arrays in plain numpy
    (:func:`model.sweeps.metrics.compute`). Labels are the store's, written once
    (:func:`model.sweeps.contents.template`).
    """
    keep = spec.spec.keep
    variables = list(dict.fromkeys(reads(keep.metrics) + keep.series))
    keys = numeric_keys(spec.params(0)) if keep.parameters else []
    parts = []
    for part in chunk.parts:
        batch, _ = spec.chunk_params(part)
        arrays = simulate_arrays(batch, months=spec.spec.months, dt=spec.spec.dt, start=spec.spec.start,
                                 variables=variables, threads=threads)
        outputs = {name: np.broadcast_to(arrays[name], arrays[name].shape[:-1] + (part.size,)) for name in variables}
        values = compute(keep.metrics, outputs)
        values.update({name: outputs[name] for name in keep.series})
        if keep.parameters:
            values[EXPERIMENTS] = np.stack([np.broadcast_to(batch.value(k), (part.size,))
                                            for k in keys]).astype(np.float32)
        parts.append(values)
    if len(parts) == 1:
        return parts[0]
    return {name: np.concatenate([p[name] for p in parts], axis=-1) for name in parts[0]}


def _in_pool(submit: Callable, wait: Callable, chunks: list[Chunk], window: int) -> Iterator[tuple[Chunk, object]]:
    """Submit chunks keeping at most ``window`` in flight; yield each as it finishes."""
    pending = iter(chunks)
    flight: dict = {}
    for chunk in pending:
        flight[submit(chunk)] = chunk
        if len(flight) >= window:
            break
    while flight:
        for future in wait(list(flight)):
            chunk = flight.pop(future)
            yield chunk, future.result()
            nxt = next(pending, None)
            if nxt is not None:
                flight[submit(nxt)] = nxt


def _process_wait(futures: list) -> Iterable:
    done, _ = concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_COMPLETED)
    return done


def check_workers(workers: int | None) -> int:
    """The number of worker processes: a whole number >= 1, or :data:`DEFAULT_WORKERS` for ``None``."""
    return DEFAULT_WORKERS if workers is None else limits.whole(workers, "sweep", "workers", 1)


def check_cluster(backend: str) -> None:
    """Refuse the ``dask`` backend when dask.distributed (the package's ``cluster`` extra) is not installed."""
    if backend == "dask" and importlib.util.find_spec("distributed") is None:
        raise InputError("sweep", "backend", "expected dask.distributed installed for the dask backend: "
                         "pip install 'manpower-model[cluster]'")


def sweep(spec: SweepSpec | SpecFile | str | Path, store: str | Path, backend: str = "inline",
          scheduler: str | None = None, workers: int | None = None, resume: bool = False,
          progress: bool = True, threads: int | None = None) -> Path:
    """Run a sweep into ``store`` (a folder) and return its path; see the module docstring.

    ``resume`` finishes a store left by an interrupted sweep of the same spec
    without recomputing its finished chunks. ``threads`` is the engine's
    threads per chunk: by default all cores inline and one on the ``processes``
    and ``dask`` backends, whose workers run one chunk per worker thread, so
    that cores are not oversubscribed (see docs/SCALING.md).
    """
    if not isinstance(spec, SweepSpec):
        spec = SweepSpec.validated(spec) if isinstance(spec, SpecFile) else SweepSpec.load(spec)
    if backend not in BACKENDS:
        raise InputError("sweep", "backend", f"expected one of {', '.join(BACKENDS)}, got {backend!r}")
    check_cluster(backend)
    workers = check_workers(workers)
    threads = None if threads is None else limits.whole(threads, "sweep", "threads", 1)
    # Each worker runs one chunk and holds one more queued; a remote scheduler's workers use their own memory.
    check_chunk_memory(spec.spec, 1 if backend == "inline" else 0 if scheduler else 2 * workers, spec.where)
    store = Path(store)
    created = not store.exists()
    with locked(store):
        done = prepare(store, spec, resume)
        todo = [c for c in spec.chunks() if c.index not in done]
        bar = tqdm(total=len(done) + len(todo), initial=len(done), unit="chunk", desc=spec.spec.name,
                   disable=not progress, dynamic_ncols=True)
        written = 0
        try:
            for chunk, result in _results(spec, todo, backend, scheduler, workers, threads):
                write_chunk(store, chunk, spec, result)
                written += 1
                bar.update(1)
        except InputError:
            if created and not done and not written:  # refused before any result: leave no half-made store
                shutil.rmtree(store, ignore_errors=True)
            raise
        finally:
            bar.close()
    return store


def _results(spec: SweepSpec, todo: list[Chunk], backend: str, scheduler: str | None,
             workers: int, threads: int | None = None) -> Iterator[tuple[Chunk, ChunkValues]]:
    if backend == "inline" or not todo:
        for chunk in todo:
            yield chunk, run_chunk(spec, chunk, threads)
        return
    threads = threads or 1  # one engine thread per worker thread
    if backend == "processes":
        context = multiprocessing.get_context("spawn")
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)
        try:
            yield from _in_pool(lambda c: pool.submit(run_chunk, spec, c, threads), _process_wait, todo, 2 * workers)
        finally:  # on an interruption, drop the chunks not started rather than wait for them
            pool.shutdown(cancel_futures=True)
        return
    from distributed import Client, LocalCluster, wait

    # No dashboard, and the scheduler's HTTP routes on a free port: a second cluster on the machine is no conflict.
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=None, scheduler_kwargs={"dashboard_address": ":0"})
    client = Client(scheduler or cluster)
    try:
        # Two chunks per worker thread of the cluster (a remote one may have many more than ``workers``).
        slots = sum(client.nthreads().values()) if scheduler else workers
        yield from _in_pool(lambda c: client.submit(run_chunk, spec, c, threads, pure=False),
                            lambda futures: wait(futures, return_when="FIRST_COMPLETED").done,
                            todo, 2 * max(slots, workers))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


__all__ = ["BACKENDS", "open_store", "run_chunk", "sweep"]
