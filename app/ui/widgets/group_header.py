"""Column headers with a group written once across its columns (デイサービス over its three
kinds), above each column's own label, as on the paper sheet. The model gives each section's
group through GROUP_ROLE; a section without one is drawn as usual."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader

GROUP_ROLE = Qt.ItemDataRole.UserRole + 10


class GroupHeader(QHeaderView):
    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

    def _group(self, section: int) -> str:
        model = self.model()
        return (model.headerData(section, Qt.Orientation.Horizontal, GROUP_ROLE) or "") if model else ""

    def _span(self, section: int) -> tuple[int, int]:
        group = self._group(section)
        first = last = section
        while first > 0 and self._group(first - 1) == group:
            first -= 1
        while last + 1 < self.count() and self._group(last + 1) == group:
            last += 1
        return first, last

    def sectionSizeFromContents(self, section: int) -> QSize:
        size = super().sectionSizeFromContents(section)
        if self._group(section):
            size.setHeight(size.height() + self.fontMetrics().lineSpacing() + 8)
        return size

    def paintSection(self, painter, rect: QRect, section: int) -> None:
        group = self._group(section)
        if not group:
            super().paintSection(painter, rect, section)
            return
        half = rect.height() // 2
        first, last = self._span(section)
        left = self.sectionViewportPosition(first)
        right = self.sectionViewportPosition(last) + self.sectionSize(last)
        parts = ((QRect(left, rect.top(), right - left, half), group),
                 (QRect(rect.left(), rect.top() + half, rect.width(), rect.height() - half),
                  self.model().headerData(section, Qt.Orientation.Horizontal)))
        painter.save()
        painter.setClipRect(rect)  # each section draws its own slice of the shared group cell
        for part, text in parts:
            option = QStyleOptionHeader()
            self.initStyleOption(option)
            option.rect, option.section, option.text = part, section, text
            option.textAlignment = Qt.AlignmentFlag.AlignCenter
            option.position = QStyleOptionHeader.SectionPosition.Middle
            self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        painter.restore()
