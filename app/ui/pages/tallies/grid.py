"""The 集計表's grid: 町内会名 frozen on the left, the 合計 row frozen at the bottom, group
headers as on the paper sheet, and the keys Excel users expect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeySequence, QPen
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QSizePolicy,
    QStyledItemDelegate,
    QWidget,
)

from app.services.tallies import LABEL_COL
from app.ui.pages.tallies.table_model import TallyModel
from app.ui.widgets.frozen_table import FrozenColumnView
from app.ui.widgets.group_header import GroupHeader

if TYPE_CHECKING:
    from app.ui.pages.tallies.page import TalliesPage


class MarkDelegate(QStyledItemDelegate):
    """A refused cell keeps a red frame even while selected (the selection colour would
    otherwise hide its red background)."""

    def paint(self, painter, option, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        model = index.model()
        if (index.row(), index.column()) in getattr(model, "marks", {}):
            painter.save()
            painter.setPen(QPen(QColor("#b00020"), 3))
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
            painter.restore()


class TallyTable(FrozenColumnView):
    """The grid: 町内会名 frozen on the left, the 合計 row frozen at the bottom (a footer view
    over the same model, kept in the viewport's bottom margin and scrolled with it), and the
    keys Excel users expect: Ctrl+V pastes a block, Ctrl+C copies one, Delete clears the
    selection, Enter saves and moves down."""

    def __init__(self, page: TalliesPage) -> None:
        super().__init__()
        self.page = page
        self.setItemDelegate(MarkDelegate(self))
        self.setHorizontalHeader(GroupHeader())
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.connect_header()
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.footer = FrozenColumnView(self)
        self.footer.horizontalHeader().hide()
        self.footer.setFrameShape(QFrame.Shape.NoFrame)
        self.footer.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.footer.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.footer.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.footer.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.footer.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.footer.connect_header()
        self.horizontalScrollBar().valueChanged.connect(self.footer.horizontalScrollBar().setValue)
        self.horizontalHeader().sectionResized.connect(
            lambda section, _old, new: self.footer.setColumnWidth(section, new))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.commit_ok = True

    def setModel(self, model: TallyModel) -> None:
        super().setModel(model)
        self.footer.setModel(model)
        # Connected last, so it runs after every view has handled the reset itself.
        model.modelReset.connect(self.split_rows)
        model.dataChanged.connect(self.fit)
        self.split_rows()

    def split_rows(self) -> None:
        """Data rows in the grid, the 合計 row in the footer."""
        last = self.model().rowCount() - 1
        for row in range(last + 1):
            self.set_row_hidden(row, row == last)
            self.footer.set_row_hidden(row, row != last)
        self.fit()

    def fit(self) -> None:
        """Column widths from every row (the totals too) and the header, in the current font;
        the footer takes the same widths so its totals sit under their columns."""
        model = self.model()
        if model is None or model.tally is None:
            return
        header = self.horizontalHeader()
        plain = self.fontMetrics()
        bold_font = QFont(self.font())
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        pad = plain.horizontalAdvance("0") * 2
        row_height = bold.height() + plain.height() * 2 // 3
        if self.verticalHeader().defaultSectionSize() != row_height:
            self.set_row_height(row_height)
            self.footer.set_row_height(row_height)
        least = plain.horizontalAdvance("999") + pad
        for col in range(model.columnCount()):
            width = max(header.sectionSizeHint(col), least)
            for row in range(model.rowCount()):
                text = model.data(model.index(row, col)) or ""
                metrics = bold if row == model.data_rows else plain
                width = max(width, metrics.horizontalAdvance(text) + pad)
            self.setColumnWidth(col, width)
            self.footer.setColumnWidth(col, width)
        self.footer.frozen.setColumnWidth(LABEL_COL, self.columnWidth(LABEL_COL))
        self.updateGeometries()
        self.setMaximumHeight(self.content_height())
        self.updateGeometry()  # the layout asks sizeHint again: rows may have come or gone

    def _footer_height(self) -> int:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return 0
        return self.footer.rowHeight(model.rowCount() - 1) + 2

    def updateGeometries(self) -> None:
        super().updateGeometries()
        footer = getattr(self, "footer", None)
        if footer is None:
            return
        margins = self.viewportMargins()
        height = self._footer_height()
        if margins.bottom() != height:
            self.setViewportMargins(margins.left(), margins.top(), margins.right(), height)
        view = self.viewport().geometry()
        footer.setGeometry(view.left(), view.bottom() + 1, view.width(), height)
        footer.horizontalScrollBar().setRange(self.horizontalScrollBar().minimum(),
                                              self.horizontalScrollBar().maximum())
        footer.horizontalScrollBar().setValue(self.horizontalScrollBar().value())
        footer.place_frozen()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():  # the scroll bar may come or go
            self.setMaximumHeight(self.content_height())

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self.fit)  # 文字を大きく: widths follow the new font

    def content_height(self) -> int:
        """Header, every data row, the 合計 footer and the scroll bar: taller is only a gap."""
        model = self.model()
        rows = model.data_rows if model else 0
        return (self.horizontalHeader().sizeHint().height() + self.frameWidth() * 2
                + sum(self.rowHeight(r) for r in range(rows)) + self._footer_height()
                + (self.horizontalScrollBar().sizeHint().height() if self._needs_bar() else 0) + 2)

    def _needs_bar(self) -> bool:
        return self.horizontalHeader().length() > self.width() - self.frameWidth() * 2

    def _rows_height(self, rows: int) -> int:
        row = self.verticalHeader().defaultSectionSize()
        return min(self.content_height(),
                   self.horizontalHeader().sizeHint().height() + self.frameWidth() * 2
                   + row * (rows + 1) + self.horizontalScrollBar().sizeHint().height())

    def sizeHint(self) -> QSize:
        # Modest: the window's scroll area sizes pages by their preferred height, and a tall
        # hint would push the buttons below the fold. The layout grows the grid up to
        # content_height (its maximum) when there is room.
        return QSize(super().sizeHint().width(), self._rows_height(4))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._rows_height(2))

    # --- what is chosen ---------------------------------------------------------------------
    def anchor(self) -> tuple[int, int] | None:
        """Where a paste starts: the current cell, or the top-left of the selection."""
        ranges = self.selectionModel().selection() if self.selectionModel() else []
        current = self.currentIndex()
        if ranges:
            return (min(r.top() for r in ranges), min(r.left() for r in ranges))
        if current.isValid():
            return current.row(), current.column()
        return None

    def editable_selection(self) -> set[tuple[int, int]]:
        return {(i.row(), i.column()) for i in self.selectionModel().selectedIndexes()
                if self.model().is_editable(i.row(), i.column())}

    def selected_text(self) -> tuple[str, int]:
        """The selected block as Excel reads it (tabs and line breaks, plain numbers), and how
        many cells it holds."""
        indexes = self.selectionModel().selectedIndexes()
        if not indexes:
            return "", 0
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        text = "\n".join("\t".join(self.model().raw_text(r, c) if (r, c) in chosen else ""
                                   for c in range(cols[0], cols[-1] + 1))
                         for r in range(rows[0], rows[-1] + 1)) + "\n"
        return text, len(chosen)

    # --- keys ---------------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:
        if self.state() != QAbstractItemView.State.EditingState:
            if event.matches(QKeySequence.StandardKey.Paste):
                self.page.paste()
                return
            if event.matches(QKeySequence.StandardKey.Copy):
                self.page.copy()
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.page.clear_selection()
                return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint) -> None:
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache and self.commit_ok:
            current = self.currentIndex()
            below = current.sibling(current.row() + 1, current.column())
            if below.isValid() and self.model().is_editable(below.row(), below.column()):
                self.setCurrentIndex(below)
