"""Tests of model.core: the structure and its lineage."""
