"""The model written out for other system-dynamics tools: Vensim (``.mdl``), Stella and others (XMILE), PySD.

:func:`export` lays out one parameter set (or one run of a batch) as
system-dynamics variables (:mod:`model.interchange.form`) and writes them in the
target's syntax (:mod:`model.interchange.mdl`, :mod:`model.interchange.xmile`). The
equations are generated from the same description the compiled kernel is
tested against (:mod:`model.dynamics.description`), and a test integrates the
exported file with PySD and compares every stock and flow with the engine's
run of the same set.

What each tool gets. **Vensim** opens the ``.mdl`` file: every equation with its
unit and documentation (the parameters' source, date and quote), grouped, with
no diagram (Model > Document lists the equations; a sketch is not generated);
set *Integration type* to Euler, as the export's comments say. **Stella** (and
other XMILE 1.0 tools: Insight Maker, Simlin) opens the ``.xmile`` file, Euler
in its simulation specs, with no views. **PySD** runs either
(``pysd.read_vensim``, ``pysd.read_xmile``); its translator writes a lookup's
points with numpy's print precision (8 decimals by default), so translate
within ``numpy.printoptions(floatmode="unique")`` to keep every value exact.

What no export can carry. Only Euler's method: the engine's RK4 combines its
four stage rates per flow before the limiter, which no tool's RK4 does. The
initial state, the casualty process's path and the endogenous mode's
reference weight are values of the run (computed by
:func:`model.dynamics.equations.prepare`), not formulas. The limiter is written as
equations, so the exported model keeps this engine's rule (a demand that would
overdraw a stock scales down all its outflows for the step, the rest is
shortfall) rather than a tool's own.

Parity (``tests/interchange/test_pysd_parity.py``): every stock, flow and
shortfall of PySD 3.14's run agrees with the engine's to at most 1e-9 of the
series' largest magnitude; measured on 2026-12-03, the largest difference over
the baseline, four scenarios that make the limiter bind and one Monte Carlo
draw was 4.4e-15.
"""

from __future__ import annotations

from ..core.defaults import DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START
from ..errors import InputError
from ..inputs.parameters import ParameterSet

#: Formats :func:`export` writes, and the file suffix of each.
FORMATS = {"mdl": ".mdl", "xmile": ".xmile"}


def export(params: ParameterSet, format: str = "mdl", *, run: int | None = None, months: int = DEFAULT_MONTHS,
           dt: float = DEFAULT_DT, start: str | None = DEFAULT_START) -> str:
    """The model of ``params`` (run ``run`` of a batch) as the text of a Vensim or XMILE file.

    Parameters
    ----------
    params : ParameterSet
        A parameter set, or a batch (a Monte Carlo sample) with ``run`` naming one of its runs.
    format : {"mdl", "xmile"}
    run : int, optional
        The run of a batch to export.
    months, dt, start
        As :func:`model.simulate` takes them: the horizon (months), the step (months) and the first month.

    Returns
    -------
    str
        The file's text; time 0 is the first day of the start month, time runs in months, Euler's method.
    """
    from ..results.lean import checked_start
    from . import form, mdl, xmile

    if format not in FORMATS:
        raise InputError("export", "format", f"expected one of {', '.join(FORMATS)}, got {format!r}")
    resolved = checked_start(params, months, dt, start, "euler")
    built = form.build(params, months, dt, resolved, run)
    return (mdl if format == "mdl" else xmile).write(built)
