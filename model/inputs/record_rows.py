"""The casualty record's CSV checked row by row, as strictly as an analyst's appended month deserves.

``manpower update`` runs :func:`check_record_rows` before it writes anything. Beyond what every reader of
the record checks (the month rules of :func:`model.inputs.start.check_months`, applied here row by row, and
by :func:`model.inputs.observed.read_monthly_csv` a finite count), each row must hold:

- ``month``: ``YYYY-MM``, the month after the previous row's (no gap, no repeat, oldest first; the same rule
  and message as every command's reading of the record);
- ``avg_daily_casualties``: a finite number of persons per day > 0;
- ``days``: the number of days of that calendar month;
- ``casualties_in_month``: a finite number of persons > 0 (at most :data:`model.inputs.limits.MAX_MAGNITUDE`),
  equal to ``avg_daily_casualties x days`` up to the rounding of the daily average to whole persons
  (at most half a person per day);
- ``source`` and ``source_url``: not empty, the URL an ``http(s)://`` address.

Blank lines are skipped. The first bad row raises :class:`~model.errors.InputError` naming the file, the column
and the row (its line in the file: row 1 is the header) and what was expected.
"""

from __future__ import annotations

import calendar
import csv
import io
import math
from pathlib import Path

from ..errors import InputError
from .limits import MAX_MAGNITUDE
from .paths import display
from .start import check_months, check_next_month
from .textfiles import read_text

#: The record's columns, in the shipped file's order.
COLUMNS = ("month", "avg_daily_casualties", "days", "casualties_in_month", "source", "source_url")


def check_record_rows(path: Path) -> list[str]:
    """Check the record's CSV at ``path`` (see the module's rules); return its months, oldest first."""
    where = display(path)
    rows = list(csv.reader(io.StringIO(read_text(path))))
    header = [name.strip() for name in rows[0]] if rows else []
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise InputError(where, missing[0], f"expected the columns {', '.join(COLUMNS)} (got {', '.join(header)})")
    months: list[str] = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line (an editor's trailing newline), skipped as every CSV reader here skips it
        if len(cells) != len(header):
            raise InputError(where, f"row {number}", f"expected {len(header)} comma-separated cells, got {len(cells)} "
                                                     "(a comma inside a source needs quotes)")
        row = {name: cell.strip() for name, cell in zip(header, cells)}
        months.append(_check_row(row, months[-1] if months else None, where, number))
    if not months:
        check_months(months, where)  # refused: no month at all, as every reader refuses it
    return months


def _check_row(row: dict[str, str], previous: str | None, where: str, number: int) -> str:
    """One row's checks; return its month."""
    def bad(column: str, expected: str) -> InputError:
        return InputError(where, f"{column} (row {number})", f"{expected}, got {row[column]!r}")

    month = row["month"]
    check_next_month(month, previous, where, number)
    year, moon = int(month[:4]), int(month[5:])
    daily = _positive(row["avg_daily_casualties"])
    if daily is None:
        raise bad("avg_daily_casualties", "expected a finite number of persons per day > 0")
    days = calendar.monthrange(year, moon)[1]
    if row["days"] != str(days):
        raise bad("days", f"expected {days}, the days of {month}")
    count = _positive(row["casualties_in_month"])
    if count is None or count > MAX_MAGNITUDE:
        raise bad("casualties_in_month", f"expected a finite number of persons > 0, at most {MAX_MAGNITUDE:g}")
    if abs(count - daily * days) > 0.5 * days:
        raise bad("casualties_in_month", f"expected avg_daily_casualties x days = {daily * days:,.0f} (up to the "
                                         "rounding of the daily average)")
    if not row["source"]:
        raise bad("source", "expected who published the figure")
    if not row["source_url"].startswith(("https://", "http://")):
        raise bad("source_url", "expected the address (http:// or https://) where the figure was published")
    return month


def _positive(text: str) -> float | None:
    """``text`` as a finite number > 0, else None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None
