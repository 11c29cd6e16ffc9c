"""The explorer's levers, declared once as data: which registry keys get a slider, and each slider's range.

A numeric lever's slider spans its registry range widened by :data:`WIDEN` of the bound's size on each side,
clipped to what the quantity allows; a schedule lever (an :class:`ExtraEvent`) runs from zero to a multiple of a
figure in the registry's evidence. :class:`~model.present.explorer.Explorer` draws them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..inputs.parameters import ParameterSet
from ..inputs.units import conversion_factor

#: Share of a registry bound's size by which a slider reaches beyond the plausible range on each side.
WIDEN = 0.5
#: Slider positions across a numeric lever's range (the step is rounded to 1, 2 or 5 times a power of ten).
POSITIONS = 200


@dataclass(frozen=True)
class ExtraEvent:
    """An event a schedule lever adds to the scenario's schedule; the slider sets its size (persons).

    The slider runs from 0 to ``multiple`` times the value of the registry's
    evidence entry ``evidence``.
    """

    start: str
    months: float
    evidence: str
    multiple: float


@dataclass(frozen=True)
class Lever:
    """One slider: a registry key, its label (with the unit shown), and that unit (pint)."""

    key: str
    label: str
    unit: str
    event: ExtraEvent | None = None

    @property
    def name(self) -> str:
        """Keyword for :meth:`~model.present.explorer.Explorer.update` (the key with ``_`` for ``.``)."""
        return self.key.replace(".", "_")

    @property
    def description(self) -> str:
        if self.event is None:
            return self.label
        return f"{self.label}, {self.event.start} over {self.event.months:g} mo (persons)"


LEVERS: tuple[Lever, ...] = (
    Lever("casualties.monthly", "casualties at start (persons/month)", "person / month"),
    Lever("casualties.growth_rate", "growth of casualties (%/year)", "percent / year"),
    Lever("volunteer.signups", "volunteer sign-ups at start (persons/month)", "person / month"),
    Lever("pay.federal_change", "change of the federal signing payment (roubles)", "RUB"),
    Lever("pay.regional_ceiling", "regional payment budgets can carry (roubles)", "RUB"),
    Lever("volunteer.pay_elasticity", "sign-ups' elasticity to the payment (%/%)", "dimensionless"),
    Lever("volunteer.fatigue_rate", "war fatigue: sign-ups' decay (%/year)", "percent / year"),
    Lever("wounded.severe_return_fraction", "severely wounded who return to duty (%)", "percent"),
    Lever("desertion.rate", "desertion (% of the front per month)", "percent / month"),
    Lever("dprk.tranches", "extra North Korean tranche", "person",
          ExtraEvent("2025-03", 2, evidence="dprk_deployment_article", multiple=5)),
    Lever("migrant.roundups", "extra migrant roundup (caught)", "person",
          ExtraEvent("2025-06", 1, evidence="migrant_roundup_article", multiple=2)),
)
BY_NAME = {lever.name: lever for lever in LEVERS}


@dataclass(frozen=True)
class SliderRange:
    """A slider's ``low``, ``high`` and ``step``, in the lever's unit."""

    low: float
    high: float
    step: float

    @property
    def readout_format(self) -> str:
        """d3 format showing the step's decimals (ipywidgets)."""
        return f",.{max(0, -math.floor(math.log10(self.step)))}f"


def _nice_step(width: float) -> float:
    """The smallest of 1, 2 or 5 times a power of ten giving at most :data:`POSITIONS` positions."""
    raw = width / POSITIONS
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))


def display_factor(lever: Lever, params: ParameterSet) -> float:
    """Factor from the registry's canonical unit to the slider's unit."""
    return conversion_factor(params[lever.key].unit, lever.unit)


def slider_range(lever: Lever, params: ParameterSet, reach: Sequence[float] = ()) -> SliderRange:
    """The slider for ``lever``: registry range widened by :data:`WIDEN` and to the values in ``reach`` (the
    scenarios' own, canonical unit), or 0 to a multiple of evidence."""
    if lever.event is not None:
        high = lever.event.multiple * params.evidence[lever.event.evidence].value
        step = _nice_step(high)
        return SliderRange(0.0, high, step)
    parameter = params[lever.key]
    kind = parameter.spec.kind
    low = min([parameter.low - WIDEN * abs(parameter.low), *reach])
    high = max([parameter.high + WIDEN * abs(parameter.high), *reach])
    low = low if kind.minimum is None else max(low, kind.minimum)
    high = high if kind.maximum is None else min(high, kind.maximum)
    factor = display_factor(lever, params)
    step = _nice_step((high - low) * factor)
    # Rounded before floor and ceil: 1.2 / 0.01 is 120.00000000000001 in binary.
    positions = round(low * factor / step, 6), round(high * factor / step, 6)
    return SliderRange(math.floor(positions[0]) * step, math.ceil(positions[1]) * step, step)
