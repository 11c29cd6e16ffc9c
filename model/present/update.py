"""The monthly update: a new month of the casualty record in, a refitted model and a kept forecast out.

The routine (``manpower update``, :func:`update`), on the user's parameter folder
(:func:`model.inputs.paths.params_dir`: ``$MANPOWER_PARAMS``, a checkout's ``params/``, else the XDG folder):

1. **Check** the casualty record's CSV row by row (:func:`model.inputs.record_rows.check_record_rows`: months
   consecutive, none twice, positive finite counts consistent with the daily average, a source and its URL),
   then every observed series as every loader reads them, the settings (:func:`check_settings`: runs, seed,
   horizon, step, and whether the forecast's sample and results fit in memory), the output folder and the
   forecasts' folder. Anything wrong is one :class:`~model.errors.InputError` and nothing is written.
2. **Refit**: run :data:`REFIT_STEPS` in order, each writing its file into the parameter folder.
3. **Move the start**: nothing to write: the default start is the month after the record's last
   (:func:`model.inputs.start.default_start`), so it moved when the row was appended.
4. **Compute the outputs** the main job writes, the scenario comparison (:mod:`model.present.comparison_files`),
   and the forecast: the baseline's quantiles of the headline outputs by month with their provenance
   (:func:`model.analysis.forecast.forecast_document`). Nothing is written yet.
5. **Write** the comparison in ``out`` (``results/`` by default), then the forecast into ``forecasts/`` of the
   parameter folder, named ``forecast_data-YYYY-MM_made-YYYY-MM-DD.yaml`` by the data's last month and the day it
   was made. A file is never overwritten: a second forecast for the same data end and day gets ``_2``, ``_3``, ...;
   each is written whole or not at all. The forecasts live beside the data they were made from, so that every
   published forecast can be scored later against the months that follow.

**All or nothing.** Some checks can only be made with the refitted parameters: the forecast samples the refitted
posterior, and a step ``dt`` too long for the sampled outflow rates is only seen then. Steps 2 to 5 therefore run
inside :func:`restored_on_failure`: the files the refit steps write (:attr:`RefitStep.files`) and the comparison's
files in ``out`` are copied aside first, and put back byte for byte with their modification times (a file the
update created is removed) when anything fails before the end, a refusal, an error or Ctrl-C alike. The refit runs
in the parameter folder itself, not in a copy, so that the comparison and the forecast read the refitted files where
they stay and their provenance names those files, not a temporary folder. Everything is computed before the first
output is written (step 4 before step 5).

**As of an earlier month** (``manpower update --through YYYY-MM``, :func:`forecast_as_of`): the forecast that
the update would have written when the record ended in that month. The routine copies the parameter folder to a
temporary one, cuts the record after that month there, refits there and writes only the forecast file (named by
that month) into ``forecasts/`` of the parameter folder; the fit, the start and the outputs stay those of the
whole record.

Extending the refit (rules for a new step, e.g. the calibration's posterior):

1. A step is a :class:`RefitStep`: a name, a function ``refit(folder) -> Path`` that refits from the data in
   ``folder`` and writes its file there (atomically), returning the path, and the files (relative to the folder)
   it writes, which a failed update puts back.
2. Append it to :data:`REFIT_STEPS` after the steps whose files it reads (the posterior after the casualty
   process, whose file its hindcast reads).
3. Its file must carry the digest of the data it was fitted to, and its loader must refuse a stale file, so that
   a month appended without an update is an error, not a silent mix of old fit and new data.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import yaml

from ..analysis.comparison import compare, comparison_table
from ..calibration.model_forecasts import hindcast_known_at
from ..calibration.posterior import N_PRIOR, calibrate_posterior
from ..calibration.stored import write_posterior
from ..inputs.posterior import DRAWS_FILE, POSTERIOR_FILE, file_digest
from ..analysis.forecast import (DEFAULT_RUNS, HEADLINES, check_forecast_document, forecast, forecast_document,
                                 score_forecasts)
from ..analysis.uncertainty import check_size
from ..core.defaults import BASELINE, DEFAULT_DT, DEFAULT_MONTHS
from ..errors import InputError
from ..inputs import limits
from ..inputs.observed import load_observed
from ..inputs.parameters import ParameterSet, load_params
from ..inputs.paths import display, params_dir, shipped_dir
from ..inputs.record_rows import check_record_rows
from ..inputs.start import CASUALTY_SERIES, SERIES_PATH, default_start, record_file
from ..inputs.textfiles import read_yaml
from ..results.io import all_or_none, atomic_create, check_output, check_outputs
from ..series.record import MIN_MONTHS, load_record
from ..series.stored import PROCESS_FILE, digest, write_process
from .comparison_files import comparison_paths, write_comparison

#: Where the forecasts are kept, in the parameter folder.
FORECAST_FOLDER = "forecasts"
#: The parameter files a forecast records the SHA-256 of (beside the parameter set's own digest).
DIGESTED = ("registry.yaml", f"scenarios/{BASELINE}.yaml", SERIES_PATH, PROCESS_FILE, POSTERIOR_FILE)


@dataclass(frozen=True)
class RefitStep:
    """One refit of the update: ``refit(folder)`` fits to the data in ``folder``, writes its file there, returns it;
    ``files`` are the paths (relative to the folder) it writes, put back when the update fails."""

    name: str
    refit: Callable[[Path], Path]
    files: tuple[str, ...]


#: Prior runs of the posterior's refit (the calibration's default; tests lower it).
POSTERIOR_PRIOR_RUNS = N_PRIOR


def refit_posterior(folder: Path) -> Path:
    """The Bayesian calibration refitted to the whole record of ``folder`` and stored there. When its diagnostics
    fail (too few effective draws: the new month moved the posterior into the prior's tail), it is fitted again once
    with four times the prior runs; if that fails too, :func:`~model.calibration.stored.write_posterior` refuses it
    in one line and the update stops (and puts back the casualty process refitted before it)."""
    posterior = calibrate_posterior(n_prior=POSTERIOR_PRIOR_RUNS, folder=folder)
    if not posterior.diagnostics["reliable"]:
        posterior = calibrate_posterior(n_prior=4 * POSTERIOR_PRIOR_RUNS, folder=folder)
    return write_posterior(posterior, folder)


#: The refits, in order (see the module's rules for adding one).
REFIT_STEPS: list[RefitStep] = [
    RefitStep("casualty_process", lambda folder: write_process(folder), (PROCESS_FILE,)),
    # after the process: its hindcast reads the process's file
    RefitStep("posterior", refit_posterior, (POSTERIOR_FILE, str(Path(POSTERIOR_FILE).parent / DRAWS_FILE))),
]


@dataclass(frozen=True)
class Checked:
    """What the check found: the parameter folder, the record's months, and the month the last fit reached."""

    folder: Path
    months: list[str]
    fitted_through: str | None

    @property
    def data_end(self) -> str:
        return self.months[-1]

    @property
    def new_months(self) -> list[str]:
        """The record's months after the last fit's (all of them when there was none)."""
        return [m for m in self.months if self.fitted_through is None or m > self.fitted_through]


@dataclass(frozen=True)
class Updated:
    """What an update wrote: the refitted files by step, the regenerated outputs, the new forecast file."""

    checked: Checked
    start: str
    refitted: dict[str, Path]
    outputs: tuple[Path, ...]
    forecast: Path
    #: The earlier forecasts' casualty months the record now holds, scored (:func:`scored_forecasts`).
    scores: pd.DataFrame | None = None


def check(folder: str | Path | None = None) -> Checked:
    """Step 1 of the routine: check the record (strictly) and the observed series of the parameter folder
    (default: the user's); write nothing."""
    folder = Path(folder) if folder is not None else params_dir()
    if not (folder / SERIES_PATH).is_file():
        raise InputError(display(folder), SERIES_PATH, "expected the observed series in the parameter folder the "
                         "update writes to (set MANPOWER_PARAMS to a full copy of params/)")
    months = check_enough_months(record_file(folder), check_record_rows(record_file(folder)))
    load_observed(folder)
    load_record(CASUALTY_SERIES, folder)  # the fit's own checks
    return Checked(folder, months, _fitted_through(folder))


def check_enough_months(csv: Path, months: list[str]) -> list[str]:
    """The ``months`` of the record's CSV file ``csv``, refused naming the file when they are fewer than the refit
    needs (:data:`~model.series.record.MIN_MONTHS`), as every other fault of the record is."""
    if len(months) < MIN_MONTHS:
        raise InputError(display(csv), "(rows)", f"expected at least {MIN_MONTHS} months recorded (the casualty "
                         f"process is fitted to a year at least), got {len(months)}: {months[0]} to {months[-1]}")
    return months


def _fitted_through(folder: Path) -> str | None:
    """The last month the stored casualty process was fitted to, or None when there is no readable fit."""
    path = folder / PROCESS_FILE
    try:
        document = read_yaml(path) if path.is_file() else None
    except InputError:
        return None
    through = document.get("through") if isinstance(document, dict) else None
    return str(through) if through is not None else None


def _file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None when the folder does not hold it (read from the shipped defaults)."""
    return file_digest(path) if path.is_file() else None


def check_through(checked: Checked, through: str) -> str:
    """``through`` (``'YYYY-MM'``), refused unless it is a month of the checked record with enough months up to it
    for the refit (:data:`~model.series.record.MIN_MONTHS`)."""
    if through not in checked.months[MIN_MONTHS - 1:]:
        raise InputError("update", "through", f"expected a month YYYY-MM of the record with at least {MIN_MONTHS} "
                         f"months up to it ({checked.months[MIN_MONTHS - 1]} to {checked.data_end}), got {through!r}")
    return through


def check_settings(folder: Path, n: int, seed: int, months: int, dt: float) -> None:
    """Step 1's check of the forecast's settings, before any refit: ``n`` runs (at least one, and few enough that
    the sample and the results fit in memory), the ``seed``, the horizon ``months`` and the step ``dt`` (months),
    and the forecasts' folder of the parameter ``folder`` (writable). The memory check counts the prior's
    uncertain parameters (the stored posterior may be stale until the refit; it samples the same keys); the
    forecast checks again, after the refit, inside :func:`restored_on_failure`."""
    limits.whole(n, "update", "n", 1)
    limits.seed(seed, "update", "seed")
    limits.months(months, "update", "months")
    limits.step(dt, "update", "dt")
    check_size(load_params(BASELINE, prior=True), n, months, dt, list(HEADLINES), where="update", key="n")
    check_output(folder / FORECAST_FOLDER, display(folder))


def restored_on_failure(folder: Path, files: Iterable[str]):
    """Run the block with ``files`` (paths relative to ``folder``) as they were before it put back when it fails
    (an exception or Ctrl-C): :func:`model.results.io.all_or_none`."""
    return all_or_none(Path(folder) / relative for relative in files)


def refit_files() -> list[str]:
    """Every file the refit steps write, relative to the parameter folder."""
    return [name for step in REFIT_STEPS for name in step.files]


def update(out: str | Path = "results", n: int = DEFAULT_RUNS, seed: int = 0, months: int = DEFAULT_MONTHS,
           dt: float = DEFAULT_DT, command: str | None = None, today: datetime.date | None = None) -> Updated:
    """Run the monthly update on the user's parameter folder (see the module); return what it wrote.

    Parameters
    ----------
    out : folder of the regenerated comparison outputs.
    n, seed : Monte Carlo runs and seed of the forecast.
    months, dt : horizon (months) and step (months) of the outputs and the forecast.
    command : the command line, recorded in the NetCDF history.
    today : the date the forecast is made (default: today).
    """
    checked = check()
    check_settings(checked.folder, n, seed, months, dt)
    targets = check_outputs(comparison_paths(check_output(out, "--out")), "--out")
    scores = scored_forecasts(checked.folder)  # before the new forecast: those made earlier
    # The comparison's files too are put back when the forecast's file fails after them: all of it, or nothing.
    with restored_on_failure(checked.folder, refit_files()), restored_on_failure(Path(out), _names(targets, out)):
        refitted = {step.name: step.refit(checked.folder) for step in REFIT_STEPS}
        start = default_start(checked.folder)
        ds = compare(months=months, dt=dt)
        table = comparison_table(ds)
        name, text = forecast_text(load_params(BASELINE), checked.folder, checked.data_end, n, seed, months, dt,
                                   today)
        outputs = write_comparison(ds, table, out, command=command)
        path = keep_forecast(checked.folder, name, text)
    return Updated(checked, start, refitted, outputs, path, scores)


def _names(paths: Iterable[Path], folder: str | Path) -> list[str]:
    """``paths`` relative to ``folder`` (as :func:`restored_on_failure` takes them)."""
    return [str(Path(path).relative_to(folder)) for path in paths]


def scored_forecasts(folder: str | Path | None = None) -> pd.DataFrame:
    """Every forecast kept in ``forecasts/`` of the parameter folder, scored on the casualty months its record now
    holds (:func:`model.analysis.forecast.score_forecasts`); a forecast file that cannot be read is one error."""
    folder = Path(folder) if folder is not None else params_dir()
    documents = {path.name: check_forecast_document(read_yaml(path), display(path))
                 for path in sorted((folder / FORECAST_FOLDER).glob("forecast_*.yaml"))}
    record = load_record(CASUALTY_SERIES, folder).to_series()
    return score_forecasts(documents, pd.Series(record.to_numpy(), index=record.index.astype(str)))


def forecast_as_of(through: str, n: int = DEFAULT_RUNS, seed: int = 0, months: int = DEFAULT_MONTHS,
                   dt: float = DEFAULT_DT, today: datetime.date | None = None) -> tuple[Checked, Path]:
    """The forecast the update would have written when the record ended in ``through`` (``'YYYY-MM'``, a month of
    the record): refitted in a temporary copy of the user's parameter folder with the record cut after that month;
    only the forecast file is written, into ``forecasts/`` of the user's folder. Returns the check and the file.

    As in the backtest (:func:`~model.calibration.model_forecasts.hindcast_known_at`), the projection drops the
    scheduled events that start after ``through``; what cannot be dated back, the registry's values and ranges
    (set with evidence published later), the file says in its ``note``."""
    checked = check()
    check_through(checked, through)
    check_settings(checked.folder, n, seed, months, dt)
    with tempfile.TemporaryDirectory(prefix="manpower-as-of-") as temporary:
        copy = Path(temporary) / "params"
        for source in dict.fromkeys((shipped_dir(), checked.folder)):  # the defaults, then the user's files over them
            shutil.copytree(source, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns(FORECAST_FOLDER))
        _cut_record(record_file(copy), through)
        for step in REFIT_STEPS:
            step.refit(copy)
        params = hindcast_known_at(load_params(BASELINE, folder=copy), through)
        if params.posterior is not None:  # named by what it was: the temporary copy is gone once the file is written
            params = replace(params, posterior=replace(
                params.posterior, where=f"refitted to the record through {through} in a temporary copy"))
        path = write_forecast(params, checked.folder, checked.data_end, n, seed, months, dt, today)
    return checked, path


def _cut_record(csv: Path, through: str) -> None:
    """Keep the header and the rows of the record's CSV up to and including the month ``through``."""
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines[1:] if line.strip() and line.split(",", 1)[0].strip() <= through]
    csv.write_text(lines[0] + "".join(kept), encoding="utf-8")


def write_forecast(params: ParameterSet, folder: Path, known: str, n: int, seed: int, months: int, dt: float,
                   today: datetime.date | None = None) -> Path:
    """Run the forecast of ``params`` (:func:`forecast_text`) and write it (:func:`keep_forecast`); return the file."""
    return keep_forecast(folder, *forecast_text(params, folder, known, n, seed, months, dt, today))


def forecast_text(params: ParameterSet, folder: Path, known: str, n: int, seed: int, months: int, dt: float,
                  today: datetime.date | None = None) -> tuple[str, str]:
    """Run the forecast of ``params`` (from the month after the data of its folder, else of ``folder``); return
    its file's name and text, writing nothing. ``known`` is the last month of the record when the forecast was
    made (later than its data's end for a forecast made as of an earlier month)."""
    made = forecast(params, n=n, seed=seed, months=months, dt=dt)
    data = Path(params.folder) if params.folder is not None else folder
    record = load_record(CASUALTY_SERIES, data)
    files = {name: _file_digest(data / name) for name in DIGESTED}
    document = {**forecast_document(made, str(record.end), digest(record), files, today), "record_known_to": known}
    if known != str(record.end):
        document["note"] = (f"made after the fact, when the record ran through {known}: the record cut after "
                            f"{record.end} and refitted, the scheduled events starting after it dropped; the "
                            "registry's values and ranges were set with evidence published later, so this is not "
                            "a forecast that could have been made at the time")
    name = f"forecast_data-{document['data_end']}_made-{document['made']}.yaml"
    header = ("# A forecast written by `manpower update`; never edited or overwritten, kept to be scored against the "
              "months that follow.\n")
    provenance = {key: value for key, value in document.items() if key != "series"}
    text = (header + yaml.safe_dump(provenance, sort_keys=False, allow_unicode=True, width=120)
            + yaml.safe_dump({"series": document["series"]}, sort_keys=False, default_flow_style=None))
    return name, text


def keep_forecast(folder: Path, name: str, text: str) -> Path:
    """Write a forecast file's ``text`` as ``name`` into ``forecasts/`` of ``folder``, never over another file
    (``_2``, ``_3``, ... when taken); return the file."""
    return atomic_create(folder / FORECAST_FOLDER / name, lambda tmp: tmp.write_text(text, encoding="utf-8"))
