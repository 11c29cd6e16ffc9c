"""Fixed-step integration of the flows, for a whole batch of runs at once.

The engine knows nothing of soldiers: it moves amounts along the flows that
:mod:`model.structure` declares, so that every person who leaves a stock
arrives in another (or in a sink), and it keeps the monthly totals.

Rules it keeps:

1. **Conservation.** A step subtracts each flow from its origin and adds it to
   its target; the sinks are the running sums of the flows into them.
2. **No negative stock, no silent clamp.** A flow set as a fraction of its own
   stock cannot overdraw it when ``rate · dt <= 1`` (checked before the run).
   A *demand* flow (a casualty level, a mobilization wave) may ask for more than
   its stock holds (plus what reaches it within the step): all outflows of that
   stock are then scaled down together for the step, and the amount not
   delivered is recorded as ``shortfall``.
3. **Monthly output.** ``dt`` divides a month; stocks are saved at the start of
   each month and flows are summed over each month (persons).

Methods: ``"euler"`` (explicit, first order) and ``"rk4"`` (classical
Runge-Kutta on the flow rates; the four stage rates are combined per flow
before the limiter and the update, so rules 1 and 2 hold for it too; a run
whose stage states would go negative takes an Euler step instead).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .structure import FLOWS, STOCKS, flows_into, flows_out_of

METHODS = ("euler", "rk4")

#: Runs advanced together in one block: small enough for the arrays to stay in cache.
DEFAULT_CHUNK = 4096

_STOCK_INDEX = {name: i for i, name in enumerate(STOCKS)}
_INTERNAL = tuple(f for f in FLOWS if f.origin is not None and f.target in _STOCK_INDEX)
#: Order in which stocks are limited: the wounded before the front, so that returns to duty are settled
#: before casualties are weighed against the front's strength.
_LIMIT_ORDER = ("pool", "training", "wounded", "front")
_LIMITED_STOCKS = tuple(s for s in STOCKS if any(f.demand for f in flows_out_of(s)))

#: Each flow as (name, rows, origin index, target index), indices None outside the state.
_PLAN = tuple((f.name, f.rows, _STOCK_INDEX.get(f.origin), _STOCK_INDEX.get(f.target)) for f in FLOWS)

RateFunction = Callable[[np.ndarray, float, int], tuple[dict[str, np.ndarray], object]]


@dataclass
class Trajectory:
    """Monthly output of one integration, runs on the last axis.

    Attributes
    ----------
    stocks : ndarray, shape (months + 1, len(STOCKS), n_sources, n)
        Stock values at the start of each month (persons); the last is the end state.
    flows : dict of ndarray, shape (months, rows, n)
        Persons moved by each flow during each month, over the flow's rows.
    shortfall : ndarray, shape (months, len(STOCKS), n)
        Persons that demand flows asked of each stock beyond what it held.
    """

    stocks: np.ndarray
    flows: dict[str, np.ndarray]
    shortfall: np.ndarray


def _net(rates: dict[str, np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    """Rate of change of every stock implied by the flow rates."""
    change = np.zeros(shape)
    for flow in FLOWS:
        rate = rates[flow.name]
        if flow.origin in _STOCK_INDEX:
            change[_STOCK_INDEX[flow.origin], flow.rows] -= rate
        if flow.target in _STOCK_INDEX:
            change[_STOCK_INDEX[flow.target], flow.rows] += rate
    return change


def _limit(rates: dict[str, np.ndarray], state: np.ndarray, dt: float, stocks: tuple[str, ...],
           shortfall: np.ndarray) -> None:
    """Scale down the outflows of any stock they would overdraw; add what is lacking to ``shortfall``.

    A stock can give what it holds plus what flows into it during the step
    from outside, from stocks that are not limited, or from stocks already
    limited (none of those flows can shrink afterwards), so demand can fall on
    people who arrive within the step and no stock can be overdrawn.
    """
    settled: set[str | None] = {None} | {s for s in STOCKS if s not in stocks}
    for stock in _LIMIT_ORDER:
        if stock not in stocks:
            continue
        index = _STOCK_INDEX[stock]
        outflows = flows_out_of(stock)
        demand = np.zeros(state.shape[1:])
        for flow in outflows:
            demand[flow.rows] += rates[flow.name]
        available = state[index] / dt
        for flow in flows_into(stock):
            if flow.origin in settled:
                available[flow.rows] += rates[flow.name]
        settled.add(stock)
        over = demand > available
        if not over.any():
            continue
        scale = np.where(over, available / np.where(over, demand, 1.0), 1.0)
        for flow in outflows:
            rates[flow.name] = rates[flow.name] * scale[flow.rows]
        shortfall[index] += ((demand - available) * over).sum(axis=0) * dt


def allocate(months: int, n_sources: int, n: int) -> Trajectory:
    """Zeroed output arrays for ``n`` runs."""
    return Trajectory(
        stocks=np.zeros((months + 1, len(STOCKS), n_sources, n)),
        flows={f.name: np.zeros((months, f.rows.stop - f.rows.start, n)) for f in FLOWS},
        shortfall=np.zeros((months, len(STOCKS), n)),
    )


def _runs(trajectory: Trajectory, runs: slice) -> Trajectory:
    """Views of the output arrays for a block of runs."""
    return Trajectory(trajectory.stocks[..., runs],
                      {name: array[..., runs] for name, array in trajectory.flows.items()},
                      trajectory.shortfall[..., runs])


def integrate(rate_function: RateFunction, state0: np.ndarray, months: int, dt: float,
              method: str = "euler", out: Trajectory | None = None) -> Trajectory:
    """Integrate from ``state0`` over ``months`` months with steps of ``dt`` months.

    Parameters
    ----------
    rate_function : callable
        ``rate_function(state, t, step) -> (rates, unallocated)`` with flow
        rates in persons per month and the front's unallocated casualty demand.
    state0 : ndarray, shape (len(STOCKS), n_sources, n)
        Stocks at the start (persons).
    months : int
        Horizon in months.
    dt : float
        Step in months; a whole number of steps must make a month.
    method : {"euler", "rk4"}
    out : Trajectory, optional
        Zeroed arrays (or views) to write into; allocated when not given.
    """
    steps_per_month = int(round(1.0 / dt))
    state = np.array(state0, dtype=float, copy=True)
    n = state.shape[-1]
    out = out if out is not None else allocate(months, state.shape[1], n)
    limited = STOCKS if method == "rk4" else _LIMITED_STOCKS
    front = _STOCK_INDEX["front"]
    # One month's totals are kept in small, cache-resident buffers and copied out once a month.
    totals = {f.name: np.zeros((f.rows.stop - f.rows.start, n)) for f in FLOWS}
    moved = {name: np.empty_like(total) for name, total in totals.items()}
    for month in range(months):
        out.stocks[month] = state
        shortfall = out.shortfall[month]
        for sub in range(steps_per_month):
            step = month * steps_per_month + sub
            t = step * dt
            rates, unallocated = rate_function(state, t, step)
            if method == "rk4":
                rates = _rk4(rate_function, state, rates, t, step, dt)
            shortfall[front] += unallocated * dt
            _limit(rates, state, dt, limited, shortfall)
            _advance(state, rates, dt, totals, moved)
        for name, total in totals.items():
            out.flows[name][month] = total
            total.fill(0.0)
    out.stocks[months] = state
    return out


def _rk4(rate_function: RateFunction, state: np.ndarray, k1: dict[str, np.ndarray], t: float,
         step: int, dt: float) -> dict[str, np.ndarray]:
    """Classical RK4 rates for the step; Euler's ``k1`` for runs whose stage states go negative.

    RK4 assumes smooth rates. Where a stock runs dry within the step, its stage
    states dip below zero and the rates there mean nothing (people flowing
    backwards), so those runs take the first-order step, which the limiter
    then keeps non-negative.
    """
    s2 = state + 0.5 * dt * _net(k1, state.shape)
    k2, _ = rate_function(s2, t + 0.5 * dt, step)
    s3 = state + 0.5 * dt * _net(k2, state.shape)
    k3, _ = rate_function(s3, t + 0.5 * dt, step)
    s4 = state + dt * _net(k3, state.shape)
    k4, _ = rate_function(s4, t + dt, step)
    smooth = ((s2 >= 0) & (s3 >= 0) & (s4 >= 0)).all(axis=(0, 1))
    return {name: np.where(smooth, (k1[name] + 2.0 * k2[name] + 2.0 * k3[name] + k4[name]) / 6.0, k1[name])
            for name in k1}


def _advance(state: np.ndarray, rates: dict[str, np.ndarray], dt: float,
             totals: dict[str, np.ndarray], moved: dict[str, np.ndarray]) -> None:
    """Move one step's amounts along every flow and add them to the month's totals."""
    for flow, rows, origin, target in _PLAN:
        amount = np.multiply(rates[flow], dt, out=moved[flow])
        totals[flow] += amount
        if origin is not None:
            state[origin, rows] -= amount
        if target is not None:
            state[target, rows] += amount


def integrate_chunked(make_rates: Callable[[slice], tuple[RateFunction, np.ndarray]], n: int,
                      n_sources: int, months: int, dt: float, method: str = "euler",
                      chunk: int = DEFAULT_CHUNK, threads: int = 1) -> Trajectory:
    """Integrate ``n`` runs in blocks of ``chunk`` runs, optionally on several threads.

    ``make_rates(runs)`` returns the rate function and initial state of the
    runs in the slice ``runs``. Blocks are independent and write into their
    own slice of the output, so the result does not depend on ``chunk`` or
    ``threads``; numpy releases the GIL in its loops, so threads use both
    cores without copying the inputs.
    """
    out = allocate(months, n_sources, n)
    blocks = [slice(a, min(a + chunk, n)) for a in range(0, n, chunk)]

    def run(runs: slice) -> None:
        rate_function, state0 = make_rates(runs)
        integrate(rate_function, state0, months, dt, method, out=_runs(out, runs))

    if threads > 1 and len(blocks) > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(run, blocks))
    else:
        for block in blocks:
            run(block)
    return out


def check_step(dt: float, fractional_outflows: dict[str, np.ndarray]) -> str | None:
    """Why ``dt`` cannot be used with these first-order outflow rates (1/month), or ``None``.

    ``fractional_outflows`` maps each stock to the sum of the rates at which
    its proportional outflows drain it; Euler keeps stocks non-negative only
    when that sum times ``dt`` is at most 1.
    """
    if not (0 < dt <= 1):
        return f"expected a step between 0 and 1 month, got {dt:g}"
    if abs(1.0 / dt - round(1.0 / dt)) > 1e-9:
        return f"expected a step that divides a month (1, 0.5, 0.25, 0.1, ...), got {dt:g}"
    for stock, total in fractional_outflows.items():
        worst = float(np.max(total)) * dt
        if worst > 1.0:
            return (f"expected a step small enough for the {stock} stock's outflow rates "
                    f"(rate x dt = {worst:.3g} > 1); use dt <= {dt / worst:.3g}")
    return None
