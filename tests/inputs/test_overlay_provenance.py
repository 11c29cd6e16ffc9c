"""Every change a shipped overlay makes is traceable, as every registry entry is.

The rule for each entry of an overlay's ``set`` (``params/scenarios/*.yaml``, ``params/hindcast/*.yaml``):
either a source with its ``date`` and a ``quote`` or a ``url``, or ``source: assumption`` with the
reasoning in ``assumption`` and a ``date`` (that of the evidence the judgement rests on). A ``reason``
alone is not provenance: it says why the scenario changes the value, not where the number comes from.
Quotes are verbatim from the texts in ``params/sources/``, and what an overlay states is what the loaded
parameter says (the registry's fields fill only what the overlay leaves out).
"""

from __future__ import annotations

import pytest

import model
from model.inputs.parameters import load_overlay
from model.inputs.textfiles import load_yaml

from ..conftest import PARAMS
from .provenance import normalised, problems


def _overlays() -> dict[str, dict]:
    """Every overlay file of the parameter folder (a file with a ``set`` block), by path relative to it."""
    files = [*sorted((PARAMS / "scenarios").glob("*.yaml")), *sorted((PARAMS / "hindcast").glob("*.yaml"))]
    documents = {str(p.relative_to(PARAMS)): load_yaml(p.read_text(encoding="utf-8")) for p in files}
    return {name: doc for name, doc in documents.items() if isinstance(doc, dict) and "set" in doc}


OVERLAYS = _overlays()
CHANGES = [(f"{name}:set.{key}", name, key, entry) for name, doc in OVERLAYS.items()
           for key, entry in (doc["set"] or {}).items()]
#: Fields an overlay may state that the loaded parameter must then carry unchanged.
STATED = ("source", "date", "url", "quote", "assumption", "derivation")
@pytest.fixture(scope="module")
def loaded() -> dict[str, model.ParameterSet]:
    """Each overlay as the loader applies it (without the posterior, which only moves values)."""
    sets = {}
    for name in OVERLAYS:
        path = PARAMS / name
        sets[name] = (model.load_params(path.stem, folder=PARAMS, prior=True) if name.startswith("scenarios/")
                      else load_overlay(path, PARAMS))
    return sets


def test_there_are_changes_to_check():
    assert len(OVERLAYS) >= 10 and len(CHANGES) > 30
    assert any(name.startswith("hindcast/") for name in OVERLAYS)


@pytest.mark.parametrize("where, name, key, entry", CHANGES, ids=[c[0] for c in CHANGES])
def test_every_change_is_sourced_or_an_assumption_with_its_reasoning(where, name, key, entry):
    found = problems(entry)
    assert not found, f"{where}: " + "; ".join(found)


@pytest.mark.parametrize("where, name, key, entry", [c for c in CHANGES if c[3].get("quote")],
                         ids=[c[0] for c in CHANGES if c[3].get("quote")])
def test_a_quote_is_verbatim_from_a_stored_source(where, name, key, entry, source_texts):
    assert normalised(entry["quote"]) in source_texts, f"{where}: quote not found verbatim in params/sources"


@pytest.mark.parametrize("where, name, key, entry", CHANGES, ids=[c[0] for c in CHANGES])
def test_the_loaded_parameter_says_what_the_overlay_states(where, name, key, entry, loaded):
    loaded_entry = loaded[name][key].entry
    differ = {field: (entry[field], getattr(loaded_entry, field)) for field in STATED
              if field in entry and str(entry[field]) != str(getattr(loaded_entry, field))}
    assert not differ, f"{where}: stated (overlay, loaded): {differ}"


@pytest.mark.parametrize("entry, expected", [
    ({"value": 0.4, "reason": "Fatigue near the upper end of the range (assumption)."}, False),  # a reason alone
    ({"value": 1000, "reason": "r", "source": "assumption", "assumption": "No count was published."}, False),
    ({"value": 1000, "reason": "r", "source": "assumption", "date": "2023-01"}, False),
    ({"value": 1000, "reason": "r", "source": "assumption", "assumption": " ", "date": "2023-01"}, False),
    ({"value": 1000, "reason": "r", "source": "assumption", "assumption": "why", "date": "2023-01"}, True),
    ({"value": 1000, "reason": "r", "source": "A paper", "date": "2024-12"}, False),  # neither quote nor url
    ({"value": 1000, "reason": "r", "source": "A paper", "date": "2024-12", "quote": "1,000 a month"}, True),
    ({"value": 1000, "reason": "r", "source": "A paper", "date": "2024-12", "url": "https://a.org/p"}, True),
    ({"value": 1000, "reason": "r", "source": "A paper", "quote": "1,000 a month", "url": None}, False),  # no date
    ({"value": 1000, "reason": "r", "source": "A paper", "date": "December 2024", "quote": "q"}, False),
])
def test_the_rule_on_examples(entry, expected):
    assert (not problems(entry)) is expected
