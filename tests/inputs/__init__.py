"""Tests of model.inputs: the registry, parameters, scenarios, observed series, parameter folders and the
malformed-input corpus."""
