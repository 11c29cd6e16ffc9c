"""Malformed-input cases: command-line options and output paths (every target checked before anything is written).

Joined into ``test_malformed_inputs.py``'s parametrization; the vocabulary is in :mod:`.corpus`.
"""

from __future__ import annotations

from .corpus import *  # noqa: F403
from .corpus import Case

CASES: list[Case] = [
]
