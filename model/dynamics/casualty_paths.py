"""The casualty shock of every month and run: how the fitted casualty process enters the equations.

The exogenous casualty level is ``casualties.monthly · exp(casualties.growth_rate · t) · shock``
(:mod:`model.dynamics.description`). Under ``casualties.process = trend`` the shock is 1. Under
``fitted`` it makes the level follow the casualty process fitted to the record
(:func:`model.series.stored.load_process`):

- in a month the record covers, the recorded count itself: :func:`recorded_events` adds the record's months
  in the run's window to ``casualties.recorded`` (those it does not already cover), so the level there is the
  record whatever a scenario sets, as in a hindcast;
- after the record, a path of the process: each run of a drawn batch its own (drawn at the run's index in
  the batch's :class:`~model.inputs.streams.RunStream`), every other run the process's median path, divided
  by the baseline's value of ``casualties.monthly`` (:func:`reference_level`);
- before the record begins, 1 (the level as the registry sets it).

So a set that keeps the baseline's ``casualties.monthly`` and a growth rate of 0 follows the process exactly
(at the start of each month; the growth rate's factor moves within it), and a scenario that sets
``casualties.monthly`` 20% higher scales every path by 1.2: a shift of the process, stated as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..engine.parallel import in_parallel
from ..errors import InputError
from ..inputs.parameters import LEVEL_KEY, ParameterSet
from ..inputs.registry import Event
from ..inputs.streams import RunStream
from ..series.base import Mixture
from ..series.paths import draw_paths
from ..series.stored import load_process

#: Paths whose month-by-month median is the process's central path (deterministic: seed 0).
CENTRAL_PATHS = 4000
#: Keys whose uncertainty the process's paths carry: a Monte Carlo leaves them at their value.
REPLACED_BY_PROCESS = (LEVEL_KEY, "casualties.growth_rate")


def process_fitted(params: ParameterSet) -> bool:
    """Whether the casualty level follows the fitted process (``casualties.process = fitted``)."""
    return params.value("casualties.process") == "fitted"


def casualty_shocks(params: ParameterSet, start: str, months: int) -> np.ndarray:
    """The shock of each month (rows) and run (columns; one column when shared by all runs), dimensionless."""
    if not process_fitted(params):
        return np.ones((months, 1))
    record, process = load_process(params.folder)
    reference = reference_level(params)
    calendar = pd.period_range(pd.Period(start, freq="M"), periods=months, freq="M")
    after = calendar > process.end
    shared = np.ones(months)  # in the record's months the level is the record (recorded_events); before it, 1
    count = int(after.sum())
    if count == 0:
        return shared[:, None]
    opening = str(calendar[after][0])
    # The kernel grows the level by exp(g t) from the run's start; the added trend counts from the record's end.
    growth = np.asarray(params.value("casualties.growth_rate"), dtype=float)
    realign = np.exp(growth * (pd.Period(start, freq="M") - process.end).n)
    stream = params.stream
    if stream is None:
        shared[after] = central_path(process, opening, count) / reference
        out = shared[:, None] * np.ones((1, realign.size))  # one column, or one per run when g varies by run
        out[after] *= realign
        return out
    if len(stream.index) != (params.batch_size or 1):
        raise InputError("simulate", "params", f"expected one stream index per run ({params.batch_size or 1}), got "
                                               f"{len(stream.index)}: a drawn batch was resized")
    out = np.repeat(shared[:, None], len(stream.index), axis=1)
    out[after] = _paths_at(process, opening, count, stream).T / reference * realign
    return out


def _paths_at(process: Mixture, opening: str, months: int, stream: RunStream) -> np.ndarray:
    """The paths at the stream's indices, shape ``(n, months)``: each stretch of consecutive indices drawn once."""
    index = np.asarray(stream.index)
    if index.size and np.array_equal(index, np.arange(index[0], index[0] + index.size)):  # a whole batch, in order
        return _consecutive_paths(process, opening, months, index.size, stream.sequence, int(index[0]))
    unique = np.unique(index)
    stretches = np.split(unique, np.flatnonzero(np.diff(unique) != 1) + 1)
    drawn = np.concatenate([draw_paths(process, opening, months, len(s), stream.sequence, first=int(s[0]))
                            for s in stretches])
    return drawn[np.searchsorted(unique, stream.index)]


#: Paths drawn per call of :func:`~model.series.paths.draw_paths`: its working arrays (the shocks of every path and
#: month, about 40 numbers a path) then stay in the cache and in memory already mapped, where 100,000 paths at once
#: took a fresh 90 MB and several passes over it.
PATH_CHUNK = 8192


def _consecutive_paths(process: Mixture, opening: str, months: int, n: int, sequence, first: int) -> np.ndarray:
    """Paths ``first .. first + n`` of ``sequence``, shape ``(n, months)``, drawn in chunks of :data:`PATH_CHUNK` on
    the engine's threads (:func:`~model.engine.parallel.in_parallel`; numpy and scipy release the GIL in their
    loops). A path depends only on the seed, its index and the month (:mod:`model.series.paths`), so the numbers
    are those of one call."""
    if n <= PATH_CHUNK:
        return draw_paths(process, opening, months, n, sequence, first=first)
    out = np.empty((n, months))

    def chunks(first_chunk: int, last_chunk: int) -> None:
        for start in range(first_chunk * PATH_CHUNK, min(last_chunk * PATH_CHUNK, n), PATH_CHUNK):
            size = min(PATH_CHUNK, n - start)
            out[start:start + size] = draw_paths(process, opening, months, size, sequence, first=first + start)

    in_parallel(chunks, -(-n // PATH_CHUNK))
    return out


def recorded_events(params: ParameterSet, start: str, months: int) -> list[Event]:
    """``casualties.recorded``, plus, under the fitted process, each month of the record in the run's window
    that it does not cover (one event per month, its recorded count)."""
    events = list(params.value("casualties.recorded"))
    if not process_fitted(params):
        return events
    record, _ = load_process(params.folder)
    calendar = pd.period_range(pd.Period(start, freq="M"), periods=months, freq="M")
    covered = {pd.Period(e.start, freq="M") + k for e in events for k in range(int(np.ceil(e.months)))}
    series = record.to_series()
    return events + [Event(start=str(m), size=float(series[m]), months=1.0)
                     for m in calendar if m in series.index and m not in covered]


def reference_level(params: ParameterSet) -> float:
    """The baseline scenario's ``casualties.monthly`` (persons/month) that ``params`` carries from its loading (its
    own value for a set built otherwise): a scenario's own value is a shift of the process relative to it."""
    return float(params.baseline_level if params.baseline_level is not None else params[LEVEL_KEY].entry.value)


def central_path(process: Mixture, start: str, months: int) -> np.ndarray:
    """The process's median path from ``start``, persons per month (the median of each month over
    :data:`CENTRAL_PATHS` paths drawn with seed 0)."""
    key = (id(process), start, months)
    if key not in _CENTRAL:
        if len(_CENTRAL) > 32:
            _CENTRAL.clear()
        _CENTRAL[key] = (process, np.median(draw_paths(process, start, months, CENTRAL_PATHS, seed=0), axis=0))
    return _CENTRAL[key][1].copy()


#: Central paths by (process, start, months); the process is kept so that its id stays its own.
_CENTRAL: dict[tuple[int, str, int], tuple[Mixture, np.ndarray]] = {}


def describe(params: ParameterSet) -> str:
    """One line for a result's attributes: how the casualty level of ``params`` moves, and from which fit."""
    if not process_fitted(params):
        return "trend: casualties.monthly grown at casualties.growth_rate (casualties.process = trend)"
    record, process = load_process(params.folder)
    parts = ", ".join(f"{f.spec} {w:.3f}" for f, w in zip(process.fits, process.weights))
    runs = ("each run its own path, drawn at its index in the batch's path stream" if params.stream is not None
            else f"the median path of {CENTRAL_PATHS} paths drawn with seed 0")
    return (f"fitted: the record, then the casualty process ({parts}) fitted to {record.name} through "
            f"{record.end} (params/observed/casualty_process.yaml); {runs}; scaled by casualties.monthly over the "
            f"baseline's {reference_level(params):,.0f}, with casualties.growth_rate added")
