"""A parameter set as JSON text and back, so a result can carry the exact inputs that made it.

:func:`dumps` keeps every parameter's value (canonical unit, full float
precision), range, origin and registry entry, and the evidence;
:func:`loads` rebuilds the same :class:`~model.inputs.parameters.ParameterSet` (same
:meth:`~model.inputs.parameters.ParameterSet.digest`) from the text alone: the
parameter specifications come from the code (:mod:`model.inputs.spec`), nothing is
read from the registry on disk. Single sets only (a batch's arrays are not kept). A set whose calibrated values
came from the stored posterior keeps them (its central values) and what the posterior said of itself, not its
draws: a Monte Carlo of the restored set is refused (load the scenario again to sample it).
"""

from __future__ import annotations

import json

from ..errors import InputError
from .parameters import ParameterSet
from .provenance import Override, Parameter
from .registry import Event, EvidenceEntry, ParameterEntry
from .spec import BY_KEY


def dumps(params: ParameterSet) -> str:
    """JSON text of a single (not batched) parameter set."""
    if params.batch_size:
        raise InputError("snapshot", "params", "expected a single parameter set, not a batch")
    parameters = {}
    for key, p in params.items():
        value = [e.model_dump() for e in p.value] if isinstance(p.value, tuple) else p.value
        parameters[key] = {"value": value, "low": p.low, "high": p.high, "origin": p.origin,
                           "entry": p.entry.model_dump(mode="json")}
        if p.override is not None:  # who set the value (an override, the posterior), so provenance stays true
            o = p.override
            parameters[key]["override"] = {"value": _plain(o.value), "unit": o.unit, "where": o.where,
                                           "replaced": _plain(o.replaced), "replaced_from": o.replaced_from,
                                           "kind": o.kind}
    return json.dumps({"scenario": params.scenario, "title": params.title, "description": params.description,
                       "files": list(params.files),
                       "parameters": parameters, "baseline_level": params.baseline_level, "folder": params.folder,
                       "prior": params.prior, "posterior_label": params.posterior_label,
                       "posterior_keys": list(params.posterior_keys),
                       "evidence": {k: e.model_dump(mode="json") for k, e in params.evidence.items()}})


def _plain(value):
    """A value as JSON holds it: events as their fields."""
    return [e.model_dump() for e in value] if isinstance(value, tuple) else value


def _events(value):
    return tuple(Event.model_validate(e) for e in value) if isinstance(value, list) else value


def loads(text: str) -> ParameterSet:
    """The parameter set that :func:`dumps` wrote."""
    document = json.loads(text)
    parameters = {}
    for key, item in document["parameters"].items():
        value = item["value"]
        if isinstance(value, list):
            value = tuple(Event.model_validate(e) for e in value)
        o = item.get("override")
        override = None if o is None else Override(_events(o["value"]), o["unit"], o["where"], _events(o["replaced"]),
                                                   o["replaced_from"], o["kind"])
        parameters[key] = Parameter(key, BY_KEY[key], ParameterEntry.model_validate(item["entry"]), value,
                                    item["low"], item["high"], item["origin"], override)
    evidence = {k: EvidenceEntry.model_validate(e) for k, e in document["evidence"].items()}
    return ParameterSet(parameters, evidence, document["scenario"], document["description"],
                        tuple(document["files"]), folder=document.get("folder"),
                        baseline_level=document.get("baseline_level"), prior=bool(document.get("prior", False)),
                        posterior_keys=tuple(document.get("posterior_keys", ())),
                        posterior_label=document.get("posterior_label"), title=document.get("title", ""))
