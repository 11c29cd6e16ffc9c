"""Monte Carlo samples of the registry's uncertain parameters.

Each numeric parameter whose plausible range has width becomes a frozen
``scipy.stats`` distribution over it (``triangular`` with its value as the
mode, ``uniform`` or ``loguniform``, as its registry entry says). The unit
cube is sampled with :mod:`scipy.stats.qmc` (Latin hypercube, scrambled
Sobol) or plainly at random, from an explicit ``numpy.random.SeedSequence``,
and mapped through each distribution's ``ppf``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from scipy import stats
from scipy.stats import qmc

from ..inputs import limits
from ..errors import InputError
from ..inputs.parameters import ParameterSet
from ..inputs.registry import Parameter

METHODS = ("lhs", "sobol", "random")


def _family(parameter: Parameter) -> tuple[object, dict[str, float]]:
    """The ``scipy.stats`` family of a parameter's distribution and its arguments (canonical units)."""
    low, high, mode = parameter.low, parameter.high, float(parameter.value)
    kind = parameter.entry.distribution
    if kind == "uniform":
        return stats.uniform, {"loc": low, "scale": high - low}
    if kind == "loguniform":
        return stats.loguniform, {"a": low, "b": high}
    return stats.triang, {"c": (mode - low) / (high - low), "loc": low, "scale": high - low}


def distribution(parameter: Parameter):
    """The frozen ``scipy.stats`` distribution of a parameter over its range (canonical units)."""
    family, arguments = _family(parameter)
    return family(**arguments)


def ppf_columns(params: ParameterSet, keys: Sequence[str], cube: np.ndarray) -> dict[str, np.ndarray]:
    """Map the columns of ``cube`` (one per key, values in [0, 1)) through each key's distribution.

    Keys of one family go through one broadcast call of the family's
    standardized quantile function, shifted and scaled: the same numbers as
    ``family.ppf`` (a test checks this) without its argument checking, which
    costs eight times the arithmetic for a 100,000-run sample. The arguments
    are valid by construction: the registry checks low < value < high. Blocks
    of rows are mapped on all cores (numpy releases the GIL); each value depends
    on its own cell only, so the numbers do not depend on the blocks.
    """
    groups: dict[object, list[int]] = {}
    for column, key in enumerate(keys):
        groups.setdefault(_family(params[key])[0], []).append(column)
    plans = []
    for family, columns in groups.items():
        arguments = [_family(params[keys[c]])[1] for c in columns]
        broadcast = {name: np.array([a[name] for a in arguments]) for name in arguments[0]}
        shapes = [broadcast.pop(name) for name in (family.shapes or "").replace(",", " ").split()]
        every = columns == list(range(cube.shape[1]))
        plans.append((family, slice(None) if every else columns, shapes,
                      broadcast.pop("loc", 0.0), broadcast.pop("scale", 1.0)))
    values = np.empty(cube.shape[::-1])  # one contiguous row per key: what the engine reads

    def map_rows(rows: slice) -> None:
        for family, columns, shapes, loc, scale in plans:
            values[columns, rows] = (family._ppf(cube[rows, columns], *shapes) * scale + loc).T

    blocks = [slice(i, i + _PPF_ROWS) for i in range(0, len(cube), _PPF_ROWS)]
    if len(blocks) == 1:
        map_rows(blocks[0])
    else:
        with ThreadPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(map_rows, blocks))
    return {key: values[column] for column, key in enumerate(keys)}


#: Rows of the unit cube mapped per task: large enough to amortize the call, small enough for the cache.
_PPF_ROWS = 4096


def uncertain_keys(params: ParameterSet) -> list[str]:
    """Numeric parameters whose plausible range has width (the ones a Monte Carlo varies)."""
    return [k for k, p in params.items() if p.spec.numeric and p.high > p.low]


def unit_cube(n: int, d: int, method: str, seed: int | np.random.SeedSequence) -> np.ndarray:
    """``n`` points in ``[0, 1)^d`` by ``method``, reproducible from ``seed``."""
    sequence = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    rng = np.random.default_rng(sequence)
    if method == "lhs":
        return qmc.LatinHypercube(d=d, rng=rng).random(n)
    if method == "sobol":
        # Sobol points keep their balance in blocks of 2^m; take the first n of the next such block.
        m = max(int(np.ceil(np.log2(max(n, 1)))), 0)
        return qmc.Sobol(d=d, scramble=True, rng=rng).random_base2(m)[:n]
    if method == "random":
        return rng.random((n, d))
    raise InputError("--method", method, f"expected one of {', '.join(METHODS)}")


def sample_values(runs: int, parameters: int) -> float:
    """How many float64 numbers a sample of ``runs`` x ``parameters`` holds at its peak (cube, values, copy)."""
    return 3.0 * runs * parameters


def sample(params: ParameterSet, n: int, method: str = "lhs", seed: int = 0,
           keys: Sequence[str] | None = None) -> ParameterSet:
    """A batch of ``n`` parameter sets drawn from the registry's distributions.

    Parameters
    ----------
    params : ParameterSet
        The scenario to sample around (its ranges and distributions).
    n : int
        Number of runs.
    method : {"lhs", "sobol", "random"}
    seed : int
        Seed of the ``numpy.random.SeedSequence`` behind the draw.
    keys : sequence of str, optional
        Parameters to vary (default: every uncertain one); the others keep their value.

    Returns
    -------
    ParameterSet
        Every varied value an array of shape ``(n,)``; :func:`model.simulate` runs them in one pass.
    """
    limits.whole(n, "sample", "n", 1)
    limits.seed(seed, "sample")
    keys = list(keys) if keys is not None else uncertain_keys(params)
    limits.memory(sample_values(n, len(keys)), "sample", "n", f"a sample of {n:,} runs over {len(keys)} parameters")
    unknown = [k for k in keys if k not in params]
    if unknown:
        raise InputError("sample", unknown[0], "unknown parameter (see `manpower params` for the keys)")
    fixed = [k for k in keys if not (params[k].spec.numeric and params[k].high > params[k].low)]
    if fixed:
        raise InputError("sample", fixed[0], "expected a numeric parameter with a range of some width")
    values = ppf_columns(params, keys, unit_cube(n, len(keys), method, seed))
    return params.with_values(values, where=f"Monte Carlo sample (method={method}, seed={seed})",
                              kind="sample")
