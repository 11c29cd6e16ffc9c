"""The package's front door: one analysis API, imported on first use, so that `import model` stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import model

HEAVY = ("numpy", "pandas", "xarray", "numba", "scipy", "pint", "matplotlib", "SALib", "dask")


def test_import_model_loads_no_heavy_library():
    code = f"import sys, model; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()
    assert loaded == "", f"`import model` imported {loaded}"


@pytest.mark.parametrize("name", sorted(model._API))
def test_every_api_name_is_a_callable_of_the_module_it_names(name):
    module, attribute = model._API[name]
    value = getattr(model, name)
    assert callable(value) and value is getattr(sys.modules[module], attribute)
    assert name in dir(model)


def test_subpackages_are_reachable_as_attributes_and_unknown_names_are_errors():
    assert model.analysis.__name__ == "model.analysis"
    with pytest.raises(AttributeError, match="no attribute 'uncertainy'"):
        model.uncertainy  # noqa: B018 (the attribute access is the test)
