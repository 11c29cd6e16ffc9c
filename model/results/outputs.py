"""The catalogue of output variables: what each combines (flows or stocks, by source or summed), its label, its
units and the registry keys that drive it.

Light to import (no engine, no xarray): the command line reads it to explain an output without running anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core import lineage
from ..core.structure import CASUALTY_FLOWS, FLOW_NAMES, FLOWS, PERMANENT_LOSS_FLOWS, RECRUITMENT_FLOWS, STOCKS
from ..inputs.units import DIMENSIONLESS

#: Output that counts RK4's fallbacks to Euler (see :mod:`model.engine.integrator`).
FALLBACKS = "integrator_fallbacks"


@dataclass(frozen=True)
class Output:
    """An output variable: what it combines, how to label it, which registry keys drive it.

    ``kind`` is ``"flow"`` or ``"stock"`` (a combination with ``weights`` keyed
    by flow or stock name), or ``"special"`` (computed here, not by the engine).
    ``parameters`` are the keys (or prefixes) acting on it directly, ``reads``
    the flows a special output is computed from; :attr:`drivers` adds
    everything upstream. ``units`` is a canonical unit of the package
    (:mod:`model.inputs.units`), written in its CF form. ``monthly_total`` marks a
    special output that, like a flow, totals its month (CF ``time: sum``).
    """

    kind: str
    weights: dict[str, float]
    per_source: bool
    long_name: str
    description: str
    parameters: tuple[str, ...] = ()
    units: str = "person"
    reads: tuple[str, ...] = ()
    monthly_total: bool = False

    @property
    def cell_method(self) -> str:
        return "time: sum" if self.kind == "flow" or self.monthly_total else "time: point"

    @property
    def nodes(self) -> tuple[lineage.Node, ...]:
        """Flows and stocks of the lineage graph that the output combines or reads."""
        return lineage.output_nodes(self.kind, self.weights, self.reads)

    @property
    def drivers(self) -> tuple[str, ...]:
        """Every key or prefix that can move the output (the closure over flows and stocks)."""
        return lineage.drivers(self.nodes, self.parameters)


_STOCK_TEXT = {
    "pool": "People available to a finite recruitment channel, not yet recruited",
    "training": "Recruited, not yet deployed",
    "front": "Deployed in the war zone",
    "wounded": "Wounded in treatment",
}


def _sum_of(names: Sequence[str], sign: float = 1.0) -> dict[str, float]:
    return {name: sign for name in names}


def _catalogue() -> dict[str, Output]:
    outputs = {stock: Output("stock", {stock: 1.0}, True, f"{stock} (stock)", _STOCK_TEXT[stock])
               for stock in STOCKS}
    outputs.update({flow.name: Output("flow", {flow.name: 1.0}, True, flow.name.replace("_", " "),
                                      flow.description) for flow in FLOWS})
    recruits, casualties, losses = RECRUITMENT_FLOWS, CASUALTY_FLOWS, PERMANENT_LOSS_FLOWS
    outputs.update({
        "recruitment": Output("flow", _sum_of(recruits), True, "recruitment",
                              "New recruits entering training, all channels"),
        "casualties": Output("flow", _sum_of(casualties), True, "casualties",
                             "Killed, wounded, and captured or missing"),
        "permanent_losses": Output("flow", _sum_of(losses), True, "permanent losses",
                                   "Killed + captured or missing + discharged as unfit + deserted"),
        "inflow": Output("flow", _sum_of(recruits), False, "total inflow", "Recruitment summed over sources"),
        "losses": Output("flow", _sum_of(losses), False, "total permanent losses",
                         "Permanent losses summed over sources"),
        "net": Output("flow", {**_sum_of(recruits), **_sum_of(losses, -1.0)}, False, "net balance",
                      "Inflow minus permanent losses"),
        "front_total": Output("stock", {"front": 1.0}, False, "front strength",
                              "Deployed force summed over sources"),
        "bonus": Output("special", {}, False, "sign-up bonus", "Federal plus average regional sign-up payment",
                        ("volunteer.bonus", "volunteer.bonus_growth"), units="RUB"),
        FALLBACKS: Output("special", {}, False, "RK4 steps taken as Euler steps",
                          "Steps of the month in which the run's RK4 stage states would have gone negative (a stock "
                          "running dry within the step), so it took a first-order Euler step instead; kept under RK4",
                          units=DIMENSIONLESS, reads=FLOW_NAMES, monthly_total=True),
        "shortfall": Output("special", {}, False, "shortfall",
                            "Persons a demand flow (casualties, mobilization) asked of a stock beyond what it "
                            "held; nonzero means a constraint was binding",
                            reads=tuple(f.name for f in FLOWS if f.demand), monthly_total=True),
    })
    return outputs


OUTPUTS: dict[str, Output] = _catalogue()
