"""One line on standard error while numba compiles the kernels, the first time they run on a machine.

numba compiles each kernel once and keeps the machine code in its cache
(``__pycache__`` next to the module, or ``NUMBA_CACHE_DIR``); later runs load
it in well under a second. The first run has nothing to load and would sit
silent for the whole compilation, so :func:`watch` listens to numba's compile
events: when one lasts longer than :data:`PATIENCE` seconds (a load from the cache
never does), it says what is happening and about how long it takes, once per
process.
"""

from __future__ import annotations

import sys
import threading

from numba.core import event

#: Seconds a compilation may last before the line is printed; loading every kernel from the cache takes less.
PATIENCE = 2.0
#: The compilation's cost, cold minus warm time of ``manpower compare`` (``benchmarks/bench_compile.py``; README).
EXPECTED = "about 8 s on 2 cores"
MESSAGE = (f"manpower: compiling the model's kernels for this machine, once ({EXPECTED}); later runs load them "
           "from numba's cache")


class _Listener(event.Listener):
    """Starts a timer when the outermost compilation starts and stops it when that compilation ends."""

    def __init__(self):
        self.depth = 0
        self.said = False
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()

    def on_start(self, ev):
        with self.lock:
            self.depth += 1
            if self.depth == 1 and not self.said:
                self.timer = threading.Timer(PATIENCE, self._say)
                self.timer.daemon = True
                self.timer.start()

    def on_end(self, ev):
        with self.lock:
            self.depth -= 1
            if self.depth == 0 and self.timer is not None:
                self.timer.cancel()
                self.timer = None

    def _say(self):
        with self.lock:
            if self.depth == 0 or self.said:
                return
            self.said = True
        print(MESSAGE, file=sys.stderr, flush=True)


_LISTENER: _Listener | None = None


def watch() -> None:
    """Listen to numba's compile events (once per process; later calls do nothing)."""
    global _LISTENER
    if _LISTENER is None:
        _LISTENER = _Listener()
        event.register("numba:compile", _LISTENER)
