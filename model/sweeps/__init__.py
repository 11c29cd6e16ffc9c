"""Sweeps: large parameter sweeps, run in chunks and stored on disk. ``spec`` is the sweep
specification (a YAML file), ``contents`` what a store holds, ``store`` the Zarr store of results (read with
:func:`open_store`; any run's parameters regenerated with :func:`store_parameters`), ``run`` runs the chunks
(locally or on a dask cluster).
"""

from .run import sweep
from .store import open_store, store_parameters

__all__ = ["open_store", "store_parameters", "sweep"]
