"""How the fitted casualty process enters the runs: the record, then paths; per run in a drawn batch.

Expected values come from the record and the stored process themselves (``load_process``), never from numbers
typed here, so a new month of data moves nothing in these tests.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import yaml

import model
from model.dynamics.casualty_paths import LEVEL_KEY, casualty_shocks, central_path, reference_level
from model.inputs.streams import RunStream, path_stream
from model.series import draw_paths
from model.series.stored import load_process


@pytest.fixture(scope="module")
def fitted(baseline):
    """The baseline on the fitted process, its level demanded whatever the war zone holds (depletion elasticity 0),
    so that the casualties are the level itself: the depletion's own tests are in test_flows.py."""
    return baseline.with_values({"casualties.process": "fitted", "casualties.growth_rate": 0.0}, kind="override"
                                ).with_values({"casualties.depletion_elasticity": 0.0}, where="test", kind="search")


@pytest.fixture(scope="module")
def process():
    return load_process()


def _start_before_the_end(record, months_before: int = 2) -> str:
    return str(record.end - months_before)


def test_under_the_trend_process_every_shock_is_one(baseline, toy):
    for params in (toy, baseline.with_values({"casualties.process": "trend"}, kind="override")):
        np.testing.assert_array_equal(casualty_shocks(params, "2024-06", 12), np.ones((12, 1)))


def test_a_deterministic_run_follows_the_record_then_the_median_path(fitted, process):
    record, mixture = process
    start = _start_before_the_end(record)
    shocks = casualty_shocks(fitted, start, 8)[:, 0] * reference_level(fitted)
    np.testing.assert_allclose(shocks[3:], central_path(mixture, str(record.end + 1), 5), rtol=1e-12)
    casualties = model.simulate(fitted, months=8, start=start).casualties.sum("source").values[:-1]
    np.testing.assert_allclose(casualties[:3], record.to_series().iloc[-3:].to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(casualties[3], shocks[3], rtol=1e-9)  # the month's level, at its start


def test_a_scenario_level_is_a_factor_on_every_path_and_leaves_the_record_alone(fitted, process):
    """From a start two months before the record ends: the recorded months stay, every later month is x1.2,
    also in a scenario overlay whose own casualties.monthly is the base (the baseline's value is the reference)."""
    record, _ = process
    start = _start_before_the_end(record)
    higher = fitted.with_values({LEVEL_KEY: 1.2 * fitted.value(LEVEL_KEY)}, kind="search")
    base, shifted = (model.simulate(p, months=12, start=start).casualties.sum("source").values[:-1]
                     for p in (fitted, higher))
    np.testing.assert_allclose(shifted[:3], base[:3], rtol=1e-12)
    np.testing.assert_allclose(shifted[3:], 1.2 * base[3:], rtol=1e-9)
    assert reference_level(higher) == reference_level(fitted) == fitted.value(LEVEL_KEY)


def test_each_run_of_a_sample_draws_its_own_path_at_its_index(fitted, process):
    record, mixture = process
    batch = model.sample(fitted, 50, seed=4)
    start = str(record.end + 1)
    shocks = casualty_shocks(batch, start, 6)
    assert shocks.shape == (6, 50) and np.unique(shocks[0]).size == 50
    expected = draw_paths(mixture, start, 6, 50, path_stream(4)).T / reference_level(fitted)
    np.testing.assert_allclose(shocks, expected, rtol=1e-12)
    # Runs 20..29 on their own (a chunk of a sweep) get the same paths.
    varied = {k: p.value[20:30] for k, p in batch.items() if isinstance(p.value, np.ndarray)}
    chunk = replace(fitted.with_values(varied, kind="sample"),
                    stream=RunStream(batch.stream.sequence, np.arange(20, 30)))
    np.testing.assert_array_equal(casualty_shocks(chunk, start, 6), shocks[:, 20:30])


def test_the_monte_carlo_leaves_the_level_to_the_process(fitted):
    keys = model.analysis.sampling.uncertain_keys(fitted)
    assert LEVEL_KEY not in keys and "casualties.growth_rate" not in keys
    assert LEVEL_KEY in model.analysis.sampling.uncertain_keys(fitted.with_values({"casualties.process": "trend"}))


def test_a_run_that_starts_before_the_record_holds_the_registry_level_there(fitted, process):
    record, _ = process
    start = str(record.months[0] - 2)
    casualties = model.simulate(fitted, months=4, start=start).casualties.sum("source").values[:-1]
    np.testing.assert_allclose(casualties[:2], fitted.value(LEVEL_KEY), rtol=1e-9)
    np.testing.assert_allclose(casualties[2:], record.values[:2], rtol=1e-9)


def test_a_resized_batch_is_refused(fitted):
    batch = model.sample(fitted, 10, seed=1)
    wrong = replace(batch, stream=RunStream(batch.stream.sequence, np.arange(3)))
    with pytest.raises(model.InputError, match="stream index"):
        casualty_shocks(wrong, str(pd.Period("2025-01", freq="M")), 3)


def test_a_scenario_file_shifts_the_process_against_the_baseline(fitted, process, tmp_path):
    """An overlay replaces the key's registry entry: the shift is still measured against the baseline's value."""
    record, _ = process
    overlay = tmp_path / "fitted_higher.yaml"
    overlay.write_text(yaml.safe_dump({"name": "fitted_higher", "description": "test",
                                       "set": {"casualties.process": {"value": "fitted", "reason": "test"},
                                               LEVEL_KEY: {"value": 1.2 * fitted.value(LEVEL_KEY), "reason": "test",
                                                           "low": fitted[LEVEL_KEY].low,
                                                           "high": 1.5 * fitted.value(LEVEL_KEY)},
                                               "casualties.depletion_elasticity": {"value": 0.0, "reason": "test",
                                                                                   "low": 0.0}}}))
    start = str(record.end + 1)
    base = model.simulate(model.load_params().with_values({"casualties.process": "fitted"}).with_values(
        {"casualties.depletion_elasticity": 0.0}, where="test", kind="search"), months=4, start=start)
    higher = model.simulate(model.load_params(str(overlay)), months=4, start=start)
    np.testing.assert_allclose(higher.casualties.sum("source").values[:-1],
                               1.2 * base.casualties.sum("source").values[:-1], rtol=1e-9)


def test_an_added_trend_counts_from_the_records_end_whatever_the_start(fitted, process):
    record, _ = process
    grown = fitted.with_values({"casualties.growth_rate": 0.02}, kind="search")
    month = str(record.end + 3)
    levels = [model.simulate(grown, months=12, start=str(record.end - k)).casualties.sum("source").to_series()
              for k in (0, 6)]
    assert levels[0].loc[month].item() == pytest.approx(levels[1].loc[month].item(), rel=1e-9)


def test_indices_far_apart_draw_only_their_own_paths(fitted, process):
    """A sweep chunk crossing a grid boundary holds indices like [n - 1, 0]: the same paths as drawn one by one."""
    record, mixture = process
    start = str(record.end + 1)
    batch = replace(fitted.with_values({"desertion.rate": np.full(2, fitted.value("desertion.rate"))}, kind="sample"),
                    stream=RunStream(path_stream(9), np.array([999_999, 0])))
    shocks = casualty_shocks(batch, start, 3)
    alone = [draw_paths(mixture, start, 3, 1, path_stream(9), first=i)[0] for i in (999_999, 0)]
    np.testing.assert_allclose(shocks.T * reference_level(fitted), alone, rtol=1e-12)


def test_sampling_the_process_keys_under_the_fitted_process_is_refused(fitted):
    with pytest.raises(model.InputError, match="already carries"):
        model.sample(fitted, 4, keys=[LEVEL_KEY])


def test_a_changed_record_is_refused_even_after_a_load(params_copy, monkeypatch):
    params = model.load_params(folder=params_copy).with_values({"casualties.process": "fitted"})
    assert params.folder == str(params_copy)
    model.simulate(params, months=2)  # loads and caches the process
    csv = params_copy / "observed" / "uk_mod_monthly_casualties.csv"
    text = csv.read_text(encoding="utf-8")
    last = text.strip().splitlines()[-1].split(",")[0]
    csv.write_text(text + f"{np.datetime64(last, 'M') + 1},1000,31,31000,synthetic row,none\n", encoding="utf-8")
    with pytest.raises(model.InputError, match="refit"):
        model.simulate(params, months=2)


def test_an_overlay_file_keeps_its_folder(params_copy, tmp_path):
    overlay = tmp_path / "x.yaml"
    overlay.write_text(yaml.safe_dump({"name": "x", "description": "test", "set": {}}))
    assert model.load_params(str(overlay), folder=params_copy).folder == str(params_copy)
    from model.inputs.parameters import load_overlay
    assert load_overlay(overlay, folder=params_copy).folder == str(params_copy)


def test_a_loaded_set_carries_its_reference_level_so_a_registry_edit_later_changes_no_run(params_copy):
    """The shift a scenario states is measured against the baseline's casualties.monthly as loaded: editing the
    registry on disk afterwards changes neither the set's runs nor its digest (a comparison table re-solved later
    reproduces its runs)."""
    params = model.load_params(folder=params_copy).with_values({"casualties.process": "fitted",
                                                                LEVEL_KEY: 1.2 * model.load_params().value(LEVEL_KEY)},
                                                               kind="search")
    before, digest = model.simulate(params, months=4).casualties.values, params.digest()
    registry = params_copy / "registry.yaml"
    document = yaml.safe_load(registry.read_text())
    document["parameters"][LEVEL_KEY]["value"] = document["parameters"][LEVEL_KEY]["low"]
    registry.write_text(yaml.safe_dump(document, allow_unicode=True))
    np.testing.assert_array_equal(model.simulate(params, months=4).casualties.values, before)
    assert params.digest() == digest
    assert model.load_params(folder=params_copy, prior=True).baseline_level == document["parameters"][LEVEL_KEY]["low"]
