"""The hindcast: the model run over months already on record, driven by the recorded casualties.

``params/hindcast/calibration.yaml`` names the overlay that sets the starting
point (``params/hindcast/hindcast_2023.yaml``: the force and pools of January
2023), the first month, the last recorded month to use, the series that drives
the casualties, the parameters to fit and the observed series to compare with
(see :mod:`model.calibration.targets`). :func:`hindcast_params` returns the parameter set
with ``casualties.recorded`` filled from the driver series, so every month of
the hindcast takes the casualties that were reported for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..errors import InputError
from ..inputs.observed import OBSERVED_FOLDER, SERIES_FILE, load_observed
from ..inputs.parameters import ParameterSet, load_overlay, load_params
from ..inputs.paths import display, locate
from ..inputs.registry import Event, month
from ..inputs.schema import Strict, parse_file
from ..inputs.schedules import month_index, month_label
from ..core.structure import SOURCES

HINDCAST_FOLDER = "hindcast"
#: Parameters that act only in months the casualty record does not cover. The hindcast, every month of which is
#: recorded, does not read them, so the record cannot inform them: their posterior is their prior, and a projection
#: draws them from it (:func:`model.calibration.posterior.resample` leaves them out of what it shares).
AFTER_THE_RECORD = ("casualties.depletion_elasticity",)
CONFIG_FILE = "calibration.yaml"


class TargetSpec(Strict):
    """How one observed series is compared with the model (see :mod:`model.calibration.targets`)."""

    output: str
    measure: Literal["level", "annual", "increment"]
    #: One recruitment source, or several summed (Russian contract counts include conscripts who sign).
    source: str | list[str] | None = None
    floor: bool = False
    #: An upper bound (authorized strength): only a model value above it is a misfit.
    ceiling: bool = False

    @model_validator(mode="after")
    def _one_bound(self) -> TargetSpec:
        if self.floor and self.ceiling:
            raise ValueError("a target is a floor or a ceiling, not both")
        return self


class CalibrationConfig(Strict):
    overlay: str
    start: str
    #: The last recorded month fitted; absent: the driver record's last month (so a month appended is fitted).
    through: str | None = None
    driver: str
    fit: list[str] = Field(min_length=1)
    targets: dict[str, TargetSpec]
    party_bias_sd: float = Field(default=0.2, ge=0, le=2, allow_inf_nan=False)

    _months = field_validator("start", "through", mode="before")(lambda value: month(value))


def config_path(folder: str | Path | None = None) -> Path:
    return locate(f"{HINDCAST_FOLDER}/{CONFIG_FILE}", folder)


def load_config(folder: str | Path | None = None) -> CalibrationConfig:
    """The calibration configuration, validated (one-line error naming file and key).

    Each target must name an observed series, a model output and (if any) a source.
    """
    path = config_path(folder)
    config = parse_file(path, CalibrationConfig)
    where, series = display(path), load_observed(folder)
    for name, target in config.targets.items():
        if name not in series:
            raise InputError(where, f"targets.{name}", f"expected the name of an observed series ({', '.join(series)})")
        chosen = [target.source] if isinstance(target.source, str) else target.source or []
        unknown = [s for s in chosen if s not in SOURCES]
        if unknown or (target.source is not None and not chosen):
            raise InputError(where, f"targets.{name}.source", f"expected one or more of {', '.join(SOURCES)}, "
                                                              f"got {target.source!r}")
    return config


def horizon(start: str, through: str) -> int:
    """Months from the start of ``start`` to the end of ``through`` (both ``'YYYY-MM'``)."""
    return month_index(through) - month_index(start) + 1


def recorded_casualties(driver: str, start: str, through: str, folder: str | Path | None = None,
                        through_from: str | None = None) -> tuple[Event, ...]:
    """The driver series' monthly values from ``start`` to ``through`` as one-month events (persons).

    Raises :class:`InputError` when a month in that span is missing from the record, naming
    ``through_from`` (where ``through`` was given: a function such as ``calibrate``; default the
    calibration configuration) and the key ``through``.
    """
    observed = load_observed(folder)
    where = display(config_path(folder))
    if driver not in observed:
        raise InputError(where, "driver",
                         f"expected one of the observed series ({', '.join(observed)}), got {driver!r}")
    data = observed[driver].data["value"]
    months = {stamp.strftime("%Y-%m"): float(value) for stamp, value in data.items()}
    first = month_index(start)
    span = [month_label(first + i) for i in range(horizon(start, through))]
    missing = [m for m in span if m not in months]
    if missing:
        raise InputError(through_from or where, "through", f"expected months inside the {driver} record "
                         f"({min(months)} to {max(months)}); {missing[0]} is not recorded")
    return tuple(Event(start=m, size=months[m], months=1) for m in span)


def hindcast_params(config: CalibrationConfig | None = None, through: str | None = None,
                    folder: str | Path | None = None, scenario: str | None = None) -> tuple[ParameterSet, str, int]:
    """The hindcast's parameters, its first month and its length in months.

    ``through`` (``'YYYY-MM'``, default the configuration's) is the last month simulated.
    ``scenario`` (a name or the path of an overlay file) replaces the configured overlay
    as the parameters the record drives.
    """
    config = config or load_config(folder)
    given = through
    through = _checked_through(config, through, folder)
    overlay = config_path(folder).parent / config.overlay
    # The prior: a posterior stored from an earlier calibration must not be its own prior.
    params = load_params(scenario, folder=folder, prior=True) if scenario is not None else load_overlay(overlay, folder)
    recorded = recorded_casualties(config.driver, config.start, through, folder,
                                   through_from="calibrate" if given not in (None, config.through) else None)
    label = scenario if scenario is not None else display(overlay)
    params = params.with_values({"casualties.recorded": recorded},
                                where=f"{label} + {config.driver} record to {through}")
    return params, config.start, horizon(config.start, through)


def configured_through(config: CalibrationConfig, folder: str | Path | None = None) -> str:
    """The last month the hindcast runs to by default: the configuration's ``through``, or the driver record's last
    month when it names none."""
    if config.through is not None:
        return config.through
    observed = load_observed(folder)
    if config.driver not in observed:
        raise InputError(display(config_path(folder)), "driver",
                         f"expected one of the observed series ({', '.join(observed)}), got {config.driver!r}")
    return observed[config.driver].data.index.max().strftime("%Y-%m")


def _checked_through(config: CalibrationConfig, through: str | None, folder: str | Path | None) -> str:
    """``through`` (None: the configured one), checked: a month at least one after the hindcast's start. The error
    names where the month came from: the configuration's ``through``, the driver record's last month (when the
    configuration names none: the record is then too short), or the caller (``calibrate``)."""
    configured = configured_through(config, folder)
    through = configured if through is None else through
    from_record = config.through is None and through == configured
    where = display(config_path(folder)) if through == configured else "calibrate"
    try:
        month(through)
    except ValueError as exc:
        raise InputError(where, "through", str(exc)) from None
    if from_record:
        _check_record_reach(config, folder)
    if horizon(config.start, through) < 2:
        raise InputError(where, "through", f"expected a month after the hindcast's start {config.start}, "
                                           f"got {through}")
    return through


def _check_record_reach(config: CalibrationConfig, folder: str | Path | None) -> None:
    """Refuse a driver record that does not hold the hindcast's first two months, naming the record's file (the
    hindcast then runs to the record's last month: the record is too short, not the configuration wrong)."""
    series = load_observed(folder)[config.driver]
    months = series.data.index.strftime("%Y-%m")
    needed = month_label(month_index(config.start) + 1)
    if months.min() <= config.start and months.max() >= needed:
        return
    described = locate(f"{OBSERVED_FOLDER}/{SERIES_FILE}", folder)
    where = display(described.parent / series.meta.file) if series.meta.file else display(described)
    key = "(rows)" if series.meta.file else f"series.{config.driver}.points"
    raise InputError(where, key, f"expected the record to hold {config.start} to {needed} at least: the hindcast "
                                 f"({display(config_path(folder))}: start {config.start}) needs its first 2 months "
                                 f"recorded; the record holds {len(months)} month{'s' if len(months) != 1 else ''}, "
                                 f"{months.min()} to {months.max()}")
