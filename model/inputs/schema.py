"""Documents checked against pydantic schemas, every complaint as one line.

:class:`Strict` is the base of every file schema (unknown fields refused, instances frozen);
:func:`validated` checks a document (a mapping, or JSON text) against a schema and turns
pydantic's first complaint into one :class:`~model.errors.InputError` naming the file, the
dotted key and what was expected; :func:`parse_file` reads a YAML file and does the same, after
refusing NaN, infinity and numbers beyond :data:`model.inputs.limits.MAX_MAGNITUDE` anywhere in it.
This is the only module that catches pydantic's ``ValidationError``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import InputError
from . import limits
from .paths import display
from .textfiles import read_yaml

Schema = TypeVar("Schema", bound=BaseModel)


class Strict(BaseModel):
    """A file schema: unknown fields are refused, instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def validated(schema: type[Schema], document: Any, where: str, *, prefix: str = "", suffix: str = "",
              strict: bool | None = None, from_json: bool = False) -> Schema:
    """``document`` as an instance of ``schema``, or the first complaint as a one-line :class:`InputError`.

    ``document`` is a Python object, or JSON text (``bytes`` or ``str``) when ``from_json``; ``strict``
    is pydantic's (no coercion: a boolean or a text is not a number). The error reads
    ``where: prefix.key: what was expected`` followed by ``suffix``: of a union's failed branches, the
    one that got furthest is reported (an event's month, not "not a number"), and a wrong type says
    what was found.
    """
    try:
        if from_json:
            return schema.model_validate_json(document, strict=strict)
        return schema.model_validate(document, strict=strict)
    except ValidationError as exc:
        first = max(exc.errors(), key=lambda error: len(error["loc"]))
        found = f", got {first['input']!r}" if first["type"] in _TYPE_ERRORS else ""
        key = ".".join(part for part in (prefix, _location(first)) if part) or "(file)"
        raise InputError(where, key, _one_line(first) + found + suffix) from None


def parse_file(path: Path, schema: type[Schema], document: Any = None) -> Schema:
    """Validate a YAML file (or its already-read ``document``) against ``schema``; errors become :class:`InputError`.

    Validation is strict: where a number is expected, a boolean or a text is refused
    (YAML reads ``yes`` as true), and no number may be NaN, infinite or beyond
    :data:`model.inputs.limits.MAX_MAGNITUDE`.
    """
    where = display(path)
    if document is None:
        document = read_yaml(path)
    if not isinstance(document, dict):
        raise InputError(where, "(file)", f"expected a mapping at the top level, got {type(document).__name__}")
    _check_numbers(document, where)
    return validated(schema, document, where, strict=True)


def _check_numbers(document: Any, where: str, at: str = "") -> None:
    """Refuse NaN, infinity and numbers (float or int) beyond ``model.inputs.limits.MAX_MAGNITUDE`` anywhere in a document."""
    if isinstance(document, dict):
        for key, value in document.items():
            _check_numbers(value, where, f"{at}.{key}" if at else str(key))
    elif isinstance(document, list):
        for i, value in enumerate(document):
            _check_numbers(value, where, f"{at}[{i}]")
    elif isinstance(document, (int, float)) and not isinstance(document, bool):
        limits.magnitude(document, where, at or "(file)")


#: pydantic's labels of union branches in an error's location (``float``, ``list[Event]``, ``Linspace``, ...).
_UNION_BRANCH = re.compile(r"float|str|int|bool|\w+\[.*\]|[A-Z]\w*|function-.*")
#: pydantic error types that say "wrong type": the message then shows what was found.
_TYPE_ERRORS = {"float_type", "int_type", "string_type", "bool_type", "list_type", "dict_type", "model_type",
                "float_parsing", "int_parsing"}


def _location(error: dict) -> str:
    """Dotted key of a pydantic error, without pydantic's union-branch labels."""
    return ".".join(str(p) for p in error["loc"] if not _UNION_BRANCH.fullmatch(str(p)))


def _one_line(error: dict) -> str:
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] == "missing":
        return "required field is missing"
    return message.removeprefix("Value error, ")
