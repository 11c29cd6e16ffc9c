"""Malformed sweep specs for the malformed-input corpus: each is refused in one line, status 2, no store.

``CASES`` holds ``(case_id, yaml_text)`` pairs; ``KEYS[case_id]`` is the key the
error must name; :func:`check_case` runs one case through ``manpower sweep``.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import yaml

from model.inputs.provenance import OutOfRangeWarning

#: A small valid spec; each case changes one thing.
BASE = {
    "name": "corpus",
    "scenarios": ["baseline"],
    "months": 12,
    "grid": {"casualties.monthly": [30000, 60000]},
    "samples": {"n": 2, "method": "sobol"},
    "keep": {"metrics": ["net_12m"]},
    "seed": 0,
    "chunk": 10,
}


def _spec(**changes) -> str:
    return yaml.safe_dump({**BASE, **changes}, sort_keys=False)


def _grid(axis) -> str:
    return _spec(grid={"casualties.monthly": axis})


def _without(key: str) -> str:
    return yaml.safe_dump({k: v for k, v in BASE.items() if k != key}, sort_keys=False)


_AXIS = "grid.casualties.monthly"
_LINSPACE = {"start": 30000, "stop": 60000, "num": 3}

#: case id -> (yaml text, the key the one-line error must name)
_CASES: dict[str, tuple[str, str]] = {
    "sweep-grid-unknown-key": (_spec(grid={"casualties.monthy": [1, 2]}), "grid.casualties.monthy"),
    "sweep-grid-choice-key": (_spec(grid={"mobilization.schedule": [1, 2]}), "grid.mobilization.schedule"),
    "sweep-grid-empty-axis": (_grid([]), _AXIS),
    "sweep-grid-nan": (_grid([30000, float("nan")]), f"{_AXIS}[1]"),
    "sweep-grid-inf": (_grid([float("inf")]), f"{_AXIS}[0]"),
    "sweep-grid-minus-inf": (_grid([30000, float("-inf")]), f"{_AXIS}[1]"),
    "sweep-grid-huge-int": (_grid([10**400]), f"{_AXIS}[0]"),
    "sweep-grid-int-beyond-1e15": (_grid([30000, 10**23]), f"{_AXIS}[1]"),
    "sweep-grid-bool": (_grid([True, 30000]), f"{_AXIS}[0]"),
    "sweep-grid-nested-list": (_grid([[30000, 60000]]), f"{_AXIS}[0]"),
    "sweep-grid-string-value": (_grid(["lots"]), f"{_AXIS}[0]"),
    "sweep-grid-null-value": (_grid([None]), f"{_AXIS}[0]"),
    "sweep-grid-scalar-axis": (_grid(30000), _AXIS),
    "sweep-grid-negative-value": (_grid([30000, -5]), _AXIS),
    "sweep-grid-linspace-num-zero": (_grid({**_LINSPACE, "num": 0}), f"{_AXIS}.num"),
    "sweep-grid-linspace-num-bool": (_grid({**_LINSPACE, "num": True}), f"{_AXIS}.num"),
    "sweep-grid-linspace-num-huge": (_grid({**_LINSPACE, "num": 10**9}), f"{_AXIS}.num"),
    "sweep-grid-linspace-start-nan": (_grid({**_LINSPACE, "start": float("nan")}), f"{_AXIS}.start"),
    "sweep-grid-linspace-missing-stop": (_grid({"start": 1, "num": 3}), f"{_AXIS}.stop"),
    "sweep-grid-linspace-unknown-field": (_grid({**_LINSPACE, "step": 5}), f"{_AXIS}.step"),
    "sweep-grid-too-many-points": (_spec(grid={k: {"start": 0.1, "stop": 0.2, "num": 1000} for k in
                                               ("desertion.rate", "volunteer.signups", "casualties.monthly")}),
                                   "grid"),
    "sweep-scenario-unknown": (_spec(scenarios=["nonesuch"]), "scenarios[0]"),
    "sweep-scenarios-empty": (_spec(scenarios=[]), "scenarios"),
    "sweep-scenarios-duplicate": (_spec(scenarios=["baseline", "baseline"]), "scenarios"),
    "sweep-keep-unknown-metric": (_spec(keep={"metrics": ["front_middle"]}), "keep.metrics.front_middle"),
    "sweep-keep-per-source-series": (_spec(keep={"series": ["front"]}), "keep.series.front"),
    "sweep-keep-nothing": (_spec(keep={"metrics": [], "series": []}), "keep"),
    "sweep-keep-parameters-text": (_spec(keep={"metrics": ["net_12m"], "parameters": "yes"}), "keep.parameters"),
    "sweep-keep-parameters-number": (_spec(keep={"metrics": ["net_12m"], "parameters": 1}), "keep.parameters"),
    "sweep-samples-zero": (_spec(samples={"n": 0}), "samples.n"),
    "sweep-samples-float": (_spec(samples={"n": 2.5}), "samples.n"),
    "sweep-samples-unknown-method": (_spec(samples={"n": 5, "method": "halton"}), "samples.method"),
    "sweep-samples-sobol-beyond-2-30": (_spec(samples={"n": 2**31, "method": "sobol"}, chunk=100_000), "samples"),
    "sweep-samples-vary-unknown": (_spec(samples={"n": 2, "vary": ["nonesuch"]}), "samples.vary.nonesuch"),
    "sweep-samples-vary-fixed": (_spec(samples={"n": 2, "vary": ["pool_initial.dprk"]}),
                                 "samples.vary.pool_initial.dprk"),
    "sweep-unknown-field": (_spec(chunks=5), "chunks"),
    "sweep-chunk-zero": (_spec(chunk=0), "chunk"),
    "sweep-chunk-beyond-memory": (_spec(chunk=10**8), "chunk"),
    "sweep-too-many-chunks": (_spec(samples={"n": 10**9, "method": "random"}, chunk=1), "chunk"),
    "sweep-months-zero": (_spec(months=0), "months"),
    "sweep-months-fraction": (_spec(months=12.5), "months"),
    "sweep-months-beyond-limit": (_spec(months=5000), "months"),
    "sweep-dt-zero": (_spec(dt=0), "dt"),
    "sweep-dt-negative": (_spec(dt=-0.25), "dt"),
    "sweep-dt-not-dividing-a-month": (_spec(dt=0.3), "dt"),
    "sweep-dt-tiny": (_spec(dt=1e-6), "dt"),
    "sweep-dt-beyond-limit": (_spec(dt=1 / 2048), "dt"),
    "sweep-dt-nan": (_spec(dt=float("nan")), "dt"),
    "sweep-dt-bool": (_spec(dt=True), "dt"),
    # Refused by a run's own checks (the first chunk's), named as the spec's: no store is left.
    "sweep-dt-too-long-for-the-rates": (_spec(dt=0.5), "dt"),
    "sweep-grid-conversion-share-one": (_spec(grid={"conscription.conversion_share": [0.5, 1.0]}),
                                        "grid.conscription.conversion_share"),
    "sweep-grid-growth-overflows": (_spec(grid={"casualties.growth_rate": [0.5]}, months=600),
                                    "grid.casualties.growth_rate"),
    "sweep-grid-federal-payment-negative": (_spec(grid={"pay.federal_change": [-1e9]}), "grid.pay.federal_change"),
    "sweep-start-not-a-month": (_spec(start="Dec 2024"), "start"),
    "sweep-start-year-0": (_spec(start="0000-01"), "start"),
    "sweep-seed-negative": (_spec(seed=-1), "seed"),
    "sweep-seed-huge": (_spec(seed=2**70), "seed"),
    "sweep-seed-fraction": (_spec(seed=1.5), "seed"),
    "sweep-prior-text": (_spec(prior="yes"), "prior"),
    "sweep-name-a-path": (_spec(name="../elsewhere"), "name"),
    "sweep-name-missing": (_without("name"), "name"),
    "sweep-top-level-list": ("- name: corpus\n", "(file)"),
}

CASES: list[tuple[str, str]] = [(case_id, text) for case_id, (text, _) in _CASES.items()]
KEYS: dict[str, str] = {case_id: key for case_id, (_, key) in _CASES.items()}


def check_case(tmp_path: Path, case_id: str, text: str) -> None:
    """Run ``manpower sweep`` on the case: status 2, one stderr line naming the file and key, no store."""
    from model.cli import main

    path = tmp_path / f"{case_id}.yaml"
    path.write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    err = io.StringIO()
    # A grid value outside its plausible range is a warning line, as on the command line (not pytest's error).
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("always", OutOfRangeWarning)
        status = main(["sweep", str(path), "--out", str(store), "--no-progress"])
    lines = [line for line in err.getvalue().splitlines() if not line.startswith("manpower: warning: ")]
    assert status == 2, f"{case_id}: status {status}, stderr {err.getvalue()!r}"
    assert len(lines) == 1, f"{case_id}: expected one line on stderr, got {lines!r}"
    assert path.name in lines[0] and KEYS[case_id] in lines[0], f"{case_id}: {lines[0]!r} names neither"
    assert not store.exists(), f"{case_id}: a store folder was left behind"
