"""Names for people: what a figure prints instead of code ids, registry keys and eight-digit numbers.

One place for every label a figure shows, so a legend never reads ``dprk_surge`` or
``casualties.killed_fraction``:

- :func:`scenario_title`: a scenario's ``title:`` from its file in ``params/scenarios``
  (:func:`model.inputs.scenarios.scenario_title`), or its name with spaces;
- :func:`parameter_label`: a parameter's registry description up to its first clause
  (the registry has no separate short label; its descriptions open with one);
- :data:`SOURCE_LABELS`, :data:`OUTPUT_LABELS`: recruitment sources and sensitivity outputs;
- :func:`source_names`: the reporters behind a run's parameters, each once;
- :func:`approximately`: a number rounded to the precision a title can claim.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Mapping
from functools import cache

import numpy as np
import pandas as pd

from ..core.numbers import fixed
from ..inputs.labels import first_clause, joined  # noqa: F401 (joined: re-exported for figures and the brief)
from ..inputs.provenance import PRIOR_OF
from ..inputs.scenarios import scenario_title as _file_title

#: Recruitment sources named for people.
SOURCE_LABELS = {"volunteer": "contract volunteers", "mobilized": "mobilized reservists", "prisoner": "prisoners",
                 "migrant": "pressed migrants", "foreign": "foreign recruits", "dprk": "North Korean contingent",
                 "conscript": "conscripts"}

#: Outputs of :func:`model.analysis.sensitivity.sensitivity` named for people, with their unit as a chart shows it
#: (persons are charted in thousands).
OUTPUT_LABELS = {"net_12m": ("Net balance over the first 12 months", "thousand persons"),
                 "net_horizon": ("Net balance over the horizon", "thousand persons"),
                 "front_end": ("Group in the war zone at the horizon", "thousand persons"),
                 "first_deficit_month": ("Months to the first month of deficit", "months")}

#: The seed article, which every caption and footer names first (and :func:`source_names` leaves out).
SEED_REPORTER = "Atlantic Council UkraineAlert"
SEED_ANALYSIS = f"{SEED_REPORTER} (Dec 2024)"

#: Reporters written in more than one way in the registry, as a footer names them.
_SAME_REPORTER = {"Vazhnye Istorii": "Important Stories", "IStories": "Important Stories",
                  "Presidential decrees": "Presidential decree", "UGS": "Ukrainian General Staff"}


def scenario_title(name: str) -> str:
    """A scenario's title for people: ``dprk_surge`` -> ``More North Korean troops``.

    Read from the ``title:`` of ``params/scenarios/NAME.yaml``; a scenario without one (or given as a file
    elsewhere, or with ``+overrides`` in its name) is its name with spaces for underscores, capitalised.
    """
    base, plus, rest = str(name).partition("+")
    title = _file_title(base) or base.replace("_", " ").capitalize()
    return f"{title} (with overrides)" if plus else title


def title_from_attrs(attrs: Mapping) -> str:
    """The title a dataset carries (its ``scenario_title`` attribute, which :func:`model.simulate` and
    :func:`model.compare` set from the parameter set), else the one :func:`scenario_title` reads (a file written
    before datasets carried it)."""
    return str(attrs.get("scenario_title") or scenario_title(str(attrs.get("scenario", ""))))


def titles_of(ds) -> dict[str, str]:
    """Each scenario's title by name: from a comparison's ``title`` coordinate, or a single run's attributes."""
    if "scenario" in ds.dims and "title" in ds.coords:
        return {str(name): str(title) for name, title in zip(ds.scenario.values, ds.title.values)}
    if "scenario" in ds.dims:
        return {str(name): scenario_title(str(name)) for name in ds.scenario.values}
    return {str(ds.attrs.get("scenario", "")): title_from_attrs(ds.attrs)}


def run_title(attrs: Mapping) -> str:
    """The title of the run a dataset holds, saying how many values overrides changed (which ones and to what: the
    ``overrides`` attribute, which figures carry in their PNG metadata)."""
    title = title_from_attrs(attrs)
    count = len(json.loads(attrs.get("overrides") or "[]"))
    return f"{title}, {count} value{'s' if count > 1 else ''} overridden" if count else title


@cache
def _descriptions() -> dict[str, str]:
    from ..inputs.paths import REGISTRY_FILE, locate
    from ..inputs.registry import load_registry

    parameters, _ = load_registry(locate(REGISTRY_FILE, None))
    return {key: " ".join(str(p.entry.description or "").split()) for key, p in parameters.items()}


def parameter_label(key: str, description: str | None = None) -> str:
    """A parameter for people: the first clause of its registry description
    (:func:`model.inputs.labels.first_clause`: ``casualties.killed_fraction`` -> ``Share of all casualties who are
    killed``); the key itself if it has no description."""
    return first_clause(description if description is not None else _descriptions().get(key, ""), key)


#: Characters per line of a parameter's label beside its bar, and lines at most.
LABEL_WIDTH, LABEL_LINES = 46, 2


def bar_label(key: str) -> str:
    """A parameter's label beside a bar: :func:`parameter_label` wrapped, at most :data:`LABEL_LINES` lines (cut
    with an ellipsis)."""
    lines = textwrap.wrap(parameter_label(key), LABEL_WIDTH)
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][:LABEL_WIDTH - 1].rstrip() + "…"
    return "\n".join(lines)


def source_names(parameters_json: str) -> list[str]:
    """The reporters behind a run's parameters (its ``parameters`` attribute, JSON), each once, sorted.

    Overridden values and modelling assumptions name no reporter; a calibrated value names its prior's. Lists in
    one source (``NATO; US officials``, ``Mediazona and Meduza``) are split, dates and brackets dropped,
    reporters the registry spells two ways (:data:`_SAME_REPORTER`) merged, and the seed article's reporter
    (:data:`SEED_REPORTER`, named on its own) left out.
    """
    table = pd.DataFrame(json.loads(parameters_json))
    registered = table.source.str.split(PRIOR_OF).str[-1]
    kept = registered[(registered != "assumption") & ~table.source.str.startswith("override: ")]
    names = set()
    for source in kept:
        cited = re.split(r" via | [(]", str(source))[0]
        for part in re.split(r";|, | and ", cited):
            part = re.sub(r" of \d{1,2} \w+ \d{4}$", "", part.strip(" ,;"))
            if part and part != SEED_REPORTER:
                names.add(_SAME_REPORTER.get(part, part))
    return sorted(names)


def assumed_share(parameters_json: str) -> tuple[int, int]:
    """How many of a run's parameters are modelling assumptions, and how many it has."""
    table = pd.DataFrame(json.loads(parameters_json))
    registered = table.source.str.split(PRIOR_OF).str[-1]
    return int((registered == "assumption").sum()), len(table)


def approximately(value: float, digits: int = 2) -> str:
    """``value`` to ``digits`` significant figures with its sign, for a title: 150,203 -> ``+150,000``."""
    if not np.isfinite(value) or value == 0:
        return "0" if value == 0 else "n/a"
    return fixed(value, digits, sign=True)
