"""Console tables: at most 100 columns for every command on the shipped scenarios, one format per kind."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest

from model.cli import main
from model.inputs.parameters import scenario_names
from model.present.console import (MISSING, PERSONS, RATE, SHARE, SIGNED, WIDTH, infer_kind, number_text, render,
                                   significant)


@pytest.mark.parametrize("value, kind, text", [
    (777188.4, PERSONS, "777,188"), (-0.3, PERSONS, "0"), (26545.0, PERSONS, "26,545"),
    (658427.0, SIGNED, "+658,427"), (-45830.2, SIGNED, "-45,830"),
    (0.8412, SHARE, "0.84"), (32441.7, RATE, "32,400"), (0.0416667, RATE, "0.0417"), (1.5e-6, RATE, "1.50e-06"),
    (float("nan"), PERSONS, MISSING), ("2025-09", PERSONS, "2025-09"),
])
def test_each_kind_has_one_format(value, kind, text):
    assert number_text(value, kind) == text


@pytest.mark.parametrize("value", [0.000123456, 0.5, 1.0, 9.99, 123.456, 98765.4, -3.21e7])
def test_rates_keep_three_significant_figures_without_an_exponent(value):
    text = significant(value)
    assert "e" not in text
    assert float(text.replace(",", "")) == pytest.approx(value, rel=5e-3)
    assert len(text.replace(",", "").replace("-", "").replace(".", "").lstrip("0")) <= max(3, len(f"{abs(value):.0f}"))


def test_kinds_are_inferred_from_the_numbers():
    assert infer_kind(pd.Series([1.0, 2.0, 3.0])) == PERSONS
    assert infer_kind(pd.Series([150.5, -2000.25])) == PERSONS
    assert infer_kind(pd.Series([0.1, 0.55, np.nan])) == SHARE
    assert infer_kind(pd.Series([0.1, 2.5])) == RATE
    assert infer_kind(pd.Series(["none", "2025-09"])) == "text"


def test_a_wide_table_is_split_into_blocks_that_fit_and_keep_every_cell():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.uniform(1e5, 1e6, (6, 15)), columns=[f"a rather long column name {i}" for i in range(15)],
                         index=[f"row label {i}" for i in range(6)])
    text = render(frame)
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    for value in frame.to_numpy().ravel():
        assert f"{value:,.0f}" in text
    assert text.count("row label 0") > 1  # each block repeats the row labels


def test_long_texts_and_labels_are_shortened_to_fit():
    frame = pd.DataFrame({"source": ["x" * 300], "value": [1.0]}, index=["key " * 40])
    assert max(len(line) for line in render(frame).splitlines()) <= WIDTH


def _printed(*argv: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


def _assert_fits(text: str) -> None:
    wide = [line for line in text.splitlines() if len(line) > WIDTH]
    assert not wide, f"{len(wide)} lines wider than {WIDTH}: {wide[0]!r}"


@pytest.mark.parametrize("scenario", scenario_names())
def test_run_prints_within_100_columns_for_every_shipped_scenario(scenario, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = _printed("run", "--scenario", scenario, "--months", "6", "--out", "out")
    _assert_fits(text)
    assert "," in text.split("recruits: volunteer")[1].splitlines()[0]  # thousands separators in the table


@pytest.mark.parametrize("argv", [
    ("compare", "--months", "6"),
    ("uncertainty", "--n", "16", "--months", "6"),
    ("sensitivity", "--method", "morris", "--n", "4", "--months", "6"),
    ("breakeven", "--lever", "volunteer.signups", "--months", "6"),
    ("params",),
    ("explain", "front"),
    ("scenario", "check", "params/scenarios/high_intensity.yaml"),
    ("discover", "--outcome", "front_below_start", "--n", "400", "--months", "12"),
], ids=lambda argv: argv[0] if argv[0] != "scenario" else "scenario-check")
def test_every_command_prints_within_100_columns(argv, tmp_path, monkeypatch):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    argv = tuple(str(root / a) if a.startswith("params/") else a for a in argv)
    if argv[0] == "discover":
        pytest.importorskip("ema_workbench")
    if argv[0] in ("compare", "uncertainty", "sensitivity", "discover"):
        argv = (*argv, "--out", "out")  # relative: a long temporary path is one word that cannot be wrapped
    monkeypatch.chdir(tmp_path)
    _assert_fits(_printed(*argv))


def test_the_backtest_table_fits_with_its_formats():
    from model.commands.backtest import format_table

    table = pd.DataFrame({"horizon": ["3", "6", "1-6"], "forecaster": ["model", "naive", "trailing_mean"],
                          "n": [12, 12, 72], "crps": [4123.4, 5234.9, 4800.1], "bias": [-1234.5, 200.0, 3.0],
                          "cover50": [0.5, 0.4166, np.nan], "cover90": [0.9166, 0.8, 1.0],
                          "crps_vs_naive": [0.79, np.nan, 0.92], "crps_vs_trailing_mean": [0.86, 1.09, np.nan],
                          "width50": [8000.0, 9000.0, 9500.0], "width90": [20000.0, 21000.0, 25000.0]}
                         ).set_index(["horizon", "forecaster"])
    text = format_table(table)
    _assert_fits(text)
    assert "4,123" in text and "0.42" in text and MISSING in text
