"""One rule every list an analyst gives obeys: each item once (a repeat is a slip, and which of two values wins
should never be guessed). Without numpy, so that the command line can check its options before importing it."""

from __future__ import annotations

from ..errors import InputError


def once(values: list, where: str, what: str) -> None:
    """Refuse ``values`` given with ``where`` (an option) when one of them is given twice (``what`` names one of
    them: "key", "scenario", "horizon")."""
    repeated = sorted({str(v) for v in values if values.count(v) > 1})
    if repeated:
        raise InputError(where, ", ".join(repeated), f"expected each {what} once")
