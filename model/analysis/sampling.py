"""Monte Carlo samples of the registry's uncertain parameters.

Each numeric parameter whose plausible range has width becomes a frozen
``scipy.stats`` distribution over it (``triangular`` with its value as the
mode, ``uniform`` or ``loguniform``, as its registry entry says). The unit
cube is drawn by the one sampler of the package (:mod:`model.analysis.sampler`:
Latin hypercube, scrambled Sobol or counter-based random, from a seed), the
one sweeps use too, and mapped through each distribution's ``ppf``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
from scipy import stats

from ..inputs import limits
from ..errors import InputError
from ..inputs.parameters import ParameterSet
from ..inputs.spec import unknown_parameter
from ..dynamics.casualty_paths import REPLACED_BY_PROCESS, process_fitted
from ..inputs.provenance import POSTERIOR, SAMPLE
from ..inputs.registry import Parameter
from ..inputs.streams import RunStream, path_stream
from .arguments import as_params
from .sampler import check_sampler, unit_cube


def _family(parameter: Parameter) -> tuple[object, dict[str, float]]:
    """The ``scipy.stats`` family of a parameter's distribution and its arguments (canonical units)."""
    low, high, mode = parameter.low, parameter.high, float(prior_mode(parameter))
    kind = parameter.entry.distribution
    if kind == "uniform":
        return stats.uniform, {"loc": low, "scale": high - low}
    if kind == "loguniform":
        return stats.loguniform, {"a": low, "b": high}
    return stats.triang, {"c": (mode - low) / (high - low), "loc": low, "scale": high - low}


def prior_mode(parameter: Parameter):
    """The value a parameter's prior is centred on: its value, or for a value the posterior set (which the
    record may have moved outside the judged range), the value it replaced."""
    override = getattr(parameter, "override", None)
    calibrated = override is not None and override.kind == POSTERIOR
    return override.replaced if calibrated else parameter.value


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
    """Numeric parameters whose plausible range has width (the ones a Monte Carlo varies).

    Under the fitted casualty process the casualty level and its growth rate are left out: each run draws its
    own casualty path, whose spread is the process's (:mod:`model.dynamics.casualty_paths`). So is a parameter set
    outside its plausible range (warned about when it was set): no distribution over the range is centred there,
    so the Monte Carlo holds it at the value the analyst set."""
    replaced = REPLACED_BY_PROCESS if process_fitted(params) else ()
    return [k for k, p in params.items() if p.spec.numeric and p.high > p.low and k not in replaced and inside(p)]


def inside(parameter: Parameter) -> bool:
    """Whether ``parameter``'s prior mode (:func:`prior_mode`) lies within its plausible range, so that a
    distribution over the range can be centred on it."""
    mode = np.asarray(prior_mode(parameter), dtype=float)
    return bool(np.all((parameter.low <= mode) & (mode <= parameter.high)))


def checked_keys(params: ParameterSet, keys: Sequence[str] | None, where: str) -> list[str]:
    """``keys`` (default: :func:`uncertain_keys`), each a numeric parameter with a range to sample within."""
    if keys is None:
        return uncertain_keys(params)
    keys = list(keys)
    unknown = [k for k in keys if k not in params]
    if unknown:
        raise unknown_parameter(where, unknown[0], at="keys")
    fixed = [k for k in keys if not (params[k].spec.numeric and params[k].high > params[k].low)]
    if fixed:
        raise InputError(where, "keys", f"expected numeric parameters with a range of some width, got {fixed[0]!r}")
    outside = [params[k] for k in keys if not inside(params[k])]
    if outside:
        first = outside[0]
        raise InputError(where, "keys", f"expected parameters set inside their plausible ranges, got {first.key!r} "
                                        f"set outside {first.low:g}-{first.high:g}")
    twice = [k for k in keys if k in REPLACED_BY_PROCESS] if process_fitted(params) else []
    if twice:
        raise InputError(where, "keys", f"expected no {twice[0]!r} under casualties.process = fitted: each run's "
                                        "casualty path already carries its uncertainty (set it as a grid value or "
                                        "an override to shift the process)")
    return keys


def posterior_keys(params: ParameterSet, keys: Sequence[str]) -> list[str]:
    """The keys of ``keys`` that ``params`` draws from its stored posterior (whole rows), in its order: those
    whose value is still the posterior's (one set afterwards, by an override, is drawn around it as the
    registry's distribution says, like any other)."""
    return [k for k in params.posterior_keys if k in keys and params[k].override is not None
            and params[k].override.kind == POSTERIOR]


def columns(params: ParameterSet, keys: Sequence[str]) -> int:
    """Columns of the unit cube that drawing ``keys`` takes: one per key from the prior, one for the posterior
    row (when any key comes from the posterior)."""
    from_posterior = posterior_keys(params, keys)
    return len(keys) - len(from_posterior) + bool(from_posterior)


def drawn_values(params: ParameterSet, keys: Sequence[str],
                 cube: np.ndarray) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Values of ``keys`` for the rows of the unit ``cube`` (runs x :func:`columns`): those from the prior, by
    key, and those the set takes from its posterior (:func:`posterior_keys`), by key. A prior key goes through
    its distribution, one column each; the posterior keys take the posterior's row that the cube's last column
    picks, so every run keeps the correlations of one draw."""
    from_posterior = posterior_keys(params, keys)
    from_prior = [k for k in keys if k not in from_posterior]
    prior = ppf_columns(params, from_prior, cube[:, :len(from_prior)]) if from_prior else {}
    if not from_posterior:
        return prior, {}
    if params.posterior is None:
        raise InputError("sample", "params", "expected a parameter set loaded with its posterior's draws; this one "
                         "(restored from a snapshot) holds only its central values: load the scenario again "
                         "(load_params) to sample it")
    draws = params.posterior.draws
    rows = np.minimum((cube[:, -1] * len(draws)).astype(np.int64), len(draws) - 1)
    by_key = np.ascontiguousarray(draws[from_posterior].to_numpy(dtype=float).T)  # a row per key: gathers read rows
    return prior, dict(zip(from_posterior, by_key[:, rows]))


def with_drawn(params: ParameterSet, prior: dict[str, np.ndarray], posterior: dict[str, np.ndarray],
               where: str) -> ParameterSet:
    """``params`` with the values of :func:`drawn_values` set, each recorded as what it is."""
    batch = params.with_values(prior, where=where, kind=SAMPLE) if prior else params
    if posterior:
        batch = batch.with_values(posterior, where=f"{where}: rows of the {params.posterior.label}", kind=POSTERIOR)
    return batch


def sample_values(runs: int, parameters: int) -> float:
    """How many float64 numbers a sample of ``runs`` x ``parameters`` holds at its peak (cube, values, copy)."""
    return 3.0 * runs * parameters


def sample(params: ParameterSet | str, n: int, sampler: str = "lhs", seed: int = 0,
           keys: Sequence[str] | None = None) -> ParameterSet:
    """A batch of ``n`` parameter sets drawn from the registry's distributions.

    Parameters
    ----------
    params : ParameterSet or str
        The scenario to sample around (its ranges and distributions), or its name.
    n : int
        Number of runs.
    sampler : {"lhs", "sobol", "random"}
        The design (:mod:`model.analysis.sampler`); with ``"sobol"`` or ``"random"`` a sample of ``n``
        runs is the first ``n`` runs of a larger one with the same seed.
    seed : int
        Seed of the draw (stream 0 of ``numpy.random.SeedSequence(seed)``, as a sweep's first scenario).
    keys : sequence of str, optional
        Parameters to vary (default: every uncertain one); the others keep their value.

    Returns
    -------
    ParameterSet
        Every varied value an array of shape ``(n,)``; :func:`model.simulate` runs them in one pass.
    """
    params = as_params(params, "sample")
    limits.whole(n, "sample", "n", 1)
    limits.seed(seed, "sample")
    check_sampler(sampler, "sample")
    keys = checked_keys(params, keys, "sample")
    limits.memory(sample_values(n, len(keys)), "sample", "n", f"a sample of {n:,} runs over {len(keys)} parameters")
    prior, posterior = drawn_values(params, keys, unit_cube(n, columns(params, keys), sampler, seed))
    batch = with_drawn(params, prior, posterior, f"Monte Carlo sample (sampler={sampler}, seed={seed})")
    # Draws per run beyond the parameters (a casualty path) come from the seed's path stream, run j at index j.
    return replace(batch, stream=RunStream(path_stream(seed), np.arange(n)))
