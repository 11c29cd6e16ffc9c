"""Global sensitivity: which uncertain parameters drive the answer (SALib, on the vectorized engine).

Sobol indices (first-order ``S1`` and total ``ST``, with bootstrap
confidence intervals) and Morris screening (``mu_star``, ``sigma``) of the key
outputs over every uncertain parameter of a scenario. SALib samples the unit
cube; each column is mapped through the parameter's registry distribution
(:func:`model.analysis.sampling.distribution`), so the indices are with respect to the
same distributions the Monte Carlo uses. All SALib's sample points run in one
vectorized :func:`model.simulate` call.

Outputs (one number per run):

``net_12m``, ``net_horizon``
    recruitment minus permanent losses over the first 12 months and the horizon (persons);
``front_end``
    front strength at the horizon (persons);
``first_deficit_month``
    months until losses first exceed inflow; runs with no deficit count as
    horizon + 1 (so "later" and "never" rank together).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import xarray as xr
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from ..inputs import limits
from ..errors import InputError
from ..inputs.parameters import load_params
from .sampling import distribution, sample_values, uncertain_keys
from ..inputs.parameters import ParameterSet
from ..results.simulate import DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START, result_values, simulate
from ..results.summary import headline

METHODS = ("sobol", "morris")
OUTPUTS = ("net_12m", "net_horizon", "front_end", "first_deficit_month")
_SOBOL_FIELDS = ("S1", "S1_conf", "ST", "ST_conf")
_MORRIS_FIELDS = ("mu_star", "mu_star_conf", "sigma", "mu")


def indices(names: Sequence[str], evaluate: Callable[[np.ndarray], dict[str, np.ndarray]], method: str = "sobol",
            n: int = 1024, seed: int = 0) -> xr.Dataset:
    """Sensitivity indices of the outputs of ``evaluate`` over inputs uniform on the unit cube.

    ``evaluate(X)`` takes the sample matrix ``X`` (rows: runs, columns:
    ``names``, values in [0, 1]) and returns ``{output: values per run}``.
    Returns a dataset with dimensions ``output`` and ``parameter``.
    """
    if method not in METHODS:
        raise InputError("--method", method, f"expected one of {', '.join(METHODS)}")
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    if method == "sobol":
        cube = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    else:
        cube = morris_sample.sample(problem, n, num_levels=4, seed=seed)
    results = evaluate(cube)
    fields = _SOBOL_FIELDS if method == "sobol" else _MORRIS_FIELDS
    data = {f: (("output", "parameter"), np.empty((len(results), len(names)))) for f in fields}
    for i, values in enumerate(results.values()):
        if method == "sobol":
            found = sobol_analyze.analyze(problem, values, calc_second_order=False, seed=seed)
        else:
            found = morris_analyze.analyze(problem, cube, values, num_levels=4, seed=seed)
        for f in fields:
            data[f][1][i] = found[f]
    ds = xr.Dataset(data, coords={"output": list(results), "parameter": list(names)})
    ds.attrs.update({"method": method, "n": n, "seed": seed, "runs": cube.shape[0]})
    return ds


#: What each SALib run keeps (the outputs above are computed from these).
_KEPT = ["front_total", "inflow", "losses", "net"]


def runs(method: str, n: int, d: int) -> int:
    """Parameter sets SALib makes from base sample size ``n`` over ``d`` parameters."""
    return n * (d + 2) if method == "sobol" else n * (d + 1)


def check_size(params: ParameterSet, method: str, n: int, months: int, dt: float, where: str = "sensitivity",
               key: str = "n") -> None:
    """Refuse, before SALib samples, an analysis whose runs would not fit in memory (see :mod:`model.inputs.limits`)."""
    limits.whole(n, where, key, 1)
    d = len(uncertain_keys(params))
    total = runs(method, n, d)
    limits.memory(result_values(total, months, dt, _KEPT) + sample_values(total, d), where, key,
                  f"{total:,} runs ({method}, N = {n:,}, {d} parameters) of {months:,} months")


def sensitivity(scenario: str = "baseline", method: str = "sobol", n: int = 1024, seed: int = 0,
                months: int = DEFAULT_MONTHS, dt: float = DEFAULT_DT, start: str = DEFAULT_START,
                keys: Sequence[str] | None = None) -> xr.Dataset:
    """Sobol or Morris indices of :data:`OUTPUTS` over a scenario's uncertain parameters.

    ``n`` is SALib's base sample size: Sobol runs ``n * (d + 2)`` parameter
    sets, Morris ``n * (d + 1)``, with ``d`` uncertain parameters.
    """
    params = load_params(scenario)
    names = list(keys) if keys is not None else uncertain_keys(params)
    limits.seed(seed, "sensitivity")
    check_size(params, method, n, months, dt)

    def evaluate(cube: np.ndarray) -> dict[str, np.ndarray]:
        values = {k: distribution(params[k]).ppf(cube[:, i]) for i, k in enumerate(names)}
        batch = params.with_values(values, where=f"sensitivity({method})", kind="sample")
        ds = simulate(batch, months=months, dt=dt, start=start, variables=_KEPT)
        numbers = headline(ds)
        first = numbers["first_deficit_month"].values
        return {"net_12m": numbers["net_12m"].values, "net_horizon": numbers["net_horizon"].values,
                "front_end": numbers["front_end"].values,
                "first_deficit_month": np.where(np.isnan(first), months + 1, first)}

    result = indices(names, evaluate, method, n, seed)
    result["parameter_unit"] = ("parameter", [params[k].unit for k in names])
    result.attrs.update({"scenario": scenario, "months": months})
    return result


def ranking(result: xr.Dataset, output: str) -> pd.DataFrame:
    """Parameters ranked by total-order index (Sobol) or ``mu_star`` (Morris) for one output."""
    key = "ST" if result.attrs["method"] == "sobol" else "mu_star"
    table = result.sel(output=output).drop_vars("output").to_dataframe()
    return table.sort_values(key, ascending=False)
