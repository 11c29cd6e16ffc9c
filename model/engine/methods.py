"""The integration methods, by name: a new method (Heun, say) is one new module with a
:data:`~model.engine.contract.METHOD` kernel, and one line here."""

from __future__ import annotations

from dataclasses import dataclass

from . import euler, rk4


@dataclass(frozen=True)
class Method:
    """An integration method.

    Attributes
    ----------
    step_rates : numba dispatcher compiled for :data:`model.engine.contract.METHOD`
    limits_every_cell : bool
        True when the method's rates can overdraw a stock through its proportional outflows too (a combination of
        stage rates is not a fraction of the stock), so the limiter must check every cell, not only those with a
        demand outflow.
    """

    step_rates: object
    limits_every_cell: bool


METHODS: dict[str, Method] = {
    "euler": Method(euler.step_rates, limits_every_cell=False),
    "rk4": Method(rk4.step_rates, limits_every_cell=True),
}
