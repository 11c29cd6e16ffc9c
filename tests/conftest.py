"""Shared fixtures and helpers for the test suite, the hypothesis profiles and the ``slow`` marker.

Hypothesis profiles (choose with the environment variable ``HYPOTHESIS_PROFILE``): ``ci``, the default,
runs a modest number of examples per property; ``slow`` runs many more. Tests marked ``slow`` are
skipped unless pytest is given ``-m slow`` (or a marker expression naming it) or ``MANPOWER_SLOW=1``.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pytest
import xarray as xr
from hypothesis import HealthCheck, settings

import model
from model.inputs.paths import params_dir
from model.results import checks
from model.results.checks import conservation_residual  # noqa: F401 (used by tests)
from model.core.structure import FLOWS, STOCKS

from . import synthetic

#: The parameter folder the tests read (``MANPOWER_PARAMS`` when set, else the checkout's ``params/``).
PARAMS = params_dir()

settings.register_profile("ci", max_examples=30, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("slow", max_examples=1000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: long-running case; runs with `-m slow` or MANPOWER_SLOW=1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "slow" in (config.option.markexpr or "") or os.environ.get("MANPOWER_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: run with `-m slow` or MANPOWER_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@functools.cache
def baseline_params() -> model.ParameterSet:
    """The baseline parameter set, loaded once (for code that cannot take fixtures, e.g. strategies)."""
    return model.load_params("baseline")


@pytest.fixture(scope="session")
def baseline() -> model.ParameterSet:
    return baseline_params()


@pytest.fixture(scope="session")
def prior() -> model.ParameterSet:
    """The baseline without the stored posterior: the registry's values and ranges alone (for tests of sampling
    the registry's distributions)."""
    return model.load_params("baseline", prior=True)


@pytest.fixture(scope="session")
def held(baseline) -> model.ParameterSet:
    """The baseline with its casualty level held (``casualties.process = trend``) and demanded whatever the war zone
    holds (``casualties.depletion_elasticity`` 0): for tests of the level's own mechanics (``casualties.monthly``
    as the level, its growth rate, the recorded months replacing it, the shortfall of a demand nobody meets)."""
    return baseline.with_values({"casualties.process": "trend"}, kind="override").with_values(
        {"casualties.depletion_elasticity": 0.0}, where="the held fixture", kind="search")


@pytest.fixture(scope="session")
def synthetic_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A parameter folder with round synthetic values (see :mod:`tests.synthetic`)."""
    return synthetic.write_folder(tmp_path_factory.mktemp("synthetic") / "params")


@pytest.fixture(scope="session")
def toy(synthetic_folder: Path) -> model.ParameterSet:
    """The synthetic registry, loaded as any parameter folder is."""
    return model.load_params("baseline", folder=synthetic_folder)


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


def without_recruitment() -> dict[str, object]:
    """Overrides that shut every recruitment channel: the model's own list
    (:func:`model.results.checks.without_recruitment`) plus what it leaves open: conscripts signing contracts, the
    call-up campaigns and the scheduled events that fill pools or call reservists up."""
    return {**checks.without_recruitment(), "conscription.conversion_share": 0.0, "conscription.campaigns": [],
            "mobilization.waves": [], "dprk.tranches": [], "migrant.roundups": []}


def quiet_front() -> dict[str, object]:
    """Overrides that stop casualties, desertion, release from the war zone and from outside it, and rotation,
    to isolate other flows (the casualty level held, so that no recorded month brings casualties back)."""
    return {"casualties.process": "trend", "casualties.monthly": 0.0, "casualties.recorded": [],
            "desertion.rate": 0.0, "rotation.rate": 0.0, "rear.release_rate": 0.0,
            **{f"release_rate.{s}": 0.0 for s in model.SOURCES}}


@pytest.fixture(autouse=True)
def _close_figures():
    """Each test starts and ends with no pyplot figure open (pyplot keeps them until closed)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
