"""Tests of model.dynamics: the equations, the initial state and their dimensions."""
