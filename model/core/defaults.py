"""The defaults every layer shares, in one place light enough for the command line's ``--help``.

``BASELINE`` is the reference scenario's name; a projection starts in ``DEFAULT_START``
(``'YYYY-MM'``, the month the public record behind the registry reaches), runs
``DEFAULT_MONTHS`` months and advances in steps of ``DEFAULT_DT`` months.
"""

BASELINE = "baseline"
DEFAULT_START = "2024-12"
DEFAULT_MONTHS = 36
DEFAULT_DT = 0.25
