"""The catalogue of output variables: what each combines (flows or stocks, by source or summed), its label, its
units and the registry keys that drive it.

Light to import (no engine, no xarray): the command line reads it to explain an output without running anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..core import lineage
from ..core.structure import (ARMED_FORCES, CASUALTY_FLOWS, DEATH_FLOWS, FLOW_NAMES, FLOWS, IRRECOVERABLE_FLOWS,
                              PERMANENT_LOSS_FLOWS, RECRUITMENT_FLOWS, STOCK_MEANINGS, STOCKS, WAR_ZONE)
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


#: The flows that pay a signing payment: volunteers signing up and conscripts signing a contract.
PAID_FLOWS: tuple[str, ...] = ("signups", "conversion")

#: The keys that set the signing payment per recruit (federal and regional).
SIGNING_KEYS: tuple[str, ...] = ("pay.federal_bonus", "pay.federal_change", "pay.regional_bonus",
                                 "pay.regional_growth", "pay.regional_ceiling")

#: Outputs an output needs computed alongside it (a special output reads them from the dataset).
NEEDS: dict[str, tuple[str, ...]] = {"recruitment_cost": ("contract_signers",),
                                     "federal_line_use": ("contract_signers",)}


def _sum_of(names: Sequence[str], sign: float = 1.0) -> dict[str, float]:
    return {name: sign for name in names}


def _kinds(*kinds: str) -> tuple[str, ...]:
    return tuple(f"{kind}_{suffix}" for kind in kinds for suffix in ("new", "veteran"))


def _catalogue() -> dict[str, Output]:
    outputs = {stock: Output("stock", {stock: 1.0}, True, f"{stock.replace('_', ' ')} (stock)", STOCK_MEANINGS[stock])
               for stock in STOCKS}
    outputs.update({flow.name: Output("flow", {flow.name: 1.0}, True, flow.name.replace("_", " "),
                                      flow.description) for flow in FLOWS})
    recruits, casualties, losses = RECRUITMENT_FLOWS, CASUALTY_FLOWS, PERMANENT_LOSS_FLOWS
    outputs.update({
        "front": Output("stock", _sum_of(WAR_ZONE), True, "group in the war zone",
                        "In the war zone (the 'zone of the special military operation', Russian border regions "
                        "included), newly deployed and experienced"),
        "wounded": Output("stock", {"wounded_light": 1.0, "wounded_severe": 1.0}, True, "wounded in treatment",
                          "Wounded in treatment, light and severe"),
        "recruitment": Output("flow", _sum_of(recruits), True, "recruitment",
                              "New recruits entering training, all channels (conscripts signing a contract "
                              "included)"),
        "killed": Output("flow", _sum_of(_kinds("killed")), True, "killed", "Killed in the war zone"),
        "captured": Output("flow", _sum_of(_kinds("captured")), True, "captured or missing",
                           "Captured or missing in the war zone"),
        "wounded_in_action": Output("flow", _sum_of(_kinds("wounded_light", "wounded_severe")), True,
                                    "wounded in action", "Wounded and evacuated for treatment, light and severe"),
        "casualties": Output("flow", _sum_of(casualties), True, "casualties",
                             "Killed, wounded, and captured or missing (as the Ukrainian General Staff counts "
                             "them)"),
        "permanent_losses": Output("flow", _sum_of(losses), True, "permanent losses",
                                   "Irrecoverable losses + absentees never returned"),
        "inflow": Output("flow", _sum_of(recruits), False, "total inflow", "Recruitment summed over sources"),
        "losses": Output("flow", _sum_of(losses), False, "total permanent losses",
                         "Permanent losses summed over sources"),
        "net": Output("flow", {**_sum_of(recruits), **_sum_of(losses, -1.0)}, False, "net balance",
                      "Inflow minus permanent losses"),
        "casualties_total": Output("flow", _sum_of(casualties), False, "casualties",
                                   "Killed, wounded, and captured or missing, summed over sources (the Ukrainian "
                                   "General Staff's definition, relayed by the UK Ministry of Defence)"),
        "irrecoverable_losses": Output("flow", _sum_of(IRRECOVERABLE_FLOWS), False, "irrecoverable losses",
                                       "Killed, captured or missing, and wounded discharged as unfit, summed over "
                                       "sources (Russian military usage: those who never return to service)"),
        "deaths": Output("flow", _sum_of(DEATH_FLOWS), False, "deaths",
                         "Killed, summed over sources (died of wounds included; the missing are not)"),
        "front_total": Output("stock", _sum_of(WAR_ZONE), False, "group in the war zone",
                              "In the war zone, summed over sources: what statements about troops 'in the zone of "
                              "the special military operation' count"),
        "armed_forces": Output("stock", _sum_of(ARMED_FORCES), False, "armed forces' military personnel",
                               "Everyone serving: conscripts, in training, outside and in the war zone, wounded in "
                               "treatment, absent; what the decrees on authorized strength count"),
        "contract_signers": Output("flow", _sum_of(PAID_FLOWS), False, "contract signers paid a signing payment",
                                   "Volunteers signing up and conscripts signing a contract"),
        "bonus": Output("special", {}, False, "signing payment per recruit",
                        "Federal plus average regional one-time payment on signing a contract",
                        SIGNING_KEYS,
                        units="RUB"),
        "recruitment_cost": Output("special", {}, False, "cost of signing payments",
                                   "Signing payments (federal plus regional) to contract signers in the month: the "
                                   "payment at mid-month times the month's signers",
                                   SIGNING_KEYS, units="RUB", reads=PAID_FLOWS, monthly_total=True),
        "federal_line_use": Output("special", {}, False, "use of the federal budget line for signing payments",
                                   "The month's federal signing payments over a month of the budget line for them "
                                   "(`budget.federal_bonus_line`); above 1 the line does not cover them: reported, "
                                   "never enforced, since in 2024 the payments outran the line",
                                   ("pay.federal_bonus", "pay.federal_change", "budget.federal_bonus_line"),
                                   units=DIMENSIONLESS,
                                   reads=PAID_FLOWS),
        "pay_to_wage": Output("special", {}, False, "first-year payment over a year's civilian wage",
                              "A contract's first-year payment (twelve months' pay and both signing payments) over "
                              "twelve months of the average civilian wage, at the start of each month",
                              ("pay.", "wage."), units=DIMENSIONLESS),
        FALLBACKS: Output("special", {}, False, "RK4 steps taken as Euler steps",
                          "Steps of the month in which the run's RK4 stage states would have gone negative (a stock "
                          "running dry within the step), so it took a first-order Euler step instead; kept under RK4",
                          units=DIMENSIONLESS, reads=FLOW_NAMES, monthly_total=True),
        "shortfall": Output("special", {}, False, "shortfall",
                            "Persons a demand flow (casualties, mobilization, emergency use) asked of a stock beyond "
                            "what it held; nonzero means a constraint was binding",
                            reads=tuple(f.name for f in FLOWS if f.demand), monthly_total=True),
    })
    return outputs


OUTPUTS: dict[str, Output] = _catalogue()
