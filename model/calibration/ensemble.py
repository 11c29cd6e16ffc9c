"""A second sampler for the same posterior: emcee's ensemble MCMC, to check the importance sampler.

The posterior of :mod:`model.calibration.posterior` is sampled again by an entirely different method: an
affine-invariant ensemble (emcee, Foreman-Mackey et al. 2013, doi:10.1086/670067) with differential-evolution
moves, every walker's hindcast simulated in one vectorized call (``vectorize=True``). The chain runs in an
unbounded space: each parameter's prior quantile ``u`` is the logistic of ``z``, so the prior density in ``z``
is ``u (1 - u)`` and every point maps to a value inside the prior's support through the same quantile functions
the Monte Carlo uses. The walkers start from posterior draws of the importance sampler (no burn-in is spent
finding the posterior; the chain then has to stay there if the two agree).

:func:`compare` reports, for the parameters the record informs, both samplers' medians and 5-95% intervals, and
the chain's diagnostics from ArviZ (rank-normalized split R-hat and bulk effective sample size, walkers taken as
chains; for an ensemble these are indicative, since walkers are not independent) and emcee's integrated
autocorrelation time.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd

from ..analysis.sampling import distribution, ppf_columns
from ..inputs.parameters import ParameterSet
from ..results.simulate import simulate
from .likelihood import log_likelihood
from .posterior import _OUTPUTS, Posterior, admissible_rows, admissible_values, load_arviz
from .targets import Target, simulated_table


class LogPosterior:
    """The log posterior density of points ``z`` (walkers x keys) of the logistic-quantile space."""

    def __init__(self, params: ParameterSet, keys: list[str], targets: list[Target], start: str, months: int,
                 party_bias_sd: float):
        self.params, self.keys, self.targets = params, keys, targets
        self.start, self.months, self.tau = start, months, party_bias_sd

    def values(self, z: np.ndarray) -> dict[str, np.ndarray]:
        u = np.clip(1.0 / (1.0 + np.exp(-z)), 1e-12, 1 - 1e-12)
        return ppf_columns(self.params, self.keys, u)

    def __call__(self, z: np.ndarray) -> np.ndarray:
        z = np.atleast_2d(z)
        u = 1.0 / (1.0 + np.exp(-z))
        with np.errstate(divide="ignore"):
            log_prior = np.log(u * (1.0 - u)).sum(axis=1)
        values = self.values(z)
        inside = admissible_values(self.params, values)  # the prior is truncated by the parameter constraints
        if not inside.any():
            return np.full(len(z), -np.inf)
        batch = self.params.with_values(admissible_rows(self.params, values), where="ensemble sampler", kind="search")
        ds = simulate(batch, months=self.months, start=self.start, variables=_OUTPUTS)
        total = log_prior + log_likelihood(simulated_table(ds, self.targets), self.targets, self.tau)
        return np.where(np.isfinite(total) & inside, total, -np.inf)

    def to_z(self, values: pd.DataFrame) -> np.ndarray:
        """Points of the logistic-quantile space of parameter values (rows x keys)."""
        u = np.column_stack([distribution(self.params[k]).cdf(values[k].to_numpy()) for k in self.keys])
        u = np.clip(u, 1e-9, 1 - 1e-9)
        return np.log(u / (1.0 - u))


def run_ensemble(log_posterior: LogPosterior, start: np.ndarray, steps: int, seed: int = 0):
    """emcee's ensemble with differential-evolution moves from the walkers ``start`` (walkers x keys)."""
    import emcee

    walkers, dims = start.shape
    moves = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    sampler = emcee.EnsembleSampler(walkers, dims, log_posterior, moves=moves, vectorize=True)
    sampler.random_state = np.random.RandomState(seed).get_state()
    sampler.run_mcmc(start, steps, progress=False)
    return sampler


def compare(posterior: Posterior, log_posterior: LogPosterior, keys: list[str], walkers: int = 128,
            steps: int = 1500, seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """Both samplers' medians and 5-95% intervals for ``keys``, and the chain's diagnostics. ``walkers`` is at
    least twice the number of calibrated parameters plus two (emcee's red-blue moves need that many)."""
    walkers = max(walkers, 2 * len(posterior.keys) + 2)
    arviz = load_arviz()
    rng = np.random.default_rng(seed)
    distinct = posterior.draws.drop_duplicates()  # resampling repeats draws; coinciding walkers stall the moves
    rows = rng.choice(len(distinct), size=walkers, replace=False)
    start = log_posterior.to_z(distinct.iloc[rows])
    sampler = run_ensemble(log_posterior, start, steps, seed)
    chain = sampler.get_chain(discard=steps // 2)  # steps x walkers x dims
    values = log_posterior.values(chain.reshape(-1, chain.shape[-1]))
    table = []
    for key in keys:
        mine = values[key]
        theirs = posterior.draws[key].to_numpy()
        table.append({"key": key, "importance 5%": np.quantile(theirs, 0.05), "importance median": np.median(theirs),
                      "importance 95%": np.quantile(theirs, 0.95), "ensemble 5%": np.quantile(mine, 0.05),
                      "ensemble median": np.median(mine), "ensemble 95%": np.quantile(mine, 0.95)})
    by_key = {k: values[k].reshape(chain.shape[:2]).T for k in keys}  # walkers x steps, as ArviZ wants chains
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "more chains than draws": walkers are the chains, on purpose
        warnings.simplefilter("ignore", RuntimeWarning)
        data = arviz.from_dict(posterior=by_key)
        rhat = arviz.rhat(data)
        ess = arviz.ess(data)
    quiet = logging.getLogger("emcee")
    level, quiet.level = quiet.level, logging.ERROR  # a short chain's estimate is flagged below, not logged
    try:
        with warnings.catch_warnings():  # a walker that never moved has no autocorrelation (0/0): NaN, flagged
            warnings.simplefilter("ignore", RuntimeWarning)
            times = sampler.get_autocorr_time(quiet=True, discard=steps // 2)
            tau = float(np.nanmax(times)) if np.isfinite(times).any() else float("nan")
    finally:
        quiet.setLevel(level)
    kept = steps - steps // 2
    diagnostics = {"walkers": walkers, "steps": steps, "kept": kept, "dimensions": len(posterior.keys),
                   "acceptance": float(np.mean(sampler.acceptance_fraction)),
                   "autocorrelation time": tau, "reliable autocorrelation estimate": bool(np.isfinite(tau) and kept >= 50 * tau)}
    frame = pd.DataFrame(table).set_index("key")
    frame["R-hat"] = [float(rhat[k]) for k in keys]
    frame["ESS (bulk)"] = [float(ess[k]) for k in keys]
    return frame, diagnostics
