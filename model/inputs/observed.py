"""Observed series: what has already happened, with sources, units and stated uncertainty.

``params/observed/series.yaml`` describes each series (the model quantity it
corresponds to, unit, reporter, whether that is a party to the war, relative
uncertainty) and gives its points, or names a CSV file beside it. These are
the targets of calibration and behaviour-reproduction tests.

A series' points are listed oldest first, each date once; each point's ``value`` is a count of persons > 0
(a target's standard deviation is a fraction of it) within its stated range, ``low <= value <= high`` (a
bound >= 0). A CSV file of monthly counts follows the casualty record's month rules
(:func:`model.inputs.start.check_months`), its counts finite and > 0.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field

from ..errors import InputError
from .limits import MAX_MAGNITUDE, within_magnitude
from .paths import display, locate
from .schema import Strict, parse_file
from .start import check_months
from .textfiles import read_text
from .units import conversion_factor

OBSERVED_FOLDER = "observed"
SERIES_FILE = "series.yaml"


class Point(Strict):
    date: str
    value: float
    low: float | None = None
    high: float | None = None


class SeriesEntry(Strict):
    description: str
    quantity: str
    kind: Literal["monthly", "cumulative", "stock", "annual"]
    unit: str
    source: str
    url: str | None
    party_claim: bool
    uncertainty: float = Field(gt=0)
    uncertainty_basis: str
    quote: str
    note: str | None = None
    points: list[Point] = []
    file: str | None = None


class SeriesFile(Strict):
    series: dict[str, SeriesEntry]


@dataclass(frozen=True)
class Series:
    """One observed series: its description (``meta``) and its values (``data``, indexed by date)."""

    name: str
    meta: SeriesEntry
    data: pd.DataFrame


#: The columns a series' CSV file must have: the month (``YYYY-MM``) and the persons counted in it.
MONTH_COLUMN, VALUE_COLUMN = "month", "casualties_in_month"
#: What each kind of series counts: persons per month for monthly series, persons otherwise.
_KIND_UNITS = {"monthly": "person / month", "cumulative": "person", "stock": "person", "annual": "person"}


def load_observed(folder: str | Path | None = None) -> dict[str, Series]:
    """Every observed series, validated: units parse, each has points or a readable file."""
    path = locate(f"{OBSERVED_FOLDER}/{SERIES_FILE}", folder)
    root = path.parent
    where = display(path)
    spec = parse_file(path, SeriesFile)
    out = {}
    for name, entry in spec.series.items():
        try:
            conversion_factor(entry.unit, _KIND_UNITS[entry.kind])
        except ValueError as exc:
            raise InputError(where, f"series.{name}.unit", f"{exc} (a {entry.kind} series)") from None
        if entry.file:
            data = read_monthly_csv(root / entry.file, where, f"series.{name}.file")
        elif entry.points:
            data = pd.DataFrame([p.model_dump() for p in entry.points])
            data.index = _point_dates(entry.points, where, f"series.{name}.points")
            for i, point in enumerate(entry.points):
                _check_range(point, where, f"series.{name}.points[{i}]")
        else:
            raise InputError(where, f"series.{name}", "expected 'points' or a 'file'")
        out[name] = Series(name, entry, data.sort_index())
    return out


def _point_dates(points: list[Point], where: str, key: str) -> pd.DatetimeIndex:
    """The points' ``YYYY-MM-DD`` dates, each after the previous point's; the first that is not is named."""
    dates: list[pd.Timestamp] = []
    for i, point in enumerate(points):
        date = pd.to_datetime(point.date, format="%Y-%m-%d", errors="coerce")
        if pd.isna(date):
            raise InputError(where, f"{key}[{i}].date", f"expected a date as 'YYYY-MM-DD', got {point.date!r}")
        if dates and date <= dates[-1]:
            rule = "each date once: a duplicate date" if date == dates[-1] else "points oldest first"
            raise InputError(where, f"{key}[{i}].date", f"expected a date after the previous point's "
                                                        f"{dates[-1]:%Y-%m-%d} ({rule}), got {point.date!r}")
        dates.append(date)
    return pd.DatetimeIndex(dates)


def _check_range(point: Point, where: str, key: str) -> None:
    """A point's numbers (persons): ``value`` > 0, ``low`` and ``high`` >= 0, ``low <= value <= high``."""
    if not point.value > 0:
        raise InputError(where, f"{key}.value", f"expected a count of persons > 0, got {point.value!r}")
    for bound in ("low", "high"):
        number = getattr(point, bound)
        if number is not None and not number >= 0:
            raise InputError(where, f"{key}.{bound}", f"expected a count of persons >= 0, got {number!r}")
    if point.low is not None and point.high is not None and point.low > point.high:
        raise InputError(where, f"{key}.low", f"expected low <= high ({point.high:g}), got {point.low:g}")
    if point.low is not None and point.value < point.low:
        raise InputError(where, f"{key}.value", f"expected low <= value (low {point.low:g}), got {point.value:g}")
    if point.high is not None and point.value > point.high:
        raise InputError(where, f"{key}.value", f"expected value <= high (high {point.high:g}), got {point.value:g}")


def read_monthly_csv(path: Path, where: str, key: str) -> pd.DataFrame:
    """A CSV of monthly counts (columns ``month`` and ``casualties_in_month``) as a frame indexed by month start.

    Every problem is a one-line :class:`InputError` naming the file, the column and the row: a file that
    is missing, a folder, not UTF-8 text or not a table; a missing column; no row; a month that breaks the
    record's month rules (:func:`model.inputs.start.check_months`: ``YYYY-MM``, each the month after the
    previous row's); a value that is empty, not a number, not > 0, infinite or beyond
    :data:`model.inputs.limits.MAX_MAGNITUDE`.
    """
    csv = display(path)
    if not Path(path).exists():
        raise InputError(where, key, f"expected a CSV file beside it, {csv} not found")
    try:
        table = pd.read_csv(io.StringIO(read_text(path)), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(csv, "(file)", f"expected a CSV table ({' '.join(str(exc).split())})") from None
    for column in (MONTH_COLUMN, VALUE_COLUMN):
        if column not in table.columns:
            raise InputError(csv, column, f"required column is missing (columns: {', '.join(table.columns)})")
    months, texts = table[MONTH_COLUMN].str.strip(), table[VALUE_COLUMN].str.strip()
    check_months(list(months), csv)  # row 1 is the header
    values = pd.to_numeric(texts, errors="coerce")
    for row, (text, value) in enumerate(zip(texts, values), start=2):
        if not (within_magnitude(value) and value > 0):
            raise InputError(csv, f"{VALUE_COLUMN} (row {row})",
                             f"expected a finite number of persons > 0 and at most {MAX_MAGNITUDE:g}, got {text!r}")
    return pd.DataFrame({"value": values.astype(float).to_numpy()},
                        index=pd.to_datetime(months + "-01", format="%Y-%m-%d"))
