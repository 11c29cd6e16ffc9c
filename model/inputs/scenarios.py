"""Scenario overlays: named changes to the registry, each with its reason.

A scenario file in ``params/scenarios/NAME.yaml``::

    name: high_intensity
    title: Higher-intensity war     # optional: the scenario's name for people (figures, tables, the brief)
    description: November 2024's casualty level becomes the norm and keeps rising
    based_on: baseline            # or another scenario; overlays compose
    set:
      casualties.growth_rate:
        value: 0.2
        unit: 1 / year
        low: 0.0                  # a change may touch the value, the range or a schedule
        high: 0.5
        reason: Casualties rose 70% from 2023 to 2024 (UGS via ISW)
        source: ...               # optional: provenance fields replace the base entry's

Only parameters that exist may be set; each change must give its ``reason``.
The fields given replace those of the base entry (a field set to ``null`` clears it), and the merged entry is
validated as a registry entry is (unit, bounds, range containing the value). A change of the value drops the base
entry's evidence for its own number (:data:`EVIDENCE_CLEARED`: its url, quote, derivation, evidence list, party
flag and assumption), which would otherwise cite another number; without a ``source`` of its own the new value is
an assumption whose reasoning is the change's ``reason``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..errors import InputError
from .paths import SCENARIO_FOLDER, locate
from .provenance import Parameter
from .registry import Event, ParameterEntry, validate_entry
from .schema import Strict, validated
from .spec import unknown_parameter
from .textfiles import read_yaml


#: Fields of a base entry that were evidence for its own number: cleared when an overlay changes the number.
EVIDENCE_CLEARED = {"url": None, "quote": None, "derivation": None, "evidence": [], "party_claim": False,
                    "assumption": None}


class OverlayEntry(Strict):
    """A change to one parameter: any registry field, plus the reason for it."""

    reason: str
    value: float | str | list[Event] | None = None
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    distribution: Literal["triangular", "uniform", "loguniform"] | None = None
    description: str | None = None
    source: str | None = None
    date: str | None = None
    url: str | None = None
    quote: str | None = None
    assumption: str | None = None
    evidence: list[str] | None = None
    party_claim: bool | None = None
    note: str | None = None
    derivation: str | None = None


class ScenarioFile(Strict):
    name: str
    #: A short title for people (a few words); figures and the brief fall back to ``name`` without one.
    title: str | None = None
    description: str
    based_on: str = "baseline"
    set: dict[str, OverlayEntry] = Field(default_factory=dict)


def scenario_title(name: str, folder: str | None = None) -> str | None:
    """The ``title:`` of the scenario file ``NAME.yaml`` in the parameter folders, or ``None`` (no such file, no
    title, or a file that does not parse: loading the scenario is where that is reported)."""
    path = locate(f"{SCENARIO_FOLDER}/{name}.yaml", folder)
    if not path.exists():
        return None
    try:
        raw = read_yaml(path)
    except InputError:
        return None
    title = raw.get("title") if isinstance(raw, dict) else None
    return str(title) if title else None


def merge_overlay(base: dict[str, Parameter], overlay: ScenarioFile, where: str) -> dict[str, Parameter]:
    """Apply a scenario's changes to ``base``; every other parameter is left as it was."""
    merged = dict(base)
    for key, change in overlay.set.items():
        if key not in base:
            raise unknown_parameter(where, key, f"set.{key}")
        fields = base[key].entry.model_dump()
        updates = change.model_dump(exclude_unset=True, exclude={"reason"})  # an explicit null clears a field
        if _changes_value(fields, updates):
            fields.update(EVIDENCE_CLEARED)
            if "source" not in updates:
                fields.update(source="assumption", assumption=change.reason)
        fields.update(updates)
        note = f"scenario {overlay.name}: {change.reason}"
        fields["note"] = note if not fields.get("note") else f"{note} (base note: {fields['note']})"
        entry = validated(ParameterEntry, fields, where, prefix=f"set.{key}")
        try:
            merged[key] = validate_entry(key, entry, where)
        except InputError as exc:
            raise InputError(where, f"set.{exc.key}", exc.expected) from None
    return merged


def _changes_value(base: dict, updates: dict) -> bool:
    """Whether an overlay's fields ``updates`` give the entry ``base`` (both as ``model_dump`` gives them) another
    value: a different number, choice or schedule, or the same figure in another unit."""
    if "value" not in updates:
        return False
    return updates["value"] != base["value"] or updates.get("unit", base["unit"]) != base["unit"]
