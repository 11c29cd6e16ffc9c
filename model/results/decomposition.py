"""The change of a force level over a period, decomposed into the flows that made it.

A force level is a set of stocks of the structure (:data:`model.core.structure.LEVELS`: ``front``, the group in
the war zone, newly deployed and experienced; ``armed_forces``, everyone serving), or a single stock. Its change
between the start of month ``first`` and the start of month ``last`` is exactly the sum, over those months, of the
flows into it from outside the set less the flows out of it to outside the set (each flow takes from one stock and
gives to another; flows between its own stocks, such as seasoning, cancel). :func:`decomposition` reads them off a
run's dataset, generically from the structure, so a stock or flow added to the structure appears without changing
this module. The table's last rows check that the parts add up to the change (the conservation of people, to
rounding).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from ..core.structure import LEVEL_NAMES, LEVELS, RECRUITMENT_FLOWS, STRUCTURE
from ..errors import InputError

_WHERE = "decomposition"

#: Flows whose people are shown by recruitment source: recruits enlisting, and recruits finishing training.
_BY_SOURCE = frozenset(RECRUITMENT_FLOWS) | {"graduation"}


def level_stocks(level: str) -> tuple[str, ...]:
    """The stocks a force level combines (a level of :data:`LEVELS`, or one stock)."""
    if level in LEVELS:
        return LEVELS[level]
    if level in STRUCTURE.stocks:
        return (level,)
    raise InputError(_WHERE, "level", f"expected one of {', '.join([*LEVELS, *STRUCTURE.stocks])}, got {level!r}")


def level_name(level: str) -> str:
    """A force level named for people."""
    return LEVEL_NAMES.get(level, level.replace("_", " "))


def _month_index(ds: xr.Dataset, month: str | None, default: int, key: str) -> int:
    if month is None:
        return default
    labels = pd.DatetimeIndex(ds.time.values).strftime("%Y-%m")
    if month not in labels:
        raise InputError(_WHERE, key, f"expected a month of the run ({labels[0]} to {labels[-1]}), got {month!r}")
    return int(np.flatnonzero(labels == month)[0])


def crossing(stocks: tuple[str, ...]) -> tuple[list, list]:
    """The flows into a set of stocks from outside it, and out of it to outside it."""
    inside = set(stocks)
    into = [f for f in STRUCTURE.flows if f.target in inside and f.origin not in inside]
    out = [f for f in STRUCTURE.flows if f.origin in inside and f.target not in inside]
    return into, out


def decomposition(ds: xr.Dataset, level: str = "front", first: str | None = None,
                  last: str | None = None) -> pd.DataFrame:
    """The change of a force ``level`` (summed over sources, persons) from the start of month ``first`` to the
    start of month ``last`` (default: the whole run), one row per flow and source that moved people into
    (positive) or out of (negative) it, with ``kind`` (``start``, ``in``, ``out``, ``end``), ``flow``, ``source``,
    ``label`` (for people) and ``persons``. A single run only (select one with ``ds.isel(run=i)``); the dataset
    must hold the level's stocks and the flows that cross it (the default outputs do)."""
    stocks = level_stocks(level)
    if "run" in ds.dims:
        raise InputError(_WHERE, "ds", "expected a single run (select one with ds.isel(run=i))")
    into, out = crossing(stocks)
    missing = [name for name in [*stocks, *(f.name for f in into + out)] if name not in ds]
    if missing:
        raise InputError(_WHERE, "ds", f"expected the outputs {', '.join(missing)} (run with the default outputs)")
    start = _month_index(ds, first, 0, "first")
    end = _month_index(ds, last, ds.sizes["time"] - 1, "last")
    if end <= start:
        raise InputError(_WHERE, "last", "expected a month after first")
    months = slice(start, end)
    total = sum(ds[stock].sum("source") for stock in stocks)
    name = level_name(level)
    rows = [{"kind": "start", "flow": "", "source": "", "label": f"{name} at the start",
             "persons": float(total.isel(time=start))}]
    for direction, flows, sign in (("in", into, 1.0), ("out", out, -1.0)):
        for flow in flows:
            totals = ds[flow.name].isel(time=months).sum("time")
            for source in flow.sources:
                value = float(totals.sel(source=source))
                if value != 0.0:
                    rows.append({"kind": direction, "flow": flow.name, "source": source,
                                 "label": f"{flow.name.replace('_', ' ')}: {source}", "persons": sign * value})
    rows.append({"kind": "end", "flow": "", "source": "", "label": f"{name} at the end",
                 "persons": float(total.isel(time=end))})
    table = pd.DataFrame(rows)
    table.attrs.update({"level": level, "first": str(pd.Timestamp(ds.time.values[start]).strftime("%Y-%m")),
                        "last": str(pd.Timestamp(ds.time.values[end]).strftime("%Y-%m")),
                        "residual": residual(table)})
    return table


#: How the sinks are named for people, in a decomposition.
_SINK_LABELS = {"killed_total": "killed", "captured_total": "captured or missing", "deserted_total": "deserted",
                "discharged_total": "discharged as unfit", "released_total": "end of service or term",
                "emigrated_total": "emigrated"}


def _netted(flows: pd.DataFrame, round_trips: set[str]) -> list[dict]:
    """The flows other than recruits, grouped by where they lead: a stock outside the level that people are sent
    to and come back from is one part (those sent there less those back); every sink is one part; any other
    inflow is a part of its own."""
    parts: dict[str, float] = {}
    for row in flows.itertuples():
        flow = STRUCTURE.flow(row.flow)
        place = flow.target if row.kind == "out" else flow.origin
        if place in round_trips:
            label = f"to {place.replace('_', ' ')}, less those back"
        else:
            label = _SINK_LABELS.get(place, row.flow.replace("_", " ")) if row.kind == "out" \
                else row.flow.replace("_", " ")
        parts[label] = parts.get(label, 0.0) + row.persons
    return [{"label": label, "persons": value} for label, value in parts.items()]


def residual(table: pd.DataFrame) -> float:
    """End minus start minus the sum of the flows (persons): zero but for rounding when people are conserved."""
    start = table.loc[table.kind == "start", "persons"].sum()
    end = table.loc[table.kind == "end", "persons"].sum()
    return float(end - start - table.loc[table.kind.isin(["in", "out"]), "persons"].sum())


def by_kind(table: pd.DataFrame) -> pd.DataFrame:
    """The decomposition for a chart: the recruits who reached the level from each source, then each other kind
    of flow summed over sources; a round trip through a stock outside the level (to treatment and back to duty,
    rotated out and deployed back) is shown net, as the people it keeps away at the end of the period; the flows
    to each sink (killed, captured or missing, ...) are summed (persons)."""
    stocks = level_stocks(table.attrs.get("level", "front"))
    flows = table[table.kind.isin(["in", "out"])]
    recruits = flows[(flows.kind == "in") & flows.flow.isin(_BY_SOURCE)]
    by_source = recruits.groupby("source", sort=False)["persons"].sum()
    parts = [{"label": f"recruits: {source}", "persons": value} for source, value in by_source.items()]
    others = flows.drop(recruits.index)
    into, out = crossing(stocks)
    parts += _netted(others, {f.origin for f in into} & {f.target for f in out})
    ends = table[table.kind.isin(["start", "end"])]
    result = pd.concat([ends.iloc[:1][["label", "persons"]], pd.DataFrame(parts), ends.iloc[1:][["label", "persons"]]],
                       ignore_index=True)
    result.attrs.update(table.attrs)
    return result
