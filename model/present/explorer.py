"""Live explorer: sliders on the main levers re-run the vectorized model, like Vensim's SyntheSim.

An :class:`Explorer` holds one scenario's parameters and a fixed Monte Carlo
sample of its uncertain parameters (:func:`model.analysis.sampling.sample`). Each
:meth:`Explorer.update` sets the levers, the same value in every run of the
sample (a lever replaces the sampled value), re-runs all runs in one pass and
has :class:`~model.present.panels.Panels` redraw its figure in place: front
strength with the median and the 5–95% band of the runs (the uncertainty the
levers leave), monthly inflow against permanent losses, and a headline.
:meth:`Explorer.widgets` wires a dropdown and sliders to it with ipywidgets.

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

import textwrap
import time
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure

from ..errors import InputError
from ..inputs.parameters import BASELINE, ParameterSet, load_params, scenario_names
from ..inputs.registry import Event
from ..analysis.sampling import sample
from ..results.simulate import DEFAULT_DT, DEFAULT_START, simulate, simulate_arrays
from .levers import BY_NAME, LEVERS, display_factor, slider_range
from .panels import Panels, headline_text, spread

#: Outputs the explorer draws; keeping only these makes a re-run several times cheaper.
VARIABLES = ("front_total", "inflow", "losses", "net")
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
        scenarios = [load_params(name) for name in scenario_names()]
        self.ranges = {lever.name: slider_range(lever, self.registry, [float(np.mean(p.value(lever.key)))
                                                                      for p in scenarios if lever.event is None])
                       for lever in LEVERS}
        self._samples: dict[str, tuple[ParameterSet, ParameterSet]] = {}
        self._reference: dict[str, np.ndarray] = {}
        self.scenario = self._check_scenario(scenario)
        self.values = self.defaults()
        self.panels: Panels | None = None
        self.result: xr.Dataset | None = None
        self.headline = ""

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
        return {lever.name: 0.0 if lever.event
                else round(float(params.value(lever.key)) * display_factor(lever, params), 12) for lever in LEVERS}

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
                overrides[lever.key] = value / display_factor(lever, params)
            elif value > 0:
                extra = Event(start=lever.event.start, size=value, months=lever.event.months)
                overrides[lever.key] = params.value(lever.key) + (extra,)
        return batch.with_values(overrides, where="Explorer.update")

    def run(self, scenario: str | None = None, **values: float) -> xr.Dataset:
        """Every run of the sample with the levers set (the outputs in :data:`VARIABLES`)."""
        return simulate(self.parameters(scenario, **values), months=self.months, dt=DEFAULT_DT,
                        start=DEFAULT_START, variables=list(VARIABLES))

    def _median_front(self, scenario: str) -> np.ndarray:
        """The median front of the scenario's own sample (thousands, per month): numbers only, so the lean path."""
        front = simulate_arrays(self.parameters(scenario), months=self.months, dt=DEFAULT_DT, start=DEFAULT_START,
                                variables=["front_total"])["front_total"]
        return spread(xr.DataArray(front, dims=("time", "run")))[1]

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
            self._reference[self.scenario] = self._median_front(self.scenario)
        self.result = ds
        self.headline = headline_text(ds)
        if self.panels is None:
            self.panels = Panels(pd.DatetimeIndex(ds.time.values), self.seed)
        self.panels.draw(ds, self.scenario, self._reference[self.scenario], self.headline, self._levers_text(ds))
        return self.panels.figure

    @property
    def figure(self) -> Figure | None:
        """The figure :meth:`update` draws (``None`` before the first update)."""
        return None if self.panels is None else self.panels.figure

    def image(self) -> bytes:
        """The current figure as PNG bytes, for an ``ipywidgets.Image`` (:meth:`~model.present.panels.Panels.image`)."""
        if self.panels is None:
            raise RuntimeError("call update() first")
        return self.panels.image()

    def _levers_text(self, ds: xr.Dataset) -> str:
        """The levers moved from the scenario's values (short: it is redrawn on every update)."""
        defaults = self.defaults()
        moved = [f"{lever.key} {self.values[lever.name]:{self.ranges[lever.name].readout_format}} {lever.unit}"
                 + (f" from {lever.event.start} over {lever.event.months:g} mo" if lever.event else
                    f" (scenario: {defaults[lever.name]:{self.ranges[lever.name].readout_format}})")
                 for lever in LEVERS if not np.isclose(self.values[lever.name], defaults[lever.name])]
        text = (f"Levers moved from the scenario's values: {'; '.join(moved)}." if moved
                else "Levers at the scenario's values.")
        return "\n".join(textwrap.wrap(text, 190))  # the digest goes with the figure (Panels.draw), not in it

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
