"""The ``manpower`` subcommands, one module per job; :mod:`model.cli` parses the command line and calls them.

``projections`` runs scenarios (``run``, ``compare``, ``breakeven``), ``uncertainty`` samples their ranges
(``uncertainty``, ``sensitivity``), ``sweep`` runs a sweep spec, ``discover`` finds where in
parameter space an outcome happens (``discover``), ``calibration`` fits the hindcast
(``calibrate``), ``update`` runs the monthly update (``update``), ``provenance`` shows where numbers come from
(``params``, ``explain``), ``documents`` writes the generated documents (``validate``, ``docs``, ``report``),
``scenario`` writes and checks scenario overlays (``scenario new``, ``scenario check``); ``common`` holds what
several of them share (``--set``, progress lines, exports, printed tables).

Each command ``cmd_NAME(args) -> int`` takes the parsed and checked arguments and returns the exit status.
It imports the layers and libraries it uses inside its body, so that ``manpower --help``, a refused
option and a light command import nothing they do not need (``tests/test_imports.py``).
"""
