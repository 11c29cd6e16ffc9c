"""The model as an XMILE 1.0 file (OASIS): what Stella, Insight Maker, Simlin and PySD read.

Stocks list their inflows and outflows; a variable per recruitment source has
the dimension ``source`` (an equation for all sources, or one per source for a
constant); a lookup over time is a graphical function of ``TIME``. The
simulation specs say Euler's method. There are no views: a tool that needs a
diagram lays one out or shows the equations.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from .._version import __version__
from ..core.structure import SOURCES
from .expressions import XMILE, number, render
from .form import KINDS, Form, Variable
from .units import sd_unit

_NAMESPACE = "http://docs.oasis-open.org/xmile/ns/XMILE/v1.0"
_TAGS = {"constant": "aux", "lookup": "aux", "auxiliary": "aux", "flow": "flow", "stock": "stock"}


def write(form: Form) -> str:
    """The XMILE text of ``form``."""
    root = ET.Element("xmile", {"version": "1.0", "xmlns": _NAMESPACE})
    header = ET.SubElement(root, "header")
    ET.SubElement(header, "vendor").text = "manpower-model"
    ET.SubElement(header, "product", {"version": __version__, "lang": "en"}).text = "manpower-model"
    ET.SubElement(header, "name").text = form.title
    ET.SubElement(header, "caption").text = form.about
    ET.SubElement(ET.SubElement(header, "options"), "uses_arrays", {"maximum_dimensions": "1"})
    specs = ET.SubElement(root, "sim_specs", {"method": "Euler", "time_units": "Month"})
    ET.SubElement(specs, "start").text = "0"
    ET.SubElement(specs, "stop").text = str(form.months)
    ET.SubElement(specs, "dt").text = number(form.dt)
    dimension = ET.SubElement(ET.SubElement(root, "dimensions"), "dim", {"name": "source"})
    for source in SOURCES:
        ET.SubElement(dimension, "elem", {"name": source})
    variables = ET.SubElement(ET.SubElement(root, "model"), "variables")
    subscripted = form.subscripted
    step = Variable(XMILE.step, "constant", "month", "The integration step: equal to the simulation specs' dt (change "
                    "both together; the builtin DT is not read by PySD's XMILE translator).", values=(form.dt,))
    for v in sorted((step, *form.variables), key=lambda v: KINDS.index(v.kind)):
        variables.append(_variable(v, subscripted))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _variable(v: Variable, subscripted: dict[str, bool]) -> ET.Element:
    element = ET.Element(_TAGS[v.kind], {"name": v.name})
    if v.per_source:
        ET.SubElement(ET.SubElement(element, "dimensions"), "dim", {"name": "source"})
    if v.kind == "constant" and v.per_source:
        for source, value in zip(SOURCES, v.values):
            ET.SubElement(ET.SubElement(element, "element", {"subscript": source}), "eqn").text = number(value)
    elif v.kind == "constant":
        ET.SubElement(element, "eqn").text = number(v.values[0])
    elif v.kind == "lookup":
        ET.SubElement(element, "eqn").text = XMILE.time
        function = ET.SubElement(element, "gf")
        ET.SubElement(function, "xpts").text = ",".join(number(x) for x, _ in v.points)
        ET.SubElement(function, "ypts").text = ",".join(number(y) for _, y in v.points)
    elif v.kind == "stock":
        ET.SubElement(element, "eqn").text = render(v.initial, XMILE, subscripted)
        for flow in v.inflows:
            ET.SubElement(element, "inflow").text = flow
        for flow in v.outflows:
            ET.SubElement(element, "outflow").text = flow
    else:
        ET.SubElement(element, "eqn").text = render(v.equation, XMILE, subscripted)
    ET.SubElement(element, "units").text = sd_unit(v.unit)
    ET.SubElement(element, "doc").text = v.doc
    return element
