"""Series: statistical models of observed monthly series, fitted to the record, for forecasts and the Monte Carlo.

The casualty process (issue 12, item 1) lives here: the monthly casualty count, in logs, as a log-AR(1)
around a linear trend (``ar1``) or a local level (``local_level``), each fitted with its parameters'
estimation uncertainty (posterior draws), compared with naive forecasters out of sample and combined by
score. ``record`` checks a monthly record; ``base`` is the contract of a fitted specification; ``ar1``,
``local_level`` and ``naive`` are the specifications; ``fit`` fits one; ``paths`` draws Monte Carlo paths;
``backtest`` scores rolling-origin forecasts; ``combine`` weights the specifications by those scores;
``records`` turns a fit into registry-ready parameter records; ``report`` writes the tables of
``docs/CASUALTIES.md``.

>>> from model.series import combination, draw_paths, load_record
>>> process = combination(load_record())          # fitted through the record's last month
>>> paths = draw_paths(process, "2025-01", months=36, n=100_000, seed=0)  # persons per month, (n, 36)

Imports only from :mod:`model.inputs`, :mod:`model.core` and :mod:`model.errors`.
"""

from .base import Fit, Mixture
from .combine import combination, mixture
from .fit import MODELS, NAIVE, SPECS, fit
from .paths import draw_paths
from .record import Record, as_record, load_record
from .records import parameter_records

__all__ = ["MODELS", "NAIVE", "SPECS", "Fit", "Mixture", "Record", "as_record", "combination", "draw_paths", "fit",
           "load_record", "mixture", "parameter_records"]
