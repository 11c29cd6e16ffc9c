"""Where the parameter files live: the shipped defaults and the user's parameter folder.

Two folders, both laid out like the repository's ``params/`` (``registry.yaml``,
``scenarios/``, ``hindcast/``, ``observed/``, ``sources/``):

- **The shipped defaults** (:func:`shipped_dir`), read-only. The wheel carries the
  repository's ``params/`` as the package data ``model/params`` (``pyproject.toml``
  maps it there, ``params/__init__.py`` making it a package); in a source checkout
  or an editable install they are the checkout's ``params/`` itself.
- **The user's parameter folder** (:func:`params_dir`), where every command writes
  (``manpower calibrate --save NAME``) and which is read first:
  ``$MANPOWER_PARAMS`` when set; else the checkout's ``params/`` when the package
  runs from a source checkout; else ``$XDG_DATA_HOME/manpower-model/params``
  (``~/.local/share/manpower-model/params`` by default). Never site-packages.

A file is looked up in the user's folder first and then in the shipped defaults
(:func:`locate`), so a user folder may hold only the files it changes, e.g. one
saved scenario; ``MANPOWER_PARAMS`` pointing at a full copy of ``params/`` replaces
all of them. Code given an explicit ``folder`` reads that folder alone.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

REGISTRY_FILE = "registry.yaml"
SCENARIO_FOLDER = "scenarios"
#: Environment variable naming the user's parameter folder.
ENV_VAR = "MANPOWER_PARAMS"
#: Folder name under the XDG data home.
APP_NAME = "manpower-model"

#: The package folder (model/), two levels above this module.
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_PACKAGE = __package__.partition(".")[0]


def checkout_dir() -> Path | None:
    """The ``params/`` of the source checkout the package runs from, or None when it runs installed.

    A checkout is recognised by ``pyproject.toml`` and ``params/registry.yaml`` beside the package folder.
    """
    root = _PACKAGE_ROOT.parent
    if (root / "pyproject.toml").is_file() and (root / "params" / REGISTRY_FILE).is_file():
        return root / "params"
    return None


def shipped_dir() -> Path:
    """The read-only defaults: a checkout's ``params/``, else the installed package data ``model.params``."""
    # A checkout comes first: run from a source tree (PYTHONPATH), the package data of another install
    # could otherwise be found under the same name. In an editable install both are the same folder.
    return checkout_dir() or Path(resources.files(f"{_PACKAGE}.params"))


def user_data_home() -> Path:
    """``$XDG_DATA_HOME``, else ``~/.local/share`` (the XDG Base Directory default)."""
    explicit = os.environ.get("XDG_DATA_HOME")
    return Path(explicit) if explicit and Path(explicit).is_absolute() else Path.home() / ".local" / "share"


def params_dir() -> Path:
    """The user's parameter folder, where commands write: ``$MANPOWER_PARAMS``, a checkout's ``params/``, or XDG."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit).expanduser()
    return checkout_dir() or user_data_home() / APP_NAME / "params"


def read_dirs(folder: str | Path | None = None) -> list[Path]:
    """Folders a file is looked up in, first match wins: ``folder`` alone, else the user's then the shipped."""
    if folder is not None:
        return [Path(folder)]
    user, shipped = params_dir(), shipped_dir()
    return [user] if user.resolve() == shipped.resolve() else [user, shipped]


def locate(relative: str | Path, folder: str | Path | None = None) -> Path:
    """The file ``relative`` (e.g. ``scenarios/baseline.yaml``) in the first of :func:`read_dirs` that has it.

    When none has it, the path in the last folder (the shipped defaults), so that an error names it.
    """
    candidates = [root / relative for root in read_dirs(folder)]
    return next((path for path in candidates if path.exists()), candidates[-1])


def is_shipped(path: Path) -> bool:
    """Whether ``path`` lies inside an installed package's data (never to be written)."""
    shipped = shipped_dir().resolve()
    return checkout_dir() is None and shipped in (path.resolve(), *path.resolve().parents)


def display(path: Path) -> str:
    """A path as a user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
