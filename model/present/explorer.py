"""Live explorer: sliders on the main levers re-run the vectorized model, like Vensim's SyntheSim.

An :class:`Explorer` holds one scenario's parameters and a fixed Monte Carlo
sample of its uncertain parameters (:func:`model.analysis.sampling.sample`). Each
:meth:`Explorer.update` sets the levers, the same value in every run of the
sample (a lever replaces the sampled value), re-runs all runs in one pass and
redraws a figure in place: front strength with the median and the 5–95% band of
the runs (the uncertainty the levers leave), monthly inflow against permanent
losses, and a headline. :meth:`Explorer.widgets` wires a dropdown and sliders
to it with ipywidgets.

The levers are declared once, as data, in :data:`~model.present.levers.LEVERS`. A numeric lever's
slider spans its registry range widened by :data:`~model.present.levers.WIDEN` of the bound's size
on each side (0.5x ``low`` to 1.5x ``high`` for positive bounds), clipped to
what the quantity allows (no negative rates, no fraction above 1), so one can
explore beyond the plausible range. A schedule lever (North Korean tranches,
migrant roundups) adds one event of the slider's size to the scenario's own
schedule; its slider runs from zero to a multiple of a figure in the
registry's evidence.

To add a lever: append a :class:`~model.present.levers.Lever` with a registry key, a label with the
slider's unit and that unit (pint); for a schedule, a :class:`~model.present.levers.ExtraEvent`.
"""

from __future__ import annotations

import io
import textwrap
import time
from contextlib import contextmanager
from typing import Any

import numpy as np
import PIL.Image
import pandas as pd
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import InputError
from ..inputs.parameters import BASELINE, ParameterSet, load_params, scenario_names
from .plots import _date_axis, caption
from ..inputs.registry import Event
from ..analysis.sampling import sample
from ..results.simulate import DEFAULT_DT, DEFAULT_START, simulate
from ..results.summary import first_deficit_month, flows_over
from .levers import BY_NAME, LEVERS, _factor, slider_range

#: Outputs the explorer draws; keeping only these makes a re-run several times cheaper.
VARIABLES = ("front_total", "inflow", "losses", "net")
BAND = (5, 50, 95)
#: Resolution of the live image (dots per inch).
DPI = 90
#: Artists that change on every update; Explorer.image draws the rest only when the scenario or an axis changes.
DYNAMIC = ("front_band", "inflow_band", "losses_band", "front_median", "inflow_median", "losses_median",
           "headline", "levers")
_BLUE, _ORANGE = "#0072B2", "#E69F00"
BAND_STYLE = {
    "front_band": {"color": _BLUE, "alpha": 0.25, "label": "5–95% of runs:\nthe uncertainty\nthe levers leave"},
    "inflow_band": {"color": _ORANGE, "alpha": 0.25, "label": "inflow, 5–95% of runs"},
    "losses_band": {"color": "black", "alpha": 0.15, "label": "losses, 5–95% of runs"},
}
LINE_STYLE = {
    "front_median": {"color": _BLUE, "linewidth": 2.2, "label": "median of runs"},
    "front_reference": {"color": "grey", "linestyle": "--", "linewidth": 1.3,
                        "label": "median at the scenario's\nown lever values"},
    "inflow_median": {"color": _ORANGE, "linewidth": 2.2, "label": "recruitment inflow, median"},
    "losses_median": {"color": "black", "linewidth": 2.2,
                      "label": "permanent losses, median\n(killed, captured, discharged\nas unfit, deserted)"},
}


class Explorer:
    """Sliders' model: a scenario, a fixed Monte Carlo sample, and a figure redrawn in place.

    Parameters
    ----------
    scenario : str
        Scenario to start from (a name in ``params/scenarios``); :meth:`update` can switch.
    months : int
        Horizon in months.
    n : int
        Monte Carlo runs behind the band (Latin hypercube over every uncertain parameter).
    seed : int
        Seed of the sample; the same sample serves every update, so a moved slider is the only change.

    Lever values (:meth:`update`, :meth:`defaults`) are in each lever's slider
    unit (see :data:`LEVERS`, e.g. casualty growth in % a year), keyed by
    :attr:`~model.present.levers.Lever.name`.
    """

    def __init__(self, scenario: str = BASELINE, months: int = 36, n: int = 200, seed: int = 0):
        self.months, self.n, self.seed = months, n, seed
        self.registry = load_params(BASELINE)
        self.ranges = {lever.name: slider_range(lever, self.registry) for lever in LEVERS}
        self._samples: dict[str, tuple[ParameterSet, ParameterSet]] = {}
        self._reference: dict[str, np.ndarray] = {}
        self.scenario = self._check_scenario(scenario)
        self.values = self.defaults()
        self.figure: Figure | None = None
        self.result: xr.Dataset | None = None
        self.headline = ""
        self._artists: dict[str, Any] = {}
        self._axes: dict[str, Any] = {}
        self._frame = self._background = None  # the two layers image() reuses, see there
        self._drawn_scenario = ""

    def __repr__(self) -> str:
        return (f"<Explorer scenario={self.scenario!r}: {len(LEVERS)} levers, {self.n} runs (seed {self.seed}), "
                f"{self.months} months>")

    # ---- parameters -------------------------------------------------------------------------

    def _check_scenario(self, scenario: str) -> str:
        if scenario not in scenario_names():
            raise InputError("Explorer", "scenario",
                             f"expected one of {', '.join(scenario_names())}, got {scenario!r}")
        return scenario

    def _sampled(self, scenario: str) -> tuple[ParameterSet, ParameterSet]:
        """The scenario's parameters and its Monte Carlo sample, drawn once per scenario."""
        if scenario not in self._samples:
            params = load_params(scenario)
            self._samples[scenario] = (params, sample(params, self.n, seed=self.seed))
        return self._samples[scenario]

    def defaults(self, scenario: str | None = None) -> dict[str, float]:
        """The scenario's own value of each lever, in the slider's unit (0 for an extra event)."""
        params, _ = self._sampled(scenario or self.scenario)
        # Rounded to 12 digits so that 0.3/year does not show as 29.999999999999996 %/year.
        return {lever.name: 0.0 if lever.event else round(float(params.value(lever.key)) * _factor(lever, params), 12)
                for lever in LEVERS}

    def parameters(self, scenario: str | None = None, **values: float) -> ParameterSet:
        """The sample with every lever set: ``values`` given, the scenario's own for the rest."""
        scenario = scenario or self.scenario
        unknown = [name for name in values if name not in BY_NAME]
        if unknown:
            raise InputError("Explorer.update", unknown[0], f"unknown lever; expected one of {', '.join(BY_NAME)}")
        params, batch = self._sampled(scenario)
        settings = {**self.defaults(scenario), **values}
        overrides: dict[str, Any] = {}
        for lever in LEVERS:
            value = float(settings[lever.name])
            if lever.event is None:
                overrides[lever.key] = value / _factor(lever, params)
            elif value > 0:
                extra = Event(start=lever.event.start, size=value, months=lever.event.months)
                overrides[lever.key] = params.value(lever.key) + (extra,)
        return batch.with_values(overrides, where="Explorer.update")

    def run(self, scenario: str | None = None, **values: float) -> xr.Dataset:
        """Every run of the sample with the levers set (the outputs in :data:`VARIABLES`)."""
        return simulate(self.parameters(scenario, **values), months=self.months, dt=DEFAULT_DT,
                        start=DEFAULT_START, variables=list(VARIABLES))

    # ---- figure ----------------------------------------------------------------------------

    def update(self, scenario: str | None = None, **values: float) -> Figure:
        """Set the levers (slider units, keyed by :attr:`~model.present.levers.Lever.name`), re-run the sample, redraw.

        Levers not given take the scenario's own value. The first call builds
        :attr:`figure`; later calls change its data in place and return it.
        """
        self.scenario = self._check_scenario(scenario or self.scenario)
        settings = {**self.defaults(), **values}
        ds = self.run(self.scenario, **settings)
        self.values = settings
        if self.scenario not in self._reference:
            self._reference[self.scenario] = _percentiles(self.run(self.scenario).front_total)[1]
        self.result = ds
        self.headline = headline_text(ds)
        if self.figure is None:
            self._build(pd.DatetimeIndex(ds.time.values))
        self._draw(ds)
        return self.figure

    def _build(self, dates: pd.DatetimeIndex) -> None:
        fig = Figure(figsize=(13, 9), dpi=DPI)
        FigureCanvasAgg(fig)
        front, flows = fig.subplots(2, 1, sharex=True)
        self._axes = {"front": front, "flows": flows}
        # Lines keep their artists and change data; bands are drawn anew on each update (see _band).
        for name, ax, x in (("front_median", front, dates), ("front_reference", front, dates),
                            ("inflow_median", flows, dates[:-1]), ("losses_median", flows, dates[:-1])):
            (self._artists[name],) = ax.plot(x, np.zeros(len(x)), **LINE_STYLE[name])
        for name, ax, x in (("front_band", front, dates), ("inflow_band", flows, dates[:-1]),
                            ("losses_band", flows, dates[:-1])):
            self._band(ax, name, x, np.zeros((3, len(x))))
        front.set_ylabel("thousand persons")
        front.set_title("Front strength (start of month)")
        flows.set_ylabel("thousand persons per month")
        flows.set_title("Monthly recruitment inflow vs permanent losses (inflow below losses: the force shrinks)")
        for ax in (front, flows):
            ax.grid(alpha=0.3)
            # Beside the axes, so the moving curves never run over it; the figure's, so image() draws it
            # only with the frame.
            fig.legend(*ax.get_legend_handles_labels(), loc="upper left", bbox_to_anchor=(1.01, 1.0),
                       bbox_transform=ax.transAxes, fontsize=8.5, frameon=False)
        _date_axis(flows)
        flows.set_xlim(dates[0], dates[-1])
        self._artists["title"] = fig.suptitle("", fontsize=13)
        self._artists["headline"] = fig.text(0.5, 0.95, "", ha="center", va="top", fontsize=10.5,
                                             color="#222222", linespacing=1.5)
        self._artists["levers"] = fig.text(0.01, 0.125, "", fontsize=7.5, va="top", ha="left", color="black")
        self._artists["caption"] = fig.text(0.01, 0.005, "", fontsize=7, va="bottom", ha="left", color="#333333")
        fig.tight_layout(rect=(0, 0.13, 0.81, 0.9))  # the legends take the right
        self.figure = fig

    def _band(self, ax, name: str, dates: pd.DatetimeIndex, percentiles: np.ndarray) -> None:
        """Draw the band ``name`` anew: a new fill works on every matplotlib and costs under a millisecond."""
        old = self._artists.get(name)
        if old is not None:
            old.remove()
        self._artists[name] = ax.fill_between(dates, percentiles[0], percentiles[2], linewidth=0,
                                              **BAND_STYLE[name])

    def _draw(self, ds: xr.Dataset) -> None:
        a, axes = self._artists, self._axes
        dates = pd.DatetimeIndex(ds.time.values)
        flows = ds.isel(time=slice(0, -1))
        series = {"front": (axes["front"], dates, _percentiles(ds.front_total)),
                  "inflow": (axes["flows"], dates[:-1], _percentiles(flows.inflow)),
                  "losses": (axes["flows"], dates[:-1], _percentiles(flows.losses))}
        for name, (ax, x, percentiles) in series.items():
            self._band(ax, f"{name}_band", x, percentiles)
            a[f"{name}_median"].set_ydata(percentiles[1])
        reference = self._reference[self.scenario]
        new_scenario = self._drawn_scenario != self.scenario
        moved = [_fit(axes["front"], [series["front"][2], reference], new_scenario),
                 _fit(axes["flows"], [series["inflow"][2], series["losses"][2]], new_scenario)]
        if any(moved):  # image() draws the axes again
            self._background = None
        if new_scenario:  # image() draws everything again
            self._frame = None
            self._drawn_scenario = self.scenario
            a["front_reference"].set_ydata(reference)
            a["title"].set_text(f"Explorer, scenario '{self.scenario}': {self.n:,} Monte Carlo runs, "
                                f"levers fixed at the slider values")
            a["caption"].set_text(caption(ds.assign_attrs(parameters_digest="(see the line above)"),
                                          f"Every uncertain parameter but the levers is sampled over its registry "
                                          f"range (Latin hypercube, seed {self.seed})."))
        a["headline"].set_text(self.headline)
        a["levers"].set_text(self._levers_text(ds))

    def _levers_text(self, ds: xr.Dataset) -> str:
        """The levers moved from the scenario's values (short: it is redrawn on every update)."""
        defaults = self.defaults()
        moved = [f"{lever.key} {self.values[lever.name]:{self.ranges[lever.name].readout_format}} {lever.unit}"
                 + (f" from {lever.event.start} over {lever.event.months:g} mo" if lever.event else
                    f" (scenario: {defaults[lever.name]:{self.ranges[lever.name].readout_format}})")
                 for lever in LEVERS if not np.isclose(self.values[lever.name], defaults[lever.name])]
        text = (f"Levers moved from the scenario's values: {'; '.join(moved)}." if moved
                else "Levers at the scenario's values.")
        return "\n".join(textwrap.wrap(f"{text} Parameter digest {ds.attrs['parameters_digest']}.", 190))

    def image(self) -> bytes:
        """The current figure as PNG bytes (Agg), for an ``ipywidgets.Image``.

        Blitting in two layers keeps text, the slowest thing Agg draws, off the
        common path: the *frame* (titles, legends, the caption with its
        sources) is drawn when the scenario changes; the *axes* (ticks, grid,
        the reference line) over a copy of it when their limits move; on every
        update only the artists in :data:`DYNAMIC` are drawn, over a copy of both.
        """
        if self.figure is None:
            raise RuntimeError("call update() first")
        canvas = self.figure.canvas
        dynamic = [self._artists[name] for name in DYNAMIC]
        axes = list(self._axes.values())
        if self._frame is None:
            with _hidden(dynamic + axes):
                canvas.draw()
            self._frame = canvas.copy_from_bbox(self.figure.bbox)
            self._background = None
        if self._background is None:
            canvas.restore_region(self._frame)
            with _hidden(dynamic):
                for ax in axes:
                    self.figure.draw_artist(ax)
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in dynamic:
            self.figure.draw_artist(artist)
        buffer = io.BytesIO()
        PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
            buffer, format="png", compress_level=1)
        return buffer.getvalue()

    # ---- widgets ---------------------------------------------------------------------------

    def widgets(self):
        """An ipywidgets box: scenario dropdown, one slider per lever, the figure as a live image.

        Sliders report on release (``continuous_update=False``); each change
        re-runs the sample and replaces the image. Choosing a scenario moves
        the sliders to its own values and redraws once.
        """
        import ipywidgets as w

        scenario = w.Dropdown(options=scenario_names(), value=self.scenario, description="scenario")
        reset = w.Button(description="scenario's values", tooltip="move every slider to the scenario's own value")
        status = w.HTML()
        sliders = {}
        for lever in LEVERS:
            span = self.ranges[lever.name]
            sliders[lever.name] = w.FloatSlider(
                value=self.values[lever.name], min=span.low, max=span.high, step=span.step,
                description=lever.description, readout_format=span.readout_format, continuous_update=False,
                style={"description_width": "290px"}, layout=w.Layout(width="560px"))
        image = w.Image(format="png", layout=w.Layout(max_width="100%"))
        syncing = False

        def redraw(_change=None) -> None:
            if syncing:
                return
            started = time.perf_counter()
            self.update(scenario.value, **{name: s.value for name, s in sliders.items()})
            image.value = self.image()
            status.value = f"<small>{self.headline} &middot; redrawn in {time.perf_counter() - started:.2f} s</small>"

        def to_scenario_values(_change=None) -> None:
            nonlocal syncing
            syncing = True
            try:
                for name, value in self.defaults(scenario.value).items():
                    sliders[name].value = value
            finally:
                syncing = False
            redraw()

        for slider in sliders.values():
            slider.observe(redraw, names="value")
        scenario.observe(to_scenario_values, names="value")
        reset.on_click(to_scenario_values)
        redraw()
        controls = w.GridBox(list(sliders.values()), layout=w.Layout(grid_template_columns="repeat(auto-fill, 570px)"))
        return w.VBox([w.HBox([scenario, reset]), controls, status, image])

    # ---- provenance ------------------------------------------------------------------------

    def lever_table(self) -> pd.DataFrame:
        """Each lever: slider unit and range, the scenario's value, and where the registry's value comes from."""
        table = self.registry.table()
        params, _ = self._sampled(self.scenario)
        defaults = self.defaults()
        rows = []
        for lever in LEVERS:
            span, entry = self.ranges[lever.name], table.loc[lever.key]
            rows.append({"key": lever.key, "slider": lever.description, "slider unit": lever.unit,
                         "slider min": span.low, "slider max": span.high,
                         f"{self.scenario} value": (params[lever.key].provenance()["value"] if lever.event
                                                     else defaults[lever.name]),
                         "registry value": entry.value, "registry unit": entry.unit,
                         "low": entry.low, "high": entry.high,
                         **{column: entry[column] for column in ("source", "date", "quote", "assumption")}})
        return pd.DataFrame(rows).set_index("key")


def headline_text(ds: xr.Dataset) -> str:
    """Two lines: net balance over 12 months (median and 5–95% of runs); first deficit month (median of runs)."""
    year = min(12, ds.sizes["time"] - 1)
    p5, p50, p95 = np.round(np.percentile(flows_over(ds, year).net.values, BAND), -2)  # no false precision
    first = first_deficit_month(ds).values
    share = float(np.mean(~np.isnan(first)))
    middle = np.percentile(np.where(np.isnan(first), np.inf, first), 50, method="lower")
    when = (f"none within {ds.sizes['time'] - 1} months" if np.isinf(middle)
            else f"{pd.Timestamp(ds.time.values[int(middle)]):%b %Y}")
    return (f"Net balance over {year} months: {p50:+,.0f} persons (median; 5–95% of runs {p5:+,.0f} to {p95:+,.0f})"
            f"\nFirst deficit month: {when} (median of runs); {share:.0%} of runs have one")


def _percentiles(values: xr.DataArray) -> np.ndarray:
    """5th, 50th and 95th percentiles over runs, in thousands, shape (3, n_times)."""
    return np.percentile(values.transpose("run", "time").values, BAND, axis=0) / 1e3


@contextmanager
def _hidden(artists: list):
    """Leave ``artists`` out of a full draw (matplotlib skips animated artists)."""
    for artist in artists:
        artist.set_animated(True)
    try:
        yield
    finally:
        for artist in artists:
            artist.set_animated(False)


def _fit(ax, series: list, force: bool) -> bool:
    """Fit the y-axis to ``series`` if forced or if they leave it or fill under a third of it; say if it moved.

    Steady axes are what make a moved slider readable (and let the background be reused).
    """
    low = min(float(np.min(s)) for s in series)
    high = max(float(np.max(s)) for s in series)
    bottom, top = ax.get_ylim()
    if not force and bottom <= low and high <= top and (high - low) >= (top - bottom) / 3:
        return False
    pad = 0.15 * (high - low or abs(high) or 1.0)  # room to move before the axes must be drawn again
    ax.set_ylim(low - pad, high + pad)
    return True
