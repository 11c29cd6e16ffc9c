"""Tests of model.calibration: the hindcast and calibration."""
