"""Bayesian calibration: the posterior of every uncertain parameter given the public record.

**Prior.** Every uncertain parameter of the hindcast (:mod:`model.calibration.hindcast`: January 2023 to
the end of the record, driven by the recorded monthly casualties) with the distribution the Monte Carlo
draws it from: the registry's plausible range, triangular around its value unless the registry says
otherwise (:mod:`model.analysis.sampling`); the generated results of ``docs/CALIBRATION.md`` count them.

**Likelihood.** Every observed series of the calibration configuration but the driver, each point with
its stated uncertainty, in logs; a party's claims share an unknown bias, integrated out
(:mod:`model.calibration.likelihood`). The driver (the UK MoD's monthly figures, relaying the Ukrainian
General Staff) is the model's casualties, so the General Staff's cumulative totals, which relay the same
counts, are not a second source: they are left out of the targets.

**Sampler.** Importance sampling of a large prior sample, all of it simulated in a few vectorized batches
(``n_prior`` runs, 200,000 by default: a few seconds), with Pareto-smoothed importance weights (PSIS, Vehtari
et al. 2024, doi:10.48550/arXiv.1507.02646, as ArviZ implements it). With some twelve observations of
15-25% uncertainty the posterior is not far from the prior in most directions, so about a tenth of the
prior sample carries weight: thousands of effective draws, where an ensemble sampler in as many
dimensions would need hundreds of thousands of sequential steps. The diagnostics say when that stops being
true: the effective sample size (Kish, of the smoothed weights) and the Pareto shape ``k`` (reliable below
0.7). A posterior sample of ``n_draws`` is resampled from the weights (systematic resampling, so a draw's
multiplicity is its weight to within one).

The hindcast's state at the end of the record for each draw (front strength by source, the volunteer
sign-up rate of the last month) is where a projection starts (:func:`projection_start`).
"""

from __future__ import annotations

import datetime
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from .._version import __version__
from ..analysis.sampler import unit_cube
from ..analysis.sampling import ppf_columns, sample_values, uncertain_keys
from ..errors import InputError
from ..inputs import limits
from ..inputs.observed import load_observed
from ..inputs.parameters import ParameterSet, admissible
from ..inputs.posterior import registry_files
from ..core.structure import POOLED
from ..results.simulate import simulate
from .hindcast import AFTER_THE_RECORD, CalibrationConfig, configured_through, hindcast_params, load_config
from .likelihood import bias_mean, log_likelihood
from .targets import Target, build_targets, simulated_table, target_quantity

#: Prior runs simulated by default, and per batch (bounds memory: about 80 MB of outputs per 25,000 runs).
N_PRIOR, BATCH = 200_000, 25_000
#: Posterior draws kept by default.
N_DRAWS = 4000
#: Importance sampling is trusted when the Pareto shape is below this (Vehtari et al.) ...
PARETO_K_MAX = 0.7
#: ... and the effective sample size at least this.
MIN_ESS = 1000
_OUTPUTS = ["front", "front_total", "rear", "armed_forces", "recruitment", "killed", "casualties"]
_QUANTILES = (0.05, 0.5, 0.95)


def end_state(hindcast: xr.Dataset) -> dict[str, xr.DataArray]:
    """The projection's initial condition from a hindcast: its state at the start of the month after it.

    ``force.deployed_total`` and ``front_initial.{source}`` (the group in the war zone by source; volunteers
    are the remainder, contract soldiers who came from conscription with them), ``rear_initial.mobilized`` and
    ``rear_initial.volunteer`` (the force outside the war zone: mobilized men, and everyone else) at the last time
    label, ``volunteer.signups`` the volunteer recruitment of the last month
    (persons per month). One value per run.
    """
    end = hindcast.isel(time=-1)
    state = {"force.deployed_total": end.front_total}
    state.update({f"front_initial.{s}": end.front.sel(source=s, drop=True) for s in POOLED})
    rear_mobilized = end.rear.sel(source="mobilized", drop=True)
    state["rear_initial.mobilized"] = rear_mobilized
    state["rear_initial.volunteer"] = end.rear.sum("source") - rear_mobilized
    state["volunteer.signups"] = hindcast.recruitment.sel(source="volunteer", drop=True).isel(time=-2)
    return {key: value.drop_vars("time", errors="ignore") for key, value in state.items()}


#: The keys :func:`end_state` gives: the projection's starting state.
STATE_KEYS = ("force.deployed_total", *(f"front_initial.{s}" for s in POOLED), "rear_initial.mobilized",
              "rear_initial.volunteer", "volunteer.signups")


@dataclass(frozen=True, repr=False)
class Posterior:
    """A posterior sample and how it was obtained.

    ``draws``: one row per posterior draw, a column per calibrated parameter (``keys``, canonical units);
    ``shared`` the keys a projection takes from it (those the registry sets: the rates and fractions, not
    the hindcast overlay's January 2023 values).
    ``start_state``: the same rows, a column per key of :data:`STATE_KEYS`: the draw's hindcast state at the
    start of the month after the record (persons; persons per month), where a projection starts.
    ``summary``: per calibrated key, prior and posterior 5/50/95% and ``pinned`` (1 − posterior variance
    / prior variance: 0 the data say nothing, 1 they fix it). ``bias``: per party series, the posterior
    of its multiplicative bias (median, 5%, 95%). ``fit``: per target, the observed value and the
    posterior-predictive 5/50/95% of the simulated one. ``diagnostics``: prior runs, runs that could not
    have produced the record, effective sample size, Pareto ``k``, seconds, and ``reliable``.
    """

    draws: pd.DataFrame
    start_state: pd.DataFrame
    keys: list[str]
    shared: list[str]
    summary: pd.DataFrame
    bias: pd.DataFrame
    fit: pd.DataFrame
    diagnostics: dict
    settings: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        d = self.diagnostics
        return (f"<Posterior: {len(self.keys)} parameters, {len(self.draws):,} draws from {d['n_prior']:,} prior runs "
                f"(effective {d['ess']:,.0f}, Pareto k {d['pareto_k']:.2f}: "
                f"{'reliable' if d['reliable'] else 'NOT reliable'}), record {self.settings['start']} to "
                f"{self.settings['through']}>")

    def to_dataframe(self) -> pd.DataFrame:
        """The summary table, one row per calibrated key."""
        return self.summary.copy()


@dataclass(frozen=True)
class PriorRuns:
    """A prior sample of the hindcast, simulated: what every weighting of it needs.

    ``values``: the sampled parameters by key (runs,); ``simulated``: the model's value of each target
    (runs x targets, persons); ``state``: the end state by key of :data:`STATE_KEYS` (runs,); ``monthly``: the
    quantities asked to be kept, by name (runs x months; persons per month for a flow).
    """

    params: ParameterSet
    keys: list[str]
    values: dict[str, np.ndarray]
    simulated: np.ndarray
    state: dict[str, np.ndarray]
    start: str
    through: str
    seed: int
    monthly: dict[str, np.ndarray] = field(default_factory=dict)


def simulate_prior(params: ParameterSet, targets: list[Target], start: str, through: str, months: int,
                   n_prior: int = N_PRIOR, seed: int = 0,
                   keep: Mapping[str, Target] | None = None) -> PriorRuns:
    """Draw ``n_prior`` runs of every uncertain parameter of ``params`` from its prior and simulate the
    hindcast (``months`` from ``start``) in batches of :data:`BATCH`; keep each target's simulated value and,
    by name, the monthly values of the quantity each target of ``keep`` is compared with (its output, summed over
    the sources it counts: :func:`~model.calibration.targets.target_quantity`)."""
    keep = dict(keep or {})
    keys = uncertain_keys(params)
    limits.memory(sample_values(n_prior, len(keys)) + n_prior * (len(targets) + len(STATE_KEYS) + months * len(keep)),
                  "calibrate_posterior", "n_prior", f"a prior sample of {n_prior:,} runs")
    values = ppf_columns(params, keys, unit_cube(n_prior, len(keys), "random", seed))  # as model.sample draws them
    outside = ~admissible_values(params, values)
    simulated = np.empty((n_prior, len(targets)))
    state = {k: np.empty(n_prior) for k in STATE_KEYS}
    monthly = {name: np.empty((n_prior, months)) for name in keep}
    for first in range(0, n_prior, BATCH):
        rows = slice(first, min(n_prior, first + BATCH))
        batch = params.with_values(admissible_rows(params, {k: v[rows] for k, v in values.items()}),
                                   where="prior sample", kind="sample")
        ds = simulate(batch, months=months, start=start,
                      variables=list(dict.fromkeys(_OUTPUTS + [t.output for t in keep.values()])))
        simulated[rows] = simulated_table(ds, targets)
        for name, target in keep.items():
            output = target_quantity(ds, target)
            monthly[name][rows] = output.isel(time=slice(0, months)).transpose("run", "time").values
        for key, value in end_state(ds).items():
            state[key][rows] = value.values
    simulated[outside] = np.nan  # outside the constraints that tie parameters together: no weight
    return PriorRuns(params, keys, values, simulated, state, start, through, seed, monthly)


def admissible_values(params: ParameterSet, values: dict[str, np.ndarray]) -> np.ndarray:
    """Which runs of ``values`` (by key; other keys at ``params``' values) satisfy the parameter constraints."""
    return admissible(lambda key: values[key] if key in values else params.value(key))


def admissible_rows(params: ParameterSet, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``values`` with every run outside the constraints replaced by the first run inside them, so the batch can
    be simulated (the caller gives those runs no weight)."""
    inside = admissible_values(params, values)
    if inside.all() or not inside.any():
        return values
    first = int(np.argmax(inside))
    return {k: np.where(inside, v, v[first]) for k, v in values.items()}


def importance_weights(runs: PriorRuns, targets: list[Target], party_bias_sd: float) -> tuple[np.ndarray, dict]:
    """Normalized Pareto-smoothed importance weights of the prior runs given ``targets`` (their observed
    values; the model's values are ``runs.simulated``), and the diagnostics."""
    loglik = log_likelihood(runs.simulated, targets, party_bias_sd)
    rejected = int(np.isneginf(loglik).sum())
    if rejected == len(loglik):
        raise InputError("calibrate_posterior", "params", "expected some prior runs that could have produced the "
                                                          "record; every run simulated a non-positive count")
    weights, pareto_k = _smoothed_weights(loglik)
    ess = float(1.0 / np.sum(weights ** 2))
    return weights, {"n_prior": len(loglik), "rejected": rejected, "ess": ess, "pareto_k": pareto_k,
                     "reliable": bool(pareto_k <= PARETO_K_MAX and ess >= MIN_ESS)}


def calibrate_posterior(through: str | None = None, *, n_prior: int = N_PRIOR, n_draws: int | None = None,
                        seed: int = 0, folder: str | Path | None = None, config: CalibrationConfig | None = None,
                        targets: list[Target] | None = None, party_bias_sd: float | None = None) -> Posterior:
    """The posterior of the hindcast's uncertain parameters given the record through ``through``.

    Parameters
    ----------
    through : str, optional
        Last recorded month used, ``'YYYY-MM'`` (default: the configuration's). Observations dated after
        it are left out, and the hindcast stops there.
    n_prior, n_draws : int
        Prior runs simulated; posterior draws resampled from them (default :data:`N_DRAWS`, at most ``n_prior``).
    seed : int
        Seed of the prior sample (random design) and of the resampling.
    targets : list of Target, optional
        Replace the observations (tests recover known parameters with synthetic ones).
    party_bias_sd : float, optional
        Sd of a party's log bias (default: the configuration's ``party_bias_sd``).
    """
    started = time.perf_counter()
    limits.whole(n_prior, "calibrate_posterior", "n_prior", 100)
    n_draws = min(N_DRAWS, n_prior) if n_draws is None else n_draws
    limits.whole(n_draws, "calibrate_posterior", "n_draws", 10, n_prior)
    limits.seed(seed, "calibrate_posterior")
    config = config or load_config(folder)
    params, start, months = hindcast_params(config, through, folder)
    through = through or configured_through(config, folder)
    tau = config.party_bias_sd if party_bias_sd is None else limits.finite(party_bias_sd, "calibrate_posterior",
                                                                             "party_bias_sd", 0.0)
    if targets is None:
        targets = build_targets(config, load_observed(folder), start, months)
    if not targets:
        raise InputError("calibrate_posterior", "through", f"expected observations between {start} and {through}")
    runs = simulate_prior(params, targets, start, through, months, n_prior, seed)
    return resample(runs, targets, tau, n_draws, folder, started)


def resample(runs: PriorRuns, targets: list[Target], party_bias_sd: float, n_draws: int = N_DRAWS,
             folder: str | Path | None = None, started: float | None = None) -> Posterior:
    """The :class:`Posterior` of ``n_draws`` resampled from prior ``runs`` weighted by ``targets``."""
    weights, diagnostics = importance_weights(runs, targets, party_bias_sd)
    chosen = _systematic(weights, n_draws, np.random.default_rng(np.random.SeedSequence([runs.seed, 1])))
    values = pd.DataFrame({k: v[chosen] for k, v in runs.values.items()})
    diagnostics["seconds"] = time.perf_counter() - started if started is not None else float("nan")
    settings = {"sampler": "importance sampling of the prior, Pareto-smoothed (PSIS)", "n_prior": len(weights),
                "n_draws": n_draws, "seed": runs.seed, "party_bias_sd": party_bias_sd, "start": runs.start,
                "through": runs.through, "made": datetime.date.today().isoformat(), "version": __version__}
    simulated = runs.simulated[chosen]
    return Posterior(draws=values, start_state=pd.DataFrame({k: v[chosen] for k, v in runs.state.items()}),
                     keys=runs.keys, shared=_shared(runs.params, runs.keys, folder),
                     summary=_summary(runs.values, values, runs.params), bias=_bias(simulated, targets, party_bias_sd),
                     fit=_fit(simulated, targets), diagnostics=diagnostics, settings=settings)


#: Initial conditions: they describe the hindcast's first month, not a constant a projection shares.
INITIAL_PREFIXES = ("pool_initial.", "front_initial.")


def _shared(params: ParameterSet, keys: list[str], folder: str | Path | None) -> list[str]:
    """The calibrated keys a projection takes: constants the registry sets (not the hindcast overlay's values,
    not initial conditions, whose projection values come from the hindcast's end state, not the keys the hindcast
    does not read, :data:`~model.calibration.hindcast.AFTER_THE_RECORD`, which the record cannot inform)."""
    registry = registry_files(Path(folder) if folder is not None else None)
    return [k for k in keys if params[k].origin in registry and k not in STATE_KEYS
            and not k.startswith(INITIAL_PREFIXES) and k not in AFTER_THE_RECORD]


def load_arviz():
    """ArviZ, imported only by the calibration's diagnostics (it announces its next major version on import)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import arviz
    return arviz


def _smoothed_weights(loglik: np.ndarray) -> tuple[np.ndarray, float]:
    """Normalized Pareto-smoothed importance weights and the Pareto shape ``k``."""
    arviz = load_arviz()
    finite = np.isfinite(loglik)
    smoothed = np.full(len(loglik), -np.inf)
    with np.errstate(over="ignore"), warnings.catch_warnings():
        # ArviZ's tail fit overflows harmlessly (to a weight of 0 for that candidate shape) when a few runs
        # carry almost all the weight; k then says so.
        warnings.simplefilter("ignore", RuntimeWarning)
        log_weights, pareto_k = arviz.psislw(loglik[finite] - loglik[finite].max())
    smoothed[finite] = log_weights
    weights = np.exp(smoothed - smoothed.max())
    return weights / weights.sum(), float(pareto_k)


def _systematic(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``n`` draws by systematic resampling: each index appears ``n * weight`` times, to within one."""
    positions = (rng.random() + np.arange(n)) / n
    cumulative = np.cumsum(weights)
    cumulative[-1] = 1.0
    return np.searchsorted(cumulative, positions, side="right")


def _summary(prior: dict[str, np.ndarray], posterior: pd.DataFrame, params: ParameterSet) -> pd.DataFrame:
    rows = []
    for key, before in prior.items():
        after = posterior[key].to_numpy()
        low, mid, high = np.quantile(before, _QUANTILES)
        p_low, p_mid, p_high = np.quantile(after, _QUANTILES)
        pinned = 1.0 - after.var() / before.var() if before.var() > 0 else 0.0
        rows.append({"key": key, "prior_low": low, "prior_median": mid, "prior_high": high,
                     "low": p_low, "median": p_mid, "high": p_high, "pinned": pinned, "unit": params[key].unit})
    return pd.DataFrame(rows).set_index("key")


def _bias(simulated: np.ndarray, targets: list[Target], tau: float) -> pd.DataFrame:
    rows = []
    for series, mean in bias_mean(simulated, targets, tau).items():
        low, mid, high = np.exp(np.quantile(mean, _QUANTILES))
        rows.append({"series": series, "median": mid, "low": low, "high": high})
    return pd.DataFrame(rows, columns=["series", "median", "low", "high"]).set_index("series")


def _fit(simulated: np.ndarray, targets: list[Target]) -> pd.DataFrame:
    low, mid, high = np.quantile(simulated, _QUANTILES, axis=0)
    return pd.DataFrame({"series": [t.series for t in targets], "dates": [t.when for t in targets],
                         "observed": [t.observed for t in targets], "bound": [t.bound for t in targets],
                         "party_claim": [t.party_claim for t in targets], "low": low, "median": mid, "high": high})
