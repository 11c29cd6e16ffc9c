"""Analysis: many runs of the model. ``sampling`` draws parameter samples, ``uncertainty`` runs Monte Carlo,
``sensitivity`` computes Sobol indices, ``comparison`` compares scenarios and ``breakeven`` solves for the value
of a lever at which recruitment keeps up with losses.
"""
