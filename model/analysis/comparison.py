"""Scenarios side by side: one dataset with a ``scenario`` dimension, and the table analysts read.

:func:`compare` runs each named scenario and stacks the results;
:func:`comparison_table` turns them into one row per scenario: cumulative
inflow by source, permanent losses, the change in front strength, the first
month of deficit, when each finite pool runs dry, the share of foreign and
North Korean troops in the inflow, and the break-even gap.

The dataset carries, along ``scenario``, the exact parameter set each scenario
ran with (coordinate ``parameter_set``, JSON from :mod:`model.inputs.snapshot`), so the
break-even columns solve with the inputs that made the runs, even if the
registry on disk has changed since.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from . import breakeven
from ..core.defaults import BASELINE, DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START
from ..results import cf
from ..inputs import snapshot
from ..errors import InputError
from ..inputs.parameters import ParameterSet, load_params, scenario_names
from ..results.simulate import simulate, simulate_arrays
from .arguments import as_params
from ..dynamics.casualty_paths import process_fitted
from ..results.summary import first_deficit_month, month_of, pool_exhaustion

#: Levers of the break-even columns: extra volunteers a month to hold the front; casualties at balance.
RECRUITMENT_LEVER = "volunteer.signups"
CASUALTY_LEVER = "casualties.monthly"


def compare(names: Sequence[ParameterSet | str] | None = None, months: int = DEFAULT_MONTHS, dt: float = DEFAULT_DT,
            start: str | None = DEFAULT_START, integrator: str = "euler") -> xr.Dataset:
    """Run scenarios and stack them along a ``scenario`` dimension (default: every scenario).

    ``names`` holds scenario names (or overlay paths) or parameter sets, each
    scenario once; ``months``, ``dt``, ``start`` and ``integrator`` are
    :func:`model.simulate`'s. Each scenario's title, description, parameter digest,
    changed keys and parameter set (JSON) are coordinates along ``scenario``;
    every variable keeps its units and labels; the registry's provenance is in
    the attrs.
    """
    scenarios = scenario_sets(names)
    runs, titles, descriptions, digests, changes, snapshots = [], [], [], [], [], []
    baseline = load_params(BASELINE)
    for params in scenarios:
        ds = simulate(params, months=months, dt=dt, start=start, integrator=integrator)
        runs.append(ds)
        titles.append(params.heading)
        descriptions.append(params.description)
        digests.append(params.digest())
        snapshots.append(snapshot.dumps(params))
        changed = [k for k in params if params[k].entry != baseline[k].entry]
        changes.append(", ".join(changed) or "none")
    # "override": every variable's attrs (units, labels, drivers: the same in every run) from the first run.
    names = [params.scenario for params in scenarios]  # a scenario given as a file is labelled by its name
    combined = xr.concat(runs, dim=pd.Index(names, name="scenario"), combine_attrs="override")
    combined = combined.assign_coords(title=("scenario", titles), description=("scenario", descriptions),
                                      parameters_digest=("scenario", digests),
                                      changed_parameters=("scenario", changes),
                                      parameter_set=("scenario", snapshots))
    combined["parameter_set"].attrs["long_name"] = "the scenario's parameter set, JSON (model.inputs.snapshot)"
    # Settings and the first scenario's registry provenance; each scenario's changes are coordinates above,
    # and `manpower params --scenario NAME` shows them with their reasons.
    combined.attrs.update({**runs[0].attrs, "title": "manpower-model: scenarios compared",
                           "scenario": ", ".join(names), "parameters_digest": ", ".join(digests),
                           "scenario_title": "; ".join(titles),
                           "scenario_description": "; ".join(f"{n}: {d}" for n, d in zip(names, descriptions)),
                           "history": cf.history_line(f"model.compare({names!r}, months={months}, dt={dt}, "
                                                      f"start={start!r}, integrator={integrator!r})")})
    return combined


def scenario_sets(names: Sequence[ParameterSet | str] | None = None) -> list[ParameterSet]:
    """The parameter sets of ``names`` (default: every scenario), each scenario once, loaded before any run."""
    sets = [as_params(name, "compare", "names") for name in (list(names) if names else scenario_names())]
    labels = [params.scenario for params in sets]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise InputError("compare", "names", f"expected each scenario once, got {', '.join(repeated)} more than once")
    return sets


def scenario_params(ds: xr.Dataset) -> dict[str, ParameterSet]:
    """The parameter set each scenario of ``compare``'s result ran with, read from the dataset alone."""
    if "parameter_set" not in ds.coords:
        raise InputError("comparison_table", "parameter_set",
                         "expected the dataset from model.compare (it carries each scenario's parameter set)")
    return {str(name): snapshot.loads(str(text)) for name, text in zip(ds.scenario.values, ds.parameter_set.values)}


def comparison_table(ds: xr.Dataset, with_breakeven: bool = True) -> pd.DataFrame:
    """One row per scenario of ``compare``'s result; flows in persons over the horizon.

    With ``with_breakeven``, two root-finding columns: the extra initial
    volunteer sign-ups per month that hold the front at its starting strength,
    and the monthly casualty level at which recruitment equals permanent losses,
    solved with the parameter sets the dataset carries (:func:`scenario_params`). Under the fitted casualty
    process the solver scales the process's path, so the column gives the balancing run's mean monthly
    casualties over the horizon instead of a starting level.
    """
    horizon = ds.sizes["time"] - 1
    sets = scenario_params(ds) if with_breakeven else {}
    flows = ds.isel(time=slice(0, horizon)).sum("time")
    rows = []
    for name in ds.scenario.values:
        one = ds.sel(scenario=name)
        total = flows.sel(scenario=name)
        inflow = float(total.inflow)
        row = {"scenario": str(name)}
        for source in ds.source.values:
            row[f"inflow {source}"] = float(total.recruitment.sel(source=source))
        row["inflow total"] = inflow
        row["permanent losses"] = float(total.losses)
        row["net balance"] = float(total.net)
        row["front start"] = float(one.front_total.isel(time=0))
        row["front end"] = float(one.front_total.isel(time=-1))
        row["front change"] = row["front end"] - row["front start"]
        row["first deficit month"] = month_of(one, float(first_deficit_month(one)))
        for source, months in pool_exhaustion(one).to_series().items():
            row[f"{source} pool dry"] = month_of(one, months)
        for source in ("foreign", "dprk"):
            share = float(total.recruitment.sel(source=source)) / inflow if inflow > 0 else np.nan
            row[f"share {source} %"] = 100 * share
        if with_breakeven:
            params = sets[str(name)]
            settings = {"months": horizon, "dt": float(ds.attrs["dt_months"]), "start": ds.attrs["start"],
                        "integrator": ds.attrs.get("method", "euler")}
            recruits, casualties = breakeven.solve_many(params, [(RECRUITMENT_LEVER, "front"),
                                                                 (CASUALTY_LEVER, "net")], **settings)
            row["extra volunteers/month to hold front"] = recruits.gap
            row["casualties/month at balance"] = (_mean_casualties(params, casualties.value, settings)
                                                  if process_fitted(params) else casualties.value)
        rows.append(row)
    return pd.DataFrame(rows).set_index("scenario")


def _mean_casualties(params: ParameterSet, level: float, settings: dict) -> float:
    """Mean monthly casualties (persons/month) over the horizon of ``params`` run at the casualty ``level``."""
    casualties = simulate_arrays(params.with_values({CASUALTY_LEVER: level}, kind="search"), variables=["casualties"],
                                 **settings)["casualties"]
    return float(casualties[:-1].sum(axis=1).mean())
