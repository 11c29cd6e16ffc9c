"""Units as Vensim and XMILE write them, from the pint syntax the registry and the export's form use."""

from __future__ import annotations

import re

#: Words that differ between pint and the system-dynamics tools (everything else is kept as written).
_WORDS = {"month": "Month", "dimensionless": "Dmnl"}


def sd_unit(unit: str) -> str:
    """``"person / month"`` as ``"person/Month"``, ``"dimensionless"`` as ``"Dmnl"``, ``"1 / month"`` as
    ``"1/Month"``: the unit syntax Vensim reads and XMILE's unit equations share."""
    text = re.sub(r"\s*([/*])\s*", r"\1", unit.strip())
    text = re.sub(r"\*\*", "^", text)
    return re.sub(r"[A-Za-z_]+", lambda m: _WORDS.get(m.group(0), m.group(0)), text)
