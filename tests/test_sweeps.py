"""Sweeps: chunk- and backend-invariant numbers, crash safety and resume, spec validation."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml

from model.cli import main
from model.errors import InputError
from model.sweep_spec import SweepSpec
from model.sweep_store import CHUNKS, open_store
from model.sweeps import sweep

ROOT = Path(__file__).resolve().parent.parent

SPEC = {
    "name": "test",
    "scenarios": ["baseline", "high_intensity"],
    "months": 12,
    "grid": {"casualties.monthly": [30000, 60000], "volunteer.signups": {"start": 20000, "stop": 40000, "num": 3}},
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
def reference(tmp_path_factory) -> xr.Dataset:
    folder = tmp_path_factory.mktemp("reference")
    sweep(write_spec(folder), folder / "store", progress=False)
    return load(folder / "store")


def test_a_sweep_covers_every_run_with_its_experiment(reference):
    assert reference.sizes["run"] == 2 * 6 * 10
    assert list(np.unique(reference.scenario.values)) == ["baseline", "high_intensity"]
    casualties = reference.experiments.sel(parameter="casualties.monthly", drop=True)
    assert set(np.unique(casualties.values)) == {30000.0, 60000.0}
    assert str(reference.parameter_unit.sel(parameter="volunteer.signups").values) == "person / month"
    assert "desertion.rate" in reference.parameter.values  # sampled parameters are recorded too
    # Common random numbers: the same 10 samples at every grid point, drawn anew for each scenario.
    assert len(np.unique(reference.experiments.sel(parameter="desertion.rate"))) == 2 * 10
    # Higher casualties, everything else equal (common samples), never leave a larger front.
    low = reference.where(casualties == 30000, drop=True)
    high = reference.where(casualties == 60000, drop=True)
    assert np.all(high.front_end.values < low.front_end.values)


@pytest.mark.parametrize("chunk", [7, 1000])
def test_chunk_size_does_not_change_the_numbers(tmp_path, reference, chunk):
    sweep(write_spec(tmp_path, chunk=chunk), tmp_path / "store", progress=False)
    xr.testing.assert_identical(load(tmp_path / "store").drop_attrs(), reference.drop_attrs())


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
    while len(list((store / CHUNKS).glob("chunk-*.nc"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    finished = len(list((store / CHUNKS).glob("chunk-*.nc")))
    total = len(SweepSpec.load(spec).chunks())
    assert 3 <= finished < total, "the sweep must be killed part-way for this test to mean anything"
    partial = load(store, complete=False)  # readable as it is
    assert partial.sizes["run"] == 10 * finished
    with pytest.raises(InputError, match="finished chunks"):
        open_store(store)
    assert main(["sweep", str(spec), "--out", str(store), "--resume", "--no-progress"]) == 0
    sweep(spec, tmp_path / "uninterrupted", progress=False)
    xr.testing.assert_identical(load(store).drop_attrs(), load(tmp_path / "uninterrupted").drop_attrs())
    assert not [p for p in (store / CHUNKS).iterdir() if not p.name.startswith("chunk-")]


def test_resuming_with_another_spec_is_refused(tmp_path):
    sweep(write_spec(tmp_path, samples={"n": 2}), tmp_path / "store", progress=False)
    with pytest.raises(InputError, match="expected the spec this store was made with"):
        sweep(write_spec(tmp_path, samples={"n": 2}, seed=4), tmp_path / "store", resume=True, progress=False)
    with pytest.raises(InputError, match="this sweep store exists"):
        sweep(write_spec(tmp_path, samples={"n": 2}), tmp_path / "store", progress=False)


BAD_SPECS = [
    ({"grid": {"casualties.monthy": [1, 2]}}, "grid.casualties.monthy", "numeric parameter"),
    ({"scenarios": ["nonesuch"]}, "scenarios[0]", "no such scenario"),
    ({"keep": {"metrics": ["front_middle"]}}, "keep.metrics.front_middle", "expected one of"),
    ({"keep": {"series": ["front"]}}, "keep.series.front", "expected one of"),
    ({"samples": {"n": 0}}, "samples.n", "greater than or equal to 1"),
    ({"samples": {"n": 5, "method": "halton"}}, "samples.method", "sobol"),
    ({"chunks": 5}, "chunks", "unknown field"),
]


@pytest.mark.parametrize("change, key, expected", BAD_SPECS)
def test_bad_specs_are_one_line_errors_with_status_2(tmp_path, capsys, change, key, expected):
    spec = write_spec(tmp_path, **change)
    assert main(["sweep", str(spec), "--out", str(tmp_path / "store")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and spec.name in err and key in err and expected in err
    assert not (tmp_path / "store").exists()
