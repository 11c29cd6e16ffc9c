"""Writing results to disk: atomically, so an interrupted write never leaves half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import xarray as xr


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


def write_netcdf(ds: xr.Dataset, path: Path) -> Path:
    """Write a results dataset as NetCDF-4 (compressed), atomically."""
    encoding = {name: {"zlib": True, "complevel": 4} for name in ds.data_vars}
    return atomic_write(path, lambda tmp: ds.to_netcdf(tmp, engine="netcdf4", encoding=encoding))


def save_figure(fig, path: Path, dpi: int = 150) -> Path:
    """Save a matplotlib figure as PNG, atomically."""
    return atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format="png"))
