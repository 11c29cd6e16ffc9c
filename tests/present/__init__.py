"""Tests of model.present: the report, the explorer, generated docs, validation and the notebooks."""
