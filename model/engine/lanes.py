"""Elementwise loops over a block of runs, for the compiled kernels (the engine's and a model's rates).

Each touches two or three rows (1-D, contiguous, one element per run), so
the compiler can check at run time that they do not overlap and vectorize
the loop; a loop that reads and writes many rows at once stays scalar. They
are inlined where they are called (numba's ``inline="always"``: numba links each compiled function separately, so
without it every lane was a call passing three array structures on the stack) and compute exactly what the
written-out expression would (same operations, same order), so rates do not change by a rounding when a kernel is
written with them.
"""

from __future__ import annotations

from numba import njit

_LANE = {"cache": True, "nogil": True, "error_model": "numpy", "inline": "always"}


@njit(**_LANE)
def proportional(out, coefficient, stock):
    """``out = coefficient · max(stock, 0)``: a flow that is a fraction of its stock (persons/month)."""
    for b in range(out.shape[0]):
        out[b] = coefficient[b] * max(stock[b], 0.0)


@njit(**_LANE)
def split(part, rest, share):
    """``part = share · rest`` and then ``rest -= part``: a whole (in ``rest`` on entry) split into two flows."""
    for b in range(part.shape[0]):
        part[b] = share[b] * rest[b]
        rest[b] = rest[b] - part[b]


@njit(**_LANE)
def copy(out, a):
    """``out = a``."""
    for b in range(out.shape[0]):
        out[b] = a[b]


@njit(**_LANE)
def multiply(out, a, b_):
    """``out = a · b_``."""
    for b in range(out.shape[0]):
        out[b] = a[b] * b_[b]


@njit(**_LANE)
def scale(out, a, factor):
    """``out = a · factor`` (``factor`` one number)."""
    for b in range(out.shape[0]):
        out[b] = a[b] * factor


@njit(**_LANE)
def add(out, a, b_):
    """``out = a + b_``."""
    for b in range(out.shape[0]):
        out[b] = a[b] + b_[b]


@njit(**_LANE)
def accumulate(out, a):
    """``out += a``."""
    for b in range(out.shape[0]):
        out[b] = out[b] + a[b]


@njit(**_LANE)
def subtract(out, a):
    """``out -= a``."""
    for b in range(out.shape[0]):
        out[b] = out[b] - a[b]


@njit(**_LANE)
def transfer(origin, target, rate, dt):
    """Move ``rate · dt`` from ``origin`` to ``target``: ``origin -= rate · dt``, ``target += rate · dt``."""
    for b in range(rate.shape[0]):
        moved = rate[b] * dt
        origin[b] = origin[b] - moved
        target[b] = target[b] + moved


@njit(**_LANE)
def drain(origin, rate, dt):
    """``origin -= rate · dt`` (a flow into a sink)."""
    for b in range(rate.shape[0]):
        origin[b] = origin[b] - rate[b] * dt


@njit(**_LANE)
def fill(target, rate, dt):
    """``target += rate · dt`` (a flow from outside the model)."""
    for b in range(rate.shape[0]):
        target[b] = target[b] + rate[b] * dt
