"""Figures for briefs: they only read results, never run the model.

Every figure has a title, units on its axes, a legend and a caption naming the
sources, the scenario and the parameter digest, so it can leave the notebook.
"""

from __future__ import annotations

import json
import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from ..inputs.parameters import label_from_attrs
from ..inputs.provenance import CALIBRATED, PRIOR_OF
from ..results.decomposition import level_name

#: Colour and hatch per source, readable in colour, for colour-blind readers and in black and white.
SOURCE_STYLE = {
    "volunteer": ("#0072B2", ""),
    "mobilized": ("#E69F00", "//"),
    "prisoner": ("#D55E00", "xx"),
    "migrant": ("#CC79A7", ".."),
    "foreign": ("#009E73", "\\\\"),
    "dprk": ("#56B4E9", "++"),
    "conscript": ("#F0E442", "--"),
}

#: Recruitment sources named for people.
SOURCE_LABELS = {"volunteer": "contract volunteers", "mobilized": "mobilized reservists", "prisoner": "prisoners",
                 "migrant": "pressed migrants", "foreign": "foreign recruits", "dprk": "North Korean contingent",
                 "conscript": "conscripts"}


def caption(ds: xr.Dataset, extra: str = "") -> str:
    """Sources and run settings for a figure's caption."""
    table = pd.DataFrame(json.loads(ds.attrs["parameters"]))
    overridden = table.source.str.startswith("override: ")
    calibrated = table.source.str.startswith(CALIBRATED)
    registered = table.source.str.split(PRIOR_OF).str[-1]  # a calibrated value's prior: its registered source
    sourced = registered[(registered != "assumption") & ~overridden]
    cited = sourced.str.split(" via ").str[0].str.split(" [(]").str[0]
    reporters = ", ".join(sorted(set(cited.str.strip(" ,;"))))
    assumed = int((registered == "assumption").sum())
    text = (f"Scenario {label_from_attrs(ds.attrs)}; start {ds.attrs['start']}, dt {ds.attrs['dt_months']} month "
            f"({ds.attrs['method']}); parameter digests {ds.attrs['parameters_digest']}, manpower-model "
            f"{ds.attrs['model_version']}. Flows are totals per month; stocks at the start of each month. "
            f"Sources: {reporters}; seed analysis: Atlantic Council UkraineAlert (Dec 2024). "
            f"{assumed} of {len(table)} parameters are modelling assumptions"
            f"{f'; {int(calibrated.sum())} take values calibrated to the record' if calibrated.any() else ''}"
            f"{f', {int(overridden.sum())} overridden' if overridden.any() else ''} (run `manpower params`). {extra}")
    return "\n".join(textwrap.wrap(text, 150))


def _named(attrs: dict) -> str:
    """The scenario in quotes, and what overrode it: ``'baseline' with overrides (casualties.monthly=50000)``."""
    label = label_from_attrs(attrs)
    return f"'{attrs['scenario']}'{label.removeprefix(str(attrs['scenario']))}"


def _wrapped_title(fig: plt.Figure, text: str, fontsize: float = 13) -> float:
    """Set ``text`` as the figure's title, wrapped to its width; return the top edge left for the axes.

    The edge is a figure fraction: 0.97 for one line, lower by a line's height
    for each extra line (an override list can make a title longer than the figure).
    """
    characters = int(fig.get_figwidth() * 72 / (0.6 * fontsize))  # about 0.6 em per character
    lines = textwrap.wrap(text, characters)
    fig.suptitle("\n".join(lines), fontsize=fontsize)
    return 0.97 - (len(lines) - 1) * 1.3 * fontsize / 72 / fig.get_figheight()


def _caption_margin(fig: plt.Figure, note: str) -> float:
    """The figure fraction a caption of 7-point lines at the bottom takes, with room for the axis labels above it."""
    return (0.12 * (note.count("\n") + 1) + 0.15) / fig.get_figheight()


def _months(ds: xr.Dataset) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(ds.time.values)


def date_axis(ax: plt.Axes) -> None:
    """Month ticks every quarter, labelled compactly."""
    locator = mdates.MonthLocator(bymonth=(1, 4, 7, 10))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


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
               linewidth=0.3, label=f"recruits: {SOURCE_LABELS[str(source)]}", align="edge")
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
    ax.set_title("Group in the war zone by source (start of month)")
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
    top_edge = _wrapped_title(fig, f"Russian military manpower, scenario {_named(ds.attrs)}: "
                                   f"net {net:+,.0f} persons over {ds.sizes['time'] - 1} months")
    fig.text(0.01, 0.005, caption(ds), fontsize=7, va="bottom", ha="left", color="#333333")
    fig.tight_layout(rect=(0, 0.09, 1, top_edge))
    return fig


#: Line styles that stay distinguishable in black and white, cycled over scenarios.
SCENARIO_STYLES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1)), "v"),
                   ((0, (3, 1, 1, 1, 1, 1)), "P"), ((0, (1, 2)), "X"), ((0, (8, 2, 2, 2)), "*"), ("-", "h")]


def _scenario_lines(ds: xr.Dataset, variable: str, ax: plt.Axes, scale: float) -> None:
    dates = _months(ds)
    grey = plt.get_cmap("viridis")
    names = list(ds.scenario.values)
    for i, name in enumerate(names):
        style, marker = SCENARIO_STYLES[i % len(SCENARIO_STYLES)]
        values = ds[variable].sel(scenario=name).values / scale
        ax.plot(dates, values, linestyle=style, marker=marker, markevery=6, markersize=5, linewidth=1.6,
                color=grey(i / max(len(names) - 1, 1) * 0.9), label=str(name))


def comparison_figure(ds: xr.Dataset) -> plt.Figure:
    """Scenarios side by side: front strength, monthly net balance, and the inflow's composition."""
    fig = plt.figure(figsize=(13, 10))
    grid = fig.add_gridspec(2, 2, height_ratios=[1, 1])
    front, net, mix = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, :])
    _scenario_lines(ds, "front_total", front, 1e3)
    front.set_title("Group in the war zone (start of month)")
    date_axis(front)
    date_axis(net)
    front.set_ylabel("thousand persons")
    front.grid(alpha=0.3)
    _scenario_lines(ds.isel(time=slice(0, -1)), "net", net, 1e3)
    net.axhline(0, color="black", linewidth=0.8)
    net.set_title("Monthly net balance: recruitment − permanent losses")
    net.set_ylabel("thousand persons per month")
    net.grid(alpha=0.3)
    net.legend(fontsize=7.5, ncol=2, loc="upper right", framealpha=0.9)
    horizon = ds.sizes["time"] - 1
    totals = ds.recruitment.isel(time=slice(0, horizon)).sum("time") / 1e3
    names = list(ds.scenario.values)
    left = np.zeros(len(names))
    for source in ds.source.values:
        values = totals.sel(source=source).values
        colour, hatch = SOURCE_STYLE[str(source)]
        mix.barh(names, values, left=left, color=colour, hatch=hatch, edgecolor="white", linewidth=0.3,
                 label=SOURCE_LABELS[str(source)])
        left += values
    losses = ds.losses.isel(time=slice(0, horizon)).sum("time").values / 1e3
    mix.scatter(losses, names, marker="|", s=400, color="black", linewidths=2.5, zorder=3,
                label="permanent losses")
    mix.set_title(f"Recruitment by source over {horizon} months, against permanent losses")
    mix.set_xlabel("thousand persons")
    mix.invert_yaxis()
    mix.grid(axis="x", alpha=0.3)
    mix.legend(fontsize=7.5, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.12), framealpha=0.9)
    fig.suptitle(f"Russian military manpower: {len(names)} scenarios from {ds.attrs['start']}, "
                 f"{horizon} months", fontsize=13)
    fig.text(0.01, 0.005, caption(ds), fontsize=7, va="bottom", ha="left", color="#333333")
    fig.tight_layout(rect=(0, 0.1, 1, 0.97))
    return fig


def _bands(ax: plt.Axes, dates: pd.DatetimeIndex, runs: np.ndarray, colour: str, label: str) -> None:
    """Median line with 5-95% and 25-75% bands of ``runs`` (shape (n_runs, n_times))."""
    p5, p25, p50, p75, p95 = np.nanpercentile(runs, [5, 25, 50, 75, 95], axis=0)
    ax.fill_between(dates, p5, p95, color=colour, alpha=0.18, linewidth=0, label="5–95% of runs")
    ax.fill_between(dates, p25, p75, color=colour, alpha=0.35, linewidth=0, label="25–75% of runs")
    ax.plot(dates, p50, color=colour, linewidth=2, label=f"median {label}")


def fan_chart(ds: xr.Dataset, threshold: float | None = None) -> plt.Figure:
    """Percentile bands of front strength and of the monthly net balance over time."""
    fig, (front, net) = plt.subplots(2, 1, figsize=(11, 9), sharex=True)
    dates = _months(ds)
    _bands(front, dates, ds.front_total.transpose("run", "time").values / 1e3, "#0072B2", "group in the war zone")
    start = threshold if threshold is not None else float(ds.front_total.isel(time=0).median())
    front.axhline(start / 1e3, color="black", linestyle="--", linewidth=1,
                  label=f"threshold {threshold:,.0f}" if threshold is not None
                  else f"median starting strength {start:,.0f}")
    front.set_ylabel("thousand persons")
    front.set_title("Group in the war zone (start of month)")
    front.legend(loc="upper left", fontsize=8)
    front.grid(alpha=0.3)
    flows = ds.isel(time=slice(0, -1))
    _bands(net, _months(flows), flows.net.transpose("run", "time").values / 1e3, "#D55E00", "net balance")
    net.axhline(0, color="black", linewidth=0.8)
    net.set_ylabel("thousand persons per month")
    net.set_title("Monthly net balance: recruitment − permanent losses (below zero: the force shrinks)")
    net.legend(loc="lower left", fontsize=8)
    net.grid(alpha=0.3)
    date_axis(net)
    top_edge = _wrapped_title(fig, f"Scenario {_named(ds.attrs)}: {ds.sizes['run']:,} Monte Carlo runs "
                                   f"({ds.attrs.get('sampling_method', '')}, seed {ds.attrs.get('seed', '')})")
    extra = (f"Sampled: {len(ds.attrs.get('sampled_parameters', '').split(', '))} uncertain parameters; "
             f"calibrated ones: {ds.attrs.get('parameters_from', 'prior')}, the others over their registry ranges"
             + ("; each run its own casualty path from the process fitted to the monthly record."
                if ds.attrs.get("casualty_process", "").startswith("fitted") else "."))
    note = caption(ds, extra)
    fig.text(0.01, 0.005, note, fontsize=7, va="bottom", ha="left", color="#333333")
    fig.tight_layout(rect=(0, _caption_margin(fig, note), 1, top_edge))
    return fig


def sensitivity_chart(result: xr.Dataset, top: int = 15) -> plt.Figure:
    """Horizontal bars per output: total and first-order Sobol indices (or Morris mu*), largest first."""
    from ..analysis.sensitivity import ranking

    outputs = list(result.output.values)
    sobol = result.attrs["method"] == "sobol"
    fig, axes = plt.subplots(1, len(outputs), figsize=(4.2 * len(outputs), 0.32 * top + 2.5), squeeze=False)
    for ax, output in zip(axes[0], outputs):
        table = ranking(result, output).head(top).iloc[::-1]
        y = np.arange(len(table))
        if sobol:
            ax.barh(y + 0.2, table.ST, 0.4, xerr=table.ST_conf, color="#0072B2", label="total (ST)",
                    error_kw={"elinewidth": 0.8})
            ax.barh(y - 0.2, table.S1, 0.4, xerr=table.S1_conf, color="#E69F00", hatch="//",
                    label="first order (S1)", error_kw={"elinewidth": 0.8})
            ax.set_xlabel("share of output variance")
        else:
            ax.barh(y, table.mu_star, 0.6, xerr=table.mu_star_conf, color="#0072B2", label="mu* (mean |effect|)")
            ax.set_xlabel("mean absolute elementary effect (output units)")
        ax.set_yticks(y, table.index, fontsize=7.5)
        ax.set_title(output, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="lower right")
    method = "Sobol indices (95% intervals)" if sobol else "Morris screening (95% intervals)"
    fig.suptitle(f"What drives the answer: {method}, scenario '{result.attrs['scenario']}', "
                 f"{result.attrs['runs']:,} runs, seed {result.attrs['seed']}", fontsize=12)
    # Wrapped to the figure's width, which depends on how many outputs are drawn; the margin grows with it.
    note = textwrap.fill("Inputs: every uncertain parameter over its registry range and distribution "
                         "(manpower params). Outputs: net balance over 12 months and the horizon (persons), front "
                         "strength at the horizon (persons), months to the first deficit (horizon + 1 if none). "
                         "manpower-model, SALib.", int(18 * fig.get_figwidth()))
    fig.text(0.01, 0.005, note, fontsize=7, va="bottom", ha="left", color="#333333")
    fig.tight_layout(rect=(0, (0.13 * (note.count("\n") + 1) + 0.1) / fig.get_figheight(), 1, 0.95))
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


def calibration_figure(calibration) -> plt.Figure:
    """The fitted hindcast (a :class:`model.calibration.fit.Calibration`) against each observed series.

    Thousands of persons; the fourth panel checks the casualties against the record that drives them.
    """
    ds = calibration.hindcast
    dates = _months(ds)
    flows = ds.isel(time=slice(0, -1))

    def of(series: str) -> list:
        return [t for t in calibration.targets if t.series == series]

    fig, axes = plt.subplots(2, 2, figsize=(13, 10))
    force, recruits, killed, casualties = axes.ravel()
    force.plot(dates, ds.front_total / 1e3, color="#0072B2", label="model: group in the war zone")
    force.plot(dates, ds.armed_forces / 1e3, color="#009E73", label="model: armed forces")
    force.plot(dates, ds.front.sel(source="mobilized") / 1e3, color="#E69F00", linestyle="--",
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
    force.set_ylim(0, 1.55 * max(float(ds.armed_forces.max()), *(t.observed for t in ceilings)) / 1e3)  # legend room
    recruits.plot(dates[:-1], flows.recruitment.sum("source") / 1e3, color="#0072B2", label="model: recruitment")
    recruits.plot(dates[:-1], flows.recruitment.sel(source="volunteer") / 1e3, color="#0072B2", linestyle="--",
                  label="model: volunteer sign-ups")
    _target_points(recruits, of("recruitment_independent"), "recruitment, independent estimates")
    for target in of("contracts_claimed"):
        year = target.dates[0].year
        recruits.hlines(target.observed / 12e3, pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-01"),
                        color="black", linestyle=":",
                        label=f"contracts claimed in {year}, per month (claim by a party)")
    recruits.set(title="Recruitment per month", ylabel="thousand persons per month")
    total = np.concatenate([[0.0], np.cumsum(flows.killed.sum("source").values)]) / 1e3
    killed.plot(dates, total, color="#D55E00", label=f"model: killed since {dates[0]:%b %Y}")
    for series, marker, label in (("probate_dead_estimate", "s", "probate estimate"),
                                  ("named_dead_floor", "^", "named dead (a floor)")):
        starts = pd.DatetimeIndex([t.dates[0] for t in of(series)])
        anchors = np.interp(starts.asi8, dates.asi8, total)
        _target_points(killed, of(series), f"{label}: increment", marker, anchors)
    killed.set(title="Killed since the start (observed: increments from the model's value)",
               ylabel="thousand persons")
    casualties.plot(dates[:-1], flows.casualties.sum("source") / 1e3, color="#0072B2", label="model: casualties")
    recorded = calibration.params.value("casualties.recorded")
    casualties.plot([pd.Timestamp(f"{e.start}-01") for e in recorded], [e.size / 1e3 for e in recorded], "k.",
                    label="recorded (the driver, not a target)")
    casualties.set(title="Casualties per month (input check)", ylabel="thousand persons per month")
    for ax in axes.ravel():
        ax.set_xlim(dates[0], dates[-1])
        date_axis(ax)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    fitted = "; ".join(f"{k} = {r.value:.4g}" for k, r in calibration.fitted.iterrows())
    fig.suptitle(f"Hindcast {calibration.start} to {calibration.through} fitted to the public record "
                 f"(weighted SSR {2 * calibration.cost:.2f})", fontsize=13)
    fig.text(0.01, 0.005, caption(ds, f"Fitted: {fitted}. Sources of the observed series: "
                                      "params/observed/series.yaml."), fontsize=7, va="bottom", ha="left",
             color="#333333")
    fig.tight_layout(rect=(0, 0.12, 1, 0.96))
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


def decomposition_figure(ds: xr.Dataset, parts: pd.DataFrame) -> plt.Figure:
    """A waterfall of the change of a force level over the run, read from top to bottom: its strength at the start,
    each kind of flow into (right) and out of (left) it, its strength at the end (``parts``:
    :func:`model.results.decomposition.by_kind`, whose attributes name the level), thousands of persons, with each
    bar's value. Horizontal, so that every part's label reads in full."""
    name = level_name(parts.attrs.get("level", "front"))
    values = parts["persons"].to_numpy() / 1e3
    labels = [part_label(label) for label in parts["label"]]
    fig, ax = plt.subplots(figsize=(11, 1.6 + 0.42 * len(values) + 1.2))
    level, lefts, widths, colours = 0.0, [], [], []
    for i, value in enumerate(values):
        if i in (0, len(values) - 1):  # the levels: bars from zero
            lefts.append(0.0), widths.append(value), colours.append("#999999")
            level = value
        else:
            lefts.append(level if value >= 0 else level + value), widths.append(abs(value))
            colours.append("#0072B2" if value >= 0 else "#D55E00")
            level += value
    y = np.arange(len(values))
    ax.barh(y, widths, left=lefts, color=colours, height=0.65)
    for i, value in enumerate(values):  # each bar's value beside its far end from zero
        ax.annotate(f"{value:+,.0f}" if 0 < i < len(values) - 1 else f"{value:,.0f}",
                    (lefts[i] + widths[i], y[i]), ha="left", va="center", fontsize=9, xytext=(4, 0),
                    textcoords="offset points")
    ax.set_yticks(y, labels, fontsize=9)
    ax.invert_yaxis()  # from the start at the top to the end at the bottom
    ax.set_xlim(0, max(np.add(lefts, widths)) * 1.1)
    ax.set_xlabel(f"thousand persons ({name}, summed over sources)")
    ax.grid(axis="x", alpha=0.3)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in ("#999999", "#0072B2", "#D55E00")]
    ax.legend(handles, [f"{name}: strength", "into it", "out of it"], loc="lower right", fontsize=8,
              framealpha=0.9)
    first, last = parts.attrs.get("first", ""), parts.attrs.get("last", "")
    top = _wrapped_title(fig, f"Scenario {_named(ds.attrs)}: what changed the {name} from the start of "
                              f"{first} to the start of {last}")
    note = caption(ds, "Recruits by source are those who reached it from training or enlisted into it; people sent "
                       "to treatment, absence or units elsewhere are netted against those who came back.")
    fig.text(0.01, 0.005, note, fontsize=7, va="bottom", ha="left", color="#333333")
    fig.tight_layout(rect=(0, _caption_margin(fig, note), 1, top))
    return fig
