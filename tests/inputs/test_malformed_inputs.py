"""The malformed-input corpus: every command and every file format, refused as one line with status 2.

Each case breaks one thing (a command-line value, or a file in a copy of the
parameter folder that ``MANPOWER_PARAMS`` points to) and calls the command
line in-process. It must return 2 (130 for Ctrl-C) and print exactly one
non-empty line on standard error, ``manpower: error: WHERE: KEY: ...``,
naming the option or file and the key; no traceback, and nothing written:
the working folder and the parameter folder are unchanged afterwards.

The sweep-spec cases live with the sweep store (``tests/corpus_sweeps.py``);
when that module is present its cases join this parametrization.
"""

from __future__ import annotations


import os
import shutil
from pathlib import Path

import pytest

import model.engine.integrator
from model.cli import main
from model.inputs.start import following_month

from .. import corpus_sweeps
from . import corpus_gaps, corpus_observed, corpus_outputs, corpus_stores, corpus_update
from .corpus import *  # noqa: F403 (the corpus's vocabulary: Case, the file edits, the command lines)
from .corpus import CSV, DIRECTORY, FIFO, Case, _set

PARAMS = Path(__file__).resolve().parents[2] / "params"


CASES = [
    # --- run: horizon, step, start, method ---
    Case("run-months-zero", ("run", "--months", "0"), ("--months", ">= 1")),
    Case("run-months-negative", ("run", "--months", "-3"), ("--months",)),
    Case("run-months-text", ("run", "--months", "abc"), ("--months", "'abc'")),
    Case("run-months-float", ("run", "--months", "2.5"), ("--months", "whole")),
    Case("run-months-huge", ("run", "--months", "1000000000"), ("--months", "at most")),
    Case("run-dt-zero", RUN + ("--dt", "0"), ("--dt",)),
    Case("run-dt-negative", RUN + ("--dt", "-0.25"), ("--dt",)),
    Case("run-dt-tiny", RUN + ("--dt", "1e-12"), ("--dt", "at least")),
    Case("run-dt-not-dividing", RUN + ("--dt", "0.3"), ("--dt", "divides a month")),
    Case("run-dt-above-month", RUN + ("--dt", "2"), ("--dt",)),
    Case("run-dt-nan", RUN + ("--dt", "nan"), ("--dt",)),
    Case("run-dt-inf", RUN + ("--dt", "inf"), ("--dt",)),
    Case("run-dt-text", RUN + ("--dt", "quarter"), ("--dt", "'quarter'")),
    Case("run-start-month-13", RUN + ("--start", "2024-13"), ("--start", "YYYY-MM")),
    Case("run-start-text", RUN + ("--start", "soon"), ("--start", "YYYY-MM")),
    Case("run-start-year-0", RUN + ("--start", "0000-01"), ("--start",)),
    Case("run-method-unknown", RUN + ("--method", "midpoint"), ("--method", "midpoint")),
    Case("run-option-unknown", RUN + ("--frobnicate",), ("--frobnicate",)),
    Case("no-command", (), ("command",)),
    Case("command-unknown", ("simulate",), ("simulate",)),
    # --- run: --set values ---
    Case("set-nan", RUN + ("--set", "casualties.monthly=nan"), ("--set", "casualties.monthly", "finite")),
    Case("set-federal-cut-below-zero", RUN + ("--set", "pay.federal_change=-1000000"), ("pay.federal_change",
                                                                                       "federal payment")),
    Case("set-conversion-share-one", RUN + ("--set", "conscription.conversion_share=1"),
         ("conscription.conversion_share", "below 1")),
    Case("set-conversion-share-above-one", RUN + ("--set", "conscription.conversion_share=1.5"),
         ("conscription.conversion_share",)),
    Case("set-yaml-nan", RUN + ("--set", "casualties.monthly=.nan"), ("--set", "casualties.monthly", "finite")),
    Case("set-inf", RUN + ("--set", "casualties.monthly=inf"), ("--set", "casualties.monthly")),
    Case("set-negative-inf", RUN + ("--set", "casualties.growth_rate=-.inf"), ("--set", "casualties.growth_rate")),
    Case("set-1e308", RUN + ("--set", "casualties.monthly=1e308"), ("--set", "casualties.monthly", "at most")),
    Case("set-1e308-with-unit", RUN + ("--set", "casualties.monthly=1e308 person/day"),
         ("--set", "casualties.monthly", "at most")),
    Case("set-bool", RUN + ("--set", "casualties.monthly=true"), ("--set", "casualties.monthly", "number")),
    Case("set-bool-yes", RUN + ("--set", "casualties.killed_fraction=yes"),
         ("--set", "casualties.killed_fraction", "number")),
    Case("set-list", RUN + ("--set", "casualties.monthly=[1, 2]"), ("--set", "casualties.monthly")),
    Case("set-nested-list", RUN + ("--set", "casualties.monthly=[[1]]"), ("--set", "casualties.monthly")),
    Case("set-mapping", RUN + ("--set", "casualties.monthly={a: 1}"), ("--set", "casualties.monthly")),
    Case("set-empty-list", RUN + ("--set", "casualties.monthly=[]"), ("--set", "casualties.monthly")),
    Case("set-unknown-unit", RUN + ("--set", "casualties.monthly=5 widgets"), ("--set", "casualties.monthly")),
    Case("set-wrong-dimension", RUN + ("--set", "casualties.monthly=3 kg"), ("--set", "casualties.monthly")),
    Case("set-fraction-above-one", RUN + ("--set", "casualties.killed_fraction=1.5"),
         ("--set", "casualties.killed_fraction")),
    Case("set-negative-count", RUN + ("--set", "front_initial.dprk=-3"), ("--set", "front_initial.dprk")),
    Case("set-unknown-key", RUN + ("--set", "casualties.monthy=5"), ("--set", "casualties.monthy")),
    Case("set-no-equals", RUN + ("--set", "casualties.monthly"), ("--set", "KEY=VALUE")),
    Case("set-no-key", RUN + ("--set", "=5"), ("--set", "KEY=VALUE")),
    Case("set-no-value", RUN + ("--set", "casualties.monthly="), ("--set", "KEY=VALUE")),
    Case("set-choice-number", RUN + ("--set", "casualties.mode=5"), ("--set", "casualties.mode")),
    Case("set-choice-unknown", RUN + ("--set", "casualties.mode=sideways"), ("--set", "casualties.mode")),
    Case("set-schedule-unclosed", RUN + ("--set", "dprk.tranches=[{start: 2025-03, size: 10000"),
         ("--set", "dprk.tranches")),
    Case("set-schedule-bad-month", RUN + ("--set", "dprk.tranches=[{start: 2025-13, size: 10000}]"),
         ("--set", "dprk.tranches", "start")),
    Case("set-schedule-nan-size", RUN + ("--set", "dprk.tranches=[{start: 2025-03, size: .nan}]"),
         ("--set", "dprk.tranches", "size")),
    Case("set-schedule-year-0", RUN + ("--set", "dprk.tranches=[{start: 0000-03, size: 10000}]"),
         ("--set", "dprk.tranches", "start", "year 1")),
    Case("set-schedule-negative-size", RUN + ("--set", "dprk.tranches=[{start: 2025-03, size: -5}]"),
         ("--set", "dprk.tranches", "size")),
    Case("set-schedule-zero-months", RUN + ("--set", "dprk.tranches=[{start: 2025-03, size: 5, months: 0}]"),
         ("--set", "dprk.tranches", "months")),
    Case("set-schedule-bool-size", RUN + ("--set", "dprk.tranches=[{start: 2025-03, size: true}]"),
         ("--set", "dprk.tranches", "size")),
    Case("set-schedule-huge-size", RUN + ("--set", "dprk.tranches=[{start: 2025-03, size: 1e300}]"),
         ("--set", "dprk.tranches", "size")),
    Case("set-schedule-number", RUN + ("--set", "dprk.tranches=5"), ("--set", "dprk.tranches")),
    Case("set-schedule-unknown-field", RUN + ("--set", "dprk.tranches=[{start: 2025-03, size: 5, colour: red}]"),
         ("--set", "dprk.tranches", "colour")),
    Case("set-overflowing-growth", RUN[:1] + ("--months", "36", "--set", "casualties.growth_rate=40"),
         ("casualties.growth_rate", "growth")),
    Case("set-overflowing-signups", RUN + ("--set", "volunteer.pay_elasticity=1000", "--set",
                                           "pay.regional_ceiling=1e12", "--set", "pay.regional_growth=0.16 / month",
                                           "--set", "wage.growth=0"),
         ("volunteer.pay_elasticity", "pay.regional_ceiling")),
    # --- run: --scenario and --out ---
    Case("scenario-unknown", RUN + ("--scenario", "nonesuch"), ("nonesuch", "scenario")),
    Case("scenario-path-outside", RUN + ("--scenario", "/nonexistent/folder/x.yaml"), ("--scenario", "x.yaml")),
    Case("out-is-a-file", RUN + ("--out", "{work}/taken.txt"), ("--out", "taken.txt")),
    Case("out-parent-is-a-file", RUN + ("--out", "{work}/taken.txt/sub"), ("--out", "taken.txt")),
    Case("out-unwritable", RUN + ("--out", "/proc/manpower-results"), ("--out", "/proc")),
    Case("out-empty", RUN + ("--out", ""), ("--out",)),
    # --- compare ---
    Case("compare-unknown-scenario", ("compare", "baseline", "nonesuch", "--months", "2"), ("nonesuch",)),
    Case("compare-scenario-twice", ("compare", "baseline", "baseline", "--months", "2"), ("names", "once")),
    Case("run-scenario-file-missing", ("run", "--scenario", "{work}/nowhere/case.yaml", "--months", "2"),
         ("--scenario", "case.yaml")),
    Case("run-scenario-file-name-taken", ("run", "--scenario", "{params}/hindcast/baseline.yaml", "--months", "2"),
         ("baseline.yaml", "name", "taken"),
         files={"hindcast/baseline.yaml": "name: baseline\ndescription: a file named like a shipped scenario\n"
                                           "set: {}\n"}),
    Case("compare-months-zero", ("compare", "--months", "0"), ("--months",)),
    Case("compare-dt-not-dividing", ("compare", "--months", "2", "--dt", "0.7"), ("--dt",)),
    Case("compare-out-is-a-file", ("compare", "baseline", "--months", "2", "--no-breakeven", "--out",
                                   "{work}/taken.txt"), ("--out", "taken.txt")),
    # --- breakeven ---
    Case("breakeven-lever-unknown", ("breakeven", "--lever", "nonesuch", "--months", "2"), ("--lever", "nonesuch")),
    Case("breakeven-lever-choice", ("breakeven", "--lever", "casualties.mode", "--months", "2"),
         ("--lever", "casualties.mode")),
    Case("breakeven-lever-schedule", ("breakeven", "--lever", "dprk.tranches", "--months", "2"),
         ("--lever", "dprk.tranches")),
    Case("breakeven-lever-missing", ("breakeven", "--months", "2"), ("--lever",)),
    Case("breakeven-target-unknown", ("breakeven", "--lever", "volunteer.signups", "--target", "both"),
         ("--target", "both")),
    Case("breakeven-months-negative", ("breakeven", "--lever", "volunteer.signups", "--months", "-5"),
         ("--months",)),
    Case("breakeven-set-nan", ("breakeven", "--lever", "volunteer.signups", "--set", "desertion.rate=nan"),
         ("--set", "desertion.rate")),
    # --- uncertainty ---
    Case("uncertainty-n-zero", ("uncertainty", "--n", "0", "--months", "2"), ("--n",)),
    Case("uncertainty-n-negative", ("uncertainty", "--n", "-5", "--months", "2"), ("--n",)),
    Case("uncertainty-n-text", ("uncertainty", "--n", "many", "--months", "2"), ("--n", "'many'")),
    Case("uncertainty-n-huge", ("uncertainty", "--n", "1000000000000", "--months", "36"), ("--n", "memory")),
    Case("uncertainty-months-huge", ("uncertainty", "--n", "100000", "--months", "1200"), ("memory",)),
    Case("uncertainty-seed-negative", ("uncertainty", "--n", "4", "--months", "2", "--seed", "-1"), ("--seed",)),
    Case("uncertainty-seed-huge", ("uncertainty", "--n", "4", "--months", "2", "--seed", str(2**64)), ("--seed",)),
    Case("uncertainty-threshold-nan", ("uncertainty", "--n", "4", "--months", "2", "--threshold", "nan"),
         ("--threshold",)),
    Case("uncertainty-threshold-inf", ("uncertainty", "--n", "4", "--months", "2", "--threshold", "inf"),
         ("--threshold",)),
    Case("uncertainty-threshold-negative", ("uncertainty", "--n", "4", "--months", "2", "--threshold", "-1"),
         ("--threshold",)),
    Case("uncertainty-method-unknown", ("uncertainty", "--n", "4", "--method", "halton"), ("--method", "halton")),
    Case("uncertainty-scenario-unknown", ("uncertainty", "--n", "4", "--scenario", "nonesuch"), ("nonesuch",)),
    Case("uncertainty-out-is-a-file", ("uncertainty", "--n", "4", "--months", "2", "--out", "{work}/taken.txt"),
         ("--out", "taken.txt")),
    # --- sensitivity ---
    Case("sensitivity-n-zero", ("sensitivity", "--n", "0", "--months", "2"), ("--n",)),
    Case("sensitivity-n-huge", ("sensitivity", "--n", "1000000000", "--months", "36"), ("--n", "memory")),
    Case("sensitivity-seed-negative", ("sensitivity", "--n", "4", "--months", "2", "--seed", "-7"), ("--seed",)),
    Case("sensitivity-top-zero", ("sensitivity", "--n", "4", "--months", "2", "--top", "0"), ("--top",)),
    Case("sensitivity-method-unknown", ("sensitivity", "--method", "fast"), ("--method", "fast")),
    Case("sensitivity-out-is-a-file", ("sensitivity", "--n", "4", "--months", "2", "--out", "{work}/taken.txt"),
         ("--out", "taken.txt")),
    # --- report ---
    Case("report-n-zero", ("report", "--n", "0", "--months", "2"), ("--n",)),
    Case("report-sobol-n-not-power", ("report", "--n", "4", "--months", "2", "--sobol-n", "3"), ("--sobol-n",)),
    Case("report-sobol-n-huge", ("report", "--n", "4", "--months", "36", "--sobol-n", str(2**40)),
         ("--sobol-n", "memory")),
    Case("report-start-year-0", ("report", "--n", "4", "--months", "2", "--start", "0000-01"), ("--start",)),
    Case("report-seed-negative", ("report", "--n", "4", "--months", "2", "--seed", "-1"), ("--seed",)),
    Case("report-unknown-scenario", ("report", "--scenarios", "nonesuch", "--n", "4", "--months", "2"),
         ("nonesuch",)),
    Case("report-out-is-a-directory", ("report", "--n", "4", "--months", "2", "--out", "{work}"), ("--out",)),
    Case("report-out-parent-is-a-file", ("report", "--n", "4", "--months", "2", "--out", "{work}/taken.txt/b.html"),
         ("--out", "taken.txt")),
    Case("report-dt-not-dividing", ("report", "--n", "4", "--months", "2", "--dt", "0.4"), ("--dt",)),
    # --- validate, params, explain, docs ---
    Case("validate-n-zero", ("validate", "--n", "0"), ("--n",)),
    Case("validate-seed-negative", ("validate", "--seed", "-1"), ("--seed",)),
    Case("validate-out-is-a-file", ("validate", "--out", "{work}/taken.txt"), ("--out", "taken.txt")),
    Case("params-unknown-key", ("params", "--key", "nonesuch"), ("--key", "nonesuch")),
    Case("params-unknown-scenario", ("params", "--scenario", "nonesuch"), ("nonesuch",)),
    Case("params-set-bool", ("params", "--set", "casualties.monthly=false"), ("--set", "casualties.monthly")),
    Case("params-format-unknown", ("params", "--format", "xml"), ("--format", "xml")),
    Case("explain-unknown", ("explain", "nonesuch"), ("nonesuch",)),
    Case("explain-set-list", ("explain", "net", "--set", "desertion.rate=[0.1, nan]"), ("--set", "desertion.rate")),
    Case("docs-out-is-a-directory", ("docs", "--out", "{work}"), ("--out",)),
    Case("docs-out-parent-is-a-file", ("docs", "--out", "{work}/taken.txt/MODEL.md"), ("--out", "taken.txt")),
    Case("docs-out-unwritable", ("docs", "--out", "/proc/manpower/MODEL.md"), ("--out", "/proc")),
    # --- calibrate: options and configuration ---
    Case("calibrate-through-bad-month", CAL + ("--through", "2024-13"), ("--through",)),
    Case("calibrate-through-before-start", CAL + ("--through", "1999-01"), ("--through",)),
    Case("calibrate-params-unknown", CAL + ("--params", "nonesuch"), ("--params", "nonesuch")),
    Case("calibrate-params-choice", CAL + ("--params", "casualties.mode"), ("--params", "casualties.mode")),
    Case("calibrate-out-is-a-file", CAL + ("--out", "{work}/taken.txt"), ("--out", "taken.txt")),
    Case("calibration-duplicate-key", CAL, ("calibration.yaml", "driver"),
         {"hindcast/calibration.yaml": substitute("hindcast/calibration.yaml", r"^driver: .*$",
                                                  r"\g<0>\ndriver: again")}),
    Case("calibration-driver-unknown", CAL, ("calibration.yaml", "driver"),
         {"hindcast/calibration.yaml": config("driver", "nonesuch")}),
    Case("calibration-fit-empty", CAL, ("calibration.yaml", "fit"), {"hindcast/calibration.yaml": config("fit", [])}),
    Case("calibration-party-bias-negative", CAL + ("--posterior",), ("calibration.yaml", "party_bias_sd"),
         {"hindcast/calibration.yaml": config("party_bias_sd", -0.1)}),
    Case("calibration-party-bias-text", CAL + ("--posterior",), ("calibration.yaml", "party_bias_sd"),
         {"hindcast/calibration.yaml": config("party_bias_sd", "a fifth")}),
    Case("calibration-start-bad", CAL, ("calibration.yaml", "start"),
         {"hindcast/calibration.yaml": config("start", "2023-00")}),
    Case("calibration-target-output-unknown", CAL, ("calibration.yaml", "targets"),
         {"hindcast/calibration.yaml": edit("hindcast/calibration.yaml",
                                            lambda d: next(iter(d["targets"].values())).update(output="nonesuch"))}),
    Case("calibration-target-series-unknown", CAL, ("calibration.yaml", "targets.nonesuch"),
         {"hindcast/calibration.yaml": edit("hindcast/calibration.yaml",
                                            lambda d: d["targets"].update(nonesuch={"output": "killed",
                                                                                    "measure": "level"}))}),
    Case("calibration-target-floor-and-ceiling", CAL, ("calibration.yaml", "targets"),
         {"hindcast/calibration.yaml": edit("hindcast/calibration.yaml",
                                            lambda d: d["targets"]["authorized_strength"].update(floor=True))}),
    Case("calibration-target-source-unknown", CAL, ("calibration.yaml", "targets.contracts_claimed.source"),
         {"hindcast/calibration.yaml": edit("hindcast/calibration.yaml",
                                            lambda d: d["targets"]["contracts_claimed"].update(
                                                source=["volunteer", "navy"]))}),
    Case("calibration-target-source-empty", CAL, ("calibration.yaml", "targets.contracts_claimed.source"),
         {"hindcast/calibration.yaml": edit("hindcast/calibration.yaml",
                                            lambda d: d["targets"]["contracts_claimed"].update(source=[]))}),
    Case("calibration-binary", CAL, ("calibration.yaml",), {"hindcast/calibration.yaml": BINARY}),
    Case("calibration-directory", CAL, ("calibration.yaml",), {"hindcast/calibration.yaml": DIRECTORY}),
    Case("calibration-overlay-missing", CAL, ("nonesuch.yaml",),
         {"hindcast/calibration.yaml": config("overlay", "nonesuch.yaml")}),
    Case("hindcast-overlay-nan", CAL, ("hindcast_2023.yaml", "force.deployed_total"),
         {"hindcast/hindcast_2023.yaml": edit("hindcast/hindcast_2023.yaml",
                                              lambda d: d["set"]["force.deployed_total"].update(value=float("nan")))}),
    Case("hindcast-overlay-non-utf8", CAL, ("hindcast_2023.yaml", "UTF-8"), {"hindcast/hindcast_2023.yaml": LATIN1}),
    # --- the stored casualty process (read when casualties follow the fitted process) ---
    Case("process-unknown-spec", FITTED, ("casualty_process.yaml", "weights.arima"),
         {PROCESS: edit(PROCESS, lambda d: d["weights"].update({"arima": 0.5}))}),
    Case("process-negative-weight", FITTED, ("casualty_process.yaml", "weights"),
         {PROCESS: edit(PROCESS, lambda d: d["weights"].update({next(iter(d["weights"])): -1.0}))}),
    Case("process-no-weights", FITTED, ("casualty_process.yaml", "weights"),
         {PROCESS: edit(PROCESS, lambda d: d.update({"weights": {}}))}),
    Case("process-bad-digest", FITTED, ("casualty_process.yaml", "record_digest"),
         {PROCESS: edit(PROCESS, lambda d: d.update({"record_digest": "0" * 64}))}),
    Case("process-record-appended", FITTED, ("casualty_process.yaml", "record_digest", "refit"),
         {CSV: lambda root: append_month(root / CSV)}),
    Case("process-record-gap", FITTED, ("uk_mod_monthly_casualties", "consecutive months"),
         {CSV: substitute(CSV, r"^2023-05,.*\n", "")}),
    Case("process-record-zero", FITTED, ("uk_mod_monthly_casualties", "> 0"),
         {CSV: substitute(CSV, r"^(2023-05,[^,]*,[^,]*,)\d+", r"\g<1>0")}),
    Case("process-file-binary", FITTED, ("casualty_process.yaml",), {PROCESS: BINARY}),
    # --- the stored posterior (read by every command unless --prior) ---
    Case("posterior-stale-record", RUN, ("posterior.yaml", "through", "refit", "--prior"),
         {CSV: lambda root: append_month(root / CSV)}),
    Case("posterior-stale-baseline", RUN, ("posterior.yaml", "inputs_digest"),
         {"scenarios/baseline.yaml": "name: baseline\ndescription: edited\nset:\n  desertion.rate:\n    value: 0.002\n"
                                     "    reason: a test\n"}),
    Case("posterior-not-reliable", RUN, ("posterior.yaml", "diagnostics.reliable"),
         {POSTERIOR: edit(POSTERIOR, lambda d: d["diagnostics"].update({"reliable": False}))}),
    Case("posterior-earlier-through", RUN, ("posterior.yaml", "through", "2024-06"),
         {POSTERIOR: edit(POSTERIOR, lambda d: d.update({"through": "2024-06"}))}),
    Case("posterior-with-params", CAL + ("--posterior", "--params", "volunteer.signups"), ("--params",)),
    Case("posterior-with-save", CAL + ("--posterior", "--save", "mine"), ("--save",)),
    Case("calibrate-n-prior-without-posterior", CAL + ("--n-prior", "500"), ("--n-prior", "--posterior")),
    Case("posterior-n-prior-huge", CAL + ("--posterior", "--n-prior", "2000000000"), ("n-prior", "memory")),
    Case("uncertainty-below-and-threshold", ("uncertainty", "--below", "0.5", "--threshold", "1000"),
         ("--below", "not both")),
    Case("posterior-stale-registry", RUN, ("posterior.yaml", "inputs_digest"),
         {"registry.yaml": registry_value("desertion.rate", "value", 0.0013)}),
    Case("posterior-draws-edited", RUN, ("draws.csv", "draws_digest"), {DRAWS: substitute(DRAWS, r"\n0\.", "\n0.9")}),
    Case("posterior-draws-missing", RUN, ("posterior.yaml", "draws"), {DRAWS: DIRECTORY}),
    Case("posterior-binary", RUN, ("posterior.yaml",), {POSTERIOR: BINARY}),
    Case("posterior-no-start-state", RUN, ("posterior.yaml", "start_state"),
         {POSTERIOR: edit(POSTERIOR, lambda d: d.update({"start_state": []}))}),
    Case("posterior-bad-digest", RUN, ("posterior.yaml", "inputs_digest"),
         {POSTERIOR: edit(POSTERIOR, lambda d: d.update({"inputs_digest": "x"}))}),
    Case("posterior-n-prior-small", CAL + ("--posterior", "--n-prior", "5"), ("--n-prior", ">= 100")),
    Case("posterior-uncertainty-stale", ("uncertainty", "--n", "10", "--months", "2"), ("posterior.yaml",),
         {CSV: lambda root: append_month(root / CSV)}),
    # --- backtest: its options, and the stored process and record it forecasts with ---
    Case("backtest-first-origin-month-13", BACKTEST + ("--first-origin", "2023-13"), ("--first-origin", "YYYY-MM")),
    Case("backtest-first-origin-too-early", BACKTEST + ("--first-origin", "2022-06"), ("--first-origin", "12 months")),
    Case("backtest-last-origin-at-record-end", BACKTEST + ("--last-origin", "2024-12"), ("--last-origin", "before")),
    Case("backtest-last-before-first", BACKTEST + ("--first-origin", "2024-06", "--last-origin", "2023-06"),
         ("--last-origin", "first_origin")),
    Case("backtest-every-zero", BACKTEST + ("--every", "0"), ("--every", ">= 1")),
    Case("backtest-every-text", BACKTEST + ("--every", "quarterly"), ("--every", "'quarterly'")),
    Case("backtest-horizons-text", BACKTEST + ("--horizons", "3,six"), ("--horizons", "comma")),
    Case("backtest-horizons-empty-entry", BACKTEST + ("--horizons", "3,,6"), ("--horizons", "comma")),
    Case("backtest-horizons-huge", BACKTEST + ("--horizons", "3,1000"), ("--horizons", "at most")),
    Case("backtest-n-small", BACKTEST + ("--n", "10"), ("--n", ">= 100")),
    Case("backtest-out-folder", BACKTEST + ("--out", "{work}"), ("--out",)),
    Case("backtest-process-binary", BACKTEST, ("casualty_process.yaml",), {PROCESS: BINARY}),
    Case("backtest-record-appended", BACKTEST, ("casualty_process.yaml", "record_digest", "refit"),
         {CSV: lambda root: append_month(root / CSV)}),
    # --- the monthly update: the appended row checked strictly before anything is written ---
    Case("update-row-skips-a-month", UPDATE, ("uk_mod_monthly_casualties.csv", "month (row", "the month after"),
         {CSV: appended_row(lambda cells: cells.__setitem__(0, following_month(cells[0])))}),
    Case("update-row-no-source", UPDATE, ("uk_mod_monthly_casualties.csv", "source (row"),
         {CSV: appended_row(_set(4, ""))}),
    Case("update-row-no-url", UPDATE, ("uk_mod_monthly_casualties.csv", "source_url (row"),
         {CSV: appended_row(_set(5, "see twitter"))}),
    Case("update-row-wrong-days", UPDATE, ("uk_mod_monthly_casualties.csv", "days (row"),
         {CSV: appended_row(_set(2, "40"))}),
    Case("update-row-count-off", UPDATE, ("uk_mod_monthly_casualties.csv", "casualties_in_month (row", "x days"),
         {CSV: appended_row(_set(3, "12"))}),
    Case("update-row-negative-average", UPDATE, ("uk_mod_monthly_casualties.csv", "avg_daily_casualties (row"),
         {CSV: appended_row(_set(1, "-3"))}),
    Case("update-record-gap", UPDATE, ("uk_mod_monthly_casualties.csv", "month (row"),
         {CSV: substitute(CSV, r"^2023-05,.*\n", "")}),
    Case("update-record-no-source-column", UPDATE, ("uk_mod_monthly_casualties.csv", "source_url"),
         {CSV: substitute(CSV, r",source_url$", "")}),
    Case("update-through-not-in-record", ("update", "--through", "1999-01"), ("--through", "1999-01", "record")),
    Case("update-through-not-a-month", ("update", "--through", "Dec 2024"), ("--through", "Dec 2024")),
    Case("update-out-is-a-file", UPDATE[:-2] + ("--out", "{work}/taken.txt"), ("--out", "taken.txt")),
    # --- observed series: series.yaml and the CSV ---
    Case("observed-unknown-unit", CAL, ("series.yaml", "unit"),
         {"observed/series.yaml": series_value("uk_mod_monthly_casualties", "unit", "widgets")}),
    Case("observed-note-not-text", CAL, ("series.yaml", "note"),
         {"observed/series.yaml": series_value("uk_mod_monthly_casualties", "note", ["a", "list"])}),
    Case("observed-uncertainty-nan", CAL, ("series.yaml", "uncertainty"),
         {"observed/series.yaml": series_value("uk_mod_monthly_casualties", "uncertainty", float("nan"))}),
    Case("observed-uncertainty-bool", CAL, ("series.yaml", "uncertainty"),
         {"observed/series.yaml": series_value("uk_mod_monthly_casualties", "uncertainty", True)}),
    Case("observed-point-nan", CAL, ("series.yaml", "value"), {"observed/series.yaml": first_point(float("nan"))}),
    Case("observed-point-text", CAL, ("series.yaml", "value"), {"observed/series.yaml": first_point("many")}),
    Case("observed-point-bad-date", CAL, ("series.yaml", "date"),
         {"observed/series.yaml": first_point("2023-13-45", "date")}),
    Case("observed-no-points", CAL, ("series.yaml",),
         {"observed/series.yaml": series_value("uk_mod_monthly_casualties", "file", None)}),
    Case("observed-duplicate-key", CAL, ("series.yaml", "unit"),
         {"observed/series.yaml": substitute("observed/series.yaml", r"^    unit: .*$", r"\g<0>\n    unit: person")}),
    Case("observed-csv-missing", CAL, ("series.yaml", "missing.csv"),
         {"observed/series.yaml": series_value("uk_mod_monthly_casualties", "file", "missing.csv")}),
    Case("observed-csv-directory", CAL, ("uk_mod_monthly_casualties.csv",), {CSV: DIRECTORY}),
    Case("observed-csv-binary", CAL, ("uk_mod_monthly_casualties.csv",), {CSV: BINARY}),
    Case("observed-csv-non-utf8", CAL, ("uk_mod_monthly_casualties.csv",),
         {CSV: "month,casualties_in_month\n2023-01,caf\xe9\n".encode("latin-1")}),
    Case("observed-csv-missing-column", CAL, ("uk_mod_monthly_casualties.csv", "casualties_in_month"),
         {CSV: "month,killed\n2023-01,5\n"}),
    Case("observed-csv-text-value", CAL, ("uk_mod_monthly_casualties.csv", "casualties_in_month"),
         {CSV: substitute(CSV, r"^(2023-0\d,[^,]*,[^,]*,)\d+", r"\g<1>lots")}),
    Case("observed-csv-empty-value", CAL, ("uk_mod_monthly_casualties.csv", "casualties_in_month"),
         {CSV: substitute(CSV, r"^(2023-0\d,[^,]*,[^,]*,)\d+", r"\g<1>")}),
    Case("observed-csv-inf-value", CAL, ("uk_mod_monthly_casualties.csv", "casualties_in_month"),
         {CSV: substitute(CSV, r"^(2023-0\d,[^,]*,[^,]*,)\d+", r"\g<1>inf")}),
    Case("observed-csv-bad-month", CAL, ("uk_mod_monthly_casualties.csv", "month"),
         {CSV: substitute(CSV, r"^2023-05,", "2023-5x,")}),
    Case("observed-csv-duplicate-month", CAL, ("uk_mod_monthly_casualties.csv", "month"),
         {CSV: substitute(CSV, r"^2023-05,", "2023-04,")}),
    Case("observed-csv-empty", CAL, ("uk_mod_monthly_casualties.csv",), {CSV: ""}),
    # --- the registry ---
    Case("registry-duplicate-key", RUN, ("registry.yaml", "value"),
         {"registry.yaml": substitute("registry.yaml", r"^  casualties\.monthly:\n", r"\g<0>    value: 1\n")}),
    Case("registry-duplicate-parameter", RUN, ("registry.yaml", "casualties.monthly"),
         {"registry.yaml": substitute("registry.yaml", r"^  casualties\.monthly:\n",
                                      "  casualties.monthly: {}\n\\g<0>")}),
    Case("registry-binary", RUN, ("registry.yaml",), {"registry.yaml": BINARY}),
    Case("registry-non-utf8", RUN, ("registry.yaml", "UTF-8"), {"registry.yaml": LATIN1}),
    Case("registry-directory", RUN, ("registry.yaml", "directory"), {"registry.yaml": DIRECTORY}),
    Case("registry-empty", RUN, ("registry.yaml",), {"registry.yaml": ""}),
    Case("registry-list", RUN, ("registry.yaml",), {"registry.yaml": "- 1\n- 2\n"}),
    Case("registry-unclosed", RUN, ("registry.yaml", "YAML"), {"registry.yaml": "parameters: [unclosed\n"}),
    Case("registry-value-nan", RUN, ("registry.yaml", "casualties.monthly"),
         {"registry.yaml": registry_value("casualties.monthly", "value", float("nan"))}),
    Case("registry-value-inf", RUN, ("registry.yaml", "casualties.monthly"),
         {"registry.yaml": substitute("registry.yaml", r"^(  casualties\.monthly:\n(?:    .*\n|      .*\n)*?)"
                                                       r"    value: .*\n((?:    .*\n)*?)    high: .*\n",
                                      "\\g<1>    value: .inf\n\\g<2>    high: .inf\n")}),
    Case("registry-value-1e308", RUN, ("registry.yaml", "casualties.monthly"),
         {"registry.yaml": substitute("registry.yaml", r"^(  casualties\.monthly:\n(?:    .*\n|      .*\n)*?)"
                                                       r"    value: .*\n((?:    .*\n)*?)    high: .*\n",
                                      "\\g<1>    value: 1.0e+308\n\\g<2>    high: 1.0e+308\n")}),
    Case("registry-value-int-beyond-1e15", RUN, ("registry.yaml", "casualties.monthly", "at most"),
         {"registry.yaml": substitute("registry.yaml", r"^(  casualties\.monthly:\n(?:    .*\n|      .*\n)*?)"
                                                       r"    value: .*\n((?:    .*\n)*?)    high: .*\n",
                                      f"\\g<1>    value: {BEYOND}\n\\g<2>    high: {BEYOND}\n")}),
    Case("registry-value-bool", RUN, ("registry.yaml", "casualties.monthly"),
         {"registry.yaml": registry_value("casualties.monthly", "value", True)}),
    Case("registry-value-list", RUN, ("registry.yaml", "casualties.monthly"),
         {"registry.yaml": registry_value("casualties.monthly", "value", [1, 2])}),
    Case("registry-low-bool", RUN, ("registry.yaml", "casualties.monthly"),
         {"registry.yaml": registry_value("casualties.monthly", "low", False)}),
    Case("registry-unknown-unit", RUN, ("registry.yaml", "casualties.monthly.unit"),
         {"registry.yaml": registry_value("casualties.monthly", "unit", "widgets")}),
    Case("registry-wrong-dimension", RUN, ("registry.yaml", "casualties.monthly.unit"),
         {"registry.yaml": registry_value("casualties.monthly", "unit", "person")}),
    Case("registry-derivation-not-text", RUN, ("registry.yaml", "casualties.monthly", "derivation"),
         {"registry.yaml": registry_value("casualties.monthly", "derivation", 45000)}),
    Case("registry-unknown-field", RUN, ("registry.yaml", "casualties.monthly"),
         {"registry.yaml": registry_value("casualties.monthly", "colour", "red")}),
    Case("registry-missing-parameter", RUN, ("registry.yaml", "casualties.monthly"),
         {"registry.yaml": edit("registry.yaml", lambda d: d["parameters"].pop("casualties.monthly"))}),
    Case("registry-schedule-bad-month", RUN, ("registry.yaml", "dprk.tranches"),
         {"registry.yaml": registry_value("dprk.tranches", "value", [{"start": "2025-13", "size": 5}])}),
    Case("registry-schedule-nan", RUN, ("registry.yaml", "dprk.tranches"),
         {"registry.yaml": registry_value("dprk.tranches", "value",
                                          [{"start": "2025-03", "size": float("nan")}])}),
    # --- scenario overlays ---
    Case("overlay-duplicate-key", BAD, ("bad.yaml", "value"),
         monthly("50000", "    value: 60000\n")),
    Case("overlay-duplicate-parameter", BAD, ("bad.yaml", "casualties.monthly"),
         overlay("  casualties.monthly: {value: 50000, reason: a}\n  casualties.monthly: {value: 1, reason: b}\n")),
    Case("overlay-value-nan", BAD, ("bad.yaml", "casualties.monthly"), monthly(".nan")),
    Case("overlay-derivation-not-text", BAD, ("bad.yaml", "casualties.monthly", "derivation"),
         monthly("45000", "    derivation: [45000, 1]\n")),
    Case("overlay-value-inf", BAD, ("bad.yaml", "casualties.monthly"), monthly(".inf", "    high: .inf\n")),
    Case("overlay-value-1e308", BAD, ("bad.yaml", "casualties.monthly"), monthly("1.0e+308", "    high: 1.0e+308\n")),
    Case("overlay-value-int-beyond-1e15", BAD, ("bad.yaml", "casualties.monthly", "at most"),
         monthly(BEYOND, f"    high: {BEYOND}\n")),
    Case("overlay-value-bool", BAD, ("bad.yaml", "casualties.monthly"), monthly("true")),
    Case("overlay-value-list", BAD, ("bad.yaml", "casualties.monthly"), monthly("[1, 2]")),
    Case("overlay-high-bool", BAD, ("bad.yaml", "casualties.monthly"), monthly("50000", "    high: yes\n")),
    Case("overlay-unknown-unit", BAD, ("bad.yaml", "casualties.monthly"), monthly("50000", "    unit: widgets\n")),
    Case("overlay-unknown-key", BAD, ("bad.yaml", "casualties.monthy"),
         overlay("  casualties.monthy: {value: 5, reason: typo}\n")),
    Case("overlay-no-reason", BAD, ("bad.yaml", "reason"), overlay("  casualties.monthly: {value: 5}\n")),
    Case("overlay-schedule-unclosed", BAD, ("bad.yaml",),
         overlay("  dprk.tranches:\n    value: [{start: 2025-03, size: 5\n    reason: test\n")),
    Case("overlay-schedule-bad-month", BAD, ("bad.yaml", "dprk.tranches"),
         overlay("  dprk.tranches:\n    value: [{start: 2025-00, size: 5}]\n    reason: test\n")),
    Case("overlay-binary", BAD, ("bad.yaml",), {"scenarios/bad.yaml": BINARY}),
    Case("overlay-non-utf8", BAD, ("bad.yaml", "UTF-8"), {"scenarios/bad.yaml": LATIN1}),
    Case("overlay-directory", BAD, ("bad.yaml", "directory"), {"scenarios/bad.yaml": DIRECTORY}),
    Case("overlay-name-mismatch", BAD, ("bad.yaml", "name"),
         {"scenarios/bad.yaml": "name: other\ndescription: x\nset: {}\n"}),
    Case("overlay-based-on-cycle", BAD, ("based_on",),
         {"scenarios/bad.yaml": "name: bad\ndescription: x\nbased_on: bad\nset: {}\n"}),
    Case("overlay-based-on-unknown", BAD, ("bad.yaml", "based_on", "nonesuch"),
         {"scenarios/bad.yaml": "name: bad\ndescription: x\nbased_on: nonesuch\nset: {}\n"}),
    Case("overlay-based-on-empty", BAD, ("bad.yaml", "based_on", "''"),
         {"scenarios/bad.yaml": "name: bad\ndescription: x\nbased_on: ''\nset: {}\n"}),
    Case("overlay-based-on-registry", BAD, ("bad.yaml", "based_on", "../registry"),
         {"scenarios/bad.yaml": "name: bad\ndescription: x\nbased_on: ../registry\nset: {}\n"}),
    Case("overlay-based-on-absolute-path", BAD, ("bad.yaml", "based_on", "/tmp/elsewhere"),
         {"scenarios/bad.yaml": "name: bad\ndescription: x\nbased_on: /tmp/elsewhere\nset: {}\n"}),
    Case("overlay-scalar", BAD, ("bad.yaml",), {"scenarios/bad.yaml": "just text\n"}),
    # --- constraints that tie parameters together, named in the overlay (they were refused only by the run) ---
    Case("overlay-conversion-share-one", ("scenario", "check", "{params}/scenarios/bad.yaml"),
         ("bad.yaml", "conscription.conversion_share", "below 1"),
         {"scenarios/bad.yaml": "name: bad\ndescription: x\nset:\n  conscription.conversion_share: "
                                "{value: 1, low: 0.05, high: 1, reason: r}\n"}),
    Case("overlay-federal-payment-below-zero", BAD, ("bad.yaml", "pay.federal_change", "0 or more"),
         {"scenarios/bad.yaml": "name: bad\ndescription: x\nset:\n  pay.federal_change: "
                                "{value: -1000000000, low: -1000000000, high: 0, reason: r}\n"}),
    # --- discover ---
    Case("discover-outcome-missing", ("discover", "--n", "4", "--months", "2"), ("--outcome",)),
    Case("discover-outcome-unknown", ("discover", "--outcome", "collapse", "--n", "4", "--months", "2"),
         ("--outcome", "collapse", "deficit_before:YYYY-MM")),
    Case("discover-outcome-month-malformed", ("discover", "--outcome", "deficit_before:2026-13", "--n", "4",
                                              "--months", "2"), ("--outcome", "YYYY-MM")),
    Case("discover-outcome-month-beyond-horizon", ("discover", "--outcome", "deficit_before:2040-01", "--n", "4",
                                                   "--months", "2"), ("--outcome", "horizon")),
    Case("discover-outcome-pool-unknown", ("discover", "--outcome", "pool_exhausted:volunteer", "--n", "4",
                                           "--months", "2"), ("--outcome", "SOURCE", "prisoner")),
    Case("discover-outcome-metric-nan", ("discover", "--outcome", "net_horizon<nan", "--n", "4", "--months", "2"),
         ("--outcome", "net_horizon<nan")),
    Case("discover-outcome-metric-unknown", ("discover", "--outcome", "morale<0.5", "--n", "4", "--months", "2"),
         ("--outcome", "morale<0.5", "net_horizon")),
    Case("discover-threshold-above-one", ("discover", "--outcome", "front_below_start", "--threshold", "1.5",
                                          "--n", "4", "--months", "2"), ("--threshold", "at most 1")),
    Case("discover-threshold-negative", ("discover", "--outcome", "front_below_start", "--threshold", "-0.2",
                                         "--n", "4", "--months", "2"), ("--threshold",)),
    Case("discover-threshold-text", ("discover", "--outcome", "front_below_start", "--threshold", "high"),
         ("--threshold", "'high'")),
    Case("discover-boxes-zero", ("discover", "--outcome", "front_below_start", "--boxes", "0"), ("--boxes",)),
    Case("discover-boxes-many", ("discover", "--outcome", "front_below_start", "--boxes", "50", "--n", "4",
                                 "--months", "2"), ("--boxes", "50", "20")),
    Case("discover-sweep-missing", ("discover", "--outcome", "front_below_start", "--sweep", "{work}/nonesuch"),
         ("--sweep", "nonesuch", "sweep store")),
    Case("discover-sweep-not-a-store", ("discover", "--outcome", "front_below_start", "--sweep", "{work}"),
         ("--sweep", "sweep store")),
    Case("discover-n-huge", ("discover", "--outcome", "front_below_start", "--n", "1000000000000"),
         ("--n", "memory")),
    # --- exports (--csv, --xlsx) and uncertainty's --keep ---
    Case("export-csv-under-a-file", (*RUN, "--csv", "{work}/taken.txt/run.csv"), ("--csv", "taken.txt")),
    Case("export-csv-wrong-suffix", (*RUN, "--csv", "{work}/run.txt"), ("--csv", "run.txt", ".csv")),
    Case("export-xlsx-wrong-suffix", ("compare", "baseline", "--months", "2", "--xlsx", "{work}/c.csv"),
         ("--xlsx", "c.csv", ".xlsx")),
    Case("export-xlsx-is-a-folder", ("uncertainty", "--n", "4", "--months", "2", "--xlsx", "{work}/x.xlsx"),
         ("--xlsx", "x.xlsx"), {"../work/x.xlsx": DIRECTORY}),
    Case("uncertainty-no-save-and-keep", ("uncertainty", "--n", "4", "--months", "2", "--no-save", "--keep",
                                          "summary"), ("--keep", "--no-save")),
    # --- scenario authoring (scenario new, scenario check) ---
    Case("scenario-new-set-without-value", NEW + ("--set", "casualties.monthly", "--reason", "r"),
         ("--set", "casualties.monthly", "KEY=VALUE")),
    Case("scenario-new-set-unknown-key", NEW + ("--set", "casualties.monthy=5", "--reason", "r"),
         ("--set", "casualties.monthy")),
    Case("scenario-new-set-bad-value", NEW + ("--set", "casualties.monthly=lots", "--reason", "r"),
         ("--set", "casualties.monthly")),
    Case("scenario-new-set-twice", NEW + ("--set", "draw_rate.foreign=0.1", "--set", "draw_rate.foreign=0.2",
                                          "--reason", "r"), ("--set", "draw_rate.foreign", "once")),
    Case("scenario-new-reasons-miscounted", NEW + ("--set", "draw_rate.foreign=0.1", "--reason", "r", "--reason", "s"),
         ("--reason", "one per --set")),
    Case("scenario-new-reason-empty", NEW + ("--set", "draw_rate.foreign=0.1", "--reason", " "), ("--reason",)),
    Case("scenario-new-bad-name", ("scenario", "new", "My-Case", "--set", "draw_rate.foreign=0.1", "--reason", "r"),
         ("name", "My-Case")),
    Case("scenario-new-shipped-name", ("scenario", "new", "high_intensity", "--set", "draw_rate.foreign=0.1",
                                       "--reason", "r"), ("name", "shipped")),
    Case("scenario-new-existing-file", NEW + ("--set", "draw_rate.foreign=0.1", "--reason", "r"),
         ("mine.yaml", "--force"), {"scenarios/mine.yaml": "name: mine\ndescription: x\nset: {}\n"}),
    Case("scenario-new-out-misnamed", NEW + ("--set", "draw_rate.foreign=0.1", "--reason", "r", "--out",
                                             "{work}/other.yaml"), ("--out", "other.yaml", "mine.yaml")),
    Case("scenario-new-out-exists", NEW + ("--set", "draw_rate.foreign=0.1", "--reason", "r", "--out",
                                           "{params}/mine.yaml"), ("--out", "mine.yaml", "--force"),
         {"mine.yaml": "name: mine\ndescription: x\nset: {}\n"}),
    Case("scenario-new-based-on-unknown", NEW + ("--based-on", "nonesuch", "--set", "draw_rate.foreign=0.1",
                                                 "--reason", "r"), ("nonesuch",)),
    Case("scenario-new-based-on-a-file", NEW + ("--based-on", "{params}/scenarios/dprk_surge.yaml", "--set",
                                                "draw_rate.foreign=0.1", "--reason", "r"), ("--based-on", "name")),
    Case("scenario-check-unknown-key", ("scenario", "check", "{params}/scenarios/bad.yaml"),
         ("bad.yaml", "casualties.monthy"), overlay("  casualties.monthy: {value: 5, reason: typo}\n")),
    Case("scenario-check-missing-file", ("scenario", "check", "{work}/nonesuch.yaml"), ("nonesuch.yaml",)),
    Case("scenario-check-not-yaml", ("scenario", "check", "{work}/taken.txt"), ("taken.txt", ".yaml")),
    # --- export: the model as a Vensim or XMILE file ---
    Case("export-format-unknown", ("export", "--format", "vensim"), ("--format", "vensim")),
    Case("export-out-suffix-contradicts-format", ("export", "--format", "xmile", "--out", "{work}/m.mdl"),
         ("--out", "m.mdl", ".xmile")),
    Case("export-out-folder", ("export", "--out", "{work}"), ("--out", "folder")),
    Case("export-out-under-a-file", ("export", "--out", "{work}/taken.txt/m.mdl"), ("--out", "taken.txt")),
    Case("export-draw-beyond-the-sample", ("export", "--draw", "8", "--n", "8"), ("--draw", "at most 7")),
    Case("export-draw-negative", ("export", "--draw", "-1"), ("--draw",)),
    Case("export-n-zero", ("export", "--draw", "0", "--n", "0"), ("--n",)),
    Case("export-draw-with-set", ("export", "--draw", "1", "--set", "casualties.monthly=50000"),
         ("--set", "--draw")),
    Case("export-sample-options-without-draw", ("export", "--seed", "3"), ("--seed", "--draw")),
    Case("export-sampler-unknown", ("export", "--draw", "0", "--method", "halton"), ("--method", "halton")),
    Case("export-out-empty", ("export", "--out", ""), ("--out", "empty")),
    Case("export-scenario-unknown", ("export", "--scenario", "nonesuch"), ("nonesuch",)),
    Case("export-set-unknown-key", ("export", "--set", "casualties.monthy=5"), ("casualties.monthy",)),
    Case("export-months-zero", ("export", "--months", "0"), ("--months",)),
    Case("export-dt-not-dividing", ("export", "--dt", "0.3"), ("--dt", "divides a month")),
    Case("export-dt-too-long-for-the-rates", ("export", "--dt", "1"), ("dt", "rate x dt")),
    # --- sweep (the file layer and the options; spec semantics are in tests/corpus_sweeps.py) ---
    Case("sweep-spec-missing", ("sweep", "{work}/nonesuch.yaml"), ("nonesuch.yaml",)),
    Case("sweep-spec-directory", ("sweep", "{work}"), ("directory",)),
    Case("sweep-spec-binary", ("sweep", "{params}/registry.yaml", "--out", "{work}/store"), ("registry.yaml",),
         {"registry.yaml": BINARY}),
    Case("sweep-workers-zero", ("sweep", "{work}/nonesuch.yaml", "--workers", "0"), ("--workers",)),
    Case("sweep-workers-negative", ("sweep", "{work}/nonesuch.yaml", "--workers", "-2"), ("--workers",)),
    # A store of the NetCDF format the sweeps had before Zarr, resumed: its manifest is refused, nothing read.
    Case("sweep-resume-netcdf-store", ("sweep", "{params}/old.yaml", "--out", "{params}/old", "--resume"),
         ("manifest.json", "format", "zarr"),
         {"old.yaml": "name: old\nmonths: 2\nsamples: {n: 2}\nkeep: {metrics: [net_12m]}\nchunk: 2\n",
          "old": DIRECTORY, "old/chunks": DIRECTORY, "old/manifest.json": '{"format": "netcdf", "name": "old", "chunk": 2}', "old/chunks/chunk-000000.nc": b"CDF"},
         writes=True),
    # --- Ctrl-C during a long command: a short message and status 130 ---
    Case("interrupt-run", RUN, ("interrupted",), status=130, interrupt=True),
    Case("interrupt-compare", ("compare", "baseline", "--months", "2"), ("interrupted",), status=130, interrupt=True),
    Case("interrupt-uncertainty", ("uncertainty", "--n", "4", "--months", "2"), ("interrupted",), status=130,
         interrupt=True),
    Case("interrupt-report", ("report", "--n", "4", "--months", "2", "--sobol-n", "4"), ("interrupted",),
         status=130, interrupt=True),
]


#: The cases kept by topic beside this module.
CASES += [*corpus_update.CASES, *corpus_outputs.CASES, *corpus_observed.CASES, *corpus_stores.CASES,
          *corpus_gaps.CASES]


def _sweep_cases() -> list:
    """The sweep-spec corpus, kept beside the sweep store's tests (``tests/corpus_sweeps.py``)."""
    return [pytest.param(("sweeps", case), id=f"sweeps-{case[0]}") for case in corpus_sweeps.CASES]


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) if p.is_file() else (-1, 0)
            for p in root.rglob("*")}


def _prepare(case: Case, tmp_path: Path, monkeypatch) -> tuple[list[str], Path]:
    params, work = tmp_path / "params", tmp_path / "work"
    shutil.copytree(PARAMS, params)
    work.mkdir()
    (work / "taken.txt").write_text("a file in the way\n")
    for relative, content in case.files.items():
        path = params / relative
        if callable(content):
            content = content(params)
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        if content is DIRECTORY:
            path.mkdir()
        elif content is FIFO:
            os.mkfifo(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("MANPOWER_PARAMS", str(params))
    monkeypatch.chdir(work)
    if case.interrupt:
        def interrupted(*args, **kwargs):
            raise KeyboardInterrupt
        monkeypatch.setattr(model.engine.integrator, "integrate", interrupted)
    return [a.replace("{work}", str(work)).replace("{params}", str(params)) for a in case.argv], work


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES] + _sweep_cases())
def test_bad_input_is_one_line_and_writes_nothing(case, tmp_path, monkeypatch, capsys):
    if isinstance(case, tuple):  # a sweep-spec case: its own module checks it the same way
        case_id, text = case[1][0], case[1][1]
        corpus_sweeps.check_case(tmp_path, case_id, text)
        return
    argv, _ = _prepare(case, tmp_path, monkeypatch)
    before = _tree(tmp_path)
    status = main(argv)
    err = capsys.readouterr().err
    # A value outside its plausible range is allowed with a warning line; the refusal is the one error line.
    lines = [line for line in err.splitlines() if not line.startswith("manpower: warning: ")]
    assert "Traceback" not in err
    assert len(lines) == 1 and lines[0].strip(), f"expected one line on stderr, got {err!r}"
    prefix = "manpower: interrupted" if case.interrupt else "manpower: error: "
    assert lines[0].startswith(prefix), lines[0]
    for word in case.expect:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"
    assert status == case.status, f"status {status}, message {lines[0]!r}"
    if not case.writes:
        assert _tree(tmp_path) == before, "files were written or changed"


def test_a_run_that_overflows_is_refused_naming_the_parameters_furthest_outside_their_range(monkeypatch):
    """The last guard: whatever the inputs, a result that is not finite is never returned as an answer."""
    import numpy as np

    import model
    from model.errors import InputError

    params = model.load_params().with_values({"volunteer.pay_elasticity": 50.0}, kind="search")
    real = model.engine.integrator.integrate

    def overflowing(*args, **kwargs):
        trajectory = real(*args, **kwargs)
        trajectory.stocks_total[1] = np.inf
        return trajectory

    monkeypatch.setattr(model.engine.integrator, "integrate", overflowing)
    with pytest.raises(InputError, match="volunteer.pay_elasticity.*expected finite results"):
        model.simulate(params, months=2)


@pytest.mark.parametrize("content, fraction_of", [("1073741824\n", 2**30), ("max\n", None)])
def test_memory_limit_respects_a_container_limit_below_physical_memory(tmp_path, monkeypatch, content, fraction_of):
    """A CI container's cgroup limit, not the host's memory, bounds what a computation may allocate."""
    from model.inputs import limits

    monkeypatch.setattr(limits, "CGROUP_LIMITS", ())
    physical = limits.memory_limit() / limits.MEMORY_FRACTION
    limit = tmp_path / "memory.max"
    limit.write_text(content)
    monkeypatch.setattr(limits, "CGROUP_LIMITS", (tmp_path / "absent", limit))
    expected = min(physical, fraction_of) if fraction_of else physical
    assert limits.memory_limit() == pytest.approx(expected * limits.MEMORY_FRACTION, abs=1)


@pytest.mark.parametrize("value", [10**23, 10**400, [1.0, 10**23], float("nan"), -float("inf"), True, [1, True]])
def test_one_magnitude_check_for_numbers_and_arrays(value):
    """``limits.magnitude`` refuses a bad number alone or in an array, naming where and the key."""
    from model.inputs import limits
    from model.errors import InputError

    with pytest.raises(InputError, match="^somewhere: some.key: expected"):
        limits.magnitude(value, "somewhere", "some.key")


def test_a_report_checks_its_settings_once_before_any_run(monkeypatch, tmp_path):
    """``report()`` checks (and loads every scenario for) its settings once, not again in ``gather``."""
    import model.present.report

    calls = []
    real = model.present.report.check_settings

    def counted(settings):
        calls.append(settings)
        return real(settings)

    class Ran(Exception):
        pass

    def first_run(*args, **kwargs):
        raise Ran

    monkeypatch.setattr(model.present.report, "check_settings", counted)
    monkeypatch.setattr(model.present.report, "compare", first_run)
    with pytest.raises(Ran):
        model.present.report.report(["baseline"], n=4, months=2, sobol_n=4, out=tmp_path / "report.html")
    assert len(calls) == 1
