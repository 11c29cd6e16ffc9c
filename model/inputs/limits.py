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
    A run's arrays may take at most half of the memory this process may use: the
    machine's physical memory, or the container's cgroup limit when smaller.
``MONTH_PATTERN``
    A month is ``'YYYY-MM'`` from year 1 (pandas and the calendar have no year 0).
"""

from __future__ import annotations

import math
import os
import re
from numbers import Integral, Real
from pathlib import Path

import numpy as np

from ..errors import InputError

MAX_MONTHS = 1200
MAX_STEPS_PER_MONTH = 1024
MAX_SEED = 2**63 - 1
MAX_MAGNITUDE = 1e15
MEMORY_FRACTION = 0.5
MONTH_PATTERN = re.compile(r"^(?!0000)\d{4}-(0[1-9]|1[0-2])$")
_BYTES_PER_VALUE = 8
#: Files holding a container's memory limit in bytes: cgroup v2, then v1 (v2 writes ``max`` for none).
CGROUP_LIMITS = (Path("/sys/fs/cgroup/memory.max"), Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"))


def memory_limit() -> int:
    """Bytes a computation may allocate: :data:`MEMORY_FRACTION` of physical memory, or of the cgroup limit if less."""
    try:
        available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not a POSIX system: assume 8 GiB
        available = 8 * 2**30
    for path in CGROUP_LIMITS:
        try:
            text = path.read_text().strip()
        except OSError:  # no such cgroup file: not in a container, or another cgroup version
            continue
        if text.isdigit():
            available = min(available, int(text))
    return int(available * MEMORY_FRACTION)


def whole(value: object, where: str, key: str, minimum: int, maximum: int | None = None) -> int:
    """``value`` as an int in ``[minimum, maximum]`` (booleans and fractions refused)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise InputError(where, key, f"expected a whole number, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum:,}" if maximum is not None else ""
        raise InputError(where, key, f"expected a whole number >= {minimum:,}{upper}, got {value:,}")
    return int(value)


def within_magnitude(values: object) -> bool:
    """Whether every number in ``values`` (a number or an array) is finite and at most :data:`MAX_MAGNITUDE`."""
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        return True
    # Two reductions and no temporary the size of the array (results of large batches are gigabytes):
    # a NaN makes both extremes NaN, an infinity makes one of them infinite.
    lowest, highest = float(np.min(array)), float(np.max(array))
    return bool(np.isfinite(lowest) and np.isfinite(highest) and max(-lowest, highest) <= MAX_MAGNITUDE)


def magnitude(values: object, where: str, key: str, unit: str = "") -> np.ndarray:
    """``values`` (a number or an array) as a float array, or refused: NaN, infinity, beyond :data:`MAX_MAGNITUDE`.

    The one check of input numbers: booleans, texts and ints too large for a
    float are refused too. ``unit`` is named in the message (``"person / month"``), when given.
    """
    if has_boolean(values):
        raise InputError(where, key, f"expected a number{f' in {unit}' if unit else ''}, got {values!r}")
    try:
        array = np.asarray(values, dtype=float)
    except OverflowError:  # an int beyond any float (YAML reads 1 followed by 400 zeros as one)
        array = np.asarray(np.inf)
    except (TypeError, ValueError):
        raise InputError(where, key, f"expected a number{f' in {unit}' if unit else ''}, got {values!r}") from None
    if not within_magnitude(array):
        flat = array.ravel()
        worst = flat[np.argmax(~np.isfinite(flat) | (np.abs(flat) > MAX_MAGNITUDE))]
        raise InputError(where, key, f"expected a finite number of magnitude at most {MAX_MAGNITUDE:g}"
                                     f"{f' ({unit})' if unit else ''}, got {_shown(values, worst)}")
    return array


def has_boolean(values: object) -> bool:
    """Whether ``values`` is, or holds, a boolean (YAML reads ``yes`` and ``true`` as one)."""
    if isinstance(values, (bool, np.bool_)):
        return True
    if isinstance(values, np.ndarray):
        return values.dtype == bool
    if isinstance(values, (list, tuple)):
        return any(has_boolean(item) for item in values)
    return False


def _shown(values: object, worst: float) -> str:
    """The offending number as the user wrote it when it is one number, else as a float."""
    if isinstance(values, (Integral, Real)) and not isinstance(values, np.ndarray):
        text = repr(values)
        return text if len(text) <= 30 else f"{text[:12]}...({len(text)} digits)"
    return f"{worst:g}"


def finite(value: object, where: str, key: str, minimum: float | None = None) -> float:
    """``value``, one number (not a boolean), as a float checked by :func:`magnitude` (and at least ``minimum``)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(where, key, f"expected a number, got {value!r}")
    number = float(magnitude(value, where, key))
    if minimum is not None and number < minimum:
        raise InputError(where, key, f"expected a number >= {minimum:g}, got {number:g}")
    return number


def months(value: object, where: str, key: str = "months") -> int:
    """A horizon in whole months, 1 to :data:`MAX_MONTHS`."""
    return whole(value, where, key, 1, MAX_MONTHS)


def month(value: object, where: str, key: str = "start") -> str:
    """``value`` as a ``'YYYY-MM'`` month from year 1 (see :data:`MONTH_PATTERN`)."""
    text = str(value)
    if not MONTH_PATTERN.match(text):
        raise InputError(where, key, f"expected a month as 'YYYY-MM' from year 1, got {value!r}")
    return text


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
                                     f"{MEMORY_FRACTION:g} of this machine's or container's memory, "
                                     "model/inputs/limits.py)")
