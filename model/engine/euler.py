"""Explicit Euler: a step's rates are the system's own rates at the step's start.

The method kernel leaves ``k1`` as it is and marks every run as having taken the method's own step.
"""

from __future__ import annotations

from numba import njit

from .contract import KERNEL, METHOD


@njit(METHOD, **KERNEL)
def step_rates(rates, state, k1, factors, growth, step, dt, per_run, per_subscript, schedules, series, mode, origin,
               target, lo, hi, work_flows, work_stocks, work_runs, work_factors):
    """Euler's rates for the step are ``k1``, unchanged; ``work_runs[1]`` (own step taken) is 1 for every run."""
    own = work_runs[1]
    for b in range(own.shape[0]):
        own[b] = 1.0
