"""Log-AR(1) around a linear trend, with or without an annual cycle: the first casualty process.

With ``y_t`` the log count in month ``t`` (months since the record's first),

    y_t - a - b t - s(t) = phi (y_{t-1} - a - b (t-1) - s(t-1)) + e_t,    e_t ~ N(0, sigma^2),

a trend ``a + b t`` (``b`` in 1/month), deviations from it that decay by ``phi`` a month (``|phi| < 1``),
and, in the seasonal specification, an annual cycle. It is estimated in its regression form,

    y_t = c + d t + phi y_{t-1} + g_1 sin(2 pi m_t / 12) + g_2 cos(2 pi m_t / 12) + e_t,

(``m_t`` the month of the year; ``d = b (1 - phi)``, ``c = a (1 - phi) + b phi``; the cycle is kept in
this form, one harmonic, two parameters rather than eleven month effects, which 34 months cannot carry),
conditional on the first month. With the reference prior (flat on the coefficients, ``1/sigma^2`` on the
variance) the posterior is normal-inverse-gamma and is drawn exactly; the stationarity constraint
``|phi| < 1`` truncates it (draws outside are rejected), so that deviations from the trend die out.

The same machinery carries the trailing-mean forecaster (``phi = d = 0``, one draw): see
:mod:`model.series.naive`.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .base import Derived, Fit, counts
from .record import Record

#: Draw in batches of this many times the draws wanted, at most this many batches, before declaring the
#: record non-stationary around its trend.
_BATCH, _MAX_BATCHES = 2, 50
_PERIOD = 12


def _cycle(months_of_year: np.ndarray) -> np.ndarray:
    """The annual harmonic of months of the year 1..12, shape ``(len, 2)``: sine and cosine."""
    angle = 2 * np.pi * months_of_year / _PERIOD
    return np.column_stack([np.sin(angle), np.cos(angle)])


def _design(record: Record, seasonal: bool) -> tuple[np.ndarray, np.ndarray]:
    """The regression's design (constant, t, y_{t-1}[, sin, cos]) and response, months 1..n-1."""
    y = record.logs
    t = np.arange(1, len(y), dtype=float)
    columns = [np.ones_like(t), t, y[:-1]]
    if seasonal:
        columns += list(_cycle(record.months.month.to_numpy()[1:]).T)
    return np.column_stack(columns), y[1:]


def fit(record: Record, seasonal: bool, n_draws: int, rng: np.random.Generator) -> Fit:
    """Posterior draws of ``(c, d, phi, sigma, g_sin, g_cos)`` given ``record`` (see the module docstring)."""
    x, y = _design(record, seasonal)
    m, k = x.shape
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    ssr = float(np.sum((y - x @ coef) ** 2))
    dof = m - k
    root = np.linalg.cholesky(np.linalg.inv(x.T @ x))
    kept, drawn = [], 0
    for _ in range(_MAX_BATCHES):
        sigma = np.sqrt(ssr / rng.chisquare(dof, _BATCH * n_draws))
        beta = coef + sigma[:, None] * (rng.standard_normal((len(sigma), k)) @ root.T)
        ok = np.abs(beta[:, 2]) < 1
        kept.append(np.column_stack([beta[ok], sigma[ok]]))
        drawn += int(ok.sum())
        if drawn >= n_draws:
            break
    else:
        raise InputError(record.name, "ar1", "expected deviations from a linear trend that die out (|phi| < 1); "
                                             f"{drawn} of {_MAX_BATCHES * _BATCH * n_draws} posterior draws were")
    table = np.concatenate(kept)[:n_draws]
    zeros = np.zeros(n_draws)
    draws = {"c": table[:, 0], "d": table[:, 1], "phi": table[:, 2], "sigma": table[:, -1],
             "g_sin": table[:, 3] if seasonal else zeros, "g_cos": table[:, 4] if seasonal else zeros}
    bic = m * np.log(2 * np.pi * ssr / m) + m + (k + 1) * np.log(m)
    return Fit("ar1_seasonal" if seasonal else "ar1_trend", "ar1", record.name, record.months[0], record.end,
               float(record.logs[-1]), draws,
               "Bayesian log-AR(1) around a linear trend" + (" with an annual harmonic" if seasonal else "")
               + ": exact normal-inverse-gamma posterior (reference prior) truncated to |phi| < 1", float(bic))


def log_paths(fit: Fit, draws: dict[str, np.ndarray], steps: int, normals: np.ndarray) -> np.ndarray:
    """Log counts of the ``steps`` months after ``fit.end``, one path per row of ``draws`` and ``normals``."""
    c, d, phi, sigma = (draws[key][:, None] for key in ("c", "d", "phi", "sigma"))
    after = np.arange(1, steps + 1)
    drift = c + d * (fit.t_end + after)  # (n, steps)
    if np.any(draws["g_sin"]) or np.any(draws["g_cos"]):
        cycle = _cycle((fit.end.month - 1 + after) % _PERIOD + 1)  # (steps, 2)
        drift = drift + draws["g_sin"][:, None] * cycle[:, 0] + draws["g_cos"][:, None] * cycle[:, 1]
    drift += sigma * normals[:, :, 0]
    out = np.empty_like(drift)
    y = np.full(len(drift), fit.last_log)
    phi = phi[:, 0]
    for h in range(steps):
        y = drift[:, h] + phi * y
        out[:, h] = y
    return out


def describe(fit: Fit) -> list[Derived]:
    """The trend's level at the data's end, the trend, the persistence, the shock size[, the cycle]."""
    draws = fit.draws
    phi = draws["phi"]
    trend = draws["d"] / (1 - phi)
    intercept = (draws["c"] - trend * phi) / (1 - phi)
    out = [
        Derived("level", "person / month", counts(intercept + trend * fit.t_end),
                "the trend's level at the data's end (casualties per month)"),
        Derived("trend", "1 / month", trend, "growth rate of the trend (log per month)"),
        Derived("ar_coefficient", "1", phi, "share of a month's deviation from the trend left the next month"),
        Derived("shock_sd", "1", draws["sigma"], "standard deviation of the monthly shock to the log count"),
    ]
    if fit.spec == "ar1_seasonal":
        # the cycle s(t) of the trend form: the regression's harmonic divided by the AR filter's gain at 1/year
        gain = np.abs(1 - phi * np.exp(-2j * np.pi / _PERIOD))
        out.append(Derived("seasonal_amplitude", "1", np.hypot(draws["g_sin"], draws["g_cos"]) / gain,
                           "amplitude of the annual cycle of the log count around the trend"))
    return out
