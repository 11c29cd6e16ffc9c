"""Calibration: fit chosen parameters so that the hindcast reproduces the public record.

:func:`calibrate` minimizes the sum of squared weighted residuals of
:mod:`model.calibration.targets` with :func:`scipy.optimize.least_squares` (trust-region
reflective), each parameter kept inside its plausible range. The search runs
on each parameter's range mapped to [0, 1]; the Jacobian comes from forward
differences, all of them simulated in one vectorized batch. Confidence
intervals come from the Jacobian at the optimum, ``cov = (JᵀJ)⁻¹`` scaled by
the reduced chi-square where that exceeds 1 (the stated uncertainties then
understate the misfit), and are 95% normal intervals.

:func:`overlay` turns a fit into a scenario overlay: the fitted constants, and
the hindcast's end state (front strength by source, the volunteer sign-up
rate) as the starting point of a projection from the month after the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
import yaml
from scipy import optimize, stats

from ..errors import InputError
from .hindcast import CalibrationConfig, configured_through, config_path, hindcast_params, load_config
from ..results.io import atomic_write
from ..inputs.paths import display
from ..inputs.spec import unknown_parameter
from ..inputs.observed import load_observed
from ..inputs.overlays import check_scenario_name
from ..inputs.parameters import BASELINE, ParameterSet
from ..inputs.schedules import month_index, month_label
from ..results.dataset import labelled
from ..results.simulate import simulate, simulate_arrays
from .posterior import STATE_KEYS, end_state
from .targets import Target, build_targets, check_outputs, simulated, weighted_residuals

#: Forward-difference step on the unit-scaled parameters.
STEP = 1e-4
#: Outputs the targets and the overlay read.
_OUTPUTS = ["front", "front_total", "rear", "armed_forces", "recruitment", "killed", "casualties"]


@dataclass(frozen=True, repr=False)
class Calibration:
    """A fit: the parameters, the residuals, the hindcast at the optimum and the solver's report.

    ``fitted`` has one row per fitted key: ``start``, ``value``, ``sd``, ``ci_low``,
    ``ci_high`` (95%, clipped to the range), ``low``/``high`` (the range searched),
    ``at_bound`` (the optimum lies on the range's edge: the record pushes past the
    plausible range, and the interval is one-sided) and ``unit``.
    ``residuals`` has one row per target: ``observed``, ``simulated``, ``sd``,
    ``weighted`` ((simulated − observed) / sd) and ``party_claim``, in the order of ``targets``.
    """

    fitted: pd.DataFrame
    residuals: pd.DataFrame
    targets: list[Target]
    params: ParameterSet
    hindcast: xr.Dataset
    start: str
    through: str
    cost: float
    message: str

    def __repr__(self) -> str:
        lines = [f"<Calibration: {len(self.fitted)} parameters fitted to {len(self.targets)} observations, "
                 f"hindcast {self.start} to {self.through}; weighted sum of squares {2 * self.cost:.3g}"]
        for key, row in self.fitted.iterrows():
            edge = ", at the edge of its range" if row.at_bound else ""
            lines.append(f"  {key} = {_shown(row.value)} {row.unit} (95%: {_shown(row.ci_low)} to "
                         f"{_shown(row.ci_high)}{edge})")
        return "\n".join(lines) + ">"

    def to_dataframe(self) -> pd.DataFrame:
        """The fitted parameters, one row per key (the :attr:`fitted` table; residuals are in :attr:`residuals`)."""
        return self.fitted.copy()


def _shown(value: float) -> str:
    """A number as people read it: whole with separators from 1,000 up, else four significant digits."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


class _Problem:
    """Weighted residuals as a function of unit-scaled parameters, for batches of points."""

    def __init__(self, params: ParameterSet, keys: list[str], targets: list[Target], start: str, months: int,
                 integrator: str = "euler"):
        self.params, self.keys, self.targets, self.start, self.months = params, keys, targets, start, months
        self.integrator = integrator
        self.low = np.array([params[k].low for k in keys])
        self.width = np.array([params[k].high - params[k].low for k in keys])

    def values(self, unit: np.ndarray) -> np.ndarray:
        return self.low + np.asarray(unit) * self.width

    def with_points(self, unit: np.ndarray) -> ParameterSet:
        """Parameters for points of shape ``(n, len(keys))`` (a batch of ``n`` runs)."""
        values = self.values(unit)
        return self.params.with_values({k: values[:, i] for i, k in enumerate(self.keys)}, where="calibration")

    def run(self, unit: np.ndarray) -> xr.Dataset:
        """The runs at ``unit`` points, labelled for the targets' readers; numbers only, so no provenance."""
        arrays = simulate_arrays(self.with_points(unit), months=self.months, start=self.start, variables=_OUTPUTS,
                                 integrator=self.integrator)
        return labelled(arrays, start=self.start, batched=True)

    def residuals(self, x: np.ndarray) -> np.ndarray:
        return weighted_residuals(self.run(x[None, :]), self.targets)[0]

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        """Forward differences, stepping away from the nearer bound; all points in one batch."""
        steps = np.where(x + STEP <= 1.0, STEP, -STEP)
        points = np.vstack([x, x + np.diag(steps)])
        table = weighted_residuals(self.run(points), self.targets)
        return ((table[1:] - table[0]) / steps[:, None]).T


def calibrate(params: ParameterSet | str | None = None, keys: list[str] | None = None, through: str | None = None,
              *, targets: list[Target] | None = None, config: CalibrationConfig | None = None,
              folder: str | Path | None = None, integrator: str = "euler") -> Calibration:
    """Fit ``keys`` (default: the configuration's ``fit``) to the record up to ``through``.

    Parameters
    ----------
    params : ParameterSet or str, optional
        The hindcast's parameters: by default the configured overlay
        (``params/hindcast/``) driven by the recorded casualties; a scenario name or
        overlay path is loaded and driven by the record the same way; a
        ``ParameterSet`` is used as it is (tests fit synthetic data with one).
    keys : list of str, optional
        Parameters to fit, each inside its plausible range.
    through : str, optional
        Last recorded month to fit, ``'YYYY-MM'`` (default: the configuration's).
    targets : list of Target, optional
        Replace the configured observations.
    integrator : {"euler", "rk4"}
        As :func:`model.simulate`.
    """
    config = config or load_config(folder)
    check_outputs(config, display(config_path(folder)))
    if params is not None and not isinstance(params, (str, ParameterSet)):
        raise InputError("calibrate", "params", f"expected a ParameterSet, a scenario name or None, "
                                                f"got {type(params).__name__}")
    hindcast, start, months = hindcast_params(config, through, folder,
                                              scenario=params if isinstance(params, str) else None)
    through = through or configured_through(config, folder)
    params = params if isinstance(params, ParameterSet) else hindcast
    keys = list(keys or config.fit)
    _check_keys(params, keys)
    targets = targets if targets is not None else build_targets(config, load_observed(folder), start, months)
    if len(targets) < len(keys):
        raise InputError("calibrate", "keys",
                         f"expected at most as many parameters as observations ({len(targets)}), got {len(keys)}")
    problem = _Problem(params, keys, targets, start, months, integrator)
    x0 = np.clip((np.array([float(params.value(k)) for k in keys]) - problem.low) / problem.width, 0.0, 1.0)
    solution = optimize.least_squares(problem.residuals, x0, jac=problem.jacobian, bounds=(0.0, 1.0),
                                      x_scale=1.0, method="trf")
    best = problem.with_points(solution.x[None, :])
    fitted_params = params.with_values({k: float(best.value(k)[0]) for k in keys},
                                       where=f"calibration to the record through {through}")
    hindcast_ds = simulate(fitted_params, months=months, start=start, variables=_OUTPUTS, integrator=integrator)
    return Calibration(
        fitted=_fitted_table(problem, params, solution, x0),
        residuals=_residual_table(hindcast_ds, targets), targets=targets,
        params=fitted_params, hindcast=hindcast_ds, start=start, through=through,
        cost=float(solution.cost), message=str(solution.message))


def _check_keys(params: ParameterSet, keys: list[str]) -> None:
    for key in keys:
        if key not in params:
            raise unknown_parameter("calibrate", key, at="keys")
        if not (params[key].spec.numeric and params[key].high > params[key].low):
            raise InputError("calibrate", "keys", f"expected numeric parameters with a range of some width to fit "
                                                  f"within, got {key!r}")


def _fitted_table(problem: _Problem, params: ParameterSet, solution, x0: np.ndarray) -> pd.DataFrame:
    jac = solution.jac
    dof = max(len(solution.fun) - len(solution.x), 1)
    reduced_chi2 = 2.0 * solution.cost / dof
    covariance = np.linalg.pinv(jac.T @ jac) * max(1.0, reduced_chi2)
    sd = np.sqrt(np.clip(np.diag(covariance), 0.0, None)) * problem.width
    value = problem.values(solution.x)
    z = stats.norm.ppf(0.975)
    return pd.DataFrame({
        "start": problem.values(x0), "value": value, "sd": sd,
        "ci_low": np.maximum(value - z * sd, problem.low),
        "ci_high": np.minimum(value + z * sd, problem.low + problem.width),
        "low": problem.low, "high": problem.low + problem.width,
        "at_bound": np.isclose(solution.x, 0.0) | np.isclose(solution.x, 1.0),
        "unit": [params[k].unit for k in problem.keys],
    }, index=pd.Index(problem.keys, name="key"))


def _residual_table(ds: xr.Dataset, targets: list[Target]) -> pd.DataFrame:
    weighted = weighted_residuals(ds, targets)
    return pd.DataFrame({
        "series": [t.series for t in targets],
        "measure": [t.measure + (f" ({t.bound})" if t.bound else "") for t in targets],
        "dates": [t.when for t in targets],
        "observed": [t.observed for t in targets],
        "simulated": [float(simulated(ds, t)) for t in targets],
        "sd": [t.sd for t in targets],
        "weighted": weighted,
        "party_claim": [t.party_claim for t in targets],
    })


def overlay(calibration: Calibration, name: str, base: ParameterSet | None = None) -> dict:
    """A scenario overlay (as a mapping for YAML) that starts a projection from the fitted hindcast.

    Fitted constants keep their fitted value with the 95% interval as range;
    the hindcast's end state (front strength by source, the volunteer sign-up
    rate of its last month) becomes the projection's initial condition, its
    range that of ``base`` widened to include it. ``base`` is the scenario the
    projection starts from (the overlay is ``based_on`` it); by default the
    overlay is based on ``baseline`` and the ranges are those of the
    parameters the fit was made with. Nothing is read from disk.
    """
    based_on = base.scenario if base is not None else BASELINE
    base = base if base is not None else calibration.params
    through = calibration.through
    fit_note = f"calibrated to the public record {calibration.start} to {through} (`manpower calibrate`)"
    changes: dict[str, dict] = {}
    for key, row in calibration.fitted.iterrows():
        if key in STATE_KEYS or key.startswith(("front_initial.", "pool_initial.", "rear_initial.")):
            continue  # a January-2023 value; the end state below replaces it
        low, high = (min(row.ci_low, row.value), max(row.ci_high, row.value))
        changes[key] = {"value": float(row.value), "unit": row.unit, "low": float(low), "high": float(high),
                        "reason": f"{fit_note}; 95% interval {low:.4g} to {high:.4g}",
                        "source": "assumption", "assumption": f"Fitted value, {fit_note}.", "date": str(through),
                        "url": None}
    state = {key: float(value) for key, value in end_state(calibration.hindcast).items()}
    projection_start = month_label(month_index(through) + 1)
    for key, value in state.items():
        value = float(round(value))
        low, high = min(base[key].low, value), max(base[key].high, value)
        changes[key] = {"value": value, "unit": base[key].unit, "low": float(low), "high": float(high),
                        "reason": f"the fitted hindcast's state at the start of {projection_start}; {fit_note}",
                        "source": "assumption", "assumption": f"Model state from the hindcast, {fit_note}.",
                        "date": str(through), "url": None}
    return {"name": name, "based_on": based_on,
            "description": f"The {based_on} scenario started from the fitted hindcast's state ({fit_note}).",
            "set": changes}


def save_overlay(calibration: Calibration, name: str, base: ParameterSet | None = None,
                 folder: str | Path | None = None, force: bool = False) -> Path:
    """Write :func:`overlay` to ``scenarios/NAME.yaml`` of the user's folder (see :func:`check_scenario_name`).

    ``manpower run --scenario NAME`` then uses it.
    """
    path = check_scenario_name(name, folder, force)
    text = "# Written by `manpower calibrate --save NAME`; edit with care.\n" + yaml.safe_dump(
        overlay(calibration, name, base), sort_keys=False, allow_unicode=True, width=110)
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path
