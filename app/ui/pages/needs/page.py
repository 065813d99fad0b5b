"""ニーズ: the needs heard (一覧), their crosstab by 町内会 and 分類 (集計), needs per 100 世帯
and per 100 aged 65+ by 町内会 (割合), and what is still missing next to the council's vision
(足りないもの, with the newest needs table's persons beside the records')."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models import NEED_STATUSES
from app.services import councils, need_rates, needs, neighbourhoods, resources
from app.services.needs import NeedDTO
from app.ui.pages.base import Page
from app.ui.pages.needs.crosstab import CrosstabGrid
from app.ui.pages.needs.dialog import NO_NB, need_dialog, need_fields
from app.ui.pages.needs.gaps import GapsView
from app.ui.pages.needs.rates import RatesView
from app.ui.pages.needs.texts import count_text, how_many
from app.ui.widgets import (
    DTO_ROLE,
    Column,
    DtoTableModel,
    FormDialog,
    FormField,
    button,
    confirm_delete,
    empty_hint,
    enable_with_selection,
    label,
    record_table,
    wareki,
)

ALL = "すべて"
OPEN = "解決していないもの"
WRAP_MIN = 180
WRAP_COLUMNS = (2, 7)       # 内容, 対応する社会資源
COMPACT_HIDDEN = (4, 5, 7)  # 把握方法, 把握日, 対応する社会資源
CROSSTAB_SCOPES = {"すべての記録": None, "解決していない記録だけ": needs.OPEN_STATUSES}


class NeedsPage(Page):
    key = "needs"
    title = "ニーズ"
    areas = frozenset({"needs", "neighbourhoods", "resources", "council", "tallies"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.all: list[NeedDTO] = []
        self._nb: dict[str, str] = {}
        self._resources: dict[str, str] = {}   # name shown -> id
        self._resource_names: dict[str, str] = {}  # id -> name
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_list(), "一覧")
        self.tabs.addTab(self._build_crosstab(), "集計（町内会×分類）")
        self.gaps = GapsView()
        self.tabs.addTab(self.gaps, "足りないもの")
        self.rates = RatesView()
        self.tabs.addTab(self.rates, "町内会ごとの割合")
        self.tabs.setTabToolTip(0, "聞き取ったニーズを一件ずつ見て、追加・編集・削除します")
        self.tabs.setTabToolTip(1, "町内会ごと・分類ごとに人数を数えた表です")
        self.tabs.setTabToolTip(2, "まだ社会資源につながっていないニーズを、目指す地域像と並べて見ます"
                                   "（あんしんセンターの集計表の人数も並べます）")
        self.tabs.setTabToolTip(3, "町内会ごとに、100世帯あたり・65歳以上100人あたりの人数を見ます")
        self.body.addWidget(self.tabs, 1)

    # --- 一覧 -------------------------------------------------------------------------------
    def _build_list(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.setContentsMargins(0, 8, 0, 0)
        self.category_filter = QComboBox()
        self.category_filter.setToolTip("分類で絞り込みます")
        self.status_filter = QComboBox()
        self.status_filter.addItems([ALL, OPEN, *NEED_STATUSES])
        self.status_filter.setToolTip("状況で絞り込みます（「解決していないもの」は未対応・検討中・対応中）")
        for combo in (self.category_filter, self.status_filter):
            combo.currentIndexChanged.connect(self.apply_filter)
        filters = QHBoxLayout()
        for text, combo in (("分類", self.category_filter), ("状況", self.status_filter)):
            filters.addWidget(label(text))
            filters.addWidget(combo, 1)
        filters.addStretch(1)
        box.addLayout(filters)

        self.model = DtoTableModel((
            Column("分類", lambda n: n.category),
            Column("町内会", lambda n: n.neighbourhood_name),
            Column("内容", lambda n: n.description),
            Column("人数", count_text, align_right=True),
            Column("把握方法", lambda n: n.source),
            Column("把握日", lambda n: wareki(n.noted_on)),
            Column("状況", lambda n: n.status),
            Column("対応する社会資源", self._resource_text),
        ), self)
        self.table = record_table(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.setToolTip("二回押すと、そのニーズを直せます")
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_detail())
        self.table.viewport().installEventFilter(self)
        self.empty = empty_hint("まだニーズの記録がありません。聞き取りやアンケートで分かった困りごとを"
                                "「ニーズを追加」で書きます。あんしんセンターの集計表は「集計表」ページに入れます。")
        box.addWidget(self.empty)
        box.addWidget(self.table, 1)
        self.compact = False
        self.detail = label("", wrap=True)
        self.detail.hide()
        box.addWidget(self.detail)
        self.count = label("", "note")
        box.addWidget(self.count)

        actions = QHBoxLayout()
        self.add_button = button("ニーズを追加", self.add, role="primary",
                                 tip="聞き取りやアンケートで分かったニーズを記録します")
        self.edit_button = button("編集", self.edit_selected, tip="選んだニーズを直します")
        self.delete_button = button("削除", self.delete_selected, role="danger",
                                    tip="選んだニーズを削除します（確認があります）")
        for widget in (self.add_button, self.edit_button, self.delete_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        box.addLayout(actions)
        enable_with_selection(self.table, self.edit_button, self.delete_button)
        return tab

    def _resource_text(self, n: NeedDTO) -> str:
        return "、".join(self._resource_names.get(rid, "") for rid in n.resource_ids)

    # --- 集計 -------------------------------------------------------------------------------
    def _build_crosstab(self) -> QWidget:
        tab = QWidget()
        box = QVBoxLayout(tab)
        box.setContentsMargins(0, 8, 0, 0)
        top = QHBoxLayout()
        self.crosstab_scope = QComboBox()
        self.crosstab_scope.addItems(list(CROSSTAB_SCOPES))
        self.crosstab_scope.setToolTip("解決したニーズも数えるかどうかを選びます")
        self.crosstab_scope.currentIndexChanged.connect(self._fill_crosstab)
        self.crosstab_all_rows = QCheckBox("記録のない町内会も表示する")
        self.crosstab_all_rows.setChecked(True)
        self.crosstab_all_rows.setToolTip("外すと、ニーズの記録がある町内会だけを表に出します")
        self.crosstab_all_rows.toggled.connect(self._fill_crosstab)
        top.addWidget(label("数える記録"))
        top.addWidget(self.crosstab_scope)
        top.addStretch(1)
        box.addLayout(top)
        box.addWidget(self.crosstab_all_rows)
        self.crosstab_table = CrosstabGrid()
        box.addWidget(self.crosstab_table, 1)
        self.crosstab_table.viewport().installEventFilter(self)
        self.crosstab_summary = label("", wrap=True)
        self.crosstab_note = label(
            "表の数は、ニーズの記録に書かれた「人数」の合計（延べ人数）です。一人がいくつもの"
            "ニーズを持つこともあるので、実際の人数より多くなることがあります。"
            "人数が空欄の記録は人数に入れず、「不明○件」と件数で数えています。",
            "note", wrap=True)
        box.addWidget(self.crosstab_summary)
        box.addWidget(self.crosstab_note)
        return tab

    # --- 足りないもの ---------------------------------------------------------------------------

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        store, council_id = self.store, self.council_id
        self.all = needs.list_needs(store, council_id)
        self._nb = {n.name: n.id for n in neighbourhoods.list_neighbourhoods(store, council_id)}
        listed = resources.list_resources(store, council_id)
        self._resource_names = {r.id: r.name for r in listed}
        self._resources = {}
        for r in listed:  # names shown in the form must be unique to map back to ids
            shown, n = r.name, 2
            while shown in self._resources:
                shown, n = f"{r.name}（{n}）", n + 1
            self._resources[shown] = r.id
        current = self.category_filter.currentText()
        used = list(dict.fromkeys(n.category for n in self.all))
        self.category_filter.blockSignals(True)
        self.category_filter.clear()
        self.category_filter.addItems([ALL, *used])
        self.category_filter.setCurrentText(current if current in used else ALL)
        self.category_filter.blockSignals(False)
        self.empty.setVisible(not self.all)
        self.apply_filter()
        self._fill_crosstab()
        self._fill_gaps()
        self.rates.show_rates(need_rates.rates(store, council_id))

    def apply_filter(self) -> None:
        category, status = self.category_filter.currentText(), self.status_filter.currentText()
        shown = [n for n in self.all
                 if category in ("", ALL, n.category)
                 and (status == ALL or (status == OPEN and n.is_open) or n.status == status)]
        self.model.set_rows(shown)
        self._fit_columns()
        self.count.setText(f"{len(shown)}件を表示（全{len(self.all)}件）")

    def _fit_columns(self) -> None:
        """Short columns fit their contents; 内容 and the resources share what is left and wrap.
        When even that does not fit (small screen, 文字を大きく), 把握方法・把握日・社会資源 leave
        the table and are shown under it for the chosen row, so nothing is cut off."""
        header = self.table.horizontalHeader()
        natural = [max(self.table.sizeHintForColumn(c), header.sectionSizeHint(c))
                   for c in range(self.model.columnCount())]
        width = self.table.viewport().width() - 4
        fixed = sum(w for c, w in enumerate(natural) if c not in WRAP_COLUMNS)
        self.compact = width - fixed < 2 * WRAP_MIN
        for column in COMPACT_HIDDEN:
            self.table.setColumnHidden(column, self.compact)
        shown = [c for c in range(len(natural)) if not self.table.isColumnHidden(c)]
        for column in shown:
            header.resizeSection(column, natural[column])
        wrapping = [c for c in WRAP_COLUMNS if c in shown]
        free = width - sum(natural[c] for c in shown if c not in WRAP_COLUMNS)
        if sum(natural[c] for c in wrapping) > free:
            sizes = [natural[c] for c in wrapping]
            if len(sizes) == 2:
                if sizes[1] <= free // 2:
                    sizes[0] = free - sizes[1]
                elif sizes[0] <= free // 2:
                    sizes[1] = free - sizes[0]
                else:
                    sizes = [free // 2, free - free // 2]
            else:
                sizes = [free]
            for column, size in zip(wrapping, sizes, strict=True):
                header.resizeSection(column, max(WRAP_MIN, size))
        self.table.resizeRowsToContents()
        for row in range(self.model.rowCount()):  # a little air: wrapped lines need it
            self.table.setRowHeight(row, self.table.rowHeight(row) + 6)
        self._show_detail()

    def _show_detail(self) -> None:
        """In the narrow layout, the hidden columns of the chosen row (or how to see them)."""
        chosen = self.selected() if self.compact else []
        if len(chosen) == 1:
            n = chosen[0]
            self.detail.setProperty("role", None)
            self.detail.setText(f"把握方法: {n.source}　把握日: {wareki(n.noted_on) or '空欄'}"
                                f"　対応する社会資源: {self._resource_text(n) or 'なし'}")
        else:
            self.detail.setProperty("role", "note")
            self.detail.setText("行を選ぶと、把握方法・把握日・対応する社会資源がここに出ます"
                                "（画面が狭いため表から外しています）")
        self.detail.style().polish(self.detail)
        self.detail.setVisible(self.compact)

    def eventFilter(self, watched, event) -> bool:
        """Refit when a table's own visible width changes (after the layouts have settled)."""
        if event.type() == QEvent.Type.Resize:
            if watched is self.table.viewport() and self.model.rows:
                self._fit_columns()
            elif watched is self.crosstab_table.viewport():
                self.crosstab_table.fit()
        return super().eventFilter(watched, event)

    def _fill_crosstab(self) -> None:
        if not self.council_id:
            return
        scope = CROSSTAB_SCOPES[self.crosstab_scope.currentText()]
        self.crosstab = table = needs.crosstab(self.store, self.council_id, scope,
                                               include_empty=self.crosstab_all_rows.isChecked())
        self.crosstab_table.show_table(table)
        if not table.categories:
            self.crosstab_summary.setText("数えるニーズの記録がまだありません。")
        else:
            self.crosstab_summary.setText(
                f"記録 {table.records}件、延べ{how_many(table.total.persons, table.without_count)}"
                f"（{len(table.categories)}分類）")


    def _fill_gaps(self) -> None:
        self.gaps.show_coverage(councils.get_council(self.store, self.council_id),
                       needs.coverage(self.store, self.council_id))

    def gap_lines(self) -> list[str]:
        return self.gaps.gap_lines()

    def selected(self) -> list[NeedDTO]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [self.model.data(index, DTO_ROLE) for index in rows]

    # --- edits --------------------------------------------------------------------------------
    def _fields(self) -> list[FormField]:
        return need_fields(self.store, self._nb, self._resources)

    def _split(self, values: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        values = dict(values)
        resource_ids = [self._resources[name] for name in values.pop("resources")]
        values["neighbourhood_id"] = self._nb.get(values.pop("neighbourhood"))
        return values, resource_ids

    def add(self) -> FormDialog:
        store, council_id = self.store, self.council_id
        category = self.category_filter.currentText()

        def save(values: dict):
            raw, resource_ids = self._split(values)
            return self.controller.create(
                f"ニーズ「{raw['category']}」を追加", "need",
                lambda: needs.create_need(store, council_id, raw, resource_ids), {"needs"})

        start = {"status": "未対応", "source": "聞き取り", "noted_on": dt.date.today(),
                 "category": category if category != ALL else None}
        return self.open_dialog(need_dialog("ニーズを追加", self._fields(), start, save, self))

    def edit_selected(self) -> FormDialog | None:
        chosen = self.selected()
        if len(chosen) != 1:
            self.controller.message.emit("直すニーズを一つ選んでください")
            return None
        n = chosen[0]
        names = {rid: name for name, rid in self._resources.items()}
        values = {"category": n.category, "neighbourhood": n.neighbourhood_name or NO_NB,
                  "description": n.description, "count": n.count, "source": n.source,
                  "noted_on": n.noted_on, "status": n.status, "resolved_on": n.resolved_on,
                  "resources": [names[rid] for rid in n.resource_ids if rid in names]}

        def save(new: dict):
            raw, resource_ids = self._split(new)
            return self.controller.update(
                f"ニーズ「{raw['category']}」を編集", "need", n.id,
                lambda: needs.update_need(self.store, n.id, raw, resource_ids), {"needs"})

        return self.open_dialog(need_dialog(f"ニーズ「{n.category}」を直す", self._fields(), values,
                                            save, self))

    def delete_selected(self) -> None:
        chosen = self.selected()
        if not chosen:
            self.controller.message.emit("削除するニーズを選んでください")
            return
        if len(chosen) == 1:
            n = chosen[0]
            about = n.description if len(n.description) <= 20 else n.description[:20] + "…"
            what = f"ニーズ「{n.category}」（{about}）" if about else f"ニーズ「{n.category}」"
        else:
            what = f"{len(chosen)}件のニーズ"
        if not confirm_delete(self, what):
            return
        with self.controller.several(f"{what}を削除"):  # one Ctrl+Z brings them all back
            for n in chosen:
                self.controller.delete(f"ニーズ「{n.category}」を削除", "need", n.id,
                                       lambda n=n: needs.delete_need(self.store, n.id), {"needs"})
