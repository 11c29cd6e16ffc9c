"""Fixed-step integration of the flows, for a whole batch of runs at once.

The engine moves amounts along the flows that :mod:`model.core.structure` declares
(passed to the compiled loop as a plan of origin and target indices), at the
rates :func:`model.dynamics.equations.flow_rates` gives, so every person who leaves a
stock arrives in another or in a sink, and it keeps the monthly totals. Runs
advance in blocks of :data:`BLOCK`, every loop running over the block
innermost (numpy broadcasting, compiled and fused by numba); blocks run in
parallel on all cores, and the numbers do not depend on the number of threads.

Rules it keeps:

1. **Conservation.** A step subtracts each flow from its origin and adds it to
   its target; the sinks are the running sums of the flows into them.
2. **No negative stock, no silent clamp.** A flow set as a fraction of its own
   stock cannot overdraw it when ``rate · dt <= 1`` (checked before the run).
   A *demand* flow (a casualty level, a mobilization wave) may ask for more than
   its stock holds (plus what reaches it within the step): all outflows of that
   stock are then scaled down together for the step, and the amount not
   delivered is recorded as ``shortfall``.
3. **Monthly output.** ``dt`` divides a month; stocks are observed at the start
   of each month and flows are summed over each month (persons). What is kept
   is a set of linear combinations of flows or of stocks, by source or summed
   over sources (see :class:`Observations`), so a large batch stores only what
   it is asked for.

Methods: ``"euler"`` (explicit, first order) and ``"rk4"`` (classical
Runge-Kutta on the flow rates; the four stage rates are combined per flow
before the limiter and the update, so rules 1 and 2 hold for it too; a run
whose stage states would go negative, beyond :data:`RK4_TOLERANCE` of
rounding residue, takes an Euler step instead, and every such step is counted
per run and month in :attr:`Trajectory.fallbacks`, so a result says when it is
less accurate than its method promises).
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from numba import njit, prange

from ..dynamics.equations import KERNEL, Inputs, flow_rates, trend
from .limiter import limit
from .observe import observe_by_source, observe_total
from .rk4 import RK4_TOLERANCE, rk4_rates
from ..core.structure import EXPOSED_STOCK, FLOWS, SOURCES, STOCKS, flows_out_of, limit_order

METHODS = ("euler", "rk4")

_STOCK_INDEX = {name: i for i, name in enumerate(STOCKS)}
#: Order in which stocks are limited, derived from the structure (:func:`model.core.structure.limit_order`): each
#: after the stocks that feed it, so the wounded (who return to duty) come before the front.
_LIMIT_ORDER = np.array([_STOCK_INDEX[s] for s in limit_order()])
#: Row of the shortfall where casualty demand that finds no exposed force is recorded.
_EXPOSED = _STOCK_INDEX[EXPOSED_STOCK]
#: Cells (stock, source) with a demand outflow; under RK4 every cell is limited.
_DEMAND_LIMITED = np.array([[any(f.demand and source in f.sources for f in flows_out_of(s)) for source in SOURCES]
                            for s in STOCKS])
_ORIGIN = np.array([_STOCK_INDEX.get(f.origin, -1) for f in FLOWS])
_TARGET = np.array([_STOCK_INDEX.get(f.target, -1) for f in FLOWS])
_LO = np.array([f.rows.start for f in FLOWS])
_HI = np.array([f.rows.stop for f in FLOWS])


@dataclass(frozen=True)
class Observations:
    """What to keep: linear combinations of monthly flow totals and of stocks.

    Each weight matrix has one row per kept quantity and one column per flow
    (``FLOWS`` order) or stock (``STOCKS`` order); a quantity is kept by source
    or summed over sources.
    """

    flows_by_source: np.ndarray
    flows_total: np.ndarray
    stocks_by_source: np.ndarray
    stocks_total: np.ndarray
    shortfall: bool = True


@dataclass
class Trajectory:
    """Kept quantities of an integration, run last (the kernel writes each block's runs contiguously).

    Shapes: ``flows_by_source (months + 1, k, 6, n)``, ``flows_total (months + 1, k, n)``,
    ``stocks_by_source (months + 1, k, 6, n)``, ``stocks_total (months + 1, k, n)``,
    ``shortfall (months + 1, len(STOCKS), n)``, or no stock row where it is not kept (persons);
    ``fallbacks (months + 1, n)``: steps of each month in which an RK4 run took an Euler step instead
    (always 0 under Euler). Flows, shortfall and fallbacks are NaN in the last month, which holds the
    end state.
    """

    flows_by_source: np.ndarray
    flows_total: np.ndarray
    stocks_by_source: np.ndarray
    stocks_total: np.ndarray
    shortfall: np.ndarray
    fallbacks: np.ndarray


#: Runs advanced together by one thread: enough for the compiler to vectorize, small enough for the cache.
BLOCK = 128


def _flow_lists(stocks_of_flow: np.ndarray) -> np.ndarray:
    """For each stock, the indices of the flows whose origin (or target) it is, padded with -1."""
    lists = [[f for f in range(len(FLOWS)) if stocks_of_flow[f] == k] for k in range(len(STOCKS))]
    table = -np.ones((len(STOCKS), max(len(x) for x in lists)), dtype=np.int64)
    for k, flows in enumerate(lists):
        table[k, :len(flows)] = flows
    return table


_OUTFLOWS = _flow_lists(_ORIGIN)
_INFLOWS = _flow_lists(_TARGET)


@njit(**KERNEL)
def _advance(rates, state, totals, needed, dt, origin, target, lo, hi):
    """Move one step's amounts (rate · dt) along every flow; add the rates an output needs to ``totals``.

    ``totals`` sums rates (persons/month) over the month's steps; :func:`_month_totals`
    turns the sums into persons.
    """
    # Inner loops index 1-D views with the loop counter only, so the compiler can vectorize them.
    for f in range(rates.shape[0]):
        for s in range(lo[f], hi[f]):
            rate = rates[f, s]
            if needed[f]:
                total = totals[f, s]
                for b in range(rate.shape[0]):
                    total[b] += rate[b]
            if origin[f] >= 0:
                drained = state[origin[f], s]
                for b in range(rate.shape[0]):
                    drained[b] -= rate[b] * dt
            if target[f] >= 0:
                filled = state[target[f], s]
                for b in range(rate.shape[0]):
                    filled[b] += rate[b] * dt


@njit(**KERNEL)
def _month_totals(totals, needed, dt, lo, hi):
    """Turn the month's sums of rates (persons/month) into amounts (persons)."""
    for f in range(totals.shape[0]):
        if needed[f]:
            for s in range(lo[f], hi[f]):
                total = totals[f, s]
                for b in range(total.shape[0]):
                    total[b] *= dt


@njit(parallel=True, **KERNEL)
def _integrate(state0, per_run, per_source, schedules, endogenous, months, steps_per_month, dt, rk4, limited,
               order, exposed, origin, target, lo, hi, outflows, inflows, weights, out, block):
    flows_src_w, flows_tot_w, stocks_src_w, stocks_tot_w = weights
    flows_src, flows_tot, stocks_src, stocks_tot, shortfall_out, fallbacks_out = out
    needed = np.zeros(origin.shape[0], dtype=np.bool_)  # flows that some kept output combines
    for f in range(origin.shape[0]):
        for o in range(flows_src_w.shape[0]):
            needed[f] |= flows_src_w[o, f] != 0.0
        for o in range(flows_tot_w.shape[0]):
            needed[f] |= flows_tot_w[o, f] != 0.0
    n_stocks, n_sources, n = state0.shape
    n_flows = origin.shape[0]
    for index in prange((n + block - 1) // block):
        first = index * block
        size = min(block, n - first)
        state = state0[:, :, first:first + size].copy()
        # The block's coefficients as contiguous arrays: the kernels' inner loops then vectorize.
        block_run = np.ascontiguousarray(per_run[:, first:first + size])
        block_source = np.ascontiguousarray(per_source[:, :, first:first + size])
        rates = np.zeros((n_flows, n_sources, size))
        totals = np.zeros((n_flows, n_sources, size))
        shortfall = np.zeros((n_stocks, size))
        fallbacks = np.zeros(size)
        unallocated = np.zeros(size)
        demand = np.zeros(size)
        available = np.zeros(size)
        smooth = np.ones(size)  # per run: 1 if this step's RK4 stages stayed non-negative, else 0
        work = (np.zeros((n_flows, n_sources, size)), np.zeros((n_flows, n_sources, size)),
                np.zeros((n_flows, n_sources, size)), np.zeros((n_stocks, n_sources, size)),
                np.zeros((n_stocks, n_sources, size)), np.zeros(size), smooth, np.zeros((2, size)))
        # Growth factors: exact at the start of each month, carried through its steps by multiplication.
        trends = np.empty((2, size))
        factors = np.empty((2, 2, size))  # over half a step, over a whole step
        trend(block_run, 0.5 * dt, factors[0])
        trend(block_run, dt, factors[1])
        for month in range(months + 1):
            observe_by_source(state, stocks_src_w, stocks_src, first, month)
            observe_total(state, stocks_tot_w, stocks_tot, first, month)
            if month == months:
                break
            totals[:, :, :] = 0.0
            shortfall[:, :] = 0.0
            fallbacks[:] = 0.0
            trend(block_run, float(month), trends)
            for sub in range(steps_per_month):
                step = month * steps_per_month + sub
                flow_rates(state, trends, step, dt, block_run, block_source, schedules, endogenous, rates,
                           unallocated)
                if rk4:
                    rk4_rates(state, rates, trends, factors, step, dt, block_run, block_source, schedules, endogenous,
                              origin, target, lo, hi, RK4_TOLERANCE, work)
                    for b in range(size):
                        fallbacks[b] += 1.0 - smooth[b]
                for b in range(size):
                    shortfall[exposed, b] += unallocated[b] * dt
                limit(rates, state, dt, limited, order, origin, lo, hi, outflows, inflows, shortfall, demand,
                      available)
                _advance(rates, state, totals, needed, dt, origin, target, lo, hi)
                for i in range(2):
                    for b in range(size):
                        trends[i, b] *= factors[1, i, b]
            _month_totals(totals, needed, dt, lo, hi)
            observe_by_source(totals, flows_src_w, flows_src, first, month)
            observe_total(totals, flows_tot_w, flows_tot, first, month)
            for k in range(shortfall_out.shape[1]):
                for b in range(size):
                    shortfall_out[month, k, first + b] = shortfall[k, b]
            for b in range(size):
                fallbacks_out[month, first + b] = fallbacks[b]


def integrate(state0: np.ndarray, inputs: Inputs, months: int, dt: float, observations: Observations,
              method: str = "euler", threads: int | None = None) -> Trajectory:
    """Integrate every run from ``state0`` over ``months`` months with steps of ``dt`` months.

    Parameters
    ----------
    state0 : ndarray, shape (len(STOCKS), n_sources, n)
        Stocks at the start (persons).
    inputs : Inputs
        The coefficients :func:`model.dynamics.equations.flow_rates` reads.
    months, dt : int, float
        Horizon in months; step in months (a whole number of steps makes a month).
    observations : Observations
        What to keep.
    method : {"euler", "rk4"}
    threads : int, optional
        Threads to use (default: numba's, all cores).
    """
    n = state0.shape[-1]
    # Every block is full (the last one padded with copies of the last run) so that each run goes
    # through the same vectorized code: a run's numbers do not depend on the size of its batch.
    padded = -(-n // BLOCK) * BLOCK

    def pad(array: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(np.pad(array, [(0, 0)] * (array.ndim - 1) + [(0, padded - n)], mode="edge"),
                                    dtype=float)

    state0, per_run, per_source = pad(state0), pad(inputs.per_run), pad(inputs.per_source)
    n, n_sources = padded, state0.shape[1]
    # Flows get a row for the end state too, left NaN: nothing flows under the last month's label.
    # Every other element is written by the kernel, so the arrays start empty (no second pass over memory).
    out = Trajectory(
        flows_by_source=np.empty((months + 1, len(observations.flows_by_source), n_sources, n)),
        flows_total=np.empty((months + 1, len(observations.flows_total), n)),
        stocks_by_source=np.empty((months + 1, len(observations.stocks_by_source), n_sources, n)),
        stocks_total=np.empty((months + 1, len(observations.stocks_total), n)),
        shortfall=np.empty((months + 1, len(STOCKS) if observations.shortfall else 0, n)),
        fallbacks=np.empty((months + 1, n)),
    )
    for array in (out.flows_by_source, out.flows_total, out.shortfall, out.fallbacks):
        array[months] = np.nan
    limited = np.ones_like(_DEMAND_LIMITED) if method == "rk4" else _DEMAND_LIMITED
    previous = numba.get_num_threads()
    if threads:
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        _integrate(state0, per_run, per_source, inputs.schedules, inputs.endogenous, months,
                   int(round(1.0 / dt)), float(dt), method == "rk4",
                   limited, _LIMIT_ORDER, _EXPOSED, _ORIGIN, _TARGET, _LO, _HI, _OUTFLOWS, _INFLOWS,
                   (observations.flows_by_source, observations.flows_total, observations.stocks_by_source,
                    observations.stocks_total),
                   (out.flows_by_source, out.flows_total, out.stocks_by_source, out.stocks_total, out.shortfall,
                    out.fallbacks),
                   BLOCK)
    finally:
        numba.set_num_threads(previous)
    runs = slice(0, inputs.n)
    return Trajectory(out.flows_by_source[..., runs], out.flows_total[..., runs], out.stocks_by_source[..., runs],
                      out.stocks_total[..., runs], out.shortfall[..., runs], out.fallbacks[..., runs])


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
