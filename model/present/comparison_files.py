"""The files a scenario comparison is published as: what ``manpower compare`` writes and ``manpower update``
regenerates, in one folder (``results/`` by default): ``comparison.csv`` (the table, with units in its headers
and numbers rounded as :mod:`model.present.exports` rounds them), ``comparison.nc`` (every scenario's run) and
``comparison.png`` (the figure)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xarray as xr

from ..results.io import save_figure, write_netcdf
from .exports import write_csv
from .plots import comparison_figure
from .summary_tables import comparison_tables


def write_comparison(ds: xr.Dataset, table: pd.DataFrame, out: str | Path,
                     command: str | None = None) -> tuple[Path, Path, Path]:
    """Write the comparison ``ds`` (from :func:`model.compare`), its ``table`` and its figure into ``out``, each
    atomically; ``command`` goes into the NetCDF history. Returns the CSV, NetCDF and PNG paths."""
    out = Path(out)
    csv = write_csv(comparison_tables(table)[0], out / "comparison.csv")
    netcdf = write_netcdf(ds, out / "comparison.nc", command=command)
    figure = save_figure(comparison_figure(ds), out / "comparison.png")
    return csv, netcdf, figure
