"""The projection's first month: by default the first month after the casualty record ends (the data's end).

The record is the monthly casualty series the casualty process is fitted to
(:data:`CASUALTY_SERIES`, a CSV named by ``observed/series.yaml`` in the parameter folder). When an analyst
appends a month to it and runs ``manpower update``, the default start moves with it: nothing else names a
start month. Every function of the package that takes ``start`` takes ``None`` to mean this default, resolved
here alone (:func:`resolve_start`).

A start the caller gives is taken as given:

- **inside the record** (a hindcast-like run): the months the record covers follow the recorded counts
  (:mod:`model.dynamics.casualty_paths`); the force at the start is still the one set for the month after the
  record (the posterior's estimate of it, or the registry's late-2024 values): for a run that starts from the
  state of an earlier month, use the hindcast (:mod:`model.calibration.hindcast`);
- **the month after the record** (the default): the first projected month is the casualty process's first month;
- **beyond it**: the months in between are not simulated (the force at the start is still the one set for the
  month after the record) while
  the casualty process steps through them; :func:`resolve_start` warns in one line
  (:class:`StartBeyondDataWarning`), shown once per distinct start. A start more than
  :data:`MAX_YEARS_AFTER_DATA` years after the record's end is refused (``--start``): the process would step
  through more months than any horizon the model runs.

This module reads the record's month column with the standard library only, so that ``manpower --help`` can
show the default without importing pandas. Its month rules (:func:`check_months`: at least one row, each
month ``YYYY-MM`` and the month after the previous row's: in order, none missing, none twice) are the ones
every reader of the record applies (:func:`model.inputs.observed.read_monthly_csv`,
:func:`model.inputs.record_rows.check_record_rows`), so every command refuses a malformed record alike; the
counts' checks are :mod:`model.inputs.observed`'s.
"""

from __future__ import annotations

import csv
import io
import warnings
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from .paths import display, locate
from .textfiles import read_text, read_yaml

#: The record the casualty process is fitted to: the UK MoD's monthly relay of the Ukrainian General Staff's count.
CASUALTY_SERIES = "uk_mod_monthly_casualties"
#: Where the observed series are described (relative to the parameter folder).
SERIES_PATH = "observed/series.yaml"
_MONTH_COLUMN = "month"
#: The latest start accepted, in years after the record's last month: a century, the longest horizon
#: (:data:`model.inputs.limits.MAX_MONTHS`); the casualty process steps through every month in between.
MAX_YEARS_AFTER_DATA = 100


class StartBeyondDataWarning(UserWarning):
    """A run starts later than the month after the data: the months in between follow the casualty process."""


def record_file(folder: str | Path | None = None) -> Path:
    """The CSV file of the casualty record in the parameter folder (``folder``, else the user's then the shipped).

    A ``folder`` without observed series (a folder of scenarios or a synthetic registry) starts after the data of
    the default folders: the data a projection starts from are the project's, not the folder's."""
    described = locate(SERIES_PATH, folder)
    if not described.exists() and folder is not None:
        described = locate(SERIES_PATH)
    return _record_file(str(described), _stamp(described))


def _stamp(path: Path) -> tuple[int, int] | None:
    """The file's modification time (ns) and size, None when it is missing: what a cached reading is keyed by (the
    size too, so that a row appended within the file system's timestamp resolution is still seen)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


@lru_cache(maxsize=8)
def _record_file(path: str, stamp: tuple[int, int] | None) -> Path:
    described = Path(path)
    document = read_yaml(described) if stamp is not None else None
    series = document.get("series") if isinstance(document, dict) else None
    entry = series.get(CASUALTY_SERIES) if isinstance(series, dict) else None
    name = entry.get("file") if isinstance(entry, dict) else None
    if not isinstance(name, str) or not name:
        raise InputError(display(described), f"series.{CASUALTY_SERIES}.file", "expected the name of the casualty "
                                                                              "record's CSV file")
    return described.parent / name


def data_end(folder: str | Path | None = None) -> str:
    """The casualty record's last month, ``'YYYY-MM'`` (cached while the record's file is unchanged)."""
    path = record_file(folder)
    stamp = _stamp(path)
    if stamp is None:
        raise InputError(display(path), "(file)", "expected the casualty record's CSV file, not found")
    return _last_month(str(path), stamp)


@lru_cache(maxsize=8)
def _last_month(path: str, stamp: tuple[int, int]) -> str:
    where = display(Path(path))
    rows = csv.DictReader(io.StringIO(read_text(Path(path))))
    columns = rows.fieldnames or []
    if _MONTH_COLUMN not in columns:
        raise InputError(where, _MONTH_COLUMN, f"required column is missing (columns: {', '.join(columns)})")
    months, lines = [], []
    for row in rows:
        months.append(str(row.get(_MONTH_COLUMN) or "").strip())
        lines.append(rows.line_num)
    check_months(months, where, lines)
    return months[-1]


def check_months(months: list[str], where: str, rows: list[int] | None = None) -> None:
    """The record's month rules: at least one month; each ``'YYYY-MM'`` and the month after the previous one.

    ``months`` are the month column's texts, oldest first, ``rows`` their lines in file ``where`` (row 1 is
    the header; by default rows 2, 3, ...). The first that breaks a rule raises :class:`InputError` naming
    ``month (row N)``.
    """
    if not months:
        raise InputError(where, "(rows)", "expected at least one month (a row below the header)")
    rows = rows if rows is not None else list(range(2, len(months) + 2))
    for i, (month, row) in enumerate(zip(months, rows)):
        check_next_month(month, months[i - 1] if i else None, where, row)


def check_next_month(month: str, previous: str | None, where: str, row: int) -> None:
    """Row ``row``'s ``month``: ``'YYYY-MM'``, and the month after ``previous`` (the row before's, None for the
    first row)."""
    key = f"{_MONTH_COLUMN} (row {row})"
    if _as_index(month) is None:
        raise InputError(where, key, f"expected a month as 'YYYY-MM', got {month!r}")
    if previous is not None and month != following_month(previous):
        raise InputError(where, key, f"expected {following_month(previous)}, the month after the previous row's "
                                     f"{previous} (consecutive months: in order, none missing, none twice), got {month!r}")


def default_start(folder: str | Path | None = None) -> str:
    """The first month after the casualty record's last, ``'YYYY-MM'``: where a projection starts by default."""
    return following_month(data_end(folder))


def following_month(month: str) -> str:
    """The month after ``month`` (both ``'YYYY-MM'``; ``month`` must be one)."""
    return _as_text(_as_index(month) + 1)


def resolve_start(start: str | None, folder: str | Path | None = None) -> str:
    """``start`` itself, or :func:`default_start` when it is None; a start beyond the default is warned about, one
    more than :data:`MAX_YEARS_AFTER_DATA` years after the data's end refused (an :class:`InputError` naming
    ``--start``, the option that sets it)."""
    if start is None:
        return default_start(folder)
    given, first = _as_index(str(start)), _as_index(default_start(folder))
    if given is not None and given > first:
        end = data_end(folder)
        latest = _as_index(end) + 12 * MAX_YEARS_AFTER_DATA
        if given > latest:
            raise InputError("--start", str(start), f"expected a start at most {MAX_YEARS_AFTER_DATA} years after the "
                             f"data's end ({end}), at latest {_as_text(latest)}: the casualty process would step "
                             "through every month in between")
        between = _as_text(first) if given == first + 1 else f"{_as_text(first)} to {_as_text(given - 1)}"
        warnings.warn(f"start {start} lies beyond the data, which end in {end}: the casualty level in {between} "
                      f"follows the casualty process, and the force at the start is the one set for {_as_text(first)} "
                      "(the posterior's estimate, or the registry's)",
                      StartBeyondDataWarning, stacklevel=2)
    return str(start)


def is_month(text: object) -> bool:
    """Whether ``text`` is a month as ``'YYYY-MM'`` (year 1 or later, month 01 to 12)."""
    return _as_index(text) is not None


def _as_index(text: object) -> int | None:
    """A ``'YYYY-MM'`` text as a count of months (year x 12 + month - 1), or None when it is not one."""
    parts = str(text).strip().split("-") if text is not None else []
    if len(parts) != 2 or len(parts[0]) != 4 or len(parts[1]) != 2 or not all(p.isdigit() for p in parts):
        return None
    year, month = int(parts[0]), int(parts[1])
    return year * 12 + month - 1 if year >= 1 and 1 <= month <= 12 else None


def _as_text(index: int) -> str:
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"
