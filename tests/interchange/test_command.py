"""``manpower export``: the file it writes, its format from the suffix, standard output."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from model.cli import main


def test_export_writes_the_format_its_file_name_asks_for(tmp_path, capsys):
    out = tmp_path / "models" / "dprk.xmile"
    assert main(["export", "--scenario", "dprk_surge", "--months", "6", "--out", str(out)]) == 0
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    assert root.tag.endswith("xmile")
    assert "Wrote" in capsys.readouterr().out
    assert [p.name for p in out.parent.iterdir()] == ["dprk.xmile"]  # nothing else, no temporary left


def test_a_draw_is_written_beside_the_central_export_not_over_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--months", "2"]) == 0
    assert main(["export", "--months", "2", "--draw", "1", "--n", "4"]) == 0
    written = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert written == ["model_baseline.mdl", "model_baseline_draw1.mdl"]
    assert "run 1 of a 4-run" in (tmp_path / "results" / "model_baseline_draw1.mdl").read_text(encoding="utf-8")


def test_export_to_standard_output_and_a_draw(capsys):
    assert main(["export", "--months", "3", "--draw", "2", "--n", "4", "--seed", "5", "--out", "-"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("{UTF-8}") and "INTEG(" in text and "FINAL TIME = 3" in text
