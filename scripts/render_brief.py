"""Render a brief to PNG for a look: its PDF pages (WeasyPrint, pypdfium2) and the HTML page (headless Chromium).

    python scripts/render_brief.py results/brief.html [--out results/brief-pages] [--pages 6]

writes ``brief.pdf`` beside the PNGs, ``page-01.png``, ... (the first ``--pages`` printed A4 pages) and, when a
``chromium`` (or ``chromium-browser``, ``google-chrome``) is on the PATH, ``screen.png``: the page as a browser
shows it, 1200 pixels wide. It prints the page on which each section of the brief starts and the page count, so
the length of the brief before its appendix can be read off. CI need not have a browser: the PDF pages alone
are rendered with pip-installed libraries (the extra ``pdf``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

SECTIONS = ("answer", "scenarios", "account", "drivers", "caveats", "appendix", "parameters")
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def render_pdf(html: Path, out: Path, pages: int) -> None:
    import pypdfium2

    from model.present import pdf

    document = pdf.layout(html.read_text(encoding="utf-8"), base_url=str(html.parent))
    starts = pdf.first_pages(document)
    target = out / "brief.pdf"
    document.write_pdf(target)
    for index, page in enumerate(pypdfium2.PdfDocument(target)):
        if index >= pages:
            break
        page.render(scale=1.5).to_pil().save(out / f"page-{index + 1:02d}.png")
    print(f"{target}: {len(document.pages)} pages; sections start on pages "
          + ", ".join(f"{name} {starts[name]}" for name in SECTIONS if name in starts))


def render_screen(html: Path, out: Path) -> None:
    browser = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if browser is None:
        print("no Chromium on the PATH: screen.png not made")
        return
    target = out / "screen.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--window-size=1200,2400", f"--screenshot={target}",
                    html.resolve().as_uri()], check=True, capture_output=True, timeout=120)
    print(f"{target}: the page as a browser shows it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path)
    parser.add_argument("--out", type=Path, help="folder for the PNGs (default: beside the HTML, NAME-pages)")
    parser.add_argument("--pages", type=int, default=6, help="printed pages to render (default 6)")
    args = parser.parse_args()
    out = args.out or args.html.with_name(args.html.stem + "-pages")
    out.mkdir(parents=True, exist_ok=True)
    render_pdf(args.html, out, args.pages)
    render_screen(args.html, out)


if __name__ == "__main__":
    main()
