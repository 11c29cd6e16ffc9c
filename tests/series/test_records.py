"""Fitted parameters as registry-ready records: every field a registry entry needs, units pint parses,
ranges that hold the value, and the fit named as the source."""

from __future__ import annotations

import numpy as np
import pytest

from model.inputs.units import parse_unit
from model.series import fit, mixture, parameter_records
from model.series.fit import MODELS

from .synthetic import ar1_series

FIELDS = {"description", "value", "unit", "low", "high", "source", "date", "url", "method"}


@pytest.fixture(scope="module")
def fits():
    series, _ = ar1_series(np.random.default_rng(8), 60)  # 2000-01 to 2004-12
    return {spec: fit(series, spec, n_draws=800) for spec in MODELS}


@pytest.mark.parametrize("spec", MODELS)
def test_each_parameter_is_a_complete_record(fits, spec):
    records = parameter_records(fits[spec])
    expected = {"level", "shock_sd"} if spec.startswith("ar1") else {"level", "level_shock_sd", "noise_sd"}
    assert {key.rsplit(".", 1)[1] for key in records} >= expected
    for key, record in records.items():
        assert key.startswith(f"casualties.process.{spec}.") and set(record) == FIELDS
        assert record["low"] <= record["value"] <= record["high"] and np.isfinite(record["value"])
        parse_unit(record["unit"])
        assert record["source"] == "fit of series through 2004-12" and record["date"] == "2004-12"
        assert "5% and 95%" in record["method"]


def test_units_say_what_the_numbers_are(fits):
    records = parameter_records(fits["ar1_seasonal"])
    units = {key.rsplit(".", 1)[1]: r["unit"] for key, r in records.items()}
    assert units == {"level": "person / month", "trend": "1 / month", "ar_coefficient": "1", "shock_sd": "1",
                     "seasonal_amplitude": "1"}


def test_a_mixture_adds_its_weights(fits):
    process = mixture((fits["ar1_trend"], fits["local_level"]), [1.0, 3.0])
    records = parameter_records(process)
    weights = {key: r["value"] for key, r in records.items() if key.endswith(".weight")}
    assert weights == pytest.approx({"casualties.process.ar1_trend.weight": 0.25,
                                     "casualties.process.local_level.weight": 0.75})
    assert set(records) > set(parameter_records(fits["local_level"]))
