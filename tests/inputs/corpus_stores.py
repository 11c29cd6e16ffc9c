"""Malformed-input cases: sweep stores, sweep options (the dask scheduler) and scenario discovery.

Joined into ``test_malformed_inputs.py``'s parametrization; the vocabulary is in :mod:`.corpus`.
"""

from __future__ import annotations

from .corpus import *  # noqa: F403
from .corpus import Case

CASES: list[Case] = [
]
