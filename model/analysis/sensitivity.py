"""Global sensitivity: which uncertain parameters drive the answer (SALib, on the vectorized engine).

Sobol indices (first-order ``S1`` and total ``ST``, with bootstrap
confidence intervals) and Morris screening (``mu_star``, ``sigma``) of the key
outputs over every uncertain parameter of a scenario. Each column of the unit
cube is mapped through the parameter's registry distribution
(:func:`model.analysis.sampling.ppf_columns`), so the indices are with respect to the
same distributions the Monte Carlo uses. All sample points run in one
vectorized :func:`model.simulate` call.

Where the points come from:

Sobol (Saltelli's scheme)
    two independent ``n x d`` matrices A and B are the two halves of one
    ``2d``-dimensional draw of the package's sampler (:mod:`model.analysis.sampler`,
    ``sampler="sobol"`` by default, as SALib's own sampler), arranged in the layout of
    :func:`SALib.sample.sobol.sample` (per base row: A, A with column ``j`` from B for each
    ``j``, B; :func:`saltelli`) and analysed with :func:`SALib.analyze.sobol.analyze`;
Morris
    SALib's trajectory design (:func:`SALib.sample.morris.sample`, 4 levels), seeded
    with the same ``seed``: a trajectory is not a draw of the unit cube, so the
    package's sampler does not apply.

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

import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import xarray as xr
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample

from ..dynamics.casualty_paths import describe as describe_casualties
from ..core.defaults import BASELINE, DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START, SENSITIVITY_METHODS
from ..inputs import limits
from ..errors import InputError
from ..inputs.parameters import ParameterSet
from ..results.simulate import result_values, simulate
from ..results.summary import headline
from .arguments import as_params
from .sampler import check_sampler, unit_cube
from .sampling import checked_keys, ppf_columns, sample_values, uncertain_keys

METHODS = SENSITIVITY_METHODS
OUTPUTS = ("net_12m", "net_horizon", "front_end", "first_deficit_month")
_SOBOL_FIELDS = ("S1", "S1_conf", "ST", "ST_conf")
_MORRIS_FIELDS = ("mu_star", "mu_star_conf", "sigma", "mu")


def saltelli(base: np.ndarray) -> np.ndarray:
    """Saltelli's layout of a ``(n, 2d)`` draw without second-order terms: ``n * (d + 2)`` rows of ``d``.

    With ``A, B = base[:, :d], base[:, d:]``, base row ``i`` gives ``A[i]``, then
    ``A[i]`` with column ``j`` taken from ``B[i]`` for each ``j``, then ``B[i]``: the
    order :func:`SALib.sample.sobol.sample` writes and :func:`SALib.analyze.sobol.analyze` reads.
    """
    n, d = base.shape[0], base.shape[1] // 2
    a, b = base[:, :d], base[:, d:]
    layout = np.repeat(a[:, None, :], d + 2, axis=1)
    columns = np.arange(d)
    layout[:, 1 + columns, columns] = b
    layout[:, d + 1] = b
    return layout.reshape(n * (d + 2), d)


def bootstrap_seed(seed: int) -> int:
    """A seed for SALib's bootstrap of confidence intervals, never 0: SALib's Sobol analysis tests ``if seed:``
    and leaves a seed of 0 unseeded, so the default seed gave different intervals at every run."""
    return int(np.random.SeedSequence([seed, 1]).generate_state(1)[0]) or 1


def design(method: str, d: int, n: int, seed: int, sampler: str | None = None) -> np.ndarray:
    """The unit-cube points of ``method`` over ``d`` inputs (see the module docstring), one row per run."""
    if method not in METHODS:
        raise InputError("sensitivity", "method", f"expected one of {', '.join(METHODS)}, got {method!r}")
    if method == "morris":
        if sampler is not None:
            raise InputError("sensitivity", "sampler", f"expected None with method 'morris' (it samples SALib's "
                                                       f"trajectories), got {sampler!r}")
        problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
        return morris_sample.sample(problem, n, num_levels=4, seed=seed)
    sampler = check_sampler("sobol" if sampler is None else sampler, "sensitivity")
    if sampler == "sobol" and n & (n - 1):
        warnings.warn(f"Sobol indices from a Sobol' design converge as designed when n is a power of 2; "
                      f"got n = {n:,}", UserWarning, stacklevel=3)
    return saltelli(unit_cube(n, 2 * d, sampler, seed))


def indices(names: Sequence[str], evaluate: Callable[[np.ndarray], dict[str, np.ndarray]], method: str = "sobol",
            n: int = 1024, seed: int = 0, sampler: str | None = None) -> xr.Dataset:
    """Sensitivity indices of the outputs of ``evaluate`` over inputs uniform on the unit cube.

    ``evaluate(X)`` takes the sample matrix ``X`` (rows: runs, columns:
    ``names``, values in [0, 1]) and returns ``{output: values per run}``;
    ``sampler`` is the design of Sobol's base matrices (default ``"sobol"``).
    Returns a dataset with dimensions ``output`` and ``parameter``.
    """
    cube = design(method, len(names), n, seed, sampler)
    problem = {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}
    results = evaluate(cube)
    fields = _SOBOL_FIELDS if method == "sobol" else _MORRIS_FIELDS
    data = {f: (("output", "parameter"), np.empty((len(results), len(names)))) for f in fields}
    for i, values in enumerate(results.values()):
        if method == "sobol":
            found = sobol_analyze.analyze(problem, values, calc_second_order=False, seed=bootstrap_seed(seed))
        else:
            found = morris_analyze.analyze(problem, cube, values, num_levels=4, seed=seed)
        for f in fields:
            data[f][1][i] = found[f]
    ds = xr.Dataset(data, coords={"output": list(results), "parameter": list(names)})
    ds.attrs.update({"method": method, "n": n, "seed": seed, "runs": cube.shape[0]})
    if method == "sobol":
        ds.attrs["sampler"] = sampler or "sobol"
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


def sensitivity(params: ParameterSet | str = BASELINE, method: str = "sobol", n: int = 1024, seed: int = 0,
                months: int = DEFAULT_MONTHS, dt: float = DEFAULT_DT, start: str | None = DEFAULT_START,
                keys: Sequence[str] | None = None, sampler: str | None = None,
                integrator: str = "euler") -> xr.Dataset:
    """Sobol or Morris indices of :data:`OUTPUTS` over a scenario's uncertain parameters.

    Parameters
    ----------
    params : ParameterSet or str
        The scenario (its values, ranges and distributions), or its name.
    method : {"sobol", "morris"}
        The analysis.
    n : int
        SALib's base sample size: Sobol runs ``n * (d + 2)`` parameter sets, Morris
        ``n * (d + 1)``, with ``d`` uncertain parameters.
    seed : int
        Seed of the design (and of SALib's bootstrap intervals).
    keys : sequence of str, optional
        Parameters to vary (default: every uncertain one).
    sampler : {"sobol", "lhs", "random"}, optional
        Design of Sobol's base matrices (default ``"sobol"``); Morris takes none.
    months, dt, start, integrator
        As :func:`model.simulate`.
    """
    params = as_params(params, "sensitivity")
    names = checked_keys(params, keys, "sensitivity")
    limits.seed(seed, "sensitivity")
    check_size(params, method, n, months, dt)

    def evaluate(cube: np.ndarray) -> dict[str, np.ndarray]:
        batch = params.with_values(ppf_columns(params, names, cube), where=f"sensitivity({method})", kind="sample")
        ds = simulate(batch, months=months, dt=dt, start=start, variables=_KEPT, integrator=integrator)
        numbers = headline(ds)
        first = numbers["first_deficit_month"].values
        return {"net_12m": numbers["net_12m"].values, "net_horizon": numbers["net_horizon"].values,
                "front_end": numbers["front_end"].values,
                "first_deficit_month": np.where(np.isnan(first), months + 1, first)}

    result = indices(names, evaluate, method, n, seed, sampler)
    result["parameter_unit"] = ("parameter", [params[k].unit for k in names])
    # Indices over parameters only: under the fitted casualty process every run follows the process's median
    # path, so the casualty path's own spread (a Monte Carlo's) is not among the factors; the attribute says so.
    result.attrs.update({"scenario": params.scenario, "months": months,
                         "casualty_process": describe_casualties(params),
                         "parameters_from": "every uncertain parameter over its registry range (a sensitivity "
                                            "analysis asks which assumptions matter, not what the record says); "
                                            f"the others at {params.parameters_from}"})
    return result


def ranking(result: xr.Dataset, output: str) -> pd.DataFrame:
    """Parameters ranked by total-order index (Sobol) or ``mu_star`` (Morris) for one output."""
    key = "ST" if result.attrs["method"] == "sobol" else "mu_star"
    table = result.sel(output=output).drop_vars("output").to_dataframe()
    return table.sort_values(key, ascending=False)
