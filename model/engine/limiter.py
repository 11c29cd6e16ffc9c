"""The limiter: no stock is overdrawn, no clamp is silent (rule 2 of :mod:`model.engine.integrator`).

A compiled kernel shared by every method: it scales down the outflows of a stock they would overdraw within a
step and records what could not be delivered as shortfall (persons).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .contract import KERNEL


@njit(**KERNEL)
def limit(rates, state, dt, limited, order, origin, lo, hi, outflows, inflows, is_demand, shortfall, demand, available):
    """Scale down the outflows of any stock they would overdraw; add what its demand flows lack to ``shortfall``.

    ``is_demand[f]`` is 1 for a demand flow: only what those asked for and did not get is shortfall; the
    proportional outflows scaled down with them (conscripts leaving at the end of their term while an emergency
    call empties the stock) are not demand, so are not counted.

    A stock can give what it holds plus what flows into it during the step
    from outside, from stocks that are not limited, or from stocks already
    limited (none of those flows can shrink afterwards), so demand can fall on
    people who arrive within the step and no stock can be overdrawn.
    """
    n_stocks, n_sources, block = state.shape
    settled = np.empty(n_stocks + 1, dtype=np.bool_)  # the last slot stands for "outside the model"
    for k in range(n_stocks):
        settled[k] = not limited[k].any()
    settled[n_stocks] = True
    for k in order:
        for s in range(n_sources):
            if not limited[k, s]:
                continue
            held = state[k, s]
            demand[:] = 0.0
            for f in outflows[k]:
                if f >= 0 and lo[f] <= s < hi[f]:
                    rate = rates[f, s]
                    for b in range(block):
                        demand[b] += rate[b]
            overdrawn = 0
            for b in range(block):
                overdrawn += demand[b] * dt > held[b]
            if overdrawn == 0:  # the usual case: what the stock holds covers the step's outflows
                continue
            for b in range(block):
                available[b] = max(held[b], 0.0) / dt
            for f in inflows[k]:
                if f >= 0 and lo[f] <= s < hi[f] and settled[origin[f] if origin[f] >= 0 else n_stocks]:
                    rate = rates[f, s]
                    for b in range(block):
                        available[b] += rate[b]
            for b in range(block):
                demand[b] = available[b] / demand[b] if demand[b] > available[b] else 1.0  # now the scale factor
            for f in outflows[k]:
                if f >= 0 and lo[f] <= s < hi[f]:
                    rate = rates[f, s]
                    if is_demand[f]:
                        for b in range(block):
                            shortfall[k, b] += rate[b] * (1.0 - demand[b]) * dt
                    for b in range(block):
                        rate[b] *= demand[b]
        settled[k] = True
