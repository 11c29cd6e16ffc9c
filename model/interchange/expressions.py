"""Equations written in the description's small language, rendered in Vensim's or XMILE's syntax.

The export's equations (:mod:`model.interchange.form`) are Python expressions over
the export's variable names, in the language of
:mod:`model.dynamics.description` plus one function: ``held(stock)``, a stock
read as its non-negative part. :func:`render` writes one in a target's syntax,
given which names are subscripted by recruitment source; a subscripted name is
written with the subscript (``x[source]``); ``total(...)`` is Vensim's ``SUM`` over
``source!``, and in XMILE the sum written out source by source (``x[volunteer] +
x[mobilized] + ...``): XMILE's own ``SUM(x[*])`` is not read by PySD, and this form is read by every tool. Both
add the sources in the engine's order.

========================  ==============================  ==============================
description               Vensim (MDL)                    XMILE
========================  ==============================  ==============================
``where(c, a, b)``        ``IF THEN ELSE(c, a, b)``       ``IF c THEN a ELSE b``
``maximum(a, b)``         ``MAX(a, b)``                   ``MAX(a, b)``
``exp(x)``                ``EXP(x)``                      ``EXP(x)``
``total(x)``              ``SUM(x)`` over ``source!``     ``x`` of each source, added
``inverse(x)``            ``IF THEN ELSE(x = 0, 0, 1 / x)`` (both: exactly the engine's rule;
                          Vensim's ZIDZ treats anything below 1e-6 as zero)
``held(x)``               ``MAX(x, 0)``                   ``MAX(x, 0)``
``a ** b``, ``a == b``    ``a ^ b``, ``a = b``            ``a ^ b``, ``a = b``
``t``, ``dt``             ``Time``, ``TIME STEP``         ``TIME``, ``integration_step``
========================  ==============================  ==============================

The initial time is 0, so the time since the run's start is the target's own time. In XMILE the step is
a constant of the model (``integration_step``, equal to the ``dt`` of its simulation specs) rather than the
builtin ``DT``, which PySD's XMILE translator does not read; change both together.
Numbers are written with Python's shortest round-trip repr, so the file holds
exactly the doubles the engine uses.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

from ..core.structure import SOURCES

#: Binary operators, with their precedence (higher binds tighter) and their text.
_OPERATORS = {ast.Add: (1, "+"), ast.Sub: (1, "-"), ast.Mult: (2, "*"), ast.Div: (2, "/"), ast.Pow: (4, "^")}
_COMPARISONS = {ast.Gt: ">", ast.Lt: "<", ast.GtE: ">=", ast.LtE: "<=", ast.Eq: "=", ast.NotEq: "<>"}
#: Functions of the language and the number of arguments each takes.
FUNCTIONS = {"where": 3, "maximum": 2, "exp": 1, "total": 1, "inverse": 1, "held": 1}


class ExpressionError(ValueError):
    """An equation uses something the export cannot write (a programming error in the model's description)."""


@dataclass(frozen=True)
class Dialect:
    """How one target writes what the language does not share between targets."""

    name: str
    time: str
    step: str
    subscript: str  #: the subscript inside an equation of a subscripted variable
    summed: str  #: the subscript inside ``SUM``; empty: the sum is written out source by source
    conditional: str  #: ``where`` as a template of ``{condition}``, ``{a}`` and ``{b}``

    def where(self, condition: str, a: str, b: str) -> str:
        return self.conditional.format(condition=condition, a=a, b=b)


MDL = Dialect("mdl", time="Time", step="TIME STEP", subscript="source", summed="source!",
              conditional="IF THEN ELSE({condition}, {a}, {b})")
XMILE = Dialect("xmile", time="TIME", step="integration_step", subscript="source", summed="",
                conditional="(IF {condition} THEN {a} ELSE {b})")


def names_in(expression: str) -> list[str]:
    """The variable names ``expression`` reads, in order of first appearance (functions and ``t``, ``dt`` left
    out)."""
    seen: list[str] = []
    for node in ast.walk(ast.parse(expression, mode="eval")):
        if isinstance(node, ast.Call):
            continue
        if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id not in ("t", "dt") \
                and node.id not in seen:
            seen.append(node.id)
    return seen


def rename(expression: str, names: Mapping[str, str]) -> str:
    """``expression`` with each name in ``names`` replaced by its value (a name or a call such as ``held(x)``)."""

    class _Renamer(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id in names:
                return ast.parse(names[node.id], mode="eval").body
            return node

        def visit_Call(self, node: ast.Call) -> ast.AST:
            node.args = [self.visit(a) for a in node.args]  # the function's own name is not a variable
            return node

    return ast.unparse(_Renamer().visit(ast.parse(expression, mode="eval")))


def render(expression: str, dialect: Dialect, subscripted: Mapping[str, bool]) -> str:
    """``expression`` in ``dialect``'s syntax; ``subscripted[name]`` says whether a variable runs along sources."""
    return _Renderer(dialect, subscripted).text(ast.parse(expression, mode="eval").body, dialect.subscript)


def is_subscripted(expression: str, subscripted: Mapping[str, bool]) -> bool:
    """Whether ``expression`` has a value per source: it reads a subscripted name outside ``total``."""

    def walk(node: ast.AST) -> bool:
        if isinstance(node, ast.Call) and node.func.id == "total":
            return False
        if isinstance(node, ast.Name):
            return subscripted.get(node.id, False)
        return any(walk(child) for child in ast.iter_child_nodes(node))

    return walk(ast.parse(expression, mode="eval").body)


@dataclass
class _Renderer:
    dialect: Dialect
    subscripted: Mapping[str, bool]

    def text(self, node: ast.AST, subscript: str, parent: int = 0) -> str:
        """``node`` as text; a subscripted name carries ``subscript``."""
        d = self.dialect
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value,
                                                                                                       bool):
            return number(node.value)
        if isinstance(node, ast.Name):
            if node.id == "t":
                return d.time
            if node.id == "dt":
                return d.step
            if node.id in FUNCTIONS:
                raise ExpressionError(f"{node.id} is a function, used as a value")
            if node.id not in self.subscripted:
                raise ExpressionError(f"unknown name {node.id!r}")
            if self.subscripted[node.id]:
                return f"{node.id}[{subscript}]"
            return node.id
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return self._grouped(f"-{self.text(node.operand, subscript, 3)}", 3, parent)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            precedence, symbol = _OPERATORS[type(node.op)]
            # Left-associative: the right operand of an operator of the same rank keeps its parentheses.
            left = self.text(node.left, subscript, precedence + (1 if isinstance(node.op, ast.Pow) else 0))
            right = self.text(node.right, subscript, precedence + (0 if isinstance(node.op, ast.Pow) else 1))
            return self._grouped(f"{left} {symbol} {right}", precedence, parent)
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARISONS:
            text = (f"{self.text(node.left, subscript, 1)} {_COMPARISONS[type(node.ops[0])]} "
                    f"{self.text(node.comparators[0], subscript, 1)}")
            return self._grouped(text, 0, parent)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
            return self._call(node, subscript)
        raise ExpressionError(f"cannot export {ast.unparse(node)!r}")

    def _call(self, node: ast.Call, subscript: str) -> str:
        name, args = node.func.id, node.args
        if len(args) != FUNCTIONS[name] or node.keywords:
            raise ExpressionError(f"{name} takes {FUNCTIONS[name]} argument(s): {ast.unparse(node)!r}")
        if name == "total":
            if subscript != self.dialect.subscript:
                raise ExpressionError(f"a total inside a total: {ast.unparse(node)!r}")
            if self.dialect.summed:
                return f"SUM({self.text(args[0], self.dialect.summed)})"
            return "(" + " + ".join(self.text(args[0], source, 2) for source in SOURCES) + ")"
        parts = [self.text(a, subscript) for a in args]
        if name == "where":
            condition = parts[0] if isinstance(args[0], ast.Compare) else f"{parts[0]} = 1"
            return self.dialect.where(condition, parts[1], parts[2])
        if name == "maximum":
            return f"MAX({parts[0]}, {parts[1]})"
        if name == "held":
            return f"MAX({parts[0]}, 0)"
        if name == "exp":
            return f"EXP({parts[0]})"
        # inverse: 1 / x, or 0 where x is 0
        return self.dialect.where(f"{parts[0]} = 0", "0", f"1 / {self._grouped(parts[0], 0, 3)}")

    @staticmethod
    def _grouped(text: str, precedence: int, parent: int) -> str:
        return f"({text})" if precedence < parent else text


def number(value: float) -> str:
    """A number as the shortest text that reads back as the same double (``0.25``, ``45000``, ``1e-05``)."""
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise ExpressionError(f"cannot export the number {value}")
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
