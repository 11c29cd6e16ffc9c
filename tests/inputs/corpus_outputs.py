"""Malformed-input cases: command-line options and output paths (every target checked before anything is written).

Joined into ``test_malformed_inputs.py``'s parametrization; the vocabulary is in :mod:`.corpus`.
"""

from __future__ import annotations

from .corpus import *  # noqa: F403
from .corpus import BACKTEST, DIRECTORY, NEW, RUN, Case


def taken(*names: str, folder: str = "results") -> dict[str, object]:
    """Folders in the working folder (``folder``, then ``folder/NAME`` for each name) where a command writes a
    file: the file a command writes last among several, taken by a folder, must stop it before the first."""
    return {f"../work/{folder}": DIRECTORY, **{f"../work/{folder}/{name}": DIRECTORY for name in names}}


REPORT = ("report", "--n", "4", "--months", "2", "--sobol-n", "4")
CALIBRATE = ("calibrate", "--out", "{work}/c")

CASES: list[Case] = [
    # --- every file a command writes, checked before the first is written ---
    Case("outputs-run-figure-is-a-folder", RUN, ("--out", "baseline.png", "folder"), taken("baseline.png")),
    Case("outputs-run-waterfall-is-a-folder", RUN, ("--out", "baseline_decomposition_armed_forces.png", "folder"),
         taken("baseline_decomposition_armed_forces.png")),
    Case("outputs-compare-figure-is-a-folder", ("compare", "baseline", "--months", "2", "--no-breakeven"),
         ("--out", "comparison.png", "folder"), taken("comparison.png")),
    Case("outputs-uncertainty-fan-is-a-folder", ("uncertainty", "--n", "4", "--months", "2", "--out", "{work}/u"),
         ("--out", "fan_baseline.png", "folder"), taken("fan_baseline.png", folder="u")),
    Case("outputs-uncertainty-summary-is-a-folder", ("uncertainty", "--n", "4", "--months", "2", "--keep", "summary"),
         ("--out", "uncertainty_baseline_summary.nc", "folder"), taken("uncertainty_baseline_summary.nc")),
    Case("outputs-sensitivity-figure-is-a-folder", ("sensitivity", "--method", "morris", "--n", "4", "--months", "2"),
         ("--out", "sensitivity_baseline_morris.png", "folder"), taken("sensitivity_baseline_morris.png")),
    Case("outputs-calibrate-figure-is-a-folder", CALIBRATE, ("--out", "calibration.png", "folder"),
         taken("calibration.png", folder="c")),
    # --- a file --out names: the suffixes the command writes ---
    Case("outputs-report-out-wrong-suffix", REPORT + ("--out", "{work}/brief.txt"), ("--out", "brief.txt", ".html",
                                                                                     ".pdf")),
    Case("outputs-report-out-no-suffix", REPORT + ("--out", "{work}/brief"), ("--out", "brief", ".html", ".pdf")),
    Case("outputs-backtest-out-no-suffix", BACKTEST + ("--out", "{work}/b"), ("--out", ".csv")),
    Case("outputs-docs-out-wrong-suffix", ("docs", "--out", "{work}/MODEL.html"), ("--out", "MODEL.html", ".md")),
    # --- options naming something, given empty: refused, not read as the default ---
    Case("options-calibrate-save-empty", CALIBRATE + ("--save", ""), ("--save", "scenario name")),
    Case("options-calibrate-posterior-save-empty", CALIBRATE + ("--posterior", "--n-prior", "8", "--save", ""),
         ("--save",)),
    Case("options-calibrate-params-empty", CALIBRATE + ("--params", ""), ("--params", "registry keys", "commas")),
    Case("options-calibrate-params-comma", CALIBRATE + ("--params", ","), ("--params", "registry keys", "commas")),
    Case("options-calibrate-params-empty-item", CALIBRATE + ("--params", "volunteer.signups,,casualties.monthly"),
         ("--params", "registry keys", "commas")),
    Case("options-scenario-empty", RUN + ("--scenario", ""), ("--scenario", "scenario name")),
    Case("options-params-key-empty", ("params", "--key", ""), ("--key", "parameter key")),
    Case("options-scenario-new-title-empty", NEW + ("--set", "draw_rate.foreign=0.1", "--reason", "r", "--title", "",
                                                    "--out", "{work}/mine.yaml"), ("--title",)),
    Case("options-scenario-new-description-empty", NEW + ("--set", "draw_rate.foreign=0.1", "--reason", "r",
                                                          "--description", " ", "--out", "{work}/mine.yaml"),
         ("--description",)),
    Case("options-sweep-scheduler-empty", ("sweep", "{work}/nonesuch.yaml", "--backend", "dask", "--scheduler", ""),
         ("--scheduler", "address")),
    # --- a value given twice: refused as `compare` and `scenario new` refuse it ---
    Case("options-calibrate-params-twice", CALIBRATE + ("--params", "volunteer.signups,volunteer.signups"),
         ("--params", "volunteer.signups", "once")),
    Case("options-report-scenario-twice", REPORT + ("--scenarios", "baseline", "baseline"),
         ("--scenarios", "baseline", "once")),
    Case("options-report-scenario-as-name-and-file",
         REPORT + ("--scenarios", "baseline", "{params}/scenarios/baseline.yaml"), ("--scenarios", "baseline", "once")),
    Case("options-run-set-twice", RUN + ("--set", "casualties.monthly=45000", "--set", "casualties.monthly=46000"),
         ("--set", "casualties.monthly", "once")),
    Case("options-breakeven-set-twice", ("breakeven", "--lever", "volunteer.signups", "--months", "2", "--set",
                                         "casualties.monthly=45000", "--set", "casualties.monthly = 46000"),
         ("--set", "casualties.monthly", "once")),
    Case("options-params-set-twice", ("params", "--set", "casualties.monthly=45000", "--set",
                                      "casualties.monthly=46000"), ("--set", "casualties.monthly", "once")),
    Case("options-export-set-twice", ("export", "--out", "{work}/m.mdl", "--set", "casualties.monthly=45000",
                                      "--set", "casualties.monthly=46000"), ("--set", "casualties.monthly", "once")),
    Case("options-backtest-horizons-twice", BACKTEST + ("--horizons", "1,1", "--out", "{work}/b.csv"),
         ("--horizons", "1", "once")),
    Case("options-backtest-horizons-twice-spelled-apart", BACKTEST + ("--horizons", "6,06"),
         ("--horizons", "6", "once")),
]
