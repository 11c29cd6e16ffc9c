"""The description's small language rendered in Vensim's and XMILE's syntax."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

from model.core.structure import SOURCES
from model.interchange.expressions import MDL, XMILE, ExpressionError, is_subscripted, number, rename, render

NAMES = {"a": False, "b": False, "x": True, "y": True, "flag": False}


@pytest.mark.parametrize("expression, mdl, xmile", [
    ("a + b * 2", "a + b * 2", "a + b * 2"),
    ("(a + b) * 2", "(a + b) * 2", "(a + b) * 2"),
    ("a - (b - 2)", "a - (b - 2)", "a - (b - 2)"),
    ("a - b - 2", "a - b - 2", "a - b - 2"),
    ("a / (b * 2)", "a / (b * 2)", "a / (b * 2)"),
    ("a ** b", "a ^ b", "a ^ b"),
    ("-(a + b) * t", "-(a + b) * Time", "-(a + b) * TIME"),
    ("dt / 2 * x", "TIME STEP / 2 * x[source]", "integration_step / 2 * x[source]"),
    ("maximum(x, a)", "MAX(x[source], a)", "MAX(x[source], a)"),
    ("held(x)", "MAX(x[source], 0)", "MAX(x[source], 0)"),
    ("exp(-a * t)", "EXP(-a * Time)", "EXP(-a * TIME)"),
    ("where(flag, a, b)", "IF THEN ELSE(flag = 1, a, b)", "(IF flag = 1 THEN a ELSE b)"),
    ("where(a > b, a, b)", "IF THEN ELSE(a > b, a, b)", "(IF a > b THEN a ELSE b)"),
    ("inverse(a)", "IF THEN ELSE(a = 0, 0, 1 / (a))", "(IF a = 0 THEN 0 ELSE 1 / (a))"),
])
def test_each_construct_is_written_in_the_targets_syntax(expression, mdl, xmile):
    assert render(expression, MDL, NAMES) == mdl
    assert render(expression, XMILE, NAMES) == xmile


def test_a_total_sums_over_sources_in_the_engines_order():
    assert render("total(x + y) > 0", MDL, NAMES) == "SUM(x[source!] + y[source!]) > 0"
    written = render("total(x + y)", XMILE, NAMES)
    assert written == "(" + " + ".join(f"(x[{s}] + y[{s}])" for s in SOURCES) + ")"


def test_what_the_export_cannot_write_is_refused():
    for bad in ("unknown + 1", "total(total(x))", "maximum(a)", "sqrt(a)", "a if b else 2", "a < b < 2"):
        with pytest.raises(ExpressionError):
            render(bad, MDL, NAMES)


def test_per_source_values_are_found_outside_totals_only():
    assert is_subscripted("a * x", NAMES)
    assert not is_subscripted("a * total(x)", NAMES)
    assert not is_subscripted("a + b", NAMES)


def test_renaming_replaces_names_not_functions():
    assert rename("maximum(x, dt / 2 * y)", {"x": "held(x)", "maximum": "nope"}) == "maximum(held(x), dt / 2 * y)"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_are_written_exactly(value):
    assert float(number(value)) == value


def test_a_number_that_is_not_finite_is_refused():
    for value in (np.nan, np.inf):
        with pytest.raises(ExpressionError):
            number(value)
