"""The brief's bottom line: its wording follows the numbers."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from model.present import answer
from model.present.answer import LIKELY, Outlook


def _outlook(name: str, below: float, net: float, **changes) -> Outlook:
    fields = dict(name=name, title=f"Title of {name}", mobilizes=False, front_start=660_000.0, front_end=420_000.0,
                  front_end_band=(0.0, 1.0e6), front_change=-240_000.0, front_change_band=(-650_000.0, 300_000.0),
                  below_at_end=below, below_from="2025-02", net=net, net_band=(-760_000.0, 490_000.0),
                  first_deficit="2025-09", pools_dry={})
    return Outlook(**{**fields, **changes})


def _findings(names):
    time = pd.date_range("2025-01-01", periods=37, freq="MS")
    return SimpleNamespace(settings=SimpleNamespace(reference=names[0], names=tuple(names), start="2025-01"),
                           comparison=xr.Dataset(coords={"time": time}), horizon=36)


@pytest.mark.parametrize("below, opening", [
    (LIKELY, "Probably not without a new mobilization."), (0.9, "Probably not without a new mobilization."),
    (1 - LIKELY, "Probably yes, for the 36 months projected."), (0.5, "The evidence does not settle it."),
])
def test_the_verdict_follows_the_share_of_runs_that_shrink(below, opening, monkeypatch):
    outlooks = {"ref": _outlook("ref", below, -130_000.0)}
    monkeypatch.setattr(answer, "outlook", lambda f, name: outlooks[name])
    lines = answer.bottom_line(_findings(["ref"]))
    assert lines[0].startswith(opening) and "‘Title of ref’" in lines[0]
    assert "January 2025" in lines[0] and "January 2028" in lines[0]
    assert "changing by \N{MINUS SIGN}240,000" in lines[0]  # the median of each run's own change
    assert "September 2025" in lines[1] and "from February 2025 to the horizon" in lines[1]
    assert len(lines) == 2  # one scenario: nothing to say across scenarios


def test_the_scenarios_that_keep_up_are_named_and_none_is_said_so(monkeypatch):
    outlooks = {"ref": _outlook("ref", 0.7, -1.0), "a": _outlook("a", 0.3, 5.0), "b": _outlook("b", 0.8, -5.0),
                "c": _outlook("c", 0.4, 0.0)}
    monkeypatch.setattr(answer, "outlook", lambda f, name: outlooks[name])
    text = answer.bottom_line(_findings(list(outlooks)))[2]
    assert text.startswith("Of the 3 other scenarios") and "‘Title of a’ and ‘Title of c’" in text
    assert "Title of b" not in text
    outlooks = {"ref": _outlook("ref", 0.7, -1.0), "b": _outlook("b", 0.8, -5.0)}
    assert answer.bottom_line(_findings(list(outlooks)))[2] == ("In the 1 other scenario recruitment does not keep "
                                                                 "up with permanent losses in the median run.")
    outlooks = {"ref": _outlook("ref", 0.7, -1.0), "a": _outlook("a", 0.3, 5.0), "c": _outlook("c", 0.4, 0.0)}
    assert answer.bottom_line(_findings(list(outlooks)))[2].startswith("In all the 2 other scenarios recruitment "
                                                                        "keeps up")


def test_a_reference_with_a_mobilization_gets_no_verdict_on_the_question(monkeypatch):
    outlooks = {"ref": _outlook("ref", 0.1, 150_000.0, mobilizes=True)}
    monkeypatch.setattr(answer, "outlook", lambda f, name: outlooks[name])
    first = answer.bottom_line(_findings(["ref"]))[0]
    assert first.startswith("This reference scenario assumes a new mass mobilization") and "Probably" not in first


def test_no_deficit_and_no_majority_below_are_said_as_such(monkeypatch):
    outlooks = {"ref": _outlook("ref", 0.2, 50_000.0, first_deficit=None, below_from=None)}
    monkeypatch.setattr(answer, "outlook", lambda f, name: outlooks[name])
    second = answer.bottom_line(_findings(["ref"]))[1]
    assert "losses exceed recruitment in no month" in second
    assert "no more than half of the runs are below their starting strength" in second
    assert "+50,000 persons" in second


def test_the_data_note_counts_the_months_since_the_data_end():
    from datetime import datetime, timezone

    f = SimpleNamespace(created=datetime(2026, 12, 3, tzinfo=timezone.utc), settings=SimpleNamespace(start="2025-01"))
    note = answer.data_note(f, "2024-12")
    assert "24 months after the data end" in note and "December 2024" in note
    f.created = datetime(2025, 1, 10, tzinfo=timezone.utc)
    assert "after the data end" not in answer.data_note(f, "2024-12")


def test_an_outlook_reads_medians_and_bands_off_the_runs():
    """On a tiny real Monte Carlo: the outlook's numbers are the runs' medians and 5-95% percentiles."""
    import model
    from model.present.report import MC_VARIABLES

    runs = model.uncertainty("baseline", n=100, seed=3, months=6, variables=MC_VARIABLES)
    ds = model.compare(["baseline"], months=6)
    f = SimpleNamespace(runs={"baseline": runs}, comparison=ds, params={"baseline": model.load_params()})
    o = answer.outlook(f, "baseline")
    start, end = runs.front_total.isel(time=0).values, runs.front_total.isel(time=-1).values
    assert o.front_end == pytest.approx(np.median(end))
    assert o.front_end_band == pytest.approx(tuple(np.percentile(end, [5, 95])))
    assert o.front_change == pytest.approx(np.median(end - start))
    assert o.below_at_end == pytest.approx(np.mean(end < start))
    assert o.title == model.load_params("baseline").heading and not o.mobilizes
    below = (runs.front_total < runs.front_total.isel(time=0)).mean("run").values > 0.5
    if o.below_from is not None:  # from that month on, every month has a majority below
        months = list(pd.DatetimeIndex(runs.time.values).strftime("%Y-%m"))
        assert below[months.index(o.below_from):].all() and not below[months.index(o.below_from) - 1]


def test_a_mobilization_scenario_is_recognised():
    import model

    f = SimpleNamespace(params={"m": model.load_params("mobilization_2025")})
    assert len(f.params["m"].value(answer.MOBILIZATION)) > 0
