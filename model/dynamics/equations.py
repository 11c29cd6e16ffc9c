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

from ..core.structure import DRAWN, FLOW_NAMES, POOLED, SOURCES, STOCKS, STRUCTURE, flows_into, flows_out_of
from ..engine.contract import FACTORS, KERNEL, RATES, Coefficients, System
from ..inputs.parameters import ParameterSet
from ..inputs.registry import Event
from ..inputs.schedules import step_rates
from .casualty_paths import casualty_shocks, recorded_events

# Rows of Inputs.per_run: coefficients that are one number per run.
CASUALTIES0, CASUALTY_GROWTH, KILLED, CAPTURED, RECOVERY_RATE, RETURN, DESERTION, SIGNUPS0, \
    SIGNUP_GROWTH, SEND, EMIGRATION, EXPOSED0 = range(12)
N_PER_RUN = 12
# Rows of Inputs.per_source: coefficients that are one number per source and run.
EXPOSURE, GRADUATION_RATE, RELEASE_RATE, POOL_INFLOW, DRAW_RATE = range(5)
N_PER_SOURCE = 5
# Rows of Inputs.schedules: scheduled events as rates on the step grid; the recorded casualties and the
# share of each step that the record covers.
WAVES, TRANCHES, ROUNDUPS, RECORDED, RECORD_COVERS = range(5)
# Rows of Inputs.series: values per month and run; the casualty shock multiplies the exogenous casualty level.
SHOCK = 0

VOLUNTEER, MOBILIZED, MIGRANT, DPRK = (SOURCES.index(s) for s in ("volunteer", "mobilized", "migrant", "dprk"))
POOL, TRAINING, FRONT, WOUNDED = (STOCKS.index(s) for s in ("pool", "training", "front", "wounded"))
(F_POOL_INFLOW, F_SIGNUPS, F_MOBILIZATION, F_EMIGRATION, F_POOL_DRAW, F_GRADUATION, F_KILLED, F_WOUNDED,
 F_CAPTURED, F_DESERTION, F_RELEASE, F_RETURN, F_DISCHARGE) = (FLOW_NAMES.index(f) for f in (
    "pool_inflow", "signups", "mobilization", "emigration", "pool_draw", "graduation", "killed",
    "wounded_in_action", "captured", "desertion", "release", "return_to_duty", "discharge"))


#: Values of the engine's ``mode`` switch: casualties set from outside, or scaling with the exposed force.
EXOGENOUS, ENDOGENOUS = 0, 1


@dataclass(frozen=True)
class Inputs(Coefficients):
    """Every parameter in the layout the compiled equations read (the engine's :class:`Coefficients`).

    Attributes
    ----------
    per_run : ndarray, shape (N_PER_RUN, n)
    per_subscript : ndarray, shape (N_PER_SOURCE, 6, n)
        One number per source and run.
    schedules : ndarray, shape (5, n_steps)
        Mobilization waves, North Korean tranches, migrant roundups, recorded casualties
        (persons/month per step) and the share of each step the casualty record covers.
    series : ndarray, shape (1, months, n) or (1, months, 1)
        The casualty shock of each month (a factor on the exogenous casualty level; 1 without shocks).
    mode : int
        Casualty mode, :data:`EXOGENOUS` or :data:`ENDOGENOUS`.
    bonus0, bonus_growth : ndarray, shape (n,)
        Sign-up bonus at the start (roubles) and its growth rate (1/month), for reporting.
    dt : float
        Step (months) the schedules are laid out for.
    """

    bonus0: np.ndarray
    bonus_growth: np.ndarray
    dt: float

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


def initial_front(params: ParameterSet, n: int) -> np.ndarray:
    """Deployed force by source at the start, shape ``(6, n)``: volunteers are the remainder."""
    others = [_runs(params.value(f"front_initial.{s}"), n) for s in POOLED]
    volunteers = _runs(params.value("force.deployed_total"), n) - sum(others)
    return np.stack([volunteers] + others)


def record_coverage(recorded: list[Event], start: str, n_steps: int, dt: float) -> np.ndarray:
    """Share of each step that the casualty record covers (0 to 1): the record's months as 1 person/month."""
    return step_rates([Event(start=e.start, size=e.months, months=e.months) for e in recorded], start, n_steps, dt)


def prepare(params: ParameterSet, start: str, n_steps: int, dt: float) -> Inputs:
    """Lay out a parameter set for ``n_steps`` steps of ``dt`` months starting in month ``start``."""
    n = params.batch_size or 1
    v = params.value

    def run(key: str) -> np.ndarray:
        return _runs(v(key), n)

    def by_source(values: dict[str, object]) -> np.ndarray:
        return np.stack([_runs(values.get(s, 0.0), n) for s in SOURCES])

    killed, captured = run("casualties.killed_fraction"), run("casualties.captured_fraction")
    exposure = by_source({"volunteer": 1.0, **{s: v(f"exposure.{s}") for s in POOLED}})
    per_run = np.empty((N_PER_RUN, n))
    per_run[CASUALTIES0] = run("casualties.monthly")
    per_run[CASUALTY_GROWTH] = run("casualties.growth_rate")
    per_run[KILLED] = killed
    per_run[CAPTURED] = captured
    per_run[RECOVERY_RATE] = 1.0 / run("wounded.recovery_time")
    per_run[RETURN] = run("wounded.return_fraction")
    per_run[DESERTION] = run("desertion.rate")
    per_run[SIGNUPS0] = run("volunteer.signups")
    per_run[SIGNUP_GROWTH] = (run("volunteer.bonus_elasticity") * run("volunteer.bonus_growth")
                              - run("volunteer.fatigue_rate"))
    per_run[SEND] = run("migrant.roundup_send_fraction")
    per_run[EMIGRATION] = run("mobilization.emigration_ratio")
    per_run[EXPOSED0] = (exposure * initial_front(params, n)).sum(axis=0)
    per_source = np.empty((N_PER_SOURCE, len(SOURCES), n))
    per_source[EXPOSURE] = exposure
    per_source[GRADUATION_RATE] = 1.0 / by_source({s: v(f"training_time.{s}") for s in SOURCES})
    per_source[RELEASE_RATE] = by_source({s: v(f"release_rate.{s}") for s in SOURCES})
    per_source[POOL_INFLOW] = by_source({s: v(f"pool_inflow.{s}") for s in ("prisoner", "migrant", "foreign")})
    per_source[DRAW_RATE] = by_source({s: v(f"draw_rate.{s}") for s in DRAWN})
    months = -(-n_steps // int(round(1.0 / dt)))
    recorded = recorded_events(params, start, months)
    schedules = np.stack([step_rates(v(key), start, n_steps, dt)
                          for key in ("mobilization.waves", "dprk.tranches", "migrant.roundups")]
                         + [step_rates(recorded, start, n_steps, dt), record_coverage(recorded, start, n_steps, dt)])
    series = casualty_shocks(params, start, months)[None]
    return Inputs(per_run, per_source, schedules, series,
                  ENDOGENOUS if v("casualties.mode") == "endogenous" else EXOGENOUS,
                  run("volunteer.bonus").copy(), run("volunteer.bonus_growth").copy(), float(dt))


@njit(FACTORS, **KERNEL)
def trend(per_run, t, out):
    """``out[0, b]`` = exp(casualty growth · t), ``out[1, b]`` = exp(sign-up growth · t), ``t`` in months."""
    for row, growth in ((0, per_run[CASUALTY_GROWTH]), (1, per_run[SIGNUP_GROWTH])):
        for b in range(out.shape[1]):
            out[row, b] = np.exp(growth[b] * t)


@njit(RATES, **KERNEL)
def flow_rates(state, trends, step, dt, per_run, per_source, schedules, series, mode, rates, unallocated):
    """Fill ``rates[flow, source, b]`` (persons/month) for a block of runs in step ``step`` of ``dt`` months.

    ``trends[:, b]`` holds the growth factors of the casualty level and of the
    sign-ups at the time the rates are for (see :func:`trend`); the engine
    carries them from step to step by multiplication, which costs far less than
    an exponential per run and step.

    ``state[stock, source, b]`` holds the stocks of the block's runs and
    ``per_run[:, b]``, ``per_source[:, :, b]`` their coefficients (C-contiguous
    copies for the block); every loop runs over ``b`` innermost, so the compiled
    code advances the block of runs together, as numpy broadcasting would. ``unallocated[b]`` receives the
    exogenous casualty demand that found no exposed front (every source at
    zero, and nobody arriving), which the engine reports as a shortfall.

    Exogenous casualties fall on each source in proportion to its exposure
    times its strength F_s, or, where the front of a source is (nearly) empty,
    times the people who reach it within half the step, dt/2 · (graduates +
    returns to duty): max(F_s, dt/2 · A_s). Without that, a front wiped out in
    one step would shelter the next step's arrivals (nobody there to weigh the
    demand against) and flicker between empty and its arrivals, larger under
    heavier casualties. Where every source holds more than half a step's
    arrivals, which is the usual case, the rule is e_s · F_s and does not depend
    on dt, so RK4 keeps its order. Scheduled events are
    constant within a step. Only the cells of each flow's sources are written
    (``Flow.rows``); callers pass ``rates`` zeroed once, so the others stay zero.
    """
    n_sources, block = state.shape[1], state.shape[2]
    endogenous = mode == ENDOGENOUS
    # Every loop runs over the block innermost and indexes contiguous 1-D views with its counter alone,
    # so the compiler vectorizes it. Stocks emptied by the engine's limiter may hold rounding residue of either
    # sign (~1e-12 persons); rates are computed from the non-negative part so that none runs backwards.
    recovery, returning = per_run[RECOVERY_RATE], per_run[RETURN]
    for s in range(n_sources):  # arrivals at the front first: they weigh in the casualties' allocation
        graduation, training, wounded = per_source[GRADUATION_RATE, s], state[TRAINING, s], state[WOUNDED, s]
        out_graduation, out_return, out_discharge = rates[F_GRADUATION, s], rates[F_RETURN, s], rates[F_DISCHARGE, s]
        for b in range(block):
            out_graduation[b] = graduation[b] * max(training[b], 0.0)
            recovering = recovery[b] * max(wounded[b], 0.0)
            out_return[b] = returning[b] * recovering
            out_discharge[b] = recovering - out_return[b]
    exposed = np.zeros(block)
    weights = np.empty((n_sources, block))  # exposure x strength the casualties are shared by (persons)
    arriving = 0.0 if endogenous else 0.5 * dt
    for s in range(n_sources):
        exposure, strength = per_source[EXPOSURE, s], state[FRONT, s]
        graduates, returns, weight = rates[F_GRADUATION, s], rates[F_RETURN, s], weights[s]
        for b in range(block):
            weight[b] = exposure[b] * max(strength[b], arriving * (graduates[b] + returns[b]), 0.0)
            exposed[b] += weight[b]
    casualties0, casualty_trend, signup_trend = per_run[CASUALTIES0], trends[0], trends[1]
    reference = per_run[EXPOSED0]
    per_exposed = np.empty(block)
    recorded, covered = schedules[RECORDED, step], schedules[RECORD_COVERS, step]
    shock = series[SHOCK, step // int(1.0 / dt + 0.5)]  # the month's casualty shock, per run or shared
    shared = shock.shape[0] == 1
    for b in range(block):
        level = covered * recorded + (1.0 - covered) * casualties0[b] * casualty_trend[b] * shock[0 if shared else b]
        denominator = reference[b] if endogenous else exposed[b]
        per_exposed[b] = level / denominator if denominator > 0.0 else 0.0
        unallocated[b] = level if not endogenous and exposed[b] <= 0.0 else 0.0
    signups0 = per_run[SIGNUPS0]
    emigration, send = per_run[EMIGRATION], per_run[SEND]
    signups = rates[F_SIGNUPS, VOLUNTEER]
    mobilization, emigrating = rates[F_MOBILIZATION, MOBILIZED], rates[F_EMIGRATION, MOBILIZED]
    migrants, dprk = rates[F_POOL_INFLOW, MIGRANT], rates[F_POOL_INFLOW, DPRK]
    for b in range(block):
        signups[b] = signups0[b] * signup_trend[b]
        mobilization[b] = schedules[WAVES, step]
        emigrating[b] = emigration[b] * schedules[WAVES, step]
    for s in range(n_sources):
        inflow, base = rates[F_POOL_INFLOW, s], per_source[POOL_INFLOW, s]
        for b in range(block):
            inflow[b] = base[b]
    for b in range(block):
        migrants[b] += send[b] * schedules[ROUNDUPS, step]
        dprk[b] += schedules[TRANCHES, step]
    killed, captured, desertion = per_run[KILLED], per_run[CAPTURED], per_run[DESERTION]
    for s in range(n_sources):
        front, weight = state[FRONT, s], weights[s]
        release, draw, pool = per_source[RELEASE_RATE, s], per_source[DRAW_RATE, s], state[POOL, s]
        out_killed, out_captured, out_wounded = rates[F_KILLED, s], rates[F_CAPTURED, s], rates[F_WOUNDED, s]
        out_desertion, out_release, out_draw = rates[F_DESERTION, s], rates[F_RELEASE, s], rates[F_POOL_DRAW, s]
        for b in range(block):
            casualties = weight[b] * per_exposed[b]
            out_killed[b] = killed[b] * casualties
            out_captured[b] = captured[b] * casualties
            out_wounded[b] = casualties - out_killed[b] - out_captured[b]
        for b in range(block):
            out_desertion[b] = desertion[b] * max(front[b], 0.0)
            out_release[b] = release[b] * max(front[b], 0.0)
            out_draw[b] = draw[b] * max(pool[b], 0.0)


def evaluate_rates(inputs: Inputs, states: np.ndarray, t: float = 0.0, step: int = 0
                   ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Flow rates (persons/month) for stocks ``states`` of shape ``(4, 6, n)``: ``{flow: (6, n)}``.

    Also returns the unallocated casualty demand per run. For inspection, tests
    and the initial state; the engine calls :func:`flow_rates` directly.
    """
    states = np.ascontiguousarray(states, dtype=float)
    rates = np.zeros((len(FLOW_NAMES),) + states.shape[1:])
    unallocated = np.zeros(states.shape[-1])
    per_run = np.ascontiguousarray(inputs.per_run)
    trends = np.empty((2, states.shape[-1]))
    trend(per_run, float(t), trends)
    flow_rates(states, trends, int(step), float(inputs.dt), per_run, np.ascontiguousarray(inputs.per_subscript),
               np.ascontiguousarray(inputs.schedules), np.ascontiguousarray(inputs.series), int(inputs.mode), rates,
               unallocated)
    return dict(zip(FLOW_NAMES, rates)), unallocated


def fractional_outflows(inputs: Inputs) -> dict[str, np.ndarray]:
    """For each stock, the summed rate (1/month) of its outflows that are a fraction of it, shape ``(6, n)``.

    Read off the equations themselves: with one person in every cell of a stock
    and nobody elsewhere, each non-demand outflow's rate is its coefficient.
    Euler keeps the stock non-negative when this sum times ``dt`` is at most 1
    (:func:`model.engine.integrator.check_step`).
    """
    out = {}
    for k, stock in enumerate(STOCKS):
        unit = np.zeros((len(STOCKS), len(SOURCES), inputs.n))
        unit[k] = 1.0
        rates, _ = evaluate_rates(inputs, unit)
        proportional = [rates[f.name] for f in flows_out_of(stock) if not f.demand]
        out[stock] = sum(proportional, np.zeros((len(SOURCES), inputs.n)))
    return out


def sustained(inputs: Inputs) -> Inputs:
    """``inputs`` without the scheduled events (mobilization waves, tranches, roundups).

    The recorded casualties stay: they are the casualty level, not an event.
    """
    schedules = inputs.schedules.copy()
    schedules[[WAVES, TRANCHES, ROUNDUPS]] = 0.0
    return replace(inputs, schedules=schedules)


def initial_state(params: ParameterSet, inputs: Inputs) -> np.ndarray:
    """Stocks at the start, shape ``(len(STOCKS), 6, n)``.

    Pools and the front come from the registry. Training pipelines and wounded
    in treatment start at the steady state of the *sustained* opening flows
    (recruits per month times training time; wounded per month times recovery
    time), so the run does not open with a spurious transient. Scheduled events
    (a mobilization wave, a tranche or a roundup in the start month) are left
    out: their people are taken from their pools as the run goes, so the same
    registry gives the same initial stocks whether or not an event falls in
    the start month, and no event's people are counted before they are drawn.
    """
    n = inputs.n
    state = np.zeros((len(STOCKS), len(SOURCES), n))
    state[POOL] = np.stack([np.zeros(n)] + [_runs(params.value(f"pool_initial.{s}"), n) for s in POOLED])
    state[FRONT] = initial_front(params, n)
    opening, _ = evaluate_rates(sustained(inputs), state)
    recruits = sum(opening[f.name] for f in flows_into("training"))
    state[TRAINING] = recruits / inputs.per_source[GRADUATION_RATE]
    state[WOUNDED] = sum(opening[f.name] for f in flows_into("wounded")) / inputs.per_run[RECOVERY_RATE]
    return state


def growth_rates(inputs: Inputs) -> dict[str, np.ndarray]:
    """Every exponential growth rate of a run (1/month, shape ``(n,)``), by the parameters behind it."""
    return {"casualties.growth_rate": inputs.per_run[CASUALTY_GROWTH],
            "volunteer.bonus_elasticity x volunteer.bonus_growth - volunteer.fatigue_rate":
                inputs.per_run[SIGNUP_GROWTH],
            "volunteer.bonus_growth": inputs.bonus_growth}


def bonus(inputs: Inputs, months: np.ndarray) -> np.ndarray:
    """Sign-up bonus (roubles) at the start of each of ``months``, shape ``(len(months), n)``."""
    return inputs.bonus0 * np.exp(np.multiply.outer(months, inputs.bonus_growth))


#: The model as the engine sees it: its structure and its two compiled kernels (:mod:`model.engine.contract`).
SYSTEM = System(STRUCTURE, rates=flow_rates, factors=trend, n_factors=2)
