"""What a stock-and-flow structure is, as data: flows between stocks along a subscript, and its rules.

Nothing here is about Russian recruitment: a :class:`Structure` names its
subscript (here, recruitment sources), its stocks (integrated step by step),
its sinks (cumulative exits) and its :class:`Flow` s, and checks itself when it
is built. The engine (:mod:`model.engine`) integrates any structure that passes
these checks; the model's own structure is :data:`model.core.structure.STRUCTURE`.
Adding a stock or a channel is a change of that data, not of the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property


class StructureError(ValueError):
    """The declared structure is inconsistent (a programming error in the model's data, not bad user input)."""


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
        Subscript values (recruitment sources) along which it runs: a contiguous run of the structure's
        subscript, so the engine addresses it as a slice.
    description : str
        What it is, for docs and output attributes.
    parameters : tuple of str
        Registry keys (or key prefixes ending in ``.``) that set its rate, so an output can be traced to its inputs.
    demand : bool
        True when its rate is set from outside (a schedule or a casualty level) rather than as a fraction of
        the stock it drains: such a flow may ask for more people than the stock holds, and the engine limits it
        and reports the shortfall.
    """

    name: str
    origin: str | None
    target: str
    sources: tuple[str, ...]
    description: str
    parameters: tuple[str, ...]
    demand: bool = False


@dataclass(frozen=True)
class Structure:
    """Stocks, sinks and flows along one subscript: everything the engine needs to know about a model.

    Attributes
    ----------
    subscript : tuple of str
        Values of the subscript every stock and flow runs along (the state's second axis), in order.
    stocks : tuple of str
        Stocks integrated at every step, in the order of the state's first axis.
    sinks : tuple of str
        Cumulative exits: they only fill, and are the running sums of the flows into them.
    flows : tuple of Flow
    shortfall_stock : str
        Stock under which demand that finds nobody to fall on at all (every cell of its origin empty and
        nobody arriving) is recorded as shortfall.
    """

    subscript: tuple[str, ...]
    stocks: tuple[str, ...]
    sinks: tuple[str, ...]
    flows: tuple[Flow, ...]
    shortfall_stock: str = field(default="")

    def __post_init__(self) -> None:
        check(self.flows, self.stocks, self.sinks, self.subscript)
        if self.shortfall_stock and self.shortfall_stock not in self.stocks:
            raise StructureError(f"shortfall stock {self.shortfall_stock!r} is not a stock")

    @cached_property
    def flow_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.flows)

    def flow(self, name: str) -> Flow:
        """The flow called ``name``."""
        return self.flows[self.flow_names.index(name)]

    def rows(self, flow: Flow) -> slice:
        """Slice of the subscript axis that ``flow`` runs along."""
        start = self.subscript.index(flow.sources[0])
        return slice(start, start + len(flow.sources))

    def flows_into(self, stock: str) -> tuple[Flow, ...]:
        """Flows that fill ``stock`` (a stock or a sink)."""
        return tuple(f for f in self.flows if f.target == stock)

    def flows_out_of(self, stock: str) -> tuple[Flow, ...]:
        """Flows that drain ``stock``."""
        return tuple(f for f in self.flows if f.origin == stock)

    @cached_property
    def limit_order(self) -> tuple[str, ...]:
        """The order in which the engine settles stocks that their outflows could overdraw (:func:`limit_order`)."""
        return limit_order(self.flows, self.stocks)


def check(flows: Sequence[Flow], stocks: Sequence[str], sinks: Sequence[str], subscript: Sequence[str]) -> None:
    """Raise :class:`StructureError` unless ``flows`` is a structure the engine can integrate.

    Rules: flow names are unique; each origin is a stock (or ``None``: from
    outside) and each target a stock or a sink, never the origin itself; each
    flow runs along a non-empty, contiguous run of ``subscript`` (the engine
    addresses it as a slice); and stocks and sinks do not share a name.
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
        if not f.sources or any(s not in subscript for s in f.sources):
            raise StructureError(f"flow {f.name}: sources must be a non-empty subset of {', '.join(subscript)}")
        start = list(subscript).index(f.sources[0])
        if tuple(subscript[start:start + len(f.sources)]) != tuple(f.sources):
            raise StructureError(f"flow {f.name}: sources must be a contiguous run of {', '.join(subscript)}")


def limit_order(flows: Sequence[Flow], stocks: Sequence[str]) -> tuple[str, ...]:
    """The order in which the engine settles stocks that their outflows could overdraw.

    A stock's outflows are limited to what it holds plus what reaches it within
    the step from stocks already settled, so a stock should come after the
    stocks that feed it through flows that are *not* demand flows (a demand
    flow is itself scaled down by the limiter of its origin, so it cannot be
    counted on). Kahn's topological sort on that graph, ties broken by the order
    of ``stocks``. Where non-demand flows form a cycle (men rotated out of the war
    zone and deployed back into it), no such order exists: a stock of the cycle
    is settled first without counting the inflows from the cycle's unsettled
    stocks, the first (in the order of ``stocks``) that has a demand outflow if
    any has one (the war zone: its casualties limit it anyway, and it holds far
    more than a step moves through it), else the first. That is conservative (a
    stock can only be limited more, never overdrawn). Settling a small stock of
    the cycle first instead (the units outside the war zone, empty for some
    sources) would cut its outflows in steps where its inflow from the cycle
    covers them, which costs RK4 its order.
    """
    feeders = {s: {f.origin for f in flows if f.target == s and f.origin is not None and not f.demand}
               for s in stocks}
    drained_on_demand = {f.origin for f in flows if f.demand}
    order: list[str] = []
    while len(order) < len(stocks):
        remaining = [s for s in stocks if s not in order]
        ready = [s for s in remaining if feeders[s] <= set(order)]
        demanded = [s for s in remaining if s in drained_on_demand]
        order.append((ready or demanded or remaining)[0])
    return tuple(order)
