"""Hypothesis strategies that draw parameter values from the registry's plausible ranges.

The ranges are read once, when the tests are collected, from the registry the
tests run against, so hypothesis reaches the ends of every range and shrinks a
failure to a minimal set of values.
"""

from __future__ import annotations

from hypothesis import strategies as st

from model.inputs.parameters import ParameterSet
from model.inputs.spec import CASUALTY_MODES
from model.core.structure import POOLED

#: Months an event may start in, around the default start (2024-12), including the start month itself.
EVENT_STARTS = ("2024-10", "2024-12", "2025-01", "2025-06", "2026-02", "2027-11")

events = st.lists(st.builds(dict, start=st.sampled_from(EVENT_STARTS), size=st.floats(0, 400_000),
                            months=st.sampled_from([0.5, 1, 3, 12])), max_size=2)

modes = st.sampled_from(CASUALTY_MODES)
methods = st.sampled_from(["euler", "rk4"])
#: Steps that divide a month and keep rate · dt <= 1 over the registry's ranges.
steps = st.sampled_from([0.25, 0.125, 0.1])


def in_range(params: ParameterSet, key: str, low: float | None = None, high: float | None = None
             ) -> st.SearchStrategy[float]:
    """Values of ``key`` in its plausible range (narrowed by ``low``/``high`` when given)."""
    lower = params[key].low if low is None else max(low, params[key].low)
    upper = params[key].high if high is None else min(high, params[key].high)
    return st.floats(lower, upper)


@st.composite
def parameter_values(draw, params: ParameterSet) -> dict[str, float]:
    """One value for every numeric parameter, inside its range, that passes the registry's cross-checks.

    The captured fraction is drawn up to ``1 - killed_fraction`` and the deployed total from the sum of
    the pooled sources' front strengths up, as :func:`model.inputs.parameters.check_consistency` requires.
    """
    tied = {"casualties.captured_fraction", "force.deployed_total"}
    values = {k: draw(in_range(params, k)) for k, p in params.items() if p.spec.numeric and k not in tied}
    values["casualties.captured_fraction"] = draw(
        in_range(params, "casualties.captured_fraction", high=1.0 - values["casualties.killed_fraction"]))
    pooled = sum(values[f"front_initial.{s}"] for s in POOLED)
    values["force.deployed_total"] = draw(in_range(params, "force.deployed_total", low=pooled))
    return values
