"""Dynamics: the model's rate equations and initial state (``equations``), and the dimensional check of
those equations with pint (``dimensions``).

``equations`` turns a :class:`~model.inputs.parameters.ParameterSet` into the arrays the engine integrates.
Imports only from :mod:`model.inputs` and :mod:`model.core`.
"""
