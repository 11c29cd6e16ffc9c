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

from collections.abc import Sequence
from dataclasses import dataclass

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



@dataclass(frozen=True)
class Flow:
    """One flow of people from one stock to another.

    Attributes
    ----------
    name : str
        Name of the flow and of its output variable (persons per month).
    origin : str or None
        Stock it drains; ``None`` when people enter from outside the model.
    target : str
        Stock or sink it fills.
    sources : tuple of str
        Recruitment sources along which it runs (a contiguous run of :data:`SOURCES`).
    description : str
        What it is, for docs and output attributes.
    parameters : tuple of str
        Registry keys (or key prefixes ending in ``.``) that set its rate, so an
        output can be traced to its inputs.
    demand : bool
        True when its rate is set from outside (a schedule or a casualty level)
        rather than as a fraction of the stock it drains: such a flow may ask for
        more people than the stock holds, and the engine limits it and reports
        the shortfall.
    """

    name: str
    origin: str | None
    target: str
    sources: tuple[str, ...]
    description: str
    parameters: tuple[str, ...]
    demand: bool = False

    @property
    def rows(self) -> slice:
        """Slice of the ``source`` axis that the flow runs along (checked contiguous at import)."""
        start = SOURCES.index(self.sources[0])
        return slice(start, start + len(self.sources))


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

FLOW_NAMES: tuple[str, ...] = tuple(f.name for f in FLOWS)

#: Flows that enlist new recruits (their sum is the ``recruitment`` output).
RECRUITMENT_FLOWS: tuple[str, ...] = ("signups", "mobilization", "pool_draw")

#: Flows that make up casualties (killed, wounded, captured or missing).
CASUALTY_FLOWS: tuple[str, ...] = ("killed", "wounded_in_action", "captured")

#: Flows that are permanent losses to the force (released men are not lost to the war).
PERMANENT_LOSS_FLOWS: tuple[str, ...] = ("killed", "captured", "desertion", "discharge")


class StructureError(ValueError):
    """The declared structure is inconsistent (a programming error in this module, not bad user input)."""


def check_structure(flows: Sequence[Flow], stocks: Sequence[str] = STOCKS, sinks: Sequence[str] = SINKS,
                    sources: Sequence[str] = SOURCES) -> None:
    """Raise :class:`StructureError` unless ``flows`` is a structure the engine can integrate.

    Rules: flow names are unique; each origin is a stock (or ``None``: from
    outside) and each target a stock or a sink, never the origin itself; each
    flow runs along a non-empty, contiguous run of ``sources`` (the engine
    addresses it as a slice); stocks and sinks do not share a name; and the
    stocks, linked by the flows that are not demand flows, can be put in an
    order in which each comes after every stock that feeds it (see
    :func:`limit_order`).
    """
    names = [f.name for f in flows]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise StructureError(f"flow names must be unique; repeated: {', '.join(duplicated)}")
    shared = set(stocks) & set(sinks)
    if shared:
        raise StructureError(f"stocks and sinks must not share names: {', '.join(sorted(shared))}")
    for f in flows:
        if f.origin is not None and f.origin not in stocks:
            raise StructureError(f"flow {f.name}: origin {f.origin!r} is not a stock ({', '.join(stocks)})")
        if f.target not in stocks and f.target not in sinks:
            raise StructureError(f"flow {f.name}: target {f.target!r} is neither a stock nor a sink")
        if f.target == f.origin:
            raise StructureError(f"flow {f.name}: origin and target are the same stock")
        if not f.sources or any(s not in sources for s in f.sources):
            raise StructureError(f"flow {f.name}: sources must be a non-empty subset of {', '.join(sources)}")
        start = list(sources).index(f.sources[0])
        if tuple(sources[start:start + len(f.sources)]) != tuple(f.sources):
            raise StructureError(f"flow {f.name}: sources must be a contiguous run of {', '.join(sources)}")
    limit_order(flows, stocks)


def limit_order(flows: Sequence[Flow] | None = None, stocks: Sequence[str] = STOCKS) -> tuple[str, ...]:
    """The order in which the engine settles stocks that their outflows could overdraw.

    A stock's outflows are limited to what it holds plus what reaches it within
    the step from stocks already settled, so every stock must come after the
    stocks that feed it through flows that are *not* demand flows (a demand
    flow is itself scaled down by the limiter of its origin, so it cannot be
    counted on). Kahn's topological sort on that graph, ties broken by the order
    of ``stocks``; a cycle of non-demand flows has no such order and is a
    :class:`StructureError`.
    """
    flows = FLOWS if flows is None else flows
    feeders = {s: {f.origin for f in flows if f.target == s and f.origin is not None and not f.demand}
               for s in stocks}
    order: list[str] = []
    while len(order) < len(stocks):
        ready = [s for s in stocks if s not in order and feeders[s] <= set(order)]
        if not ready:
            stuck = [s for s in stocks if s not in order]
            raise StructureError(f"stocks {', '.join(stuck)} feed each other through non-demand flows in a cycle; "
                                 "the limiter needs an order")
        order.append(ready[0])
    return tuple(order)


check_structure(FLOWS)
for _group in (RECRUITMENT_FLOWS, CASUALTY_FLOWS, PERMANENT_LOSS_FLOWS):
    if not set(_group) <= set(FLOW_NAMES):
        raise StructureError(f"flow groups must name declared flows; unknown: {set(_group) - set(FLOW_NAMES)}")
if len({f.origin for f in FLOWS if f.name in CASUALTY_FLOWS}) != 1:
    raise StructureError("casualty flows must all drain one stock (the exposed force)")

#: The stock that casualties are taken from; casualty demand that finds nobody there is its shortfall.
EXPOSED_STOCK: str = next(f.origin for f in FLOWS if f.name in CASUALTY_FLOWS)


def flows_into(stock: str) -> tuple[Flow, ...]:
    """Flows that fill ``stock``."""
    return tuple(f for f in FLOWS if f.target == stock)


def flows_out_of(stock: str) -> tuple[Flow, ...]:
    """Flows that drain ``stock``."""
    return tuple(f for f in FLOWS if f.origin == stock)
