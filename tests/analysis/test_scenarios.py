"""Scenario overlays, their comparison, and the break-even root finding."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest
import yaml

import model
from model.analysis import breakeven
from model.cli import main
from model.analysis.comparison import compare, comparison_table
from model.errors import InputError
from model.inputs.parameters import load_params, scenario_names

from .. import synthetic
from ..conftest import baseline_params

REQUIRED = {"baseline", "high_intensity", "lower_intensity", "dprk_surge", "foreign_expansion",
            "migrant_roundups", "prisons_exhausted", "incentive_fatigue", "mobilization_2025"}


def test_every_required_scenario_exists_and_validates():
    names = scenario_names()
    assert REQUIRED <= set(names) and names[0] == "baseline"
    for name in names:
        params = load_params(name)
        assert params.scenario == name and params.description
        # A short title for people, distinct from every other scenario's.
        assert params.title and params.heading == params.title and len(params.title) <= 45
    titles = [load_params(name).title for name in names]
    assert len(set(titles)) == len(titles)


def test_an_overlay_without_a_title_is_headed_by_its_name(params_copy):
    path = params_copy / "scenarios" / "untitled.yaml"
    path.write_text("name: untitled\ndescription: no title given\nset: {}\n")
    params = load_params("untitled", folder=params_copy)
    assert params.title == "" and params.heading == "untitled"


@pytest.mark.parametrize("name", sorted(REQUIRED - {"baseline"}))
def test_an_overlay_changes_only_the_keys_it_names_and_says_why(name, params_copy, baseline):
    overlay = yaml.safe_load((params_copy / "scenarios" / f"{name}.yaml").read_text())
    params = load_params(name)
    changed = {k for k in params if params[k].entry != baseline[k].entry}
    assert changed == set(overlay["set"])
    for key in changed:
        assert params[key].entry.note.startswith(f"scenario {name}: ")
        assert params[key].origin.endswith(f"{name}.yaml")


def _write(folder, name, document):
    (folder / "scenarios" / f"{name}.yaml").write_text(yaml.safe_dump(document))


def test_overlays_compose(params_copy):
    _write(params_copy, "surge_and_mobilization", {
        "name": "surge_and_mobilization", "description": "both", "based_on": "dprk_surge",
        "set": {"mobilization.waves": {"value": [{"start": "2025-03", "size": 100000}], "reason": "test"}}})
    params = load_params("surge_and_mobilization", folder=params_copy)
    assert params.value("dprk.tranches") == load_params("dprk_surge", folder=params_copy).value("dprk.tranches")
    assert params.value("mobilization.waves")[0].size == 100000
    assert params.files[-2].endswith("dprk_surge.yaml")


#: A plausible monthly casualty figure, and one above the registry's range (persons per month).
CASUALTIES = baseline_params()["casualties.monthly"]
INSIDE, ABOVE = CASUALTIES.value, 2 * CASUALTIES.high


@pytest.mark.parametrize("document, key, expected", [
    ({"set": {"casualties.monthy": {"value": 1, "reason": "typo"}}}, "set.casualties.monthy", "unknown parameter"),
    ({"set": {"casualties.monthly": {"value": INSIDE}}}, "set.casualties.monthly.reason", "required"),
    ({"set": {"casualties.monthly": {"value": ABOVE, "reason": "x"}}}, "set.casualties.monthly",
     "low <= value <= high"),
    ({"set": {"casualties.monthly": {"value": INSIDE, "unit": "person", "reason": "x"}}},
     "set.casualties.monthly.unit", "person / month"),
    ({"name": "other"}, "name", "expected 'bad'"),
    ({"based_on": "bad"}, "based_on", "no cycle"),
    ({"sett": {}}, "sett", "unknown field"),
])
def test_bad_overlays_are_rejected_naming_file_and_key(params_copy, document, key, expected):
    _write(params_copy, "bad", {"name": "bad", "description": "broken", **document})
    with pytest.raises(InputError) as caught:
        load_params("bad", folder=params_copy)
    assert caught.value.where.endswith("bad.yaml")
    assert caught.value.key.startswith(key) and expected in caught.value.expected


def _front(params, **settings):
    return model.simulate(params, variables=["front_total", "inflow"], **settings).front_total.values


def test_more_north_korean_troops_never_shrink_the_front(baseline):
    fronts = [_front(baseline.with_values({"dprk.tranches": [{"start": "2025-03", "size": size, "months": 2}]}))
              for size in (0, 5_000, 20_000, 60_000)]
    for smaller, larger in zip(fronts, fronts[1:]):
        assert np.all(larger >= smaller - 1e-6)
        assert larger[-1] > smaller[-1]


def test_a_mobilization_wave_raises_inflow_and_emigration(baseline):
    params = load_params("mobilization_2025")
    base, wave = model.simulate(baseline), model.simulate(params)
    called = sum(e.size for e in params.value("mobilization.waves"))
    assert float(wave.mobilization.sum()) == pytest.approx(called, rel=1e-9)
    assert float(wave.emigration.sum()) == pytest.approx(params.value("mobilization.emigration_ratio") * called)
    extra = float(wave.mobilization.sum() - base.mobilization.sum())
    assert extra > 0 and float(wave.inflow.sum() - base.inflow.sum()) == pytest.approx(extra, rel=1e-9)
    assert np.all(wave.front_total.values >= base.front_total.values - 1e-6)


@pytest.mark.parametrize("scenario, lever", [("baseline", "volunteer.signups"),
                                             ("high_intensity", "volunteer.signups"),
                                             ("incentive_fatigue", "casualties.monthly"),
                                             ("baseline", "volunteer.fatigue_rate")])
def test_the_break_even_holds_the_front_when_fed_back(scenario, lever):
    params = load_params(scenario)
    answer = breakeven.solve(params, lever, "front")
    assert np.isfinite(answer.value)
    front = _front(params.with_values({lever: answer.value}, kind="search"))  # the solver's answer may leave the range
    assert abs(front[-1] - front[0]) <= 1e-3 * front[0]


def test_the_casualty_break_even_balances_inflow_and_losses(baseline):
    answer = breakeven.solve(baseline, "casualties.monthly", "net")
    ds = model.simulate(baseline.with_values({"casualties.monthly": answer.value}, kind="search"),
                        variables=["net", "inflow"])
    assert abs(float(ds.net.sum())) <= 1e-3 * float(ds.inflow.sum())


def test_an_unreachable_break_even_is_reported_not_invented(baseline):
    # The civilian wage's level alone does not move sign-ups (only its growth does): no root to find.
    answer = breakeven.solve(baseline, "wage.average", "front")
    assert np.isnan(answer.value) and "no break-even" in str(answer)


def test_compare_stacks_scenarios_and_tabulates_them():
    ds = compare(["baseline", "high_intensity", "dprk_surge"], months=24)
    assert list(ds.scenario.values) == ["baseline", "high_intensity", "dprk_surge"]
    assert list(ds.title.values) == [load_params(n).heading for n in ds.scenario.values]
    assert ds.front.dims == ("scenario", "time", "source")
    assert "dprk.tranches" in str(ds.changed_parameters.sel(scenario="dprk_surge").values)
    table = comparison_table(ds)
    assert table.loc["high_intensity", "front change"] < table.loc["baseline", "front change"]
    assert table.loc["high_intensity", "extra volunteers/month to hold front"] > \
        table.loc["baseline", "extra volunteers/month to hold front"]
    assert table.loc["dprk_surge", "share dprk %"] > table.loc["baseline", "share dprk %"]
    for column in ("inflow volunteer", "permanent losses", "first deficit month", "prisoner pool dry",
                   "share foreign %", "casualties/month at balance"):
        assert column in table.columns


def test_compare_command_writes_table_data_and_figure(tmp_path):
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["compare", "baseline", "prisons_exhausted", "--months", "12", "--out", str(tmp_path)]) == 0
    assert "prisons_exhausted" in out.getvalue()
    table = pd.read_csv(tmp_path / "comparison.csv", index_col=0)
    assert list(table.index) == ["baseline", "prisons_exhausted"]
    assert (tmp_path / "comparison.png").stat().st_size > 50_000
    assert (tmp_path / "comparison.nc").exists()


def test_breakeven_command_rejects_a_non_numeric_lever(capsys):
    assert main(["breakeven", "--lever", "dprk.tranches"]) == 2
    assert "expected a numeric parameter" in capsys.readouterr().err


def test_an_overlay_sets_its_values_and_leaves_the_rest(synthetic_folder, toy):
    params = load_params(synthetic.SCENARIO, folder=synthetic_folder)
    assert {k for k in params if params[k].value != toy[k].value} == set(synthetic.SCENARIO_VALUES)
    for key, value in synthetic.SCENARIO_VALUES.items():
        assert params.value(key) == value
    casualties = model.simulate(params, months=3).casualties.sum("source").isel(time=slice(0, -1))
    np.testing.assert_allclose(casualties, synthetic.SCENARIO_VALUES["casualties.monthly"], rtol=1e-12)
