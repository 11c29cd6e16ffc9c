"""The integration methods, by name: a new method (Heun, say) is one new module with a
:data:`~model.engine.contract.METHOD` kernel, and one line here.

A method's module is imported, and so its kernel compiled (or loaded from the cache), only when a run asks for
it: a command that integrates with Euler never compiles RK4.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Method:
    """An integration method.

    Attributes
    ----------
    module : str
        The module (in :mod:`model.engine`) whose ``step_rates`` is the method's kernel, a numba dispatcher compiled
        for :data:`model.engine.contract.METHOD`.
    limits_every_cell : bool
        True when the method's rates can overdraw a stock through its proportional outflows too (a combination of
        stage rates is not a fraction of the stock), so the limiter must check every cell, not only those with a
        demand outflow.
    """

    module: str
    limits_every_cell: bool

    @property
    def step_rates(self):
        """The method's compiled kernel (its module imported on first use)."""
        return import_module(f"{__package__}.{self.module}").step_rates


METHODS: dict[str, Method] = {
    "euler": Method("euler", limits_every_cell=False),
    "rk4": Method("rk4", limits_every_cell=True),
}
