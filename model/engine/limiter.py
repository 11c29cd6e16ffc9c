"""The limiter: no stock is overdrawn, no clamp is silent (rule 2 of :mod:`model.engine.integrator`).

A compiled kernel shared by every method: it scales down the outflows of a stock they would overdraw within a
step and records what could not be delivered as shortfall (persons).
"""

from __future__ import annotations

from numba import njit

from .contract import VIEWS_ONLY
from .lanes import apply_flows


@njit(**VIEWS_ONLY)
def limit(rates, state, dt, limited, order, origin, lo, hi, outflows, inflows, is_demand, leaving, leaving_counts, ones,
          shortfall, demand, available, settled):
    """Scale down the outflows of any stock they would overdraw; add what its demand flows lack to ``shortfall``.

    ``is_demand[f]`` is 1 for a demand flow: only what those asked for and did not get is shortfall; the
    proportional outflows scaled down with them (conscripts leaving at the end of their term while an emergency
    call empties the stock) are not demand, so are not counted.

    A stock can give what it holds plus what flows into it during the step
    from outside, from stocks that are not limited, or from stocks already
    limited (none of those flows can shrink afterwards), so demand can fall on
    people who arrive within the step and no stock can be overdrawn.

    ``leaving[k, s]`` are the first ``leaving_counts[k, s]`` flows out of stock k's cell s, in flow order, and
    ``ones`` as many 1.0 (:class:`~model.engine.contract.Plan`). Work arrays: ``demand`` holds
    ``n_sources · block`` numbers, ``available`` ``block``, ``settled`` (booleans) ``n_stocks + 1``.
    """
    n_stocks, n_sources, block = state.shape
    # ``settled[k]``: stock k's outflows can shrink no more; the last slot stands for "outside the model".
    for k in range(n_stocks):
        settled[k] = not limited[k].any()
    settled[n_stocks] = True
    for k in order:
        if settled[k]:
            continue
        for s in range(n_sources):
            if not limited[k, s]:
                continue
            # What the cell's outflows ask, summed in flow order.
            held, asked = state[k, s], demand[s * block:(s + 1) * block]
            asked[:] = 0.0
            apply_flows(asked, rates, s, leaving[k, s], ones, leaving_counts[k, s], 1.0)
            overdrawn = False
            for b in range(block):
                overdrawn |= asked[b] * dt > held[b]
            if not overdrawn:  # the usual case: what the stock holds covers the step's outflows
                continue
            for b in range(block):
                available[b] = max(held[b], 0.0) / dt
            for f in inflows[k]:
                if f >= 0 and lo[f] <= s < hi[f] and settled[origin[f] if origin[f] >= 0 else n_stocks]:
                    rate = rates[f, s]
                    for b in range(block):
                        available[b] += rate[b]
            # Now the scale factor, 1 for a run that the test above finds covered, whatever the other runs of the
            # block: a run whose outflows fit its stock (asked · dt <= held) but not, by a rounding, the quotient
            # (asked > held / dt) would otherwise be scaled by a factor 1 - 1e-16 and report a shortfall of 1e-13
            # persons only when another run of its block is overdrawn.
            for b in range(block):
                covered = asked[b] * dt <= held[b]
                asked[b] = available[b] / asked[b] if asked[b] > available[b] and not covered else 1.0
            for f in outflows[k]:
                if f >= 0 and lo[f] <= s < hi[f]:
                    rate = rates[f, s]
                    if is_demand[f]:
                        for b in range(block):
                            shortfall[k, b] += rate[b] * (1.0 - asked[b]) * dt
                    for b in range(block):
                        rate[b] *= asked[b]
        settled[k] = True
