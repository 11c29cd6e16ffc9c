"""Summary tables written for spreadsheets: ``--csv FILE`` and ``--xlsx FILE`` of ``run``, ``compare``,
``uncertainty`` and ``sweep``.

A command's summary is a list of :class:`Table` objects whose column headers carry their units
(``inflow (persons/month)``). The CSV file holds the first table; the XLSX workbook (written with openpyxl)
holds every table as a sheet, and a last sheet ``about`` says where the numbers come from: the scenario or
sweep, the parameters' digest, the model's version, the command and the date.

Numbers are rounded as they are meant (:func:`rounded`): persons (and roubles) to whole numbers, shares to 4
decimals, percents to 2, any other number to 4 significant figures; never 16-digit floats. Both files are
written atomically: a refused or interrupted export leaves no file behind.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core import numbers

from ..errors import InputError
from ..results.io import atomic_write, check_output
from .console import PERCENT, PERSONS, RATE, SHARE, SIGNED, TEXT

#: The suffix each export option's file must have.
SUFFIXES = {"--csv": ".csv", "--xlsx": ".xlsx"}
#: Decimals a share and a percent keep in a file; significant figures of any other number.
SHARE_DECIMALS, PERCENT_DECIMALS, RATE_FIGURES = 4, 2, 4


@dataclass(frozen=True)
class Table:
    """One table of a summary: a sheet ``name`` (at most 31 characters, as Excel wants), the ``frame`` whose
    headers carry units, and the kind of each column's numbers (:mod:`model.present.console`; persons when not
    given) that decides its rounding."""

    name: str
    frame: pd.DataFrame
    kinds: Mapping[str, str] = field(default_factory=dict)


def with_unit(label: str, unit: str) -> str:
    """A header with its unit: ``with_unit("inflow", "persons/month")`` is ``"inflow (persons/month)"``."""
    return f"{label} ({unit})"


def check_export(path: str | Path, option: str) -> Path:
    """Refuse, before any work, an export file ``path`` given with ``option`` (``--csv`` or ``--xlsx``) that has
    the wrong suffix or cannot be written, and ``--xlsx`` without openpyxl; create nothing."""
    suffix = SUFFIXES[option]
    if Path(str(path)).suffix.lower() != suffix:
        raise InputError(option, str(path), f"expected a file name ending in {suffix}")
    if option == "--xlsx" and importlib.util.find_spec("openpyxl") is None:
        raise InputError(option, str(path), "expected openpyxl installed to write .xlsx: pip install openpyxl")
    return check_output(path, option, file=True)


def _significant(values: pd.Series, figures: int) -> pd.Series:
    return values.astype(float).map(lambda v: numbers.rounded(v, figures))


def rounded(table: Table) -> pd.DataFrame:
    """The table's numbers rounded as their kinds are meant (see the module docstring); persons as whole numbers
    (an empty cell where a value is missing)."""
    frame = table.frame.copy()
    for column in frame.columns:
        if frame[column].dtype.kind not in "fiu":
            continue
        kind = table.kinds.get(column, PERSONS)
        if kind in (PERSONS, SIGNED):
            frame[column] = frame[column].round(0).astype("Int64")
        elif kind == SHARE:
            frame[column] = frame[column].round(SHARE_DECIMALS)
        elif kind == PERCENT:
            frame[column] = frame[column].round(PERCENT_DECIMALS)
        elif kind == RATE:
            frame[column] = _significant(frame[column], RATE_FIGURES)
        elif kind != TEXT:
            raise ValueError(f"{table.name}: {column}: unknown kind {kind!r}")
    return frame


def write_csv(table: Table, path: str | Path) -> Path:
    """The table as CSV (its row labels as the first columns), rounded, atomically."""
    frame = rounded(table)
    return atomic_write(Path(path), lambda tmp: frame.to_csv(tmp, encoding="utf-8"))


def write_xlsx(tables: Sequence[Table], about: Mapping[str, str], path: str | Path) -> Path:
    """Every table as a sheet, then the sheet ``about`` (field, value), rounded, atomically."""
    from openpyxl.utils import get_column_letter

    def write(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            for table in tables:
                rounded(table).to_excel(writer, sheet_name=table.name[:31])
                sheet = writer.sheets[table.name[:31]]
                for i, header in enumerate([*table.frame.index.names, *table.frame.columns], start=1):
                    sheet.column_dimensions[get_column_letter(i)].width = max(10, min(len(str(header)) + 2, 40))
            pd.DataFrame({"value": dict(about)}).rename_axis("field").to_excel(writer, sheet_name="about")
            writer.sheets["about"].column_dimensions["A"].width = 14
            writer.sheets["about"].column_dimensions["B"].width = 100

    return atomic_write(Path(path), write)


def about(source: str, digest: str, command: str | None, created: str | None = None) -> dict[str, str]:
    """The ``about`` sheet's fields: what the numbers are of (``source``), the parameters' or sweep's
    ``digest``, the model's version, the ``command`` that wrote them and the date."""
    from datetime import date

    from .._version import __version__

    return {"source": source, "digest": digest, "model version": __version__,
            "command": command or "(Python)", "created": created or date.today().isoformat()}


def write_exports(tables: Sequence[Table], info: Mapping[str, str], csv: str | Path | None = None,
                  xlsx: str | Path | None = None) -> list[Path]:
    """Write the CSV (the first table) and the XLSX workbook (every table and ``about``) that were asked for;
    returns their paths."""
    written = []
    if csv is not None:
        written.append(write_csv(tables[0], csv))
    if xlsx is not None:
        written.append(write_xlsx(tables, info, xlsx))
    return written
