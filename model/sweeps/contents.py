"""What a sweep store holds: its variables along ``run``, their dimensions and CF labels.

A sweep keeps, for every run, the metrics and monthly series its spec names
(``keep``); with ``keep: {parameters: true}`` also its parameter values, in
float32 (the ``experiments`` variable). Everything else a run is described by,
its scenario, grid point, sample and exact parameter values, follows from the
spec and the seed and is regenerated on demand
(:func:`model.sweeps.store.store_parameters`), not stored.

:func:`template` is the empty dataset a store is created from (labels, coordinates, lazy arrays of the
sweep's full length); :func:`chunk_dataset` holds one chunk's values, as :func:`model.sweeps.run.run_chunk`
computed them, for writing into its region.
"""

from __future__ import annotations

import dask.array
import numpy as np
import pandas as pd
import xarray as xr

from ..core.lineage import expand_keys
from ..inputs.parameters import ParameterSet
from ..results import cf
from ..results.dataset import output_attrs
from .metrics import METRICS
from .spec import SweepSpec

#: The variable holding every run's parameter values when the spec keeps them (float32).
EXPERIMENTS = "experiments"
#: Values of one chunk, by variable: a metric ``(run,)``, a series ``(time, run)``, the experiments
#: ``(parameter, run)``.
ChunkValues = dict[str, np.ndarray]


def numeric_keys(params: ParameterSet) -> list[str]:
    """The registry keys with numeric values: the columns of the experiments table."""
    return [key for key in params if params[key].spec.numeric]


def dims(spec: SweepSpec) -> dict[str, tuple[str, ...]]:
    """Every variable the store holds along ``run``, with its dimensions as stored."""
    keep = spec.spec.keep
    out: dict[str, tuple[str, ...]] = {name: ("run",) for name in keep.metrics}
    out.update({name: ("time", "run") for name in keep.series})
    if keep.parameters:
        out[EXPERIMENTS] = ("parameter", "run")  # a column per parameter: each compresses on its own
    return out


def template(spec: SweepSpec) -> xr.Dataset:
    """The store's dataset with no values yet: lazy arrays of the sweep's length, labels and coordinates.

    Every variable carries CF labels (see :mod:`model.results.cf`): a metric its
    ``units``, ``unit_label``, ``long_name`` and ``drivers`` from
    :data:`~model.sweeps.metrics.METRICS`, a kept series those of
    :func:`model.simulate` (the first scenario's drivers). The ``experiments``
    table holds columns of different units along ``parameter``, so it has no
    single unit: its CF ``units`` is ``"1"`` and, as its ``comment`` says, each
    column is in the canonical unit its ``parameter_unit`` coordinate names.
    """
    params, runs, chunk = spec.params(0), spec.n_runs, spec.spec.chunk
    months = spec.spec.months

    def lazy(shape: tuple[int, ...], dtype) -> dask.array.Array:
        return dask.array.zeros(shape, dtype=dtype, chunks=shape[:-1] + (chunk,))

    ds = xr.Dataset(attrs={"Conventions": cf.CONVENTIONS, "title": f"manpower-model sweep {spec.spec.name}",
                           "sweep": spec.spec.name, "sweep_digest": spec.digest})
    for name, dimensions in dims(spec).items():
        if name in METRICS:
            metric = METRICS[name]
            attrs = cf.variable_attrs(metric.long_name, metric.description, metric.unit,
                                      expand_keys(metric.drivers, params))
            ds[name] = (dimensions, lazy((runs,), float), attrs)
        elif name == EXPERIMENTS:
            keys = numeric_keys(params)
            ds = ds.assign_coords(
                parameter=("parameter", keys, {"long_name": "registry key"}),
                parameter_unit=("parameter", [params[k].unit for k in keys],
                                {"long_name": "unit of the column (canonical unit of the package)"}))
            ds[name] = (dimensions, lazy((len(keys), runs), np.float32), {
                "long_name": "every run's parameter values (canonical units), rounded to float32",
                "units": "1", "unit_label": "per column: see parameter_unit",
                "comment": "columns of different units: each column is in the unit its parameter_unit names, "
                           "not in the units attribute; float32 keeps about 7 significant digits: "
                           "model.sweeps.store_parameters(store, runs) gives the exact values"})
        else:
            ds[name] = (dimensions, lazy((months + 1, runs), float), dict(output_attrs(name, tuple(params))))
    cf.add_history(ds.attrs, f"model.sweeps.sweep(SweepSpec.load({spec.where!r}), STORE): {runs:,} runs in "
                             f"{len(spec.chunks()):,} chunks of {chunk:,}")
    if spec.spec.keep.series:
        time = pd.date_range(f"{spec.spec.start}-01", periods=months + 1, freq="MS")
        ds = ds.assign_coords(time=("time", time, {"long_name": "month"}))
    return ds


def chunk_dataset(values: ChunkValues, spec: SweepSpec) -> xr.Dataset:
    """One chunk's values as a dataset of the store's variables (no coordinates: it fills a region)."""
    return xr.Dataset({name: (dimensions, values[name]) for name, dimensions in dims(spec).items()})
