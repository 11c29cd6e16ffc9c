"""manpower-model: can Russia keep feeding its war in Ukraine with people, and for how long?

A stock-and-flow model of Russian military manpower by recruitment source
(volunteers, mobilized reservists, prisoners, pressed migrants, foreign
recruits, the North Korean contingent), driven by a registry of sourced
parameters in ``params/``.

The package is layered; each subpackage imports only from the layers before it in this list
(``tests/test_layers.py`` checks it):

1. ``model.errors``, ``model._version``: the error every layer raises, the version.
2. ``model.core``: what a stock-and-flow structure is (``stockflow``) and the model's own (``structure``), as data.
3. ``model.engine``: the numba integrator of any such structure: its contract, one module per method, the
   limiter; it imports nothing of the model but ``model.core.stockflow``.
4. ``model.inputs``: the parameter registry, specification, units, scenarios, schedules, observed series.
5. ``model.series``: statistical models of observed series (the casualty process fitted to the record).
6. ``model.dynamics``: the rate equations (one description each, and the compiled kernel the engine calls),
   the initial state, their dimensional check.
7. ``model.results``: ``simulate`` and the labelled dataset, summaries, conservation checks, files.
8. ``model.interchange``: the model of one parameter set written out for Vensim (MDL), Stella (XMILE) and PySD.
9. ``model.analysis``: sampling, uncertainty, sensitivity, scenario comparison, break-even, scenario discovery.
10. ``model.calibration``: the hindcast, least squares, the Bayesian posterior (drawn from the analysis's
   prior sample), backtests.
11. ``model.sweeps``: large parameter sweeps.
12. ``model.present``: figures, the HTML report, the explorer, generated docs and validation.
13. ``model.commands``: the ``manpower`` subcommands, one module per job (run, uncertainty, sweep, ...).
14. ``model.cli``: the ``manpower`` command line: its parser, option checks and dispatch to the commands.

>>> import model
>>> params = model.load_params("baseline")
>>> ds = model.simulate(params, months=36, dt=0.25)
>>> ds.net.sum("time")  # persons, recruitment minus permanent losses over 36 months
>>> runs = model.uncertainty("baseline", n=10_000, seed=0, sampler="lhs")  # Monte Carlo over the registry's ranges

A projection starts by default (``start=None``) in the month after the casualty record's last month
(:func:`model.inputs.start.default_start`); after a month is appended to the record, ``model.update()``
(``manpower update``) refits, regenerates the outputs and keeps a dated forecast.

Every analysis function takes a ``ParameterSet`` or a scenario name first, and shares its
keywords: ``n``, ``seed``, ``sampler`` (the sampling design), ``integrator`` (the integration
method), ``months``, ``dt``, ``start``; ``method`` names an analysis only (sensitivity's Sobol or
Morris). See :mod:`model.analysis.arguments`.

``import model`` loads nothing heavy: each name of the analysis API below (and each
subpackage) is imported the first time it is used (PEP 562), so the command line and a
notebook pay only for what they call.
"""

from importlib import import_module

from ._version import __version__
from .core.structure import FLOWS, SOURCES, STOCKS
from .errors import InputError

#: The public API: name -> (module, attribute), imported on first use.
_API = {
    "ParameterSet": ("model.inputs.parameters", "ParameterSet"),
    "load_params": ("model.inputs.parameters", "load_params"),
    "scenario_names": ("model.inputs.parameters", "scenario_names"),
    "simulate": ("model.results.simulate", "simulate"),
    "compare": ("model.analysis.comparison", "compare"),
    "comparison_table": ("model.analysis.comparison", "comparison_table"),
    "sample": ("model.analysis.sampling", "sample"),
    "uncertainty": ("model.analysis.uncertainty", "uncertainty"),
    "sensitivity": ("model.analysis.sensitivity", "sensitivity"),
    "breakeven": ("model.analysis.breakeven", "solve"),
    "discover": ("model.analysis.discovery", "discover"),
    "calibrate": ("model.calibration", "calibrate"),
    "backtest": ("model.calibration.backtest", "backtest"),
    "sweep": ("model.sweeps", "sweep"),
    "export": ("model.interchange", "export"),
    "open_store": ("model.sweeps", "open_store"),
    "update": ("model.present.update", "update"),
}
#: Subpackages, also reachable as attributes of the package (``model.analysis``) without importing them first.
_SUBPACKAGES = ("core", "engine", "inputs", "series", "dynamics", "results", "interchange", "analysis", "calibration",
                "sweeps", "present", "commands", "cli")

__all__ = ["FLOWS", "SOURCES", "STOCKS", "InputError", "__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        module, attribute = _API[name]
        value = getattr(import_module(module), attribute)
        globals()[name] = value  # the next lookup is an ordinary one
        return value
    if name in _SUBPACKAGES:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API) | set(_SUBPACKAGES))
