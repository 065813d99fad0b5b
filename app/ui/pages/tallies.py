"""集計表: the two crosstabs あんしんセンター hands over (サービスの利用内容, 高齢者ニーズ) as
grids that are typed into or pasted from Excel, with totals the service derives.

The grid's columns are the service's sheet columns (町内会名, 世帯数, one per category,
対象人数) plus a 合計 row at the bottom. Every change goes through the controller as one undo
step (a single cell, a whole pasted block, a cleared selection). Bad values are refused with
the message shown and the cell marked; the stored value stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeySequence, QPen
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionHeader,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError, ValidationError
from app.models import TALLY_KINDS
from app.services import tallies
from app.services.normalize import to_int
from app.services.tallies import (
    FIRST_COUNT_COL,
    HOUSEHOLDS_COL,
    LABEL_COL,
    BlockError,
    CrosstabDTO,
)
from app.ui.pages.base import Page
from app.ui.widgets import FormDialog, FormField, button, confirm_delete, label, wareki

NOTE = "対象人数は人数です。一人が複数の項目に数えられるため、行の合計とは一致しません。"
SHORT_KIND = {"service_use": "サービスの利用内容", "needs": "高齢者ニーズ"}
TOTAL_LABEL = "合計"

BAD = QColor("#ffd6d6")
READ_ONLY = QColor("#eeeeee")
TOTAL = QColor("#dde7f2")


GROUP_ROLE = Qt.ItemDataRole.UserRole + 10


def header_text(text: str) -> str:
    """Two short lines instead of one wide one (居場所・ over 運動, 移動 over 手段), so the twelve
    needs columns fit the window."""
    if "・" in text and len(text) > 4:
        head, tail = text.split("・", 1)
        return f"{head}・\n{tail}"
    if len(text) >= 4 and "\n" not in text:
        half = (len(text) + 1) // 2
        return f"{text[:half]}\n{text[half:]}"
    return text


def period_text(t: CrosstabDTO) -> str:
    if not (t.period_from or t.period_to):
        return "期間: （未入力）"
    return f"期間: {wareki(t.period_from)}〜{wareki(t.period_to)}"


class TallyModel(QAbstractTableModel):
    """One tally as the sheet: data rows then the 合計 row. `commit(row, col, text)` saves a
    typed cell and returns True, or marks the cell and returns False."""

    def __init__(self, commit: Callable[[int, int, str], bool], parent=None) -> None:
        super().__init__(parent)
        self.tally: CrosstabDTO | None = None
        self.marks: dict[tuple[int, int], str] = {}
        self._commit = commit

    # --- shape ------------------------------------------------------------------------------
    def set_tally(self, tally: CrosstabDTO | None) -> None:
        """Same table, same shape: update in place, so the current cell and an open editor
        survive a save; anything else resets the grid."""
        old = self.tally
        same = (old is not None and tally is not None and old.id == tally.id
                and len(old.rows) == len(tally.rows) and len(old.columns) == len(tally.columns))
        if same:
            self.tally = tally
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
            return
        self.beginResetModel()
        self.tally = tally
        self.marks.clear()
        self.endResetModel()

    @property
    def data_rows(self) -> int:
        return len(self.tally.rows) if self.tally else 0

    @property
    def target_col(self) -> int:
        return tallies.target_col(self.tally) if self.tally else 0

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.tally is None else self.data_rows + 1

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self.tally is None else len(self.tally.columns) + 3

    def is_editable(self, row: int, col: int) -> bool:
        return row < self.data_rows and col >= FIRST_COUNT_COL

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.isValid() and self.is_editable(index.row(), index.column()):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    # --- values -----------------------------------------------------------------------------
    def value(self, row: int, col: int) -> int | str | None:
        """The stored (or derived, on the 合計 row) value of a cell."""
        t = self.tally
        if row == self.data_rows:
            if col == LABEL_COL:
                return TOTAL_LABEL
            if col == HOUSEHOLDS_COL:
                return t.totals.households
            if col == self.target_col:
                return t.totals.persons
            return t.totals.columns[col - FIRST_COUNT_COL]
        r = t.rows[row]
        if col == LABEL_COL:
            return r.label
        if col == HOUSEHOLDS_COL:
            return r.households
        if col == self.target_col:
            return r.target_persons
        return r.counts[col - FIRST_COUNT_COL]

    def raw_text(self, row: int, col: int) -> str:
        """For copying to Excel: plain numbers, no thousands separators."""
        value = self.value(row, col)
        return "" if value is None else str(value)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.tally is None:
            return None
        row, col = index.row(), index.column()
        value = self.value(row, col)
        total = row == self.data_rows
        if role == Qt.ItemDataRole.DisplayRole:
            if value is None:
                return ""
            return f"{value:,}" if isinstance(value, int) else value
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col == LABEL_COL:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if (row, col) in self.marks:
                return QBrush(BAD)
            if total:
                return QBrush(TOTAL)
            if not self.is_editable(row, col):
                return QBrush(READ_ONLY)
            return None
        if role == Qt.ItemDataRole.FontRole and total:
            font = QFont(QApplication.font())
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, col)
        return None

    def _tip(self, row: int, col: int) -> str:
        if (row, col) in self.marks:
            return self.marks[(row, col)]
        if row == self.data_rows:
            if col == self.target_col:
                return "対象人数の合計（自動で計算します）。項目の合計とは一致しません"
            return "合計は自動で計算します（入力はできません）"
        if col == HOUSEHOLDS_COL:
            if self.tally.rows[row].households is None:
                return "世帯数が分かりません（町内会の設定で入力すると、ここに出ます）"
            return "世帯数は町内会の設定から表示しています（ここでは直せません）"
        if col == LABEL_COL:
            return self.tally.rows[row].label
        if col == self.target_col:
            return "この町内会の対象人数（人）。各項目の人数はこれより多くできません"
        return "人数を入力します（全角の数字も使えます）。空にすると消えます"

    def setData(self, index: QModelIndex, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.is_editable(index.row(), index.column()):
            return False
        return self._commit(index.row(), index.column(), "" if value is None else str(value))

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.tally is None or orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == LABEL_COL:
                return "町内会名"
            if section == HOUSEHOLDS_COL:
                return "世帯数"
            if section == self.target_col:
                return "対象人数"
            column = self.tally.columns[section - FIRST_COUNT_COL]
            return column.label if column.group else header_text(column.label)
        if role == GROUP_ROLE:
            if FIRST_COUNT_COL <= section < self.target_col:
                return self.tally.columns[section - FIRST_COUNT_COL].group
            return ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if section < FIRST_COUNT_COL or section == self.target_col:
                return None
            column = self.tally.columns[section - FIRST_COUNT_COL]
            return f"{column.group}：{column.label}" if column.group else column.label
        return None

    # --- marks ------------------------------------------------------------------------------
    def mark(self, cells: dict[tuple[int, int], str]) -> None:
        self.clear_marks()
        self.marks.update(cells)
        for row, col in cells:
            index = self.index(row, col)
            self.dataChanged.emit(index, index)

    def clear_marks(self) -> None:
        old, self.marks = self.marks, {}
        for row, col in old:
            index = self.index(row, col)
            self.dataChanged.emit(index, index)


class GroupHeader(QHeaderView):
    """Column headers with the group (デイサービス, 訪問介護) written once across its columns,
    above each column's own label, as on the paper sheet."""

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

    def sectionSizeFromContents(self, section: int) -> QSize:  # noqa: N802
        size = super().sectionSizeFromContents(section)
        if self._group(section):
            size.setHeight(size.height() + self.fontMetrics().lineSpacing() + 8)
        return size

    def paintSection(self, painter, rect: QRect, section: int) -> None:  # noqa: N802
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


class FrozenColumnView(QTableView):
    """A grid whose first column (町内会名) stays put while the rest scrolls sideways: Qt's
    frozen-column pattern, a second view over the same model laid on top of column 0."""

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

    def setModel(self, model: QAbstractTableModel) -> None:  # noqa: N802
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        model.modelReset.connect(self.reshape)
        self.reshape()

    def reshape(self) -> None:
        """After a model reset: only column 0 shows in the frozen view."""
        for col in range(self.model().columnCount()):
            self.frozen.setColumnHidden(col, col != LABEL_COL)
        self.frozen.setColumnWidth(LABEL_COL, self.columnWidth(LABEL_COL))
        self.place_frozen()

    def set_row_height(self, height: int) -> None:
        for view in (self, self.frozen):
            view.verticalHeader().setMinimumSectionSize(height)
            view.verticalHeader().setDefaultSectionSize(height)

    def set_row_hidden(self, row: int, hidden: bool) -> None:
        self.setRowHidden(row, hidden)
        self.frozen.setRowHidden(row, hidden)

    def _section_resized(self, section: int, _old: int, new: int) -> None:
        if section == LABEL_COL:
            self.frozen.setColumnWidth(LABEL_COL, new)
            self.place_frozen()

    def place_frozen(self) -> None:
        header = self.horizontalHeader()
        top = 0 if header.isHidden() else header.height()
        self.frozen.horizontalHeader().setVisible(not header.isHidden())
        self.frozen.horizontalHeader().setFixedHeight(top)
        self.frozen.setGeometry(self.frameWidth(), self.frameWidth(), self.columnWidth(LABEL_COL),
                                self.viewport().height() + top)
        self.frozen.raise_()  # above the scrolling header too, also after a restyle

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.place_frozen()

    def moveCursor(self, action, modifiers) -> QModelIndex:  # noqa: N802
        current = super().moveCursor(action, modifiers)
        width = self.frozen.columnWidth(LABEL_COL)
        if (action == QAbstractItemView.CursorAction.MoveLeft and current.column() > LABEL_COL
                and self.visualRect(current).topLeft().x() < width):
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() + self.visualRect(current).topLeft().x() - width)
        return current

    def scrollTo(self, index: QModelIndex,  # noqa: N802
                 hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        if index.column() > LABEL_COL:
            super().scrollTo(index, hint)


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

    def setModel(self, model: TallyModel) -> None:  # noqa: N802
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

    def updateGeometries(self) -> None:  # noqa: N802
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

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():  # the scroll bar may come or go
            self.setMaximumHeight(self.content_height())

    def changeEvent(self, event) -> None:  # noqa: N802
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

    def sizeHint(self) -> QSize:  # noqa: N802
        # Modest: the window's scroll area sizes pages by their preferred height, and a tall
        # hint would push the buttons below the fold. The layout grows the grid up to
        # content_height (its maximum) when there is room.
        return QSize(super().sizeHint().width(), self._rows_height(4))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(super().minimumSizeHint().width(), self._rows_height(2))

    def keyPressEvent(self, event) -> None:  # noqa: N802
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

    def closeEditor(self, editor: QWidget, hint) -> None:  # noqa: N802
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache and self.commit_ok:
            current = self.currentIndex()
            below = current.sibling(current.row() + 1, current.column())
            if below.isValid() and self.model().is_editable(below.row(), below.column()):
                self.setCurrentIndex(below)


class TalliesPage(Page):
    key = "tallies"
    title = "集計表"
    areas = frozenset({"tallies", "neighbourhoods"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.all: list[CrosstabDTO] = []
        self.tally: CrosstabDTO | None = None

        # The heading shares its line with the tabs: on a small screen every line counts.
        self.body.removeWidget(self.heading)
        top = QHBoxLayout()
        top.setSpacing(16)
        self.tabs = QTabBar()
        self.tabs.setExpanding(False)
        self.tabs.setDrawBase(False)
        self.tabs.setToolTip("見る集計表を選びます")
        self.tabs.currentChanged.connect(self._tab_picked)
        top.addWidget(self.heading)
        top.addWidget(self.tabs, 0, Qt.AlignmentFlag.AlignBottom)
        top.addStretch(1)
        self.body.insertLayout(0, top)

        self.empty = QWidget()
        empty_box = QVBoxLayout(self.empty)
        empty_box.setContentsMargins(0, 0, 0, 0)
        empty_box.addWidget(label("この協議体にはまだ集計表がありません。「集計表を作る」で作り、"
                                  "Excelからコピーして貼り付けられます。", "note", wrap=True))
        self.empty_create_button = button(
            "集計表を作る", lambda: self.create_tally(), role="primary",
            tip="決まった項目の空の集計表を、町内会ごとの行で作ります")
        empty_box.addWidget(self.empty_create_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.body.addWidget(self.empty)
        self.sheet = QWidget()
        box = QVBoxLayout(self.sheet)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        self.title_label = label("", "subheading", wrap=True)
        self.period_label = label("", wrap=True)
        self.note = label(NOTE, "note", wrap=True)
        box.addWidget(self.title_label)
        box.addWidget(self.period_label)
        box.addWidget(self.note)
        self.model = TallyModel(self.commit_cell, self)
        self.table = TallyTable(self)
        self.table.setModel(self.model)
        box.addWidget(self.table, 100)  # grows up to its rows (its maximum), then the spacer
        self.error = label("", "error", wrap=True)
        self.error.hide()
        box.addWidget(self.error)

        self.paste_button = button(
            "貼り付け", lambda: self.paste(), role="primary",
            tip="Excelでコピーした範囲を、選んだ欄から貼り付けます（Ctrl+V）。"
                "おかしな数が一つでもあれば何も変えません")
        self.add_row_button = button("行を追加", self.add_row, tip="町内会の行を下に加えます")
        self.delete_row_button = button("行を削除", self.delete_row, role="danger",
                                        tip="選んだ町内会の行を削除します（確認があります）")
        self.info_button = button("表の情報を直す", self.edit_info,
                                  tip="題名・期間・出典を直します")
        self.delete_button = button("この表を削除", self.delete_tally, role="danger",
                                    tip="表示している集計表を削除します（確認があります）")
        self.create_button = button("集計表を作る", lambda: self.create_tally(),
                                    tip="決まった項目の空の集計表を、町内会ごとの行で作ります")
        # On a narrow window the three table buttons fold into one 「表の操作」 menu, so the
        # buttons take one line and the grid keeps its room.
        self.table_menu_button = button("表の操作", tip="表の情報を直す・この表を削除・集計表を作る")
        menu = QMenu(self.table_menu_button)
        for widget in (self.info_button, self.delete_button, self.create_button):
            action = menu.addAction(widget.text())
            action.setToolTip(widget.toolTip())
            action.triggered.connect(widget.click)
        self.table_menu_button.setMenu(menu)
        self._grid_actions = (self.paste_button, self.add_row_button, self.delete_row_button)
        self._table_actions = (self.info_button, self.delete_button, self.create_button)
        actions = QHBoxLayout()
        for widget in self._grid_actions:
            actions.addWidget(widget)
        actions.addStretch(1)
        for widget in (*self._table_actions, self.table_menu_button):
            actions.addWidget(widget)
        box.addLayout(actions)
        box.addStretch(1)
        self.body.addWidget(self.sheet, 100)
        self.body.addStretch(1)
        self._narrow = False

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._arrange()

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self._arrange)  # 文字を大きく makes everything wider

    def _arrange(self) -> None:
        """Every button on one line when they fit, else the table's own buttons fold into
        「表の操作」; 期間 and 出典 on one line when they fit, else one line each."""
        width = self.width() - 40
        buttons = (*self._grid_actions, *self._table_actions)
        self._narrow = sum(b.sizeHint().width() + 12 for b in buttons) > width
        for widget in self._table_actions:
            widget.setVisible(not self._narrow)
        self.table_menu_button.setVisible(self._narrow)
        if self.tally is not None:
            parts = self._period_parts
            one_line = "　／　".join(parts)
            fits = self.period_label.fontMetrics().horizontalAdvance(one_line) < width
            self.period_label.setText(one_line if fits else "\n".join(parts))

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.all = tallies.list_tallies(self.store, self.council_id)
        wanted = self.tally.id if self.tally else None
        if wanted not in {t.id for t in self.all}:  # deleted, or another council's
            wanted = self.all[0].id if self.all else None
        self._fill_tabs()
        self.show_tally(wanted)

    def _tab_text(self, t: CrosstabDTO) -> str:
        """Short kind name; with two of a kind, the year it ends (or its title, or a number)."""
        text = SHORT_KIND.get(t.kind, t.kind_label)
        same = [other for other in self.all if other.kind == t.kind]
        if len(same) < 2:
            return text
        if t.period_to:
            return f"{text}（{wareki(t.period_to).split('年')[0]}年）"
        if t.title and t.title != t.kind_label:
            return f"{text}（{t.title}）"
        return f"{text}（{same.index(t) + 1}）"

    def _fill_tabs(self) -> None:
        wanted = [(t.id, self._tab_text(t)) for t in self.all]
        shown = [(self.tabs.tabData(i), self.tabs.tabText(i)) for i in range(self.tabs.count())]
        if wanted == shown:
            return
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        for tally_id, text in wanted:
            index = self.tabs.addTab(text)
            self.tabs.setTabData(index, tally_id)
            self.tabs.setTabToolTip(index, next(t.title for t in self.all if t.id == tally_id))
        self.tabs.blockSignals(False)

    def _tab_picked(self, index: int) -> None:
        if index >= 0:
            self.show_tally(self.tabs.tabData(index))

    def show_tally(self, tally_id: str | None) -> None:
        found = next((t for t in self.all if t.id == tally_id), None)
        if found is None or (self.tally and self.tally.id != found.id):
            self._set_error("")
        self.tally = found
        self.empty.setVisible(found is None)
        self.sheet.setVisible(found is not None)
        if found is None:
            self.model.set_tally(None)
            self._arrange()
            return
        for i in range(self.tabs.count()):
            if self.tabs.tabData(i) == found.id and self.tabs.currentIndex() != i:
                self.tabs.blockSignals(True)
                self.tabs.setCurrentIndex(i)
                self.tabs.blockSignals(False)
        self.title_label.setText(found.title or found.kind_label)
        period = period_text(found)
        source = f"出典: {found.source}" if found.source else "出典: （未入力）"
        self._period_parts = (period, source)
        self._arrange()
        west = "〜".join(d.isoformat() if d else "" for d in (found.period_from, found.period_to))
        self.period_label.setToolTip(f"西暦: {west}" if (found.period_from or found.period_to) else "")
        self.model.set_tally(found)

    def select_tally(self, tally_id: str) -> None:
        self.show_tally(tally_id)

    # --- messages -----------------------------------------------------------------------------
    def _set_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))
        self.table.setProperty("invalid", bool(text))
        self.table.style().unpolish(self.table)
        self.table.style().polish(self.table)

    def _refused(self, exc: UserError, cells: dict[tuple[int, int], str]) -> None:
        message = f"入りませんでした。{exc}"
        self.model.mark(cells)
        self._set_error(message)
        self.controller.message.emit(message)

    def _saved(self) -> None:
        self.model.clear_marks()
        self._set_error("")

    # --- edits --------------------------------------------------------------------------------
    def _update(self, text: str, fn: Callable[[], Any]) -> Any:
        return self.controller.update(text, "tally", self.tally.id, fn, {"tallies"})

    def commit_cell(self, row: int, col: int, text: str) -> bool:
        """A typed cell: unchanged values make no undo step; refused ones are marked."""
        t, store = self.tally, self.store
        r = t.rows[row]
        self.table.commit_ok = False
        try:
            same = to_int(text, "") == self.model.value(row, col)
        except ValidationError:
            same = False
        if same:
            self.model.marks.pop((row, col), None)
            self.table.commit_ok = True
            return True
        if col == self.model.target_col:
            what = f"{r.label}の対象人数"
            fn = lambda: tallies.set_target_persons(store, r.id, text)  # noqa: E731
        else:
            column = t.columns[col - FIRST_COUNT_COL]
            what = f"{r.label}の「{column.label}」"
            fn = lambda: tallies.set_cell(store, r.id, column.id, text)  # noqa: E731
        try:
            self._update(f"{what}を変更", fn)
        except UserError as exc:
            self._refused(exc, {(row, col): f"「{text}」は入りませんでした。{exc}"})
            return False
        self._saved()
        self.table.commit_ok = True
        return True

    def _anchor(self) -> tuple[int, int] | None:
        """Where a paste starts: the current cell, or the top-left of the selection."""
        ranges = self.table.selectionModel().selection() if self.table.selectionModel() else []
        current = self.table.currentIndex()
        if ranges:
            return (min(r.top() for r in ranges), min(r.left() for r in ranges))
        if current.isValid():
            return current.row(), current.column()
        return None

    def paste(self, text: str | None = None) -> bool:
        if self.tally is None:
            return False
        if text is None:
            text = QApplication.clipboard().text()
        block = tallies.parse_block(text)
        anchor = self._anchor()
        if anchor is None:
            self.controller.message.emit("貼り付け始める欄を選んでください")
            return False
        top, left = anchor
        if top >= self.model.data_rows:
            self._set_error("合計の行には貼り付けられません（合計は自動で計算します）。")
            return False
        height, width = len(block), max((len(line) for line in block), default=0)
        text = f"貼り付け（{height}行×{width}列）"
        chosen = self._selected_editable()
        if height == width == 1 and len(chosen) > 1:  # one value into every selected cell, as Excel
            value = block[0][0]
            top, left = min(r for r, _c in chosen), min(c for _r, c in chosen)
            height = max(r for r, _c in chosen) - top + 1
            width = max(c for _r, c in chosen) - left + 1
            block = [[value if (top + i, left + j) in chosen else None for j in range(width)]
                     for i in range(height)]
            text = f"{len(chosen)}個の欄に「{value}」を貼り付け"
        try:
            self._update(text,
                         lambda: tallies.paste_block(self.store, self.tally.id, top, left, block))
        except BlockError as exc:
            cells = {(p.row, p.col): f"{p.field}: {p.reason}" for p in exc.problems}
            self._refused(exc, cells)
            first = exc.problems[0]
            self.table.setCurrentIndex(self.model.index(first.row, first.col))
            return False
        except UserError as exc:
            self._refused(exc, {})
            return False
        self._saved()
        bottom = min(top + height, self.model.data_rows) - 1
        right = min(left + width, self.model.columnCount()) - 1
        selection = QItemSelection(self.model.index(top, left), self.model.index(bottom, right))
        self.table.selectionModel().select(selection,
                                           QItemSelectionModel.SelectionFlag.ClearAndSelect)
        return True

    def _selected_editable(self) -> set[tuple[int, int]]:
        return {(i.row(), i.column()) for i in self.table.selectionModel().selectedIndexes()
                if self.model.is_editable(i.row(), i.column())}

    def copy(self) -> str:
        """The selected block as Excel reads it (tabs and line breaks, plain numbers)."""
        indexes = self.table.selectionModel().selectedIndexes()
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        text = "\n".join("\t".join(self.model.raw_text(r, c) if (r, c) in chosen else ""
                                   for c in range(cols[0], cols[-1] + 1))
                         for r in range(rows[0], rows[-1] + 1)) + "\n"
        QApplication.clipboard().setText(text)
        self.controller.message.emit(f"{len(chosen)}個の欄をコピーしました")
        return text

    def clear_selection(self) -> bool:
        """Delete key: empties the selected number cells as one undo step."""
        if self.tally is None:
            return False
        chosen = self._selected_editable()
        if not chosen:
            return False
        top, left = min(r for r, _c in chosen), min(c for _r, c in chosen)
        bottom, right = max(r for r, _c in chosen), max(c for _r, c in chosen)
        block = [["" if (r, c) in chosen else None for c in range(left, right + 1)]
                 for r in range(top, bottom + 1)]
        try:
            self._update(f"{len(chosen)}個の欄を消去",
                         lambda: tallies.paste_block(self.store, self.tally.id, top, left, block))
        except UserError as exc:
            self._refused(exc, {})
            return False
        self._saved()
        return True

    # --- tables and rows ----------------------------------------------------------------------
    def _open(self, dialog: FormDialog) -> FormDialog:
        # Wide enough for the 和暦 example in the date fields.
        dialog.setMinimumWidth(dialog.fontMetrics().horizontalAdvance("あ") * 30)
        return self.open_dialog(dialog)

    def create_tally(self) -> FormDialog | None:
        if not self.council_id:
            return None
        kinds = {text: kind for kind, text in TALLY_KINDS.items()}
        store, council_id = self.store, self.council_id

        def save(values: dict) -> CrosstabDTO:
            kind = kinds[values.pop("kind")]
            made = self.controller.create(
                "集計表を作る", "tally",
                lambda: tallies.create_blank_tally(store, council_id, kind, values), {"tallies"})
            self.select_tally(made.id)
            return made

        fields = [FormField("kind", "種類", "choice", list(kinds),
                            tip="あんしんセンターから受け取る表のどちらかを選びます"),
                  FormField("title", "題名", tip="空のときは種類の名前になります"),
                  FormField("period_from", "期間（から）", "date"),
                  FormField("period_to", "期間（まで）", "date"),
                  FormField("source", "出典", tip="例: 高齢者あんしんセンター")]
        return self._open(FormDialog("集計表を作る", fields, {}, save, self))

    def edit_info(self) -> FormDialog | None:
        t = self.tally
        if t is None:
            return None
        fields = [FormField("title", "題名"),
                  FormField("period_from", "期間（から）", "date"),
                  FormField("period_to", "期間（まで）", "date"),
                  FormField("source", "出典"),
                  FormField("note", "メモ", "long")]
        values = {f.name: getattr(t, f.name) for f in fields}
        return self._open(FormDialog("表の情報", fields, values, lambda new: self._update(
            "表の情報を変更", lambda: tallies.update_tally_info(self.store, t.id, new)), self))

    def delete_tally(self) -> None:
        t = self.tally
        if t is None or not confirm_delete(self, f"集計表「{t.title}」"):
            return
        self.controller.delete(f"集計表「{t.title}」を削除", "tally", t.id,
                               lambda: tallies.delete_tally(self.store, t.id), {"tallies"})

    def add_row(self) -> FormDialog | None:
        t = self.tally
        if t is None:
            return None
        fields = [FormField("label", "町内会名",
                            tip="町内会の設定にある名前なら、世帯数がつながります"),
                  FormField("target_persons", "対象人数")]

        def save(values: dict) -> CrosstabDTO:
            return self._update(f"{values['label'].strip() or '行'}の行を追加",
                                lambda: tallies.add_row(self.store, t.id, values["label"],
                                                        values["target_persons"]))

        return self._open(FormDialog("行を追加", fields, {}, save, self))

    def delete_row(self) -> None:
        t = self.tally
        current = self.table.currentIndex()
        if t is None or not current.isValid() or current.row() >= len(t.rows):
            self.controller.message.emit("削除する町内会の行を選んでください")
            return
        row = t.rows[current.row()]
        if not confirm_delete(self, f"「{row.label}」の行"):
            return
        self._update(f"{row.label}の行を削除", lambda: tallies.delete_row(self.store, row.id))
