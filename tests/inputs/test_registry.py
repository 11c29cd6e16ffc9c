"""The registry: every number traceable, every bad input rejected with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import model
from model.inputs import spec
from model.errors import InputError
from model.inputs.parameters import load_params

from .. import synthetic
from ..conftest import PARAMS
from .provenance import normalised


def test_every_quote_is_verbatim_from_a_stored_source(baseline, source_texts):
    quotes = [(k, p.entry.quote) for k, p in baseline.items() if p.entry.quote]
    quotes += [(k, e.quote) for k, e in baseline.evidence.items()]
    assert len(quotes) > 50
    missing = [k for k, q in quotes if normalised(q) not in source_texts]
    assert not missing, f"quotes not found verbatim in params/sources: {missing}"


def test_the_article_figures_are_all_recorded(baseline):
    article = {k: e for k, e in baseline.evidence.items() if "Atlantic Council" in e.source}
    quoted = " ".join(e.quote for e in article.values())
    for phrase in ("45,000 casualties", "ten thousand soldiers", "more than 30,000 migrants",
                   "more than 3,000 foreigners", "a few thousand to 15,000", "hundreds of Yemeni",
                   "supply of prisoners drying up", "September 2022 mobilization",
                   "hundreds of thousands fled", "killed or seriously wounded", "greater financial incentives"):
        assert phrase in quoted, phrase


@pytest.mark.parametrize("key", sorted(synthetic.PER_YEAR))
def test_units_are_converted_to_canonical(toy, key):
    # Registered per year (in the synthetic registry), used per month.
    unit, factor = synthetic.PER_YEAR[key]
    assert toy[key].entry.unit == unit and toy[key].unit == spec.BY_KEY[key].unit
    for registered, canonical in ((toy[key].entry.value, toy[key].value), (toy[key].entry.high, toy[key].high)):
        assert canonical == pytest.approx(registered * factor)


def test_override_with_a_unit_is_converted(baseline):
    params = baseline.with_values({"casualties.monthly": "1500 person / day"})
    assert params.value("casualties.monthly") == pytest.approx(1500 * 365.25 / 12)


def _rewrite(folder: Path, mutate) -> None:
    path = folder / "registry.yaml"
    document = yaml.safe_load(path.read_text())
    mutate(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))


def _error(folder: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_params("baseline", folder=folder)
    message = str(caught.value)
    assert "\n" not in message
    assert "registry.yaml" in message
    return caught.value


def test_unknown_key_is_rejected(params_copy):
    _rewrite(params_copy, lambda d: d["parameters"].__setitem__(
        "casualties.monthy", dict(d["parameters"]["casualties.monthly"])))
    assert _error(params_copy).key == "casualties.monthy"


def test_wrong_unit_is_rejected(params_copy):
    _rewrite(params_copy, lambda d: d["parameters"]["casualties.monthly"].__setitem__("unit", "person"))
    error = _error(params_copy)
    assert error.key == "casualties.monthly.unit" and "person / month" in error.expected


def test_negative_count_is_rejected(params_copy):
    _rewrite(params_copy, lambda d: d["parameters"]["front_initial.prisoner"].update(value=-5, low=-10))
    assert _error(params_copy).key.startswith("front_initial.prisoner")


def test_fraction_above_one_is_rejected(params_copy):
    _rewrite(params_copy, lambda d: d["parameters"]["wounded.severe_return_fraction"].update(value=1.2, high=1.5))
    error = _error(params_copy)
    assert error.key.startswith("wounded.severe_return_fraction") and "<= 1" in error.expected


def test_value_outside_its_range_is_rejected(params_copy):
    _rewrite(params_copy, lambda d: d["parameters"]["casualties.monthly"].update(
        value=2 * d["parameters"]["casualties.monthly"]["high"]))
    assert "low <= value <= high" in _error(params_copy).expected


def test_missing_provenance_is_rejected(params_copy):
    def strip(d):
        entry = d["parameters"]["wounded.severe_recovery_time"]
        entry.pop("quote", None)
        entry.pop("assumption", None)
    _rewrite(params_copy, strip)
    assert _error(params_copy).key == "wounded.severe_recovery_time"


def test_missing_parameter_is_rejected(params_copy):
    _rewrite(params_copy, lambda d: d["parameters"].pop("desertion.rate"))
    assert _error(params_copy).key == "desertion.rate"


def test_unknown_field_is_rejected(params_copy):
    _rewrite(params_copy, lambda d: d["parameters"]["desertion.rate"].__setitem__("vaule", 3))
    assert _error(params_copy).key == "parameters.desertion.rate.vaule"


def test_malformed_yaml_is_rejected(params_copy):
    path = params_copy / "registry.yaml"
    path.write_text(path.read_text() + "\n  broken: [unclosed\n")
    assert "YAML" in _error(params_copy).expected


def test_unknown_scenario_is_rejected():
    with pytest.raises(InputError, match="no such scenario 'nonesuch'"):
        load_params("nonesuch")


@pytest.mark.parametrize("key, value, expected", [
    ("casualties.monthy", 1.0, "unknown parameter"),
    ("casualties.monthly", -1.0, ">= 0"),
    ("casualties.monthly", "12 kg", "person / month"),
    ("casualties.killed_fraction", 1.5, "<= 1"),
    ("casualties.mode", "sometimes", "exogenous, endogenous"),
    ("dprk.tranches", [{"start": "2025-13", "size": 1}], "YYYY-MM"),
    ("casualties.killed_fraction", 0.99, "killed_fraction + captured_fraction <= 1"),
])
def test_bad_override_is_rejected(baseline, key, value, expected):
    with pytest.raises(InputError) as caught:
        baseline.with_values({key: value})
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_table_lists_every_parameter_with_its_source(baseline):
    table = baseline.table()
    assert set(table.index) == set(baseline)
    assert {"value", "unit", "low", "high", "source", "date", "url", "quote", "assumption"} <= set(table.columns)


def test_parameter_set_is_immutable(baseline):
    before, high = baseline.value("casualties.monthly"), baseline["casualties.monthly"].high
    inside = (before + high) / 2  # inside the range: no warning
    changed = baseline.with_values({"casualties.monthly": inside})
    assert baseline.value("casualties.monthly") == before
    assert changed.value("casualties.monthly") == inside
    assert changed.digest() != baseline.digest()
    assert isinstance(model.load_params(), model.ParameterSet)


def test_an_unknown_key_is_one_message_wherever_it_is_named(baseline, params_copy):
    """Registry file, scenario overlay and with_values refuse a typo alike, naming the nearest key."""
    expected = spec.unknown_parameter("anywhere", "casualties.monthy").expected
    assert "did you mean casualties.monthly?" in expected and "`manpower params`" in expected
    assert "did you mean" not in spec.unknown_parameter("anywhere", "nonesuch").expected
    with pytest.raises(InputError) as caught:
        baseline.with_values({"casualties.monthy": 1.0})
    assert (caught.value.key, caught.value.expected) == ("casualties.monthy", expected)

    overlay = params_copy / "scenarios" / "typo.yaml"
    overlay.write_text("name: typo\ndescription: a typo\nset:\n  casualties.monthy: {value: 1, reason: typo}\n")
    with pytest.raises(InputError) as caught:
        load_params("typo", folder=params_copy)
    assert (caught.value.key, caught.value.expected) == ("set.casualties.monthy", expected)

    _rewrite(params_copy, lambda d: d["parameters"].__setitem__("casualties.monthy",
                                                                 d["parameters"]["casualties.monthly"]))
    error = _error(params_copy)
    assert (error.key, error.expected) == ("casualties.monthy", expected)


def test_pydantic_errors_are_caught_in_one_place_only():
    """One conversion of pydantic's errors (model.inputs.schema.validated); no module catches them itself."""
    package = Path(model.__file__).parent
    catching = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py")
                      if "ValidationError" in p.read_text(encoding="utf-8"))
    assert catching == ["inputs/schema.py"]


def test_the_posterior_applies_whatever_folder_the_registry_was_first_read_from(tmp_path, monkeypatch):
    """A parameter's ``origin`` names its file as seen from the working folder; a registry first parsed from another
    folder must not keep that name, or the stored posterior no longer recognizes the registry's values."""
    from model.inputs.registry import _load_registry

    _load_registry.cache_clear()
    monkeypatch.chdir(tmp_path)
    elsewhere = load_params(folder=PARAMS)
    monkeypatch.chdir(PARAMS.parent)
    here = load_params()
    assert "casualties.killed_fraction" in elsewhere.posterior_keys
    assert here.posterior_keys == elsewhere.posterior_keys
