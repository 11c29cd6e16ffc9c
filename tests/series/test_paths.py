"""Monte Carlo paths: the shape and unit asked for, reproducible from the seed, chunk-invariant, finite and
positive, each path with its own parameters, and stepping from the data's end to a later start."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.errors import InputError
from model.series import draw_paths, fit, mixture
from model.series.base import Fit

from .synthetic import ar1_series, local_level_series

SPECS = ("ar1_trend", "ar1_seasonal", "local_level", "local_level_drift", "damped_trend", "persistence",
         "trailing_mean")


@pytest.fixture(scope="module")
def fits() -> dict:
    series, _ = local_level_series(np.random.default_rng(1), 48)  # 2000-01 to 2003-12
    trend, _ = ar1_series(np.random.default_rng(2), 48)
    out = {spec: fit(series, spec, n_draws=500) for spec in SPECS if not spec.startswith("ar1")}
    out |= {spec: fit(trend, spec, n_draws=500) for spec in SPECS if spec.startswith("ar1")}
    out["combined"] = mixture((out["local_level"], out["local_level_drift"], out["persistence"]), [0.5, 0.3, 0.2])
    return out


@pytest.mark.parametrize("name", [*SPECS, "combined"])
def test_paths_are_reproducible_chunk_invariant_finite_and_positive(fits, name):
    fitted = fits[name]
    paths = draw_paths(fitted, "2004-01", 36, 400, seed=7)
    assert paths.shape == (400, 36) and paths.dtype == np.float64
    assert np.isfinite(paths).all() and (paths >= 1).all()
    assert np.array_equal(paths, draw_paths(fitted, "2004-01", 36, 400, seed=7))
    assert np.array_equal(paths[:57], draw_paths(fitted, "2004-01", 36, 57, seed=7))
    assert not np.array_equal(paths, draw_paths(fitted, "2004-01", 36, 400, seed=8))


def test_paths_stay_finite_and_positive_where_the_process_would_leave_the_floats():
    """A level of 1e-3 persons and shocks of 30 log units: paths are held within [1, MAX_MAGNITUDE]."""
    wild = Fit("local_level", "local_level", "wild", pd.Period("2000-01", "M"), pd.Period("2000-02", "M"),
               np.log(1e-3), {"level": np.array([np.log(1e-3)]), "drift": np.array([0.0]),
                              "sigma_level": np.array([30.0]), "sigma_noise": np.array([0.0])}, "test")
    paths = draw_paths(wild, "2000-03", 120, 1000, seed=0)
    assert np.isfinite(paths).all() and (paths >= 1).all() and paths.max() > 1e12


def test_a_later_start_steps_through_the_months_between(fits):
    """Starting a year after the data's end is the second year of paths started right after it, in law:
    the same quantiles up to Monte Carlo error (the shocks differ, the process does not)."""
    fitted = fits["local_level_drift"]
    early = draw_paths(fitted, "2004-01", 24, 20_000, seed=1)[:, 12:]
    late = draw_paths(fitted, "2005-01", 12, 20_000, seed=2)
    for q in (0.1, 0.5, 0.9):
        assert np.quantile(late, q, axis=0) == pytest.approx(np.quantile(early, q, axis=0), rel=0.06)
    assert np.median(late[:, -1]) > np.median(early[:, 0])  # the drift carries on


def test_each_path_draws_its_own_parameters(fits):
    """With two posterior draws that differ by a factor of 100 in level and no shocks, the paths split in two."""
    base = fits["persistence"]
    two = Fit(base.spec, base.process, base.series, base.first, base.end, base.last_log,
              {"level": np.log([1e3, 1e5]), "drift": np.zeros(2), "sigma_level": np.zeros(2),
               "sigma_noise": np.zeros(2)}, "test")
    paths = draw_paths(two, "2004-01", 3, 2000, seed=0)
    assert set(np.unique(paths.round(6))) == {1e3, 1e5}
    assert 0.45 < np.mean(np.isclose(paths[:, 0], 1e3)) < 0.55
    assert (paths == paths[:, :1]).all()  # each path holds its own level


def test_a_mixture_follows_its_components_in_proportion_to_the_weights(fits):
    flat = fits["persistence"]
    low = Fit(flat.spec, flat.process, flat.series, flat.first, flat.end, flat.last_log,
              {"level": np.array([np.log(10.0)]), "drift": np.zeros(1), "sigma_level": np.zeros(1),
               "sigma_noise": np.zeros(1)}, "test")
    high = Fit(low.spec, low.process, low.series, low.first, low.end, low.last_log, low.draws | {
        "level": np.array([np.log(1000.0)])}, "test")
    paths = draw_paths(mixture((low, high), [3.0, 1.0]), "2004-01", 2, 8000, seed=0)
    assert np.mean(np.isclose(paths[:, 0], 10.0)) == pytest.approx(0.75, abs=0.02)


def test_the_ar1_paths_follow_the_fitted_recursion(fits):
    """One draw without shocks: the path is the deterministic recursion from the last month of data."""
    fitted = fits["ar1_trend"]
    draws = {k: v[:1] for k, v in fitted.draws.items()} | {"sigma": np.zeros(1)}
    one = Fit(fitted.spec, fitted.process, fitted.series, fitted.first, fitted.end, fitted.last_log, draws, "test")
    path = np.log(draw_paths(one, "2004-01", 3, 1, seed=0)[0])
    y, expected = fitted.last_log, []
    for h in range(1, 4):
        y = draws["c"][0] + draws["d"][0] * (fitted.t_end + h) + draws["phi"][0] * y
        expected.append(y)
    assert path == pytest.approx(expected)


def test_a_scenario_shifts_the_paths_explicitly(fits):
    """A higher level multiplies every path; a trend adds to its log in proportion to the months since the
    data's end; the shocks stay those of the same seed."""
    fitted = fits["combined"]
    plain = draw_paths(fitted, "2004-03", 12, 300, seed=3)  # the data end in 2003-12: months 3 to 14 after
    shifted = draw_paths(fitted, "2004-03", 12, 300, seed=3, level=1.5, trend=0.01)
    assert shifted == pytest.approx(plain * 1.5 * np.exp(0.01 * np.arange(3, 15)), rel=1e-12)
    for bad in ({"level": 0.0}, {"level": -1.0}, {"trend": np.nan}, {"level": True}):
        with pytest.raises(InputError):
            draw_paths(fitted, "2004-03", 12, 10, **bad)


def test_a_fit_and_a_mixture_say_what_they_are(fits):
    assert repr(fits["ar1_trend"]) == "Fit('ar1_trend' of 'series' 2000-01 to 2003-12, 500 draws)"
    assert repr(fits["combined"]).startswith("Mixture(local_level 0.500, local_level_drift 0.300, persistence")


@pytest.mark.parametrize("name", [*SPECS, "combined"])
def test_a_chunk_of_paths_and_a_shorter_horizon_are_the_same_paths(fits, name):
    """Paths 100..160 drawn alone are rows 100..160 of a draw of 400; a 12-month draw is the start of a
    36-month one (each path's numbers sit at its own counter for each month)."""
    fitted = fits[name]
    whole = draw_paths(fitted, "2004-01", 36, 400, seed=7)
    np.testing.assert_array_equal(draw_paths(fitted, "2004-01", 36, 60, seed=7, first=100), whole[100:160])
    np.testing.assert_array_equal(draw_paths(fitted, "2004-01", 12, 400, seed=7), whole[:, :12])


def test_the_damped_trend_paths_add_a_slope_that_fades(fits):
    """One draw without shocks: the log path is the level plus the slope summed with weights phi^k, so the
    growth still to come is bounded by slope / (1 - phi), unlike a constant drift."""
    fitted = fits["damped_trend"]
    draws = {"level": np.array([9.0]), "slope": np.array([0.05]), "phi": np.array([0.8]),
             "sigma_level": np.zeros(1), "sigma_slope": np.zeros(1), "sigma_noise": np.zeros(1)}
    one = Fit(fitted.spec, fitted.process, fitted.series, fitted.first, fitted.end, fitted.last_log, draws, "test")
    path = np.log(draw_paths(one, "2004-01", 120, 1, seed=0)[0])
    h = np.arange(1, 121)
    assert path == pytest.approx(9.0 + 0.05 * (1 - 0.8 ** h) / (1 - 0.8), rel=1e-12)
    assert path[-1] < 9.0 + 0.05 / (1 - 0.8)
