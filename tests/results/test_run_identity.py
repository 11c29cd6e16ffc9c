"""A run says truthfully what it is: its name, its title, the call that remakes it, and no name used twice."""

from __future__ import annotations

import shutil

import pytest

import model
from model.inputs import paths
from model.calibration.fit import check_scenario_name
from model.cli import main
from model.analysis.comparison import compare
from model.analysis.sampling import sample

from ..conftest import PARAMS


def _overlay(folder, name: str):
    path = folder / f"{name}.yaml"
    signups = model.load_params()["volunteer.signups"].entry.value  # in the registry's own unit
    path.write_text(f"name: {name}\ndescription: a file kept elsewhere\nbased_on: baseline\nset:\n"
                    f"  volunteer.signups: {{value: {signups}, reason: a test}}\n", encoding="utf-8")
    return path


def test_a_scenario_is_compared_once():
    with pytest.raises(model.InputError, match="each scenario once"):
        compare(["baseline", "baseline"], months=2)


def test_a_file_named_like_a_scenario_of_the_folder_is_refused(tmp_path):
    with pytest.raises(model.InputError) as caught:
        model.load_params(str(_overlay(tmp_path, "baseline")))
    assert caught.value.key == "name" and "taken" in caught.value.expected


def test_the_history_of_a_file_given_scenario_names_the_file(tmp_path):
    path = _overlay(tmp_path, "kept_elsewhere")
    ds = model.simulate(model.load_params(str(path)), months=2)
    assert f"load_params({str(path)!r})" in ds.attrs["history"]
    assert ds.attrs["scenario"] == "kept_elsewhere"


def test_the_title_says_the_run_was_overridden(baseline):
    ds = model.simulate(baseline.with_values({"desertion.rate": baseline.value("desertion.rate")}), months=2)
    assert "with overrides (desertion.rate=" in ds.attrs["title"]


def test_the_history_of_a_sample_leaves_its_draws_to_the_sampling_call(baseline):
    ds = model.simulate(sample(baseline, 16, seed=1), months=2)
    assert "batch" not in ds.attrs["history"] and "casualties.monthly" not in ds.attrs["history"]


def test_saving_over_a_shipped_scenarios_own_file_is_refused_even_with_force(tmp_path, monkeypatch):
    folder = tmp_path / "params"
    shutil.copytree(PARAMS, folder)
    monkeypatch.setattr(paths, "shipped_dir", lambda: folder)  # a checkout: user and shipped folder are one
    before = (folder / "scenarios" / "baseline.yaml").read_bytes()
    with pytest.raises(model.InputError, match="even with force"):
        check_scenario_name("baseline", folder, force=True)
    assert (folder / "scenarios" / "baseline.yaml").read_bytes() == before


def test_a_through_month_outside_the_record_names_the_option(capsys):
    assert main(["calibrate", "--through", "2099-01", "--out", "/nonexistent-never-written"]) == 2
    assert capsys.readouterr().err.startswith("manpower: error: --through: 2099-01: expected months inside")
