"""Every rate of the model written once, as data: symbols, auxiliaries and flow equations.

Each equation is a Python expression over the :data:`SYMBOLS` and the
equations before it. From this one description come the docs' equations
(:func:`markdown`), the dimensional check (:mod:`model.dynamics.dimensions`,
evaluated with pint), and a plain numpy evaluation of every rate
(:mod:`model.dynamics.reference`) against which the compiled kernel
(:func:`model.dynamics.equations.flow_rates`) is tested on random states, so
the kernel cannot drift from what the docs say. A symbol marked per source is
an array along the ``source`` axis; an expression over it is evaluated for
every source at once, and a flow is kept only along its own sources
(:attr:`model.core.stockflow.Flow.sources`).

Functions an expression may call: ``exp``; ``maximum(a, b)`` (elementwise);
``where(condition, a, b)``; ``total(x)``, the sum over sources; ``share(x)``,
``x / total(x)``, or 0 where the total is 0. Stocks are read as their
non-negative part (the limiter may leave rounding residue of either sign,
about 1e-12 persons, in a stock it empties).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..core.structure import DRAWN, FLOW_NAMES, POOLED, SOURCES, STOCKS


@dataclass(frozen=True)
class Symbol:
    """A name an equation reads.

    Attributes
    ----------
    name : str
    meaning : str
    kind : str
        ``"parameter"`` (a registry key; ``{source}`` in ``key`` for one key per source), ``"schedule"`` (a
        registry schedule as persons/month on the step grid), ``"stock"`` (persons), ``"time"`` (months),
        ``"switch"`` (true or false) or ``"derived"`` (computed from other keys, see ``meaning``).
    key : str
        Registry key (or template with ``{source}``); empty for stocks, time and switches.
    sources : tuple of str
        For per-source keys and schedules: the sources that have one (the others read ``default``).
    default : float
        Value for the sources without a key.
    unit : str
        Unit of symbols without a registry key (stocks, time, derived): pint syntax.
    also : tuple of str
        Further registry keys a derived symbol is computed from.
    """

    name: str
    meaning: str
    kind: str
    key: str = ""
    sources: tuple[str, ...] = ()
    default: float = 0.0
    unit: str = ""
    also: tuple[str, ...] = ()

    @property
    def per_source(self) -> bool:
        return bool(self.sources) or self.kind == "stock"


def _parameter(name: str, key: str, meaning: str, sources: tuple[str, ...] = (), default: float = 0.0) -> Symbol:
    return Symbol(name, meaning, "parameter", key, sources, default)


SYMBOLS: tuple[Symbol, ...] = (
    *(Symbol(s, f"the {s} stock", "stock", unit="person") for s in STOCKS),
    Symbol("t", "time since the start of the run", "time", unit="month"),
    Symbol("dt", "the integration step", "time", unit="month"),
    Symbol("endogenous", "casualty mode: true when casualties scale with the exposed force "
                         "(`casualties.mode` = endogenous)", "switch", "casualties.mode"),
    _parameter("casualty_level", "casualties.monthly", "casualties per month at the start"),
    _parameter("casualty_growth", "casualties.growth_rate", "growth rate of the casualty level"),
    _parameter("killed_fraction", "casualties.killed_fraction", "share of casualties killed"),
    _parameter("captured_fraction", "casualties.captured_fraction", "share of casualties captured or missing"),
    _parameter("recovery_time", "wounded.recovery_time", "time in treatment"),
    _parameter("return_fraction", "wounded.return_fraction", "share of the wounded who return to duty"),
    _parameter("desertion_rate", "desertion.rate", "desertion rate of the deployed force"),
    _parameter("signups0", "volunteer.signups", "volunteer sign-ups per month at the start"),
    _parameter("bonus_elasticity", "volunteer.bonus_elasticity", "elasticity of sign-ups to the bonus"),
    _parameter("bonus_growth", "volunteer.bonus_growth", "growth rate of the sign-up bonus"),
    _parameter("fatigue_rate", "volunteer.fatigue_rate", "decline of sign-ups with war fatigue"),
    _parameter("send_fraction", "migrant.roundup_send_fraction", "share of migrants caught in roundups who are sent"),
    _parameter("emigration_ratio", "mobilization.emigration_ratio", "emigrants per reservist called up"),
    _parameter("exposure", "exposure.{source}", "exposure to casualties relative to volunteers (volunteers: 1 by "
                                                "definition)", POOLED, default=1.0),
    _parameter("training_time", "training_time.{source}", "time from recruitment to deployment", SOURCES),
    _parameter("release_rate", "release_rate.{source}", "rate of leaving at the end of service", SOURCES),
    _parameter("base_pool_inflow", "pool_inflow.{source}", "ongoing inflow to a finite pool",
               ("prisoner", "migrant", "foreign")),
    _parameter("draw_rate", "draw_rate.{source}", "rate at which a finite pool is recruited", DRAWN),
    Symbol("front_initial", "deployed force at the start: `front_initial.{source}` for pooled sources, volunteers "
                            "the remainder of `force.deployed_total`", "derived", "front_initial.{source}",
           POOLED, unit="person", also=("force.deployed_total",)),
    Symbol("waves", "mobilization waves (`mobilization.waves`), spread over their months", "schedule",
           "mobilization.waves", ("mobilized",)),
    Symbol("tranches", "North Korean tranches (`dprk.tranches`), spread over their months", "schedule",
           "dprk.tranches", ("dprk",)),
    Symbol("roundups", "migrants caught in roundups (`migrant.roundups`), spread over their months", "schedule",
           "migrant.roundups", ("migrant",)),
    Symbol("recorded", "recorded casualties (`casualties.recorded`; under the fitted casualty process also the "
                       "observed record's months) in the months the record covers", "schedule", "casualties.recorded"),
    Symbol("covered", "share of the step that the casualty record covers", "derived", "casualties.recorded",
           unit="1"),
    Symbol("casualty_shock", "the month's factor on the casualty level: 1 under `casualties.process` = trend; "
                             "under fitted, the record or the run's path of the fitted casualty process over the "
                             "registry value of `casualties.monthly` (model/dynamics/casualty_paths.py)", "derived",
           "casualties.process", unit="1", also=("casualties.monthly",)),
)


@dataclass(frozen=True)
class Equation:
    """``name = expression``: an auxiliary (``flow`` False) or the rate of the flow ``name`` (persons/month)."""

    name: str
    expression: str
    meaning: str
    flow: bool = True


def _aux(name: str, expression: str, meaning: str) -> Equation:
    return Equation(name, expression, meaning, flow=False)


#: In evaluation order: each expression reads symbols and the equations above it.
EQUATIONS: tuple[Equation, ...] = (
    _aux("recovering", "wounded / recovery_time", "wounded leaving treatment"),
    Equation("graduation", "training / training_time", "recruits finishing training"),
    Equation("return_to_duty", "return_fraction * recovering", "wounded returning to the front"),
    Equation("discharge", "recovering - return_to_duty", "wounded discharged as unfit"),
    _aux("arrivals", "graduation + return_to_duty", "people reaching the front"),
    _aux("strength", "where(endogenous, front, maximum(front, dt / 2 * arrivals))",
         "strength casualties are shared by: a source whose front is empty takes casualties among the people "
         "reaching it within half a step"),
    _aux("weight", "exposure * strength", "exposure-weighted strength"),
    _aux("level", "covered * recorded + (1 - covered) * casualty_level * exp(casualty_growth * t) * casualty_shock",
         "casualties per month: the record where it covers the step, elsewhere the level, grown and moved by the "
         "month's shock"),
    _aux("casualties", "where(endogenous, level * weight / total(exposure * front_initial), level * share(weight))",
         "casualties of each source: exogenous, the level shared by weight; endogenous, the level scaled by the "
         "exposed force relative to the start"),
    _aux("unallocated", "where(endogenous, 0 * level, where(total(weight) > 0, 0 * level, level))",
         "casualty demand that finds nobody exposed (every source's front empty, nobody arriving): the shortfall"),
    Equation("killed", "killed_fraction * casualties", "casualties killed"),
    Equation("captured", "captured_fraction * casualties", "casualties captured or missing"),
    Equation("wounded_in_action", "casualties - killed - captured", "casualties wounded and evacuated"),
    Equation("signups", "signups0 * exp((bonus_elasticity * bonus_growth - fatigue_rate) * t)",
             "volunteers signing up: the bonus, bonus0 · exp(bonus_growth · t), raises them with the elasticity; "
             "fatigue lowers them"),
    Equation("mobilization", "waves", "reservists called up"),
    Equation("emigration", "emigration_ratio * waves", "reservists leaving the country"),
    Equation("pool_inflow", "base_pool_inflow + send_fraction * roundups + tranches",
             "people added to a finite pool"),
    Equation("pool_draw", "draw_rate * pool", "recruitment from a finite pool"),
    Equation("desertion", "desertion_rate * front", "soldiers deserting"),
    Equation("release", "release_rate * front", "soldiers leaving at the end of service"),
)

_NAMES = [s.name for s in SYMBOLS] + [e.name for e in EQUATIONS]
if len(set(_NAMES)) != len(_NAMES):
    raise ValueError("a symbol and an equation share a name")
if sorted(e.name for e in EQUATIONS if e.flow) != sorted(FLOW_NAMES):
    raise ValueError("every flow needs exactly one equation")

SYMBOL = {s.name: s for s in SYMBOLS}


def names_read(expression: str) -> set[str]:
    """The symbols, equations and functions ``expression`` names."""
    return {node.id for node in ast.walk(ast.parse(expression, mode="eval")) if isinstance(node, ast.Name)}


def keys_read(name: str) -> set[str]:
    """Registry keys (``{source}`` expanded to each source that has one) the equation ``name`` reads, directly or
    through the equations it uses; stocks are not followed (their own flows carry their keys)."""
    equation = {e.name: e for e in EQUATIONS}
    keys: set[str] = set()
    for used in names_read(equation[name].expression):
        if used in equation:
            keys |= keys_read(used)
        elif used in SYMBOL and SYMBOL[used].key:
            symbol = SYMBOL[used]
            keys |= {symbol.key.format(source=s) for s in symbol.sources} if "{source}" in symbol.key \
                else {symbol.key}
            keys |= set(symbol.also)
    return keys


def markdown() -> str:
    """The equations and their symbols as Markdown tables (for ``docs/MODEL.md``)."""
    rows = ["| name | = | meaning |", "|---|---|---|"]
    for e in EQUATIONS:
        name = f"**`{e.name}`**" if e.flow else f"`{e.name}`"
        rows.append(f"| {name} | `{e.expression}` | {e.meaning} |")
    symbols = ["| symbol | meaning | registry key | sources |", "|---|---|---|---|"]
    for s in SYMBOLS:
        key = f"`{s.key}`" if s.key and s.kind in ("parameter", "schedule", "switch") else ""
        where = ", ".join(s.sources) if s.sources else ("every source" if s.kind == "stock" else "")
        if s.sources and s.kind in ("parameter", "schedule") and set(s.sources) != set(SOURCES):
            where += f" (other sources: {s.default:g})"
        symbols.append(f"| `{s.name}` | {s.meaning} | {key} | {where} |")
    return "\n".join([
        "Flow rates (bold, persons per month) and the auxiliaries they use, in evaluation order. Per-source "
        "symbols hold one value per recruitment source; a flow is kept only along its own sources. `total(x)` sums "
        "over sources, `share(x)` is `x / total(x)` (0 where the total is 0), stocks are read as their non-negative "
        "part.", "", *rows, "", "Symbols:", "", *symbols])
