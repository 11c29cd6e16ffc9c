"""Tests of model.sweeps: large parameter sweeps and their store."""
