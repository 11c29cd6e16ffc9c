"""What several commands share: ``--set`` overrides, the scenario they apply to, pandas' display width."""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence

from ..errors import InputError


def parse_assignments(items: Sequence[str] | None) -> dict[str, object]:
    """``["KEY=VALUE", ...]`` from ``--set`` into ``{key: value}`` (VALUE as YAML: a number, a list, or text with a
    unit)."""
    import yaml

    from ..inputs import spec as specs
    from ..inputs.textfiles import load_yaml

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


def scenario_params(args: argparse.Namespace):
    """The scenario with the ``--set`` overrides; a value outside its range is printed as one warning line."""
    from ..inputs.parameters import load_params
    from ..inputs.provenance import OutOfRangeWarning

    params = load_params(args.scenario, prior=getattr(args, "prior", False))
    overrides = parse_assignments(getattr(args, "set", None))
    if not overrides:
        return params
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)  # printed below, as one line each
        params = params.with_values(overrides, where="--set")
    for line in params.range_warnings():
        print(f"manpower: warning: {line}", file=sys.stderr)
    return params


def wide_pandas():
    """A pandas option context that prints tables wide and long enough for a terminal."""
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_colwidth", 60, "display.max_rows", 500)
