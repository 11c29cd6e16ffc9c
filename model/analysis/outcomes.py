"""Outcomes of interest for scenario discovery: which runs of a Monte Carlo or a sweep show them.

An outcome is named by a short text (the ``--outcome`` of ``manpower discover``):

``deficit_before:YYYY-MM``
    Permanent losses exceed inflow in at least one month that starts before the first of ``YYYY-MM`` (the
    month itself excluded). Read from the ``inflow`` and ``losses`` series, or from the per-run
    ``first_deficit_month`` (months from the start, a sweep metric) and the start month.
``front_below_start``
    Front strength at the end of the horizon is below its own start (read from ``front_total``, or from the
    sweep metric ``front_change``).
``pool_exhausted:SOURCE``
    The finite pool of ``SOURCE`` runs dry for good within the horizon (:func:`model.results.summary.
    pool_exhaustion`; the Monte Carlo must keep the ``pool`` output).
``METRIC<VALUE``, ``METRIC>VALUE`` (also ``<=``, ``>=``)
    A per-run number below or above a threshold in its own unit: a sweep metric (``net_horizon<0``), or for a
    Monte Carlo a headline number of :func:`model.results.summary.headline` (``net_12m``, ``front_change``, ...).

:func:`parse_outcome` turns the text into an :class:`Outcome` (refusing a malformed one with an
:class:`~model.errors.InputError` naming ``where``); :meth:`Outcome.evaluate` gives one boolean per run.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from ..core.structure import POOLED
from ..errors import InputError
from ..inputs import limits
from ..results.summary import headline, pool_exhaustion
from .boxwords import significant

#: The named outcomes, as ``--outcome`` spells them (for messages and ``--help``).
OUTCOME_FORMS = ("deficit_before:YYYY-MM", "front_below_start", "pool_exhausted:SOURCE", "METRIC<VALUE",
                 "METRIC>VALUE")
_COMPARISONS: dict[str, Callable] = {"<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}
_THRESHOLD = re.compile(r"^\s*([A-Za-z_]\w*)\s*(<=|>=|<|>)\s*(\S+)\s*$")
_WORDS = {"<": "below", "<=": "at most", ">": "above", ">=": "at least"}


@dataclass(frozen=True)
class Outcome:
    """An outcome of interest: its text, what it says in words, what a Monte Carlo must keep to show it."""

    text: str
    #: A clause that can open a sentence: "permanent losses exceed inflow in some month before June 2026".
    phrase: str
    #: Outputs of :func:`model.simulate` a Monte Carlo must keep (besides the defaults) to evaluate it.
    outputs: tuple[str, ...]
    _evaluate: Callable[[xr.Dataset, str], np.ndarray]
    #: For ``deficit_before``: the first of the month the deficit must come before.
    before: pd.Timestamp | None = None
    #: For ``METRIC<VALUE`` and the like: the per-run number compared.
    metric: str | None = None

    def evaluate(self, result: xr.Dataset, where: str = "discover") -> np.ndarray:
        """One boolean per run of ``result`` (a Monte Carlo or a sweep store): does the outcome happen?"""
        values = np.asarray(self._evaluate(result, where), dtype=bool)
        return values.reshape(-1)


def parse_outcome(text: str, where: str = "outcome", labels: Mapping[str, str] | None = None) -> Outcome:
    """The :class:`Outcome` that ``text`` names (see the module's forms); an :class:`InputError` naming ``where``
    and what was expected otherwise. ``labels`` names per-run numbers in words for the phrase (a sweep metric's
    ``long_name``, say); a number without one is named by itself."""
    text = str(text).strip()
    name, _, argument = text.partition(":")
    if name == "deficit_before":
        return _deficit_before(text, argument, where)
    if name == "front_below_start" and not argument:
        return Outcome(text, "the front ends the horizon below its starting strength", (), _front_below_start)
    if name == "pool_exhausted":
        if argument not in POOLED:
            raise InputError(where, text, f"expected pool_exhausted:SOURCE with SOURCE one of {', '.join(POOLED)}")
        return Outcome(text, f"the {argument} pool runs dry within the horizon", ("pool",),
                       lambda ds, at: _pool_exhausted(ds, argument, at))
    found = _THRESHOLD.match(text)
    if found:
        metric, sign, raw = found.groups()
        try:
            value = limits.finite(float(raw), where, text)
        except ValueError:
            raise InputError(where, text, f"expected a number after {sign}, got {raw!r}") from None
        name = (labels or {}).get(metric, metric)
        return Outcome(text, f"{name} is {_WORDS[sign]} {significant(value, 4)}", (),
                       lambda ds, at: _compare(ds, metric, sign, value, at), metric=metric)
    raise InputError(where, text, f"expected one of {', '.join(OUTCOME_FORMS)}")


def _deficit_before(text: str, month: str, where: str) -> Outcome:
    limits.month(month, where, text)
    when = pd.Timestamp(f"{month}-01")
    return Outcome(text, f"permanent losses exceed inflow in some month before {when:%B %Y}", (),
                   lambda ds, at: _deficits_before(ds, when, text, at), when)


def _deficits_before(ds: xr.Dataset, when: pd.Timestamp, text: str, where: str) -> np.ndarray:
    if {"inflow", "losses"} <= set(ds.data_vars):
        months = pd.DatetimeIndex(ds.time.values)
        _check_between(months[0], months[-1], when, text, where)
        deficit = (ds.losses > ds.inflow).isel(time=slice(0, -1))
        return deficit.isel(time=np.flatnonzero(months[:-1] < when)).any("time").transpose("run").values
    if "first_deficit_month" in ds and ds.attrs.get("start") and ds.attrs.get("months"):
        first = pd.Timestamp(f"{ds.attrs['start']}-01")
        check_within(ds.attrs["start"], int(ds.attrs["months"]), when, text, where)
        before = (when.year - first.year) * 12 + when.month - first.month  # months from the start to ``when``
        return (ds.first_deficit_month < before).values  # NaN (no deficit) compares False
    raise InputError(where, text, "expected a result with the inflow and losses series, or the metric "
                     "first_deficit_month with the start month")


def check_within(start: str, months: int, when: pd.Timestamp, text: str, where: str) -> None:
    """Refuse a deficit's month outside a horizon of ``months`` months from ``start`` (``'YYYY-MM'``)."""
    first = pd.Timestamp(f"{start}-01")
    _check_between(first, first + pd.DateOffset(months=int(months)), when, text, where)


def _check_between(first: pd.Timestamp, last: pd.Timestamp, when: pd.Timestamp, text: str, where: str) -> None:
    """A month after the result's first month and not after its horizon (beyond it, a run without a deficit within
    the horizon might have one before ``when``: the answer is unknown)."""
    if not first < when <= last:
        raise InputError(where, text, f"expected a month after the start ({first:%Y-%m}) and not after the end of the "
                         f"horizon ({last:%Y-%m})")


def _front_below_start(ds: xr.Dataset, where: str) -> np.ndarray:
    if "front_total" in ds and "time" in ds.front_total.dims:
        return (ds.front_total.isel(time=-1) < ds.front_total.isel(time=0)).values
    if "front_change" in ds:
        return (ds.front_change < 0).values
    raise InputError(where, "front_below_start", "expected a result with front_total or the metric front_change")


def _pool_exhausted(ds: xr.Dataset, source: str, where: str) -> np.ndarray:
    if "pool" not in ds:
        raise InputError(where, f"pool_exhausted:{source}", "expected a result that kept the pool output (a Monte "
                         "Carlo with variables including 'pool', or a sweep keeping the pool series)")
    return (~np.isnan(pool_exhaustion(ds).sel(source=source))).transpose("run").values


def _compare(ds: xr.Dataset, metric: str, sign: str, value: float, where: str) -> np.ndarray:
    numbers = per_run_numbers(ds)
    if metric not in numbers:
        raise InputError(where, f"{metric}{sign}{value:g}", f"expected a per-run number of the result, one of "
                         f"{', '.join(sorted(numbers)) or '(none)'}")
    values = np.asarray(numbers[metric], dtype=float)
    # A missing number is an event that did not happen within the horizon (a first deficit month, a pool's
    # exhaustion): later than any month, so above every threshold and below none.
    return _COMPARISONS[sign](np.where(np.isnan(values), np.inf, values), value)


def per_run_numbers(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """Every per-run number of a result: its variables along ``run`` alone (sweep metrics, sampled parameters)
    and, for a result with the monthly series, the headline numbers of :func:`model.results.summary.headline`."""
    numbers = {name: ds[name].values for name in ds.data_vars if ds[name].dims == ("run",)}
    if {"front_total", "inflow", "losses", "net"} <= set(ds.data_vars):
        numbers.update({name: values.values for name, values in headline(ds).items()
                        if values.dims == ("run",)})
    return numbers
