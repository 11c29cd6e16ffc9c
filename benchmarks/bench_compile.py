"""The first run's compile cost: the same command cold (empty numba cache) and warm, timed in one run.

    python benchmarks/bench_compile.py                       # manpower compare, 2 rounds
    python benchmarks/bench_compile.py --rounds 3 --command "run --out {out}"
    python benchmarks/bench_compile.py --serial              # also with MANPOWER_BACKGROUND_COMPILE=0, alternately

Each round runs the command in a fresh interpreter with ``NUMBA_CACHE_DIR`` pointing at an empty folder (cold:
numba compiles every kernel the command needs) and then again with the folder it filled (warm: the kernels load
from the cache), so both see the same machine at nearly the same moment. The compile cost is cold minus warm;
its ratio to the warm time is what to compare between versions (this machine's speed varies by half from one run
to the next). Issue 14 asks for the cost of ``manpower compare`` at most half of what it was (about 21 s on a
quiet machine: 28 s cold against 7 s warm). With ``--serial`` each round also times the cold command with the
background compilation switched off (:mod:`model.engine.compiling`), so the two are compared in the same run.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time


def timed(command: list[str], cache: str, **env: str) -> float:
    """Seconds the command takes in a fresh interpreter with numba's cache in ``cache``."""
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "NUMBA_CACHE_DIR": cache, **env})
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--command", default="compare --out {out}",
                        help="manpower arguments; {out} becomes a temporary folder")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serial", action="store_true",
                        help="also time the cold command compiled in one process (MANPOWER_BACKGROUND_COMPILE=0)")
    args = parser.parse_args()
    cold, warm, serial = [], [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
            command = [sys.executable, "-m", "model.cli", *shlex.split(args.command.format(out=out))]
            cold.append(timed(command, cache))
            warm.append(timed(command, cache))
        if args.serial:
            with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
                command = [sys.executable, "-m", "model.cli", *shlex.split(args.command.format(out=out))]
                serial.append(timed(command, cache, MANPOWER_BACKGROUND_COMPILE="0"))
    cost = [c - w for c, w in zip(cold, warm)]
    print(f"manpower {args.command.format(out='OUT')}: {args.rounds} rounds (cold, then warm, in each)")
    for i, (c, w) in enumerate(zip(cold, warm)):
        line = f"  cold {c:6.1f} s   warm {w:6.1f} s   compile cost {c - w:6.1f} s   cost / warm {(c - w) / w:5.2f}"
        if serial:
            line += f"   one process: cold {serial[i]:6.1f} s, cost {serial[i] - w:6.1f} s"
        print(line)
    print(f"  median compile cost {statistics.median(cost):.1f} s, median warm {statistics.median(warm):.1f} s")
    if serial:
        single = statistics.median([s - w for s, w in zip(serial, warm)])
        print(f"  compiled in one process: median cost {single:.1f} s; two processes / one: "
              f"{statistics.median(cost) / single:.2f}")


if __name__ == "__main__":
    main()
