"""Dynamics: what makes the stocks move.

``description``: every rate written once, as expressions over named symbols (the single source of the docs'
equations, the dimensional check and the reference evaluation). ``equations``: the compiled kernel that computes
those rates fast, the layout of a parameter set for it, the initial state, and the model as a
:class:`~model.engine.contract.System` for the engine. ``reference``: the description evaluated plainly with numpy
(to test the kernel) or with pint units. ``dimensions``: the dimensional check.
Imports only from :mod:`model.inputs`, :mod:`model.engine` and :mod:`model.core`.
"""
