"""manpower-model: can Russia keep feeding its war in Ukraine with people, and for how long?

A stock-and-flow model of Russian military manpower by recruitment source
(volunteers, mobilized reservists, prisoners, pressed migrants, foreign
recruits, the North Korean contingent), driven by a registry of sourced
parameters in ``params/``.

The package is layered; each subpackage imports only from the layers before it in this list
(``tests/test_layers.py`` checks it):

1. ``model.errors``, ``model._version``: the error every layer raises, the version.
2. ``model.core``: the structure (sources, stocks, flows) as data.
3. ``model.inputs``: the parameter registry, specification, units, scenarios, schedules, observed series.
4. ``model.dynamics``: the rate equations, the initial state, their dimensional check.
5. ``model.engine``: the numba integrator.
6. ``model.results``: ``simulate`` and the labelled dataset, summaries, conservation checks, files.
7. ``model.analysis`` and ``model.calibration`` (neither imports the other): sampling, uncertainty,
   sensitivity, scenario comparison, break-even; hindcast and calibration.
8. ``model.sweeps``: large parameter sweeps.
9. ``model.present``: figures, the HTML report, the explorer, generated docs and validation.
10. ``model.cli``: the ``manpower`` command.

>>> import model
>>> params = model.load_params("baseline")
>>> ds = model.simulate(params, months=36, dt=0.25)
>>> ds.net.sum("time")  # persons, recruitment minus permanent losses over 36 months
"""

from ._version import __version__

from .errors import InputError  # noqa: E402
from .inputs.parameters import ParameterSet, load_params, scenario_names  # noqa: E402
from .results.simulate import simulate  # noqa: E402
from .analysis.comparison import compare, comparison_table  # noqa: E402
from .core.structure import FLOWS, SOURCES, STOCKS  # noqa: E402

__all__ = ["FLOWS", "SOURCES", "STOCKS", "InputError", "ParameterSet", "compare", "comparison_table", "load_params",
           "scenario_names", "simulate", "__version__"]
