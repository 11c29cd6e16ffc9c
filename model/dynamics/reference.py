"""The rates of :mod:`model.dynamics.description`, evaluated plainly: with numpy arrays, or with pint units.

Neither is fast, and neither is used by the engine. The numpy evaluation
(:func:`rates`) is what the compiled kernel is tested against on random
states; the pint evaluation (:func:`units`) is the dimensional check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from ..core.structure import FLOWS, SOURCES, STOCKS
from ..inputs.parameters import ParameterSet
from ..inputs.schedules import step_rates
from ..inputs.start import resolve_start
from .description import EQUATIONS, SYMBOLS, Symbol
from .casualty_paths import casualty_shocks, recorded_events
from .equations import (FIRST_YEAR, exposure_weight, prepare, record_coverage,
                        registered_exposure, war_zone_strength)

_FLOW = {f.name: f for f in FLOWS}


def evaluate(values: Mapping[str, object], functions: Mapping[str, Callable]) -> dict[str, object]:
    """Every equation of the description, in order, over ``values`` (one per symbol) and ``functions``."""
    env = dict(values)
    scope = {"__builtins__": {}, **functions}
    for equation in EQUATIONS:
        env[equation.name] = eval(compile(equation.expression, equation.name, "eval"), scope, env)  # noqa: S307
    return env


def _total(x):
    return np.sum(x, axis=0) if np.ndim(x) == 2 else x


def _inverse(x):
    x = np.asarray(x, dtype=float)
    return np.divide(1.0, x, out=np.zeros(x.shape), where=x != 0)


NUMPY = {"exp": np.exp, "maximum": np.maximum, "where": np.where, "total": _total, "inverse": _inverse}


def _by_source(symbol: Symbol, value: Callable[[str], object], n: int) -> np.ndarray:
    return np.stack([np.broadcast_to(np.asarray(value(s) if s in symbol.sources else symbol.default, dtype=float),
                                     (n,)) for s in SOURCES])


def numpy_values(params: ParameterSet, state: np.ndarray, t: float, step: int, start: str, dt: float
                 ) -> dict[str, object]:
    """Each symbol's value: stocks from ``state (len(STOCKS), 7, n)``, at ``t`` months, in step ``step``."""
    n = state.shape[-1]
    v = params.value
    n_steps = step + 1
    month = step // int(round(1.0 / dt))
    # The casualty record the run is driven by: casualties.recorded, and under the fitted process the record itself.
    events = {"casualties.recorded": recorded_events(params, start, month + 1)}
    values: dict[str, object] = {"t": float(t), "dt": float(dt), "endogenous": v("casualties.mode") == "endogenous"}
    for k, stock in enumerate(STOCKS):
        values[stock] = np.maximum(state[k], 0.0)
    for symbol in SYMBOLS:
        if symbol.kind == "parameter":
            values[symbol.name] = (_by_source(symbol, lambda s, key=symbol.key: v(key.format(source=s)), n)
                                   if symbol.sources else np.broadcast_to(np.asarray(v(symbol.key), dtype=float), (n,)))
        elif symbol.kind == "schedule":
            rate = step_rates(events.get(symbol.key, v(symbol.key)), start, n_steps, dt)[step]
            values[symbol.name] = _by_source(symbol, lambda s, rate=rate: rate, 1) if symbol.sources else rate
    inputs = prepare(params, start, n_steps, dt)
    values["weight_initial"] = exposure_weight(*registered_exposure(params, n), inputs.state0)
    values["front_start"] = war_zone_strength(inputs.state0)
    values["first_year"] = FIRST_YEAR
    values["covered"] = record_coverage(events["casualties.recorded"], start, n_steps, dt)[step]
    values["casualty_shock"] = casualty_shocks(params, start, month + 1)[month]
    return values


def rates(params: ParameterSet, state: np.ndarray, t: float = 0.0, step: int = 0, start: str | None = None,
          dt: float = 0.25) -> dict[str, np.ndarray]:
    """Every flow's rate (persons/month), shape ``(7, n)``: zero outside the flow's own sources; and, under
    ``"unallocated"``, the casualty demand that found nobody (persons/month, shape ``(n,)``). ``start`` None is
    the month after the data (:func:`model.inputs.start.resolve_start`)."""
    env = evaluate(numpy_values(params, state, t, step, resolve_start(start, params.folder), dt), NUMPY)
    out = {"unallocated": np.broadcast_to(np.asarray(env["unallocated"], dtype=float), state.shape[-1:])}
    for name, flow in _FLOW.items():
        value = np.broadcast_to(np.asarray(env[name], dtype=float), state.shape[1:])
        kept = np.zeros(state.shape[1:])
        rows = [SOURCES.index(s) for s in flow.sources]
        kept[rows] = value[rows]
        out[name] = kept
    return out
