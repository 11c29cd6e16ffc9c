"""Figures for briefs: they only read results, never run the model.

Every figure is drawn in the style of :mod:`model.present.style` (a 16:9 slide, or an A4 page for the
sensitivity chart), with a title and units for people (:mod:`model.present.labels`: scenario titles, parameter
labels, numbers rounded to what they can claim), a footer naming each source once, and the run's settings and
parameter digests in the PNG's metadata rather than in the picture. :func:`caption` is the longer text for a
page beside the figure.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import xarray as xr

from ..inputs.parameters import label_from_attrs
from ..inputs.provenance import CALIBRATED
from ..results.decomposition import level_name
from . import style
from .labels import (OUTPUT_LABELS, SEED_ANALYSIS, SOURCE_LABELS, approximately, assumed_share, bar_label, run_title,
                     source_names, title_from_attrs, titles_of)
from .style import A4, SLIDE, SOURCE_STYLE, styled

__all__ = ["SOURCE_LABELS", "SOURCE_STYLE", "caption", "comparison_figure", "calibration_figure", "date_axis",
           "decomposition_figure", "fan_chart", "front_by_source", "inflows_vs_losses", "part_label", "run_figure",
           "sensitivity_chart"]


def caption(ds: xr.Dataset, extra: str = "") -> str:
    """Sources and run settings of a figure, for the text beside it (a page's caption; the figure's own footer is
    shorter, :func:`footer`): the scenario's title and any overrides, each reporter once, the run's settings and
    parameter digests."""
    scenario = str(ds.attrs.get("scenario", ""))
    table = pd.DataFrame(json.loads(ds.attrs["parameters"]))
    overridden = table.source.str.startswith("override: ")
    calibrated = table.source.str.startswith(CALIBRATED)
    assumed, total = assumed_share(ds.attrs["parameters"])
    overrides = label_from_attrs(ds.attrs).removeprefix(scenario)  # " with overrides (key=value, ...)" or ""
    text = (f"Scenario {title_from_attrs(ds.attrs)}{overrides}; start {ds.attrs['start']}, "
            f"dt {ds.attrs['dt_months']} month ({ds.attrs['method']}); parameter digests "
            f"{ds.attrs['parameters_digest']}, manpower-model {ds.attrs['model_version']}. Flows are totals per "
            "month; stocks at the start of each month. "
            f"Sources: seed analysis {SEED_ANALYSIS}; {', '.join(source_names(ds.attrs['parameters']))}. "
            f"{assumed} of {total} parameters are modelling assumptions"
            f"{f'; {int(calibrated.sum())} take values calibrated to the record' if calibrated.any() else ''}"
            f"{f', {int(overridden.sum())} overridden' if overridden.any() else ''} (run `manpower params`). {extra}")
    return "\n".join(textwrap.wrap(text, 150))


def footer(fig: plt.Figure, ds: xr.Dataset, note: str = "") -> float:
    """The figure's footer for the run(s) ``ds``: its sources, each once, and how many parameters are assumptions;
    its settings and digests go into the PNG's metadata (:func:`model.present.style.attach_metadata`)."""
    assumed, total = assumed_share(ds.attrs["parameters"])
    style.attach_metadata(fig, ds.attrs)
    return style.footer(fig, [SEED_ANALYSIS, *source_names(ds.attrs["parameters"])],
                        f"{assumed} of {total} parameters are modelling assumptions. {note}".strip())


def _months(ds: xr.Dataset) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(ds.time.values)


def _span(ds: xr.Dataset) -> str:
    """``Jan 2025 to Jan 2028``: the months a run covers."""
    dates = _months(ds)
    return f"{dates[0]:%b %Y} to {dates[-1]:%b %Y}"


def date_axis(ax: plt.Axes) -> None:
    """Month ticks every quarter, half year or year, whichever leaves an inch or so between labels at the axes'
    width, labelled compactly."""
    months = np.ptp(ax.get_xlim()) / 30.4 if ax.has_data() else 12
    inches = ax.get_position().width * ax.figure.get_figwidth()
    step = next((m for m in (3, 6) if months / m <= inches / 0.9), 12)
    locator = mdates.MonthLocator(bymonth=range(1, 13, step))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def thousands(ax: plt.Axes, axis: str = "y") -> None:
    """Plain tick labels with thousands separators on ``axis`` (never an offset or a power of ten)."""
    getattr(ax, f"{axis}axis").set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))


def inflows_vs_losses(ds: xr.Dataset, ax: plt.Axes, legend: bool = True) -> None:
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
               linewidth=0.3, label=f"recruits: {SOURCE_LABELS[str(source)]}", align="edge")
        bottom += values
    centre = dates + pd.Timedelta(days=12)
    ax.plot(centre, flows.losses.values / 1e3, color="black", linestyle="-", linewidth=2.4,
            label="permanent losses (killed, captured or missing, discharged, deserted)")
    ax.plot(centre, flows.casualties.sum("source").values / 1e3, color="black", linestyle="--", linewidth=1.4,
            label="all casualties (incl. wounded who return)")
    ax.set_ylabel("thousand persons per month")
    ax.set_title("Recruitment by source vs losses, per month")
    top = max(bottom.max(), float(flows.casualties.sum("source").max()) / 1e3)
    ax.set_ylim(0, top * (1.45 if legend else 1.1))
    ax.grid(axis="x", visible=False)
    thousands(ax)
    if legend:
        ax.legend(loc="upper left", ncol=3)


def front_by_source(ds: xr.Dataset, ax: plt.Axes, legend: bool = True) -> None:
    """The group in the war zone stacked by source (thousands) at the start of each month."""
    dates = _months(ds)
    values = [ds.front.sel(source=s).values / 1e3 for s in ds.source.values]
    styles = [SOURCE_STYLE[str(s)] for s in ds.source.values]
    layers = ax.stackplot(dates, values, colors=[c for c, _ in styles],
                          labels=[SOURCE_LABELS[str(s)] for s in ds.source.values],
                          edgecolor="white", linewidth=0.3)
    for layer, (_, hatch) in zip(layers, styles):
        layer.set_hatch(hatch)
    ax.set_ylabel("thousand persons")
    date_axis(ax)
    ax.set_title("Group in the war zone by source, start of month")
    thousands(ax)
    if legend:
        ax.legend(loc="lower left", ncol=3)


@styled(SLIDE)
def run_figure(ds: xr.Dataset) -> plt.Figure:
    """The brief's chart for one projection: monthly inflows against losses, and the group in the war zone, side
    by side, one legend for both; the title rounds the net balance to two significant figures."""
    if "run" in ds.dims:
        raise ValueError("run_figure draws one run; select one with ds.isel(run=i) or use a fan chart")
    fig, (left, right) = plt.subplots(1, 2, layout="constrained")
    inflows_vs_losses(ds, left, legend=False)
    front_by_source(ds, right, legend=False)
    date_axis(left)
    handles, labels = left.get_legend_handles_labels()
    right.legend(handles, [textwrap.fill(label, 28) for label in labels], loc="upper left",
                 bbox_to_anchor=(1.02, 1.0), frameon=False, labelspacing=0.8)
    net = float(ds.net.sum())
    fig.suptitle(f"{run_title(ds.attrs)}: net balance about {approximately(net)} persons over "
                 f"{ds.sizes['time'] - 1} months ({_span(ds)}; central values)")
    footer(fig, ds, "Flows are totals per month; stocks at the start of each month.")
    return fig


def _scenario_lines(ds: xr.Dataset, variable: str, ax: plt.Axes, scale: float, styles: dict) -> None:
    dates = _months(ds)
    titles = titles_of(ds)
    for name in ds.scenario.values:
        values = ds[variable].sel(scenario=name).values / scale
        ax.plot(dates, values, markevery=6, markersize=6, linewidth=1.8, label=titles[str(name)],
                **styles[str(name)])


def _intervals(ax: plt.Axes, names: list[str], runs: Mapping[str, xr.Dataset], horizon: int) -> None:
    """Net balance over ``horizon`` months per scenario (thousands): 5–95% and 25–75% of its Monte Carlo runs and
    their median, one row per name (a name without runs left empty)."""
    from ..results.summary import flows_over

    for y, name in enumerate(names):
        if name not in runs:
            continue
        months = min(horizon, runs[name].sizes["time"] - 1)
        p5, p25, p50, p75, p95 = np.percentile(flows_over(runs[name], months).net.values / 1e3, [5, 25, 50, 75, 95])
        ax.plot([p5, p95], [y, y], color=style.BLUE, linestyle="-", linewidth=3, solid_capstyle="butt",
                label="5–95% of runs" if y == 0 else None)
        ax.plot([p25, p75], [y, y], color=style.BLUE, linestyle="-", linewidth=10, alpha=0.5, solid_capstyle="butt",
                label="25–75% of runs" if y == 0 else None)
        ax.plot(p50, y, "o", color="white", markeredgecolor="black", markersize=7, label="median" if y == 0 else None)
    ax.axvline(0, color="black", linewidth=1, linestyle="--", label="zero: left of it\nthe force shrinks")
    ax.xaxis.set_major_locator(mticker.MaxNLocator(4))
    ax.set_xlabel("thousand persons")
    ax.set_title("Net balance\n(Monte Carlo)")
    ax.grid(axis="y", visible=False)
    thousands(ax, "x")


@styled(SLIDE)
def comparison_figure(ds: xr.Dataset, uncertainty: Mapping[str, xr.Dataset] | None = None) -> plt.Figure:
    """Scenarios side by side: front strength and the monthly net balance (central values), and over the horizon
    recruitment by source against losses.

    ``uncertainty`` (optional): scenario name -> its Monte Carlo runs (:func:`model.uncertainty`, the posterior
    drawn where one is stored); with it, a panel beside the totals shows each scenario's net balance over the
    horizon as 5–95% and 25–75% of its runs. Scenarios are named by their titles, styled by
    :func:`model.present.style.scenario_styles` (the baseline black and solid).
    """
    names = [str(n) for n in ds.scenario.values]
    styles = style.scenario_styles(names)
    runs = {str(k): v for k, v in (uncertainty or {}).items() if str(k) in names}
    fig = plt.figure(layout="constrained")
    # Rows of scenarios on the left (their titles read once, for the totals and the Monte Carlo ranges), the
    # monthly paths beside them, the paths' legend on the right.
    widths = [1.4, 0.85, 1.0] if runs else [1.5, 1.1]
    grid = fig.add_gridspec(2, len(widths), width_ratios=widths)
    mix = fig.add_subplot(grid[:, 0])
    front, net = fig.add_subplot(grid[0, -1]), fig.add_subplot(grid[1, -1])
    _scenario_lines(ds, "front_total", front, 1e3, styles)
    front.set_title("Group in the war zone")
    front.set_ylabel("thousand, start of month")
    _scenario_lines(ds.isel(time=slice(0, -1)), "net", net, 1e3, styles)
    net.axhline(0, color="black", linewidth=0.8)
    net.set_title("Net balance per month")
    net.set_ylabel("thousand per month")
    for ax in (front, net):
        date_axis(ax)
        thousands(ax)
    handles, labels = front.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right center", title="Scenario\n(central values)", frameon=False,
               labelspacing=0.9, handlelength=3)
    horizon = ds.sizes["time"] - 1
    totals = ds.recruitment.isel(time=slice(0, horizon)).sum("time") / 1e3
    y = np.arange(len(names))
    left = np.zeros(len(names))
    for source in ds.source.values:
        values = totals.sel(source=source).values
        colour, hatch = SOURCE_STYLE[str(source)]
        mix.barh(y, values, left=left, color=colour, hatch=hatch, edgecolor="white", linewidth=0.3, height=0.75,
                 label=SOURCE_LABELS[str(source)])
        left += values
    losses = ds.losses.isel(time=slice(0, horizon)).sum("time").values / 1e3
    mix.scatter(losses, y, marker="|", s=250, color="black", linewidths=3, zorder=3, label="permanent losses")
    titles = titles_of(ds)
    mix.set_yticks(y, [titles[str(n)] for n in names])
    mix.set_title("Recruitment vs losses\n(central values)")
    mix.set_xlabel("thousand persons")
    mix.invert_yaxis()
    mix.grid(axis="y", visible=False)
    mix.xaxis.set_major_locator(mticker.MaxNLocator(4))
    thousands(mix, "x")
    mix.legend(loc="upper right", bbox_to_anchor=(1.0, -0.09), ncol=2, frameon=False)  # under the titles too
    if runs:
        spread = fig.add_subplot(grid[:, 1], sharey=mix)
        _intervals(spread, names, runs, horizon)
        spread.tick_params(labelleft=False)
        spread.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=1, frameon=False)
    fig.suptitle(f"Russian military manpower: {len(names)} scenarios, {_span(ds)} ({horizon} months)")
    note = ("Monte Carlo: " + ", ".join(f"{v.sizes['run']:,} runs" for v in list(runs.values())[:1])
            + " a scenario, its uncertain parameters drawn (calibrated ones from the posterior)." if runs else "")
    footer(fig, ds, note)
    for name, one in runs.items():
        style.attach_metadata(fig, **{f"uncertainty {name}": f"{one.sizes['run']} runs, seed "
                                                             f"{one.attrs.get('seed', '')}, "
                                                             f"{one.attrs.get('parameters_from', '')}"})
    return fig


def _bands(ax: plt.Axes, dates: pd.DatetimeIndex, runs: np.ndarray, colour: str, label: str) -> None:
    """Median line with 5-95% and 25-75% bands of ``runs`` (shape (n_runs, n_times))."""
    p5, p25, p50, p75, p95 = np.nanpercentile(runs, [5, 25, 50, 75, 95], axis=0)
    ax.fill_between(dates, p5, p95, color=colour, alpha=0.2, linewidth=0, label="5–95% of runs")
    ax.fill_between(dates, p25, p75, color=colour, alpha=0.45, linewidth=0, label="25–75% of runs")
    ax.plot(dates, p50, color=colour, linewidth=2.2, label=f"median {label}")


@styled(SLIDE)
def fan_chart(ds: xr.Dataset, threshold: float | None = None) -> plt.Figure:
    """Percentile bands of front strength and of the monthly net balance over time, side by side."""
    fig, (front, net) = plt.subplots(1, 2, layout="constrained")
    dates = _months(ds)
    _bands(front, dates, ds.front_total.transpose("run", "time").values / 1e3, style.BLUE, "group in the war zone")
    start = threshold if threshold is not None else float(ds.front_total.isel(time=0).median())
    front.axhline(start / 1e3, color="black", linestyle="--", linewidth=1.2,
                  label=f"threshold {threshold:,.0f}" if threshold is not None
                  else f"median starting strength, about {approximately(start).lstrip('+')}")
    front.set_ylabel("thousand persons")
    front.set_title("Group in the war zone, start of month")
    front.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    flows = ds.isel(time=slice(0, -1))
    _bands(net, _months(flows), flows.net.transpose("run", "time").values / 1e3, style.VERMILLION, "net balance")
    net.axhline(0, color="black", linewidth=1)
    net.set_ylabel("thousand persons per month")
    net.set_title("Net balance per month (below zero: the force shrinks)")
    net.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    for ax in (front, net):
        date_axis(ax)
        thousands(ax)
    fig.suptitle(f"{run_title(ds.attrs)}: the range of {ds.sizes['run']:,} Monte Carlo runs, {_span(ds)}")
    sampled = len(ds.attrs.get("sampled_parameters", "").split(", "))
    fitted = ds.attrs.get("casualty_process", "").startswith("fitted")
    footer(fig, ds, f"{sampled} uncertain parameters sampled"
                    + ("; each run its own casualty path from the process fitted to the monthly record." if fitted
                       else "."))
    return fig


@styled(A4)
def sensitivity_chart(result: xr.Dataset, top: int = 15) -> plt.Figure:
    """What drives each output, one panel under the other (an A4 page's width; its height follows the bars):
    total and first-order Sobol indices, or Morris mu* (persons charted in thousands), largest first, parameters
    named by their registry descriptions (:func:`model.present.labels.parameter_label`)."""
    from ..analysis.sensitivity import ranking

    outputs = [str(o) for o in result.output.values]
    sobol = result.attrs["method"] == "sobol"
    rows = [min(top, result.sizes["parameter"]) for _ in outputs]
    heights = [0.36 * n + 1.0 for n in rows]
    fig, axes = plt.subplots(len(outputs), 1, figsize=A4.height(sum(heights) + 1.2), layout="constrained",
                             gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, output in zip(axes[:, 0], outputs):
        table = ranking(result, output).head(top).iloc[::-1]
        name, unit = OUTPUT_LABELS.get(output, (output, "output units"))
        scale = 1e3 if unit == "thousand persons" else 1.0
        y = np.arange(len(table))
        if sobol:
            ax.barh(y + 0.2, table.ST, 0.4, xerr=table.ST_conf, color=style.BLUE, label="total (ST)",
                    error_kw={"elinewidth": 0.8, "ecolor": style.QUIET})
            ax.barh(y - 0.2, table.S1, 0.4, xerr=table.S1_conf, color=style.ORANGE, hatch="//", edgecolor="white",
                    label="first order (S1)", error_kw={"elinewidth": 0.8, "ecolor": style.QUIET})
            ax.set_xlabel("share of the output's variance")
        else:
            ax.barh(y, table.mu_star / scale, 0.6, xerr=table.mu_star_conf / scale, color=style.BLUE,
                    label="mu*: mean absolute elementary effect", error_kw={"elinewidth": 0.8, "ecolor": style.QUIET})
            ax.set_xlabel(f"mean absolute effect on the output ({unit})")
            if scale > 1:
                thousands(ax, "x")
        ax.set_yticks(y, [bar_label(str(k)) for k in table.index], fontsize=A4.font - 1.5)
        ax.set_ylim(-0.6, len(table) - 0.4)
        ax.set_title(name, loc="left", fontweight="bold")
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower right")
    method = "Sobol indices" if sobol else "Morris screening"
    fig.suptitle(f"What drives the answer: {method}, {run_title(result.attrs)}\n"
                 f"{result.attrs['runs']:,} runs; bars: 95% intervals")
    style.attach_metadata(fig, result.attrs)
    style.footer(fig, ["registry ranges (`manpower params`)", "SALib"],
                 "Each uncertain parameter varied over its plausible range and distribution. "
                 "First deficit month: horizon + 1 if none.")
    return fig


def _target_points(ax: plt.Axes, targets: list, label: str, marker: str = "o",
                   anchors: np.ndarray | None = None) -> None:
    """Observed values (thousands) at their (last) dates with ±1 sd bars; a party's claims hollow.

    ``targets`` are :class:`model.calibration.targets.Target` of one series; ``anchors`` (thousands), one per
    target, are added to the observed values: increments drawn from a level.
    """
    if not targets:
        return
    values = np.array([t.observed for t in targets]) / 1e3 + (0.0 if anchors is None else anchors)
    claim = targets[0].party_claim
    ax.errorbar([t.dates[-1] for t in targets], values, yerr=[t.sd / 1e3 for t in targets], fmt=marker,
                color="black", capsize=3, markerfacecolor="white" if claim else "black",
                label=f"{label}{' (claim by a party)' if claim else ''}, ±1 sd")


@styled(SLIDE)
def calibration_figure(calibration) -> plt.Figure:
    """The fitted hindcast (a :class:`model.calibration.fit.Calibration`) against each observed series.

    Thousands of persons; the fourth panel checks the casualties against the record that drives them.
    """
    ds = calibration.hindcast
    dates = _months(ds)
    flows = ds.isel(time=slice(0, -1))

    def of(series: str) -> list:
        return [t for t in calibration.targets if t.series == series]

    fig, axes = plt.subplots(2, 2, layout="constrained")
    force, recruits, killed, casualties = axes.ravel()
    force.plot(dates, ds.front_total / 1e3, color=style.BLUE, label="model: group in the war zone")
    force.plot(dates, ds.armed_forces / 1e3, color=style.GREEN, linestyle="-.", label="model: armed forces")
    force.plot(dates, ds.front.sel(source="mobilized") / 1e3, color=style.ORANGE, linestyle="--",
               label="model: mobilized men in the war zone")
    _target_points(force, of("force_in_smo_zone"), "in the war zone (Russian statements)")
    _target_points(force, of("force_in_ukraine_ua"), "in Ukraine (Ukrainian statements)", marker="s")
    _target_points(force, of("mobilized_in_zone"), "mobilized men in the war zone", marker="D")
    ceilings = of("authorized_strength")
    if ceilings:
        force.step([t.dates[0] for t in ceilings] + [dates[-1]],
                   [t.observed / 1e3 for t in ceilings] + [ceilings[-1].observed / 1e3], where="post",
                   color="black", linestyle=":", label="authorized strength (decrees; a ceiling)")
    force.set(title="Force levels", ylabel="thousand persons")
    force.set_ylim(0, 2.0 * max(float(ds.armed_forces.max()), *(t.observed for t in ceilings)) / 1e3)  # legend room
    from ..calibration.targets import target_quantity  # here: the calibration package is slow to import

    estimates = of("recruitment_independent")  # the model's recruitment as the estimates count it
    recruitment = target_quantity(flows, estimates[0]) if estimates else flows.recruitment.sum("source")
    recruits.plot(dates[:-1], recruitment / 1e3, color=style.BLUE,
                  label="model: recruitment, contract channels" if estimates else "model: recruitment")
    recruits.plot(dates[:-1], flows.recruitment.sel(source="volunteer") / 1e3, color=style.BLUE, linestyle="--",
                  label="model: volunteer sign-ups")
    _target_points(recruits, of("recruitment_independent"), "recruitment, independent estimates")
    for target in of("contracts_claimed"):
        year = target.dates[0].year
        recruits.hlines(target.observed / 12e3, pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-01"),
                        color="black", linestyle=":",
                        label=f"contracts claimed in {year}, per month (claim by a party)")
    recruits.set(title="Recruitment per month", ylabel="thousand persons per month")
    recruits.set_ylim(0, recruits.get_ylim()[1] * 1.05)  # the legend below the lines
    total = np.concatenate([[0.0], np.cumsum(flows.killed.sum("source").values)]) / 1e3
    killed.plot(dates, total, color=style.VERMILLION, label=f"model: killed since {dates[0]:%b %Y}")
    for series, marker, label in (("probate_dead_estimate", "s", "probate estimate"),
                                  ("named_dead_floor", "^", "named dead (a floor)")):
        starts = pd.DatetimeIndex([t.dates[0] for t in of(series)])
        anchors = np.interp(starts.asi8, dates.asi8, total)
        _target_points(killed, of(series), f"{label}: increment", marker, anchors)
    killed.set(title="Killed since the start\n(observed: increments from the model's value)",
               ylabel="thousand persons")
    casualties.plot(dates[:-1], flows.casualties.sum("source") / 1e3, color=style.BLUE, label="model: casualties")
    recorded = calibration.params.value("casualties.recorded")
    casualties.plot([pd.Timestamp(f"{e.start}-01") for e in recorded], [e.size / 1e3 for e in recorded], "k.",
                    label="recorded (the driver, not a target)")
    casualties.set(title="Casualties per month (input check)", ylabel="thousand persons per month")
    for ax in axes.ravel():
        ax.set_xlim(dates[0], dates[-1])
        date_axis(ax)
        thousands(ax)
        ax.legend(fontsize=SLIDE.font - 5, loc="lower left" if ax is recruits else "best")
    fig.suptitle(f"Hindcast {calibration.start} to {calibration.through} fitted to the public record")
    fitted = {f"fitted {k}": f"{r.value:.4g}" for k, r in calibration.fitted.iterrows()}
    style.attach_metadata(fig, weighted_ssr=f"{2 * calibration.cost:.3f}", **fitted)
    footer(fig, ds, f"{len(fitted)} parameters fitted by weighted least squares (values in the file's metadata "
                    "and docs/VALIDATION.md); observed series: params/observed/series.yaml.")
    return fig


#: Stocks outside a force level that people go to and come back from, named for people (as the decomposition
#: spells them: underscores as spaces).
_PLACE_LABELS = {"rear": "units outside the war zone", "absent": "absence without leave",
                 "wounded light": "treatment, lightly wounded", "wounded severe": "treatment, severely wounded",
                 "front new": "the war zone", "front veteran": "the war zone", "training": "training",
                 "conscripts": "conscript service"}
#: Recruits by source where the source's name alone would mislead: a conscript recruit is one who signed a contract.
_RECRUIT_LABELS = {"conscript": "conscripts who signed a contract"}
#: Other parts of a decomposition named for people.
_PART_LABELS = {"call up": "conscripts called up", "emergency deployment": "conscripts sent in an emergency",
                "conversion": "conscripts signing a contract"}


def part_label(label: str) -> str:
    """A part of :func:`model.results.decomposition.by_kind` named for people: ``recruits: dprk`` becomes
    ``recruits: North Korean contingent``, ``to rear, less those back`` ``to units outside the war zone, less those
    back``; a label it does not know is left as it is."""
    if label.startswith("recruits: "):
        source = label.removeprefix("recruits: ")
        return f"recruits: {_RECRUIT_LABELS.get(source, SOURCE_LABELS.get(source, source))}"
    if label.startswith("to ") and label.endswith(", less those back"):
        place = label.removeprefix("to ").removesuffix(", less those back")
        return f"to {_PLACE_LABELS.get(place, place)}, less those back"
    return _PART_LABELS.get(label, label)


@styled(SLIDE)
def decomposition_figure(ds: xr.Dataset, parts: pd.DataFrame) -> plt.Figure:
    """A waterfall of the change of a force level over the run, read from top to bottom: its strength at the start,
    each kind of flow into (right) and out of (left) it, its strength at the end (``parts``:
    :func:`model.results.decomposition.by_kind`, whose attributes name the level), thousands of persons, with each
    bar's value. Horizontal, so that every part's label reads in full."""
    name = level_name(parts.attrs.get("level", "front"))
    values = parts["persons"].to_numpy() / 1e3
    labels = [part_label(label) for label in parts["label"]]
    fig, ax = plt.subplots(layout="constrained")
    level, lefts, widths, colours = 0.0, [], [], []
    for i, value in enumerate(values):
        if i in (0, len(values) - 1):  # the levels: bars from zero
            lefts.append(0.0), widths.append(value), colours.append(style.GREY)
            level = value
        else:
            lefts.append(level if value >= 0 else level + value), widths.append(abs(value))
            colours.append(style.BLUE if value >= 0 else style.VERMILLION)
            level += value
    y = np.arange(len(values))
    hatches = {style.GREY: "", style.BLUE: "", style.VERMILLION: "//"}  # out of it hatched: it reads in grey
    ax.barh(y, widths, left=lefts, color=colours, hatch=[hatches[c] for c in colours], edgecolor="white",
            height=0.65)
    small = SLIDE.font - 3
    for i, value in enumerate(values):  # each bar's value beside its far end from zero
        ax.annotate(f"{value:+,.0f}" if 0 < i < len(values) - 1 else f"{value:,.0f}",
                    (lefts[i] + widths[i], y[i]), ha="left", va="center", fontsize=small, xytext=(4, 0),
                    textcoords="offset points")
    ax.set_yticks(y, labels, fontsize=small)
    ax.invert_yaxis()  # from the start at the top to the end at the bottom
    ax.set_xlim(0, max(np.add(lefts, widths)) * 1.12)
    ax.set_xlabel(f"thousand persons ({name}, summed over sources)")
    ax.grid(axis="y", visible=False)
    thousands(ax, "x")
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=c, hatch=hatches[c], edgecolor="white")
               for c in (style.GREY, style.BLUE, style.VERMILLION)]
    ax.legend(handles, [f"{name}: strength", "into it", "out of it"], loc="lower right")
    first, last = (f"{pd.Timestamp(parts.attrs[k]):%b %Y}" if parts.attrs.get(k) else "" for k in ("first", "last"))
    fig.suptitle(f"{run_title(ds.attrs)}: what changed the {name}\nfrom the start of {first} to the start of {last}"
                 " (central values)")
    footer(fig, ds, "Recruits: those who reached it from training or enlisted into it; people sent to treatment, "
                    "absence or units elsewhere are netted against those who came back.")
    return fig
