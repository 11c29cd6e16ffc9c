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
from ..results.decomposition import by_kind, decomposition, level_name
from ..results.simulate import simulate
from ..analysis.sensitivity import ranking
from ..results.summary import flows_over, headline, month_of, pool_exhaustion
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

#: Significant figures of the reference scenario's account: its inputs (casualty levels, loss ratios, force sizes,
#: payments) are known to a tenth or worse, so a third figure would claim more than the evidence holds.
SIGNIFICANT = 2
#: Force levels, better pinned down (the starting force is calibrated to the record), take a third figure so that
#: a change over the horizon shows.
LEVEL_DIGITS = 3

QUESTION = ("Can Russia keep feeding its war in Ukraine with people without another mass mobilization, "
            "and for how long?")


def render(f: Findings) -> str:
    """The whole page (``templates/brief.html``)."""
    s = f.settings
    reference = f.params[s.reference]
    entries = [_entry(key, row, reference[key]) for key, row in reference.table().iterrows()]
    central = simulate(reference, months=s.months, dt=s.dt, start=s.start)  # its own attrs and labels
    return page.render(
        "brief.html", settings=s, horizon=f.horizon, question=QUESTION, stamp_text=_stamp(f), command=s.command(),
        overall=_overall(f), comparison=_comparison_rows(f), digests={n: p.digest() for n, p in f.params.items()},
        scenarios=[{"name": name, "description": f.params[name].description,
                    "sentences": _scenario_sentences(f, name)} for name in s.names],
        account=_account(f, central), figures=_figures(f, central), sobol=_sensitivity(f), entries=entries,
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
    text += (f"At the central values (one run per scenario), recruitment falls short of permanent losses over the "
             f"{f.horizon} months in {len(short)} of {len(net)} scenarios"
             + (f" ({', '.join(short)})" if short else "") + ". ")
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


# --- 1b. The reference scenario's account: losses by definition, the cost of recruits, both force levels -------


@dataclass(frozen=True)
class Measure:
    """A number of the account: an output read at one moment or totalled over the horizon, as the page names it."""

    output: str
    label: str
    unit: str
    #: ``total``: a flow summed over the horizon's months; ``start`` or ``end``: a level at the first or last time.
    when: str
    #: Significant figures shown.
    digits: int = SIGNIFICANT


#: What the account shows, in order (outputs of :data:`model.results.outputs.OUTPUTS`).
ACCOUNT = (
    Measure("casualties_total", "casualties: killed, wounded, captured or missing (Ukrainian General Staff's "
                                "definition)", "persons", "total"),
    Measure("irrecoverable_losses", "irrecoverable losses: killed, captured or missing, discharged as unfit "
                                    "(Russian usage)", "persons", "total"),
    Measure("deaths", "deaths: killed, died of wounds included", "persons", "total"),
    Measure("recruitment_cost", "signing payments, federal and regional, to all contract signers", "roubles",
            "total"),
    Measure("bonus", "signing payment per recruit (federal plus average regional)", "roubles", "start"),
    Measure("bonus", "signing payment per recruit (federal plus average regional)", "roubles", "end"),
    Measure("armed_forces", "armed forces: everyone serving, conscripts included", "persons", "start", LEVEL_DIGITS),
    Measure("armed_forces", "armed forces: everyone serving, conscripts included", "persons", "end", LEVEL_DIGITS),
    Measure("front_total", "group in the war zone", "persons", "start", LEVEL_DIGITS),
    Measure("front_total", "group in the war zone", "persons", "end", LEVEL_DIGITS),
)

#: Outputs the account reads from the Monte Carlo runs (:data:`model.present.report.MC_VARIABLES` keeps them).
ACCOUNT_OUTPUTS = tuple(dict.fromkeys(m.output for m in ACCOUNT))

_SCALES = ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"))


def about(value: float, digits: int = SIGNIFICANT) -> str:
    """``value`` rounded to ``digits`` significant figures, in words a reader takes in at a glance: ``950 billion``,
    ``1.7 million``, ``660,000``; a dash for a missing value."""
    if not np.isfinite(value):
        return "–"
    if abs(value) < 0.5:  # nothing left at a whole person or rouble (a stock run dry to rounding: no "-0")
        return "0"
    rounded = round(value, digits - 1 - int(np.floor(np.log10(abs(value)))))
    for scale, word in _SCALES:
        if abs(rounded) >= scale:
            shown = rounded / scale
            decimals = max(0, digits - 1 - int(np.floor(np.log10(abs(shown)))))
            return f"{shown:,.{decimals}f}{word}"
    return f"{rounded:,.0f}"


def measured(ds: xr.Dataset, measure: Measure) -> xr.DataArray:
    """``measure`` read off a run or a batch of runs (one value per run)."""
    values = ds[measure.output]
    if measure.when == "total":
        return flows_over(values, ds.sizes["time"] - 1)
    return values.isel(time=0 if measure.when == "start" else -1)


def _when(f: Findings, measure: Measure, central: xr.Dataset) -> str:
    months = pd.DatetimeIndex(central.time.values).strftime("%Y-%m")
    return {"total": f"over the {f.horizon} months", "start": f"at the start ({months[0]})",
            "end": f"at the horizon ({months[-1]})"}[measure.when]


def _account(f: Findings, central: xr.Dataset) -> dict[str, object]:
    """The reference scenario's losses by definition, the cost of its recruits and its two force levels: rows of
    a small table (the central run, and the 5th to 95th percentile of the Monte Carlo runs where they hold the
    output) and a paragraph generated from the same numbers."""
    runs = f.runs[f.settings.reference]
    rows, values = [], []
    for measure in ACCOUNT:
        value = float(measured(central, measure))
        band = np.nanpercentile(measured(runs, measure).values, [5, 95]) if measure.output in runs else None
        values.append((value, band))
        d = measure.digits
        rows.append([measure.label, _when(f, measure, central), measure.unit, about(value, d),
                     f"{about(band[0], d)} to {about(band[1], d)}" if band is not None else "not sampled"])
    return {"rows": rows, "digits": SIGNIFICANT, "level_digits": LEVEL_DIGITS,
            "text": _account_text(f, dict(zip(((m.output, m.when) for m in ACCOUNT), values)))}


def _account_text(f: Findings, values: dict[tuple[str, str], tuple[float, np.ndarray | None]]) -> str:
    """Three sentences from the account's numbers (central value, with the runs' 90% band where there is one)."""
    digits = {(m.output, m.when): m.digits for m in ACCOUNT}

    def said(output: str, when: str = "total", noun: str = "") -> str:
        value, band = values[(output, when)]
        d = digits[(output, when)]
        return f"{about(value, d)}{noun}" + (f" (90% of runs: {about(band[0], d)} to {about(band[1], d)})"
                                            if band is not None else "")

    return (f"Over the {f.horizon} months, at the central values, the {f.settings.reference} scenario counts about "
            f"{said('casualties_total', noun=' casualties')} as the Ukrainian General Staff counts them (killed, "
            f"wounded, captured or missing); of them, about {said('irrecoverable_losses')} are irrecoverable losses "
            f"in the Russian sense, never returning to service, and about {said('deaths')} are deaths. Signing "
            f"payments to new contract soldiers cost about {said('recruitment_cost', noun=' roubles')}, and the "
            f"payment per recruit goes from {said('bonus', 'start', ' roubles')} to {said('bonus', 'end')}. The armed "
            f"forces go from {said('armed_forces', 'start', ' persons')} to {said('armed_forces', 'end')}, and the "
            f"group in the war zone from {said('front_total', 'start')} to {said('front_total', 'end')}.")

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


#: The force levels whose waterfall the page shows (:data:`model.core.structure.LEVELS`), in this order.
WATERFALLS = ("front", "armed_forces")


def _figures(f: Findings, central: xr.Dataset) -> dict[str, object]:
    """The comparison figure, the reference scenario's fan chart and the waterfalls of its force levels at the
    central values (``central``), embedded, with the end of their captions."""
    mc = f.runs[f.settings.reference]
    return {"comparison": page.png_data_uri(comparison_figure(f.comparison)),
            "comparison_caption": _flat(caption(f.comparison)),
            "decompositions": [_waterfall(central, level) for level in WATERFALLS],
            "fan": page.png_data_uri(fan_chart(mc)), "fan_runs": mc.sizes["run"],
            "fan_caption": _flat(caption(mc))}


def _waterfall(central: xr.Dataset, level: str) -> dict[str, str]:
    """One force level's waterfall: the figure, the level named for people, the months it spans, its caption."""
    parts = by_kind(decomposition(central, level))
    return {"level": level, "name": level_name(level), "first": parts.attrs["first"], "last": parts.attrs["last"],
            "src": page.png_data_uri(decomposition_figure(central, parts)), "caption": _flat(caption(central))}


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
