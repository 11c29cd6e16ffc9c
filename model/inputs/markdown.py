"""A table as Markdown: the generated documents' (``docs/*.md``) one way of writing one."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd


def markdown_table(frame: pd.DataFrame, cell: Callable[[object], str] = str) -> str:
    """``frame`` as a Markdown table, its columns as the header and each value through ``cell``; no final newline."""
    head = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    return "\n".join(head + ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)])
