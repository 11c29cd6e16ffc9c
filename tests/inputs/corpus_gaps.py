"""Malformed-input cases: gaps left by the last review (discover's and validate's files checked before any run,
the update's record too short to refit), the depletion elasticity's bounds, and outputs that are a named pipe
(a rename would have replaced the pipe, or a device such as /dev/full, by a regular file), and kept forecast files
that scoring cannot read (they ended in a traceback).

Joined into ``test_malformed_inputs.py``'s parametrization; the vocabulary is in :mod:`.corpus`.
"""

from __future__ import annotations

from .corpus import *  # noqa: F403
from .corpus import BACKTEST, CSV, FIFO, RUN, UPDATE, Case, registry_value
from .corpus_outputs import taken
from .corpus_update import record_rows

#: A small Monte Carlo to discover in (the registry's ranges: the case does not depend on the stored posterior).
DISCOVER = ("discover", "--outcome", "front_below_start", "--n", "4", "--months", "2", "--prior")
#: The files ``discover`` writes for :data:`DISCOVER`, the boxes first, then their figure.
BOXES, PEELING = "discover_baseline_front_below_start.csv", "discover_baseline_front_below_start.png"
#: A kept forecast file (``params/forecasts/``) that ``update`` scores before anything else.
KEPT = "forecasts/forecast_data-2024-06_made-2024-07-01.yaml"
#: A kept forecast's valid first lines: the data end and the quantiles.
HEAD = "data_end: 2024-06\nquantiles: [0.05, 0.25, 0.5, 0.75, 0.95]\n"

#: The record cut to five months, fewer than the twelve the refit needs.
SHORT_RECORD = {CSV: record_rows(slice(0, 5))}

CASES: list[Case] = [
    # --- discover: both files checked before the Monte Carlo, so the boxes are not written without their figure ---
    Case("gaps-discover-figure-is-a-folder", DISCOVER, ("--out", PEELING, "folder"), taken(PEELING)),
    Case("gaps-discover-boxes-is-a-folder", DISCOVER, ("--out", BOXES, "folder"), taken(BOXES)),
    # --- validate: the report and every figure checked before the tests run (about a minute) ---
    Case("gaps-validate-last-figure-is-a-folder", ("validate", "--out", "{work}"),
         ("--out", "validation_backtest.png", "folder"), taken("validation_backtest.png", folder="figures")),
    Case("gaps-validate-report-is-a-folder", ("validate", "--out", "{work}/d"), ("--out", "VALIDATION.md", "folder"),
         taken("VALIDATION.md", folder="d")),
    # --- update: a record too short to refit is the CSV file's fault, named with its key ---
    Case("gaps-update-record-five-rows", UPDATE, ("uk_mod_monthly_casualties.csv", "(rows)", "12 months", "5"),
         SHORT_RECORD),
    Case("gaps-update-check-record-five-rows", ("update", "--check"), ("uk_mod_monthly_casualties.csv", "(rows)",
                                                                      "12 months"), SHORT_RECORD),
    # --- update --through: a month of the record too early to refit to (the record starts 2022-03) ---
    Case("gaps-update-check-through-too-early", ("update", "--check", "--through", "2022-04"),
         ("--through", "2022-04", "12 months")),
    # --- the depletion elasticity: 0 (no response) to 1 (in proportion), on the command line and in the registry ---
    Case("gaps-set-depletion-elasticity-above-one", RUN + ("--set", "casualties.depletion_elasticity=1.5"),
         ("--set", "casualties.depletion_elasticity", "<= 1")),
    Case("gaps-set-depletion-elasticity-negative", RUN + ("--set", "casualties.depletion_elasticity=-0.2"),
         ("--set", "casualties.depletion_elasticity", ">= 0")),
    Case("gaps-registry-depletion-elasticity-above-one", RUN, ("registry.yaml", "casualties.depletion_elasticity"),
         {"registry.yaml": registry_value("casualties.depletion_elasticity", "high", 2.0)}),
    Case("gaps-update-through-too-early", ("update", "--through", "2022-05", "--n", "8", "--months", "2"),
         ("--through", "2022-05", "12 months")),
    # --- an output that is a named pipe (or a device): refused before any work, never replaced by a file ---
    Case("gaps-export-out-is-a-fifo", ("export", "--out", "{work}/model.mdl"), ("--out", "model.mdl", "FIFO"),
         {"../work/model.mdl": FIFO}),
    Case("gaps-run-csv-is-a-fifo", RUN + ("--csv", "{work}/run.csv"), ("--csv", "run.csv", "FIFO"),
         {"../work/run.csv": FIFO}),
    Case("gaps-docs-out-is-a-fifo", ("docs", "--out", "{work}/MODEL.md"), ("--out", "MODEL.md", "FIFO"),
         {"../work/MODEL.md": FIFO}),
    Case("gaps-backtest-out-is-a-fifo", BACKTEST + ("--out", "{work}/skill.csv"), ("--out", "skill.csv", "FIFO"),
         {"../work/skill.csv": FIFO}),
    # --- a kept forecast that scoring cannot read: one line naming the file and the key, before the refit ---
    Case("gaps-update-forecast-empty", UPDATE, ("forecast_data-2024-06", "(document)", "mapping"), {KEPT: ""}),
    Case("gaps-update-forecast-list", UPDATE, ("forecast_data-2024-06", "(document)", "mapping"), {KEPT: "- 1\n"}),
    Case("gaps-update-forecast-series-number", UPDATE, ("forecast_data-2024-06", "series", "mapping"),
         {KEPT: HEAD + "series: 5\n"}),
    Case("gaps-update-forecast-scored-number", UPDATE, ("forecast_data-2024-06", "series.casualties", "mapping"),
         {KEPT: HEAD + "series: {casualties: 7}\n"}),
    Case("gaps-update-forecast-quantiles-number", UPDATE, ("forecast_data-2024-06", "quantiles", "0.05"),
         {KEPT: "data_end: 2024-06\nquantiles: 5\n"}),
    Case("gaps-update-forecast-quantiles-missing-quartiles", UPDATE, ("forecast_data-2024-06", "quantiles", "0.25"),
         {KEPT: "data_end: 2024-06\nquantiles: [0.05, 0.5, 0.95]\n"}),
    Case("gaps-update-forecast-month-text", UPDATE, ("forecast_data-2024-06", "series.casualties.2024-09", "finite"),
         {KEPT: HEAD + "series: {casualties: {2024-09: [a, b, c, d, e]}}\n"}),
    Case("gaps-update-forecast-month-two-values", UPDATE, ("forecast_data-2024-06", "series.casualties.2024-09", "5"),
         {KEPT: HEAD + "series: {casualties: {2024-09: [1, 2]}}\n"}),
    Case("gaps-update-forecast-month-nan", UPDATE, ("forecast_data-2024-06", "series.casualties.2024-09", "finite"),
         {KEPT: HEAD + "series: {casualties: {2024-09: [1, 2, .nan, 4, 5]}}\n"}),
    Case("gaps-update-forecast-data-end-text", UPDATE, ("forecast_data-2024-06", "data_end", "YYYY-MM"),
         {KEPT: "data_end: garbage\n"}),
    Case("gaps-update-forecast-data-end-month-13", UPDATE, ("forecast_data-2024-06", "data_end", "YYYY-MM"),
         {KEPT: "data_end: 2024-13\n"}),
]
