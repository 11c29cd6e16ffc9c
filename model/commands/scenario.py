"""``manpower scenario new`` (write an overlay from ``--set`` changes, each with its reason) and ``scenario
check`` (validate an overlay and say what it changes relative to the baseline); see
:mod:`model.inputs.overlays`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from .common import parse_assignments, print_table


def reasons_for(keys: list[str], reasons: list[str]) -> dict[str, str]:
    """The reason of each changed key: one ``--reason`` for every change, or one per ``--set`` in their order."""
    reasons = [" ".join(r.split()) for r in reasons or ()]
    if not reasons or any(not r for r in reasons):
        raise InputError("--reason", repr(" ".join(reasons)), "expected the reason for the changes, e.g. "
                                                              "--reason 'what-if: a second mobilization wave'")
    if len(reasons) == 1:
        return {key: reasons[0] for key in keys}
    if len(reasons) != len(keys):
        raise InputError("--reason", f"{len(reasons)} given", f"expected one --reason for all the changes or one "
                                                              f"per --set ({len(keys)})")
    return dict(zip(keys, reasons))


def assignments(items: list[str]) -> dict[str, object]:
    """``--set`` values as :func:`~model.commands.common.parse_assignments` reads them (a key set twice refused);
    at least one."""
    values = parse_assignments(items)
    if not values:
        raise InputError("--set", "(none)", "expected at least one change, e.g. --set casualties.monthly=50000")
    return values


def cmd_scenario_new(args: argparse.Namespace) -> int:
    from ..inputs.overlays import (authored_overlay, check_overlay_file, check_scenario_name, overlay_text,
                                   validate_overlay)
    from ..inputs.parameters import load_params
    from ..inputs.paths import display
    from ..results.io import atomic_write

    path = (check_overlay_file(args.name, args.out, args.force) if args.out
            else check_scenario_name(args.name, force=args.force, where="scenario new"))
    if args.based_on.endswith(".yaml") or "/" in args.based_on:
        raise InputError("--based-on", args.based_on, "expected the name of a scenario of the parameter folder "
                                                      "(an overlay names the scenario it is based on)")
    values = assignments(args.set)
    reasons = reasons_for(list(values), args.reason)
    base = load_params(args.based_on, prior=True)
    document, warnings = authored_overlay(args.name, base, values, reasons, description=args.description,
                                          title=args.title)
    text = overlay_text(document)
    validate_overlay(text, args.name)
    for line in warnings:
        print(f"manpower: warning: {line}", file=sys.stderr)
    atomic_write(Path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))
    print(f"Wrote {display(Path(path))}: scenario {args.name}, based on {base.scenario}, "
          f"{len(values)} change{'s' if len(values) != 1 else ''}")
    run = args.name if not args.out else str(path)
    print(f"Check it with `manpower scenario check {path}`; run it with `manpower run --scenario {run}`")
    return 0


def cmd_scenario_check(args: argparse.Namespace) -> int:
    from ..inputs.overlays import check_overlay
    from ..present.console import wrapped

    params, changes = check_overlay(args.file)
    chain = " <- ".join(reversed(params.files))
    print(wrapped(f"{args.file}: a valid overlay. Scenario {params.scenario}: {params.description}"))
    print(wrapped(f"Built from: {chain}"))
    if changes.empty:
        print("\nIt changes nothing relative to the baseline (registry values, without the posterior).")
        return 0
    count = f"{len(changes)} parameter" + ("s" if len(changes) != 1 else "")
    print(wrapped(f"\nWhat it changes relative to the baseline ({count}; values in canonical units, registry values "
                  "without the posterior):"))
    print_table(changes, "text")
    return 0
