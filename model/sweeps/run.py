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
from contextlib import contextmanager
from dataclasses import dataclass
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
#: Seconds to wait for a dask scheduler to answer before the sweep is refused (distributed's own default is 30).
CONNECT_TIMEOUT = 10
#: The schemes of a dask scheduler's address (``tcp://HOST:PORT``; no scheme means tcp).
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
#: Where a run's own checks (:func:`model.results.lean.simulate_arrays`) say a bad option came from.
_SIMULATE = "simulate"


@dataclass(frozen=True)
class Refused:
    """A chunk refused by a run's checks, as a worker returns it: the :class:`InputError`'s three parts (an
    ``InputError`` does not survive pickling, and a raised one would be logged by a dask worker as a crash)."""

    where: str
    key: str
    expected: str

    def error(self) -> InputError:
        return InputError(self.where, self.key, self.expected)


def run_chunk(spec: SweepSpec, chunk: Chunk, threads: int | None = None) -> ChunkValues:
    """Run one chunk: the values of the store's variables (:func:`model.sweeps.contents.dims`) for its runs.

    Each part of the chunk (its runs of one scenario) is one vectorized run of
    the lean path (:func:`model.results.lean.simulate_arrays`: the engine's arrays, no dataset) keeping only the
    outputs the kept metrics and series read; the metrics are computed from those arrays in plain numpy
    (:func:`model.sweeps.metrics.compute`). Labels are the store's, written once
    (:func:`model.sweeps.contents.template`).

    A run refused by its own checks (a ``dt`` too long for a run's rates,
    growth that would overflow over ``months``, a grid value the model cannot
    take) is an :class:`InputError` naming the spec file (:func:`_from_spec`).
    """
    keep = spec.spec.keep
    variables = list(dict.fromkeys(reads(keep.metrics) + keep.series))
    keys = numeric_keys(spec.params(0)) if keep.parameters else []
    parts = []
    for part in chunk.parts:
        batch, _ = spec.chunk_params(part)
        try:
            arrays = simulate_arrays(batch, months=spec.spec.months, dt=spec.spec.dt, start=spec.spec.start,
                                     variables=variables, threads=threads)
        except InputError as exc:
            raise _from_spec(exc, spec) from None
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


def _from_spec(exc: InputError, spec: SweepSpec) -> InputError:
    """A run's refusal as the spec's when the spec gave what was refused: a grid key's value (``grid.KEY``), or an
    option of every run (``months``, ``dt``, ``start``: refused by the run's checks as ``simulate``)."""
    if exc.key in spec.spec.grid:
        return InputError(spec.where, f"grid.{exc.key}", exc.expected)
    if exc.where == _SIMULATE:
        return InputError(spec.where, exc.key, exc.expected)
    return exc


def run_chunk_or_refused(spec: SweepSpec, chunk: Chunk, threads: int | None = None) -> ChunkValues | Refused:
    """:func:`run_chunk` in a worker: its values, or the :class:`Refused` its :class:`InputError` says."""
    try:
        return run_chunk(spec, chunk, threads)
    except InputError as exc:
        return Refused(exc.where, exc.key, exc.expected)


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


def check_scheduler(scheduler: str | None, backend: str, where: str = "sweep", key: str = "scheduler") -> None:
    """Refuse a dask scheduler's address that is not ``[SCHEME://]HOST:PORT``, or given without the dask backend."""
    if scheduler is None:
        return
    if backend != "dask":
        raise InputError(where, key, f"expected the dask backend (--backend dask) with a scheduler address, got the "
                         f"{backend} backend")
    scheme, sep, rest = scheduler.partition("://")
    if not sep:
        scheme, rest = "tcp", scheduler
    if scheme == "inproc" and rest:  # a scheduler in this process (a library caller's LocalCluster)
        return
    host, colon, port = rest.rpartition(":")
    good_port = port.isascii() and port.isdigit() and 1 <= int(port) <= 65535
    if scheme not in SCHEDULER_SCHEMES or not colon or not host or not good_port or any(
            c.isspace() or c in "/?#@" for c in host):
        raise InputError(where, key, f"expected a scheduler address like tcp://HOST:PORT (scheme "
                         f"{', '.join(SCHEDULER_SCHEMES)}; port 1 to 65535), got {scheduler!r}")


@contextmanager
def _connected(scheduler: str | None):
    """A ``distributed.Client`` of the scheduler at ``scheduler`` (``None`` for none), connected within
    :data:`CONNECT_TIMEOUT` or refused; closed on leaving."""
    if scheduler is None:
        yield None
        return
    from distributed import Client

    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError("sweep", "scheduler", f"expected a dask scheduler answering at {scheduler} "
                         f"({type(exc).__name__}: {exc})") from None
    try:
        yield client
    finally:
        client.close()


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
    check_scheduler(scheduler, backend)
    workers = check_workers(workers)
    threads = None if threads is None else limits.whole(threads, "sweep", "threads", 1)
    # Each worker runs one chunk and holds one more queued; a remote scheduler's workers use their own memory.
    check_chunk_memory(spec.spec, 1 if backend == "inline" else 0 if scheduler else 2 * workers, spec.where)
    store = Path(store)
    created = not store.exists()
    # Connected before the store is made: a scheduler that does not answer leaves nothing behind.
    with _connected(scheduler) as client, locked(store):
        done = prepare(store, spec, resume)
        todo = [c for c in spec.chunks() if c.index not in done]
        bar = tqdm(total=len(done) + len(todo), initial=len(done), unit="chunk", desc=spec.spec.name,
                   disable=not progress, dynamic_ncols=True)
        written = 0
        try:
            for chunk, result in _results(spec, todo, backend, client, workers, threads):
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


def _results(spec: SweepSpec, todo: list[Chunk], backend: str, client, workers: int,
             threads: int | None = None) -> Iterator[tuple[Chunk, ChunkValues]]:
    """Each chunk of ``todo`` and its values, as they finish; a chunk a worker refused raises its error."""
    for chunk, result in _pooled(spec, todo, backend, client, workers, threads):
        if isinstance(result, Refused):
            raise result.error()
        yield chunk, result


def _pooled(spec: SweepSpec, todo: list[Chunk], backend: str, client, workers: int,
            threads: int | None = None) -> Iterator[tuple[Chunk, ChunkValues | Refused]]:
    """The chunks run on ``backend`` (the dask one on ``client``, a connected remote scheduler, or else on a
    local cluster made here)."""
    if backend == "inline" or not todo:
        for chunk in todo:
            yield chunk, run_chunk(spec, chunk, threads)
        return
    threads = threads or 1  # one engine thread per worker thread
    if backend == "processes":
        context = multiprocessing.get_context("spawn")
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)
        try:
            yield from _in_pool(lambda c: pool.submit(run_chunk_or_refused, spec, c, threads), _process_wait, todo,
                                2 * workers)
        finally:  # on an interruption, drop the chunks not started rather than wait for them
            pool.shutdown(cancel_futures=True)
        return
    from distributed import Client, LocalCluster, wait

    remote = client is not None
    # No dashboard, and the scheduler's HTTP routes on a free port: a second cluster on the machine is no conflict.
    cluster = None if remote else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                               dashboard_address=None, scheduler_kwargs={"dashboard_address": ":0"})
    client = client if remote else Client(cluster)
    try:
        # Two chunks per worker thread of the cluster (a remote one may have many more than ``workers``).
        slots = sum(client.nthreads().values()) if remote else workers
        yield from _in_pool(lambda c: client.submit(run_chunk_or_refused, spec, c, threads, pure=False),
                            lambda futures: wait(futures, return_when="FIRST_COMPLETED").done,
                            todo, 2 * max(slots, workers))
    finally:
        if not remote:  # a remote scheduler's client is closed by the sweep that connected it
            client.close()
            cluster.close()


__all__ = ["BACKENDS", "open_store", "run_chunk", "sweep"]
