"""Tests of model.results: simulate() and its labelled results."""
