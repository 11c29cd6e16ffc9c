"""Limits on sizes and values, checked before any work so that bad input never runs out of memory.

Each check raises :class:`~model.errors.InputError` naming where the value came
from (an option such as ``--n``, a file, a function), the key and the limit.

Limits
------
``MAX_MONTHS``
    Longest horizon, 1,200 months (a century): dates stay inside what pandas
    can label, and no analysis of this war needs more.
``MAX_STEPS_PER_MONTH``
    Smallest step ``dt = 1 / 1024`` month (about 43 minutes); finer steps change
    nothing measurable and cost time and memory in proportion.
``MAX_SEED``
    Seeds are whole numbers in ``[0, 2**63)``: what ``numpy.random.SeedSequence``
    takes and what a NetCDF attribute (int64) can record.
``MAX_MAGNITUDE``
    No input number may exceed 1e15 in magnitude (more persons than have ever
    lived, a trillion roubles a thousand times over): larger values only
    overflow the arithmetic.
``MEMORY_FRACTION``
    A run's arrays may take at most half of this machine's physical memory.
"""

from __future__ import annotations

import math
import os
from numbers import Integral, Real

from .errors import InputError

MAX_MONTHS = 1200
MAX_STEPS_PER_MONTH = 1024
MAX_SEED = 2**63 - 1
MAX_MAGNITUDE = 1e15
MEMORY_FRACTION = 0.5
_BYTES_PER_VALUE = 8


def memory_limit() -> int:
    """Bytes a computation may allocate: :data:`MEMORY_FRACTION` of physical memory."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not a POSIX system: assume 8 GiB
        physical = 8 * 2**30
    return int(physical * MEMORY_FRACTION)


def whole(value: object, where: str, key: str, minimum: int, maximum: int | None = None) -> int:
    """``value`` as an int in ``[minimum, maximum]`` (booleans and fractions refused)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise InputError(where, key, f"expected a whole number, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum:,}" if maximum is not None else ""
        raise InputError(where, key, f"expected a whole number >= {minimum:,}{upper}, got {value:,}")
    return int(value)


def magnitude_problem(number: float) -> str | None:
    """Why ``number`` is not a usable input number (NaN, infinite, beyond :data:`MAX_MAGNITUDE`), or ``None``."""
    if math.isfinite(number) and abs(number) <= MAX_MAGNITUDE:
        return None
    return f"expected a finite number of magnitude at most {MAX_MAGNITUDE:g}, got {number!r}"


def finite(value: object, where: str, key: str, minimum: float | None = None) -> float:
    """``value`` as a finite float no larger than :data:`MAX_MAGNITUDE` (and at least ``minimum``)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(where, key, f"expected a number, got {value!r}")
    number = float(value)
    if magnitude_problem(number):
        raise InputError(where, key, magnitude_problem(number))
    if minimum is not None and number < minimum:
        raise InputError(where, key, f"expected a number >= {minimum:g}, got {number:g}")
    return number


def months(value: object, where: str, key: str = "months") -> int:
    """A horizon in whole months, 1 to :data:`MAX_MONTHS`."""
    return whole(value, where, key, 1, MAX_MONTHS)


def seed(value: object, where: str, key: str = "seed") -> int:
    """A seed in ``[0, MAX_SEED]``."""
    return whole(value, where, key, 0, MAX_SEED)


def step(dt: object, where: str, key: str = "dt") -> float:
    """An integration step in months that divides a month, at least ``1 / MAX_STEPS_PER_MONTH``."""
    if isinstance(dt, bool) or not isinstance(dt, Real) or not math.isfinite(float(dt)):
        raise InputError(where, key, f"expected a step in months such as 0.25, got {dt!r}")
    dt = float(dt)
    if not 0 < dt <= 1:
        raise InputError(where, key, f"expected a step between 0 and 1 month, got {dt:g}")
    if dt < 1.0 / MAX_STEPS_PER_MONTH:
        raise InputError(where, key, f"expected a step of at least 1/{MAX_STEPS_PER_MONTH} month, got {dt:g}")
    if abs(1.0 / dt - round(1.0 / dt)) > 1e-9:
        raise InputError(where, key, f"expected a step that divides a month (1, 0.5, 0.25, 0.1, ...), got {dt:g}")
    return dt


def memory(values: float, where: str, key: str, what: str) -> None:
    """Refuse a computation that would hold more than :func:`memory_limit` bytes in ``values`` float64 numbers."""
    needed, limit = values * _BYTES_PER_VALUE, memory_limit()
    if needed > limit:
        raise InputError(where, key, f"expected a size that fits in memory: {what} would take {needed / 2**30:,.3g} "
                                     f"GiB, above the limit of {limit / 2**30:,.3g} GiB (MEMORY_FRACTION "
                                     f"{MEMORY_FRACTION:g} of this machine's memory, model/limits.py)")
