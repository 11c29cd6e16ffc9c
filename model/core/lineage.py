"""Lineage: every registry key that can move a flow or a stock, found by walking the structure.

A flow's rate depends on its own parameters (:attr:`Flow.parameters`) and on the
stock it reads: its origin (a proportional flow is a fraction of it, a demand
flow is limited to what it holds), and for the casualty flows the whole war
zone, among whose sources and stocks the casualties are shared by
exposure-weighted strength. A stock
depends on the registry keys that set its opening value (:data:`INITIAL`) and
on every flow into or out of it. The drivers of an output are the closure of
that graph from the flows or stocks it combines: ``net`` reads the permanent
losses, desertion reads the war zone, the war zone is filled by graduation, which
reads training, which is filled by recruitment, which reads the pools...

Training, the wounded and the absent start at the steady state of their own opening flows
(:func:`model.dynamics.equations.initial_state`), so their opening values add no keys of
their own: the flows into and out of them are already in their closure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .structure import CASUALTY_FLOWS, FLOWS, STOCKS, WAR_ZONE, flows_into, flows_out_of

#: Registry keys (or prefixes ending in ``.``) that set a stock's opening value directly.
INITIAL: dict[str, tuple[str, ...]] = {
    "pool": ("pool_initial.",),
    "conscripts": ("conscription.campaigns", "conscription.term", "conscription.conversion_share"),
    "training": (),
    "rear": ("rear_initial.",),
    "front_new": ("force.deployed_total", "front_initial.", "seasoning.time"),
    "front_veteran": ("force.deployed_total", "front_initial.", "seasoning.time"),
    "wounded_light": (),
    "wounded_severe": (),
    "absent": (),
}

_FLOW = {f.name: f for f in FLOWS}

#: A node of the lineage graph: ``("flow", name)`` or ``("stock", name)``.
Node = tuple[str, str]


def reads(flow: str) -> tuple[str, ...]:
    """Stocks whose level the rate of ``flow`` depends on (empty for inflows from outside); a casualty flow
    reads the whole war zone, among which the casualties are shared."""
    if flow in CASUALTY_FLOWS:
        return WAR_ZONE
    origin = _FLOW[flow].origin
    return () if origin is None else (origin,)


def own_parameters(node: Node) -> tuple[str, ...]:
    """Keys or prefixes that act on ``node`` directly (a flow's rate, a stock's opening value)."""
    kind, name = node
    return _FLOW[name].parameters if kind == "flow" else INITIAL[name]


def upstream(node: Node) -> tuple[Node, ...]:
    """Nodes that ``node`` depends on directly."""
    kind, name = node
    if kind == "flow":
        return tuple(("stock", s) for s in reads(name))
    if name not in STOCKS:
        raise KeyError(f"unknown stock {name!r}")
    return tuple(("flow", f.name) for f in flows_into(name) + flows_out_of(name))


@lru_cache(maxsize=None)
def _closure(start: tuple[Node, ...]) -> tuple[tuple[Node, Node | None], ...]:
    """Nodes reachable from ``start``, breadth first, each with the node that first reached it."""
    order: dict[Node, Node | None] = {node: None for node in start}
    frontier = list(start)
    while frontier:
        following = []
        for node in frontier:
            for parent in upstream(node):
                if parent not in order:
                    order[parent] = node
                    following.append(parent)
        frontier = following
    return tuple(order.items())


def drivers(nodes: Iterable[Node], parameters: Sequence[str] = ()) -> tuple[str, ...]:
    """Keys or prefixes that can move an output combining ``nodes`` and driven directly by ``parameters``.

    Ordered nearest first: the output's own parameters, then those of the flows
    and stocks it combines, then upstream.
    """
    found = dict.fromkeys(parameters)
    for node, _ in _closure(tuple(nodes)):
        found.update(dict.fromkeys(own_parameters(node)))
    return tuple(found)


@dataclass(frozen=True)
class Branch:
    """One node of an explanation tree: a flow or stock, its own keys, and what it reads or is moved by."""

    kind: str
    name: str
    keys: tuple[str, ...]
    children: tuple[Branch, ...]


def tree(nodes: Iterable[Node], keys: Iterable[str]) -> tuple[Branch, ...]:
    """The closure of ``nodes`` as a tree (breadth-first spanning tree), registry keys expanded.

    Each flow or stock appears once, under the node that first reaches it; each
    key once, under the first node it acts on; ``keys`` are the registry keys to
    expand prefixes against.
    """
    keys = list(keys)
    order = _closure(tuple(nodes))
    children: dict[Node | None, list[Node]] = {}
    for node, parent in order:
        children.setdefault(parent, []).append(node)
    seen: set[str] = set()
    own: dict[Node, tuple[str, ...]] = {}
    for node, _ in order:
        matched = [k for k in expand_keys(own_parameters(node), keys) if k not in seen]
        seen.update(matched)
        own[node] = tuple(matched)

    def build(node: Node) -> Branch:
        return Branch(node[0], node[1], own[node], tuple(build(c) for c in children.get(node, ())))

    return tuple(build(node) for node in children.get(None, ()))


def expand_keys(patterns: Sequence[str], keys: Iterable[str]) -> list[str]:
    """Registry keys matching ``patterns`` (exact keys, or prefixes ending in ``.``)."""
    return [k for k in keys if any(k == p or (p.endswith(".") and k.startswith(p)) for p in patterns)]


def output_nodes(kind: str, weights: Mapping[str, float], reads_flows: Sequence[str] = ()) -> tuple[Node, ...]:
    """Nodes an output combines: its weighted flows or stocks, plus any flows a computed output reads."""
    own = tuple((kind, name) for name in weights) if kind in ("flow", "stock") else ()
    return own + tuple(("flow", name) for name in reads_flows)
