"""What the equations need: every parameter's key, canonical unit and kind.

The registry (``params/registry.yaml``) says what each value *is* and where it
comes from; this module says what the model *expects*, so that loading can
reject unknown keys, missing keys, wrong units and out-of-bounds values before
any number reaches the equations. To add a parameter: declare it here, give it
a registry entry with provenance, and use it in :mod:`model.dynamics.equations`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from . import units as u
from ..core.structure import DRAWN, POOLED, SOURCES
from ..errors import InputError


@dataclass(frozen=True)
class Kind:
    """A kind of quantity: its canonical unit and the values it may take."""

    name: str
    unit: str
    minimum: float | None = 0.0
    maximum: float | None = None
    positive: bool = False

    def violation(self, value: float) -> str | None:
        """Why ``value`` (canonical unit) is not allowed for this kind, or ``None``."""
        if self.positive and not value > 0:
            return "a positive number"
        if self.minimum is not None and value < self.minimum:
            return f"a number >= {self.minimum:g}"
        if self.maximum is not None and value > self.maximum:
            return f"a number <= {self.maximum:g}"
        return None


COUNT = Kind("count", u.PERSON)
FLOW = Kind("flow", u.PERSON_PER_MONTH)
RATE = Kind("rate", u.PER_MONTH)
GROWTH = Kind("growth rate", u.PER_MONTH, minimum=None)
DURATION = Kind("duration", u.MONTH, positive=True)
FRACTION = Kind("fraction", u.DIMENSIONLESS, maximum=1.0)
RATIO = Kind("ratio", u.DIMENSIONLESS)
#: An elasticity bounded by proportionality: 0 (no response) to 1 (in proportion).
ELASTICITY = Kind("elasticity", u.DIMENSIONLESS, maximum=1.0)
MONEY = Kind("amount of money", u.ROUBLE)
MONEY_CHANGE = Kind("change of an amount of money", u.ROUBLE, minimum=None)
MONEY_FLOW = Kind("amount of money per month", u.ROUBLE_PER_MONTH, positive=True)
SCHEDULE = Kind("schedule", u.PERSON)
CHOICE = Kind("choice", u.DIMENSIONLESS, minimum=None)


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter the model expects."""

    key: str
    kind: Kind
    choices: tuple[str, ...] = ()

    @property
    def unit(self) -> str:
        return self.kind.unit

    @property
    def numeric(self) -> bool:
        return self.kind not in (SCHEDULE, CHOICE)


def _per_source(quantity: str, kind: Kind, sources: tuple[str, ...]) -> list[ParameterSpec]:
    return [ParameterSpec(f"{quantity}.{s}", kind) for s in sources]


CASUALTY_MODES = ("exogenous", "endogenous")
#: How the exogenous casualty level moves: a level grown at a constant rate, or the process fitted to the record.
CASUALTY_PROCESSES = ("trend", "fitted")

SPECS: tuple[ParameterSpec, ...] = (
    ParameterSpec("casualties.mode", CHOICE, CASUALTY_MODES),
    ParameterSpec("casualties.process", CHOICE, CASUALTY_PROCESSES),
    ParameterSpec("casualties.monthly", FLOW),
    ParameterSpec("casualties.growth_rate", GROWTH),
    ParameterSpec("casualties.depletion_elasticity", ELASTICITY),
    ParameterSpec("casualties.killed_fraction", FRACTION),
    ParameterSpec("casualties.captured_fraction", FRACTION),
    ParameterSpec("casualties.recorded", SCHEDULE),
    ParameterSpec("wounded.severe_fraction", FRACTION),
    ParameterSpec("wounded.light_recovery_time", DURATION),
    ParameterSpec("wounded.light_return_fraction", FRACTION),
    ParameterSpec("wounded.severe_recovery_time", DURATION),
    ParameterSpec("wounded.severe_return_fraction", FRACTION),
    ParameterSpec("desertion.rate", RATE),
    ParameterSpec("desertion.return_fraction", FRACTION),
    ParameterSpec("desertion.absence_time", DURATION),
    ParameterSpec("exposure.novice_ratio", RATIO),
    ParameterSpec("exposure.assault_ratio", RATIO),
    *_per_source("assault_share", FRACTION, SOURCES),
    *_per_source("training_time", DURATION, SOURCES),
    *_per_source("deploy_share", FRACTION, SOURCES),
    *_per_source("release_rate", RATE, SOURCES),
    ParameterSpec("deployment.rate", RATE),
    ParameterSpec("rotation.rate", RATE),
    ParameterSpec("rear.release_rate", RATE),
    ParameterSpec("seasoning.time", DURATION),
    ParameterSpec("force.deployed_total", COUNT),
    *_per_source("front_initial", COUNT, POOLED),
    *_per_source("rear_initial", COUNT, ("volunteer", "mobilized")),
    ParameterSpec("volunteer.signups", FLOW),
    ParameterSpec("volunteer.pay_elasticity", RATIO),
    ParameterSpec("volunteer.fatigue_rate", GROWTH),
    ParameterSpec("pay.monthly", MONEY_FLOW),
    ParameterSpec("pay.growth", GROWTH),
    ParameterSpec("pay.federal_bonus", MONEY),
    ParameterSpec("pay.federal_change", MONEY_CHANGE),
    ParameterSpec("pay.regional_bonus", MONEY),
    ParameterSpec("pay.regional_growth", RATE),
    ParameterSpec("pay.regional_ceiling", MONEY),
    ParameterSpec("budget.federal_bonus_line", MONEY_FLOW),
    ParameterSpec("wage.average", MONEY_FLOW),
    ParameterSpec("wage.growth", GROWTH),
    *_per_source("pool_initial", COUNT, POOLED),
    *_per_source("pool_inflow", FLOW, ("prisoner", "migrant", "foreign")),
    *_per_source("draw_rate", RATE, DRAWN),
    ParameterSpec("mobilization.waves", SCHEDULE),
    ParameterSpec("mobilization.emigration_ratio", RATIO),
    ParameterSpec("dprk.tranches", SCHEDULE),
    ParameterSpec("migrant.roundups", SCHEDULE),
    ParameterSpec("migrant.roundup_send_fraction", FRACTION),
    ParameterSpec("conscription.campaigns", SCHEDULE),
    ParameterSpec("conscription.emergency", SCHEDULE),
    ParameterSpec("conscription.term", DURATION),
    ParameterSpec("conscription.conversion_share", FRACTION),
)

BY_KEY: dict[str, ParameterSpec] = {s.key: s for s in SPECS}


def unknown_parameter(where: str, key: object, at: str | None = None) -> InputError:
    """The error for a ``key`` that names no parameter of the model, for the caller to raise.

    The one message for every input that names parameters (a registry or scenario file, ``--set``,
    ``with_values``, a sweep spec, a lever, the keys to fit or to sample): it names ``where`` and
    ``at`` (the key as that input spells it, e.g. ``set.KEY`` in a scenario file; default ``key``),
    suggests the nearest key of :data:`BY_KEY` when a typo is likely, and says where the keys are listed.
    """
    close = difflib.get_close_matches(str(key), BY_KEY, n=1, cutoff=0.8)
    hint = f"; did you mean {close[0]}?" if close else ""
    listed = "(see `manpower params` for the keys)"
    if at is not None and str(key) not in at:  # ``at`` names a function's argument: say what it was given
        return InputError(where, at, f"expected a parameter key, got {key!r}{hint} {listed}")
    return InputError(where, str(key) if at is None else at, f"unknown parameter{hint} {listed}")
