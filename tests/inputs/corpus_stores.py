"""Malformed-input cases: sweep stores, sweep options (the dask scheduler) and scenario discovery.

Joined into ``test_malformed_inputs.py``'s parametrization; the vocabulary is in :mod:`.corpus`. A store case
breaks one file of a small finished store (:func:`store_file`), made once per session and copied to
``params/st`` of the case's parameter folder.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Callable

import yaml

from .. import corpus_sweeps
from .corpus import *  # noqa: F403
from .corpus import Case

#: The small valid spec of the sweep-spec corpus without its grid (whose values are outside their plausible
#: ranges: a warning, which pytest makes an error), as a file of the case's parameter folder.
SPEC = {"s.yaml": yaml.safe_dump({**corpus_sweeps.BASE, "grid": {}}, sort_keys=False)}
SWEEP = ("sweep", "{params}/s.yaml", "--out", "{work}/st", "--no-progress")
DASK = SWEEP + ("--backend", "dask", "--scheduler")
DISCOVER = ("discover", "--outcome", "net_12m<0", "--sweep", "{params}/st", "--out", "{work}/d")

_BUILT: list[Path] = []


def _finished_store(params: Path) -> Path:
    """A finished store of the corpus's small spec (4 runs, net_12m), made once with the parameters in ``params``."""
    if not _BUILT:
        from model.sweeps import sweep
        from model.sweeps.specfile import SpecFile

        folder = Path(tempfile.mkdtemp(prefix="corpus-store-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # made once per test process, removed at its end
        store = folder / "st"
        before = os.environ.get("MANPOWER_PARAMS")
        os.environ["MANPOWER_PARAMS"] = str(params)
        try:
            with warnings.catch_warnings():  # the spec's grid values are outside their plausible ranges
                warnings.simplefilter("ignore")
                sweep(SpecFile(**corpus_sweeps.BASE), store, progress=False)
        finally:
            if before is None:
                os.environ.pop("MANPOWER_PARAMS")
            else:
                os.environ["MANPOWER_PARAMS"] = before
        _BUILT.append(store)
    return _BUILT[0]


def store_file(name: str, change: Callable[[bytes], bytes | str]) -> dict[str, Callable[[Path], bytes | str]]:
    """``params/st`` a finished store whose file ``name`` holds ``change`` of its bytes."""
    def apply(root: Path) -> bytes | str:
        if not (root / "st").exists():
            shutil.copytree(_finished_store(root), root / "st")
        return change((root / "st" / name).read_bytes())
    return {f"st/{name}": apply}


def _edited_json(key: str, value) -> Callable[[bytes], str]:
    import json

    def change(content: bytes) -> str:
        document = json.loads(content)
        document[key] = value
        return json.dumps(document)
    return change


def _spec_metrics(metrics: list[str]) -> Callable[[bytes], str]:
    def change(content: bytes) -> str:
        document = yaml.safe_load(content)
        document["keep"]["metrics"] = metrics
        return yaml.safe_dump(document, sort_keys=False)
    return change


CASES: list[Case] = [
    # --- sweep --scheduler: an address checked, and a scheduler connected, before a store is made ---
    Case("stores-scheduler-garbage", DASK + ("garbage",), ("--scheduler", "garbage", "HOST:PORT"), SPEC),
    Case("stores-scheduler-no-port", DASK + ("tcp://127.0.0.1",), ("--scheduler", "HOST:PORT"), SPEC),
    Case("stores-scheduler-port-zero", DASK + ("tcp://127.0.0.1:0",), ("--scheduler", "port"), SPEC),
    Case("stores-scheduler-port-beyond", DASK + ("127.0.0.1:70000",), ("--scheduler", "port"), SPEC),
    Case("stores-scheduler-unknown-scheme", DASK + ("http://127.0.0.1:8786",), ("--scheduler", "scheme"), SPEC),
    Case("stores-scheduler-no-host", DASK + ("tcp://:8786",), ("--scheduler", "HOST:PORT"), SPEC),
    Case("stores-scheduler-without-dask", SWEEP + ("--scheduler", "tcp://127.0.0.1:8786"),
         ("--scheduler", "dask backend"), SPEC),
    Case("stores-scheduler-not-answering", DASK + ("tcp://127.0.0.1:1",), ("--scheduler", "127.0.0.1:1"), SPEC),
    # --- discover --sweep: every file of the store it reads, refused naming the file ---
    Case("discover-store-spec-not-yaml", DISCOVER, ("st/spec.yaml", "YAML"),
         store_file("spec.yaml", lambda _: "name: [x\n")),
    Case("discover-store-spec-not-utf8", DISCOVER, ("st/spec.yaml", "UTF-8"),
         store_file("spec.yaml", lambda _: b"\xff\xfe")),
    Case("discover-store-spec-a-list", DISCOVER, ("st/spec.yaml", "mapping"),
         store_file("spec.yaml", lambda _: "[]\n")),
    Case("discover-store-spec-metric-not-stored", ("discover", "--outcome", "front_end<0", *DISCOVER[3:]),
         ("st/spec.yaml", "manifest.json"), store_file("spec.yaml", _spec_metrics(["net_12m", "front_end"]))),
    Case("discover-store-manifest-runs-edited", DISCOVER, ("st/manifest.json", "runs"),
         store_file("manifest.json", _edited_json("runs", 5))),
    Case("discover-store-manifest-scenario-renamed", DISCOVER, ("st/manifest.json", "scenarios"),
         store_file("manifest.json", _edited_json("scenarios", ["high_intensity"]))),
    Case("discover-store-manifest-digest-edited", DISCOVER, ("st/manifest.json", "sweep_digest"),
         store_file("manifest.json", _edited_json("sweep_digest", "0123456789abcdef"))),
]
