"""The change of a force level over a period, decomposed into the flows that made it.

For a stock of the structure (``front`` by default: the force deployed in the war zone) the change between the
start of month ``first`` and the start of month ``last`` is exactly the sum, over those months, of the flows into
it less the flows out of it (:mod:`model.core.structure`: each flow takes from one stock and gives to another).
:func:`decomposition` reads them off a run's dataset, generically from the structure, so a stock or flow added to
the structure appears without changing this module: inflows by recruitment source (recruits who finished
training) and by kind (the wounded returning to duty), outflows by kind (killed, wounded, captured or missing,
deserted, released). The table's last rows check that the parts add up to the change (the conservation of
people, to rounding).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from ..core.structure import STRUCTURE
from ..errors import InputError

_WHERE = "decomposition"


def _month_index(ds: xr.Dataset, month: str | None, default: int, key: str) -> int:
    if month is None:
        return default
    labels = pd.DatetimeIndex(ds.time.values).strftime("%Y-%m")
    if month not in labels:
        raise InputError(_WHERE, key, f"expected a month of the run ({labels[0]} to {labels[-1]}), got {month!r}")
    return int(np.flatnonzero(labels == month)[0])


def decomposition(ds: xr.Dataset, stock: str = "front", first: str | None = None,
                  last: str | None = None) -> pd.DataFrame:
    """The change of ``stock`` (summed over sources, persons) from the start of month ``first`` to the start of
    month ``last`` (default: the whole run), one row per flow and source that moved people into (positive) or out
    of (negative) it, with ``kind`` (``start``, ``in``, ``out``, ``end``), ``flow``, ``source``, ``label`` (for
    people) and ``persons``. A single run only (select one with ``ds.isel(run=i)``)."""
    if stock not in STRUCTURE.stocks:
        raise InputError(_WHERE, "stock", f"expected one of {', '.join(STRUCTURE.stocks)}, got {stock!r}")
    if "run" in ds.dims:
        raise InputError(_WHERE, "ds", "expected a single run (select one with ds.isel(run=i))")
    start = _month_index(ds, first, 0, "first")
    end = _month_index(ds, last, ds.sizes["time"] - 1, "last")
    if end <= start:
        raise InputError(_WHERE, "last", "expected a month after first")
    months = slice(start, end)
    level = ds[stock].sum("source")
    rows = [{"kind": "start", "flow": "", "source": "", "label": f"{stock} at the start",
             "persons": float(level.isel(time=start))}]
    for direction, flows, sign in (("in", STRUCTURE.flows_into(stock), 1.0), ("out", STRUCTURE.flows_out_of(stock), -1.0)):
        for flow in flows:
            totals = ds[flow.name].isel(time=months).sum("time")
            for source in flow.sources:
                value = float(totals.sel(source=source))
                if value != 0.0:
                    rows.append({"kind": direction, "flow": flow.name, "source": source,
                                 "label": f"{flow.name.replace('_', ' ')}: {source}", "persons": sign * value})
    rows.append({"kind": "end", "flow": "", "source": "", "label": f"{stock} at the end",
                 "persons": float(level.isel(time=end))})
    table = pd.DataFrame(rows)
    table.attrs.update({"stock": stock, "first": str(pd.Timestamp(ds.time.values[start]).strftime("%Y-%m")),
                        "last": str(pd.Timestamp(ds.time.values[end]).strftime("%Y-%m")),
                        "residual": residual(table)})
    return table


def residual(table: pd.DataFrame) -> float:
    """End minus start minus the sum of the flows (persons): zero but for rounding when people are conserved."""
    start = table.loc[table.kind == "start", "persons"].sum()
    end = table.loc[table.kind == "end", "persons"].sum()
    return float(end - start - table.loc[table.kind.isin(["in", "out"]), "persons"].sum())


def by_kind(table: pd.DataFrame) -> pd.DataFrame:
    """The decomposition for a chart: the recruits who reached the stock from each source, then each other kind
    of flow summed over sources; a round trip through another stock (to ``wounded`` and back to duty) is shown
    net, as the people it keeps away at the end of the period (persons)."""
    stock = table.attrs.get("stock", "front")
    flows = table[table.kind.isin(["in", "out"])]
    graduates = flows[(flows.kind == "in") & (flows.flow == _recruits_flow(table))]
    parts = [{"label": f"recruits: {row.source}", "persons": row.persons} for row in graduates.itertuples()]
    totals = flows.drop(graduates.index).groupby("flow", sort=False)["persons"].sum()
    round_trips = {f.name: back.name for f in STRUCTURE.flows_out_of(stock) for back in STRUCTURE.flows_into(stock)
                   if back.origin == f.target}
    for name, value in totals.items():
        if name in round_trips.values():
            continue
        if name in round_trips:
            target = STRUCTURE.flow(name).target
            value += totals.get(round_trips[name], 0.0)
            parts.append({"label": f"{target}, less those back ({round_trips[name].replace('_', ' ')})",
                          "persons": value})
        else:
            parts.append({"label": name.replace("_", " "), "persons": value})
    ends = table[table.kind.isin(["start", "end"])]
    result = pd.concat([ends.iloc[:1][["label", "persons"]], pd.DataFrame(parts), ends.iloc[1:][["label", "persons"]]],
                       ignore_index=True)
    result.attrs.update(table.attrs)
    return result


def _recruits_flow(table: pd.DataFrame) -> str:
    """The flow that brings recruits into the stock: the inflow running over every source with the most people."""
    inflows = table[table.kind == "in"]
    return str(inflows.groupby("flow")["persons"].sum().idxmax()) if len(inflows) else ""
