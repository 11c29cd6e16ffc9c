"""Bad input to the casualty process raises InputError(where, key, expected), naming what is wrong."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.errors import InputError
from model.series import as_record, draw_paths, fit, load_record, mixture
from model.series.backtest import backtest, origins
from model.series.record import MIN_MONTHS

from .synthetic import local_level_series


@pytest.fixture(scope="module")
def series() -> pd.Series:
    return local_level_series(np.random.default_rng(0), 30)[0]


def test_the_record_is_read_from_the_observed_folder():
    record = load_record()
    assert len(record.months) >= MIN_MONTHS and (record.values > 0).all()
    assert (np.diff(record.months.asi8) == 1).all()


def test_an_index_of_texts_or_dates_is_months(series):
    texts = pd.Series(series.to_numpy(), index=[str(m) for m in series.index])
    dates = pd.Series(series.to_numpy()[::-1], index=series.index.to_timestamp()[::-1])  # unsorted too
    assert as_record(texts).months.equals(series.index)
    assert np.array_equal(as_record(dates).values, series.to_numpy())


@pytest.mark.parametrize(("change", "key", "words"), [
    (lambda s: s.drop(s.index[10]), "2000-11", "gap"),
    (lambda s: s.where(s.index != s.index[5], 0.0), "2000-06", "> 0"),
    (lambda s: s.where(s.index != s.index[7], -3.0), "2000-08", "> 0"),
    (lambda s: s.where(s.index != s.index[3], np.nan), "2000-04", "> 0"),
    (lambda s: s.where(s.index != s.index[3], np.inf), "2000-04", "> 0"),
    (lambda s: s.iloc[:MIN_MONTHS - 1], "(length)", f"at least {MIN_MONTHS}"),
    (lambda s: pd.concat([s, s.iloc[[4]]]), "2000-05", "once"),
    (lambda s: pd.Series(s.to_numpy(), index=["x"] * len(s)), "(index)", "months"),
    (lambda s: s.to_numpy(), "(series)", "pandas Series"),
])
def test_a_malformed_series_is_refused(series, change, key, words):
    with pytest.raises(InputError) as caught:
        fit(change(series), "ar1_trend")
    assert caught.value.key == key and words in caught.value.expected


@pytest.mark.parametrize(("call", "key"), [
    (lambda s: fit(s, "arima"), "spec"),
    (lambda s: fit(s, "ar1_trend", n_draws=0), "n_draws"),
    (lambda s: fit(s, "ar1_trend", seed=-1), "seed"),
    (lambda s: draw_paths(fit(s), "2002-06", 12, 10), "start"),  # the data end in 2002-06
    (lambda s: draw_paths(fit(s), "2002-13", 12, 10), "start"),
    (lambda s: draw_paths(fit(s), "2003-01", 0, 10), "months"),
    (lambda s: draw_paths(fit(s), "2003-01", 12, 0), "n"),
    (lambda s: draw_paths(fit(s), "2003-01", 12, 10**13), "n"),  # more memory than any machine has
    (lambda s: mixture((fit(s), fit(s, "ar1_trend")), [1.0, -1.0]), "weights"),
    (lambda s: mixture((fit(s), fit(s, "ar1_trend")), [1.0]), "weights"),
    (lambda s: mixture((fit(s), fit(s.iloc[:-1])), [1.0, 1.0]), "fits"),
    (lambda s: as_record(s).through("2000-06"), "(length)"),
    (lambda s: origins(as_record(s), "2002-06"), "first_origin"),
    (lambda s: backtest(as_record(s), first_origin="2001-06", window=MIN_MONTHS - 1), "window"),
])
def test_bad_arguments_are_refused(series, call, key):
    with pytest.raises(InputError) as caught:
        call(series)
    assert caught.value.key == key


def test_a_record_without_stationary_deviations_is_refused_by_the_trend_model():
    """Deviations that grow by 10% a month are no AR(1) around a trend: the fit says so instead of exploding."""
    u = 0.1 * 1.1 ** np.arange(40) + np.random.default_rng(0).normal(0, 1e-3, 40)
    logs = 8 + u
    with pytest.raises(InputError) as caught:
        fit(pd.Series(np.exp(logs), index=pd.period_range("2000-01", periods=40, freq="M")), "ar1_trend")
    assert caught.value.key == "ar1"

