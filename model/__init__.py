"""manpower-model: can Russia keep feeding its war in Ukraine with people, and for how long?

A stock-and-flow model of Russian military manpower by recruitment source
(volunteers, mobilized reservists, prisoners, pressed migrants, foreign
recruits, the North Korean contingent), driven by a registry of sourced
parameters in ``params/``.

>>> import model
>>> params = model.load_params("baseline")
>>> ds = model.simulate(params, months=36, dt=0.25)
>>> ds.net.sum("time")  # persons, recruitment minus permanent losses over 36 months
"""

__version__ = "0.1.0"

from .errors import InputError  # noqa: E402
from .parameters import ParameterSet, load_params, scenario_names  # noqa: E402
from .simulate import simulate  # noqa: E402
from .comparison import compare, comparison_table  # noqa: E402
from .structure import FLOWS, SOURCES, STOCKS  # noqa: E402

__all__ = ["FLOWS", "SOURCES", "STOCKS", "InputError", "ParameterSet", "compare", "comparison_table", "load_params",
           "scenario_names", "simulate", "__version__"]
