"""The engine's threads per chunk on each backend: one per worker thread on dask (no oversubscribed cores),
all cores inline, and what the caller asks for when it asks; a remote cluster's chunks in flight follow its
worker threads (see docs/SCALING.md)."""

from __future__ import annotations

import threading

import numba
import pytest
import yaml

import model.engine.integrator
import model.sweeps.run
from model.errors import InputError
from model.sweeps.run import sweep
from model.sweeps.spec import SweepSpec

from .test_sweeps import SPEC

distributed = pytest.importorskip("distributed")


@pytest.fixture
def engine_threads(monkeypatch) -> list[int]:
    """The engine's threads for each integration (what it may use: the threads asked for, else numba's thread
    count in the thread that calls it), in whichever thread integrates."""
    seen: list[int] = []
    lock = threading.Lock()
    in_parallel = model.engine.integrator.in_parallel

    def recording(work, n_blocks, threads=None):
        with lock:
            seen.append(threads or numba.get_num_threads())
        return in_parallel(work, n_blocks, threads)

    monkeypatch.setattr(model.engine.integrator, "in_parallel", recording)
    return seen


@pytest.fixture(scope="module")
def cluster():
    """Dask workers as threads of this process, so that the recording kernel is the one they call."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None,
                                  scheduler_kwargs={"dashboard_address": ":0"}) as local:
        yield local.scheduler_address


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump({**SPEC, "chunk": 40}))
    return path


def test_dask_workers_run_the_engine_on_one_thread_each_by_default(tmp_path, spec, cluster, engine_threads):
    sweep(spec, tmp_path / "store", backend="dask", scheduler=cluster, progress=False)
    parts = sum(len(chunk.parts) for chunk in SweepSpec.load(spec).chunks())
    assert len(engine_threads) == parts  # every part of every chunk (its runs of one scenario) went through the engine
    assert set(engine_threads) == {1}


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two numba threads")
def test_dask_workers_run_the_engine_on_the_threads_asked_for(tmp_path, spec, cluster, engine_threads):
    sweep(spec, tmp_path / "store", backend="dask", scheduler=cluster, threads=2, progress=False)
    assert set(engine_threads) == {2}


def test_inline_runs_the_engine_on_all_of_numbas_threads_unless_told(tmp_path, spec, engine_threads):
    parts = sum(len(chunk.parts) for chunk in SweepSpec.load(spec).chunks())
    sweep(spec, tmp_path / "all", progress=False)
    sweep(spec, tmp_path / "one", threads=1, progress=False)
    assert engine_threads == [numba.get_num_threads()] * parts + [1] * parts


@pytest.mark.parametrize("threads", [0, 1.5])
def test_engine_threads_must_be_a_whole_number_of_at_least_one(tmp_path, spec, threads):
    with pytest.raises(InputError, match="threads"):
        sweep(spec, tmp_path / "store", threads=threads, progress=False)
    assert not (tmp_path / "store").exists()


def test_a_remote_cluster_keeps_two_chunks_in_flight_per_worker_thread_it_has(tmp_path, spec, cluster, monkeypatch):
    windows: list[int] = []
    in_pool = model.sweeps.run._in_pool

    def recording(submit, wait, chunks, window):
        windows.append(window)
        return in_pool(submit, wait, chunks, window)

    monkeypatch.setattr(model.sweeps.run, "_in_pool", recording)
    sweep(spec, tmp_path / "store", backend="dask", scheduler=cluster, workers=1, progress=False)
    assert windows == [2 * 2]  # the cluster's two single-thread workers, not the one worker asked for locally
