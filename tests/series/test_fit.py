"""The fits recover the parameters of long synthetic series the processes generated, within their own stated
uncertainty: over repeated datasets the 90% posterior interval of each parameter covers the truth about
90% of the time (simulation-based calibration in miniature), and the posterior medians centre on it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from model.series import fit
from model.series.paths import PROCESSES

from .synthetic import ar1_series, damped_series, local_level_series

DATASETS, MONTHS = 50, 240
#: Fewest of DATASETS 90% intervals that may cover the truth: below it, a chance of 1 in 1,000 if the
#: intervals are calibrated.
FEWEST = int(stats.binom.ppf(0.001, DATASETS, 0.9))

CASES = {
    "ar1_trend": (ar1_series, {"a": 9.0, "b": 0.01, "phi": 0.6, "sigma": 0.15}),
    "local_level_drift": (local_level_series, {"level": 9.0, "drift": 0.01, "sigma_level": 0.08,
                                               "sigma_noise": 0.12}),
    "local_level": (local_level_series, {"level": 9.0, "drift": 0.0, "sigma_level": 0.1, "sigma_noise": 0.05}),
    "damped_trend": (damped_series, {"level": 9.0, "slope": 0.05, "phi": 0.8, "sigma_level": 0.02,
                                     "sigma_slope": 0.03, "sigma_noise": 0.05}),
}


def intervals(spec: str) -> dict[str, np.ndarray]:
    """For each parameter the fit describes: (truth, 5%, 50%, 95%) over the datasets, shape (DATASETS, 4)."""
    make, truth_args = CASES[spec]
    rng = np.random.default_rng(12)
    out: dict[str, list] = {}
    for i in range(DATASETS):
        series, truth = make(rng, MONTHS, **truth_args)
        fitted = fit(series, spec, n_draws=1000, seed=i)
        for derived in PROCESSES[fitted.process].describe(fitted):
            out.setdefault(derived.name, []).append([truth[derived.name],
                                                     *np.quantile(derived.draws, [0.05, 0.5, 0.95])])
    return {name: np.array(rows) for name, rows in out.items()}


@pytest.mark.parametrize("spec", CASES)
def test_90_percent_intervals_cover_the_truth_at_their_rate(spec):
    found = intervals(spec)
    assert set(found) >= ({"level", "trend", "ar_coefficient", "shock_sd"} if spec == "ar1_trend"
                          else {"level", "level_shock_sd", "noise_sd"})
    if spec == "damped_trend":
        assert set(found) >= {"trend", "damping", "slope_shock_sd", "remaining_growth"}
    for name, rows in found.items():
        truth, low, median, high = rows.T
        covered = int(np.sum((low <= truth) & (truth <= high)))
        assert FEWEST <= covered <= DATASETS, f"{spec}.{name}: 90% intervals covered {covered} of {DATASETS}"
        # the medians centre on the truth: their mean error is within 3 standard errors plus a tenth of
        # the typical interval (the small-sample bias of an AR coefficient is of that order)
        error = median - truth
        allowance = 3 * error.std(ddof=1) / np.sqrt(DATASETS) + 0.1 * np.mean(high - low)
        assert abs(error.mean()) <= allowance, f"{spec}.{name}: mean error {error.mean():.4g} > {allowance:.4g}"


def test_intervals_narrow_as_the_record_lengthens():
    """Estimation uncertainty is the data's: four times the months, about half the interval of the trend."""
    rng = np.random.default_rng(3)
    widths = []
    for months in (60, 240):
        series, _ = ar1_series(rng, months)
        draws = fit(series, "ar1_trend", n_draws=4000).draws["d"] / (1 - fit(series, "ar1_trend").draws["phi"])
        widths.append(np.subtract(*np.quantile(draws, [0.95, 0.05])))
    assert widths[1] < 0.5 * widths[0]


def test_the_same_seed_gives_the_same_draws_and_another_seed_others():
    series, _ = local_level_series(np.random.default_rng(0), 48)
    one, same, other = (fit(series, "local_level_drift", seed=s) for s in (1, 1, 2))
    assert all(np.array_equal(one.draws[k], same.draws[k]) for k in one.draws)
    assert not np.array_equal(one.draws["level"], other.draws["level"])


def test_seasonality_is_found_where_there_is_some_and_not_where_there_is_none():
    """The seasonal specification's annual cycle is lower by BIC only when the data carry one."""
    rng = np.random.default_rng(5)
    flat, _ = ar1_series(rng, 120, sigma=0.1)
    cycle = np.exp(0.3 * np.cos(2 * np.pi * flat.index.month.to_numpy() / 12))
    seasonal = flat * cycle
    assert fit(seasonal, "ar1_seasonal").bic < fit(seasonal, "ar1_trend").bic - 10
    assert fit(flat, "ar1_seasonal").bic > fit(flat, "ar1_trend").bic


def test_the_damped_trend_tells_a_fading_slope_from_none_and_from_a_lasting_one():
    """Its damping's posterior sits low on a slope without memory (phi = 0: then a slope shock is one more
    level shock a month late, hard to tell apart, so the posterior stays wide and its median near 0.3),
    near 0.8 on a slope that halves in about 3 months, near 0.95 on one that persists."""
    rng = np.random.default_rng(8)
    medians = {}
    for phi in (0.0, 0.8, 0.95):
        found = [np.median(fit(damped_series(rng, 240, phi=phi, sigma_level=0.02, sigma_slope=0.03,
                                             sigma_noise=0.05)[0], "damped_trend", n_draws=1000, seed=i)
                           .draws["phi"]) for i in range(10)]
        medians[phi] = float(np.median(found))
    assert medians[0.0] < 0.5 < medians[0.8] < medians[0.95]
    assert medians[0.8] == pytest.approx(0.8, abs=0.1) and medians[0.95] == pytest.approx(0.95, abs=0.05)
