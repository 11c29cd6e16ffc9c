"""The brief's answer: the bottom line in two or three sentences, and one row per scenario, from the Monte Carlo runs.

Every number here is read off the posterior-predictive runs of :func:`model.present.report.gather` (medians and
5-95% ranges) or the central run of :func:`model.compare`, and rounded to what the evidence supports
(:mod:`model.present.wording`: two significant figures). The sentences are generated: a wording changes
with the numbers (a force that shrinks in most runs is said to shrink), never the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..analysis.uncertainty import front_below
from ..results.summary import first_deficit_month, headline, month_of, pool_exhaustion
from .labels import SOURCE_LABELS, joined
from .wording import about, band, month_name, months_label, share, thousands

if TYPE_CHECKING:
    from .report import Findings

#: Above this share of runs ending below their start, the brief says the force shrinks; below its complement, that
#: it holds; in between, that the evidence does not settle it.
LIKELY = 0.6
#: The parameter whose events are mass call-ups: a scenario with any is not an answer to "without another mass
#: mobilization".
MOBILIZATION = "mobilization.waves"


@dataclass(frozen=True)
class Outlook:
    """One scenario's answer over its Monte Carlo runs (persons; months as YYYY-MM)."""

    name: str
    title: str
    #: The scenario calls up reservists in a mass mobilization (:data:`MOBILIZATION` has events).
    mobilizes: bool
    #: Group in the war zone at the start (median of runs) and at the horizon (median, 5th and 95th percentiles).
    front_start: float
    front_end: float
    front_end_band: tuple[float, float]
    #: Each run's change of the group over the horizon (end minus start): median, 5th and 95th percentiles.
    front_change: float
    front_change_band: tuple[float, float]
    #: Share of runs whose group ends the horizon below its own starting strength.
    below_at_end: float
    #: The month from which, to the horizon, more than half of the runs are below their starting strength (None:
    #: no such month).
    below_from: str | None
    #: Recruitment minus permanent losses over the horizon: median and 5-95%.
    net: float
    net_band: tuple[float, float]
    #: First month whose permanent losses exceed recruitment at the central values (None: none in the horizon).
    first_deficit: str | None
    #: The finite pools that run dry at the central values: source name -> YYYY-MM.
    pools_dry: dict[str, str]

    @property
    def shrinks(self) -> bool | None:
        """True when most runs end below their start, False when most hold, None when the runs do not settle it."""
        if self.below_at_end >= LIKELY:
            return True
        if self.below_at_end <= 1 - LIKELY:
            return False
        return None


def outlook(f: Findings, name: str) -> Outlook:
    """``name``'s answer from its Monte Carlo runs and its central run."""
    runs, central = f.runs[name], f.comparison.sel(scenario=name)
    front = runs.front_total
    start, end = front.isel(time=0), front.isel(time=-1)
    majority = front_below(runs).values > 0.5
    onwards = np.flatnonzero(np.logical_and.accumulate(majority[::-1])[::-1])  # months from which it holds to the end
    net = headline(runs)["net_horizon"].values
    first = float(first_deficit_month(central))
    dry = pool_exhaustion(central).to_series()
    return Outlook(
        name=name, title=f.params[name].heading, mobilizes=bool(len(f.params[name].value(MOBILIZATION))),
        front_start=float(start.median()), front_end=float(end.median()), front_end_band=_band(end.values),
        front_change=float((end - start).median()), front_change_band=_band((end - start).values),
        below_at_end=float((end < start).mean()),
        below_from=month_of(runs, onwards[0]) if onwards.size else None,
        net=float(np.nanmedian(net)), net_band=_band(net),
        first_deficit=None if np.isnan(first) else month_of(central, first),
        pools_dry={SOURCE_LABELS.get(str(s), str(s)): month_of(central, m) for s, m in dry.items() if np.isfinite(m)})


def _band(values: np.ndarray) -> tuple[float, float]:
    low, high = np.nanpercentile(values, [5, 95])
    return float(low), float(high)


def _months(n: int) -> str:
    return f"{n} month" + ("s" if n != 1 else "")


def outlooks(f: Findings) -> dict[str, Outlook]:
    """Every scenario's :class:`Outlook`, by name (computed once for the bottom line and the table)."""
    return {name: outlook(f, name) for name in f.settings.names}


def bottom_line(f: Findings, found: Mapping[str, Outlook] | None = None) -> list[str]:
    """Two or three sentences that answer the question for the reference scenario, then across the scenarios.

    The verdict ("probably not without a new mobilization", "probably yes") answers the question only for a
    reference scenario without a mass call-up; for one with, the sentence says what the scenario assumes instead.
    ``found``: the scenarios' outlooks when the caller has them (:func:`outlooks`).
    """
    s = f.settings
    found = found if found is not None else {name: outlook(f, name) for name in s.names}
    ref = found[s.reference]
    first, last = (month_name(m) for m in months_label(f.comparison)[::f.horizon])
    level = (f"from about {about(ref.front_start)} in {first}, changing by {about(ref.front_change, signed=True)} "
             f"by {last} (median of runs; 90% of runs {band(ref.front_change_band, signed=True)})")
    subject = f"In the reference scenario, ‘{ref.title}’, the group in the war zone"
    if ref.mobilizes:
        opening = "This reference scenario assumes a new mass mobilization, so it does not answer the question alone."
    else:
        opening = {True: "Probably not without a new mobilization.",
                   False: f"Probably yes, for the {_months(f.horizon)} projected.",
                   None: "The evidence does not settle it."}[ref.shrinks]
    verb = {True: f"shrinks in {share(ref.below_at_end)} of runs", False: f"holds or grows in "
            f"{share(1 - ref.below_at_end)} of runs", None: f"ends below its start in {share(ref.below_at_end)} of "
            "runs"}[ref.shrinks]
    sentences = [f"{opening} {subject} {verb}, {level}."]
    when = (f"At the central values losses first exceed recruitment in {month_name(ref.first_deficit)}"
            if ref.first_deficit else "At the central values losses exceed recruitment in no month")
    majority = (f"from {month_name(ref.below_from)} to the horizon more than half of the runs are below their "
                "starting strength" if ref.below_from else
                "at the horizon no more than half of the runs are below their starting strength")
    sentences.append(f"Over the {_months(f.horizon)} recruitment minus permanent losses comes to about "
                     f"{about(ref.net, signed=True)} persons (90% of runs {band(ref.net_band, signed=True)}). "
                     f"{when}; {majority}.")
    if len(s.names) > 1:
        others = [found[name] for name in s.names if name != s.reference]
        holding = [o.title for o in others if o.net >= 0]
        count = f"{len(others)} other scenario" + ("s" if len(others) != 1 else "")
        if not holding:
            sentences.append(f"In none of the {count} does recruitment keep up with permanent losses in the median "
                             "run." if len(others) > 1 else f"In the {count} recruitment does not keep up with "
                             "permanent losses in the median run.")
        elif len(holding) == len(others):
            sentences.append(f"In {'all ' if len(others) > 1 else ''}the {count} recruitment keeps up with permanent "
                             "losses in the median run.")
        else:
            sentences.append(f"Of the {count}, recruitment keeps up with permanent losses in the median run only "
                             f"under {joined([f'‘{t}’' for t in holding])}.")
    return sentences


def scenario_rows(f: Findings, found: Mapping[str, Outlook] | None = None) -> list[dict[str, str]]:
    """The brief's scenario table: one row per scenario, numbers in thousands of persons at two significant
    figures (``found``: the outlooks when the caller has them)."""
    rows = []
    for name in f.settings.names:
        o = found[name] if found is not None else outlook(f, name)
        rows.append({"title": o.title, "name": name,
                     "net": thousands(o.net, signed=True), "net_band": band(o.net_band, True, in_thousands=True),
                     "front_end": thousands(o.front_end), "front_band": band(o.front_end_band, in_thousands=True),
                     "below": share(o.below_at_end), "deficit": o.first_deficit or "none",
                     "pools": "; ".join(f"{s} {m}" for s, m in o.pools_dry.items()) or "none"})
    return rows


def data_note(f: Findings, record_end: str) -> str:
    """The warning that the data end before the brief is written, in months."""
    created = f.created
    gap = (created.year * 12 + created.month) - (int(record_end[:4]) * 12 + int(record_end[5:7]))
    text = (f"The projection starts in {month_name(f.settings.start)} from the public record as it stood at the end of "
            f"{month_name(record_end)}. This brief was produced on {created:%d %B %Y}")
    if gap > 1:
        text += (f", {gap} months after the data end: what happened since is not in these numbers. Set them against "
                 "what has been observed since before acting on them")
    return text + "."


#: A war-zone group below this share of its start at the horizon counts as emptied.
EMPTIED = 0.01


def collapse_note(f: Findings) -> str | None:
    """What the runs in which casualties outrun the whole war-zone group mean, when there are any (None if not)."""
    runs = f.runs[f.settings.reference]
    if "shortfall" not in runs:
        return None
    short = float((runs.shortfall.sum(["time", "stock"]) > 0.5).mean())
    emptied = float((runs.front_total.isel(time=-1) < EMPTIED * runs.front_total.isel(time=0)).mean())
    if short == 0 and emptied == 0:
        return None
    text = (f"In {share(short)} of the reference scenario's runs the casualty path outruns the people there are to "
            f"bear it before the horizon, and in {share(emptied)} the group in the war zone is all but gone by then. "
            "Casualties in the model follow the fitted path, lowered as the war zone is depleted "
            "(casualties.depletion_elasticity); the casualties that find no one are recorded as a shortfall, not "
            "invented. Read these runs as intensities the force cannot sustain, not as a forecast that the war zone "
            "empties")
    if emptied >= 0.05:  # the 5th percentile of the group at the horizon is then (all but) zero
        text += ": they are why the lower end of the war zone's range reaches zero"
    return text + "."
