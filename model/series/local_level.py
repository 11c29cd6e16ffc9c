"""Local level in logs (a random walk, with or without drift, seen through noise): the second casualty process.

With ``y_t`` the log count in month ``t``,

    y_t = mu_t + eps_t,              eps_t ~ N(0, sigma_noise^2)   (the month's own noise)
    mu_t = mu_{t-1} + delta + eta_t,  eta_t ~ N(0, sigma_level^2)  (lasting shifts of the level)

the level ``mu`` wanders; nothing pulls it back to a trend; ``delta`` (1/month) is a drift, 0 in the
specification without one. Differencing gives ``dy_t = delta + eta_t + eps_t - eps_{t-1}``, whose covariance
is ``sigma_noise^2 V_q`` with ``V_q = q I + tridiag(-1, 2, -1)`` and ``q = sigma_level^2 / sigma_noise^2``:
given ``q`` the model is a linear regression with known correlation, so with the reference prior (flat on
``delta``, ``1/sigma_noise^2``) the posterior of ``(delta, sigma_noise)`` is normal-inverse-gamma, and
``q`` has an exact marginal posterior on a grid (uniform prior on ``log q`` over :data:`Q_GRID`). The
level at the data's end is then drawn from the Kalman filter given each draw. Everything is exact up to
the grid; nothing iterates to convergence.

The same machinery carries the persistence forecaster (no noise, no drift, one draw): see
:mod:`model.series.naive`.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cho_solve_banded, cholesky_banded
from scipy.special import logsumexp

from .base import Derived, Fit, counts
from .record import Record

#: The grid of signal-to-noise ratios ``q = sigma_level^2 / sigma_noise^2`` (uniform prior on ``log q``):
#: from a level that hardly moves (1e-3) to one that carries nearly all the variance (1e3).
Q_GRID = np.geomspace(1e-3, 1e3, 121)


def _profile(dy: np.ndarray, drift: bool) -> dict[str, np.ndarray]:
    """For each ``q`` of the grid: the log marginal likelihood (up to a constant), the GLS drift and its
    precision per unit noise variance, the residual sum of squares and the concentrated log-likelihood."""
    m, k = len(dy), int(drift)
    design = np.ones((m, k))
    out = {name: np.empty(len(Q_GRID)) for name in ("log_post", "delta", "precision", "ssr", "loglik")}
    for i, q in enumerate(Q_GRID):
        bands = np.zeros((2, m))
        bands[0], bands[1, :-1] = q + 2, -1
        root = cholesky_banded(bands, lower=True)
        solved = cho_solve_banded((root, True), np.column_stack([design, dy]))
        logdet = 2 * np.log(root[0]).sum()
        precision = float(design[:, 0] @ solved[:, 0]) if k else 1.0
        delta = float(design[:, 0] @ solved[:, k]) / precision if k else 0.0
        ssr = float(dy @ solved[:, k]) - delta ** 2 * precision * k
        out["log_post"][i] = -0.5 * logdet - 0.5 * k * np.log(precision) - 0.5 * (m - k) * np.log(ssr)
        out["loglik"][i] = -0.5 * m * (np.log(2 * np.pi * ssr / m) + 1) - 0.5 * logdet
        out["delta"][i], out["precision"][i], out["ssr"][i] = delta, precision, ssr
    return out


def fit(record: Record, drift: bool, n_draws: int, rng: np.random.Generator) -> Fit:
    """Posterior draws of ``(level at the end, drift, sigma_level, sigma_noise)`` given ``record``."""
    y = record.logs
    dy = np.diff(y)
    m, k = len(dy), int(drift)
    grid = _profile(dy, drift)
    weights = np.exp(grid["log_post"] - logsumexp(grid["log_post"]))
    pick = rng.choice(len(Q_GRID), size=n_draws, p=weights)
    noise_var = grid["ssr"][pick] / rng.chisquare(m - k, n_draws)
    delta = grid["delta"][pick] + np.sqrt(noise_var / grid["precision"][pick]) * rng.standard_normal(n_draws) * k
    level_var = Q_GRID[pick] * noise_var
    mean, var = np.full(n_draws, y[0]), noise_var.copy()  # the level after the first month, from a flat prior
    for value in y[1:]:
        mean, var = mean + delta, var + level_var
        gain = var / (var + noise_var)
        mean, var = mean + gain * (value - mean), var * (1 - gain)
    draws = {"level": mean + np.sqrt(var) * rng.standard_normal(n_draws), "drift": delta,
             "sigma_level": np.sqrt(level_var), "sigma_noise": np.sqrt(noise_var)}
    best = int(np.argmax(grid["loglik"]))
    bic = -2 * grid["loglik"][best] + (k + 2) * np.log(m)
    return Fit("local_level_drift" if drift else "local_level", "local_level", record.name, record.months[0],
               record.end, float(y[-1]), draws,
               "Bayesian local-level model of the log count" + (" with drift" if drift else "")
               + ": normal-inverse-gamma posterior given the signal-to-noise ratio, exact on a grid of "
               "that ratio, level at the end from the Kalman filter", float(bic))


def log_paths(fit: Fit, draws: dict[str, np.ndarray], steps: int, normals: np.ndarray) -> np.ndarray:
    """Log counts of the ``steps`` months after ``fit.end``, one path per row of ``draws`` and ``normals``."""
    moves = draws["drift"][:, None] + draws["sigma_level"][:, None] * normals[:, :, 0]
    level = draws["level"][:, None] + np.cumsum(moves, axis=1)
    return level + draws["sigma_noise"][:, None] * normals[:, :, 1]


def describe(fit: Fit) -> list[Derived]:
    """The level at the data's end, the drift (if any), the sizes of the level's shifts and of the noise."""
    draws = fit.draws
    out = [Derived("level", "person / month", counts(draws["level"]),
                   "the level at the data's end, without that month's noise (casualties per month)")]
    if fit.spec == "local_level_drift":
        out.append(Derived("trend", "1 / month", draws["drift"], "drift of the level (log per month)"))
    return out + [
        Derived("level_shock_sd", "1", draws["sigma_level"], "standard deviation of the level's monthly shift (log)"),
        Derived("noise_sd", "1", draws["sigma_noise"], "standard deviation of a month's own noise (log)"),
    ]
