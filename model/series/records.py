"""The fitted casualty process's parameters as registry-ready records: value, unit, range, source, date, method.

Each parameter an analyst reads (:func:`model.series.base.Derived`: the level at the data's end, the trend,
the AR coefficient, the shock sizes, ...) becomes one record, keyed ``<prefix>.<spec>.<name>``:
its posterior median as ``value``, its 5% and 95% posterior quantiles as ``low`` and ``high``, its unit in
pint/CF style (``person / month``, ``1 / month``, ``1``), ``source`` "fit of <series> through <month>",
``date`` the last month of data, and ``method`` how it was estimated. A mixture adds one weight record
per component. The records are not written to ``params/registry.yaml`` here.
"""

from __future__ import annotations

import numpy as np

from .base import Fit, Mixture
from .paths import PROCESSES

PREFIX = "casualties.process"


def _record(description: str, value: float, unit: str, low: float, high: float, fitted: Fit | Mixture,
            method: str) -> dict:
    return {"description": description, "value": value, "unit": unit, "low": low, "high": high,
            "source": f"fit of {fitted.series} through {fitted.end}", "date": str(fitted.end), "url": None,
            "method": method}


def parameter_records(fitted: Fit | Mixture, prefix: str = PREFIX) -> dict[str, dict]:
    """One record per fitted parameter (and per mixture weight), keyed ``<prefix>.<spec>.<name>``."""
    if isinstance(fitted, Mixture):
        out = {}
        for component, weight in zip(fitted.fits, fitted.weights):
            out[f"{prefix}.{component.spec}.weight"] = _record(
                f"weight of the {component.spec} specification in the combined casualty process", float(weight),
                "1", float(weight), float(weight), fitted, fitted.method)
            out |= parameter_records(component, prefix)
        return out
    out = {}
    for derived in PROCESSES[fitted.process].describe(fitted):
        low, value, high = (float(q) for q in np.quantile(derived.draws, [0.05, 0.5, 0.95]))
        out[f"{prefix}.{fitted.spec}.{derived.name}"] = _record(
            derived.description, value, derived.unit, low, high, fitted,
            f"{fitted.method}; value the posterior median, low and high its 5% and 95% quantiles "
            f"({fitted.n_draws} draws)")
    return out
