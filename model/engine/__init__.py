"""The engine: integrates any stock-and-flow structure, step by step, for a block of runs at once (numba).

Shaped like :mod:`scipy.integrate._ivp`: one entry point, :func:`integrate`; a contract
(:mod:`~model.engine.contract`: the :class:`System` a model hands in, its :class:`Coefficients`, the
:class:`Observations` to keep, the :class:`Trajectory` that comes out, and the signatures of the compiled
kernels); one module per method (:mod:`~model.engine.euler`, :mod:`~model.engine.rk4`, registered in
:mod:`~model.engine.methods`), sharing the limiter (:mod:`~model.engine.limiter`, no stock overdrawn, no clamp
silent) and the observation kernels (:mod:`~model.engine.observe`). It imports nothing of the model but the
structure types of :mod:`model.core.stockflow`.
"""

from .contract import Coefficients, Observations, System, Trajectory
from .integrator import check_step, integrate
from .methods import METHODS

__all__ = ["METHODS", "Coefficients", "Observations", "System", "Trajectory", "check_step", "integrate"]
