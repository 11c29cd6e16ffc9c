"""The brief as a PDF: the same HTML page laid out on A4 by WeasyPrint (the optional extra ``pdf``).

WeasyPrint renders HTML and CSS to PDF in Python, with the stylesheet's ``@page`` rules (A4, margins, page
numbers); it needs the Pango text library, which most Linux desktops and servers have (Debian and Ubuntu:
``libpango-1.0-0 libpangoft2-1.0-0``; macOS: ``brew install pango``). When either is missing, :func:`check_available`
raises an :class:`~model.errors.InputError` naming what to install, before any run.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..results.io import atomic_write

#: Output suffixes written as PDF; every other suffix gets the HTML page.
PDF_SUFFIXES = (".pdf",)
_INSTALL = "pip install 'manpower-model[pdf]'"
_PANGO = "the Pango library (Debian/Ubuntu: apt install libpango-1.0-0 libpangoft2-1.0-0; macOS: brew install pango)"


def wants_pdf(out: Path) -> bool:
    """Whether ``out`` names a PDF file."""
    return Path(out).suffix.lower() in PDF_SUFFIXES


def check_available(option: str = "--out") -> None:
    """Refuse, in one line naming what to install, when WeasyPrint or the system library it needs is missing."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        raise InputError(option, "pdf", f"PDF output needs WeasyPrint: {_INSTALL}") from None
    except OSError as exc:  # WeasyPrint is there, the text library it loads is not
        raise InputError(option, "pdf", f"PDF output needs {_PANGO} ({str(exc).splitlines()[0]})") from None


def layout(html: str, base_url: str | None = None):
    """``html`` (a self-contained page) laid out on A4: a WeasyPrint document, to write or to measure."""
    check_available()
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url).render()


def write_pdf(html: str, out: Path) -> Path:
    """Lay ``html`` out on A4 and write it to ``out`` atomically; the path written."""
    document = layout(html, base_url=str(Path(out).parent))
    return atomic_write(Path(out), lambda tmp: document.write_pdf(tmp))


def first_pages(page) -> dict[str, int]:
    """The page (1-based) on which each element with an id first appears when ``page`` (HTML text, or a document
    from :func:`layout`) is laid out on A4: how the brief's length before its appendix is measured."""
    document = layout(page) if isinstance(page, str) else page
    pages: dict[str, int] = {}
    for number, laid_out in enumerate(document.pages, start=1):
        for anchor in laid_out.anchors:
            pages.setdefault(anchor, number)
    return pages
