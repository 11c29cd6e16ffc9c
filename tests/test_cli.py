"""The command line: the main job end to end, and bad input as one line with status 2."""

from __future__ import annotations

import importlib
import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
import xarray as xr

from model.cli import main


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(list(args))
    return status, out.getvalue()


def test_run_prints_a_summary_and_writes_netcdf_and_figure(tmp_path):
    status, text = run_cli("run", "--months", "12", "--out", str(tmp_path))
    assert status == 0
    for expected in ("recruits: volunteer", "permanent losses", "Group in the war zone", "Armed forces",
                     "irrecoverable losses", "Signing payments", "Net balance",
                     "Finite pools", "prisoner"):
        assert expected in text
    with xr.open_dataset(tmp_path / "baseline.nc") as ds:
        assert ds.sizes["time"] == 13
    png = tmp_path / "baseline.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000


def test_run_applies_overrides_with_units(tmp_path):
    status, text = run_cli("run", "--months", "3", "--out", str(tmp_path),
                           "--set", "casualties.monthly=1000 person/day", "--set", "dprk.tranches=[]",
                           "--set", "casualties.process=trend")  # the level held: month 0 is the level set
    assert status == 0
    assert not (tmp_path / "baseline.nc").exists()  # an overridden run is not named after the scenario
    (netcdf,) = tmp_path.glob("baseline+overrides-*.nc")
    assert netcdf.with_suffix(".png").exists()
    with xr.open_dataset(netcdf) as ds:
        assert float(ds.casualties.isel(time=0).sum()) == pytest.approx(1000 * 365.25 / 12)
        assert "casualties.monthly=" in ds.attrs["overrides"]


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_params_prints_the_registry_with_provenance(fmt):
    status, text = run_cli("params", "--format", fmt)
    assert status == 0
    assert "casualties.monthly" in text and "UK Ministry of Defence" in text
    if fmt == "json":
        records = json.loads(text)
        assert {"key", "value", "unit", "low", "high", "source", "date", "url", "quote", "assumption"} <= set(records[0])


def test_params_json_gives_numbers_as_numbers(baseline):
    status, text = run_cli("params", "--format", "json")
    records = {r["key"]: r for r in json.loads(text)}
    for key in baseline:
        parameter, record = baseline[key], records[key]
        if parameter.spec.numeric:
            assert record["value"] == parameter.value and isinstance(record["value"], float), key
            assert record["low"] == parameter.low and record["high"] == parameter.high, key
        elif isinstance(parameter.value, tuple):
            assert record["value"] == [event.model_dump() for event in parameter.value], key


def test_explain_traces_an_output_to_its_sources():
    status, text = run_cli("explain", "killed", "--full")
    assert status == 0
    assert "casualties.killed_fraction" in text and "quote:" in text


def test_explain_shows_every_driver_once_as_a_tree(baseline):
    from model.core.lineage import expand_keys
    from model.results.outputs import OUTPUTS

    status, text = run_cli("explain", "net")
    assert status == 0
    lines = text.splitlines()
    drivers = expand_keys(OUTPUTS["net"].drivers, baseline)
    for key in drivers:
        assert sum(line.strip().startswith(f"{key} = ") for line in lines) == 1, key
    assert "  training_time.volunteer = " in text and "    graduation (flow)" in text  # nested under the front
    assert len(lines) < 2 * len(drivers)


BAD_INPUTS = [
    (["run", "--set", "casualties.monthy=5"], "--set: casualties.monthy: unknown parameter"),
    (["run", "--set", "casualties.monthly"], "--set: casualties.monthly: expected KEY=VALUE"),
    (["run", "--set", "casualties.killed_fraction=1.5"], "--set: casualties.killed_fraction: expected a number <= 1"),
    (["run", "--set", "front_initial.dprk=-3"], "--set: front_initial.dprk: expected a number >= 0"),
    (["run", "--set", "casualties.monthly=3 kg"], "--set: casualties.monthly: expected a unit convertible"),
    (["run", "--scenario", "nonesuch"], "nonesuch.yaml: scenario: no such scenario"),
    (["run", "--dt", "0.3"], "--dt: 0.3: expected a step that divides a month"),
]


@pytest.mark.parametrize("argv, message", BAD_INPUTS)
def test_bad_input_is_one_line_with_status_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_e_notation_is_a_number_on_the_command_line_and_in_files(params_copy, tmp_path, monkeypatch):
    """PyYAML (YAML 1.1) reads 5e4 as text; people mean fifty thousand."""
    status, _ = run_cli("run", "--months", "2", "--out", str(tmp_path), "--set", "casualties.monthly=4.6e4",
                        "--set", "casualties.process=trend")
    assert status == 0
    (written,) = tmp_path.glob("baseline+overrides-*.nc")
    with xr.open_dataset(written) as ds:
        assert float(ds.casualties.isel(time=0).sum()) == pytest.approx(4.6e4)
    (params_copy / "scenarios" / "enotation.yaml").write_text(
        "name: enotation\ndescription: e-notation\nset:\n  casualties.monthly: {value: 4.5e4, reason: test}\n"
        "  front_initial.dprk: {value: 1e3, low: 0, high: 2e4, reason: test}\n")
    monkeypatch.setenv("MANPOWER_PARAMS", str(params_copy))
    from model import load_params
    assert load_params("enotation").value("front_initial.dprk") == 1000.0


def test_scenario_may_be_given_as_its_file(tmp_path):
    from model.inputs.paths import params_dir

    path = params_dir() / "scenarios" / "high_intensity.yaml"
    status, _ = run_cli("run", "--months", "2", "--out", str(tmp_path), "--scenario", str(path))
    assert status == 0 and (tmp_path / "high_intensity.nc").exists()


def test_malformed_yaml_through_the_installed_command(params_copy, tmp_path):
    (params_copy / "registry.yaml").write_text("parameters: [unclosed\n")
    env = {**os.environ, "MANPOWER_PARAMS": str(params_copy)}
    result = subprocess.run([sys.executable, "-m", "model.cli", "run", "--out", str(tmp_path)],
                            capture_output=True, text=True, env=env, cwd=Path(__file__).parent.parent)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "registry.yaml" in result.stderr and "YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_results_are_ordinary_files_readable_as_the_umask_allows(tmp_path):
    from model.results.io import atomic_write

    previous = os.umask(0o022)
    try:
        path = atomic_write(tmp_path / "table.csv", lambda tmp: tmp.write_text("a,b\n"))
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_result_written_to_a_symbolic_link_replaces_its_target_and_keeps_the_link(tmp_path):
    from model.results.io import atomic_write

    target, link = tmp_path / "kept" / "table.csv", tmp_path / "table.csv"
    target.parent.mkdir()
    target.write_text("old\n")
    link.symlink_to(target)
    written = atomic_write(link, lambda tmp: tmp.write_text("new\n"))
    assert link.is_symlink() and written == target.resolve()
    assert target.read_text() == "new\n"


def test_a_named_pipe_is_never_replaced_by_a_result(tmp_path):
    """The last guard behind each command's check of its outputs: a rename would replace a FIFO or a device (once
    /dev/full) by a regular file."""
    from model.errors import InputError
    from model.results.io import atomic_write

    pipe = tmp_path / "table.csv"
    os.mkfifo(pipe)
    with pytest.raises(InputError, match="FIFO"):
        atomic_write(pipe, lambda tmp: tmp.write_text("a,b\n"))
    assert not pipe.is_file() and pipe.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_a_scenario_file_kept_anywhere_runs_under_its_own_name(baseline, tmp_path):
    signups = baseline["volunteer.signups"]
    inside = (signups.low + signups.high) / 2  # persons per month, inside the plausible range
    overlay = tmp_path / "elsewhere" / "my_case.yaml"
    overlay.parent.mkdir()
    overlay.write_text("name: my_case\ndescription: kept outside params/\nbased_on: baseline\nset:\n"
                       f"  volunteer.signups: {{value: {inside}, reason: a test}}\n", encoding="utf-8")
    for argv, written in ((["run", "--months", "2"], "my_case.nc"),
                          (["uncertainty", "--n", "8", "--months", "2"], "uncertainty_my_case.nc")):
        status, _ = run_cli(*argv, "--scenario", str(overlay), "--out", str(tmp_path / "out"))
        assert status == 0 and (tmp_path / "out" / written).exists()
    with xr.open_dataset(tmp_path / "out" / "my_case.nc") as ds:
        assert ds.attrs["scenario"] == "my_case"


def _declared_outputs(command: str, out: Path) -> list[Path]:
    """The files a command says (before any work) it will write into ``out``."""
    from model.commands.projections import run_paths
    from model.commands.uncertainty import sensitivity_paths, uncertainty_paths
    from model.present.comparison_files import comparison_paths

    return {"run": lambda: run_paths(out, "baseline"), "compare": lambda: comparison_paths(out),
            "uncertainty": lambda: uncertainty_paths(out, "baseline", "summary"),
            "sensitivity": lambda: sensitivity_paths(out, "baseline", "morris")}[command]()


@pytest.mark.parametrize("argv", [("run", "--months", "2"), ("compare", "baseline", "--months", "2", "--no-breakeven"),
                                  ("uncertainty", "--n", "4", "--months", "2", "--keep", "summary"),
                                  ("sensitivity", "--method", "morris", "--n", "4", "--months", "2")])
def test_a_command_writes_exactly_the_files_it_checks_before_any_work(argv, tmp_path):
    """The up-front check of every output file (a folder in the way stops the command before its first file) is
    only as good as the list it checks: that list is what the command writes."""
    status, _ = run_cli(*argv, "--out", str(tmp_path), "--no-progress")
    assert status == 0
    assert set(tmp_path.iterdir()) == set(_declared_outputs(argv[0], tmp_path))


@pytest.mark.parametrize("text, expected", [("3,6,12", ["3", "6", "12"]), (" a , b ", ["a", "b"])])
def test_comma_list_reads_items(text, expected):
    from model.commands.common import comma_list

    assert comma_list(text, "--opt", "things", "thing", "a,b") == expected


@pytest.mark.parametrize("text, message", [("", "things separated by commas"), (",", "things separated by commas"),
                                           ("a,,b", "things separated by commas"), ("a,b,a", "each thing once")])
def test_comma_list_refuses_empty_and_repeated_items(text, message):
    from model.commands.common import comma_list
    from model.errors import InputError

    with pytest.raises(InputError, match=f"^--opt: .*{message}"):
        comma_list(text, "--opt", "things", "thing", "a,b")


def _interrupted(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("argv, patched", [
    (("run", "--months", "2", "--csv", "{tmp}/run.csv"), "model.present.exports.write_exports"),
    (("sensitivity", "--method", "morris", "--n", "4", "--months", "2"), "model.results.io.save_figure"),
    (("uncertainty", "--n", "8", "--months", "2", "--xlsx", "{tmp}/u.xlsx"), "model.present.exports.write_exports"),
], ids=["run-csv", "sensitivity", "uncertainty-xlsx"])
def test_ctrl_c_while_a_command_writes_its_files_leaves_none_of_them(argv, patched, tmp_path, monkeypatch):
    """A command writing several files writes all of them or none: interrupted at its last file, the ones
    already written are removed (they once stayed: a CSV without its figure, results without the asked-for table)."""
    module, name = patched.rsplit(".", 1)
    monkeypatch.setattr(importlib.import_module(module), name, _interrupted)
    out = tmp_path / "out"
    status, _ = run_cli(*(a.replace("{tmp}", str(tmp_path)) for a in argv), "--out", str(out))
    assert status == 130
    assert list(tmp_path.rglob("*")) == []


def test_all_or_none_puts_back_a_file_it_replaced(tmp_path):
    from model.results.io import all_or_none, atomic_write

    kept = tmp_path / "kept.csv"
    kept.write_text("before\n")
    with pytest.raises(KeyboardInterrupt), all_or_none([kept, tmp_path / "new" / "made.csv"]):
        atomic_write(kept, lambda tmp: tmp.write_text("after\n"))
        atomic_write(tmp_path / "new" / "made.csv", lambda tmp: tmp.write_text("x\n"))
        raise KeyboardInterrupt
    assert kept.read_text() == "before\n" and sorted(p.name for p in tmp_path.iterdir()) == ["kept.csv"]
