"""Scripted parameter sweeps: chunks of vectorized runs, streamed to a resumable store.

:func:`sweep` runs a :mod:`spec <model.sweep_spec>` chunk by chunk (each
chunk one vectorized :func:`model.simulate` call), on one of three backends,
and writes every finished chunk to the store (:mod:`model.sweep_store`):

``inline``
    in this process, one chunk after another (all cores inside each chunk);
``processes``
    a pool of local worker processes, one chunk each at a time;
``dask``
    a ``dask.distributed`` cluster: a ``LocalCluster`` by default, or the
    scheduler at ``scheduler``; the same spec gives the same numbers anywhere.

At most twice as many chunks as workers are in flight, so memory stays
bounded whatever the number of runs. A progress bar shows chunks done and the
time left. An interruption at any point (a kill, Ctrl-C) leaves the store
readable and resumable; see the store's rules in :mod:`model.sweep_store`.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
import xarray as xr
from tqdm.auto import tqdm

from .errors import InputError
from .simulate import simulate
from .summary import headline
from .sweep_spec import Chunk, SpecFile, SweepSpec
from .sweep_store import locked, open_store, prepare, write_chunk

BACKENDS = ("inline", "processes", "dask")
_HEADLINE_INPUTS = ["front_total", "inflow", "losses", "net", "shortfall"]


def run_chunk(spec: SweepSpec, chunk: Chunk, threads: int | None = None) -> xr.Dataset:
    """Run one chunk: its metrics, kept series and experiments table along ``run`` (global indices)."""
    batch, table = spec.chunk_params(chunk)
    keep = spec.spec.keep
    variables = list(dict.fromkeys(_HEADLINE_INPUTS + keep.series))
    ds = simulate(batch, months=spec.spec.months, dt=spec.spec.dt, start=spec.spec.start, variables=variables,
                  threads=threads)
    if "run" not in ds.dims:
        ds = ds.expand_dims(run=[0])
    numbers = headline(ds)
    runs = np.arange(chunk.first, chunk.first + chunk.size)
    out = xr.Dataset(coords={"run": runs, "time": ds.time})
    for name in keep.metrics:
        out[name] = ("run", np.broadcast_to(numbers[name].values, (chunk.size,)).astype(float))
    for name in keep.series:
        out[name] = ds[name].transpose("time", "run").assign_coords(run=runs)
    out = out.assign_coords(scenario=("run", np.full(chunk.size, spec.spec.scenarios[chunk.scenario])))
    # Every run's parameters: its grid point and sample, and the value of every numeric parameter
    # (varied or fixed), on one parameter axis shared by all chunks and scenarios.
    keys = [k for k in batch if batch[k].spec.numeric]
    columns = [table["grid_point"], table["sample"]] + [np.broadcast_to(batch.value(k), (chunk.size,)) for k in keys]
    out["experiments"] = xr.DataArray(
        np.column_stack(columns).astype(float), dims=("run", "parameter"),
        coords={"parameter": ["grid_point", "sample"] + keys,
                "parameter_unit": ("parameter", ["index", "index"] + [batch[k].unit for k in keys])},
        attrs={"long_name": "every run's grid point, sample and parameter values (canonical units)"})
    if not keep.series:
        out = out.drop_vars("time")
    out.attrs.update({"sweep": spec.spec.name, "sweep_digest": spec.digest, "chunk": chunk.index})
    return out


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


def sweep(spec: SweepSpec | SpecFile | str | Path, store: str | Path, backend: str = "inline",
          scheduler: str | None = None, workers: int | None = None, resume: bool = False,
          progress: bool = True) -> Path:
    """Run a sweep into ``store`` (a folder) and return its path; see the module docstring.

    ``resume`` finishes a store left by an interrupted sweep of the same spec
    without recomputing its finished chunks.
    """
    if not isinstance(spec, SweepSpec):
        spec = SweepSpec.validated(spec) if isinstance(spec, SpecFile) else SweepSpec.load(spec)
    if backend not in BACKENDS:
        raise InputError("--backend", backend, f"expected one of {', '.join(BACKENDS)}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1):
        raise InputError("--workers", str(workers), "expected a positive whole number of worker processes")
    store = Path(store)
    created = not store.exists()
    with locked(store):
        done = prepare(store, spec, resume)
        todo = [c for c in spec.chunks() if c.index not in done]
        bar = tqdm(total=len(done) + len(todo), initial=len(done), unit="chunk", desc=spec.spec.name,
                   disable=not progress, dynamic_ncols=True)
        written = 0
        try:
            for chunk, result in _results(spec, todo, backend, scheduler, workers or 2):
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
             workers: int) -> Iterator[tuple[Chunk, xr.Dataset]]:
    if backend == "inline" or not todo:
        for chunk in todo:
            yield chunk, run_chunk(spec, chunk)
        return
    if backend == "processes":
        context = multiprocessing.get_context("spawn")
        pool = concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context)
        try:
            yield from _in_pool(lambda c: pool.submit(run_chunk, spec, c, 1), _process_wait, todo, 2 * workers)
        finally:  # on an interruption, drop the chunks not started rather than wait for them
            pool.shutdown(cancel_futures=True)
        return
    from distributed import Client, LocalCluster, wait

    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        yield from _in_pool(lambda c: client.submit(run_chunk, spec, c, 1, pure=False),
                            lambda futures: wait(futures, return_when="FIRST_COMPLETED").done,
                            todo, 2 * workers)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


__all__ = ["BACKENDS", "open_store", "run_chunk", "sweep"]
