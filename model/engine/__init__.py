"""The engine: integrates the stocks along the flows, step by step, for a block of runs at once (numba).

``integrator`` holds the entry point (:func:`integrate`), the contract of its inputs and outputs
(:class:`Observations`, :class:`Trajectory`), the limiter that keeps stocks non-negative, the Euler and RK4
steps and the observation kernels. Imports only from :mod:`model.dynamics`, :mod:`model.inputs` and
:mod:`model.core`.
"""
