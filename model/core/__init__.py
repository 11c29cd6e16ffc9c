"""The model as data: its recruitment sources, stocks and flows (``structure``), and the lineage that walks
them from a flow back to the registry keys that move it (``lineage``).

The lowest layer: it imports nothing from the rest of the package, and every other layer may use it.
"""
