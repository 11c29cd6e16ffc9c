"""Scenario authoring: ``manpower scenario new`` writes an overlay that loads with the asked values and the
reasons in the parameters' provenance; ``scenario check`` validates one; neither overwrites without --force."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest
import yaml

import model
from model.cli import main
from model.inputs.overlays import authored_overlay


@pytest.fixture
def folder(params_copy, monkeypatch):
    """The user's parameter folder: a copy the commands write into."""
    monkeypatch.setenv("MANPOWER_PARAMS", str(params_copy))
    return params_copy


def _cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(list(argv))
    return status, out.getvalue()


def test_new_scenario_loads_with_the_asked_values_and_its_reasons(folder, baseline):
    status, _ = _cli("scenario", "new", "my_push", "--set", "casualties.monthly=47000",
                     "--set", "volunteer.signups=900 person/day", "--reason", "what-if: heavier fighting",
                     "--reason", "what-if: more sign-ups")
    assert status == 0
    path = folder / "scenarios" / "my_push.yaml"
    params = model.load_params("my_push")  # the stored posterior does not override what a scenario sets
    assert params["casualties.monthly"].value == pytest.approx(47000)
    assert params["volunteer.signups"].value == pytest.approx(900 * 365.25 / 12)
    for key, reason in (("casualties.monthly", "what-if: heavier fighting"),
                        ("volunteer.signups", "what-if: more sign-ups")):
        row = params[key].provenance()
        assert row["source"] == "assumption" and row["assumption"] == reason
        assert row["url"] == "" and row["quote"] == "" and row["file"].endswith("my_push.yaml")
        assert reason in params[key].entry.note
    untouched = [k for k in baseline if k not in ("casualties.monthly", "volunteer.signups")]
    assert all(params[k].provenance()["value"] == model.load_params()[k].provenance()["value"] for k in untouched)
    assert yaml.safe_load(path.read_text())["based_on"] == "baseline"
    assert params.heading == "My push"  # no --title: the name with spaces
    status, text = _cli("explain", "casualties.monthly", "--scenario", "my_push")
    assert status == 0 and "what-if: heavier fighting" in text


def test_based_on_another_scenario_keeps_its_changes(folder):
    assert _cli("scenario", "new", "hotter", "--based-on", "high_intensity", "--set", "draw_rate.foreign=0.2",
                "--reason", "a test")[0] == 0
    based, new = model.load_params("high_intensity", prior=True), model.load_params("hotter", prior=True)
    assert new["casualties.growth_rate"].value == based["casualties.growth_rate"].value  # carried over
    assert new["draw_rate.foreign"].value == pytest.approx(0.2)


def test_a_value_outside_its_range_is_written_with_a_warning_and_a_wider_range(folder, capsys):
    assert main(["scenario", "new", "surge", "--set", "casualties.monthly=90000", "--reason", "a stress test"]) == 0
    assert "outside the plausible range" in capsys.readouterr().err
    parameter = model.load_params("surge", prior=True)["casualties.monthly"]
    assert parameter.value == 90000 and parameter.high == 90000 and parameter.range_warning() is None


def test_a_schedule_and_a_choice_are_written_as_given(folder):
    assert _cli("scenario", "new", "tranche", "--set", "dprk.tranches=[{start: 2025-06, size: 5000, months: 2}]",
                "--set", "casualties.process=trend", "--reason", "a test")[0] == 0
    params = model.load_params("tranche", prior=True)
    assert [(e.start, e.size, e.months) for e in params["dprk.tranches"].value] == [("2025-06", 5000, 2)]
    assert params["casualties.process"].value == "trend"


def test_an_existing_file_is_not_overwritten_without_force(folder, capsys):
    argv = ["scenario", "new", "again", "--set", "draw_rate.foreign=0.2", "--reason", "first"]
    assert main(argv) == 0
    path = folder / "scenarios" / "again.yaml"
    before = path.read_text()
    assert main([*argv[:-1], "second"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "again.yaml" in err[0] and "--force" in err[0]
    assert path.read_text() == before
    assert main([*argv[:-1], "second", "--force"]) == 0
    assert model.load_params("again", prior=True)["draw_rate.foreign"].provenance()["assumption"] == "second"


def test_out_writes_a_file_that_loads_by_its_path(folder, tmp_path):
    target = tmp_path / "elsewhere" / "mine.yaml"
    target.parent.mkdir()
    assert _cli("scenario", "new", "mine", "--set", "draw_rate.foreign=0.2", "--reason", "a test",
                "--out", str(target))[0] == 0
    assert model.load_params(str(target), prior=True)["draw_rate.foreign"].value == pytest.approx(0.2)
    assert not (folder / "scenarios" / "mine.yaml").exists()


def test_check_lists_what_an_overlay_changes(folder):
    status, text = _cli("scenario", "check", str(folder / "scenarios" / "dprk_surge.yaml"))
    assert status == 0 and "valid overlay" in text
    assert "dprk.tranches" in text and "release_rate.dprk" in text and "casualties.monthly" not in text


def test_check_flags_an_unknown_key(folder, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\ndescription: x\nset:\n  casualties.monthy: {value: 5, reason: typo}\n")
    assert main(["scenario", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "casualties.monthy" in err


def test_authored_overlay_is_pure_and_keeps_the_base_entrys_unit(baseline):
    """A change to a parameter registered in another unit is written in that unit, so its range still applies."""
    prior = model.load_params(prior=True)
    document, warnings = authored_overlay("x", prior, {"casualties.growth_rate": 0.01}, {"casualties.growth_rate":
                                                                                          "a test"})
    change = document["set"]["casualties.growth_rate"]
    entry = prior["casualties.growth_rate"].entry
    assert entry.unit != prior["casualties.growth_rate"].unit  # registered per year, canonical per month
    assert change["value"] == pytest.approx(0.12) and not warnings and "low" not in change


def test_a_title_names_the_scenario_for_people(folder):
    status, _ = _cli("scenario", "new", "my_case", "--title", "  A heavier   front ", "--set",
                     "casualties.monthly=47000", "--reason", "what-if")
    assert status == 0 and model.load_params("my_case").heading == "A heavier front"


def _merged(**change):
    """``casualties.monthly`` from a sourced base entry, after an overlay's ``change`` to it."""
    from model.inputs.registry import ParameterEntry, validate_entry
    from model.inputs.scenarios import ScenarioFile, merge_overlay

    key = "casualties.monthly"
    base = ParameterEntry(description="d", value=45000, unit="person / month", low=30000, high=60000,
                          source="A ministry", date="2024-11", url="https://a.org/page", quote="45,000 a month",
                          derivation="45,000 from the quote", evidence=["e"], party_claim=True)
    overlay = ScenarioFile(name="s", description="d", set={key: {"reason": "why", **change}})
    return merge_overlay({key: validate_entry(key, base, "registry")}, overlay, "s.yaml")[key].entry


def test_a_changed_value_drops_the_evidence_for_the_old_one_and_is_an_assumption_without_a_source():
    entry = _merged(value=50000)
    assert (entry.value, entry.source, entry.assumption) == (50000, "assumption", "why")
    assert (entry.url, entry.quote, entry.derivation, entry.evidence, entry.party_claim) == (None, None, None, [],
                                                                                             False)
    cited = _merged(value=50000, source="A paper", date="2024-12", quote="50,000", url=None)
    assert (cited.source, cited.quote, cited.url, cited.assumption) == ("A paper", "50,000", None, None)


def test_a_field_set_to_null_is_cleared_and_an_unchanged_value_keeps_its_citation():
    assert _merged(url=None).url is None  # the base's page no longer shown beside another quote
    for kept in (_merged(low=20000), _merged(value=45000)):
        assert (kept.source, kept.url, kept.quote, kept.party_claim) == ("A ministry", "https://a.org/page",
                                                                         "45,000 a month", True)
