"""Invariants of a projection and the standard extreme-condition inputs, shared by the tests and the
validation report (:mod:`model.present.validation`)."""

from __future__ import annotations

import xarray as xr

from ..core.structure import DRAWN, FLOWS, POOLED, STOCKS


def conservation_residual(ds: xr.Dataset) -> xr.DataArray:
    """Per month: change in all stocks minus (inflows from outside - exits to sinks), relative to the stock total.

    ``ds`` must hold every stock and flow (``simulate(..., variables=None)``).
    """
    stocks = sum(ds[s] for s in STOCKS).sum("source")
    inflow = sum(ds[f.name] for f in FLOWS if f.origin is None).sum("source")
    exits = sum(ds[f.name] for f in FLOWS if f.target not in STOCKS).sum("source")
    change = stocks.diff("time", label="lower")
    balance = (inflow - exits).isel(time=slice(0, -1))
    return abs(change - balance) / stocks.isel(time=slice(0, -1)).clip(min=1.0)


def lowest_stock(ds: xr.Dataset) -> float:
    """The smallest value any stock takes (persons); negative would break the model's first rule."""
    return min(float(ds[s].min()) for s in STOCKS)


def without_recruitment() -> dict[str, float]:
    """Overrides that shut every recruitment channel (conscripts' contracts included)."""
    return {"volunteer.signups": 0.0, **{f"pool_inflow.{s}": 0.0 for s in ("prisoner", "migrant", "foreign")},
            **{f"draw_rate.{s}": 0.0 for s in DRAWN}, "conscription.conversion_share": 0.0}


def empty_pools() -> dict[str, float]:
    """Overrides that empty every finite recruitment pool and stop its inflow."""
    return {**{f"pool_initial.{s}": 0.0 for s in POOLED},
            **{f"pool_inflow.{s}": 0.0 for s in ("prisoner", "migrant", "foreign")}}
