"""The engine's contract: what a model hands the integrator, and the shape of every array they exchange.

Shaped like :mod:`scipy.integrate._ivp`: a model is a :class:`System`, its
structure as data (:class:`model.core.stockflow.Structure`) plus two compiled
kernels with fixed signatures, and the integrator (:func:`model.engine.integrate`)
needs nothing else. Arrays hold a block of runs on their last axis.

``rates(state, factors, step, dt, per_run, per_subscript, schedules, series, mode, out, unallocated, scratch)``
    Fill ``out[flow, subscript, run]`` with every flow's rate (persons/month)
    for the stocks ``state[stock, subscript, run]`` (persons) in step ``step``
    of ``dt`` months. ``factors[i, run]`` are the system's exponential factors
    at the time the rates are for (see below); ``per_run[k, run]``,
    ``per_subscript[k, subscript, run]``, ``schedules[k, step]`` and
    ``series[k, month, run]`` (a value per run and month, or one shared by all
    runs when the run axis has length 1) are the model's coefficients, laid out
    as it pleases (the engine only slices their run axis); ``mode`` is a
    model-defined switch. Demand that finds nobody to
    fall on goes to ``unallocated[run]`` (persons/month), which the engine
    records as the shortfall of :attr:`Structure.shortfall_stock`. Only cells
    along each flow's subscript run are read; ``out`` arrives zeroed once.
    ``scratch[k, run]`` (:attr:`System.n_scratch` rows, contents undefined on entry) is the kernel's working space,
    so that it need allocate nothing and can be compiled with :data:`VIEWS_ONLY`.
``factors(per_run, t, out)``
    Fill ``out[i, run]`` with ``exp(r_i · t)`` for the model's growth rates
    ``r_i`` (1/month) at ``t`` months. The engine computes them exactly at the
    start of each month and carries them through the month's steps by
    multiplication, which costs far less than an exponential per run and step.

Integration methods (:mod:`model.engine.methods`) share one signature too, so a
new method is one new file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numba import types

from ..core.stockflow import Structure
from .compiling import watch
from .trajectory import Observations, Trajectory  # noqa: F401 (part of the contract)

#: Options of every compiled kernel: cached on disk; numpy's error model (no zero-division checks, so
#: loops over runs vectorize). No fast math: it lets the compiler fuse and reorder operations
#: differently in vectorized and scalar loops, and a run's numbers must not depend on its block.
KERNEL = {"cache": True, "nogil": True, "error_model": "numpy"}
#: Options of a kernel that allocates nothing and takes views of its arrays in its inner loops (a row of ``rates``
#: per flow and source): without numba's reference counting (``_nrt``), taking a view costs no atomic increment
#: and decrement of its array's count (about 1,000 views per block and step; with the lanes inlined, the
#: integration on one thread took 10-15% less time). Such a kernel cannot allocate (numba refuses to compile it if
#: it tries): it works in the arrays it is given.
VIEWS_ONLY = {**KERNEL, "_nrt": False}
watch()  # every kernel module imports this one before numba compiles its kernels: a first run says it compiles

_F = types.float64
#: ``state[stock, subscript, run]`` and ``rates[flow, subscript, run]`` (C-contiguous).
ARRAY3 = _F[:, :, ::1]
#: ``per_run[k, run]``, ``factors[i, run]``, ``schedules[k, step]``.
ARRAY2 = _F[:, ::1]
#: One number per run.
ARRAY1 = _F[::1]

#: Signature of a system's rate kernel (see the module docstring).
RATES = types.void(ARRAY3, ARRAY2, types.int64, _F, ARRAY2, ARRAY3, ARRAY2, ARRAY3, types.int64, ARRAY3, ARRAY1,
                   ARRAY2)
#: Signature of a system's exponential-factor kernel.
FACTORS = types.void(ARRAY2, _F, ARRAY2)
#: The rate kernel as a first-class function type: the integrator calls whichever kernel it is given, and the
#: compiled integrator stays cached on disk because its type is the signature, not the function.
RATES_FUNCTION = types.FunctionType(RATES)
FACTORS_FUNCTION = types.FunctionType(FACTORS)
#: Stock, flow and subscript positions of a :class:`Plan`.
INDEX = types.int64[::1]
#: Signature of an integration method's kernel (:mod:`model.engine.methods`):
#: ``step_rates(rates, state, k1, factors, growth, step, dt, per_run, per_subscript, schedules, series, mode,
#: origin, target, lo, hi, work_flows, work_stocks, work_runs, work_factors)`` replaces the Euler rates ``k1``
#: (the system's rates at the step's start, persons/month) by the method's rates for the step, which the
#: integrator then limits and applies. ``growth[0]`` and ``growth[1]`` are the factors' growth over half a step
#: and a whole step; ``work_flows (3, n_flows, n_subscript, block)``, ``work_stocks (2, n_stocks, n_subscript,
#: block)``, ``work_runs (2 + n_scratch, block)`` and ``work_factors (n_factors, block)`` are scratch space (rows 2 on
#: of ``work_runs`` are the rate kernel's ``scratch``). The method
#: sets ``work_runs[1, run]`` to 1 where it took its own step and to 0 where it fell back to Euler's.
METHOD = types.void(RATES_FUNCTION, ARRAY3, ARRAY3, ARRAY2, ARRAY3, types.int64, _F, ARRAY2, ARRAY3, ARRAY2,
                    ARRAY3, types.int64, INDEX, INDEX, INDEX, INDEX, _F[:, :, :, ::1], _F[:, :, :, ::1], ARRAY2, ARRAY2)
METHOD_FUNCTION = types.FunctionType(METHOD)


@dataclass(frozen=True)
class Coefficients:
    """A model's coefficients for a batch of runs, in the layout its rate kernel reads.

    Attributes
    ----------
    per_run : ndarray, shape (k, n)
    per_subscript : ndarray, shape (k, len(subscript), n)
    schedules : ndarray, shape (k, n_steps)
        Values on the step grid, shared by all runs.
    series : ndarray, shape (k, months, n) or (k, months, 1)
        Values per month and run (a run axis of length 1: shared by all runs).
    mode : int
        A switch the rate kernel reads (its meaning is the model's).
    """

    per_run: np.ndarray
    per_subscript: np.ndarray
    schedules: np.ndarray
    series: np.ndarray
    mode: int

    @property
    def n(self) -> int:
        """Runs in the batch."""
        return self.per_run.shape[-1]


@dataclass(frozen=True)
class System:
    """A model the engine can integrate: its structure as data and its two compiled kernels.

    Attributes
    ----------
    structure : Structure
    rates : numba dispatcher compiled for :data:`RATES`
    factors : numba dispatcher compiled for :data:`FACTORS`
    n_factors : int
        Rows of the ``factors`` array (growth rates the model carries).
    n_scratch : int
        Rows of the rate kernel's ``scratch`` array.
    """

    structure: Structure
    rates: object
    factors: object
    n_factors: int
    n_scratch: int = 0

    @cached_property
    def plan(self) -> Plan:
        return Plan.of(self.structure)


def _padded_lists(lists: list[list[int]]) -> np.ndarray:
    table = -np.ones((len(lists), max(1, max(len(x) for x in lists))), dtype=np.int64)
    for k, items in enumerate(lists):
        table[k, :len(items)] = items
    return table


def _cell_table(cells: list[list[list[tuple[int, float]]]]) -> tuple[np.ndarray, np.ndarray]:
    """Lists of (flow, sign) per stock and subscript as a table of flows padded with -1 and one of their signs."""
    width = max(1, max(len(cell) for stock in cells for cell in stock))
    flows = -np.ones((len(cells), len(cells[0]) if cells else 0, width), dtype=np.int64)
    signs = np.zeros(flows.shape)
    for k, stock in enumerate(cells):
        for s, cell in enumerate(stock):
            flows[k, s, :len(cell)] = [i for i, _ in cell]
            signs[k, s, :len(cell)] = [g for _, g in cell]
    return flows, signs


@dataclass(frozen=True)
class Plan:
    """A structure as the index arrays the compiled loop reads (stocks, flows and subscript by position).

    Attributes
    ----------
    origin, target : ndarray of int, shape (n_flows,)
        Stock each flow drains and fills; -1 for outside the model or a sink.
    lo, hi : ndarray of int, shape (n_flows,)
        Subscript rows each flow runs along, ``lo:hi``.
    outflows, inflows : ndarray of int, shape (n_stocks, m)
        Flows out of and into each stock, padded with -1.
    is_demand : ndarray of int, shape (n_flows,)
        1 for a demand flow (what it lacks is shortfall), 0 otherwise.
    limit_order : ndarray of int
        Stocks in the order the limiter settles them.
    demand_limited : ndarray of bool, shape (n_stocks, n_subscript)
        Cells with a demand outflow: the ones Euler must limit (RK4 limits every cell).
    shortfall_row : int
        Stock under which unallocated demand is recorded.
    moves, move_signs : ndarray, shape (n_stocks, n_subscript, m)
        For each stock's cell, the flows that move it, in flow order (padded with -1), and +1.0 for an inflow,
        -1.0 for an outflow: the integrator applies a step cell by cell, several flows per pass, in the same
        order (and so with the same rounding) as one flow after another.
    move_counts : ndarray of int, shape (n_stocks, n_subscript)
        How many flows move each cell.
    leaving, leaving_counts : ndarray of int, shapes (n_stocks, n_subscript, m) and (n_stocks, n_subscript)
        The flows out of each stock's cell, in flow order (padded with -1), and how many: what the limiter sums.
    """

    origin: np.ndarray
    target: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    outflows: np.ndarray
    inflows: np.ndarray
    is_demand: np.ndarray
    limit_order: np.ndarray
    demand_limited: np.ndarray
    shortfall_row: int
    moves: np.ndarray
    move_signs: np.ndarray
    move_counts: np.ndarray
    leaving: np.ndarray
    leaving_counts: np.ndarray

    @classmethod
    def of(cls, structure: Structure) -> Plan:
        index = {name: i for i, name in enumerate(structure.stocks)}
        flows = structure.flows
        origin = np.array([index.get(f.origin, -1) for f in flows], dtype=np.int64)
        target = np.array([index.get(f.target, -1) for f in flows], dtype=np.int64)
        rows = [structure.rows(f) for f in flows]
        # Flow by flow in the structure's order; a flow is taken from its origin before it is added to its target.
        moving = [[[(i, sign) for i in range(len(flows)) if rows[i].start <= s < rows[i].stop
                    for end, sign in ((origin[i], -1.0), (target[i], 1.0)) if end == k]
                   for s in range(len(structure.subscript))] for k in range(len(index))]
        moves, signs = _cell_table(moving)
        leaving, _ = _cell_table([[[move for move in cell if move[1] < 0] for cell in stock] for stock in moving])
        return cls(
            origin=origin, target=target,
            lo=np.array([r.start for r in rows], dtype=np.int64), hi=np.array([r.stop for r in rows], dtype=np.int64),
            outflows=_padded_lists([[i for i in range(len(flows)) if origin[i] == k] for k in range(len(index))]),
            inflows=_padded_lists([[i for i in range(len(flows)) if target[i] == k] for k in range(len(index))]),
            is_demand=np.array([f.demand for f in flows], dtype=np.int64),
            limit_order=np.array([index[s] for s in structure.limit_order], dtype=np.int64),
            demand_limited=np.array([[any(f.demand and value in f.sources for f in structure.flows_out_of(s))
                                      for value in structure.subscript] for s in structure.stocks]),
            shortfall_row=index.get(structure.shortfall_stock, 0),
            moves=moves, move_signs=signs, move_counts=(moves >= 0).sum(axis=2),
            leaving=leaving, leaving_counts=(leaving >= 0).sum(axis=2),
        )

