"""A monthly record, checked: consecutive calendar months, each a finite positive count, enough of them.

Every model of :mod:`model.series` fits the logarithm of such a record. A record is built from any
``pandas.Series`` indexed by months (``Period``, month-start dates or ``'YYYY-MM'`` texts), or read from
``params/observed/`` by the name of a monthly series there. Whatever is malformed (a gap, a repeated
month, a value that is zero, negative, missing or infinite, fewer than :data:`MIN_MONTHS` months) raises
:class:`~model.errors.InputError` naming the series and the first bad month.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..inputs.observed import load_observed
from ..inputs.paths import display, locate
from ..inputs.start import CASUALTY_SERIES, SERIES_PATH  # noqa: F401 (CASUALTY_SERIES re-exported: the record fitted)

#: The fewest months a model is fitted to: a year, enough for a trend, the persistence of shocks and the
#: noise to be told apart at all (the fit's own uncertainty says how well).
MIN_MONTHS = 12


@dataclass(frozen=True)
class Record:
    """A checked monthly record.

    Attributes
    ----------
    name : str
        The series' name (``params/observed/series.yaml``) or the caller's label.
    months : pandas.PeriodIndex
        Consecutive calendar months, oldest first.
    values : numpy.ndarray
        The count in each month (persons per month), finite and > 0, shape ``(len(months),)``.
    """

    name: str
    months: pd.PeriodIndex
    values: np.ndarray

    @property
    def logs(self) -> np.ndarray:
        """Natural logarithm of the values: what every model here describes."""
        return np.log(self.values)

    @property
    def end(self) -> pd.Period:
        """The last month of data."""
        return self.months[-1]

    def through(self, month: str | pd.Period) -> Record:
        """The record up to and including ``month`` (what was known at a forecast origin)."""
        last = _month(month, self.name, "through")
        keep = self.months <= last
        return as_record(pd.Series(self.values[keep], index=self.months[keep]), self.name)

    def last(self, months: int | None) -> Record:
        """The record's last ``months`` months (all of it if ``None``): a fitting window."""
        if months is None:
            return self
        return as_record(self.to_series().iloc[-months:], self.name)

    def to_series(self) -> pd.Series:
        return pd.Series(self.values, index=self.months, name=self.name)


def _month(value, where: str, key: str) -> pd.Period:
    """``value`` ('YYYY-MM', a Period or a date) as a monthly Period, or an InputError."""
    try:
        return pd.Period(value, freq="M")
    except (ValueError, TypeError):
        raise InputError(where, key, f"expected a month as 'YYYY-MM', got {value!r}") from None


def as_record(values: pd.Series, name: str = "series") -> Record:
    """``values`` (a Series indexed by month) as a checked :class:`Record`, sorted by month.

    Raises
    ------
    InputError
        (``name``, the offending month or ``(index)``, what was expected): an index that is not months,
        a repeated or missing month, a value that is not finite and > 0, fewer than :data:`MIN_MONTHS` months.
    """
    if not isinstance(values, pd.Series):
        raise InputError(name, "(series)", f"expected a pandas Series indexed by month, got {type(values).__name__}")
    try:
        months = pd.PeriodIndex([pd.Period(m, freq="M") for m in values.index])
    except (ValueError, TypeError):
        raise InputError(name, "(index)", "expected months ('YYYY-MM', Period or dates) as the index") from None
    order = np.argsort(months.asi8, kind="stable")
    months, numbers = months[order], pd.to_numeric(values.iloc[order], errors="coerce").to_numpy(float)
    if len(months) < MIN_MONTHS:
        raise InputError(name, "(length)", f"expected at least {MIN_MONTHS} months, got {len(months)}")
    steps = np.diff(months.asi8)
    if (steps == 0).any():
        raise InputError(name, str(months[int(np.argmax(steps == 0)) + 1]), "expected each month once, got it twice")
    if (steps > 1).any():
        i = int(np.argmax(steps > 1))
        raise InputError(name, str(months[i] + 1), f"expected consecutive months, got a gap from {months[i]} "
                                                   f"to {months[i + 1]}")
    bad = ~(np.isfinite(numbers) & (numbers > 0))
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(name, str(months[i]), f"expected a finite count > 0 (its log is modelled), "
                                               f"got {values.iloc[order].iloc[i]!r}")
    return Record(name, months, numbers)


def load_record(name: str = CASUALTY_SERIES, folder: str | Path | None = None) -> Record:
    """The monthly series ``name`` of ``params/observed/series.yaml`` as a checked record."""
    observed = load_observed(folder)
    monthly = sorted(n for n, s in observed.items() if s.meta.kind == "monthly")
    if name not in monthly:
        raise InputError(display(locate(SERIES_PATH, folder)), name,
                         f"expected a monthly series, one of {', '.join(monthly) or '(none)'}")
    data = observed[name].data["value"]
    return as_record(data, name)
