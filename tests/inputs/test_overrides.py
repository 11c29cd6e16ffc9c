"""Overrides: recorded with their own provenance, warned about outside their range, and never shared arrays."""

from __future__ import annotations

import json
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from model import simulate
from model.cli import main
from model.errors import InputError
from model.inputs.parameters import label_from_attrs, overrides_attr
from model.present.plots import run_figure
from model.inputs.provenance import OutOfRangeWarning
from model.analysis.sampling import sample, uncertain_keys

KEY = "casualties.monthly"


def _inside(baseline) -> float:
    """A value inside the key's plausible range that differs from the registered one."""
    p = baseline[KEY]
    return (p.value + p.high) / 2


def test_an_override_reports_its_own_provenance_not_the_replaced_source(baseline):
    registered = baseline[KEY].provenance()
    row = baseline.with_values({KEY: _inside(baseline)}, where="--set")[KEY].provenance()
    assert row["source"] == "override: set on the command line (--set)"
    assert row["quote"] == row["url"] == row["date"] == row["evidence"] == ""
    assert registered["source"] in row["replaces"] and f"{baseline[KEY].value:g}" in row["replaces"]
    assert registered["replaces"] == ""


def test_an_override_of_an_override_still_names_the_registered_value(baseline):
    twice = baseline.with_values({KEY: _inside(baseline)}).with_values({KEY: baseline[KEY].high}, where="--set")
    override = twice.overrides[KEY]
    assert override.replaced == baseline[KEY].value
    assert override.where == "set on the command line (--set)"
    assert override.value == baseline[KEY].high


def test_table_shows_overrides_and_untouched_keys_keep_their_source(baseline):
    table = baseline.with_values({KEY: _inside(baseline)}).table()
    assert table.loc[KEY, "source"] == "override: with_values() in Python"
    other = "casualties.killed_fraction"
    assert table.loc[other, "source"] == baseline.table().loc[other, "source"]


def test_label_and_file_stem_say_the_run_was_overridden(baseline):
    assert baseline.label == baseline.scenario and baseline.file_stem == baseline.scenario
    changed = baseline.with_values({KEY: _inside(baseline)})
    assert changed.label == f"{baseline.scenario} with overrides ({KEY}={_inside(baseline):g})"
    assert changed.file_stem.startswith(f"{baseline.scenario}+overrides-")
    assert "/" not in changed.file_stem and " " not in changed.file_stem
    assert label_from_attrs({"scenario": baseline.scenario, "overrides": overrides_attr(changed)}) == changed.label
    assert json.loads(overrides_attr(baseline)) == []


def test_a_monte_carlo_sample_is_labelled_as_a_sample_not_an_override(baseline):
    batch = sample(baseline, 8, seed=1)
    assert batch.overrides == {} and batch.label == baseline.scenario
    key = next(k for k in uncertain_keys(baseline) if k not in baseline.posterior_keys)
    row = batch[key].provenance()
    assert row["source"] == baseline[key].provenance()["source"]  # the range being sampled is the registry's
    assert "drawn by Monte Carlo sample (sampler=lhs, seed=1)" in row["replaces"]
    calibrated = baseline.posterior_keys[0]  # drawn as rows of the stored posterior, and says so
    assert "Monte Carlo sample (sampler=lhs, seed=1): rows of the posterior" in batch[calibrated].provenance()["replaces"]


def test_a_value_outside_the_range_warns_once_naming_the_range(baseline):
    p = baseline[KEY]
    outside = 2 * p.high
    with pytest.warns(OutOfRangeWarning) as caught:
        changed = baseline.with_values({KEY: outside}, where="--set")
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "\n" not in message and KEY in message and f"{outside:g}" in message
    assert f"{p.low:g} to {p.high:g}" in message
    assert changed.value(KEY) == outside
    assert changed.range_warnings() == [message]


def test_a_value_inside_the_range_does_not_warn(baseline):
    with warnings.catch_warnings():
        warnings.simplefilter("error", OutOfRangeWarning)
        assert baseline.with_values({KEY: _inside(baseline)}).range_warnings() == []


def test_the_command_line_prints_the_range_warning_as_one_line(baseline, capsys):
    outside = 2 * baseline[KEY].high
    assert main(["params", "--key", KEY, "--set", f"{KEY}={outside:g}", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("manpower: warning: --set: casualties.monthly")
    assert "override: set on the command line (--set)" in captured.out


def test_explain_names_the_override_not_the_replaced_quote(baseline, capsys):
    assert main(["explain", KEY, "--set", f"{KEY}={_inside(baseline):g}"]) == 0
    out = capsys.readouterr().out
    assert "override: set on the command line (--set)" in out and "replaces:" in out
    assert "quote:" not in out


def test_changing_the_callers_array_does_not_change_the_set(baseline):
    values = np.full(3, _inside(baseline))
    changed = baseline.with_values({KEY: values})
    values[:] = baseline[KEY].high
    assert np.all(changed.value(KEY) == _inside(baseline))


def test_a_read_only_view_of_a_writable_array_is_copied_too(baseline):
    values = np.full(3, _inside(baseline))
    view = values.view()
    view.setflags(write=False)
    changed = baseline.with_values({KEY: view})
    values[:] = baseline[KEY].high
    assert np.all(changed.value(KEY) == _inside(baseline))


def test_values_of_a_set_cannot_be_written(baseline):
    changed = baseline.with_values({KEY: np.full(3, _inside(baseline))})
    with pytest.raises(ValueError, match="read-only"):
        changed.value(KEY)[0] = 0.0
    batch = sample(baseline, 4, seed=0)
    with pytest.raises(ValueError, match="read-only"):
        batch.value(uncertain_keys(baseline)[0])[0] = 0.0


def test_a_solvers_trial_values_are_recorded_but_not_warned_about(baseline):
    with warnings.catch_warnings():
        warnings.simplefilter("error", OutOfRangeWarning)
        trial = baseline.with_values({KEY: 2 * baseline[KEY].high}, where="breakeven", kind="search")
    assert trial.overrides[KEY].where == "breakeven" and KEY in trial.label
    assert trial[KEY].provenance()["source"] == "override: breakeven"


def test_an_unknown_kind_of_override_is_rejected(baseline):
    with pytest.raises(InputError, match="kind"):
        baseline.with_values({KEY: _inside(baseline)}, kind="guess")


def test_the_figure_title_says_the_run_was_overridden_and_its_metadata_says_how(baseline):
    figure = run_figure(simulate(baseline.with_values({KEY: _inside(baseline)}), months=2))
    title = " ".join(figure._suptitle.get_text().split())
    plt.close(figure)
    assert title.startswith(f"{baseline.heading}, 1 value overridden")
    assert f"{KEY}={_inside(baseline):g}" in figure.png_metadata["overrides"]


def test_a_long_schedule_is_summarised_in_the_label(baseline):
    events = [{"start": f"2025-{m:02d}", "size": 1000.0} for m in range(1, 7)]
    label = baseline.with_values({"dprk.tranches": events}).label
    assert label == f"{baseline.scenario} with overrides (dprk.tranches: 6 events)"
