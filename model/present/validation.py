"""The validation report: the standard system-dynamics tests (Sterman, *Business Dynamics*, ch. 21).

:func:`write_report` runs each test on the current code and registry and writes
``docs/VALIDATION.md`` with its figures (``manpower validate``), so the report
is regenerated, never edited by hand:

1. dimensional consistency of every equation (:mod:`model.dynamics.dimensions`);
2. extreme conditions: no recruitment, ten times the casualties, none, empty pools;
3. integration error: the step halved again and again, Euler and RK4, against a fine RK4 reference;
4. behaviour reproduction: the hindcast fitted to the public record (:mod:`model.calibration.fit`);
5. sensitivity of the conclusions: which plausible values, one at a time or all together, flip them;
6. forecast skill: the rolling-origin backtest of the casualty record (:mod:`model.calibration.backtest`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import xarray as xr

from .._version import __version__
from ..inputs import limits
from ..calibration.backtest import Backtest, backtest
from ..calibration.fit import Calibration, calibrate
from ..results.checks import conservation_residual, empty_pools, lowest_stock, without_recruitment
from ..dynamics.dimensions import check as check_dimensions
from ..errors import InputError
from ..results.io import atomic_write, check_output, check_outputs, save_figure
from ..inputs.markdown import markdown_table
from ..inputs.parameters import ParameterSet, load_params
from ..inputs.start import default_start
from . import style
from .labels import bar_label
from .plots import calibration_figure, date_axis, thousands
from .style import A4, SLIDE, styled
from ..analysis.sampling import sample, uncertain_keys
from ..results.simulate import DEFAULT_DT, simulate
from ..core.structure import FLOWS, POOLED
from ..results.summary import flows_over

@dataclass(frozen=True)
class Extreme:
    """An extreme input, what a sound model must do under it, and the check of that on the result.

    ``behaves(ds, base)`` reads the expectation off the projection ``ds`` (all variables), given the
    baseline projection ``base``, so the report states what was found, not what was hoped.
    """

    overrides: dict
    expected: str
    behaves: Callable[[xr.Dataset, xr.Dataset], bool]


def _front(ds: xr.Dataset) -> np.ndarray:
    return ds.front_total.values


def _casualties(ds: xr.Dataset) -> np.ndarray:
    return ds.casualties.sum("source").values[:-1]


#: Extreme inputs and what a sound model must do under each.
#: The extreme casualty levels are stated on the held level (casualties.monthly as the level, whatever process
#: the registry follows): ten times late 2024's 45,000 a month, or none.
HELD = {"casualties.process": "trend"}
EXTREMES: dict[str, Extreme] = {
    "baseline": Extreme({}, "the reference", lambda ds, base: True),
    "no recruitment": Extreme(without_recruitment(), "the front only shrinks",
                              lambda ds, base: bool(np.all(np.diff(_front(ds)) <= 1e-6 * _front(ds)[0]))),
    "ten times the casualties, without depletion": Extreme(
        {**HELD, "casualties.monthly": 450_000.0, "casualties.depletion_elasticity": 0.0},
        "the front empties; the undelivered demand is reported as shortfall",
        lambda ds, base: bool(_front(ds).min() < 0.05 * _front(ds)[0] and float(ds.shortfall.sum()) > 0)),
    "ten times the casualties": Extreme(
        {**HELD, "casualties.monthly": 450_000.0},
        "the front collapses and its casualties fall with it (the registry's depletion elasticity), far below the "
        "level; nothing is left undelivered",
        lambda ds, base: bool(_front(ds).min() < 0.25 * _front(ds)[0] and _casualties(ds)[-1] < 0.25 * 450_000.0
                              and float(ds.shortfall.sum()) == 0.0)),
    "no casualties": Extreme({**HELD, "casualties.monthly": 0.0}, "the front ends stronger than in the baseline",
                             lambda ds, base: bool(_front(ds)[-1] > _front(base)[-1])),
    "empty pools": Extreme(empty_pools(), "only volunteers and the training pipeline feed the front",
                           lambda ds, base: float(ds.recruitment.sel(source=list(POOLED)).sum()) == 0.0),
    "ten times the casualties, endogenous": Extreme(
        {**HELD, "casualties.monthly": 450_000.0, "casualties.mode": "endogenous"},
        "casualties fall with the exposed front; no stock goes negative",
        lambda ds, base: bool(_casualties(ds)[-1] < _casualties(ds)[0] and lowest_stock(ds) > -1e-6)),
}
STEPS = (1.0, 0.5, 0.25, 0.125, 0.0625)
REFERENCE_STEP = 1 / 64


@dataclass(frozen=True)
class Conclusion:
    """A yes/no statement an analyst would brief; ``holds`` reads it from every run of a dataset."""

    name: str
    statement: str
    holds: Callable[[xr.Dataset], np.ndarray]


CONCLUSIONS = (
    Conclusion("net_12", "recruitment exceeds permanent losses over the first 12 months",
               lambda ds: (flows_over(ds, 12).net > 0).values),
    Conclusion("net_horizon", "recruitment exceeds permanent losses over the horizon",
               lambda ds: (flows_over(ds, ds.sizes["time"] - 1).net > 0).values),
    Conclusion("front_holds", "the front is stronger at the horizon than at the start",
               lambda ds: (ds.front_total.isel(time=-1) > ds.front_total.isel(time=0)).values),
)


def dimensional_consistency(params: ParameterSet) -> pd.DataFrame:
    """Each flow's equation and its evaluated unit (raises if an equation mixes dimensions)."""
    units = check_dimensions(params)
    return pd.DataFrame({"flow": list(units), "from": [f.origin or "outside" for f in FLOWS],
                         "to": [f.target for f in FLOWS], "evaluated unit": list(units.values())})


@styled(SLIDE)
def extreme_conditions(params: ParameterSet, months: int = 36) -> tuple[pd.DataFrame, plt.Figure]:
    """Every extreme case: lowest stock, worst mass-balance residual, shortfall, front at the horizon."""
    rows, fig = [], plt.figure(layout="constrained")
    ax = fig.gca()
    base = simulate(params, months=months)
    for name, case in EXTREMES.items():
        ds = simulate(params.with_values(case.overrides, where=f"extreme: {name}", kind="search"), months=months)
        front = ds.front_total.values
        rows.append({"case": name, "expected": case.expected, "as expected": case.behaves(ds, base),
                     "lowest stock (persons)": lowest_stock(ds),
                     "worst relative mass-balance residual": float(conservation_residual(ds).max()),
                     "shortfall (persons)": float(ds.shortfall.sum()),
                     "front at start": front[0], "front at horizon": front[-1]})
        ax.plot(pd.DatetimeIndex(ds.time.values), front / 1e3, label=name)
    fig.suptitle("Extreme conditions: the group in the war zone")
    ax.set(ylabel="thousand persons, start of month")
    date_axis(ax)
    thousands(ax)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    _caption(fig, f"Baseline parameters with the overrides of model/present/validation.py EXTREMES; {months} months "
                  f"from {pd.Timestamp(ds.attrs['start']):%b %Y}, dt 0.25 month (Euler).")
    return pd.DataFrame(rows), fig


#: Nominal order of each method: the error should fall by 2**order when the step halves.
ORDERS = {"euler": 1, "rk4": 4}


def integration_cases(params: ParameterSet) -> dict[str, dict]:
    """Overrides of the integration-error test: the baseline, and a mobilization wave twice its pool.

    The second case runs a pool dry within a step (the limiter cuts the wave and
    RK4 falls back to Euler there), which is where the methods' promises end.
    """
    pool = float(np.max(params.value("pool_initial.mobilized")))
    return {"baseline": {},
            "a pool runs dry": {"mobilization.waves": [{"start": "2025-03", "size": 2 * pool, "months": 3}]}}


@styled(SLIDE)
def integration_error(params: ParameterSet, months: int = 36) -> tuple[pd.DataFrame, plt.Figure]:
    """Largest relative error of the front strength and of the horizon's net balance, by case, method and step.

    Each case (:func:`integration_cases`) is compared with RK4 at :data:`REFERENCE_STEP`. ``observed
    order`` is log2 of the front error's ratio from the next longer step to this one (what halving the
    step bought); ``fallback steps`` counts RK4's Euler steps where a stock ran dry.
    """
    variables = ["front_total", "net"]
    rows = []
    for case, overrides in integration_cases(params).items():
        varied = params.with_values(overrides, where=f"integration case: {case}") if overrides else params
        reference = simulate(varied, months=months, dt=REFERENCE_STEP, integrator="rk4", variables=variables)
        for method in ORDERS:
            previous = np.nan
            for dt in STEPS:
                row = {"case": case, "method": method, "dt (months)": dt, "front error": np.nan,
                       "net error": np.nan, "observed order": np.nan, "fallback steps": 0, "note": ""}
                try:
                    ds = simulate(varied, months=months, dt=dt, integrator=method, variables=variables)
                except InputError as exc:
                    rows.append({**row, "note": exc.expected})
                    continue
                front = float(np.max(np.abs(ds.front_total - reference.front_total) / reference.front_total))
                net = float(abs(ds.net.sum() - reference.net.sum()) / abs(reference.net.sum()))
                rows.append({**row, "front error": front, "net error": net,
                             "observed order": float(np.log2(previous / front)) if front > 0 else np.nan,
                             "fallback steps": int(ds.attrs["integrator_fallback_steps"])})
                previous = front
    table = pd.DataFrame(rows)
    fig, axes = plt.subplots(1, 2, sharey=True, layout="constrained")
    for ax, (case, by_case) in zip(axes, table.groupby("case", sort=False)):
        for (method, group), marker in zip(by_case.groupby("method", sort=False), ("o", "s")):
            colour = style.BLUE if method == "euler" else style.VERMILLION
            ax.loglog(group["dt (months)"], group["front error"], marker=marker, color=colour, linestyle="-",
                      label=f"{method.upper() if method == 'rk4' else method.capitalize()}: front strength")
            ax.loglog(group["dt (months)"], group["net error"], marker=marker, color=colour, linestyle="--",
                      label=f"{method.upper() if method == 'rk4' else method.capitalize()}: net balance")
        ax.set(title=case.capitalize(), xlabel="step dt (months)")
        ax.set_xticks(STEPS[1:], [f"{dt:g}" for dt in STEPS[1:]])
        ax.minorticks_off()
    axes[0].set_ylabel("largest relative error")
    axes[0].legend(loc="lower right")
    fig.suptitle("Integration error against RK4 at dt = 1/64 month")
    _caption(fig, f"Baseline, and the baseline with a mobilization wave twice its pool; {months} months from "
                  f"{pd.Timestamp(default_start()):%b %Y}. Front: the largest relative error over the months; net: "
                  "relative error of the horizon's total.")
    return table, fig


def observed_orders(steps: pd.DataFrame) -> pd.DataFrame:
    """Median observed order by case and method, with the nominal order and the RK4 fallbacks."""
    table = steps.groupby(["case", "method"], sort=False).agg(observed=("observed order", "median")).reset_index()
    at_default = steps[steps["dt (months)"] == DEFAULT_DT].set_index(["case", "method"])["fallback steps"]
    table["fallbacks"] = [int(at_default.get((c, m), 0)) for c, m in zip(table["case"], table["method"])]
    table["nominal"] = table["method"].map(ORDERS)
    return table


def _order_sentence(row) -> str:
    verdict = ("as its nominal order" if abs(row.observed - row.nominal) <= 0.3 else
               "above its nominal order" if row.observed > row.nominal else "below its nominal order")
    fallbacks = (f"; at the default step of {DEFAULT_DT:g} month it took {row.fallbacks:,} Euler step(s) where "
                 "a stock ran dry"
                 if row.method == "rk4" and row.fallbacks else "")
    return (f"- {row.case}, {row.method}: observed order {row.observed:.2f}, {verdict} ({row.nominal}){fallbacks}.")


def conclusion_flips(params: ParameterSet, months: int = 36, n: int = 2000, seed: int = 0
                     ) -> tuple[pd.DataFrame, pd.DataFrame, plt.Figure]:
    """Which conclusions flip inside the plausible ranges.

    Returns the one-at-a-time table (each uncertain parameter at the low and
    the high end of its range, the rest at their values; one vectorized batch),
    the share of Monte Carlo runs (Latin hypercube, ``n`` runs) in which each
    conclusion holds, and a tornado chart of the horizon's net balance.
    """
    keys = uncertain_keys(params)
    ends = {k: np.array([params[k].low, params[k].high]) for k in keys}
    batch = {k: np.full(2 * len(keys), float(params.value(k))) for k in keys}
    for i, key in enumerate(keys):
        batch[key][2 * i:2 * i + 2] = ends[key]
    variables = ["net", "front_total"]
    one_at_a_time = simulate(params.with_values(batch, where="one at a time", kind="search"), months=months,
                             variables=variables)
    base = simulate(params, months=months, variables=variables)
    verdicts = {c.name: bool(c.holds(base)) for c in CONCLUSIONS}
    rows = []
    for conclusion in CONCLUSIONS:
        holds = conclusion.holds(one_at_a_time).reshape(len(keys), 2)
        for i, key in enumerate(keys):
            for end, flag in zip(("low", "high"), holds[i]):
                if flag != verdicts[conclusion.name]:
                    rows.append({"conclusion": conclusion.statement, "baseline says": verdicts[conclusion.name],
                                 "parameter": key, "at": end, "value": float(ends[key][1 if end == "high" else 0])})
    flips = pd.DataFrame(rows, columns=["conclusion", "baseline says", "parameter", "at", "value"])
    runs = simulate(sample(params, n, "lhs", seed), months=months, variables=variables)
    shares = pd.DataFrame([{"conclusion": c.statement, "baseline says": verdicts[c.name],
                            "share of runs in which it holds": float(np.mean(c.holds(runs)))} for c in CONCLUSIONS])
    net = flows_over(one_at_a_time, months).net.values.reshape(len(keys), 2) / 1e3
    return flips, shares, _tornado(keys, net, float(flows_over(base, months).net) / 1e3, months)


@styled(A4)
def _tornado(keys: list[str], net: np.ndarray, base: float, months: int, top: int = 15) -> plt.Figure:
    order = np.argsort(np.abs(net - base).max(axis=1))[::-1][:top][::-1]
    fig, ax = plt.subplots(figsize=A4.height(0.42 * len(order) + 2.8), layout="constrained")
    y = np.arange(len(order))
    ax.barh(y, net[order, 0] - base, left=base, color=style.BLUE, label="parameter at the low end of its range")
    ax.barh(y, net[order, 1] - base, left=base, color=style.VERMILLION, hatch="//", edgecolor="white",
            label="at the high end")
    ax.axvline(base, color="black", linewidth=1.2, label=f"baseline, about {round(base, -1):,.0f} thousand")
    ax.axvline(0, color="black", linestyle=":", label="break-even")
    ax.set_yticks(y, [bar_label(keys[i]) for i in order], fontsize=A4.font - 1.5)
    ax.grid(axis="y", visible=False)
    thousands(ax, "x")
    fig.suptitle(f"Net balance over {months} months, one parameter at a time")
    ax.set_xlabel("thousand persons")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False)
    _caption(fig, f"Each bar moves one parameter to the end of its plausible range (params/registry.yaml), "
                  f"the others at their values; the largest {len(order)} effects.")
    return fig


#: Seeds of the paths over which the backtest's verdicts are checked for Monte Carlo noise.
NOISE_SEEDS = (0, 1, 2, 3, 4)
#: How each forecaster of a backtest is drawn: colour, line style, label for people.
FORECASTER_STYLE = {"model": (style.BLUE, "-", "the model, median"),
                    "process": (style.PURPLE, "-.", "the fitted process alone, median"),
                    "persistence": (style.VERMILLION, "--", "persistence (last month held), median"),
                    "trailing_mean": (style.GREEN, ":", "trailing 12-month mean, median")}


def forecast_skill(seed: int = 0) -> tuple[Backtest, pd.DataFrame, plt.Figure]:
    """The backtest at ``seed``, its targets' values at every seed of :data:`NOISE_SEEDS` (lowest, highest and
    how many met: a verdict that flips with the seed is within the Monte Carlo noise), and its fan chart."""
    result = backtest(seed=seed)
    with_targets = sorted(set(result.targets["series"]))  # only series with targets are rerun for the noise check
    runs = [result.targets] + [backtest(with_targets, seed=s).targets for s in NOISE_SEEDS if s != seed]
    values = pd.concat(runs).groupby("target", sort=False)
    noise = pd.DataFrame({"lowest": values["value"].min(), "highest": values["value"].max(),
                          "met at seeds": values["met"].sum().astype(int)})
    return result, noise, backtest_figure(result)


@styled(SLIDE)
def backtest_figure(result: Backtest) -> plt.Figure:
    """Forecast fans (median, 50% and 90% bands of the series' subject, medians of its benchmarks) at each origin
    over the record of the first series, one panel per origin; fans shown where the record reaches."""
    name = result.scores["series"].iloc[0]
    subject = result.settings["subjects"][name]
    history = result.observed[name]
    forecasts = result.forecasts[(result.forecasts["series"] == name) & (result.forecasts["month"] <= history.index[-1])]
    columns = 3
    rows = -(-len(result.origins) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=SLIDE.height(max(SLIDE.size[1], 3.3 * rows + 1.2)), sharex=True,
                             sharey=True, squeeze=False, layout="constrained")
    dates = history.index.to_timestamp()
    for ax, origin in zip(axes.flat, result.origins):
        ax.plot(dates, history.to_numpy() / 1e3, color="black", linewidth=1.2, label="recorded")
        ax.axvline(origin.to_timestamp(), color="grey", linewidth=0.8, linestyle="-.", label="forecast origin")
        at = forecasts[forecasts["origin"] == origin]
        for forecaster, own in at.groupby("forecaster", sort=False):
            colour, dashes, label = FORECASTER_STYLE.get(forecaster, ("grey", "-", forecaster))
            when = pd.PeriodIndex(own["month"]).to_timestamp()
            if forecaster == subject:
                banded = label.removesuffix(", median")
                ax.fill_between(when, own["q05"] / 1e3, own["q95"] / 1e3, color=colour, alpha=0.15, linewidth=0,
                                label=f"{banded}, 90% band")
                ax.fill_between(when, own["q25"] / 1e3, own["q75"] / 1e3, color=colour, alpha=0.3, linewidth=0,
                                label=f"{banded}, 50% band")
            ax.plot(when, own["q50"] / 1e3, color=colour, linestyle=dashes, linewidth=1.6, label=label)
        ax.set_title(f"Forecast from the data through {origin}", fontsize=SLIDE.font - 2)
        locator = mdates.MonthLocator(bymonth=(1,))
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    for ax in axes.flat[len(result.origins):]:
        ax.axis("off")
    for ax in axes[:, 0]:
        ax.set_ylabel("thousand per month")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    spare = axes.flat[-1] if len(result.origins) < axes.size else None
    if spare is not None:
        spare.legend(handles, labels, loc="center", frameon=False)
    else:
        fig.legend(handles, labels, loc="outside right center", frameon=False)
    fig.suptitle(f"{result.settings['labels'][name]} per month: forecasts at each origin against the record")
    process = result.settings["notes"][name].split(",")[0].removeprefix("process: ").replace("_", " ")
    style.attach_metadata(fig, seed=result.settings["seed"], paths=result.settings["n"],
                          publication=result.settings["publication"][name])
    _caption(fig, f"Process: {process}. The model: its calibrated runs driven by the process's paths, less where "
                  f"the war zone is depleted. Fitted on what each origin knew; {result.settings['n']:,} paths.",
             ("UK Ministry of Defence monthly infographic (Jan 2025), relaying the Ukrainian General Staff's counts",))
    return fig


def _caption(fig: plt.Figure, text: str, sources: tuple[str, ...] = ()) -> None:
    """The figure's footer (:func:`model.present.style.footer`): ``sources`` and ``text``; the version goes into
    the PNG's metadata."""
    style.attach_metadata(fig, report="docs/VALIDATION.md (manpower validate)")
    style.footer(fig, sources, text)


#: Persons closer to zero than this are the rounding residue of an emptied stock (both signs). Their digits depend on
#: the machine's floating-point library (two CPUs gave -6.8e-13 and -5.8e-13 for the same case), so the report says
#: what they are instead of printing digits that another machine would not reproduce.
RESIDUE = 1e-6
#: Columns of the extreme-conditions table that hold persons and can hold residue.
RESIDUE_COLUMNS = ("lowest stock (persons)", "front at horizon")


def _residue(value: float) -> float | str:
    """``value`` (persons), or "≈ 0 (residue)" where it is rounding residue (nonzero, within :data:`RESIDUE`)."""
    return "≈ 0 (residue)" if value != 0 and abs(value) < RESIDUE else value


def _lowest_sentence(lowest: float) -> str:
    """What the lowest stock of the extreme cases (persons) says, in words that hold on any machine."""
    if lowest >= 0:
        return f"{lowest:.2g} persons"
    if lowest > -RESIDUE:
        return f"rounding residue (below zero by less than {RESIDUE:g} persons) where a stock is emptied"
    return f"{lowest:.2g} persons (a stock went negative: a defect)"


def _table(frame: pd.DataFrame, floats: str = "{:.3g}") -> str:
    """A DataFrame as a Markdown table, numbers short."""
    def cell(value) -> str:
        if isinstance(value, (bool, np.bool_)):
            return "yes" if value else "no"
        if isinstance(value, (float, np.floating)):
            return "—" if np.isnan(value) else (f"{value:,.0f}" if abs(value) >= 1000 else floats.format(value))
        return str(value)
    return markdown_table(frame, cell)


#: The figures of the report, each ``docs/figures/validation_NAME.png``, in the order they are written.
FIGURES = ("extremes", "integration", "hindcast", "conclusions", "backtest")


def validation_paths(docs: str | Path) -> list[Path]:
    """The files :func:`write_report` writes into the folder ``docs``: ``VALIDATION.md``, then one figure per
    name of :data:`FIGURES` in ``docs/figures``."""
    docs = Path(docs)
    return [docs / "VALIDATION.md", *(docs / "figures" / f"validation_{name}.png" for name in FIGURES)]


def write_report(docs: str | Path = "docs", n: int = 2000, seed: int = 0) -> Path:
    """Run every test and write ``docs/VALIDATION.md`` and ``docs/figures/validation_*.png``.

    Every option and every file is checked before the tests run (about a minute), so that a bad one is refused
    at once and a file that cannot be written leaves none of them behind.
    """
    limits.whole(n, "--n", str(n), 1)
    limits.seed(seed, "--seed", str(seed))
    report, *figure_paths = check_outputs(validation_paths(check_output(docs, "--out")), "--out")
    params = load_params()
    dimensions = dimensional_consistency(params)
    extremes, extremes_fig = extreme_conditions(params)
    steps, steps_fig = integration_error(params)
    fit = calibrate()
    flips, shares, tornado = conclusion_flips(params, n=n, seed=seed)
    skill, noise, fans = forecast_skill(seed)
    text = _markdown(params, dimensions, extremes, steps, fit, flips, shares, n, seed) + _skill_markdown(skill, noise)
    for fig, path in zip((extremes_fig, steps_fig, calibration_figure(fit), tornado, fans), figure_paths):
        save_figure(fig, path)
        plt.close(fig)  # pyplot keeps every figure it made until closed
    return atomic_write(report, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _markdown(params: ParameterSet, dimensions: pd.DataFrame, extremes: pd.DataFrame, steps: pd.DataFrame,
              fit: Calibration, flips: pd.DataFrame, shares: pd.DataFrame, n: int, seed: int) -> str:
    worst = extremes["worst relative mass-balance residual"].max()
    behaving = int(extremes["as expected"].sum())
    lowest = extremes["lowest stock (persons)"].min()
    default = steps[steps["dt (months)"] == DEFAULT_DT].set_index(["case", "method"])["front error"]
    orders = observed_orders(steps)
    band = fit.residuals.weighted.abs().max()
    per_month = dimensions["evaluated unit"].map(lambda u: u in ("person / month", "person/month")).sum()
    flipped = sorted(set(flips.parameter))
    return f"""# Validation

Generated by `manpower validate` on {date.today().isoformat()} (manpower-model {__version__}, parameters digest
{params.digest()}); do not edit by hand. The tests follow Sterman, *Business Dynamics* (2000), ch. 21.
Each section names the command or test that reproduces it.

## 1. Dimensional consistency

Each flow's equation is evaluated with pint in the units the compiled equations read (each parameter's canonical
unit, stocks in persons, time in months): {per_month} of {len(dimensions)} come out in persons per month; pint refuses
to add quantities of different dimensions or to take the exponential of a dimensional one, so a unit error anywhere is
an error here.
Every parameter's registry unit is converted to its canonical unit on loading, or loading fails naming the key.
Reproduce: `python -m pytest tests/dynamics/test_dimensions.py` (which also checks that a parameter in a wrong
unit is caught).

{_table(dimensions)}

## 2. Extreme conditions

Each case is the baseline with the overrides in `model/present/validation.py` (`EXTREMES`), 36 months. Across the cases
the lowest value of any stock is {_lowest_sentence(lowest)} and the worst relative mass-balance residual is {worst:.2g}
({"within" if worst <= 1e-9 else "BEYOND"} the requirement of 1e-9). {behaving} of {len(extremes)} cases behave as
expected (the column "as expected" is read off each projection by `EXTREMES[case].behaves`).
Reproduce: `python -m pytest tests/engine/test_invariants.py`.

{_table(extremes.assign(**{column: extremes[column].map(_residue) for column in RESIDUE_COLUMNS}))}

![Front strength under extreme conditions](figures/validation_extremes.png)

## 3. Integration error

Two cases, 36 months, each against RK4 at dt = 1/64 month: the baseline, and the baseline with a mobilization
wave twice the size of its pool, which runs the pool dry within a step (the limiter then cuts the wave and RK4
takes Euler steps there). The observed order is log2 of the error's fall when the step halves (median over the
steps); at the default step of 0.25 month the front strength's largest relative error is
{default.get(("baseline", "euler"), np.nan):.2g} (Euler) and {default.get(("baseline", "rk4"), np.nan):.2g} (RK4) on the
baseline, {default.get(("a pool runs dry", "euler"), np.nan):.2g} (Euler) and
{default.get(("a pool runs dry", "rk4"), np.nan):.2g} (RK4) where the pool runs dry.

{chr(10).join(_order_sentence(row) for row in orders.itertuples())}

Steps a run refuses (a stock's proportional outflows times dt above 1) are listed with the reason.
Reproduce: `python -m pytest tests/present/test_validation.py -k integration`.

{_table(steps)}

![Integration error against step](figures/validation_integration.png)

## 4. Behaviour reproduction

The hindcast starts in {fit.start} (`params/hindcast/hindcast_2023.yaml`: the force after the 2022 mobilization,
each value with its source or assumption) and is driven month by month by the UK MoD casualty record; the
parameters below are fitted with `scipy.optimize.least_squares` within their plausible ranges to the independent
series of `params/observed/series.yaml`, each weighted by its stated uncertainty (claims by a party to the war
marked). The largest misfit is {band:.2f} standard deviations ({"inside" if band <= 2 else "OUTSIDE"} the stated band
of 2, which `tests/calibration/test_calibration.py` enforces).
Reproduce: `manpower calibrate` (and `python -m pytest tests/calibration/test_calibration.py`).

{_table(fit.fitted.reset_index().drop(columns=["start"]), "{:.4g}")}

{_table(fit.residuals)}

![Hindcast against the public record](figures/validation_hindcast.png)

## 5. Sensitivity of the conclusions

Which of the brief's conclusions flip when a parameter moves inside its plausible range? One at a time (each
uncertain parameter at the low and the high end of its range, the rest at their values), and all together
({n:,} Latin hypercube runs over every range, seed {seed}). Parameters that flip a conclusion on their own:
{", ".join(f"`{k}`" for k in flipped) if flipped else "none"}.
Reproduce: `manpower validate`; `manpower sensitivity` ranks the drivers with Sobol indices.

{_table(shares)}

{_table(flips) if len(flips) else "No single parameter flips a conclusion."}

![Net balance over the horizon, one parameter at a time](figures/validation_conclusions.png)
"""


def _skill_markdown(result: Backtest, noise: pd.DataFrame) -> str:
    """Section 6: the backtest's method, table, targets with verdicts, their spread over seeds, the fan chart."""
    table = result.to_dataframe()
    table = pd.concat([rows for _, rows in table.groupby("series", sort=False)])  # one series after the other
    targets = result.targets.drop(columns=["series", "forecaster", "measure"])
    spread = noise.reset_index().rename(columns={"met at seeds": f"met at {len(NOISE_SEEDS)} seeds"})
    met = int(result.targets["met"].sum())
    missed = result.targets[~result.targets["met"]]
    name = result.targets["series"].iloc[0] if len(result.targets) else ""
    origins = ", ".join(str(o) for o in result.origins)
    longest = table[(table["forecaster"] == result.settings["subjects"].get(name)) &
                    (table["horizon"] == str(max(result.settings["horizons"])))]
    return f"""
## 6. Forecast skill: a rolling-origin backtest

Had the model been run at an earlier date, would its bands have covered what came next? At each
origin ({origins}) the casualty process stored in `params/observed/casualty_process.yaml` (its specification and
weights) is refitted on the months published by the origin only, and so are the two naive forecasters
(persistence: the last month held, with the record's month-to-month volatility; the trailing 12-month mean). The
casualties scored as the model's (`model`) are those of the model's runs, calibrated at the origin as the
recruitment forecasts below are, each driven after the origin by its own path of the refitted process as its
exogenous casualty level: the path itself where the war zone holds its strength at the origin, less where it has
shrunk (`casualties.depletion_elasticity`), as in a projection. The process alone (`process`) is scored too, so
`crps_vs_process` measures what the model's depletion changes. Each draws
{result.settings["n"]:,} predictive paths of the next {max(result.settings["horizons"])} months (seed
{result.settings["seed"]}), scored against the record where it reaches (it ends in 2024-12; nothing later is used).
Horizon `6` is the sixth month ahead; `1-6` pools months 1 to 6 of every origin. CRPS (`scoringrules`), bias (median
minus recorded) and band widths in persons per month; `cover50`/`cover90`: share of recorded months inside the
central 50%/90% bands; `crps_vs_X`: CRPS as a ratio to X's on the same points (below 1: better).

No look-ahead is enforced by publication dates, not by convention: every point carries the date it was published
and a forecaster is handed only the points published by its origin (`model.calibration.forecasters`). The UK MoD
figures come from one infographic of January 2025, after every origin; the counts it relays were announced day by
day during the war: {result.settings["publication"].get(name, "")} (a month's margin for the relay), and
the compilation is assumed not to have revised them, which the stored record cannot check. What is not out of
sample: the choice of the process itself (the damped trend among the candidates of `docs/CASUALTIES.md`) was made
by a backtest of the whole record through 2024-12, and its priors (a uniform damping, log-uniform variance ratios)
are generic and undated. With {len(result.origins)} origins, horizon {max(result.settings["horizons"])} has
{int(longest["n"].sum())} forecasts and the origins overlap: these are small numbers.
Reproduce: `manpower backtest` (and `python -m pytest tests/calibration/test_backtest.py`).

The recruitment statements (`recruitment_independent`) are forecast by the model itself: at each origin the
Bayesian calibration (`docs/CALIBRATION.md`) weighs a prior sample of the hindcast as known then (the roundups and
tranches that had started by the origin only; the call-ups, which recur by law, expected at the last decreed sizes) by the observations published by then only (each statement taken as
published at the end of the month after its date), and the
forecast is the model's monthly recruitment in the runs so drawn (the channels that sign a contract, as the
calibration counts them: not the North Korean units), seen through the statements' stated 20% error;
its benchmark is the same model uncalibrated (`prior`), so `crps_vs_prior` measures what calibrating to the record
adds. Four statements, so a handful of scored points. The Ukrainian statements of the Russian force in Ukraine
(`force_in_ukraine_ua`, a party's claims, on a narrower definition than the model's war zone, which the series'
own bias absorbs) are forecast the same way from the hindcast's group in the war zone, which depends on the
casualties: up to the origin the recorded ones drive it, after it paths of the casualty process refitted to the
record known at the origin (each run its own path, as above), and the party's bias is drawn from its
posterior given the statements of the series published by then (`model/calibration/model_forecasts.py`). Four
statements, a handful of scored points: a check that the bands are not absurd, not a measure of skill. What cannot be
dated back: the model's priors (the registry's ranges) were set with evidence through 2024, so at the 2023 origins
they may carry knowledge that was not yet published; and the registry's values for the hindcast's 2023 starting
force were chosen knowing the record.

{_table(table, "{:.2f}")}

Targets (issue 12): {met} of {len(result.targets)} met{"" if missed.empty else "; missed: " + "; ".join(missed["target"])}.

{_table(targets, "{:.3f}")}

The same targets' values with the paths' seed {", ".join(str(s) for s in NOISE_SEEDS)} (a verdict that flips with
the seed is within the Monte Carlo noise of {result.settings["n"]:,} paths, not a finding):

{_table(spread, "{:.3f}")}

![Casualty forecasts at each origin against the record](figures/validation_backtest.png)
"""
