"""Malformed-input cases: the observed data: the casualty record's CSV, series.yaml's points, the stored fits.

Joined into ``test_malformed_inputs.py``'s parametrization; the vocabulary is in :mod:`.corpus`.
"""

from __future__ import annotations

from .corpus import *  # noqa: F403
from .corpus import Case

CASES: list[Case] = [
]
