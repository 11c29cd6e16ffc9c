"""Sweep specifications: which runs a sweep makes, and each run's parameters.

A spec (YAML) names scenarios, a grid over named parameters, a number of
random or quasi-random samples of the other uncertain parameters at every grid
point, the outputs to keep and a seed::

    name: casualties_vs_signups
    scenarios: [baseline, high_intensity]
    grid:
      casualties.monthly: [30000, 45000, 60000]
      volunteer.signups: {start: 20000, stop: 40000, num: 5}
    samples: {n: 200, method: sobol}      # sobol | random | lhs
    keep:
      metrics: [net_12m, net_horizon, front_end, first_deficit_month]
      series: [front_total, net]
    seed: 0
    chunk: 20000                          # runs per chunk (speed and memory, never the numbers)

Runs are numbered scenario by scenario, grid point by grid point, sample by
sample. Sample ``j`` uses row ``j`` of the scenario's unit cube at every grid
point (common random numbers), and that row is generated from the seed and
``j`` alone (Sobol ``fast_forward``, Philox counters), so a run's parameters,
and hence its numbers, do not depend on the chunk size or the backend.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import warnings
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field
from scipy.stats import qmc

from .errors import InputError
from .parameters import ParameterSet, load_params
from .paths import display
from .registry import _Strict, parse_file
from .results import OUTPUTS
from .sampling import distribution, uncertain_keys
from .simulate import DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START

#: Per-run summary metrics a sweep can keep (see :func:`model.sweeps.metrics`).
METRICS = ("net_12m", "net_horizon", "front_start", "front_end", "front_change", "first_deficit_month",
           "shortfall")
#: Largest Latin hypercube (samples x dimensions) held in memory; beyond it use sobol or random.
MAX_LHS_CELLS = 50_000_000


class Linspace(_Strict):
    start: float
    stop: float
    num: int = Field(ge=1)


class Samples(_Strict):
    n: int = Field(default=1, ge=1)
    method: Literal["sobol", "random", "lhs"] = "sobol"
    vary: list[str] | None = None


class Keep(_Strict):
    metrics: list[str] = ["net_12m", "net_horizon", "front_end", "front_change", "first_deficit_month"]
    series: list[str] = []


class SpecFile(_Strict):
    name: str
    scenarios: list[str] = ["baseline"]
    months: int = Field(default=DEFAULT_MONTHS, ge=1)
    dt: float = DEFAULT_DT
    start: str = DEFAULT_START
    grid: dict[str, list[float] | Linspace] = {}
    samples: Samples = Samples()
    keep: Keep = Keep()
    seed: int = Field(default=0, ge=0)
    chunk: int = Field(default=20_000, ge=1)


@dataclass(frozen=True)
class Chunk:
    """A block of consecutive runs of one scenario: global runs ``[first, first + size)``."""

    index: int
    scenario: int
    first: int
    offset: int  # index of the first run within its scenario
    size: int


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep specification and the layout of its runs."""

    spec: SpecFile
    where: str

    @classmethod
    def load(cls, path: str | Path) -> SweepSpec:
        path = Path(path)
        where = display(path)
        spec = parse_file(path, SpecFile)
        return cls.validated(spec, where)

    @classmethod
    def validated(cls, spec: SpecFile, where: str = "spec") -> SweepSpec:
        for i, name in enumerate(spec.scenarios):
            try:
                load_params(name)
            except InputError as exc:
                raise InputError(where, f"scenarios[{i}]", exc.expected) from None
        baseline = load_params(spec.scenarios[0]) if spec.scenarios else None
        if baseline is None:
            raise InputError(where, "scenarios", "expected at least one scenario")
        for key in spec.grid:
            if key not in baseline or not baseline[key].spec.numeric:
                raise InputError(where, f"grid.{key}", "expected a numeric parameter key (see `manpower params`)")
        for key in spec.samples.vary or ():
            if key not in baseline:
                raise InputError(where, f"samples.vary.{key}", "unknown parameter")
        for name in spec.keep.metrics:
            if name not in METRICS:
                raise InputError(where, f"keep.metrics.{name}", f"expected one of {', '.join(METRICS)}")
        for name in spec.keep.series:
            if name not in OUTPUTS or OUTPUTS[name].per_source:
                totals = [k for k, o in OUTPUTS.items() if not o.per_source and o.kind != "special"]
                raise InputError(where, f"keep.series.{name}", f"expected one of {', '.join(totals)}")
        if not spec.keep.metrics and not spec.keep.series:
            raise InputError(where, "keep", "expected at least one metric or series to keep")
        self = cls(spec, where)
        for s in range(len(spec.scenarios)):
            if spec.samples.method == "lhs" and spec.samples.n * len(self.varied(s)) > MAX_LHS_CELLS:
                raise InputError(where, "samples.method", "expected sobol or random for a sample this large")
        return self

    @cached_property
    def digest(self) -> str:
        """Hash of everything that decides the numbers (not the chunk size)."""
        blob = self.spec.model_dump(exclude={"chunk"})
        return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()[:16]

    @cached_property
    def grid_points(self) -> list[dict[str, float]]:
        axes = []
        for key, axis in self.spec.grid.items():
            values = np.linspace(axis.start, axis.stop, axis.num) if isinstance(axis, Linspace) else axis
            axes.append([(key, float(v)) for v in values])
        return [dict(point) for point in itertools.product(*axes)] if axes else [{}]

    @cached_property
    def _scenario_params(self) -> list[ParameterSet]:
        return [load_params(name) for name in self.spec.scenarios]

    def params(self, scenario: int) -> ParameterSet:
        return self._scenario_params[scenario]

    def varied(self, scenario: int) -> list[str]:
        """Keys sampled in ``scenario``: the uncertain ones (or ``samples.vary``) not on the grid."""
        params = self.params(scenario)
        keys = self.spec.samples.vary if self.spec.samples.vary is not None else uncertain_keys(params)
        return [k for k in keys if k not in self.spec.grid]

    @property
    def runs_per_scenario(self) -> int:
        return len(self.grid_points) * self.spec.samples.n

    @property
    def n_runs(self) -> int:
        return len(self.spec.scenarios) * self.runs_per_scenario

    def chunks(self, size: int | None = None) -> list[Chunk]:
        """The sweep cut into chunks of at most ``size`` runs (default: the spec's), none across scenarios."""
        size = size or self.spec.chunk
        chunks, per = [], self.runs_per_scenario
        for s in range(len(self.spec.scenarios)):
            for offset in range(0, per, size):
                chunks.append(Chunk(len(chunks), s, s * per + offset, offset, min(size, per - offset)))
        return chunks

    def unit_rows(self, scenario: int, first: int, stop: int) -> np.ndarray:
        """Rows ``first..stop`` of the scenario's unit cube, shape ``(stop - first, d)``."""
        d = len(self.varied(scenario))
        sequence = np.random.SeedSequence(self.spec.seed, spawn_key=(scenario,))
        method = self.spec.samples.method
        if d == 0:
            return np.zeros((stop - first, 0))
        if method == "sobol":
            engine = qmc.Sobol(d=d, scramble=True, rng=np.random.default_rng(sequence))
            if first:
                engine.fast_forward(first)
            with warnings.catch_warnings():
                # A segment of the sequence need not be a power of 2 long: the balance that scipy warns
                # about belongs to the whole sample, which the sweep draws segment by segment.
                warnings.filterwarnings("ignore", "The balance properties of Sobol", UserWarning)
                return engine.random(stop - first)
        if method == "random":
            per_row = -(-d // 4) * 4  # Philox yields 4 numbers per counter step: each row starts on a step
            key = sequence.generate_state(2, dtype=np.uint64)
            counter = np.array([first * (per_row // 4), 0, 0, 0], dtype=np.uint64)
            rng = np.random.Generator(np.random.Philox(key=key, counter=counter))
            return rng.random((stop - first) * per_row).reshape(stop - first, per_row)[:, :d]
        cube = qmc.LatinHypercube(d=d, rng=np.random.default_rng(sequence)).random(self.spec.samples.n)
        return cube[first:stop]

    def chunk_params(self, chunk: Chunk) -> tuple[ParameterSet, dict[str, np.ndarray]]:
        """The batch of parameter sets of a chunk, and the experiments table (varied values by key)."""
        params = self.params(chunk.scenario)
        n = self.spec.samples.n
        local = np.arange(chunk.offset, chunk.offset + chunk.size)
        point, sample = local // n, local % n
        table: dict[str, np.ndarray] = {"grid_point": point.astype(float), "sample": sample.astype(float)}
        for key in self.spec.grid:
            table[key] = np.array([self.grid_points[g][key] for g in point])
        keys = self.varied(chunk.scenario)
        if keys:
            if n <= chunk.size:  # every sample appears: generate them all once and index
                rows = self.unit_rows(chunk.scenario, 0, n)[sample]
            else:  # at most two grid points, each a run of consecutive samples
                breaks = np.flatnonzero(np.diff(point)) + 1
                rows = np.concatenate([self.unit_rows(chunk.scenario, int(part[0]), int(part[-1]) + 1)
                                       for part in np.split(sample, breaks)])
            for i, key in enumerate(keys):
                table[key] = distribution(params[key]).ppf(rows[:, i])
        values = {k: v for k, v in table.items() if k not in ("grid_point", "sample")}
        return params.with_values(values, where=self.where), table
