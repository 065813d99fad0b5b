"""社会資源: the council's salons, clubs and services. The list shows each schedule as it will
be printed and the next dates; a schedule the program cannot read is kept as typed and
flagged; rows not checked for a year are marked so a printed list does not send people to a
salon that has stopped. A second tab places numbered pins on the area map."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.services import neighbourhoods, resources, snapshots
from app.services.normalize import kana_key, nfkc
from app.services.resources import ResourceDTO
from app.ui.pages.base import Page
from app.ui.pages.resources.columns import SCHEDULE_BREAKS, PaddedDelegate, fit_widths
from app.ui.pages.resources.dialog import NONE, ResourceDialog
from app.ui.pages.resources.map_tab import MapTab
from app.ui.pages.resources.table_model import STALE_TIP, ResourceTableModel
from app.ui.widgets import (
    DTO_ROLE,
    SORT_ROLE,
    button,
    confirm_delete,
    empty_hint,
    enable_with_selection,
    label,
    record_table,
)

ALL_CATEGORIES = "すべての分類"


class ResourcesPage(Page):
    key = "resources"
    title = "社会資源"
    areas = frozenset({"resources", "neighbourhoods", "council", "needs"})  # needs: the map's layer

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.all: list[ResourceDTO] = []
        self._nb: dict[str, str] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self._list_tab(), "一覧")
        self.map_tab = MapTab(self)
        self.tabs.addTab(self.map_tab, "地図")
        self.tabs.setTabToolTip(0, "社会資源の一覧と日程")
        self.tabs.setTabToolTip(1, "地区の地図に番号の印を置きます")
        self.body.addWidget(self.tabs, 1)

    def _list_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.search = QLineEdit()
        self.search.setPlaceholderText("名称・内容・会場で探す")
        self.search.setToolTip("名称・内容・会場の一部を入れると、すぐに絞り込みます")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self.category_filter = QComboBox()
        self.category_filter.setToolTip("分類で絞り込みます")
        self.category_filter.currentIndexChanged.connect(self.apply_filter)
        self.stale_only = QCheckBox("黄色の行だけ表示")
        self.stale_only.setToolTip("最終確認日が1年以上前（またはまだ確認していない）ものだけを表示します")
        self.stale_only.toggled.connect(self.apply_filter)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        filters.addWidget(label("分類"))
        filters.addWidget(self.category_filter, 2)
        layout.addLayout(filters)
        self.empty = empty_hint("まだ社会資源がありません。「社会資源を追加」でサロンやサークル、お店などを"
                                "登録するか、「ファイル」ページの「ほかで作った一覧を読み込む」で一覧を読み込めます。")
        layout.addWidget(self.empty)

        self.model = ResourceTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = record_table(self.proxy)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the council's own order first
        self.table.setSortingEnabled(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setItemDelegate(PaddedDelegate(self.table))
        # A column the user drags wider or narrower re-wraps its rows; a resized window refits.
        # Widths from the first rows only, and row heights for the rows on screen (fitted as
        # they scroll into view): a council with hundreds of resources stays quick to filter.
        header.setResizeContentsPrecision(60)
        self._fitted_rows: set[int] = set()
        self._row_heights = QTimer(self, singleShot=True, interval=50)
        self._row_heights.timeout.connect(lambda: self._fit_rows(refit=True))
        header.sectionResized.connect(lambda *_a: self._row_heights.start())
        self.table.verticalScrollBar().valueChanged.connect(lambda _v: self._fit_rows())
        self.proxy.layoutChanged.connect(lambda *_a: self._fit_rows(refit=True))
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.setMinimumHeight(self.fontMetrics().height() * 7)
        layout.addWidget(self.table, 1)
        self.count = label("", "note", wrap=True)
        below = QHBoxLayout()
        below.addWidget(self.count, 1)
        below.addWidget(self.stale_only)
        layout.addLayout(below)

        actions = QHBoxLayout()
        self.add_button = button("社会資源を追加", self.add, role="primary",
                                 tip="新しい社会資源（サロン、サークル、お店など）を登録します")
        self.edit_button = button("編集", self.edit_selected, tip="選んだ社会資源の内容や日程を直します")
        self.delete_button = button("削除", self.delete_selected, role="danger",
                                    tip="選んだ社会資源を一覧から削除します（確認があります）")
        self.verify_button = button("確認した", self.verify_selected,
                                    tip="選んだ社会資源が今も書いてあるとおりに開いていると、"
                                        "今日確かめたことにします（年に1回）")
        for widget in (self.add_button, self.edit_button, self.delete_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.verify_button)
        layout.addLayout(actions)
        enable_with_selection(self.table, self.edit_button, self.delete_button, self.verify_button)
        return tab

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        chosen = [r.id for r in self.selected()]
        self.all = resources.list_resources(self.store, self.council_id)
        self._nb = {n.name: n.id for n in neighbourhoods.list_neighbourhoods(self.store, self.council_id)}
        current = self.category_filter.currentText()
        self.category_filter.blockSignals(True)
        self.category_filter.clear()
        self.category_filter.addItems([ALL_CATEGORIES, *resources.category_names(self.store)])
        self.category_filter.setCurrentText(current or ALL_CATEGORIES)
        self.category_filter.blockSignals(False)
        self.apply_filter()
        self.empty.setVisible(not self.all)
        self.select_ids(chosen)
        self.map_tab.set_resources(self.all)

    def apply_filter(self) -> None:
        """Filtering works on the loaded DTOs: no database query per keystroke."""
        text = self.search.text().strip()
        needle, needle_kana = nfkc(text), kana_key(text)
        category = self.category_filter.currentText()
        stale_only = self.stale_only.isChecked()
        shown = [r for r in self.all
                 if (not text or any(needle in nfkc(v) or needle_kana in kana_key(v)
                                     for v in (r.name, r.content, r.venue)))
                 and (category in ("", ALL_CATEGORIES) or r.category == category)
                 and (not stale_only or self.model.stale(r))]
        self.model.set_rows(shown)
        self._size_columns()
        stale = sum(self.model.stale(r) for r in self.all)
        notes = [f"{len(shown)}件を表示（全{len(self.all)}件）"]
        if stale:
            notes.append(f"黄色の行は{STALE_TIP}（{stale}件）")
        self.count.setText("。".join(notes) + "。")

    def _size_columns(self) -> None:
        """Fit the columns to the table's width: each gets its text's width when there is room;
        otherwise the widest (名称, 内容, 日程, 会場, 次の日) give way evenly and wrap, never below a
        readable minimum (then the table scrolls sideways instead)."""
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        natural = [header.sectionSize(c) for c in range(self.model.columnCount())]
        metrics = self.table.fontMetrics()
        em = metrics.horizontalAdvance("あ")
        # A schedule wraps only between its parts: its floor is the widest part on screen.
        parts = [part for r in self.model.rows[:60] if r.schedule
                 for part in SCHEDULE_BREAKS.split(self.model.schedule_text(r))]
        schedule_floor = max((metrics.horizontalAdvance(p) for p in parts), default=0) + em
        floors = {ResourceTableModel.NAME: 6 * em, ResourceTableModel.CONTENT: 5 * em,
                  ResourceTableModel.SCHEDULE: max(schedule_floor, 5 * em), ResourceTableModel.VENUE: 5 * em}
        minimum = [min(width, round(floors[c])) if c in floors else width
                   for c, width in enumerate(natural)]
        # Leave room for the vertical scroll bar whether it shows or not: the widths must not
        # depend on the row heights they cause.
        room = self.table.maximumViewportSize().width() - self.table.verticalScrollBar().sizeHint().width() - 2
        widths = fit_widths(natural, minimum, room)
        header.blockSignals(True)
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
        header.blockSignals(False)
        self._fit_rows(refit=True)

    def _fit_rows(self, refit: bool = False) -> None:
        """Each row on screen as tall as its wrapped text (and a few below, for scrolling)."""
        if refit:
            self._fitted_rows.clear()
        view, count = self.table, self.proxy.rowCount()
        for _ in range(4):  # heights change which rows are on screen; settle in a few passes
            first = max(view.rowAt(0), 0)
            last = view.rowAt(view.viewport().height() - 1)
            # -1: the rows end above the bottom (or the view is not laid out yet)
            last = min(count - 1, first + 40) if last < 0 else min(last + 3, count - 1)
            todo = [row for row in range(first, last + 1) if row not in self._fitted_rows]
            if not todo:
                return
            for row in todo:
                view.resizeRowToContents(row)
                self._fitted_rows.add(row)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.table and event.type() == QEvent.Type.Resize and self.model.rows:
            self._size_columns()
        return super().eventFilter(watched, event)

    def selected(self) -> list[ResourceDTO]:
        selection = self.table.selectionModel()
        rows = sorted(selection.selectedRows(), key=lambda i: i.row()) if selection else []
        return [self.proxy.data(index, DTO_ROLE) for index in rows]

    def select_ids(self, ids: Sequence[str]) -> None:
        wanted = set(ids)
        selection = self.table.selectionModel()
        selection.clearSelection()
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if self.proxy.data(index, DTO_ROLE).id in wanted:
                selection.select(index, selection.SelectionFlag.Select | selection.SelectionFlag.Rows)

    # --- add / edit ---------------------------------------------------------------------------
    def _dialog(self, title: str, values: dict, save: Callable[[dict], Any]) -> ResourceDialog:
        dialog = ResourceDialog(title, resources.category_names(self.store), list(self._nb),
                                values, save, self)
        return self.open_dialog(dialog)

    def _raw(self, values: dict) -> dict:
        raw = dict(values)
        category = raw.pop("category")
        raw["category"] = "" if category == NONE else category
        raw["neighbourhood_id"] = self._nb.get(raw.pop("neighbourhood"))
        return raw

    def add(self) -> ResourceDialog:
        store, council_id = self.store, self.council_id

        def save(values: dict) -> ResourceDTO:
            raw = self._raw(values)
            return self.controller.create(f"「{raw['name'] or '社会資源'}」を追加", "resource",
                                          lambda: resources.create_resource(store, council_id, raw),
                                          {"resources"})

        return self._dialog("社会資源を追加", {"operator_type": "住民団体",
                                              "last_verified_on": dt.date.today()}, save)

    def edit_selected(self) -> ResourceDialog | None:
        chosen = self.selected()
        if len(chosen) != 1:
            self.controller.message.emit("直す社会資源を一つ選んでください")
            return None
        r = chosen[0]
        values = {f.name: getattr(r, f.name) for f in dataclasses.fields(r)}
        values["category"] = r.category or NONE
        values["neighbourhood"] = r.neighbourhood_name or NONE

        def save(new: dict) -> ResourceDTO:
            raw = self._raw(new)
            return self.controller.update(f"「{r.name}」を編集", "resource", r.id,
                                          lambda: resources.update_resource(self.store, r.id, raw),
                                          {"resources"})

        return self._dialog(f"「{r.name}」の情報", values, save)

    # --- delete / verify ----------------------------------------------------------------------
    def delete_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            self.controller.message.emit("削除する社会資源を選んでください")
            return
        what = f"「{chosen[0].name}」" if len(chosen) == 1 else f"{len(chosen)}件の社会資源"
        if not confirm_delete(self, what):
            return
        with self.controller.several(f"{what}を削除"):  # one Ctrl+Z brings them all back
            for r in chosen:
                self.controller.delete(f"「{r.name}」を削除", "resource", r.id,
                                       lambda r=r: resources.delete_resource(self.store, r.id),
                                       {"resources"})

    def verify_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            self.controller.message.emit("確認した社会資源を選んでください")
            return
        before = [snapshots.capture(self.store, "resource", r.id) for r in chosen]
        ids, today = [r.id for r in chosen], dt.date.today()

        def undo() -> None:
            for snap in before:
                snapshots.revert(self.store, snap)

        text = f"「{chosen[0].name}」を確認した" if len(chosen) == 1 else f"{len(chosen)}件を確認した"
        try:
            self.controller.apply(text, lambda: resources.mark_verified_many(self.store, ids, today),
                                  undo, areas={"resources"})
        except UserError as exc:
            self.controller.failed.emit(str(exc))
