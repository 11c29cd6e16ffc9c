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
from functools import lru_cache
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .._version import __version__
from . import cf
from ..dynamics.casualty_paths import describe as describe_casualties
from ..core.lineage import expand_keys
from .outputs import FALLBACKS, NEEDS, OUTPUTS, Output  # noqa: F401 (re-exported)
from ..inputs.parameters import ParameterSet, overrides_attr
from ..core.structure import SOURCES, STOCKS

TIME_SEMANTICS = ("time labels are months; a stock under a month is its value at the start of that month "
                  "(persons); a flow under a month is its total over that month (persons); the last month "
                  "holds the end state and its flows are NaN")


def dims(name: str) -> tuple[str, ...]:
    """The dimensions of output ``name`` in a batch's dataset (a single run drops ``run``)."""
    if name == "shortfall":
        return ("time", "stock", "run")
    return ("time", "source", "run") if OUTPUTS[name].per_source else ("time", "run")


def labelled(arrays: dict[str, np.ndarray], *, start: str, batched: bool) -> xr.Dataset:
    """The outputs of :func:`~model.results.lean.simulate_arrays` with their dimensions and coordinates, no attributes.

    ``batched=False`` drops the run axis (one parameter set).
    """
    months = next(iter(arrays.values())).shape[0] - 1
    coords = {"time": pd.date_range(f"{start}-01", periods=months + 1, freq="MS"), "source": list(SOURCES)}
    if "shortfall" in arrays:
        coords["stock"] = list(STOCKS)
    if batched:
        coords["run"] = np.arange(next(iter(arrays.values())).shape[-1])
    data_vars = {}
    for name, values in arrays.items():
        named = dims(name)
        if not batched:
            named, values = named[:-1], values[..., 0]
        data_vars[name] = (named, values)
    return xr.Dataset(data_vars, coords=coords)


def to_dataset(arrays: dict[str, np.ndarray], params: ParameterSet, *, start: str, dt: float, method: str,
               batched: bool) -> xr.Dataset:
    """Assemble the :class:`xarray.Dataset` that :func:`model.simulate` returns from the lean path's ``arrays``."""
    ds = labelled(arrays, start=start, batched=batched)
    months = ds.sizes["time"] - 1
    keys = tuple(params)
    for name in arrays:
        ds.variables[name].attrs.update(output_attrs(name, keys))
    ds["source"].attrs["long_name"] = "recruitment source"
    ds["time"].attrs["long_name"] = "month"
    ds.attrs.update(_global_attrs(params, start=start, months=months, dt=dt, method=method))
    # Under Euler no step falls back, and the output is kept only when asked for.
    ds.attrs["integrator_fallback_steps"] = int(np.nansum(arrays[FALLBACKS])) if FALLBACKS in arrays else 0
    return ds


@lru_cache(maxsize=1024)
def output_attrs(name: str, keys: tuple[str, ...]) -> dict[str, str]:
    """Output ``name``'s attributes for a registry of ``keys`` (``tuple(params)``): the same for every run, so worked
    out once (matching the drivers against the keys is most of the cost of labelling a small run). The dict is
    shared: callers copy it (``attrs.update`` does)."""
    meta = OUTPUTS[name]
    return cf.variable_attrs(meta.long_name, meta.description, meta.units, expand_keys(meta.drivers, keys),
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
        "scenario_title": params.heading,
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
