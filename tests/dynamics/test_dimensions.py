"""Dimensional consistency of every equation (Sterman's first test), in the units the model reads."""

from __future__ import annotations

from types import SimpleNamespace

import pint
import pytest

from model.dynamics.dimensions import check
from model.core.structure import FLOW_NAMES


def test_every_flow_equation_is_in_persons_per_month(baseline):
    units = check(baseline)
    assert list(units) == list(FLOW_NAMES)  # no flow left out
    assert set(units.values()) == {"person / month"}, units


def _with_unit(params, key: str, unit: str) -> dict:
    entries = {k: SimpleNamespace(unit=p.unit) for k, p in params.items()}
    entries[key] = SimpleNamespace(unit=unit)
    return entries


@pytest.mark.parametrize("key, unit", [
    ("training_time.prisoner", "person"),        # graduation would be dimensionless
    ("training_time.volunteer", "person"),       # ... for another source: every source is checked
    ("draw_rate.dprk", "person"),                # pool draw in persons squared per month
    ("casualties.growth_rate", "person / month"),  # exp of a dimensional argument
    ("casualties.killed_fraction", "month"),     # 1 - killed - captured mixes dimensions
])
def test_a_parameter_in_the_wrong_unit_breaks_the_check(baseline, key, unit):
    with pytest.raises(pint.DimensionalityError):
        check(_with_unit(baseline, key, unit))
