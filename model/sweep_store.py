"""The sweep store: a folder that a killed sweep leaves readable and a resumed one completes.

Layout::

    STORE/
      manifest.json        spec digest, run and chunk counts, model version (written first)
      spec.yaml            the spec as run
      chunks/chunk-000042.nc   one NetCDF file per finished chunk (runs along ``run``)

Each chunk file is written to a temporary name and renamed into place, so a
file that exists is complete; a chunk without a file is not done. Resuming
checks that the spec (and so every run's parameters) is the one the store was
made with, and recomputes only the chunks without a file.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import xarray as xr
import yaml

from . import __version__
from .errors import InputError
from .io import atomic_write, write_netcdf
from .sweep_spec import SweepSpec

MANIFEST = "manifest.json"
CHUNKS = "chunks"


def chunk_path(store: Path, index: int) -> Path:
    return Path(store) / CHUNKS / f"chunk-{index:06d}.nc"


def prepare(store: Path, spec: SweepSpec, resume: bool) -> set[int]:
    """Create the store, or check it for resuming; return the indices of finished chunks."""
    store = Path(store)
    manifest = store / MANIFEST
    chunks = spec.chunks()
    if manifest.exists():
        if not resume:
            raise InputError(str(store), "(store)", "expected a new folder; this sweep store exists "
                             "(add --resume to finish it, or choose another --out)")
        stored = json.loads(manifest.read_text())
        if stored.get("spec_digest") != spec.digest:
            raise InputError(str(store), "spec", "expected the spec this store was made with (its digest "
                             f"{stored.get('spec_digest')} differs from {spec.digest}); use a new --out")
        if stored.get("chunk") != spec.spec.chunk:
            raise InputError(str(store), "chunk", f"expected chunk: {stored.get('chunk')} as when the store "
                             "was made")
        return {c.index for c in chunks if chunk_path(store, c.index).exists()}
    if store.exists() and any(store.iterdir()):
        raise InputError(str(store), "(store)", "expected an empty or new folder for the sweep store")
    (store / CHUNKS).mkdir(parents=True, exist_ok=True)
    atomic_write(store / "spec.yaml", lambda tmp: tmp.write_text(
        yaml.safe_dump(spec.spec.model_dump(), sort_keys=False), encoding="utf-8"))
    atomic_write(manifest, lambda tmp: tmp.write_text(json.dumps({
        "name": spec.spec.name, "spec_digest": spec.digest, "runs": spec.n_runs, "chunks": len(chunks),
        "chunk": spec.spec.chunk, "scenarios": spec.spec.scenarios, "model_version": __version__,
        "created": date.today().isoformat()}, indent=2), encoding="utf-8"))
    return set()


def write_chunk(store: Path, index: int, ds: xr.Dataset) -> Path:
    """Write one finished chunk, atomically."""
    return write_netcdf(ds, chunk_path(store, index))


def open_store(store: str | Path, complete: bool = True) -> xr.Dataset:
    """The sweep's results as one dataset along ``run`` (lazily, with dask).

    With ``complete``, a store with chunks missing is an error naming how many;
    otherwise the finished chunks are returned.
    """
    store = Path(store)
    manifest = store / MANIFEST
    if not manifest.exists():
        raise InputError(str(store), MANIFEST, "expected a sweep store (made by `manpower sweep`)")
    info = json.loads(manifest.read_text())
    files = sorted((store / CHUNKS).glob("chunk-*.nc"))
    if complete and len(files) != info["chunks"]:
        raise InputError(str(store), CHUNKS, f"expected {info['chunks']} finished chunks, found {len(files)} "
                         "(finish it with `manpower sweep SPEC --out STORE --resume`)")
    if not files:
        raise InputError(str(store), CHUNKS, "expected at least one finished chunk")
    ds = xr.open_mfdataset(files, combine="nested", concat_dim="run", data_vars="minimal", coords="minimal",
                           compat="override", join="override", combine_attrs="override")
    ds.attrs.update({"sweep": info["name"], "spec_digest": info["spec_digest"], "runs_total": info["runs"]})
    return ds
