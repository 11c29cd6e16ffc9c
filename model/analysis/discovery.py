"""Scenario discovery: the boxes of parameter space in which an outcome of interest happens.

The inverse question of a Monte Carlo: not "how often does the force shrink?" but "under which assumptions
does it?". :func:`discover` takes the runs of :func:`model.uncertainty` (or of a sweep store), marks the runs
in which an outcome happens (:mod:`model.analysis.outcomes`) and runs PRIM, the patient rule induction method
(Friedman and Fisher 1999, https://doi.org/10.1023/A:1008894516817) as scenario discovery uses it (Bryant and
Lempert 2010, https://doi.org/10.1016/j.techfore.2009.08.002), in the implementation of the EMA Workbench
(``ema_workbench.analysis.prim``, Kwakkel 2017, https://doi.org/10.1016/j.envsoft.2017.06.054), an optional extra
(``pip install 'manpower-model[discover]'``) imported only here.

A box is a set of intervals, one per restricted parameter. Three numbers describe it:

- **coverage**: the share of the runs with the outcome that fall inside the box (how much of the outcome
  it explains);
- **density**: the share of the runs inside the box that have the outcome (how sure the outcome is there);
- **mass**: the share of all runs inside the box.

PRIM peels thin slices (``peel_alpha`` of the remaining runs) off the box's faces one at a time, each time the
slice whose removal raises the density most, then pastes back what helps: the *peeling trajectory* trades
coverage for density. The box kept is, of the boxes on the trajectory whose every restriction is significant (its
quasi-p value, the chance that restricting that parameter at random gives a box this dense, at most 0.05), the
one of highest coverage whose density reaches ``threshold`` (fewer restricted parameters breaking ties), else the
densest; the runs in it are set aside and PRIM looks for the next box in the rest, up to ``boxes`` boxes or
until a box falls short of the threshold. An outcome that many parameters each move a little has no box that
reaches the threshold with significant restrictions: the result then says so.

Only parameters that vary across the runs are candidate dimensions. Figures: :mod:`model.present.discovery`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import xarray as xr

from ..core.defaults import BASELINE
from ..core.numbers import fixed, percent
from ..errors import InputError
from ..inputs import limits
from ..inputs import spec as specs
from ..inputs.parameters import ParameterSet
from . import boxwords
from .arguments import as_params
from .casualty_dimensions import DIMENSIONS, casualty_path_dimensions
from .outcomes import Outcome, parse_outcome

#: Columns of a sweep's experiments table that number runs rather than describe them.
_RUN_NUMBERS = ("grid_point", "sample")
#: Quasi-p value (Bryant and Lempert 2010) above which a restriction is flagged as possibly chance.
SIGNIFICANT = 0.05
#: The most boxes one discovery looks for (each after the last: the later ones hold few runs).
MAX_BOXES = 20
#: Copies of the parameter table PRIM holds at once (the Workbench's own, its numeric view, a box's subsets).
_COPIES = 6
#: The extra that brings the EMA Workbench.
EXTRA = "pip install 'manpower-model[discover]'"


@dataclass(frozen=True)
class Restriction:
    """A box's interval on one parameter (canonical unit; ``None`` for a side left open)."""

    key: str
    label: str
    #: The kind of quantity (its canonical unit and how it reads); ``None`` for a column the model does not declare.
    kind: specs.Kind | None
    lower: float | None
    upper: float | None
    #: The larger quasi-p value of the restricted sides: the chance that a box this dense arises by restricting
    #: this parameter at random (small: the restriction matters).
    quasi_p: float

    @property
    def text(self) -> str:
        """The restriction in words, two significant figures, in the unit a reader expects."""
        return boxwords.condition(self.label, self.kind, self.lower, self.upper)


@dataclass(frozen=True)
class Box:
    """One box found by PRIM: its statistics over the runs it was found in, its restrictions, its sentence."""

    number: int
    coverage: float
    density: float
    mass: float
    runs: int
    restrictions: tuple[Restriction, ...]
    sentence: str
    #: The box's peeling trajectory (one row per step: coverage, density, mass, res_dim, n, k, quasi_p: the largest
    #: of its restrictions) and the step kept.
    trajectory: pd.DataFrame = field(repr=False)
    chosen: int = -1


@dataclass(frozen=True)
class Discovery:
    """What :func:`discover` found: the boxes, their sentences, and what they were found in."""

    outcome: str
    #: The outcome as a clause ("permanent losses exceed inflow in some month before June 2026").
    phrase: str
    threshold: float
    runs: int
    #: Share of all runs in which the outcome happens (the density before any box).
    share: float
    #: The candidate dimensions: the parameters that vary across the runs, and their labels.
    dimensions: Mapping[str, str]
    boxes: tuple[Box, ...]

    @property
    def sentences(self) -> list[str]:
        """One sentence per box, or one saying why there is none."""
        if self.boxes:
            return [box.sentence for box in self.boxes]
        opening = self.phrase[0].upper() + self.phrase[1:]
        if self.share in (0.0, 1.0):
            return [f"{opening} in {self.share:.0%} of runs: there is no region to find."]
        return [f"{opening} in {percent(self.share)} of runs, and no box of parameter space reaches a density of "
                f"{self.threshold:.0%}: the outcome is not confined to a simple region."]

    def to_dataframe(self) -> pd.DataFrame:
        """One row per box and restricted parameter: the box's statistics, the limits (canonical unit and as
        read), the quasi-p value."""
        rows = [{"box": box.number, "coverage": box.coverage, "density": box.density, "mass": box.mass,
                 "runs": box.runs, "parameter": r.key, "label": r.label, "lower": r.lower, "upper": r.upper,
                 "restriction": r.text, "quasi_p": r.quasi_p}
                for box in self.boxes for r in box.restrictions]
        columns = ["box", "coverage", "density", "mass", "runs", "parameter", "label", "lower", "upper",
                   "restriction", "quasi_p"]
        return pd.DataFrame(rows, columns=columns)

    def summary(self) -> str:
        """The result as text for a terminal: the outcome, each box's numbers and limits, the sentences."""
        lines = [f"Outcome {self.outcome}: {self.phrase} in {self.share:.1%} of {self.runs:,} runs; "
                 f"{len(self.dimensions)} parameters vary; density threshold {self.threshold:.0%}."]
        for box in self.boxes:
            lines.append(f"\nBox {box.number}: coverage {box.coverage:.2f}, density {box.density:.2f}, "
                         f"mass {box.mass:.2f} ({box.runs:,} runs), {len(box.restrictions)} restricted"
                         f"{'' if box.density >= self.threshold else ', below the density threshold'}")
            for r in box.restrictions:
                lines.append(f"  {r.key}: {_limit(r.lower)} .. {_limit(r.upper)} (quasi-p {r.quasi_p:.1g})   {r.text}")
        lines += ["", *self.sentences]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<Discovery {self.outcome!r}: {len(self.boxes)} boxes over {self.runs:,} runs, "
                f"outcome in {self.share:.1%}>")


def discover(result: xr.Dataset | pd.DataFrame, outcome: str | Outcome | np.ndarray, threshold: float = 0.8,
             parameters: xr.DataArray | pd.DataFrame | None = None, boxes: int = 2, peel_alpha: float = 0.05,
             mass_min: float = 0.05, labels: Mapping[str, str] | None = None,
             params: ParameterSet | str | None = None) -> Discovery:
    """Find the boxes of parameter space in which ``outcome`` happens.

    Parameters
    ----------
    result : xarray.Dataset or pandas.DataFrame
        The runs: a :func:`model.uncertainty` dataset (its sampled parameters are the dimensions), a sweep store
        (with ``parameters``: both from :func:`model.commands.discover.sweep_runs`, which also gives the store its
        start month for ``deficit_before``), or a table of parameter values, one row per run (with ``outcome``
        an array of booleans).
    outcome : str, Outcome or array of bool
        A named outcome (see :mod:`model.analysis.outcomes`: ``"deficit_before:2026-06"``,
        ``"front_below_start"``, ``"pool_exhausted:prisoner"``, ``"net_horizon<0"``), or one boolean per run.
    threshold : float
        The density (0 to 1) a box must reach to be kept.
    parameters : xarray.DataArray or pandas.DataFrame, optional
        Each run's parameter values, ``(run, parameter)`` in canonical units, when ``result`` does not hold them.
    boxes : int
        At most this many boxes, each found in the runs the boxes before it left.
    peel_alpha, mass_min : float
        PRIM's share of runs peeled per step, and the smallest share of all runs a box may hold.
    labels : mapping, optional
        Labels of the dimensions for sentences (default: from the registry's descriptions; else the column name).
    params : ParameterSet or str, optional
        The scenario a Monte Carlo ``result`` ran: with it, each run's casualty path under the fitted casualty
        process joins the dimensions (:mod:`model.analysis.casualty_dimensions`: its mean level and growth).

    Returns
    -------
    Discovery

    Notes
    -----
    PRIM's time grows about linearly with the runs: 20,000 runs of 80 parameters take about 15 s, 100,000 about
    45 s (one core). It holds several copies of the parameter table: a table that would not fit in memory is
    refused before it starts (:mod:`model.inputs.limits`).
    """
    limits.finite(threshold, "discover", "threshold")
    if not 0.0 < threshold <= 1.0:
        raise InputError("discover", "threshold", f"expected a density above 0 and at most 1, got {threshold:g}")
    limits.whole(boxes, "discover", "boxes", 1, MAX_BOXES)
    for name, value in (("peel_alpha", peel_alpha), ("mass_min", mass_min)):
        if not 0.0 < limits.finite(value, "discover", name) < 1.0:
            raise InputError("discover", name, f"expected a share between 0 and 1, got {value:g}")
    if params is not None and isinstance(result, xr.Dataset) and parameters is None:
        result = result.assign(casualty_path_dimensions(as_params(params, "discover"), result))
    x = parameter_table(result, parameters)
    limits.memory(_COPIES * x.size, "discover", "result", f"PRIM over {len(x):,} runs of {x.shape[1]} parameters")
    if isinstance(outcome, str):
        outcome = parse_outcome(outcome, "discover")
    y, text, phrase = _outcome_values(result, outcome, len(x))
    names = {key: _label(key, labels) for key in x.columns}
    share = float(y.mean()) if y.size else 0.0
    found: tuple[Box, ...] = ()
    if 0.0 < share < 1.0 and len(x.columns):
        found = _find_boxes(x, y, threshold, boxes, peel_alpha, mass_min, names, phrase)
    return Discovery(text, phrase, float(threshold), len(x), share, names, found)


def parameter_table(result: xr.Dataset | pd.DataFrame,
                    parameters: xr.DataArray | pd.DataFrame | None = None) -> pd.DataFrame:
    """Each run's value of every parameter that varies across the runs: one row per run, one float column per
    registry key (canonical unit). Columns that number runs (a sweep's grid point and sample) are left out."""
    if parameters is not None:
        table = _as_table(parameters)
    elif isinstance(result, pd.DataFrame):
        table = result
    elif "experiments" in result:
        table = _as_table(result["experiments"])
    else:
        table = pd.DataFrame({result[name].attrs["key"]: result[name].values for name in result.data_vars
                              if "key" in result[name].attrs and result[name].dims == ("run",)})
    runs = len(table) if isinstance(result, pd.DataFrame) or "run" not in result.dims else result.sizes["run"]
    if len(table) != runs:
        raise InputError("discover", "parameters", f"expected one row per run ({runs:,}), got {len(table):,}")
    table = table.drop(columns=[c for c in _RUN_NUMBERS if c in table.columns])
    numeric = table.select_dtypes("number").astype(float)
    varying = [c for c in numeric.columns if np.nanmax(numeric[c]) > np.nanmin(numeric[c])] if len(numeric) else []
    if not varying:
        raise InputError("discover", "parameters", "expected at least one parameter that varies across the runs "
                         "(a Monte Carlo's samples or a sweep's experiments)")
    return numeric[varying].reset_index(drop=True)


def _as_table(parameters: xr.DataArray | pd.DataFrame) -> pd.DataFrame:
    if isinstance(parameters, pd.DataFrame):
        return parameters
    array = parameters.transpose("run", "parameter")
    return pd.DataFrame(np.asarray(array.values, dtype=float), columns=[str(p) for p in array.parameter.values])


def _outcome_values(result, outcome: Outcome | np.ndarray, runs: int) -> tuple[np.ndarray, str, str]:
    """The outcome per run, its text and its phrase."""
    if isinstance(outcome, Outcome):
        if isinstance(result, pd.DataFrame):
            raise InputError("discover", "outcome", "expected one boolean per run with a table of parameters")
        return outcome.evaluate(result, "discover"), outcome.text, outcome.phrase
    values = np.asarray(outcome)
    if values.shape != (runs,) or values.dtype != bool:
        raise InputError("discover", "outcome", f"expected a named outcome or one boolean per run ({runs:,}), got "
                         f"an array of {values.dtype} and shape {values.shape}")
    return values, "given", "the outcome happens"


def kind_of(key: str) -> specs.Kind | None:
    """The kind of quantity of a dimension: a registry parameter's, a casualty-path dimension's, else ``None``."""
    if key in specs.BY_KEY:
        return specs.BY_KEY[key].kind
    return DIMENSIONS[key][0] if key in DIMENSIONS else None


def _label(key: str, labels: Mapping[str, str] | None) -> str:
    if labels is not None and key in labels:
        return labels[key]
    description = _registry_descriptions().get(key) or (DIMENSIONS[key][1] if key in DIMENSIONS else None)
    return boxwords.label(description, key) if description else key


@lru_cache(maxsize=1)
def _registry_descriptions() -> dict[str, str]:
    """Every parameter's registry description (the same text in every scenario)."""
    from ..inputs.parameters import load_params

    params = load_params(BASELINE, prior=True)
    return {key: params[key].entry.description for key in params}


def prim_module():
    """The EMA Workbench's PRIM module (an optional extra), imported without the notices it prints on import
    about other optional packages (ipyparallel, altair) that PRIM does not use."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="ipyparallel not installed")
            warnings.filterwarnings("ignore", message="altair based interactive")
            from ema_workbench.analysis import prim
    except ImportError:
        raise InputError("discover", "ema_workbench", f"expected the EMA Workbench for PRIM: {EXTRA}") from None
    return prim


def _find_boxes(x: pd.DataFrame, y: np.ndarray, threshold: float, boxes: int, peel_alpha: float,
                mass_min: float, names: Mapping[str, str], phrase: str) -> tuple[Box, ...]:
    prim = prim_module()
    found = []
    with warnings.catch_warnings():
        # The Workbench still uses pandas idioms pandas 3 deprecates; they are its to change, not ours.
        warnings.filterwarnings("ignore", module=r"ema_workbench\.")
        finder = prim.Prim(x, y.astype(int), threshold=threshold, peel_alpha=peel_alpha, mass_min=mass_min)
        for number in range(1, boxes + 1):
            box = finder.find_box()
            if box is None:
                break
            trajectory = box.peeling_trajectory.reset_index(drop=True).copy()
            trajectory["quasi_p"] = [max((p for sides in qp.values() for p in sides if p >= 0), default=np.nan)
                                     for qp in box.qp]
            chosen = _pick(trajectory, threshold)
            if chosen is None:
                break
            box.select(chosen)
            found.append(_box(number, box, finder, trajectory, chosen, names, phrase))
            if not found[-1].density >= threshold:
                break  # the rest of the runs hold no box worth the name either
    return tuple(found)


def _pick(trajectory: pd.DataFrame, threshold: float) -> int | None:
    """The step of the trajectory to keep: of the boxes whose every restriction is significant (quasi-p at most
    :data:`SIGNIFICANT`: not a restriction a box this dense could have by chance, Bryant and Lempert 2010), the one
    of highest coverage (fewest restrictions breaking ties) among those whose density reaches ``threshold``; if
    none does, the densest. ``None`` if no box has only significant restrictions."""
    significant = trajectory[(trajectory.res_dim > 0) & (trajectory.quasi_p <= SIGNIFICANT)]
    if significant.empty:
        return None
    dense = significant[significant.density >= threshold]
    if dense.empty:
        return int(significant.density.idxmax())
    return int(dense.sort_values(["coverage", "res_dim"], ascending=[False, True]).index[0])


def _box(number: int, box, finder, trajectory: pd.DataFrame, step: int, names: Mapping[str, str],
         phrase: str) -> Box:
    """A :class:`Box` from the Workbench's box at ``step`` of its ``trajectory`` (coverage and mass over all runs,
    density over the runs in the box)."""
    limits_, initial = box.box_lims[step], finder.box_init
    restrictions = []
    for key in map(str, initial.columns):
        low, high = float(limits_[key].iloc[0]), float(limits_[key].iloc[1])
        lower = low if low > float(initial[key].iloc[0]) else None
        upper = high if high < float(initial[key].iloc[1]) else None
        if lower is None and upper is None:
            continue
        quasi = [p for p in box.qp[step].get(key, []) if p >= 0]
        restrictions.append(Restriction(key, names[key], kind_of(key), lower, upper,
                                        max(quasi) if quasi else float("nan")))
    restrictions.sort(key=lambda r: r.quasi_p)
    row = trajectory.loc[step]
    coverage, density, mass = float(row.coverage), float(row.density), float(row.mass)
    sentence = boxwords.sentence(phrase, density, coverage, mass, [r.text for r in restrictions], number)
    return Box(number, coverage, density, mass, int(row.n), tuple(restrictions), sentence, trajectory, step)


def _limit(value: float | None) -> str:
    """A box's limit in the parameter's canonical unit, four significant figures with thousands separators; a dash
    for an open side."""
    return "-" if value is None else fixed(value, 4)
