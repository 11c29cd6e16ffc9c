"""Damped trend in logs (a local level whose slope decays by ``phi`` a month): the third casualty process.

With ``y_t`` the log count in month ``t``,

    y_t = mu_t + eps_t,                     eps_t ~ N(0, sigma_noise^2)   (the month's own noise)
    mu_{t+1} = mu_t + b_t + eta_t,          eta_t ~ N(0, sigma_level^2)   (lasting shifts of the level)
    b_{t+1} = phi b_t + zeta_t,             zeta_t ~ N(0, sigma_slope^2)  (the slope, 1/month, decaying)

the level wanders and is pushed by a slope that forgets itself by a factor ``phi`` a month (``0 <= phi <=
0.98``): a surge in escalation carries on for a while, then fades, so that ``h`` months ahead the expected
log change is ``b (1 - phi^h) / (1 - phi)``, bounded, instead of ``b h`` as with a constant drift. It is the
state-space form of Gardner and McKenzie's damped trend (E. S. Gardner and E. McKenzie, "Forecasting trends
in time series", Management Science 31 (1985) 1237-1246, doi:10.1287/mnsc.31.10.1237), which nests the
local level (``phi = 0``: the slope is one more level shock) and, as ``phi`` nears 1 with small slope
shocks, the local level with a constant drift. The upper bound 0.98 is the usual one for damped trends
(Hyndman and Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., section 8.2): beyond it the
slope hardly decays within any horizon the model runs.

Estimation is Bayesian and exact up to a grid: given ``phi`` and the variance ratios ``q_level =
sigma_level^2 / sigma_noise^2`` and ``q_slope = sigma_slope^2 / sigma_noise^2``, the Kalman filter gives
the likelihood with ``sigma_noise^2`` integrated out analytically under the reference prior
``1/sigma_noise^2`` (the prediction errors scale with it), so the grid's posterior is exact; priors are
uniform on ``phi`` over :data:`PHI_GRID` and on ``log q`` over :data:`Q_LEVEL_GRID` and
:data:`Q_SLOPE_GRID`. The filter runs vectorized over the whole grid (about 14,000 points; milliseconds for
the record). The level after the first month starts from that month with the noise's variance (a flat
prior, as in :mod:`model.series.local_level`); the slope before the second month is diffuse, so the second
month is spent on it and does not count in the likelihood. Each draw picks a grid point by its posterior,
then ``sigma_noise^2`` from its inverse-chi-square, then the level and slope at the data's end from the
filter's normal given that draw.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from .base import Derived, Fit, counts
from .record import Record

#: Damping factors (per month), uniform prior: from no trend memory (0) to a slope that halves in 34 months.
PHI_GRID = np.round(np.arange(0.0, 0.981, 0.02), 2)
#: Level-shock and slope-shock variances relative to the noise's (uniform priors on their logs).
Q_LEVEL_GRID = np.geomspace(1e-3, 1e3, 25)
Q_SLOPE_GRID = np.geomspace(1e-5, 1.0, 11)
#: Prior variance of the first slope, relative to the noise's: large enough to be diffuse.
_DIFFUSE = 1e8


def _grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``phi``, ``q_level``, ``q_slope`` of every grid point (flat arrays of one length)."""
    phi, q_level, q_slope = np.meshgrid(PHI_GRID, Q_LEVEL_GRID, Q_SLOPE_GRID, indexing="ij")
    return phi.ravel(), q_level.ravel(), q_slope.ravel()


def _filter(y: np.ndarray) -> dict[str, np.ndarray]:
    """The Kalman filter of ``y`` at every grid point, per unit noise variance: the state at the end (mean
    ``level``, ``slope``; covariance ``p00``, ``p01``, ``p11``), the weighted sum of squared prediction errors
    ``ssr``, the sum of log prediction variances ``logdet``, and the months counted ``count``."""
    phi, q_level, q_slope = _grid()
    size = len(phi)
    level, slope = np.full(size, y[0]), np.zeros(size)
    p00, p01, p11 = np.ones(size), np.zeros(size), np.full(size, _DIFFUSE)
    ssr, logdet = np.zeros(size), np.zeros(size)
    for t, value in enumerate(y[1:], start=1):
        # predict: (mu, b) <- (mu + b, phi b), P <- T P T' + Q
        level, slope = level + slope, phi * slope
        p00, p01, p11 = p00 + 2 * p01 + p11 + q_level, phi * (p01 + p11), phi * phi * p11 + q_slope
        error, variance = value - level, p00 + 1.0
        if t > 1:  # the first step after the start is spent on the diffuse slope
            ssr += error * error / variance
            logdet += np.log(variance)
        gain0, gain1 = p00 / variance, p01 / variance
        level, slope = level + gain0 * error, slope + gain1 * error
        p00, p01, p11 = p00 - gain0 * p00, p01 - gain0 * p01, p11 - gain1 * p01
    return {"phi": phi, "q_level": q_level, "q_slope": q_slope, "level": level, "slope": slope, "p00": p00,
            "p01": p01, "p11": np.maximum(p11, 0.0), "ssr": ssr, "logdet": logdet, "count": len(y) - 2}


def fit(record: Record, n_draws: int, rng: np.random.Generator) -> Fit:
    """Posterior draws of ``(level, slope at the end, phi, sigma_level, sigma_slope, sigma_noise)``."""
    grid = _filter(record.logs)
    m = grid["count"]
    log_post = -0.5 * grid["logdet"] - 0.5 * m * np.log(grid["ssr"])
    pick = rng.choice(len(log_post), size=n_draws, p=np.exp(log_post - logsumexp(log_post)))
    noise_var = grid["ssr"][pick] / rng.chisquare(m, n_draws)
    # the state at the end given each draw: N(mean, noise_var P), by the 2 x 2 Cholesky factor of P
    p00, p01, p11 = (grid[key][pick] for key in ("p00", "p01", "p11"))
    root00 = np.sqrt(p00)
    root10 = p01 / root00
    root11 = np.sqrt(np.maximum(p11 - root10 ** 2, 0.0))
    z = rng.standard_normal((2, n_draws))
    scale = np.sqrt(noise_var)
    draws = {"level": grid["level"][pick] + scale * root00 * z[0],
             "slope": grid["slope"][pick] + scale * (root10 * z[0] + root11 * z[1]),
             "phi": grid["phi"][pick], "sigma_level": np.sqrt(grid["q_level"][pick] * noise_var),
             "sigma_slope": np.sqrt(grid["q_slope"][pick] * noise_var), "sigma_noise": scale}
    loglik = -0.5 * m * (np.log(2 * np.pi * grid["ssr"] / m) + 1) - 0.5 * grid["logdet"]
    bic = -2 * loglik.max() + 4 * np.log(m)
    return Fit("damped_trend", "damped", record.name, record.months[0], record.end, float(record.logs[-1]), draws,
               "Bayesian damped-trend model of the log count (local level with a slope decaying by phi a month): "
               "exact posterior on a grid of phi and the variance ratios, noise variance integrated out, state "
               "at the end from the Kalman filter", float(bic))


def log_paths(fit: Fit, draws: dict[str, np.ndarray], steps: int, normals: np.ndarray) -> np.ndarray:
    """Log counts of the ``steps`` months after ``fit.end``, one path per row of ``draws`` and ``normals``
    (shocks: 0 the level's, 1 the month's noise, 2 the slope's)."""
    level, slope, phi = draws["level"].copy(), draws["slope"].copy(), draws["phi"]
    out = np.empty((len(level), steps))
    for h in range(steps):
        level += slope + draws["sigma_level"] * normals[:, h, 0]
        slope = phi * slope + draws["sigma_slope"] * normals[:, h, 2]
        out[:, h] = level + draws["sigma_noise"] * normals[:, h, 1]
    return out


def describe(fit: Fit) -> list[Derived]:
    """The level and slope at the data's end, the damping, the growth still to come, the shock sizes."""
    draws = fit.draws
    return [
        Derived("level", "person / month", counts(draws["level"]),
                "the level at the data's end, without that month's noise (casualties per month)"),
        Derived("trend", "1 / month", draws["slope"], "slope of the level at the data's end (log per month)"),
        Derived("damping", "1", draws["phi"], "share of the slope left the next month (phi)"),
        Derived("remaining_growth", "1", draws["slope"] / (1 - draws["phi"]),
                "log change of the level the current slope still carries, summed over all months ahead"),
        Derived("level_shock_sd", "1", draws["sigma_level"], "standard deviation of the level's monthly shift (log)"),
        Derived("slope_shock_sd", "1 / month", draws["sigma_slope"],
                "standard deviation of the slope's monthly shift (log per month)"),
        Derived("noise_sd", "1", draws["sigma_noise"], "standard deviation of a month's own noise (log)"),
    ]
