"""The first run on a machine: kernels compile in two processes at once, into one cache, and load afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from model.engine import compiling

ROOT = Path(__file__).resolve().parents[2]

#: Imports the rate equations, then the integrator, as a run does, and prints the kernels this process compiled.
TRACE = """
import json, sys
from numba.core import event
compiled = []
class Names(event.Listener):
    def on_start(self, ev):
        d = ev.data.get("dispatcher")
        compiled.append(getattr(getattr(d, "py_func", None), "__name__", "?"))
    def on_end(self, ev):
        pass
event.register("numba:compile", Names())
import model.dynamics.equations
import model.engine.integrator
import model.engine.euler
print(json.dumps(compiled))
"""


def _run(cache: Path, **env: str) -> tuple[list[str], str]:
    done = subprocess.run([sys.executable, "-c", TRACE], capture_output=True, text=True, check=True, cwd=ROOT,
                          env={**os.environ, "NUMBA_CACHE_DIR": str(cache), **env}, timeout=600)
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_a_cold_cache_compiles_the_integrator_in_the_background_and_a_warm_one_compiles_nothing(tmp_path):
    compiled, err = _run(tmp_path)
    assert "flow_rates" in compiled  # this process compiled the rate equations ...
    assert "_integrate" not in compiled and "step_rates" not in compiled  # ... and loaded what the other compiled
    assert err.count(compiling.MESSAGE) == 1
    again, err = _run(tmp_path)
    assert again == [] and compiling.MESSAGE not in err


def test_switched_off_one_process_compiles_everything(tmp_path):
    compiled, _ = _run(tmp_path, **{compiling.SWITCH: "0"})
    assert {"flow_rates", "_integrate", "step_rates"} <= set(compiled)


def test_no_background_process_once_the_integrator_is_imported(monkeypatch):
    import model.engine.integrator  # noqa: F401  (this process has it: nothing to compile elsewhere)

    monkeypatch.setattr(compiling, "_started", False)
    monkeypatch.setattr(compiling, "_background", None)
    compiling._start_background()
    assert compiling._background is None
    compiling.wait_for_background()  # nothing to wait for
