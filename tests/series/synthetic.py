"""Synthetic monthly series from the two processes, written plainly (not with the code under test).

Each returns the series (persons per month, indexed by month from 2000-01) and the truth, including the
latent state at the series' end, so that fits can be held to what generated the data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FIRST = "2000-01"


def _series(logs: np.ndarray) -> pd.Series:
    return pd.Series(np.exp(logs), index=pd.period_range(FIRST, periods=len(logs), freq="M"))


def ar1_series(rng: np.random.Generator, n: int, a: float = 9.0, b: float = 0.01, phi: float = 0.6,
               sigma: float = 0.15) -> tuple[pd.Series, dict[str, float]]:
    """``log y_t = a + b t + u_t``, ``u_t = phi u_{t-1} + e_t``, started from the stationary distribution."""
    u = np.empty(n)
    u[0] = rng.normal(0, sigma / np.sqrt(1 - phi ** 2))
    for t in range(1, n):
        u[t] = phi * u[t - 1] + rng.normal(0, sigma)
    t = np.arange(n)
    truth = {"level": float(np.exp(a + b * (n - 1))), "trend": b, "ar_coefficient": phi, "shock_sd": sigma}
    return _series(a + b * t + u), truth


def local_level_series(rng: np.random.Generator, n: int, level: float = 9.0, drift: float = 0.01,
                       sigma_level: float = 0.1, sigma_noise: float = 0.1) -> tuple[pd.Series, dict[str, float]]:
    """``log y_t = mu_t + eps_t``, ``mu_t = mu_{t-1} + drift + eta_t``, ``mu_0 = level``."""
    mu = level + np.concatenate([[0.0], np.cumsum(drift + rng.normal(0, sigma_level, n - 1))])
    truth = {"level": float(np.exp(mu[-1])), "trend": drift, "level_shock_sd": sigma_level,
             "noise_sd": sigma_noise}
    return _series(mu + rng.normal(0, sigma_noise, n)), truth


def damped_series(rng: np.random.Generator, n: int, level: float = 9.0, slope: float = 0.05, phi: float = 0.8,
                  sigma_level: float = 0.05, sigma_slope: float = 0.02,
                  sigma_noise: float = 0.1) -> tuple[pd.Series, dict[str, float]]:
    """``log y_t = mu_t + eps_t``, ``mu_{t+1} = mu_t + b_t + eta_t``, ``b_{t+1} = phi b_t + zeta_t``,
    ``mu_0 = level``, ``b_0 = slope``."""
    mu, b = np.empty(n), np.empty(n)
    mu[0], b[0] = level, slope
    for t in range(1, n):
        mu[t] = mu[t - 1] + b[t - 1] + rng.normal(0, sigma_level)
        b[t] = phi * b[t - 1] + rng.normal(0, sigma_slope)
    truth = {"level": float(np.exp(mu[-1])), "trend": float(b[-1]), "damping": phi,
             "remaining_growth": float(b[-1] / (1 - phi)), "level_shock_sd": sigma_level,
             "slope_shock_sd": sigma_slope, "noise_sd": sigma_noise}
    return _series(mu + rng.normal(0, sigma_noise, n)), truth
