"""The model as a Vensim model file (``.mdl``): equations, units, documentation, groups; no sketch.

Vensim opens it (Model > Document shows every equation; with no sketch, the
diagram is empty) and PySD translates it (``pysd.read_vensim``). Each equation
is ``name[subscript] = expression ~ unit ~ documentation |``; stocks are
``INTEG(net flow, initial)``, a constant per source is one equation per source,
a lookup over time is ``WITH LOOKUP(Time, (...))``.
"""

from __future__ import annotations

from ..core.structure import SOURCES
from .expressions import MDL, number, render
from .form import KINDS, Form, Variable
from .units import sd_unit

_GROUP_LINE = "*" * 56
#: Characters that end a field of a Vensim equation, as they are written inside documentation (a quote's "~40,000"
#: is "about 40,000": it keeps its sense as "≈40,000").
_FIELD_MARKS = str.maketrans({"~": "≈", "|": "¦"})


def write(form: Form) -> str:
    """The Vensim text of ``form``."""
    subscripted = form.subscripted
    lines = ["{UTF-8}", _entry("source", ": " + ", ".join(SOURCES), "", "The recruitment sources, in the engine's "
                                                                      "order.")]
    groups: dict[str, list[Variable]] = {}
    for v in sorted(form.variables, key=lambda v: KINDS.index(v.kind)):
        groups.setdefault(v.group, []).append(v)
    for group, variables in groups.items():
        lines.append(f"{_GROUP_LINE}\n\t.{group}\n{_GROUP_LINE}~\n\t\t|\n")
        lines += [_variable(v, subscripted) for v in variables]
    lines.append(f"{_GROUP_LINE}\n\t.Control\n{_GROUP_LINE}~\n\t\t{form.about.translate(_FIELD_MARKS)} "
                 "Set the integration type to Euler (Model > Settings).\n\t|\n")
    lines += [_entry("FINAL TIME", f" = {form.months}", "Month", "The final time for the simulation."),
              _entry("INITIAL TIME", " = 0", "Month", f"The start of {form.start}."),
              _entry("SAVEPER", " = 1", "Month", "How often output is stored: monthly, as the engine keeps it."),
              _entry("TIME STEP", f" = {number(form.dt)}", "Month", "The integration step.")]
    return "\n".join(lines)


def _variable(v: Variable, subscripted: dict[str, bool]) -> str:
    name = f"{v.name}[source]" if v.per_source else v.name
    if v.kind == "constant" and v.per_source:  # one equation per source (PySD rounds a list of values), as Vensim
        # writes several definitions of one variable: units and comment once, after the last
        *first, last = [f"{v.name}[{s}] = {number(x)}" for s, x in zip(SOURCES, v.values)]
        return "".join(f"{line}\n\t~~|\n" for line in first) + _entry(last, "", sd_unit(v.unit), v.doc)
    if v.kind == "constant":
        return _entry(name, f" = {number(v.values[0])}", sd_unit(v.unit), v.doc)
    if v.kind == "lookup":
        xs = [x for x, _ in v.points]
        ys = [y for _, y in v.points]
        box = f"[({number(min(xs))},{number(min(ys))})-({number(max(xs))},{number(max(ys))})]"
        pairs = ",".join(f"({number(x)},{number(y)})" for x, y in v.points)
        return _entry(name, f" = WITH LOOKUP(Time, ({box},{pairs}))", sd_unit(v.unit), v.doc)
    expression = render(v.equation, MDL, subscripted)
    if v.kind == "stock":
        initial = render(v.initial, MDL, subscripted)
        return _entry(name, f" = INTEG({expression}, {initial})", sd_unit(v.unit), v.doc)
    return _entry(name, f" = {expression}", sd_unit(v.unit), v.doc)


def _entry(name: str, equation: str, unit: str, doc: str) -> str:
    doc = doc.translate(_FIELD_MARKS)
    return f"{name}{equation}\n\t~\t{unit}\n\t~\t{doc}\n\t|\n"
