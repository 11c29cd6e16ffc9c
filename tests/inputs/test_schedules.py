"""Month arithmetic (numpy ``datetime64[M]``) and scheduled events as rates."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.inputs.registry import Event
from model.inputs.schedules import month_index, month_label, step_rates


def by_hand_index(month: str) -> int:
    """The arithmetic :func:`month_index` replaced (year * 12 + month), kept as the reference."""
    year, mon = (int(part) for part in month.split("-")[:2])
    return 12 * year + mon - 1


def by_hand_label(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


EVERY_MONTH = [f"{year:04d}-{mon:02d}" for year in range(1, 10_000) for mon in range(1, 13)]


def test_the_same_index_as_by_hand_for_every_month_from_year_1_to_9999():
    assert [month_index(m) for m in EVERY_MONTH] == [by_hand_index(m) for m in EVERY_MONTH]


def test_the_same_label_as_by_hand_on_a_grid_of_indices():
    # from January of year 1 to beyond year 9999 (a horizon may run past the last four-digit year)
    grid = range(12, 12 * 10_000 + 1_200)
    assert [month_label(i) for i in grid] == [by_hand_label(i) for i in grid]


@given(st.sampled_from(EVERY_MONTH), st.integers(0, 1_200))
def test_label_inverts_index_and_offsets_are_months(month, offset):
    assert month_label(month_index(month)) == month
    assert month_index(month_label(month_index(month) + offset)) - month_index(month) == offset


@pytest.mark.parametrize("text", ["", "abc", "2024", "2024-1", "2024-13", "2024-00", "0000-06", "2024-12-05",
                                  " 2024-12", "24-12", None, 202412])
def test_anything_but_a_month_is_a_value_error(text):
    with pytest.raises(ValueError, match="expected a month as 'YYYY-MM'"):
        month_index(text)


def test_events_deliver_their_size_on_any_grid():
    events = [Event(start="2025-02", size=1200.0, months=3), Event(start="2024-11", size=500.0)]
    for dt in (1.0, 0.5, 0.25, 0.1):
        rates = step_rates(events, "2024-12", int(round(12 / dt)), dt)
        # the November event lies before the start; the February one inside the year, whole
        assert np.isclose(rates.sum() * dt, 1200.0)
        assert not rates[: int(round(2 / dt))].any()
