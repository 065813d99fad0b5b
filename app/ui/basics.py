"""The two smallest building blocks, kept apart so the first window paints without loading
every Qt class the dialogs need."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton


def label(text: str, role: str | None = None, *, wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    return widget


def button(text: str, slot: Callable[[], Any] | None = None, *, role: str | None = None,
           tip: str = "") -> QPushButton:
    """Words on every button (no icon without a word), and a tooltip that says what it does."""
    widget = QPushButton(text)
    if role:
        widget.setProperty("role", role)
    widget.setToolTip(tip or text)
    if slot is not None:
        widget.clicked.connect(slot)
    return widget
