"""Rounding to significant figures: the one rule behind every number the package prints."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.core.numbers import decimals, fixed, rounded


@pytest.mark.parametrize("value, figures, shown", [
    (32_441.7, 3, "32,400"), (0.0416667, 3, "0.0417"), (9.96, 2, "10"), (-131_734.2, 2, "-130,000"),
    (0.2345, 2, "0.23"), (1.0, 2, "1.0"), (0.0, 2, "0"),
])
def test_fixed_shows_the_significant_figures_without_an_exponent(value, figures, shown):
    assert fixed(value, figures) == shown


def test_signs_and_trailing_zeros():
    assert fixed(150_203.0, 2, sign=True) == "+150,000" and fixed(-0.3, 2, sign=True) == "-0.30"
    assert fixed(0.3, 2, zeros=False) == "0.3" and fixed(14_315.2, 2, zeros=False) == "14,000"
    assert fixed(float("nan"), 2) == "nan" and rounded(float("inf"), 2) == math.inf


@given(st.floats(min_value=1e-6, max_value=1e12), st.integers(min_value=1, max_value=6))
def test_rounding_is_within_half_a_unit_of_the_last_figure_and_idempotent(value, figures):
    r = rounded(value, figures)
    unit = 10.0 ** (math.floor(math.log10(value)) - figures + 1)
    assert abs(r - value) <= unit / 2 * (1 + 1e-9)
    assert rounded(r, figures) == pytest.approx(r, rel=1e-12)
    assert decimals(r, figures) >= 0


@pytest.mark.parametrize("share, shown", [(0.0, "0%"), (0.003, "under 1%"), (0.675, "68%"), (0.997, "over 99%"),
                                          (1.0, "100%"), (float("nan"), "–")])
def test_a_share_of_runs_is_never_rounded_to_none_or_all(share, shown):
    from model.core.numbers import percent

    assert percent(share) == shown
