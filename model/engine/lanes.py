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
def move1(cell, r1, g1, dt):
    """``cell += g1 · r1 · dt``: one flow's step applied to a stock's cell (``g1`` +1 for an inflow, -1 for an
    outflow; ``cell + (-1 · r) · dt`` is exactly ``cell - r · dt``, so signs cost no rounding)."""
    for b in range(cell.shape[0]):
        cell[b] = cell[b] + g1 * r1[b] * dt


@njit(**_LANE)
def move2(cell, r1, r2, g1, g2, dt):
    """:func:`move1` for two flows, applied in order in one pass over the cell."""
    for b in range(cell.shape[0]):
        cell[b] = (cell[b] + g1 * r1[b] * dt) + g2 * r2[b] * dt


@njit(**_LANE)
def move3(cell, r1, r2, r3, g1, g2, g3, dt):
    """:func:`move1` for three flows, applied in order in one pass over the cell."""
    for b in range(cell.shape[0]):
        cell[b] = ((cell[b] + g1 * r1[b] * dt) + g2 * r2[b] * dt) + g3 * r3[b] * dt


@njit(**_LANE)
def move4(cell, r1, r2, r3, r4, g1, g2, g3, g4, dt):
    """:func:`move1` for four flows, applied in order in one pass over the cell."""
    for b in range(cell.shape[0]):
        cell[b] = (((cell[b] + g1 * r1[b] * dt) + g2 * r2[b] * dt) + g3 * r3[b] * dt) + g4 * r4[b] * dt


@njit(**_LANE)
def apply_flows(cell, rates, s, flows, signs, count, dt):
    """``cell += Σ_j signs[j] · rates[flows[j], s] · dt`` over ``j < count``, in order, up to four flows per pass
    over the block (:func:`move4`): the numbers of one pass per flow in a quarter of the passes."""
    for j in range(0, count, 4):
        left = count - j
        if left >= 4:
            move4(cell, rates[flows[j], s], rates[flows[j + 1], s], rates[flows[j + 2], s], rates[flows[j + 3], s],
                  signs[j], signs[j + 1], signs[j + 2], signs[j + 3], dt)
        elif left == 3:
            move3(cell, rates[flows[j], s], rates[flows[j + 1], s], rates[flows[j + 2], s], signs[j], signs[j + 1],
                  signs[j + 2], dt)
        elif left == 2:
            move2(cell, rates[flows[j], s], rates[flows[j + 1], s], signs[j], signs[j + 1], dt)
        else:
            move1(cell, rates[flows[j], s], signs[j], dt)
