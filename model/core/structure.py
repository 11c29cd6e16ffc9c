"""The model's structure as data: recruitment sources, stocks and flows.

Everything else is derived from these lists: the engine moves people along
:data:`FLOWS` (each takes from one stock and gives to another, so headcount is
conserved by construction), the results name their variables after them, and
the docs draw the diagram from them.

Stocks and their meaning (persons, per recruitment source):

``pool``
    People available to a finite recruitment channel and not yet recruited:
    reservists liable to call-up (``mobilized``), prisoners willing or pressed to
    sign (``prisoner``), naturalized migrants caught and held for dispatch
    (``migrant``), recruits in foreign pipelines (``foreign``), North Korean
    troops committed but not yet sent (``dprk``). Volunteers have no pool: they
    sign up from the population at large, outside the model's boundary.
``training``
    Recruited, not yet deployed.
``front``
    Deployed in the war zone, exposed to casualties.
``wounded``
    Wounded and in treatment; they return to the front or are discharged.

Sinks accumulate exits and never empty: ``killed_total``, ``captured_total``
(captured or missing), ``deserted_total``, ``discharged_total`` (permanently
unfit), ``released_total`` (end of service, rotation home) and
``emigrated_total`` (reservists who left the country to escape a mobilization
wave). They are not integrated step by step: each is the running sum of the
monthly totals of the flows into it.
"""

from __future__ import annotations

from .stockflow import Flow, Structure, StructureError, check, limit_order as _limit_order

#: Recruitment sources, in this order along the ``source`` dimension.
SOURCES: tuple[str, ...] = ("volunteer", "mobilized", "prisoner", "migrant", "foreign", "dprk")

#: Sources recruited from a finite pool (all but volunteers).
POOLED: tuple[str, ...] = SOURCES[1:]

#: Pooled sources whose pool is drawn down at a first-order rate (mobilization is scheduled instead).
DRAWN: tuple[str, ...] = ("prisoner", "migrant", "foreign", "dprk")

#: Stocks integrated at every step, in the order of the state array's first axis.
STOCKS: tuple[str, ...] = ("pool", "training", "front", "wounded")

#: Cumulative exits: they only fill.
SINKS: tuple[str, ...] = ("killed_total", "captured_total", "deserted_total", "discharged_total",
                          "released_total", "emigrated_total")


_CASUALTY_PARAMETERS = (
    "casualties.",
    "exposure.",
)

FLOWS: tuple[Flow, ...] = (
    Flow("pool_inflow", None, "pool", DRAWN,
         "People added to a finite recruitment pool: new prisoners, newly caught migrants "
         "(ongoing and in roundups), new foreign recruits, North Korean tranches",
         ("pool_inflow.", "migrant.", "dprk.tranches")),
    Flow("signups", None, "training", ("volunteer",),
         "Contract volunteers signing up, responding to bonus level and war fatigue",
         ("volunteer.",)),
    Flow("mobilization", "pool", "training", ("mobilized",),
         "Reservists called up in mobilization waves", ("mobilization.waves", "pool_initial.mobilized"),
         demand=True),
    Flow("emigration", "pool", "emigrated_total", ("mobilized",),
         "Reservists leaving the country to escape a mobilization wave",
         ("mobilization.",), demand=True),
    Flow("pool_draw", "pool", "training", DRAWN,
         "Recruitment from a finite pool at a first-order rate", ("draw_rate.", "pool_initial.")),
    Flow("graduation", "training", "front", SOURCES,
         "Recruits finishing training and deploying", ("training_time.",)),
    Flow("killed", "front", "killed_total", SOURCES,
         "Casualties who are killed", _CASUALTY_PARAMETERS, demand=True),
    Flow("wounded_in_action", "front", "wounded", SOURCES,
         "Casualties who are wounded and evacuated for treatment", _CASUALTY_PARAMETERS, demand=True),
    Flow("captured", "front", "captured_total", SOURCES,
         "Casualties who are captured or missing", _CASUALTY_PARAMETERS, demand=True),
    Flow("desertion", "front", "deserted_total", SOURCES,
         "Soldiers deserting or going absent without leave", ("desertion.rate",)),
    Flow("release", "front", "released_total", SOURCES,
         "Soldiers leaving at the end of their service or rotating home", ("release_rate.",)),
    Flow("return_to_duty", "wounded", "front", SOURCES,
         "Wounded returning to the front after recovery",
         ("wounded.recovery_time", "wounded.return_fraction")),
    Flow("discharge", "wounded", "discharged_total", SOURCES,
         "Wounded discharged as permanently unfit",
         ("wounded.recovery_time", "wounded.return_fraction")),
)

#: Flows that enlist new recruits (their sum is the ``recruitment`` output).
RECRUITMENT_FLOWS: tuple[str, ...] = ("signups", "mobilization", "pool_draw")

#: Flows that make up casualties (killed, wounded, captured or missing).
CASUALTY_FLOWS: tuple[str, ...] = ("killed", "wounded_in_action", "captured")

#: Flows that are permanent losses to the force (released men are not lost to the war).
PERMANENT_LOSS_FLOWS: tuple[str, ...] = ("killed", "captured", "desertion", "discharge")

for _group in (RECRUITMENT_FLOWS, CASUALTY_FLOWS, PERMANENT_LOSS_FLOWS):
    if not set(_group) <= {f.name for f in FLOWS}:
        raise StructureError(f"flow groups must name declared flows; unknown: {set(_group) - {f.name for f in FLOWS}}")
if len({f.origin for f in FLOWS if f.name in CASUALTY_FLOWS}) != 1:
    raise StructureError("casualty flows must all drain one stock (the exposed force)")

#: The stock that casualties are taken from; casualty demand that finds nobody there is its shortfall.
EXPOSED_STOCK: str = next(f.origin for f in FLOWS if f.name in CASUALTY_FLOWS)

#: The model's structure, checked as it is built (:class:`model.core.stockflow.Structure`): what the engine integrates.
STRUCTURE = Structure(subscript=SOURCES, stocks=STOCKS, sinks=SINKS, flows=FLOWS, shortfall_stock=EXPOSED_STOCK)

FLOW_NAMES: tuple[str, ...] = STRUCTURE.flow_names
flows_into = STRUCTURE.flows_into
flows_out_of = STRUCTURE.flows_out_of


def check_structure(flows, stocks=STOCKS, sinks=SINKS, sources=SOURCES) -> None:
    """:func:`model.core.stockflow.check` with the model's stocks, sinks and sources as defaults."""
    check(flows, stocks, sinks, sources)


def limit_order(flows=None, stocks=STOCKS) -> tuple[str, ...]:
    """:func:`model.core.stockflow.limit_order` of ``flows`` (default: the model's)."""
    return STRUCTURE.limit_order if flows is None else _limit_order(flows, stocks)
