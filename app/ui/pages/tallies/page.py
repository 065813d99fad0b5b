"""集計表: the two crosstabs あんしんセンター hands over (サービスの利用内容, 高齢者ニーズ) as
grids that are typed into or pasted from Excel, with totals the service derives.

The grid's columns are the service's sheet columns (町内会名, 世帯数, one per category,
対象人数) plus a 合計 row at the bottom. Every change goes through the controller as one undo
step (a single cell, a whole pasted block, a cleared selection). Bad values are refused with
the message shown and the cell marked; the stored value stays as it was.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QHBoxLayout, QMenu, QTabBar, QVBoxLayout, QWidget

from app.errors import UserError, ValidationError
from app.services import tallies
from app.services.normalize import to_int
from app.services.tallies import FIRST_COUNT_COL, BlockError, CrosstabDTO
from app.ui.pages.base import Page
from app.ui.pages.tallies.dialogs import (
    INFO_FIELDS,
    KINDS,
    NEW_TABLE_FIELDS,
    ROW_FIELDS,
    tally_dialog,
)
from app.ui.pages.tallies.grid import TallyTable
from app.ui.pages.tallies.table_model import TallyModel
from app.ui.widgets import FormDialog, button, confirm_delete, label, wareki

NOTE = "対象人数は人数です。一人が複数の項目に数えられるため、行の合計とは一致しません。"
SHORT_KIND = {"service_use": "サービスの利用内容", "needs": "高齢者ニーズ"}


def period_text(t: CrosstabDTO) -> str:
    if not (t.period_from or t.period_to):
        return "期間: （未入力）"
    return f"期間: {wareki(t.period_from)}〜{wareki(t.period_to)}"


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

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()

    def changeEvent(self, event) -> None:
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
            fn = functools.partial(tallies.set_target_persons, store, r.id, text)
        else:
            column = t.columns[col - FIRST_COUNT_COL]
            what = f"{r.label}の「{column.label}」"
            fn = functools.partial(tallies.set_cell, store, r.id, column.id, text)
        try:
            self._update(f"{what}を変更", fn)
        except UserError as exc:
            self._refused(exc, {(row, col): f"「{text}」は入りませんでした。{exc}"})
            return False
        self._saved()
        self.table.commit_ok = True
        return True

    def paste(self, text: str | None = None) -> bool:
        if self.tally is None:
            return False
        if text is None:
            text = QApplication.clipboard().text()
        block = tallies.parse_block(text)
        anchor = self.table.anchor()
        if anchor is None:
            self.controller.message.emit("貼り付け始める欄を選んでください")
            return False
        top, left = anchor
        if top >= self.model.data_rows:
            self._set_error("合計の行には貼り付けられません（合計は自動で計算します）。")
            return False
        height, width = len(block), max((len(line) for line in block), default=0)
        text = f"貼り付け（{height}行×{width}列）"
        chosen = self.table.editable_selection()
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

    def copy(self) -> str:
        """The selected block as Excel reads it (tabs and line breaks, plain numbers)."""
        text, count = self.table.selected_text()
        if not count:
            return ""
        QApplication.clipboard().setText(text)
        self.controller.message.emit(f"{count}個の欄をコピーしました")
        return text

    def clear_selection(self) -> bool:
        """Delete key: empties the selected number cells as one undo step."""
        if self.tally is None:
            return False
        chosen = self.table.editable_selection()
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
    def create_tally(self) -> FormDialog | None:
        if not self.council_id:
            return None
        store, council_id = self.store, self.council_id

        def save(values: dict) -> CrosstabDTO:
            kind = KINDS[values.pop("kind")]
            made = self.controller.create(
                "集計表を作る", "tally",
                lambda: tallies.create_blank_tally(store, council_id, kind, values), {"tallies"})
            self.select_tally(made.id)
            return made

        return self.open_dialog(tally_dialog("集計表を作る", NEW_TABLE_FIELDS, {}, save, self))

    def edit_info(self) -> FormDialog | None:
        t = self.tally
        if t is None:
            return None
        values = {f.name: getattr(t, f.name) for f in INFO_FIELDS}
        return self.open_dialog(tally_dialog("表の情報", INFO_FIELDS, values, lambda new: self._update(
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
        def save(values: dict) -> CrosstabDTO:
            return self._update(f"{values['label'].strip() or '行'}の行を追加",
                                lambda: tallies.add_row(self.store, t.id, values["label"],
                                                        values["target_persons"]))

        return self.open_dialog(tally_dialog("行を追加", ROW_FIELDS, {}, save, self))

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
