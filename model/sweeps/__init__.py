"""Sweeps: large parameter sweeps, run in chunks and stored on disk. ``spec`` is the sweep
specification (a YAML file), ``store`` the chunked store of results, ``run`` runs the chunks (locally or on
a dask cluster) and reduces them.
"""

from .run import sweep
from .store import open_store

__all__ = ["open_store", "sweep"]
