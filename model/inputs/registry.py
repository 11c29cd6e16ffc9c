"""The parameter registry: YAML entries with provenance, validated and converted.

A registry file has two sections:

``parameters``
    The model's inputs. Each entry has a ``value`` with its ``unit``, a plausible
    range (``low``, ``high``) and a ``distribution`` over it, a ``source``, a
    ``date``, a ``url`` and either the verbatim ``quote`` it comes from or an
    ``assumption`` with its reasoning (or both).
``evidence``
    Published figures that are not model inputs themselves but inform them
    (the article's figures, official claims, independent estimates); a
    parameter cites them by key under ``evidence``.

Loading rejects unknown keys and fields, units of the wrong dimension, values
outside their kind's bounds (a negative count, a fraction above 1) and ranges
that do not contain their value, each with a one-line :class:`InputError`
naming the file and key. This module holds the file's schema and its checks;
the file is read by :mod:`~model.inputs.textfiles`, validated through
:mod:`~model.inputs.schema`, and each entry becomes a
:class:`~model.inputs.provenance.Parameter`.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from . import spec as specs
from ..errors import InputError
from . import limits
from .paths import display
from .provenance import Parameter
from .schema import Strict, parse_file
from .units import conversion_factor

DATE_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def month(value: Any) -> str:
    """``value`` as a ``'YYYY-MM'`` month from year 1 (:func:`model.inputs.limits.month`), or ``ValueError``."""
    try:
        return limits.month(value, "", "")
    except InputError as exc:  # pydantic validators speak ValueError; the caller names the file and key
        raise ValueError(exc.expected) from None


class Event(Strict):
    """One scheduled event: ``size`` persons spread evenly over ``months`` from ``start``."""

    start: str
    size: float = Field(ge=0)
    months: float = Field(default=1.0, gt=0)

    @field_validator("start", mode="before")
    @classmethod
    def _month(cls, value: Any) -> str:
        return month(value)


class _Sourced(Strict):
    description: str
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    source: str
    date: str
    url: str | None
    quote: str | None = None
    party_claim: bool = False
    note: str | None = None
    derivation: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, value: Any) -> str:
        text = str(value)
        if not DATE_PATTERN.match(text):
            raise ValueError(f"expected a date as 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', got {value!r}")
        return text


class EvidenceEntry(_Sourced):
    """A published figure kept for traceability (not itself a model input)."""

    value: float | None
    quote: str


class ParameterEntry(_Sourced):
    """A model input with its provenance, as written in a registry file."""

    value: float | str | list[Event]
    unit: str
    distribution: Literal["triangular", "uniform", "loguniform"] = "triangular"
    assumption: str | None = None
    evidence: list[str] = []


class RegistryFile(Strict):
    parameters: dict[str, ParameterEntry]
    evidence: dict[str, EvidenceEntry] = {}


def validate_entry(key: str, entry: ParameterEntry, where: str) -> Parameter:
    """Check one entry against the model's expectations and convert it to canonical units."""
    expected = specs.BY_KEY.get(key)
    if expected is None:
        raise specs.unknown_parameter(where, key)
    kind = expected.kind
    if kind is specs.SCHEDULE:
        if not isinstance(entry.value, list):
            raise InputError(where, f"{key}.value", "expected a list of events {start, size, months}")
        _unit_factor(key, entry.unit, expected.unit, where)
        return Parameter(key, expected, entry, tuple(entry.value), None, None, where)
    if kind is specs.CHOICE:
        if entry.value not in expected.choices:
            raise InputError(where, f"{key}.value",
                             f"expected one of {', '.join(expected.choices)}, got {entry.value!r}")
        return Parameter(key, expected, entry, entry.value, None, None, where)
    if isinstance(entry.value, (str, list)):
        raise InputError(where, f"{key}.value", f"expected a number, got {entry.value!r}")
    if entry.low is None or entry.high is None:
        raise InputError(where, key, "expected a plausible range: both 'low' and 'high'")
    factor = _unit_factor(key, entry.unit, expected.unit, where)
    value, low, high = (entry.value * factor, entry.low * factor, entry.high * factor)
    for field, number in (("value", value), ("low", low), ("high", high)):
        problem = kind.violation(number)
        if problem:
            raise InputError(where, f"{key}.{field}",
                             f"expected {problem} ({kind.name} in {expected.unit}), got {number:g}")
    if not low <= value <= high:
        raise InputError(where, key, f"expected low <= value <= high, got {low:g} <= {value:g} <= {high:g}")
    if entry.distribution == "loguniform" and low <= 0:
        raise InputError(where, f"{key}.distribution", "expected low > 0 for a loguniform distribution")
    return Parameter(key, expected, entry, value, low, high, where)


def _unit_factor(key: str, unit: str, canonical: str, where: str) -> float:
    try:
        return conversion_factor(unit, canonical)
    except ValueError as exc:
        raise InputError(where, f"{key}.unit", str(exc)) from None


def load_registry(path: Path) -> tuple[dict[str, Parameter], dict[str, EvidenceEntry]]:
    """Load a registry file: every parameter the model needs, validated, plus the evidence.

    A file is parsed once per content (keyed by its path and a digest of its bytes; every entry is frozen), so
    loading each scenario of a comparison does not parse the same registry again.
    """
    try:
        content = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:  # let the parser say what is wrong with the file
        content = None
    # The entries name their file as seen from the working folder (their `origin`), so the key holds that name too.
    parameters, evidence = _load_registry(path, content, display(path))
    return dict(parameters), dict(evidence)


@lru_cache(maxsize=8)
def _load_registry(path: Path, content: str | None,
                   where: str) -> tuple[dict[str, Parameter], dict[str, EvidenceEntry]]:
    """:func:`load_registry` of the file at ``path`` holding bytes of digest ``content``, named ``where`` (callers
    copy the dicts)."""
    registry = parse_file(path, RegistryFile)
    parameters = {key: validate_entry(key, entry, where) for key, entry in registry.parameters.items()}
    missing = [key for key in specs.BY_KEY if key not in parameters]
    if missing:
        raise InputError(where, missing[0], "required parameter is missing")
    for key, entry in registry.parameters.items():
        unknown = [ref for ref in entry.evidence if ref not in registry.evidence]
        if unknown:
            raise InputError(where, f"{key}.evidence", f"unknown evidence key {unknown[0]!r}")
        if not (entry.quote or entry.assumption):
            raise InputError(where, key, "expected a 'quote' or an 'assumption' saying where the value comes from")
    return parameters, registry.evidence
