"""Calibration: fitting the model to observed history. ``hindcast`` loads the hindcast configuration,
``targets`` builds the observed targets and the simulated values to compare with them, ``fit`` fits the
calibrated parameters and writes them as a scenario overlay; ``forecasters`` holds the observed series a
backtest scores (each point with its publication date) and their forecasters, ``backtest`` measures forecast
skill by rolling origin (``model.backtest``).
"""

from .fit import calibrate

__all__ = ["calibrate"]
