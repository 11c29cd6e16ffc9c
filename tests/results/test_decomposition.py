"""The change of a force level decomposed into its flows: the parts add up to the change (people are conserved),
for both force levels (the group in the war zone, the armed forces) and for any single stock."""

from __future__ import annotations

import pytest

import model
from model.core.structure import LEVELS, STRUCTURE
from model.errors import InputError
from model.results.decomposition import by_kind, decomposition, residual


@pytest.fixture(scope="module")
def run(toy):
    """Every channel on: a wave, call-ups, conversion, an emergency deployment, rotation, deployment, absence."""
    return model.simulate(toy.with_values({
        "mobilization.waves": [{"start": "2025-04", "size": 50_000}],
        "conscription.campaigns": [{"start": "2024-10", "size": 100_000, "months": 3},
                                   {"start": "2025-04", "size": 120_000, "months": 3}],
        "conscription.emergency": [{"start": "2025-02", "size": 5_000}],
        "rotation.rate": 0.05, "deployment.rate": 0.1, "rear.release_rate": 0.01, "deploy_share.volunteer": 0.6,
        "desertion.rate": 0.02, "desertion.return_fraction": 0.7, "rear_initial.volunteer": 100_000.0}),
        months=12)


@pytest.mark.parametrize("level", [*LEVELS, *STRUCTURE.stocks])
def test_every_level_changes_by_exactly_the_sum_of_the_flows_that_cross_it(run, level):
    stocks = LEVELS.get(level, (level,))
    table = decomposition(run, level)
    scale = max(1.0, table.persons.abs().max())
    assert abs(residual(table)) <= 1e-9 * scale
    assert abs(table.attrs["residual"]) <= 1e-9 * scale
    total = sum(run[stock].sum("source") for stock in stocks)
    assert table.persons.iloc[0] == pytest.approx(float(total.isel(time=0)))
    assert table.persons.iloc[-1] == pytest.approx(float(total.isel(time=-1)))
    named = set(table.flow[table.kind.isin(["in", "out"])])
    crossing = {f.name for s in stocks for f in STRUCTURE.flows_into(s) + STRUCTURE.flows_out_of(s)
                if (f.origin in stocks) != (f.target in stocks)}
    assert named <= crossing
    assert (table.loc[table.kind == "in", "persons"] > 0).all() and (table.loc[table.kind == "out", "persons"] < 0).all()
    parts = by_kind(table)
    assert parts.persons.iloc[1:-1].sum() == pytest.approx(parts.persons.iloc[-1] - parts.persons.iloc[0], abs=1e-6)


def test_the_war_zone_is_inside_the_armed_forces_and_moves_within_them(run):
    """Flows between the war zone and the rest of the armed forces cross the first level, not the second."""
    front, forces = (set(decomposition(run, level).flow) for level in ("front", "armed_forces"))
    for inside in ("rotation", "deployment", "emergency_deployment", "return_light", "desertion_new"):
        assert inside in front and inside not in forces, inside
    for outside in ("call_up", "signups", "demobilization", "rear_release"):
        assert outside in forces and outside not in front, outside


def test_a_period_inside_the_run_and_the_chart_parts_add_up_too(run):
    table = decomposition(run, first="2025-03", last="2025-09")
    assert (table.attrs["first"], table.attrs["last"]) == ("2025-03", "2025-09")
    parts = by_kind(table)
    assert parts.persons.iloc[1:-1].sum() == pytest.approx(parts.persons.iloc[-1] - parts.persons.iloc[0], abs=1e-6)
    assert any(label.startswith("recruits: mobilized") for label in parts.label)
    assert len(parts) < len(table)  # sources summed and the wounded's round trip netted


def test_a_batch_or_a_month_outside_the_run_is_refused(run):
    with pytest.raises(InputError, match="single run"):
        decomposition(run.expand_dims(run=2))
    with pytest.raises(InputError, match="first: expected a month of the run"):
        decomposition(run, first="1999-01")
    with pytest.raises(InputError, match="last: expected a month after first"):
        decomposition(run, first="2025-06", last="2025-03")
    with pytest.raises(InputError, match="level"):
        decomposition(run, "navy")


def test_run_writes_the_waterfall_and_prints_its_table(tmp_path, capsys, monkeypatch):
    from model.cli import main
    assert main(["run", "--months", "6", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "What changed the group in the war zone" in text and "recruits: volunteer" in text
    assert "What changed the armed forces" in text
    for suffix in ("", "_armed_forces"):
        assert (tmp_path / f"baseline_decomposition{suffix}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
