"""Each run's casualty path as dimensions of scenario discovery.

Under the fitted casualty process (``casualties.process = fitted``) a Monte Carlo leaves ``casualties.monthly``
and ``casualties.growth_rate`` at their values and gives each run its own path of the process
(:mod:`model.dynamics.casualty_paths`): the path, not a registry parameter, carries the casualty uncertainty,
and it is often what decides whether the force holds. So that discovery can name it, each run's exogenous
casualty level (``casualties.monthly · exp(casualties.growth_rate · t) · shock``, persons per month at the start
of each month) is summarised in two numbers:

- ``casualty_path.level``: its mean over the horizon (persons per month);
- ``casualty_path.growth``: its continuous growth rate over the horizon (per month, read as percent a year),
  ``ln(mean of the last three months / mean of the first three) / (months - 3)``, the averages damping the
  month-to-month noise of the path.

Both are regenerated from the sample the Monte Carlo ran (same scenario, ``n``, ``sampler``, ``seed``), so they
are each run's own; they are inputs of the run, not results (the realised casualties are not used: a front that
collapses suffers fewer casualties, which would read the effect as a cause).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ..errors import InputError
from ..inputs import spec as specs
from ..inputs.parameters import LEVEL_KEY, ParameterSet
from ..dynamics.casualty_paths import casualty_shocks, process_fitted
from ..results import cf
from .sampling import sample, uncertain_keys

#: Months averaged at each end of the path for its growth rate.
_ENDS = 3
#: The dimensions: key -> (kind, description, as the registry's descriptions read).
DIMENSIONS: dict[str, tuple[specs.Kind, str]] = {
    "casualty_path.level": (specs.FLOW, "Mean of the monthly casualties demanded over the horizon (the exogenous "
                                        "level on the run's path of the fitted casualty process, before any "
                                        "depletion of the war zone lowers it, persons per month)."),
    "casualty_path.growth": (specs.GROWTH, "Growth of the monthly casualties demanded over the horizon (of the "
                                           "exogenous level "
                                           "on the run's path of the fitted casualty process, continuous rate per "
                                           "month)."),
}


def casualty_path_dimensions(params: ParameterSet, ds: xr.Dataset) -> dict[str, xr.DataArray]:
    """The casualty-path dimensions of each run of ``ds``, a :func:`model.uncertainty` of ``params`` (variables
    along ``run``, with ``key``, ``long_name`` and units like the sampled parameters); empty when the casualty
    level does not follow the fitted process, or the horizon is too short to tell a growth rate."""
    months = ds.sizes["time"] - 1
    if not process_fitted(params) or months <= _ENDS:
        return {}
    n, seed, sampler = ds.sizes["run"], int(ds.attrs["seed"]), str(ds.attrs["sampling_method"])
    batch = sample(params, n, sampler=sampler, seed=seed, keys=uncertain_keys(params))
    for key in uncertain_keys(params):  # the sample regenerated must be the one the Monte Carlo ran
        name = cf.variable_name(key)
        if name in ds and not np.array_equal(np.asarray(batch.value(key), dtype=float), ds[name].values):
            raise InputError("discover", "params", f"expected the scenario the Monte Carlo ran ({key} was sampled "
                             "otherwise)")
    shocks = casualty_shocks(batch, str(ds.attrs["start"]), months)  # (months, runs or 1)
    t = np.arange(months)[:, None]
    level = (np.asarray(batch.value(LEVEL_KEY), dtype=float) * np.exp(
        np.asarray(batch.value("casualties.growth_rate"), dtype=float) * t) * shocks)
    level = np.broadcast_to(level, (months, n))
    values = {"casualty_path.level": level.mean(axis=0),
              "casualty_path.growth": np.log(level[-_ENDS:].mean(axis=0) / level[:_ENDS].mean(axis=0))
              / (months - _ENDS)}
    return {key: xr.DataArray(values[key], dims="run", attrs={
        "key": key, "long_name": DIMENSIONS[key][1], **cf.unit_attrs(DIMENSIONS[key][0].unit),
        "derived": "casualty path"})
        for key in DIMENSIONS}
