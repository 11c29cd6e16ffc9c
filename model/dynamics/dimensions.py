"""Dimensional consistency: every equation of :mod:`model.dynamics.equations`, evaluated in units alone.

Each flow's equation is restated here with pint quantities of magnitude one in
the units the compiled equations read (each parameter's canonical unit, stocks
in persons, time in months). pint refuses to add quantities of different
dimensions and to take the exponential of a dimensional one, so evaluating the
equations *is* the check; each result must then convert to persons per month.
The docstring of :mod:`model.dynamics.equations` states the same equations in words;
a change to one must be made in the other (a test evaluates this module).
"""

from __future__ import annotations

import numpy as np
import pint

from ..inputs.parameters import ParameterSet
from ..inputs.units import PERSON, PERSON_PER_MONTH, registry


def _quantities(params: ParameterSet):
    ureg = registry()

    def q(key: str) -> pint.Quantity:
        return ureg.Quantity(1.0, params[key].unit)

    def scheduled(key: str) -> pint.Quantity:
        """A scheduled event's rate: its size (persons) spread over its duration (months)."""
        return ureg.Quantity(1.0, params[key].unit) / ureg.Quantity(1.0, "month")

    return q, scheduled, ureg.Quantity(1.0, PERSON), ureg.Quantity(1.0, "month")


def flow_equations(params: ParameterSet, source: str = "prisoner") -> dict[str, pint.Quantity]:
    """Every flow's rate for one pooled ``source``, as pint quantities (magnitudes meaningless)."""
    q, scheduled, stock, t = _quantities(params)
    front = training = wounded = pool = stock
    recovering = wounded / q("wounded.recovery_time")
    returning = q("wounded.return_fraction")
    step = t  # the step dt, in months (only its unit matters here)
    arriving = training / q(f"training_time.{source}") + returning * recovering  # graduates + returns to duty
    exposed_front = q(f"exposure.{source}") * (front + 0.5 * step * arriving)  # max(F, dt/2·A): one unit
    exposed_total = exposed_front + front  # volunteers' exposure is 1 by definition
    exogenous = q("casualties.monthly") * np.exp(q("casualties.growth_rate") * t)
    level = exogenous + scheduled("casualties.recorded")  # recorded months replace the exogenous level
    casualties = level * exposed_front / exposed_total
    killed, captured = q("casualties.killed_fraction"), q("casualties.captured_fraction")
    # Sign-ups respond to the bonus, bonus0 · exp(g_b · t), with elasticity ε: the exponent carries ε · g_b · t.
    signup_exponent = (q("volunteer.bonus_elasticity") * q("volunteer.bonus_growth")
                       - q("volunteer.fatigue_rate")) * t
    return {
        "pool_inflow": q(f"pool_inflow.{source}") + q("migrant.roundup_send_fraction") * scheduled("migrant.roundups")
        + scheduled("dprk.tranches"),
        "signups": q("volunteer.signups") * np.exp(signup_exponent),
        "mobilization": scheduled("mobilization.waves"),
        "emigration": q("mobilization.emigration_ratio") * scheduled("mobilization.waves"),
        "pool_draw": q(f"draw_rate.{source}") * pool,
        "graduation": training / q(f"training_time.{source}"),
        "killed": killed * casualties,
        "wounded_in_action": (1 - killed - captured) * casualties,
        "captured": captured * casualties,
        "desertion": q("desertion.rate") * front,
        "release": q(f"release_rate.{source}") * front,
        "return_to_duty": returning * recovering,
        "discharge": (1 - returning) * recovering,
    }


def check(params: ParameterSet) -> dict[str, str]:
    """Each flow's unit as evaluated; raises ``pint.DimensionalityError`` where an equation mixes dimensions."""
    target = registry().Unit(PERSON_PER_MONTH)
    units = {}
    for name, rate in flow_equations(params).items():
        units[name] = str(rate.to(target).units)
    return units
