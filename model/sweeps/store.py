"""The sweep store: a folder that holds the runs of one sweep only, readable after a kill, completed by a resume.

Layout::

    STORE/
      .lock                      locked by the one sweep writing the store
      manifest.json              the sweep digest and what it covers, the run and chunk layout (written first)
      spec.yaml                  the spec as run
      chunks/chunk-000042.nc     one NetCDF file per finished chunk (runs along ``run``)
      chunks/chunk-000042.json   its record: sha256 and size of the file, run range, chunk index, sweep digest

The rules below belong to the store, not to its file format; a store written
in another format (Zarr, say) must keep every one of them.

1. **One writer.** Creating or resuming a store holds an exclusive lock on
   ``.lock`` (the operating system releases it if the process dies), so two
   sweeps started into one folder at the same instant never both run: the
   second is refused, nothing is mixed.
2. **One sweep.** The manifest is written, atomically, before any chunk. It
   holds the sweep digest, which covers the spec (not its chunk size), the
   parameter digest of every scenario and the model version; resuming with
   any of them changed is refused, naming which.
3. **A chunk is finished when its file and its record agree.** Every file is
   written under a ``.part`` name and renamed into place; the record is
   written after its chunk file. A chunk file without a record is unfinished.
   A record whose chunk file is missing, truncated, corrupted, swapped with
   another or taken from another store is never read as data: a resume
   recomputes that chunk with a :class:`StoreWarning`, :func:`open_store`
   refuses with a one-line error naming the file.
4. **A kill leaves nothing that a resume trips on.** A resume removes the
   ``.part`` files and unfinished chunk files a kill (or Ctrl-C) left.
5. **A folder that cannot be checked is refused with what to do**: chunks
   without a manifest (delete the folder or choose another ``--out``); a store
   killed before its manifest was written holds no results and starts afresh
   with ``--resume``.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Literal

import xarray as xr
import yaml
from pydantic import BaseModel, ConfigDict, Field

from .._version import __version__
from ..results import cf
from ..errors import InputError
from ..results.io import atomic_write, write_netcdf
from ..inputs.paths import display
from ..inputs.schema import validated
from .spec import Chunk, SweepSpec, layout

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

MANIFEST = "manifest.json"
SPEC = "spec.yaml"
CHUNKS = "chunks"
LOCK = ".lock"
#: What a resume reports for a chunk that was never finished (as opposed to one that is damaged).
UNFINISHED = "not finished"
_RESUME = "finish it with `manpower sweep SPEC --out STORE --resume`"


class StoreWarning(UserWarning):
    """A sweep store needed repair: a damaged chunk is recomputed."""


class Manifest(BaseModel):
    """What ``manifest.json`` holds."""

    model_config = ConfigDict(frozen=True)
    name: str
    sweep_digest: str
    identity: dict[str, Any]
    scenarios: list[str] = Field(min_length=1)
    runs: int = Field(ge=1)
    runs_per_scenario: int = Field(ge=1)
    chunk: int = Field(ge=1)
    chunks: int = Field(ge=1)
    format: Literal["netcdf"] = "netcdf"
    model_version: str
    created: str

    def layout(self) -> list[Chunk]:
        return layout(len(self.scenarios), self.runs_per_scenario, self.chunk)


def chunk_path(store: Path, index: int) -> Path:
    return Path(store) / CHUNKS / f"chunk-{index:06d}.nc"


def record_path(store: Path, index: int) -> Path:
    return chunk_path(store, index).with_suffix(".json")


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _lock(handle) -> None:
    """Lock an open file exclusively, without waiting; ``OSError`` if another process holds it."""
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)


@contextmanager
def locked(store: Path) -> Iterator[None]:
    """Hold the store's exclusive lock (making the folder if need be); refuse if another sweep holds it."""
    store = Path(store)
    try:
        store.mkdir(parents=True, exist_ok=True)
        handle = open(store / LOCK, "a+b")
    except OSError as exc:
        raise InputError(str(store), "(store)",
                         f"expected a folder the sweep can write ({exc.strerror or exc})") from None
    try:
        try:
            _lock(handle)
        except OSError:
            raise InputError(str(store), "(store)", "expected no other sweep writing this store, but one is "
                             "(wait for it to finish, or choose another --out)") from None
        yield
    finally:
        handle.close()  # releases the lock


def read_manifest(store: Path) -> Manifest:
    """The store's manifest, or a one-line :class:`InputError` saying what is wrong with it."""
    path = Path(store) / MANIFEST
    if not path.is_file():
        raise InputError(str(store), MANIFEST, "expected a sweep store (made by `manpower sweep`)")
    return validated(Manifest, path.read_bytes(), display(path), from_json=True,
                     suffix=": not a manifest this version can read; run the sweep into a new --out")


def prepare(store: Path, spec: SweepSpec, resume: bool) -> set[int]:
    """Create the store, or check it for resuming; return the indices of finished chunks.

    Call it holding :func:`locked`.
    """
    store = Path(store)
    _remove_partial(store)
    if not (store / MANIFEST).exists():
        _check_new(store, resume)
        _create(store, spec)
        return set()
    if not resume:
        raise InputError(str(store), "(store)", "expected a new folder; this sweep store exists "
                         "(add --resume to finish it, or choose another --out)")
    manifest = read_manifest(store)
    _check_same_sweep(store, manifest, spec)
    if not (store / SPEC).exists():
        _write_spec(store, spec)
    (store / CHUNKS).mkdir(exist_ok=True)
    done = set()
    for chunk in spec.chunks():
        problem = check_chunk(store, chunk, spec.digest)
        if problem is None:
            done.add(chunk.index)
            continue
        if problem != UNFINISHED:
            warnings.warn(f"{display(chunk_path(store, chunk.index))}: {problem}; recomputing it", StoreWarning,
                          stacklevel=3)
        chunk_path(store, chunk.index).unlink(missing_ok=True)
        record_path(store, chunk.index).unlink(missing_ok=True)
    return done


def _remove_partial(store: Path) -> None:
    """Remove the temporary files of writes a kill cut short (named by :func:`model.results.io.atomic_write`)."""
    for pattern in (f".{MANIFEST}.*.part", f".{SPEC}.*.part", f"{CHUNKS}/.chunk-*.part"):
        for path in store.glob(pattern):
            path.unlink(missing_ok=True)


def _check_new(store: Path, resume: bool) -> None:
    """Refuse a folder without a manifest unless it is empty or an unstarted store (with ``resume``)."""
    chunks = store / CHUNKS
    if chunks.is_dir() and any(chunks.iterdir()):
        raise InputError(str(store), MANIFEST, "expected a manifest: this folder holds sweep chunks but no "
                         "manifest.json, so nothing says which sweep they belong to; delete the folder or "
                         "choose another --out")
    if any(p.name not in (LOCK, SPEC, CHUNKS) for p in store.iterdir()):
        raise InputError(str(store), "(store)", "expected an empty or new folder for the sweep store")
    if (chunks.exists() or (store / SPEC).exists()) and not resume:
        raise InputError(str(store), MANIFEST, "expected a manifest: this store was stopped before its manifest "
                         "was written and holds no results; add --resume to start it afresh, or delete the folder")


def _create(store: Path, spec: SweepSpec) -> None:
    chunks = spec.chunks()
    manifest = Manifest(name=spec.spec.name, sweep_digest=spec.digest, identity=spec.identity,
                        scenarios=spec.spec.scenarios, runs=spec.n_runs, runs_per_scenario=spec.runs_per_scenario,
                        chunk=spec.spec.chunk, chunks=len(chunks), model_version=__version__,
                        created=date.today().isoformat())
    # The manifest first: then a folder with chunks always says which sweep they belong to.
    atomic_write(store / MANIFEST, lambda tmp: tmp.write_text(manifest.model_dump_json(indent=2), encoding="utf-8"))
    _write_spec(store, spec)
    (store / CHUNKS).mkdir(exist_ok=True)


def _write_spec(store: Path, spec: SweepSpec) -> None:
    atomic_write(store / SPEC, lambda tmp: tmp.write_text(
        yaml.safe_dump(spec.spec.model_dump(), sort_keys=False), encoding="utf-8"))


def _check_same_sweep(store: Path, manifest: Manifest, spec: SweepSpec) -> None:
    """Refuse to resume ``store`` with a sweep whose digest differs, naming what changed."""
    if manifest.sweep_digest != spec.digest:
        old, new = manifest.identity, spec.identity
        for name in new["parameters"]:
            was, now = old.get("parameters", {}).get(name), new["parameters"][name]
            if old.get("spec") == new["spec"] and was != now:
                raise InputError(str(store), f"parameters.{name}", f"expected the parameters of scenario {name} "
                                 f"this store was made with (digest {was}, now {now}: the registry or the scenario "
                                 "changed); use a new --out")
        if old.get("spec") == new["spec"] and old.get("model_version") != new["model_version"]:
            raise InputError(str(store), "model_version", f"expected model version {old.get('model_version')} "
                             f"that made this store, this is {new['model_version']}; use a new --out")
        raise InputError(str(store), "spec", "expected the spec this store was made with (its sweep digest "
                         f"{manifest.sweep_digest} differs from {spec.digest}); use a new --out")
    if manifest.chunk != spec.spec.chunk:
        raise InputError(str(store), "chunk", f"expected chunk: {manifest.chunk} as when the store was made")


def write_chunk(store: Path, chunk: Chunk, digest: str, ds: xr.Dataset) -> Path:
    """Write one finished chunk, atomically, then its record."""
    path = write_netcdf(ds, chunk_path(store, chunk.index))
    record = {"chunk": chunk.index, "runs": [chunk.first, chunk.first + chunk.size], "sweep_digest": digest,
              "bytes": path.stat().st_size, "sha256": _sha256(path)}
    atomic_write(record_path(store, chunk.index), lambda tmp: tmp.write_text(json.dumps(record), encoding="utf-8"))
    return path


def check_chunk(store: Path, chunk: Chunk, digest: str) -> str | None:
    """``None`` if ``chunk`` is a finished, intact chunk of the sweep ``digest``; else why not.

    :data:`UNFINISHED` means it has no record (never finished); anything else
    means a record that its file does not match.
    """
    path, record_file = chunk_path(store, chunk.index), record_path(store, chunk.index)
    if not record_file.exists():
        return UNFINISHED
    try:
        record = json.loads(record_file.read_bytes())
    except ValueError:  # includes bytes that are not UTF-8
        record = None
    if not isinstance(record, dict):
        return f"its record {record_file.name} is unreadable"
    expected = {"chunk": chunk.index, "runs": [chunk.first, chunk.first + chunk.size], "sweep_digest": digest}
    for key, value in expected.items():
        if record.get(key) != value:
            return (f"its record gives {key} {record.get(key)!r} where this store expects {value!r} "
                    "(a chunk of another place or another sweep)")
    if not path.is_file():
        return "the chunk file is missing"
    size = path.stat().st_size
    if size != record.get("bytes"):
        return f"the file has {size:,} bytes where its record says {record.get('bytes')!r} (truncated or replaced)"
    if _sha256(path) != record.get("sha256"):
        return "its sha256 differs from its record's (corrupted or replaced)"
    return None


def open_store(store: str | Path, complete: bool = True) -> xr.Dataset:
    """The sweep's results as one dataset along ``run`` (lazily, with dask), CF labels and all.

    Variable labels are the first chunk's (the same in every chunk), and so
    are the global attributes, but for ``chunk``; ``history`` gets a line for
    this call on top of the first chunk's.

    Every chunk is checked against its record first (see the module's rules);
    a damaged one is an error naming its file. With ``complete``, a store with
    chunks missing is an error naming how many; otherwise the finished chunks
    are returned.
    """
    store = Path(store)
    manifest = read_manifest(store)
    files = []
    for chunk in manifest.layout():
        problem = check_chunk(store, chunk, manifest.sweep_digest)
        if problem is None:
            files.append(chunk_path(store, chunk.index))
        elif problem != UNFINISHED:
            raise InputError(display(chunk_path(store, chunk.index)), "(chunk)", f"expected the chunk its record "
                             f"describes, but {problem}; delete the file and its record, then {_RESUME}")
    if complete and len(files) != manifest.chunks:
        raise InputError(str(store), CHUNKS, f"expected {manifest.chunks} finished chunks, found {len(files)} "
                         f"({_RESUME})")
    if not files:
        raise InputError(str(store), CHUNKS, "expected at least one finished chunk")
    ds = xr.open_mfdataset(files, combine="nested", concat_dim="run", data_vars="minimal", coords="minimal",
                           compat="override", join="override", combine_attrs="override")
    ds.attrs.pop("chunk", None)  # the first chunk's index, not this dataset's
    ds.attrs.update({"sweep": manifest.name, "sweep_digest": manifest.sweep_digest, "runs_total": manifest.runs})
    cf.add_history(ds.attrs, f"model.sweeps.open_store({str(store)!r}, complete={complete}): {len(files)} of "
                             f"{manifest.chunks} chunks along run")
    return ds
