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
Every chunk file is labelled as the package's other results are (CF units,
long names, drivers, ``Conventions``, ``history``; see :func:`run_chunk`).
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import multiprocessing
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import xarray as xr
from tqdm.auto import tqdm

from ..results import cf
from ..inputs import limits
from ..errors import InputError
from ..core.lineage import expand_keys
from ..inputs.parameters import ParameterSet
from ..results.simulate import simulate
from ..results.summary import headline
from .metrics import METRICS, Metric
from .spec import Chunk, SpecFile, SweepSpec, check_chunk_memory
from .store import locked, open_store, prepare, write_chunk
from ..core.defaults import BACKENDS

#: Worker processes of the ``processes`` and ``dask`` backends when none are asked for.
DEFAULT_WORKERS = 2
_HEADLINE_INPUTS = ["front_total", "inflow", "losses", "net", "shortfall"]


def run_chunk(spec: SweepSpec, chunk: Chunk, threads: int | None = None) -> xr.Dataset:
    """Run one chunk: its metrics, kept series and experiments table along ``run`` (global indices).

    Every variable carries CF labels (see :mod:`model.results.cf`): a metric its
    ``units``, ``unit_label``, ``long_name`` and ``drivers`` from
    :data:`~model.sweeps.metrics.METRICS`, a kept series those of
    :func:`model.simulate`. The ``experiments`` table holds columns of
    different units along ``parameter``, so it has no single unit: its CF
    ``units`` is ``"1"`` and, as its ``comment`` says, each column is in the
    canonical unit its ``parameter_unit`` coordinate names (``"index"`` for the
    grid point and sample numbers). The dataset carries ``Conventions``, a
    ``title`` and a ``history`` line naming the spec and the chunk.
    """
    batch, table = spec.chunk_params(chunk)
    keep = spec.spec.keep
    variables = list(dict.fromkeys(_HEADLINE_INPUTS + keep.series))
    ds = simulate(batch, months=spec.spec.months, dt=spec.spec.dt, start=spec.spec.start, variables=variables,
                  threads=threads)
    if "run" not in ds.dims:
        ds = ds.expand_dims(run=[0])
    numbers = headline(ds)
    runs = np.arange(chunk.first, chunk.first + chunk.size)
    out = xr.Dataset(coords={"run": ("run", runs, {"long_name": "run, numbered across the whole sweep"}),
                             "time": ds.time})
    for name in keep.metrics:
        out[name] = ("run", np.broadcast_to(numbers[name].values, (chunk.size,)).astype(float),
                     _metric_attrs(METRICS[name], batch))
    for name in keep.series:
        out[name] = ds[name].transpose("time", "run").assign_coords(run=runs)
    out = out.assign_coords(scenario=("run", np.full(chunk.size, spec.spec.scenarios[chunk.scenario]),
                                      {"long_name": "scenario"}))
    # Every run's parameters: its grid point and sample, and the value of every numeric parameter
    # (varied or fixed), on one parameter axis shared by all chunks and scenarios.
    keys = [k for k in batch if batch[k].spec.numeric]
    columns = [table["grid_point"], table["sample"]] + [np.broadcast_to(batch.value(k), (chunk.size,)) for k in keys]
    out["experiments"] = xr.DataArray(
        np.column_stack(columns).astype(float), dims=("run", "parameter"),
        coords={"parameter": ("parameter", ["grid_point", "sample"] + keys, {"long_name": "registry key"}),
                "parameter_unit": ("parameter", ["index", "index"] + [batch[k].unit for k in keys],
                                   {"long_name": "unit of the column (canonical unit of the package)"})},
        attrs={"long_name": "every run's grid point, sample and parameter values (canonical units)",
               "units": "1", "unit_label": "per column: see parameter_unit",
               "comment": "columns of different units: each column is in the unit its parameter_unit names, "
                          "not in the units attribute"})
    if not keep.series:
        out = out.drop_vars("time")
    out.attrs.update({"Conventions": cf.CONVENTIONS, "title": f"manpower-model sweep {spec.spec.name}",
                      "sweep": spec.spec.name, "sweep_digest": spec.digest, "chunk": chunk.index})
    cf.add_history(out.attrs, f"model.sweeps.run.run_chunk(SweepSpec.load({spec.where!r}), chunk {chunk.index}: runs "
                              f"{chunk.first} to {chunk.first + chunk.size - 1})")
    return out


def _metric_attrs(metric: Metric, params: ParameterSet) -> dict[str, str]:
    """CF labels of a kept metric: units, unit_label, a long name saying the unit, its drivers in ``params``."""
    return cf.variable_attrs(metric.long_name, metric.description, metric.unit, expand_keys(metric.drivers, params))


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
                write_chunk(store, chunk, spec.digest, result)
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
             workers: int, threads: int | None = None) -> Iterator[tuple[Chunk, xr.Dataset]]:
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
