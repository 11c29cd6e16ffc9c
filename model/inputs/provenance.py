"""A parameter's value with its provenance, and the record of a value that replaced a registered one.

:class:`Parameter` is one validated registry entry in canonical units; :class:`Override` records who set a
value after loading (``--set``, :meth:`~model.inputs.parameters.ParameterSet.with_values`, a sweep grid, a
Monte Carlo sample) and what it replaced, so that provenance never credits an override to the replaced
value's source. :class:`OutOfRangeWarning` is the one warning a value outside its plausible range gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from . import spec as specs

if TYPE_CHECKING:  # the registry's entry schema; the registry imports this module
    from .registry import ParameterEntry


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
#: counted, but not warned about when outside the range, since going there is the point); a value from the
#: posterior given the record (:mod:`model.inputs.posterior`: recorded, not counted as changing the scenario,
#: not warned about: the record may place it outside the judged range).
OVERRIDE, SAMPLE, SEARCH, POSTERIOR = "override", "sample", "search", "posterior"
#: How the source of a value calibrated to the record reads: ``CALIBRATED + posterior + PRIOR_OF + registered source``.
CALIBRATED, PRIOR_OF = "calibrated to the record: ", "; prior: "
KINDS = (OVERRIDE, SAMPLE, SEARCH, POSTERIOR)


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
        """Whether this is a Monte Carlo draw over the registered range or a value from the posterior (neither
        changes the scenario)."""
        return self.kind in (SAMPLE, POSTERIOR)

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
        if o is not None and o.kind == POSTERIOR:  # the registered entry is the prior; the record moved it
            row.update(source=f"{CALIBRATED}{o.where}{PRIOR_OF}{row['source']}",
                       replaces=f"{format_value(o.replaced)} {self.unit} (registered: the prior's mode); the value "
                                f"is the {o.where}")
        elif o is not None and o.sampled:  # draws over the registered range: the range's source still stands
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
