"""Fixtures of the input layer's tests."""

from __future__ import annotations

import pytest

from .provenance import stored_source_texts


@pytest.fixture(scope="module")
def source_texts() -> str:
    """The stored sources' texts, normalised (:func:`.provenance.stored_source_texts`)."""
    return stored_source_texts()
