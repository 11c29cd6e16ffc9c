"""The recorded-casualty driver, the hindcast, and calibration to the public record (issue 5)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

import model
from model.calibration.fit import calibrate, overlay
from model.cli import main
from model.errors import InputError
from model.calibration.hindcast import config_path, hindcast_params, load_config
from model.inputs.observed import load_observed
from model.inputs.registry import Event
from model.inputs.start import default_start, following_month
from model.calibration.targets import build_targets, simulated

#: The stated error band of the hindcast: every observation within this many of its standard deviations.
BAND = 2.0


@pytest.fixture(scope="module")
def fit():
    return calibrate()


def test_recorded_casualties_replace_the_exogenous_level_in_the_months_they_cover(held):
    first = default_start()  # the run's start: the events cover its first two months
    recorded = (Event(start=first, size=30_000), Event(start=following_month(first), size=60_000))
    ds = model.simulate(held.with_values({"casualties.recorded": recorded, "casualties.growth_rate": 0.01}),
                        months=4)
    total = ds.casualties.sum("source").values
    assert total[:2] == pytest.approx([30_000, 60_000], rel=1e-12)
    # After the record: casualties.monthly grown from the start, constant within each step of 0.25 month.
    expected = [held.value("casualties.monthly") * np.mean(np.exp(0.01 * (m + np.arange(4) / 4))) for m in (2, 3)]
    assert total[2:4] == pytest.approx(expected, rel=1e-9)


def test_a_month_recorded_twice_is_refused(baseline):
    twice = (Event(start="2024-12", size=1.0), Event(start="2024-12", size=2.0))
    with pytest.raises(InputError, match="casualties.recorded: expected each month recorded at most once"):
        baseline.with_values({"casualties.recorded": twice})


def test_hindcast_is_driven_by_the_record_month_by_month():
    params, start, months = hindcast_params()
    ds = model.simulate(params, months=months, start=start, variables=["casualties"])
    record = load_observed()["uk_mod_monthly_casualties"].data["value"]
    expected = record[f"{start}-01":].iloc[:months].values
    assert ds.casualties.sum("source").values[:-1] == pytest.approx(expected, rel=1e-9)


def test_calibration_recovers_known_parameters_from_data_the_model_generated():
    params, start, months = hindcast_params()
    truth = {"volunteer.signups": 27_000.0, "casualties.killed_fraction": 0.33, "force.deployed_total": 380_000.0}
    ds = model.simulate(params.with_values(truth), months=months, start=start)
    targets = build_targets(load_config(), load_observed(), start, months)
    synthetic = [replace(t, observed=float(simulated(ds, t)), floor=False) for t in targets]
    result = calibrate(keys=list(truth), targets=synthetic)
    for key, value in truth.items():
        assert result.fitted.loc[key, "value"] == pytest.approx(value, rel=1e-3), key
        assert result.fitted.loc[key, "ci_low"] <= value <= result.fitted.loc[key, "ci_high"]
    assert result.cost < 1e-8


def test_hindcast_fit_stays_within_the_stated_error_band(fit):
    assert fit.residuals.weighted.abs().max() <= BAND, fit.residuals.to_string()
    assert (fit.fitted.value >= fit.fitted.low).all() and (fit.fitted.value <= fit.fitted.high).all()
    assert (fit.fitted.ci_low <= fit.fitted.value).all() and (fit.fitted.value <= fit.fitted.ci_high).all()
    before = calibrate(keys=["force.deployed_total"]).cost  # fitting more parameters never fits worse
    assert fit.cost <= before + 1e-9


def test_a_fit_reads_as_its_values_and_tabulates_as_its_fitted_table(fit):
    text = repr(fit)
    lines = text.splitlines()
    assert len(lines) == 1 + len(fit.fitted) and lines[0].startswith("<Calibration: ") and text.endswith(">")
    for key, row in fit.fitted.iterrows():
        assert any(line.strip().startswith(f"{key} = ") and row.unit in line for line in lines[1:]), key
    assert fit.to_dataframe().equals(fit.fitted)


def test_the_hindcast_may_start_from_a_scenario_named_by_name_or_path():
    """A scenario given by name or path is driven by the record as the configured overlay is."""
    config = load_config()
    overlay_path = str(config_path().parent / config.overlay)
    by_path = calibrate(overlay_path, keys=["force.deployed_total"])
    default = calibrate(keys=["force.deployed_total"])
    assert by_path.fitted.loc["force.deployed_total", "value"] == default.fitted.loc["force.deployed_total", "value"]
    assert by_path.params.value("casualties.recorded") == default.params.value("casualties.recorded")
    assert by_path.start == config.start
    with pytest.raises(InputError) as caught:
        calibrate(["force.deployed_total"])  # keys given where the parameters belong
    assert (caught.value.where, caught.value.key) == ("calibrate", "params")


def test_saved_overlay_starts_a_projection_from_the_fitted_state(fit, params_copy):
    from model.calibration.fit import save_overlay

    path = save_overlay(fit, "calibrated_test", folder=params_copy)
    projection = model.load_params("calibrated_test", folder=params_copy)
    end = fit.hindcast.isel(time=-1)
    assert projection.value("force.deployed_total") == pytest.approx(float(end.front_total), abs=0.5)
    fitted = fit.fitted.loc["casualties.killed_fraction", "value"]
    assert projection.value("casualties.killed_fraction") == pytest.approx(fitted)
    assert "calibrated to the public record" in projection["force.deployed_total"].entry.note
    assert path.name == "calibrated_test.yaml" and overlay(fit, "x")["based_on"] == "baseline"
    from ..inputs.provenance import problems  # every saved change is traceable, as a shipped one is
    assert {key: problems(change) for key, change in overlay(fit, "x")["set"].items() if problems(change)} == {}
    entry = projection["casualties.killed_fraction"].entry  # the fit, not the registry's evidence for its value
    assert (entry.source, entry.date, entry.url, entry.quote) == ("assumption", fit.through, None, None)


def test_save_never_overwrites_a_file_or_shadows_a_shipped_scenario_without_force(fit, params_copy):
    from model.calibration.fit import save_overlay

    path = save_overlay(fit, "calibrated_test", folder=params_copy)
    path.write_text("# the user's edits\n" + path.read_text())
    with pytest.raises(InputError, match="calibrated_test.yaml exists"):
        save_overlay(fit, "calibrated_test", folder=params_copy)
    assert path.read_text().startswith("# the user's edits")
    shipped = model.load_params("high_intensity", folder=params_copy).description
    with pytest.raises(InputError, match="a shipped scenario has it"):
        save_overlay(fit, "high_intensity", folder=params_copy)
    assert model.load_params("high_intensity", folder=params_copy).description == shipped
    forced = save_overlay(fit, "calibrated_test", folder=params_copy, force=True)
    assert not forced.read_text().startswith("# the user's edits")


def test_save_goes_to_the_user_folder_and_never_into_the_installed_package(fit, params_copy, tmp_path, monkeypatch):
    from model.inputs import paths
    from model.calibration.fit import save_overlay

    monkeypatch.setattr(paths, "checkout_dir", lambda: None)  # as if installed, with params_copy as package data
    monkeypatch.setattr(paths, "shipped_dir", lambda: params_copy)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(paths.ENV_VAR, raising=False)
    path = save_overlay(fit, "calibrated_test")
    assert path == tmp_path / "xdg" / "manpower-model" / "params" / "scenarios" / "calibrated_test.yaml"
    assert model.load_params("calibrated_test").value("force.deployed_total") == pytest.approx(
        float(fit.hindcast.front_total.isel(time=-1)), abs=0.5)
    monkeypatch.setenv(paths.ENV_VAR, str(params_copy))
    with pytest.raises(InputError, match="installed package's data"):
        save_overlay(fit, "other", force=True)
    assert not (params_copy / "scenarios" / "other.yaml").exists()


def test_overlay_takes_ranges_from_the_parameters_it_is_given_and_reads_nothing(fit, baseline, monkeypatch):
    def no_reading(*args, **kwargs):
        raise AssertionError("the overlay read a parameter file")

    monkeypatch.setattr("model.inputs.parameters.load_registry", no_reading)
    monkeypatch.setattr("model.inputs.parameters.parse_file", no_reading)
    state = float(round(float(fit.hindcast.front_total.isel(time=-1))))
    for base, based_on in ((None, "baseline"), (fit.params, fit.params.scenario), (baseline, "baseline")):
        made = overlay(fit, "x", base)
        given = base if base is not None else fit.params
        entry = made["set"]["force.deployed_total"]
        assert made["based_on"] == based_on and entry["value"] == state
        assert (entry["low"], entry["high"]) == (min(given["force.deployed_total"].low, state),
                                                 max(given["force.deployed_total"].high, state))


def test_calibrate_command_prints_the_fit_and_writes_tables_and_figure(tmp_path, capsys):
    assert main(["calibrate", "--params", "volunteer.signups,force.deployed_total", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "volunteer.signups" in out and "force_in_smo_zone" in out
    assert {p.name for p in tmp_path.iterdir()} == {"calibration.png", "calibration_fitted.csv",
                                                    "calibration_residuals.csv"}


@pytest.mark.parametrize("argv, message", [
    (["calibrate", "--through", "2025-06"], "--through: 2025-06: expected months inside the uk_mod_monthly_casualties"),
    (["calibrate", "--through", "June"], "--through: June: expected a month as 'YYYY-MM'"),
    (["calibrate", "--params", "casualties.monthy"], "--params: casualties.monthy: expected a parameter key"),
    (["calibrate", "--params", "a.b,casualties.mode"], "--params: a.b,casualties.mode: expected a parameter key, "
                                                       "got 'a.b' (see `manpower params` for the keys)"),
    (["calibrate", "--params", "casualties.mode"], "--params: casualties.mode: expected numeric parameters"),
    (["calibrate", "--save", "../elsewhere"], "--save: ../elsewhere: expected a scenario name"),
    (["calibrate", "--save", "baseline"], "--save: baseline: expected a new name: a shipped scenario has it"),
    (["calibrate", "--save", "high_intensity"], "--save: high_intensity: expected a new name: a shipped scenario"),
])
def test_bad_calibration_requests_are_one_line_with_status_2(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MANPOWER_PARAMS", str(tmp_path / "params"))  # a save that is not refused lands here
    assert main(argv + ["--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
