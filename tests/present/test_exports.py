"""Exports (``--csv``, ``--xlsx``): read back, they give the dataset's numbers within the stated rounding, with
units in every header; JSON gives numbers as numbers; ``uncertainty --no-save`` and ``--keep summary`` write
nothing large."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from model.cli import main
from model.present.exports import Table, rounded, write_csv

UNIT = re.compile(r"\((persons|persons/month|persons over the horizon|ratio|roubles|months|%|YYYY-MM|share of runs)\)$")


def _run(*argv: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


def _assert_units(columns) -> None:
    for column in columns:
        assert UNIT.search(str(column)), f"no unit in header {column!r}"


def test_rounding_follows_each_columns_kind(tmp_path):
    frame = pd.DataFrame({"a (persons)": [1234.567, np.nan], "b (share)": [0.123456789, 1.0],
                          "c (ratio)": [0.0123456789, 98765.4321]}, index=pd.Index(["x", "y"], name="row"))
    table = Table("t", frame, {"b (share)": "share", "c (ratio)": "rate"})
    text = write_csv(table, tmp_path / "t.csv").read_text()
    assert "1235" in text and "0.1235" in text and "0.01235" in text and "98770" in text
    assert not re.search(r"\.\d{6,}", text), "a long float"
    back = pd.read_csv(tmp_path / "t.csv", index_col=0)
    assert np.isnan(back.loc["y", "a (persons)"])
    pd.testing.assert_frame_equal(back.astype(float), rounded(table).astype(float), check_dtype=False)


def test_run_csv_gives_the_datasets_numbers_rounded_to_persons(tmp_path):
    _run("run", "--months", "6", "--out", str(tmp_path), "--csv", str(tmp_path / "run.csv"))
    table = pd.read_csv(tmp_path / "run.csv", index_col="month")
    _assert_units(table.columns)
    with xr.open_dataset(tmp_path / "baseline.nc") as ds:
        assert list(table.index) == list(pd.DatetimeIndex(ds.time.values).strftime("%Y-%m"))
        for name, header in (("front_total", "group in the war zone (persons)"),
                             ("inflow", "total inflow (persons/month)"), ("net", "net balance (persons/month)")):
            expected = ds[name].values
            got = table[header].to_numpy(float)
            finite = np.isfinite(expected)
            assert np.array_equal(np.isfinite(got), finite)
            assert np.all(np.abs(got[finite] - expected[finite]) <= 0.5 + 1e-9)
        volunteers = table["recruitment: volunteer (persons/month)"].to_numpy(float)[:-1]
        assert np.allclose(volunteers, ds.recruitment.sel(source="volunteer").values[:-1], atol=0.5)


def test_run_xlsx_has_every_table_and_an_about_sheet(tmp_path):
    pytest.importorskip("openpyxl")
    _run("run", "--months", "6", "--out", str(tmp_path), "--xlsx", str(tmp_path / "run.xlsx"))
    sheets = pd.read_excel(tmp_path / "run.xlsx", sheet_name=None, index_col=0, engine="openpyxl")
    assert list(sheets) == ["monthly", "balance", "about"]
    _assert_units(sheets["monthly"].columns)
    _assert_units(sheets["balance"].columns)
    about = sheets["about"]["value"]
    with xr.open_dataset(tmp_path / "baseline.nc") as ds:
        assert about["digest"] == ds.attrs["parameters_digest"]
        front = sheets["monthly"]["group in the war zone (persons)"].to_numpy(float)
        assert np.allclose(front, ds.front_total.values, atol=0.5)
    assert about["command"].startswith("manpower run") and about["model version"]
    assert "baseline" in about["source"]


def test_uncertainty_exports_its_percentiles_and_no_save_writes_nothing_else(tmp_path):
    out = tmp_path / "out"
    _run("uncertainty", "--n", "16", "--months", "4", "--out", str(out), "--no-save",
         "--csv", str(tmp_path / "mc.csv"))
    assert not out.exists(), "--no-save wrote into --out"
    table = pd.read_csv(tmp_path / "mc.csv", index_col="percentile")
    _assert_units(table.columns)
    assert list(table.index) == ["p5", "p25", "p50", "p75", "p95"]
    for column in table.columns:  # percentiles in order, as whole persons
        values = table[column].to_numpy(float)
        assert np.all(np.diff(values) >= 0) and np.all(values == np.round(values))


def test_uncertainty_keep_summary_writes_percentiles_by_month_only(tmp_path):
    import model

    _run("uncertainty", "--n", "16", "--months", "4", "--seed", "3", "--out", str(tmp_path), "--keep", "summary")
    assert not (tmp_path / "uncertainty_baseline.nc").exists()
    with xr.open_dataset(tmp_path / "uncertainty_baseline_summary.nc") as summary:
        assert "run" not in summary.dims and list(summary.percentile.values) == [5, 25, 50, 75, 95]
        runs = model.uncertainty("baseline", n=16, seed=3, months=4, variables=["front_total"])
        assert np.allclose(summary.front_total.sel(percentile=50).values,
                           runs.front_total.median("run").values)


def test_compare_csv_is_rounded_with_units_and_xlsx_matches(tmp_path):
    _run("compare", "baseline", "dprk_surge", "--months", "6", "--no-breakeven", "--out", str(tmp_path),
         *(["--xlsx", str(tmp_path / "c.xlsx")] if _has_openpyxl() else []))
    text = (tmp_path / "comparison.csv").read_text()
    assert not re.search(r"\d\.\d{5,}", text), "a 16-digit float"
    table = pd.read_csv(tmp_path / "comparison.csv", index_col="scenario")
    _assert_units(table.columns)
    with xr.open_dataset(tmp_path / "comparison.nc") as ds:
        net = ds.net.isel(time=slice(0, -1)).sum("time")
        for name in ("baseline", "dprk_surge"):
            assert abs(table.loc[name, "net balance (persons over the horizon)"] - float(net.sel(scenario=name))) <= 0.5
    if _has_openpyxl():
        sheet = pd.read_excel(tmp_path / "c.xlsx", sheet_name="comparison", index_col=0, engine="openpyxl")
        pd.testing.assert_frame_equal(sheet, table, check_dtype=False, check_names=False)


def test_sweep_csv_summarizes_each_scenarios_runs(tmp_path):
    import model

    spec = tmp_path / "tiny.yaml"
    spec.write_text("name: tiny\nscenarios: [baseline, high_intensity]\nsamples: {n: 8, method: sobol}\nmonths: 3\n"
                    "keep: {metrics: [net_12m, front_end]}\nseed: 0\nchunk: 8\n", encoding="utf-8")
    _run("sweep", str(spec), "--out", str(tmp_path / "store"), "--no-progress", "--csv", str(tmp_path / "s.csv"))
    table = pd.read_csv(tmp_path / "s.csv", index_col=["scenario", "statistic"])
    _assert_units([c for c in table.columns if c != "runs"])
    store = model.open_store(tmp_path / "store")
    for scenario in ("baseline", "high_intensity"):
        runs = store.front_end.values[store.scenario.values == scenario]
        assert table.loc[(scenario, "p50"), "front strength at the horizon (persons)"] == pytest.approx(
            np.percentile(runs, 50), abs=0.5)
        assert table.loc[(scenario, "p50"), "runs"] == 8


def test_params_json_gives_numbers_booleans_and_lists():
    records = json.loads(_run("params", "--format", "json"))
    for record in records:
        assert isinstance(record["party_claim"], bool) and isinstance(record["evidence"], list)
        for field in ("low", "high"):
            assert record[field] is None or isinstance(record[field], float)


def _has_openpyxl() -> bool:
    import importlib.util

    return importlib.util.find_spec("openpyxl") is not None


def test_xlsx_without_openpyxl_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "openpyxl" else real(name, *a))
    assert main(["run", "--months", "2", "--out", str(tmp_path / "out"), "--xlsx", str(tmp_path / "r.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "--xlsx" in err and "openpyxl" in err and not (tmp_path / "out").exists()
