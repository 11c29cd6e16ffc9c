"""Short labels for people from the registry's and the observed series' descriptions.

The registry has no separate short label: each description opens with one, ended by its first clause. One rule for
every layer that names a parameter or a series in a figure (:mod:`model.present.labels`,
:mod:`model.calibration.report`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Where a description's first clause ends: a semicolon, a colon, a comma or a full stop.
_CLAUSE_END = re.compile(r"; |: |, |\. |\.$")
_BRACKETED = re.compile(r" ?\([^()]*\)")


def first_clause(description: str, fallback: str = "") -> str:
    """``description`` without its brackets, up to its first clause, ``the projection start`` shortened to ``the
    start``: ``Share of all casualties who are killed (dimensionless, 0–1); the rest ...`` -> ``Share of all
    casualties who are killed``. ``fallback`` when nothing is left."""
    text = " ".join(str(description or "").split())
    while _BRACKETED.search(text):
        text = _BRACKETED.sub("", text)
    label = _CLAUSE_END.split(text, maxsplit=1)[0].strip().replace("the projection start", "the start")
    return label or fallback


def joined(names: Iterable[str]) -> str:
    """Names as a sentence lists them: ``a, b and c`` (empty for none)."""
    names = list(names)
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
