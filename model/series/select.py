"""Which casualty process the model follows: candidate processes scored out of sample, and the rule that picks one.

The rule was fixed before the candidates were scored on the record (issue 12: the baseline projects 36
months, so what counts is skill at long horizons and honest bands there):

    Among the :data:`CANDIDATES`, keep those whose bands, over every forecast at horizons 6 to 12 of the
    rolling-origin backtest, cover the recorded month 80-97% of the time (90% band) and 35-65% (50% band);
    choose the one with the lowest mean CRPS over horizons 6 to 12 (each horizon counting equally). If none
    qualifies, choose the one whose 90% coverage there is nearest 90%.

The rule as first written left ties in that last step open; on the record every candidate's 90% bands
covered every month at horizons 6-12 (all tie at 100%), so ties are broken by the same criterion as the
first step, the lowest mean CRPS over horizons 6 to 12 (added after seeing the tie, before any choice).

Persistence is scored beside them as the benchmark a forecaster must beat, not as a candidate: it carries no
estimation uncertainty. Every candidate's scores are out of sample: single specifications are refitted at
each origin on the record up to it; mixtures are weighted at each origin by the forecasts scored by then.
"""

from __future__ import annotations

import pandas as pd

from .backtest import COMBINED, FIRST_ORIGIN, backtest
from .record import Record

#: Candidate processes: name -> (specifications, weighting); ``single`` is one specification alone, the others
#: are :data:`model.series.backtest.WEIGHTINGS`. ``combined`` is the mixture the process followed before the
#: damped trend; ``horizon_mix`` adds the damped trend and weights by the CRPS at the longest horizon.
CANDIDATES: dict[str, tuple[tuple[str, ...], str]] = {
    "combined": (COMBINED, "inverse"),
    "horizon_mix": (COMBINED + ("damped_trend",), "horizon"),
    "damped_trend": (("damped_trend",), "single"),
    "local_level": (("local_level",), "single"),
}
#: The benchmark scored beside the candidates.
BENCHMARK = "persistence"
#: Horizons the rule looks at, and the coverage each band must reach there.
LONG = range(6, 13)
COVER90, COVER50 = (0.80, 0.97), (0.35, 0.65)
RULE = ("lowest mean CRPS over horizons 6-12 (each horizon equally) among candidates whose 90% bands cover "
        "80-97% and 50% bands 35-65% of the recorded months at horizons 6-12; if none qualifies, 90% coverage "
        "nearest 90%, ties broken by the lowest mean CRPS over horizons 6-12")


def candidate_scores(record: Record, first_origin: str = FIRST_ORIGIN, seed: int = 0) -> pd.DataFrame:
    """The rolling-origin backtest of every candidate, its specifications and the benchmark on ``record``: rows
    as :func:`model.series.backtest.backtest` gives them, ``spec`` the candidate's or specification's name."""
    singles = {specs[0] for specs, weighting in CANDIDATES.values() if weighting == "single"}
    mixtures = {name: spec for name, spec in CANDIDATES.items() if spec[1] != "single"}
    mixed_specs = {s for specs, _ in mixtures.values() for s in specs}
    return backtest(record, tuple(sorted(singles | mixed_specs)) + (BENCHMARK,), first_origin, seed=seed,
                    combine=False, mixtures=mixtures)


def long_horizon(scores: pd.DataFrame) -> pd.DataFrame:
    """Per candidate (and the benchmark): mean CRPS over horizons :data:`LONG` (each equally), coverage of the
    50% and 90% bands over every forecast at those horizons, and whether the rule admits it."""
    rows = scores[scores["horizon"].isin(list(LONG)) & scores["spec"].isin([*CANDIDATES, BENCHMARK])]
    grouped = rows.groupby("spec", sort=False)
    table = pd.DataFrame({"crps": rows.groupby(["spec", "horizon"])["crps"].mean().groupby("spec").mean(),
                          "cover50": grouped["cover50"].mean(), "cover90": grouped["cover90"].mean()})
    table["admitted"] = (table["cover90"].between(*COVER90) & table["cover50"].between(*COVER50)
                         & table.index.isin(list(CANDIDATES)))
    return table.reindex([s for s in [*CANDIDATES, BENCHMARK] if s in table.index])


def choose(table: pd.DataFrame) -> str:
    """The candidate :data:`RULE` picks from :func:`long_horizon`'s table."""
    candidates = table[table.index.isin(list(CANDIDATES))]
    admitted = candidates[candidates["admitted"]]
    if not admitted.empty:
        return str(admitted["crps"].idxmin())
    distance = (candidates["cover90"] - 0.9).abs()
    return str(candidates[distance == distance.min()]["crps"].idxmin())
