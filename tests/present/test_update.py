"""The monthly update: a synthetic month appended to a copy of the record, then ``manpower update``.

The update may change the fitted casualty process and nothing else in the parameter folder, add one forecast
file there, and write the comparison outputs; the start moves to the month after the new data. A second update
for the same data keeps the first forecast and writes another. A bad row is refused before anything is written.
Every appended row is synthetic (the last month's daily average repeated), never a real figure.
"""

from __future__ import annotations

import datetime
import hashlib
import io
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import pytest
import yaml

from model._version import __version__
from model.analysis.forecast import HEADLINES, QUANTILES
from model.calibration.model_forecasts import RECURRING, hindcast_known_at
from model.cli import main
from model.inputs.parameters import load_params
from model.inputs.start import CASUALTY_SERIES, default_start, following_month
from model.inputs.posterior import DRAWS_FILE, POSTERIOR_FILE
from model.present import update as update_module
from model.present.update import FORECAST_FOLDER, REFIT_STEPS
from model.series.record import load_record
from model.series.stored import PROCESS_FILE, digest

from ..synthetic import append_synthetic_month, synthetic_month_row

CSV = "observed/uk_mod_monthly_casualties.csv"
MONTHS = 4
UPDATE = ("update", "--n", "40", "--months", str(MONTHS), "--out", "{out}")


def tree(*roots: Path) -> dict[str, str]:
    """Every file under ``roots`` by path, with the SHA-256 of its bytes."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for root in roots for p in root.rglob("*")
            if p.is_file()}


def forecasts_since(folder: Path, shipped: set[Path]) -> list[Path]:
    """The forecast files of ``folder`` that were not among ``shipped`` (the forecasts the project keeps, which a
    copy of its parameter folder carries), in name order."""
    return sorted(set((folder / FORECAST_FOLDER).glob("*.yaml")) - shipped)


def update(out: Path, *extra: str) -> tuple[int, str]:
    text = io.StringIO()
    with redirect_stdout(text):
        status = main([a.replace("{out}", str(out)) for a in UPDATE + extra])
    return status, text.getvalue()


@pytest.fixture(autouse=True)
def _small_posterior(monkeypatch):
    """The posterior's refit with fewer prior runs (the routine is the same; the test needs speed, not precision)."""
    monkeypatch.setattr(update_module, "POSTERIOR_PRIOR_RUNS", 50_000)


@pytest.fixture
def folder(params_copy, monkeypatch, tmp_path):
    """A copy of the parameter folder with a synthetic month appended, the user's folder; work in ``tmp_path``."""
    monkeypatch.setenv("MANPOWER_PARAMS", str(params_copy))
    monkeypatch.chdir(tmp_path)
    append_synthetic_month(params_copy / CSV)
    return params_copy


def test_an_update_changes_only_the_fit_the_start_the_outputs_and_adds_one_forecast(params_copy, monkeypatch,
                                                                                    tmp_path):
    monkeypatch.setenv("MANPOWER_PARAMS", str(params_copy))
    monkeypatch.chdir(tmp_path)
    folder, out = params_copy, tmp_path / "results"
    start_before = default_start()
    appended = append_synthetic_month(folder / CSV)
    before, shipped = tree(folder, out), set((folder / FORECAST_FOLDER).glob("*.yaml"))
    status, text = update(out)
    assert status == 0, text
    after = tree(folder, out)
    changed = {path for path in before if before[path] != after.get(path)}
    added = set(after) - set(before)
    posterior = folder / POSTERIOR_FILE
    assert changed == {str(folder / PROCESS_FILE), str(posterior), str(posterior.parent / DRAWS_FILE)}
    forecasts = forecasts_since(folder, shipped)
    outputs = {str(out / name) for name in ("comparison.csv", "comparison.nc", "comparison.png")}
    assert added == {str(p) for p in forecasts} | outputs and len(forecasts) == 1
    assert appended == start_before and default_start() == following_month(start_before)
    stored = yaml.safe_load((folder / PROCESS_FILE).read_text())
    assert str(stored["through"]) == appended  # the appended month is fitted
    calibrated = yaml.safe_load(posterior.read_text())  # and the posterior too: it starts where the data end
    assert str(calibrated["through"]) == appended and calibrated["settings"]["n_prior"] == 50_000
    (forecast,) = forecasts
    assert "draws from the posterior" in yaml.safe_load(forecast.read_text())["parameters_from"]


def test_the_forecast_file_holds_quantiles_by_month_and_its_provenance(folder, tmp_path):
    shipped = set((folder / FORECAST_FOLDER).glob("*.yaml"))
    status, _ = update(tmp_path / "results", "--seed", "3")
    assert status == 0
    (path,) = forecasts_since(folder, shipped)
    document = yaml.safe_load(path.read_text())
    record = load_record(CASUALTY_SERIES, folder)
    made = datetime.date.today().isoformat()
    assert path.name == f"forecast_data-{record.end}_made-{made}.yaml"
    assert (str(document["data_end"]), str(document["start"])) == (str(record.end), str(record.end + 1))
    assert document["data_digest"] == digest(record) and document["code_version"] == __version__
    assert (document["seed"], document["n_runs"], document["made"]) == (3, 40, made)
    assert document["quantiles"] == list(QUANTILES) and document["params_digest"]
    assert all(len(v) == 64 for v in document["params_files"].values())
    assert set(document["series"]) == set(HEADLINES)
    for name, months in document["series"].items():
        assert len(months) == MONTHS + (name == "front_total")  # a stock also at the horizon's end
        assert str(next(iter(months))) == str(record.end + 1)
        values = np.array(list(months.values()), dtype=float)
        assert (np.diff(values, axis=1) >= 0).all(), name  # quantiles in order


def test_a_second_update_for_the_same_data_keeps_the_first_forecast(folder, tmp_path):
    shipped = set((folder / FORECAST_FOLDER).glob("*.yaml"))
    assert update(tmp_path / "results")[0] == 0
    (first,) = forecasts_since(folder, shipped)
    kept = first.read_bytes()
    assert update(tmp_path / "results", "--seed", "1")[0] == 0
    files = forecasts_since(folder, shipped)
    assert [p.name for p in files] == [first.name, f"{first.stem}_2.yaml"]
    assert first.read_bytes() == kept and files[1].read_bytes() != kept


def test_check_reads_the_record_and_writes_nothing(folder, tmp_path):
    before = tree(folder, tmp_path)
    text = io.StringIO()
    with redirect_stdout(text):
        assert main(["update", "--check"]) == 0
    appended = str(load_record(CASUALTY_SERIES, folder).end)
    assert f"months not yet fitted: {appended}" in text.getvalue()
    assert tree(folder, tmp_path) == before


def _replace_last(row: str, column: int, value: str) -> str:
    cells = row.rstrip("\n").split(",")
    cells[column] = value
    return ",".join(cells) + "\n"


#: A bad appended row (from the good synthetic row), and what the one error line must name.
BAD_ROWS = {
    "gap": (lambda row, csv: _replace_last(row, 0, following_month(row.split(",")[0])), ("month", "expected")),
    "repeated-month": (lambda row, csv: csv.read_text().strip().splitlines()[-1] + "\n", ("month",)),
    "zero": (lambda row, csv: _replace_last(_replace_last(row, 1, "0"), 3, "0"), ("avg_daily_casualties", "> 0")),
    "negative": (lambda row, csv: _replace_last(row, 3, "-5"), ("casualties_in_month",)),
    "not-a-number": (lambda row, csv: _replace_last(row, 3, "many"), ("casualties_in_month",)),
    "infinite": (lambda row, csv: _replace_last(row, 3, "inf"), ("casualties_in_month",)),
    "count-not-daily-times-days": (lambda row, csv: _replace_last(row, 3, "1"), ("casualties_in_month", "x days")),
    "wrong-days": (lambda row, csv: _replace_last(row, 2, "7"), ("days",)),
    "no-source": (lambda row, csv: _replace_last(row, 4, ""), ("source",)),
    "no-url": (lambda row, csv: _replace_last(row, 5, ""), ("source_url",)),
    "missing-cell": (lambda row, csv: row.rsplit(",", 1)[0] + "\n", ("row",)),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_a_bad_row_is_refused_in_one_line_and_nothing_is_written(case, params_copy, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("MANPOWER_PARAMS", str(params_copy))
    monkeypatch.chdir(tmp_path)
    csv = params_copy / CSV
    make, expected = BAD_ROWS[case]
    bad = make(synthetic_month_row(csv), csv)
    with csv.open("a", encoding="utf-8") as file:
        file.write(bad)
    before = tree(params_copy, tmp_path)
    status, _ = update(tmp_path / "results")
    lines = capsys.readouterr().err.splitlines()
    assert status == 2 and len(lines) == 1, lines
    assert lines[0].startswith("manpower: error: ") and "uk_mod_monthly_casualties.csv" in lines[0]
    rows = len(csv.read_text().strip().splitlines())
    assert f"row {rows}" in lines[0], lines[0]  # the appended row, by its line in the file
    for word in expected:
        assert word in lines[0], lines[0]
    assert tree(params_copy, tmp_path) == before


def test_the_refit_steps_are_named_and_the_casualty_process_comes_first():
    assert [step.name for step in REFIT_STEPS] == ["casualty_process", "posterior"]
    assert len({step.name for step in REFIT_STEPS}) == len(REFIT_STEPS)


def test_a_forecast_as_of_an_earlier_month_is_made_from_the_record_cut_there_and_changes_nothing_else(folder,
                                                                                                      tmp_path,
                                                                                                      monkeypatch):
    """``--through``: fitted in a temporary copy with the record cut after that month, the events scheduled after
    it as a forecaster then knew them; only the forecast is written, and it says it was made after the fact."""
    record = load_record(CASUALTY_SERIES, folder)
    through = str(record.end - 4)  # before the last call-up of the record's year
    before, shipped = tree(folder, tmp_path), set((folder / FORECAST_FOLDER).glob("*.yaml"))
    projected = []
    write = update_module.write_forecast
    monkeypatch.setattr(update_module, "write_forecast", lambda params, *a, **k: projected.append(params) or
                        write(params, *a, **k))
    status, text = update(tmp_path / "results", "--through", through)
    assert status == 0, text
    baseline = load_params(folder=folder, prior=True)
    key = RECURRING[0]
    expected = hindcast_known_at(baseline, through).value(key)
    assert expected != baseline.value(key)  # the check below can fail
    assert projected[0].value(key) == expected
    after = tree(folder, tmp_path)
    (path,) = forecasts_since(folder, shipped)
    assert set(after) - set(before) == {str(path)} and all(after[p] == before[p] for p in before)
    document = yaml.safe_load(path.read_text())
    assert path.name.startswith(f"forecast_data-{through}_made-")
    assert (str(document["data_end"]), str(document["start"])) == (through, following_month(through))
    assert document["data_digest"] == digest(record.through(through))
    assert str(document["record_known_to"]) == str(record.end)
    assert str(next(iter(document["series"]["net"]))) == following_month(through)
    assert "made after the fact" in document["note"] and "temporary copy" in document["parameters_from"]
    assert "manpower-as-of-" not in document["parameters_from"]  # not the path of a folder that is gone


def test_a_forecast_as_of_a_month_the_record_does_not_hold_is_refused(folder, tmp_path, capsys):
    before = tree(folder, tmp_path)
    status, _ = update(tmp_path / "results", "--through", following_month(default_start()))
    lines = capsys.readouterr().err.splitlines()
    assert status == 2 and len(lines) == 1 and lines[0].startswith("manpower: error: --through: ")
    assert "expected a month YYYY-MM of the record" in lines[0] and tree(folder, tmp_path) == before


def stamps(*roots: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``roots`` by path, with the SHA-256 of its bytes and its modification time (ns)."""
    return {path: (sha, Path(path).stat().st_mtime_ns) for path, sha in tree(*roots).items()}


def test_an_update_refused_after_the_refit_puts_the_refitted_files_back_and_writes_no_output(folder, tmp_path,
                                                                                              monkeypatch, capsys):
    """What only the refitted parameters can show (here: a refusal of the forecast) stops the update with nothing
    changed: the fit, the posterior and its draws as they were, byte for byte and in time, no output, no forecast."""
    from model.errors import InputError

    refitted = []

    def refused(*args, **kwargs):
        refitted.append((folder / PROCESS_FILE).read_bytes())
        raise InputError("simulate", "dt", "expected a step small enough (a refusal after the refit)")

    monkeypatch.setattr(update_module, "forecast_text", refused)
    before = stamps(folder, tmp_path)
    status, _ = update(tmp_path / "results")
    lines = capsys.readouterr().err.splitlines()
    assert status == 2 and len(lines) == 1 and lines[0].startswith("manpower: error: --dt: "), lines
    assert refitted and refitted[0] != (folder / PROCESS_FILE).read_bytes()  # it was refitted, then put back
    assert stamps(folder, tmp_path) == before


def test_a_forecast_file_that_fails_after_the_comparison_leaves_no_comparison_behind(folder, tmp_path, monkeypatch):
    """All or nothing: the comparison is written before the forecast's file; when that file then fails, the
    comparison's files are put back as they were (one that was there before) or removed (ones the update made)."""
    out = tmp_path / "results"
    out.mkdir()
    (out / "comparison.csv").write_text("an earlier comparison\n")

    def unwritable(*args, **kwargs):
        assert (out / "comparison.png").is_file()  # the comparison was written, then the forecast failed
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(update_module, "keep_forecast", unwritable)
    before = stamps(folder, tmp_path)
    with pytest.raises(OSError):
        update(out)
    assert stamps(folder, tmp_path) == before


def test_a_record_too_short_to_refit_is_refused_naming_its_file(params_copy, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("MANPOWER_PARAMS", str(params_copy))
    monkeypatch.chdir(tmp_path)
    csv = params_copy / CSV
    header, *rows = csv.read_text().strip().splitlines()
    csv.write_text("\n".join([header, *rows[:5]]) + "\n")
    before = tree(params_copy, tmp_path)
    for argv in (["update", "--check"], list(UPDATE)):
        status = main([a.replace("{out}", str(tmp_path / "results")) for a in argv])
        lines = capsys.readouterr().err.splitlines()
        assert status == 2 and len(lines) == 1, lines
        assert "uk_mod_monthly_casualties.csv: (rows): expected at least 12 months" in lines[0], lines[0]
    assert tree(params_copy, tmp_path) == before


def test_a_forecast_as_of_a_month_too_early_to_refit_is_refused(folder, tmp_path, capsys):
    first = str(load_record(CASUALTY_SERIES, folder).months[0])
    before = tree(folder, tmp_path)
    status, _ = update(tmp_path / "results", "--through", first)
    lines = capsys.readouterr().err.splitlines()
    assert status == 2 and len(lines) == 1 and lines[0].startswith(f"manpower: error: --through: {first}: "), lines
    assert "at least 12 months up to it" in lines[0] and tree(folder, tmp_path) == before


def test_restored_on_failure_puts_back_changed_files_and_removes_created_ones(tmp_path):
    (tmp_path / "kept.txt").write_text("before")
    stamp = (tmp_path / "kept.txt").stat().st_mtime_ns
    with pytest.raises(KeyboardInterrupt):
        with update_module.restored_on_failure(tmp_path, ["kept.txt", "new/deeper/made.txt"]):
            (tmp_path / "kept.txt").write_text("after, longer")
            (tmp_path / "new" / "deeper").mkdir(parents=True)
            (tmp_path / "new" / "deeper" / "made.txt").write_text("made")
            raise KeyboardInterrupt
    assert (tmp_path / "kept.txt").read_text() == "before" and (tmp_path / "kept.txt").stat().st_mtime_ns == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.txt"]
    with update_module.restored_on_failure(tmp_path, ["kept.txt"]):  # a block that succeeds keeps its changes
        (tmp_path / "kept.txt").write_text("done")
    assert (tmp_path / "kept.txt").read_text() == "done"


def test_the_settings_are_checked_before_the_refit(folder, tmp_path, monkeypatch, capsys):
    """Runs that cannot fit in memory are refused before any refit starts (minutes saved, nothing to put back)."""
    def reached(folder: Path) -> Path:
        raise AssertionError("the refit started before the settings were checked")

    monkeypatch.setattr(update_module, "REFIT_STEPS", [update_module.RefitStep("reached", reached, ())])
    before = stamps(folder, tmp_path)
    status = main(["update", "--n", "1000000000", "--months", "2", "--out", str(tmp_path / "results")])
    lines = capsys.readouterr().err.splitlines()
    assert status == 2 and len(lines) == 1 and "--n" in lines[0] and "memory" in lines[0], lines
    assert stamps(folder, tmp_path) == before


def test_an_update_scores_the_earlier_forecasts_on_the_month_just_recorded(folder, tmp_path):
    """Every kept forecast can be scored later: the second update scores the first one's forecast of the month
    the second appended (a synthetic row), and says so."""
    shipped = set((folder / FORECAST_FOLDER).glob("*.yaml"))
    assert update(tmp_path / "results")[0] == 0
    (made,) = forecasts_since(folder, shipped)
    month = append_synthetic_month(folder / CSV)
    status, text = update(tmp_path / "results")
    assert status == 0, text
    scores = update_module.scored_forecasts(folder)
    first = scores[(scores["month"] == month) & (scores["forecast"] == made.name)]
    assert len(first) == 1 and first["months_ahead"].iloc[0] == 1
    assert "Earlier forecasts against the record" in text and month in text
