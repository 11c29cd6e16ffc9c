"""Calibration targets: observed values and the model quantities they are compared with.

A :class:`Target` is one observed number (or the change between two observed
numbers of a cumulative series), its standard deviation and the operator that
reads the same quantity from a simulated dataset, for every run at once:

- ``level``: the output at the observation's date. A stock is interpolated
  linearly in time between the month starts around the date; a flow is the
  total of the month containing the date (persons).
- ``annual``: the flow's total over the calendar year of the date (persons).
- ``increment``: the change in the flow's running total between two dates
  (persons), interpolated within months. Cumulative counts that began before
  the simulation (deaths since February 2022) then need no offset.

The standard deviation is the series' stated relative uncertainty times the
value (for an increment, times the root sum of squares of both ends). A
``floor`` target is a lower bound: only a model value below it is a misfit; a ``ceiling`` target (the decreed
authorized strength) an upper bound: only a model value above it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from ..errors import InputError
from .hindcast import CalibrationConfig, TargetSpec
from ..inputs.observed import Series
from ..results.outputs import OUTPUTS


@dataclass(frozen=True)
class Target:
    """One observed quantity and how to read it from a simulation.

    ``dates`` holds one date, or two for an increment; ``observed`` and ``sd`` are in persons.
    """

    series: str
    output: str
    source: str | tuple[str, ...] | None
    measure: str
    dates: tuple[pd.Timestamp, ...]
    observed: float
    sd: float
    floor: bool
    party_claim: bool
    ceiling: bool = False

    @property
    def bound(self) -> str:
        """``"floor"``, ``"ceiling"`` or ``""`` (a value to match)."""
        return "floor" if self.floor else "ceiling" if self.ceiling else ""

    @property
    def when(self) -> str:
        """The date, or the two dates of an increment, as text."""
        return " to ".join(d.strftime("%Y-%m-%d") for d in self.dates)


def check_outputs(config: CalibrationConfig, where: str) -> None:
    """Every target of the configuration (file ``where``) names a model output."""
    for name, target in config.targets.items():
        if target.output not in OUTPUTS:
            raise InputError(where, f"targets.{name}.output", f"expected a model output ({', '.join(OUTPUTS)}), "
                                                              f"got {target.output!r}")


def build_targets(config: CalibrationConfig, observed: dict[str, Series], start: str, months: int) -> list[Target]:
    """Every target of ``config`` whose dates fall inside the ``months`` simulated from ``start``."""
    first = pd.Timestamp(f"{start}-01")
    end = first + pd.DateOffset(months=months)
    targets = []
    for name, spec in config.targets.items():
        series = observed[name]
        data = series.data[(series.data.index >= first) & (series.data.index < end)]
        targets += _targets_of(name, spec, series, data, first, end)
    return targets


def _targets_of(name: str, spec: TargetSpec, series: Series, data: pd.DataFrame, first: pd.Timestamp,
                end: pd.Timestamp) -> list[Target]:
    relative = series.meta.uncertainty

    def target(dates: tuple[pd.Timestamp, ...], observed: float, sd: float) -> Target:
        source = tuple(spec.source) if isinstance(spec.source, list) else spec.source
        return Target(name, spec.output, source, spec.measure, dates, observed, sd, spec.floor,
                      series.meta.party_claim, spec.ceiling)

    values = data["value"]
    if spec.measure == "increment":
        pairs = zip(values.index[:-1], values.index[1:])
        return [target((a, b), values[b] - values[a], relative * float(np.hypot(values[a], values[b])))
                for a, b in pairs]
    if spec.measure == "annual":
        whole_years = [d for d in values.index
                       if pd.Timestamp(year=d.year, month=1, day=1) >= first
                       and pd.Timestamp(year=d.year + 1, month=1, day=1) <= end]
        return [target((d,), values[d], relative * values[d]) for d in whole_years]
    return [target((d,), values[d], relative * values[d]) for d in values.index]


def target_quantity(ds: xr.Dataset, target: Target) -> xr.DataArray:
    """The model's output that ``target`` is compared with: its output, summed over the sources it counts."""
    values = ds[target.output]
    if "source" in values.dims:
        chosen = [target.source] if isinstance(target.source, str) else target.source
        values = values.sel(source=list(chosen)).sum("source") if chosen else values.sum("source")
    return values


def _running_total(flow: xr.DataArray) -> xr.DataArray:
    """Persons moved from the start to each month label (the last label: the whole horizon)."""
    moved = flow.isel(time=slice(None, -1)).cumsum("time")
    start = xr.zeros_like(flow.isel(time=0))
    return xr.concat([start, moved.assign_coords(time=flow.time[1:])], dim="time")


def simulated(ds: xr.Dataset, target: Target) -> xr.DataArray:
    """The model's value of ``target`` (persons), for every run of ``ds``."""
    values = target_quantity(ds, target)
    is_stock = OUTPUTS[target.output].kind == "stock"
    if target.measure == "level" and is_stock:
        return values.interp(time=target.dates[0])
    if target.measure == "level":
        return values.sel(time=target.dates[0].to_period("M").to_timestamp())
    if target.measure == "annual":
        year = target.dates[0].year
        return values.sel(time=slice(f"{year}-01-01", f"{year}-12-01")).sum("time")
    total = _running_total(values)
    return total.interp(time=target.dates[1]) - total.interp(time=target.dates[0])


def simulated_table(ds: xr.Dataset, targets: list[Target]) -> np.ndarray:
    """The model's value of every target (persons), shape ``(runs, targets)`` (or ``(targets,)`` for one run)."""
    return np.stack([simulated(ds, target).values for target in targets], axis=-1)


def weighted_residuals(ds: xr.Dataset, targets: list[Target]) -> np.ndarray:
    """(simulated − observed) / sd for every target, shape ``(runs, targets)`` (or ``(targets,)``).

    A floor target counts only where the model falls below it, a ceiling only where it rises above it.
    """
    observed = np.array([t.observed for t in targets])
    gaps = (simulated_table(ds, targets) - observed) / np.array([t.sd for t in targets])
    gaps = np.where([t.floor for t in targets], np.minimum(gaps, 0.0), gaps)
    return np.where([t.ceiling for t in targets], np.maximum(gaps, 0.0), gaps)
