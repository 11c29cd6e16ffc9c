"""Parameter sets: the registry, a scenario's overlay on it, and overrides.

:func:`load_params` is the entry point. A :class:`ParameterSet` maps registry
keys to :class:`~model.inputs.provenance.Parameter` objects (value in canonical units
plus provenance). Any numeric value may be a 1-D array of shape ``(n_runs,)``;
all arrays in a set share that length, and :func:`model.simulate` runs them
together.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from functools import lru_cache
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from math import ceil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from . import spec as specs
from ..errors import InputError
from . import limits
from .paths import REGISTRY_FILE, SCENARIO_FOLDER, display, locate, read_dirs
from .provenance import KINDS, OVERRIDE, POSTERIOR, OutOfRangeWarning, Override, Parameter
from .posterior import PRIOR_LABEL, StoredPosterior, calibrated_keys, load_posterior, registry_files
from .registry import Event, EvidenceEntry, load_registry
from .scenarios import ScenarioFile, merge_overlay
from .schema import parse_file, validated
from .textfiles import load_yaml, read_yaml
from .schedules import month_index
from .streams import RunStream
from ..core.structure import POOLED
from .units import conversion_factor, registry as unit_registry
from ..core.defaults import BASELINE  # noqa: F401 (re-exported)

#: The baseline's title when no ``baseline.yaml`` overlay names it.
BASELINE_TITLE = "Baseline: the late-2024 status quo"


#: How the ``where`` of :meth:`ParameterSet.with_values` reads in provenance, for the usual callers.
OVERRIDE_ORIGINS = {
    "--set": "set on the command line (--set)",
    "with_values()": "with_values() in Python",
    "load_params(overrides=...)": "load_params(overrides=...) in Python",
}


@dataclass(frozen=True)
class ParameterSet(Mapping[str, Parameter]):
    """An immutable, validated set of model parameters with provenance.

    Use ``params[key].value`` for a value in its canonical unit (see
    ``params[key].unit``), :meth:`with_values` to change values, and
    :meth:`table` to see every value with its source. Array values are
    read-only copies: changing the array a caller passed in never changes a set.
    """

    parameters: dict[str, Parameter]
    evidence: dict[str, EvidenceEntry]
    scenario: str = BASELINE
    description: str = ""
    files: tuple[str, ...] = field(default=())
    #: The overlay file's path when the set was loaded from a file outside the scenario folders, else ``None``.
    loaded_from: str | None = None
    #: The parameter folder it was loaded from (``None``: the default folders); observed series are read there.
    folder: str | None = None
    #: For a drawn batch (a Monte Carlo sample, a sweep's chunk): the stream its per-run draws come from.
    stream: RunStream | None = None
    #: The baseline scenario's ``casualties.monthly`` in the folder the set was loaded from (persons/month), set
    #: when it is loaded: under the fitted casualty process a scenario's level is a shift relative to it, and a
    #: run must not read it from disk (the registry may have changed since). ``None``: the set's own value.
    baseline_level: float | None = None
    #: The stored posterior the set's calibrated values come from (:mod:`model.inputs.posterior`), and the keys it
    #: set; a Monte Carlo draws those keys as whole posterior rows. ``None``: prior only.
    posterior: StoredPosterior | None = None
    posterior_keys: tuple[str, ...] = ()
    #: Loaded with ``prior=True``: the stored posterior ignored on request.
    prior: bool = False
    #: What the posterior the calibrated values came from says of itself (kept by a snapshot, which holds the
    #: posterior's central values but not its draws).
    posterior_label: str | None = None
    #: The scenario's title for people (the overlay's ``title``); :attr:`heading` falls back to the name.
    title: str = ""

    def __getitem__(self, key: str) -> Parameter:
        return self.parameters[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.parameters)

    def __len__(self) -> int:
        return len(self.parameters)

    def __repr__(self) -> str:
        batch = f", batch of {self.batch_size} runs" if self.batch_size else ""
        return f"<ParameterSet scenario={self.scenario!r}: {len(self)} parameters{batch}>"

    def value(self, key: str) -> Any:
        """Value of ``key`` in its canonical unit (a float, an array, a string or events)."""
        return self.parameters[key].value

    @property
    def batch_size(self) -> int | None:
        """Number of runs when any value is an array, else ``None``."""
        sizes = {np.size(p.value) for p in self.parameters.values() if isinstance(p.value, np.ndarray)}
        return sizes.pop() if sizes else None

    @property
    def overrides(self) -> dict[str, Override]:
        """The values set after loading that change the scenario, by key (a Monte Carlo sample's draws aside)."""
        return {k: p.override for k, p in self.parameters.items() if p.override is not None and not p.override.sampled}

    @property
    def parameters_from(self) -> str:
        """Where the calibrated values come from, as results say it: the posterior's draws (a batch), its
        central values (one run), or the prior alone."""
        if self.posterior is None and self.posterior_label is not None:  # restored from a snapshot: one run
            return "central values (medians) of the " + self.posterior_label
        if self.posterior is None:
            return PRIOR_LABEL + (", on request" if self.prior else "")
        drawn = any(isinstance(self.value(k), np.ndarray) for k in self.posterior_keys)
        return ("draws from the " if drawn else "central values (medians) of the ") + self.posterior.label

    @property
    def label(self) -> str:
        """The scenario's name, or what overrode it: ``"baseline with overrides (casualties.monthly=50000)"``."""
        return run_label(self.scenario, [o.describe(k) for k, o in self.overrides.items()])

    @property
    def heading(self) -> str:
        """The scenario as people call it: its title, else its name (an overlay without a ``title``)."""
        return self.title or self.scenario

    @property
    def file_stem(self) -> str:
        """A file name (without suffix) for this set's results: the scenario, or ``baseline+overrides-1a2b3c``."""
        return f"{self.scenario}+overrides-{self.digest()[:6]}" if self.overrides else self.scenario

    def range_warnings(self) -> list[str]:
        """One line for each overridden value outside its plausible range (see :class:`OutOfRangeWarning`)."""
        lines = (self.parameters[key].range_warning() for key in self.overrides)
        return [line for line in lines if line]

    def with_values(self, values: Mapping[str, Any], where: str = "with_values()", *,
                    kind: str = OVERRIDE) -> ParameterSet:
        """A copy with some values replaced, validated as the registry is, and recorded as overrides.

        Values are in the canonical unit, or strings with a unit such as
        ``"1600 person / day"``; numeric values may be arrays of shape
        ``(n_runs,)`` (copied, and held read-only). Bad keys or values raise
        :class:`InputError` naming ``where`` and the key. Each replaced
        parameter carries an :class:`~model.inputs.registry.Override` saying who set
        it (``where``, described by :data:`OVERRIDE_ORIGINS`) and what it
        replaced. A value outside its plausible range is allowed, with one
        :class:`~model.inputs.provenance.OutOfRangeWarning` per key naming the range.
        ``kind`` (see :data:`~model.inputs.registry.KINDS`) is ``"sample"`` for a
        Monte Carlo sample's draws (inside their ranges by construction: not
        checked, not counted in :attr:`label`) and ``"search"`` for a solver's
        or a stress test's trial values (not warned about: leaving the range is
        their point).
        """
        if kind not in KINDS:
            raise InputError(where, "kind", f"expected one of {', '.join(KINDS)}, got {kind!r}")
        updated = dict(self.parameters)
        origin = OVERRIDE_ORIGINS.get(where, where)
        for key, raw in values.items():
            current = updated.get(key)
            if current is None:
                raise specs.unknown_parameter(where, key)
            updated[key] = current.overridden(_coerce(current, raw, where), where, origin, kind)
        result = replace(self, parameters=updated)
        check_consistency(result, where)
        if kind == OVERRIDE:
            for key in values:
                line = result[key].range_warning()
                if line:
                    warnings.warn(line, OutOfRangeWarning, stacklevel=2)
        return result

    def table(self) -> pd.DataFrame:
        """Every parameter with its value, unit, range and provenance, one row each."""
        return pd.DataFrame([p.provenance() for p in self.parameters.values()]).set_index("key")

    def to_dataframe(self) -> pd.DataFrame:
        """The values as a table: for a batch (a Monte Carlo sample, say), one row per run and one column per
        parameter that varies across runs, in its canonical unit; for a single set, one row per parameter with its
        value (a number where it is one), canonical unit and plausible range (:meth:`table` adds the provenance)."""
        if self.batch_size is None:
            rows = {k: {"value": p.value, "unit": p.unit, "low": p.low, "high": p.high}
                    for k, p in self.parameters.items()}
            return pd.DataFrame.from_dict(rows, orient="index").rename_axis("key")
        varied = {k: p.value for k, p in self.parameters.items() if isinstance(p.value, np.ndarray)}
        frame = pd.DataFrame(varied, index=pd.RangeIndex(self.batch_size, name="run"))
        frame.columns.name = "parameter"
        return frame

    def digest(self) -> str:
        """Short hash of the values (not the prose), to stamp results with."""
        sha = hashlib.sha256()
        for key, parameter in sorted(self.parameters.items()):
            value = parameter.value
            sha.update(key.encode())
            if isinstance(value, np.ndarray):
                sha.update(np.ascontiguousarray(value, dtype=float).tobytes())
            elif isinstance(value, tuple):
                sha.update(json.dumps([e.model_dump() for e in value], sort_keys=True).encode())
            else:
                sha.update(repr(value).encode())
        if self.value("casualties.process") == "fitted":  # the reference the level is a shift from
            sha.update(repr(self.baseline_level).encode())
        return sha.hexdigest()[:12]


def run_label(scenario: str, overrides: Sequence[str]) -> str:
    """A run's name for titles: the scenario, and its overrides as ``key=value`` texts when there are any."""
    if not overrides:
        return scenario
    if len(overrides) <= 3:
        return f"{scenario} with overrides ({', '.join(overrides)})"
    return f"{scenario} with {len(overrides)} overrides ({', '.join(overrides[:2])}, ...)"


def overrides_attr(params: ParameterSet) -> str:
    """The overrides of ``params`` as a JSON list of ``key=value`` texts (the datasets' ``overrides`` attribute)."""
    return json.dumps([o.describe(k) for k, o in params.overrides.items()], ensure_ascii=False)


def label_from_attrs(attrs: Mapping[str, Any]) -> str:
    """:func:`run_label` of a dataset, from its ``scenario`` and ``overrides`` attributes."""
    return run_label(str(attrs.get("scenario", "")), json.loads(attrs.get("overrides") or "[]"))


def _coerce(parameter: Parameter, raw: Any, where: str) -> Any:
    """Turn a user-given value into the parameter's canonical form, or raise.

    A number is a finite int or float (or a 1-D array of them) of magnitude at most
    :data:`model.inputs.limits.MAX_MAGNITUDE`, or a text with a unit; booleans, mappings
    and nested lists are refused, never read as 0 or 1.
    """
    key, kind = parameter.key, parameter.spec.kind
    if kind is specs.CHOICE:
        if not isinstance(raw, str) or raw not in parameter.spec.choices:
            raise InputError(where, key, f"expected one of {', '.join(parameter.spec.choices)}, got {raw!r}")
        return raw
    if kind is specs.SCHEDULE:
        return _coerce_schedule(key, raw, where)
    if isinstance(raw, str):
        raw = _parse_quantity(key, raw, parameter.unit, where)
    if limits.has_boolean(raw) or isinstance(raw, Mapping):
        raise InputError(where, key, f"expected a number in {parameter.unit}, got {raw!r}")
    try:
        array = np.array(raw, dtype=float)  # a copy: the caller's array may change later
    except (TypeError, ValueError):
        raise InputError(where, key, f"expected a number in {parameter.unit}, got {raw!r}") from None
    if array.ndim > 1 or array.size == 0:
        raise InputError(where, key, f"expected a number or a 1-D array of numbers, got shape {array.shape}")
    limits.magnitude(array, where, key, parameter.unit)
    for number in (array.min(), array.max()):  # the bounds are an interval: its ends decide
        problem = kind.violation(float(number))
        if problem:
            raise InputError(where, key, f"expected {problem} ({kind.name} in {parameter.unit}), got {number:g}")
    return float(array) if array.ndim == 0 else array


def _parse_quantity(key: str, text: str, unit: str, where: str) -> float:
    try:
        quantity = unit_registry().Quantity(text)
    except Exception:
        raise InputError(where, key, f"expected a number or a quantity like '1600 person / day', got {text!r}") from None
    if isinstance(quantity, (int, float)):
        return float(quantity)
    if quantity.unitless:  # a plain number such as '5e4': in the parameter's unit
        return float(quantity.magnitude)
    try:
        factor = conversion_factor(str(quantity.units), unit)
    except ValueError as exc:
        raise InputError(where, key, str(exc)) from None
    magnitude = quantity.magnitude
    if isinstance(magnitude, bool) or not isinstance(magnitude, (int, float)):
        raise InputError(where, key, f"expected one number with a unit, got {text!r}")
    with np.errstate(over="ignore"):
        return float(np.float64(magnitude) * factor)


def _coerce_schedule(key: str, raw: Any, where: str) -> tuple[Event, ...]:
    if isinstance(raw, str):
        try:
            raw = load_yaml(raw)
        except yaml.YAMLError as exc:
            problem = getattr(exc, "problem", None) or "malformed"
            raise InputError(where, key, f"expected a list of events like [{{start: 2025-06, size: 10000, months: 1}}] "
                                         f"in valid YAML ({problem})") from None
    if raw is None:
        raw = []
    if not isinstance(raw, (list, tuple)):
        raise InputError(where, key, "expected a list of events like [{start: 2025-06, size: 10000, months: 1}]")
    events = []
    for i, item in enumerate(raw):
        if isinstance(item, Event):
            events.append(item)
            continue
        if isinstance(item, Mapping):
            for name in ("size", "months"):
                number = item.get(name)
                if isinstance(number, (int, float)) and not isinstance(number, bool):
                    limits.magnitude(number, where, f"{key}[{i}].{name}")
        events.append(validated(Event, item, where, prefix=f"{key}[{i}]", strict=isinstance(item, Mapping)))
    return tuple(events)


#: The constraints that tie parameters together: the key an error names, what it expects, and the test (True
#: where a run satisfies it) given a function from key to value (a number or an array of runs).
CONSTRAINTS = (
    ("casualties.captured_fraction", "expected killed_fraction + captured_fraction <= 1",
     lambda v: np.asarray(v("casualties.killed_fraction")) + np.asarray(v("casualties.captured_fraction")) <= 1.0),
    ("force.deployed_total", "expected at least the sum of front_initial.* (volunteers are the remainder)",
     lambda v: sum(np.asarray(v(f"front_initial.{s}")) for s in POOLED) <= np.asarray(v("force.deployed_total"))),
    ("conscription.conversion_share", "expected a share from 0 to below 1 (a share of 1 signs at an infinite rate)",
     lambda v: (np.asarray(v("conscription.conversion_share")) >= 0.0)
     & (np.asarray(v("conscription.conversion_share")) < 1.0)),
    ("pay.federal_change", "expected a change that leaves the federal payment at 0 or more RUB",
     lambda v: np.asarray(v("pay.federal_bonus")) + np.asarray(v("pay.federal_change")) >= 0.0),
)


def admissible(value: Callable[[str], Any]) -> np.ndarray:
    """Which runs satisfy every constraint of :data:`CONSTRAINTS` (``value``: key to value or array of runs).

    A sampler drawing parameters independently over their ranges can land outside them (a prior truncated by
    the constraints); the calibration gives such a draw no weight rather than stopping."""
    return np.logical_and.reduce([np.asarray(test(value), dtype=bool) for _, _, test in CONSTRAINTS])


def check_consistency(params: ParameterSet, where: str) -> None:
    """Constraints that tie parameters together, checked for every run of a batch."""
    for key, expected, test in CONSTRAINTS:
        if not np.all(test(params.value)):
            raise InputError(where, key, expected)
    recorded = params.value("casualties.recorded")
    covered = [month_index(e.start) + i for e in recorded for i in range(ceil(e.months))]
    if len(covered) != len(set(covered)):
        raise InputError(where, "casualties.recorded", "expected each month recorded at most once")
    sizes = {np.size(p.value) for p in params.parameters.values() if isinstance(p.value, np.ndarray)}
    if len(sizes) > 1:
        raise InputError(where, "(batch)", f"expected all arrays to have one length, got lengths {sorted(sizes)}")


def scenario_names(folder: str | Path | None = None) -> list[str]:
    """Names of the scenarios in ``scenarios/`` of the user's and the shipped folders (``baseline`` first)."""
    names = sorted({p.stem for root in read_dirs(folder) for p in (root / SCENARIO_FOLDER).glob("*.yaml")})
    return [BASELINE] + [n for n in names if n != BASELINE]


def load_params(scenario: str = BASELINE, overrides: Mapping[str, Any] | None = None,
                folder: str | Path | None = None, prior: bool = False) -> ParameterSet:
    """Load the registry, apply a scenario overlay and then overrides.

    Parameters
    ----------
    scenario : str
        Name of a file in ``params/scenarios`` (without ``.yaml``), ``"baseline"``, or the path
        of an overlay file anywhere (ending in ``.yaml``; its ``name`` must be its file's).
    overrides : mapping, optional
        ``{key: value}``; values in the parameter's canonical unit or as a string
        with a unit; numeric values may be arrays of shape ``(n_runs,)``.
    folder : path, optional
        Parameter folder; default the user's folder, then the shipped defaults (:func:`model.inputs.paths.locate`).
    prior : bool
        Ignore the stored posterior (:mod:`model.inputs.posterior`): every value as the registry and the
        scenario give it, a Monte Carlo over the registry's ranges. By default the values the posterior
        calibrated take its central values and a Monte Carlo draws them from it.
    """
    root = Path(folder) if folder is not None else None
    if str(scenario).endswith(".yaml"):
        params = replace(load_overlay(scenario, folder), loaded_from=str(scenario))
        taken = locate(f"{SCENARIO_FOLDER}/{params.scenario}.yaml", root)
        if (params.scenario in scenario_names(root) or params.scenario == BASELINE) and (
                not taken.exists() or taken.resolve() != Path(scenario).resolve()):
            raise InputError(display(Path(scenario)), "name", f"expected a name no scenario of the parameter folder "
                             f"has; {params.scenario!r} is taken (rename `name:` and the file)")
    else:
        params = _load_scenario(root, scenario, seen=())
        check_consistency(params, params.files[-1])
    params = replace(params, folder=None if root is None else str(root), baseline_level=_baseline_level(root, params))
    params = replace(params, prior=True) if prior else with_posterior(params, root)
    if overrides:
        params = params.with_values(overrides, where="load_params(overrides=...)")
    return params


def with_posterior(params: ParameterSet, root: Path | None) -> ParameterSet:
    """``params`` with the stored posterior of folder ``root`` applied (see :mod:`model.inputs.posterior`);
    unchanged when the folder holds none."""
    stored = load_posterior(root)
    if stored is None:
        return params
    keys = calibrated_keys(params, stored, registry_files(root))
    central = stored.central
    applied = params.with_values({k: central[k] for k in keys}, where=stored.label, kind=POSTERIOR)
    # A calibrated value's plausible range covers the posterior's draws as well as the registered range: the
    # record may move a value (the hindcast's start state, above all) beyond what was registered as plausible.
    lowest, highest = stored.draws.min(), stored.draws.max()
    widened = {k: replace(applied[k], low=min(applied[k].low, float(lowest[k])), high=max(applied[k].high,
                                                                                         float(highest[k])))
               for k in keys if applied[k].low is not None}
    applied = replace(applied, parameters={**applied.parameters, **widened})
    return replace(applied, posterior=stored, posterior_keys=tuple(keys), posterior_label=stored.label)


def _baseline_level(root: Path | None, params: ParameterSet) -> float:
    """The baseline scenario's ``casualties.monthly`` in ``root`` (``params``'s own when it is the baseline)."""
    if params.scenario == BASELINE and params.loaded_from is None:
        return float(params.value(LEVEL_KEY))
    files = (locate(REGISTRY_FILE, root), locate(f"{SCENARIO_FOLDER}/{BASELINE}.yaml", root))
    return _stored_baseline_level(root, tuple(f.stat().st_mtime_ns if f.exists() else 0 for f in files))


@lru_cache(maxsize=8)
def _stored_baseline_level(root: Path | None, stamp: tuple[int, ...]) -> float:
    """The baseline's level, loaded once per folder while its registry and baseline overlay are unchanged
    (``stamp``: their modification times), so that loading each scenario does not parse the registry twice."""
    return float(_load_scenario(root, BASELINE, seen=()).value(LEVEL_KEY))


#: The casualty level whose baseline value a set carries (see :attr:`ParameterSet.baseline_level`).
LEVEL_KEY = "casualties.monthly"


def _load_scenario(root: Path | None, name: str, seen: tuple[str, ...]) -> ParameterSet:
    registry_path = locate(REGISTRY_FILE, root)
    scenario_path = locate(f"{SCENARIO_FOLDER}/{name}.yaml", root)
    if name == BASELINE and not scenario_path.exists():
        parameters, evidence = load_registry(registry_path)
        return ParameterSet(parameters, evidence, BASELINE, "Late-2024 status quo", (display(registry_path),),
                            title=BASELINE_TITLE)
    if not scenario_path.exists():
        known = ", ".join(scenario_names(root))
        raise InputError(display(scenario_path), "scenario", f"no such scenario {name!r}; expected one of {known}")
    return _apply_overlay(root, scenario_path, seen)


def _apply_overlay(root: Path | None, path: Path, seen: tuple[str, ...]) -> ParameterSet:
    """The overlay file at ``path`` applied to the scenario it is based on; its name must be its file's."""
    where, name = display(path), path.stem
    overlay = parse_file(path, ScenarioFile, read_yaml(path))
    if overlay.name != name:
        raise InputError(where, "name", f"expected {name!r} (the file's name), got {overlay.name!r}")
    if name in seen:
        raise InputError(where, "based_on", f"expected no cycle, got {' -> '.join(seen + (name,))}")
    if name == BASELINE:
        registry_path = locate(REGISTRY_FILE, root)
        parameters, evidence = load_registry(registry_path)
        base = ParameterSet(parameters, evidence, BASELINE, "", (display(registry_path),))
    else:
        known = scenario_names(root)
        if overlay.based_on not in known:  # a name only: a path or '' would reach a file that is no scenario
            raise InputError(where, "based_on", f"expected the name of a scenario ({', '.join(known)}), "
                                                f"got {overlay.based_on!r}")
        base = _load_scenario(root, overlay.based_on, seen + (name,))
    parameters = merge_overlay(base.parameters, overlay, where)
    return ParameterSet(parameters, base.evidence, name, overlay.description, base.files + (where,),
                        title=overlay.title or "")


def load_overlay(path: str | Path, folder: str | Path | None = None) -> ParameterSet:
    """Parameters of an overlay file kept outside ``params/scenarios`` (e.g. the hindcast's), validated.

    ``folder`` is the parameter folder whose registry and scenarios the overlay builds on.
    """
    root = Path(folder) if folder is not None else None
    params = _apply_overlay(root, Path(path), seen=())
    check_consistency(params, params.files[-1])
    return replace(params, folder=None if root is None else str(root), baseline_level=_baseline_level(root, params))
