"""The casualty record's strict row check (what ``manpower update`` runs first); its refusals are in
``tests/present/test_update.py`` and the malformed corpus."""

from __future__ import annotations

from model.inputs.record_rows import check_record_rows
from model.inputs.start import following_month
from model.series.record import load_record

from ..synthetic import append_synthetic_month

CSV = "observed/uk_mod_monthly_casualties.csv"


def test_the_shipped_record_passes_and_its_months_are_the_records(params_copy):
    months = check_record_rows(params_copy / CSV)
    assert months == [str(m) for m in load_record("uk_mod_monthly_casualties", params_copy).months]


def test_an_appended_month_and_a_trailing_blank_line_pass(params_copy):
    before = check_record_rows(params_copy / CSV)
    appended = append_synthetic_month(params_copy / CSV)
    with (params_copy / CSV).open("a", encoding="utf-8") as file:
        file.write("\n")
    assert appended == following_month(before[-1])
    assert check_record_rows(params_copy / CSV) == before + [appended]
