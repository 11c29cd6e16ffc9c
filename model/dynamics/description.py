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
``where(condition, a, b)``; ``total(x)``, the sum over sources; ``inverse(x)``,
``1 / x``, or 0 where ``x`` is 0. Stocks are read as their
non-negative part (the limiter may leave rounding residue of either sign,
about 1e-12 persons, in a stock it empties).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..core.structure import CONSCRIPT, DRAWN, FLOW_NAMES, POOLED, SOURCES, STOCKS


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
    _parameter("depletion_elasticity", "casualties.depletion_elasticity",
               "how far the exogenous casualty level falls when the group in the war zone falls below its "
               "strength at the start: 0 not at all, 1 in proportion"),
    _parameter("killed_fraction", "casualties.killed_fraction", "share of casualties killed"),
    _parameter("captured_fraction", "casualties.captured_fraction", "share of casualties captured or missing"),
    _parameter("severe_fraction", "wounded.severe_fraction", "share of the wounded who are severely wounded"),
    _parameter("light_recovery_time", "wounded.light_recovery_time", "time in treatment of the lightly wounded"),
    _parameter("light_return_fraction", "wounded.light_return_fraction",
               "share of the lightly wounded who return to duty"),
    _parameter("severe_recovery_time", "wounded.severe_recovery_time", "time in treatment of the severely wounded"),
    _parameter("severe_return_fraction", "wounded.severe_return_fraction",
               "share of the severely wounded who return to duty"),
    _parameter("desertion_rate", "desertion.rate", "rate of going absent without leave or deserting, in the war zone"),
    _parameter("absence_return_fraction", "desertion.return_fraction", "share of absentees sent back to their units"),
    _parameter("absence_time", "desertion.absence_time", "time absent before return or loss"),
    _parameter("signups0", "volunteer.signups", "volunteer sign-ups per month at the start"),
    _parameter("pay_elasticity", "volunteer.pay_elasticity",
               "elasticity of sign-ups to the first-year payment relative to civilian wages"),
    _parameter("fatigue_rate", "volunteer.fatigue_rate", "decline of sign-ups with war fatigue"),
    _parameter("pay_monthly", "pay.monthly", "monthly pay of a contract soldier in the war zone, at the start"),
    _parameter("pay_growth", "pay.growth", "growth rate of the monthly pay (its indexation)"),
    _parameter("federal_bonus", "pay.federal_bonus", "federal one-time payment on signing, at the start"),
    _parameter("federal_change", "pay.federal_change", "a change of the federal payment from the start on (a "
                                                        "scenario's policy: 0 in the baseline)"),
    _parameter("regional_bonus0", "pay.regional_bonus", "average regional one-time payment on signing, at the start"),
    _parameter("regional_growth", "pay.regional_growth", "growth rate of the regional payment while budgets allow"),
    _parameter("regional_ceiling", "pay.regional_ceiling", "average regional payment that regional budgets can carry"),
    _parameter("wage_growth", "wage.growth", "growth rate of the average civilian wage"),
    Symbol("first_year", "months of pay in a contract's first year (12)", "derived", unit="month"),
    _parameter("send_fraction", "migrant.roundup_send_fraction", "share of migrants caught in roundups who are sent"),
    _parameter("emigration_ratio", "mobilization.emigration_ratio", "emigrants per reservist called up"),
    _parameter("novice_ratio", "exposure.novice_ratio",
               "casualty risk of the newly deployed relative to experienced men"),
    _parameter("assault_ratio", "exposure.assault_ratio", "casualty risk in assault roles relative to other roles"),
    _parameter("assault_share", "assault_share.{source}", "share of a source's men in the war zone in assault roles",
               SOURCES),
    _parameter("training_time", "training_time.{source}", "time from recruitment to assignment", SOURCES),
    _parameter("deploy_share", "deploy_share.{source}", "share of trained recruits sent straight into the war zone",
               SOURCES),
    _parameter("release_rate", "release_rate.{source}", "rate of leaving the war zone and the force at the end of "
                                                        "service", SOURCES),
    _parameter("deployment_rate", "deployment.rate", "rate at which men outside the war zone are sent into it"),
    _parameter("rotation_rate", "rotation.rate", "rate at which experienced men are rotated out of the war zone"),
    _parameter("rear_release_rate", "rear.release_rate", "rate of leaving the force from outside the war zone"),
    _parameter("seasoning_time", "seasoning.time", "time after deployment until a man counts as experienced"),
    _parameter("conscript_term", "conscription.term", "conscripts' term of service"),
    _parameter("conversion_share", "conscription.conversion_share",
               "share of a conscript cohort that signs a contract during its term"),
    _parameter("base_pool_inflow", "pool_inflow.{source}", "ongoing inflow to a finite pool",
               ("prisoner", "migrant", "foreign")),
    _parameter("draw_rate", "draw_rate.{source}", "rate at which a finite pool is recruited", DRAWN),
    Symbol("weight_initial", "the exposure-weighted strength of the war zone at the start: "
                             "`total(role * (novice_ratio * front_new + front_veteran))` of the initial state "
                             "(model/dynamics/equations.py) with the exposures (assault shares and ratios) at their "
                             "registered values, so that casualties at the start are the level for the registered "
                             "mix, and a run, scenario or override with more men in assault roles takes more",
           "derived", "force.deployed_total", unit="person",
           also=(*(f"front_initial.{s}" for s in POOLED), "seasoning.time", "exposure.novice_ratio",
                 "exposure.assault_ratio", *(f"assault_share.{s}" for s in SOURCES))),
    Symbol("front_start", "the group in the war zone at the start: `total(front_new + front_veteran)` of the "
                          "initial state (model/dynamics/equations.py), the reference of `depletion`",
           "derived", "force.deployed_total", unit="person", also=tuple(f"front_initial.{s}" for s in POOLED)),
    Symbol("waves", "mobilization waves (`mobilization.waves`), spread over their months", "schedule",
           "mobilization.waves", ("mobilized",)),
    Symbol("tranches", "North Korean tranches (`dprk.tranches`), spread over their months", "schedule",
           "dprk.tranches", ("dprk",)),
    Symbol("roundups", "migrants caught in roundups (`migrant.roundups`), spread over their months", "schedule",
           "migrant.roundups", ("migrant",)),
    Symbol("campaigns", "conscription campaigns (`conscription.campaigns`), spread over their months", "schedule",
           "conscription.campaigns", CONSCRIPT),
    Symbol("emergency", "conscripts sent into the war zone in an emergency (`conscription.emergency`), spread over "
                        "their months", "schedule", "conscription.emergency", CONSCRIPT),
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


def _casualty_outcomes(group: str, people: str) -> tuple[Equation, ...]:
    """One group's casualties split into killed, captured, severely and lightly wounded (persons/month)."""
    return (
        Equation(f"killed_{group}", f"killed_fraction * casualties_{group}", f"{people} killed"),
        Equation(f"captured_{group}", f"captured_fraction * casualties_{group}", f"{people} captured or missing"),
        _aux(f"wounded_{group}", f"casualties_{group} - killed_{group} - captured_{group}", f"{people} wounded"),
        Equation(f"wounded_severe_{group}", f"severe_fraction * wounded_{group}", f"{people} severely wounded"),
        Equation(f"wounded_light_{group}", f"wounded_{group} - wounded_severe_{group}", f"{people} lightly wounded"),
    )


#: In evaluation order: each expression reads symbols and the equations above it.
EQUATIONS: tuple[Equation, ...] = (
    Equation("call_up", "campaigns", "conscripts called up"),
    Equation("demobilization", "conscripts / conscript_term", "conscripts at the end of their term"),
    Equation("conversion", "conversion_share / (1 - conversion_share) / conscript_term * conscripts",
             "conscripts signing a contract: at this rate a share `conversion_share` of a cohort signs before its "
             "term ends"),
    Equation("emergency_deployment", "emergency", "conscripts sent into the war zone in an emergency"),
    _aux("graduating", "training / training_time", "recruits finishing training"),
    Equation("graduation", "deploy_share * graduating", "recruits sent straight into the war zone"),
    Equation("assignment", "graduating - graduation", "recruits assigned outside the war zone"),
    Equation("deployment", "deployment_rate * rear", "men sent into the war zone from outside it"),
    Equation("rotation", "rotation_rate * front_veteran", "men rotated out of the war zone"),
    Equation("seasoning", "front_new / seasoning_time", "newly deployed men becoming experienced"),
    _aux("recovering_light", "wounded_light / light_recovery_time", "lightly wounded leaving treatment"),
    Equation("return_light", "light_return_fraction * recovering_light", "lightly wounded returning to duty"),
    Equation("discharge_light", "recovering_light - return_light", "lightly wounded discharged as unfit"),
    _aux("recovering_severe", "wounded_severe / severe_recovery_time", "severely wounded leaving treatment"),
    Equation("return_severe", "severe_return_fraction * recovering_severe", "severely wounded returning to duty"),
    Equation("discharge_severe", "recovering_severe - return_severe", "severely wounded discharged as unfit"),
    _aux("coming_back", "absent / absence_time", "absentees leaving absence"),
    Equation("absence_return", "absence_return_fraction * coming_back", "absentees sent back to their units"),
    Equation("deserted", "coming_back - absence_return", "absentees lost to the force"),
    _aux("arrivals_new", "graduation + deployment + absence_return + emergency_deployment",
         "people reaching the newly deployed"),
    _aux("arrivals_veteran", "seasoning + return_light + return_severe", "people reaching the experienced"),
    _aux("strength_new", "where(endogenous, front_new, maximum(front_new, dt / 2 * arrivals_new))",
         "newly deployed strength casualties are shared by: where the stock is empty, the people reaching it within "
         "half a step"),
    _aux("strength_veteran", "where(endogenous, front_veteran, maximum(front_veteran, dt / 2 * arrivals_veteran))",
         "experienced strength casualties are shared by, with the same rule"),
    _aux("role", "1 + assault_share * (assault_ratio - 1)", "a source's casualty risk from its mix of roles, relative "
                                                             "to men in other roles than assault"),
    _aux("weight_new", "role * novice_ratio * strength_new", "exposure-weighted newly deployed strength"),
    _aux("weight_veteran", "role * strength_veteran", "exposure-weighted experienced strength"),
    _aux("exposed", "total(weight_new + weight_veteran)", "exposure-weighted strength of the war zone"),
    _aux("front_strength", "total(front_new + front_veteran)", "the group in the war zone"),
    _aux("depletion", "where(endogenous, 1, where(front_strength < front_start, "
                      "front_strength * inverse(front_start), 1) ** depletion_elasticity)",
         "the exogenous level's factor for a depleted war zone: its strength over the start's, to the power of the "
         "elasticity, where it has fallen below the start (1 otherwise, and without a start)"),
    _aux("level", "covered * recorded "
                  "+ (1 - covered) * casualty_level * exp(casualty_growth * t) * casualty_shock * depletion",
         "casualties per month: the record where it covers the step, elsewhere the level, grown and moved by the "
         "month's shock, lowered where the war zone is depleted"),
    _aux("per_weight", "where(endogenous, level * inverse(weight_initial), level * inverse(exposed))",
         "casualties per exposure-weighted man: exogenous, the level shared by weight; endogenous, the level scaled "
         "by the exposure-weighted strength relative to the start"),
    _aux("unallocated", "where(endogenous, 0 * level, where(exposed > 0, 0 * level, level))",
         "casualty demand that finds nobody exposed (the war zone empty, nobody arriving): the shortfall"),
    _aux("casualties_new", "weight_new * per_weight", "casualties among the newly deployed"),
    _aux("casualties_veteran", "weight_veteran * per_weight", "casualties among the experienced"),
    *_casualty_outcomes("new", "newly deployed"),
    *_casualty_outcomes("veteran", "experienced"),
    _aux("regional_bonus", "regional_ceiling * regional_bonus0 / (regional_bonus0 + (regional_ceiling - "
                           "regional_bonus0) * exp(-regional_growth * t))",
         "average regional payment: grows at `regional_growth` while far below what regional budgets can carry, "
         "and levels off at `regional_ceiling` (logistic)"),
    _aux("payment_ratio", "(first_year * pay_monthly * exp(pay_growth * t) + federal_bonus + federal_change + "
                          "regional_bonus) / (first_year * pay_monthly + federal_bonus + regional_bonus0)",
         "the first-year payment (a year's pay and both signing payments) relative to the payment at the start "
         "at which `signups0` holds: a policy change of the federal payment moves it from the first month"),
    Equation("signups", "signups0 * payment_ratio ** pay_elasticity * exp(-(pay_elasticity * wage_growth + "
                        "fatigue_rate) * t)",
             "volunteers signing up: the first-year payment relative to the civilian wage (growing at `wage_growth`) "
             "raises them with the elasticity; fatigue lowers them"),
    Equation("mobilization", "waves", "reservists called up"),
    Equation("emigration", "emigration_ratio * waves", "reservists leaving the country"),
    Equation("pool_inflow", "base_pool_inflow + send_fraction * roundups + tranches",
             "people added to a finite pool"),
    Equation("pool_draw", "draw_rate * pool", "recruitment from a finite pool"),
    Equation("desertion_new", "desertion_rate * front_new", "newly deployed men going absent"),
    Equation("desertion_veteran", "desertion_rate * front_veteran", "experienced men going absent"),
    Equation("release", "release_rate * front_veteran", "men leaving at the end of service"),
    Equation("rear_release", "rear_release_rate * rear", "men leaving the force from outside the war zone"),
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
        "over sources, `inverse(x)` is `1 / x` (0 where `x` is 0), stocks are read as their non-negative "
        "part.", "", *rows, "", "Symbols:", "", *symbols])
