"""Tests of model.analysis: Monte Carlo, sensitivity, scenario comparison and break-even."""
