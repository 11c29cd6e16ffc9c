"""Observed series load with their sources, and their quotes are verbatim."""

import re

import numpy as np
import pandas as pd

from model.observed import load_observed

from .conftest import PARAMS


def test_observed_series_load_with_provenance():
    series = load_observed()
    assert {"uk_mod_monthly_casualties", "ugs_cumulative_losses", "named_dead_floor", "force_in_ukraine"} <= set(series)
    monthly = series["uk_mod_monthly_casualties"].data.value
    assert monthly.index[0] == pd.Timestamp("2022-03-01") and monthly.index[-1] == pd.Timestamp("2024-12-01")
    assert monthly.loc["2024-11-01"] == 45690
    assert series["ugs_cumulative_losses"].meta.party_claim
    assert not series["named_dead_floor"].meta.party_claim
    assert np.all(np.diff(series["named_dead_floor"].data.value.values) > 0)


def test_observed_quotes_are_verbatim():
    text = " ".join(re.sub(r"\s+", " ", p.read_text(encoding="utf-8")) for p in (PARAMS / "sources").iterdir())
    for name, s in load_observed().items():
        assert re.sub(r"\s+", " ", s.meta.quote) in text, name
