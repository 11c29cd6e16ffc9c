"""The engine: integrates the stocks along the flows, step by step, for a block of runs at once (numba).

``integrator`` is the entry point (:func:`~model.engine.integrator.integrate`) and its contract
(:class:`~model.engine.integrator.Observations` in, :class:`~model.engine.integrator.Trajectory` out), with the
compiled step loop; ``rk4`` computes the classical Runge-Kutta rates of a step (Euler's are the equations'
own); ``limiter`` keeps every stock non-negative for either method; ``observe`` keeps the monthly outputs.
Imports only from :mod:`model.dynamics`, :mod:`model.inputs` and :mod:`model.core`.
"""
