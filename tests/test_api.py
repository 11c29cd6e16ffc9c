"""The package's front door: one analysis API, imported on first use, so that `import model` stays light."""

from __future__ import annotations

import inspect
import subprocess
import sys
from importlib import import_module

import numpy as np
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


# --- one analysis API: shared keywords, a parameter set or a scenario name, errors naming the argument ---

#: The top-level functions that run the model, and the keywords each must share.
INTEGRATING = ("simulate", "compare", "uncertainty", "sensitivity", "breakeven", "calibrate")
SAMPLING = ("sample", "uncertainty", "sensitivity")


def _signature(name: str) -> inspect.Signature:
    return inspect.signature(getattr(model, name))


@pytest.mark.parametrize("name", INTEGRATING)
def test_the_integration_method_is_called_integrator_everywhere(name):
    assert _signature(name).parameters["integrator"].default == "euler"


@pytest.mark.parametrize("name", SAMPLING)
def test_the_sampling_design_is_called_sampler_everywhere(name):
    assert "sampler" in _signature(name).parameters


@pytest.mark.parametrize("name", sorted(model._API))
def test_method_means_only_the_analysis_method_and_horizons_default_to_the_shared_defaults(name):
    from model.core import defaults

    parameters = _signature(name).parameters
    if "method" in parameters:
        assert name == "sensitivity", f"model.{name} has a `method` keyword"
    shared = {"months": defaults.DEFAULT_MONTHS, "dt": defaults.DEFAULT_DT, "start": defaults.DEFAULT_START}
    for keyword, default in shared.items():
        if keyword in parameters:
            assert parameters[keyword].default == default, (name, keyword)


#: Each analysis function called small, with its first argument given as ``params``.
SMALL = {
    "sample": lambda params: model.sample(params, 8, seed=1).value("volunteer.signups"),
    "uncertainty": lambda params: model.uncertainty(params, n=8, seed=1, months=2, variables=["net"]).net.values,
    "sensitivity": lambda params: model.sensitivity(params, "morris", n=2, months=2, keys=["desertion.rate",
                                                                                          "volunteer.signups"]).mu.values,
    "breakeven": lambda params: model.breakeven(params, "volunteer.signups", months=2).value,
    "compare": lambda params: model.compare([params], months=2).net.values,
}


@pytest.mark.parametrize("name", sorted(SMALL))
def test_every_analysis_function_takes_a_parameter_set_or_a_scenario_name(name, baseline):
    import numpy as np

    np.testing.assert_array_equal(SMALL[name](baseline), SMALL[name]("baseline"))
    with pytest.raises(model.InputError) as caught:
        SMALL[name](42)
    assert caught.value.key in ("params", "names") and "ParameterSet" in caught.value.expected


@pytest.mark.parametrize("call, where, key", [
    (lambda: model.breakeven("baseline", "volunteer.signupz", months=2), "breakeven", "lever"),
    (lambda: model.breakeven("baseline", "dprk.tranches", months=2), "breakeven", "lever"),
    (lambda: model.breakeven("baseline", "volunteer.signups", "both"), "breakeven", "target"),
    (lambda: model.simulate(model.load_params(), months=2, integrator="midpoint"), "simulate", "integrator"),
    (lambda: model.sample("baseline", 4, sampler="halton"), "sample", "sampler"),
    (lambda: model.uncertainty("baseline", n=4, months=2, sampler="halton"), "sample", "sampler"),
    (lambda: model.sensitivity("baseline", "fast", n=2, months=2), "sensitivity", "method"),
    (lambda: model.sensitivity("baseline", "morris", n=2, months=2, sampler="lhs"), "sensitivity", "sampler"),
    (lambda: model.sensitivity("baseline", n=2, months=2, sampler="halton"), "sensitivity", "sampler"),
    (lambda: model.sample("baseline", 4, keys=["casualties.monthy"]), "sample", "keys"),
    (lambda: model.uncertainty("baseline", n=10**12), "uncertainty", "n"),
    (lambda: import_module("model.present.report").report(["baseline"], n=4, months=2, sobol_n=3), "report",
     "sobol_n"),
    (lambda: model.calibrate(keys=["casualties.mode"]), "calibrate", "keys"),
    (lambda: model.calibrate(through="2024-13"), "calibrate", "through"),
])
def test_library_errors_name_the_function_and_its_argument(call, where, key):
    with pytest.raises(model.InputError) as caught:
        call()
    assert (caught.value.where, caught.value.key) == (where, key)


def test_the_command_line_names_its_option_for_a_library_argument_and_leaves_other_errors_alone():
    from argparse import Namespace

    from model.cli import as_option

    args = Namespace(method="halton", lever="x.y", n=5, params="a,b", scenario="baseline")
    mapped = as_option(model.InputError("sample", "sampler", "expected one of lhs, sobol, random"), args)
    assert str(mapped) == "--method: halton: expected one of lhs, sobol, random"
    assert str(as_option(model.InputError("calibrate", "keys", "expected ..."), args)) == "--params: a,b: expected ..."
    for untouched in (model.InputError("params/registry.yaml", "n", "a file's key"),  # a file, not a function
                      model.InputError("--n", "5", "an option already"),
                      model.InputError("compare", "names", "no option gives it")):
        assert as_option(untouched, args) is untouched


def test_a_break_even_reads_as_one_line_and_tabulates_as_one_row(baseline):
    answer = model.breakeven(baseline, "volunteer.signups", months=6)
    text = repr(answer)
    assert "\n" not in text and text.startswith("<BreakEven volunteer.signups: ") and answer.unit in text
    table = answer.to_dataframe()
    assert list(table.index) == ["volunteer.signups"]
    assert table.loc["volunteer.signups", "value"] == answer.value
    assert table.loc["volunteer.signups", "gap"] == answer.gap


def test_the_integrator_reaches_the_runs():
    runs = model.uncertainty("baseline", n=4, months=2, integrator="rk4")
    assert runs.attrs["method"] == "rk4" and "integrator_fallbacks" in runs
    assert model.compare(["baseline"], months=2, integrator="rk4").attrs["method"] == "rk4"


def test_the_readme_tour_runs_as_written():
    """Every Python block of the README's "A short tour", in order, in one namespace, after ``import model``."""
    import re
    import warnings
    from pathlib import Path

    from model.inputs.provenance import OutOfRangeWarning

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    tour = text.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", tour, flags=re.S)
    assert len(blocks) >= 3
    namespace: dict = {}
    with warnings.catch_warnings():  # the batch example runs casualties beyond their range, and says so
        warnings.simplefilter("ignore", OutOfRangeWarning)
        for block in blocks:
            exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 (the README's own code)
    assert namespace["runs"].sizes["run"] == 2_000 and namespace["draw"].batch_size == 1_000
    assert repr(namespace["even"]).startswith("<BreakEven") and repr(namespace["fit"]).startswith("<Calibration")


def test_a_sample_tabulates_one_row_per_run_and_one_column_per_varied_parameter(baseline):
    keys = ["desertion.rate", "volunteer.signups"]
    batch = model.sample(baseline, 16, seed=2, keys=keys)
    frame = batch.to_dataframe()
    assert frame.shape == (16, 2) and list(frame.columns) == keys
    np.testing.assert_array_equal(frame["desertion.rate"], batch.value("desertion.rate"))
    assert baseline.to_dataframe().loc["casualties.monthly", "value"] == baseline.value("casualties.monthly")
