"""Where the parameter files live.

The project keeps its data in the top-level ``params/`` folder of a source
checkout (``pip install -e .``). Set ``MANPOWER_PARAMS`` to use another folder.
"""

from __future__ import annotations

import os
from pathlib import Path

REGISTRY_FILE = "registry.yaml"
SCENARIO_FOLDER = "scenarios"


def params_dir() -> Path:
    """The parameter folder: ``$MANPOWER_PARAMS``, else the checkout's ``params/``, else ``./params``."""
    explicit = os.environ.get("MANPOWER_PARAMS")
    if explicit:
        return Path(explicit)
    beside_package = Path(__file__).resolve().parent.parent / "params"
    if beside_package.is_dir():
        return beside_package
    return Path.cwd() / "params"


def display(path: Path) -> str:
    """A path as a user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
