"""The stored posterior: draws of the calibrated parameters and of the state where projections start.

``params/posterior/posterior.yaml`` describes ``params/posterior/draws.csv``, written by the Bayesian
calibration (:mod:`model.calibration.posterior`; ``manpower calibrate --posterior`` or ``manpower
update``): one row per posterior draw, a column per calibrated parameter that a projection shares with the
hindcast (the rates and fractions; the hindcast's own starting values of January 2023 are not carried
over) and a column ``start:KEY`` per key of the projection's starting state (the hindcast's state at the
start of the month after the record: front strength by source, the volunteer sign-up rate). The YAML holds
the record's span, the sampler and its settings, the diagnostics, the date made, the code version, the
SHA-256 of the draws file and the digest of the inputs the posterior was fitted to (the registry, the
hindcast files, the observed series): a posterior that no longer matches its inputs is refused with one
line saying how to refit, never used silently.

:func:`apply` sets a parameter set's values to the posterior's central values (per-key medians: what a
deterministic run uses) for every posterior key that the registry (or the baseline overlay) set and no
scenario or override changed; the Monte Carlo then draws whole rows (:mod:`model.analysis.sampling`), so
the correlations the record revealed are kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import Field

from ..errors import InputError
from .paths import REGISTRY_FILE, SCENARIO_FOLDER, display, locate, read_dirs
from .schema import Strict, parse_file, validated
from .start import data_end

POSTERIOR_FOLDER = "posterior"
POSTERIOR_FILE = f"{POSTERIOR_FOLDER}/posterior.yaml"
DRAWS_FILE = "draws.csv"
#: Prefix of a starting-state column in the draws file.
START = "start:"
#: The input files (relative to the parameter folder) a posterior depends on, and patterns of them.
INPUT_PATTERNS = (REGISTRY_FILE, f"{SCENARIO_FOLDER}/baseline.yaml", "hindcast/*.yaml", "observed/series.yaml",
                  "observed/*.csv")
PROCESS_WEIGHTS = "observed/casualty_process.yaml"
_MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class Settings(Strict):
    """The sampler's settings in ``posterior.yaml`` (what ``manpower calibrate --posterior`` was given)."""

    n_prior: int = Field(ge=1)
    n_draws: int = Field(ge=1)
    seed: int = Field(ge=0)
    party_bias_sd: float = Field(gt=0)


class Diagnostics(Strict):
    """The sampler's diagnostics in ``posterior.yaml``: prior runs, runs rejected, effective sample size,
    Pareto k, whether they passed, seconds taken."""

    n_prior: int = Field(ge=1)
    rejected: int = Field(ge=0)
    ess: float = Field(ge=0)
    pareto_k: float
    reliable: bool
    seconds: float = Field(ge=0)


class PosteriorFile(Strict):
    """The schema of ``posterior.yaml``."""

    start: str = Field(pattern=_MONTH)
    through: str = Field(pattern=_MONTH)
    inputs_digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    draws_digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    parameters: list[str]
    start_state: list[str] = Field(min_length=1)
    sampler: str
    settings: dict[str, str | int | float | bool]  # checked as :class:`Settings`
    diagnostics: dict[str, str | int | float | bool]  # checked as :class:`Diagnostics`
    made: str
    version: str


@dataclass(frozen=True)
class StoredPosterior:
    """Posterior draws as a projection uses them: ``draws`` has one row per draw and a column per key
    (parameters and starting state alike, by registry key), ``meta`` the file's description."""

    draws: pd.DataFrame
    meta: PosteriorFile
    where: str

    @property
    def label(self) -> str:
        """What runs from it say they used (the ``parameters_from`` attribute of results)."""
        d = self.meta.diagnostics
        return (f"posterior ({self.where}: record {self.meta.start} to {self.meta.through}, {len(self.draws):,} "
                f"draws, effective sample {float(d.get('ess', 0)):,.0f}, made {self.meta.made})")

    @cached_property
    def central(self) -> dict[str, float]:
        """Per-key posterior medians (canonical units), computed once per loaded file: every load reads them."""
        return {key: float(value) for key, value in self.draws.median().items()}


#: What results say about parameters that come from the registry's ranges alone.
PRIOR_LABEL = "prior (the registry's plausible ranges; not calibrated to the record)"


def input_files(folder: str | Path | None = None) -> list[tuple[str, Path]]:
    """The files a posterior depends on, by path relative to a parameter folder, each where the loaders find it
    (the first of :func:`~model.inputs.paths.read_dirs` that has it: the user's folder over the shipped one), in a
    fixed order; the casualty process's stored weights are not among them (they are checked on their own)."""
    names: set[str] = set()
    for root in read_dirs(folder):
        for pattern in INPUT_PATTERNS:
            names |= {p.relative_to(root).as_posix() for p in root.glob(pattern) if p.is_file()}
    names.discard(PROCESS_WEIGHTS)
    return [(name, locate(name, folder)) for name in sorted(names)]


def inputs_digest(folder: str | Path | None = None) -> str:
    """SHA-256 of the names and bytes of the :func:`input_files` of ``folder`` (default: the user's over the
    shipped)."""
    sha = hashlib.sha256()
    for name, path in input_files(folder):
        sha.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return sha.hexdigest()


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def posterior_path(folder: str | Path | None = None) -> Path:
    return locate(POSTERIOR_FILE, folder)


def load_posterior(folder: str | Path | None = None) -> StoredPosterior | None:
    """The posterior stored in the parameter folder, checked against its inputs; None when there is none.

    Cached while the posterior's and its inputs' files are unchanged.
    """
    path = posterior_path(folder)
    if not path.exists():
        return None
    files = [path, path.parent / DRAWS_FILE, *(p for _, p in input_files(folder))]
    stamp = tuple((str(p), p.stat().st_mtime_ns) for p in files if p.exists())
    return _load(str(path), None if folder is None else str(folder), stamp)


@lru_cache(maxsize=4)
def _load(path_text: str, folder: str | None, stamp: tuple) -> StoredPosterior:
    path = Path(path_text)
    where = display(path)
    meta = parse_file(path, PosteriorFile)
    validated(Settings, meta.settings, where, prefix="settings", strict=True)
    validated(Diagnostics, meta.diagnostics, where, prefix="diagnostics", strict=True)
    draws_path = path.parent / DRAWS_FILE
    if not draws_path.is_file():
        raise InputError(where, "draws", f"expected the draws file {display(draws_path)} beside it")
    if file_digest(draws_path) != meta.draws_digest:
        raise InputError(display(draws_path), "draws_digest", f"expected the draws {where} was written with; the "
                         "file has changed since: refit with `manpower calibrate --posterior`")
    if meta.diagnostics.get("reliable") is not True:
        raise InputError(where, "diagnostics.reliable", "expected a posterior whose diagnostics passed; refit with "
                         "more prior runs (`manpower calibrate --posterior --n-prior N`), or run with --prior")
    end = data_end(folder)
    if meta.through != end:
        raise InputError(where, "through", f"expected the posterior fitted to the record through its last month "
                         f"({end}), where projections start; it is fitted through {meta.through}: refit with "
                         "`manpower calibrate --posterior` (or `manpower update`), or run with --prior")
    if inputs_digest(folder) != meta.inputs_digest:
        raise InputError(where, "inputs_digest", f"expected the inputs the posterior was fitted to (record "
                         f"{meta.start} to {meta.through}, made {meta.made}); the registry, the hindcast files or the "
                         "observed series have changed since: refit with `manpower calibrate --posterior` (or "
                         "`manpower update`), or run with --prior")
    try:
        table = pd.read_csv(draws_path)
    except (ValueError, pd.errors.ParserError) as exc:
        raise InputError(display(draws_path), "(file)", f"expected a CSV table of draws: {exc}") from None
    expected = meta.parameters + [START + k for k in meta.start_state]
    if list(table.columns) != expected:
        raise InputError(display(draws_path), "(columns)", f"expected the columns {where} lists: {', '.join(expected)}")
    values = table.to_numpy(dtype=float, na_value=np.nan)
    if len(table) < 10 or not np.isfinite(values).all():
        raise InputError(display(draws_path), "(rows)", "expected at least 10 rows of finite numbers")
    draws = table.rename(columns=lambda c: c.removeprefix(START))
    return StoredPosterior(draws=draws, meta=meta, where=where)


def calibrated_keys(params, posterior: StoredPosterior, registry_files: tuple[str, ...]) -> list[str]:
    """Keys of ``posterior`` that ``params`` takes from it: those its registry (or baseline overlay) set and no
    later scenario file or override changed."""
    return [key for key in posterior.draws.columns
            if key in params and params[key].origin in registry_files and params[key].override is None]


def registry_files(root: Path | None) -> tuple[str, ...]:
    """How a parameter's ``origin`` names the registry and the baseline overlay of folder ``root``."""
    return (display(locate(REGISTRY_FILE, root)), display(locate(f"{SCENARIO_FOLDER}/baseline.yaml", root)))
