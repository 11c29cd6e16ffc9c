"""How long ``import model``, ``manpower --help`` and ``manpower params`` take, as ratios to ``import xarray``.

Each figure is a fresh interpreter (``python -c ...``), timed from outside, several
times in turn (A B C D A B C D ...) so that a noisy machine slows all of them alike; the
medians and the ratios to ``import xarray`` measured in the same run are what to quote.
``manpower params`` prints the registry: it loads the parameters (PyYAML, pydantic, pint,
pandas) but no numba, xarray, matplotlib, SALib or scipy.optimize (``tests/test_imports.py``).
With ``--tree`` it also prints the slowest imports under ``import model`` (``python -X
importtime``), cumulative microseconds, to show what a lazy import would save.

    python benchmarks/bench_import.py            # 7 rounds
    python benchmarks/bench_import.py --rounds 11 --tree 15

Issue 11 asks for ``import model`` no slower than ``import xarray`` alone and
``manpower --help`` no slower than 1.5 times that.

Measured on the shared two-core machine (11 rounds, medians, ratio to ``import xarray`` in the same run;
two runs each, so the spread shows the machine's noise)::

    command            before the commands package          after
    import xarray      0.72 s, 0.81 s                       0.83 s, 0.54 s
    import model       0.10x, 0.09x                         0.06x, 0.09x
    manpower --help    0.13x, 0.10x                         0.10x, 0.12x
    manpower params    3.29 s = 4.57x, 3.08 s = 3.79x       1.03 s = 1.24x, 0.99 s = 1.83x

``manpower params`` used to import SALib, scipy.optimize, numba and xarray (the command line's size checks
imported the analysis layer for every command); it now loads the registry and nothing else, its time going
to importing pandas and pint (which itself imports ``dask.base`` when dask is installed) and to converting the
registry's units with pint.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "import xarray": [sys.executable, "-c", "import xarray"],
    "import model": [sys.executable, "-c", "import model"],
    "manpower --help": [sys.executable, "-m", "model.cli", "--help"],
    "manpower params": [sys.executable, "-m", "model.cli", "params"],
}


def wall(command: list[str]) -> float:
    """Seconds one fresh process takes, start to exit."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def slowest_imports(top: int) -> list[tuple[int, str]]:
    """The ``top`` imports under ``import model`` with the largest cumulative time (microseconds)."""
    report = subprocess.run([sys.executable, "-X", "importtime", "-c", "import model"], check=True,
                            capture_output=True, text=True).stderr
    rows = []
    for line in report.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = (part.strip() for part in line.removeprefix("import time:").split("|"))
            rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds of each command (default 7)")
    parser.add_argument("--tree", type=int, default=0, metavar="N", help="also list the N slowest imports")
    args = parser.parse_args()
    for command in COMMANDS.values():  # warm the file cache and the bytecode
        wall(command)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.rounds):
        for name, command in COMMANDS.items():
            times[name].append(wall(command))
    reference = statistics.median(times["import xarray"])
    print(f"{'command':<18}{'median s':>10}{'min s':>8}{'max s':>8}{'/ xarray':>10}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<18}{median:>10.3f}{min(values):>8.3f}{max(values):>8.3f}{median / reference:>10.2f}")
    if args.tree:
        print("\nslowest imports under `import model` (cumulative, ms):")
        for cumulative, name in slowest_imports(args.tree):
            print(f"  {cumulative / 1000:>8.1f}  {name}")


if __name__ == "__main__":
    main()
