"""Labelled results: what the engine kept, as an ``xarray.Dataset`` with units and provenance.

Each output variable is declared here once, as a linear combination of flows
(monthly totals) or of stocks (at the start of each month), by source or
summed over sources; the engine keeps exactly those combinations. Every
variable carries CF ``units`` (see :mod:`model.results.cf`: a count of persons is
``"1"``, with ``unit_label`` and ``long_name`` saying persons), a ``long_name``,
a ``description``, CF ``cell_methods`` (``time: point`` for stocks,
``time: sum`` for flows) and ``drivers``: every registry key that can move it,
through the flows and stocks it depends on (:mod:`model.core.lineage`), so
``manpower explain`` can say where any output comes from. The dataset carries
CF ``Conventions`` and a ``history`` line naming the call that made it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .._version import __version__
from . import cf
from ..engine.trajectory import Observations, Trajectory
from ..dynamics.casualty_paths import describe as describe_casualties
from ..dynamics.equations import Inputs, bonus, pay_to_wage
from ..errors import InputError
from ..core.lineage import expand_keys
from .outputs import FALLBACKS, NEEDS, OUTPUTS, Output  # noqa: F401 (re-exported)
from ..inputs.parameters import ParameterSet, overrides_attr
from ..core.structure import FLOW_NAMES, SOURCES, STOCKS

TIME_SEMANTICS = ("time labels are months; a stock under a month is its value at the start of that month "
                  "(persons); a flow under a month is its total over that month (persons); the last month "
                  "holds the end state and its flows are NaN")


@dataclass(frozen=True)
class Selection:
    """The outputs asked for, split by how the engine keeps them."""

    names: tuple[str, ...]
    groups: dict[tuple[str, bool], list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, variables: Sequence[str] | None) -> Selection:
        names = tuple(OUTPUTS) if variables is None else tuple(variables)
        names = tuple(dict.fromkeys(n for name in names for n in (name, *NEEDS.get(name, ()))))
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
    signers = arrays["contract_signers"][1] if "contract_signers" in arrays else None
    if "recruitment_cost" in selection.names:
        arrays["recruitment_cost"] = (["time", "run"], bonus(inputs, np.arange(months + 1.0) + 0.5) * signers)
    if "federal_line_use" in selection.names:
        arrays["federal_line_use"] = (["time", "run"], inputs.federal_bonus * signers / inputs.federal_line)
    if "pay_to_wage" in selection.names:
        arrays["pay_to_wage"] = (["time", "run"], pay_to_wage(inputs, np.arange(months + 1.0)))
    if "shortfall" in selection.names:
        arrays["shortfall"] = (["time", "stock", "run"], trajectory.shortfall)
    names = selection.names
    if method == "rk4" or FALLBACKS in names:  # always kept under RK4: a result says where it is less accurate
        arrays[FALLBACKS] = (["time", "run"], trajectory.fallbacks)
        names = tuple(dict.fromkeys(names + (FALLBACKS,)))
    coords = {"time": pd.date_range(f"{start}-01", periods=months + 1, freq="MS"), "source": list(SOURCES)}
    if "shortfall" in selection.names:
        coords["stock"] = list(STOCKS)
    if batched:
        coords["run"] = np.arange(trajectory.shortfall.shape[-1])
    data_vars = {}
    for name in names:
        dims, values = arrays[name]
        if not batched:
            dims, values = dims[:-1], values[..., 0]
        data_vars[name] = (dims, values, _attrs(OUTPUTS[name], params))
    ds = xr.Dataset(data_vars, coords=coords)
    ds["source"].attrs["long_name"] = "recruitment source"
    ds["time"].attrs["long_name"] = "month"
    ds.attrs.update(_global_attrs(params, start=start, months=months, dt=dt, method=method))
    ds.attrs["integrator_fallback_steps"] = int(np.nansum(trajectory.fallbacks))
    return ds


def _attrs(meta: Output, params: ParameterSet) -> dict[str, str]:
    return cf.variable_attrs(meta.long_name, meta.description, meta.units, expand_keys(meta.drivers, params),
                             meta.cell_method)


def _global_attrs(params: ParameterSet, *, start: str, months: int, dt: float, method: str) -> dict[str, str]:
    loaded = params.loaded_from or params.scenario
    prior = ", prior=True" if params.prior else ""
    call = (f"model.simulate(load_params({loaded!r}{prior}){_overrides(params)}, months={months}, dt={dt}, "
            f"start={start!r}, integrator={method!r})")
    return {
        "Conventions": cf.CONVENTIONS,
        "history": cf.history_line(call),
        "title": f"manpower-model projection: {params.label}",
        "scenario": params.scenario,
        "scenario_description": params.description,
        "overrides": overrides_attr(params),
        "start": start,
        "months": months,
        "dt_months": dt,
        "method": method,
        "casualty_process": describe_casualties(params),
        "parameters_from": params.parameters_from,
        "runs": params.batch_size or 1,
        "parameter_files": ", ".join(params.files),
        "parameters_digest": params.digest(),
        "model_version": __version__,
        "created": date.today().isoformat(),
        "time_semantics": TIME_SEMANTICS,
        "parameters": params.table().reset_index().to_json(orient="records"),
        "evidence": json.dumps({k: e.model_dump() for k, e in params.evidence.items()}),
    }


def _overrides(params: ParameterSet) -> str:
    """``.with_values({...}, where=...)`` for the values set after loading (from Python or ``--set``), else ``""``.

    Values are written as Python would take them back (numbers, lists of events); a batch is named by its
    size, and a Monte Carlo sample's draws are left out (the sampling call records them).
    """
    by_origin: dict[str, dict[str, Any]] = {}
    for key, override in params.overrides.items():
        by_origin.setdefault(override.where, {})[key] = _as_python(params.value(key))
    return "".join(f".with_values({values!r}, where={origin!r})" for origin, values in by_origin.items())


class _Literal(str):
    """Text shown as is by ``repr`` (for a value that has no short Python form)."""

    def __repr__(self) -> str:
        return str(self)


def _as_python(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return _Literal(f"<batch of {value.size} values>")
    if isinstance(value, tuple):  # a schedule
        return [event.model_dump() for event in value]
    return value
