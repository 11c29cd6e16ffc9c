"""The exported model as variables: the whole structure, every equation, the registry's values and provenance."""

from __future__ import annotations

import numpy as np
import pytest

import model
from model.core.structure import FLOW_NAMES, SINKS, SOURCES, STOCKS, STRUCTURE
from model.dynamics.equations import prepare
from model.errors import InputError
from model.interchange import export
from model.interchange.expressions import names_in
from model.interchange.form import KINDS, build, limited_stocks
from model.inputs.start import resolve_start

MONTHS, DT = 12, 0.25


@pytest.fixture(scope="module")
def params():
    return model.load_params("mobilization_2025")


def built(params, run=None):
    start = resolve_start(None, params.folder)
    return build(params, prepare(params, start, MONTHS * 4, DT), MONTHS, DT, start, run)


@pytest.fixture(scope="module")
def form(params):
    return built(params)


def test_names_are_unique_and_every_name_read_is_defined(form):
    names = [v.name for v in form.variables]
    assert len(names) == len(set(names))
    assert {v.kind for v in form.variables} <= set(KINDS)
    for v in form.variables:
        for read in names_in(v.equation) if v.equation else ():
            assert read in names, f"{v.name} reads {read}, which is not defined"
        if v.kind == "stock":
            assert v.initial in names


def test_every_flow_moves_people_from_its_origin_to_its_target(form):
    """Conservation in the exported structure: each flow leaves exactly its origin and enters exactly its target."""
    stocks = {v.name: v for v in form.variables if v.kind == "stock"}
    assert set(stocks) == set(STOCKS) | set(SINKS)
    flows = {v.name for v in form.variables if v.kind == "flow"}
    assert flows == set(FLOW_NAMES)
    for flow in STRUCTURE.flows:
        entering = [s for s, v in stocks.items() if flow.name in v.inflows]
        leaving = [s for s, v in stocks.items() if flow.name in v.outflows]
        assert entering == [flow.target]
        assert leaving == ([flow.origin] if flow.origin else [])
    # Whatever the flows' values, the stocks' net flows add up to what enters from outside the model.
    values = dict(zip(FLOW_NAMES, np.random.default_rng(0).uniform(0, 1e4, len(FLOW_NAMES))))
    net = sum(eval(v.equation, {"__builtins__": {}}, values) for v in stocks.values())  # noqa: S307
    from_outside = sum(values[f.name] for f in STRUCTURE.flows if f.origin is None)
    assert net == pytest.approx(from_outside, rel=1e-12)


def test_a_flow_out_of_a_limited_stock_is_what_it_asks_times_the_stocks_factor(form):
    limited = limited_stocks()
    assert set(limited) == {"pool", "conscripts", "front_new", "front_veteran"}
    for flow in STRUCTURE.flows:
        written = form.variable(flow.name).equation
        if flow.origin in limited:
            assert written == f"{flow.name}_asked * {flow.origin}_factor"
        else:
            assert "_factor" not in written


def test_constants_hold_the_sets_values_and_say_where_they_come_from(params, form):
    level = form.variable("casualty_level")
    assert level.values == (params.value("casualties.monthly"),)
    assert params["casualties.monthly"].entry.source in level.doc
    training = form.variable("training_time")
    assert training.values == tuple(params.value(f"training_time.{s}") for s in SOURCES)
    quoted = [v for v in form.variables if v.kind == "constant" and "Quote:" in v.doc]
    assert quoted, "no constant carries its source's quote"


def test_lookups_give_the_engines_value_at_every_step(params, form):
    start = resolve_start(None, params.folder)
    inputs = prepare(params, start, MONTHS * 4, DT)
    waves = form.variable("waves_schedule")
    xs, ys = np.array(waves.points).T
    steps = np.arange(MONTHS * 4) * DT
    assert np.array_equal(np.interp(steps, xs, ys), inputs.schedules[0])
    assert inputs.schedules[0].max() > 0, "the scenario's wave falls in the window"


def test_stocks_start_where_the_engine_starts(params, form):
    inputs = prepare(params, resolve_start(None, params.folder), MONTHS * 4, DT)
    for k, stock in enumerate(STOCKS):
        assert form.variable(f"initial_{stock}").values == tuple(inputs.state0[k, :, 0])


def test_one_run_of_a_batch_is_that_runs_values():
    batch = model.sample("baseline", n=5, seed=2)
    for run in (0, 3):
        form = built(batch, run)
        assert form.variable("desertion_rate").values == (float(batch.value("desertion.rate")[run]),)
    with pytest.raises(InputError, match="run"):
        built(batch, 5)
    with pytest.raises(InputError, match="run"):
        built(batch, None)


def test_the_export_refuses_what_a_run_refuses(params):
    with pytest.raises(InputError, match="dt"):
        export(params, "mdl", months=MONTHS, dt=1.0)


def test_both_formats_carry_every_variable_and_the_integration_settings(params):
    mdl = export(params, "mdl", months=MONTHS, dt=DT)
    xmile = export(params, "xmile", months=MONTHS, dt=DT)
    assert "TIME STEP  = 0.25" not in mdl and "TIME STEP = 0.25" in mdl and "FINAL TIME = 12" in mdl
    assert 'method="Euler"' in xmile and "<dt>0.25</dt>" in xmile and "<stop>12</stop>" in xmile
    for name in (*STOCKS, *FLOW_NAMES, *SINKS):
        assert f"\n{name}[source] = " in mdl
        assert f'name="{name}"' in xmile


def test_an_unknown_format_is_refused(params):
    with pytest.raises(InputError, match="format"):
        export(params, "stella")


def test_documentation_never_ends_a_vensim_field_and_keeps_a_quotes_sense(params):
    """``~`` and ``|`` end the fields of a Vensim equation: inside documentation they are written as ``≈``, ``¦``."""
    overlay = params.with_values({"casualties.monthly": 45_000.0})  # a set whose provenance is an override
    for p in (params, overlay):
        text = export(p, "mdl", months=MONTHS, dt=DT)
        for entry in text.split("|")[:-1]:
            fields = entry.split("~")
            expected = 2 if "*****" in entry else 3  # a group's header has a name and a comment
            assert len(fields) == expected, entry[:200]  # "x[a] = 1 ~~|" too: its units and comment are empty
    quoted = [k for k in params if "~" in (params[k].entry.quote or "")]
    assert quoted, "the registry has a quote with '~' to check"
    text = export(params, "mdl", months=MONTHS, dt=DT)
    assert params[quoted[0]].entry.quote.replace("~", "≈")[:40] in text


def test_the_xmile_file_is_well_formed_whatever_the_title(params):
    from dataclasses import replace
    from xml.etree import ElementTree as ET

    odd = replace(params, title="Surge -- a <test> & more -")
    root = ET.fromstring(export(odd, "xmile", months=MONTHS, dt=DT))
    namespace = {"x": "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"}
    assert root.find("x:header/x:name", namespace).text == "Surge -- a <test> & more -"
    assert root.find("x:header/x:options/x:uses_arrays", namespace).get("maximum_dimensions") == "1"
