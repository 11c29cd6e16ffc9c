"""Observation kernels: what the integrator keeps of each month, as linear combinations of flows or stocks.

Each kernel writes one month's kept quantities of a block of runs into the output arrays of
:class:`~model.engine.integrator.Trajectory`, by source or summed over sources.
"""

from __future__ import annotations

from numba import njit

from .contract import VIEWS_ONLY


@njit(**VIEWS_ONLY)
def _add_weighted(values, weights, o, s, combined):
    """``combined[b] += Σ_i weights[o, i] · values[i, s, b]``, skipping zero weights."""
    for i in range(values.shape[0]):
        weight = weights[o, i]
        if weight != 0.0:
            row = values[i, s]
            for b in range(combined.shape[0]):
                combined[b] += weight * row[b]


@njit(**VIEWS_ONLY)
def observe_by_source(values, weights, out, first, when):
    """``out[when, o, s, first + b]`` = Σ_i weights[o, i] · values[i, s, b]."""
    for o in range(weights.shape[0]):
        for s in range(values.shape[1]):
            combined = out[when, o, s, first:first + values.shape[2]]
            combined[:] = 0.0
            _add_weighted(values, weights, o, s, combined)


@njit(**VIEWS_ONLY)
def observe_total(values, weights, out, first, when):
    """``out[when, o, first + b]`` = Σ_i Σ_s weights[o, i] · values[i, s, b]."""
    for o in range(weights.shape[0]):
        combined = out[when, o, first:first + values.shape[2]]
        combined[:] = 0.0
        for s in range(values.shape[1]):
            _add_weighted(values, weights, o, s, combined)
