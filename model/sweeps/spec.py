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
      parameters: false                   # true: store every run's parameter values too (float32)
    seed: 0
    chunk: 20000                          # runs per chunk (speed and memory, never the numbers)
    prior: false                          # true: ignore the stored posterior (the registry's ranges alone)

Everything is checked when the spec is loaded, before a store is made: a grid
axis is a non-empty list of finite numbers or ``{start, stop, num}``, each of
its values a valid value of its parameter in every scenario, and the sweep
small enough to run in bounded memory (:data:`~model.sweeps.specfile.MAX_GRID_POINTS`,
:data:`MAX_CHUNKS`, :data:`MAX_CHUNK_RUN_MONTHS`, and the chunks in flight
together within :func:`model.inputs.limits.memory_limit`, checked again when the
sweep starts and its workers are known); ``months``, ``dt``, ``start`` and
``seed`` take the limits every run takes (:mod:`model.inputs.limits`). A grid value outside its
parameter's plausible range is allowed, with one
:class:`~model.inputs.provenance.OutOfRangeWarning` when the spec is loaded (not one
per chunk). In each run's parameters a grid value is an override set by
``"sweep grid in FILE"`` (it changes the scenario, and its label says so), a
sampled value a ``"sample"`` draw (it keeps its registered source). Unless ``prior: true``, the keys a
scenario takes from the stored posterior (:mod:`model.inputs.posterior`) are drawn as whole posterior rows
(the cube's last column picks the row), like a Monte Carlo's; a grid key is never drawn.

Runs are numbered scenario by scenario, grid point by grid point, sample by
sample. Sample ``j`` uses row ``j`` of the scenario's unit cube at every grid
point (common random numbers), and that row is generated from the seed and
``j`` alone (Sobol ``fast_forward``, Philox counters), so a run's parameters,
and hence its numbers, do not depend on the chunk size or the backend.

The file's schema is :mod:`model.sweeps.specfile`; the metrics a sweep can keep are
:data:`model.sweeps.metrics.METRICS`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import warnings
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..inputs import limits
from ..errors import InputError
from ..inputs.parameters import ParameterSet, load_params
from ..inputs.paths import display
from ..inputs.provenance import SEARCH, OutOfRangeWarning
from ..inputs.schema import parse_file
from ..inputs.spec import unknown_parameter
from ..inputs.streams import RunStream, path_stream
from ..dynamics.casualty_paths import REPLACED_BY_PROCESS, process_fitted
from ..results.outputs import OUTPUTS
from ..analysis import sampler
from ..analysis.sampling import columns, drawn_values, uncertain_keys, with_drawn
from .metrics import METRICS
from .specfile import MAX_GRID_POINTS, MAX_LHS_CELLS, SpecFile, grid_axis


#: Most chunks a sweep may have (the chunk layout is held in memory, one file each on disk).
MAX_CHUNKS = 1_000_000
#: Memory of one run-month of a chunk at its peak, bytes: about 170 were measured (36 and 120 months, two
#: series kept); 256 leaves a margin.
BYTES_PER_RUN_MONTH = 256
#: Most runs x (months + 1) in one chunk: about 4 GiB at :data:`BYTES_PER_RUN_MONTH`; lower ``chunk`` for
#: longer horizons. The chunks in flight together must also fit :func:`model.inputs.limits.memory_limit`.
MAX_CHUNK_RUN_MONTHS = 16_000_000


def grid_origin(where: str) -> str:
    """Who set a grid value, as provenance and range warnings name it: ``"sweep grid in FILE"``."""
    return f"sweep grid in {where}"


@dataclass(frozen=True)
class Part:
    """The runs of one scenario in a chunk: global runs ``[first, first + size)``, runs ``offset..`` of the
    scenario; one :func:`model.simulate` call."""

    scenario: int
    first: int
    offset: int  # index of the first run within its scenario
    size: int


@dataclass(frozen=True)
class Chunk:
    """A block of consecutive runs ``[first, first + size)`` of the whole sweep: one region of the store.

    Chunk ``k`` holds runs ``k * chunk`` onwards, so each chunk is one chunk of
    the store's arrays along ``run``; a chunk across a scenario boundary runs
    as one part per scenario (:class:`Part`).
    """

    index: int
    first: int
    size: int
    parts: tuple[Part, ...]


def layout(scenarios: int, per_scenario: int, size: int) -> list[Chunk]:
    """``scenarios`` blocks of ``per_scenario`` runs cut into chunks of ``size`` runs (the last may be shorter)."""
    runs = scenarios * per_scenario
    chunks = []
    for index, first in enumerate(range(0, runs, size)):
        stop = min(first + size, runs)
        parts = []
        for s in range(first // per_scenario, (stop - 1) // per_scenario + 1):
            a, b = max(first, s * per_scenario), min(stop, (s + 1) * per_scenario)
            parts.append(Part(s, a, a - s * per_scenario, b - a))
        chunks.append(Chunk(index, first, stop - first, tuple(parts)))
    return chunks


def _check_keys(params: ParameterSet, spec: SpecFile, axes: dict[str, np.ndarray], where: str) -> list[str]:
    """Grid and sampled keys exist in the scenario ``params``, and every grid value is valid there.

    Returns the :class:`~model.inputs.provenance.OutOfRangeWarning` lines of the grid
    values outside their plausible range, for the caller to warn once.
    """
    lines = []
    for key, values in axes.items():
        if key not in params or not params[key].spec.numeric:
            raise InputError(where, f"grid.{key}", "expected a numeric parameter key (see `manpower params`)")
        try:  # kind "search" only to collect the range warnings here rather than have them raised per scenario
            checked = params.with_values({key: values}, where=grid_origin(where), kind=SEARCH)
        except InputError as exc:
            raise InputError(where, f"grid.{key}", f"{exc.expected} (scenario {params.scenario})") from None
        lines.append(checked[key].range_warning())
    varied = uncertain_keys(params)
    for key in spec.samples.vary or ():
        if key not in params:
            raise unknown_parameter(where, key, f"samples.vary.{key}")
        if key in REPLACED_BY_PROCESS and process_fitted(params) and key not in axes:
            raise InputError(where, f"samples.vary.{key}", f"expected no {key} under casualties.process = fitted "
                             f"(scenario {params.scenario}): each run's casualty path already carries its uncertainty")
        if key not in varied and key not in axes:
            raise InputError(where, f"samples.vary.{key}", f"expected a parameter with a plausible range to "
                             f"sample, set inside it (scenario {params.scenario}); see `manpower params --key {key}`")
    return [line for line in lines if line]


def check_horizon(spec: SpecFile, where: str) -> None:
    """The spec's ``months``, ``dt``, ``start`` and ``seed`` within the limits every run has
    (:mod:`model.inputs.limits`)."""
    limits.months(spec.months, where)
    limits.step(spec.dt, where)
    limits.month(spec.start, where)
    limits.seed(spec.seed, where)


def check_chunk_memory(spec: SpecFile, in_flight: int, where: str) -> None:
    """Refuse chunks that, ``in_flight`` at a time, would take more than :func:`model.inputs.limits.memory_limit`."""
    run_months = in_flight * spec.chunk * (spec.months + 1)
    limits.memory(run_months * BYTES_PER_RUN_MONTH / 8, where, "chunk",  # limits.memory counts 8-byte numbers
                  f"{in_flight:,} chunk(s) in flight of {spec.chunk:,} runs x {spec.months + 1:,} months")


def _check_size(spec: SpecFile, points: int, where: str) -> None:
    """Refuse, before anything is allocated, a sweep whose layout or chunks would not fit in memory."""
    runs = len(spec.scenarios) * points * spec.samples.n
    chunks = -(-runs // spec.chunk)
    if chunks > MAX_CHUNKS:
        raise InputError(where, "chunk", f"expected at most {MAX_CHUNKS:,} chunks, got {chunks:,} ({runs:,} runs "
                         f"in chunks of {spec.chunk:,}); raise chunk or make fewer runs")
    if spec.chunk * (spec.months + 1) > MAX_CHUNK_RUN_MONTHS:
        raise InputError(where, "chunk", f"expected chunk x (months + 1) <= {MAX_CHUNK_RUN_MONTHS:,} run-months "
                         f"(about 4 GiB of memory per chunk), got {spec.chunk:,} x {spec.months + 1:,}")
    check_chunk_memory(spec, 1, where)


def sweep_digest(identity: dict[str, Any]) -> str:
    """The sweep digest of an :attr:`SweepSpec.identity` (as a store's manifest holds it too)."""
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]


def spec_digest(spec: SpecFile) -> str:
    """A hash of what in a spec decides the numbers: the ``spec`` of :attr:`SweepSpec.identity`."""
    # Not its chunk size; nor ``prior`` when false (the stores made before it existed keep their digest).
    blob = json.dumps(spec.model_dump(exclude={"chunk"} | (set() if spec.prior else {"prior"})), sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep specification and the layout of its runs."""

    spec: SpecFile
    where: str

    @classmethod
    def load(cls, path: str | Path, keep_parameters: bool = False) -> SweepSpec:
        """The spec in the YAML file ``path``, validated; ``keep_parameters`` sets ``keep.parameters``."""
        path = Path(path)
        spec = parse_file(path, SpecFile)
        if keep_parameters:
            spec = spec.model_copy(update={"keep": spec.keep.model_copy(update={"parameters": True})})
        return cls.validated(spec, display(path))

    @classmethod
    def validated(cls, spec: SpecFile, where: str = "spec") -> SweepSpec:
        check_horizon(spec, where)
        if len(set(spec.scenarios)) != len(spec.scenarios):
            raise InputError(where, "scenarios", f"expected each scenario once, got {spec.scenarios}")
        scenarios = []
        for i, name in enumerate(spec.scenarios):
            try:
                scenarios.append(load_params(name, prior=spec.prior))
            except InputError as exc:
                raise InputError(where, f"scenarios[{i}]", exc.expected) from None
        axes = {key: grid_axis(where, key, raw) for key, raw in spec.grid.items()}
        points = math.prod(len(values) for values in axes.values())
        if points > MAX_GRID_POINTS:
            raise InputError(where, "grid", f"expected at most {MAX_GRID_POINTS:,} grid points, got {points:,}")
        # A grid value outside its plausible range is a person's choice, warned about once for the sweep
        # (once per distinct line: scenarios sharing a range share it), never again per chunk.
        lines = [line for params in scenarios for line in _check_keys(params, spec, axes, where)]
        for name in spec.keep.metrics:
            if name not in METRICS:
                raise InputError(where, f"keep.metrics.{name}", f"expected one of {', '.join(METRICS)}")
        for name in spec.keep.series:
            if name not in OUTPUTS or OUTPUTS[name].per_source:
                totals = [k for k, o in OUTPUTS.items() if not o.per_source and o.kind != "special"]
                raise InputError(where, f"keep.series.{name}", f"expected one of {', '.join(totals)}")
        if not spec.keep.metrics and not spec.keep.series:
            raise InputError(where, "keep", "expected at least one metric or series to keep")
        _check_size(spec, points, where)
        self = cls(spec, where)
        self.__dict__.update(_scenario_params=scenarios, axes=axes)  # the cached properties, computed above
        for s in range(len(spec.scenarios)):
            if spec.samples.method == "lhs" and spec.samples.n * len(self.varied(s)) > MAX_LHS_CELLS:
                raise InputError(where, "samples.method", "expected sobol or random for a sample this large")
        for line in dict.fromkeys(lines):  # a spec refused above is not warned about as well
            warnings.warn(line, OutOfRangeWarning, stacklevel=3)
        return self

    @cached_property
    def identity(self) -> dict[str, Any]:
        """What decides the numbers: the spec (not its chunk size), each scenario's parameters, the model."""
        identity = {"spec": spec_digest(self.spec),
                    "parameters": {name: self.params(s).digest() for s, name in enumerate(self.spec.scenarios)},
                    "model_version": __version__}
        posteriors = {name: self.params(s).posterior.meta.draws_digest[:16]
                      for s, name in enumerate(self.spec.scenarios) if self.params(s).posterior is not None}
        if posteriors:  # the draws a run's calibrated values come from (a store made without one keeps its digest)
            identity["posterior"] = posteriors
        return identity

    @cached_property
    def digest(self) -> str:
        """The sweep digest: a hash of :attr:`identity`; a store holds the runs of one digest only."""
        return sweep_digest(self.identity)

    @cached_property
    def axes(self) -> dict[str, np.ndarray]:
        """The values of each grid axis."""
        return {key: grid_axis(self.where, key, raw) for key, raw in self.spec.grid.items()}

    @cached_property
    def grid_points(self) -> list[dict[str, float]]:
        axes = [[(key, float(v)) for v in values] for key, values in self.axes.items()]
        return [dict(point) for point in itertools.product(*axes)] if axes else [{}]

    @cached_property
    def _scenario_params(self) -> list[ParameterSet]:
        return [load_params(name, prior=self.spec.prior) for name in self.spec.scenarios]

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
        """The sweep cut into chunks of ``size`` runs (default: the spec's); see :class:`Chunk`."""
        return layout(len(self.spec.scenarios), self.runs_per_scenario, size or self.spec.chunk)

    def unit_rows(self, scenario: int, first: int, stop: int) -> np.ndarray:
        """Rows ``first..stop`` of the scenario's unit cube, shape ``(stop - first, d)``: stream ``scenario`` of
        the seed in :func:`model.analysis.sampler.rows`."""
        return sampler.rows(self.spec.samples.method, columns(self.params(scenario), self.varied(scenario)),
                            sampler.stream(self.spec.seed, scenario), first, stop, size=self.spec.samples.n)

    def chunk_params(self, part: Part | Chunk) -> tuple[ParameterSet, dict[str, np.ndarray]]:
        """The batch of parameter sets of a chunk's part (or of a chunk within one scenario), and its
        experiments table: :meth:`run_params`."""
        if isinstance(part, Chunk):
            if len(part.parts) != 1:
                raise ValueError(f"chunk {part.index} spans {len(part.parts)} scenarios: give one of its parts")
            part = part.parts[0]
        return self.run_params(part.scenario, np.arange(part.offset, part.offset + part.size))

    def run_params(self, scenario: int, local: np.ndarray) -> tuple[ParameterSet, dict[str, np.ndarray]]:
        """The batch of parameter sets of runs ``local`` (indices within ``scenario``, any order), and the
        experiments table (grid point, sample and the varied values, by key).

        A run's values depend on its scenario and index alone, so any selection of runs gets the values a
        sweep ran, bit for bit (:func:`model.sweeps.store.store_parameters` relies on it). Grid values are
        recorded as overrides set by :func:`grid_origin` (they change the scenario and count in its label),
        sampled values as ``"sample"`` draws (they keep their registered source).
        """
        params = self.params(scenario)
        n = self.spec.samples.n
        local = np.asarray(local, dtype=np.int64)
        point, sample = local // n, local % n
        table: dict[str, np.ndarray] = {"grid_point": point.astype(float), "sample": sample.astype(float)}
        for key, values in self._grid_columns.items():
            table[key] = values[point]
        keys = self.varied(scenario)
        if keys:
            prior, posterior = drawn_values(params, keys, self._sample_rows(scenario, sample))
            table.update(prior | posterior)
        grid = {key: table[key] for key in self.spec.grid}
        with warnings.catch_warnings():  # a grid value out of range was warned about when the spec was loaded
            warnings.filterwarnings("ignore", category=OutOfRangeWarning)
            batch = params.with_values(grid, where=grid_origin(self.where)) if grid else params
        if keys:
            method = self.spec.samples.method
            batch = with_drawn(batch, prior, posterior,
                               f"sweep sample (method={method}, seed={self.spec.seed}) in {self.where}")
        if n > 1:  # a run's own draws (its casualty path) sit at its sample's index: every grid point sees the same
            batch = replace(batch, stream=RunStream(path_stream(self.spec.seed, scenario), sample))
        return batch, table

    @cached_property
    def _grid_columns(self) -> dict[str, np.ndarray]:
        """Each grid key's value at every grid point (the product of the axes, last axis fastest)."""
        return {key: np.array([point[key] for point in self.grid_points]) for key in self.spec.grid}

    def _sample_rows(self, scenario: int, sample: np.ndarray) -> np.ndarray:
        """Rows ``sample`` of the scenario's unit cube: the whole design indexed when the samples cover it (or
        a Latin hypercube, drawn whole anyway), else each stretch of consecutive samples drawn once."""
        n = self.spec.samples.n
        if len(sample) >= n or self.spec.samples.method == "lhs":
            return self.unit_rows(scenario, 0, n)[sample]
        wanted = np.unique(sample)
        stretches = np.split(wanted, np.flatnonzero(np.diff(wanted) != 1) + 1)
        rows = np.concatenate([self.unit_rows(scenario, int(s[0]), int(s[-1]) + 1) for s in stretches])
        return rows[np.searchsorted(wanted, sample)]
