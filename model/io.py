"""Writing results to disk: atomically, so an interrupted write never leaves half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import xarray as xr

from . import cf


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; results are ordinary files
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_netcdf(ds: xr.Dataset, path: Path, command: str | None = None) -> Path:
    """Write a results dataset as NetCDF-4 (compressed), atomically.

    ``command`` (e.g. the command line that made the file) is prepended to the
    CF ``history`` attribute with a timestamp. Variable names must be usable as
    attributes (no dots: see :func:`model.cf.variable_name`).
    """
    dotted = [str(name) for name in ds.variables if "." in str(name)]
    if dotted:
        raise ValueError(f"variable names with dots: {', '.join(dotted)}; use model.cf.variable_name")
    if command is not None:
        attrs = dict(ds.attrs)
        cf.add_history(attrs, command)
        ds = ds.assign_attrs(attrs)
    encoding = {name: {"zlib": True, "complevel": 4} for name in ds.data_vars}
    return atomic_write(path, lambda tmp: ds.to_netcdf(tmp, engine="netcdf4", encoding=encoding))


def save_figure(fig, path: Path, dpi: int = 150) -> Path:
    """Save a matplotlib figure as PNG, atomically."""
    return atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format="png"))
