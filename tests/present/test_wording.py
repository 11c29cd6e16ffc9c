"""Numbers as the brief words them: significant figures, thousands, shares, months, parameter labels."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.present.wording import MINUS, band, month_name, rounded, share, thousands


@pytest.mark.parametrize("value, signed, shown", [
    (-131_734.2, True, f"{MINUS}130"), (8_998.0, True, "+9.0"), (495_315.0, False, "500"), (0.2, False, "0"),
    (1_234_567.0, False, "1,200"), (float("nan"), False, "–"),
])
def test_thousands_at_two_significant_figures(value, signed, shown):
    assert thousands(value, signed=signed) == shown


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).filter(lambda v: abs(v) >= 1))
def test_rounding_keeps_two_significant_figures_and_the_sign(value):
    r = rounded(value, 2)
    assert math.copysign(1, r) == math.copysign(1, value)
    assert abs(r - value) <= 0.05 * abs(value) + 1e-9  # within half a unit of the second figure
    digits = f"{abs(r):.15e}".split("e")[0].replace(".", "").rstrip("0")
    assert len(digits) <= 2


@pytest.mark.parametrize("p, shown", [(0.0, "0%"), (0.004, "under 1%"), (0.675, "68%"), (0.996, "over 99%"),
                                      (1.0, "100%")])
def test_shares_are_whole_percentages_without_false_certainty(p, shown):
    assert share(p) == shown


def test_a_band_says_both_ends_in_the_same_wording():
    assert band((-760_000.0, 490_000.0), signed=True) == f"{MINUS}760,000 to +490,000"
    assert band((-760_000.0, 490_000.0), signed=True, in_thousands=True) == f"{MINUS}760 to +490"


def test_months_read_as_words():
    assert month_name("2025-09") == "September 2025"

