"""Labelled results: what the engine kept, as an ``xarray.Dataset`` with units and provenance.

Each output variable is declared here once, as a linear combination of flows
(monthly totals) or of stocks (at the start of each month), by source or
summed over sources; the engine keeps exactly those combinations. Every
variable carries ``units``, a ``long_name``, a ``description``, CF
``cell_methods`` (``time: point`` for stocks, ``time: sum`` for flows) and
``parameters``: the registry keys that drive it, so :func:`model.explain` can
say where any output comes from.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import xarray as xr

from . import __version__
from .engine import Observations, Trajectory
from .equations import Inputs, bonus
from .errors import InputError
from .parameters import ParameterSet, overrides_attr
from .structure import (CASUALTY_FLOWS, FLOW_NAMES, FLOWS, PERMANENT_LOSS_FLOWS, RECRUITMENT_FLOWS, SOURCES,
                        STOCKS, flows_into, flows_out_of)

TIME_SEMANTICS = ("time labels are months; a stock under a month is its value at the start of that month "
                  "(persons); a flow under a month is its total over that month (persons); the last month "
                  "holds the end state and its flows are NaN")


@dataclass(frozen=True)
class Output:
    """An output variable: what it combines, how to label it, which registry keys drive it.

    ``kind`` is ``"flow"`` or ``"stock"`` (a combination with ``weights`` keyed
    by flow or stock name), or ``"special"`` (computed here, not by the engine).
    """

    kind: str
    weights: dict[str, float]
    per_source: bool
    long_name: str
    description: str
    parameters: tuple[str, ...]
    units: str = "person"

    @property
    def cell_method(self) -> str:
        return "time: sum" if self.kind == "flow" else "time: point"


_FLOW_BY_NAME = {f.name: f for f in FLOWS}
_INITIAL = {"pool": ("pool_initial.",), "front": ("force.deployed_total", "front_initial."),
            "training": ("volunteer.signups", "draw_rate.", "training_time."),
            "wounded": ("casualties.", "wounded.recovery_time")}
_STOCK_TEXT = {
    "pool": "People available to a finite recruitment channel, not yet recruited",
    "training": "Recruited, not yet deployed",
    "front": "Deployed in the war zone",
    "wounded": "Wounded in treatment",
}


def _flow_parameters(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for n in names for p in _FLOW_BY_NAME[n].parameters))


def _stock_parameters(stock: str) -> tuple[str, ...]:
    flows = [f.name for f in flows_into(stock) + flows_out_of(stock)]
    return tuple(dict.fromkeys(_INITIAL[stock] + _flow_parameters(flows)))


def _sum_of(names: Sequence[str], sign: float = 1.0) -> dict[str, float]:
    return {name: sign for name in names}


def _catalogue() -> dict[str, Output]:
    outputs = {stock: Output("stock", {stock: 1.0}, True, f"{stock} (stock)", _STOCK_TEXT[stock],
                             _stock_parameters(stock)) for stock in STOCKS}
    outputs.update({flow.name: Output("flow", {flow.name: 1.0}, True, flow.name.replace("_", " "),
                                      flow.description, _flow_parameters([flow.name])) for flow in FLOWS})
    recruits, casualties, losses = RECRUITMENT_FLOWS, CASUALTY_FLOWS, PERMANENT_LOSS_FLOWS
    outputs.update({
        "recruitment": Output("flow", _sum_of(recruits), True, "recruitment",
                              "New recruits entering training, all channels", _flow_parameters(recruits)),
        "casualties": Output("flow", _sum_of(casualties), True, "casualties",
                             "Killed, wounded, and captured or missing", _flow_parameters(casualties)),
        "permanent_losses": Output("flow", _sum_of(losses), True, "permanent losses",
                                   "Killed + captured or missing + discharged as unfit + deserted",
                                   _flow_parameters(losses)),
        "inflow": Output("flow", _sum_of(recruits), False, "total inflow", "Recruitment summed over sources",
                         _flow_parameters(recruits)),
        "losses": Output("flow", _sum_of(losses), False, "total permanent losses",
                         "Permanent losses summed over sources", _flow_parameters(losses)),
        "net": Output("flow", {**_sum_of(recruits), **_sum_of(losses, -1.0)}, False, "net balance",
                      "Inflow minus permanent losses", _flow_parameters(recruits + losses)),
        "front_total": Output("stock", {"front": 1.0}, False, "front strength",
                              "Deployed force summed over sources", _stock_parameters("front")),
        "bonus": Output("special", {}, False, "sign-up bonus", "Federal plus average regional sign-up payment",
                        ("volunteer.bonus", "volunteer.bonus_growth"), units="RUB"),
        "shortfall": Output("special", {}, False, "shortfall",
                            "Persons a demand flow (casualties, mobilization) asked of a stock beyond what it "
                            "held; nonzero means a constraint was binding", ("casualties.", "mobilization.")),
    })
    return outputs


OUTPUTS: dict[str, Output] = _catalogue()


@dataclass(frozen=True)
class Selection:
    """The outputs asked for, split by how the engine keeps them."""

    names: tuple[str, ...]
    groups: dict[tuple[str, bool], list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, variables: Sequence[str] | None) -> Selection:
        names = tuple(OUTPUTS) if variables is None else tuple(variables)
        unknown = [v for v in names if v not in OUTPUTS]
        if unknown:
            raise InputError("simulate", "variables",
                             f"unknown output {unknown[0]!r}; expected some of {', '.join(OUTPUTS)}")
        groups: dict[tuple[str, bool], list[str]] = {(k, p): [] for k in ("flow", "stock") for p in (True, False)}
        for name in names:
            meta = OUTPUTS[name]
            if meta.kind != "special":
                groups[(meta.kind, meta.per_source)].append(name)
        return cls(names, groups)

    def observations(self) -> Observations:
        def matrix(kind: str, per_source: bool) -> np.ndarray:
            columns = FLOW_NAMES if kind == "flow" else STOCKS
            rows = self.groups[(kind, per_source)]
            weights = np.zeros((len(rows), len(columns)))
            for i, name in enumerate(rows):
                for column, weight in OUTPUTS[name].weights.items():
                    weights[i, columns.index(column)] = weight
            return weights

        return Observations(matrix("flow", True), matrix("flow", False), matrix("stock", True),
                            matrix("stock", False), shortfall="shortfall" in self.names)


def to_dataset(trajectory: Trajectory, selection: Selection, params: ParameterSet, inputs: Inputs, *,
               start: str, dt: float, method: str, batched: bool) -> xr.Dataset:
    """Assemble the :class:`xarray.Dataset` that :func:`model.simulate` returns."""
    months = trajectory.shortfall.shape[0] - 1
    arrays: dict[str, tuple[list[str], np.ndarray]] = {}
    kept = {("flow", True): trajectory.flows_by_source, ("flow", False): trajectory.flows_total,
            ("stock", True): trajectory.stocks_by_source, ("stock", False): trajectory.stocks_total}
    for (kind, per_source), names in selection.groups.items():
        for i, name in enumerate(names):
            values = kept[(kind, per_source)][:, i]
            arrays[name] = (["time", "source", "run"] if per_source else ["time", "run"], values)
    if "bonus" in selection.names:
        arrays["bonus"] = (["time", "run"], bonus(inputs, np.arange(months + 1.0)))
    if "shortfall" in selection.names:
        arrays["shortfall"] = (["time", "stock", "run"], trajectory.shortfall)
    coords = {"time": pd.date_range(f"{start}-01", periods=months + 1, freq="MS"), "source": list(SOURCES)}
    if "shortfall" in selection.names:
        coords["stock"] = list(STOCKS)
    if batched:
        coords["run"] = np.arange(trajectory.shortfall.shape[-1])
    data_vars = {}
    for name in selection.names:
        dims, values = arrays[name]
        if not batched:
            dims, values = dims[:-1], values[..., 0]
        data_vars[name] = (dims, values, _attrs(OUTPUTS[name], params))
    ds = xr.Dataset(data_vars, coords=coords)
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
    return {
        "title": f"manpower-model projection: scenario {params.scenario}",
        "scenario": params.scenario,
        "scenario_description": params.description,
        "overrides": overrides_attr(params),
        "start": start,
        "months": months,
        "dt_months": dt,
        "method": method,
        "runs": params.batch_size or 1,
        "parameter_files": ", ".join(params.files),
        "parameters_digest": params.digest(),
        "model_version": __version__,
        "created": date.today().isoformat(),
        "time_semantics": TIME_SEMANTICS,
        "parameters": params.table().reset_index().to_json(orient="records"),
        "evidence": json.dumps({k: e.model_dump() for k, e in params.evidence.items()}),
    }
