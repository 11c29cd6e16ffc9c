"""The brief's answer: the bottom line in two or three sentences, and one row per scenario, from the Monte Carlo runs.

Every number here is read off the posterior-predictive runs of :func:`model.present.report.gather` (medians and
5-95% ranges) or the central run of :func:`model.compare`, and rounded to what the evidence supports
(:mod:`model.present.wording`: two significant figures). The sentences are generated: a wording changes
with the numbers (a force that shrinks in most runs is said to shrink), never the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..analysis.uncertainty import front_below
from ..results.summary import first_deficit_month, headline, month_of, pool_exhaustion
from .wording import about, band, month_name, months_label, share, thousands

if TYPE_CHECKING:
    from .report import Findings

#: Above this share of runs ending below their start, the brief says the force shrinks; below its complement, that
#: it holds; in between, that the evidence does not settle it.
LIKELY = 0.6
#: Human names of the recruitment sources, as the brief's sentences use them.
SOURCE_NAMES = {"volunteer": "contract volunteers", "mobilized": "mobilized reservists", "prisoner": "prisoners",
                "migrant": "pressed migrants", "foreign": "foreign recruits", "dprk": "North Korean troops"}


@dataclass(frozen=True)
class Outlook:
    """One scenario's answer over its Monte Carlo runs (persons; months as YYYY-MM)."""

    name: str
    title: str
    #: Group in the war zone at the start and at the horizon: medians, and the horizon's 5th and 95th percentiles.
    front_start: float
    front_end: float
    front_end_band: tuple[float, float]
    #: Share of runs whose group ends the horizon below its own starting strength.
    below_at_end: float
    #: The first month in which more than half of the runs are below their starting strength (None: no month).
    below_from: str | None
    #: Recruitment minus permanent losses over the horizon: median and 5-95%.
    net: float
    net_band: tuple[float, float]
    #: First month whose permanent losses exceed recruitment at the central values (None: none in the horizon).
    first_deficit: str | None
    #: Share of runs with at least one such month within the horizon.
    deficit_share: float
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
    below = front_below(runs)
    majority = np.flatnonzero(below.values > 0.5)
    net = headline(runs)["net_horizon"].values
    first = float(first_deficit_month(central))
    dry = pool_exhaustion(central).to_series()
    return Outlook(
        name=name, title=str(central.title.item()) if "title" in central.coords else name,
        front_start=float(start.median()), front_end=float(end.median()),
        front_end_band=_band(end.values), below_at_end=float(below.isel(time=-1)),
        below_from=month_of(runs, majority[0]) if majority.size else None,
        net=float(np.nanmedian(net)), net_band=_band(net),
        first_deficit=None if np.isnan(first) else month_of(central, first),
        deficit_share=float(np.mean(~np.isnan(first_deficit_month(runs).values))),
        pools_dry={SOURCE_NAMES.get(str(s), str(s)): month_of(central, m) for s, m in dry.items() if np.isfinite(m)})


def _band(values: np.ndarray) -> tuple[float, float]:
    low, high = np.nanpercentile(values, [5, 95])
    return float(low), float(high)


def bottom_line(f: Findings) -> list[str]:
    """Two or three sentences that answer the question for the reference scenario, then across the scenarios."""
    s = f.settings
    ref = outlook(f, s.reference)
    first, last = (month_name(m) for m in months_label(f.comparison)[::f.horizon])
    level = (f"from about {about(ref.front_start)} in {first} to about {about(ref.front_end)} by {last} (median; 90% "
             f"of runs {band(ref.front_end_band)})")
    verdict = {True: "Probably not without a new mobilization. In the reference scenario, ‘{title}’, the group in the "
                     "war zone shrinks in {p} of runs, {level}.",
               False: "Probably yes, for the {h} months projected. In the reference scenario, ‘{title}’, the group in "
                      "the war zone holds or grows in {q} of runs ({level}).",
               None: "The evidence does not settle it. In the reference scenario, ‘{title}’, the group in the war "
                     "zone ends below its start in {p} of runs, {level}."}[ref.shrinks]
    sentences = [verdict.format(title=ref.title, p=share(ref.below_at_end), q=share(1 - ref.below_at_end),
                                level=level, h=f.horizon)]
    when = (f"At the central values losses first exceed recruitment in {month_name(ref.first_deficit)}"
            if ref.first_deficit else "At the central values losses exceed recruitment in no month")
    majority = (f"more than half of the runs are below their starting strength from {month_name(ref.below_from)} on"
                if ref.below_from else "in no month are more than half of the runs below their starting strength")
    sentences.append(f"Over the {f.horizon} months recruitment minus permanent losses comes to about "
                     f"{about(ref.net, signed=True)} persons (90% of runs {band(ref.net_band, signed=True)}). "
                     f"{when}; {majority}.")
    if len(s.names) > 1:
        others = [outlook(f, name) for name in s.names if name != s.reference]
        holding = [o.title for o in others if o.net >= 0]
        sentences.append(f"Of the {len(others)} other scenarios, recruitment keeps up with permanent losses in the "
                         "median run only under " + _listed(holding) + "." if holding else
                         f"In none of the {len(others)} other scenarios does recruitment keep up with permanent "
                         "losses in the median run.")
    return sentences


def _listed(titles: list[str]) -> str:
    quoted = [f"‘{t}’" for t in titles]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def scenario_rows(f: Findings) -> list[dict[str, str]]:
    """The brief's scenario table: one row per scenario, numbers in thousands of persons at two significant
    figures."""
    rows = []
    for name in f.settings.names:
        o = outlook(f, name)
        rows.append({"title": o.title, "name": name,
                     "net": thousands(o.net, signed=True), "net_band": band(o.net_band, True, in_thousands=True),
                     "front_end": thousands(o.front_end), "front_band": band(o.front_end_band, in_thousands=True),
                     "below": share(o.below_at_end), "deficit": o.first_deficit or "none",
                     "deficit_share": share(o.deficit_share),
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
    return (f"In {share(short)} of the reference scenario's runs the casualty path outruns the people there are to "
            f"bear it before the horizon, and in {share(emptied)} the group in the war zone is all but gone by then. "
            "Casualties in the model follow the fitted path whatever the force's size; the casualties that find no "
            "one are recorded as a shortfall, not invented. Read these runs as intensities the force cannot "
            "sustain, not as a forecast that the war zone empties: they are why the lower end of each range reaches "
            "zero.")
