"""Observed series: what has already happened, with sources, units and stated uncertainty.

``params/observed/series.yaml`` describes each series (the model quantity it
corresponds to, unit, reporter, whether that is a party to the war, relative
uncertainty) and gives its points, or names a CSV file beside it. These are
the targets of calibration and behaviour-reproduction tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import Field

from .errors import InputError
from .paths import display, locate
from .registry import _Strict, parse_file
from .units import parse_unit

OBSERVED_FOLDER = "observed"
SERIES_FILE = "series.yaml"


class Point(_Strict):
    date: str
    value: float
    low: float | None = None
    high: float | None = None


class SeriesEntry(_Strict):
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
    points: list[Point] = []
    file: str | None = None


class SeriesFile(_Strict):
    series: dict[str, SeriesEntry]


@dataclass(frozen=True)
class Series:
    """One observed series: its description (``meta``) and its values (``data``, indexed by date)."""

    name: str
    meta: SeriesEntry
    data: pd.DataFrame


def load_observed(folder: str | Path | None = None) -> dict[str, Series]:
    """Every observed series, validated: units parse, each has points or a readable file."""
    path = locate(f"{OBSERVED_FOLDER}/{SERIES_FILE}", folder)
    root = path.parent
    where = display(path)
    spec = parse_file(path, SeriesFile)
    out = {}
    for name, entry in spec.series.items():
        try:
            parse_unit(entry.unit)
        except ValueError as exc:
            raise InputError(where, f"series.{name}.unit", str(exc)) from None
        if entry.file:
            table = pd.read_csv(root / entry.file)
            data = pd.DataFrame({"value": table["casualties_in_month"].astype(float).values},
                                index=pd.to_datetime(table["month"] + "-01"))
        elif entry.points:
            data = pd.DataFrame([p.model_dump() for p in entry.points])
            data.index = pd.to_datetime(data.pop("date"))
        else:
            raise InputError(where, f"series.{name}", "expected 'points' or a 'file'")
        out[name] = Series(name, entry, data.sort_index())
    return out
