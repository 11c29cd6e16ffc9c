"""Writing scenario overlays (``manpower scenario new``, ``calibrate --save``) and checking one
(``manpower scenario check``).

An authored overlay follows the schema of :mod:`model.inputs.scenarios`. It names the scenario it is
``based_on`` rather than copying that scenario's changes: the loader composes overlays, so a later fix to the
base scenario reaches the new one. Each change carries:

- ``value``: the value asked for, in the unit of the base entry (so that the base entry's range, in that unit,
  still applies); a value given with a unit (``'1600 person/day'``) is converted;
- ``reason``: the reason given (the loader puts it in the parameter's ``note``);
- ``source: assumption``, ``assumption`` (the reason again) and ``date`` (the day it was written): a number set
  by hand is an assumption, and its provenance says so; the base entry's ``url``, ``quote``, ``derivation``,
  ``evidence`` and ``party_claim`` are cleared, since they were evidence for another number;
- ``low`` and ``high`` only when the value lies outside the base entry's plausible range: the range is widened
  to include it (a registry entry's range must contain its value), and a warning says so.

Every overlay is validated by loading it, as a scenario is, before it is written (by the command, atomically:
this layer writes nothing); a file is never overwritten without ``force``.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..errors import InputError
from . import paths
from .parameters import ParameterSet, load_overlay, load_params, scenario_names
from .scenarios import EVIDENCE_CLEARED
from .units import conversion_factor

#: A scenario's name: what its file is called (without ``.yaml``).
NAME_PATTERN = r"[a-z][a-z0-9_]*"
#: The first line of an authored overlay.
HEADER = "# Written by `manpower scenario new`; check it with `manpower scenario check FILE`.\n"
#: Provenance fields of a base entry that were evidence for its own number, cleared in an authored change (written
#: out, so the file says so; the loader clears them anyway when a change gives another value).
EVIDENCE_FIELDS = {key: "" if value is None else value for key, value in EVIDENCE_CLEARED.items()
                   if key != "assumption"}


def check_scenario_name(name: str, folder: str | Path | None = None, force: bool = False,
                        where: str = "save_overlay") -> Path:
    """The file a new scenario ``name`` is written to: ``scenarios/NAME.yaml`` in ``folder`` (default the user's
    folder, :func:`model.inputs.paths.params_dir`).

    Refuses a name that is not a plain scenario name, and, unless ``force``, a
    name that is a shipped scenario (``baseline`` included) or whose file
    exists; a file inside an installed package's data, or a shipped scenario's own
    file (in a checkout the user folder is the shipped one), is refused even with ``force``.
    """
    if not re.fullmatch(NAME_PATTERN, name):
        raise InputError(where, "name", f"expected a scenario name: lower-case letters, digits and underscores, "
                                        f"got {name!r}")
    path = (Path(folder) if folder is not None else paths.params_dir()) / paths.SCENARIO_FOLDER / f"{name}.yaml"
    if paths.is_shipped(path):
        raise InputError(where, "name", f"expected a user folder to write to, not the installed package's "
                         f"data {paths.display(path.parent)} (set {paths.ENV_VAR} to another folder)")
    shipped = paths.shipped_dir() / paths.SCENARIO_FOLDER / f"{name}.yaml"
    if shipped.exists() and path.resolve() == shipped.resolve():  # a checkout: its user folder is the shipped one
        raise InputError(where, "name", f"expected a name no shipped scenario has: {paths.display(path)} "
                         f"is one, even with force (or set {paths.ENV_VAR} to a folder of your own)")
    if not force and name in scenario_names(paths.shipped_dir()):
        raise InputError(where, "name", "expected a new name: a shipped scenario has it (force, or "
                                        "--force, to shadow it)")
    if not force and path.exists():
        raise InputError(where, "name", f"expected a new name: {paths.display(path)} exists (force, or "
                                        f"--force, to overwrite it)")
    return path


def check_overlay_file(name: str, path: str | Path, force: bool = False, where: str = "--out") -> Path:
    """An overlay file ``path`` chosen by hand for scenario ``name``: it must be called ``NAME.yaml`` (the loader
    wants a scenario's name to be its file's), must not exist unless ``force``, and must not take the name of
    another scenario of the parameter folder."""
    path = Path(path)
    if not re.fullmatch(NAME_PATTERN, name):
        raise InputError("scenario new", "name", f"expected a scenario name: lower-case letters, digits and "
                                                 f"underscores, got {name!r}")
    if path.name != f"{name}.yaml":
        raise InputError(where, str(path), f"expected a file named {name}.yaml (a scenario's name is its file's)")
    if path.exists() and not force:
        raise InputError(where, str(path), "expected a new file: it exists (--force to overwrite it)")
    taken = paths.locate(f"{paths.SCENARIO_FOLDER}/{name}.yaml")
    if name in scenario_names() and taken.resolve() != path.resolve():
        raise InputError(where, str(path), f"expected a name no scenario of the parameter folder has; {name!r} is "
                                           f"{paths.display(taken)}")
    return path


def _entry_value(base: ParameterSet, changed: ParameterSet, key: str) -> tuple[Any, dict[str, float]]:
    """The value ``changed`` gives ``key`` as the overlay writes it (in the base entry's unit), and the widened
    range when the value lies outside the base entry's."""
    parameter, entry = changed[key], base[key].entry
    if not parameter.spec.numeric:
        value = parameter.value
        return ([event.model_dump(mode="json") for event in value] if isinstance(value, tuple) else value), {}
    factor = conversion_factor(entry.unit, parameter.unit)  # entry unit -> canonical
    value = float(f"{float(parameter.value) / factor:.12g}")
    if entry.low <= value <= entry.high:
        return value, {}
    return value, {"low": min(entry.low, value), "high": max(entry.high, value)}


def authored_overlay(name: str, base: ParameterSet, values: Mapping[str, Any], reasons: Mapping[str, str],
                     description: str | None = None, written: str | None = None,
                     title: str | None = None) -> tuple[dict, list[str]]:
    """A scenario overlay (as a mapping for YAML) named ``name``, based on the scenario of ``base`` (loaded with
    ``prior=True``: the values the overlay changes), setting each of ``values`` (as ``--set`` takes them: a
    number in the canonical unit, a text with a unit, a list of events, a choice) with its reason from
    ``reasons``; see the module docstring. Returns the mapping and one warning line per value outside its
    plausible range. ``title`` names the scenario for people (figures, tables, the brief); without one it is
    ``name`` with spaces. Nothing is read from disk or written.
    """
    import warnings

    from .provenance import OutOfRangeWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)  # said below, with what is done about it
        changed = base.with_values(values, where="--set")
    written = written or date.today().isoformat()
    changes, lines = {}, []
    for key in values:
        value, widened = _entry_value(base, changed, key)
        reason = " ".join(str(reasons[key]).split())
        cleared = {field: type(empty)() for field, empty in EVIDENCE_FIELDS.items()
                   if getattr(base[key].entry, field)}
        changes[key] = {"value": value, **widened, "reason": reason, "source": "assumption", "date": written,
                        "assumption": reason, **cleared}
        if widened:
            unit = base[key].entry.unit
            lines.append(f"{key}: {value:g} {unit} is outside the plausible range {base[key].entry.low:g} to "
                         f"{base[key].entry.high:g} {unit}; the overlay widens the range to "
                         f"{widened['low']:g} to {widened['high']:g} {unit}")
    if description is None:
        shown = ", ".join(f"{key} = {values[key]}" for key in values)
        description = f"The {base.scenario} scenario with {shown} (written by `manpower scenario new`)."
    title = " ".join(title.split()) if title and title.strip() else name.replace("_", " ").capitalize()
    document = {"name": name, "title": title, "description": description, "based_on": base.scenario,
                "set": changes}
    return document, lines


def overlay_text(document: Mapping[str, Any], header: str = HEADER) -> str:
    """An overlay mapping as the YAML text of its file."""
    return header + yaml.dump(dict(document), Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=110)


class _PlainDumper(yaml.SafeDumper):
    """YAML without anchors and aliases: each change written out in full, as a person writes an overlay."""

    def ignore_aliases(self, data) -> bool:
        return True


def validate_overlay(text: str, name: str, folder: str | Path | None = None) -> ParameterSet:
    """The parameters of overlay ``text`` for scenario ``name``, loaded from a temporary copy as a scenario file
    is (schema, keys, units, ranges, consistency), without touching the parameter folder; raises
    :class:`InputError` naming the setting at fault."""
    with tempfile.TemporaryDirectory(prefix="manpower-overlay-") as tmp:
        copy = Path(tmp) / f"{name}.yaml"
        copy.write_text(text, encoding="utf-8")
        try:
            return load_overlay(copy, folder)
        except InputError as exc:
            raise InputError(f"scenario {name}", exc.key, exc.expected) from None


def changes_from(params: ParameterSet, reference: ParameterSet) -> pd.DataFrame:
    """What ``params`` changes relative to ``reference`` (the baseline): one row per parameter whose value or
    range differs, with both values, the unit, the file that set it and the reason it gives."""
    rows = {}
    for key in params:
        mine, theirs = params[key].provenance(), reference[key].provenance()
        if (mine["value"], mine["low"], mine["high"]) == (theirs["value"], theirs["low"], theirs["high"]):
            continue
        note = params[key].entry.note or ""
        reason = note.split(": ", 1)[1] if note.startswith("scenario ") and ": " in note else note
        rows[key] = {"baseline": theirs["value"], "scenario": mine["value"], "unit": mine["unit"],
                     "range": f"{mine['low']} to {mine['high']}" if mine["low"] not in (None, "") else "",
                     "set in": mine["file"],
                     "reason": reason.split(" (base note:")[0]}
    columns = ["baseline", "scenario", "unit", "range", "set in", "reason"]
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns).rename_axis("key")


def check_overlay(path: str | Path) -> tuple[ParameterSet, pd.DataFrame]:
    """Validate the overlay file ``path`` as ``load_params`` loads it (registry values, no posterior) and say what
    it changes relative to the baseline (see :func:`changes_from`)."""
    path = Path(path)
    if path.suffix != ".yaml" or not path.is_file():
        raise InputError("scenario check", str(path), "expected an existing overlay file (.yaml)")
    params = load_params(str(path), prior=True)
    return params, changes_from(params, load_params(prior=True))

