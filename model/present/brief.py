"""The briefing's page: its sections, and the sentences that answer the question from the findings.

:func:`render` turns the :class:`~model.present.report.Findings` of :func:`model.present.report.gather` into one
self-contained HTML page (:mod:`model.present.html`); :func:`model.present.report.report` writes it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from .._version import __version__
from . import html as h
from ..inputs.parameters import BASELINE, ParameterSet, load_params
from ..inputs.registry import Parameter
from .plots import caption, comparison_figure, fan_chart, sensitivity_chart
from ..analysis.sensitivity import ranking
from ..results.summary import headline, month_of, pool_exhaustion
from ..analysis.uncertainty import deficit_probability, deficit_share, front_below, percentiles

if TYPE_CHECKING:
    from .report import Findings

#: Parameters listed in the sensitivity table and chart.
TOP = 10
#: The output whose Sobol ranking the table shows: the net balance over the horizon (persons).
RANKED_OUTPUT = "net_horizon"
#: The Sobol chart in two figures of two outputs each, so that its labels stay legible on the page.
CHARTED = ((("net_12m", "net_horizon"), "net balance over 12 months and over the horizon (persons)"),
           (("front_end", "first_deficit_month"), "front strength at the horizon (persons) and months to the first "
                                                  "deficit (horizon + 1 if none)"))
#: Below this share of runs, a pool that lasts at the central values is not flagged as at risk.
NOTABLE_SHARE = 0.05

QUESTION = ("Can Russia keep feeding its war in Ukraine with people without another mass mobilization, "
            "and for how long?")


def render(f: Findings) -> str:
    """The whole page."""
    return h.page(f"Russian military manpower: {len(f.settings.names)} scenarios, {f.horizon} months",
                  h.tag("header", h.tag("h1", QUESTION), _stamp(f)),
                  _answer_section(f), _comparison_section(f), _figures_section(f), _sensitivity_section(f),
                  _assumptions_section(f), _appendix(f), h.tag("footer", _stamp(f)))


def _stamp(f: Findings) -> h.Markup:
    s = f.settings
    digests = ", ".join(f"{name} {p.digest()}" for name, p in f.params.items())
    return h.tag("div", h.Markup(
        f"manpower-model {h.escape(__version__)} · parameters digest {h.escape(f.params[s.reference].digest())} "
        f"({h.escape(s.reference)}; by scenario: {h.escape(digests)}) · seed {s.seed} · {s.n:,} Monte Carlo runs "
        f"per scenario · Sobol N {s.sobol_n} · {s.months} months from {h.escape(s.start)}, dt {s.dt:g} · "
        f"created {f.created:%Y-%m-%d %H:%M} UTC<br>Reproduce: "), h.tag("code", s.command()), class_="stamp")


# --- 1. The question and the answer -------------------------------------------------------------------------


def _answer_section(f: Findings) -> h.Markup:
    intro = h.tag("p", "The model follows Russian military manpower by recruitment source (contract volunteers, "
                  "mobilized reservists, prisoners, pressed migrants, foreign recruits, the North Korean "
                  f"contingent) from {f.settings.start} for {f.horizon} months. Each scenario is projected at the "
                  "registry's central values and over "
                  f"{f.settings.n:,} Monte Carlo runs of its uncertain parameters; ranges below are the 5th to "
                  "95th percentile of those runs. Net balance means recruitment minus permanent losses (killed, "
                  "captured or missing, discharged as unfit, deserted): below zero, the force shrinks.",
                  class_="muted")
    parts = [h.tag("p", _overall(f), class_="lead"), intro]
    for name in f.settings.names:
        parts.append(h.tag("div", h.tag("h3", name), h.tag("p", f.params[name].description, class_="description"),
                           h.tag("p", " ".join(_scenario_sentences(f, name))), class_="scenario"))
    return h.section("answer", "The short answer", *parts)


def _overall(f: Findings) -> str:
    """Two or three sentences across all scenarios."""
    net = f.table["net balance"]
    short = [str(n) for n in net.index if net[n] < 0]
    held = [str(n) for n in net.index if net[n] >= 0]
    text = (f"At the registry's central values, recruitment falls short of permanent losses over the {f.horizon} "
            f"months in {len(short)} of {len(net)} scenarios" + (f" ({', '.join(short)})" if short else "") + ". ")
    if held:
        text += f"It keeps up in {', '.join(held)}. "
    months = f.table["first deficit month"]
    dated = months[months != "none"]
    if len(dated):
        first = dated.sort_values().index[0]
        text += (f"The earliest month in which losses exceed recruitment is {dated[first]} ({first}). ")
    else:
        text += "In no scenario do losses exceed recruitment in any month at the central values. "
    shares = pd.Series({name: deficit_share(ds) for name, ds in f.runs.items()})
    if len(shares) > 1:
        text += (f"The share of Monte Carlo runs with at least one month of deficit ranges from "
                 f"{shares.min():.0%} ({shares.idxmin()}) to {shares.max():.0%} ({shares.idxmax()}).")
    else:
        text += f"{shares.iloc[0]:.0%} of Monte Carlo runs have at least one month of deficit."
    return text


def _scenario_sentences(f: Findings, name: str) -> list[str]:
    """Three to five sentences from one scenario's numbers: net balance, front, deficit, pools, shortfall."""
    central = headline(f.comparison.sel(scenario=name))
    sentences = [
        _net_sentence(f, name, central),
        _front_sentence(f, name, central),
        _deficit_sentence(f, name),
        _pool_sentence(f, name),
    ]
    shortfall = float(central["shortfall"])
    if shortfall > 0:
        sentences.append(f"At the central values {shortfall:,.0f} persons of casualty or mobilization demand "
                         "found no one to fall on: a stock ran dry.")
    return sentences


def _net_sentence(f: Findings, name: str, central: dict[str, xr.DataArray]) -> str:
    """Net balance over the first year and over the horizon (when longer), central and 5-95% of runs."""
    spread = percentiles(f.runs[name])
    periods = [("net_12m", "net balance, first 12 months", f"the first {min(12, f.horizon)} months")]
    if f.horizon > 12:
        periods.append(("net_horizon", f"net balance, {f.horizon} months", f"all {f.horizon} months"))
    parts = [f"{float(central[key]):+,.0f} persons over {label} (5–95% of runs: {spread.loc[row, 'p5']:+,.0f} "
             f"to {spread.loc[row, 'p95']:+,.0f})" for key, row, label in periods]
    return f"The net balance is {' and '.join(parts)}."


def _front_sentence(f: Findings, name: str, central: dict[str, xr.DataArray]) -> str:
    threshold = float(f.params[name].value("force.deployed_total"))
    below = float(front_below(f.runs[name], threshold).isel(time=-1))
    return (f"Front strength goes from {float(central['front_start']):,.0f} to {float(central['front_end']):,.0f} "
            f"persons; in {below:.0%} of runs it ends below {threshold:,.0f}, the registry's starting strength.")


def _deficit_sentence(f: Findings, name: str) -> str:
    mc = f.runs[name]
    first = f.table.loc[name, "first deficit month"]
    when = f"first in {first}" if first != "none" else "in no month within the horizon"
    by_month = deficit_probability(mc)
    return (f"At the central values losses exceed recruitment {when}; {deficit_share(mc):.0%} of runs have at least "
            f"one such month, and {float(by_month.isel(time=-1)):.0%} are in deficit in the last month "
            f"({month_of(mc, by_month.sizes['time'] - 1)}).")


def _pool_sentence(f: Findings, name: str) -> str:
    """Which finite pools run dry at the central values, and how often they do over the runs."""
    row = f.table.loc[name]
    share_dry = (~np.isnan(pool_exhaustion(f.runs[name]))).mean("run").to_series()
    dry = [f"the {s} pool runs dry in {row[f'{s} pool dry']} (within the horizon in {share_dry[s]:.0%} of runs)"
           for s in share_dry.index if row[f"{s} pool dry"] != "none"]
    lasting = [s for s in share_dry.index if row[f"{s} pool dry"] == "none"]
    at_risk = [f"the {s} pool in {share_dry[s]:.0%}" for s in lasting if share_dry[s] >= NOTABLE_SHARE]
    text = "; ".join(dry) + "; other pools last the horizon" if dry else "No finite pool runs dry at the central values"
    if at_risk:
        text += f", but over the runs {', '.join(at_risk)} run dry within it"
    return text[0].upper() + text[1:] + "."


# --- 2. The comparison table ---------------------------------------------------------------------------------


def _column_label(column: str, horizon: int) -> h.Markup:
    """A comparison-table column with its unit beneath."""
    if column.endswith(" %"):
        column, unit = column.removesuffix(" %"), "% of inflow"
    elif column.endswith(("month", "pool dry")):
        unit = "YYYY-MM"
    elif "/month" in column:
        unit = "persons/month"
    elif column.startswith("front"):
        unit = "persons"
    else:
        unit = f"persons over {horizon} months"
    return h.join([column, h.Markup("<br>"), h.tag("span", unit, class_="unit")])


def _number(value: object, column: str) -> str:
    if isinstance(value, str):
        return value
    if np.isnan(value):
        return "–"
    return f"{value:.1f}" if column.endswith("%") else f"{value:,.0f}"


def _halves(text: str) -> h.Markup:
    """Text that may wrap in its middle (a digest in a narrow printed column)."""
    middle = len(text) // 2
    return h.join([text[:middle], h.Markup("<wbr>"), text[middle:]])


def _comparison_section(f: Findings) -> h.Markup:
    names = list(f.table.index)
    rows = [[_column_label(c, f.horizon), *(_number(f.table.loc[n, c], c) for n in names)] for c in f.table.columns]
    rows.append(["parameters digest", *(_halves(f.params[n].digest()) for n in names)])
    note = (f"Central values (the registry's values), {f.horizon} months from {f.settings.start}. Flows are totals "
            "over the horizon; front strength at the start of the first and last month. A pool is dry once it "
            "stays below 10% of its peak; 'none': not within the horizon. Break-even: the extra initial monthly "
            "volunteer sign-ups that hold the front at its starting strength, and the starting monthly casualty "
            "level at which recruitment equals permanent losses (scipy brentq).")
    body = h.table(["", *map(h.breakable, names)], rows, numeric=[False] + [True] * len(names), row_headers=True,
                   class_="compact")
    return h.section("comparison", "Scenarios side by side", h.tag("p", note, class_="small muted"), body)


# --- 3. Figures -----------------------------------------------------------------------------------------------


def _figures_section(f: Findings) -> h.Markup:
    reference = f.settings.reference
    mc = f.runs[reference]
    threshold = float(f.params[reference].value("force.deployed_total"))
    compared = h.figure(comparison_figure(f.comparison), "Scenarios compared: front strength, monthly net balance, "
                        "recruitment by source against permanent losses",
                        "Scenarios compared at the central values. " + _flat(caption(f.comparison)))
    fan = h.figure(fan_chart(mc, threshold), f"Fan chart of scenario {reference}",
                   f"Scenario {reference} over {mc.sizes['run']:,} Monte Carlo runs: median, 25–75% and 5–95% of "
                   "runs; dashed line: the registry's starting force. The digest in the figure is that of the "
                   "sampled batch. " + _flat(caption(mc)))
    return h.section("figures", "Figures", compared, fan)


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- 4. Sensitivity -------------------------------------------------------------------------------------------


def _interval(value: float, half_width: float) -> str:
    """An index with its 95% interval, two decimals (no "-0.00")."""
    low, high = (round(v, 2) + 0.0 for v in (value - half_width, value + half_width))
    return f"{round(value, 2) + 0.0:.2f} ({low:.2f} to {high:.2f})"


def _registered_range(parameter: Parameter) -> str:
    """The plausible range in the unit the registry gives it in (e.g. per year rather than per month)."""
    e = parameter.entry
    return f"{e.low:g} to {e.high:g} {e.unit}"


def _sensitivity_section(f: Findings) -> h.Markup:
    result = f.sensitivity
    params = f.params[f.settings.reference]
    ranked = ranking(result, RANKED_OUTPUT).head(TOP)
    rows = [[i, key, _interval(r.S1, r.S1_conf), _interval(r.ST, r.ST_conf),
             _registered_range(params[key]), params[key].entry.source]
            for i, (key, r) in enumerate(ranked.iterrows(), start=1)]
    header = ["rank", "parameter", "S1, first order (95% CI)", "ST, total (95% CI)", "range (unit)", "source"]
    table = h.table(header, rows, numeric=[True, False, True, True], caption=(
        f"Top {TOP} of {result.sizes['parameter']} uncertain parameters for the net balance over {f.horizon} "
        f"months (persons), scenario {f.settings.reference}, ranked by ST."))
    note = (f"Sobol indices (SALib) from {result.attrs['runs']:,} runs (base sample N = {result.attrs['n']}, seed "
            f"{result.attrs['seed']}): the share of the output's variance due to each parameter alone (S1) and "
            "with its interactions (ST). With a small N the intervals are wide and small indices can come out "
            "slightly negative; rerun with a larger --sobol-n to narrow them.")
    charts = [h.figure(sensitivity_chart(result.sel(output=list(outputs)), TOP), f"Sobol indices: {label}",
                       f"Total (ST) and first-order (S1) Sobol indices with 95% intervals: {label}. Inputs: every "
                       "uncertain parameter over its registry range and distribution (sources in the appendix). "
                       "manpower-model, SALib.")
              for outputs, label in CHARTED]
    return h.section("sensitivity", "What drives the answer", h.tag("p", note, class_="small muted"), table, *charts)


# --- 5. Assumptions and scenarios ----------------------------------------------------------------------------


def _value(parameter: Parameter) -> h.Markup:
    """A value as a reader wants it: with its unit, and as registered when the registry used another unit."""
    row = parameter.provenance()
    if isinstance(parameter.value, str):
        shown = row["value"]
    elif isinstance(parameter.value, tuple):
        shown = f"{row['value']} (sizes in {parameter.unit})" if parameter.value else "none"
    else:
        shown = f"{row['value']} {row['unit']}"
    registered = [h.Markup("<br>"), h.tag("span", f"registered as {row['as_registered']}", class_="unit")]
    return h.join([shown, *(registered if row["as_registered"] else [])])


def _parameter(key: str, row: pd.Series) -> h.Markup:
    """A registry key with its description beneath."""
    return h.join([h.tag("strong", key), h.Markup("<br>"), h.tag("span", row.description, class_="muted")])


def _range(row: pd.Series) -> str:
    return f"{row.low} to {row.high}" if row.low else ""


def _assumptions_section(f: Findings) -> h.Markup:
    params = f.params[f.settings.reference]
    table = params.table()
    assumed = table[table.source == "assumption"]
    rows = [[_parameter(key, r), _value(params[key]), _range(r), r.assumption] for key, r in assumed.iterrows()]
    lead = h.tag("p", f"{len(assumed)} of {len(table)} parameters are modelling assumptions rather than reported "
                 "figures; cite them as such, with their reasoning. Values in the model's units.")
    body = [lead, h.table(["parameter", "value", "range (same unit)", "reasoning"], rows, class_="registry")]
    body.append(h.tag("h3", "What each scenario changes"))
    base = f.params[BASELINE] if BASELINE in f.params else load_params(BASELINE)
    body += [_scenario_changes(f, name, base) for name in f.settings.names]
    return h.section("assumptions", "Assumptions", *body)


def _scenario_changes(f: Findings, name: str, base: ParameterSet) -> h.Markup:
    """A scenario's description and each parameter it changes, against the baseline, with the reason."""
    params = f.params[name]
    changed = str(f.comparison.changed_parameters.sel(scenario=name).item())
    keys = [] if changed == "none" else changed.split(", ")
    head = h.tag("p", h.tag("strong", name), ": ", params.description)
    if not keys:
        return h.tag("div", head, h.tag("p", "Changes nothing: the registry as it stands.", class_="small muted"))
    rows = [[key, _value(base[key]), _value(params[key]), params[key].entry.note or ""] for key in keys]
    return h.tag("div", head, h.table(["parameter", "baseline", name, "reason"], rows, class_="registry"))


# --- 6. Appendix ---------------------------------------------------------------------------------------------


def _appendix(f: Findings) -> h.Markup:
    params = f.params[f.settings.reference]
    table = params.table()
    rows = [[_parameter(key, r), _value(params[key]), _range(r), _source(r), _provenance(r)]
            for key, r in table.iterrows()]
    lead = h.tag("p", f"Every parameter of scenario {f.settings.reference} ({len(table)}), in the model's units, with "
                 "its source, date, address and the sentence it was quoted from (or the assumption and its "
                 "reasoning). `manpower params --format csv` prints the same.", class_="small muted")
    header = ["parameter", "value (unit)", "range (same unit)", "source, date, URL", "quote, or the assumption"]
    return h.section("appendix", "Appendix: every parameter", lead, h.table(header, rows, class_="registry"))


def _source(row: pd.Series) -> h.Markup:
    """Who reported the value, when, and where it can be read."""
    return h.join([row.source, h.Markup("<br>"), row.date, *([h.Markup("<br>"), h.link(row.url)] if row.url else [])])


def _provenance(row: pd.Series) -> h.Markup:
    parts = [h.tag("q", row.quote)] if row.quote else []
    if row.assumption:
        parts.append(h.tag("span", h.tag("em", "Assumption: "), row.assumption))
    return h.join(parts, "<br>")
