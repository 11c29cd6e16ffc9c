"""The HTML briefing: one self-contained file with the answer, the figures, the assumptions and the provenance."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import numpy as np
import pytest
from markupsafe import escape

import model
from model.cli import main
from model.results.summary import headline

from ..test_cli import run_cli

NAMES = ["baseline", "high_intensity"]
PNG = b"\x89PNG\r\n\x1a\n"


def escaped(text: str) -> str:
    """``text`` as the page's templates escape it (MarkupSafe spells an apostrophe ``&#39;``)."""
    return str(escape(text))


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[int, str, Path]:
    """Exit status, standard output and the path of a small report written by the command line."""
    path = tmp_path_factory.mktemp("report") / "brief.html"
    status, text = run_cli("report", "--scenarios", *NAMES, "--n", "200", "--seed", "7", "--months", "12",
                           "--sobol-n", "64", "--out", str(path))
    return status, text, path


@pytest.fixture(scope="module")
def brief(written) -> str:
    return written[2].read_text(encoding="utf-8")


def test_the_command_writes_one_file_and_exits_0(written):
    status, text, path = written
    assert status == 0 and f"Wrote {path}" in text
    assert [p.name for p in path.parent.iterdir()] == ["brief.html"]


def test_the_report_is_one_file_that_needs_nothing_from_the_network(brief):
    assert brief.startswith("<!DOCTYPE html>") and brief.rstrip().endswith("</html>")
    assert not re.search(r"<script|<link|<iframe|<object|<embed|@import", brief, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", brief, re.IGNORECASE)
    sources = re.findall(r"\ssrc\s*=\s*[\"']?([^\"'\s>]+)", brief, re.IGNORECASE)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)


def test_every_figure_is_an_embedded_png(brief):
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', brief)
    # the lead figure (fan chart), the war-zone waterfall; in the appendix the comparison, the armed forces'
    # waterfall, two Sobol charts and, when scenario discovery found a box, its peeling trajectory
    expected = 6 + ('alt="Peeling trajectory' in brief)
    assert len(images) == expected
    assert all(base64.b64decode(data)[:8] == PNG for data in images)
    assert brief.count("<figcaption>") == expected


def test_both_force_levels_have_a_waterfall(brief):
    account = brief[brief.index('id="account"'):brief.index('id="drivers"')]
    figures = brief[brief.index('id="figures"'):brief.index('id="sensitivity"')]
    assert 'alt="What changed the group in the war zone"' in account
    assert 'alt="What changed the armed forces"' in figures


@pytest.mark.parametrize("value, digits, shown", [
    (952_268_736_008.0, 2, "950 billion"), (1_728_106.3, 2, "1.7 million"), (1_415_397.7, 3, "1.42 million"),
    (657_568.0, 3, "658,000"), (24_996.8, 2, "25,000"), (-24_996.8, 2, "\N{MINUS SIGN}25,000"), (995_000.0, 2, "1.0 million"),
    (2.4e12, 2, "2.4 trillion"), (0.0, 2, "0"), (-3e-7, 3, "0"), (float("nan"), 2, "–"),
])
def test_the_account_rounds_to_significant_figures_in_words(value, digits, shown):
    from model.present.wording import about

    assert about(value, digits) == shown


def test_the_account_of_losses_cost_and_force_levels_is_generated_from_the_numbers(brief):
    from model.present.brief import ACCOUNT, measured
    from model.present.report import MC_VARIABLES
    from model.present.wording import about

    section = brief[brief.index('id="account"'):brief.index('id="drivers"')]
    central = model.simulate(model.load_params("baseline"), months=12)
    runs = model.uncertainty("baseline", n=200, seed=7, months=12, variables=MC_VARIABLES)
    outputs = {m.output for m in ACCOUNT}
    assert {"casualties_total", "irrecoverable_losses", "deaths", "recruitment_cost", "bonus", "armed_forces",
            "front_total"} <= outputs <= set(MC_VARIABLES)
    for measure in ACCOUNT:
        value = float(measured(central, measure))
        low, high = np.nanpercentile(measured(runs, measure).values, [5, 95])
        row = (f"<td class=\"num\">{about(value, measure.digits)}</td><td class=\"num\">"
               f"{about(low, measure.digits)} to {about(high, measure.digits)}</td>")
        assert row in section, measure
    # Losses as counted nest inside each other.
    deaths, irrecoverable, casualties = (float(central[k].isel(time=slice(0, -1)).sum())
                                         for k in ("deaths", "irrecoverable_losses", "casualties_total"))
    assert 0 < deaths <= irrecoverable <= casualties


def test_the_colophon_names_version_digests_settings_and_the_command(brief):
    colophon = brief[brief.index('class="colophon"'):]
    assert model.__version__ in colophon
    for name in NAMES:
        assert model.load_params(name).digest() in colophon
    assert "seed 7" in colophon and "200 Monte Carlo runs" in colophon and "12 months" in colophon
    assert escaped("manpower report --scenarios baseline high_intensity --n 200 --seed 7 --months 12 "
                   "--sobol-n 64") in colophon
    # No digest before the colophon: the brief leads with the answer.
    assert model.load_params("baseline").digest() not in brief[:brief.index('class="colophon"')]


def test_sections_come_in_the_briefing_order(brief):
    order = ["<h1>Can Russia keep feeding", 'class="data-end"', 'id="answer"', 'id="scenarios"', 'id="account"', 'id="drivers"',
             'id="caveats"', 'id="appendix"', 'id="comparison"', 'id="figures"', 'id="sensitivity"', 'id="changes"',
             'id="assumptions"', 'id="parameters"', 'class="colophon"']
    positions = [brief.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_the_bottom_line_is_generated_from_the_numbers(brief):
    from model.present.report import MC_VARIABLES
    from model.present.wording import about, share

    runs = model.uncertainty("baseline", n=200, seed=7, months=12, variables=MC_VARIABLES)
    lead = brief[brief.index('class="lead"'):brief.index("<figure")]
    net = np.nanmedian(headline(runs)["net_horizon"].values)
    below = float((runs.front_total.isel(time=-1) < runs.front_total.isel(time=0)).mean())
    assert f"comes to about {about(net, signed=True)} persons" in lead
    assert f"{share(below)} of runs" in lead or f"{share(1 - below)} of runs" in lead
    assert escaped(model.load_params("baseline").heading) in lead
    assert escaped(model.load_params("high_intensity").heading) in brief
    assert "posterior calibrated to the record" in brief


def test_the_discovery_section_says_where_the_force_shrinks_or_what_to_install(brief):
    section = brief[brief.index("Where the force shrinks"):brief.index('id="caveats"')]
    from model.analysis.discovery import EXTRA

    try:
        import ema_workbench  # noqa: F401
    except ImportError:
        assert escaped(EXTRA) in section
        return
    assert "Scenario discovery (PRIM) over the 200 runs" in section and "<li>" in section


def test_the_data_end_is_stated_before_the_answer(brief):
    from model.inputs.start import data_end

    head = brief[:brief.index('id="answer"')]
    assert f"Data end {data_end()}" in head and "produced on" in head


def test_the_comparison_table_has_units_in_its_headers(brief):
    assert "thousand persons over 12 months" in brief and "persons/month" in brief and "% of inflow" in brief


def test_the_appendix_lists_every_parameter_with_its_quote_escaped(brief):
    appendix = brief[brief.index('id="appendix"'):]
    table = model.load_params().table()
    for key in table.index:
        assert f"<strong>{key}</strong>" in appendix
    quotes = [q for q in table.quote if escaped(q) != q]
    assert quotes, "no quote in the registry needs escaping: nothing to check"
    assert all(escaped(q) in appendix and q not in appendix for q in quotes)
    assumptions = [a for a in table.assumption if escaped(a) != a]
    assert all(escaped(a) in brief for a in assumptions)


def test_assumptions_and_scenario_reasons_are_shown(brief):
    section = brief[brief.index('id="changes"'):brief.index('id="parameters"')]
    params, baseline = model.load_params("high_intensity"), model.load_params()
    changed = [k for k in params if params[k].entry != baseline[k].entry]
    assert changed and all(escaped(params[k].entry.note) in section for k in changed)
    assumed = [p.entry.assumption for p in baseline.values() if p.entry.source == "assumption"]
    assert assumed and all(escaped(a) in section for a in assumed)


@pytest.mark.parametrize("argv, message", [
    (["report", "--scenarios", "baseline", "nonesuch"], "nonesuch.yaml: scenario: no such scenario"),
    (["report", "--sobol-n", "100"], "--sobol-n: 100: expected a power of 2"),
])
def test_bad_input_is_one_line_with_status_2(argv, message, capsys, tmp_path):
    assert main([*argv, "--out", str(tmp_path / "brief.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    assert not (tmp_path / "brief.html").exists()


@pytest.mark.parametrize("call, message", [
    ({"out": "brief.txt"}, "--out: {tmp}/brief.txt: expected a file name ending in .html or .pdf"),
    ({"out": "brief"}, "--out: {tmp}/brief: expected a file name ending in .html or .pdf"),
    ({"names": ["baseline", "high_intensity", "baseline"]}, "--scenarios: baseline: expected each scenario once"),
])
def test_the_function_refuses_what_the_command_line_refuses_before_any_run(call, message, tmp_path, monkeypatch):
    """Called from Python, not through the command line: the same one-line refusals, nothing written."""
    from model.errors import InputError
    from model.present import report as briefing

    def no_run(*args, **kwargs):
        raise AssertionError("a run started before the settings were checked")

    monkeypatch.setattr(briefing, "compare", no_run)
    arguments = {"names": ["baseline"], "n": 200, "months": 12, "sobol_n": 64, "out": "brief.html", **call}
    arguments["out"] = tmp_path / arguments["out"]
    with pytest.raises(InputError) as refused:
        briefing.report(**arguments)
    assert str(refused.value) == message.format(tmp=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_prior_only_report_says_so_and_its_command_reproduces_it(tmp_path):
    from model.present.report import report

    path = report(["baseline"], n=200, seed=1, months=12, sobol_n=64, out=tmp_path / "prior.html", prior=True)
    text = path.read_text(encoding="utf-8")
    assert escaped("the registry's plausible ranges alone, not calibrated to the record") in text
    assert "--prior" in text and "posterior calibrated to the record" not in text


def test_a_scenario_given_as_a_file_is_reported_under_its_own_name_and_its_command_repeats_the_file(tmp_path):
    """``--scenarios path/to/overlay.yaml`` once ran every number and then failed to find the path among the
    scenarios the comparison names (they run under the overlay's own ``name``)."""
    from model.inputs.paths import params_dir
    from model.present.report import report

    overlay = params_dir() / "scenarios" / f"{NAMES[1]}.yaml"
    heading = model.load_params(NAMES[1]).heading
    path = report([str(overlay)], n=50, seed=1, months=6, sobol_n=16, out=tmp_path / "file.html")
    text = path.read_text(encoding="utf-8")
    assert escaped(heading) in text
    assert f"--scenarios {overlay}" in text
