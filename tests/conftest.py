"""Shared fixtures and helpers for the test suite."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

import model
from model.checks import conservation_residual, without_recruitment  # noqa: F401 (used by tests)
from model.structure import FLOWS, STOCKS

PARAMS = Path(__file__).resolve().parent.parent / "params"


@functools.cache
def baseline_params() -> model.ParameterSet:
    """The baseline parameter set, loaded once (for tests that cannot take fixtures, e.g. hypothesis)."""
    return model.load_params("baseline")


@pytest.fixture(scope="session")
def baseline() -> model.ParameterSet:
    return baseline_params()


@pytest.fixture
def params_copy(tmp_path: Path) -> Path:
    """A writable copy of the parameter folder, for tests that break it."""
    target = tmp_path / "params"
    shutil.copytree(PARAMS, target)
    return target


def assert_conserved(ds: xr.Dataset, rtol: float = 1e-9) -> None:
    worst = float(conservation_residual(ds).max())
    assert worst <= rtol, f"headcount not conserved: relative residual {worst:.3g}"


def assert_non_negative(ds: xr.Dataset) -> None:
    for stock in STOCKS:
        lowest = float(ds[stock].min())
        assert lowest >= -1e-9 * max(1.0, float(ds[stock].max())), f"{stock} went negative: {lowest}"
    for flow in FLOWS:
        assert float(ds[flow.name].min(skipna=True)) >= 0, f"flow {flow.name} went negative"


def quiet_front() -> dict[str, float]:
    """Overrides that stop casualties, desertion and release, to isolate other flows."""
    return {"casualties.monthly": 0.0, "desertion.rate": 0.0,
            **{f"release_rate.{s}": 0.0 for s in model.SOURCES}}


def numeric_keys(params: model.ParameterSet) -> list[str]:
    return [k for k, p in params.items() if p.spec.numeric]


def sample_within_ranges(params: model.ParameterSet, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Uniform draws inside every numeric parameter's plausible range, consistent with the cross-checks."""
    values = {k: rng.uniform(params[k].low, params[k].high, n) for k in numeric_keys(params)}
    return values
