"""Fixed-step integration of the flows, for a whole batch of runs at once.

The engine moves amounts along the flows that a :class:`~model.engine.contract.System`'s
structure declares (passed to the compiled loop as a :class:`~model.engine.contract.Plan`
of origin and target indices), at the rates its kernel gives, so every person who leaves a
stock arrives in another or in a sink, and it keeps the monthly totals. It knows nothing
about the model beyond that contract (:mod:`model.engine.contract`). Runs
advance in blocks of :data:`BLOCK`, every loop running over the block
innermost (numpy broadcasting, compiled and fused by numba); blocks run in
parallel on all cores (:func:`in_parallel`), and a run's numbers depend neither on the number of threads nor on
the size of its batch (blocks are not padded: every run goes through the same elementwise arithmetic, which
rounds the same way in the compiler's vectorized loops as in their scalar remainders).

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

Methods (:mod:`model.engine.methods`, one module each): ``"euler"`` (explicit,
first order) and ``"rk4"`` (classical Runge-Kutta on the flow rates; the four stage rates are combined per flow
before the limiter and the update, so rules 1 and 2 hold for it too; a run
whose stage states would go negative, beyond :data:`RK4_TOLERANCE` of
rounding residue, takes an Euler step instead, and every such step is counted
per run and month in :attr:`Trajectory.fallbacks`, so a result says when it is
less accurate than its method promises).
"""

from __future__ import annotations

import numba
import numpy as np
from numba import njit

from .contract import (ARRAY3, FACTORS_FUNCTION, INDEX, KERNEL, METHOD_FUNCTION, RATES_FUNCTION, VIEWS_ONLY,
                       Coefficients, Observations, System, Trajectory)
from .lanes import accumulate, apply_flows
from .limiter import limit
from .methods import METHODS
from .parallel import in_parallel
from .observe import observe_by_source, observe_total
from .compiling import wait_for_background

# On a first run, another process may be compiling this module's kernels into the cache (model.engine.compiling):
# waiting for it here, before the decorators below compile or load them, lets them load.
wait_for_background()

#: Runs advanced together by one thread: enough for the compiler to vectorize and to spread the cost of each loop's
#: set-up over many runs, few enough for a block's working arrays (about 1 MB) to stay near the core. On the
#: machine this was tuned on, 256 ran 20% faster than 128 and as fast as 512 or 1,024 (``benchmarks/bench_block.py``);
#: a batch of at most one block runs on the calling thread alone.
BLOCK = 256


@njit(**VIEWS_ONLY)
def _advance(rates, state, totals, needed, dt, lo, hi, moves, signs, counts):
    """Move one step's amounts (rate · dt) along every flow; add the rates an output needs to ``totals``.

    ``totals`` sums rates (persons/month) over the month's steps; :func:`_month_totals`
    turns the sums into persons. Each stock's cell takes its flows (``moves``, in flow order, with ``signs``
    +1 in and -1 out, :class:`~model.engine.contract.Plan`) up to four per pass over the block: the same
    operations in the same order as one pass per flow, so the same numbers, in a fraction of the passes.
    """
    for f in range(rates.shape[0]):
        if needed[f]:
            for s in range(lo[f], hi[f]):
                accumulate(totals[f, s], rates[f, s])
    for k in range(state.shape[0]):
        for s in range(state.shape[1]):
            apply_flows(state[k, s], rates, s, moves[k, s], signs[k, s], counts[k, s], dt)


@njit(**VIEWS_ONLY)
def _month_totals(totals, needed, dt, lo, hi):
    """Turn the month's sums of rates (persons/month) into amounts (persons)."""
    for f in range(totals.shape[0]):
        if needed[f]:
            for s in range(lo[f], hi[f]):
                total = totals[f, s]
                for b in range(total.shape[0]):
                    total[b] *= dt


_FLOAT4 = numba.types.float64[:, :, :, ::1]
_BOOL2 = numba.types.boolean[:, ::1]
_F, _I = numba.types.float64, numba.types.int64
_WEIGHTS = numba.types.UniTuple(numba.types.float64[:, ::1], 4)
_OUT = numba.types.Tuple((_FLOAT4, ARRAY3, _FLOAT4, ARRAY3, ARRAY3, numba.types.float64[:, ::1]))


_ARRAY2 = numba.types.float64[:, ::1]
_TABLE = numba.types.int64[:, ::1]
_TABLE3 = numba.types.int64[:, :, ::1]


@njit(numba.types.void(RATES_FUNCTION, FACTORS_FUNCTION, METHOD_FUNCTION, ARRAY3, _ARRAY2, ARRAY3, _ARRAY2, ARRAY3,
                       _I, _I, _I, _I, _I, _F, _BOOL2, INDEX, _I, INDEX, INDEX, INDEX, INDEX, _TABLE, _TABLE, INDEX,
                       _TABLE3, ARRAY3, _TABLE, _TABLE3, _TABLE, _WEIGHTS, _OUT, _I, _I, _I),
      **KERNEL)
def _integrate(rates_kernel, factors_kernel, method, state0, per_run, per_subscript, schedules, series, mode, n_factors,
               n_scratch, months, steps_per_month, dt, limited, order, shortfall_row, origin, target, lo, hi, outflows,
               inflows, is_demand, moves, signs, counts, leaving, leaving_counts, weights, out, block, first_block,
               last_block):
    """Integrate the runs of blocks ``first_block .. last_block`` (each ``block`` runs, the last one of the batch
    possibly fewer), one block after another; threads run disjoint ranges of blocks (:func:`integrate`)."""
    flows_src_w, flows_tot_w, stocks_src_w, stocks_tot_w = weights
    flows_src, flows_tot, stocks_src, stocks_tot, shortfall_out, fallbacks_out = out
    needed = np.zeros(origin.shape[0], dtype=np.bool_)  # flows that some kept output combines
    for f in range(origin.shape[0]):
        for o in range(flows_src_w.shape[0]):
            needed[f] |= flows_src_w[o, f] != 0.0
        for o in range(flows_tot_w.shape[0]):
            needed[f] |= flows_tot_w[o, f] != 0.0
    n_stocks, n_subscript, n = state0.shape
    n_flows = origin.shape[0]
    for index in range(first_block, last_block):
        first = index * block
        size = min(block, n - first)
        state = state0[:, :, first:first + size].copy()
        # The block's coefficients as contiguous arrays: the kernels' inner loops then vectorize.
        block_run = np.ascontiguousarray(per_run[:, first:first + size])
        block_subscript = np.ascontiguousarray(per_subscript[:, :, first:first + size])
        block_series = np.ascontiguousarray(series[:, :, first:first + size]) if series.shape[2] > 1 else series
        rates = np.zeros((n_flows, n_subscript, size))
        totals = np.zeros((n_flows, n_subscript, size))
        shortfall = np.zeros((n_stocks, size))
        fallbacks = np.zeros(size)
        unallocated = np.zeros(size)
        demand = np.zeros(n_subscript * size)
        available = np.zeros(size)
        work_flows = np.zeros((3, n_flows, n_subscript, size))
        work_stocks = np.zeros((2, n_stocks, n_subscript, size))
        # Unallocated demand in a stage; 1 where the method took its own step; the rate kernel's scratch.
        work_runs = np.zeros((2 + n_scratch, size))
        scratch = work_runs[2:]
        settled = np.empty(n_stocks + 1, dtype=np.bool_)  # the limiter's
        ones = np.ones(leaving.shape[2])
        work_factors = np.zeros((n_factors, size))
        # Growth factors: exact at the start of each month, carried through its steps by multiplication.
        factors = np.empty((n_factors, size))
        growth = np.empty((2, n_factors, size))  # over half a step, over a whole step
        factors_kernel(block_run, 0.5 * dt, growth[0])
        factors_kernel(block_run, dt, growth[1])
        for month in range(months + 1):
            observe_by_source(state, stocks_src_w, stocks_src, first, month)
            observe_total(state, stocks_tot_w, stocks_tot, first, month)
            if month == months:
                break
            totals[:, :, :] = 0.0
            shortfall[:, :] = 0.0
            fallbacks[:] = 0.0
            factors_kernel(block_run, float(month), factors)
            for sub in range(steps_per_month):
                step = month * steps_per_month + sub
                rates_kernel(state, factors, step, dt, block_run, block_subscript, schedules, block_series, mode, rates,
                             unallocated, scratch)
                method(rates_kernel, state, rates, factors, growth, step, dt, block_run, block_subscript, schedules,
                       block_series, mode, origin, target, lo, hi, work_flows, work_stocks, work_runs, work_factors)
                own = work_runs[1]
                for b in range(size):
                    fallbacks[b] += 1.0 - own[b]
                for b in range(size):
                    shortfall[shortfall_row, b] += unallocated[b] * dt
                limit(rates, state, dt, limited, order, origin, lo, hi, outflows, inflows, is_demand, leaving,
                      leaving_counts, ones, shortfall, demand, available, settled)
                _advance(rates, state, totals, needed, dt, lo, hi, moves, signs, counts)
                for i in range(n_factors):
                    for b in range(size):
                        factors[i, b] *= growth[1, i, b]
            _month_totals(totals, needed, dt, lo, hi)
            observe_by_source(totals, flows_src_w, flows_src, first, month)
            observe_total(totals, flows_tot_w, flows_tot, first, month)
            # Both start zeroed (:func:`integrate`) and are mostly zero: only their nonzero numbers are written,
            # so the pages that stay zero are never touched (the operating system maps them on first read).
            for k in range(shortfall_out.shape[1]):
                for b in range(size):
                    if shortfall[k, b] != 0.0:
                        shortfall_out[month, k, first + b] = shortfall[k, b]
            for b in range(size):
                if fallbacks[b] != 0.0:
                    fallbacks_out[month, first + b] = fallbacks[b]


def integrate(system: System, state0: np.ndarray, coefficients: Coefficients, months: int, dt: float,
              observations: Observations, method: str = "euler", threads: int | None = None) -> Trajectory:
    """Integrate every run of ``system`` from ``state0`` over ``months`` months with steps of ``dt`` months.

    Parameters
    ----------
    system : System
        The structure and the compiled kernels (:mod:`model.engine.contract`).
    state0 : ndarray, shape (n_stocks, n_subscript, n)
        Stocks at the start (persons).
    coefficients : Coefficients
        What the system's rate kernel reads, for the ``n`` runs.
    months, dt : int, float
        Horizon in months; step in months (a whole number of steps makes a month).
    observations : Observations
        What to keep.
    method : str
        A key of :data:`model.engine.methods.METHODS` (``"euler"``, ``"rk4"``).
    threads : int, optional
        Threads to use (default: numba's thread count in the calling thread, all cores unless
        ``NUMBA_NUM_THREADS`` or :func:`numba.set_num_threads` says otherwise; see :func:`in_parallel`).
    """
    plan, chosen = system.plan, METHODS[method]
    n, n_subscript = state0.shape[-1], state0.shape[1]
    state0, per_run, per_subscript = (np.ascontiguousarray(a, dtype=float) for a in (
        state0, coefficients.per_run, coefficients.per_subscript))
    series = np.asarray(coefficients.series, dtype=float)
    if series.ndim != 3 or series.shape[1] < months or series.shape[2] not in (1, coefficients.n):
        raise ValueError(f"expected series of shape (k, at least {months} months, {coefficients.n} runs or 1), "
                         f"got {series.shape}")
    series = np.ascontiguousarray(series)
    # Flows get a row for the end state too, left NaN: nothing flows under the last month's label.
    # The kernel writes every other element of the observations, so they start empty (no second pass over memory);
    # shortfall and fallbacks start zeroed (fresh pages that stay untouched until read) and only their nonzero
    # elements are written.
    out = Trajectory(
        flows_by_source=np.empty((months + 1, len(observations.flows_by_source), n_subscript, n)),
        flows_total=np.empty((months + 1, len(observations.flows_total), n)),
        stocks_by_source=np.empty((months + 1, len(observations.stocks_by_source), n_subscript, n)),
        stocks_total=np.empty((months + 1, len(observations.stocks_total), n)),
        shortfall=np.zeros((months + 1, len(system.structure.stocks) if observations.shortfall else 0, n)),
        fallbacks=np.zeros((months + 1, n)),
    )
    for array in (out.flows_by_source, out.flows_total, out.shortfall, out.fallbacks):
        array[months] = np.nan
    limited = np.ones_like(plan.demand_limited) if chosen.limits_every_cell else plan.demand_limited
    weights = tuple(np.ascontiguousarray(w, dtype=float) for w in (
        observations.flows_by_source, observations.flows_total, observations.stocks_by_source,
        observations.stocks_total))
    arguments = (system.rates, system.factors, chosen.step_rates, state0, per_run, per_subscript,
                 np.ascontiguousarray(coefficients.schedules, dtype=float), series, int(coefficients.mode),
                 system.n_factors, system.n_scratch, months, int(round(1.0 / dt)), float(dt),
                 np.ascontiguousarray(limited), plan.limit_order, plan.shortfall_row, plan.origin, plan.target, plan.lo,
                 plan.hi, plan.outflows, plan.inflows, plan.is_demand, plan.moves, plan.move_signs,
                 plan.move_counts, plan.leaving, plan.leaving_counts, weights,
                 (out.flows_by_source, out.flows_total, out.stocks_by_source, out.stocks_total, out.shortfall,
                  out.fallbacks), BLOCK)
    in_parallel(lambda first, last: _integrate(*arguments, first, last), -(-n // BLOCK), threads)
    return out


def check_step(dt: float, fractional_outflows: dict[str, np.ndarray | float]) -> str | None:
    """Why ``dt`` cannot be used with these first-order outflow rates (1/month), or ``None``.

    ``fractional_outflows`` maps each stock to the sum of the rates at which
    its proportional outflows drain it (per source and run, or only its largest value); Euler keeps stocks
    non-negative only when that sum times ``dt`` is at most 1.
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
