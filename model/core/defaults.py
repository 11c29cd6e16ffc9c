"""The defaults and choices every layer shares, in one place light enough for the command line's ``--help``.

``BASELINE`` is the reference scenario's name; a projection starts in ``DEFAULT_START``, runs
``DEFAULT_MONTHS`` months and advances in steps of ``DEFAULT_DT`` months. ``DEFAULT_START`` is None:
the first month after the casualty record's last month in the parameter folder, which moves when a
month is appended to the record (resolved in one place, :func:`model.inputs.start.resolve_start`).

The choice lists below are the library's own (the modules that implement the
choices check against them, and the command line offers them); they live here,
with nothing imported, so that ``manpower --help`` lists them without importing
the engine, SALib or dask.
"""

BASELINE = "baseline"
DEFAULT_START = None  # the month after the data: model.inputs.start.default_start
DEFAULT_MONTHS = 36
DEFAULT_DT = 0.25

#: Integrators of the engine (:mod:`model.engine`): explicit Euler, classical Runge-Kutta of order 4.
INTEGRATORS = ("euler", "rk4")
#: Samplers of the unit cube (:mod:`model.analysis.sampling`): Latin hypercube, scrambled Sobol, plain random.
SAMPLERS = ("lhs", "sobol", "random")
#: Global sensitivity methods (:mod:`model.analysis.sensitivity`, SALib): Sobol indices, Morris screening.
SENSITIVITY_METHODS = ("sobol", "morris")
#: What a break-even holds (:mod:`model.analysis.breakeven`): the front's strength, or the net balance.
BREAKEVEN_TARGETS = ("front", "net")
#: Where a sweep's chunks run (:mod:`model.sweeps.run`): this process, local worker processes, a dask cluster.
BACKENDS = ("inline", "processes", "dask")
#: Most rows a Sobol sample may have (scipy's default of 30 bits): the sampler and the sweep spec both enforce it.
MAX_SOBOL_ROWS = 2**30
#: Percentiles over Monte Carlo runs that summaries report (:func:`model.analysis.uncertainty.percentiles`, the
#: exports, ``uncertainty --keep summary``).
PERCENTILES = (5, 25, 50, 75, 95)
