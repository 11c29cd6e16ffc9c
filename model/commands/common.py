"""What several commands share: ``--set`` overrides, the scenario they apply to, the progress shown while they
work and their exports."""

from __future__ import annotations

import argparse
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from ..errors import InputError
from ..inputs.repeats import once as check_once


def comma_list(text: str, option: str, items: str, item: str, example: str) -> list[str]:
    """``"a,b,c"`` given with ``option`` as ``["a", "b", "c"]`` (spaces around items dropped); an empty list, an
    empty item (``"a,,b"``, ``","``) or an item given twice refused, the message naming what the ``items`` are
    (plural), one ``item`` (singular) and an ``example``."""
    parts = [part.strip() for part in text.split(",")]
    if not all(parts):
        raise InputError(option, repr(text) if not text.strip() else text,
                         f"expected {items} separated by commas, e.g. {example}")
    check_once(parts, option, item)
    return parts


def parse_assignments(items: Sequence[str] | None) -> dict[str, object]:
    """``["KEY=VALUE", ...]`` from ``--set`` into ``{key: value}`` (VALUE as YAML: a number, a list, or text with a
    unit); a key set twice is refused (which value was meant cannot be guessed)."""
    import yaml

    from ..inputs import spec as specs
    from ..inputs.textfiles import load_yaml

    overrides: dict[str, object] = {}
    for item in items or ():
        key, sep, raw = item.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key or not raw:
            raise InputError("--set", item, "expected KEY=VALUE, e.g. --set casualties.monthly=50000")
        try:
            value = load_yaml(raw)  # 5e4 is a number, as people mean it
        except yaml.YAMLError:
            value = raw
        expected = specs.BY_KEY.get(key)
        if isinstance(value, list) and expected is not None and expected.kind is not specs.SCHEDULE:
            raise InputError("--set", key, f"expected one number in {expected.unit}, got the list {raw}")
        overrides[key] = value
    check_once([item.partition("=")[0].strip() for item in items or ()], "--set", "key")
    return overrides


def scenario_params(args: argparse.Namespace):
    """The scenario with the ``--set`` overrides; a value outside its range is printed as one warning line."""
    from ..inputs.parameters import load_params
    from ..inputs.provenance import OutOfRangeWarning

    params = load_params(args.scenario, prior=getattr(args, "prior", False))
    overrides = parse_assignments(getattr(args, "set", None))
    if not overrides:
        return params
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutOfRangeWarning)  # printed below, as one line each
        params = params.with_values(overrides, where="--set")
    for line in params.range_warnings():
        print(f"manpower: warning: {line}", file=sys.stderr)
    return params



#: Seconds between two refreshes of a progress line.
TICK = 0.5


def progress_disabled(args: argparse.Namespace) -> bool | None:
    """tqdm's ``disable`` for a command: ``True`` with ``--no-progress``, else ``None`` (shown only when standard
    error is a terminal, never in a pipe, a log or a test)."""
    return True if getattr(args, "no_progress", False) else None


@contextmanager
def progress(args: argparse.Namespace, description: str) -> Iterator[None]:
    """While the block runs, one line on standard error saying what is being done and for how long
    (``running 13 scenarios: 00:07``), refreshed every :data:`TICK` seconds and cleared at the end: the same
    tqdm line as the sweep's progress bar, for work that has no count of steps to show."""
    from tqdm import tqdm

    bar = tqdm(total=None, desc=description, bar_format="{desc}: {elapsed}", leave=False, file=sys.stderr,
               disable=progress_disabled(args))
    if bar.disable:
        yield
        return
    done = threading.Event()

    def tick() -> None:
        while not done.wait(TICK):
            bar.refresh()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        done.set()
        ticker.join()
        bar.close()


def check_exports(args: argparse.Namespace) -> None:
    """Refuse a bad ``--csv`` or ``--xlsx`` file before any work (see :func:`model.present.exports.check_export`)."""
    from ..present.exports import check_export

    for option in ("csv", "xlsx"):
        if getattr(args, option, None) is not None:
            check_export(getattr(args, option), f"--{option}")


def export(args: argparse.Namespace, tables: Callable[[], list], source: str, digest: str) -> list:
    """Write the ``--csv`` and ``--xlsx`` files asked for (see :mod:`model.present.exports`) of the summary
    ``tables()`` builds (called only when a file is asked for); their paths."""
    from ..present.exports import about, write_exports

    if getattr(args, "csv", None) is None and getattr(args, "xlsx", None) is None:
        return []
    info = about(source, digest, getattr(args, "command_line", None))
    return write_exports(tables(), info, csv=getattr(args, "csv", None), xlsx=getattr(args, "xlsx", None))


def export_paths(args: argparse.Namespace) -> list:
    """The ``--csv`` and ``--xlsx`` files :func:`export` will write (none when neither is asked for)."""
    return [path for path in (getattr(args, "csv", None), getattr(args, "xlsx", None)) if path is not None]


def print_table(frame, kinds=None, axis: str = "columns", index: bool = True) -> None:
    """A table on standard output, at most 100 columns wide (see :func:`model.present.console.render`)."""
    from ..present.console import render

    print(render(frame, kinds, axis=axis, index=index))


def say(text: str = "") -> None:
    """Prose on standard output, wrapped to 100 columns (see :func:`model.present.console.wrapped`)."""
    from ..present.console import wrapped

    print(wrapped(text))
