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
from ..analysis.sensitivity import ranking
from ..inputs.parameters import BASELINE, load_params
from ..inputs.registry import Parameter
from ..inputs.start import data_end
from ..results.decomposition import by_kind, decomposition, level_name
from ..results.simulate import simulate
from ..results.summary import flows_over
from . import answer, page
from .plots import comparison_figure, decomposition_figure, fan_chart, sensitivity_chart
from ..analysis import discovery
from .discovery import trajectory_figure
from .labels import parameter_label
from .wording import SIGNIFICANT, about, months_label, share, thousands

if TYPE_CHECKING:
    from .report import Findings

#: Parameters listed in the sensitivity table and chart of the appendix, and in the brief's table.
TOP = 10
BRIEF_TOP = 5
#: The output whose Sobol ranking the table shows: the net balance over the horizon (persons).
RANKED_OUTPUT = "net_horizon"
#: The Sobol chart in two figures of two outputs each, so that its labels stay legible on the page.
CHARTED = ((("net_12m", "net_horizon"), "net balance over 12 months and over the horizon (persons)"),
           (("front_end", "first_deficit_month"), "front strength at the horizon (persons) and months to the first "
                                                  "deficit (horizon + 1 if none)"))
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
    record_end = data_end(reference.folder)
    found = answer.outlooks(f)
    return page.render(
        "brief.html", settings=s, horizon=f.horizon, question=QUESTION, stamp_text=_stamp(f), command=s.command(),
        created=f"{f.created:%d %B %Y}", record_end=record_end, data_note=answer.data_note(f, record_end),
        bottom_line=answer.bottom_line(f, found), scenario_rows=answer.scenario_rows(f, found),
        sampled_from=_sampled_from(f),
        end_month=months_label(f.comparison)[-1], reference_title=reference.heading,
        comparison=_comparison_groups(f), digests={n: p.digest() for n, p in f.params.items()},
        account=_account(f, central), figures=_figures(f, central), sobol=_sensitivity(f), entries=entries,
        discovery=_discovery(f), collapse=answer.collapse_note(f),
        mobilizing=[f"‘{f.params[n].heading}’" for n in s.names if len(f.params[n].value(answer.MOBILIZATION))],
        assumed=[e for e in entries if e.assumed], changes=_changes(f))


def _sampled_from(f: Findings) -> str:
    """Where the runs' uncertain parameters come from, as the scenario table's note says it."""
    if "posterior" in f.runs[f.settings.reference].attrs.get("parameters_from", ""):
        return "from the posterior calibrated to the record (the registry's ranges where it has none)"
    return "from the registry's plausible ranges alone, not calibrated to the record"


def _stamp(f: Findings) -> str:
    s = f.settings
    return (f"manpower-model {__version__} · seed {s.seed} · {s.n:,} Monte Carlo runs per scenario · Sobol N "
            f"{s.sobol_n} · {s.months} months from {s.start}, dt {s.dt:g} · parameters: "
            f"{f.runs[s.reference].attrs.get('parameters_from', '')} · created {f.created:%Y-%m-%d %H:%M} UTC")


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
    output)."""
    runs = f.runs[f.settings.reference]
    rows = []
    for measure in ACCOUNT:
        value = float(measured(central, measure))
        band = np.nanpercentile(measured(runs, measure).values, [5, 95]) if measure.output in runs else None
        d = measure.digits
        rows.append([measure.label, _when(f, measure, central), measure.unit, about(value, d),
                     f"{about(band[0], d)} to {about(band[1], d)}" if band is not None else "not sampled"])
    return {"rows": rows, "digits": SIGNIFICANT, "level_digits": LEVEL_DIGITS}


# --- 2. The comparison table ---------------------------------------------------------------------------------

#: Scenarios side by side in one printed table of the appendix; significant figures of its numbers (three: the
#: central runs differ in the third figure, and the table is where an analyst reads them off).
COLUMNS = 7
TABLE_DIGITS = 3


def _unit(column: str, horizon: int) -> tuple[str, str]:
    """A comparison-table column's label and the unit shown beneath it."""
    if column.endswith(" %"):
        return column.removesuffix(" %"), "% of inflow"
    if column.endswith(("month", "pool dry")):
        return column, "YYYY-MM"
    if "/month" in column:
        return column, "thousand persons/month"
    if column.startswith("front"):
        return column, "thousand persons"
    return column, f"thousand persons over {horizon} months"


def _number(value: object, column: str) -> str:
    """A cell: a month as it is, a share to a whole percent, persons in thousands at three significant figures."""
    if isinstance(value, str):
        return value
    if np.isnan(value):
        return "–"
    return f"{value:.0f}" if column.endswith("%") else thousands(value, TABLE_DIGITS)


def _comparison_groups(f: Findings) -> list[dict]:
    """The comparison table in groups of :data:`COLUMNS` scenarios, so that each group fits the width of a page."""
    names = list(f.table.index)
    rows = _comparison_rows(f)
    return [{"titles": [f.params[n].heading for n in names[i:i + COLUMNS]],
             "rows": [{**row, "cells": row["cells"][i:i + COLUMNS]} for row in rows]}
            for i in range(0, len(names), COLUMNS)]


def _comparison_rows(f: Findings) -> list[dict]:
    """One row per column of the comparison table: its label, its unit and each scenario's value."""
    names = list(f.table.index)
    return [dict(zip(("label", "unit"), _unit(c, f.horizon)), cells=[_number(f.table.loc[n, c], c) for n in names])
            for c in f.table.columns]


# --- 3. Figures -----------------------------------------------------------------------------------------------


#: The force levels whose waterfall the page shows (:data:`model.core.structure.LEVELS`), in this order.
WATERFALLS = ("front", "armed_forces")


def _figures(f: Findings, central: xr.Dataset) -> dict[str, object]:
    """The lead figure (the reference scenario's fan chart), the comparison figure and the waterfalls of the
    reference scenario's force levels at the central values (``central``), embedded."""
    mc = f.runs[f.settings.reference]
    title = f.params[f.settings.reference].heading
    return {"lead": page.png_data_uri(fan_chart(mc)),
            "lead_alt": f"The group in the war zone in the {title} scenario over its runs",
            "lead_caption": (f"‘{title}’: the group in the war zone (left) and the monthly net balance (right); "
                             f"median, 25–75% and 5–95% of {mc.sizes['run']:,} runs."),
            "comparison": page.png_data_uri(comparison_figure(f.comparison, uncertainty=f.runs)),
            "decompositions": [_waterfall(central, level) for level in WATERFALLS]}


def _waterfall(central: xr.Dataset, level: str) -> dict[str, str]:
    """One force level's waterfall: the figure, the level named for people, the months it spans."""
    parts = by_kind(decomposition(central, level))
    return {"level": level, "name": level_name(level), "first": parts.attrs["first"], "last": parts.attrs["last"],
            "src": page.png_data_uri(decomposition_figure(central, parts))}


# --- 4. Sensitivity -------------------------------------------------------------------------------------------


def _interval(value: float, half_width: float) -> str:
    """An index with its 95% interval, two decimals (no "-0.00")."""
    low, high = (round(v, 2) + 0.0 for v in (value - half_width, value + half_width))
    return f"{round(value, 2) + 0.0:.2f} ({low:.2f} to {high:.2f})"


def _registered_range(parameter: Parameter) -> str:
    """The plausible range in the unit the registry gives it in (e.g. per year rather than per month)."""
    e = parameter.entry
    return f"{e.low:,.6g} to {e.high:,.6g} {e.unit}"


def _sensitivity(f: Findings) -> dict[str, object]:
    """The top of the Sobol ranking of the net balance, and the Sobol charts embedded."""
    result = f.sensitivity
    params = f.params[f.settings.reference]
    ranked = ranking(result, RANKED_OUTPUT).head(TOP)
    rows = [[i, key, _interval(r.S1, r.S1_conf), _interval(r.ST, r.ST_conf),
             _registered_range(params[key]), params[key].entry.source]
            for i, (key, r) in enumerate(ranked.iterrows(), start=1)]
    brief_rows = [[i, parameter_label(key, params[key].entry.description), f"{min(max(r.ST, 0.0), 1.0):.0%}",
                   _registered_range(params[key]), params[key].entry.source]
                  for i, (key, r) in enumerate(ranked.head(BRIEF_TOP).iterrows(), start=1)]
    charts = [{"src": page.png_data_uri(sensitivity_chart(result.sel(output=list(outputs)), TOP)), "label": label}
              for outputs, label in CHARTED]
    return {"rows": rows, "brief_rows": brief_rows, "top": TOP, "uncertain": result.sizes["parameter"],
            "runs": result.attrs["runs"], "n": result.attrs["n"], "seed": result.attrs["seed"], "charts": charts}


def _discovery(f: Findings) -> dict[str, object]:
    """Where in parameter space the reference scenario's force ends below its start (PRIM): the sentences (with
    each box's coverage and density) and the peeling trajectory, or a note that the extra is missing."""
    found = f.discovery
    if found is None:
        return {"available": False, "install": discovery.EXTRA}
    return {"available": True, "sentences": found.sentences, "share": share(found.share),
            "runs": found.runs, "dimensions": len(found.dimensions), "threshold": share(found.threshold),
            "figure": page.png_data_uri(trajectory_figure(found)) if found.boxes else None}


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
        changes.append({"name": name, "title": params.heading, "description": params.description, "rows": rows})
    return changes
