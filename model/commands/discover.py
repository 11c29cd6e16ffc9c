"""``manpower discover``: scenario discovery (PRIM) over a Monte Carlo of a scenario or over a sweep store."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from ..inputs.parameters import ParameterSet


def check_discover(args: argparse.Namespace) -> None:
    """``discover``'s own options, before any run: the outcome's form, the threshold a density (0 to 1], the
    store an existing sweep store, a deficit's month within the Monte Carlo's horizon."""
    from ..analysis.discovery import MAX_BOXES
    from ..inputs import limits

    if not 0.0 < args.threshold <= 1.0:
        raise InputError("--threshold", f"{args.threshold:g}", "expected a density above 0 and at most 1, e.g. 0.8")
    limits.whole(args.boxes, "--boxes", str(args.boxes), 1, MAX_BOXES)
    outcome = _outcome(args)
    known = None
    if args.sweep is not None:
        known = _sweep_settings(Path(args.sweep))["metrics"]
    elif outcome.before is not None:
        from ..analysis.outcomes import check_within
        from ..inputs.start import default_start

        start = args.start or default_start()
        check_within(start, args.months, outcome.before, outcome.text, "--outcome")
    if outcome.metric is not None:
        from ..sweeps.metrics import METRICS

        known = list(METRICS) if known is None else known  # a Monte Carlo's per-run numbers: the headline's
        if outcome.metric not in known:
            raise InputError("--outcome", outcome.text, f"expected a per-run number of the "
                             f"{'sweep store' if args.sweep else 'Monte Carlo'}: {', '.join(known) or '(none)'}")


def _outcome(args: argparse.Namespace):
    """The outcome of ``--outcome``, a metric named in words (:data:`model.sweeps.metrics.METRICS`)."""
    from ..analysis.outcomes import parse_outcome
    from ..sweeps.metrics import METRICS

    return parse_outcome(args.outcome, "--outcome", {name: m.long_name for name, m in METRICS.items()})


def _sweep_settings(store: Path) -> dict:
    """The start month, horizon and per-run metrics of a sweep store (its spec.yaml, checked against its
    manifest); refused naming ``--sweep`` if it is none, naming the file and key if one is unreadable."""
    from ..sweeps.store import MANIFEST, SPEC, read_spec

    if not (store / MANIFEST).is_file() or not (store / SPEC).is_file():
        raise InputError("--sweep", str(store), f"expected a sweep store (a folder with {MANIFEST} and {SPEC}, made "
                         "by `manpower sweep`)")
    spec = read_spec(store)
    return {"start": spec.start, "months": spec.months, "metrics": list(spec.keep.metrics)}


def discover_paths(out: str | Path, name: str, outcome_text: str) -> list[Path]:
    """The files ``discover`` writes into the folder ``out`` for the runs named ``name`` (a scenario's file stem or
    ``sweep-NAME``) and an outcome's text: the boxes as CSV and the peeling trajectories' figure, in that order."""
    stem = f"discover_{name}_{_file_word(outcome_text)}"
    return [Path(out) / f"{stem}.csv", Path(out) / f"{stem}.png"]


def cmd_discover(args: argparse.Namespace) -> int:
    from ..analysis.discovery import discover, prim_module
    from ..inputs.parameters import load_params
    from ..present.console import wrapped
    from ..present.discovery import trajectory_figure
    from ..results.io import atomic_write, check_outputs, save_figure
    from ..sweeps.store import read_manifest

    prim_module()  # the optional extra, before any run
    outcome = _outcome(args)
    params = None if args.sweep is not None else load_params(args.scenario, prior=args.prior)
    name = f"sweep-{read_manifest(Path(args.sweep)).name}" if params is None else params.file_stem
    # Every file checked before any run, so that a file that cannot be written leaves none of them behind.
    csv, figure = check_outputs(discover_paths(args.out, name, outcome.text), "--out")
    if params is None:
        result, parameters = sweep_runs(Path(args.sweep))
        print(f"Sweep {result.attrs['sweep']}: {result.sizes['run']:,} runs\n")
    else:
        result, parameters = _monte_carlo(args, params, outcome.outputs), None
    found = discover(result, outcome, threshold=args.threshold, parameters=parameters, boxes=args.boxes,
                     params=params)
    print(wrapped(found.summary()))
    figure_of_boxes = trajectory_figure(found)
    csv = atomic_write(csv, lambda tmp: found.to_dataframe().to_csv(tmp, index=False))
    figure = save_figure(figure_of_boxes, figure)
    print(wrapped(f"\nWrote {csv} (boxes) and {figure} (peeling trajectories)"))
    return 0


def _monte_carlo(args: argparse.Namespace, params: ParameterSet, outputs: tuple[str, ...]):
    """The Monte Carlo of ``params`` (a loaded parameter set) that ``discover`` searches, with ``outputs`` kept."""
    from ..analysis.uncertainty import MONTE_CARLO_OUTPUTS, uncertainty
    from ..present.console import wrapped

    ds = uncertainty(params, n=args.n, seed=args.seed, months=args.months, sampler=args.method, dt=args.dt,
                     start=args.start, variables=tuple(dict.fromkeys(MONTE_CARLO_OUTPUTS + outputs)))
    print(wrapped(f"Scenario {params.scenario}: {args.n:,} runs ({args.method}, seed {args.seed}), {args.months} "
                  f"months from {ds.attrs['start']}; parameters: {ds.attrs['parameters_from']}\n"))
    return ds


def sweep_runs(store: str | Path):
    """A sweep store's runs for :func:`model.analysis.discovery.discover`: the dataset (loaded, with its spec's
    ``start`` and ``months`` as attributes, which ``deficit_before`` needs with the ``first_deficit_month``
    metric) and each run's parameters (``None`` when the store kept them as ``experiments``)."""
    from ..sweeps import open_store, store_parameters

    store = Path(store)
    settings = _sweep_settings(store)
    ds = open_store(store).load()
    ds.attrs.update({key: settings[key] for key in ("start", "months") if settings[key] is not None})
    return ds, None if "experiments" in ds else store_parameters(store, ds.run.values)


def _file_word(text: str) -> str:
    """An outcome's text as part of a file name: ``deficit_before-2026-06``, ``net_horizon-lt-0``."""
    for sign, word in (("<=", "-le-"), (">=", "-ge-"), ("<", "-lt-"), (">", "-gt-"), (":", "-")):
        text = text.replace(sign, word)
    return "".join(c for c in text if c.isalnum() or c in "-_.")
