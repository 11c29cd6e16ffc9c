"""Generated documentation stays in step with the code and the registry."""

from pathlib import Path

from model.present.docs import model_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "MODEL.md"


def test_model_docs_match_the_code(baseline):
    assert DOCS.read_text(encoding="utf-8") == model_markdown(baseline), "run `manpower docs` to regenerate"

