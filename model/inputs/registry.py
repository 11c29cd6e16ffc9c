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
naming the file and key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import spec as specs
from ..errors import InputError
from . import limits
from .limits import MONTH_PATTERN  # noqa: F401  (re-exported: the one month pattern)
from .paths import display
from .textfiles import read_text
from .units import conversion_factor

DATE_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def month(value: Any) -> str:
    """``value`` as a ``'YYYY-MM'`` month from year 1 (:func:`model.inputs.limits.month`), or ``ValueError``."""
    try:
        return limits.month(value, "", "")
    except InputError as exc:  # pydantic validators speak ValueError; the caller names the file and key
        raise ValueError(exc.expected) from None


class Event(_Strict):
    """One scheduled event: ``size`` persons spread evenly over ``months`` from ``start``."""

    start: str
    size: float = Field(ge=0)
    months: float = Field(default=1.0, gt=0)

    @field_validator("start", mode="before")
    @classmethod
    def _month(cls, value: Any) -> str:
        return month(value)


class _Sourced(_Strict):
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


class RegistryFile(_Strict):
    parameters: dict[str, ParameterEntry]
    evidence: dict[str, EvidenceEntry] = {}


#: pydantic's labels of union branches in an error's location (``float``, ``list[Event]``, ``Linspace``, ...).
_UNION_BRANCH = re.compile(r"float|str|int|bool|\w+\[.*\]|[A-Z]\w*|function-.*")


def _location(error: dict) -> str:
    """Dotted key of a pydantic error, without pydantic's union-branch labels."""
    return ".".join(str(p) for p in error["loc"] if not _UNION_BRANCH.fullmatch(str(p)))


def _one_line(error: dict) -> str:
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] == "missing":
        return "required field is missing"
    return message.removeprefix("Value error, ")


#: PyYAML's safe loader, the C implementation where libyaml is installed (several times faster).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
#: A number in e-notation without a decimal point (``5e4``): YAML 1.1 reads it as text, people mean a number.
_E_NOTATION = re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A mapping gives the same key twice (PyYAML would silently keep the last)."""

    def __init__(self, key: Any, mark: Any):
        super().__init__(None, None, f"expected each key once in a mapping, got {key!r} twice", mark)
        self.key = key


class Loader(_SAFE_LOADER):
    """The safe loader, stricter: duplicate keys are refused, ``5e4`` is a number, dates stay text."""

    yaml_implicit_resolvers = {first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
                               for first, resolvers in _SAFE_LOADER.yaml_implicit_resolvers.items()}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if key in seen:
                    raise _DuplicateKey(key, key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


Loader.add_implicit_resolver("tag:yaml.org,2002:float", _E_NOTATION, list("-+0123456789"))


def load_yaml(text: str) -> Any:
    """Parse YAML text with :class:`Loader`; raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=Loader)  # noqa: S506 (a safe loader, in C where libyaml is present)


def read_yaml(path: Path) -> Any:
    """Read a YAML file safely; a missing, unreadable, binary or malformed file becomes a one-line :class:`InputError`."""
    where = display(path)
    text = read_text(path)
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}" if mark else "(file)"
        if isinstance(exc, _DuplicateKey):
            raise InputError(where, at, exc.problem) from None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(where, at, f"expected valid YAML ({problem})") from None


def _check_numbers(document: Any, where: str, at: str = "") -> None:
    """Refuse NaN, infinity and numbers (float or int) beyond ``model.inputs.limits.MAX_MAGNITUDE`` anywhere in a document."""
    if isinstance(document, dict):
        for key, value in document.items():
            _check_numbers(value, where, f"{at}.{key}" if at else str(key))
    elif isinstance(document, list):
        for i, value in enumerate(document):
            _check_numbers(value, where, f"{at}[{i}]")
    elif isinstance(document, (int, float)) and not isinstance(document, bool):
        limits.magnitude(document, where, at or "(file)")


def parse_file(path: Path, model: type[BaseModel], document: Any = None) -> BaseModel:
    """Validate a YAML document against a pydantic model; errors become :class:`InputError`.

    Validation is strict: where a number is expected, a boolean or a text is refused
    (YAML reads ``yes`` as true), and no number may be NaN, infinite or beyond
    :data:`model.inputs.limits.MAX_MAGNITUDE`.
    """
    where = display(path)
    if document is None:
        document = read_yaml(path)
    if not isinstance(document, dict):
        raise InputError(where, "(file)", f"expected a mapping at the top level, got {type(document).__name__}")
    _check_numbers(document, where)
    try:
        return model.model_validate(document, strict=True)
    except ValidationError as exc:
        raise invalid_input(where, exc) from None


def invalid_input(where: str, exc: ValidationError, prefix: str = "", suffix: str = "") -> InputError:
    """pydantic's first complaint as a one-line :class:`InputError`: ``where: prefix.key: what was expected``.

    Of a union's failed branches, the one that got furthest is reported (an event's month, not "not a
    number"); a wrong type says what was found. ``suffix`` is added to the message.
    """
    first = max(exc.errors(), key=lambda error: len(error["loc"]))
    found = f", got {first['input']!r}" if first["type"] in _TYPE_ERRORS else ""
    key = ".".join(part for part in (prefix, _location(first)) if part) or "(file)"
    return InputError(where, key, _one_line(first) + found + suffix)


#: pydantic error types that say "wrong type": the message then shows what was found.
_TYPE_ERRORS = {"float_type", "int_type", "string_type", "bool_type", "list_type", "dict_type", "model_type",
                "float_parsing", "int_parsing"}


class OutOfRangeWarning(UserWarning):
    """A value set outside its plausible range (allowed, but worth a line on standard error)."""


def frozen(array: np.ndarray) -> np.ndarray:
    """``array`` itself when nothing can write into it (it and every base read-only), else a read-only copy.

    A read-only view of a writable array is copied: its owner could still change it.
    """
    probe: Any = array
    while isinstance(probe, np.ndarray):
        if probe.flags.writeable:
            break
        probe = probe.base
    else:
        if probe is None:
            return array
    copy = np.array(array, dtype=float, copy=True)
    copy.setflags(write=False)
    return copy


#: Kinds of value replacement: a value a person set; a Monte Carlo draw over the registered range
#: (recorded, not counted as changing the scenario); a solver's or stress test's trial value (recorded,
#: counted, but not warned about when outside the range, since going there is the point).
OVERRIDE, SAMPLE, SEARCH = "override", "sample", "search"
KINDS = (OVERRIDE, SAMPLE, SEARCH)


@dataclass(frozen=True)
class Override:
    """A value that replaced the one a registry or scenario file gave, with its own provenance.

    ``value`` is in the canonical ``unit`` (a float, a read-only array of shape
    ``(n_runs,)``, a choice or a tuple of events); ``where`` says who set it
    (``"set on the command line (--set)"``, ``"with_values() in Python"``, a
    file); ``replaced`` is the value it replaced and ``replaced_from`` that
    value's source and file. ``kind`` is one of :data:`KINDS`: a Monte Carlo
    sample's draws vary a scenario rather than change it.
    """

    value: Any
    unit: str
    where: str
    replaced: Any
    replaced_from: str
    kind: str = OVERRIDE

    @property
    def sampled(self) -> bool:
        """Whether this is a Monte Carlo draw over the registered range."""
        return self.kind == SAMPLE

    def describe(self, key: str) -> str:
        """``key=value`` for titles (``"casualties.monthly=50000"``; a batch: ``"casualties.monthly varied"``;
        a schedule of more than two events: ``"casualties.recorded: 24 events"``)."""
        if isinstance(self.value, np.ndarray):
            return f"{key} varied"
        if isinstance(self.value, tuple) and len(self.value) > 2:
            return f"{key}: {len(self.value)} events"
        return f"{key}={format_value(self.value)}"


@dataclass(frozen=True)
class Parameter:
    """A validated parameter: its provenance and its value in the canonical unit.

    ``value`` is a float (or, in a batch, a 1-D array of floats) for numeric
    parameters, a string for a choice, a tuple of :class:`Event` for a schedule.
    ``low`` and ``high`` are the plausible range in the canonical unit.
    ``origin`` names the file the entry was last set in (registry or scenario).
    ``override`` is set when the value was replaced after loading (``--set``,
    :meth:`~model.inputs.parameters.ParameterSet.with_values`, a sweep grid, a
    sample): then ``entry`` still describes the registered value, but the
    provenance reports the override, never the replaced value's source and quote.
    Array values are held as read-only copies.
    """

    key: str
    spec: specs.ParameterSpec
    entry: ParameterEntry
    value: Any
    low: float | None
    high: float | None
    origin: str
    override: Override | None = None

    def __post_init__(self) -> None:
        if isinstance(self.value, np.ndarray):
            object.__setattr__(self, "value", frozen(self.value))

    @property
    def unit(self) -> str:
        return self.spec.unit

    def overridden(self, value: Any, where: str, origin: str, kind: str = OVERRIDE) -> Parameter:
        """This parameter with ``value`` (canonical unit, already validated) set by ``where``, told as ``origin``.

        The record keeps what was registered, so overriding an override still
        names the file value it replaced first.
        """
        first = self.override
        replaced = first.replaced if first else self.value
        replaced_from = first.replaced_from if first else f"{self.entry.source} ({self.origin})"
        value = frozen(value) if isinstance(value, np.ndarray) else value
        record = Override(value, self.unit, origin, replaced, replaced_from, kind)
        return Parameter(self.key, self.spec, self.entry, value, self.low, self.high, where, record)

    def range_warning(self) -> str | None:
        """A one-line note when a numeric value lies outside the plausible range, else ``None``."""
        if not self.spec.numeric or self.low is None or self.high is None:
            return None
        values = np.asarray(self.value, dtype=float)
        smallest, largest = float(values.min()), float(values.max())
        if self.low <= smallest and largest <= self.high:
            return None
        shown = f"{smallest:g}" if smallest == largest else f"{smallest:g} to {largest:g}"
        return (f"{self.origin}: {self.key}: {shown} {self.unit} is outside the plausible range "
                f"{self.low:g} to {self.high:g} {self.unit}; running with it anyway")

    def provenance(self) -> dict[str, Any]:
        """Where the value comes from, as a flat dict of strings (for tables and attrs).

        An overridden value reports ``source`` ``"override: <who set it>"``,
        empty ``date``, ``url``, ``quote`` and ``assumption``, and under
        ``replaces`` the value and source it replaced. A Monte Carlo sample's
        draws keep the registered provenance (it is their range's) and say
        under ``replaces`` that they are draws.
        """
        row = self._registered_provenance()
        o = self.override
        if o is not None and o.sampled:  # draws over the registered range: the range's source still stands
            row.update(replaces=f"{format_value(o.replaced)} {self.unit} (registered), drawn by {o.where} "
                                "over the plausible range")
        elif o is not None:
            row.update(source=f"override: {o.where}", date="", url="", quote="", assumption="", evidence="",
                       party_claim="", as_registered="",
                       replaces=f"{format_value(o.replaced)} {self.unit} from {o.replaced_from}")
        return row

    def _registered_provenance(self) -> dict[str, Any]:
        e = self.entry
        return {
            "key": self.key,
            "description": e.description,
            "value": format_value(self.value),
            "unit": self.unit,
            "low": "" if self.low is None else f"{self.low:g}",
            "high": "" if self.high is None else f"{self.high:g}",
            "as_registered": self._as_registered(),
            "distribution": e.distribution if self.spec.numeric else "",
            "source": e.source,
            "date": e.date,
            "url": e.url or "",
            "quote": e.quote or "",
            "assumption": e.assumption or "",
            "evidence": ", ".join(e.evidence),
            "party_claim": "yes" if e.party_claim else "",
            "file": self.origin,
            "replaces": "",
        }

    def _as_registered(self) -> str:
        """The registry's own value and unit, when its unit differs from the canonical one."""
        e = self.entry
        if e.unit == self.unit or not self.spec.numeric or isinstance(e.value, (str, list)):
            return ""
        return f"{e.value:g} {e.unit} ({e.low:g} to {e.high:g})"


def format_value(value: Any) -> str:
    """A parameter value as short text: a number, a choice, events, or ``"batch of N values"``."""
    if isinstance(value, tuple):
        return "; ".join(f"{ev.size:g} from {ev.start} over {ev.months:g} mo" for ev in value) or "none"
    if isinstance(value, (int, float)):
        return f"{value:g}"
    if isinstance(value, str):
        return value
    return f"batch of {len(value)} values"


def validate_entry(key: str, entry: ParameterEntry, where: str) -> Parameter:
    """Check one entry against the model's expectations and convert it to canonical units."""
    expected = specs.BY_KEY.get(key)
    if expected is None:
        raise InputError(where, key, "unknown parameter (not one the model uses)")
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
    """Load a registry file: every parameter the model needs, validated, plus the evidence."""
    where = display(path)
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
