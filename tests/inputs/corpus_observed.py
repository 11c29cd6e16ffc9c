"""Malformed-input cases: the observed data: the casualty record's CSV, series.yaml's points, the stored fits.

Joined into ``test_malformed_inputs.py``'s parametrization; the vocabulary is in :mod:`.corpus`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from .corpus import *  # noqa: F403
from .corpus import CAL, CSV, POSTERIOR, PROCESS, RUN, Case, edit, substitute

SERIES = "observed/series.yaml"
CHECK = ("update", "--check")
PRIOR = ("run", "--prior", "--months", "2")


def point(name: str, index: int, **fields: Any) -> Callable[[Path], str]:
    """series.yaml with point ``index`` of series ``name`` given ``fields``."""
    return edit(SERIES, lambda d: d["series"][name]["points"][index].update(fields))


def same_date(name: str) -> Callable[[Path], str]:
    """series.yaml with point [1] of series ``name`` dated as point [0]."""
    def change(document: dict) -> None:
        points = document["series"][name]["points"]
        points[1]["date"] = points[0]["date"]
    return edit(SERIES, change)


def swapped_points(name: str) -> Callable[[Path], str]:
    """series.yaml with the first two points of series ``name`` in reverse order."""
    def change(document: dict) -> None:
        points = document["series"][name]["points"]
        points[0], points[1] = points[1], points[0]
    return edit(SERIES, change)


def header_only(root: Path) -> str:
    return (root / CSV).read_text(encoding="utf-8").splitlines(keepends=True)[0]


def last_two_swapped(root: Path) -> str:
    """The record's CSV with its last two months in reverse order."""
    lines = (root / CSV).read_text(encoding="utf-8").strip().splitlines()
    return "\n".join(lines[:-2] + [lines[-1], lines[-2]]) + "\n"


def process(**fields: Any) -> Callable[[Path], str]:
    return edit(PROCESS, lambda d: d.update(fields))


def posterior(section: str, **fields: Any) -> Callable[[Path], str]:
    return edit(POSTERIOR, lambda d: d[section].update(fields))


DUPLICATE = ("series.yaml", "series.named_dead_floor.points[1].date", "duplicate")
OUT_OF_ORDER = ("series.yaml", "series.named_dead_floor.points[1].date", "oldest first")
HEADER_ONLY = ("uk_mod_monthly_casualties.csv", "(rows)", "at least one month (a row below the header)")
SWAPPED = ("uk_mod_monthly_casualties.csv", "month (row", "the month after", "(consecutive months: in order")

CASES: list[Case] = [
    # --- series.yaml's points: each date once, oldest first; low <= value <= high, counts of persons ---
    Case("observed-point-duplicate-date", CAL + ("--out", "{work}/c"), DUPLICATE,
         {SERIES: same_date("named_dead_floor")}),
    Case("observed-point-duplicate-date-update-check", CHECK, DUPLICATE, {SERIES: same_date("named_dead_floor")}),
    Case("observed-point-dates-out-of-order", CAL + ("--out", "{work}/c"), OUT_OF_ORDER,
         {SERIES: swapped_points("named_dead_floor")}),
    Case("observed-point-low-above-high", CAL + ("--out", "{work}/c"),
         ("series.yaml", "series.probate_dead_estimate.points[0].low", "high"),
         {SERIES: point("probate_dead_estimate", 0, low=60000, high=40000)}),
    Case("observed-point-value-below-low", CAL + ("--out", "{work}/c"),
         ("series.yaml", "series.probate_dead_estimate.points[0].value", "low"),
         {SERIES: point("probate_dead_estimate", 0, value=1000)}),
    Case("observed-point-value-above-high", CAL + ("--out", "{work}/c"),
         ("series.yaml", "series.probate_dead_estimate.points[0].value", "high"),
         {SERIES: point("probate_dead_estimate", 0, value=900000)}),
    Case("observed-point-negative-value", CAL + ("--out", "{work}/c"),
         ("series.yaml", "series.named_dead_floor.points[0].value", "> 0"),
         {SERIES: point("named_dead_floor", 0, value=-5)}),
    Case("observed-point-zero-value", CAL, ("series.yaml", "series.named_dead_floor.points[0].value", "> 0"),
         {SERIES: point("named_dead_floor", 0, value=0)}),
    Case("observed-point-negative-low", CAL, ("series.yaml", "series.probate_dead_estimate.points[0].low", ">= 0"),
         {SERIES: point("probate_dead_estimate", 0, low=-1)}),
    # --- the casualty record's CSV: every command reads it by the same month rules ---
    Case("observed-csv-header-only-calibrate", CAL + ("--out", "{work}/c"), HEADER_ONLY, {CSV: header_only}),
    Case("observed-csv-header-only-run", PRIOR, HEADER_ONLY, {CSV: header_only}),
    Case("observed-csv-header-only-update-check", CHECK, HEADER_ONLY, {CSV: header_only}),
    Case("observed-csv-months-swapped-run", PRIOR, SWAPPED, {CSV: last_two_swapped}),
    Case("observed-csv-months-swapped-calibrate", CAL + ("--out", "{work}/c"), SWAPPED, {CSV: last_two_swapped}),
    Case("observed-csv-months-swapped-update-check", CHECK, SWAPPED, {CSV: last_two_swapped}),
    Case("observed-csv-months-swapped-run-fitted", RUN, SWAPPED, {CSV: last_two_swapped}),
    Case("observed-csv-zero-value", CAL, ("uk_mod_monthly_casualties.csv", "casualties_in_month (row", "> 0"),
         {CSV: substitute(CSV, r"^(2023-05,[^,]*,[^,]*,)\d+", r"\g<1>0")}),
    # --- a start so far beyond the data that the process would step through thousands of months ---
    Case("observed-start-centuries-after-the-data", RUN + ("--start", "9999-12"), ("--start", "9999-12", "100 years")),
    # --- the stored casualty process: the record it is fitted to, a known candidate, its weighting and specs ---
    Case("stored-process-unknown", RUN, ("casualty_process.yaml", "process", "nonesuch"),
         {PROCESS: process(process="nonesuch")}),
    Case("stored-process-weighting-not-the-candidates", RUN, ("casualty_process.yaml", "weighting"),
         {PROCESS: process(process="combined")}),
    Case("stored-process-weights-not-the-candidates", RUN, ("casualty_process.yaml", "weights", "local_level"),
         {PROCESS: process(weights={"local_level": 1.0})}),
    Case("stored-process-series-not-the-record", RUN, ("casualty_process.yaml", "series", "ugs_cumulative_losses"),
         {PROCESS: process(series="ugs_cumulative_losses")}),
    # --- the stored posterior: its settings and diagnostics, typed as they are used and shown ---
    Case("stored-posterior-n-prior-text", RUN, ("posterior.yaml", "settings.n_prior"),
         {POSTERIOR: posterior("settings", n_prior="lots")}),
    Case("stored-posterior-party-bias-negative", RUN, ("posterior.yaml", "settings.party_bias_sd"),
         {POSTERIOR: posterior("settings", party_bias_sd=-0.2)}),
    Case("stored-posterior-ess-text", RUN, ("posterior.yaml", "diagnostics.ess"),
         {POSTERIOR: posterior("diagnostics", ess="many")}),
    Case("stored-posterior-diagnostic-missing", RUN, ("posterior.yaml", "diagnostics.pareto_k"),
         {POSTERIOR: edit(POSTERIOR, lambda d: d["diagnostics"].pop("pareto_k"))}),
]
