"""The malformed-input corpus's vocabulary: a :class:`Case` and the helpers that break one file or option.

``test_malformed_inputs.py`` holds the corpus and runs it; the ``corpus_*.py`` modules beside it add cases by
topic (each a ``CASES`` list of :class:`Case`), joined into the same parametrization.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import yaml

from ..synthetic import synthetic_month_row


@dataclass(frozen=True)
class Case:
    """One bad input: the command line, the files it breaks, what the message must name."""

    id: str
    argv: tuple[str, ...]
    expect: tuple[str, ...]
    files: dict[str, Any] = field(default_factory=dict)  # path under params/ -> text, bytes, callable, DIRECTORY or FIFO
    status: int = 2
    interrupt: bool = False  # Ctrl-C while the model runs
    writes: bool = False  # allowed to leave a resumable store behind (an interrupted sweep)


DIRECTORY = object()
#: A named pipe (FIFO) in place of a file: an output must never replace it with a regular file.
FIFO = object()


def edit(path: str, change: Callable[[dict], None]) -> Callable[[Path], str]:
    """A file's YAML document changed by ``change`` (so the case does not depend on today's values)."""
    def apply(root: Path) -> str:
        document = yaml.safe_load((root / path).read_text(encoding="utf-8"))
        change(document)
        return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    return apply


def substitute(path: str, pattern: str, replacement: str) -> Callable[[Path], str]:
    """A file's text with the first match of ``pattern`` replaced (for what YAML cannot express)."""
    def apply(root: Path) -> str:
        text = (root / path).read_text(encoding="utf-8")
        changed, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
        assert count == 1, f"{pattern!r} not found in {path}"
        return changed
    return apply


def registry_value(key: str, field_name: str, value: Any) -> Callable[[Path], str]:
    def change(document: dict) -> None:
        document["parameters"][key][field_name] = value
    return edit("registry.yaml", change)


def overlay(body: str, name: str = "bad") -> dict[str, str]:
    """A scenario file ``params/scenarios/NAME.yaml`` with ``body`` under ``set:``."""
    return {f"scenarios/{name}.yaml": f"name: {name}\ndescription: a broken overlay\nset:\n{body}"}


def monthly(value: str, extra: str = "") -> dict[str, str]:
    return overlay(f"  casualties.monthly:\n    value: {value}\n    reason: test\n{extra}")


def series_value(name: str, field_name: str, value: Any) -> Callable[[Path], str]:
    def change(document: dict) -> None:
        document["series"][name][field_name] = value
    return edit("observed/series.yaml", change)


def first_point(value: Any, field_name: str = "value") -> Callable[[Path], str]:
    def change(document: dict) -> None:
        listed = next(s for s in document["series"].values() if s.get("points"))
        listed["points"][0][field_name] = value
    return edit("observed/series.yaml", change)


def config(field_name: str, value: Any) -> Callable[[Path], str]:
    def change(document: dict) -> None:
        document[field_name] = value
    return edit("hindcast/calibration.yaml", change)


CSV = "observed/uk_mod_monthly_casualties.csv"


def append_month(path: Path) -> str:
    """The CSV with a synthetic row for the month after its last (a made-up count, not a real figure)."""
    text = path.read_text(encoding="utf-8")
    last = text.strip().splitlines()[-1].split(",")[0]
    following = (np.datetime64(last, "M") + 1).astype(str)
    return text + f"{following},1000,31,31000,synthetic row for a test,none\n"
def appended_row(change: Callable[[list[str]], None]) -> Callable[[Path], str]:
    """The CSV with a synthetic row for the month after its last (the last month's daily average repeated), its
    cells (month, daily average, days, count, source, URL) changed by ``change``."""
    def apply(root: Path) -> str:
        cells = synthetic_month_row(root / CSV).rstrip("\n").split(",")
        change(cells)
        return (root / CSV).read_text(encoding="utf-8") + ",".join(cells) + "\n"
    return apply


def _set(column: int, value: str) -> Callable[[list[str]], None]:
    return lambda cells: cells.__setitem__(column, value)


BINARY = bytes(range(256)) * 4
LATIN1 = "name: bad\ndescription: caf\xe9 au lait\nset: {}\n".encode("latin-1")
RUN = ("run", "--months", "2")
BAD = ("run", "--scenario", "bad", "--months", "2")
CAL = ("calibrate",)
FITTED = ("run", "--prior", "--set", "casualties.process=fitted", "--months", "2")
POSTERIOR, DRAWS = "posterior/posterior.yaml", "posterior/draws.csv"
PROCESS = "observed/casualty_process.yaml"
BACKTEST = ("backtest", "--n", "100")
UPDATE = ("update", "--n", "8", "--months", "2", "--out", "{work}/results")
#: A whole number beyond MAX_MAGNITUDE as YAML writes it (an int, not a float: it once got past the check).
BEYOND = "100000000000000000000000"
NEW = ("scenario", "new", "mine")

