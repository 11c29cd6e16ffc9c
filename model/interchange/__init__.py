"""The model written out for other system-dynamics tools: Vensim (``.mdl``), Stella and others (XMILE), PySD.

:func:`export` lays out one parameter set (or one run of a batch) as
system-dynamics variables (:mod:`model.interchange.form`) and writes them in the
target's syntax (:mod:`model.interchange.mdl`, :mod:`model.interchange.xmile`). The
equations are generated from the same description the compiled kernel is
tested against (:mod:`model.dynamics.description`), and a test integrates the
exported file with PySD and compares every stock and flow with the engine's
run of the same set. :data:`GUIDE` (rendered in ``docs/MODEL.md``) says what
each tool gets and what no export can carry.
"""

from __future__ import annotations

from ..core.defaults import DEFAULT_DT, DEFAULT_MONTHS, DEFAULT_START
from ..errors import InputError
from ..inputs.parameters import ParameterSet

#: For people (docs/MODEL.md, "The model in other tools"): what each tool gets, what no export carries, the parity.
GUIDE = """\
**Vensim** opens the `.mdl` file: every equation with its unit and documentation (each parameter's source, date,
quote or assumption, plausible range, URL and the file that set it), in groups, with no diagram (the Document tool
lists the equations). Its subscripts need Vensim Professional or DSS, or the free Model Reader to open and run
it; PLE cannot. Set the integration type to Euler (Model > Settings), as the file's control group says.

**Stella** and other XMILE 1.0 tools read the `.xmile` file: Euler in its simulation specs, arrays declared in
its header, no views; it is written to the XMILE 1.0 specification, but only PySD has run it here. The step is a
constant, `integration_step`, equal to the specs' `dt` (PySD's XMILE translator does not read the builtin `DT`).

**PySD** runs either file (`pysd.read_vensim`, `pysd.read_xmile`); its translator writes lookups with numpy's
print precision (8 decimals), so translate within `numpy.printoptions(floatmode="unique")` to keep every value
exact.

**What a file is.** One run: a scenario at its central values, or one draw of a Monte Carlo sample (the control
group's comment or the XMILE header's caption names it, with the parameters' digest and the version that wrote
it). Time 0 is the first day of the start month, time runs in months. The scheduled events, the recorded
casualties and the casualty process's path are lookups over time laid out on the exported step: to change the
step, export again with another `--dt`. A tool reports a flow as its rate (persons/month) at each saved time;
the engine reports a flow's total over each month (persons), the sum of rate x dt over the month's steps.

**What no export carries.** Only Euler's method: the engine's RK4 combines its four stage rates per flow before
the limiter, which no tool's RK4 does. The initial state, the casualty path and the endogenous mode's reference
weight are values of the run (computed by `model.dynamics.equations.prepare`), not formulas. The limiter is
written as equations, so the file keeps this engine's rule (a demand that would overdraw a stock scales down all
its outflows for the step; what it lacks is the stock's shortfall, a variable) rather than a tool's own.

**Parity.** `tests/interchange/test_pysd_parity.py` runs the exported files in PySD 3.14 and requires every
stock, flow and shortfall to agree with the engine's run to 1e-9 of the series' largest magnitude, for the
baseline over 36 months, three scenarios that make the limiter bind (a pool run dry, conscripts overdrawn, the
war zone emptied), casualties that scale with the force, a start inside the casualty record at a step of half a
month, and one Monte Carlo draw. The largest difference measured on 2026-12-03 was 4.4e-15.
"""

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

    Refuses (:class:`~model.errors.InputError`) what :func:`model.simulate` refuses for the set (a step too long
    for its rates, growth that would overflow), and a ``run`` that is not one of the batch's.
    """
    from ..results.lean import checked_inputs, checked_start
    from . import form, mdl, xmile

    if format not in FORMATS:
        raise InputError("export", "format", f"expected one of {', '.join(FORMATS)}, got {format!r}")
    resolved = checked_start(params, months, dt, start, "euler")
    built = form.build(params, checked_inputs(params, months, dt, resolved), months, dt, resolved, run)
    return (mdl if format == "mdl" else xmile).write(built)
