"""The files a scenario comparison is published as: what ``manpower compare`` writes and ``manpower update``
regenerates, in one folder (``results/`` by default): ``comparison.csv`` (the table, with units in its headers
and numbers rounded as :mod:`model.present.exports` rounds them), ``comparison.nc`` (every scenario's run) and
``comparison.png`` (the figure)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xarray as xr

from ..results.io import check_outputs, save_figure, write_netcdf
from .exports import write_csv
from .plots import comparison_figure
from .summary_tables import comparison_tables


def comparison_paths(out: str | Path) -> tuple[Path, Path, Path]:
    """The files :func:`write_comparison` writes into the folder ``out``: the CSV, NetCDF and PNG paths (checked
    with :func:`model.results.io.check_outputs` before any run)."""
    out = Path(out)
    return out / "comparison.csv", out / "comparison.nc", out / "comparison.png"


def write_comparison(ds: xr.Dataset, table: pd.DataFrame, out: str | Path,
                     command: str | None = None) -> tuple[Path, Path, Path]:
    """Write the comparison ``ds`` (from :func:`model.compare`), its ``table`` and its figure into ``out``, each
    atomically, after checking that all three can be written (none is, when one cannot); ``command`` goes into
    the NetCDF history. Returns the CSV, NetCDF and PNG paths."""
    csv, netcdf, figure = check_outputs(comparison_paths(out), "--out")
    return (write_csv(comparison_tables(table)[0], csv), write_netcdf(ds, netcdf, command=command),
            save_figure(comparison_figure(ds), figure))
