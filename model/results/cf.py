"""CF metadata for written results: unit strings UDUNITS parses, ``Conventions``, ``history``, names.

UDUNITS-2 (and so ``cf_units`` and every CF checker) has no unit for a person
or a rouble. The documented choice here: a count of persons is the pure number
``"1"``, money is ``"1"`` too, and the non-CF attribute ``unit_label`` says
what is counted (``"persons"``, ``"persons per month"``, ``"roubles"``); the
``long_name`` says it as well. Time units keep their dimension: ``"month"``
and ``"month-1"``. UDUNITS' month is a twelfth of its year (30.437 days), the
package's pint month a twelfth of 365.25 days (30.4375 days): the same to
0.002 %.

Every string in :data:`CF_UNITS` was checked with ``cf_units.Unit(u)``
(cf-units 3, UDUNITS-2): ``"1"``, ``"month"``, ``"month-1"`` parse; ``"person"``,
``"persons"`` and ``"RUB"`` do not.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ..inputs import units

CONVENTIONS = "CF-1.10"

#: Canonical unit of the package -> (CF ``units`` string, ``unit_label`` saying what is counted).
CF_UNITS: dict[str, tuple[str, str]] = {
    units.PERSON: ("1", "persons"),
    units.PERSON_PER_MONTH: ("month-1", "persons per month"),
    units.PER_MONTH: ("month-1", "per month"),
    units.MONTH: ("month", "months"),
    units.DIMENSIONLESS: ("1", "dimensionless"),
    units.ROUBLE: ("1", "roubles"),
    units.ROUBLE_PER_MONTH: ("month-1", "roubles per month"),
}

#: Every ``units`` string a written dataset may carry (each verified with ``cf_units.Unit``).
ALLOWED_UNITS: frozenset[str] = frozenset(u for u, _ in CF_UNITS.values())

#: Separator that replaces the dot of a registry key in a variable name (``casualties__monthly``).
KEY_SEPARATOR = "__"


def unit_attrs(unit: str) -> dict[str, str]:
    """``{"units": ..., "unit_label": ...}`` for a canonical unit of the package (see :data:`CF_UNITS`)."""
    cf, label = CF_UNITS[unit]
    return {"units": cf, "unit_label": label}


def variable_attrs(long_name: str, description: str, unit: str, drivers: list[str],
                   cell_method: str | None = None) -> dict[str, str]:
    """The labels every output variable carries: a long name saying its unit, CF units, drivers, cell method."""
    units = unit_attrs(unit)
    attrs = {"long_name": f"{long_name} ({units['unit_label']})", "description": description, **units}
    if cell_method:
        attrs["cell_methods"] = cell_method
    return {**attrs, "drivers": ", ".join(drivers)}


def variable_name(key: str) -> str:
    """A registry key as a variable name usable as an attribute: ``casualties.monthly`` -> ``casualties__monthly``."""
    return key.replace(".", KEY_SEPARATOR)


def history_line(command: str) -> str:
    """One line of a CF ``history`` attribute: ISO 8601 UTC timestamp, then the command."""
    return f"{datetime.now(timezone.utc).isoformat(timespec='seconds')}: {command}"


def add_history(attrs: dict, command: str) -> None:
    """Prepend ``command`` to ``attrs["history"]`` (newest first, as CF and the NCO tools write it)."""
    previous = attrs.get("history")
    attrs["history"] = history_line(command) + (f"\n{previous}" if previous else "")
