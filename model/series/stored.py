"""The casualty process as the model uses it: fitted to the record, chosen and weighted by a stored backtest.

The fits take milliseconds and are redone from the record whenever the process is loaded; which process
the model follows (:mod:`model.series.select`: candidates scored out of sample, one chosen by a stated
rule) and its weights come from a rolling-origin backtest that takes seconds, so they are stored in
``params/observed/casualty_process.yaml`` with the digest of the record they were scored on, the chosen
candidate, its weighting, the weights each path follows (``weights``; for a horizon-weighted mixture also
the weights at every horizon, ``horizon_weights``, whose last row ``weights`` must be), the number of
posterior draws, the seed, the rule and the date. Loading checks that the candidate, its weighting and
its specifications are those of :data:`model.series.select.CANDIDATES`, and the digest: a record
that changed since (a new month appended) must be refitted (``manpower update``, or
``python -m model.series.stored``), and the error says so. So the main job never reruns the backtest, and
every run says which fit it used.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import yaml
from pydantic import Field, field_validator

from ..errors import InputError
from ..inputs.observed import OBSERVED_FOLDER
from ..inputs.paths import display, locate, params_dir
from ..inputs.schema import Strict, parse_file
from .backtest import WEIGHTINGS, horizon_weights, score_weights
from .base import Mixture
from .combine import mixture
from .fit import N_DRAWS, SPECS, fit
from .record import CASUALTY_SERIES, Record, load_record
from .select import CANDIDATES, RULE, candidate_scores, choose, long_horizon

#: The stored weights, beside the observed series they were scored on.
PROCESS_FILE = f"{OBSERVED_FOLDER}/casualty_process.yaml"


class StoredProcess(Strict):
    """The schema of ``casualty_process.yaml``."""

    series: str
    through: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    record_digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    process: str
    weighting: Literal[WEIGHTINGS + ("single",)]
    weights: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(min_length=1)
    horizon_weights: dict[str, list[Annotated[float, Field(ge=0, allow_inf_nan=False)]]] | None = None
    n_draws: int = Field(ge=100, le=1_000_000)
    seed: int = Field(ge=0)
    method: str
    rule: str
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


def chosen_weights(scores, name: str) -> tuple[dict[str, float], dict[str, list[float]] | None]:
    """The weights each path of candidate ``name`` follows, from backtest ``scores`` of its specifications, and
    (for a horizon-weighted mixture) its weights at every horizon, by spec; rounded to 6 decimals."""
    specs, weighting = CANDIDATES[name]
    if weighting == "single":
        return {specs[0]: 1.0}, None
    weights = {spec: round(float(w), 6) for spec, w in score_weights(scores, specs, weighting).items()}
    if weighting != "horizon":
        return weights, None
    table = horizon_weights(scores, specs)
    return weights, {spec: [round(float(w), 6) for w in table[spec]] for spec in specs}


def candidate_process(record: Record, scores, name: str, n_draws: int = N_DRAWS, seed: int = 0) -> Mixture:
    """Candidate ``name`` fitted to all of ``record``, weighted by backtest ``scores`` (see :func:`chosen_weights`)."""
    weights, _ = chosen_weights(scores, name)
    return mixture(tuple(fit(record, spec, n_draws, seed) for spec in weights), np.array(list(weights.values())))


def write_process(folder: str | Path | None = None, seed: int = 0, n_draws: int = N_DRAWS) -> Path:
    """Score the candidate processes on the record (rolling origin), choose one by the rule of
    :mod:`model.series.select`, store its weights; return the file."""
    record = load_record(CASUALTY_SERIES, folder)
    scores = candidate_scores(record, seed=seed)
    chosen = choose(long_horizon(scores))
    weights, by_horizon = chosen_weights(scores, chosen)
    path = (Path(folder) if folder is not None else params_dir()) / PROCESS_FILE
    document = {
        "series": record.name, "through": str(record.end), "record_digest": digest(record), "process": chosen,
        "weighting": CANDIDATES[chosen][1], "weights": weights,
        **({"horizon_weights": by_horizon} if by_horizon else {}), "n_draws": n_draws, "seed": seed,
        "method": "candidates scored by a rolling-origin backtest (model.series.select), origins from 2023-06; "
                  "weights the inverse CRPS as the weighting says",
        "rule": RULE, "written": datetime.date.today().isoformat(),
    }
    header = "# Written by `python -m model.series.stored` from the record; do not edit by hand.\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".yaml.tmp")
    temporary.write_text(header + yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    temporary.replace(path)
    return path


def _check_horizons(where: str, stored: StoredProcess) -> None:
    """``horizon_weights``: present exactly for the ``horizon`` weighting, one list per spec of ``weights``, all
    of one length, every horizon's weights not all 0, the last horizon's (normalised) those of ``weights``."""
    table = stored.horizon_weights
    if (table is None) != (stored.weighting != "horizon"):
        raise InputError(where, "horizon_weights", "expected horizon_weights exactly when weighting is horizon")
    if table is None:
        return
    if list(table) != list(stored.weights):
        raise InputError(where, "horizon_weights",
                         f"expected one list per spec of weights ({', '.join(stored.weights)}), got {', '.join(table)}")
    lengths = {len(v) for v in table.values()}
    rows = np.array(list(table.values()), dtype=float).T if len(lengths) == 1 else np.zeros((0, 0))  # (H, specs)
    if rows.size == 0 or not (rows.sum(axis=1) > 0).all():
        raise InputError(where, "horizon_weights", "expected lists of one length >= 1, weights not all 0 at any "
                                                   "horizon")
    last, paths = rows[-1] / rows[-1].sum(), np.array(list(stored.weights.values()))
    if not np.allclose(last, paths / paths.sum(), atol=1e-5):
        raise InputError(where, "weights", "expected the weights of the last horizon of horizon_weights, "
                                           f"{np.round(last, 6).tolist()}")


def _check_candidate(where: str, stored: StoredProcess) -> None:
    """``series`` the casualty record; ``process`` a candidate of :data:`model.series.select.CANDIDATES`,
    ``weighting`` its weighting and ``weights`` one per specification of it (what :func:`write_process` writes)."""
    if stored.series != CASUALTY_SERIES:
        raise InputError(where, "series", f"expected {CASUALTY_SERIES}, the casualty record the process is fitted "
                                          f"to, got {stored.series!r}")
    if stored.process not in CANDIDATES:
        raise InputError(where, "process", f"expected a candidate process, one of {', '.join(CANDIDATES)}, "
                                           f"got {stored.process!r}")
    specs, weighting = CANDIDATES[stored.process]
    if stored.weighting != weighting:
        raise InputError(where, "weighting", f"expected {weighting}, the weighting of process {stored.process}, "
                                             f"got {stored.weighting!r}")
    if sorted(stored.weights) != sorted(specs):
        raise InputError(where, "weights", f"expected one weight per specification of process {stored.process} "
                                           f"({', '.join(specs)}), got {', '.join(stored.weights)}")


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
    _check_candidate(where, stored)
    _check_horizons(where, stored)
    record = load_record(stored.series, folder)
    if digest(record) != stored.record_digest or str(record.end) != stored.through:
        raise InputError(where, "record_digest", f"expected the record the weights were scored on (through "
                         f"{stored.through}); {stored.series} has changed (now through {record.end}): refit with "
                         "`manpower update` (or `python -m model.series.stored`)")
    fits = tuple(fit(record, spec, stored.n_draws, stored.seed) for spec in stored.weights)
    combined = mixture(fits, np.array(list(stored.weights.values())))
    return record, replace(combined, method=f"{stored.process} ({stored.weighting} weighting): {stored.method}")


if __name__ == "__main__":
    print(f"Wrote {display(write_process())}")
