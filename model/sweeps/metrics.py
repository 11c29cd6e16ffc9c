"""The per-run metrics a sweep can keep, with their labels, units and drivers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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


def reads(names: list[str]) -> list[str]:
    """The outputs of :func:`model.simulate` that the metrics ``names`` are computed from."""
    return list(dict.fromkeys(output for name in names for output in METRICS[name].reads))


def compute(names: list[str], outputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The metrics ``names`` of every run, from the arrays of :func:`model.simulate`'s outputs they read.

    ``outputs`` maps each name of :func:`reads` to its values with ``time`` first and ``run`` last. Plain
    numpy on the arrays as the engine kept them, with the operations of
    :func:`model.results.summary.headline` in the same order, so the numbers are the same bit for bit
    (``tests/sweeps`` checks it) at a fraction of the cost of the labelled reductions.
    """
    def flow(name: str, months: int) -> np.ndarray:
        return _sum_rows(outputs[name][:months])

    some = next(iter(outputs.values()))
    horizon = some.shape[0] - 1
    front = outputs.get("front_total")
    formulas = {
        "net_12m": lambda: flow("net", min(12, horizon)),
        "net_horizon": lambda: flow("net", horizon),
        "front_start": lambda: front[0],
        "front_end": lambda: front[-1],
        "front_change": lambda: front[-1] - front[0],
        "first_deficit_month": lambda: _first_deficit_month(outputs["losses"], outputs["inflow"]),
        "shortfall": lambda: _sum_rows(np.nan_to_num(outputs["shortfall"], nan=0.0)),
    }
    return {name: formulas[name]() for name in names}


def _sum_rows(values: np.ndarray) -> np.ndarray:
    """``values`` summed over every axis but the last (runs), row after row in order.

    The order numpy reduces a batch of runs in (row after row); for one run
    numpy sums pairwise instead, so summing explicitly keeps each run's last
    bit the same whatever the size of its chunk.
    """
    rows = values.reshape(-1, values.shape[-1])
    total = rows[0].copy()
    for row in rows[1:]:
        total += row
    return total


def _first_deficit_month(losses: np.ndarray, inflow: np.ndarray) -> np.ndarray:
    """Months to the first month whose permanent losses exceed inflow; NaN when none does."""
    deficit = losses[:-1] > inflow[:-1]
    month = deficit.argmax(axis=0).astype(float)
    month[~deficit.any(axis=0)] = np.nan
    return month
