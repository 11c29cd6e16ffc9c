"""The schema of a sweep spec file (the format is described in :mod:`model.sweeps.spec`), and its grid axes.

What pydantic can check is checked here when the file is read (types, finite numbers, no booleans
where numbers belong, Sobol's size); what needs the scenarios, the model or the machine is checked by
:meth:`model.sweeps.spec.SweepSpec.validated`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, Field, FiniteFloat, model_validator

from ..core.defaults import DEFAULT_DT, DEFAULT_MONTHS, MAX_SOBOL_ROWS
from ..errors import InputError
from ..inputs import limits
from ..inputs.schema import Strict, validated
from ..inputs.start import default_start

#: Largest Latin hypercube (samples x dimensions) held in memory; beyond it use sobol or random.
MAX_LHS_CELLS = 50_000_000
#: Most grid points a spec may have (the points are held in memory as a list).
MAX_GRID_POINTS = 1_000_000
#: Most points of a Sobol sequence (scipy's default 30 bits).
MAX_SOBOL_SAMPLES = MAX_SOBOL_ROWS


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):  # YAML's `yes` and `true` are not numbers, whatever Python says
        raise ValueError(f"expected a number, got {value!r}")
    return value


#: A finite number that is not a boolean.
Number = Annotated[FiniteFloat, BeforeValidator(_not_bool)]


class Linspace(Strict):
    start: Number
    stop: Number
    num: int = Field(ge=1, le=MAX_GRID_POINTS, strict=True)


class Samples(Strict):
    n: int = Field(default=1, ge=1, strict=True)
    method: Literal["sobol", "random", "lhs"] = "sobol"
    vary: list[str] | None = None

    @model_validator(mode="after")
    def _sobol_limit(self) -> Samples:
        if self.method == "sobol" and self.n > MAX_SOBOL_SAMPLES:
            raise ValueError(f"expected n <= {MAX_SOBOL_SAMPLES:,} for sobol (scipy's 30 bits), got {self.n:,}; "
                             "use method: random")
        return self


class Keep(Strict):
    metrics: list[str] = ["net_12m", "net_horizon", "front_end", "front_change", "first_deficit_month"]
    series: list[str] = []
    #: Store every run's parameter values too (float32, compressed); without it they are regenerated on demand.
    parameters: bool = Field(default=False, strict=True)


class SpecFile(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")  # names the default store folder
    scenarios: list[str] = Field(default=["baseline"], min_length=1)
    months: int = Field(default=DEFAULT_MONTHS, strict=True)  # bounds: model.inputs.limits, checked at load
    dt: Number = DEFAULT_DT
    #: Per key, a list of values or ``{start, stop, num}``: checked by :func:`grid_axis`.
    grid: dict[str, Any] = {}
    samples: Samples = Samples()
    keep: Keep = Keep()
    seed: int = Field(default=0, strict=True)
    chunk: int = Field(default=20_000, ge=1, strict=True)
    #: Ignore the stored posterior: every scenario with the registry's values and ranges alone.
    prior: bool = Field(default=False, strict=True)

    start: str = Field(default_factory=default_start)  # the month after the data, fixed when the spec is read


def grid_axis(where: str, key: str, raw: Any) -> np.ndarray:
    """The values of one grid axis, from a non-empty list of numbers or ``{start, stop, num}``."""
    label = f"grid.{key}"
    if isinstance(raw, dict):
        axis = validated(Linspace, raw, where, prefix=label)
        return np.linspace(axis.start, axis.stop, axis.num)
    if not isinstance(raw, list) or not raw:
        raise InputError(where, label, f"expected a non-empty list of numbers or {{start, stop, num}}, got {raw!r}")
    return np.array([limits.finite(value, where, f"{label}[{i}]") for i, value in enumerate(raw)])
