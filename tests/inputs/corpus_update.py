"""Malformed-input cases: the monthly update and the calibration's flow (refit only after every check).

Joined into ``test_malformed_inputs.py``'s parametrization; the vocabulary is in :mod:`.corpus`.
"""

from __future__ import annotations

from .corpus import *  # noqa: F403
from .corpus import Case

CASES: list[Case] = [
]
