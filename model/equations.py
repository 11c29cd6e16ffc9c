"""The model's equations: the rate of every flow, given the stocks and the time.

All rates are in persons per month. Arrays carry the recruitment source on
their first axis (the rows a flow runs along, see :class:`model.structure.Flow`)
and the run on their last, so that one evaluation advances every run of a
batch; a parameter that is the same for all runs stays a Python float and
broadcasts.

Equations (t in months since the start, F front, T training, W wounded, P pool;
subscript s the source):

- signups (volunteers):  V0 · exp((ε·g_b − φ)·t), i.e. V0 · (bonus(t)/bonus0)^ε · exp(−φ·t)
  with bonus(t) = bonus0 · exp(g_b·t): sign-ups respond to the bonus with elasticity ε
  and decline with war fatigue φ.
- pool_inflow:  base inflow + scheduled events (North Korean tranches; migrant
  roundups times the share of those caught who are sent).
- pool_draw:  P_s · draw_rate_s  (first-order depletion of a finite pool).
- mobilization:  the waves' schedule; emigration = emigration_ratio × mobilization.
- graduation:  T_s / training_time_s.
- casualties:  total C(t) = C0 · exp(g·t), shared among sources by exposure-weighted
  front strength e_s·F_s. In ``endogenous`` mode the total scales with the exposed
  force, C(t) · Σe·F(t) / Σe·F(0): a smaller front takes fewer casualties.
  Casualties split into killed (k), captured or missing (c) and wounded (1 − k − c).
- desertion:  d · F_s;  release:  r_s · F_s.
- return_to_duty:  ρ · W_s / recovery_time;  discharge:  (1 − ρ) · W_s / recovery_time.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from .parameters import ParameterSet
from .schedules import step_rates
from .structure import DRAWN, POOLED, SOURCES, STOCKS

Array = np.ndarray | float


def _rows(values: list[Any]) -> np.ndarray:
    """Stack per-source values (floats or ``(n,)`` arrays) into shape ``(rows, n)`` or ``(rows, 1)``."""
    arrays = [np.asarray(v, dtype=float) for v in values]
    n = max(a.size if a.ndim else 1 for a in arrays)
    return np.stack([np.broadcast_to(a, (n,)) for a in arrays])


def _scalar(value: Any) -> Array:
    return value if isinstance(value, float) else np.asarray(value, dtype=float)


_SCHEDULES = ("wave_rate", "tranche_rate", "roundup_rate")


@dataclass(frozen=True)
class Coefficients:
    """Every parameter in the shape the equations use, plus the schedules on the step grid.

    Per-source arrays have shape ``(rows, n)`` or ``(rows, 1)``; per-run values
    are floats or arrays of shape ``(n,)``; schedule rates have shape ``(n_steps,)``.
    """

    mode: str
    casualties0: Array
    casualty_growth: Array
    killed_fraction: Array
    captured_fraction: Array
    wounded_fraction: Array
    recovery_rate: Array
    return_fraction: Array
    desertion_rate: Array
    exposure: np.ndarray
    graduation_rate: np.ndarray
    release_rate: np.ndarray
    signups0: Array
    signup_growth: Array
    bonus0: Array
    bonus_growth: Array
    pool_inflow: np.ndarray
    draw_rate: np.ndarray
    send_fraction: Array
    emigration_ratio: Array
    exposed_front0: Array
    wave_rate: np.ndarray
    tranche_rate: np.ndarray
    roundup_rate: np.ndarray

    def take(self, runs: slice, batched: bool) -> Coefficients:
        """The coefficients of a chunk of runs (the last axis of batched arrays)."""
        if not batched:
            return self
        changes = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _SCHEDULES:
                continue
            if isinstance(value, np.ndarray) and value.shape[-1] > 1:
                changes[f.name] = value[..., runs]
        return replace(self, **changes)


def coefficients(params: ParameterSet, start: str, n_steps: int, dt: float) -> Coefficients:
    """Turn a parameter set into :class:`Coefficients` for a grid of ``n_steps`` steps of ``dt`` months."""
    v = params.value
    killed, captured = _scalar(v("casualties.killed_fraction")), _scalar(v("casualties.captured_fraction"))
    exposure = _rows([1.0] + [v(f"exposure.{s}") for s in POOLED])
    front0 = initial_front(params)
    return Coefficients(
        mode=v("casualties.mode"),
        casualties0=_scalar(v("casualties.monthly")),
        casualty_growth=_scalar(v("casualties.growth_rate")),
        killed_fraction=killed,
        captured_fraction=captured,
        wounded_fraction=1.0 - killed - captured,
        recovery_rate=1.0 / _scalar(v("wounded.recovery_time")),
        return_fraction=_scalar(v("wounded.return_fraction")),
        desertion_rate=_scalar(v("desertion.rate")),
        exposure=exposure,
        graduation_rate=1.0 / _rows([v(f"training_time.{s}") for s in SOURCES]),
        release_rate=_rows([v(f"release_rate.{s}") for s in SOURCES]),
        signups0=_scalar(v("volunteer.signups")),
        signup_growth=_scalar(v("volunteer.bonus_elasticity")) * _scalar(v("volunteer.bonus_growth"))
        - _scalar(v("volunteer.fatigue_rate")),
        bonus0=_scalar(v("volunteer.bonus")),
        bonus_growth=_scalar(v("volunteer.bonus_growth")),
        pool_inflow=_rows([v("pool_inflow.prisoner"), v("pool_inflow.migrant"), v("pool_inflow.foreign"), 0.0]),
        draw_rate=_rows([v(f"draw_rate.{s}") for s in DRAWN]),
        send_fraction=_scalar(v("migrant.roundup_send_fraction")),
        emigration_ratio=_scalar(v("mobilization.emigration_ratio")),
        exposed_front0=(exposure * front0).sum(axis=0),
        wave_rate=step_rates(v("mobilization.waves"), start, n_steps, dt),
        tranche_rate=step_rates(v("dprk.tranches"), start, n_steps, dt),
        roundup_rate=step_rates(v("migrant.roundups"), start, n_steps, dt),
    )


def initial_front(params: ParameterSet) -> np.ndarray:
    """Deployed force by source at the start, shape ``(6, n)``: volunteers are the remainder."""
    others = [params.value(f"front_initial.{s}") for s in POOLED]
    volunteers = np.asarray(params.value("force.deployed_total")) - sum(np.asarray(o) for o in others)
    return _rows([volunteers] + others)


def initial_state(params: ParameterSet, c: Coefficients, n: int) -> np.ndarray:
    """Stocks at the start of ``n`` runs, shape ``(len(STOCKS), 6, n)``.

    Pools and the front come from the registry. Training pipelines and wounded
    in treatment start at the steady state of the opening flows (recruits
    times training time; wounded per month times recovery time), so the run
    does not open with a spurious transient.
    """
    front = initial_front(params)
    pool = _rows([0.0] + [params.value(f"pool_initial.{s}") for s in POOLED])
    state = np.zeros((len(STOCKS), len(SOURCES), n))
    state[STOCKS.index("pool")] = pool
    state[STOCKS.index("front")] = front
    recruits = np.zeros_like(state[0])
    recruits[0] = c.signups0
    recruits[1] = c.wave_rate[0] if c.wave_rate.size else 0.0
    recruits[2:] = pool[2:] * c.draw_rate
    state[STOCKS.index("training")] = recruits / c.graduation_rate
    casualties, _ = casualty_rates(c, front, 0.0)
    state[STOCKS.index("wounded")] = casualties * c.wounded_fraction / c.recovery_rate
    return state


def casualty_rates(c: Coefficients, front: np.ndarray, t: float) -> tuple[np.ndarray, Array]:
    """Casualties by source (persons/month, shape ``(6, n)``) and the part with nobody to fall on.

    The second value is the exogenous demand that found no exposed front
    (all sources at zero strength); the engine reports it as a shortfall.
    """
    level = c.casualties0 * np.exp(c.casualty_growth * t)
    # A front emptied by the engine's limiter may hold rounding residue of either sign (~1e-12
    # persons); a negative residue must not attract negative casualties.
    exposed = c.exposure * np.maximum(front, 0.0)
    total_exposed = exposed.sum(axis=0)
    if c.mode == "endogenous":
        per_exposed = level / c.exposed_front0
        unallocated = 0.0
    else:
        exposed_somewhere = total_exposed > 0
        per_exposed = np.where(exposed_somewhere, level / np.where(exposed_somewhere, total_exposed, 1.0), 0.0)
        unallocated = np.where(exposed_somewhere, 0.0, level)
    return exposed * per_exposed, unallocated


def rates(c: Coefficients, state: np.ndarray, t: float, step: int) -> tuple[dict[str, np.ndarray], Array]:
    """Rate of every flow (persons/month) at time ``t`` (months) in step ``step``.

    Returns the rates keyed by flow name, each broadcastable to the flow's
    ``(rows, n)``, and the unallocated casualty demand (see :func:`casualty_rates`).
    Scheduled events are constant within a step.
    """
    pool, training, front, wounded = state
    casualties, unallocated = casualty_rates(c, front, t)
    killed = casualties * c.killed_fraction
    captured = casualties * c.captured_fraction
    recovering = wounded * c.recovery_rate
    returning = recovering * c.return_fraction
    inflow = c.pool_inflow.copy()
    inflow[1] += c.send_fraction * c.roundup_rate[step]
    inflow[3] += c.tranche_rate[step]
    mobilization = np.full((1, 1), c.wave_rate[step])
    return {
        "pool_inflow": inflow,
        "signups": np.reshape(c.signups0 * np.exp(c.signup_growth * t), (1, -1)),
        "mobilization": mobilization,
        "emigration": mobilization * c.emigration_ratio,
        "pool_draw": pool[2:] * c.draw_rate,
        "graduation": training * c.graduation_rate,
        "killed": killed,
        "wounded_in_action": casualties - killed - captured,
        "captured": captured,
        "desertion": front * c.desertion_rate,
        "release": front * c.release_rate,
        "return_to_duty": returning,
        "discharge": recovering - returning,
    }, unallocated


def bonus(c: Coefficients, t: np.ndarray) -> np.ndarray:
    """Sign-up bonus (roubles) at times ``t`` (months), shape ``(len(t), n)`` or ``(len(t),)``."""
    return np.asarray(c.bonus0) * np.exp(np.multiply.outer(t, np.asarray(c.bonus_growth)))
