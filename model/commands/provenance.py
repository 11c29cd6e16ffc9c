"""Where numbers come from: ``manpower params`` (the registry with provenance) and ``explain`` (an output's
drivers as a tree, or one parameter's provenance)."""

from __future__ import annotations

import argparse
import json
import sys

from ..errors import InputError
from .common import print_table, say, scenario_params

#: Output formats of ``manpower params``.
FORMATS = ("table", "csv", "json")


def cmd_params(args: argparse.Namespace) -> int:
    from ..core.lineage import expand_keys

    params = scenario_params(args)
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
        print_table(table[columns])
        say("\nFull provenance (quote, assumption, url): manpower params --format csv | json, "
            "or manpower explain KEY")
    return 0


def _json_record(parameter) -> dict[str, object]:
    """A parameter's provenance with its value and range as JSON numbers (schedules as lists of events, ``null``
    for no range), ``party_claim`` as true or false and ``evidence`` as a list of the evidence entries' keys."""
    import numpy as np

    value = parameter.value
    if isinstance(value, tuple):
        value = [event.model_dump() for event in value]
    elif not isinstance(value, str):
        value = np.asarray(value, dtype=float).tolist()
    row = parameter.provenance()
    return {**row, "value": value, "low": parameter.low, "high": parameter.high,
            "party_claim": bool(row["party_claim"]), "evidence": [k for k in row["evidence"].split(", ") if k]}


def cmd_explain(args: argparse.Namespace) -> int:
    from ..core.lineage import tree
    from ..results import cf
    from ..core.lineage import expand_keys
    from ..results.outputs import OUTPUTS

    params = scenario_params(args)
    name = args.name
    if name in params:
        _print_provenance(params, name, full=True)
        return 0
    if name not in OUTPUTS:
        raise InputError("explain", name, "expected an output variable or a parameter key "
                         f"(outputs: {', '.join(OUTPUTS)})")
    meta = OUTPUTS[name]
    drivers = expand_keys(meta.drivers, params)
    say(f"{name}: {meta.description} ({cf.CF_UNITS[meta.units][1]}); driven by {len(drivers)} parameters, "
        "through the flows and stocks it depends on:\n")
    for key in expand_keys(meta.parameters, params):
        _print_provenance(params, key, full=args.full, indent="  ")
    for branch in tree(meta.nodes, params):
        _print_branch(params, branch, depth=1, full=args.full)
    if not args.full:
        say("\nQuotes, URLs and assumptions: manpower explain NAME --full, or manpower explain KEY")
    return 0


def _print_branch(params, branch, depth: int, full: bool) -> None:
    """One flow or stock of an explanation tree, its own parameters, then what it depends on."""
    upstream = "" if branch.keys or branch.children else ": its parameters are listed above"
    say(f"{'  ' * (depth - 1)}{branch.name} ({branch.kind}){upstream}")
    for key in branch.keys:
        _print_provenance(params, key, full=full, indent="  " * depth + "  ")
    for child in branch.children:
        _print_branch(params, child, depth + 1, full)


def _print_provenance(params, key: str, full: bool, indent: str = "") -> None:
    """``key = value unit (source)`` on one line (shortened to fit); with ``full``, every provenance field under
    it, wrapped."""
    from ..present.console import WIDTH, shortened

    row = params[key].provenance()
    if not full:
        print(indent + shortened(f"{key} = {row['value']} {row['unit']} ({row['source']})", WIDTH - len(indent)))
        return
    say(f"{indent}{key} = {row['value']} {row['unit']} (range {row['low'] or '-'} to {row['high'] or '-'})")
    for field in ("description", "source", "replaces", "date", "url", "quote", "assumption", "evidence", "file"):
        if row[field]:
            say(f"{indent}    {field}: {' '.join(str(row[field]).split())}")
    print()
