"""Calibration: fitting the model to observed history. ``hindcast`` loads the hindcast configuration,
``targets`` builds the observed targets and the simulated values to compare with them, ``fit`` fits the
calibrated parameters and writes them as a scenario overlay.
"""

from .fit import calibrate

__all__ = ["calibrate"]
