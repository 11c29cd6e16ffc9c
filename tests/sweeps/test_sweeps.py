"""Sweeps: chunk- and backend-invariant numbers, spec validation, and the store's rules: one writer, one
sweep, checked chunks, resumable after a kill or Ctrl-C at any point."""

from __future__ import annotations

import multiprocessing
import shutil
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

import model.results.io
import model.sweeps.store
import model.sweeps.run
from model.results import cf
from model.cli import main
from model.errors import InputError
from model.inputs.parameters import ParameterSet, load_params
from model.inputs.provenance import OutOfRangeWarning
from model.sweeps.spec import METRICS, SpecFile, SweepSpec, grid_origin
from model.sweeps.store import DATA, RECORDS, StoreWarning, open_store, store_parameters
from model.sweeps.run import sweep

from ..conftest import baseline_params


ROOT = Path(__file__).resolve().parents[2]
#: The ends of the plausible ranges of the two grid parameters (persons per month): grid values inside them.
CASUALTIES = (baseline_params()["casualties.monthly"].low, baseline_params()["casualties.monthly"].high)
SIGNUPS = (baseline_params()["volunteer.signups"].low, baseline_params()["volunteer.signups"].high)

SPEC = {
    "name": "test",
    "scenarios": ["baseline", "high_intensity"],
    "months": 12,
    "grid": {"casualties.monthly": list(CASUALTIES),
             "volunteer.signups": {"start": SIGNUPS[0], "stop": SIGNUPS[1], "num": 3}},
    "samples": {"n": 10, "method": "sobol"},
    "keep": {"metrics": ["net_12m", "front_end", "first_deficit_month"], "series": ["front_total"]},
    "seed": 3,
    "chunk": 25,
}


def write_spec(folder: Path, **changes) -> Path:
    path = folder / f"spec-{len(list(folder.glob('spec-*')))}.yaml"
    path.write_text(yaml.safe_dump({**SPEC, **changes}))
    return path


def load(store: Path, complete: bool = True) -> xr.Dataset:
    with open_store(store, complete=complete) as ds:
        return ds.load()


@pytest.fixture(scope="module")
def reference_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("reference")
    sweep(write_spec(folder), folder / "store", progress=False)
    return folder / "store"


@pytest.fixture(scope="module")
def reference(reference_store) -> xr.Dataset:
    return load(reference_store)


def test_a_sweep_covers_every_run_with_its_experiment(reference_store, reference):
    assert reference.sizes["run"] == 2 * 6 * 10
    assert list(np.unique(reference.scenario.values)) == ["baseline", "high_intensity"]
    experiments = store_parameters(reference_store, reference.run.values)
    np.testing.assert_array_equal(experiments.scenario.values, reference.scenario.values)
    casualties = experiments.sel(parameter="casualties.monthly", drop=True)
    assert set(np.unique(casualties.values)) == set(CASUALTIES)
    assert str(experiments.parameter_unit.sel(parameter="volunteer.signups").values) == "person / month"
    assert "desertion.rate" in experiments.parameter.values  # sampled parameters are recorded too
    # Common random numbers: the same 10 samples at every grid point, drawn anew for each scenario.
    assert len(np.unique(experiments.sel(parameter="desertion.rate"))) == 2 * 10
    # Higher casualties, everything else equal (common samples), never leave a larger front.
    low = reference.where(casualties == CASUALTIES[0], drop=True)
    high = reference.where(casualties == CASUALTIES[1], drop=True)
    assert np.all(high.front_end.values < low.front_end.values)


@pytest.mark.parametrize("chunk", [7, 1000])
def test_chunk_size_does_not_change_the_numbers(tmp_path, reference_store, reference, chunk):
    sweep(write_spec(tmp_path, chunk=chunk), tmp_path / "store", progress=False)
    xr.testing.assert_identical(load(tmp_path / "store").drop_attrs(), reference.drop_attrs())
    runs = np.arange(reference.sizes["run"])
    xr.testing.assert_identical(store_parameters(tmp_path / "store", runs), store_parameters(reference_store, runs))


@pytest.mark.parametrize("method", ["random", "lhs"])
def test_other_samplers_are_chunk_invariant_too(tmp_path, method):
    spec = {"samples": {"n": 12, "method": method}}
    sweep(write_spec(tmp_path, chunk=5, **spec), tmp_path / "a", progress=False)
    sweep(write_spec(tmp_path, chunk=50, **spec), tmp_path / "b", progress=False)
    xr.testing.assert_identical(load(tmp_path / "a").drop_attrs(), load(tmp_path / "b").drop_attrs())


@pytest.mark.parametrize("backend", ["processes", "dask"])
def test_backends_give_the_same_numbers(tmp_path, reference, backend):
    sweep(write_spec(tmp_path), tmp_path / "store", backend=backend, workers=2, progress=False)
    xr.testing.assert_identical(load(tmp_path / "store").drop_attrs(), reference.drop_attrs())


def test_a_killed_sweep_leaves_a_readable_store_and_resumes_to_the_same_result(tmp_path):
    spec = write_spec(tmp_path, chunk=10, samples={"n": 40, "method": "sobol"})
    store = tmp_path / "store"
    command = [sys.executable, "-m", "model.cli", "sweep", str(spec), "--out", str(store), "--no-progress"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(list((store / RECORDS).glob("chunk-*.json"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = len(list((store / RECORDS).glob("chunk-*.json")))  # a chunk is finished once it has its record
    total = len(SweepSpec.load(spec).chunks())
    assert 3 <= finished < total, "the sweep must be killed part-way for this test to mean anything"
    partial = load(store, complete=False)  # readable as it is
    assert partial.sizes["run"] == 10 * finished
    with pytest.raises(InputError, match="finished chunks"):
        open_store(store)
    assert main(["sweep", str(spec), "--out", str(store), "--resume", "--no-progress"]) == 0
    sweep(spec, tmp_path / "uninterrupted", progress=False)
    xr.testing.assert_identical(load(store).drop_attrs(), load(tmp_path / "uninterrupted").drop_attrs())
    assert not [p for p in (store / RECORDS).iterdir() if not p.name.startswith("chunk-") and p.name != "group.json"]
    assert not list((store / DATA).rglob("*.partial"))


def _assert_labelled(ds: xr.Dataset) -> None:
    """CF labels on every data variable, ``Conventions`` and ``history``, no dots in names (issue 10, item 5)."""
    assert ds.attrs["Conventions"] == cf.CONVENTIONS and ds.attrs["history"]
    assert not [name for name in ds.variables if "." in str(name)]
    for name, variable in ds.data_vars.items():
        assert variable.attrs["units"] in cf.ALLOWED_UNITS, (name, variable.attrs.get("units"))
        assert variable.attrs["long_name"] and variable.attrs["unit_label"], name
        if name in METRICS:
            assert variable.attrs["units"] == cf.CF_UNITS[METRICS[name].unit][0], name
            assert variable.attrs["drivers"], name


def test_a_finished_store_and_its_group_keep_their_labels(small, tmp_path):
    spec, store, _ = small
    with xr.open_zarr(store / DATA, consolidated=True) as group:  # the Zarr group as any reader sees it
        _assert_labelled(group)
        assert spec.name in group.attrs["history"]
    with open_store(store) as ds:
        _assert_labelled(ds)
        assert ds.attrs["history"].splitlines()[0].endswith("4 of 4 chunks along run")
    # Columns of different units: the table's unit is "1", each column's unit is in parameter_unit; so too
    # in the float32 table a store keeps when asked.
    experiments = store_parameters(store, [0, 19])
    assert set(SMALL["grid"]) | {"desertion.rate"} <= set(experiments.parameter.values)
    sweep(SweepSpec.load(spec, keep_parameters=True), tmp_path / "kept", progress=False)
    with open_store(tmp_path / "kept") as kept:
        _assert_labelled(kept)
        for table in (experiments, kept.experiments):
            assert table.attrs["units"] == "1" and "parameter_unit" in table.attrs["comment"]
            unit = table.parameter_unit.sel(parameter="desertion.rate").values
            assert str(unit) == load_params()["desertion.rate"].unit


def test_grid_values_are_overrides_warned_once_per_sweep_and_samples_are_draws(tmp_path):
    key, scenarios = "casualties.monthly", SPEC["scenarios"]
    params = [load_params(name) for name in scenarios]
    outside = 2 * max(p[key].high for p in params)  # outside the plausible range of every scenario
    ranges = {(p[key].low, p[key].high) for p in params}  # one warning line per distinct range
    path = write_spec(tmp_path, grid={key: [float(params[0][key].value), outside]}, samples={"n": 3}, chunk=2)
    with pytest.warns(OutOfRangeWarning) as caught:
        spec = SweepSpec.load(path)
        sweep(spec, tmp_path / "store", progress=False)
    lines = [str(w.message) for w in caught if issubclass(w.category, OutOfRangeWarning)]
    assert len(spec.chunks()) > 2 and len(lines) == len(ranges), lines  # at load, not again per chunk
    assert all(line.startswith(f"{grid_origin(spec.where)}: {key}: ") for line in lines)
    with warnings.catch_warnings():
        warnings.simplefilter("error", OutOfRangeWarning)
        for chunk in [part for c in spec.chunks() for part in c.parts]:
            batch, _ = spec.chunk_params(chunk)
            assert list(batch.overrides) == [key]  # the sampled keys do not change the scenario
            assert batch[key].override.kind == "override" and batch[key].override.where == grid_origin(spec.where)
            assert batch.label == f"{scenarios[chunk.scenario]} with overrides ({key} varied)"
            sampled = spec.varied(chunk.scenario)
            assert sampled and all(batch[k].override.kind in ("sample", "posterior") for k in sampled)
            registered = params[chunk.scenario].table()
            drawn = [k for k in sampled if batch[k].override.kind == "sample"]  # over the range: its source stands
            assert batch.table().loc[drawn, "source"].equals(registered.loc[drawn, "source"])
            calibrated = [k for k in sampled if k not in drawn]  # rows of the posterior: they say so
            assert all(batch.table().loc[calibrated, "source"].str.startswith("calibrated to the record: "))


def test_resuming_with_another_spec_is_refused(tmp_path):
    sweep(write_spec(tmp_path, samples={"n": 2}), tmp_path / "store", progress=False)
    with pytest.raises(InputError, match="expected the spec this store was made with"):
        sweep(write_spec(tmp_path, samples={"n": 2}, seed=4), tmp_path / "store", resume=True, progress=False)
    with pytest.raises(InputError, match="this sweep store exists"):
        sweep(write_spec(tmp_path, samples={"n": 2}), tmp_path / "store", progress=False)


# -- the store's rules (model/sweeps/store.py): one writer, one sweep, checked chunks, clean resumes --------------

SMALL = {"scenarios": ["baseline"], "grid": {"casualties.monthly": list(CASUALTIES)}, "samples": {"n": 10},
         "chunk": 5}  # 20 runs in 4 chunks


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, Path, xr.Dataset]:
    """A finished small store, its spec and its results."""
    folder = tmp_path_factory.mktemp("small")
    spec = write_spec(folder, **SMALL)
    sweep(spec, folder / "store", progress=False)
    return spec, folder / "store", load(folder / "store")


def copy_store(small, tmp_path: Path) -> Path:
    shutil.copytree(small[1], tmp_path / "store")
    return tmp_path / "store"


def resume(spec: Path, store: Path) -> xr.Dataset:
    sweep(spec, store, resume=True, progress=False)
    return load(store)


def _racer(spec_path: str, store: str, barrier, results) -> None:
    spec = SweepSpec.load(spec_path)
    mkdir = Path.mkdir

    def slow_mkdir(self, *args, **kwargs):  # a slow disk: every racer is between its checks and its writes
        time.sleep(0.3)
        return mkdir(self, *args, **kwargs)

    Path.mkdir = slow_mkdir  # this process only (a spawned racer)
    barrier.wait()
    try:
        sweep(spec, store, progress=False)
        results.put(("ok", spec.digest))
    except InputError as exc:
        results.put(("refused", str(exc)))


def test_sweeps_started_together_into_one_folder_never_both_succeed(tmp_path):
    racers = 5
    specs = [write_spec(tmp_path, seed=i, **SMALL) for i in range(racers)]
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(racers), context.Queue()
    processes = [context.Process(target=_racer, args=(str(spec), str(tmp_path / "store"), barrier, results))
                 for spec in specs]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join()
    winners = [detail for status, detail in outcomes if status == "ok"]
    assert len(winners) == 1, outcomes
    refusals = [detail for status, detail in outcomes if status != "ok"]
    assert all("this sweep store exists" in d or "no other sweep writing" in d for d in refusals), outcomes
    with open_store(tmp_path / "store") as ds:
        assert ds.attrs["sweep_digest"] == winners[0]


def test_a_store_that_a_sweep_is_writing_is_refused_to_another(tmp_path, small):
    with model.sweeps.store.locked(tmp_path / "store"):  # as a sweep holds it from creation to its last chunk
        with pytest.raises(InputError, match="no other sweep writing this store"):
            sweep(small[0], tmp_path / "store", progress=False)
    assert list((tmp_path / "store").iterdir()) == [tmp_path / "store" / ".lock"]


@pytest.mark.parametrize("change", ["parameters", "model_version"])
def test_the_sweep_digest_covers_the_parameters_and_the_model_version(tmp_path, monkeypatch, small, change):
    store = copy_store(small, tmp_path)
    if change == "parameters":  # the registry or a scenario was edited since the store was made
        digest = ParameterSet.digest
        monkeypatch.setattr(ParameterSet, "digest", lambda self: "edited-" + digest(self))
    else:
        monkeypatch.setattr("model.sweeps.spec.__version__", "99.0")
    with pytest.raises(InputError, match=r"parameters\.baseline|model version"):
        sweep(small[0], store, resume=True, progress=False)


def _files(store: Path, index: int) -> list[Path]:
    """The files of chunk ``index`` in the store's Zarr group (one per variable)."""
    return sorted((store / DATA).glob(f"*/c/{index}")) + sorted((store / DATA).glob(f"*/c/0/{index}"))


def _truncate(store: Path) -> None:
    path = _files(store, 1)[0]
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_a_byte(store: Path) -> None:
    path = _files(store, 1)[-1]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _swap_pair(a: Path, b: Path) -> None:
    tmp = a.with_name("tmp")
    a.rename(tmp)
    b.rename(a)
    tmp.rename(b)


def _swap(store: Path, records: bool) -> None:
    for a, b in zip(_files(store, 1), _files(store, 2)):
        _swap_pair(a, b)
    if records:
        _swap_pair(store / RECORDS / "chunk-000001.json", store / RECORDS / "chunk-000002.json")


def _foreign(store: Path) -> None:
    other = store.parent / "other"
    sweep(write_spec(store.parent, seed=99, **SMALL), other, progress=False)
    for path in _files(other, 1) + [other / RECORDS / "chunk-000001.json"]:
        shutil.copy(path, store / path.relative_to(other))


def _metadata(store: Path) -> None:
    path = store / DATA / "zarr.json"  # the consolidated metadata: every variable's shape, codecs and labels
    path.write_text(path.read_text().replace('"chunk_shape"', '"chunk_shape" ', 1))


DAMAGE = {
    "truncated": _truncate,
    "corrupted": _flip_a_byte,
    "swapped files": lambda store: _swap(store, records=False),
    "swapped files and records": lambda store: _swap(store, records=True),
    "foreign": _foreign,
    "record lost its file": lambda store: _files(store, 1)[0].unlink(),
    "record lost": lambda store: (store / RECORDS / "chunk-000001.json").write_text("{}"),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_chunk_is_refused_by_open_store_and_recomputed_by_resume(tmp_path, small, damage):
    store = copy_store(small, tmp_path)
    DAMAGE[damage](store)
    for complete in (True, False):
        with pytest.raises(InputError, match="chunk-00000[12].json") as error:
            open_store(store, complete=complete)
        assert "\n" not in str(error.value)
    with pytest.warns(StoreWarning, match="recomputing it"):
        repaired = resume(small[0], store)
    xr.testing.assert_identical(repaired.drop_attrs(), small[2].drop_attrs())


def test_damaged_metadata_is_refused_by_open_store_and_resume_recomputes_the_store(tmp_path, small):
    store = copy_store(small, tmp_path)
    _metadata(store)
    with pytest.raises(InputError, match="group.json.*runs.zarr/zarr.json") as error:
        open_store(store)
    assert "\n" not in str(error.value)
    with pytest.warns(StoreWarning, match="recomputing every chunk"):
        repaired = resume(small[0], store)
    xr.testing.assert_identical(repaired.drop_attrs(), small[2].drop_attrs())


def test_leftovers_of_a_kill_are_removed_on_resume(tmp_path, small):
    store = copy_store(small, tmp_path)
    for index in (2, 3):
        (store / RECORDS / f"chunk-00000{index}.json").unlink()  # killed before its record was written: unfinished
    _files(store, 3)[0].unlink()
    leftovers = [store / DATA / "net_12m" / "c" / "3.1a2b3c.partial", store / ".manifest.json.a1b2.part",
                 store / RECORDS / ".chunk-000003.json.x1y2.part"]
    for path in leftovers:
        path.write_bytes(b"half a file")
    assert load(store, complete=False).sizes["run"] == 10  # unfinished chunks are not read
    xr.testing.assert_identical(resume(small[0], store).drop_attrs(), small[2].drop_attrs())
    assert not any(path.exists() for path in leftovers)


def test_a_store_without_its_manifest_is_refused_with_what_to_do_or_started_afresh(tmp_path, small):
    store = copy_store(small, tmp_path)
    (store / "manifest.json").unlink()
    with pytest.raises(InputError, match="chunks but no manifest.json.*delete the folder or choose another --out"):
        sweep(small[0], store, resume=True, progress=False)
    with pytest.raises(InputError, match="manifest.json"):
        open_store(store)
    shutil.rmtree(store / RECORDS)  # stopped before the manifest was written: the spec only
    shutil.rmtree(store / DATA)
    with pytest.raises(InputError, match="add --resume to start it afresh"):
        sweep(small[0], store, progress=False)
    xr.testing.assert_identical(resume(small[0], store).drop_attrs(), small[2].drop_attrs())


@pytest.mark.parametrize("workers", [0, -2])
def test_workers_must_be_positive(tmp_path, small, workers):
    with pytest.raises(InputError, match="^sweep: workers: expected a whole number >= 1"):
        sweep(small[0], tmp_path / "store", backend="processes", workers=workers, progress=False)
    assert not (tmp_path / "store").exists()


def test_chunks_in_flight_must_fit_in_memory_together(tmp_path, small, monkeypatch):
    """One chunk fits, but the processes backend holds 2 x workers of them: refused before any store exists."""
    from model.inputs import limits
    from model.sweeps.spec import BYTES_PER_RUN_MONTH

    spec = SweepSpec.load(small[0])
    one_chunk = spec.spec.chunk * (spec.spec.months + 1) * BYTES_PER_RUN_MONTH
    monkeypatch.setattr(limits, "memory_limit", lambda: 3 * one_chunk)
    with pytest.raises(InputError, match=r"chunk: .*4 chunk\(s\) in flight.*above the limit"):
        sweep(spec, tmp_path / "store", backend="processes", workers=2, progress=False)
    assert not (tmp_path / "store").exists()
    sweep(spec, tmp_path / "inline", backend="inline", progress=False)  # one chunk at a time fits


def test_a_spec_takes_the_step_and_horizon_limits_every_run_takes():
    """A step of 1/128 month, accepted by `manpower run --dt`, is accepted in a spec too (it was once refused)."""
    from model.sweeps.spec import SpecFile

    spec = SweepSpec.validated(SpecFile(name="fine", months=2, dt=1 / 128, samples={"n": 1}, chunk=5))
    assert spec.spec.dt == 1 / 128


def test_a_sweep_refused_by_its_first_chunk_leaves_no_store(tmp_path, monkeypatch, small):
    def refused(spec, chunk, threads=None):  # as simulate refuses a step too long for a rate on the grid
        raise InputError("simulate", "dt", "expected a shorter step")

    monkeypatch.setattr(model.sweeps.run, "run_chunk", refused)
    with pytest.raises(InputError, match="shorter step"):
        sweep(small[0], tmp_path / "store", progress=False)
    assert not (tmp_path / "store").exists()


def _interrupt_at(call: int, target):
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == call:
            raise KeyboardInterrupt
        return target(*args, **kwargs)

    return interrupted


def _half_written(store, chunk, ds):  # Ctrl-C while the in-flight chunk's region is half written
    first = next(iter(ds.data_vars))
    ds[[first]].to_zarr(store / DATA, region={"run": slice(chunk.first, chunk.first + chunk.size)}, mode="r+")
    (store / DATA / first / "c" / f"{chunk.index}.3f2a.partial").write_bytes(b"half a chunk")  # as zarr names one
    raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["run_chunk", "writing the chunk's region", "between the region and its record"])
def test_ctrl_c_anywhere_leaves_the_store_resumable(tmp_path, monkeypatch, small, where):
    spec, store = small[0], tmp_path / "store"
    with monkeypatch.context() as patch:
        if where == "run_chunk":
            patch.setattr(model.sweeps.run, "run_chunk", _interrupt_at(3, model.sweeps.run.run_chunk))
        elif where == "writing the chunk's region":
            patch.setattr(model.sweeps.store, "_write_region",
                          _in_turn(model.sweeps.store._write_region, _half_written, 3))
        else:  # the group's record, then chunks 0 and 1; Ctrl-C as chunk 2's is written
            patch.setattr(model.sweeps.store, "_write_record", _interrupt_at(4, model.sweeps.store._write_record))
        with pytest.raises(KeyboardInterrupt):
            sweep(spec, store, progress=False)
    assert load(store, complete=False).sizes["run"] == 10  # the two chunks finished before Ctrl-C
    with pytest.raises(InputError, match="finished chunks"):
        open_store(store)
    xr.testing.assert_identical(resume(spec, store).drop_attrs(), small[2].drop_attrs())
    assert sorted(p.name for p in (store / RECORDS).iterdir()) == [f"chunk-{i:06d}.json" for i in range(4)] + [
        "group.json"]
    assert not list((store / DATA).rglob("*.partial"))


def _in_turn(first, then, call: int):
    """``first`` for the calls before ``call``, ``then`` from it on."""
    calls = []

    def either(*args, **kwargs):
        calls.append(1)
        return (first if len(calls) < call else then)(*args, **kwargs)

    return either


def test_a_sweep_without_samples_runs_the_median_casualty_path_and_with_samples_each_sample_its_own(
        params_copy, monkeypatch):
    """Under the fitted casualty process: one sample per grid point is a deterministic run (no stream, the
    process's median path); with samples, run j of every grid point follows path j of the scenario's stream."""
    (params_copy / "scenarios" / "fitted.yaml").write_text(yaml.safe_dump(
        {"name": "fitted", "description": "test", "set": {"casualties.process": {"value": "fitted", "reason": "t"}}}))
    monkeypatch.setenv("MANPOWER_PARAMS", str(params_copy))
    signups = baseline_params()["volunteer.signups"]
    grid = {"volunteer.signups": [signups.low, signups.high]}
    alone = SweepSpec.validated(SpecFile(name="fitted", scenarios=["fitted"], months=2, grid=grid,
                                         samples={"n": 1}))
    batch, _ = alone.chunk_params(alone.chunks()[0].parts[0])
    assert batch.stream is None
    drawn = SweepSpec.validated(SpecFile(name="fitted", scenarios=["fitted"], months=2, grid=grid,
                                         samples={"n": 3, "vary": ["desertion.rate"]}))
    batch, table = drawn.chunk_params(drawn.chunks()[0].parts[0])
    np.testing.assert_array_equal(batch.stream.index, table["sample"].astype(int))


def test_a_sweep_draws_calibrated_keys_from_the_posterior_unless_it_asks_for_the_prior(tmp_path):
    """Whole posterior rows by default (as a Monte Carlo), the registry's distributions with ``prior: true``; the
    flag changes the sweep's identity only when set (stores made before it keep their digest)."""
    from model.inputs.posterior import load_posterior

    text = "name: p\nsamples: {n: 64, method: random}\nkeep: {metrics: [net_horizon]}\nmonths: 2\n"
    (tmp_path / "posterior.yaml").write_text(text)
    (tmp_path / "prior.yaml").write_text(text + "prior: true\n")
    posterior, prior = SweepSpec.load(tmp_path / "posterior.yaml"), SweepSpec.load(tmp_path / "prior.yaml")
    draws = load_posterior().draws
    batch, table = posterior.chunk_params(posterior.chunks()[0].parts[0])
    key = posterior.params(0).posterior_keys[0]
    assert np.isin(table[key], draws[key].to_numpy()).all() and batch[key].override.kind == "posterior"
    batch, table = prior.chunk_params(prior.chunks()[0].parts[0])
    assert not np.isin(table[key], draws[key].to_numpy()).any() and batch[key].override.kind == "sample"
    assert posterior.digest != prior.digest and "prior" not in posterior.identity["spec"]


# -- what the store keeps: metrics as headline computes them, parameters regenerated exactly ----------------------


def test_metrics_are_headlines_bit_for_bit_whatever_the_number_of_runs(reference_store):
    from model.results.simulate import simulate
    from model.results.summary import headline
    from model.sweeps.metrics import compute, reads

    spec = SweepSpec.load(reference_store / "spec.yaml")
    names = list(METRICS)
    for runs in (np.arange(0, 40), np.arange(7, 8)):  # a batch, and a chunk's last part of one run
        batch, _ = spec.run_params(0, runs)
        ds = simulate(batch, months=spec.spec.months, dt=spec.spec.dt, start=spec.spec.start,
                      variables=reads(names))
        expected = headline(ds.isel(run=[0, 0]) if runs.size == 1 else ds)  # headline over a batch of runs
        got = compute(names, {k: ds[k].transpose("time", ..., "run").values for k in reads(names)})
        for name in names:
            np.testing.assert_array_equal(got[name], expected[name].values[:runs.size], err_msg=name)


def test_store_parameters_are_the_values_the_sweep_ran_bit_for_bit(tmp_path, monkeypatch):
    """Every run's values as simulate received them, chunk by chunk (chunks across the scenario boundary
    included), against the values regenerated from the store for all runs and for a shuffled selection."""
    ran = []
    simulate = model.sweeps.run.simulate_arrays

    def recording(batch, **kwargs):
        ran.append(batch)
        return simulate(batch, **kwargs)

    monkeypatch.setattr(model.sweeps.run, "simulate_arrays", recording)
    for method in ("sobol", "random", "lhs"):
        ran.clear()
        store = tmp_path / method
        sweep(write_spec(tmp_path, chunk=7, samples={"n": 10, "method": method}), store, progress=False)
        table = store_parameters(store, slice(None))
        keys = [str(k) for k in table.parameter.values[2:]]
        for key in keys:
            values = np.concatenate([np.broadcast_to(b.value(key), (b.batch_size,)) for b in ran])
            np.testing.assert_array_equal(table.sel(parameter=key).values, values, err_msg=f"{method} {key}")
        runs = np.random.default_rng(0).permutation(table.sizes["run"])[:25]
        xr.testing.assert_identical(store_parameters(store, runs), table.isel(run=runs))
    n, grid = 10, table.sel(parameter="grid_point").values
    np.testing.assert_array_equal(table.sel(parameter="sample").values, np.arange(table.sizes["run"]) % n)
    np.testing.assert_array_equal(grid, np.arange(table.sizes["run"]) % 60 // n)


def test_parameters_kept_on_request_are_the_exact_values_in_float32(tmp_path, small):
    spec, store = small[0], tmp_path / "kept"
    assert main(["sweep", str(spec), "--out", str(store), "--keep-parameters", "--no-progress"]) == 0
    exact = store_parameters(store, slice(None))
    with open_store(store) as ds:
        kept = ds.experiments.load()
    assert kept.dtype == np.float32 and list(kept.parameter.values) == list(exact.parameter.values[2:])
    np.testing.assert_array_equal(kept.values, exact.values[:, 2:].astype(np.float32))
    xr.testing.assert_identical(load(store).drop_vars(["experiments", "parameter", "parameter_unit"]).drop_attrs(),
                                small[2].drop_attrs())  # the same runs, the same numbers
    with pytest.raises(InputError, match="expected the spec this store was made with"):
        sweep(spec, store, resume=True, progress=False)  # keeping the parameters is part of the sweep


def test_parameters_are_refused_for_runs_outside_the_store_or_a_registry_changed_since(tmp_path, small,
                                                                                       monkeypatch):
    with pytest.raises(InputError, match=r"^store_parameters: runs: expected run numbers from 0 to 19"):
        store_parameters(small[1], [0, 20])
    with pytest.raises(InputError, match="runs"):
        store_parameters(small[1], [0.5])
    digest = ParameterSet.digest
    monkeypatch.setattr(ParameterSet, "digest", lambda self: "edited-" + digest(self))
    with pytest.raises(InputError, match="sweep_digest: expected the registry, scenarios and model version"):
        store_parameters(small[1], [0])


def test_five_metrics_take_at_most_60_bytes_a_run(tmp_path):
    """The issue's target (10,000,000 runs under 0.6 GB), on 20,000 runs of the benchmark's spec."""
    spec = yaml.safe_load((ROOT / "benchmarks" / "specs" / "large_metrics.yaml").read_text())
    spec.update(months=12, samples={"n": 2000, "method": "sobol"}, chunk=10_000)
    path = tmp_path / "large.yaml"
    path.write_text(yaml.safe_dump(spec))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)
        sweep(path, tmp_path / "store", progress=False)
    size = sum(p.stat().st_size for p in (tmp_path / "store").rglob("*") if p.is_file())
    assert len(spec["keep"]["metrics"]) == 5 and size / 20_000 <= 60, size / 20_000
