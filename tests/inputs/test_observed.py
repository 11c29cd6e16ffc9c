"""Observed series load with their sources, and their quotes are verbatim."""

import re

import numpy as np
import pandas as pd
import pytest
import yaml

from model.errors import InputError
from model.inputs.observed import OBSERVED_FOLDER, SERIES_FILE, load_observed

from ..conftest import PARAMS

CALIBRATION_TARGETS = {"uk_mod_monthly_casualties", "ugs_cumulative_losses", "named_dead_floor", "force_in_smo_zone",
                       "force_in_ukraine_ua", "mobilized_in_zone", "authorized_strength"}


def _entry(**fields) -> dict:
    return {"description": "synthetic", "quantity": "casualties", "unit": "person", "source": "test", "url": None,
            "party_claim": False, "uncertainty": 0.1, "uncertainty_basis": "test", "quote": "q", **fields}


def test_a_series_loads_from_its_file_or_its_points_by_date(tmp_path):
    folder = tmp_path / OBSERVED_FOLDER
    folder.mkdir()
    pd.DataFrame({"month": ["2023-01", "2023-02"], "casualties_in_month": [100, 200]}).to_csv(
        folder / "monthly.csv", index=False)
    points = [{"date": "2023-03-31", "value": 3.0}, {"date": "2023-06-30", "value": 7.0, "low": 5.0, "high": 9.0}]
    (folder / SERIES_FILE).write_text(yaml.safe_dump({"series": {
        "monthly": _entry(kind="monthly", unit="person / month", file="monthly.csv"),
        "stock": _entry(kind="stock", points=points, party_claim=True)}}))
    series = load_observed(tmp_path)
    monthly = series["monthly"].data.value
    assert list(monthly.index) == [pd.Timestamp("2023-01-01"), pd.Timestamp("2023-02-01")]
    assert list(monthly.values) == [100.0, 200.0]
    stock = series["stock"].data
    assert list(stock.index) == [pd.Timestamp("2023-03-31"), pd.Timestamp("2023-06-30")]
    assert stock.loc["2023-06-30", "low"] == 5.0 and np.isnan(stock.loc["2023-03-31", "high"])
    assert series["stock"].meta.party_claim and not series["monthly"].meta.party_claim


def test_the_calibration_targets_are_observed_with_provenance():
    series = load_observed()
    assert CALIBRATION_TARGETS <= set(series)
    for name in CALIBRATION_TARGETS:
        assert series[name].meta.source and len(series[name].data) > 0, name
    assert series["ugs_cumulative_losses"].meta.party_claim  # the Ukrainian General Staff is a party to the war
    assert np.all(np.diff(series["named_dead_floor"].data.value.values) > 0)  # a running count only grows


def test_observed_quotes_are_verbatim():
    text = " ".join(re.sub(r"\s+", " ", p.read_text(encoding="utf-8")) for p in (PARAMS / "sources").iterdir())
    for name, s in load_observed().items():
        assert re.sub(r"\s+", " ", s.meta.quote) in text, name


def _points_folder(tmp_path, points: list[dict]):
    folder = tmp_path / OBSERVED_FOLDER
    folder.mkdir()
    (folder / SERIES_FILE).write_text(yaml.safe_dump({"series": {"stock": _entry(kind="stock", points=points)}}))
    return tmp_path


@pytest.mark.parametrize(("points", "key", "words"), [
    ([{"date": "2023-03-31", "value": 3.0}, {"date": "2023-03-31", "value": 4.0}], "points[1].date", "duplicate"),
    ([{"date": "2023-06-30", "value": 3.0}, {"date": "2023-03-31", "value": 4.0}], "points[1].date", "oldest first"),
    ([{"date": "2023-03-31", "value": 3.0, "low": 6.0, "high": 4.0}], "points[0].low", "low <= high"),
    ([{"date": "2023-03-31", "value": 3.0, "low": 4.0}], "points[0].value", "low <= value"),
    ([{"date": "2023-03-31", "value": 5.0, "high": 4.0}], "points[0].value", "value <= high"),
    ([{"date": "2023-03-31", "value": -5.0}], "points[0].value", "> 0"),
    ([{"date": "2023-03-31", "value": 0.0}], "points[0].value", "> 0"),
    ([{"date": "2023-03-31", "value": 3.0, "low": -1.0}], "points[0].low", ">= 0"),
])
def test_points_out_of_order_or_outside_their_range_are_refused_naming_the_point(tmp_path, points, key, words):
    with pytest.raises(InputError, match=words) as caught:
        load_observed(_points_folder(tmp_path, points))
    assert caught.value.key == f"series.stock.{key}" and SERIES_FILE in caught.value.where
