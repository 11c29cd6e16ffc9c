"""The projection's default start follows the data: the month after the casualty record's last."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import numpy as np
import pytest

import model
from model.cli import main
from model.errors import InputError
from model.inputs.start import (CASUALTY_SERIES, MAX_YEARS_AFTER_DATA, StartBeyondDataWarning, data_end, default_start,
                                following_month, record_file, resolve_start)
from model.series.record import load_record

from ..synthetic import append_synthetic_month

CSV = "observed/uk_mod_monthly_casualties.csv"


def test_the_default_start_is_the_month_after_the_record(params_copy):
    record = load_record(CASUALTY_SERIES, params_copy)
    assert data_end(params_copy) == str(record.end)
    assert default_start(params_copy) == str(record.end + 1)
    assert following_month("2019-12") == "2020-01" and following_month("2020-01") == "2020-02"


def test_appending_a_month_moves_the_default_start(params_copy, monkeypatch):
    monkeypatch.setenv("MANPOWER_PARAMS", str(params_copy))
    before = default_start()
    appended = append_synthetic_month(params_copy / CSV)
    assert appended == before and default_start() == following_month(before)
    # A scenario on the held level (no fitted process to refit), without the posterior (to be refitted to the
    # new month), now starts there by default.
    ds = model.simulate(model.load_params("held_casualties", prior=True), months=2)
    assert ds.attrs["start"] == following_month(before)


def test_a_folder_without_observed_series_starts_after_the_default_folders_data(synthetic_folder):
    assert record_file(synthetic_folder) == record_file()
    assert default_start(synthetic_folder) == default_start()


def test_a_start_beyond_the_data_warns_naming_the_data_end_and_a_start_inside_the_record_does_not(baseline,
                                                                                                 recwarn):
    later = following_month(following_month(default_start()))
    with pytest.warns(StartBeyondDataWarning, match=f"start {later} lies beyond the data, which end in "
                                                    f"{data_end()}"):
        ds = model.simulate(baseline, months=2, start=later)
    assert ds.attrs["start"] == later
    inside = str(load_record(CASUALTY_SERIES).end - 3)
    model.simulate(baseline, months=2, start=inside)
    model.simulate(baseline, months=2, start=default_start())
    assert not [w for w in recwarn if issubclass(w.category, StartBeyondDataWarning)]


@pytest.mark.parametrize("command", [("run", "--out", "{out}"), ("compare", "--no-breakeven", "--out", "{out}")])
def test_the_command_line_says_once_that_a_start_lies_beyond_the_data(command, tmp_path, capsys):
    later = following_month(following_month(default_start()))
    argv = [a.replace("{out}", str(tmp_path)) for a in command] + ["--months", "2", "--start", later]
    with redirect_stdout(io.StringIO()):
        assert main(argv) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"manpower: warning: start {later} lies beyond the data, which end in {data_end()}: the "
                     f"casualty level in {default_start()} to {following_month(default_start())} follows the "
                     f"casualty process, and the force at the start is the one set for {default_start()} (the "
                     "posterior's estimate, or the registry's)"]


def test_the_help_shows_the_resolved_default_start(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert f"now {default_start()}" in " ".join(capsys.readouterr().out.split())


def test_at_the_default_start_the_first_projected_month_is_the_casualty_process_first_month(baseline):
    """The record ends the month before the default start, so the first month follows the process (its median path
    under a deterministic run), not the record: exactly where the level is demanded whatever the war zone holds,
    never above it with the registry's depletion."""
    from model.dynamics.casualty_paths import central_path
    from model.series.stored import load_process

    assert baseline.value("casualties.process") == "fitted" and baseline.value("casualties.growth_rate") == 0
    record, process = load_process()
    assert str(process.end + 1) == default_start() == str(record.end + 1)
    undepleted = baseline.with_values({"casualties.depletion_elasticity": 0.0}, where="test", kind="search")
    path = central_path(process, default_start(), 3)
    casualties = model.simulate(undepleted, months=3).casualties.sum("source").values[:-1]
    np.testing.assert_allclose(casualties, path, rtol=1e-9)
    assert (model.simulate(baseline, months=3).casualties.sum("source").values[:-1] <= path * (1 + 1e-12)).all()


def test_a_start_more_than_a_century_after_the_data_is_refused_naming_the_latest_accepted():
    end = data_end()
    latest = f"{int(end[:4]) + MAX_YEARS_AFTER_DATA:04d}{end[4:]}"
    with pytest.warns(StartBeyondDataWarning):
        assert resolve_start(latest) == latest
    with pytest.raises(InputError, match=f"at latest {latest}") as caught:
        resolve_start(following_month(latest))
    assert caught.value.where == "--start"
