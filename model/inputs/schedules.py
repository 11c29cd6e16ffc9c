"""Scheduled events (mobilization waves, North Korean tranches, migrant roundups) as rates.

An event puts ``size`` persons through a flow, spread evenly over ``months``
from the start of month ``start``. On the integration grid each step gets the
share of the event that falls inside it, so the persons delivered over the
horizon equal the event's size exactly (or the part of it inside the horizon).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .limits import MONTH_PATTERN
from .registry import Event


#: January of year 0, the origin of month indices.
_YEAR_ZERO = np.datetime64("0000-01", "M")


def month_index(month: str) -> int:
    """Months since January of year 0 for ``'YYYY-MM'`` (numpy ``datetime64[M]``); differences give month offsets.

    Anything but a month ``'YYYY-MM'`` from year 1 (:data:`model.inputs.limits.MONTH_PATTERN`) raises ``ValueError``.
    """
    if not isinstance(month, str) or not MONTH_PATTERN.match(month):
        raise ValueError(f"expected a month as 'YYYY-MM' from year 1, got {month!r}")
    return int((np.datetime64(month, "M") - _YEAR_ZERO).astype(int))


def month_label(index: int) -> str:
    """``'YYYY-MM'`` for a month index of :func:`month_index` (its inverse)."""
    return str(_YEAR_ZERO + np.timedelta64(index, "M"))


def step_rates(events: Sequence[Event], start: str, n_steps: int, dt: float) -> np.ndarray:
    """Rate of each step (persons per month) that delivers ``events``.

    Parameters
    ----------
    events : sequence of Event
        Scheduled events; ``start`` of each is a ``'YYYY-MM'`` month.
    start : str
        First month of the simulation, ``'YYYY-MM'``.
    n_steps, dt : int, float
        Integration grid: ``n_steps`` steps of ``dt`` months.

    Returns
    -------
    numpy.ndarray, shape (n_steps,)
    """
    edges = np.arange(n_steps + 1) * dt
    rates = np.zeros(n_steps)
    origin = month_index(start)
    for event in events:
        begin = month_index(event.start) - origin
        end = begin + event.months
        overlap = np.clip(np.minimum(edges[1:], end) - np.maximum(edges[:-1], begin), 0.0, None)
        rates += event.size / event.months * overlap / dt
    return rates
