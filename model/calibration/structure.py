"""What each part of the model's structure is worth to the record: Bayes factors of the structure's variants.

Each part of the structure added for the force-generation issue (two force levels, the conscript channel, sign-ups
that follow the payment, wounds by severity, exposure by role and experience, deserters who return) can be switched
off by fixing a few parameters at values that remove it (:data:`VARIANTS`: e.g. everyone trained goes straight to
the war zone and nobody rotates, for "one force level"). Each variant's prior sample of the hindcast is weighed by
the same record as the calibration (:mod:`model.calibration.posterior`), and its marginal likelihood, the mean of
the likelihood over its prior runs, is estimated from those runs: log Z = log(mean exp(log L)). The difference
from the structure as built is the log Bayes factor: positive, the record prefers the structure as built; near
zero (within the estimate's noise, about 1/sqrt(effective sample)), the record cannot tell; negative, it prefers
the variant. The likelihood is the calibration's, up to the same constant for every variant, so the differences
are meaningful even though each log Z is not.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import logsumexp

from ..inputs.observed import load_observed
from ..inputs.parameters import ParameterSet
from ..core.structure import SOURCES
from .hindcast import configured_through, hindcast_params, load_config
from .likelihood import log_likelihood
from .posterior import simulate_prior
from .targets import build_targets

#: The structure as built, and each variant: the part it removes and the values that remove it (canonical units).
VARIANTS: dict[str, tuple[str, dict[str, float]]] = {
    "as built": ("", {}),
    "one force level": ("everyone trained goes straight to the war zone; nobody is deployed from or rotated to "
                        "units outside it, which keep their opening strength",
                        {**{f"deploy_share.{s}": 1.0 for s in SOURCES}, "deployment.rate": 0.0,
                         "rotation.rate": 0.0, "rear.release_rate": 0.0}),
    "no conscript contracts": ("conscripts never sign a contract", {"conscription.conversion_share": 0.0}),
    "sign-ups blind to pay": ("sign-ups do not follow the payment relative to wages",
                              {"volunteer.pay_elasticity": 0.0}),
    "one class of wounded": ("the wounded recover in two months and seven in ten return, whatever the wound",
                             {"wounded.light_recovery_time": 2.0, "wounded.severe_recovery_time": 2.0,
                              "wounded.light_return_fraction": 0.69, "wounded.severe_return_fraction": 0.69}),
    "exposure by source only": ("newly deployed men and men in assault roles carry the same risk as the rest",
                                {"exposure.novice_ratio": 1.0, "exposure.assault_ratio": 1.0}),
    "deserters never return": ("absentees are lost to the force at the rate of those who never return",
                               {"desertion.return_fraction": 0.0, "desertion.rate": 0.00075}),
}


def fixed(params: ParameterSet, values: dict[str, float]) -> ParameterSet:
    """``params`` with each of ``values`` fixed: its value set and its range collapsed onto it, so a prior sample
    no longer varies it."""
    changed = {key: replace(params[key], value=float(value), low=float(value), high=float(value))
               for key, value in values.items()}
    return replace(params, parameters={**params.parameters, **changed})


def structure_evidence(n_prior: int = 100_000, seed: int = 0, folder: str | Path | None = None) -> pd.DataFrame:
    """One row per variant of :data:`VARIANTS`: what it removes, its log marginal likelihood given the record,
    the log Bayes factor of the structure as built over it, the effective sample of its prior runs (the
    estimate's precision) and its number of uncertain parameters. ``n_prior`` prior runs per variant, the same
    random design (``seed``) for each."""
    config = load_config(folder)
    params, start, months = hindcast_params(config, None, folder)
    through = configured_through(config, folder)
    targets = build_targets(config, load_observed(folder), start, months)
    rows = []
    for name, (removes, values) in VARIANTS.items():
        runs = simulate_prior(fixed(params, values), targets, start, through, months, n_prior, seed)
        loglik = log_likelihood(runs.simulated, targets, config.party_bias_sd)
        weights = np.exp(loglik - np.max(loglik))
        rows.append({"variant": name, "removes": removes,
                     "log evidence": float(logsumexp(loglik) - np.log(len(loglik))),
                     "effective sample": float(weights.sum() ** 2 / np.sum(weights ** 2)),
                     "uncertain parameters": len(runs.keys)})
    table = pd.DataFrame(rows).set_index("variant")
    table.insert(2, "log Bayes factor of the structure as built", table.loc["as built", "log evidence"]
                 - table["log evidence"])
    return table
