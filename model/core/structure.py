"""The model's structure as data: recruitment sources, stocks and flows.

Everything else is derived from these lists: the engine moves people along
:data:`FLOWS` (each takes from one stock and gives to another, so headcount is
conserved by construction), the results name their variables after them, and
the docs draw the diagram from them.

Two levels of force. The **group in the war zone** (the "zone of the special
military operation", Russian border regions such as Kursk Oblast included) is
``front_new`` plus ``front_veteran``; the **armed forces** as a whole add the
men outside it (``rear``), in training, in treatment, absent without leave and
the conscripts serving their term (:data:`ARMED_FORCES`). Statements about
"troops in Ukraine" are compared with the first, the decreed authorized
strength with the second.

Stocks and their meaning (persons, per recruitment source):

``pool``
    People available to a finite recruitment channel and not yet recruited:
    reservists liable to call-up (``mobilized``), prisoners willing or pressed to
    sign (``prisoner``), naturalized migrants caught and held for dispatch
    (``migrant``), recruits in foreign pipelines (``foreign``), North Korean
    troops committed but not yet sent (``dprk``). Volunteers have no pool: they
    sign up from the population at large, outside the model's boundary.
``conscripts``
    Conscripts serving their term (``conscript`` only). They may not legally be
    sent to the war zone; part of them sign contracts (then they are recruits of
    the ``conscript`` source), and in an emergency some are sent in anyway.
``training``
    Recruited, not yet assigned.
``rear``
    In the armed forces outside the war zone: new formations, reserves, units
    elsewhere, the branches that do not fight in Ukraine.
``front_new``
    Newly deployed in the war zone, for their first months there (exposed to
    casualties at a higher rate than experienced men).
``front_veteran``
    Deployed in the war zone for longer than the seasoning time, or back from
    treatment or leave.
``wounded_light``, ``wounded_severe``
    Wounded in treatment, by severity; they return to the war zone or are
    discharged.
``absent``
    Absent without leave or deserted, not yet caught or returned; most are sent
    back to their units, the rest are lost to the force.

Sinks accumulate exits and never empty: ``killed_total``, ``captured_total``
(captured or missing), ``deserted_total`` (deserters never returned),
``discharged_total`` (permanently unfit), ``released_total`` (end of service
or term) and ``emigrated_total`` (reservists who left the country to escape a
mobilization wave). They are not integrated step by step: each is the running
sum of the monthly totals of the flows into it.
"""

from __future__ import annotations

from .stockflow import Flow, Structure, StructureError, check, limit_order as _limit_order

#: Recruitment sources, in this order along the ``source`` dimension.
SOURCES: tuple[str, ...] = ("volunteer", "mobilized", "prisoner", "migrant", "foreign", "dprk", "conscript")

#: Sources recruited from a finite pool.
POOLED: tuple[str, ...] = ("mobilized", "prisoner", "migrant", "foreign", "dprk")

#: Pooled sources whose pool is drawn down at a first-order rate (mobilization is scheduled instead).
DRAWN: tuple[str, ...] = ("prisoner", "migrant", "foreign", "dprk")

#: The source of conscripts who sign a contract (and of those sent to the war zone in an emergency).
CONSCRIPT: tuple[str, ...] = ("conscript",)

#: Stocks integrated at every step, in the order of the state array's first axis.
STOCKS: tuple[str, ...] = ("pool", "conscripts", "training", "rear", "front_new", "front_veteran",
                           "wounded_light", "wounded_severe", "absent")

#: What each stock holds, for people (results' attributes, the export's documentation).
STOCK_MEANINGS = {
    "pool": "People available to a finite recruitment channel, not yet recruited",
    "conscripts": "Conscripts serving their term",
    "training": "Recruited, not yet assigned",
    "rear": "In the armed forces outside the war zone (new formations, reserves, units elsewhere)",
    "front_new": "Newly deployed in the war zone (within the seasoning time)",
    "front_veteran": "Deployed in the war zone longer than the seasoning time, or back from treatment",
    "wounded_light": "Lightly wounded in treatment",
    "wounded_severe": "Severely wounded in treatment",
    "absent": "Absent without leave or deserted, not yet returned or lost",
}

#: Cumulative exits: they only fill.
SINKS: tuple[str, ...] = ("killed_total", "captured_total", "deserted_total", "discharged_total",
                          "released_total", "emigrated_total")

#: The group in the war zone: the stocks exposed to casualties.
WAR_ZONE: tuple[str, ...] = ("front_new", "front_veteran")

#: The armed forces' military personnel (conscripts included, as in the decrees on authorized strength).
ARMED_FORCES: tuple[str, ...] = ("conscripts", "training", "rear", *WAR_ZONE, "wounded_light", "wounded_severe",
                                 "absent")

#: The force levels an analyst reads, by output name: the stocks each combines.
LEVELS: dict[str, tuple[str, ...]] = {"front": WAR_ZONE, "armed_forces": ARMED_FORCES}

#: How each force level is named for people.
LEVEL_NAMES: dict[str, str] = {"front": "group in the war zone", "armed_forces": "armed forces"}

_CASUALTY_PARAMETERS = ("casualties.", "exposure.", "assault_share.")
_LIGHT = ("wounded.light_recovery_time", "wounded.light_return_fraction")
_SEVERE = ("wounded.severe_recovery_time", "wounded.severe_return_fraction")
_ABSENCE = ("desertion.return_fraction", "desertion.absence_time")
_SEVERITY = _CASUALTY_PARAMETERS + ("wounded.severe_fraction",)


def _casualty_flows(stock: str, suffix: str, who: str) -> tuple[Flow, ...]:
    """The four casualty flows out of one stock of the war zone (killed, captured, light and severe wounded)."""
    return (
        Flow(f"killed_{suffix}", stock, "killed_total", SOURCES, f"{who} killed", _CASUALTY_PARAMETERS, demand=True),
        Flow(f"captured_{suffix}", stock, "captured_total", SOURCES, f"{who} captured or missing",
             _CASUALTY_PARAMETERS, demand=True),
        Flow(f"wounded_light_{suffix}", stock, "wounded_light", SOURCES,
             f"{who} lightly wounded and evacuated for treatment", _SEVERITY, demand=True),
        Flow(f"wounded_severe_{suffix}", stock, "wounded_severe", SOURCES,
             f"{who} severely wounded and evacuated for treatment", _SEVERITY, demand=True),
    )


FLOWS: tuple[Flow, ...] = (
    Flow("pool_inflow", None, "pool", DRAWN,
         "People added to a finite recruitment pool: new prisoners, newly caught migrants "
         "(ongoing and in roundups), new foreign recruits, North Korean tranches",
         ("pool_inflow.", "migrant.", "dprk.tranches")),
    Flow("signups", None, "training", ("volunteer",),
         "Contract volunteers signing up, responding to the first-year payment relative to civilian wages and to "
         "war fatigue", ("volunteer.", "pay.", "wage.")),
    Flow("mobilization", "pool", "training", ("mobilized",),
         "Reservists called up in mobilization waves", ("mobilization.waves", "pool_initial.mobilized"),
         demand=True),
    Flow("emigration", "pool", "emigrated_total", ("mobilized",),
         "Reservists leaving the country to escape a mobilization wave",
         ("mobilization.",), demand=True),
    Flow("pool_draw", "pool", "training", DRAWN,
         "Recruitment from a finite pool at a first-order rate", ("draw_rate.", "pool_initial.")),
    Flow("call_up", None, "conscripts", CONSCRIPT,
         "Conscripts called up in the spring and autumn campaigns", ("conscription.campaigns",)),
    Flow("conversion", "conscripts", "training", CONSCRIPT,
         "Conscripts signing a contract during their term", ("conscription.conversion_share", "conscription.term")),
    Flow("demobilization", "conscripts", "released_total", CONSCRIPT,
         "Conscripts leaving at the end of their term", ("conscription.term",)),
    Flow("emergency_deployment", "conscripts", "front_new", CONSCRIPT,
         "Conscripts sent into the war zone in an emergency (as in Kursk Oblast in August 2024)",
         ("conscription.emergency",), demand=True),
    Flow("graduation", "training", "front_new", SOURCES,
         "Recruits finishing training and sent straight into the war zone", ("training_time.", "deploy_share.")),
    Flow("assignment", "training", "rear", SOURCES,
         "Recruits finishing training and assigned to new formations, reserves or units outside the war zone",
         ("training_time.", "deploy_share.")),
    Flow("deployment", "rear", "front_new", SOURCES,
         "Men sent from units outside the war zone into it", ("deployment.rate",)),
    Flow("rotation", "front_veteran", "rear", SOURCES,
         "Men rotated out of the war zone to units outside it", ("rotation.rate",)),
    Flow("seasoning", "front_new", "front_veteran", SOURCES,
         "Newly deployed men who have served the seasoning time in the war zone", ("seasoning.time",)),
    *_casualty_flows("front_new", "new", "Newly deployed men"),
    *_casualty_flows("front_veteran", "veteran", "Experienced men"),
    Flow("desertion_new", "front_new", "absent", SOURCES,
         "Newly deployed men going absent without leave or deserting", ("desertion.rate",)),
    Flow("desertion_veteran", "front_veteran", "absent", SOURCES,
         "Experienced men going absent without leave or deserting", ("desertion.rate",)),
    Flow("absence_return", "absent", "front_new", SOURCES,
         "Absentees caught or returning, sent back into the war zone", _ABSENCE),
    Flow("deserted", "absent", "deserted_total", SOURCES,
         "Absentees never returned: lost to the force", _ABSENCE),
    Flow("release", "front_veteran", "released_total", SOURCES,
         "Men leaving the war zone and the force at the end of their service", ("release_rate.",)),
    Flow("rear_release", "rear", "released_total", SOURCES,
         "Men leaving the force from units outside the war zone (end of contract, retirement)",
         ("rear.release_rate",)),
    Flow("return_light", "wounded_light", "front_veteran", SOURCES,
         "Lightly wounded returning to the war zone after recovery", _LIGHT),
    Flow("discharge_light", "wounded_light", "discharged_total", SOURCES,
         "Lightly wounded discharged as unfit", _LIGHT),
    Flow("return_severe", "wounded_severe", "front_veteran", SOURCES,
         "Severely wounded returning to the war zone after recovery", _SEVERE),
    Flow("discharge_severe", "wounded_severe", "discharged_total", SOURCES,
         "Severely wounded discharged as permanently unfit", _SEVERE),
)

def _both(*kinds: str) -> tuple[str, ...]:
    """The flows of each kind of casualty out of both stocks of the war zone."""
    return tuple(f"{kind}_{suffix}" for kind in kinds for suffix in ("new", "veteran"))


#: Flows that enlist new recruits (their sum is the ``recruitment`` output); conscripts who sign a contract are
#: counted, as Russian statements on contracts signed count them.
RECRUITMENT_FLOWS: tuple[str, ...] = ("signups", "mobilization", "pool_draw", "conversion")

#: Casualties as the Ukrainian General Staff counts them: killed, wounded, captured or missing.
CASUALTY_FLOWS: tuple[str, ...] = _both("killed", "captured", "wounded_light", "wounded_severe")

#: Deaths: the killed (died of wounds included; the missing are not).
DEATH_FLOWS: tuple[str, ...] = _both("killed")

#: Irrecoverable losses as Russian military usage counts them: killed, missing or captured, and discharged as
#: unfit after wounds.
IRRECOVERABLE_FLOWS: tuple[str, ...] = _both("killed", "captured") + ("discharge_light", "discharge_severe")

#: Flows that are permanent losses to the force: the irrecoverable losses and the deserters never returned
#: (released men and conscripts at the end of their term are not lost to the war).
PERMANENT_LOSS_FLOWS: tuple[str, ...] = IRRECOVERABLE_FLOWS + ("deserted",)

for _group in (RECRUITMENT_FLOWS, CASUALTY_FLOWS, DEATH_FLOWS, IRRECOVERABLE_FLOWS, PERMANENT_LOSS_FLOWS):
    if not set(_group) <= {f.name for f in FLOWS}:
        raise StructureError(f"flow groups must name declared flows; unknown: {set(_group) - {f.name for f in FLOWS}}")
if {f.origin for f in FLOWS if f.name in CASUALTY_FLOWS} != set(WAR_ZONE):
    raise StructureError("casualty flows must drain the stocks of the war zone, and only those")

#: The stock under which casualty demand that finds nobody in the war zone is recorded as shortfall.
EXPOSED_STOCK: str = WAR_ZONE[-1]

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
