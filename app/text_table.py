"""Plain-text tables for the command line, lined up in a terminal where 全角 takes two columns."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Columns a terminal gives the text: 全角 characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def text_table(rows: Sequence[Sequence[str]], right_from: int = 1) -> str:
    """First column(s) left-aligned, the rest (numbers) right-aligned, two spaces between."""
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(_pad(cell, widths[i], i >= right_from)
                               for i, cell in enumerate(row)).rstrip() for row in rows)
