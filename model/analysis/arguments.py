"""The arguments the analysis functions share, and what each keyword means everywhere.

Every function of the analysis API (:func:`model.sample`, :func:`model.uncertainty`,
:func:`model.sensitivity`, :func:`model.breakeven`, :func:`model.compare`) takes as
its first argument a :class:`~model.inputs.parameters.ParameterSet` or a scenario
(a name, or the path of an overlay file), resolved by :func:`as_params`. The
keywords mean one thing wherever they appear:

``n``
    runs (Monte Carlo), or the base sample size (sensitivity: SALib's ``N``);
``seed``
    seed of the sample, a whole number in ``[0, 2**63)`` (:mod:`model.analysis.sampler`);
``sampler``
    the sampling design, ``"lhs"``, ``"sobol"`` or ``"random"`` (:data:`model.analysis.sampler.SAMPLERS`);
``integrator``
    the integration method, ``"euler"`` or ``"rk4"`` (:func:`model.simulate`);
``method``
    the *analysis* method, only where there is a choice of one: sensitivity's ``"sobol"`` or ``"morris"``;
``months``, ``dt``, ``start``
    horizon (months), step (months) and first month (``'YYYY-MM'``), defaulting to
    :mod:`model.core.defaults`.

Bad arguments raise :class:`~model.errors.InputError` naming the function and the
argument (``InputError("breakeven", "lever", ...)``); the command line maps
argument names to its options.
"""

from __future__ import annotations

from ..errors import InputError
from ..inputs.parameters import ParameterSet, load_params


def as_params(params: ParameterSet | str, where: str, key: str = "params") -> ParameterSet:
    """``params`` itself, or the scenario it names (a name, or the path of an overlay file) loaded."""
    if isinstance(params, ParameterSet):
        return params
    if isinstance(params, str):
        return load_params(params)
    raise InputError(where, key, f"expected a ParameterSet or a scenario name, got {type(params).__name__}")
