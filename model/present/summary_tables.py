"""The summary tables a command exports (``--csv``, ``--xlsx``): each a :class:`~model.present.exports.Table`
whose headers carry units, built from the command's result.

``run``: the run month by month (stocks in persons at the start of each month, flows in persons per month)
and its average monthly balance; ``uncertainty``: percentiles over runs of the headline numbers, and month by
month; ``compare``: the comparison table; ``sweep``: percentiles over each scenario's runs of every metric the
store keeps.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr

from ..core.defaults import PERCENTILES
from .console import PERCENT, PERSONS, RATE, SHARE, TEXT
from .exports import Table, with_unit

#: The run's series exported month by month, in this order (those the dataset holds).
RUN_SERIES = ("front_total", "armed_forces", "inflow", "losses", "net", "casualties_total", "deaths")
#: The column of a sweep's summary that counts each scenario's runs.
RUNS = "runs"


def unit_of(da: xr.DataArray) -> str:
    """The unit of a dataset's variable as a header says it: ``persons``, ``persons/month`` for a flow (a sum
    over each month), ``roubles``, ``months``, ``ratio``."""
    label = str(da.attrs.get("unit_label", "")) or "dimensionless"
    label = {"dimensionless": "ratio", "persons per month": "persons/month"}.get(label, label)
    if da.attrs.get("cell_methods") == "time: sum" and "time" in da.dims and "/" not in label:
        return f"{label}/month"
    return label


def kind_of(unit: str) -> str:
    """How a number in ``unit`` is rounded and printed: counts of persons, roubles and months as whole numbers,
    ratios to significant figures."""
    return RATE if unit == "ratio" else PERSONS


def name_of(da: xr.DataArray) -> str:
    """A variable's name without the unit its ``long_name`` ends with (``total inflow (persons)``)."""
    return str(da.attrs.get("long_name", da.name)).split(" (")[0]


def months(ds: xr.Dataset) -> pd.Index:
    return pd.Index(pd.DatetimeIndex(ds.time.values).strftime("%Y-%m"), name="month")


def run_tables(ds: xr.Dataset) -> list[Table]:
    """A run's export: ``monthly`` (its series, by source where it has one) and ``balance`` (average monthly
    inflow by source against permanent losses, over the first year and the horizon)."""
    from ..results.summary import monthly_balance_table

    columns, kinds = {}, {}
    for name in RUN_SERIES:
        if name in ds:
            header = with_unit(name_of(ds[name]), unit_of(ds[name]))
            columns[header], kinds[header] = ds[name].values, kind_of(unit_of(ds[name]))
    for variable in ("recruitment", "pool"):
        for source in ds.source.values:
            da = ds[variable].sel(source=source)
            header = with_unit(f"{name_of(ds[variable])}: {source}", unit_of(ds[variable]))
            columns[header], kinds[header] = da.values, PERSONS
    monthly = pd.DataFrame(columns, index=months(ds))
    balance = monthly_balance_table(ds)
    balance.columns = [with_unit(c.split(",")[0], "persons/month") for c in balance.columns]
    balance.index.name = "average"
    return [Table("monthly", monthly, kinds), Table("balance", balance)]


def uncertainty_tables(ds: xr.Dataset, threshold: float | None = None, share: float = 1.0) -> list[Table]:
    """A Monte Carlo's export: ``percentiles`` (over runs, of the headline numbers) and ``monthly`` (percentiles
    of front strength, inflow, permanent losses and the net balance, and the shares of runs in deficit and with
    the front below ``threshold`` persons, or ``share`` of its own start, month by month)."""
    from ..analysis.uncertainty import deficit_probability, front_below, percentiles

    headline = percentiles(ds, PERCENTILES).T
    units = {"monthly inflow, first month": "persons/month", "monthly permanent losses, first month":
             "persons/month"}
    headline.columns = [with_unit(c, units.get(c, "persons")) for c in headline.columns]
    headline.index.name = "percentile"
    columns, kinds = {}, {}
    for name in ("front_total", "inflow", "losses", "net"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the horizon's last month has no flows: all NaN
            values = np.nanpercentile(ds[name].values, PERCENTILES, axis=list(ds[name].dims).index("run"))
        for p, row in zip(PERCENTILES, values):
            header = with_unit(f"{name_of(ds[name])} p{p}", unit_of(ds[name]))
            columns[header], kinds[header] = row, PERSONS
    deficit = deficit_probability(ds).reindex(time=ds.time)  # the horizon's last month has no flows
    level = f"{threshold:,.0f} persons" if threshold is not None else f"{share:g} of own start"
    for header, values in ((with_unit("P(losses > inflow)", "share of runs"), deficit.values),
                           (with_unit(f"P(front < {level})", "share of runs"),
                            front_below(ds, threshold, share).values)):
        columns[header], kinds[header] = values, SHARE
    monthly = pd.DataFrame(columns, index=months(ds))
    return [Table("percentiles", headline), Table("monthly", monthly, kinds)]


#: The unit of each kind of column of :func:`model.analysis.comparison.comparison_table`.
def _comparison_unit(column: str) -> tuple[str, str]:
    if column.endswith(" %"):
        return with_unit(column[:-2], "%"), PERCENT
    if column.endswith(("month", "dry")):
        return with_unit(column, "YYYY-MM"), TEXT
    if "/month" in column:
        return with_unit(column.replace("/month", ""), "persons/month"), PERSONS
    if column.startswith("front"):
        return with_unit(column, "persons"), PERSONS
    return with_unit(column, "persons over the horizon"), PERSONS


def comparison_tables(table: pd.DataFrame) -> list[Table]:
    """``compare``'s table (one row per scenario) with units in its headers."""
    headers = {c: _comparison_unit(c) for c in table.columns}
    frame = table.rename(columns={c: h for c, (h, _) in headers.items()})
    return [Table("comparison", frame, {h: kind for h, kind in headers.values()})]


def sweep_tables(store: xr.Dataset) -> list[Table]:
    """A sweep's export: for each scenario, the percentiles and the mean over its runs of each metric the store
    keeps, and its number of runs (a missing value, a run without a deficit within the horizon, is left out of
    the months to the first deficit)."""
    from ..sweeps.metrics import METRICS

    metrics = [name for name in METRICS if name in store]
    scenarios = np.asarray(store.scenario.values if "scenario" in store.coords else np.full(store.sizes["run"], ""))
    statistics = [f"p{p}" for p in PERCENTILES] + ["mean"]
    rows, kinds = {}, {RUNS: PERSONS}
    for scenario in dict.fromkeys(scenarios.tolist()):
        runs = scenarios == scenario
        for statistic in statistics:
            rows[(str(scenario), statistic)] = {RUNS: float(runs.sum())}
        for name in metrics:
            header = with_unit(name_of(store[name]), unit_of(store[name]))
            kinds[header] = RATE if name == "first_deficit_month" else PERSONS
            values = np.asarray(store[name].values)[runs]
            finite = values[np.isfinite(values)]
            numbers = (list(np.percentile(finite, PERCENTILES)) + [finite.mean()] if finite.size
                       else [np.nan] * len(statistics))
            for statistic, number in zip(statistics, numbers):
                rows[(str(scenario), statistic)][header] = float(number)
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame = frame[[c for c in frame.columns if c != RUNS] + [RUNS]]
    frame.index = pd.MultiIndex.from_tuples(frame.index, names=["scenario", "statistic"])
    return [Table("summary", frame, kinds)]
