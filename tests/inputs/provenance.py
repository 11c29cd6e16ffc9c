"""The provenance rules the tests apply: what a traceable overlay change holds, and quotes compared as text.

Shared by the registry's and the overlays' citation tests and by the calibration's saved overlay.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from model.inputs.registry import DATE_PATTERN

from ..conftest import PARAMS


def normalised(text: str) -> str:
    """``text`` with every run of white space one space, trimmed: quotes are compared to sources this way."""
    return re.sub(r"\s+", " ", text).strip()


def stored_source_texts() -> str:
    """Every stored source text of ``params/sources`` (text, Markdown, CSV), normalised, one after another."""
    return "\n".join(normalised(p.read_text(encoding="utf-8")) for p in (PARAMS / "sources").iterdir()
                     if p.suffix in (".txt", ".md", ".csv"))


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def problems(entry: Mapping) -> list[str]:
    """What the rule finds missing in one overlay change; empty when the change is traceable."""
    found = []
    source = entry.get("source")
    if not _text(source):
        found.append("no source: cite one (`source`, `date`, `quote` or `url`), or write `source: assumption` "
                     "with the reasoning in `assumption` and a `date`")
    elif source == "assumption":
        if not _text(entry.get("assumption")):
            found.append("`source: assumption` without the reasoning in `assumption`")
    elif not (_text(entry.get("quote")) or _text(entry.get("url"))):
        found.append(f"source {source!r} without a `quote` or a `url`")
    date = entry.get("date")
    if date is None:
        found.append("no `date` (of the source, or of the evidence an assumption rests on)")
    elif not DATE_PATTERN.match(str(date)):
        found.append(f"`date` {date!r} is not 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'")
    return found
