"""Which random draws a batch of runs owns: a seed's stream and each run's index in it.

A Monte Carlo sample or a sweep's chunk gives each of its runs an index in a
``numpy.random.SeedSequence`` stream; whatever is drawn per run beyond the
parameters (a casualty path, :mod:`model.dynamics.casualty_paths`) is drawn at
that index, so a run's draws depend on the seed and its index only, never on
its batch or chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class RunStream:
    """The stream (``sequence``) and each run's index in it (``index``, shape ``(n,)``)."""

    sequence: np.random.SeedSequence
    index: np.ndarray

    def __post_init__(self) -> None:
        index = np.asarray(self.index, dtype=np.int64)
        if index.ndim != 1 or (index < 0).any():
            raise ValueError("expected one non-negative index per run")
        index.setflags(write=False)
        object.__setattr__(self, "index", index)


def path_stream(seed: int | np.random.SeedSequence, index: int = 0) -> np.random.SeedSequence:
    """The stream of per-run paths of ``seed``'s ``index``-th scenario: independent of the sampler's streams
    (``SeedSequence(seed, spawn_key=(index,))``), reproducible from the seed alone."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    return np.random.SeedSequence(seed, spawn_key=(index, 1))
