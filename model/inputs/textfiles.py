"""Reading the project's text files (YAML, CSV): every way a file can be unreadable is one line.

:func:`read_text` reads a file as UTF-8; :func:`read_yaml` parses it as YAML with a stricter safe
loader (:class:`Loader`: duplicate keys refused, ``5e4`` a number, dates kept as text).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from .paths import display


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; a missing file, a folder, a binary or non-UTF-8 file raise :class:`InputError`."""
    where = display(path)
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(where, "(file)", "file not found") from None
    except IsADirectoryError:
        raise InputError(where, "(file)", "expected a file, got a directory") from None
    except UnicodeDecodeError as exc:
        raise InputError(where, "(file)", f"expected UTF-8 text, got a byte that is not UTF-8 at offset {exc.start} "
                                          "(a binary file, or text saved in another encoding)") from None
    except OSError as exc:
        raise InputError(where, "(file)", f"expected a readable file ({exc.strerror or exc})") from None


#: PyYAML's safe loader, the C implementation where libyaml is installed (several times faster).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
#: A number in e-notation without a decimal point (``5e4``): YAML 1.1 reads it as text, people mean a number.
_E_NOTATION = re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")


class _DuplicateKey(yaml.constructor.ConstructorError):
    """A mapping gives the same key twice (PyYAML would silently keep the last)."""

    def __init__(self, key: Any, mark: Any):
        super().__init__(None, None, f"expected each key once in a mapping, got {key!r} twice", mark)
        self.key = key


class Loader(_SAFE_LOADER):
    """The safe loader, stricter: duplicate keys are refused, ``5e4`` is a number, dates stay text."""

    yaml_implicit_resolvers = {first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
                               for first, resolvers in _SAFE_LOADER.yaml_implicit_resolvers.items()}

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if key in seen:
                    raise _DuplicateKey(key, key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


Loader.add_implicit_resolver("tag:yaml.org,2002:float", _E_NOTATION, list("-+0123456789"))


def load_yaml(text: str) -> Any:
    """Parse YAML text with :class:`Loader`; raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=Loader)  # noqa: S506 (a safe loader, in C where libyaml is present)


def read_yaml(path: Path) -> Any:
    """Read a YAML file safely; a missing, unreadable, binary or malformed file becomes a one-line :class:`InputError`."""
    where = display(path)
    text = read_text(path)
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}" if mark else "(file)"
        if isinstance(exc, _DuplicateKey):
            raise InputError(where, at, exc.problem) from None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(where, at, f"expected valid YAML ({problem})") from None
