"""Monte Carlo uncertainty: a scenario run over samples of its uncertain parameters.

:func:`uncertainty` returns one dataset with a ``run`` dimension, the sampled
parameters as variables along ``run`` (named after their key with ``__`` for
the dot, e.g. ``casualties__monthly``, the key itself in the attribute ``key``,
with their units and sources) and every output of :func:`model.simulate`; :func:`percentiles`,
:func:`deficit_probability` and :func:`front_below` summarise it.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from ..results import cf
from ..inputs import limits
from ..core.defaults import BASELINE, DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START, PERCENTILES
from ..inputs.parameters import ParameterSet
from .arguments import as_params
from .sampling import sample, sample_values, uncertain_keys
from ..results.simulate import result_values, simulate
from ..results.summary import headline


#: What a Monte Carlo keeps unless asked for more: the headline outputs, the two levels of force, where the
#: recruits come from and where the war zone's people came from (by source), the losses summed by definition, and
#: the shortfall (constraints are reported). Every output is kept for each run and month, so keeping all 64 (by
#: source: about 400 numbers per run and month) takes ten times the memory of these; pass ``variables`` for others
#: (the pools by source, ``"pool"``, to see one run dry; ``"killed"``, the deaths by source; ``list(
#: model.results.outputs.OUTPUTS)`` for all). The deaths are kept summed over sources (``deaths``) only: nothing
#: that reads a Monte Carlo used their split by source, which took a fifth of these outputs' memory (200 MB for
#: 100,000 runs) and of their time (issue 14).
MONTE_CARLO_OUTPUTS = ("front_total", "inflow", "losses", "net", "armed_forces", "front", "recruitment",
                       "casualties_total", "irrecoverable_losses", "deaths", "shortfall")


def check_size(params: ParameterSet, n: int, months: int, dt: float, variables: Sequence[str] | None = None,
               where: str = "uncertainty", key: str = "n") -> None:
    """Refuse, before sampling, ``n`` runs whose sample and results would not fit in memory
    (:mod:`model.inputs.limits`)."""
    limits.whole(n, where, key, 1)
    limits.memory(result_values(n, months, dt, variables) + sample_values(n, len(uncertain_keys(params))), where, key,
                  f"{n:,} runs of {months:,} months")


def uncertainty(params: ParameterSet | str = BASELINE, n: int = 10_000, seed: int = 0,
                months: int = DEFAULT_MONTHS, sampler: str = "lhs", dt: float = DEFAULT_DT,
                start: str | None = DEFAULT_START, variables: Sequence[str] | None = None,
                integrator: str = "euler") -> xr.Dataset:
    """Run ``n`` samples of a scenario's uncertain parameters in one vectorized pass.

    Parameters
    ----------
    params : ParameterSet or str
        The scenario (its values, ranges and distributions), or its name.
    n, seed, sampler
        Runs, seed and design of :func:`model.sample` (the same runs for the same arguments).
    months, dt, start, integrator
        As :func:`model.simulate`.
    variables : sequence of str, optional
        The outputs to keep (default :data:`MONTE_CARLO_OUTPUTS`).

    Returns
    -------
    xarray.Dataset
        The :func:`model.simulate` dataset (dimension ``run``) with each sampled
        parameter added as a variable along ``run`` (see
        :func:`model.results.cf.variable_name`; ``low``, ``high`` and ``mode`` in the
        parameter's canonical unit, ``unit_label``) and the sampling settings in the attrs.
    """
    params = as_params(params, "uncertainty")
    keys = uncertain_keys(params)
    kept = MONTE_CARLO_OUTPUTS if variables is None else variables
    check_size(params, n, months, dt, kept)
    batch = sample(params, n, sampler=sampler, seed=seed, keys=keys)
    ds = simulate(batch, months=months, dt=dt, start=start, variables=kept, integrator=integrator)
    # All at once: one assignment per parameter would merge and align the whole dataset each time (0.1 s for 78).
    ds = ds.assign({cf.variable_name(key): ("run", batch.value(key), _sampled_attrs(params, key)) for key in keys})
    ds.attrs.update({"sampling_method": sampler, "seed": seed, "sampled_parameters": ", ".join(keys)})
    cf.add_history(ds.attrs, f"model.uncertainty({params.scenario!r}, n={n}, seed={seed}, months={months}, "
                             f"sampler={sampler!r}, dt={dt}, start={start!r}, variables={variables!r}, "
                             f"integrator={integrator!r})")
    return ds


def _sampled_attrs(params: ParameterSet, key: str) -> dict:
    """The attributes of sampled parameter ``key``'s variable: its key, label, unit, source and distribution."""
    p = params[key]
    return {"key": key, "long_name": p.entry.description.strip(), **cf.unit_attrs(p.unit), "drivers": key,
            "source": p.entry.source, "distribution": p.entry.distribution,
            "low": p.low, "high": p.high, "mode": float(p.value)}


def percentiles(ds: xr.Dataset, q: Sequence[float] = PERCENTILES) -> pd.DataFrame:
    """Percentiles over runs of the headline numbers (persons; months for the first deficit)."""
    numbers = headline(ds)
    rows = {
        "net balance, first 12 months": numbers["net_12m"],
        f"net balance, {ds.sizes['time'] - 1} months": numbers["net_horizon"],
        "front strength at the horizon": numbers["front_end"],
        "change in front strength": numbers["front_change"],
        "monthly inflow, first month": ds.inflow.isel(time=0),
        "monthly permanent losses, first month": ds.losses.isel(time=0),
    }
    return pd.DataFrame({name: np.nanpercentile(values.values, q) for name, values in rows.items()},
                        index=[f"p{p:g}" for p in q]).T


def deficit_share(ds: xr.Dataset) -> float:
    """Share of runs in which permanent losses exceed inflow in at least one month."""
    return float(np.mean(~np.isnan(headline(ds)["first_deficit_month"].values)))


def deficit_probability(ds: xr.Dataset) -> xr.DataArray:
    """Probability, by month, that permanent losses exceed inflow (share of runs)."""
    return (ds.losses > ds.inflow).isel(time=slice(0, -1)).mean("run")


def front_below(ds: xr.Dataset, threshold: float | None = None, share: float = 1.0) -> xr.DataArray:
    """Probability, by month, that front strength is below a level (share of runs): ``threshold`` persons when
    given, else ``share`` of each run's own starting strength (by default: below where the run started; runs
    drawn from the posterior start from different strengths)."""
    level = threshold if threshold is not None else share * ds.front_total.isel(time=0)
    return (ds.front_total < level).mean("run")


def percentile_summary(ds: xr.Dataset) -> xr.Dataset:
    """The :data:`PERCENTILES` over runs of every variable of a Monte Carlo that has runs, along a ``percentile``
    dimension, with the variables' labels and units (what ``manpower uncertainty --keep summary`` writes instead of
    the runs)."""
    varied = ds[[name for name in ds.data_vars if "run" in ds[name].dims]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the horizon's last month has no flows: all NaN
        summary = varied.quantile([p / 100 for p in PERCENTILES], dim="run", keep_attrs=True, skipna=True)
    summary = summary.rename(quantile="percentile").assign_coords(percentile=list(PERCENTILES))
    summary.percentile.attrs.update(long_name="percentile over runs", units="1")
    attrs = dict(ds.attrs)
    attrs["summary"] = f"percentiles over {ds.sizes['run']:,} runs; the runs themselves are not kept (--keep summary)"
    return summary.assign_attrs(attrs)
