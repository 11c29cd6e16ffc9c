"""The ``manpower`` command line.

This module parses the command line, checks every option before any work and
calls the command (:mod:`model.commands`, one module per job). Bad input of any
kind prints one line, ``manpower: error: FILE: KEY: what was expected``, on
standard error and exits with status 2; Ctrl-C exits with status 130.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__
from .commands.backtest import cmd_backtest, parse_horizons
from .commands.calibration import cmd_calibrate, fitted_keys
from .commands.common import check_once
from .commands.discover import check_discover, cmd_discover
from .commands.documents import cmd_docs, cmd_report, cmd_validate
from .commands.interchange import check_export, cmd_export
from .commands.projections import cmd_breakeven, cmd_compare, cmd_run
from .commands.provenance import FORMATS, cmd_explain, cmd_params
from .commands.scenario import cmd_scenario_check, cmd_scenario_new
from .commands.sweep import cmd_sweep
from .commands.uncertainty import KEEP, cmd_sensitivity, cmd_uncertainty
from .commands.update import cmd_update
from .core.defaults import (BACKENDS, BASELINE, BREAKEVEN_TARGETS, DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START,
                            INTEGRATORS, SAMPLERS, SENSITIVITY_METHODS)
from .errors import InputError
from .inputs.start import StartBeyondDataWarning

# The libraries and layers below are imported inside the commands that use them (model/commands/), so that
# `manpower --help` and a refused option cost no numba, xarray, pandas or pint (benchmarks/bench_import.py,
# tests/test_imports.py).


SCENARIO_HELP = "scenario name (scenarios/NAME.yaml in the parameter folder) or the path of an overlay file (.yaml)"


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one-line :class:`InputError` instead of usage text and ``exit(2)``."""

    def error(self, message: str):
        found = re.match(r"argument ([^:]+): (.*)", message)
        if found:
            option = found.group(1).split("/")[-1]
            raise InputError(self.prog, option, f"{found.group(2)} (see {self.prog} --help)")
        raise InputError(self.prog, "(arguments)", f"{message} (see {self.prog} --help)")


def _whole(text: str) -> int:
    """An argparse type: a whole number (range checks come later, with the option's name)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def _scenario(value: str) -> str:
    """A scenario name, or the path of an overlay file (``.yaml``) anywhere; a bare ``NAME.yaml`` is the name."""
    if not value.strip():
        raise InputError("--scenario", repr(value), "expected a scenario name or the path of an overlay file (.yaml)")
    if not value.endswith(".yaml") and "/" not in value and os.sep not in value:
        return value
    path = Path(value)
    if path.suffix == ".yaml" and path.is_file():
        return str(path)
    if path.suffix == ".yaml" and len(path.parts) == 1:
        return path.stem
    raise InputError("--scenario", value, "expected a scenario name or the path of an existing overlay file (.yaml)")


#: Commands whose --out names a file (the others name a folder), with the suffixes it may end in (empty: the
#: command checks the suffix itself).
_FILE_OUT = {"report": (".html", ".pdf"), "docs": (".md",), "backtest": (".csv",), "scenario": (), "export": ()}

#: Options naming something in words (a scenario, a key, an address): given, they may not be empty, which would
#: silently mean the default. Each with what is expected.
_WORDS = {"save": "a scenario name", "based_on": "a scenario name", "lever": "a parameter key, e.g. "
          "volunteer.signups", "key": "a parameter key or the prefix of keys, e.g. casualties",
          "title": "a few words naming the scenario", "description": "one sentence saying what the scenario is",
          "scheduler": "the address of a dask.distributed scheduler"}


def check_arguments(args: argparse.Namespace) -> None:
    """Every option's value, checked before any work (one-line :class:`InputError` naming the option)."""
    from .inputs import limits

    def given(name: str) -> object:
        return getattr(args, name, None)

    for option, expected in _WORDS.items():
        if isinstance(given(option), str) and not given(option).strip():
            raise InputError(f"--{option.replace('_', '-')}", repr(given(option)), f"expected {expected}")
    if given("months") is not None:
        limits.months(args.months, "--months", str(args.months))
    if given("dt") is not None:
        limits.step(args.dt, "--dt", f"{args.dt:g}")
    if given("start") is not None:
        limits.month(args.start, "--start", args.start)
    if given("seed") is not None:
        limits.seed(args.seed, "--seed", str(args.seed))
    for option in ("n", "top", "sobol_n", "boxes"):
        if given(option) is not None:
            limits.whole(given(option), f"--{option.replace('_', '-')}", str(given(option)), 1)
    if given("threshold") is not None:
        limits.finite(args.threshold, "--threshold", f"{args.threshold:g}", minimum=0.0)
    if args.command == "discover":
        check_discover(args)
    if args.command == "export":
        check_export(args)
    if given("below") is not None:
        limits.finite(args.below, "--below", f"{args.below:g}", minimum=0.0)
        if given("threshold") is not None:
            raise InputError("--below", f"{args.below:g}", "expected either --below (a share of each run's own start) "
                                                           "or --threshold (persons), not both")
    if args.command == "calibrate":
        _check_calibrate(args)
    if given("scenario") is not None:
        args.scenario = _scenario(args.scenario)
    for option, where in (("names", "names"), ("scenarios", "--scenarios")):
        if given(option):
            setattr(args, option, [_scenario(name) for name in given(option)])
            check_once(given(option), where, "scenario")
    if given("horizons") is not None:
        parse_horizons(args.horizons)
    if given("out") is not None and not (args.command == "export" and args.out == "-"):
        from .results.io import check_output
        check_output(args.out, "--out", file=args.command in _FILE_OUT, suffixes=_FILE_OUT.get(args.command, ()))
    if given("csv") is not None or given("xlsx") is not None:
        from .commands.common import check_exports
        check_exports(args)
    if given("no_save") and given("keep") is not None:
        raise InputError("--keep", args.keep, "expected either --no-save (write no NetCDF file or figure) or --keep, "
                                              "not both")
    if args.command == "uncertainty" and args.keep is None:
        args.keep = "all"


def _check_calibrate(args: argparse.Namespace) -> None:
    """``calibrate``'s two modes take their own options: least squares ``--params``, ``--save``, ``--force``; the
    Bayesian calibration ``--n-prior`` and ``--seed``."""
    if args.posterior:
        for option in ("params", "save", "force"):
            if getattr(args, option) not in (None, False):
                raise InputError(f"--{option}", str(getattr(args, option)), "expected no --params, --save or "
                                 "--force with --posterior (it fits every uncertain parameter and stores the "
                                 "posterior in params/posterior/)")
    else:
        for option in ("n_prior", "seed"):
            if getattr(args, option) is not None:
                raise InputError(f"--{option.replace('_', '-')}", str(getattr(args, option)),
                                 "expected --posterior with it (the least-squares fit has no prior sample)")
        if args.params is not None:
            fitted_keys(args.params)


def _check_sizes(args: argparse.Namespace) -> None:
    """The library's own checks of a command's sizes, run before the command writes anything."""
    checks = {"uncertainty": _check_uncertainty, "sensitivity": _check_sensitivity, "sweep": _check_sweep,
              "discover": lambda a: a.sweep is not None or _check_uncertainty(a)}
    if args.command in checks:
        checks[args.command](args)


#: The option (its argparse name) that gives each argument of the library's functions.
OPTION_OF = {"n": "n", "seed": "seed", "months": "months", "dt": "dt", "start": "start", "workers": "workers",
             "backend": "backend", "lever": "lever", "target": "target", "integrator": "method", "sampler": "method",
             "method": "method", "keys": "params", "through": "through", "name": "save", "sobol_n": "sobol_n",
             "n_prior": "n_prior", "first_origin": "first_origin", "last_origin": "last_origin", "every": "every",
             "horizons": "horizons", "boxes": "boxes", "scheduler": "scheduler"}


def as_option(exc: InputError, args: argparse.Namespace | None) -> InputError:
    """A library function's error about one of its arguments (``breakeven: lever: ...``) as the option that
    gave it (``--lever: VALUE: ...``); any other error (a file, an option already) as it is."""
    option = OPTION_OF.get(exc.key)
    if args is None or not exc.where.isidentifier() or getattr(args, option or "", None) is None:
        return exc
    return InputError(f"--{option.replace('_', '-')}", str(getattr(args, option)), exc.expected)


# Each command's size check imports only what that command needs (SALib for sensitivity alone).
def _check_uncertainty(args: argparse.Namespace) -> None:
    from .analysis import uncertainty
    from .inputs.parameters import load_params

    uncertainty.check_size(load_params(args.scenario, prior=args.prior), args.n, args.months, args.dt)


def _check_sensitivity(args: argparse.Namespace) -> None:
    from .analysis import sensitivity
    from .inputs.parameters import load_params

    sensitivity.check_size(load_params(args.scenario, prior=args.prior), args.method, args.n, args.months, args.dt)


def _check_sweep(args: argparse.Namespace) -> None:
    from .sweeps import run as sweeps

    sweeps.check_workers(args.workers)
    sweeps.check_cluster(args.backend)


def _default_start_text() -> str:
    """The default start month of the parameter folder for ``--help`` (or why it cannot be read)."""
    from .inputs.start import default_start

    try:
        return f"now {default_start()}"
    except InputError as exc:
        return f"unreadable now: {exc}"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="manpower", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"manpower-model {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def prior_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--prior", action="store_true", help="ignore the posterior calibrated to the record "
                         "(params/posterior/): the registry's values and ranges alone, labelled as such")

    def scenario_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--scenario", default=BASELINE, help=SCENARIO_HELP)
        prior_option(sub)
        sub.add_argument("--set", action="append", metavar="KEY=VALUE",
                         help="override a parameter, e.g. casualties.monthly=50000 or "
                              "'casualties.monthly=1600 person/day' (repeatable)")

    def progress_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--no-progress", action="store_true", help="no progress line on standard error (shown "
                         "only when it is a terminal)")

    def export_options(sub: argparse.ArgumentParser, what: str) -> None:
        sub.add_argument("--csv", metavar="FILE", help=f"also write {what} as CSV (units in the headers)")
        sub.add_argument("--xlsx", metavar="FILE", help=f"also write {what} as an Excel workbook, with a sheet "
                         "'about' (source, version, digest, command)")

    def horizon_options(sub: argparse.ArgumentParser, start: bool = True) -> None:
        sub.add_argument("--months", type=_whole, default=DEFAULT_MONTHS, help="horizon in months (default 36)")
        sub.add_argument("--dt", type=_number, default=DEFAULT_DT,
                         help="step in months, dividing a month (default 0.25)")
        if start:
            sub.add_argument("--start", default=DEFAULT_START, help="first month, YYYY-MM (default: the month after "
                             f"the casualty record ends, {_default_start_text()})")

    run = commands.add_parser("run", help="project one scenario, print a summary, write NetCDF and a figure")
    scenario_options(run)
    horizon_options(run)
    run.add_argument("--method", default="euler", choices=INTEGRATORS)
    run.add_argument("--out", default="results", help="output folder (default results/)")
    export_options(run, "the run month by month (and, in the workbook, its average monthly balance)")
    progress_option(run)
    run.set_defaults(handler=cmd_run)

    compare = commands.add_parser("compare", help="run scenarios side by side; table, CSV, NetCDF and figure")
    compare.add_argument("names", nargs="*", metavar="NAME", help="scenarios (default: all in params/scenarios)")
    horizon_options(compare)
    compare.add_argument("--no-breakeven", action="store_true", help="skip the break-even columns")
    prior_option(compare)
    compare.add_argument("--out", default="results", help="output folder (default results/)")
    export_options(compare, "the comparison table")
    progress_option(compare)
    compare.set_defaults(handler=cmd_compare)

    even = commands.add_parser("breakeven", help="value of a parameter at which the force just holds")
    scenario_options(even)
    horizon_options(even)
    even.add_argument("--lever", required=True, help="numeric parameter key, e.g. volunteer.signups")
    even.add_argument("--target", default="front", choices=BREAKEVEN_TARGETS,
                      help="front: front strength at the horizon equals today's (default); "
                           "net: recruitment equals permanent losses over the horizon")
    progress_option(even)
    even.set_defaults(handler=cmd_breakeven)

    mc = commands.add_parser("uncertainty", help="Monte Carlo: draws from the posterior given the record (the "
                             "registry's ranges where it has none), percentiles, fan chart")
    mc.add_argument("--scenario", default=BASELINE, help=SCENARIO_HELP)
    prior_option(mc)
    mc.add_argument("--n", type=_whole, default=10_000, help="number of runs (default 10,000)")
    mc.add_argument("--seed", type=_whole, default=0, help="seed of the sample (default 0)")
    mc.add_argument("--method", default="lhs", choices=SAMPLERS)
    mc.add_argument("--threshold", type=_number, help="front strength (persons) whose undershoot is reported "
                                                    "(default: each run's own starting strength, see --below)")
    mc.add_argument("--below", type=_number, help="without --threshold: report the front falling "
                    "below this share of each run's own starting strength (default 1: below where it started)")
    horizon_options(mc)
    mc.add_argument("--out", default="results", help="output folder (default results/)")
    mc.add_argument("--keep", choices=KEEP, help="all: every run in uncertainty_NAME.nc (the default; about "
                    "220 MB for 10,000 runs); summary: only the percentiles over runs, month by month, in "
                    "uncertainty_NAME_summary.nc")
    mc.add_argument("--no-save", action="store_true", help="write no NetCDF file and no figure (only --csv or "
                    "--xlsx if given)")
    export_options(mc, "the percentiles over runs (and, in the workbook, month by month)")
    progress_option(mc)
    mc.set_defaults(handler=cmd_uncertainty)

    disc = commands.add_parser("discover", help="scenario discovery (PRIM): the boxes of parameter space in which "
                               "an outcome happens, over a Monte Carlo or a sweep store")
    disc.add_argument("--outcome", required=True, help="deficit_before:YYYY-MM, front_below_start, "
                      "pool_exhausted:SOURCE, or METRIC<VALUE / METRIC>VALUE (e.g. net_horizon<0)")
    disc.add_argument("--threshold", type=_number, default=0.8, help="density a box must reach, 0 to 1 (default 0.8)")
    disc.add_argument("--boxes", type=_whole, default=2, help="boxes to look for, one after another (default 2)")
    disc.add_argument("--sweep", metavar="STORE", help="discover over this sweep store instead of a Monte Carlo")
    disc.add_argument("--scenario", default=BASELINE, help=SCENARIO_HELP)
    prior_option(disc)
    disc.add_argument("--n", type=_whole, default=10_000, help="Monte Carlo runs (default 10,000)")
    disc.add_argument("--seed", type=_whole, default=0, help="seed of the sample (default 0)")
    disc.add_argument("--method", default="lhs", choices=SAMPLERS)
    horizon_options(disc)
    disc.add_argument("--out", default="results", help="output folder (default results/)")
    disc.set_defaults(handler=cmd_discover)

    sw = commands.add_parser("sweep", help="run a sweep spec in chunks into a resumable store")
    sw.add_argument("spec", help="sweep spec (YAML); see model/sweeps/spec.py and benchmarks/specs/")
    sw.add_argument("--out", help="store folder (default results/sweep-NAME)")
    sw.add_argument("--backend", default="inline", choices=BACKENDS)
    sw.add_argument("--scheduler", help="address of a dask.distributed scheduler (dask backend)")
    sw.add_argument("--workers", type=_whole, help="worker processes (processes and local dask; default 2)")
    sw.add_argument("--resume", action="store_true", help="finish an interrupted sweep in --out")
    sw.add_argument("--keep-parameters", action="store_true", help="store every run's parameter values too "
                    "(float32, compressed; as keep: {parameters: true}); without it they are regenerated on demand")
    sw.add_argument("--no-progress", action="store_true", help="no progress bar")
    export_options(sw, "the percentiles of each kept metric over each scenario's runs")
    sw.set_defaults(handler=cmd_sweep)

    sens = commands.add_parser("sensitivity", help="global sensitivity (SALib Sobol or Morris) of the key outputs")
    sens.add_argument("--scenario", default=BASELINE, help=SCENARIO_HELP)
    prior_option(sens)
    sens.add_argument("--method", default="sobol", choices=SENSITIVITY_METHODS)
    sens.add_argument("--n", type=_whole, default=1024, help="SALib base sample size (default 1024)")
    sens.add_argument("--seed", type=_whole, default=0)
    sens.add_argument("--top", type=_whole, default=10, help="parameters listed per output (default 10)")
    horizon_options(sens)
    sens.add_argument("--out", default="results", help="output folder (default results/)")
    progress_option(sens)
    sens.set_defaults(handler=cmd_sensitivity)

    cal = commands.add_parser("calibrate", help="fit parameters to the public record with a hindcast from 2023")
    cal.add_argument("--through", help="last recorded month to fit, YYYY-MM (default params/hindcast/calibration.yaml)")
    cal.add_argument("--params", help="comma-separated keys to fit (default: the configuration's `fit` list)")
    cal.add_argument("--save", metavar="NAME", help="save the fit as scenario overlay scenarios/NAME.yaml in the "
                     "user's parameter folder ($MANPOWER_PARAMS, a checkout's params/, else "
                     "~/.local/share/manpower-model/params)")
    cal.add_argument("--force", action="store_true", help="with --save: overwrite an existing file or shadow a "
                     "shipped scenario")
    cal.add_argument("--posterior", action="store_true", help="Bayesian calibration of every uncertain parameter "
                     "(importance sampling of a large prior sample), stored in params/posterior/ where every "
                     "command reads it; --params and --save do not apply")
    cal.add_argument("--n-prior", type=_whole, help="with --posterior: prior runs (default 200,000)")
    cal.add_argument("--seed", type=_whole, help="with --posterior: seed of the prior sample (default 0)")
    cal.add_argument("--out", default="results", help="output folder (default results/)")
    progress_option(cal)
    cal.set_defaults(handler=cmd_calibrate)

    test = commands.add_parser("backtest", help="forecast skill: rolling-origin backtest of the casualty record "
                                                "against naive forecasters; coverage, CRPS, targets")
    test.add_argument("--first-origin", default="2023-06", help="first forecast origin, YYYY-MM (default 2023-06)")
    test.add_argument("--last-origin", default="2024-06", help="last forecast origin, YYYY-MM (default 2024-06)")
    test.add_argument("--every", type=_whole, default=3, help="months between origins (default 3)")
    test.add_argument("--horizons", default="3,6,12", help="months ahead reported, comma-separated (default 3,6,12)")
    test.add_argument("--n", type=_whole, default=2000, help="predictive paths per forecast (default 2,000)")
    test.add_argument("--seed", type=_whole, default=0, help="seed of the paths (default 0)")
    test.add_argument("--out", help="also write the table to this CSV file")
    progress_option(test)
    test.set_defaults(handler=cmd_backtest)

    val = commands.add_parser("validate", help="run the validation tests and write docs/VALIDATION.md with figures")
    val.add_argument("--out", default="docs", help="folder of VALIDATION.md (default docs/)")
    val.add_argument("--n", type=_whole, default=2000, help="Monte Carlo runs for the conclusions (default 2000)")
    val.add_argument("--seed", type=_whole, default=0)
    progress_option(val)
    val.set_defaults(handler=cmd_validate)

    params = commands.add_parser("params", help="print the parameter registry with provenance")
    scenario_options(params)
    params.add_argument("--format", default="table", choices=FORMATS)
    params.add_argument("--key", help="only this key, or keys under this prefix (e.g. casualties)")
    params.set_defaults(handler=cmd_params)

    explain = commands.add_parser("explain", help="where an output or a parameter comes from")
    explain.add_argument("name", help="an output variable (e.g. front, net) or a parameter key")
    explain.add_argument("--full", action="store_true",
                         help="every parameter's description, quote, URL and assumption under it")
    scenario_options(explain)
    explain.set_defaults(handler=cmd_explain)
    upd = commands.add_parser("update", help="after appending a month to the casualty record: check it, refit, "
                                             "start after the data, regenerate the outputs, keep a dated forecast")
    upd.add_argument("--check", action="store_true", help="only check the record; write nothing")
    upd.add_argument("--through", metavar="YYYY-MM", help="only write the forecast as of this month of the record "
                     "(refitted in a temporary copy with the record cut after it); change nothing else")
    upd.add_argument("--n", type=_whole, default=2000, help="Monte Carlo runs of the forecast (default 2,000)")
    upd.add_argument("--seed", type=_whole, default=0, help="seed of the forecast's sample (default 0)")
    horizon_options(upd, start=False)  # the start follows the data
    upd.add_argument("--out", default="results", help="folder of the regenerated comparison (default results/)")
    progress_option(upd)
    upd.set_defaults(handler=cmd_update)

    docs = commands.add_parser("docs", help="write docs/MODEL.md from the model's structure and registry")
    docs.add_argument("--out", default="docs/MODEL.md")
    docs.set_defaults(handler=cmd_docs)

    brief = commands.add_parser("report", help="write a self-contained HTML briefing: answer, tables, figures, "
                                               "sensitivity, assumptions, provenance")
    brief.add_argument("--scenarios", nargs="+", metavar="NAME", help="scenarios (default: all in params/scenarios)")
    brief.add_argument("--n", type=_whole, default=2000, help="Monte Carlo runs per scenario (default 2,000)")
    brief.add_argument("--seed", type=_whole, default=0, help="seed of the samples (default 0)")
    brief.add_argument("--sobol-n", type=_whole, default=256, help="SALib base sample size, a power of 2 (default 256)")
    horizon_options(brief)
    brief.add_argument("--out", default="results/brief.html", help="HTML file, or a PDF laid out on A4 when it ends "
                       "in .pdf (needs the extra pdf) (default results/brief.html)")
    prior_option(brief)
    progress_option(brief)
    brief.set_defaults(handler=cmd_report)

    scenario = commands.add_parser("scenario", help="write a scenario overlay from changes and their reasons, or "
                                                    "check one")
    actions = scenario.add_subparsers(dest="action", required=True)
    new = actions.add_parser("new", help="write scenarios/NAME.yaml: --set changes on a base scenario, each with "
                                         "its reason (an assumption in the parameters' provenance)")
    new.add_argument("name", metavar="NAME", help="the new scenario's name (lower-case letters, digits, _)")
    new.add_argument("--based-on", default=BASELINE, help="the scenario it changes (default baseline); its "
                     "changes are kept: the overlay names it as based_on")
    new.add_argument("--set", action="append", metavar="KEY=VALUE", required=True,
                     help="a change, e.g. casualties.monthly=50000 or 'casualties.monthly=1600 person/day' "
                          "(repeatable)")
    new.add_argument("--reason", action="append", required=True, help="why: one for all the changes, or one "
                     "per --set in their order (repeatable)")
    new.add_argument("--title", help="a few words naming the scenario for people, in figures, tables and the brief "
                     "(default: NAME with spaces)")
    new.add_argument("--description", help="one sentence saying what the scenario is (default: from the changes)")
    new.add_argument("--out", metavar="FILE", help="write FILE (named NAME.yaml) instead of scenarios/NAME.yaml "
                     "in the user's parameter folder ($MANPOWER_PARAMS, a checkout's params/, else "
                     "~/.local/share/manpower-model/params)")
    new.add_argument("--force", action="store_true", help="overwrite an existing file or shadow a shipped scenario")
    new.set_defaults(handler=cmd_scenario_new)
    check = actions.add_parser("check", help="validate an overlay file and list what it changes relative to the "
                                             "baseline")
    check.add_argument("file", metavar="FILE", help="the overlay file (.yaml)")
    check.set_defaults(handler=cmd_scenario_check)

    out = commands.add_parser("export", help="write the model of a scenario (or of one Monte Carlo draw) as a "
                                             "Vensim (.mdl) or XMILE file, for Vensim, Stella and PySD")
    scenario_options(out)
    horizon_options(out)
    out.add_argument("--format", choices=("mdl", "xmile"), help="mdl (Vensim, PySD) or xmile (Stella, PySD); "
                     "default: from the suffix of --out, else mdl")
    out.add_argument("--draw", type=_whole, metavar="RUN", help="export run RUN (0 to N-1) of the Monte Carlo "
                     "sample that `manpower uncertainty --scenario NAME` draws with the same --n, --seed and "
                     "--method (not with --set: a sample draws the registry's values)")
    out.add_argument("--n", type=_whole, help="with --draw: runs in the sample (default 10,000)")
    out.add_argument("--seed", type=_whole, help="with --draw: seed of the sample (default 0)")
    out.add_argument("--method", choices=SAMPLERS, help="with --draw: the sampler (default lhs)")
    out.add_argument("--out", metavar="FILE", help="the file to write (default results/model_SCENARIO.mdl or "
                     ".xmile, model_SCENARIO_drawRUN.mdl for a draw); - writes to standard output")
    out.set_defaults(handler=cmd_export)
    return parser


def argv_command(argv: Sequence[str] | None) -> str | None:
    """The subcommand named on the command line, if any (the first word that is not an option)."""
    words = sys.argv[1:] if argv is None else argv
    return next((w for w in words if not w.startswith("-")), None)


def _one_line_warnings():
    """A ``warnings.showwarning`` that shows a warning as the command's other messages are shown, one line on
    standard error, and each distinct line once (a warning raised by every run of a comparison is one line)."""
    shown: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None) -> None:
        text = f"manpower: warning: {' '.join(str(message).split())}"
        if text not in shown:
            shown.add(text)
            print(text, file=sys.stderr)
    return show


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``manpower`` command; returns the exit status (2 for bad input, 130 for Ctrl-C)."""
    args = None
    try:
        args = build_parser().parse_args(argv)
        args.command_line = shlex.join(["manpower", *(sys.argv[1:] if argv is None else argv)])  # CF history
        check_arguments(args)
        _check_sizes(args)
        with warnings.catch_warnings():
            warnings.showwarning = _one_line_warnings()
            warnings.simplefilter("always", StartBeyondDataWarning)  # said once, whatever the caller's filters
            return args.handler(args)
    except InputError as exc:
        print(f"manpower: error: {' '.join(str(as_option(exc, args)).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        resume = " (finish the sweep with --resume)" if argv_command(argv) == "sweep" else ""
        print(f"manpower: interrupted{resume}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stdout = open(os.devnull, "w")
        return 0


if __name__ == "__main__":
    sys.exit(main())
