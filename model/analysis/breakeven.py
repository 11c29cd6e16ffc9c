"""Break-even: the value of one parameter at which the force just holds, found by root finding.

Two targets:

``"front"``
    front strength at the end of the horizon equals its strength at the start;
``"net"``
    recruitment over the horizon equals permanent losses over it (net balance zero).

The root is bracketed (from the parameter's plausible range outwards) and then
narrowed by grids: each round runs up to :data:`GRID` candidate values of every
break-even being solved as one batch on the lean path
(:func:`model.results.lean.simulate_arrays`) and keeps the pair of neighbours
between which the sign changes. Rounds alternate between a grid spread evenly
over the pair and a grid of half-tolerance steps aimed at the pair's linear
interpolation, which holds the root after one even round on every scenario so far; an aimed grid
that misses still narrows the pair, and the next round is even again. The search stops when the pair is at most
the tolerance apart; the answer is the linear interpolation between them. Break-evens of the same parameter set
(:func:`solve_many`, the two columns of :func:`model.analysis.comparison.comparison_table`) share the batches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.defaults import BREAKEVEN_TARGETS, DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START
from ..errors import InputError
from ..inputs.parameters import ParameterSet
from ..inputs.spec import unknown_parameter
from ..results.lean import simulate_arrays
from .arguments import as_params

TARGETS = BREAKEVEN_TARGETS


#: What each target means, in words.
GOALS = {"front": "front strength at the horizon equals today's",
         "net": "recruitment equals permanent losses over the horizon"}


@dataclass(frozen=True)
class BreakEven:
    """The answer: ``value`` of ``lever`` (canonical ``unit``) against its ``current`` value.

    ``value`` is NaN when no break-even exists within the searched ``bracket``;
    ``evaluations`` counts the runs the search took, ``batches`` the batched runs of the model they were part of
    (shared with the break-evens solved alongside, :func:`solve_many`).
    """

    lever: str
    target: str
    value: float
    current: float
    unit: str
    bracket: tuple[float, float]
    evaluations: int
    batches: int = 0

    @property
    def gap(self) -> float:
        """How far the lever must move from its current value (canonical unit)."""
        return self.value - self.current

    def __str__(self) -> str:
        goal = GOALS[self.target]
        if np.isnan(self.value):
            return (f"{self.lever}: no break-even ({goal}) between {self.bracket[0]:,.6g} and "
                    f"{self.bracket[1]:,.6g} {self.unit}")
        return (f"{self.lever}: {self.value:,.6g} {self.unit} makes {goal} "
                f"(now {self.current:,.6g}; gap {self.gap:+,.6g} {self.unit}; {self.evaluations} runs in "
                f"{self.batches} batches)")

    def __repr__(self) -> str:
        return f"<BreakEven {self}>"

    def to_dataframe(self) -> pd.DataFrame:
        """One row indexed by ``lever``: target, value, current, gap, unit, bracket ends, evaluations, batches."""
        return pd.DataFrame([{"lever": self.lever, "target": self.target, "value": self.value,
                              "current": self.current, "gap": self.gap, "unit": self.unit,
                              "bracket_low": self.bracket[0], "bracket_high": self.bracket[1],
                              "evaluations": self.evaluations, "batches": self.batches}]).set_index("lever")


#: Candidate values a round of the search runs per break-even (one batch for all of them): an even round narrows
#: the bracket by a factor ``GRID - 1``; an aimed round holds a root within ``GRID / 4`` tolerances of its guess.
GRID = 128

#: Doublings of the bracket's upper end tried when the plausible range holds no break-even.
WIDENINGS = 12

#: The output each target reads.
OUTCOME = {"front": "front_total", "net": "net"}


def balance(params: ParameterSet, target: str, months: int, dt: float, start: str,
            integrator: str = "euler") -> np.ndarray:
    """How far the force is from holding (persons), one value per run: front change, or cumulative net balance.

    A single parameter set gives an array of one value.
    """
    values = simulate_arrays(params, months, dt, start, integrator, [OUTCOME[target]])[OUTCOME[target]]
    return _distance(target, values)


def _distance(target: str, values: np.ndarray) -> np.ndarray:
    """The target's distance from holding, from its output (time x run): front change, or net balance summed."""
    if target == "front":
        return values[-1] - values[0]
    return values[:-1].sum(axis=0)  # the last month holds the end state: no flow


@dataclass
class _Search:
    """One break-even being solved: its lever, target, the bracket searched and the pair that holds the root."""

    lever: str
    target: str
    current: float
    unit: str
    xtol: float
    low: float
    high: float
    maximum: float | None
    evaluations: int = 0
    batches: int = 0
    gap_low: float = float("nan")  # the gaps at ``low`` and ``high`` (the first bracket's)
    gap_high: float = float("nan")
    pair: tuple[float, float, float, float] | None = None  # a, b, gap at a, gap at b, signs apart
    root: float | None = None
    aim: bool = True  # the next grid aims at the pair's interpolation (else it spreads evenly over the pair)

    def answer(self) -> BreakEven:
        value = float("nan") if self.root is None else self.root
        return BreakEven(self.lever, self.target, value, self.current, self.unit, (self.low, self.high),
                         self.evaluations, self.batches)

    @property
    def narrowing(self) -> bool:
        return self.root is None and self.pair is not None

    def next_grid(self) -> np.ndarray:
        """The next round's candidates, the pair's ends first and last: spread evenly over the pair, or aimed at its
        linear interpolation in steps of half the tolerance; an aimed grid that misses is followed by an even one."""
        a, b, ga, gb = self.pair
        aim, self.aim = self.aim, not self.aim
        if not aim:
            return np.linspace(a, b, GRID)
        steps = self.xtol / 2.0 * np.arange(-(GRID // 2 - 1), GRID // 2 - 1)
        aimed = a - ga * (b - a) / (gb - ga) + steps
        return np.concatenate([[a], aimed[(aimed > a) & (aimed < b)], [b]])

    def narrow(self, xs: np.ndarray, gaps: np.ndarray) -> None:
        """Keep the first neighbours of the grid ``xs`` (gaps ``gaps``) between which the sign changes."""
        exact = np.flatnonzero(gaps == 0.0)
        if exact.size:
            self.root, self.pair = float(xs[exact[0]]), None
            return
        i = int(np.flatnonzero(np.sign(gaps[:-1]) != np.sign(gaps[1:]))[0])
        self.pair = (float(xs[i]), float(xs[i + 1]), float(gaps[i]), float(gaps[i + 1]))
        a, b, ga, gb = self.pair
        if b - a <= self.xtol:
            self.root, self.pair = float(np.clip(a - ga * (b - a) / (gb - ga), a, b)), None


def solve(params: ParameterSet | str, lever: str, target: str = "front", months: int = DEFAULT_MONTHS,
          dt: float = DEFAULT_DT, start: str | None = DEFAULT_START, tolerance: float = 1e-6,
          integrator: str = "euler") -> BreakEven:
    """Find the value of ``lever`` at which the force holds (see the module docstring); ``model.breakeven``.

    Parameters
    ----------
    params : ParameterSet or str
        A single parameter set (no batch), or a scenario name.
    lever : str
        A numeric registry key, e.g. ``"volunteer.signups"`` or ``"casualties.monthly"``.
    target : {"front", "net"}
    months, dt, start, integrator
        As :func:`model.simulate`.
    tolerance : float
        Tolerance on the lever's value, relative to the scale of its plausible range: the answer lies within
        ``tolerance`` x that scale of a sign change of the target's distance from holding.
    """
    return solve_many(params, [(lever, target)], months, dt, start, tolerance, integrator)[0]


def solve_many(params: ParameterSet | str, problems: list[tuple[str, str]], months: int = DEFAULT_MONTHS,
               dt: float = DEFAULT_DT, start: str | None = DEFAULT_START, tolerance: float = 1e-6,
               integrator: str = "euler") -> list[BreakEven]:
    """:func:`solve` for several ``(lever, target)`` pairs of one parameter set, their candidates run together."""
    params = as_params(params, "breakeven")
    searches = [_search(params, lever, target, tolerance) for lever, target in problems]
    settings = {"months": months, "dt": dt, "start": start, "integrator": integrator}
    grids = [np.linspace(s.low, s.high, GRID) for s in searches]
    for s, xs, gaps in zip(searches, grids, _run(params, searches, grids, settings)):
        s.gap_low, s.gap_high = float(gaps[0]), float(gaps[-1])
        if np.sign(gaps[0]) != np.sign(gaps[-1]):
            s.narrow(xs, gaps)
    _widen(params, [s for s in searches if s.root is None and s.pair is None], settings)
    while any(s.narrowing for s in searches):
        active = [s for s in searches if s.narrowing]
        grids = [s.next_grid() for s in active]
        inner = _run(params, active, [xs[1:-1] for xs in grids], settings)
        for s, xs, gaps in zip(active, grids, inner):
            s.narrow(xs, np.concatenate([[s.pair[2]], gaps, [s.pair[3]]]))
    return [s.answer() for s in searches]


def _search(params: ParameterSet, lever: str, target: str, tolerance: float) -> _Search:
    """The search for one break-even, its arguments checked, its first bracket set from the plausible range."""
    if lever not in params:
        raise unknown_parameter("breakeven", lever, at="lever")
    if not params[lever].spec.numeric:
        raise InputError("breakeven", "lever", f"expected a numeric parameter, not a schedule or a choice, "
                                               f"got {lever!r}")
    if target not in TARGETS:
        raise InputError("breakeven", "target", f"expected one of {', '.join(TARGETS)}, got {target!r}")
    if params.batch_size:
        raise InputError("breakeven", "params", "expected a single parameter set, not a batch")
    parameter = params[lever]
    kind = parameter.spec.kind
    current = float(parameter.value)
    lowest = kind.minimum if kind.minimum is not None else min(parameter.low, -abs(parameter.high))
    if kind.positive:
        lowest = max(parameter.low / 10.0, 1e-9)
    high = max(parameter.high, current, 1.0)
    if kind.maximum is not None:
        high = min(high, kind.maximum)
    # Tolerance on the scale of the plausible range, not of the current value (which an override may set to 1e15).
    scale = max(parameter.high - parameter.low, abs(parameter.low), abs(parameter.high), 1.0)
    return _Search(lever, target, current, parameter.unit, tolerance * scale, lowest, high, kind.maximum)


def _widen(params: ParameterSet, searches: list[_Search], settings: dict) -> None:
    """Double the upper end of each bracket holding no sign change, up to :data:`WIDENINGS` times, until one does.

    A value the model refuses (e.g. more initial troops of one source than the whole force) ends the widening,
    as does the lever's largest allowed value.
    """
    tried = [(s, _doublings(s)) for s in searches]
    tried = [(s, xs) for s, xs in tried if len(xs)]  # a lever at its largest allowed value: nothing to try
    if not tried:
        return
    searches, ends = [s for s, _ in tried], [xs for _, xs in tried]
    try:
        results = _run(params, searches, ends, settings)
    except InputError:  # some value is refused: each search's gaps up to its first refused value, run by run
        results = [_until_refused(params, s, xs, settings) for s, xs in zip(searches, ends)]
    for s, xs, gaps in zip(searches, ends, results):
        changed = np.flatnonzero(np.sign(gaps) != np.sign(s.gap_low))
        if changed.size:  # the sign changes within the last doubling: narrow that (no root before it, bar pairs)
            i = changed[0]
            before = (s.high, s.gap_high) if i == 0 else (float(xs[i - 1]), float(gaps[i - 1]))
            s.high = float(xs[i])
            s.pair, s.aim = (before[0], s.high, before[1], float(gaps[i])), False
        elif len(gaps):
            s.high = float(xs[len(gaps) - 1])


def _doublings(search: _Search) -> np.ndarray:
    """The upper ends the widening tries: the bracket's end doubled, again and again, while below the maximum."""
    ends, high = [], search.high
    for _ in range(WIDENINGS):
        if search.maximum is not None and high >= search.maximum:
            break
        high *= 2.0
        ends.append(high)
    return np.array(ends)


def _until_refused(params: ParameterSet, search: _Search, xs: np.ndarray, settings: dict) -> np.ndarray:
    """The gaps at ``xs``, run one by one, up to the first value the model refuses."""
    gaps = []
    for x in xs:
        try:
            gaps.append(float(_run(params, [search], [np.array([x])], settings)[0][0]))
        except InputError:
            break
    return np.array(gaps)


def _run(params: ParameterSet, searches: list[_Search], candidates: list[np.ndarray], settings: dict
         ) -> list[np.ndarray]:
    """Each search's gaps at its ``candidates``, every candidate of every search one run of a single batch.

    A run sets one search's lever to one candidate; every other lever keeps its value.
    """
    sizes = [len(xs) for xs in candidates]
    ends = np.cumsum([0] + sizes)
    levers = {}
    for s, xs, first, last in zip(searches, candidates, ends[:-1], ends[1:]):
        if s.lever not in levers:
            levers[s.lever] = np.full(ends[-1], float(params.value(s.lever)))
        levers[s.lever][first:last] = xs
    batch = params.with_values(levers, where="breakeven", kind="search")
    targets = list(dict.fromkeys(OUTCOME[s.target] for s in searches))
    outputs = simulate_arrays(batch, variables=targets, **settings)
    gaps = []
    for s, first, last in zip(searches, ends[:-1], ends[1:]):
        s.evaluations += int(last - first)
        s.batches += 1
        gaps.append(_distance(s.target, outputs[OUTCOME[s.target]][:, first:last]))
    return gaps
