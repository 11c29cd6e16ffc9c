"""The engine: integrates any stock-and-flow structure, step by step, for a block of runs at once (numba).

Shaped like :mod:`scipy.integrate._ivp`: one entry point, :func:`integrate`; a contract
(:mod:`~model.engine.contract`: the :class:`System` a model hands in, its :class:`Coefficients`, the signatures
of the compiled kernels; :mod:`~model.engine.trajectory`: the :class:`Observations` to keep and the
:class:`Trajectory` that comes out); one module per method (:mod:`~model.engine.euler`, :mod:`~model.engine.rk4`,
registered in :mod:`~model.engine.methods`), sharing the limiter (:mod:`~model.engine.limiter`, no stock
overdrawn, no clamp silent) and the observation kernels (:mod:`~model.engine.observe`). It imports nothing of the
model but the structure types of :mod:`model.core.stockflow`. Its names are imported on first use, so that
``model.engine.trajectory`` costs no numba.
"""

from importlib import import_module

_NAMES = {"integrate": "integrator", "check_step": "integrator", "METHODS": "methods", "System": "contract",
          "Coefficients": "contract", "Observations": "trajectory", "Trajectory": "trajectory"}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(import_module(f"{__name__}.{_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
