"""The per-run metrics a sweep can keep, with their labels, units and drivers."""

from __future__ import annotations

from dataclasses import dataclass

from ..inputs import units
from ..results.outputs import OUTPUTS


@dataclass(frozen=True)
class Metric:
    """A per-run number of :func:`model.results.summary.headline` that a sweep can keep, and how to label it.

    ``unit`` is a canonical unit of the package (written in its CF form, see
    :mod:`model.results.cf`); ``reads`` names the outputs of
    :data:`model.results.outputs.OUTPUTS` that ``headline`` computes it from: their
    drivers are its drivers.
    """

    long_name: str
    description: str
    unit: str
    reads: tuple[str, ...]

    @property
    def drivers(self) -> tuple[str, ...]:
        """Every key or prefix that can move the metric (those of the outputs it reads)."""
        return tuple(dict.fromkeys(key for name in self.reads for key in OUTPUTS[name].drivers))


_NET = "Inflow minus permanent losses, totalled over"
_FRONT = "Deployed force summed over sources,"

#: Per-run summary metrics a sweep can keep: the numbers of :func:`model.results.summary.headline`.
METRICS: dict[str, Metric] = {
    "net_12m": Metric("net balance over the first 12 months", f"{_NET} the first 12 months (the horizon if "
                      "shorter)", units.PERSON, ("net",)),
    "net_horizon": Metric("net balance over the horizon", f"{_NET} the horizon", units.PERSON, ("net",)),
    "front_start": Metric("front strength at the start", f"{_FRONT} at the start of the first month", units.PERSON,
                          ("front_total",)),
    "front_end": Metric("front strength at the horizon", f"{_FRONT} at the end of the horizon", units.PERSON,
                        ("front_total",)),
    "front_change": Metric("change in front strength", "Front strength at the horizon minus at the start",
                           units.PERSON, ("front_total",)),
    "first_deficit_month": Metric("months to the first deficit", "Months from the start to the first month whose "
                                  "permanent losses exceed inflow (0: the first month); NaN when none does within "
                                  "the horizon", units.MONTH, ("inflow", "losses")),
    "shortfall": Metric("shortfall over the horizon", "Persons that casualty or mobilization demand asked of a "
                        "stock beyond what it held, totalled over the horizon and the stocks; nonzero means a "
                        "constraint was binding", units.PERSON, ("shortfall",)),
}
