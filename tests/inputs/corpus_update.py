"""Malformed-input cases: the monthly update and the calibration's flow (refit only after every check).

Joined into ``test_malformed_inputs.py``'s parametrization; the vocabulary is in :mod:`.corpus`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .corpus import *  # noqa: F403
from .corpus import CAL, CSV, UPDATE, Case


def record_rows(kept: slice) -> Callable[[Path], str]:
    """The casualty record's CSV with its header and only the data rows ``kept`` (e.g. the first two)."""
    def apply(root: Path) -> str:
        header, *rows = (root / CSV).read_text(encoding="utf-8").strip().splitlines()
        return "\n".join([header, *rows[kept]]) + "\n"
    return apply


#: ``UPDATE`` with another number of runs or step (its options: --n, --months, --out).
HUGE_N = ("update", "--n", "1000000000", "--months", "2", "--out", "{work}/results")

CASES: list[Case] = [
    # --- update: every setting checked before the refit; a refusal after it puts the refitted files back ---
    Case("update-n-beyond-memory", HUGE_N, ("--n", "1000000000", "memory")),
    # A step too long only for the forecast's sample of the refitted posterior is refused after the refit, and the
    # refitted files are put back: tests/present/test_update.py checks that on a small posterior (a case here would
    # refit the shipped one, about 45 s).
    # --- update --through: an empty or malformed month, with --check too ---
    Case("update-check-through-empty", ("update", "--check", "--through", ""), ("--through", "YYYY-MM", "record")),
    Case("update-check-through-blank", ("update", "--check", "--through", " "), ("--through", "YYYY-MM", "record")),
    Case("update-check-through-month-13", ("update", "--check", "--through", "2024-13"),
         ("--through", "2024-13", "YYYY-MM", "record")),
    Case("update-check-through-text", ("update", "--check", "--through", "abc"), ("--through", "abc", "record")),
    Case("update-through-empty", ("update", "--through", "", "--n", "8", "--months", "2", "--out",
                                  "{work}/results"), ("--through", "YYYY-MM", "record")),
    # --- calibrate: a casualty record too short for the hindcast is the record's fault, not the configuration's ---
    Case("calibrate-record-one-row", CAL, ("uk_mod_monthly_casualties.csv", "1 month", "start"),
         {CSV: record_rows(slice(0, 1))}),
    Case("calibrate-record-two-rows", CAL, ("uk_mod_monthly_casualties.csv", "2 months", "start"),
         {CSV: record_rows(slice(0, 2))}),
    Case("calibrate-posterior-record-two-rows", CAL + ("--posterior",), ("uk_mod_monthly_casualties.csv",
                                                                         "2 months"),
         {CSV: record_rows(slice(0, 2))}),
    Case("calibrate-record-starts-after-the-hindcast", CAL, ("uk_mod_monthly_casualties.csv", "2 months"),
         {CSV: record_rows(slice(-2, None))}),
]
