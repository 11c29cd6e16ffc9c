"""Tests of model.engine: the integrator: batch invariance, invariants, integration error."""
