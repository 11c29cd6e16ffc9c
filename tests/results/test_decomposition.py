"""The change of a force level decomposed into its flows: the parts add up to the change (people are conserved)."""

from __future__ import annotations

import pytest

import model
from model.core.structure import STRUCTURE
from model.errors import InputError
from model.results.decomposition import by_kind, decomposition, residual


@pytest.fixture(scope="module")
def run(baseline):
    return model.simulate(baseline.with_values({"mobilization.waves": [{"start": "2025-04", "size": 50_000}]}),
                          months=12)


@pytest.mark.parametrize("stock", STRUCTURE.stocks)
def test_every_stock_changes_by_exactly_the_sum_of_its_flows(run, stock):
    table = decomposition(run, stock)
    scale = max(1.0, table.persons.abs().max())
    assert abs(residual(table)) <= 1e-9 * scale
    level = run[stock].sum("source")
    assert table.persons.iloc[0] == pytest.approx(float(level.isel(time=0)))
    assert table.persons.iloc[-1] == pytest.approx(float(level.isel(time=-1)))
    named = set(table.flow[table.kind.isin(["in", "out"])])
    assert named <= {f.name for f in STRUCTURE.flows_into(stock) + STRUCTURE.flows_out_of(stock)}
    assert (table.loc[table.kind == "in", "persons"] > 0).all() and (table.loc[table.kind == "out", "persons"] < 0).all()


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
    with pytest.raises(InputError, match="stock"):
        decomposition(run, stock="navy")


def test_run_writes_the_waterfall_and_prints_its_table(tmp_path, capsys):
    from model.cli import main

    assert main(["run", "--months", "6", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "What changed the front strength" in text and "recruits: volunteer" in text
    assert (tmp_path / "baseline_decomposition.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
