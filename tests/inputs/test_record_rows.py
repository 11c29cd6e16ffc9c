"""The casualty record's strict row check (what ``manpower update`` runs first); its refusals are in
``tests/present/test_update.py`` and the malformed corpus."""

from __future__ import annotations

import pytest

from model.errors import InputError
from model.inputs.observed import load_observed
from model.inputs.record_rows import check_record_rows
from model.inputs.start import data_end, following_month
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


def _header_only(text: str) -> str:
    return text.splitlines(keepends=True)[0]


def _last_two_swapped(text: str) -> str:
    lines = text.strip().splitlines()
    return "\n".join(lines[:-2] + [lines[-1], lines[-2]]) + "\n"


def _repeated_last(text: str) -> str:
    return text + text.strip().splitlines()[-1] + "\n"


@pytest.mark.parametrize("change", [_header_only, _last_two_swapped, _repeated_last])
def test_every_reader_of_the_record_refuses_a_malformed_one_alike(params_copy, change):
    """The strict row check, every command's observed series and the default start: one message."""
    path = params_copy / CSV
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    refusals = []
    for read in (lambda: check_record_rows(path), lambda: load_observed(params_copy), lambda: data_end(params_copy)):
        with pytest.raises(InputError) as caught:
            read()
        refusals.append(str(caught.value))
    assert len(set(refusals)) == 1, refusals
