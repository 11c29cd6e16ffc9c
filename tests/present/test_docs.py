"""Generated documentation stays in step with the code and the registry, and is Markdown throughout."""

import re
from pathlib import Path

import pytest

from model.present.docs import markdown, model_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "MODEL.md"


def test_model_docs_match_the_code(baseline):
    assert DOCS.read_text(encoding="utf-8") == model_markdown(baseline), "run `manpower docs` to regenerate"



@pytest.mark.parametrize("rst, expected", [
    (":func:`flow_rates` evaluates", "`flow_rates()` evaluates"),
    (":meth:`Explorer.update`", "`Explorer.update()`"),
    (":func:`run(params)`", "`run(params)`"),
    (":func:`~model.dynamics.equations.flow_rates`", "`flow_rates()`"),
    (":class:`~model.present.report.Findings`", "`Findings`"),
    (":mod:`model.core.structure` declares", "`model.core.structure` declares"),
    (":data:`BLOCK` and :attr:`Trajectory.fallbacks`", "`BLOCK` and `Trajectory.fallbacks`"),
    (":func:`the flow rates <model.dynamics.equations.flow_rates>`", "`the flow rates`"),
    (":py:class:`!Observations`", "`Observations`"),
    ("when ``rate · dt <= 1`` holds", "when `rate · dt <= 1` holds"),
    ('``"euler"`` and ``"rk4"``', '`"euler"` and `"rk4"`'),
    ("``a ` b``", "`` a ` b ``"),
    ("plain *emphasis*, **strong** and `one`", "plain *emphasis*, **strong** and `one`"),
])
def test_roles_and_inline_literals_become_markdown_code(rst, expected):
    assert markdown(rst) == expected


def test_a_definition_list_becomes_a_bulleted_list_and_lists_stay_lists():
    rst = ("``pool``\n    People not yet recruited:\n    reservists (``mobilized``).\n``front``\n    Deployed.\n\n"
           "Sinks never empty.\nA second line.\n\n- an item\n  continued\n1. **Rule.** text\n   more")
    assert markdown(rst) == ("- `pool`: People not yet recruited:\n  reservists (`mobilized`).\n"
                             "- `front`: Deployed.\n\nSinks never empty.\nA second line.\n\n"
                             "- an item\n  continued\n1. **Rule.** text\n   more")


def test_a_literal_block_is_fenced_and_left_as_it_is():
    rst = "For example::\n\n    x = ``y``  # :func:`f`\n      indented\n\nAfter ``z``.\n\n::\n\n    raw"
    assert markdown(rst) == ("For example:\n\n```\nx = ``y``  # :func:`f`\n  indented\n```\n\nAfter `z`.\n\n"
                             "```\nraw\n```")


def test_no_restructuredtext_is_left_in_the_generated_docs(baseline):
    text = model_markdown(baseline)
    assert not re.search(r":[a-z]+:`|(?<!`)``(?!`)", text)
