"""Forecast skill measured: rolling-origin backtests of every registered series (issue 12, item 4).

At each forecast origin ``T`` (every ``every`` months from ``first_origin`` to ``last_origin``; by default
every three months from 2023-06 to 2024-06), each forecaster of each series
(:func:`model.calibration.forecasters.registry`) is given only the points published by ``T``
(:meth:`~model.calibration.forecasters.Observed.known_at`), refits on them and draws ``n`` predictive paths
of the ``max(horizons)`` months after ``T``. Every month the record reaches is scored against its draws
(:func:`model.series.backtest.score`): CRPS (``scoringrules``, persons per month, lower is better), whether
the central 50% and 90% bands cover it, the error of the median, the bands' widths. The table gives, for
each series, forecaster and horizon, the mean scores at that horizon (``"6"``) and over months 1 to ``h``
pooled (``"1-6"``), and each forecaster's CRPS as a ratio to each benchmark's on the same points (below 1:
better). Nothing after the record's end exists, so a horizon past it is scored from the origins that reach.

>>> import model
>>> result = model.backtest()
>>> result.table           # series, forecaster, horizon -> n, crps, cover50, cover90, bias, widths, ratios
>>> result.targets         # each target: the number, what is wanted, met or not

Paths at an origin use their own seed (the seed and the origin's month), the same for every forecaster
(common random numbers make the ratios less noisy), and do not depend on the other origins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..inputs import limits
from ..series.backtest import score
from .forecasters import BacktestSeries, registry

FIRST_ORIGIN, LAST_ORIGIN, EVERY, HORIZONS = "2023-06", "2024-06", 3, (3, 6, 12)
#: Predictive paths per forecast.
N_PATHS = 2000
_WHERE = "backtest"
_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
_MEASURES = ("crps", "cover50", "cover90", "bias", "width50", "width90")


@dataclass(frozen=True)
class Backtest:
    """A backtest's results.

    Attributes
    ----------
    scores : pandas.DataFrame
        One row per series, forecaster, origin and month scored: ``horizon`` (months after the origin),
        ``observed``, ``median``, ``crps``, ``cover50``, ``cover90``, ``error`` (median - observed), ``width50``,
        ``width90`` (persons per month where not a flag).
    forecasts : pandas.DataFrame
        Predictive quantiles (``q05`` ... ``q95``) of every forecast month, scored or not, by series,
        forecaster, origin and month (what the figure draws).
    table : pandas.DataFrame
        By series, forecaster and horizon: ``n`` points, mean ``crps``, coverage ``cover50`` and ``cover90``,
        ``bias`` (mean error of the median), mean ``width50`` and ``width90``, and ``crps_vs_<benchmark>``.
    targets : pandas.DataFrame
        One row per series and target: the statement, the measure's ``value``, what is ``wanted``, ``met``.
    origins : list of pandas.Period
        The forecast origins.
    observed : dict[str, pandas.Series]
        Each series' values (persons per month by month), as the backtest scored them.
    settings : dict
        Horizons, paths, seed, and each series' publication assumption and notes.
    """

    scores: pd.DataFrame
    forecasts: pd.DataFrame
    table: pd.DataFrame
    targets: pd.DataFrame
    origins: list
    observed: dict
    settings: dict

    def __repr__(self) -> str:
        met = int(self.targets["met"].sum())
        return (f"Backtest({len(self.origins)} origins {self.origins[0]} to {self.origins[-1]}, "
                f"{self.scores['series'].nunique()} series, {len(self.scores):,} scored forecasts; "
                f"targets met {met} of {len(self.targets)})")

    def to_dataframe(self) -> pd.DataFrame:
        """The table, flat (one row per series, forecaster and horizon)."""
        return self.table.reset_index()


def forecast_origins(first_origin: str = FIRST_ORIGIN, last_origin: str = LAST_ORIGIN,
                     every: int = EVERY) -> list[pd.Period]:
    """Origins from ``first_origin`` to ``last_origin`` (included if on the step), every ``every`` months."""
    first = pd.Period(limits.month(first_origin, _WHERE, "first_origin"), freq="M")
    last = pd.Period(limits.month(last_origin, _WHERE, "last_origin"), freq="M")
    every = limits.whole(every, _WHERE, "every", 1, 120)
    if last < first:
        raise InputError(_WHERE, "last_origin", f"expected a month at or after first_origin ({first}), got {last}")
    return list(pd.period_range(first, last, freq="M"))[::every]


def _horizons(horizons: Iterable[int]) -> tuple[int, ...]:
    try:
        values = tuple(horizons)
    except TypeError:
        raise InputError(_WHERE, "horizons", f"expected whole numbers of months, got {horizons!r}") from None
    if not values:
        raise InputError(_WHERE, "horizons", "expected at least one horizon")
    return tuple(sorted({limits.whole(h, _WHERE, "horizons", 1, 120) for h in values}))


def _check_reach(chosen: dict[str, BacktestSeries], origins: list[pd.Period]) -> None:
    """Every origin has enough known months to fit and something after it to score, in every series."""
    for name, series in chosen.items():
        known = series.observed.known_at(origins[0])
        if len(known) < series.min_known:
            raise InputError(_WHERE, "first_origin", f"expected an origin with at least {series.min_known} months "
                             f"of {name} published by then, got {len(known)} at {origins[0]}")
        if origins[-1] >= series.observed.end and not series.sparse:
            raise InputError(_WHERE, "last_origin", f"expected an origin before the last month of {name} "
                                                    f"({series.observed.end}), got {origins[-1]}")


def _choose(series) -> dict[str, BacktestSeries]:
    if isinstance(series, BacktestSeries):
        return {series.observed.name: series}
    known = registry()
    names = list(known) if series is None else [series] if isinstance(series, str) else list(series)
    chosen = {}
    for item in names:
        if isinstance(item, BacktestSeries):
            chosen[item.observed.name] = item
        elif item in known:
            chosen[item] = known[item]
        else:
            raise InputError(_WHERE, "series", f"expected one of {', '.join(known)}, got {item!r}")
    return chosen


def _origin_seed(seed: int, origin: pd.Period) -> np.random.SeedSequence:
    return np.random.SeedSequence([seed, origin.year * 12 + origin.month - 1])


def _run_series(series: BacktestSeries, origins: list[pd.Period], months: int, n: int,
                seed: int) -> tuple[list[pd.DataFrame], list[pd.DataFrame]]:
    """Scores and quantiles of every forecaster of ``series`` at every origin."""
    scored, quantiles = [], []
    values = series.observed.values
    for origin in origins:
        known = series.observed.known_at(origin)
        targets = pd.period_range(origin + 1, periods=months, freq="M")
        reached = targets.isin(values.index)
        for name, forecaster in series.forecasters.items():
            paths = np.asarray(forecaster(known, origin, months, n, _origin_seed(seed, origin)), dtype=float)
            if paths.shape != (n, months):
                raise InputError(series.observed.name, name, f"expected draws of shape {(n, months)}, "
                                                             f"got {paths.shape}")
            keys = {"series": series.observed.name, "forecaster": name, "origin": origin}
            quantiles.append(pd.DataFrame({**keys, "month": targets, "horizon": np.arange(1, months + 1),
                                           **dict(zip(("q05", "q25", "q50", "q75", "q95"),
                                                      np.quantile(paths, _QUANTILES, axis=0)))}))
            if reached.any():
                rows = score(paths[:, reached], values[targets[reached]].to_numpy())
                rows["horizon"] = np.flatnonzero(reached) + 1
                rows.insert(0, "month", targets[reached])
                scored.append(rows.assign(**keys))
    return scored, quantiles


def _summarise(scores: pd.DataFrame, horizons: tuple[int, ...]) -> pd.DataFrame:
    """Mean scores by series, forecaster and horizon: at each horizon, and over months 1..h pooled."""
    parts = []
    for h in horizons:
        for label, rows in ((str(h), scores[scores["horizon"] == h]), (f"1-{h}", scores[scores["horizon"] <= h])):
            if h == 1 and label == "1-1":
                continue
            grouped = rows.groupby(["series", "forecaster"], sort=False)
            table = grouped.agg(n=("crps", "size"), crps=("crps", "mean"), cover50=("cover50", "mean"),
                                cover90=("cover90", "mean"), bias=("error", "mean"), width50=("width50", "mean"),
                                width90=("width90", "mean"))
            parts.append(table.assign(horizon=label).set_index("horizon", append=True))
    return pd.concat(parts) if parts else pd.DataFrame(columns=["n", *_MEASURES])


def _with_ratios(table: pd.DataFrame, chosen: dict[str, BacktestSeries]) -> pd.DataFrame:
    """``crps_vs_<benchmark>``: each row's CRPS over the benchmark's on the same series and horizon (NaN for a
    series that does not name that benchmark)."""
    flat = table.reset_index()
    where = pd.MultiIndex.from_frame(flat[["series", "horizon"]])
    for benchmark in dict.fromkeys(b for series in chosen.values() for b in series.benchmarks):
        reference = flat[flat["forecaster"] == benchmark].set_index(["series", "horizon"])["crps"]
        ratio = flat["crps"].to_numpy() / reference.reindex(where).to_numpy()
        declared = flat["series"].map(lambda name: benchmark in chosen[name].benchmarks).to_numpy(bool)
        flat[f"crps_vs_{benchmark}"] = np.where(declared, ratio, np.nan)
    return flat.set_index(["series", "forecaster", "horizon"])


def _verdicts(table: pd.DataFrame, chosen: dict[str, BacktestSeries]) -> pd.DataFrame:
    rows = []
    for name, series in chosen.items():
        for target in series.targets:
            key = (name, series.subject, target.horizon)
            value = float(table.loc[key, target.measure]) if key in table.index else np.nan
            n = int(table.loc[key, "n"]) if key in table.index else 0
            rows.append({"series": name, "forecaster": series.subject, "target": target.statement,
                         "measure": target.measure, "horizon": target.horizon, "n": n, "value": value,
                         "wanted": target.wanted, "met": bool(np.isfinite(value) and target.holds(value))})
    return pd.DataFrame(rows, columns=["series", "forecaster", "target", "measure", "horizon", "n", "value",
                                       "wanted", "met"])


def backtest(series: str | BacktestSeries | Sequence | None = None, *, first_origin: str = FIRST_ORIGIN,
             last_origin: str = LAST_ORIGIN, every: int = EVERY, horizons: Iterable[int] = HORIZONS,
             n: int = N_PATHS, seed: int = 0) -> Backtest:
    """Rolling-origin backtest of ``series`` (default: every series of the registry).

    Parameters
    ----------
    series : str, BacktestSeries, a sequence of them, or None
        Names of :func:`model.calibration.forecasters.registry` or series built by the caller.
    first_origin, last_origin : str
        The first and last forecast origin, ``'YYYY-MM'``: the month whose figure is the last one known.
    every : int
        Months between origins.
    horizons : iterable of int
        Months ahead reported (each alone, and months 1 to h pooled); forecasts run to the longest.
    n : int
        Predictive paths per forecast.
    seed : int
        Seed of the paths.
    """
    origins = forecast_origins(first_origin, last_origin, every)
    horizons = _horizons(horizons)
    n = limits.whole(n, _WHERE, "n", 100, 1_000_000)
    seed = limits.seed(seed, _WHERE)
    months = max(horizons)
    limits.memory(n * months * 8, _WHERE, "n", "predictive paths")  # paths, their shocks, CRPS's sorted copies
    chosen = _choose(series)
    _check_reach(chosen, origins)
    scored, quantiles = [], []
    for one in chosen.values():
        s, q = _run_series(one, origins, months, n, seed)
        scored += s
        quantiles += q
    scores = pd.concat(scored, ignore_index=True)
    front = ["series", "forecaster", "origin", "month", "horizon"]
    scores = scores[front + [c for c in scores.columns if c not in front]]
    table = _with_ratios(_summarise(scores, horizons), chosen)
    settings = {"horizons": horizons, "n": n, "seed": seed, "every": every,
                "publication": {name: s.observed.assumption for name, s in chosen.items()},
                "notes": {name: s.note for name, s in chosen.items()},
                "labels": {name: s.observed.label for name, s in chosen.items()},
                "subjects": {name: s.subject for name, s in chosen.items()}}
    return Backtest(scores, pd.concat(quantiles, ignore_index=True), table, _verdicts(table, chosen), origins,
                    {name: s.observed.values for name, s in chosen.items()}, settings)


def write_table(result: Backtest, path: str | Path) -> Path:
    """The table as CSV (one row per series, forecaster and horizon), written atomically."""
    from ..results.io import atomic_write

    return atomic_write(Path(path), lambda tmp: result.to_dataframe().to_csv(tmp, index=False))
