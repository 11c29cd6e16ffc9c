"""The briefing: one self-contained HTML page (or its PDF) for readers who never open a notebook.

:func:`report` runs the requested scenarios (:func:`model.compare`), a posterior-predictive Monte Carlo sample of
each (:func:`model.analysis.uncertainty.uncertainty`, the same seed for every scenario) and a Sobol sensitivity
analysis of the reference scenario (:func:`model.analysis.sensitivity.sensitivity`), then writes the brief: about
four printed pages that lead with a bottom line (two or three generated sentences with dates and 90% ranges) and
one figure, the scenarios side by side, the reference scenario's losses, cost and force levels, what drives the
answer and what the numbers do not say; then the appendix (the full comparison at the central values, further
figures, the sensitivity in full, what each scenario changes, the assumptions, every parameter's provenance) and
a colophon (version, parameter digests, seed, runs, the command that reproduces it).
The page itself, its sections and sentences, is :mod:`model.present.brief` and :mod:`model.present.answer`.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import xarray as xr

from ..analysis import discovery
from ..analysis import sensitivity as sobol
from ..analysis import uncertainty as monte_carlo
from ..analysis.comparison import compare, comparison_table
from ..analysis.discovery import Discovery
from ..analysis.sensitivity import sensitivity
from ..analysis.uncertainty import uncertainty
from ..errors import InputError
from ..inputs import limits
from ..inputs.parameters import BASELINE, ParameterSet, load_params, scenario_names
from ..inputs.repeats import once
from ..inputs.start import default_start
from ..results.io import atomic_write, check_output
from ..results.simulate import DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START
from . import pdf
from .brief import ACCOUNT_OUTPUTS, render

DEFAULT_OUT = Path("results") / "brief.html"
#: The file names the brief may be written to: the HTML page, or its PDF.
SUFFIXES = (".html", *pdf.PDF_SUFFIXES)
#: The outcome whose region of parameter space the brief reports (:mod:`model.analysis.outcomes`).
DISCOVERED = "front_below_start"
#: Monte Carlo runs per scenario and SALib's base sample size: the whole report takes well under a minute.
DEFAULT_RUNS = 2000
DEFAULT_SOBOL_N = 256
#: What the Monte Carlo keeps per run: what the headline numbers, the fan chart, pool exhaustion and the reference
#: scenario's account (losses by definition, the cost of signing payments, both force levels) read.
MC_VARIABLES = tuple(dict.fromkeys(("front_total", "inflow", "losses", "net", "pool", "shortfall", *ACCOUNT_OUTPUTS)))


@dataclass(frozen=True)
class Settings:
    """What a report is run with; ``command`` reproduces it."""

    names: tuple[str, ...]
    n: int = DEFAULT_RUNS
    seed: int = 0
    months: int = DEFAULT_MONTHS
    sobol_n: int = DEFAULT_SOBOL_N
    dt: float = DEFAULT_DT
    start: str = field(default_factory=default_start)  # the month after the data
    out: Path = DEFAULT_OUT
    #: Ignore the stored posterior: the registry's values and ranges alone.
    prior: bool = False
    #: The scenarios as given on the command line, when one was a file (``--scenarios path/to/mine.yaml``): ``names``
    #: are then the scenarios' own names, under which they run and are shown, and ``command`` repeats these.
    given: tuple[str, ...] = ()

    @property
    def reference(self) -> str:
        """The scenario of the fan chart and the sensitivity analysis: baseline if requested, else the first."""
        return BASELINE if BASELINE in self.names else self.names[0]

    def command(self) -> str:
        """The ``manpower report`` command line that writes this report again."""
        return shlex.join(["manpower", "report", "--scenarios", *(self.given or self.names), "--n", str(self.n),
                           "--seed", str(self.seed), "--months", str(self.months), "--sobol-n", str(self.sobol_n),
                           "--dt", f"{self.dt:g}", "--start", self.start, "--out", str(self.out)]
                          + (["--prior"] if self.prior else []))


@dataclass(frozen=True)
class Findings:
    """Every number the report shows, computed once."""

    settings: Settings
    params: dict[str, ParameterSet]
    comparison: xr.Dataset
    table: pd.DataFrame
    runs: dict[str, xr.Dataset]
    sensitivity: xr.Dataset
    #: Where in parameter space the reference scenario's force ends below its start (None: the extra ``discover``
    #: that brings PRIM is not installed; the brief says so).
    discovery: Discovery | None = None
    created: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def horizon(self) -> int:
        """Months projected."""
        return self.comparison.sizes["time"] - 1


def check_settings(settings: Settings) -> dict[str, ParameterSet]:
    """Refuse, before any run, settings that are malformed, would not fit in memory, or an unwritable ``out``.

    Returns the scenarios' parameters by name, loaded once here.
    """
    limits.seed(settings.seed, "report")
    limits.months(settings.months, "report")
    limits.step(settings.dt, "report")
    limits.month(settings.start, "report")
    once(list(settings.names), "--scenarios", "scenario")  # a repeat's runs would count once
    check_output(settings.out, "--out", file=True, suffixes=SUFFIXES)
    limits.whole(settings.sobol_n, "report", "sobol_n", 2)
    if settings.sobol_n & (settings.sobol_n - 1):
        raise InputError("report", "sobol_n", f"expected a power of 2 (Sobol' sequences need one), "
                                              f"got {settings.sobol_n}")
    # An unknown name fails before any run.
    params = {name: load_params(name, prior=settings.prior) for name in settings.names}
    once([p.scenario for p in params.values()], "--scenarios", "scenario")  # a file and a name of one scenario
    monte_carlo.check_size(params[settings.reference], settings.n, settings.months, settings.dt, MC_VARIABLES, "report")
    sobol.check_size(params[settings.reference], "sobol", settings.sobol_n, settings.months, settings.dt, "report",
                     "sobol_n")
    if pdf.wants_pdf(settings.out):
        pdf.check_available()
    return params


def gather(settings: Settings) -> Findings:
    """Run the scenarios, their Monte Carlo samples and the reference scenario's Sobol analysis."""
    params = check_settings(settings)
    if any(name != p.scenario for name, p in params.items()):  # a scenario given as a file runs under its own name
        settings = replace(settings, names=tuple(p.scenario for p in params.values()), given=settings.names)
        params = {p.scenario: p for p in params.values()}
    horizon = {"months": settings.months, "dt": settings.dt, "start": settings.start}
    ds = compare(list(params.values()), **horizon)
    runs = {name: uncertainty(params[name], n=settings.n, seed=settings.seed, variables=MC_VARIABLES, **horizon)
            for name in settings.names}
    indices = sensitivity(params[settings.reference], "sobol", n=settings.sobol_n, seed=settings.seed, **horizon)
    return Findings(settings, params, ds, comparison_table(ds), runs, indices,
                    _discovery(runs[settings.reference], params[settings.reference]))


def _discovery(runs: xr.Dataset, params: ParameterSet) -> Discovery | None:
    """PRIM's boxes of the reference scenario's runs in which the war-zone group ends below its start; None when
    the EMA Workbench is not installed."""
    try:
        discovery.prim_module()
    except InputError:
        return None
    return discovery.discover(runs, DISCOVERED, params=params)


def report(names: Sequence[str] | None = None, n: int = DEFAULT_RUNS, seed: int = 0, months: int = DEFAULT_MONTHS,
           sobol_n: int = DEFAULT_SOBOL_N, out: str | Path = DEFAULT_OUT, dt: float = DEFAULT_DT,
           start: str | None = DEFAULT_START, prior: bool = False) -> Path:
    """Write the briefing to ``out`` (atomically): a PDF laid out on A4 when ``out`` ends in ``.pdf``
    (:mod:`model.present.pdf`, the optional extra ``pdf``), else the self-contained HTML page; return its path.

    Parameters
    ----------
    names : scenarios to compare (default: every scenario, baseline first).
    n : Monte Carlo runs per scenario.
    seed : seed of the Monte Carlo samples and of the Sobol sample.
    months : horizon in months; ``dt`` the step in months; ``start`` the first month, YYYY-MM.
    sobol_n : SALib's base sample size (a power of 2); the analysis runs ``sobol_n * (d + 2)`` parameter
        sets for ``d`` uncertain parameters.
    prior : ignore the stored posterior (the registry's values and ranges alone; the report says so).
    """
    settings = Settings(tuple(names) if names else tuple(scenario_names()), n, seed, months, sobol_n, dt,
                        default_start() if start is None else start,
                        Path(out), prior)
    text = render(gather(settings))  # gather checks the settings before any run
    if pdf.wants_pdf(settings.out):
        return pdf.write_pdf(text, settings.out)
    return atomic_write(settings.out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
