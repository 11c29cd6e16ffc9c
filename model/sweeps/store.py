"""The sweep store: a folder that holds the runs of one sweep only, readable after a kill, completed by a resume.

Layout::

    STORE/
      .lock                       locked by the one sweep writing the store
      manifest.json               the sweep digest and what it covers, the run and chunk layout (written first)
      spec.yaml                   the spec as run
      runs.zarr/                  one Zarr v3 group, consolidated metadata: the kept variables along ``run``
        net_12m/c/42              chunk 42 of a metric: runs 42 x chunk onwards (Blosc zstd, byte-shuffled)
        front_total/c/0/42        chunk 42 of a kept series (time x run)
      records/group.json          the group's record: sha256 and size of its metadata and coordinate files
      records/chunk-000042.json   chunk 42's record: sha256 and size of each of its files in runs.zarr,
                                  its run range, its index, the sweep digest

A sweep chunk is one chunk of every array along ``run``, written into its
region by xarray (``to_zarr(region=..., mode="r+")``), so it owns its files
and nothing else. What the spec and the seed determine is not stored: a run's
scenario, grid point, sample and parameter values are regenerated exactly, on
demand, by :func:`store_parameters` (with ``keep: {parameters: true}`` they
are stored too, in float32). Five metrics take about 30 bytes a run.

The rules below belong to the store, not to its file format (they held for the
NetCDF chunk files it had before):

1. **One writer.** Creating or resuming a store holds an exclusive lock on
   ``.lock`` (the operating system releases it if the process dies), so two
   sweeps started into one folder at the same instant never both run: the
   second is refused, nothing is mixed.
2. **One sweep.** The manifest is written, atomically, before anything else. It
   holds the sweep digest, which covers the spec (not its chunk size), the
   parameter digest of every scenario and the model version; resuming with
   any of them changed is refused, naming which.
3. **A chunk is finished when its files and its record agree.** Zarr writes
   every file under a temporary name and renames it into place; the record is
   written (atomically) after its chunk's files, and the group's record after
   the group's metadata, before any chunk. A chunk without a record is
   unfinished and never read. A record whose files are missing, truncated,
   corrupted, swapped with another chunk's or taken from another store is
   never read as data: a resume recomputes that chunk (the whole store, for
   the group's metadata) with a :class:`StoreWarning`, :func:`open_store`
   refuses with a one-line error naming the file.
4. **A kill leaves nothing that a resume trips on.** A resume removes the
   temporary files a kill (or Ctrl-C) left, and rewrites the regions of
   unfinished chunks.
5. **A folder that cannot be checked is refused with what to do**: chunks
   without a manifest (delete the folder or choose another ``--out``); a store
   killed before its manifest was written holds no results and starts afresh
   with ``--resume``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
import xarray as xr
import yaml
from pydantic import BaseModel, ConfigDict, Field

from .._version import __version__
from ..errors import InputError
from ..inputs import limits
from ..inputs.paths import display
from ..inputs.provenance import OutOfRangeWarning
from ..inputs.schema import parse_file, validated
from ..results import cf
from ..results.io import atomic_write
from .contents import EXPERIMENTS, ChunkValues, chunk_dataset, dims, numeric_keys, template
from .spec import Chunk, SweepSpec, layout, spec_digest, sweep_digest
from .specfile import SpecFile

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

MANIFEST = "manifest.json"
SPEC = "spec.yaml"
DATA = "runs.zarr"
RECORDS = "records"
GROUP_RECORD = "group.json"
LOCK = ".lock"
#: What a resume reports for a chunk that was never finished (as opposed to one that is damaged).
UNFINISHED = "not finished"
_RESUME = "finish it with `manpower sweep SPEC --out STORE --resume`"
#: Blosc with zstd on byte-shuffled values: about 7 of a float64 metric's 8 bytes, a NaN-rich one under 1.
_ENCODING = {"cname": "zstd", "clevel": 5, "shuffle": "shuffle"}


class StoreWarning(UserWarning):
    """A sweep store needed repair: a damaged chunk is recomputed."""


class Manifest(BaseModel):
    """What ``manifest.json`` holds."""

    model_config = ConfigDict(frozen=True)
    #: First, so that a store of another format is refused for it (before its other fields are missing).
    format: Literal["zarr"] = "zarr"
    name: str
    sweep_digest: str
    identity: dict[str, Any]
    scenarios: list[str] = Field(min_length=1)
    runs: int = Field(ge=1)
    runs_per_scenario: int = Field(ge=1)
    chunk: int = Field(ge=1)
    chunks: int = Field(ge=1)
    #: The store's variables along ``run`` and their dimensions as stored.
    variables: dict[str, list[str]] = Field(min_length=1)
    model_version: str
    created: str

    def layout(self) -> list[Chunk]:
        return layout(len(self.scenarios), self.runs_per_scenario, self.chunk)


@contextmanager
def _zarr_quiet() -> Iterator[None]:
    """Silence zarr's notices that consolidated metadata and text arrays are not yet in the v3 specification
    (both are read back by zarr-python and xarray, which this store is for)."""
    from zarr.errors import UnstableSpecificationWarning, ZarrUserWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Consolidated metadata", ZarrUserWarning)
        warnings.filterwarnings("ignore", category=UnstableSpecificationWarning)
        yield


def record_path(store: Path, index: int) -> Path:
    return Path(store) / RECORDS / f"chunk-{index:06d}.json"


def chunk_files(variables: dict[str, list[str]] | dict[str, tuple[str, ...]], index: int) -> list[str]:
    """The files of chunk ``index`` in the Zarr group, relative to it: one per variable (its ``run`` chunk)."""
    return [f"{name}/c/" + "/".join(str(index) if d == "run" else "0" for d in dimensions)
            for name, dimensions in variables.items()]


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
    manifest = validated(Manifest, path.read_bytes(), display(path), from_json=True,
                         suffix=": not a manifest this version can read; run the sweep into a new --out")
    _check_manifest(manifest, display(path))
    return manifest


def _check_manifest(manifest: Manifest, where: str) -> None:
    """Refuse a manifest whose fields disagree with each other (an edited one): its identity with its sweep digest
    (which every record names), its scenarios with its identity, its run and chunk counts with each other."""
    identity_digest, named = sweep_digest(manifest.identity), list(manifest.identity.get("parameters") or {})
    runs, chunks = len(manifest.scenarios) * manifest.runs_per_scenario, -(-manifest.runs // manifest.chunk)
    checks = (
        ("sweep_digest", identity_digest == manifest.sweep_digest, f"{identity_digest} (the digest of its identity)"),
        ("scenarios", named == manifest.scenarios, f"{named} (the scenarios of its identity)"),
        ("runs", manifest.runs == runs, f"{runs} ({len(manifest.scenarios)} scenario(s) x runs_per_scenario "
                                        f"{manifest.runs_per_scenario})"),
        ("chunks", manifest.chunks == chunks, f"{chunks} ({manifest.runs} runs in chunks of {manifest.chunk})"),
    )
    for key, agrees, expected in checks:
        if not agrees:
            raise InputError(where, key, f"expected {expected}, got {getattr(manifest, key)!r} (the manifest was "
                             "edited or damaged); delete the folder and run the sweep again")


def read_spec(store: Path, manifest: Manifest | None = None) -> SpecFile:
    """The spec the store was made with (its ``spec.yaml``), checked against its manifest (``manifest``, or the
    one read here); a one-line :class:`InputError` naming the file and the key if it is unreadable or edited."""
    store = Path(store)
    manifest = read_manifest(store) if manifest is None else manifest
    path = store / SPEC
    spec = parse_file(path, SpecFile)
    if spec_digest(spec) != manifest.identity.get("spec"):
        raise InputError(display(path), "(file)", f"expected the spec this store was made with (digest "
                         f"{manifest.identity.get('spec')} in its {MANIFEST}, this file's is {spec_digest(spec)}: "
                         "edited or replaced); put the spec back, or run the sweep again")
    return spec


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
    problem = check_group(store, spec.digest)
    if problem is not None:
        if problem != UNFINISHED:
            warnings.warn(f"{display(store / RECORDS / GROUP_RECORD)}: {problem}; recomputing every chunk",
                          StoreWarning, stacklevel=3)
        _create_group(store, spec)
        return set()
    done = set()
    for chunk in spec.chunks():
        problem = check_chunk(store, chunk, spec.digest, manifest.variables)
        if problem is None:
            done.add(chunk.index)
            continue
        if problem != UNFINISHED:
            warnings.warn(f"{display(record_path(store, chunk.index))}: {problem}; recomputing it", StoreWarning,
                          stacklevel=3)
        record_path(store, chunk.index).unlink(missing_ok=True)  # its region is rewritten
    return done


def _remove_partial(store: Path) -> None:
    """Remove the temporary files of writes a kill cut short (named by :func:`model.results.io.atomic_write`, and by
    zarr's local store: ``NAME.UUID.partial``)."""
    patterns = (f".{MANIFEST}.*.part", f".{SPEC}.*.part", f"{RECORDS}/.*.part", f"{DATA}/**/*.partial")
    for pattern in patterns:
        for path in store.glob(pattern):
            path.unlink(missing_ok=True)


def _check_new(store: Path, resume: bool) -> None:
    """Refuse a folder without a manifest unless it is empty or an unstarted store (with ``resume``)."""
    records, data = store / RECORDS, store / DATA
    if (records.is_dir() and any(records.iterdir())) or data.exists():
        raise InputError(str(store), MANIFEST, "expected a manifest: this folder holds sweep chunks but no "
                         "manifest.json, so nothing says which sweep they belong to; delete the folder or "
                         "choose another --out")
    if any(p.name not in (LOCK, SPEC, RECORDS) for p in store.iterdir()):
        raise InputError(str(store), "(store)", "expected an empty or new folder for the sweep store")
    if (records.exists() or (store / SPEC).exists()) and not resume:
        raise InputError(str(store), MANIFEST, "expected a manifest: this store was stopped before its manifest "
                         "was written and holds no results; add --resume to start it afresh, or delete the folder")


def _create(store: Path, spec: SweepSpec) -> None:
    chunks = spec.chunks()
    manifest = Manifest(name=spec.spec.name, sweep_digest=spec.digest, identity=spec.identity,
                        scenarios=spec.spec.scenarios, runs=spec.n_runs, runs_per_scenario=spec.runs_per_scenario,
                        chunk=spec.spec.chunk, chunks=len(chunks),
                        variables={k: list(v) for k, v in dims(spec).items()}, model_version=__version__,
                        created=date.today().isoformat())
    # The manifest first: then a folder with chunks always says which sweep they belong to.
    atomic_write(store / MANIFEST, lambda tmp: tmp.write_text(manifest.model_dump_json(indent=2), encoding="utf-8"))
    _write_spec(store, spec)
    _create_group(store, spec)


def _create_group(store: Path, spec: SweepSpec) -> None:
    """Write the Zarr group's metadata and coordinates (no chunk yet), then its record."""
    shutil.rmtree(store / RECORDS, ignore_errors=True)  # no chunk is finished in a new group
    (store / RECORDS).mkdir()
    from zarr.codecs import BloscCodec

    ds = template(spec)
    encoding = {name: {"compressors": [BloscCodec(**_ENCODING)]} for name in dims(spec)}
    with _zarr_quiet():
        ds.to_zarr(store / DATA, mode="w", compute=False, consolidated=True, zarr_format=3, encoding=encoding)
    files = sorted(str(p.relative_to(store / DATA)) for p in (store / DATA).rglob("*") if p.is_file())
    _write_record(store / RECORDS / GROUP_RECORD, {"group": DATA, "sweep_digest": spec.digest}, store, files)


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


def write_chunk(store: Path, chunk: Chunk, spec: SweepSpec, values: ChunkValues) -> None:
    """Write one finished chunk into its region of the Zarr group, then its record."""
    _write_region(store, chunk, chunk_dataset(values, spec))
    identity = {"chunk": chunk.index, "runs": [chunk.first, chunk.first + chunk.size], "sweep_digest": spec.digest}
    _write_record(record_path(store, chunk.index), identity, store, chunk_files(dims(spec), chunk.index))


def _write_region(store: Path, chunk: Chunk, ds: xr.Dataset) -> None:
    """Write a chunk's values into its region of the group: one new file per variable (zarr writes each under a
    temporary name and renames it into place)."""
    with _zarr_quiet():
        ds.to_zarr(store / DATA, region={"run": slice(chunk.first, chunk.first + chunk.size)}, mode="r+",
                   consolidated=True, write_empty_chunks=True)  # an all-NaN chunk has its files too


def _write_record(path: Path, identity: dict[str, Any], store: Path, files: list[str]) -> None:
    """A record: ``identity``, and the size and sha256 of each of ``files`` (relative to the Zarr group)."""
    data = Path(store) / DATA
    record = {**identity, "files": {name: [(data / name).stat().st_size, _sha256(data / name)] for name in files}}
    atomic_write(path, lambda tmp: tmp.write_text(json.dumps(record), encoding="utf-8"))


def _check_record(path: Path, identity: dict[str, Any], store: Path, files: list[str] | None) -> str | None:
    """``None`` if the record at ``path`` has ``identity`` and its files (``files``, or all it lists) agree with
    it; :data:`UNFINISHED` if there is no record; else what disagrees."""
    if not path.exists():
        return UNFINISHED
    try:
        record = json.loads(path.read_bytes())
    except ValueError:  # includes bytes that are not UTF-8
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return f"its record {path.name} is unreadable"
    for key, value in identity.items():
        if record.get(key) != value:
            return (f"its record gives {key} {record.get(key)!r} where this store expects {value!r} "
                    "(a chunk of another place or another sweep)")
    listed = record["files"]
    for name in listed if files is None else files:
        where, expected = Path(store) / DATA / name, listed.get(name)
        if not isinstance(expected, list) or len(expected) != 2:
            return f"its record {path.name} does not list {DATA}/{name}"
        if not where.is_file():
            return f"{DATA}/{name} is missing"
        size = where.stat().st_size
        if size != expected[0]:
            return f"{DATA}/{name} has {size:,} bytes where its record says {expected[0]!r} (truncated or replaced)"
        if _sha256(where) != expected[1]:
            return f"the sha256 of {DATA}/{name} differs from its record's (corrupted or replaced)"
    return None


def check_group(store: Path, digest: str) -> str | None:
    """``None`` if the Zarr group's metadata and coordinates are those its record describes; else why not."""
    return _check_record(Path(store) / RECORDS / GROUP_RECORD, {"group": DATA, "sweep_digest": digest}, store, None)


def check_chunk(store: Path, chunk: Chunk, digest: str, variables: dict[str, list[str]]) -> str | None:
    """``None`` if ``chunk`` is a finished, intact chunk of the sweep ``digest``; else why not.

    :data:`UNFINISHED` means it has no record (never finished); anything else
    means a record that its files do not match.
    """
    identity = {"chunk": chunk.index, "runs": [chunk.first, chunk.first + chunk.size], "sweep_digest": digest}
    return _check_record(record_path(store, chunk.index), identity, store, chunk_files(variables, chunk.index))


def open_store(store: str | Path, complete: bool = True) -> xr.Dataset:
    """The sweep's results as one dataset along ``run`` (lazily, with dask), CF labels and all.

    ``run`` numbers the runs across the whole sweep; the ``scenario``
    coordinate names each run's scenario (computed lazily from the layout).
    A run's grid point, sample and exact parameter values are not stored
    (unless the spec kept them, in float32, as ``experiments``): get them
    with :func:`store_parameters`. ``history`` gets a line for this call on
    top of the store's.

    The group and every chunk are checked against their records first (see
    the module's rules); a damaged one is an error naming its file. With
    ``complete``, a store with chunks missing is an error naming how many;
    otherwise the finished chunks are returned.
    """
    store = Path(store)
    manifest = read_manifest(store)
    problem = check_group(store, manifest.sweep_digest)
    if problem is not None:
        raise InputError(display(store / RECORDS / GROUP_RECORD), "(store)", f"expected the group its record "
                         f"describes, but {problem}; delete the folder and run the sweep again")
    finished = []
    for chunk in manifest.layout():
        problem = check_chunk(store, chunk, manifest.sweep_digest, manifest.variables)
        if problem is None:
            finished.append(chunk)
        elif problem != UNFINISHED:
            raise InputError(display(record_path(store, chunk.index)), "(chunk)", f"expected the chunk its record "
                             f"describes, but {problem}; delete the record, then {_RESUME}")
    if complete and len(finished) != manifest.chunks:
        raise InputError(str(store), RECORDS, f"expected {manifest.chunks} finished chunks, found {len(finished)} "
                         f"({_RESUME})")
    if not finished:
        raise InputError(str(store), RECORDS, "expected at least one finished chunk")
    with _zarr_quiet():
        ds = xr.open_zarr(store / DATA, consolidated=True, zarr_format=3)
    if ds.sizes.get("run") != manifest.runs:
        raise InputError(display(store / MANIFEST), "runs", f"expected the {ds.sizes.get('run')} runs of {DATA}, got "
                         f"{manifest.runs} (the manifest was edited or replaced); delete the folder and run the "
                         "sweep again")
    ds = ds.assign_coords(run=("run", np.arange(manifest.runs), {"long_name": "run, numbered across the whole sweep"}),
                          scenario=("run", _scenarios(manifest), {"long_name": "scenario"}))
    if EXPERIMENTS in ds:
        ds[EXPERIMENTS] = ds[EXPERIMENTS].transpose("run", "parameter")
    if len(finished) != manifest.chunks:
        ds = ds.isel(run=np.concatenate([np.arange(c.first, c.first + c.size) for c in finished]))
    ds.attrs.update({"sweep": manifest.name, "sweep_digest": manifest.sweep_digest, "runs_total": manifest.runs})
    cf.add_history(ds.attrs, f"model.sweeps.open_store({str(store)!r}, complete={complete}): {len(finished)} of "
                             f"{manifest.chunks} chunks along run")
    return ds


def _scenarios(manifest: Manifest):
    """Each run's scenario name, as a lazy array chunked like the store (nothing held for a large sweep)."""
    import dask.array

    names = np.array(manifest.scenarios)
    runs = dask.array.arange(manifest.runs, chunks=manifest.chunk)
    return runs.map_blocks(lambda r: names[r // manifest.runs_per_scenario], dtype=names.dtype)


def store_parameters(store: str | Path, runs) -> xr.DataArray:
    """The experiments table of ``runs``: each run's grid point, sample and every numeric parameter's value.

    The values are regenerated from the spec and the seed kept in the store,
    by the code the sweep ran them with, so they are the sweep's bit for bit;
    the sweep digest is checked first (a registry, scenario or model changed
    since the store was made cannot regenerate them: that is refused). The
    table is ``(run, parameter)`` in float64, each column in the canonical unit
    its ``parameter_unit`` names (``"index"`` for the grid point and sample);
    ``scenario`` names each run's scenario.

    Parameters
    ----------
    store : str or Path
        A sweep store (made by :func:`model.sweeps.sweep`).
    runs : int, slice or sequence of int
        Run numbers across the whole sweep (``open_store(store).run``), in any order.
    """
    store = Path(store)
    manifest = read_manifest(store)
    runs = np.arange(manifest.runs)[runs] if isinstance(runs, slice) else np.atleast_1d(np.asarray(runs))
    if runs.ndim != 1 or not np.issubdtype(runs.dtype, np.integer) or (
            runs.size and (runs.min() < 0 or runs.max() >= manifest.runs)):
        raise InputError("store_parameters", "runs", f"expected run numbers from 0 to {manifest.runs - 1:,}")
    spec = _stored_spec(store, manifest)
    keys = numeric_keys(spec.params(0))
    limits.memory(2.0 * runs.size * (len(keys) + 2), "store_parameters", "runs",
                  f"the parameters of {runs.size:,} runs")
    table = np.empty((runs.size, len(keys) + 2))
    per = manifest.runs_per_scenario
    for first in range(0, runs.size, manifest.chunk):  # a chunk's worth of runs at a time, as the sweep ran them
        block = slice(first, first + manifest.chunk)
        for s in np.unique(runs[block] // per):
            at = np.flatnonzero(runs[block] // per == s) + first
            batch, experiments = spec.run_params(int(s), runs[at] - s * per)
            table[at, 0], table[at, 1] = experiments["grid_point"], experiments["sample"]
            for j, key in enumerate(keys):
                table[at, j + 2] = batch.value(key)
    params = spec.params(0)
    return xr.DataArray(
        table, dims=("run", "parameter"), name="experiments",
        coords={"run": ("run", runs, {"long_name": "run, numbered across the whole sweep"}),
                "scenario": ("run", np.array(manifest.scenarios)[runs // per], {"long_name": "scenario"}),
                "parameter": ("parameter", ["grid_point", "sample"] + keys, {"long_name": "registry key"}),
                "parameter_unit": ("parameter", ["index", "index"] + [params[k].unit for k in keys],
                                   {"long_name": "unit of the column (canonical unit of the package)"})},
        attrs={"long_name": "every run's grid point, sample and parameter values (canonical units)",
               "units": "1", "unit_label": "per column: see parameter_unit",
               "comment": "columns of different units: each column is in the unit its parameter_unit names, "
                          "not in the units attribute; regenerated from the store's spec and seed"})


def _stored_spec(store: Path, manifest: Manifest) -> SweepSpec:
    """The spec the store was made with, loaded against today's registry; refused if that changed its digest."""
    with warnings.catch_warnings():  # a grid value out of range was warned about when the sweep ran
        warnings.filterwarnings("ignore", category=OutOfRangeWarning)
        spec = SweepSpec.validated(read_spec(store, manifest), display(store / SPEC))
    if spec.digest != manifest.sweep_digest:
        raise InputError(str(store), "sweep_digest", f"expected the registry, scenarios and model version this "
                         f"store was made with (sweep digest {manifest.sweep_digest}, now {spec.digest}), to "
                         "regenerate its parameters; run the sweep again, or with keep: {parameters: true}")
    return spec
