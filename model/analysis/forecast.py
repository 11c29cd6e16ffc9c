"""A forecast as it is published: quantiles of the headline outputs for every projected month, with its provenance.

:func:`forecast` runs the Monte Carlo of :func:`model.uncertainty` and keeps, for each headline output
(:data:`HEADLINES`) and each month, the quantiles :data:`QUANTILES`; :func:`forecast_document` adds what a
later scorer needs to know the forecast by: the month the data end, the data's digest, the code version,
the seed, the number of runs, the date it was made and the parameters' digest. ``manpower update`` writes
that document to a dated file that is never overwritten (:mod:`model.present.update`).

Time semantics are the model's (:func:`model.simulate`): a flow under a month is its total over that month
(persons), a stock under a month its value at the start of that month (persons); so the flows have one
value per projected month and the front strength one more, at the horizon's end.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from .._version import __version__
from ..core.defaults import BASELINE, DEFAULT_DT, DEFAULT_MONTHS
from ..errors import InputError
from ..inputs.parameters import ParameterSet
from ..inputs.start import is_month
from ..results.outputs import OUTPUTS
from .arguments import as_params
from .uncertainty import uncertainty

#: The headline outputs a forecast holds (names of :data:`model.results.outputs.OUTPUTS`); ``casualties`` (summed
#: over sources, persons per month) is the quantity the monthly record measures, so it can be scored later.
HEADLINES = ("front_total", "inflow", "losses", "net", "casualties")
#: The quantiles of each output and month (probabilities).
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Monte Carlo runs of a published forecast.
DEFAULT_RUNS = 2000


@dataclass(frozen=True)
class Forecast:
    """Quantiles of the headline outputs by month, and how they were made.

    Attributes
    ----------
    quantiles : xarray.Dataset
        One variable per :data:`HEADLINES` output, dimensions ``quantile`` (:data:`QUANTILES`) and ``time``
        (months; a flow's NaN in the last, end-state month dropped), in persons.
    params : ParameterSet
        The scenario the runs sampled.
    n, seed : int
        Runs and seed of the sample.
    start : str
        The first projected month, ``'YYYY-MM'``.
    """

    quantiles: xr.Dataset
    params: ParameterSet
    n: int
    seed: int
    start: str


def forecast(params: ParameterSet | str = BASELINE, n: int = DEFAULT_RUNS, seed: int = 0,
             months: int = DEFAULT_MONTHS, dt: float = DEFAULT_DT, start: str | None = None) -> Forecast:
    """The quantiles of the headline outputs over ``n`` Monte Carlo runs of ``params`` (see :func:`model.uncertainty`;
    ``start`` None is the month after the data)."""
    params = as_params(params, "forecast")
    runs = uncertainty(params, n=n, seed=seed, months=months, dt=dt, start=start, variables=list(HEADLINES))
    ends = {name: None if OUTPUTS[name].kind == "stock" else -1 for name in HEADLINES}  # a flow's last month is NaN
    totals = {name: runs[name].sum("source", skipna=False) if "source" in runs[name].dims else runs[name]
              for name in HEADLINES}
    kept = xr.Dataset({name: totals[name].isel(time=slice(None, end)).quantile(list(QUANTILES), dim="run")
                       for name, end in ends.items()}).assign_attrs(runs.attrs)
    return Forecast(kept, params, n, seed, str(runs.attrs["start"]))


def forecast_document(made: Forecast, data_end: str, data_digest: str, files: dict[str, str | None] | None = None,
                      today: datetime.date | None = None) -> dict:
    """The forecast as a plain document (what the forecast file holds): its provenance (``files``: the SHA-256 of
    parameter files by path), then by output the quantiles of each month (``'YYYY-MM': [q05, q25, q50, q75, q95]``,
    persons, rounded to whole persons)."""
    ds = made.quantiles
    months = pd.DatetimeIndex(ds.time.values).strftime("%Y-%m")
    series = {}
    for name in HEADLINES:
        values = ds[name].transpose("time", "quantile").values
        series[name] = {month: [round(float(v)) for v in row] for month, row in zip(months, values)
                        if np.isfinite(row).all()}
    return {
        "data_end": data_end,
        "start": made.start,
        "made": (today or datetime.date.today()).isoformat(),
        "code_version": __version__,
        "data_digest": data_digest,
        "scenario": made.params.scenario,
        "params_digest": made.params.digest(),
        "params_files": dict(files or {}),
        "casualty_process": made.quantiles.attrs.get("casualty_process", ""),
        "parameters_from": made.quantiles.attrs.get("parameters_from", made.params.parameters_from),
        "seed": made.seed,
        "n_runs": made.n,
        "quantiles": list(QUANTILES),
        "units": {name: OUTPUTS[name].units for name in HEADLINES},
        "outputs": {name: OUTPUTS[name].long_name for name in HEADLINES},
        "time_semantics": "a flow under a month is its total over that month; front strength under a month is its "
                          "value at the start of that month (the last month listed: the horizon's end)",
        "series": series,
    }


#: The stored output a later month of the record scores: the casualties it measures.
SCORED = "casualties"


def check_forecast_document(document: object, where: str) -> dict:
    """A kept forecast file's document (``where``: the file, for the message) checked for what scoring reads: a
    mapping; ``data_end`` (and ``record_known_to``, when present) a month ``'YYYY-MM'``; ``quantiles`` (default
    :data:`QUANTILES`) numbers that include every one of :data:`QUANTILES`, in increasing order; ``series`` a mapping
    whose :data:`SCORED` output, when present, maps months to one finite, non-decreasing number per quantile
    (persons per month). Raises :class:`~model.errors.InputError` naming the key; returns the document. Other keys
    (provenance, outputs that are not scored) are not read by scoring and are left as they are."""
    if not isinstance(document, dict):
        raise InputError(where, "(document)", f"expected a forecast as a mapping of keys, got {_kind(document)}")
    for key in ("data_end", "record_known_to"):
        if (key in document or key == "data_end") and not is_month(document.get(key)):
            raise InputError(where, key, f"expected a month as 'YYYY-MM', got {document.get(key)!r}")
    quantiles = document.get("quantiles", list(QUANTILES))
    if (not isinstance(quantiles, list) or not all(_is_number(q) and 0 < q < 1 for q in quantiles)
            or sorted(set(quantiles)) != quantiles or not set(QUANTILES) <= set(quantiles)):
        raise InputError(where, "quantiles", f"expected increasing probabilities including {list(QUANTILES)}, "
                                             f"got {quantiles!r}")
    series = document.get("series", {})
    if not isinstance(series, dict):
        raise InputError(where, "series", f"expected a mapping of outputs, got {_kind(series)}")
    scored = series.get(SCORED, {})
    if not isinstance(scored, dict):
        raise InputError(where, f"series.{SCORED}", f"expected a mapping of months, got {_kind(scored)}")
    for month, values in scored.items():
        key = f"series.{SCORED}.{month}"
        if not is_month(month):
            raise InputError(where, key, f"expected a month as 'YYYY-MM', got {month!r}")
        if (not isinstance(values, list) or len(values) != len(quantiles)
                or not all(_is_number(v) and np.isfinite(v) for v in values) or values != sorted(values)):
            raise InputError(where, key, f"expected {len(quantiles)} finite numbers of persons, one per quantile, "
                                         f"in increasing order, got {values!r}")
    return document


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _kind(value: object) -> str:
    return "nothing" if value is None else f"a {type(value).__name__}"


def interval_score(observed: float, quantiles: dict[float, float]) -> float:
    """The weighted interval score of a forecast given as central intervals and a median (persons per month; lower is
    better; Bracher, Ray, Gneiting and Reich 2021, doi:10.1371/journal.pcbi.1008618): with ``K`` intervals of levels
    ``1 - alpha``, ``(0.5 |y - median| + sum alpha/2 IS_alpha) / (K + 1/2)``, ``IS_alpha = (u - l) + 2/alpha (l - y)_+
    + 2/alpha (y - u)_+``. A proper score, approximating the CRPS as the intervals multiply."""
    levels = sorted(q for q in quantiles if q < 0.5)
    total = 0.5 * abs(observed - quantiles[0.5])
    for low in levels:
        alpha = 2 * low
        lower, upper = quantiles[low], quantiles[1 - low]
        width = (upper - lower) + 2 / alpha * max(lower - observed, 0.0) + 2 / alpha * max(observed - upper, 0.0)
        total += alpha / 2 * width
    return total / (len(levels) + 0.5)


def score_forecasts(documents: dict[str, dict], record: pd.Series) -> pd.DataFrame:
    """Every stored forecast's casualty months that the ``record`` (persons per month by ``'YYYY-MM'``) now holds,
    scored: whether the central 50% and 90% intervals cover the recorded value, and the weighted interval score.

    ``documents`` are forecast documents (:func:`forecast_document`) by name; a document without the scored output
    (written before it was kept) contributes nothing. One row per forecast and month, by name and month;
    ``counted`` marks the rows a pooled score counts (:func:`counted_forecasts`).
    """
    counted = counted_forecasts(documents)
    rows = []
    for name, document in documents.items():
        series = document.get("series", {}).get(SCORED, {})
        probabilities = [float(p) for p in document.get("quantiles", QUANTILES)]
        for month, values in series.items():
            month = str(month)
            if month not in record.index:
                continue
            q = dict(zip(probabilities, (float(v) for v in values)))
            y = float(record[month])
            rows.append({"forecast": name, "made": str(document.get("made", "")), "month": month,
                         "months_ahead": _months_between(str(document.get("data_end", month)), month),
                         "observed": y, "median": q[0.5], "cover50": q[0.25] <= y <= q[0.75],
                         "cover90": q[0.05] <= y <= q[0.95], "interval_score": interval_score(y, q),
                         "counted": name in counted})
    columns = ["forecast", "made", "month", "months_ahead", "observed", "median", "cover50", "cover90",
               "interval_score", "counted"]
    return pd.DataFrame(rows, columns=columns)


def counted_forecasts(documents: dict[str, dict]) -> set[str]:
    """The forecasts a pooled score counts: for each data end, the first forecast made when the record ended there
    (by ``made``, then by the file's ``_2``, ``_3`` suffix). A second forecast of the same data repeats the
    information of the first, and one made after the fact (``record_known_to`` later than its ``data_end``,
    ``manpower update --through``) was not made at the time: counting either would score one forecast twice or
    score hindsight."""
    def order(item: tuple[str, dict]) -> tuple[str, int, str]:
        name, document = item
        suffix = re.search(r"_(\d+)\.ya?ml$", name)
        return str(document.get("made", "")), int(suffix.group(1)) if suffix else 1, name

    first: dict[str, str] = {}
    for name, document in sorted(documents.items(), key=order):
        end = str(document.get("data_end", ""))
        if str(document.get("record_known_to", end)) == end:
            first.setdefault(end, name)
    return set(first.values())


def _months_between(first: str, last: str) -> int:
    return (pd.Period(last, freq="M") - pd.Period(first, freq="M")).n
