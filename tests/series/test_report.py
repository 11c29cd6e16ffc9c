"""The generated tables of docs/CASUALTIES.md: the functions behind them, and the document kept in step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from model.errors import InputError
from model.series import as_record, load_record
from model.series.backtest import COMBINED
from model.series.report import BEGIN, END, backtest_table, markdown, seasonality, write

from .synthetic import local_level_series

FIRST = "2001-06"  # the synthetic record's first forecast origin
DOC = Path(__file__).resolve().parents[2] / "docs" / "CASUALTIES.md"


@pytest.fixture(scope="module")
def record():
    series, _ = local_level_series(np.random.default_rng(6), 36, drift=0.02)  # 2000-01 to 2002-12
    return as_record(series, "synthetic")


def test_the_backtest_table_has_every_spec_and_horizon_and_the_scores(record):
    table = backtest_table(record, FIRST)
    assert list(table.columns) == ["n", "crps", "cover50", "cover90", "bias", "width50", "width90"]
    assert set(table.index.get_level_values("spec")) == {"ar1_trend", "ar1_seasonal", "local_level",
                                                        "local_level_drift", "damped_trend", "persistence",
                                                        "trailing_mean", "combined", "horizon_mix"}
    assert sorted(set(table.index.get_level_values("horizon"))) == list(range(1, 13))
    assert table[["cover50", "cover90"]].stack().between(0, 1).all() and (table["crps"] > 0).all()
    assert (table["cover50"] <= table["cover90"]).all() and (table["width50"] < table["width90"]).all()


def test_write_replaces_only_the_generated_section(record, tmp_path):
    path = tmp_path / "doc.md"
    path.write_text(f"# Title\n\nmethod\n\n{BEGIN}\nold table\n{END}\n\nafter\n", encoding="utf-8")
    write(path, record, FIRST)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nmethod\n\n" + BEGIN) and text.endswith(END + "\n\nafter\n")
    assert "old table" not in text and "| combined |" in text and "`synthetic`" in text
    assert text == (write(path, record, FIRST) and path.read_text(encoding="utf-8"))  # a second run changes nothing


def test_a_document_without_its_markers_is_refused(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text(f"{END}\n{BEGIN}\n", encoding="utf-8")
    with pytest.raises(InputError):
        write(path)
    with pytest.raises(InputError):
        write(tmp_path / "missing.md")


def test_seasonality_needs_both_the_criterion_and_the_out_of_sample_score(record):
    table = backtest_table(record, FIRST)
    frame, supported = seasonality(record, table)
    assert list(frame["spec"]) == ["ar1_trend", "ar1_seasonal"]
    worse = table.copy()
    worse.loc["ar1_seasonal", "crps"] = (table.loc["ar1_trend", "crps"] * 2).to_numpy()
    assert seasonality(record, worse)[1] is False


def test_the_document_is_regenerated_from_the_record_and_the_combination_follows_its_verdict():
    """docs/CASUALTIES.md holds what `python -m model.series.report` writes, and the combination includes the
    seasonal specification exactly when the record supports it."""
    record = load_record()
    text = DOC.read_text(encoding="utf-8")
    generated = text.split(BEGIN)[1].split(END)[0].strip()
    assert generated == markdown(record), "regenerate with: python -m model.series.report"
    assert seasonality(record, backtest_table(record))[1] == ("ar1_seasonal" in COMBINED)
