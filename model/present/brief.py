"""The briefing's page: its sections, and the sentences that answer the question from the findings.

:func:`render` turns the :class:`~model.present.report.Findings` of :func:`model.present.report.gather` into one
self-contained HTML page: this module computes what the page says (the numbers, the sentences, the rows of its
tables, the figures) and the template ``templates/brief.html`` lays it out (:mod:`model.present.page`);
:func:`model.present.report.report` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from .._version import __version__
from . import page
from ..inputs.parameters import BASELINE, load_params
from ..inputs.registry import Parameter
from .plots import caption, comparison_figure, decomposition_figure, fan_chart, sensitivity_chart
from ..results.decomposition import by_kind, decomposition
from ..results.simulate import simulate
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
    """The whole page (``templates/brief.html``)."""
    s = f.settings
    reference = f.params[s.reference]
    entries = [_entry(key, row, reference[key]) for key, row in reference.table().iterrows()]
    return page.render(
        "brief.html", settings=s, horizon=f.horizon, question=QUESTION, stamp_text=_stamp(f), command=s.command(),
        overall=_overall(f), comparison=_comparison_rows(f), digests={n: p.digest() for n, p in f.params.items()},
        scenarios=[{"name": name, "description": f.params[name].description,
                    "sentences": _scenario_sentences(f, name)} for name in s.names],
        figures=_figures(f), sobol=_sensitivity(f), entries=entries,
        assumed=[e for e in entries if e.assumed], changes=_changes(f))


def _stamp(f: Findings) -> str:
    s = f.settings
    digests = ", ".join(f"{name} {p.digest()}" for name, p in f.params.items())
    return (f"manpower-model {__version__} · parameters digest {f.params[s.reference].digest()} ({s.reference}; by "
            f"scenario: {digests}) · seed {s.seed} · {s.n:,} Monte Carlo runs per scenario · Sobol N {s.sobol_n} · "
            f"{s.months} months from {s.start}, dt {s.dt:g} · created {f.created:%Y-%m-%d %H:%M} UTC")


# --- 1. The question and the answer -------------------------------------------------------------------------


def _bottom_line(f: Findings) -> str:
    """The reference scenario's answer from its Monte Carlo runs (median and 90% band), and what the bands assume."""
    name = f.settings.reference
    runs = f.runs[name]
    net = headline(runs)["net_horizon"].values
    low, mid, high = np.nanpercentile(net, [5, 50, 95])
    below = float(front_below(runs).isel(time=-1))
    source = "the posterior calibrated to the record" if "posterior" in runs.attrs.get("parameters_from", "") \
        else "the registry's ranges alone (not calibrated to the record)"
    return (f"In the {name} scenario, over {f.horizon} months from {f.settings.start}, recruitment minus permanent "
            f"losses is {mid:+,.0f} persons (median of {runs.sizes['run']:,} runs; 90% of runs between {low:+,.0f} "
            f"and {high:+,.0f}), and in {below:.0%} of runs the force ends below its own starting strength. These "
            f"bands draw the parameters from {source} and the casualties from the process fitted to the monthly "
            "record; they assume no ceasefire and no new mobilization unless a scenario says so.")


def _overall(f: Findings) -> str:
    """The bottom line, then two or three sentences across all scenarios."""
    net = f.table["net balance"]
    short = [str(n) for n in net.index if net[n] < 0]
    held = [str(n) for n in net.index if net[n] >= 0]
    text = _bottom_line(f) + " "
    text += (f"At the central values (one run per scenario), recruitment falls short of permanent losses over the {f.horizon} "
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
    parts = [f"{spread.loc[row, 'p50']:+,.0f} persons over {label} (median of runs; 90% of runs "
             f"{spread.loc[row, 'p5']:+,.0f} to {spread.loc[row, 'p95']:+,.0f}; {float(central[key]):+,.0f} at the "
             "central values)" for key, row, label in periods]
    return f"The net balance is {' and '.join(parts)}."


def _front_sentence(f: Findings, name: str, central: dict[str, xr.DataArray]) -> str:
    below = float(front_below(f.runs[name]).isel(time=-1))
    return (f"Front strength goes from {float(central['front_start']):,.0f} to {float(central['front_end']):,.0f} "
            f"persons at the central values; in {below:.0%} of runs it ends below that run's own starting strength.")


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


def _unit(column: str, horizon: int) -> tuple[str, str]:
    """A comparison-table column's label and the unit shown beneath it."""
    if column.endswith(" %"):
        return column.removesuffix(" %"), "% of inflow"
    if column.endswith(("month", "pool dry")):
        return column, "YYYY-MM"
    if "/month" in column:
        return column, "persons/month"
    if column.startswith("front"):
        return column, "persons"
    return column, f"persons over {horizon} months"


def _number(value: object, column: str) -> str:
    if isinstance(value, str):
        return value
    if np.isnan(value):
        return "–"
    return f"{value:.1f}" if column.endswith("%") else f"{value:,.0f}"


def _comparison_rows(f: Findings) -> list[dict]:
    """One row per column of the comparison table: its label, its unit and each scenario's value."""
    names = list(f.table.index)
    return [dict(zip(("label", "unit"), _unit(c, f.horizon)), cells=[_number(f.table.loc[n, c], c) for n in names])
            for c in f.table.columns]


# --- 3. Figures -----------------------------------------------------------------------------------------------


def _figures(f: Findings) -> dict[str, object]:
    """The comparison figure and the reference scenario's fan chart, embedded, with the end of their captions."""
    reference = f.settings.reference
    mc = f.runs[reference]
    s = f.settings
    central = simulate(f.params[reference], months=s.months, dt=s.dt, start=s.start)  # its own attrs and labels
    parts = by_kind(decomposition(central))
    return {"comparison": page.png_data_uri(comparison_figure(f.comparison)),
            "comparison_caption": _flat(caption(f.comparison)),
            "decomposition": page.png_data_uri(decomposition_figure(central, parts)),
            "decomposition_caption": _flat(caption(central)),
            "fan": page.png_data_uri(fan_chart(mc)), "fan_runs": mc.sizes["run"],
            "fan_caption": _flat(caption(mc))}


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


def _sensitivity(f: Findings) -> dict[str, object]:
    """The top of the Sobol ranking of the net balance, and the Sobol charts embedded."""
    result = f.sensitivity
    params = f.params[f.settings.reference]
    ranked = ranking(result, RANKED_OUTPUT).head(TOP)
    rows = [[i, key, _interval(r.S1, r.S1_conf), _interval(r.ST, r.ST_conf),
             _registered_range(params[key]), params[key].entry.source]
            for i, (key, r) in enumerate(ranked.iterrows(), start=1)]
    charts = [{"src": page.png_data_uri(sensitivity_chart(result.sel(output=list(outputs)), TOP)), "label": label}
              for outputs, label in CHARTED]
    return {"rows": rows, "top": TOP, "uncertain": result.sizes["parameter"], "runs": result.attrs["runs"],
            "n": result.attrs["n"], "seed": result.attrs["seed"], "charts": charts}


# --- 5. Assumptions, scenarios and the appendix ----------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """A value as a reader wants it: with its unit, and as registered when the registry used another unit."""

    shown: str
    registered: str

    @classmethod
    def of(cls, parameter: Parameter) -> Value:
        row = parameter.provenance()
        if isinstance(parameter.value, str):
            shown = row["value"]
        elif isinstance(parameter.value, tuple):
            shown = f"{row['value']} (sizes in {parameter.unit})" if parameter.value else "none"
        else:
            shown = f"{row['value']} {row['unit']}"
        return cls(shown, row["as_registered"])


@dataclass(frozen=True)
class Entry:
    """A row of the registry as the assumptions table and the appendix show it (text, escaped by the template)."""

    key: str
    description: str
    value: Value
    range: str
    source: str
    date: str
    url: str
    quote: str
    assumption: str
    #: The registered value is a modelling assumption (its value may since have been calibrated to the record).
    assumed: bool = False


def _entry(key: str, row: pd.Series, parameter: Parameter) -> Entry:
    return Entry(key, row.description, Value.of(parameter), f"{row.low} to {row.high}" if row.low else "",
                 row.source, row.date, row.url, row.quote, row.assumption, parameter.entry.source == "assumption")


def _changes(f: Findings) -> list[dict]:
    """Each scenario's description and each parameter it changes, against the baseline, with the reason."""
    base = f.params[BASELINE] if BASELINE in f.params else load_params(BASELINE)
    changes = []
    for name in f.settings.names:
        params = f.params[name]
        changed = str(f.comparison.changed_parameters.sel(scenario=name).item())
        keys = [] if changed == "none" else changed.split(", ")
        rows = [{"key": key, "baseline": Value.of(base[key]), "scenario": Value.of(params[key]),
                 "reason": params[key].entry.note or ""} for key in keys]
        changes.append({"name": name, "description": params.description, "rows": rows})
    return changes
