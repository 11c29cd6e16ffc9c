"""Analysis: many runs of the model. ``sampler`` is the one sampler of the unit cube (Monte Carlo, Sobol's base
matrices and sweeps draw from it), ``sampling`` maps its draws through the registry's distributions, ``uncertainty``
runs Monte Carlo, ``sensitivity`` computes Sobol and Morris indices, ``comparison`` compares scenarios and
``breakeven`` solves for the value of a lever at which recruitment keeps up with losses. ``arguments`` says what the
shared keywords mean (``n``, ``seed``, ``sampler``, ``integrator``, ``method``, ``months``, ``dt``, ``start``) and
resolves the first argument of every analysis function: a ``ParameterSet`` or a scenario name.
"""
