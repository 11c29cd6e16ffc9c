"""Summary metrics of a projection: what an analyst reads off first.

All functions take the :class:`xarray.Dataset` of :func:`model.simulate` and
work with or without a ``run`` dimension (they reduce over ``time`` only).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import xarray as xr

from ..core.structure import POOLED

#: A pool counts as exhausted once it falls below this share of the largest size it has had.
EXHAUSTED_SHARE = 0.10


def flows_over(ds: xr.Dataset, months: int) -> xr.Dataset:
    """Flows totalled over the first ``months`` months (persons)."""
    return ds.isel(time=slice(0, months)).sum("time")


def first_deficit_month(ds: xr.Dataset) -> xr.DataArray:
    """Months from the start to the first month whose permanent losses exceed inflow (NaN: none)."""
    deficit = (ds.losses > ds.inflow).isel(time=slice(0, -1))
    return _first_true(deficit)


def pool_exhaustion(ds: xr.Dataset) -> xr.DataArray:
    """Months from the start until each finite pool runs dry for good, by source (NaN: it does not).

    Dry means below :data:`EXHAUSTED_SHARE` of the largest size the pool has
    had so far, and staying so to the end of the horizon (a pool refilled by a
    later tranche or roundup was not yet exhausted); a pool that never held
    anyone is never exhausted.
    """
    pool = ds.pool.sel(source=list(POOLED))
    peak = xr.apply_ufunc(np.maximum.accumulate, pool, kwargs={"axis": -1},
                          input_core_dims=[["time"]], output_core_dims=[["time"]])
    dry = (peak > 0) & (pool < EXHAUSTED_SHARE * peak)
    # Dry from a month onwards: the condition holds in that month and every later one.
    dry_onwards = dry.isel(time=slice(None, None, -1)).cumprod("time").isel(time=slice(None, None, -1)) > 0
    return _first_true(dry_onwards)


def _first_true(condition: xr.DataArray) -> xr.DataArray:
    index = condition.argmax("time")
    return index.where(condition.any("time")).astype(float)


def headline(ds: xr.Dataset) -> dict[str, xr.DataArray]:
    """The headline numbers: net balance over 12 months and the horizon, front change, first deficit."""
    horizon = ds.sizes["time"] - 1
    year = min(12, horizon)
    front = ds.front_total
    return {
        "net_12m": flows_over(ds, year).net,
        "net_horizon": flows_over(ds, horizon).net,
        "front_start": front.isel(time=0),
        "front_end": front.isel(time=-1),
        "front_change": front.isel(time=-1) - front.isel(time=0),
        "first_deficit_month": first_deficit_month(ds),
        "shortfall": ds.shortfall.sum(["time", "stock"]) if "shortfall" in ds else xr.DataArray(0.0),
    }


def monthly_balance_table(ds: xr.Dataset) -> pd.DataFrame:
    """Average monthly inflow by source against permanent losses, over the first year and the horizon.

    Rows: each source's recruitment, total inflow, permanent losses, net (persons per month).
    Columns: first 12 months, whole horizon.
    """
    horizon = ds.sizes["time"] - 1
    columns = {}
    for label, months in ((f"first {min(12, horizon)} months", min(12, horizon)), (f"{horizon} months", horizon)):
        totals = flows_over(ds, months)
        rows = {f"recruits: {s}": float(totals.recruitment.sel(source=s)) / months for s in ds.source.values}
        rows["total inflow"] = float(totals.inflow) / months
        rows["casualties (killed, wounded, captured)"] = float(totals.casualties.sum("source")) / months
        rows["permanent losses"] = float(totals.losses) / months
        rows["net balance"] = float(totals.net) / months
        columns[f"{label}, persons/month"] = rows
    return pd.DataFrame(columns)


def _levels_and_losses(ds: xr.Dataset) -> list[str]:
    """The armed forces at start and end, the horizon's losses by each definition and the cost of signing
    payments, for the outputs the run kept."""
    lines = []
    if "armed_forces" in ds:
        start, end = (round(float(ds.armed_forces.isel(time=i))) for i in (0, -1))
        lines.append(f"Armed forces (conscripts included): {start:,} at start -> {end:,} at end "
                     f"({end - start:+,} persons)")
    flows = ds.isel(time=slice(0, -1))
    counted = [(name, label) for name, label in (("casualties_total", "casualties (killed, wounded, captured)"),
                                                 ("irrecoverable_losses", "irrecoverable losses"),
                                                 ("deaths", "deaths")) if name in ds]
    if counted:
        lines.append("Over the horizon: " + "; ".join(f"{label} {float(flows[name].sum()):,.0f}"
                                                         for name, label in counted))
    if "recruitment_cost" in ds and "bonus" in ds:
        lines.append(f"Signing payments: {float(flows.recruitment_cost.sum()) / 1e9:,.0f} billion roubles over the "
                     f"horizon; {float(ds.bonus.isel(time=0)):,.0f} -> {float(ds.bonus.isel(time=-1)):,.0f} roubles "
                     "per recruit (federal plus average regional)")
    return lines


def text_summary(ds: xr.Dataset, format_table: Callable[[pd.DataFrame], str] | None = None) -> str:
    """A plain-text summary of a single run, for the command line; ``format_table`` prints its table of monthly
    averages (persons per month; default: pandas, with thousands separators)."""
    numbers = headline(ds)
    lines = [f"Scenario {ds.attrs['scenario']}: {ds.attrs.get('scenario_description', '')}".rstrip(": "),
             f"Start {ds.attrs['start']}, horizon {ds.sizes['time'] - 1} months, dt {ds.attrs['dt_months']} "
             f"months ({ds.attrs['method']}); parameters {ds.attrs['parameters_digest']}",
             f"One run at {ds.attrs.get('parameters_from', 'the registry values')}: no uncertainty bands; "
             "`manpower uncertainty` gives the median and the 90% band over runs.", ""]
    table = monthly_balance_table(ds).round(0) + 0.0  # + 0.0: no "-0"
    lines.append(format_table(table) if format_table else table.to_string(float_format=lambda v: f"{v:,.0f}"))
    lines.append("")
    first = float(numbers["first_deficit_month"])
    when = "none within the horizon" if np.isnan(first) else _month_label(ds, int(first))
    lines += [
        # round() to an int: an emptied stock's rounding residue (-1e-12) must not print as "-0"
        f"Group in the war zone (front): {round(float(numbers['front_start'])):,} at start -> "
        f"{round(float(numbers['front_end'])):,} at end ({float(numbers['front_change']):+,.0f} persons)",
        *_levels_and_losses(ds),
        f"Net balance (inflow - permanent losses): {float(numbers['net_12m']):+,.0f} over the first 12 months, "
        f"{float(numbers['net_horizon']):+,.0f} over the horizon",
        f"First month in which permanent losses exceed inflow: {when}",
        "Finite pools (exhausted = below 10% of their peak for the rest of the horizon):",
    ]
    for source, months in pool_exhaustion(ds).to_series().items():
        start, end = float(ds.pool.sel(source=source).isel(time=0)), float(ds.pool.sel(source=source).isel(time=-1))
        status = ("not exhausted within the horizon" if np.isnan(months)
                  else f"exhausted in {_month_label(ds, int(months))}")
        lines.append(f"  {source:<10} {start:>12,.0f} -> {end:>12,.0f} persons; {status}")
    shortfall = float(numbers["shortfall"])
    if shortfall > 0:
        lines.append(f"WARNING: {shortfall:,.0f} persons of casualty or mobilization demand found no one to fall on "
                     "(see the 'shortfall' variable): a stock ran dry.")
    fallbacks = int(ds.attrs.get("integrator_fallback_steps", 0))
    if fallbacks:
        lines.append(f"WARNING: RK4 took {fallbacks:,} Euler step(s) instead where a stock ran dry within a step "
                     "(see the 'integrator_fallbacks' variable): those months are first-order accurate only.")
    return "\n".join(lines)


def month_of(ds: xr.Dataset, index: float) -> str:
    """The ``'YYYY-MM'`` label of month ``index`` of ``ds`` ('none' for NaN: not within the horizon)."""
    return "none" if np.isnan(index) else f"{pd.Timestamp(ds.time.values[int(index)]):%Y-%m}"


def _month_label(ds: xr.Dataset, index: int) -> str:
    return f"{month_of(ds, index)} (month {index + 1})"
