"""Horizon weights from a score table, the rule that chooses the process, and the stored file's schema."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
import yaml

from model.errors import InputError
from model.inputs.paths import locate
from model.series.backtest import horizon_weights, score_weights
from model.series.select import BENCHMARK, CANDIDATES, choose, long_horizon
from model.series.stored import PROCESS_FILE, load_process

#: A synthetic score table: "a" is better at short horizons (CRPS 1 against 2), "b" at long ones (h >= 3).
SCORES = pd.DataFrame({"spec": ["a", "b"] * 4, "horizon": [1, 1, 2, 2, 3, 3, 3, 3],
                       "crps": [1.0, 2.0, 1.0, 2.0, 4.0, 1.0, 2.0, 3.0]})


def test_horizon_weights_are_inverse_crps_at_each_horizon_held_beyond_the_last_scored():
    table = horizon_weights(SCORES, ("a", "b"), horizons=5)
    assert list(table.index) == [1, 2, 3, 4, 5] and list(table.columns) == ["a", "b"]
    assert table.loc[1].to_numpy() == pytest.approx([2 / 3, 1 / 3])  # 1/1 against 1/2
    assert table.loc[3].to_numpy() == pytest.approx([0.4, 0.6])  # mean CRPS 3 against 2: 1/3 : 1/2
    assert (table.loc[5] == table.loc[3]).all() and (table.loc[4] == table.loc[3]).all()
    assert table.sum(axis=1).to_numpy() == pytest.approx(np.ones(5))


def test_horizon_weights_before_any_score_are_equal_and_the_paths_follow_the_longest_horizon():
    late = SCORES[SCORES["horizon"] == 3]
    table = horizon_weights(late, ("a", "b"), horizons=4)
    assert table.loc[1].to_numpy() == pytest.approx([0.5, 0.5]) and table.loc[4].to_numpy() == pytest.approx(
        [0.4, 0.6])
    assert horizon_weights(SCORES.iloc[:0], ("a", "b"), horizons=2).to_numpy() == pytest.approx(np.full((2, 2), 0.5))
    paths = score_weights(SCORES, ("a", "b"), "horizon")
    assert paths.to_numpy() == pytest.approx(horizon_weights(SCORES, ("a", "b")).iloc[-1].to_numpy())


def _scores(spec: str, crps: float, cover50: float, cover90: float) -> pd.DataFrame:
    """Forecasts of ``spec`` at horizons 6-12, 10 each, with the given CRPS and shares covered."""
    n = 70
    return pd.DataFrame({"spec": spec, "horizon": np.repeat(np.arange(6, 13), 10), "crps": crps,
                         "cover50": np.arange(n) < round(cover50 * n), "cover90": np.arange(n) < round(cover90 * n)})


def test_the_rule_chooses_the_best_scoring_candidate_with_honest_bands():
    names = list(CANDIDATES)
    scores = pd.concat([_scores(names[0], 1.0, 0.9, 1.0),  # best CRPS, bands too wide
                        _scores(names[1], 2.0, 0.5, 0.9), _scores(names[2], 3.0, 0.5, 0.9),
                        _scores(BENCHMARK, 0.5, 0.5, 0.9), _scores("other", 0.1, 0.5, 0.9),
                        _scores(names[1], 2.0, 0.5, 0.9).assign(horizon=1, crps=100.0)])  # short horizons ignored
    table = long_horizon(scores)
    assert list(table.index) == [*names[:3], BENCHMARK] and not table.loc[BENCHMARK, "admitted"]
    assert choose(table) == names[1]


def test_without_an_admitted_candidate_the_rule_takes_the_nearest_coverage_then_the_lowest_crps():
    names = list(CANDIDATES)
    scores = pd.concat([_scores(names[0], 3.0, 0.9, 1.0), _scores(names[1], 2.0, 0.9, 1.0),
                        _scores(names[2], 1.0, 0.2, 0.5)])
    assert choose(long_horizon(scores)) == names[1]


@pytest.fixture
def stored() -> dict:
    """The shipped stored process, as a dictionary to edit."""
    return yaml.safe_load(load_stored_text())


def load_stored_text() -> str:
    return locate(PROCESS_FILE).read_text(encoding="utf-8")


def _write(folder, document: dict):
    """A copy of the shipped observed folder in ``folder`` with ``document`` as the stored process."""
    path = folder / PROCESS_FILE
    shutil.copytree(locate(PROCESS_FILE).parent, path.parent)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return folder


#: The horizon-weighted candidate and its specifications.
MIX = "horizon_mix"
MIX_SPECS = list(CANDIDATES[MIX][0])
EVEN, LAST = [0.25] * 4, [0.1, 0.2, 0.3, 0.4]


def _horizon(document: dict, rows: list[list[float]]) -> dict:
    """``document`` as the horizon-weighted candidate, its specs weighted ``rows`` (one row per horizon)."""
    return document | {"process": MIX, "weighting": "horizon", "weights": dict(zip(MIX_SPECS, rows[-1])),
                       "horizon_weights": {spec: [row[j] for row in rows] for j, spec in enumerate(MIX_SPECS)}}


def _table(document: dict, table: dict) -> dict:
    return document | {"horizon_weights": table}


def test_a_horizon_weighted_process_loads_and_its_paths_follow_the_last_horizon(stored, tmp_path):
    _, process = load_process(_write(tmp_path, _horizon(stored, [EVEN, LAST])))
    assert [f.spec for f in process.fits] == MIX_SPECS
    assert process.weights == pytest.approx(LAST)


@pytest.mark.parametrize(("edit", "key"), [
    (lambda d: {k: v for k, v in _horizon(d, [EVEN]).items() if k != "horizon_weights"},
     "horizon_weights"),  # horizon weighting without the table
    (lambda d: d | {"horizon_weights": {"damped_trend": [1.0]}}, "horizon_weights"),  # a table not used
    (lambda d: _horizon(d, [EVEN, LAST]) | {"weights": dict(zip(MIX_SPECS, EVEN))},
     "weights"),  # the paths' weights are not the last horizon's
    (lambda d: _table(_horizon(d, [EVEN, LAST]), {**dict.fromkeys(MIX_SPECS[1:], [0.5, 0.2]), "ar1": [0.5, 0.8]}),
     "horizon_weights"),  # another spec than the weights'
    (lambda d: _table(_horizon(d, [EVEN, LAST]), {**dict.fromkeys(MIX_SPECS[:-1], [0.5, 0.2]), MIX_SPECS[-1]: [0.8]}),
     "horizon_weights"),  # lists of different lengths
    (lambda d: _horizon(d, [[0.0] * 4, LAST]), "horizon_weights"),  # all 0 at a horizon
    (lambda d: _horizon(d, [[-0.5, 1.5, 0.0, 0.0], LAST]), "horizon_weights"),  # negative
    (lambda d: d | {"weighting": "stacking"}, "weighting"),
    (lambda d: d | {"weighting": "inverse"}, "weighting"),  # not the candidate's weighting
    (lambda d: d | {"process": "nonesuch"}, "process"),  # not a candidate
    (lambda d: d | {"weights": {"local_level": 1.0}}, "weights"),  # not the candidate's specification
    (lambda d: d | {"series": "ugs_cumulative_losses"}, "series"),  # not the casualty record
    (lambda d: {k: v for k, v in d.items() if k != "rule"}, "rule"),
])
def test_a_malformed_stored_process_is_refused_naming_the_file_and_key(stored, tmp_path, edit, key):
    with pytest.raises(InputError) as caught:
        load_process(_write(tmp_path, edit(stored)))
    assert caught.value.key.split(".")[0] == key and "casualty_process.yaml" in caught.value.where
