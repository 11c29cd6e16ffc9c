"""Classical Runge-Kutta (RK4) on the flow rates, with a fall back to Euler where a stock runs dry.

:func:`step_rates` replaces a step's Euler rates by the RK4 combination of four stage rates per flow; the integrator
then limits and applies them like Euler's, so conservation and non-negativity hold for it too.
"""

from __future__ import annotations

from numba import njit

from .contract import KERNEL, METHOD

#: A stage state of an RK4 step may dip this far below zero (persons) as rounding residue and still count as
#: non-negative; a deeper dip means a stock runs dry within the step, and the run takes an Euler step instead.
RK4_TOLERANCE = 1e-6


@njit(**KERNEL)
def _net(rates, change, origin, target, lo, hi):
    """Rate of change of every stock (persons/month) implied by the flow rates."""
    change[:, :, :] = 0.0
    for f in range(rates.shape[0]):
        for s in range(lo[f], hi[f]):
            if origin[f] >= 0:
                for b in range(rates.shape[2]):
                    change[origin[f], s, b] -= rates[f, s, b]
            if target[f] >= 0:
                for b in range(rates.shape[2]):
                    change[target[f], s, b] += rates[f, s, b]


@njit(METHOD, **KERNEL)
def step_rates(rates, state, k1, factors, growth, step, dt, per_run, per_subscript, schedules, series, mode, origin,
               target, lo, hi, work_flows, work_stocks, work_runs, work_factors):
    """Classical RK4 rates for the step, in ``k1``; Euler's ``k1`` kept where a stage state goes negative.

    RK4 assumes smooth rates. Where a stock runs dry within the step, its stage
    states dip below zero (by more than :data:`RK4_TOLERANCE` persons of
    rounding residue) and the rates there mean nothing, so that run takes the
    first-order step, which the limiter then keeps non-negative; its
    ``work_runs[1]`` is left 0 (1 otherwise). ``factors`` are the growth factors
    at the step's start; ``growth[0]`` and ``growth[1]`` their growth over half a
    step and over a whole step.
    """
    k2, k3, k4 = work_flows[0], work_flows[1], work_flows[2]
    stage, change = work_stocks[0], work_stocks[1]
    unallocated, smooth, scratch = work_runs[0], work_runs[1], work_runs[2:]
    smooth[:] = 1.0
    previous = k1
    for k, fraction, span in ((k2, 0.5, 0), (k3, 0.5, 0), (k4, 1.0, 1)):
        factor = growth[span]
        _net(previous, change, origin, target, lo, hi)
        for i in range(state.shape[0]):
            for s in range(state.shape[1]):
                for b in range(state.shape[2]):
                    stage[i, s, b] = state[i, s, b] + fraction * dt * change[i, s, b]
                    if stage[i, s, b] < -RK4_TOLERANCE:
                        smooth[b] = 0.0
        for i in range(factors.shape[0]):
            for b in range(factors.shape[1]):
                work_factors[i, b] = factors[i, b] * factor[i, b]
        rates(stage, work_factors, step, dt, per_run, per_subscript, schedules, series, mode, k, unallocated, scratch)
        previous = k
    for f in range(k1.shape[0]):
        for s in range(k1.shape[1]):
            for b in range(k1.shape[2]):
                if smooth[b] > 0.0:
                    k1[f, s, b] = (k1[f, s, b] + 2.0 * k2[f, s, b] + 2.0 * k3[f, s, b] + k4[f, s, b]) / 6.0
