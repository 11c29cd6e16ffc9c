"""Figures for briefs: they only read results, never run the model.

Every figure has a title, units on its axes, a legend and a caption naming the
sources, the scenario and the parameter digest, so it can leave the notebook.
"""

from __future__ import annotations

import json
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

#: Colour and hatch per source, readable in colour, for colour-blind readers and in black and white.
SOURCE_STYLE = {
    "volunteer": ("#0072B2", ""),
    "mobilized": ("#E69F00", "//"),
    "prisoner": ("#D55E00", "xx"),
    "migrant": ("#CC79A7", ".."),
    "foreign": ("#009E73", "\\\\"),
    "dprk": ("#56B4E9", "++"),
}


def caption(ds: xr.Dataset, extra: str = "") -> str:
    """Sources and run settings for a figure's caption."""
    table = pd.DataFrame(json.loads(ds.attrs["parameters"]))
    cited = table[table.source != "assumption"].source.str.split(" via ").str[0].str.rstrip(" ,(")
    reporters = ", ".join(sorted(set(cited)))[:400]
    assumed = int((table.source == "assumption").sum())
    text = (f"Scenario {ds.attrs['scenario']}; start {ds.attrs['start']}, dt {ds.attrs['dt_months']} month "
            f"({ds.attrs['method']}); parameters {ds.attrs['parameters_digest']}, manpower-model "
            f"{ds.attrs['model_version']}. Flows are totals per month; stocks at the start of each month. "
            f"Sources: {reporters}; seed analysis: Atlantic Council UkraineAlert (Dec 2024). "
            f"{assumed} of {len(table)} parameters are modelling assumptions (run `manpower params`). {extra}")
    return "\n".join(textwrap.wrap(text, 150))


def _months(ds: xr.Dataset) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(ds.time.values)


def inflows_vs_losses(ds: xr.Dataset, ax: plt.Axes) -> None:
    """Monthly recruitment stacked by source, against permanent losses and casualties (thousands)."""
    flows = ds.isel(time=slice(0, -1))
    dates = _months(flows)
    bottom = np.zeros(len(dates))
    for source in ds.source.values:
        values = flows.recruitment.sel(source=source).values / 1e3
        if not np.any(values > 0):
            continue
        colour, hatch = SOURCE_STYLE[str(source)]
        ax.bar(dates, values, width=25, bottom=bottom, color=colour, hatch=hatch, edgecolor="white",
               linewidth=0.3, label=f"recruits: {source}", align="edge")
        bottom += values
    centre = dates + pd.Timedelta(days=12)
    ax.plot(centre, flows.losses.values / 1e3, color="black", linewidth=2.2,
            label="permanent losses (killed, captured/missing, discharged, deserted)")
    ax.plot(centre, flows.casualties.sum("source").values / 1e3, color="black", linestyle="--", linewidth=1.2,
            label="all casualties (incl. wounded who return)")
    ax.set_ylabel("thousand persons per month")
    ax.set_title("Monthly recruitment by source vs losses")
    top = max(bottom.max(), float(flows.casualties.sum("source").max()) / 1e3)
    ax.set_ylim(0, top * 1.45)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper left", fontsize=7.5, ncol=3, framealpha=0.9)


def front_by_source(ds: xr.Dataset, ax: plt.Axes) -> None:
    """Deployed force stacked by source (thousands) at the start of each month."""
    dates = _months(ds)
    values = [ds.front.sel(source=s).values / 1e3 for s in ds.source.values]
    styles = [SOURCE_STYLE[str(s)] for s in ds.source.values]
    layers = ax.stackplot(dates, values, colors=[c for c, _ in styles], labels=list(ds.source.values),
                          edgecolor="white", linewidth=0.3)
    for layer, (_, hatch) in zip(layers, styles):
        layer.set_hatch(hatch)
    ax.set_ylabel("thousand persons")
    ax.set_title("Front strength by source (start of month)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="lower left", fontsize=7.5, ncol=3, framealpha=0.9)


def run_figure(ds: xr.Dataset) -> plt.Figure:
    """The brief's chart for one projection: inflows vs losses above, front strength below."""
    if "run" in ds.dims:
        raise ValueError("run_figure draws one run; select one with ds.isel(run=i) or use a fan chart")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(11, 9), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    inflows_vs_losses(ds, top)
    front_by_source(ds, bottom)
    net = float(ds.net.sum())
    fig.suptitle(f"Russian military manpower, scenario '{ds.attrs['scenario']}': "
                 f"net {net:+,.0f} persons over {ds.sizes['time'] - 1} months", fontsize=13)
    fig.text(0.01, 0.005, caption(ds), fontsize=7, va="bottom", ha="left", color="#333333")
    fig.tight_layout(rect=(0, 0.07, 1, 0.97))
    return fig
