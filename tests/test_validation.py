"""The validation report's tests (Sterman ch. 21) run and say what they should; docs/VALIDATION.md is current."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import model
from model.validation import CONCLUSIONS, conclusion_flips, extreme_conditions, integration_error

REPORT = Path(__file__).resolve().parent.parent / "docs" / "VALIDATION.md"


def test_extreme_conditions_keep_people_conserved_and_stocks_non_negative(baseline):
    table, _ = extreme_conditions(baseline, months=12)
    assert (table["worst relative mass-balance residual"] <= 1e-9).all()
    assert (table["lowest stock (persons)"] >= -1e-6).all()
    cases = table.set_index("case")
    assert cases.loc["no recruitment", "front never rises"]
    assert cases.loc["ten times the casualties", "shortfall (persons)"] > 0
    assert cases.loc["no casualties", "front at horizon"] > cases.loc["baseline", "front at horizon"]


def test_integration_error_falls_at_each_methods_order(baseline):
    table, _ = integration_error(baseline, months=12)
    euler = table[table.method == "euler"].dropna().set_index("dt (months)")["front error"]
    rk4 = table[table.method == "rk4"].dropna().set_index("dt (months)")["front error"]
    ratios = euler.values[:-1] / euler.values[1:]  # halving dt halves a first-order error
    assert np.all((ratios > 1.8) & (ratios < 2.2)), ratios
    assert np.all(rk4.values < euler.values / 100)


def test_conclusion_flips_are_read_from_ends_of_plausible_ranges(baseline):
    flips, shares, _ = conclusion_flips(baseline, months=12, n=64)
    assert shares["share of runs in which it holds"].between(0, 1).all()
    assert len(shares) == len(CONCLUSIONS)
    for row in flips.itertuples():
        assert row.value in (baseline[row.parameter].low, baseline[row.parameter].high)


def test_the_committed_report_is_current():
    """`manpower validate` regenerates the report; a change to the registry or version must be followed by it."""
    text = REPORT.read_text(encoding="utf-8")
    assert model.load_params().digest() in text, "run `manpower validate` to regenerate docs/VALIDATION.md"
    assert f"manpower-model {model.__version__}" in text
    for heading in ("Dimensional consistency", "Extreme conditions", "Integration error", "Behaviour reproduction",
                    "Sensitivity of the conclusions"):
        assert heading in text
    assert text.count("Reproduce:") == 5
