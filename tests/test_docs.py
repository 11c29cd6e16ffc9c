"""Generated documentation stays in step with the code and the registry."""

from pathlib import Path

from model.docs import diagram, model_markdown
from model.structure import FLOWS

DOCS = Path(__file__).resolve().parent.parent / "docs" / "MODEL.md"


def test_model_docs_match_the_code(baseline):
    assert DOCS.read_text(encoding="utf-8") == model_markdown(baseline), "run `manpower docs` to regenerate"


def test_diagram_draws_every_flow():
    text = diagram()
    for flow in FLOWS:
        assert f"|{flow.name}|" in text
