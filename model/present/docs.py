"""Model documentation generated from the model itself, so it cannot drift from the code.

``manpower docs`` writes ``docs/MODEL.md``: the stocks, the flows (from
:data:`model.core.structure.FLOWS`), a Mermaid diagram drawn from the same list, the
equations and the parameter registry with sources. The docstrings it quotes are
reStructuredText; :func:`markdown` turns what of it they use into Markdown. A
test checks that the committed file matches what this module generates.
"""

from __future__ import annotations

import inspect
import re

from ..engine import integrator as engine
from ..dynamics import description
from .. import interchange
from ..core import structure
from ..inputs.parameters import ParameterSet

OUTSIDE = "outside"

#: A Sphinx cross-reference: ``:func:`x` ``, ``:py:meth:`~a.b` ``, ``:class:`title <target>` ``.
_ROLE = re.compile(r":(?:[a-z]+:)?(?P<role>[a-z]+):`(?P<body>[^`]+)`")
#: reST inline literal (````x````), not part of a Markdown fence of three or more backticks.
_LITERAL = re.compile(r"(?<!`)``(?!`)(?P<code>.+?)(?<!`)``(?!`)")
#: A Markdown (and reST) list item: ``- x``, ``* x``, ``1. x``.
_ITEM = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")


def _reference(match: re.Match) -> str:
    """A role as Sphinx shows it: the title if given, else the target (its last part after ``~``), ``()`` after a
    function or method."""
    role, body = match["role"], match["body"].strip()
    titled = re.fullmatch(r"(?P<title>.+?)\s*<(?P<target>[^<>]+)>", body)
    if titled:
        return _code(titled["title"])
    body = body.lstrip("!")
    if body.startswith("~"):
        body = body[1:].rsplit(".", 1)[-1]
    if role in ("func", "meth") and not body.endswith(")"):
        body += "()"
    return _code(body)


def _code(text: str) -> str:
    """Markdown inline code; two backticks around text that holds one."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blocks(lines: list[str]) -> list[str]:
    """reST literal blocks (a paragraph ending ``::``, a blank line, indented lines) as fenced code; definition
    lists (a term starting a paragraph, its definition indented on the next lines) as items ``- term: definition``."""
    out: list[str] = []
    term_allowed = True  # at the start of a paragraph, or right after a definition
    i = 0
    while i < len(lines):
        line = lines[i]
        literal = line.rstrip().endswith("::")
        start = i + 2 if literal else i + 1
        end = start
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > _indent(line)):
            end += 1
        while end > start and not lines[end - 1].strip():
            end -= 1  # trailing blank lines belong to what follows
        body = lines[start:end]
        opens = bool(body) and bool(body[0].strip()) and (literal or (term_allowed and not _ITEM.match(line)))
        if not opens:
            out.append(line)
            term_allowed = not line.strip()
            i += 1
            continue
        depth = min(_indent(b) for b in body if b.strip())
        body = [b[depth:] if b.strip() else "" for b in body]
        if literal:
            lead = line.rstrip()[:-2].rstrip()
            out += ([lead + ":", ""] if lead else []) + ["```", *body, "```"]
        else:
            out += [f"- {line.strip()}: {body[0]}"] + [f"  {b}" if b else "" for b in body[1:]]
        term_allowed = not literal
        i = end
    return out


def markdown(text: str) -> str:
    """The reStructuredText of a docstring as Markdown: roles and inline literals as code, literal blocks fenced,
    definition lists as bulleted terms. Other markup (emphasis, lists, paragraphs) is the same in both."""
    lines = _blocks(text.split("\n"))
    fenced = False
    for n, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines[n] = _LITERAL.sub(lambda m: _code(m["code"]), _ROLE.sub(_reference, line))
    return "\n".join(lines)


def _node(stock: str | None) -> str:
    return stock or OUTSIDE


def diagram() -> str:
    """Mermaid flowchart of stocks (boxes), sinks (rounded) and flows (arrows)."""
    lines = ["```mermaid", "flowchart LR"]
    lines.append(f"    {OUTSIDE}(((outside the model)))")
    for stock in structure.STOCKS:
        lines.append(f"    {stock}[{stock}]")
    for sink in structure.SINKS:
        lines.append(f"    {sink}([{sink}])")
    for flow in structure.FLOWS:
        style = "-.->" if flow.demand else "-->"
        lines.append(f"    {_node(flow.origin)} {style}|{flow.name}| {_node(flow.target)}")
    lines.append("```")
    return "\n".join(lines)


def flow_table() -> str:
    rows = ["| flow | from | to | sources | rate set by | description | parameters |",
            "|---|---|---|---|---|---|---|"]
    for f in structure.FLOWS:
        kind = "demand (limited, shortfall reported)" if f.demand else "fraction of its stock or a fixed inflow"
        rows.append(f"| `{f.name}` | {_node(f.origin)} | {f.target} | {', '.join(f.sources)} | {kind} | "
                    f"{f.description} | {', '.join(f'`{p}`' for p in f.parameters)} |")
    return "\n".join(rows)


def parameter_table(params: ParameterSet) -> str:
    rows = ["| key | value | unit | range | source | date |", "|---|---|---|---|---|---|"]
    for key, row in params.table().iterrows():
        span = f"{row['low']} – {row['high']}" if row["low"] else ""
        rows.append(f"| `{key}` | {row['value']} | {row['unit']} | {span} | {row['source']} | {row['date']} |")
    return "\n".join(rows)


def model_markdown(params: ParameterSet) -> str:
    """The text of ``docs/MODEL.md``."""
    return "\n\n".join([
        "# The model\n\n*Generated by `manpower docs` from the code and the registry; do not edit by hand.*",
        "## Stocks\n\n" + markdown(inspect.cleandoc("Two levels of force." + structure.__doc__.split(
            "Two levels of force.")[1])),
        "## Flows\n\nEach flow takes people from one stock and gives them to another, so headcount is "
        "conserved by construction. Dashed arrows are demand flows.\n\n" + diagram() + "\n\n" + flow_table(),
        "## Equations\n\n" + description.markdown(),
        "## Integration\n\n" + markdown(inspect.cleandoc(engine.__doc__.split("\n", 1)[1])),
        "## The model in other tools\n\n`manpower export` (Python: `model.export`) writes the model of a scenario, "
        "or of one Monte Carlo draw (`--draw RUN` with the `--n`, `--seed` and `--method` of `manpower uncertainty`), "
        "as a Vensim file (`.mdl`) or an XMILE file (`.xmile`), with every equation above, the parameters' values "
        "with their sources, the schedules as lookups over time and the integration settings. "
        "`python -m pytest tests/interchange` runs the exported files in PySD against this engine.\n\n"
        + interchange.GUIDE,
        "## Parameters (baseline)\n\nEvery value with its unit, plausible range and source; "
        "`manpower params --format csv` adds the quote, the assumption and the URL.\n\n" + parameter_table(params),
    ]) + "\n"
