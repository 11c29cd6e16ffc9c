"""The likelihood of the public record given simulated runs, with party claims as biased measurements.

Each target (:mod:`model.calibration.targets`) is compared in logs: ``d = log(observed) - log(simulated)``
has standard deviation ``sigma = sd / observed`` (the series' stated relative uncertainty; for an
increment, that of both ends combined). Counts and stocks are positive and their errors proportional, so
a log-normal error is the natural reading of "15% uncertainty".

A claim by a party to the war (``party_claim: true`` in ``params/observed/series.yaml``) is a biased
measurement: every point of such a series shares one unknown multiplicative bias ``exp(beta)``,
``beta ~ Normal(0, tau)`` (``party_bias_sd`` of the calibration configuration). The bias is integrated out
exactly: within a series ``d ~ Normal(0, D + tau^2 11')`` with ``D = diag(sigma^2)``, whose inverse and
determinant follow from the Sherman-Morrison formula, so it adds no dimension to the sampler. Its
posterior given a run, ``Normal(m, v)`` with ``v = 1 / (1/tau^2 + sum 1/sigma^2)`` and
``m = v sum d/sigma^2``, is what :func:`bias_mean` reports.

A floor (named dead: a lower bound on all deaths) costs only where the run falls below it, as a
half-normal penalty on ``d``; a ceiling (the decreed authorized strength: an upper bound on the armed
forces) only where the run rises above it. A run whose simulated value is not positive where a positive count was
observed cannot have produced the record: its log-likelihood is ``-inf`` (counted and reported by the
caller, never silent).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .targets import Target


@dataclass(frozen=True)
class Group:
    """Targets sharing one bias: the columns ``index`` of the target table, ``tau`` the bias prior's sd (0: none)."""

    series: str
    index: np.ndarray
    tau: float


def groups(targets: list[Target], party_bias_sd: float) -> list[Group]:
    """One group per series among ``targets``; a party's claims share a bias with sd ``party_bias_sd``."""
    found: dict[str, list[int]] = {}
    for i, target in enumerate(targets):
        found.setdefault(target.series, []).append(i)
    return [Group(name, np.array(index), party_bias_sd if targets[index[0]].party_claim else 0.0)
            for name, index in found.items()]


def log_gaps(simulated: np.ndarray, targets: list[Target]) -> tuple[np.ndarray, np.ndarray]:
    """``d = log(observed) - log(simulated)`` (runs, targets) and ``sigma`` (targets,); ``d`` is NaN where
    the simulated value is not positive."""
    observed = np.array([t.observed for t in targets])
    sigma = np.array([t.sd for t in targets]) / np.abs(observed)
    with np.errstate(divide="ignore", invalid="ignore"):
        gaps = np.log(observed) - np.log(np.where(simulated > 0, simulated, np.nan))
    return gaps, sigma


def log_likelihood(simulated: np.ndarray, targets: list[Target], party_bias_sd: float) -> np.ndarray:
    """Log-likelihood of every run (``simulated``: runs x targets, persons), up to a constant; ``-inf`` for
    a run with a non-positive simulated count."""
    gaps, sigma = log_gaps(simulated, targets)
    floor = np.array([t.floor for t in targets])
    gaps = np.where(floor, np.maximum(gaps, 0.0), gaps)  # a floor: only a run below it (d > 0) misfits
    ceiling = np.array([t.ceiling for t in targets])
    gaps = np.where(ceiling, np.minimum(gaps, 0.0), gaps)  # a ceiling: only a run above it (d < 0) misfits
    total = np.zeros(len(gaps))
    for group in groups(targets, party_bias_sd):
        d, s2 = gaps[:, group.index], sigma[group.index] ** 2
        quad = (d ** 2 / s2).sum(axis=1)
        if group.tau > 0:
            precision = (1.0 / s2).sum()
            shrink = group.tau ** 2 / (1.0 + group.tau ** 2 * precision)
            quad -= shrink * ((d / s2).sum(axis=1)) ** 2
            quad += np.log1p(group.tau ** 2 * precision)  # the determinant's part that depends on tau
        total -= 0.5 * quad
    return np.where(np.isnan(total), -np.inf, total)


def bias_mean(simulated: np.ndarray, targets: list[Target], party_bias_sd: float) -> dict[str, np.ndarray]:
    """For each party's series, the posterior mean of its log bias ``beta`` given each run (runs,)."""
    gaps, sigma = log_gaps(simulated, targets)
    means = {}
    for group in groups(targets, party_bias_sd):
        if group.tau > 0:
            s2 = sigma[group.index] ** 2
            variance = 1.0 / (1.0 / group.tau ** 2 + (1.0 / s2).sum())
            means[group.series] = variance * (gaps[:, group.index] / s2).sum(axis=1)
    return means
