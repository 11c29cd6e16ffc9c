"""Each command imports only what it needs (issue 11, item 4), and the cluster backend is an extra.

A command runs in a fresh interpreter through a small wrapper that reports, at exit, its status and
the modules it loaded. Two checks per command: the libraries it has no use for are not loaded at all
(``forbidden``), and it still succeeds when some libraries cannot be imported (``hidden``: set to
``None`` in ``sys.modules``, as if they were not installed). The second is the check for dask: pint
imports ``dask.base`` whenever dask is installed, and xarray's NetCDF writer asks dask.distributed
for a running client, so its presence says nothing about what the model needs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from model.cli import main
from model.core import defaults

ROOT = Path(__file__).resolve().parents[1]

#: Libraries worth their import time: none of them may be loaded by ``manpower --help``.
HEAVY = ("numpy", "pandas", "xarray", "numba", "scipy", "pint", "matplotlib", "SALib", "dask", "distributed",
         "tqdm")

#: Runs the command line with some modules made unimportable; writes status and loaded modules as JSON.
WRAPPER = """
import json, sys
result, hidden, argv = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
for name in hidden:
    sys.modules[name] = None  # `import name` fails, importlib.util.find_spec(name) is None: as if not installed
from model.cli import main
try:
    status = main(argv)
except SystemExit as exc:  # --help
    status = exc.code
with open(result, "w") as file:
    json.dump({"status": status, "loaded": sorted(m for m, v in sys.modules.items() if v is not None)}, file)
"""


def run_isolated(argv: list[str], hidden: tuple[str, ...], tmp_path: Path) -> tuple[int, set[str], str]:
    """Status, loaded module names and standard error of ``manpower ARGV`` in a fresh interpreter.

    A command that dies of an exception writes no report: its status is the interpreter's.
    """
    result = tmp_path / "result.json"
    result.unlink(missing_ok=True)
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": path}
    process = subprocess.run([sys.executable, "-c", WRAPPER, str(result), json.dumps(hidden), *argv], cwd=tmp_path,
                             capture_output=True, text=True, env=env)
    if not result.exists():
        return process.returncode, set(), process.stderr
    report = json.loads(result.read_text())
    return report["status"], set(report["loaded"]), process.stderr


def loaded_of(loaded: set[str], names: tuple[str, ...]) -> list[str]:
    """Those of ``names`` (packages or dotted submodules) found in ``loaded``."""
    return [name for name in names if name in loaded]


SHORT = ("--months", "3", "--out", "out")
CASES = {
    "--help": (["--help"], HEAVY, ()),
    "params": (["params"], ("numba", "matplotlib", "SALib", "scipy.optimize", "xarray", "distributed"),
               ("dask", "distributed")),
    "explain": (["explain", "net"], ("numba", "matplotlib", "SALib", "scipy.optimize", "xarray", "distributed"),
                ("dask", "distributed")),
    "run": (["run", *SHORT], ("SALib", "scipy.optimize"), ("dask", "distributed", "SALib")),
    "uncertainty": (["uncertainty", "--n", "8", *SHORT], ("SALib",), ("dask", "distributed", "SALib")),
    "sensitivity": (["sensitivity", "--n", "8", *SHORT], (), ("dask", "distributed")),
    "scenario check": (["scenario", "check", str(ROOT / "params" / "scenarios" / "dprk_surge.yaml")],
                       ("numba", "matplotlib", "SALib", "scipy.optimize", "xarray", "distributed"),
                       ("dask", "distributed")),
}


@pytest.mark.parametrize("name", CASES)
def test_each_command_imports_only_what_it_needs(name, tmp_path):
    argv, forbidden, hidden = CASES[name]
    status, loaded, err = run_isolated(argv, hidden, tmp_path)
    assert status == 0, err
    assert not loaded_of(loaded, forbidden), f"`manpower {' '.join(argv)}` imported {loaded_of(loaded, forbidden)}"


def test_the_check_sees_a_needless_import(tmp_path):
    """Not vacuous: a library a command does load is seen, and a hidden one it needs makes it fail."""
    status, loaded, _ = run_isolated(["sensitivity", "--n", "8", *SHORT], (), tmp_path)
    assert status == 0 and loaded_of(loaded, ("SALib", "numba", "matplotlib")) == ["SALib", "numba", "matplotlib"]
    status, _, err = run_isolated(["sensitivity", "--n", "8", *SHORT], ("SALib",), tmp_path)
    assert status != 0 and "SALib" in err


def test_the_choice_lists_are_the_librarys(capsys):
    """The command line offers the library's own lists (model/core/defaults.py), which the library checks."""
    from model.analysis import breakeven, sampler, sensitivity
    from model.engine import integrator
    from model.sweeps import run

    assert tuple(integrator.METHODS) == defaults.INTEGRATORS and sampler.SAMPLERS == defaults.SAMPLERS
    assert sensitivity.METHODS == defaults.SENSITIVITY_METHODS and breakeven.TARGETS == defaults.BREAKEVEN_TARGETS
    assert run.BACKENDS is defaults.BACKENDS
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    assert "{" + ",".join(defaults.INTEGRATORS) + "}" in capsys.readouterr().out


def test_the_dask_backend_without_the_cluster_extra_is_refused_naming_the_option(tmp_path, monkeypatch, capsys):
    import model
    from model.errors import InputError

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask.distributed were not installed
    monkeypatch.chdir(tmp_path)
    spec = tmp_path / "spec.yaml"
    spec.write_text("name: tiny\nmonths: 2\nsamples: {n: 2}\n")
    before = sorted(tmp_path.rglob("*"))
    assert main(["sweep", str(spec), "--backend", "dask", "--out", "store", "--no-progress"]) == 2
    line = capsys.readouterr().err.strip()
    assert line.startswith("manpower: error: --backend: dask: ") and "pip install 'manpower-model[cluster]'" in line
    with pytest.raises(InputError, match=r"sweep: backend: .*manpower-model\[cluster\]"):
        model.sweep(spec, tmp_path / "store", backend="dask", progress=False)
    assert sorted(tmp_path.rglob("*")) == before, "nothing is written"


def test_the_cluster_and_pdf_extras_hold_their_libraries_and_the_test_extra_asks_for_them():
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert any(req.startswith("dask[distributed]") for req in extras["cluster"])
    assert any(req.startswith("weasyprint") for req in extras["pdf"])
    assert not any(re.match("distributed|weasyprint", req) or "[distributed]" in req
                   for req in project["dependencies"])
    asked = {extra for req in extras["test"] if req.startswith(project["name"] + "[")
             for extra in req[len(project["name"]) + 1:-1].split(",")}
    assert {"cluster", "pdf", "notebooks"} <= asked


def test_every_subpackage_is_listed_for_the_wheel():
    """A subpackage missing from pyproject.toml's packages is missing from ``pip install .`` (not from the editable
    install the tests run on), so it is checked here."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "model").rglob("__init__.py")}
    assert found - listed == set()
