"""The first run on a machine: the kernels compiled in two processes at once, and one line saying so.

numba compiles each kernel once and keeps the machine code in its cache
(``__pycache__`` next to the module, or ``NUMBA_CACHE_DIR``); later runs load
it in well under a second. The first run has nothing to load, so :func:`watch`
listens to numba's compile events:

- when one lasts longer than :data:`PATIENCE` seconds (a load from the cache
  never does), it says what is happening and about how long it takes, once per
  process;
- at the first compilation in a process that has not yet imported the
  integration kernels (:data:`BACKGROUND`), it starts a second Python process that
  imports them, so that they compile into the same cache while this process
  compiles the rate equations (the kernels take each other as first-class
  functions, so each compiles on its own). The integrator waits for that process
  (:func:`wait_for_background`) before it defines its kernels, which then load
  from the cache. On two cores this takes the rate equations' share off the first
  run's wait. Set ``MANPOWER_BACKGROUND_COMPILE=0`` to compile in one process; a
  background process that fails or is slow only costs the time it ran: this
  process then compiles what it lacks itself. It is not started on a machine
  that gives this process a single core, nor in a process that is itself a
  worker of another (a ``multiprocessing`` child, such as a dask worker): there
  the cores are already busy.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

from numba.core import event

#: Seconds a compilation may last before the line is printed; loading every kernel from the cache takes less.
PATIENCE = 2.0
#: The compilation's cost, cold minus warm time of ``manpower compare`` (``benchmarks/bench_compile.py``; README).
EXPECTED = "7 to 20 s on 2 cores"
MESSAGE = (f"manpower: compiling the model's kernels for this machine, once ({EXPECTED}); later runs load them "
           "from numba's cache")


#: The modules whose kernels the background process compiles (the integrator imports the method it runs lazily,
#: so Euler's kernel is named too), and the environment variable that switches it off ("0").
BACKGROUND = ("model.engine.integrator", "model.engine.euler")
SWITCH = "MANPOWER_BACKGROUND_COMPILE"
#: Seconds the integrator waits for the background process before compiling what it lacks itself.
WAIT = 120.0

_background: subprocess.Popen | None = None
_started = False


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start_background() -> None:
    """Start the process that compiles :data:`BACKGROUND`, once per process, unless it is switched off, this
    process already imports those modules itself, it has a single core, or it is a worker of another process."""
    global _background, _started
    if _started or os.environ.get(SWITCH) == "0" or BACKGROUND[0] in sys.modules:
        return
    _started = True
    if _cores() < 2 or multiprocessing.parent_process() is not None:
        return
    # Isolated (-I): neither the working folder nor PYTHON* variables decide which `model` it imports; this
    # package's own folder goes first on its path.
    root = str(Path(__file__).resolve().parents[2])
    code = f"import sys; sys.path.insert(0, {root!r}); import " + ", ".join(BACKGROUND)
    try:
        _background = subprocess.Popen([sys.executable, "-I", "-c", code], stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       env={**os.environ, SWITCH: "0"})
    except OSError:  # no process to spare: compile here, one after the other
        return
    atexit.register(_stop_background)


def _stop_background() -> None:
    """End the background process if it still runs, and reap it."""
    global _background
    if _background is not None:
        if _background.poll() is None:
            _background.kill()
        _background.wait()
        _background = None


def wait_for_background() -> None:
    """Wait (at most :data:`WAIT` seconds) for the background compilation, when one runs, saying why on standard
    error (once per process) if it is not done yet."""
    global _background
    if _background is None:
        return
    if _background.poll() is None and _LISTENER is not None:
        _LISTENER.say()
    try:
        _background.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        _stop_background()
    _background = None


class _Listener(event.Listener):
    """Starts a timer when the outermost compilation starts and stops it when that compilation ends; the first
    compilation starts the background process."""

    def __init__(self):
        self.depth = 0
        self.said = False
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()

    def on_start(self, ev):
        with self.lock:
            self.depth += 1
            if self.depth == 1:
                _start_background()
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
            if self.depth == 0:
                return
        self.say()

    def say(self):
        """Print :data:`MESSAGE`, once per process."""
        with self.lock:
            if self.said:
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
