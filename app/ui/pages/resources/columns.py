"""How the list's columns are drawn and sized: a little air in every cell, schedules that wrap
only between their parts, and widths that share the table's room."""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QStyledItemDelegate

from app.ui.pages.resources.table_model import ResourceTableModel

SCHEDULE_BREAKS = re.compile(r" |(?<=又は)")


def fit_widths(natural: Sequence[int], minimum: Sequence[int], room: int) -> list[int]:
    """Column widths that fit `room`: natural when they fit, else the widest are capped at one
    level (water-filling) so no column is squeezed below its minimum."""
    if sum(natural) <= room:
        return list(natural)
    if sum(minimum) >= room:
        return list(minimum)
    low, high = 0, max(natural)
    while low < high:  # the highest cap whose total still fits
        cap = (low + high + 1) // 2
        total = sum(max(lo, min(n, cap)) for n, lo in zip(natural, minimum, strict=True))
        low, high = (cap, high) if total <= room else (low, cap - 1)
    return [max(lo, min(n, low)) for n, lo in zip(natural, minimum, strict=True)]


class PaddedDelegate(QStyledItemDelegate):
    """A little air around each cell (wrapped lines must not touch the grid), and schedules
    that wrap only between their parts. The model's text itself stays as printed."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        if index.column() == ResourceTableModel.SCHEDULE:
            option.text = index.data(ResourceTableModel.WRAPPED_ROLE) or ""

    def sizeHint(self, option, index) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 8, hint.height() + 10)
