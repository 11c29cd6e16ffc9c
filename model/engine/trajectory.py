"""What the engine is asked to keep (:class:`Observations`) and what it returns (:class:`Trajectory`).

Plain arrays in dataclasses, importable without numba: the results layer labels them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
@dataclass(frozen=True)
class Observations:
    """What to keep: linear combinations of monthly flow totals and of stocks.

    Each weight matrix has one row per kept quantity and one column per flow
    (structure order) or stock (structure order); a quantity is kept by subscript
    or summed over the subscript.
    """

    flows_by_source: np.ndarray
    flows_total: np.ndarray
    stocks_by_source: np.ndarray
    stocks_total: np.ndarray
    shortfall: bool = True


@dataclass
class Trajectory:
    """Kept quantities of an integration, run last (the kernel writes each block's runs contiguously).

    Shapes: ``flows_by_source (months + 1, k, n_subscript, n)``, ``flows_total (months + 1, k, n)``,
    ``stocks_by_source (months + 1, k, n_subscript, n)``, ``stocks_total (months + 1, k, n)``,
    ``shortfall (months + 1, n_stocks, n)``, or no stock row where it is not kept (persons);
    ``fallbacks (months + 1, n)``: steps of each month in which a run took an Euler step instead of its
    method's (always 0 under Euler). Flows, shortfall and fallbacks are NaN in the last month, which holds
    the end state.
    """

    flows_by_source: np.ndarray
    flows_total: np.ndarray
    stocks_by_source: np.ndarray
    stocks_total: np.ndarray
    shortfall: np.ndarray
    fallbacks: np.ndarray
