"""Labelled results: the engine's arrays as an ``xarray.Dataset`` with units and provenance.

Every variable carries ``units``, a ``long_name``, a ``description``, CF
``cell_methods`` (``time: point`` for stocks at the start of a month,
``time: sum`` for flows totalled over it) and ``parameters``: the registry keys
that drive it, so :func:`model.explain` can say where any output comes from.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import xarray as xr

from . import __version__
from .equations import Coefficients, bonus
from .errors import InputError
from .parameters import ParameterSet
from .structure import (CASUALTY_FLOWS, FLOWS, PERMANENT_LOSS_FLOWS, RECRUITMENT_FLOWS, SOURCES, STOCKS,
                        flows_into, flows_out_of)

TIME_SEMANTICS = ("time labels are months; a stock under a month is its value at the start of that month "
                  "(persons); a flow under a month is its total over that month (persons); the last month "
                  "holds the end state and its flows are NaN")


@dataclass(frozen=True)
class Output:
    """An output variable: how to label it and which registry keys drive it."""

    long_name: str
    description: str
    units: str
    cell_method: str
    parameters: tuple[str, ...]
    per_source: bool = True


_FLOW_BY_NAME = {f.name: f for f in FLOWS}
_INITIAL = {"pool": ("pool_initial.",), "front": ("force.deployed_total", "front_initial."),
            "training": ("volunteer.signups", "draw_rate.", "training_time."),
            "wounded": ("casualties.", "wounded.recovery_time")}


def _flow_parameters(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for n in names for p in _FLOW_BY_NAME[n].parameters))


def _stock_parameters(stock: str) -> tuple[str, ...]:
    flows = [f.name for f in flows_into(stock) + flows_out_of(stock)]
    return tuple(dict.fromkeys(_INITIAL[stock] + _flow_parameters(flows)))


def _catalogue() -> dict[str, Output]:
    outputs = {
        stock: Output(f"{stock} (stock)", _STOCK_TEXT[stock], "person", "time: point", _stock_parameters(stock))
        for stock in STOCKS
    }
    outputs.update({
        flow.name: Output(flow.name.replace("_", " "), flow.description, "person", "time: sum",
                          _flow_parameters([flow.name]))
        for flow in FLOWS
    })
    outputs.update({
        "recruitment": Output("recruitment", "New recruits entering training, all channels",
                              "person", "time: sum", _flow_parameters(RECRUITMENT_FLOWS)),
        "casualties": Output("casualties", "Killed, wounded, and captured or missing",
                             "person", "time: sum", _flow_parameters(CASUALTY_FLOWS)),
        "permanent_losses": Output("permanent losses",
                                   "Killed + captured or missing + discharged as unfit + deserted",
                                   "person", "time: sum", _flow_parameters(PERMANENT_LOSS_FLOWS)),
        "inflow": Output("total inflow", "Recruitment summed over sources", "person", "time: sum",
                         _flow_parameters(RECRUITMENT_FLOWS), per_source=False),
        "losses": Output("total permanent losses", "Permanent losses summed over sources",
                         "person", "time: sum", _flow_parameters(PERMANENT_LOSS_FLOWS), per_source=False),
        "net": Output("net balance", "Inflow minus permanent losses", "person", "time: sum",
                      _flow_parameters(RECRUITMENT_FLOWS + PERMANENT_LOSS_FLOWS), per_source=False),
        "front_total": Output("front strength", "Deployed force summed over sources", "person",
                              "time: point", _stock_parameters("front"), per_source=False),
        "bonus": Output("sign-up bonus", "Federal plus average regional sign-up payment", "RUB",
                        "time: point", ("volunteer.bonus", "volunteer.bonus_growth"), per_source=False),
        "shortfall": Output("shortfall", "Persons a demand flow (casualties, mobilization) asked of a "
                            "stock beyond what it held; nonzero means a constraint was binding",
                            "person", "time: sum", ("casualties.", "mobilization."), per_source=False),
    })
    return outputs


_STOCK_TEXT = {
    "pool": "People available to a finite recruitment channel, not yet recruited",
    "training": "Recruited, not yet deployed",
    "front": "Deployed in the war zone",
    "wounded": "Wounded in treatment",
}

OUTPUTS: dict[str, Output] = _catalogue()


class _Builder:
    """Builds output arrays on demand, each once."""

    def __init__(self, trajectory, c: Coefficients, months: int, dt: float, batched: bool):
        self.t = trajectory
        self.c = c
        self.months = months
        self.dt = dt
        self.batched = batched
        self.cache: dict[str, np.ndarray] = {}

    def get(self, name: str) -> np.ndarray:
        if name not in self.cache:
            self.cache[name] = self._build(name)
        return self.cache[name]

    def _build(self, name: str) -> np.ndarray:
        t = self.t
        n = t.stocks.shape[-1]
        if name in STOCKS:
            return t.stocks[:, STOCKS.index(name)]
        if name in _FLOW_BY_NAME:
            flow = _FLOW_BY_NAME[name]
            array = np.zeros((self.months + 1, len(SOURCES), n))
            array[:-1, flow.rows] = t.flows[name]
            array[-1] = np.nan
            return array
        sums: dict[str, Callable[[], np.ndarray]] = {
            "recruitment": lambda: self._sum(RECRUITMENT_FLOWS),
            "casualties": lambda: self._sum(CASUALTY_FLOWS),
            "permanent_losses": lambda: self._sum(PERMANENT_LOSS_FLOWS),
            "inflow": lambda: self.get("recruitment").sum(axis=1),
            "losses": lambda: self.get("permanent_losses").sum(axis=1),
            "net": lambda: self.get("inflow") - self.get("losses"),
            "front_total": lambda: self.get("front").sum(axis=1),
            "bonus": lambda: np.broadcast_to(bonus(self.c, np.arange(self.months + 1.0)).reshape(self.months + 1, -1),
                                             (self.months + 1, n)),
            "shortfall": lambda: np.concatenate([t.shortfall, np.full((1,) + t.shortfall.shape[1:], np.nan)]),
        }
        return sums[name]()

    def _sum(self, names: Sequence[str]) -> np.ndarray:
        total = self.get(names[0]).copy()
        for name in names[1:]:
            total += self.get(name)
        return total


def to_dataset(trajectory, params: ParameterSet, c: Coefficients, *, start: str, dt: float, method: str,
               batched: bool, variables: Sequence[str] | None = None) -> xr.Dataset:
    """Assemble the :class:`xarray.Dataset` that :func:`model.simulate` returns."""
    names = list(OUTPUTS) if variables is None else list(variables)
    unknown = [v for v in names if v not in OUTPUTS]
    if unknown:
        raise InputError("simulate", "variables", f"unknown output {unknown[0]!r}; expected some of {', '.join(OUTPUTS)}")
    months = trajectory.shortfall.shape[0]
    builder = _Builder(trajectory, c, months, dt, batched)
    n = trajectory.stocks.shape[-1]
    coords = {"time": pd.date_range(f"{start}-01", periods=months + 1, freq="MS"),
              "source": list(SOURCES), "stock": list(STOCKS)}
    if batched:
        coords["run"] = np.arange(n)
    data_vars = {}
    for name in names:
        meta = OUTPUTS[name]
        array = builder.get(name)
        dims = ["time", "source"] if meta.per_source else ["time"]
        if name == "shortfall":
            dims = ["time", "stock"]
        dims.append("run")
        if not batched:
            array, dims = array[..., 0], dims[:-1]
        data_vars[name] = (dims, np.ascontiguousarray(array), _attrs(meta, params))
    ds = xr.Dataset(data_vars, coords=coords)
    if "shortfall" not in names:
        ds = ds.drop_vars("stock")
    ds["source"].attrs["long_name"] = "recruitment source"
    ds["time"].attrs["long_name"] = "month"
    ds.attrs.update(_global_attrs(params, start=start, months=months, dt=dt, method=method))
    return ds


def _attrs(meta: Output, params: ParameterSet) -> dict[str, str]:
    return {
        "long_name": meta.long_name,
        "description": meta.description,
        "units": meta.units,
        "cell_methods": meta.cell_method,
        "parameters": ", ".join(expand_keys(meta.parameters, params)),
    }


def expand_keys(patterns: Sequence[str], keys) -> list[str]:
    """Registry keys matching ``patterns`` (exact keys, or prefixes ending in ``.``)."""
    return [k for k in keys if any(k == p or (p.endswith(".") and k.startswith(p)) for p in patterns)]


def _global_attrs(params: ParameterSet, *, start: str, months: int, dt: float, method: str) -> dict[str, str]:
    table = params.table()
    batch = params.batch_size
    return {
        "title": f"manpower-model projection: scenario {params.scenario}",
        "scenario": params.scenario,
        "scenario_description": params.description,
        "start": start,
        "months": months,
        "dt_months": dt,
        "method": method,
        "runs": batch or 1,
        "parameter_files": ", ".join(params.files),
        "parameters_digest": params.digest(),
        "model_version": __version__,
        "created": date.today().isoformat(),
        "time_semantics": TIME_SEMANTICS,
        "parameters": table.reset_index().to_json(orient="records"),
        "evidence": json.dumps({k: e.model_dump() for k, e in params.evidence.items()}),
    }
