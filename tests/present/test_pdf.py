"""The brief as a PDF: written for real, about four pages before its appendix, and a clear line when it cannot be."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from model.cli import main
from model.present import pdf
from model.present.report import report

pytest.importorskip("weasyprint", reason="the pdf extra is not installed")

#: Printed A4 pages the brief may take before its appendix ("around four").
BRIEF_PAGES = 4


def test_a_pdf_out_writes_a_pdf_with_the_brief(tmp_path):
    import pypdfium2

    path = report(["baseline", "high_intensity"], n=100, seed=2, months=12, sobol_n=32, out=tmp_path / "b.pdf")
    assert path.read_bytes()[:5] == b"%PDF-" and [p.name for p in tmp_path.iterdir()] == ["b.pdf"]
    document = pypdfium2.PdfDocument(path)
    first = document[0]
    assert "Can Russia keep feeding" in first.get_textpage().get_text_range()
    pixels = np.asarray(first.render(scale=0.5).to_pil().convert("L"))
    assert (pixels < 128).mean() > 0.01  # the page has ink on it


def test_the_brief_takes_about_four_pages_before_its_appendix(tmp_path):
    """Every shipped scenario over the default horizon: the sections of the brief on their pages, the appendix
    after them."""
    path = report(None, n=200, seed=0, sobol_n=32, out=tmp_path / "brief.html")
    pages = pdf.first_pages(path.read_text(encoding="utf-8"))
    assert pages["answer"] == 1
    assert pages["answer"] <= pages["scenarios"] <= pages["account"] <= pages["drivers"] <= pages["caveats"]
    assert pages["appendix"] - 1 <= BRIEF_PAGES


def test_without_weasyprint_the_command_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint raises ImportError
    assert main(["report", "--scenarios", "baseline", "--out", str(tmp_path / "brief.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'manpower-model[pdf]'" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
