"""The explorer's figure: two panels redrawn in place on every slider move, and the headline above them.

:class:`Panels` draws what :class:`~model.present.explorer.Explorer` computes: front
strength with the median and the 5–95% band of the runs, monthly inflow against
permanent losses, the headline (:func:`headline_text`), the levers moved and a
caption with the sources. It keeps its artists and changes their data, and
:meth:`Panels.image` redraws only what changed (blitting), so a move costs a
fraction of a full draw.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import Any

import numpy as np
import PIL.Image
import pandas as pd
import xarray as xr
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import style
from .labels import SEED_ANALYSIS, approximately, assumed_share, source_names, title_from_attrs
from .plots import date_axis, thousands
from ..results.summary import first_deficit_month, flows_over

BAND = (5, 50, 95)
#: Resolution of the live image (dots per inch).
DPI = 90
#: Artists that change on every update; Panels.image draws the rest only when the scenario or an axis changes.
DYNAMIC = ("front_band", "inflow_band", "losses_band", "front_median", "inflow_median", "losses_median",
           "headline", "levers")
_BLUE, _ORANGE = style.BLUE, style.ORANGE
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
    "losses_median": {"color": "black", "linestyle": "--", "linewidth": 2.2,
                      "label": "permanent losses, median\n(killed, captured, discharged\nas unfit, deserted)"},
}


class Panels:
    """The explorer's figure over the months ``dates``: built once, its data changed in place by :meth:`draw`.

    Parameters
    ----------
    dates : pandas.DatetimeIndex
        The months of the runs (start of each month); flows are drawn over all but the last.
    seed : int
        Seed of the runs' sample, named in the caption.
    """

    def __init__(self, dates: pd.DatetimeIndex, seed: int):
        self.seed = seed
        self._artists: dict[str, Any] = {}
        self.frame = self.background = None  # the two layers image() reuses, see there
        self._drawn_scenario = ""
        fig = Figure(figsize=(13, 9), dpi=DPI)
        FigureCanvasAgg(fig)
        front, flows = fig.subplots(2, 1, sharex=True)
        self._axes: dict[str, Any] = {"front": front, "flows": flows}
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
            thousands(ax)
            # Beside the axes, so the moving curves never run over it; the figure's, so image() draws it
            # only with the frame.
            fig.legend(*ax.get_legend_handles_labels(), loc="upper left", bbox_to_anchor=(1.01, 1.0),
                       bbox_transform=ax.transAxes, fontsize=8.5, frameon=False)
        date_axis(flows)
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

    def draw(self, ds: xr.Dataset, scenario: str, reference: np.ndarray, headline: str, levers: str) -> None:
        """Show the runs ``ds`` of ``scenario``, its median front at its own lever values (``reference``,
        thousand persons), the ``headline`` and the ``levers`` text."""
        a, axes = self._artists, self._axes
        dates = pd.DatetimeIndex(ds.time.values)
        flows = ds.isel(time=slice(0, -1))
        series = {"front": (axes["front"], dates, spread(ds.front_total)),
                  "inflow": (axes["flows"], dates[:-1], spread(flows.inflow)),
                  "losses": (axes["flows"], dates[:-1], spread(flows.losses))}
        for name, (ax, x, percentiles) in series.items():
            self._band(ax, f"{name}_band", x, percentiles)
            a[f"{name}_median"].set_ydata(percentiles[1])
        new_scenario = self._drawn_scenario != scenario
        moved = [_fit(axes["front"], [series["front"][2], reference], new_scenario),
                 _fit(axes["flows"], [series["inflow"][2], series["losses"][2]], new_scenario)]
        if any(moved):  # image() draws the axes again
            self.background = None
        if new_scenario:  # image() draws everything again
            self.frame = None
            self._drawn_scenario = scenario
            a["front_reference"].set_ydata(reference)
            a["title"].set_text(f"Explorer, {title_from_attrs(ds.attrs)}: {ds.sizes['run']:,} Monte Carlo runs, "
                                f"levers fixed at the slider values")
            assumed, total = assumed_share(ds.attrs["parameters"])
            a["caption"].set_text(style.footer_text(
                self.figure.get_figwidth() - 0.2, a["caption"].get_fontsize(),
                [SEED_ANALYSIS, *source_names(ds.attrs["parameters"])],
                f"{assumed} of {total} parameters are modelling assumptions; every uncertain parameter but the levers "
                "is sampled over its registry range (Latin hypercube)."))
        style.attach_metadata(self.figure, ds.attrs, seed=self.seed)  # the levers' digest: it changes with them
        a["headline"].set_text(headline)
        a["levers"].set_text(levers)

    def image(self) -> bytes:
        """The figure as PNG bytes (Agg), for an ``ipywidgets.Image``.

        Blitting in two layers keeps text, the slowest thing Agg draws, off the
        common path: the *frame* (titles, legends, the caption with its
        sources) is drawn when the scenario changes; the *axes* (ticks, grid,
        the reference line) over a copy of it when their limits move; on every
        update only the artists in :data:`DYNAMIC` are drawn, over a copy of both.
        """
        canvas = self.figure.canvas
        dynamic = [self._artists[name] for name in DYNAMIC]
        axes = list(self._axes.values())
        if self.frame is None:
            with _hidden(dynamic + axes):
                canvas.draw()
            self.frame = canvas.copy_from_bbox(self.figure.bbox)
            self.background = None
        if self.background is None:
            canvas.restore_region(self.frame)
            with _hidden(dynamic):
                for ax in axes:
                    self.figure.draw_artist(ax)
            self.background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self.background)
        for artist in dynamic:
            self.figure.draw_artist(artist)
        buffer = io.BytesIO()
        PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
            buffer, format="png", compress_level=1)
        return buffer.getvalue()


def headline_text(ds: xr.Dataset) -> str:
    """Two lines: net balance over 12 months (median and 5–95% of runs, two significant figures: no false
    precision); first deficit month (median of runs)."""
    year = min(12, ds.sizes["time"] - 1)
    p5, p50, p95 = (approximately(v) for v in np.percentile(flows_over(ds, year).net.values, BAND))  # 2 digits
    first = first_deficit_month(ds).values
    share = float(np.mean(~np.isnan(first)))
    middle = np.percentile(np.where(np.isnan(first), np.inf, first), 50, method="lower")
    when = (f"none within {ds.sizes['time'] - 1} months" if np.isinf(middle)
            else f"{pd.Timestamp(ds.time.values[int(middle)]):%b %Y}")
    return (f"Net balance over {year} months: {p50} persons (median; 5–95% of runs {p5} to {p95})"
            f"\nFirst deficit month: {when} (median of runs); {share:.0%} of runs have one")


def spread(values: xr.DataArray) -> np.ndarray:
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
