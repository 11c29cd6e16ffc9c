"""The casualty process as the model uses it: fitted to the record, weighted by a stored backtest.

The fits take milliseconds and are redone from the record whenever the process is loaded; the
combination's weights come from a rolling-origin backtest that takes seconds, so they are stored in
``params/observed/casualty_process.yaml`` with the digest of the record they were scored on, the
specifications, the number of posterior draws, the seed and the date. Loading checks the digest: a record
that changed since (a new month appended) must be refitted (``python -m model.series.stored``), and the
error says so. So the main job never reruns the backtest, and every run says which fit it used.
"""

from __future__ import annotations

import datetime
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Annotated

import numpy as np
import yaml
from pydantic import Field, field_validator

from ..errors import InputError
from ..inputs.observed import OBSERVED_FOLDER
from ..inputs.paths import display, locate, params_dir
from ..inputs.schema import Strict, parse_file
from .backtest import COMBINED, backtest, score_weights
from .base import Mixture
from .combine import mixture
from .fit import N_DRAWS, SPECS, fit
from .record import CASUALTY_SERIES, Record, load_record

#: The stored weights, beside the observed series they were scored on.
PROCESS_FILE = f"{OBSERVED_FOLDER}/casualty_process.yaml"


class StoredProcess(Strict):
    """The schema of ``casualty_process.yaml``."""

    series: str
    through: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    record_digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    weights: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(min_length=1)
    n_draws: int = Field(ge=100, le=1_000_000)
    seed: int = Field(ge=0)
    method: str
    written: str

    @field_validator("weights")
    @classmethod
    def _some_weight(cls, weights: dict[str, float]) -> dict[str, float]:
        if not sum(weights.values()) > 0:
            raise ValueError("expected weights that are not all 0")
        return weights


def digest(record: Record) -> str:
    """SHA-256 of the record's months and values (what the weights were scored on)."""
    text = "\n".join(f"{month},{value!r}" for month, value in zip(record.months.astype(str), record.values))
    return hashlib.sha256(text.encode()).hexdigest()


def write_process(folder: str | Path | None = None, seed: int = 0, n_draws: int = N_DRAWS) -> Path:
    """Score the combined specifications on the record (rolling origin), store their weights; return the file."""
    record = load_record(CASUALTY_SERIES, folder)
    scores = backtest(record, COMBINED, combine=False, seed=seed)
    weights = score_weights(scores, COMBINED)
    path = (Path(folder) if folder is not None else params_dir()) / PROCESS_FILE
    document = {
        "series": record.name, "through": str(record.end), "record_digest": digest(record),
        "weights": {spec: round(float(w), 6) for spec, w in weights.items()}, "n_draws": n_draws, "seed": seed,
        "method": "inverse mean CRPS of a rolling-origin backtest (model.series.backtest), origins from 2023-06",
        "written": datetime.date.today().isoformat(),
    }
    header = "# Written by `python -m model.series.stored` from the record; do not edit by hand.\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".yaml.tmp")
    temporary.write_text(header + yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    temporary.replace(path)
    return path


def load_process(folder: str | Path | None = None) -> tuple[Record, Mixture]:
    """The casualty record of ``folder`` and the combined process fitted to it, with its stored weights.

    Cached while the stored file is unchanged (the record's digest is checked when it is read)."""
    path = locate(PROCESS_FILE, folder)
    observed = sorted(p for p in path.parent.glob("*") if p.is_file())  # the record's files: a change refits
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in observed)
    return _load(str(path), stamp, None if folder is None else str(folder))


@lru_cache(maxsize=8)
def _load(path: str, stamp: tuple, folder: str | None) -> tuple[Record, Mixture]:
    where = display(Path(path))
    stored = parse_file(Path(path), StoredProcess)
    unknown = sorted(set(stored.weights) - set(SPECS))
    if unknown:
        raise InputError(where, f"weights.{unknown[0]}", f"expected a specification, one of {', '.join(SPECS)}")
    record = load_record(stored.series, folder)
    if digest(record) != stored.record_digest or str(record.end) != stored.through:
        raise InputError(where, "record_digest", f"expected the record the weights were scored on (through "
                         f"{stored.through}); {stored.series} has changed (now through {record.end}): refit with "
                         "`python -m model.series.stored`")
    fits = tuple(fit(record, spec, stored.n_draws, stored.seed) for spec in stored.weights)
    return record, mixture(fits, np.array(list(stored.weights.values())))


if __name__ == "__main__":
    print(f"Wrote {display(write_process())}")
