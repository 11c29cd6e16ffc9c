"""``manpower calibrate``: the hindcast fitted to the public record, optionally saved as a scenario."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..core.defaults import BASELINE
from .common import comma_list, print_table, progress, say


def fitted_keys(text: str) -> list[str]:
    """``--params`` (``"casualties.monthly,volunteer.signups"``) as the registry keys to fit."""
    return comma_list(text, "--params", "registry keys", "registry key", "volunteer.signups,casualties.killed_fraction")


def calibration_paths(out: str | Path) -> list[Path]:
    """The files the least-squares ``calibrate`` writes into the folder ``out``: the fitted parameters and the
    residuals as CSV, and the figure."""
    out = Path(out)
    return [out / "calibration_fitted.csv", out / "calibration_residuals.csv", out / "calibration.png"]


def cmd_calibrate(args: argparse.Namespace) -> int:
    if args.posterior:
        return _posterior(args)
    from ..calibration.fit import calibrate, check_scenario_name, save_overlay
    from ..inputs.parameters import load_params
    from ..present.plots import calibration_figure
    from ..results.io import atomic_write, check_outputs, save_figure

    if args.save is not None:  # refused before minutes of fitting; the projection keeps the baseline's ranges
        check_scenario_name(args.save, force=args.force)
        base = load_params(BASELINE)
    keys = fitted_keys(args.params) if args.params is not None else None
    fitted, residuals, figure = check_outputs(calibration_paths(args.out), "--out")
    with progress(args, "fitting the hindcast"):
        result = calibrate(keys=keys, through=args.through)
    say(f"Hindcast {result.start} to {result.through}, driven by the recorded monthly casualties; "
        f"weighted sum of squared residuals {2 * result.cost:.3g} ({result.message})\n")
    say("Fitted parameters (95% intervals from the Jacobian; at_bound: the optimum is on the range's edge)")
    print_table(result.fitted.drop(columns=["start"]))
    say("\nResiduals ((simulated - observed) / sd; a floor counts only when the model is below it)")
    print_table(result.residuals, {"weighted": "rate"}, index=False)
    tables = atomic_write(fitted, lambda tmp: result.fitted.to_csv(tmp))
    residuals = atomic_write(residuals, lambda tmp: result.residuals.to_csv(tmp, index=False))
    figure = save_figure(calibration_figure(result), figure)
    say(f"\nWrote {tables}, {residuals} and {figure}")
    if args.save is not None:
        path = save_overlay(result, args.save, base, force=args.force)
        say(f"Wrote {path}: project from the fitted state with `manpower run --scenario {args.save}`")
    return 0


def _posterior(args: argparse.Namespace) -> int:
    """``manpower calibrate --posterior``: the Bayesian calibration, stored where every command reads it."""
    from ..calibration.posterior import calibrate_posterior
    from ..calibration.stored import describe_written, write_posterior
    from ..inputs.start import data_end
    from ..results.io import atomic_write

    from ..calibration.posterior import N_PRIOR

    with progress(args, "sampling the prior and weighting it by the record"):
        result = calibrate_posterior(through=args.through,
                                     n_prior=N_PRIOR if args.n_prior is None else args.n_prior,
                                     seed=0 if args.seed is None else args.seed)
    d = result.diagnostics
    say(f"Posterior of {len(result.keys)} parameters given the record {result.settings['start']} to "
        f"{result.settings['through']}: {result.settings['sampler']}, {d['n_prior']:,} prior runs in "
        f"{d['seconds']:.1f} s; effective sample {d['ess']:,.0f}, Pareto k {d['pareto_k']:.2f} "
        f"({'reliable' if d['reliable'] else 'NOT reliable: more prior runs needed'}); "
        f"{d['rejected']:,} runs could not have produced the record\n")
    summary = result.summary.sort_values("pinned", ascending=False)
    say("What the record pinned down (pinned: 1 - posterior variance / prior variance; 5%, 50%, 95%)")
    print_table(summary, "rate")
    say("\nParties' claims: posterior of each series' multiplicative bias (claimed / model)")
    print_table(result.bias, "rate")
    say("\nThe record against the posterior (5%, 50%, 95% of the model's value; a floor is a lower bound, "
        "a ceiling an upper bound)")
    print_table(result.fit, index=False)
    out = Path(args.out)
    table = atomic_write(out / "posterior_summary.csv", lambda tmp: result.summary.to_csv(tmp))
    say(f"\nWrote {table}.")
    if not d["reliable"]:
        say("The posterior is NOT stored: its diagnostics fail (run again with a larger --n-prior).")
        return 1
    if result.settings["through"] != data_end():
        say(f"The posterior is NOT stored: it is fitted to the record through {result.settings['through']}, but "
            f"projections start after the record's end ({data_end()}); without --through it is stored.")
        return 0
    stored = write_posterior(result)
    say(f"{describe_written(stored)}: every command now draws from it (--prior to ignore it)")
    return 0
