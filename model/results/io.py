"""Writing results to disk: atomically, so an interrupted write never leaves half a file."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import xarray as xr

from . import cf


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


@contextmanager
def _finished(path: Path, write: Callable[[Path], None]) -> Iterator[str]:
    """A temporary file beside ``path`` that ``write(tmp)`` has filled, readable as an ordinary file; removed at exit
    unless it was moved into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; results are ordinary files
        yield tmp
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _special(path: Path) -> bool:
    """Whether ``path`` (followed through symbolic links) exists and is not a regular file or a folder: a device,
    a FIFO or a socket, which a rename would replace by a file."""
    return path.exists() and not path.is_file() and not path.is_dir()


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it into place.

    A symbolic link is written through (its target is replaced, the link kept); a device, FIFO or socket is
    refused (:class:`~model.errors.InputError`), never replaced by a file."""
    from ..errors import InputError

    path = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    if _special(path):
        raise InputError("output", str(path), "expected a regular file to write, got a device, FIFO or socket")
    with _finished(path, write) as tmp:
        os.replace(tmp, path)
    return path


def atomic_create(path: Path, write: Callable[[Path], None]) -> Path:
    """Like :func:`atomic_write`, but never replace a file: when ``path`` exists, write ``STEM_2.SUFFIX`` (or
    ``_3``, ...), the first name free; return the path written. Linking the finished temporary file into place
    fails when the name is taken, so two writers racing for one name never overwrite each other."""
    path = Path(path)
    with _finished(path, write) as tmp:
        for copy in range(1, 10_000):
            target = path if copy == 1 else path.with_name(f"{path.stem}_{copy}{path.suffix}")
            try:
                os.link(tmp, target)
                return target
            except FileExistsError:
                continue
    raise FileExistsError(f"{path}: no free name among 9,999 suffixes")


@contextmanager
def all_or_none(paths: Iterable[str | Path]) -> Iterator[None]:
    """Run a block that writes the files ``paths``; when it fails (an exception or Ctrl-C), put each back as it was:
    one that existed copied back byte for byte with its modification time, one the block created removed, with any
    folder created for it. So a command writing several files leaves all of them or none."""
    paths = list(dict.fromkeys(Path(path).absolute() for path in paths))
    with tempfile.TemporaryDirectory(prefix="manpower-outputs-") as temporary:
        saved = {path: Path(temporary) / str(i) for i, path in enumerate(paths) if path.is_file()}
        folders = {parent for path in paths for parent in path.parents if not parent.exists()}
        for path, copy in saved.items():
            shutil.copy2(path, copy)
        try:
            yield
        except BaseException:
            for path in paths:
                if path in saved:
                    shutil.copy2(saved[path], path)
                else:
                    path.unlink(missing_ok=True)
            for created in sorted(folders, key=lambda folder: len(folder.parts), reverse=True):
                if created.is_dir() and not any(created.iterdir()):
                    created.rmdir()
            raise


def write_netcdf(ds: xr.Dataset, path: Path, command: str | None = None) -> Path:
    """Write a results dataset as NetCDF-4 (compressed), atomically.

    ``command`` (e.g. the command line that made the file) is prepended to the
    CF ``history`` attribute with a timestamp. Variable names must be usable as
    attributes (no dots: see :func:`model.results.cf.variable_name`).
    """
    dotted = [str(name) for name in ds.variables if "." in str(name)]
    if dotted:
        raise ValueError(f"variable names with dots: {', '.join(dotted)}; use model.results.cf.variable_name")
    if command is not None:
        attrs = dict(ds.attrs)
        cf.add_history(attrs, command)
        ds = ds.assign_attrs(attrs)
    encoding = {name: {"zlib": True, "complevel": 4} for name in ds.data_vars}
    return atomic_write(path, lambda tmp: ds.to_netcdf(tmp, engine="netcdf4", encoding=encoding))


#: The attribute of a matplotlib figure holding what its PNG's text chunks carry (``{key: text}``), set by
#: :func:`model.present.style.attach_metadata`: digests and seeds travel with the image, not in it.
FIGURE_METADATA = "png_metadata"


def png_metadata(fig, command: str | None = None) -> dict[str, str]:
    """The PNG text chunks of ``fig``: what it carries (:data:`FIGURE_METADATA`), its title and ``command``."""
    metadata = dict(getattr(fig, FIGURE_METADATA, {}))
    title = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    if title and "Title" not in metadata:
        metadata["Title"] = " ".join(title.split())
    if command:
        metadata["Command"] = command
    return metadata


def save_figure(fig, path: Path, dpi: int = 150, command: str | None = None) -> Path:
    """Save a matplotlib figure as PNG, atomically, with its :func:`png_metadata` (``command``: the command line
    that made it) as text chunks."""
    metadata = png_metadata(fig, command)
    return atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format="png", metadata=metadata))


def check_output(path: str | Path, where: str, file: bool = False, suffixes: tuple[str, ...] = ()) -> Path:
    """Refuse an output location that cannot be written, before any work; create nothing.

    ``path`` is a folder to write results into (``file=False``) or a file to
    write (``file=True``). Refused, with an :class:`~model.errors.InputError`
    naming ``where``: an empty path, a folder that is an existing file, a file
    that is an existing folder or a device, FIFO or socket (which writing would replace by a file), a path
    under an existing file, and a location
    whose nearest existing folder cannot be written (checked by creating and
    removing an anonymous temporary file there); with ``suffixes`` (e.g.
    ``(".html", ".pdf")``), a file name ending in none of them.
    """
    from ..errors import InputError

    text = str(path)
    if not text.strip():
        raise InputError(where, repr(text), "expected a path, got an empty one")
    path = Path(path)
    if file and path.is_dir():
        raise InputError(where, text, "expected a file name, got an existing folder")
    if file and _special(path):
        raise InputError(where, text, "expected a regular file to write, got a device, FIFO or socket")
    if suffixes and path.suffix.lower() not in suffixes:
        raise InputError(where, text, f"expected a file name ending in {' or '.join(suffixes)}")
    if not file and path.exists() and not path.is_dir():
        raise InputError(where, text, "expected a folder, got an existing file")
    existing = path if path.is_dir() else path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(where, text, f"expected a folder, but {existing} is a file")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        raise InputError(where, text, f"expected a location that can be written; {existing} cannot be "
                                      f"({exc.strerror or exc})") from None
    return path


def check_outputs(paths: Iterable[str | Path], where: str) -> list[Path]:
    """Refuse, before any work, the first of the files a command will write that cannot be written (see
    :func:`check_output`), so that a command writing several files writes all of them or none; create nothing.

    ``where`` names the option that chose their folder (``--out``); the message names the file.
    """
    return [check_output(path, where, file=True) for path in paths]
