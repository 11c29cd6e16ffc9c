"""The live explorer (model.present.explorer): levers, direction of effect, a labelled figure, widgets without a
browser."""

from __future__ import annotations

import re

import contextlib
import functools
import io

import numpy as np
import PIL.Image
import pytest

import model
from model.errors import InputError
from model.present.explorer import Explorer
from model.present.levers import BY_NAME, LEVERS, WIDEN
from model.present import style
from model.present.panels import spread
from model.inputs.provenance import OutOfRangeWarning
from model.inputs.units import conversion_factor

from ..conftest import baseline_params

RUNS = 40


@pytest.fixture
def explorer() -> Explorer:
    return Explorer("baseline", months=24, n=RUNS, seed=1)


def median_front_at_horizon(explorer: Explorer) -> float:
    """Read off the figure, as a reader would: the median line's last point (thousand persons)."""
    (line,) = [ln for ln in explorer.figure.axes[0].get_lines() if ln.get_label() == "median of runs"]
    return float(np.asarray(line.get_ydata())[-1])


@functools.cache
def scenario_params(name: str) -> model.ParameterSet:
    return model.load_params(name)


def highest(key: str) -> float:
    """The top of ``key``'s plausible range (canonical unit): a lever value inside the range, off the default."""
    return baseline_params()[key].high


def outside(name: str, value: float) -> bool:
    """Whether slider ``value`` of lever ``name`` lies outside its parameter's plausible range."""
    lever = BY_NAME[name]
    if lever.event is not None:  # a schedule lever adds an event: no range
        return False
    parameter = baseline_params()[lever.key]
    canonical = value / conversion_factor(parameter.unit, lever.unit)
    return not parameter.low <= canonical <= parameter.high


@contextlib.contextmanager
def warned_if_outside(**levers: float):
    """Expect one OutOfRangeWarning naming each lever's key whose value leaves its plausible range, else none."""
    keys = {BY_NAME[name].key for name, value in levers.items() if outside(name, value)}
    if not keys:
        yield
        return
    with pytest.warns(OutOfRangeWarning) as record:
        yield
    assert {str(w.message).split(": ")[1] for w in record} == keys


@pytest.fixture(scope="module")
def ranges():
    return Explorer(n=2).ranges


def slider_value(lever, value: float) -> float:
    """A registry value (canonical unit) in the lever's slider unit."""
    return value * conversion_factor(scenario_params("baseline")[lever.key].unit, lever.unit)


@pytest.mark.parametrize("lever", LEVERS, ids=[lever.name for lever in LEVERS])
def test_lever_key_exists_and_its_slider_contains_every_scenarios_value(lever, baseline, ranges):
    span = ranges[lever.name]
    assert lever.key in baseline
    assert span.low < span.high and span.step > 0
    if lever.event is not None:
        assert baseline[lever.key].spec.kind.name == "schedule"
        assert span.low == 0 and baseline.evidence[lever.event.evidence].value > 0
        return
    parameter = baseline[lever.key]
    for value in (parameter.value, parameter.low, parameter.high):
        assert span.low <= slider_value(lever, value) <= span.high
    for scenario in model.scenario_names():
        assert span.low <= slider_value(lever, scenario_params(scenario).value(lever.key)) <= span.high, scenario


def test_sliders_reach_beyond_the_plausible_range_within_the_quantitys_bounds(baseline, ranges):
    casualties = baseline["casualties.monthly"]
    assert ranges["casualties_monthly"].low <= (1 - WIDEN) * casualties.low
    assert ranges["casualties_monthly"].high >= (1 + WIDEN) * casualties.high
    assert ranges["casualties_growth_rate"].low <= (1 + WIDEN) * baseline["casualties.growth_rate"].low * 1200
    assert ranges["wounded_severe_return_fraction"].high <= 100  # a share cannot pass 100%
    assert ranges["desertion_rate"].low >= 0  # nor a rate fall below zero


def test_lever_replaces_the_sampled_value_in_every_run(explorer):
    top = highest("casualties.monthly")
    batch = explorer.parameters(casualties_monthly=top, wounded_severe_return_fraction=40)
    assert batch.value("casualties.monthly") == top
    assert batch.value("wounded.severe_return_fraction") == pytest.approx(0.4)
    assert np.shape(batch.value("casualties.killed_fraction")) == (RUNS,)  # the rest stays sampled
    own = scenario_params("baseline").value("casualties.monthly")
    assert explorer.parameters().value("casualties.monthly") == own  # the scenario's own value


def test_schedule_lever_adds_one_event_to_the_scenarios_schedule():
    surge = Explorer("dprk_surge", n=2)
    own = surge.parameters().value("dprk.tranches")
    extended = surge.parameters(dprk_tranches=12_000).value("dprk.tranches")
    assert extended[:-1] == own and len(extended) == len(own) + 1
    assert (extended[-1].size, extended[-1].start) == (12_000, BY_NAME["dprk_tranches"].event.start)


# The group in the war zone at the horizon moves this way when the lever goes from its slider's low end to its
# high end (the payment elasticity raises it because, in the baseline, the first-year payment, its pay indexed and
# the regional payment rising, grows a little faster than civilian wages over the horizon).
DIRECTION = {"casualties_monthly": -1, "casualties_growth_rate": -1, "volunteer_signups": +1,
             "pay_federal_change": +1, "pay_regional_ceiling": +1, "volunteer_pay_elasticity": +1,
             "volunteer_fatigue_rate": -1, "wounded_severe_return_fraction": +1, "desertion_rate": -1,
             "dprk_tranches": +1, "migrant_roundups": +1}


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_moving_a_lever_moves_the_plotted_median_the_expected_way(explorer, name):
    span = explorer.ranges[name]  # the slider's ends reach beyond the plausible range on purpose
    with warned_if_outside(**{name: span.low}):
        explorer.update(**{name: span.low})
    low = median_front_at_horizon(explorer)
    with warned_if_outside(**{name: span.high}):
        explorer.update(**{name: span.high})
    high = median_front_at_horizon(explorer)
    assert np.sign(high - low) == DIRECTION[name], (low, high)


def test_update_redraws_the_same_figure_in_place(explorer):
    figure = explorer.update()
    line = explorer.figure.axes[0].get_lines()[0]
    before = np.array(line.get_ydata())
    assert explorer.update(casualties_monthly=highest("casualties.monthly")) is figure
    assert explorer.figure.axes[0].get_lines()[0] is line
    assert not np.allclose(line.get_ydata(), before)


def test_figure_has_title_units_legend_headline_and_source_caption(explorer):
    top = highest("casualties.monthly")
    figure = explorer.update(casualties_monthly=top, dprk_tranches=20_000)
    texts = [t.get_text() for t in figure.texts]
    assert "Baseline" in figure._suptitle.get_text()  # the scenario's title, not its file name
    front, flows = figure.axes
    assert front.get_title() and flows.get_title()
    assert front.get_ylabel() == "thousand persons" and flows.get_ylabel() == "thousand persons per month"
    assert len(figure.legends) == 2  # one beside each panel
    for legend in figure.legends:
        labels = [t.get_text() for t in legend.get_texts()]
        assert any("median" in label for label in labels) and any("5–95%" in label for label in labels)
    assert any(t.startswith("Net balance over 12 months") and "First deficit month" in t for t in texts)
    assert any("Sources:" in t and "Atlantic Council" in t and t.count("\n") < style.FOOTER_LINES for t in texts)
    assert not any(re.search(r"\b[0-9a-f]{12}\b", t) for t in texts)  # digests go with the file, not in the picture
    assert re.fullmatch(r"[0-9a-f]{12}", figure.png_metadata["parameters_digest"])
    levers = next(t for t in texts if t.startswith("Levers moved"))
    readout = explorer.ranges["casualties_monthly"].readout_format
    assert f"casualties.monthly {top:{readout}}" in levers and "dprk.tranches 20,000" in levers
    assert "volunteer.signups" not in levers  # left at the scenario's value


def test_headline_reports_the_first_deficit_month(explorer):
    worst = {"casualties_monthly": explorer.ranges["casualties_monthly"].high}  # slider ends, beyond the range
    with warned_if_outside(**worst):
        explorer.update(**worst)
    found = re.search(r"First deficit month: \w{3} \d{4} \(median of runs\); (\d+)% of runs have one",
                      explorer.headline)
    assert found and int(found.group(1)) >= 90, explorer.headline  # at the slider's top nearly every run has one
    worst_share = int(found.group(1))
    best = {"volunteer_signups": explorer.ranges["volunteer_signups"].high,
            "casualties_monthly": explorer.ranges["casualties_monthly"].low}
    with warned_if_outside(**best):
        explorer.update(**best)
    found = re.search(r"none within 24 months \(median of runs\); (\d+)% of runs have one", explorer.headline)
    # At the other end the median run has none, and far fewer runs have one than at the top.
    assert found and int(found.group(1)) < 50 <= worst_share - int(found.group(1)), explorer.headline


def test_image_is_the_figure_as_png_and_follows_the_levers(explorer):
    explorer.update()
    first = explorer.image()
    again = explorer.image()
    explorer.update(volunteer_signups=highest("volunteer.signups"))
    moved = explorer.image()
    size = PIL.Image.open(io.BytesIO(first)).size
    assert size == explorer.figure.canvas.get_width_height()
    assert first == again and moved != first


def test_unknown_lever_or_scenario_is_refused(explorer):
    with pytest.raises(InputError, match="casualties_montly: unknown lever"):
        explorer.update(casualties_montly=50_000)
    with pytest.raises(InputError, match="scenario: expected one of baseline"):
        explorer.update(scenario="no_such_scenario")


def test_widgets_build_without_a_display_and_are_wired(explorer):
    import ipywidgets

    box = explorer.widgets()
    assert isinstance(box, ipywidgets.VBox)
    sliders = [w for w in box.children[1].children if isinstance(w, ipywidgets.FloatSlider)]
    assert len(sliders) == len(LEVERS)
    assert all(not s.continuous_update and s.min <= s.value <= s.max for s in sliders)
    image = box.children[-1]
    before = image.value
    top = highest("casualties.monthly")
    sliders[0].value = top  # casualties.monthly, as a reader's drag would
    assert explorer.values["casualties_monthly"] == top and image.value != before
    dropdown = box.children[0].children[0]
    dropdown.value = "high_intensity"  # the sliders jump to the scenario's values, one redraw
    expected = slider_value(LEVERS[0], scenario_params("high_intensity").value(LEVERS[0].key))
    assert sliders[0].value == pytest.approx(expected) and explorer.scenario == "high_intensity"
    assert explorer.values == explorer.defaults("high_intensity")


def test_the_reference_median_is_the_scenarios_own_run_read_on_the_lean_path(explorer):
    explorer.update(**{LEVERS[0].name: explorer.defaults()[LEVERS[0].name]})
    own = spread(explorer.run("baseline").front_total)[1]
    np.testing.assert_array_equal(explorer._reference["baseline"], own)
