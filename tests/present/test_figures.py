"""Figures ready for a slide (issue 15): one style, labels for people, short footers, digests in the file only.

Invariants read off the drawn figures, never pixel snapshots: no registry key, scenario file name or digest in any
text a reader sees; a footer of at most two lines naming each source once; the digest in the PNG's text chunks;
series that differ in grey; the sensitivity chart portrait, without axis offsets, its labels inside the figure.
"""

from __future__ import annotations

import base64
import io
import json
import re

import matplotlib
import numpy as np
import PIL.Image
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import model
from model.present import labels, page, style
from model.present.plots import (comparison_figure, decomposition_figure, fan_chart, run_figure,
                                 sensitivity_chart)
from model.results.decomposition import by_kind, decomposition
from model.results.io import save_figure

MONTHS = 12
DIGEST = re.compile(r"\b[0-9a-f]{12,64}\b")


@pytest.fixture(scope="module")
def run(baseline):
    return model.simulate(baseline, months=MONTHS)


@pytest.fixture(scope="module")
def comparison():
    return model.compare(["baseline", "dprk_surge", "mobilization_2025"], months=MONTHS)


@pytest.fixture(scope="module")
def runs():
    return {name: model.uncertainty(name, n=40, seed=0, months=MONTHS) for name in ("baseline", "dprk_surge")}


@pytest.fixture(scope="module")
def morris(baseline):
    return model.sensitivity(baseline, method="morris", n=4, seed=0, months=MONTHS)


@pytest.fixture(scope="module")
def figures(run, comparison, runs, morris):
    """Every figure of model.present.plots that a run, a comparison, Monte Carlo runs or Morris indices make."""
    return {"run": run_figure(run), "comparison": comparison_figure(comparison),
            "comparison with runs": comparison_figure(comparison, uncertainty=runs),
            "fan": fan_chart(runs["baseline"]),
            "decomposition": decomposition_figure(run, by_kind(decomposition(run, "front"))),
            "sensitivity": sensitivity_chart(morris, top=8)}


def drawn(fig):
    """``fig`` drawn on an Agg canvas (pyplot detaches the canvas of a figure it closes between tests)."""
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig


def registry_ids(baseline) -> set[str]:
    return set(baseline) | {name for name in model.scenario_names() if "_" in name}


def test_no_figure_shows_a_registry_key_a_scenario_file_name_or_a_digest(figures, baseline):
    ids = registry_ids(baseline)
    for name, fig in figures.items():
        for text in style.figure_texts(drawn(fig)):
            words = set(re.findall(r"[\w.]+", text))
            assert not words & ids, (name, text)
            assert not DIGEST.search(text), (name, text)


def test_every_footer_has_at_most_two_lines_and_names_each_source_once(figures):
    for name, fig in figures.items():
        (footer,) = [t for t in fig.texts if t.get_gid() == "footer"]
        text = footer.get_text()
        assert text.count("\n") < style.FOOTER_LINES, (name, text)
        assert text.startswith("Sources: ")
        listed = text.removeprefix("Sources: ").split(".")[0].replace("\n", " ").split(", ")
        assert len(listed) == len(set(listed)), (name, listed)


def test_the_digest_and_the_command_go_into_the_png_text_chunks(figures, run, tmp_path):
    path = save_figure(figures["run"], tmp_path / "run.png", command="manpower run")
    chunks = PIL.Image.open(path).text
    assert chunks["parameters_digest"] == run.attrs["parameters_digest"]
    assert chunks["Command"] == "manpower run" and chunks["Software"].startswith("manpower-model ")
    assert chunks["Title"] == " ".join(figures["run"].get_suptitle().split())
    uri = page.png_data_uri(figures["fan"])  # the report's embedded figures carry them too
    embedded = PIL.Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).text
    assert DIGEST.fullmatch(embedded["parameters_digest"].split(",")[0].strip())


def test_scenarios_are_named_by_their_titles_in_the_comparison(figures, comparison):
    fig = figures["comparison"]
    texts = style.figure_texts(fig)
    for name in comparison.scenario.values:
        assert labels.scenario_title(str(name)) in texts


def test_the_comparison_shows_each_scenarios_monte_carlo_range_when_given_runs(figures, runs, comparison):
    from model.results.summary import flows_over

    fig = figures["comparison with runs"]
    spread = next(ax for ax in fig.axes if ax.get_title().startswith("Net balance\n"))
    ranges = [line for line in spread.get_lines() if len(line.get_xdata()) == 2 and line.get_linewidth() == 3]
    assert len(ranges) == len(runs)  # one 5-95% bar per scenario with runs, none for the one without
    for line, name in zip(ranges, runs):
        net = flows_over(runs[name], MONTHS).net.values / 1e3
        assert np.allclose(line.get_xdata(), np.percentile(net, [5, 95]))
        row = list(comparison.scenario.values).index(name)
        assert np.allclose(line.get_ydata(), row)
    assert len(figures["comparison"].axes) == len(fig.axes) - 1  # without runs, no such panel


def test_scenario_styles_differ_in_grey_by_marker_and_the_baseline_is_black_and_solid():
    names = [f"s{i}" for i in range(13)] + ["baseline"]
    styles = style.scenario_styles(names)
    assert styles["baseline"] == {"color": style.BLACK, "linestyle": "-", "marker": "o"}
    assert len({s["marker"] for s in styles.values()}) == len(names)  # any two differ without colour
    assert len({(s["color"], str(s["linestyle"])) for s in styles.values()}) == len(names)  # and without markers
    ordered = list(styles.values())
    assert all(a["linestyle"] != b["linestyle"] for a, b in zip(ordered, ordered[1:]))


def test_sources_that_look_alike_in_grey_differ_by_hatch():
    items = list(style.SOURCE_STYLE.values())
    for i, (colour, hatch) in enumerate(items):
        for other, other_hatch in items[i + 1:]:
            if abs(style.luminance(colour) - style.luminance(other)) < 0.15:
                assert hatch != other_hatch


def test_the_palette_is_the_style_files_and_okabe_itos():
    okabe_ito = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    assert set(c.upper() for c in style.COLOURS) <= okabe_ito
    assert len(style.COLOURS) == len(style.LINESTYLES) == len(set(map(str, style.LINESTYLES)))
    with style.context(style.A4):
        assert matplotlib.rcParams["font.size"] == style.A4.font
        assert matplotlib.rcParams["axes.formatter.useoffset"] is False


def test_the_sensitivity_chart_is_portrait_with_labelled_unclipped_axes_and_no_offset(figures, morris):
    fig = drawn(figures["sensitivity"])
    width, height = fig.get_size_inches()
    assert width == style.A4.size[0] and height > width
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    for ax in fig.axes:
        assert ax.xaxis.get_offset_text().get_text() == ""  # no "1e5" over the axis label
        assert ax.get_xlabel() and ax.get_title(loc="left") in {name for name, _ in labels.OUTPUT_LABELS.values()}
        for label in ax.get_yticklabels():
            extent = label.get_window_extent(renderer)
            assert extent.x0 >= box.x0 - 1 and extent.x1 <= box.x1 + 1, label.get_text()
    shown = {label.get_text() for ax in fig.axes for label in ax.get_yticklabels()}
    assert shown <= {labels.bar_label(str(key)) for key in morris.parameter.values}


def test_titles_round_their_numbers(figures):
    title = figures["run"].get_suptitle()
    number = re.search(r"about ([+-][\d,]+)", title).group(1)
    digits = number.lstrip("+-").replace(",", "").rstrip("0")
    assert len(digits) <= 2


@pytest.mark.parametrize(("value", "expected"), [(150_203, "+150,000"), (-1_234_567, "-1,200,000"),
                                                 (0.01234, "+0.012"), (96_501, "+97,000"), (0, "0")])
def test_approximately_keeps_two_significant_figures(value, expected):
    assert labels.approximately(value) == expected


def test_every_uncertain_parameter_has_its_own_label_for_people(baseline):
    from model.analysis.sampling import uncertain_keys

    keys = uncertain_keys(baseline)
    names = [labels.parameter_label(key) for key in keys]
    assert len(set(names)) == len(keys)
    assert not [name for name in names if name in baseline or "(" in name]
    assert all(label.count("\n") < labels.LABEL_LINES for label in map(labels.bar_label, keys))


def test_every_scenario_has_a_title_of_its_own():
    titles = [labels.scenario_title(name) for name in model.scenario_names()]
    assert len(set(titles)) == len(titles)
    assert not [title for title in titles if "_" in title or len(title) > 40]


def test_source_names_list_each_reporter_once(run):
    names = labels.source_names(run.attrs["parameters"])
    assert names == sorted(set(names))
    assert not [name for name in names if " and " in name or ";" in name or re.search(r"\d{4}$", name)]
    raw = {row["source"] for row in json.loads(run.attrs["parameters"])}
    assert any("Mediazona and Meduza" in s for s in raw) <= ({"Mediazona", "Meduza"} <= set(names))


def test_a_footer_that_does_not_fit_counts_what_it_leaves_out():
    text = style.footer_text(6.0, 8.0, [f"Reporter number {i}" for i in range(60)], "A note.")
    assert text.count("\n") < style.FOOTER_LINES
    assert re.search(r"and \d+ more", text) and "Reporter number 0," in text
    assert style.footer_text(6.0, 8.0, ["A", "B", "A"]) == "Sources: A, B."
