"""The ``manpower`` command line.

Bad input of any kind prints one line, ``manpower: error: FILE: KEY: what was
expected``, on standard error and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__
from .core.defaults import BASELINE, DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START
from .errors import InputError

# The libraries and layers below are imported inside the commands that use them, so that `manpower --help`
# and a refused option cost no numba, xarray, pandas or pint (benchmarks/bench_import.py).


def parse_assignments(items: Sequence[str] | None) -> dict[str, object]:
    """``["KEY=VALUE", ...]`` from ``--set`` into ``{key: value}`` (VALUE as YAML: number, list, or text with a unit)."""
    import yaml

    from .inputs import spec as specs
    from .inputs.textfiles import load_yaml

    overrides: dict[str, object] = {}
    for item in items or ():
        key, sep, raw = item.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key or not raw:
            raise InputError("--set", item, "expected KEY=VALUE, e.g. --set casualties.monthly=50000")
        try:
            value = load_yaml(raw)  # 5e4 is a number, as people mean it
        except yaml.YAMLError:
            value = raw
        expected = specs.BY_KEY.get(key)
        if isinstance(value, list) and expected is not None and expected.kind is not specs.SCHEDULE:
            raise InputError("--set", key, f"expected one number in {expected.unit}, got the list {raw}")
        overrides[key] = value
    return overrides


def _params(args: argparse.Namespace):
    """The scenario with the ``--set`` overrides; a value outside its range is printed as one warning line."""
    from .inputs.parameters import load_params
    from .inputs.registry import OutOfRangeWarning

    params = load_params(args.scenario)
    overrides = parse_assignments(getattr(args, "set", None))
    if not overrides:
        return params
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)  # printed below, as one line each
        params = params.with_values(overrides, where="--set")
    for line in params.range_warnings():
        print(f"manpower: warning: {line}", file=sys.stderr)
    return params


def cmd_run(args: argparse.Namespace) -> int:
    from .present.plots import run_figure
    from .results.io import save_figure, write_netcdf
    from .results.simulate import simulate
    from .results.summary import text_summary

    params = _params(args)
    ds = simulate(params, months=args.months, dt=args.dt, start=args.start, method=args.method)
    print(text_summary(ds))
    out = Path(args.out)
    netcdf = write_netcdf(ds, out / f"{params.file_stem}.nc", command=args.command_line)
    figure = save_figure(run_figure(ds), out / f"{params.file_stem}.png")
    print(f"\nWrote {netcdf} and {figure}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from .analysis.comparison import compare, comparison_table
    from .inputs.parameters import load_params
    from .present.plots import comparison_figure
    from .results.io import atomic_write, save_figure, write_netcdf

    names = args.names or None
    for name in names or ():
        load_params(name)  # an unknown name fails here, before any run
    ds = compare(names, months=args.months, dt=args.dt, start=args.start)
    table = comparison_table(ds, with_breakeven=not args.no_breakeven)
    with _wide_pandas():
        print(f"Scenarios compared over {ds.sizes['time'] - 1} months from {ds.attrs['start']} "
              "(flows: persons over the horizon; break-even: persons per month)\n")
        print(table.T.to_string(float_format=lambda v: f"{v:,.0f}"))
    out = Path(args.out)
    csv = atomic_write(out / "comparison.csv", lambda tmp: table.to_csv(tmp))
    netcdf = write_netcdf(ds, out / "comparison.nc", command=args.command_line)
    figure = save_figure(comparison_figure(ds), out / "comparison.png")
    print(f"\nWrote {csv}, {netcdf} and {figure}")
    return 0


def cmd_breakeven(args: argparse.Namespace) -> int:
    from .analysis.breakeven import solve

    params = _params(args)
    print(solve(params, args.lever, args.target, months=args.months, dt=args.dt, start=args.start))
    return 0


def cmd_uncertainty(args: argparse.Namespace) -> int:
    import pandas as pd

    from .analysis.uncertainty import deficit_probability, deficit_share, front_below, percentiles, uncertainty
    from .inputs.parameters import load_params
    from .present.plots import fan_chart
    from .results.io import save_figure, write_netcdf

    params = load_params(args.scenario)  # an unknown scenario fails before sampling
    name = params.scenario  # a scenario given as a file is named by it
    ds = uncertainty(args.scenario, n=args.n, seed=args.seed, months=args.months, method=args.method,
                     dt=args.dt, start=args.start)
    threshold = args.threshold if args.threshold is not None else float(params.value("force.deployed_total"))
    print(f"Scenario {name}: {args.n:,} runs ({args.method}, seed {args.seed}), "
          f"{ds.sizes['time'] - 1} months from {ds.attrs['start']}\n")
    with _wide_pandas():
        print(percentiles(ds).to_string(float_format=lambda v: f"{v:,.0f}"))
        print(f"\nShare of runs in which losses exceed inflow in some month: {deficit_share(ds):.2f}")
        deficit = deficit_probability(ds).to_series()
        below = front_below(ds, threshold).to_series()
        table = pd.DataFrame({"P(losses > inflow)": deficit, f"P(front < {threshold:,.0f})": below})
        table.index = table.index.strftime("%Y-%m")
        print("\nBy month (share of runs):")
        print(table.iloc[::3].to_string(float_format=lambda v: f"{v:.2f}"))
    out = Path(args.out)
    netcdf = write_netcdf(ds, out / f"uncertainty_{name}.nc", command=args.command_line)
    figure = save_figure(fan_chart(ds, threshold), out / f"fan_{name}.png")
    print(f"\nWrote {netcdf} (samples and outputs) and {figure}")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from .sweeps.run import sweep
    from .sweeps.spec import SweepSpec

    spec = SweepSpec.load(args.spec)
    store = Path(args.out) if args.out else Path("results") / f"sweep-{spec.spec.name}"
    print(f"Sweep {spec.spec.name}: {spec.n_runs:,} runs in {len(spec.chunks()):,} chunks of up to "
          f"{spec.spec.chunk:,} ({args.backend} backend) -> {store}")
    sweep(spec, store, backend=args.backend, scheduler=args.scheduler, workers=args.workers, resume=args.resume,
          progress=not args.no_progress)
    print(f"Done. Open it with: model.sweeps.open_store({str(store)!r})")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from .analysis.sensitivity import ranking, sensitivity
    from .inputs.parameters import load_params
    from .present.plots import sensitivity_chart
    from .results.io import atomic_write, save_figure

    name = load_params(args.scenario).scenario  # an unknown scenario fails before sampling
    result = sensitivity(args.scenario, method=args.method, n=args.n, seed=args.seed, months=args.months,
                         dt=args.dt, start=args.start)
    print(f"{args.method.capitalize()} sensitivity of scenario {name}: {result.attrs['runs']:,} runs, "
          f"seed {args.seed}, {result.sizes['parameter']} uncertain parameters\n")
    with _wide_pandas():
        for output in result.output.values:
            print(f"{output}: top {args.top}")
            print(ranking(result, str(output)).head(args.top).to_string(float_format=lambda v: f"{v:.3g}"))
            print()
    out = Path(args.out)
    table = result.drop_vars("parameter_unit").to_dataframe()
    csv = atomic_write(out / f"sensitivity_{name}_{args.method}.csv", lambda tmp: table.to_csv(tmp))
    figure = save_figure(sensitivity_chart(result, args.top), out / f"sensitivity_{name}_{args.method}.png")
    print(f"Wrote {csv} and {figure}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    from .calibration.fit import calibrate, check_scenario_name, save_overlay
    from .inputs.parameters import load_params
    from .present.plots import calibration_figure
    from .results.io import atomic_write, save_figure

    if args.save:  # refused before minutes of fitting; the projection keeps the baseline's ranges
        check_scenario_name(args.save, force=args.force)
        base = load_params(BASELINE)
    keys = [k.strip() for k in args.params.split(",") if k.strip()] if args.params else None
    result = calibrate(keys, args.through)
    print(f"Hindcast {result.start} to {result.through}, driven by the recorded monthly casualties; "
          f"weighted sum of squared residuals {2 * result.cost:.3g} ({result.message})\n")
    with _wide_pandas():
        fitted = result.fitted.drop(columns=["start"])
        print("Fitted parameters (95% intervals from the Jacobian; at_bound: the optimum is on the range's edge)")
        print(fitted.to_string(float_format=lambda v: f"{v:.4g}"))
        print("\nResiduals ((simulated - observed) / sd; a floor counts only when the model is below it)")
        print(result.residuals.to_string(float_format=lambda v: f"{v:,.2f}", index=False))
    out = Path(args.out)
    tables = atomic_write(out / "calibration_fitted.csv", lambda tmp: result.fitted.to_csv(tmp))
    residuals = atomic_write(out / "calibration_residuals.csv", lambda tmp: result.residuals.to_csv(tmp, index=False))
    figure = save_figure(calibration_figure(result), out / "calibration.png")
    print(f"\nWrote {tables}, {residuals} and {figure}")
    if args.save:
        path = save_overlay(result, args.save, base, force=args.force)
        print(f"Wrote {path}: project from the fitted state with `manpower run --scenario {args.save}`")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .present.validation import write_report

    path = write_report(args.out, n=args.n, seed=args.seed)
    print(f"Wrote {path} and its figures in {Path(args.out) / 'figures'}")
    return 0


def cmd_params(args: argparse.Namespace) -> int:
    from .results.dataset import expand_keys

    params = _params(args)
    table = params.table()
    if args.key:
        keys = [args.key] if args.key in table.index else expand_keys([args.key.rstrip(".") + "."], table.index)
        if not keys:
            raise InputError("--key", args.key, "expected a parameter key or a prefix such as 'casualties'")
        table = table.loc[keys]
    if args.format == "csv":
        table.to_csv(sys.stdout)
    elif args.format == "json":
        print(json.dumps([_json_record(params[key]) for key in table.index], indent=2, ensure_ascii=False))
    else:
        columns = ["value", "unit", "low", "high", "as_registered", "source", "date"]
        with _wide_pandas():
            print(table[columns].to_string())
        print("\nFull provenance (quote, assumption, url): manpower params --format csv | json, "
              "or manpower explain KEY")
    return 0


def _json_record(parameter) -> dict[str, object]:
    """A parameter's provenance with its value and range as JSON numbers (schedules as lists of events)."""
    import numpy as np

    value = parameter.value
    if isinstance(value, tuple):
        value = [event.model_dump() for event in value]
    elif not isinstance(value, str):
        value = np.asarray(value, dtype=float).tolist()
    return {**parameter.provenance(), "value": value, "low": parameter.low, "high": parameter.high}


def cmd_explain(args: argparse.Namespace) -> int:
    from .core.lineage import tree
    from .results import cf
    from .results.dataset import OUTPUTS, expand_keys

    params = _params(args)
    name = args.name
    if name in params:
        _print_provenance(params, name, full=True)
        return 0
    if name not in OUTPUTS:
        raise InputError("explain", name, "expected an output variable or a parameter key "
                         f"(outputs: {', '.join(OUTPUTS)})")
    meta = OUTPUTS[name]
    drivers = expand_keys(meta.drivers, params)
    print(f"{name}: {meta.description} ({cf.CF_UNITS[meta.units][1]}); driven by {len(drivers)} parameters, "
          "through the flows and stocks it depends on:\n")
    for key in expand_keys(meta.parameters, params):
        _print_provenance(params, key, full=args.full, indent="  ")
    for branch in tree(meta.nodes, params):
        _print_branch(params, branch, depth=1, full=args.full)
    if not args.full:
        print("\nQuotes, URLs and assumptions: manpower explain NAME --full, or manpower explain KEY")
    return 0


def _print_branch(params, branch, depth: int, full: bool) -> None:
    """One flow or stock of an explanation tree, its own parameters, then what it depends on."""
    upstream = "" if branch.keys or branch.children else ": its parameters are listed above"
    print(f"{'  ' * (depth - 1)}{branch.name} ({branch.kind}){upstream}")
    for key in branch.keys:
        _print_provenance(params, key, full=full, indent="  " * depth + "  ")
    for child in branch.children:
        _print_branch(params, child, depth + 1, full)


def _print_provenance(params, key: str, full: bool, indent: str = "") -> None:
    """``key = value unit (source)`` on one line; with ``full``, every provenance field under it."""
    row = params[key].provenance()
    if not full:
        print(f"{indent}{key} = {row['value']} {row['unit']} ({row['source']})")
        return
    print(f"{indent}{key} = {row['value']} {row['unit']} (range {row['low'] or '-'} to {row['high'] or '-'})")
    for field in ("description", "source", "replaces", "date", "url", "quote", "assumption", "evidence", "file"):
        if row[field]:
            print(f"{indent}    {field}: {' '.join(str(row[field]).split())}")
    print()


def cmd_docs(args: argparse.Namespace) -> int:
    from .inputs.parameters import load_params
    from .present.docs import model_markdown
    from .results.io import atomic_write

    text = model_markdown(load_params())
    path = atomic_write(Path(args.out), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(f"Wrote {path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .present.report import report

    path = report(args.scenarios, n=args.n, seed=args.seed, months=args.months, sobol_n=args.sobol_n, out=args.out,
                  dt=args.dt, start=args.start)
    print(f"Wrote {path}")
    return 0


def _wide_pandas():
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_colwidth", 60, "display.max_rows", 500)


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
    if not value.endswith(".yaml") and "/" not in value and os.sep not in value:
        return value
    path = Path(value)
    if path.suffix == ".yaml" and path.is_file():
        return str(path)
    if path.suffix == ".yaml" and len(path.parts) == 1:
        return path.stem
    raise InputError("--scenario", value, "expected a scenario name or the path of an existing overlay file (.yaml)")


#: Commands whose --out names a file (the others name a folder).
_FILE_OUT = {"report", "docs"}


def check_arguments(args: argparse.Namespace) -> None:
    """Every option's value, checked before any work (one-line :class:`InputError` naming the option)."""
    from .inputs import limits

    def given(name: str) -> object:
        return getattr(args, name, None)

    if given("months") is not None:
        limits.months(args.months, "--months", str(args.months))
    if given("dt") is not None:
        limits.step(args.dt, "--dt", f"{args.dt:g}")
    if given("start") is not None:
        limits.month(args.start, "--start", args.start)
    if given("seed") is not None:
        limits.seed(args.seed, "--seed", str(args.seed))
    for option in ("n", "top", "sobol_n"):
        if given(option) is not None:
            limits.whole(given(option), f"--{option.replace('_', '-')}", str(given(option)), 1)
    if given("threshold") is not None:
        limits.finite(args.threshold, "--threshold", f"{args.threshold:g}", minimum=0.0)
    if given("scenario") is not None:
        args.scenario = _scenario(args.scenario)
    for option in ("names", "scenarios"):
        if given(option):
            setattr(args, option, [_scenario(name) for name in given(option)])
    if given("out") is not None:
        from .results.io import check_output
        check_output(args.out, "--out", file=args.command in _FILE_OUT)


def _check_sizes(args: argparse.Namespace) -> None:
    """The library's own checks of a command's sizes, run before the command writes anything.

    The library names its arguments (``n``, ``workers``); the error names the
    option instead (``--n``, ``--workers``), mapped here only.
    """
    from .analysis import sensitivity, uncertainty
    from .inputs.parameters import load_params
    from .sweeps import run as sweeps

    checks = {"uncertainty": lambda: uncertainty.check_size(load_params(args.scenario), args.n, args.months, args.dt),
              "sensitivity": lambda: sensitivity.check_size(load_params(args.scenario), args.method, args.n,
                                                            args.months, args.dt),
              "sweep": lambda: sweeps.check_workers(args.workers)}
    try:
        if args.command in checks:
            checks[args.command]()
    except InputError as exc:
        if exc.key not in vars(args):
            raise
        option = f"--{exc.key.replace('_', '-')}"
        raise InputError(option, str(getattr(args, exc.key)), exc.expected) from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="manpower", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"manpower-model {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def scenario_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--scenario", default=BASELINE, help=SCENARIO_HELP)
        sub.add_argument("--set", action="append", metavar="KEY=VALUE",
                         help="override a parameter, e.g. casualties.monthly=50000 or "
                              "'casualties.monthly=1600 person/day' (repeatable)")

    def horizon_options(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--months", type=_whole, default=DEFAULT_MONTHS, help="horizon in months (default 36)")
        sub.add_argument("--dt", type=_number, default=DEFAULT_DT,
                         help="step in months, dividing a month (default 0.25)")
        sub.add_argument("--start", default=DEFAULT_START, help="first month, YYYY-MM (default 2024-12)")

    run = commands.add_parser("run", help="project one scenario, print a summary, write NetCDF and a figure")
    scenario_options(run)
    horizon_options(run)
    run.add_argument("--method", default="euler", choices=["euler", "rk4"])
    run.add_argument("--out", default="results", help="output folder (default results/)")
    run.set_defaults(handler=cmd_run)

    compare = commands.add_parser("compare", help="run scenarios side by side; table, CSV, NetCDF and figure")
    compare.add_argument("names", nargs="*", metavar="NAME", help="scenarios (default: all in params/scenarios)")
    horizon_options(compare)
    compare.add_argument("--no-breakeven", action="store_true", help="skip the break-even columns")
    compare.add_argument("--out", default="results", help="output folder (default results/)")
    compare.set_defaults(handler=cmd_compare)

    even = commands.add_parser("breakeven", help="value of a parameter at which the force just holds")
    scenario_options(even)
    horizon_options(even)
    even.add_argument("--lever", required=True, help="numeric parameter key, e.g. volunteer.signups")
    even.add_argument("--target", default="front", choices=["front", "net"],
                      help="front: front strength at the horizon equals today's (default); "
                           "net: recruitment equals permanent losses over the horizon")
    even.set_defaults(handler=cmd_breakeven)

    mc = commands.add_parser("uncertainty", help="Monte Carlo over the registry's ranges: percentiles, fan chart")
    mc.add_argument("--scenario", default=BASELINE, help=SCENARIO_HELP)
    mc.add_argument("--n", type=_whole, default=10_000, help="number of runs (default 10,000)")
    mc.add_argument("--seed", type=_whole, default=0, help="seed of the sample (default 0)")
    mc.add_argument("--method", default="lhs", choices=["lhs", "sobol", "random"])
    mc.add_argument("--threshold", type=_number, help="front strength (persons) whose undershoot is reported "
                                                    "(default: the registry's starting force)")
    horizon_options(mc)
    mc.add_argument("--out", default="results", help="output folder (default results/)")
    mc.set_defaults(handler=cmd_uncertainty)

    sw = commands.add_parser("sweep", help="run a sweep spec in chunks into a resumable store")
    sw.add_argument("spec", help="sweep spec (YAML); see model/sweeps/spec.py and benchmarks/specs/")
    sw.add_argument("--out", help="store folder (default results/sweep-NAME)")
    sw.add_argument("--backend", default="inline", choices=["inline", "processes", "dask"])
    sw.add_argument("--scheduler", help="address of a dask.distributed scheduler (dask backend)")
    sw.add_argument("--workers", type=_whole, help="worker processes (processes and local dask; default 2)")
    sw.add_argument("--resume", action="store_true", help="finish an interrupted sweep in --out")
    sw.add_argument("--no-progress", action="store_true", help="no progress bar")
    sw.set_defaults(handler=cmd_sweep)

    sens = commands.add_parser("sensitivity", help="global sensitivity (SALib Sobol or Morris) of the key outputs")
    sens.add_argument("--scenario", default=BASELINE, help=SCENARIO_HELP)
    sens.add_argument("--method", default="sobol", choices=["sobol", "morris"])
    sens.add_argument("--n", type=_whole, default=1024, help="SALib base sample size (default 1024)")
    sens.add_argument("--seed", type=_whole, default=0)
    sens.add_argument("--top", type=_whole, default=10, help="parameters listed per output (default 10)")
    horizon_options(sens)
    sens.add_argument("--out", default="results", help="output folder (default results/)")
    sens.set_defaults(handler=cmd_sensitivity)

    cal = commands.add_parser("calibrate", help="fit parameters to the public record with a hindcast from 2023")
    cal.add_argument("--through", help="last recorded month to fit, YYYY-MM (default params/hindcast/calibration.yaml)")
    cal.add_argument("--params", help="comma-separated keys to fit (default: the configuration's `fit` list)")
    cal.add_argument("--save", metavar="NAME", help="save the fit as scenario overlay scenarios/NAME.yaml in the "
                     "user's parameter folder ($MANPOWER_PARAMS, a checkout's params/, else "
                     "~/.local/share/manpower-model/params)")
    cal.add_argument("--force", action="store_true", help="with --save: overwrite an existing file or shadow a "
                     "shipped scenario")
    cal.add_argument("--out", default="results", help="output folder (default results/)")
    cal.set_defaults(handler=cmd_calibrate)

    val = commands.add_parser("validate", help="run the validation tests and write docs/VALIDATION.md with figures")
    val.add_argument("--out", default="docs", help="folder of VALIDATION.md (default docs/)")
    val.add_argument("--n", type=_whole, default=2000, help="Monte Carlo runs for the conclusions (default 2000)")
    val.add_argument("--seed", type=_whole, default=0)
    val.set_defaults(handler=cmd_validate)

    params = commands.add_parser("params", help="print the parameter registry with provenance")
    scenario_options(params)
    params.add_argument("--format", default="table", choices=["table", "csv", "json"])
    params.add_argument("--key", help="only this key, or keys under this prefix (e.g. casualties)")
    params.set_defaults(handler=cmd_params)

    explain = commands.add_parser("explain", help="where an output or a parameter comes from")
    explain.add_argument("name", help="an output variable (e.g. front, net) or a parameter key")
    explain.add_argument("--full", action="store_true",
                         help="every parameter's description, quote, URL and assumption under it")
    scenario_options(explain)
    explain.set_defaults(handler=cmd_explain)
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
    brief.add_argument("--out", default="results/brief.html", help="HTML file (default results/brief.html)")
    brief.set_defaults(handler=cmd_report)
    return parser


def argv_command(argv: Sequence[str] | None) -> str | None:
    """The subcommand named on the command line, if any (the first word that is not an option)."""
    words = sys.argv[1:] if argv is None else argv
    return next((w for w in words if not w.startswith("-")), None)


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Show a warning as the command's other messages are shown: one line on standard error."""
    print(f"manpower: warning: {' '.join(str(message).split())}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``manpower`` command; returns the exit status (2 for bad input, 130 for Ctrl-C)."""
    try:
        args = build_parser().parse_args(argv)
        args.command_line = shlex.join(["manpower", *(sys.argv[1:] if argv is None else argv)])  # CF history
        check_arguments(args)
        _check_sizes(args)
        with warnings.catch_warnings():
            warnings.showwarning = _one_line_warning
            return args.handler(args)
    except InputError as exc:
        print(f"manpower: error: {' '.join(str(exc).split())}", file=sys.stderr)
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
