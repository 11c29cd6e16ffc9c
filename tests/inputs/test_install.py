"""Where parameters are read from and written to, installed or in a checkout (issue 10, item 9)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import model
from model.inputs import paths
from model.errors import InputError
from model.inputs.parameters import scenario_names

from ..conftest import PARAMS

ROOT = PARAMS.parent


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No MANPOWER_PARAMS, and a home and XDG data home of the test's own."""
    monkeypatch.delenv(paths.ENV_VAR, raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def fake_package(root: Path, checkout: bool) -> Path:
    """A package folder ``root/model``, inside a fake checkout (pyproject.toml and params/) or not."""
    (root / "model").mkdir(parents=True)
    if checkout:
        (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")
        (root / "params").mkdir()
        (root / "params" / paths.REGISTRY_FILE).write_text("parameters: {}\n")
    return root / "model"


def test_user_folder_is_the_variable_then_the_checkout_then_the_xdg_data_home(clean_env, monkeypatch):
    tmp = clean_env
    monkeypatch.setattr(paths, "_PACKAGE_ROOT", fake_package(tmp / "repo", checkout=True))
    assert paths.checkout_dir() == tmp / "repo" / "params"
    assert paths.params_dir() == tmp / "repo" / "params" == paths.shipped_dir()
    monkeypatch.setenv(paths.ENV_VAR, str(tmp / "mine"))
    assert paths.params_dir() == tmp / "mine"

    monkeypatch.delenv(paths.ENV_VAR)
    monkeypatch.setattr(paths, "_PACKAGE_ROOT", fake_package(tmp / "site-packages", checkout=False))
    assert paths.checkout_dir() is None
    assert paths.params_dir() == tmp / "home" / ".local" / "share" / "manpower-model" / "params"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp / "xdg"))
    assert paths.params_dir() == tmp / "xdg" / "manpower-model" / "params"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/xdg")  # the XDG spec ignores relative paths
    assert paths.params_dir() == tmp / "home" / ".local" / "share" / "manpower-model" / "params"


def test_a_folder_without_pyproject_is_not_a_checkout(clean_env, monkeypatch):
    package = fake_package(clean_env / "repo", checkout=True)
    (clean_env / "repo" / "pyproject.toml").unlink()
    monkeypatch.setattr(paths, "_PACKAGE_ROOT", package)
    assert paths.checkout_dir() is None


def write_overlay(folder: Path, name: str, description: str, changes: dict) -> None:
    (folder / paths.SCENARIO_FOLDER).mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"name": name, "description": description, "based_on": "baseline", "set": changes})
    (folder / paths.SCENARIO_FOLDER / f"{name}.yaml").write_text(text)


def test_a_user_folder_holding_one_scenario_reads_everything_else_from_the_shipped_defaults(
        clean_env, monkeypatch, baseline):
    user = clean_env / "user"
    highest = float(baseline["casualties.monthly"].high)
    assert highest != baseline.value("casualties.monthly")
    write_overlay(user, "mine", "a user's scenario", {"casualties.monthly": {"value": highest, "reason": "test"}})
    monkeypatch.setenv(paths.ENV_VAR, str(user))
    params = model.load_params("mine")
    assert params.value("casualties.monthly") == pytest.approx(highest)
    assert Path(params.files[0]).resolve() == (paths.shipped_dir() / paths.REGISTRY_FILE).resolve()
    assert Path(params.files[-1]).resolve() == (user / "scenarios" / "mine.yaml").resolve()
    shipped = scenario_names(paths.shipped_dir())
    assert scenario_names() == ["baseline"] + sorted(set(shipped[1:]) | {"mine"})
    assert model.load_params().value("casualties.monthly") == baseline.value("casualties.monthly")


def test_a_user_file_shadows_the_shipped_one_and_an_explicit_folder_is_read_alone(clean_env, monkeypatch):
    user = clean_env / "user"
    shipped = scenario_names(paths.shipped_dir())[1]
    write_overlay(user, shipped, "the user's own version", {})
    monkeypatch.setenv(paths.ENV_VAR, str(user))
    assert model.load_params(shipped).description == "the user's own version"
    assert paths.locate(paths.REGISTRY_FILE) == paths.shipped_dir() / paths.REGISTRY_FILE
    with pytest.raises(InputError, match="registry.yaml"):
        model.load_params(shipped, folder=user)  # an explicit folder has no fallback


def test_python_dash_m_model_is_the_manpower_command(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "model", "--version"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(model.__version__)


def test_every_folder_of_params_is_shipped_as_a_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert config["package-dir"]["model.params"] == "params"
    folders = {p.name for p in PARAMS.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))}
    assert {f"model.params.{f}" for f in folders} <= set(config["packages"])


def test_every_subpackage_of_model_is_shipped():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "model").rglob("__init__.py")}
    assert found and found <= set(config["packages"])


@pytest.mark.slow
def test_the_installed_wheel_runs_anywhere_and_writes_only_to_the_user_folder(tmp_path):
    source = tmp_path / "source"  # a copy, so that the build leaves nothing in the checkout
    for name in ("model", "params", "pyproject.toml", "README.md", "LICENSE"):
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy
        copy(ROOT / name, source / name)
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(source)],
                   check=True, timeout=600)
    env = {k: v for k, v in os.environ.items() if k != paths.ENV_VAR}
    env.update(PYTHONPATH=str(site), XDG_DATA_HOME=str(tmp_path / "xdg"), MPLBACKEND="Agg")
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "model", *argv], capture_output=True, text=True, env=env,
                              cwd=work, timeout=900)

    where = subprocess.run([sys.executable, "-c", "from model.inputs import paths; print(paths.shipped_dir())"],
                           capture_output=True, text=True, env=env, cwd=work, check=True).stdout.strip()
    assert Path(where) == site / "model" / "params"
    done = run("compare", "--no-breakeven", "--months", "3", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "comparison.csv").is_file()
    before = sorted(p for p in site.rglob("*") if "__pycache__" not in p.parts)
    done = run("calibrate", "--params", "force.deployed_total", "--save", "fitted", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "xdg" / "manpower-model" / "params" / "scenarios" / "fitted.yaml").is_file()
    assert sorted(p for p in site.rglob("*") if "__pycache__" not in p.parts) == before
    assert run("run", "--scenario", "fitted", "--months", "3", "--out", str(tmp_path / "out")).returncode == 0
