"""A grid whose first column stays put while the rest scrolls sideways (the 集計表's 町内会名):
Qt's frozen-column pattern, a second view over the same model laid on top of column 0."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QTableView, QWidget

FROZEN_COL = 0


class FrozenColumnView(QTableView):
    """The view itself scrolls; `frozen` shows column 0 over it, sharing the model, the
    selection and the vertical scrolling."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().hide()
        # Row heights are set from the font (set_row_height), not measured cell by cell: a
        # restyle (文字を大きく) would otherwise ask every cell of four views again and again.
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setWordWrap(False)
        self.frozen = QTableView(self)
        self.frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.frozen.setFrameShape(QFrame.Shape.NoFrame)
        self.frozen.verticalHeader().hide()
        self.frozen.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.frozen.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.frozen.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.frozen.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.frozen.setWordWrap(False)
        self.viewport().stackUnder(self.frozen)
        self.frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self.frozen.verticalScrollBar().setValue)

    def connect_header(self) -> None:
        """Call after setHorizontalHeader: the frozen column follows the header's changes."""
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self.horizontalHeader().geometriesChanged.connect(self.place_frozen)

    def setModel(self, model: QAbstractTableModel) -> None:
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        model.modelReset.connect(self.reshape)
        self.reshape()

    def reshape(self) -> None:
        """After a model reset: only column 0 shows in the frozen view."""
        for col in range(self.model().columnCount()):
            self.frozen.setColumnHidden(col, col != FROZEN_COL)
        self.frozen.setColumnWidth(FROZEN_COL, self.columnWidth(FROZEN_COL))
        self.place_frozen()

    def set_row_height(self, height: int) -> None:
        for view in (self, self.frozen):
            view.verticalHeader().setMinimumSectionSize(height)
            view.verticalHeader().setDefaultSectionSize(height)

    def set_row_hidden(self, row: int, hidden: bool) -> None:
        self.setRowHidden(row, hidden)
        self.frozen.setRowHidden(row, hidden)

    def _section_resized(self, section: int, _old: int, new: int) -> None:
        if section == FROZEN_COL:
            self.frozen.setColumnWidth(FROZEN_COL, new)
            self.place_frozen()

    def place_frozen(self) -> None:
        header = self.horizontalHeader()
        top = 0 if header.isHidden() else header.height()
        self.frozen.horizontalHeader().setVisible(not header.isHidden())
        self.frozen.horizontalHeader().setFixedHeight(top)
        self.frozen.setGeometry(self.frameWidth(), self.frameWidth(), self.columnWidth(FROZEN_COL),
                                self.viewport().height() + top)
        self.frozen.raise_()  # above the scrolling header too, also after a restyle

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.place_frozen()

    def moveCursor(self, action, modifiers) -> QModelIndex:
        current = super().moveCursor(action, modifiers)
        width = self.frozen.columnWidth(FROZEN_COL)
        if (action == QAbstractItemView.CursorAction.MoveLeft and current.column() > FROZEN_COL
                and self.visualRect(current).topLeft().x() < width):
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() + self.visualRect(current).topLeft().x() - width)
        return current

    def scrollTo(self, index: QModelIndex,
                 hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        if index.column() > FROZEN_COL:
            super().scrollTo(index, hint)
