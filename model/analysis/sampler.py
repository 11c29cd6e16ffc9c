"""The one sampler of the unit cube: Monte Carlo, sensitivity and sweeps all draw their points here.

A design is a sequence of rows in ``[0, 1)^d`` drawn from a seed by one of
:data:`SAMPLERS`:

``"sobol"``
    scrambled Sobol points (:class:`scipy.stats.qmc.Sobol`); row ``j`` is reached
    with ``fast_forward(j)``;
``"random"``
    independent uniform numbers from a counter-based generator (Philox): each
    row starts on its own counter step, so row ``j`` is drawn from the key and
    ``j`` alone;
``"lhs"``
    a Latin hypercube (:class:`scipy.stats.qmc.LatinHypercube`).

**Chunk invariance.** A Sobol or random row depends on the seed and its index
only: ``rows(s, d, seed, 0, n)`` is ``rows(s, d, seed, 0, 2 * n)[:n]``, and a
sweep cut into chunks draws the same rows whatever the chunk size or backend.
A Latin hypercube cannot be extended: its strata are ``1 / size`` wide, so the
whole design of ``size`` rows is drawn and sliced (a chunk of it is still the
same rows whatever the chunk size, but a design of ``n`` rows is not the start
of one of ``2n``).

**Streams.** A seed is split into independent streams,
``numpy.random.SeedSequence(seed, spawn_key=(stream,))`` (:func:`stream`).
:func:`model.sample`, :func:`model.uncertainty` and :func:`model.sensitivity`
draw stream 0; a sweep gives its ``s``-th scenario stream ``s``. So the same
sampler and seed give the same rows in ``model.sample(params, n, sampler, seed)``
and in the first ``n`` samples of a sweep's first scenario.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.stats import qmc

from ..core import defaults
from ..errors import InputError

SAMPLERS = defaults.SAMPLERS
#: Most points of a Sobol sequence (scipy's default 30 bits).
MAX_SOBOL_ROWS = defaults.MAX_SOBOL_ROWS
#: Philox yields four 64-bit numbers per counter step: every row starts on a step.
_PHILOX_WORDS = 4


def stream(seed: int | np.random.SeedSequence, index: int = 0) -> np.random.SeedSequence:
    """The ``index``-th independent stream of ``seed`` (a given ``SeedSequence`` is returned as it is)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return np.random.SeedSequence(seed, spawn_key=(index,))


def check_sampler(sampler: str, where: str, key: str = "sampler") -> str:
    """``sampler`` if it is one of :data:`SAMPLERS`, else an :class:`InputError` naming ``where`` and ``key``."""
    if sampler not in SAMPLERS:
        raise InputError(where, key, f"expected one of {', '.join(SAMPLERS)}, got {sampler!r}")
    return sampler


def rows(sampler: str, d: int, seed: int | np.random.SeedSequence, first: int, stop: int,
         size: int | None = None) -> np.ndarray:
    """Rows ``first..stop`` (``stop`` excluded) of a design in ``[0, 1)^d``, shape ``(stop - first, d)``.

    Parameters
    ----------
    sampler : {"lhs", "sobol", "random"}
    d : int
        Dimensions (columns).
    seed : int or numpy.random.SeedSequence
        An int is :func:`stream` 0 of that seed.
    first, stop : int
        The rows wanted, as a slice of the design.
    size : int, optional
        Rows in the whole design: a Latin hypercube's strata depend on it
        (default ``stop``); Sobol and random rows do not.
    """
    check_sampler(sampler, "sampler")
    sequence = stream(seed)
    count = stop - first
    if d == 0:
        return np.zeros((count, 0))
    if sampler == "sobol":
        engine = qmc.Sobol(d=d, scramble=True, rng=np.random.default_rng(sequence))
        if first:
            engine.fast_forward(first)
        with warnings.catch_warnings():
            # A segment of the sequence need not be a power of 2 long: the balance scipy warns about
            # belongs to the whole design, which may be drawn segment by segment.
            warnings.filterwarnings("ignore", "The balance properties of Sobol", UserWarning)
            return engine.random(count)
    if sampler == "random":
        per_row = -(-d // _PHILOX_WORDS) * _PHILOX_WORDS
        key = sequence.generate_state(2, dtype=np.uint64)
        counter = np.array([first * (per_row // _PHILOX_WORDS), 0, 0, 0], dtype=np.uint64)
        rng = np.random.Generator(np.random.Philox(key=key, counter=counter))
        return rng.random(count * per_row).reshape(count, per_row)[:, :d]
    cube = qmc.LatinHypercube(d=d, rng=np.random.default_rng(sequence)).random(stop if size is None else size)
    return cube[first:stop]


def unit_cube(n: int, d: int, sampler: str, seed: int | np.random.SeedSequence) -> np.ndarray:
    """The first ``n`` rows of a design of ``n`` rows (:func:`rows`), shape ``(n, d)``."""
    return rows(sampler, d, seed, 0, n)
