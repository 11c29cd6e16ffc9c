"""Reading the project's text files (YAML, CSV): every way a file can be unreadable is one line."""

from __future__ import annotations

from pathlib import Path

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
