"""Writing the posterior where every command reads it (``params/posterior/``; see :mod:`model.inputs.posterior`).

Only the calibration writes it (``manpower calibrate --posterior``, ``manpower update``), so the main job
never refits. The draws file is written first and the description second, each atomically; the
description holds the draws' SHA-256, so a write interrupted between the two is refused on reading,
never used.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from ..errors import InputError
from ..inputs.paths import display, params_dir
from ..inputs.posterior import DRAWS_FILE, POSTERIOR_FILE, START, file_digest, inputs_digest
from ..results.io import atomic_write
from .posterior import Posterior

#: Significant digits kept in the draws file (far below any parameter's uncertainty).
DIGITS = 7


def write_posterior(posterior: Posterior, folder: str | Path | None = None) -> Path:
    """Store ``posterior`` in the parameter folder (default the user's); return the description's path.

    The inputs' digest is that of the files the calibration read: ``folder``'s, or by default the user's folder's
    over the shipped ones (:func:`model.inputs.posterior.input_files`)."""
    if not posterior.diagnostics.get("reliable", False):
        raise InputError("write_posterior", "posterior", f"expected a reliable posterior to store (effective sample "
                         f"{posterior.diagnostics['ess']:,.0f}, Pareto k {posterior.diagnostics['pareto_k']:.2f}); "
                         "fit again with more prior runs (--n-prior)")
    root = Path(folder) if folder is not None else params_dir()
    path = root / POSTERIOR_FILE
    draws_path = path.parent / DRAWS_FILE
    table = pd.concat([posterior.draws[posterior.shared], posterior.start_state.add_prefix(START)], axis=1)
    atomic_write(draws_path, lambda tmp: table.to_csv(tmp, index=False, float_format=f"%.{DIGITS}g"))
    settings, diagnostics = dict(posterior.settings), dict(posterior.diagnostics)
    document = {
        "start": settings.pop("start"), "through": settings.pop("through"),
        "inputs_digest": inputs_digest(folder), "draws_digest": file_digest(draws_path),
        "parameters": list(posterior.shared), "start_state": list(posterior.start_state.columns),
        "sampler": settings.pop("sampler"), "settings": settings,
        "diagnostics": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in diagnostics.items()},
        "made": settings.pop("made"), "version": settings.pop("version"),
    }
    header = ("# Written by `manpower calibrate --posterior` (model/calibration/stored.py); do not edit by hand.\n"
              f"# The draws are in {DRAWS_FILE}; what they are: model/inputs/posterior.py.\n")
    text = header + yaml.safe_dump(document, sort_keys=False, width=110)
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return path


def describe_written(path: Path) -> str:
    return f"Wrote {display(path)} and {display(path.parent / DRAWS_FILE)}"
