"""The lean path: a run's numbers as plain arrays, with no labels and no provenance.

:func:`simulate_arrays` runs what :func:`model.simulate` runs (the same checks, the
same engine call, the same outputs) and returns each output as a numpy array,
run axis last even for a single parameter set. Callers that only need numbers
(the break-even search, least squares, the explorer's reference band) use it and
skip the dataset; :func:`model.simulate` labels the very same arrays
(:func:`model.results.dataset.to_dataset`), so both paths give the same numbers
bit for bit.

Shapes, in persons (a special output in its own unit, :data:`model.results.outputs.OUTPUTS`):
``(months + 1, n_sources, n)`` for an output by source, ``(months + 1, n_stocks, n)`` for
``shortfall``, ``(months + 1, n)`` for the others; a stock under a month is its value at
the start of the month, a flow under a month its total over the month, and flows are NaN
in the last month, which holds the end state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..core.defaults import DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START
from ..core.structure import FLOW_NAMES, SOURCES, STOCKS
from ..dynamics.equations import (SYSTEM, Inputs, bonus, growth_rates, largest_fractional_outflows, pay_to_wage,
                                  prepare)
from ..engine import integrator as engine
from ..engine.trajectory import Observations, Trajectory
from ..errors import InputError
from ..inputs import limits
from ..inputs.parameters import ParameterSet
from ..inputs.start import resolve_start
from .outputs import FALLBACKS, NEEDS, OUTPUTS


@dataclass(frozen=True)
class Selection:
    """The outputs asked for, split by how the engine keeps them."""

    names: tuple[str, ...]
    groups: dict[tuple[str, bool], list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, variables: Sequence[str] | None) -> Selection:
        names = tuple(OUTPUTS) if variables is None else tuple(variables)
        names = tuple(dict.fromkeys(n for name in names for n in (name, *NEEDS.get(name, ()))))
        unknown = [v for v in names if v not in OUTPUTS]
        if unknown:
            raise InputError("simulate", "variables",
                             f"unknown output {unknown[0]!r}; expected some of {', '.join(OUTPUTS)}")
        groups: dict[tuple[str, bool], list[str]] = {(k, p): [] for k in ("flow", "stock") for p in (True, False)}
        for name in names:
            meta = OUTPUTS[name]
            if meta.kind != "special":
                groups[(meta.kind, meta.per_source)].append(name)
        return cls(names, groups)

    def observations(self) -> Observations:
        def matrix(kind: str, per_source: bool) -> np.ndarray:
            columns = FLOW_NAMES if kind == "flow" else STOCKS
            rows = self.groups[(kind, per_source)]
            weights = np.zeros((len(rows), len(columns)))
            for i, name in enumerate(rows):
                for column, weight in OUTPUTS[name].weights.items():
                    weights[i, columns.index(column)] = weight
            return weights

        return Observations(matrix("flow", True), matrix("flow", False), matrix("stock", True),
                            matrix("stock", False), shortfall="shortfall" in self.names)


def simulate_arrays(params: ParameterSet, months: int = DEFAULT_MONTHS, dt: float = DEFAULT_DT,
                    start: str | None = DEFAULT_START, integrator: str = "euler",
                    variables: Sequence[str] | None = None, threads: int | None = None) -> dict[str, np.ndarray]:
    """:func:`model.simulate`'s numbers without the dataset: output name -> array, run axis last.

    Takes :func:`model.simulate`'s arguments and refuses what it refuses (options,
    a step too long for the rates, growth that would overflow, a result that is
    not finite). The outputs are those asked for, those they need and, under
    RK4, :data:`~model.results.outputs.FALLBACKS`; shapes in the module docstring.
    """
    start = checked_start(params, months, dt, start, integrator)
    return run_arrays(params, months, dt, start, integrator, variables, threads)


def checked_start(params: ParameterSet, months: int, dt: float, start: str | None, integrator: str) -> str:
    """The first month of a run (``'YYYY-MM'``, :func:`~model.inputs.start.resolve_start`), once its options pass."""
    limits.months(months, "simulate")
    limits.step(dt, "simulate")
    if start is not None:
        limits.month(start, "simulate")
    if integrator not in engine.METHODS:
        raise InputError("simulate", "integrator", f"expected one of {', '.join(engine.METHODS)}, got {integrator!r}")
    return resolve_start(start, params.folder)


def run_arrays(params: ParameterSet, months: int, dt: float, start: str, integrator: str,
               variables: Sequence[str] | None, threads: int | None) -> dict[str, np.ndarray]:
    """:func:`simulate_arrays` from a checked ``start`` (:func:`checked_start`)."""
    selection = Selection.of(variables)
    limits.memory(result_values(params.batch_size or 1, months, dt, variables), "simulate", "months",
                  f"{params.batch_size or 1:,} runs of {months:,} months")
    return integrate_inputs(checked_inputs(params, months, dt, start), params, months, dt, integrator, selection,
                            threads)


def integrate_inputs(inputs: Inputs, params: ParameterSet, months: int, dt: float, integrator: str,
                     selection: Selection, threads: int | None = None) -> dict[str, np.ndarray]:
    """The outputs of ``selection`` (:func:`output_arrays`) of ``inputs``, the layout of ``params``
    (:func:`checked_inputs`, perhaps with coefficients set by the caller), over ``months`` months of steps of
    ``dt``; a result that is not finite is refused, naming the parameters of ``params`` farthest outside their
    ranges."""
    trajectory = engine.integrate(SYSTEM, inputs.state0, inputs, months, dt, selection.observations(), integrator,
                                  threads)
    _check_finite(trajectory, params)
    return output_arrays(trajectory, selection, inputs, integrator)


def checked_inputs(params: ParameterSet, months: int, dt: float, start: str) -> Inputs:
    """The set laid out for the engine (:func:`~model.dynamics.equations.prepare`) over ``months`` months of steps
    of ``dt`` from a checked ``start``, once it passes the checks every run passes: a step short enough for every
    stock's proportional outflows, exponential growth that cannot overflow over the horizon."""
    inputs = prepare(params, start, months * int(round(1.0 / dt)), dt)
    problem = engine.check_step(dt, largest_fractional_outflows(inputs))
    if problem:
        raise InputError("simulate", "dt", problem)
    _check_growth(inputs, months)
    return inputs


def output_arrays(trajectory: Trajectory, selection: Selection, inputs: Inputs, method: str) -> dict[str, np.ndarray]:
    """Each selected output's values (views of what the engine kept, or computed from it), in selection order."""
    months = trajectory.shortfall.shape[0] - 1
    kept = {("flow", True): trajectory.flows_by_source, ("flow", False): trajectory.flows_total,
            ("stock", True): trajectory.stocks_by_source, ("stock", False): trajectory.stocks_total}
    arrays: dict[str, np.ndarray] = {}
    for (kind, per_source), names in selection.groups.items():
        for i, name in enumerate(names):
            arrays[name] = kept[(kind, per_source)][:, i]
    names = selection.names
    if "bonus" in names:
        arrays["bonus"] = bonus(inputs, np.arange(months + 1.0))
    signers = arrays.get("contract_signers")
    if "recruitment_cost" in names:
        arrays["recruitment_cost"] = bonus(inputs, np.arange(months + 1.0) + 0.5) * signers
    if "federal_line_use" in names:
        arrays["federal_line_use"] = inputs.federal_bonus * signers / inputs.federal_line
    if "pay_to_wage" in names:
        arrays["pay_to_wage"] = pay_to_wage(inputs, np.arange(months + 1.0))
    if "shortfall" in names:
        arrays["shortfall"] = trajectory.shortfall
    if method == "rk4" or FALLBACKS in names:  # always kept under RK4: a result says where it is less accurate
        arrays[FALLBACKS] = trajectory.fallbacks
        names = tuple(dict.fromkeys(names + (FALLBACKS,)))
    return {name: arrays[name] for name in names}


def result_values(runs: int, months: int, dt: float, variables: Sequence[str] | None = None) -> float:
    """How many float64 numbers a :func:`model.simulate` call holds at its peak (results twice, plus the step grid).

    The results are kept by the engine and copied once into the dataset; the
    step grid holds a handful of schedules per step.
    """
    observations = Selection.of(variables).observations()
    per_month = (len(observations.flows_by_source) * len(SOURCES) + len(observations.flows_total)
                 + len(observations.stocks_by_source) * len(SOURCES) + len(observations.stocks_total)
                 + len(STOCKS) * observations.shortfall + 1)
    steps = months * round(1.0 / dt)
    return 2.0 * runs * (months + 1) * per_month + 8.0 * steps


def _check_growth(inputs: Inputs, months: int) -> None:
    """Refuse, before the run, exponential growth that would overflow: growth x horizon at most ln(MAX_MAGNITUDE)."""
    largest = np.log(limits.MAX_MAGNITUDE)
    for keys, growth in growth_rates(inputs).items():
        worst = float(np.max(growth)) * months
        if worst > largest:
            raise InputError("simulate", keys, f"expected growth x horizon of at most {largest:.3g} (a factor of "
                                               f"{limits.MAX_MAGNITUDE:g}), got {worst:.3g} over {months} months")


def _check_finite(trajectory: Trajectory, params: ParameterSet) -> None:
    """Refuse a run whose numbers overflowed: a result that is not finite is never an answer."""
    kept = (trajectory.flows_by_source[:-1], trajectory.flows_total[:-1], trajectory.stocks_by_source,
            trajectory.stocks_total, trajectory.shortfall[:-1])
    if all(limits.within_magnitude(a) for a in kept):
        return
    raise InputError("simulate", ", ".join(_far_outside(params)) or "(parameters)",
                     f"expected finite results of magnitude at most {limits.MAX_MAGNITUDE:g} persons; the run "
                     "overflowed: bring these values back towards their plausible ranges")


def _far_outside(params: ParameterSet, top: int = 3) -> list[str]:
    """The numeric parameters furthest outside their plausible range, in units of its width (most first)."""
    distance = {}
    for key, p in params.items():
        if p.spec.numeric and p.low is not None:
            values = np.asarray(p.value, dtype=float)
            width = max(p.high - p.low, abs(p.high), 1e-12)
            beyond = float(np.max(np.maximum(values - p.high, p.low - values))) / width
            if beyond > 0:
                distance[key] = beyond
    return sorted(distance, key=distance.get, reverse=True)[:top]
