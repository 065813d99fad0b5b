"""ニーズを追加 / 直す: NEED_FIELDS and the resources a need is linked to, as one form."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QFrame, QLayout, QScrollArea, QVBoxLayout, QWidget

from app.services import needs
from app.ui.widgets import CheckGroup, FormDialog, FormField, form_fields

NO_NB = "（なし）"


def need_fields(store, neighbourhood_names: Iterable[str],
                resource_names: Iterable[str]) -> list[FormField]:
    """From needs.NEED_FIELDS and needs.RESOURCES_FIELD: labels, kinds and tips are declared
    there once; the choices read from the data are added here."""
    return form_fields((*needs.NEED_FIELDS, needs.RESOURCES_FIELD),
                       {"category": needs.category_names(store),
                        "neighbourhood": [NO_NB, *neighbourhood_names],
                        "resources": list(resource_names)})


def need_dialog(title: str, fields: list[FormField], values: dict[str, Any],
                save: Callable[[dict[str, Any]], Any], parent: QWidget) -> FormDialog:
    dialog = FormDialog(title, fields, values, save, parent)
    group = dialog.inputs["resources"]
    if isinstance(group, CheckGroup):
        _tidy_resource_choices(dialog, group)
    return dialog


def _tidy_resource_choices(dialog: FormDialog, group: CheckGroup) -> None:
    """The resources as two columns in a box of their own that scrolls, so a council with
    many resources still gets a dialog that fits the screen, nothing squeezed or cut."""
    grid = group.layout()
    for box in group.boxes.values():
        grid.removeWidget(box)
    for i, box in enumerate(group.boxes.values()):
        grid.addWidget(box, i // 2, i % 2)
    holder = next(layout for layout in dialog.findChildren(QVBoxLayout)
                  if layout.indexOf(group) >= 0)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.StyledPanel)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setToolTip(group.toolTip())
    holder.insertWidget(holder.indexOf(group), scroll)
    scroll.setWidget(group)
    rows = min(4, (len(group.boxes) + 1) // 2)
    # The style sheet's font is applied when shown; the application font has the same size.
    row_height = QFontMetrics(QApplication.font()).height() + 8
    scroll.setMinimumHeight(rows * (row_height + max(grid.verticalSpacing(), 4)) + 8)
    scroll.setMinimumWidth(group.sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 8)
    dialog.layout().setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
