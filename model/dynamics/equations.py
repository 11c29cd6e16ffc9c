"""The compiled rate kernel: every flow's rate, given the stocks and the time, for a block of runs.

All rates are in persons per month. What each rate *is* is written once, in
:mod:`model.dynamics.description` (and rendered in ``docs/MODEL.md``);
:func:`flow_rates` computes the same numbers fast, for a block of runs at once
(compiled with numba; the engine calls it for every block of a batch, in
parallel), reading the runs' coefficients from arrays with the run on their
last axis, so a batch of parameter sets costs no Python loop. A test evaluates
the description with plain numpy (:mod:`model.dynamics.reference`) on random
states and batches and requires the kernel to agree to rounding.

This module also lays a parameter set out for the kernel (:func:`prepare`),
sets the initial state (:func:`initial_state`) and hands the engine the model as
a :class:`~model.engine.contract.System` (:data:`SYSTEM`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numba import njit

from ..core.structure import (DRAWN, FLOW_NAMES, POOLED, SOURCES, STOCKS, STRUCTURE, flows_into,
                              flows_out_of)
from ..engine.contract import FACTORS, KERNEL, RATES, VIEWS_ONLY, Coefficients, System
from ..engine.parallel import in_parallel
from ..inputs.parameters import ParameterSet
from ..inputs.registry import Event
from ..inputs.schedules import month_index, step_rates
from .casualty_paths import casualty_shocks, recorded_events
from ..engine.lanes import accumulate, add, copy, multiply, proportional, scale, split, subtract

# Rows of Inputs.per_run: coefficients that are one number per run.
(CASUALTIES0, CASUALTY_GROWTH, KILLED, CAPTURED, SEVERE, LIGHT_RECOVERY, LIGHT_RETURN, SEVERE_RECOVERY,
 SEVERE_RETURN, DESERTION, ABSENCE_RETURN, ABSENCE_END, SIGNUPS0, SIGNUP_DRIFT, PAY_ELASTICITY, PAYMENT_FIXED,
 REGIONAL0, REGIONAL_CEILING, REGIONAL_GROWTH, SEND, EMIGRATION, EXPOSED0, NOVICE, DEPLOYMENT, ROTATION,
 REAR_RELEASE, SEASONING, CONVERSION, DEMOBILIZATION, PAYMENT_REFERENCE, PAY_YEAR, PAY_GROWTH, DEPLETION,
 FRONT_START) = range(34)
N_PER_RUN = 34
# Rows of Inputs.per_source: coefficients that are one number per source and run.
ROLE, GRADUATION_RATE, DEPLOY_SHARE, RELEASE_RATE, POOL_INFLOW, DRAW_RATE = range(6)
N_PER_SOURCE = 6
# Rows of Inputs.schedules: scheduled events as rates on the step grid; the recorded casualties and the
# share of each step that the record covers.
WAVES, TRANCHES, ROUNDUPS, CAMPAIGNS, EMERGENCY, RECORDED, RECORD_COVERS = range(7)
# Rows of Inputs.series: values per month and run; the casualty shock multiplies the exogenous casualty level.
SHOCK = 0
# Rows of the exponential factors (:func:`trend`): the casualty level's growth, the sign-ups' drift (wages and
# fatigue), the decay of the regional payment's distance from its ceiling, the growth of the monthly pay.
CASUALTY_TREND, SIGNUP_TREND, REGIONAL_TREND, PAY_TREND = range(4)
#: Months of pay in a contract's first year (the symbol ``first_year`` of the description).
FIRST_YEAR = 12.0

VOLUNTEER, MOBILIZED, MIGRANT, DPRK, CONSCRIPTS_SOURCE = (SOURCES.index(s) for s in (
    "volunteer", "mobilized", "migrant", "dprk", "conscript"))
(POOL, CONSCRIPTS, TRAINING, REAR, FRONT_NEW, FRONT_VETERAN, WOUNDED_LIGHT, WOUNDED_SEVERE,
 ABSENT) = (STOCKS.index(s) for s in ("pool", "conscripts", "training", "rear", "front_new", "front_veteran",
                                       "wounded_light", "wounded_severe", "absent"))
_F = {name: FLOW_NAMES.index(name) for name in FLOW_NAMES}
(F_POOL_INFLOW, F_SIGNUPS, F_MOBILIZATION, F_EMIGRATION, F_POOL_DRAW, F_CALL_UP, F_CONVERSION, F_DEMOBILIZATION,
 F_EMERGENCY, F_GRADUATION, F_ASSIGNMENT, F_DEPLOYMENT, F_ROTATION, F_SEASONING, F_KILLED_NEW, F_CAPTURED_NEW,
 F_LIGHT_NEW, F_SEVERE_NEW, F_KILLED_VETERAN, F_CAPTURED_VETERAN, F_LIGHT_VETERAN, F_SEVERE_VETERAN,
 F_DESERTION_NEW, F_DESERTION_VETERAN, F_ABSENCE_RETURN, F_DESERTED, F_RELEASE, F_REAR_RELEASE, F_RETURN_LIGHT,
 F_DISCHARGE_LIGHT, F_RETURN_SEVERE, F_DISCHARGE_SEVERE) = (_F[f] for f in (
    "pool_inflow", "signups", "mobilization", "emigration", "pool_draw", "call_up", "conversion", "demobilization",
    "emergency_deployment", "graduation", "assignment", "deployment", "rotation", "seasoning", "killed_new",
    "captured_new", "wounded_light_new", "wounded_severe_new", "killed_veteran", "captured_veteran",
    "wounded_light_veteran", "wounded_severe_veteran", "desertion_new", "desertion_veteran", "absence_return",
    "deserted", "release", "rear_release", "return_light", "discharge_light", "return_severe", "discharge_severe"))


#: Values of the engine's ``mode`` switch: casualties set from outside, or scaling with the exposed force.
EXOGENOUS, ENDOGENOUS = 0, 1


@dataclass(frozen=True)
class Inputs(Coefficients):
    """Every parameter in the layout the compiled equations read (the engine's :class:`Coefficients`).

    Attributes
    ----------
    per_run : ndarray, shape (N_PER_RUN, n)
    per_subscript : ndarray, shape (N_PER_SOURCE, 7, n)
        One number per source and run.
    schedules : ndarray, shape (7, n_steps)
        Mobilization waves, North Korean tranches, migrant roundups, conscription campaigns, conscripts sent in
        an emergency, recorded casualties (persons/month per step) and the share of each step the casualty
        record covers.
    series : ndarray, shape (1, months, n) or (1, months, 1)
        The casualty shock of each month (a factor on the exogenous casualty level; 1 without shocks).
    mode : int
        Casualty mode, :data:`EXOGENOUS` or :data:`ENDOGENOUS`.
    federal_bonus : ndarray, shape (n,)
        Federal one-time payment on signing (roubles), for reporting.
    federal_line : ndarray, shape (n,)
        The federal budget line for signing payments (roubles per month), for reporting.
    wage, wage_growth : ndarray, shape (n,)
        The average civilian wage at the start (roubles per month) and its growth rate (1/month), for reporting.
    state0 : ndarray, shape (9, 7, n)
        The initial state (:func:`initial_state`), which :func:`prepare` computes to anchor the endogenous mode.
    dt : float
        Step (months) the schedules are laid out for.
    """

    federal_bonus: np.ndarray
    federal_line: np.ndarray
    wage: np.ndarray
    wage_growth: np.ndarray
    dt: float
    state0: np.ndarray | None = None

    @property
    def per_source(self) -> np.ndarray:
        """The per-subscript coefficients: one per recruitment source and run."""
        return self.per_subscript

    @property
    def endogenous(self) -> bool:
        """True when casualties scale with the exposed force."""
        return self.mode == ENDOGENOUS


def _runs(value, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (n,))


def _by_source(values: dict[str, object], n: int) -> np.ndarray:
    return np.stack([_runs(values.get(s, 0.0), n) for s in SOURCES])


def initial_front(params: ParameterSet, n: int) -> np.ndarray:
    """The group in the war zone by source at the start, shape ``(7, n)``: volunteers are the remainder of
    ``force.deployed_total``; conscripts start outside it."""
    others = {s: _runs(params.value(f"front_initial.{s}"), n) for s in POOLED}
    volunteers = _runs(params.value("force.deployed_total"), n) - sum(others.values())
    return _by_source({"volunteer": volunteers, **others}, n)


def record_coverage(recorded: list[Event], start: str, n_steps: int, dt: float) -> np.ndarray:
    """Share of each step that the casualty record covers (0 to 1): the record's months as 1 person/month."""
    return step_rates([Event(start=e.start, size=e.months, months=e.months) for e in recorded], start, n_steps, dt)


def conversion_rate(share, term):
    """Rate (1/month) at which serving conscripts sign contracts so that a share ``share`` of a cohort signs
    before its term of ``term`` months ends (first-order exits: signing competes with the end of the term)."""
    return np.asarray(share, dtype=float) / (1.0 - np.asarray(share, dtype=float)) / np.asarray(term, dtype=float)


def prepare(params: ParameterSet, start: str, n_steps: int, dt: float) -> Inputs:
    """Lay out a parameter set for ``n_steps`` steps of ``dt`` months starting in month ``start``; the references
    of the initial state are set by :func:`anchored`: the endogenous casualty mode's (its exposure-weighted
    strength) and the depletion's (its war zone's strength, persons)."""
    n = params.batch_size or 1
    v = params.value

    def run(key: str) -> np.ndarray:
        return _runs(v(key), n)

    per_run = np.empty((N_PER_RUN, n))
    per_run[CASUALTIES0] = run("casualties.monthly")
    per_run[CASUALTY_GROWTH] = run("casualties.growth_rate")
    per_run[KILLED] = run("casualties.killed_fraction")
    per_run[CAPTURED] = run("casualties.captured_fraction")
    per_run[SEVERE] = run("wounded.severe_fraction")
    per_run[LIGHT_RECOVERY] = 1.0 / run("wounded.light_recovery_time")
    per_run[LIGHT_RETURN] = run("wounded.light_return_fraction")
    per_run[SEVERE_RECOVERY] = 1.0 / run("wounded.severe_recovery_time")
    per_run[SEVERE_RETURN] = run("wounded.severe_return_fraction")
    per_run[DESERTION] = run("desertion.rate")
    per_run[ABSENCE_RETURN] = run("desertion.return_fraction")
    per_run[ABSENCE_END] = 1.0 / run("desertion.absence_time")
    per_run[SIGNUPS0] = run("volunteer.signups")
    per_run[SIGNUP_DRIFT] = -(run("volunteer.pay_elasticity") * run("wage.growth") + run("volunteer.fatigue_rate"))
    per_run[PAY_ELASTICITY] = run("volunteer.pay_elasticity")
    per_run[PAYMENT_FIXED] = run("pay.federal_bonus") + run("pay.federal_change")
    per_run[PAY_YEAR] = FIRST_YEAR * run("pay.monthly")
    per_run[PAY_GROWTH] = run("pay.growth")
    per_run[PAYMENT_REFERENCE] = FIRST_YEAR * run("pay.monthly") + run("pay.federal_bonus") + run("pay.regional_bonus")
    per_run[REGIONAL0] = run("pay.regional_bonus")
    per_run[REGIONAL_CEILING] = run("pay.regional_ceiling")
    per_run[REGIONAL_GROWTH] = run("pay.regional_growth")
    per_run[SEND] = run("migrant.roundup_send_fraction")
    per_run[EMIGRATION] = run("mobilization.emigration_ratio")
    per_run[EXPOSED0] = 0.0  # set from the initial state below (anchored)
    per_run[NOVICE] = run("exposure.novice_ratio")
    per_run[DEPLOYMENT] = run("deployment.rate")
    per_run[ROTATION] = run("rotation.rate")
    per_run[REAR_RELEASE] = run("rear.release_rate")
    per_run[SEASONING] = 1.0 / run("seasoning.time")
    per_run[CONVERSION] = conversion_rate(run("conscription.conversion_share"), run("conscription.term"))
    per_run[DEMOBILIZATION] = 1.0 / run("conscription.term")
    per_run[DEPLETION] = run("casualties.depletion_elasticity")
    per_run[FRONT_START] = 0.0  # set from the initial state below (anchored)
    per_source = np.empty((N_PER_SOURCE, len(SOURCES), n))
    assault = _by_source({s: v(f"assault_share.{s}") for s in SOURCES}, n)
    per_source[ROLE] = role_factor(assault, run("exposure.assault_ratio"))
    per_source[GRADUATION_RATE] = 1.0 / _by_source({s: v(f"training_time.{s}") for s in SOURCES}, n)
    per_source[DEPLOY_SHARE] = _by_source({s: v(f"deploy_share.{s}") for s in SOURCES}, n)
    per_source[RELEASE_RATE] = _by_source({s: v(f"release_rate.{s}") for s in SOURCES}, n)
    per_source[POOL_INFLOW] = _by_source({s: v(f"pool_inflow.{s}") for s in ("prisoner", "migrant", "foreign")}, n)
    per_source[DRAW_RATE] = _by_source({s: v(f"draw_rate.{s}") for s in DRAWN}, n)
    months = -(-n_steps // int(round(1.0 / dt)))
    recorded = recorded_events(params, start, months)
    schedules = np.stack([step_rates(v(key), start, n_steps, dt) for key in (
        "mobilization.waves", "dprk.tranches", "migrant.roundups", "conscription.campaigns", "conscription.emergency")]
        + [step_rates(recorded, start, n_steps, dt), record_coverage(recorded, start, n_steps, dt)])
    series = casualty_shocks(params, start, months)[None]
    inputs = Inputs(per_run, per_source, schedules, series,
                    ENDOGENOUS if v("casualties.mode") == "endogenous" else EXOGENOUS,
                    run("pay.federal_bonus") + run("pay.federal_change"), run("budget.federal_bonus_line").copy(),
                    run("wage.average").copy(),
                    run("wage.growth").copy(), float(dt))
    state0 = initial_state(params, inputs, start)
    return replace(anchored(inputs, state0, registered_exposure(params, n)), state0=state0)


@njit(FACTORS, **KERNEL)
def trend(per_run, t, out):
    """The exponential factors at ``t`` months: ``out[CASUALTY_TREND]`` = exp(casualty growth · t),
    ``out[SIGNUP_TREND]`` = exp(sign-up drift · t), ``out[REGIONAL_TREND]`` = exp(-regional growth · t),
    ``out[PAY_TREND]`` = exp(pay growth · t)."""
    for row, growth, sign in ((CASUALTY_TREND, per_run[CASUALTY_GROWTH], 1.0),
                              (SIGNUP_TREND, per_run[SIGNUP_DRIFT], 1.0),
                              (REGIONAL_TREND, per_run[REGIONAL_GROWTH], -1.0),
                              (PAY_TREND, per_run[PAY_GROWTH], 1.0)):
        for b in range(out.shape[1]):
            out[row, b] = np.exp(sign * growth[b] * t)


@njit(cache=True, nogil=True, error_model="numpy")
def depletion(strength, start, elasticity):
    """The factor (dimensionless, 0 to 1) on the exogenous casualty level when the group in the war zone holds
    ``strength`` persons against ``start`` at the run's start: ``min(1, strength / start) ** elasticity``, 1
    without a reference (``start`` 0)."""
    if start <= 0.0 or strength >= start:
        return 1.0
    return (max(strength, 0.0) / start) ** elasticity


@njit(cache=True, nogil=True, error_model="numpy")
def _regional(r0, ceiling, decay):
    """The logistic regional payment (roubles) when its distance from the ceiling has decayed by ``decay``."""
    denominator = r0 + (ceiling - r0) * decay
    return ceiling * r0 / denominator if denominator > 0.0 else r0


#: Rows of the rate kernel's scratch space: the exposure-weighted strength of the war zone, the weights of its
#: newly deployed and experienced by source, the casualties per unit of weight, the war zone's strength.
EXPOSED, WEIGHTS = 0, 1
PER_WEIGHT = WEIGHTS + 2 * len(SOURCES)
STRENGTH = PER_WEIGHT + 1
N_SCRATCH = STRENGTH + 1


@njit(RATES, **VIEWS_ONLY)
def flow_rates(state, trends, step, dt, per_run, per_source, schedules, series, mode, rates, unallocated, scratch):
    """Fill ``rates[flow, source, b]`` (persons/month) for a block of runs in step ``step`` of ``dt`` months.

    ``trends[:, b]`` holds the exponential factors at the time the rates are for
    (see :func:`trend`); the engine carries them from step to step by
    multiplication, which costs far less than an exponential per run and step.

    ``state[stock, source, b]`` holds the stocks of the block's runs and
    ``per_run[:, b]``, ``per_source[:, :, b]`` their coefficients (C-contiguous
    copies for the block); every loop runs over ``b`` innermost, so the compiled
    code advances the block of runs together, as numpy broadcasting would. ``unallocated[b]`` receives the
    exogenous casualty demand that found nobody in the war zone (and nobody
    arriving), which the engine reports as a shortfall.

    Exogenous casualties fall on each source and stock of the war zone in
    proportion to its role factor (assault share) times, for the newly deployed,
    the novice ratio, times its strength F, or, where the stock is (nearly) empty,
    the people who reach it within half the step, dt/2 · arrivals: max(F, dt/2 · A).
    Without that, a war zone wiped out in one step would shelter the next step's
    arrivals (nobody there to weigh the demand against) and flicker between empty
    and its arrivals. Where every stock holds more than half a step's arrivals,
    which is the usual case, the rule does not depend on dt, so RK4 keeps its
    order. Outside the months the record covers, the exogenous level is lowered by :func:`depletion` where the
    group in the war zone has fallen below its strength at the start (``casualties.depletion_elasticity``): a
    depleted force cannot be made to suffer the casualties of a full one. Scheduled events are constant within
    a step. Only the cells of each
    flow's sources are written (``Flow.rows``); callers pass ``rates`` zeroed once,
    so the others stay zero. ``scratch`` holds :data:`N_SCRATCH` rows of working space (the kernel allocates
    nothing, :data:`~model.engine.contract.VIEWS_ONLY`).
    """
    n_sources, block = state.shape[1], state.shape[2]
    endogenous = mode == ENDOGENOUS
    # Stocks emptied by the engine's limiter may hold rounding residue of either sign (~1e-12 persons); rates
    # are computed from the non-negative part so that none runs backwards. Each loop below touches a few rows
    # (the lanes of :mod:`.lanes`), so that the compiler vectorizes it: one loop over many rows would not be.
    c = CONSCRIPTS_SOURCE
    rates[F_CALL_UP, c, :] = schedules[CAMPAIGNS, step]  # the conscript channel
    proportional(rates[F_DEMOBILIZATION, c], per_run[DEMOBILIZATION], state[CONSCRIPTS, c])
    proportional(rates[F_CONVERSION, c], per_run[CONVERSION], state[CONSCRIPTS, c])
    rates[F_EMERGENCY, c, :] = schedules[EMERGENCY, step]
    for s in range(n_sources):  # every flow that is a fraction of its stock
        # Where a stock splits its outflow between two flows, the second flow's row first holds the whole.
        proportional(rates[F_ASSIGNMENT, s], per_source[GRADUATION_RATE, s], state[TRAINING, s])
        split(rates[F_GRADUATION, s], rates[F_ASSIGNMENT, s], per_source[DEPLOY_SHARE, s])
        proportional(rates[F_DEPLOYMENT, s], per_run[DEPLOYMENT], state[REAR, s])
        proportional(rates[F_REAR_RELEASE, s], per_run[REAR_RELEASE], state[REAR, s])
        proportional(rates[F_ROTATION, s], per_run[ROTATION], state[FRONT_VETERAN, s])
        proportional(rates[F_SEASONING, s], per_run[SEASONING], state[FRONT_NEW, s])
        proportional(rates[F_RELEASE, s], per_source[RELEASE_RATE, s], state[FRONT_VETERAN, s])
        proportional(rates[F_DESERTION_NEW, s], per_run[DESERTION], state[FRONT_NEW, s])
        proportional(rates[F_DESERTION_VETERAN, s], per_run[DESERTION], state[FRONT_VETERAN, s])
        proportional(rates[F_DISCHARGE_LIGHT, s], per_run[LIGHT_RECOVERY], state[WOUNDED_LIGHT, s])
        split(rates[F_RETURN_LIGHT, s], rates[F_DISCHARGE_LIGHT, s], per_run[LIGHT_RETURN])
        proportional(rates[F_DISCHARGE_SEVERE, s], per_run[SEVERE_RECOVERY], state[WOUNDED_SEVERE, s])
        split(rates[F_RETURN_SEVERE, s], rates[F_DISCHARGE_SEVERE, s], per_run[SEVERE_RETURN])
        proportional(rates[F_DESERTED, s], per_run[ABSENCE_END], state[ABSENT, s])
        split(rates[F_ABSENCE_RETURN, s], rates[F_DESERTED, s], per_run[ABSENCE_RETURN])
    exposed, strength = scratch[EXPOSED], scratch[STRENGTH]
    exposed[:] = 0.0
    strength[:] = 0.0
    arriving = 0.0 if endogenous else 0.5 * dt
    novice = per_run[NOVICE]
    for s in range(n_sources):
        role, new, veteran = per_source[ROLE, s], state[FRONT_NEW, s], state[FRONT_VETERAN, s]
        # Exposure-weighted strength of the newly deployed and of the experienced.
        weight_new, weight_veteran = scratch[WEIGHTS + s], scratch[WEIGHTS + n_sources + s]
        # Arrivals first (summed in this order), then the weights that use them.
        add(weight_new, rates[F_GRADUATION, s], rates[F_DEPLOYMENT, s])
        accumulate(weight_new, rates[F_ABSENCE_RETURN, s])
        accumulate(weight_new, rates[F_EMERGENCY, s])
        add(weight_veteran, rates[F_SEASONING, s], rates[F_RETURN_LIGHT, s])
        accumulate(weight_veteran, rates[F_RETURN_SEVERE, s])
        for b in range(block):
            weight_new[b] = role[b] * novice[b] * max(new[b], arriving * weight_new[b], 0.0)
        for b in range(block):
            weight_veteran[b] = role[b] * max(veteran[b], arriving * weight_veteran[b], 0.0)
        for b in range(block):
            exposed[b] += weight_new[b] + weight_veteran[b]
        for b in range(block):
            strength[b] += max(new[b], 0.0) + max(veteran[b], 0.0)
    per_weight = scratch[PER_WEIGHT]
    recorded, covered = schedules[RECORDED, step], schedules[RECORD_COVERS, step]
    shock = series[SHOCK, step // int(1.0 / dt + 0.5)]  # the month's casualty shock, per run or shared
    shared = shock.shape[0] == 1
    for b in range(block):
        demand = per_run[CASUALTIES0, b] * trends[CASUALTY_TREND, b] * shock[0 if shared else b]
        if covered < 1.0 and not endogenous and per_run[DEPLETION, b] > 0.0:  # a recorded month ignores it
            demand *= depletion(strength[b], per_run[FRONT_START, b], per_run[DEPLETION, b])
        level = covered * recorded + (1.0 - covered) * demand
        denominator = per_run[EXPOSED0, b] if endogenous else exposed[b]
        per_weight[b] = level / denominator if denominator > 0.0 else 0.0
        unallocated[b] = level if not endogenous and exposed[b] <= 0.0 else 0.0
    for s in range(n_sources):
        for stock, f_killed, f_captured, f_light, f_severe in (
                (0, F_KILLED_NEW, F_CAPTURED_NEW, F_LIGHT_NEW, F_SEVERE_NEW),
                (1, F_KILLED_VETERAN, F_CAPTURED_VETERAN, F_LIGHT_VETERAN, F_SEVERE_VETERAN)):
            # The light row holds the casualties, then the wounded, then the lightly wounded.
            light = rates[f_light, s]
            multiply(light, scratch[WEIGHTS + stock * n_sources + s], per_weight)
            multiply(rates[f_killed, s], per_run[KILLED], light)
            multiply(rates[f_captured, s], per_run[CAPTURED], light)
            subtract(light, rates[f_killed, s])
            subtract(light, rates[f_captured, s])
            split(rates[f_severe, s], light, per_run[SEVERE])
    for b in range(block):  # recruitment
        regional = _regional(per_run[REGIONAL0, b], per_run[REGIONAL_CEILING, b], trends[REGIONAL_TREND, b])
        ratio = ((per_run[PAY_YEAR, b] * trends[PAY_TREND, b] + per_run[PAYMENT_FIXED, b] + regional)
                 / per_run[PAYMENT_REFERENCE, b])
        rates[F_SIGNUPS, VOLUNTEER, b] = (per_run[SIGNUPS0, b] * np.exp(per_run[PAY_ELASTICITY, b] * np.log(ratio))
                                          * trends[SIGNUP_TREND, b])
    rates[F_MOBILIZATION, MOBILIZED, :] = schedules[WAVES, step]
    scale(rates[F_EMIGRATION, MOBILIZED], per_run[EMIGRATION], schedules[WAVES, step])
    for s in range(n_sources):
        copy(rates[F_POOL_INFLOW, s], per_source[POOL_INFLOW, s])
        proportional(rates[F_POOL_DRAW, s], per_source[DRAW_RATE, s], state[POOL, s])
    for b in range(block):
        rates[F_POOL_INFLOW, MIGRANT, b] += per_run[SEND, b] * schedules[ROUNDUPS, step]
        rates[F_POOL_INFLOW, DPRK, b] += schedules[TRANCHES, step]


#: Runs whose rates :func:`evaluate_rates` computes in one call of the kernel (its arrays, about 2 MB, stay in the
#: cache; one call over 100,000 runs would stream 180 MB several times).
_EVALUATION_BLOCK = 1024


def evaluate_rates(inputs: Inputs, states: np.ndarray, t: float = 0.0, step: int = 0
                   ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Flow rates (persons/month) for stocks ``states`` of shape ``(9, 7, n)``: ``{flow: (7, n)}``, zero outside
    each flow's own sources.

    Also returns the unallocated casualty demand per run. For inspection, tests
    and the initial state; the engine calls :func:`flow_rates` directly.
    """
    n = states.shape[-1]
    rates = np.zeros((len(FLOW_NAMES),) + states.shape[1:])  # the kernel reads cells outside a flow's sources as 0
    unallocated = np.empty(n)
    trends = np.empty((SYSTEM.n_factors, n))
    trend(np.ascontiguousarray(inputs.per_run), float(t), trends)
    schedules = np.ascontiguousarray(inputs.schedules)
    for first in range(0, n, _EVALUATION_BLOCK):  # blocks whose arrays stay in the cache
        runs = slice(first, min(first + _EVALUATION_BLOCK, n))
        whole = runs.stop - runs.start == n
        block_rates, block_unallocated = (rates, unallocated) if whole else (np.zeros(rates[..., runs].shape),
                                                                             np.empty(runs.stop - runs.start))
        states_, trends_, per_run, per_subscript, series = (
            np.ascontiguousarray(a if whole or a.shape[-1] != n else a[..., runs], dtype=float)
            for a in (states, trends, inputs.per_run, inputs.per_subscript, inputs.series))
        flow_rates(states_, trends_, int(step), float(inputs.dt), per_run, per_subscript, schedules, series,
                   int(inputs.mode), block_rates, block_unallocated, np.empty((N_SCRATCH, runs.stop - runs.start)))
        if not whole:
            rates[..., runs], unallocated[runs] = block_rates, block_unallocated
    rates[_OUTSIDE] = 0.0  # cells outside a flow's own sources
    return dict(zip(FLOW_NAMES, rates)), unallocated


#: ``_OUTSIDE[flow, source]``: the cell lies outside the flow's own sources (``Structure.rows``).
_OUTSIDE = np.array([[not STRUCTURE.rows(flow).start <= s < STRUCTURE.rows(flow).stop for s in range(len(SOURCES))]
                     for flow in STRUCTURE.flows])


def fractional_outflows(inputs: Inputs) -> dict[str, np.ndarray]:
    """For each stock, the summed rate (1/month) of its outflows that are a fraction of it, shape ``(7, n)``.

    Read off the equations themselves: with one person in every cell of every
    stock, each non-demand outflow's rate is its coefficient (a proportional
    flow reads only the stock it drains), so one evaluation gives them all.
    Euler keeps the stock non-negative when this sum times ``dt`` is at most 1
    (:func:`model.engine.integrator.check_step`).
    """
    out = {stock: np.empty((len(SOURCES), inputs.n)) for stock in STOCKS}

    def fill(runs: slice) -> None:
        for stock, rates in _fractional_outflows_of(inputs, runs).items():
            out[stock][:, runs] = rates

    _by_blocks(inputs.n, fill)
    return out


def largest_fractional_outflows(inputs: Inputs) -> dict[str, float]:
    """For each stock, the largest over sources and runs of :func:`fractional_outflows` (1/month): all that
    :func:`model.engine.integrator.check_step` reads, without holding a number per run (several hundred MB for a
    large batch, most of the time of the check)."""
    blocks = []  # each block's largest by stock (list.append is atomic)
    _by_blocks(inputs.n, lambda runs: blocks.append(
        {stock: float(np.max(rates)) for stock, rates in _fractional_outflows_of(inputs, runs).items()}))
    return {stock: max(block[stock] for block in blocks) for stock in STOCKS}


def _fractional_outflows_of(inputs: Inputs, runs: slice) -> dict[str, np.ndarray]:
    """:func:`fractional_outflows` of the runs ``runs``: ``{stock: (7, len(runs))}``."""
    part = runs_of(inputs, runs) if runs.stop - runs.start < inputs.n else inputs
    rates, _ = evaluate_rates(part, np.ones((len(STOCKS), len(SOURCES), part.n)))
    return {stock: sum((rates[f.name] for f in flows_out_of(stock) if not f.demand), np.zeros((len(SOURCES), part.n)))
            for stock in STOCKS}


def _by_blocks(n: int, work) -> None:
    """Call ``work(runs)`` for every block of :data:`_EVALUATION_BLOCK` of ``n`` runs, on all cores
    (:func:`~model.engine.parallel.in_parallel`; the rate kernel and numpy's loops release the GIL). A block's
    numbers do not depend on the thread that computes it."""

    def blocks(first: int, last: int) -> None:
        for i in range(first, last):
            work(slice(i * _EVALUATION_BLOCK, min((i + 1) * _EVALUATION_BLOCK, n)))

    in_parallel(blocks, -(-n // _EVALUATION_BLOCK))


def sustained(inputs: Inputs) -> Inputs:
    """``inputs`` without the scheduled events (mobilization waves, tranches, roundups, emergency use).

    The recorded casualties stay: they are the casualty level, not an event. So
    do the conscription campaigns: they are the conscript channel's routine.
    """
    schedules = inputs.schedules.copy()
    schedules[[WAVES, TRANCHES, ROUNDUPS, EMERGENCY]] = 0.0
    return replace(inputs, schedules=schedules)


def serving_conscripts(campaigns: list[Event], start: str, exit_rate: np.ndarray) -> np.ndarray:
    """Conscripts still serving at the start of month ``start`` (persons, shape ``(n,)``): every campaign month
    before the start, its call-ups decayed by the model's own first-order exits (``exit_rate``, 1/month: the end
    of the term plus signing a contract) from the middle of that month."""
    origin = month_index(start)
    serving = np.zeros_like(exit_rate)
    for event in campaigns:
        first = month_index(event.start)
        whole = int(np.ceil(event.months))
        for j in range(whole):
            part = min(1.0, event.months - j)
            age = origin - (first + j + part / 2.0)
            if age > 0:
                serving = serving + event.size / event.months * part * np.exp(-exit_rate * age)
    return serving


def initial_state(params: ParameterSet, inputs: Inputs, start: str) -> np.ndarray:
    """Stocks at the start of month ``start``, shape ``(len(STOCKS), 7, n)``.

    From the registry: the pools, the group in the war zone by source
    (:func:`initial_front`) and the force outside it (``rear_initial.*``).
    Conscripts serving are the campaigns of the months before the start, less
    those who left (:func:`serving_conscripts`). Training pipelines, the wounded
    in treatment and the absent start at the steady state of the *sustained*
    opening flows (inflow per month times the time spent there), so the run
    does not open with a spurious transient. The group in the war zone is split
    into newly deployed, F·A·S/(A·S + F) for a source's group F, arrivals A and
    seasoning time S (about A·S when arrivals are few, nearly the whole group
    when they are many), and experienced; contract soldiers who came from
    conscription are taken out of the volunteers' remainder in proportion to
    their arrivals. No stock of the war zone opens empty while people arrive
    (that would make casualties' allocation depend on the step). Scheduled events (a mobilization wave, a tranche,
    a roundup or an emergency in the start month) are left out: their people
    are taken from their pools as the run goes, so the same registry gives the
    same initial stocks whether or not an event falls in the start month.
    """
    n = inputs.n
    state = np.zeros((len(STOCKS), len(SOURCES), n))
    state[POOL] = _by_source({s: params.value(f"pool_initial.{s}") for s in POOLED}, n)
    state[CONSCRIPTS, CONSCRIPTS_SOURCE] = serving_conscripts(
        params.value("conscription.campaigns"), start,
        inputs.per_run[DEMOBILIZATION] + inputs.per_run[CONVERSION])
    state[REAR] = _by_source({s: params.value(f"rear_initial.{s}") for s in ("volunteer", "mobilized")}, n)
    front = initial_front(params, n)
    opening = replace(sustained(inputs), mode=EXOGENOUS)  # at the start the two modes' casualties agree

    def settle(runs: slice) -> None:  # a block whose arrays stay in the cache
        state[..., runs] = _settled(runs_of(opening, runs), state[..., runs], front[:, runs])

    _by_blocks(n, settle)
    return state


def _settled(opening: Inputs, state: np.ndarray, front: np.ndarray) -> np.ndarray:
    """``state`` with the stocks that :func:`initial_state` sets from the opening flows (``opening``, the sustained
    inputs of the same runs) filled in; ``front`` is the group in the war zone by source."""
    n = state.shape[-1]
    state = state.copy()
    state[FRONT_VETERAN] = front

    def inflow(stock: str, rates: dict[str, np.ndarray]) -> np.ndarray:
        return sum((rates[f.name] for f in flows_into(stock)), np.zeros((len(SOURCES), n)))

    rates, _ = evaluate_rates(opening, state)
    state[TRAINING] = inflow("training", rates) / opening.per_source[GRADUATION_RATE]
    rates, _ = evaluate_rates(opening, state)
    front = _with_contract_conscripts(front, inflow("front_new", rates))
    state[FRONT_VETERAN] = front
    rates, _ = evaluate_rates(opening, state)
    state[ABSENT] = inflow("absent", rates) / opening.per_run[ABSENCE_END]
    rates, _ = evaluate_rates(opening, state)
    arrivals = inflow("front_new", rates)
    # Newly deployed: arrivals x seasoning time where that is a small part of the group, nearly the whole group
    # where it is not; both parts positive, so no stock of the war zone opens empty while people arrive.
    seasoned = arrivals / opening.per_run[SEASONING]
    state[FRONT_NEW] = np.divide(front * seasoned, seasoned + front, out=np.zeros_like(front),
                                 where=seasoned + front > 0)
    state[FRONT_VETERAN] = front - state[FRONT_NEW]
    rates, _ = evaluate_rates(opening, state)
    state[WOUNDED_LIGHT] = inflow("wounded_light", rates) / opening.per_run[LIGHT_RECOVERY]
    state[WOUNDED_SEVERE] = inflow("wounded_severe", rates) / opening.per_run[SEVERE_RECOVERY]
    return state


def runs_of(inputs: Inputs, runs: slice) -> Inputs:
    """``inputs`` of the runs ``runs`` only (what is shared by all runs stays shared)."""

    def cut(array: np.ndarray | None) -> np.ndarray | None:
        return array if array is None or array.shape[-1] != inputs.n else array[..., runs]

    return replace(inputs, per_run=cut(inputs.per_run), per_subscript=cut(inputs.per_subscript),
                   series=cut(inputs.series), federal_bonus=cut(inputs.federal_bonus),
                   federal_line=cut(inputs.federal_line), wage=cut(inputs.wage), wage_growth=cut(inputs.wage_growth),
                   state0=cut(inputs.state0))


def role_factor(assault_share, assault_ratio):
    """A source's casualty risk from its mix of roles, relative to men in roles other than assault."""
    return 1.0 + np.asarray(assault_share, dtype=float) * (np.asarray(assault_ratio, dtype=float) - 1.0)


def registered_exposure(params: ParameterSet, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The role factor by source ``(7, n)`` and the novice ratio ``(n,)`` at the exposures' registered values
    (the registry's or a scenario file's, whatever overrides, sweeps or Monte Carlo draws set)."""
    registered = {key: params[key].entry.value for key in
                  ("exposure.assault_ratio", "exposure.novice_ratio", *(f"assault_share.{s}" for s in SOURCES))}
    shares = _by_source({s: registered[f"assault_share.{s}"] for s in SOURCES}, n)
    return role_factor(shares, registered["exposure.assault_ratio"]), _runs(registered["exposure.novice_ratio"], n)


def _with_contract_conscripts(front: np.ndarray, arrivals: np.ndarray) -> np.ndarray:
    """The group in the war zone by source with contract soldiers who came from conscription taken out of the
    volunteers' remainder in proportion to the two sources' arrivals (the registry has no figure of its own for
    them), so that their stocks do not open empty while they arrive."""
    v, c = VOLUNTEER, CONSCRIPTS_SOURCE
    coming = arrivals[v] + arrivals[c]
    share = np.divide(arrivals[c], coming, out=np.zeros_like(coming), where=coming > 0)
    split = front.copy()
    split[c] = front[v] * share
    split[v] = front[v] - split[c]
    return split


def exposure_weight(role: np.ndarray, novice: np.ndarray, state: np.ndarray) -> np.ndarray:
    """The exposure-weighted strength of the war zone (persons, shape ``(n,)``): the role factor ``role`` (by
    source) times the novice ratio ``novice`` for the newly deployed, the role factor for the experienced, summed
    over sources."""
    return (role * (novice * np.maximum(state[FRONT_NEW], 0.0) + np.maximum(state[FRONT_VETERAN], 0.0))).sum(axis=0)


def war_zone_strength(state: np.ndarray) -> np.ndarray:
    """The group in the war zone (persons, shape ``(n,)``): newly deployed and experienced, summed over sources."""
    return (np.maximum(state[FRONT_NEW], 0.0) + np.maximum(state[FRONT_VETERAN], 0.0)).sum(axis=0)


def anchored(inputs: Inputs, state0: np.ndarray, exposure: tuple[np.ndarray, np.ndarray]) -> Inputs:
    """``inputs`` with the references of the initial state ``state0`` set: the endogenous mode's, its
    exposure-weighted strength under ``exposure`` (role factors by source, novice ratio:
    :func:`registered_exposure`), and the depletion's, its war zone's strength (:func:`war_zone_strength`)."""
    per_run = inputs.per_run.copy()
    per_run[EXPOSED0] = exposure_weight(*exposure, state0)
    per_run[FRONT_START] = war_zone_strength(state0)
    return replace(inputs, per_run=per_run)


def growth_rates(inputs: Inputs) -> dict[str, np.ndarray]:
    """Every exponential growth rate of a run (1/month, shape ``(n,)``), by the parameters behind it."""
    return {"casualties.growth_rate": inputs.per_run[CASUALTY_GROWTH], "pay.growth": inputs.per_run[PAY_GROWTH],
            "-(volunteer.pay_elasticity x wage.growth + volunteer.fatigue_rate)": inputs.per_run[SIGNUP_DRIFT]}


def regional_bonus(inputs: Inputs, months: np.ndarray) -> np.ndarray:
    """Average regional signing payment (roubles) at the start of each of ``months``, shape ``(len(months), n)``."""
    r0, ceiling = inputs.per_run[REGIONAL0], inputs.per_run[REGIONAL_CEILING]
    decay = np.exp(-np.multiply.outer(months, inputs.per_run[REGIONAL_GROWTH]))
    denominator = r0 + (ceiling - r0) * decay
    return np.where(denominator > 0, ceiling * r0 / np.where(denominator > 0, denominator, 1.0), r0)


def bonus(inputs: Inputs, months: np.ndarray) -> np.ndarray:
    """Signing payment per recruit (roubles), federal plus average regional, at the start of each of ``months``,
    shape ``(len(months), n)``."""
    return inputs.federal_bonus + regional_bonus(inputs, months)


def pay_to_wage(inputs: Inputs, months: np.ndarray) -> np.ndarray:
    """The first-year payment (a year's pay and both signing payments) over a year of the average civilian wage,
    at the start of each of ``months`` (dimensionless), shape ``(len(months), n)``."""
    pay = inputs.per_run[PAY_YEAR] * np.exp(np.multiply.outer(months, inputs.per_run[PAY_GROWTH]))
    payment = pay + inputs.per_run[PAYMENT_FIXED] + regional_bonus(inputs, months)
    wage = inputs.wage * np.exp(np.multiply.outer(months, inputs.wage_growth))
    return payment / (FIRST_YEAR * wage)


#: The model as the engine sees it: its structure and its two compiled kernels (:mod:`model.engine.contract`).
SYSTEM = System(STRUCTURE, rates=flow_rates, factors=trend, n_factors=4, n_scratch=N_SCRATCH)
