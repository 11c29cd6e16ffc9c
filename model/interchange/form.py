"""The model of one parameter set as a list of system-dynamics variables: what every export writes.

:func:`build` lays out the whole structure (:data:`model.core.structure.STRUCTURE`)
and every equation of :mod:`model.dynamics.description` for one run, with the
values the engine itself would integrate (:func:`model.dynamics.equations.prepare`):

- **constants**: each registry parameter an equation reads (one value per source
  for per-source keys), with its unit, source, date and quote; the derived
  ``weight_initial``; the casualty mode as a 0/1 switch; masks naming the
  sources a flow runs along;
- **lookups over time**: the scheduled events, the recorded casualties, the share
  of each step the record covers and the run's casualty shocks, as step
  functions on the integration grid (two points per run of equal values, so
  the target reads exactly the engine's value at every step);
- **auxiliaries and flows**: the description's equations, a flow kept only along
  its own sources (times a mask, 1 along them and 0 elsewhere: exact, since every
  rate is finite; PySD cannot broadcast a scalar branch of ``IF THEN ELSE``);
- **the limiter** (:mod:`model.engine.limiter`) as equations: for each stock a
  demand flow may overdraw, what its outflows ask, what it can give within the
  step (what it holds, plus what reaches it from outside and from stocks
  already settled, in :attr:`~model.core.stockflow.Structure.limit_order`), and
  the factor ``where(asked > available, available / asked, 1)`` that scales all
  its outflows; a limited flow's unlimited rate is ``<flow>_asked``, and the
  shortfall (what demand flows lacked, persons/month) is an auxiliary;
- **stocks** with their initial values as :func:`~model.dynamics.equations.initial_state`
  sets them, and the **sinks** as stocks that only fill.

Euler's method only: the engine's RK4 combines its four stage rates per flow
before limiting them, which no system-dynamics tool's RK4 does, so an RK4
export would not be this model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._version import __version__
from ..core.structure import SINKS, SOURCES, STOCK_MEANINGS, STOCKS, STRUCTURE
from ..dynamics.description import EQUATIONS, SYMBOLS
from ..dynamics.dimensions import equation_quantities
from ..dynamics.equations import (CAMPAIGNS, EMERGENCY, EXPOSED0, FRONT_START, RECORD_COVERS, RECORDED, ROUNDUPS,
                                  SHOCK, TRANCHES, WAVES, FIRST_YEAR, SYSTEM, Inputs, runs_of)
from ..errors import InputError
from ..inputs.parameters import ParameterSet
from ..inputs.units import registry
from .expressions import is_subscripted, number, rename

#: Kinds of variable, in the order the writers group them.
KINDS = ("constant", "lookup", "auxiliary", "flow", "stock")
#: Rows of the prepared schedules behind each schedule symbol, and the derived series.
_SCHEDULE_ROWS = {"waves": WAVES, "tranches": TRANCHES, "roundups": ROUNDUPS, "campaigns": CAMPAIGNS,
                  "emergency": EMERGENCY, "recorded": RECORDED, "covered": RECORD_COVERS}
#: Units an export writes, tried in this order for an auxiliary's dimension (pint syntax).
_CANDIDATE_UNITS = ("person / month", "person", "1 / month", "month", "RUB", "RUB / month", "dimensionless")


@dataclass(frozen=True)
class Variable:
    """One variable of the exported model.

    Attributes
    ----------
    name : str
        Its name in the export (the engine's name where it has one).
    kind : str
        One of :data:`KINDS`.
    unit : str
        pint syntax (``"person / month"``, ``"dimensionless"``).
    doc : str
        What it is and where its value comes from.
    per_source : bool
        Subscripted by recruitment source.
    equation : str
        An auxiliary's or flow's equation, a stock's net flow (``inflows - outflows``), in the language of
        :mod:`model.interchange.expressions`; empty for constants and lookups.
    values : tuple of float
        A constant's value (one per source when ``per_source``).
    initial : str
        A stock's initial value: the name of a constant.
    points : tuple of (float, float)
        A lookup's points ``(time in months, value)``.
    inflows, outflows : tuple of str
        A stock's flows.
    group : str
        Where it belongs, for the writers' sections.
    """

    name: str
    kind: str
    unit: str
    doc: str
    per_source: bool = False
    equation: str = ""
    values: tuple[float, ...] = ()
    points: tuple[tuple[float, float], ...] = ()
    initial: str = ""
    inflows: tuple[str, ...] = ()
    outflows: tuple[str, ...] = ()
    group: str = ""


@dataclass(frozen=True)
class Form:
    """A whole model for one run: its variables, its integration settings and what it is (``about``, a sentence
    naming the scenario, the run of a sample, the parameters' digest and the version that wrote it)."""

    variables: tuple[Variable, ...]
    months: int
    dt: float
    start: str
    title: str
    about: str

    def variable(self, name: str) -> Variable:
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    @property
    def subscripted(self) -> dict[str, bool]:
        """Each variable's name and whether it runs along sources."""
        return {v.name: v.per_source for v in self.variables}


def build(params: ParameterSet, inputs: Inputs, months: int, dt: float, start: str, run: int | None = None,
          where: str = "export") -> Form:
    """The model as variables for one run of ``params``: the set itself, or run ``run`` of a batch.

    ``inputs`` is the set laid out for the engine over ``months`` months of steps of ``dt`` from ``start``
    (``'YYYY-MM'``) by :func:`~model.dynamics.equations.prepare`. Raises :class:`~model.errors.InputError` when
    ``run`` does not name a run of the set.
    """
    n_steps = months * int(round(1.0 / dt))
    chosen = _run_of(params, run, where)
    inputs = _one_run(inputs, params.batch_size, chosen)
    units = _units(params)
    limited = limited_stocks()
    variables: list[Variable] = []
    variables += _masks()
    variables += _constants(params, chosen, inputs)
    variables += _lookups(inputs, n_steps, dt)
    subscripted = {v.name: v.per_source for v in variables} | {s: True for s in STOCKS}
    names = _export_names(limited)
    for equation in EQUATIONS:
        expression = rename(equation.expression, names)
        per_source = equation.flow or is_subscripted(expression, subscripted)
        flow = STRUCTURE.flow(equation.name) if equation.flow else None
        if flow is not None and tuple(flow.sources) != SOURCES:
            expression = f"{_mask_name(flow.sources)} * ({expression})"
        name = names.get(equation.name, equation.name)
        kind = "flow" if flow is not None and flow.origin not in limited else "auxiliary"
        doc = equation.meaning + (f" (the rate asked, before the limiter of the {flow.origin} stock)"
                                  if name != equation.name else "")
        subscripted[name] = per_source
        group = "auxiliaries" if not equation.flow else "flows" if name == equation.name else "rates asked"
        variables.append(Variable(name, kind, units[equation.name], _sentence(doc), per_source, expression,
                                  group=group))
    for stock in (s for s in STRUCTURE.limit_order if s in limited):
        variables += _limiter(stock, limited)
    variables += _stocks(inputs)
    return Form(tuple(variables), months, float(dt), start, params.heading, _about(params, run, start, dt))


def _about(params: ParameterSet, run: int | None, start: str, dt: float) -> str:
    sample = next((p.override.where for p in params.values() if p.override is not None and p.override.sampled), "")
    drawn = f", run {run} of a {params.batch_size:,}-run {sample or 'batch'}" if run is not None else ""
    return (f"{params.heading}: scenario {params.scenario}{drawn}; parameters digest {params.digest()[:12]}. "
            f"Time 0 is the first day of {start}; time in months; Euler's method at a step of {number(dt)} month, "
            f"on which the lookups are laid out (export again with another --dt rather than change the step). "
            f"Written by manpower-model {__version__}.")


def _run_of(params: ParameterSet, run: int | None, where: str) -> int:
    if params.batch_size is None:
        if run not in (None, 0):
            raise InputError(where, "run", f"expected no run number for a single parameter set, got {run}")
        return 0
    if run is None or not 0 <= run < params.batch_size:
        raise InputError(where, "run", f"expected a run from 0 to {params.batch_size - 1} of the batch, got {run}")
    return run


def _one_run(inputs: Inputs, batch: int | None, run: int) -> Inputs:
    """The prepared inputs of run ``run`` only (a batch's per-run arrays cut to that run)."""
    return inputs if batch is None else runs_of(inputs, slice(run, run + 1))


def limited_stocks() -> dict[str, tuple[str, ...]]:
    """Each stock a demand flow may overdraw under Euler, and the sources along which it is limited."""
    plan = SYSTEM.plan
    return {stock: tuple(s for s, on in zip(SOURCES, plan.demand_limited[k]) if on)
            for k, stock in enumerate(STOCKS) if plan.demand_limited[k].any()}


def _export_names(limited: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """How the description's names read in the export: stocks as their non-negative part, a limited flow's rate
    as what it asks."""
    names = {stock: f"held({stock})" for stock in STOCKS}
    names |= {f.name: f"{f.name}_asked" for f in STRUCTURE.flows if f.origin in limited}
    return names


def _mask_name(sources: tuple[str, ...]) -> str:
    """The constant that is 1 along ``sources`` and 0 elsewhere (``only_mobilized``, ``among_prisoner_to_dprk``)."""
    if len(sources) == 1:
        return f"only_{sources[0]}"
    return f"among_{sources[0]}_to_{sources[-1]}"


def _masks() -> list[Variable]:
    runs = sorted({tuple(f.sources) for f in STRUCTURE.flows if tuple(f.sources) != SOURCES}
                  | {s.sources for s in SYMBOLS if s.kind == "schedule" and s.sources}, key=_mask_name)
    return [Variable(_mask_name(r), "constant", "dimensionless",
                     f"1 for the sources {', '.join(r)}, 0 for the others: the sources a flow or schedule runs "
                     "along.", True, values=tuple(1.0 if s in r else 0.0 for s in SOURCES), group="structure")
            for r in runs]


def _value(params: ParameterSet, key: str, run: int) -> float:
    value = np.asarray(params.value(key), dtype=float)
    return float(value if value.ndim == 0 else value[run])


def _cited(params: ParameterSet, key: str) -> str:
    """Where a parameter's value comes from, in one paragraph: key, source, date and quote, or the assumption, or
    the override that set it."""
    p = params[key].provenance()
    parts = [f"{key} ({p['description']})", f"Source: {p['source']}" + (f", {p['date']}" if p["date"] else "")]
    if p["quote"]:
        parts.append(f'Quote: "{p["quote"]}"')
    if p["assumption"]:
        parts.append(f"Assumption: {p['assumption']}")
    if p["replaces"]:
        parts.append(f"Replaces: {p['replaces']}")
    if p["low"] and p["high"]:
        parts.append(f"Plausible range {p['low']} to {p['high']} {p['unit']}")
    if p["url"]:
        parts.append(f"URL: {p['url']}")
    parts.append(f"Set in {p['file']}")
    return ". ".join(part.rstrip(".") for part in parts) + "."


#: The strengths of the war zone at the start that the equations compare with, by their rows of ``per_run``.
_ANCHORS = {"weight_initial": EXPOSED0, "front_start": FRONT_START}


def _constants(params: ParameterSet, run: int, inputs: Inputs) -> list[Variable]:
    out = []
    for symbol in SYMBOLS:
        if symbol.kind == "parameter":
            keys = [symbol.key.format(source=s) for s in symbol.sources] if symbol.sources else [symbol.key]
            if symbol.sources:
                values = tuple(_value(params, symbol.key.format(source=s), run) if s in symbol.sources
                               else symbol.default for s in SOURCES)
            else:
                values = (_value(params, symbol.key, run),)
            others = (f" Sources without a key of their own: {number(symbol.default)}."
                      if symbol.sources and set(symbol.sources) != set(SOURCES) else "")
            doc = _sentence(symbol.meaning) + others + " " + " ".join(_cited(params, k) for k in keys)
            out.append(Variable(symbol.name, "constant", params[keys[0]].unit, doc, bool(symbol.sources),
                                values=values, group="parameters"))
        elif symbol.kind == "switch":
            mode = params.value(symbol.key)
            out.append(Variable(symbol.name, "constant", "dimensionless",
                                f"{_sentence(symbol.meaning)} 1 or 0; here {mode}. {_cited(params, symbol.key)}",
                                values=(1.0 if mode == "endogenous" else 0.0,), group="parameters"))
        elif symbol.name == "first_year":
            out.append(Variable(symbol.name, "constant", symbol.unit, _sentence(symbol.meaning), values=(FIRST_YEAR,),
                                group="parameters"))
        elif symbol.name in _ANCHORS:
            out.append(Variable(symbol.name, "constant", symbol.unit,
                                f"{_sentence(symbol.meaning)} Computed by model.dynamics.equations.anchored for "
                                "this run.", values=(float(inputs.per_run[_ANCHORS[symbol.name], 0]),),
                                group="parameters"))
    return out


def _step_points(values: np.ndarray, dt: float) -> tuple[tuple[float, float], ...]:
    """A step function that reads ``values[k]`` throughout step k (times ``k·dt ± 0.4·dt``): two points per run
    of equal values, so that a target's linear interpolation gives the engine's value at every step exactly,
    even where its clock drifts by rounding."""
    points: list[tuple[float, float]] = []
    k = 0
    while k < len(values):
        end = k
        while end + 1 < len(values) and values[end + 1] == values[k]:
            end += 1
        points += [((k - 0.4) * dt, float(values[k])), ((end + 0.4) * dt, float(values[k]))]
        k = end + 1
    return tuple(points)


def _lookups(inputs: Inputs, n_steps: int, dt: float) -> list[Variable]:
    per_month = int(round(1.0 / dt))
    series = {name: inputs.schedules[row, :n_steps] for name, row in _SCHEDULE_ROWS.items()}
    series["casualty_shock"] = np.repeat(inputs.series[SHOCK, :, 0], per_month)[:n_steps]
    out = []
    for symbol in SYMBOLS:
        if symbol.name not in series:
            continue
        unit = "dimensionless" if symbol.unit == "1" else "person / month"
        name = f"{symbol.name}_schedule" if symbol.sources else symbol.name
        doc = (f"{_sentence(symbol.meaning)} On the integration grid, as model.inputs.schedules.step_rates lays it "
               "out: the value of each step from its start." if symbol.kind == "schedule" else
               f"{_sentence(symbol.meaning)} The value of each step, from model.dynamics.equations.prepare.")
        out.append(Variable(name, "lookup", unit, doc, points=_step_points(series[symbol.name], dt), group="schedules"))
        if symbol.sources:  # along its own sources only
            out.append(Variable(symbol.name, "auxiliary", unit, f"{_sentence(symbol.meaning)} Along its own "
                                f"sources ({', '.join(symbol.sources)}); 0 for the others.", True,
                                f"{_mask_name(symbol.sources)} * {name}", group="schedules"))
    return out


def _units(params: ParameterSet) -> dict[str, str]:
    """Every equation's unit (pint syntax), from the description evaluated in units (a source that has every key:
    the prisoners)."""
    ureg = registry()
    env = equation_quantities(params, "prisoner")
    out = {}
    for equation in EQUATIONS:
        quantity = env[equation.name]
        out[equation.name] = next(u for u in _CANDIDATE_UNITS
                                  if quantity.dimensionality == ureg.Unit(u).dimensionality)
    return out


def _limiter(stock: str, limited: dict[str, tuple[str, ...]]) -> list[Variable]:
    """The limiter of one stock as equations (see the module docstring)."""
    order = [s for s in STRUCTURE.limit_order if s in limited]
    settled = set(STOCKS) - set(limited) | set(order[:order.index(stock)])
    outflows = STRUCTURE.flows_out_of(stock)
    arriving = [f.name for f in STRUCTURE.flows_into(stock) if f.origin is None or f.origin in settled]
    asked, available, factor = f"{stock}_asked", f"{stock}_available", f"{stock}_factor"
    # available / asked where the outflows ask for more than the stock can give; the denominator is guarded so
    # that no target divides by zero where nothing is asked (PySD evaluates both branches of IF THEN ELSE).
    overdrawn = f"{asked} > {available}"
    rule = f"where({overdrawn}, {available} / where({overdrawn}, {asked}, 1), 1)"
    if limited[stock] != SOURCES:
        rule = f"where({_mask_name(limited[stock])} == 1, {rule}, 1)"
    demand = [f.name for f in outflows if f.demand]
    out = [
        Variable(asked, "auxiliary", "person / month", f"What the outflows of the {stock} stock ask for in the step.",
                 True, " + ".join(f"{f.name}_asked" for f in outflows), group="limiter"),
        Variable(available, "auxiliary", "person / month",
                 f"What the {stock} stock can give within the step: what it holds over the step, plus what reaches it "
                 "from outside or from stocks settled before it (" + (", ".join(arriving) or "none") + ").", True,
                 " + ".join([f"held({stock}) / dt", *arriving]), group="limiter"),
        Variable(factor, "auxiliary", "dimensionless",
                 f"The share of what they ask that the outflows of the {stock} stock get: 1 unless they would "
                 f"overdraw it (limited along {', '.join(limited[stock])}).", True, rule, group="limiter"),
        *(Variable(f.name, "flow", "person / month", _sentence(f.description) + f" After the limiter of the {stock} "
                   "stock.", True, f"{f.name}_asked * {factor}", group="flows") for f in outflows),
        Variable(f"{stock}_shortfall", "auxiliary", "person / month",
                 f"Demand on the {stock} stock that it could not meet ({', '.join(demand)}), summed over sources"
                 + ("; and the casualties that found nobody in the war zone (unallocated)."
                    if stock == STRUCTURE.shortfall_stock else "."),
                 False, f"total(({' + '.join(f'{d}_asked' for d in demand)}) * (1 - {factor}))"
                 + (" + unallocated" if stock == STRUCTURE.shortfall_stock else ""), group="limiter"),
    ]
    return out


def _stocks(inputs: Inputs) -> list[Variable]:
    out = []
    for k, stock in enumerate(STOCKS):
        inflows = tuple(f.name for f in STRUCTURE.flows_into(stock))
        outflows = tuple(f.name for f in STRUCTURE.flows_out_of(stock))
        out.append(Variable(f"initial_{stock}", "constant", "person",
                            f"The {stock} stock at the start, as model.dynamics.equations.initial_state sets it "
                            "from the registry.", True, values=tuple(float(x) for x in inputs.state0[k, :, 0]),
                            group="initial state"))
        out.append(Variable(stock, "stock", "person", _sentence(STOCK_MEANINGS[stock]), True,
                            _net(inflows, outflows), initial=f"initial_{stock}", inflows=inflows, outflows=outflows,
                            group="stocks"))
    out.append(Variable("nobody", "constant", "person", "An empty stock: where the sinks start.", True,
                        values=(0.0,) * len(SOURCES), group="initial state"))
    for sink in SINKS:
        inflows = tuple(f.name for f in STRUCTURE.flows_into(sink))
        out.append(Variable(sink, "stock", "person", f"Cumulative exits into {sink}: it only fills.", True,
                            _net(inflows, ()), initial="nobody", inflows=inflows, group="sinks"))
    return out


def _net(inflows: tuple[str, ...], outflows: tuple[str, ...]) -> str:
    return " ".join([" + ".join(inflows) or "0", *(f"- {f}" for f in outflows)])


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "."

