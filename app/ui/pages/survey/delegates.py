"""The グラフ column: a bar as long as the percentage."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from app.ui.pages.survey.table_model import PERCENT_ROLE

BAR_COLOUR = QColor("#5b8fc7")


class BarDelegate(QStyledItemDelegate):
    """A bar as long as the percentage (the service's number), for reading at a glance."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        value = index.data(PERCENT_ROLE)
        if value is None:
            return
        rect = option.rect.adjusted(4, 6, -4, -6)
        painter.save()
        painter.fillRect(rect.x(), rect.y(), round(rect.width() * min(value, 100) / 100),
                         rect.height(), BAR_COLOUR)
        painter.restore()
