"""Observed series: what has already happened, with sources, units and stated uncertainty.

``params/observed/series.yaml`` describes each series (the model quantity it
corresponds to, unit, reporter, whether that is a party to the war, relative
uncertainty) and gives its points, or names a CSV file beside it. These are
the targets of calibration and behaviour-reproduction tests.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field

from ..errors import InputError
from .limits import MAX_MAGNITUDE, MONTH_PATTERN, within_magnitude
from .paths import display, locate
from .schema import Strict, parse_file
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
            data.index = _dates(data.pop("date"), where, f"series.{name}.points")
        else:
            raise InputError(where, f"series.{name}", "expected 'points' or a 'file'")
        out[name] = Series(name, entry, data.sort_index())
    return out


def _dates(texts: pd.Series, where: str, key: str) -> pd.DatetimeIndex:
    """``YYYY-MM-DD`` texts as dates; the first that is not one is named."""
    dates = pd.to_datetime(texts, format="%Y-%m-%d", errors="coerce")
    bad = dates.isna()
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise InputError(where, f"{key}[{i}].date", f"expected a date as 'YYYY-MM-DD', got {texts.iloc[i]!r}")
    return pd.DatetimeIndex(dates)


def read_monthly_csv(path: Path, where: str, key: str) -> pd.DataFrame:
    """A CSV of monthly counts (columns ``month`` and ``casualties_in_month``) as a frame indexed by month start.

    Every problem is a one-line :class:`InputError` naming the file, the column and the row: a file that
    is missing, a folder, not UTF-8 text or not a table; a missing column; a month that is not ``YYYY-MM``
    or appears twice; a value that is empty, not a number, negative, infinite or beyond
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
    for row, month_text in enumerate(months, start=2):  # row 1 is the header
        if not MONTH_PATTERN.match(month_text):
            raise InputError(csv, f"{MONTH_COLUMN} (row {row})", f"expected a month as 'YYYY-MM', got {month_text!r}")
    repeated = months[months.duplicated()]
    if len(repeated):
        raise InputError(csv, f"{MONTH_COLUMN} (row {repeated.index[0] + 2})",
                         f"expected each month once, got {repeated.iloc[0]} twice")
    values = pd.to_numeric(texts, errors="coerce")
    for row, (text, value) in enumerate(zip(texts, values), start=2):
        if not (within_magnitude(value) and value >= 0):
            raise InputError(csv, f"{VALUE_COLUMN} (row {row})",
                             f"expected a finite number of persons >= 0 and at most {MAX_MAGNITUDE:g}, got {text!r}")
    return pd.DataFrame({"value": values.astype(float).to_numpy()},
                        index=pd.to_datetime(months + "-01", format="%Y-%m-%d"))
