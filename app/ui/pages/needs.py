"""ニーズ: the needs heard (一覧), their crosstab by 町内会 and 分類 (集計), and what is still
missing next to the council's vision (足りないもの)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLayout,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models import NEED_STATUSES
from app.services import councils, needs, neighbourhoods, resources
from app.services.needs import CoverageDTO, Crosstab, CrosstabCell, NeedDTO
from app.ui.pages.base import Page
from app.ui.widgets import (
    DTO_ROLE,
    CheckGroup,
    Column,
    DtoTableModel,
    FormDialog,
    FormField,
    button,
    confirm_delete,
    empty_hint,
    enable_with_selection,
    form_fields,
    label,
    record_table,
    wareki,
)

ALL = "すべて"
OPEN = "解決していないもの"
NO_NB = "（なし）"
WRAP_MIN = 180
NO_RESOURCE = "対応する社会資源がまだありません"
WRAP_COLUMNS = (2, 7)       # 内容, 対応する社会資源
COMPACT_HIDDEN = (4, 5, 7)  # 把握方法, 把握日, 対応する社会資源
CROSSTAB_SCOPES = {"すべての記録": None, "解決していない記録だけ": needs.OPEN_STATUSES}


def _count_text(n: NeedDTO) -> str:
    return "" if n.count is None else f"{n.count:,}"


def cell_text(cell: CrosstabCell) -> str:
    """Persons, and blank-人数 records apart: 「6」「6＋不明1件」「不明1件」; empty box: blank."""
    if cell.is_empty:
        return ""
    if not cell.without_count:
        return f"{cell.persons:,}"
    unknown = f"不明{cell.without_count}件"
    return f"{cell.persons:,}＋{unknown}" if cell.persons else unknown


def two_lines(name: str) -> str:
    """「居場所・運動」→「居場所・\n運動」, 「移動手段」→「移動\n手段」: narrower headers."""
    if "・" in name:
        head, _, tail = name.partition("・")
        return f"{head}・\n{tail}"
    if len(name) >= 4:
        half = (len(name) + 1) // 2
        return f"{name[:half]}\n{name[half:]}"
    return name


def how_many(persons: int, without_count: int) -> str:
    """「6人」「6人＋人数不明1件」「人数不明1件」."""
    parts = [f"{persons:,}人"] if persons or not without_count else []
    if without_count:
        parts.append(f"人数不明{without_count}件")
    return "＋".join(parts)


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


class NeedsPage(Page):
    key = "needs"
    title = "ニーズ"
    areas = frozenset({"needs", "neighbourhoods", "resources", "council"})

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
        self.tabs.addTab(self._build_gaps(), "足りないもの")
        self.tabs.setTabToolTip(0, "聞き取ったニーズを一件ずつ見て、追加・編集・削除します")
        self.tabs.setTabToolTip(1, "町内会ごと・分類ごとに人数を数えた表です")
        self.tabs.setTabToolTip(2, "まだ社会資源につながっていないニーズを、目指す地域像と並べて見ます")
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
            Column("人数", _count_text, align_right=True),
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
        self.crosstab_table = QTableWidget()
        self.crosstab_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.crosstab_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.crosstab_table.setAlternatingRowColors(True)
        self.crosstab_table.setToolTip("一覧のニーズから自動で数えています（ここでは直せません）")
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
    def _build_gaps(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        self.gap_box = QVBoxLayout(inner)
        self.gap_box.setContentsMargins(4, 8, 4, 8)
        self.gap_box.setSpacing(12)
        vision_card = QFrame()
        vision_card.setProperty("role", "card")
        vision_layout = QVBoxLayout(vision_card)
        self.vision = label("", "vision", wrap=True)
        self.vision_subtitle = label("", wrap=True)
        vision_layout.addWidget(self.vision)
        vision_layout.addWidget(self.vision_subtitle)
        self.gap_box.addWidget(vision_card)
        self.gap_heading = label("足りないもの（社会資源がまだないニーズ）", "subheading",
                                 wrap=True)
        self.gap_box.addWidget(self.gap_heading)
        self.gap_list = QVBoxLayout()
        self.gap_list.setSpacing(10)
        self.gap_box.addLayout(self.gap_list)
        self.covered_heading = label("社会資源につながっているニーズ", "subheading", wrap=True)
        self.gap_box.addWidget(self.covered_heading)
        self.covered_list = QVBoxLayout()
        self.covered_list.setSpacing(6)
        self.gap_box.addLayout(self.covered_list)
        self.gap_box.addWidget(label(
            "解決していないニーズ（未対応・検討中・対応中）だけを数えています。社会資源とのつながりは、"
            "「一覧」でニーズを編集して「対応する社会資源」を選ぶと付けられます。", "note", wrap=True))
        self.gap_box.addStretch(1)
        scroll.setWidget(inner)
        return scroll

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

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        """Refit when a table's own visible width changes (after the layouts have settled)."""
        if event.type() == QEvent.Type.Resize:
            if watched is self.table.viewport() and self.model.rows:
                self._fit_columns()
            elif watched is self.crosstab_table.viewport():
                self._fit_crosstab()
        return super().eventFilter(watched, event)

    def _fill_crosstab(self) -> None:
        if not self.council_id:
            return
        scope = CROSSTAB_SCOPES[self.crosstab_scope.currentText()]
        self.crosstab = table = needs.crosstab(self.store, self.council_id, scope,
                                               include_empty=self.crosstab_all_rows.isChecked())
        self._show_crosstab(table)

    def _show_crosstab(self, table: Crosstab) -> None:
        grid = self.crosstab_table
        grid.clear()
        grid.setRowCount(len(table.rows) + 1)
        grid.setColumnCount(len(table.categories) + 1)
        grid.setHorizontalHeaderLabels([*table.categories, "合計"])
        grid.setVerticalHeaderLabels([*(r.neighbourhood for r in table.rows), "合計"])
        bold = QFont(grid.font())
        bold.setBold(True)
        last_row, last_col = len(table.rows), len(table.categories)

        def put(row: int, col: int, cell: CrosstabCell, is_total: bool) -> None:
            item = QTableWidgetItem(cell_text(cell))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if is_total:
                item.setFont(bold)
            item.setToolTip(f"記録 {cell.records}件、{how_many(cell.persons, cell.without_count)}")
            grid.setItem(row, col, item)

        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                put(r, c, cell, False)
            put(r, last_col, row.total, True)
        for c, cell in enumerate(table.column_totals):
            put(last_row, c, cell, True)
        put(last_row, last_col, table.total, True)
        self._fit_crosstab()
        if not table.categories:
            self.crosstab_summary.setText("数えるニーズの記録がまだありません。")
        else:
            self.crosstab_summary.setText(
                f"記録 {table.records}件、延べ{how_many(table.total.persons, table.without_count)}"
                f"（{len(table.categories)}分類）")

    def _fit_crosstab(self) -> None:
        """Category names go on two lines when the table would not fit the width otherwise."""
        grid = self.crosstab_table
        table = getattr(self, "crosstab", None)
        if table is None:
            return
        header = grid.horizontalHeader()
        header.setMinimumSectionSize(56)
        for wrapped in (False, True):
            grid.setHorizontalHeaderLabels(
                [*(two_lines(c) if wrapped else c for c in table.categories), "合計"])
            grid.resizeColumnsToContents()
            wide = grid.verticalHeader().width() + sum(
                header.sectionSize(c) for c in range(grid.columnCount()))
            if wide <= grid.viewport().width() + grid.verticalHeader().width() - 4:
                break

    def _fill_gaps(self) -> None:
        council = councils.get_council(self.store, self.council_id)
        if council.vision:
            self.vision.setText(f"目指す地域像: 「{council.vision.phrase}」")
            self.vision_subtitle.setText(
                f"〜{council.vision.subtitle}〜" if council.vision.subtitle else "")
            self.vision_subtitle.setVisible(bool(council.vision.subtitle))
        else:
            self.vision.setText("目指す地域像: まだ決めていません（「協議体の設定」で入力できます）")
            self.vision_subtitle.hide()
        for layout in (self.gap_list, self.covered_list):
            while layout.count():
                item = layout.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
        self.coverage = found = needs.coverage(self.store, self.council_id)
        gaps = [c for c in found if c.is_gap]
        covered = [c for c in found if not c.is_gap]
        if not gaps:
            self.gap_list.addWidget(label(
                "今、社会資源につながっていない分類はありません。" if found
                else "解決していないニーズの記録がありません。", wrap=True))
        for c in gaps:
            self.gap_list.addWidget(self._gap_card(c))
        self.covered_heading.setVisible(bool(covered))
        for c in covered:
            self.covered_list.addWidget(label(
                f"{c.category}: {self._needs_text(c)} — {'、'.join(c.resource_names)}", wrap=True))

    @staticmethod
    def _needs_text(c: CoverageDTO) -> str:
        """「未対応のニーズ 1件（6人）」, or with the 状況 spelled out when they differ."""
        amount = f"{c.open_needs}件（{how_many(c.persons, c.without_count)}）"
        if len(c.statuses) == 1:
            return f"{c.statuses[0][0]}のニーズ {amount}"
        return (f"解決していないニーズ {amount}"
                f"［{'・'.join(f'{s}{n}件' for s, n in c.statuses)}］")

    def gap_lines(self) -> list[str]:
        """The main line of each gap, as shown (tests and the screen reader read these)."""
        return [f"{c.category}: {self._needs_text(c)} — {NO_RESOURCE}"
                for c in self.coverage if c.is_gap]

    def _gap_card(self, c: CoverageDTO) -> QFrame:
        frame = QFrame()
        frame.setProperty("role", "card")
        box = QVBoxLayout(frame)
        box.setSpacing(4)
        title = label(c.category, "vision")
        title.setToolTip(f"分類「{c.category}」")
        box.addWidget(title)
        box.addWidget(label(f"{self._needs_text(c)} — {NO_RESOURCE}", "subheading", wrap=True))
        details = [f"町内会: {'、'.join(c.neighbourhoods)}"]
        if c.descriptions:
            details.append("声: " + " / ".join(f"「{d}」" for d in c.descriptions))
        box.addWidget(label("\n".join(details), "note", wrap=True))
        return frame

    def selected(self) -> list[NeedDTO]:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return [self.model.data(index, DTO_ROLE) for index in rows]

    # --- edits --------------------------------------------------------------------------------
    def _fields(self) -> list[FormField]:
        """From needs.NEED_FIELDS and needs.RESOURCES_FIELD: labels, kinds and tips are declared
        there once; the choices read from the data are added here."""
        return form_fields((*needs.NEED_FIELDS, needs.RESOURCES_FIELD),
                           {"category": needs.category_names(self.store),
                            "neighbourhood": [NO_NB, *self._nb],
                            "resources": list(self._resources)})

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
        return self._open(FormDialog("ニーズを追加", self._fields(), start, save, self))

    def edit_selected(self) -> FormDialog | None:
        chosen = self.selected()
        if len(chosen) != 1:
            self.controller.message.emit("直すニーズを一つ選んでください")
            return None
        n = chosen[0]
        names = {rid: name for name, rid in self._resources.items()}
        values = {"category": n.category, "neighbourhood": n.neighbourhood_name or NO_NB,
                  "description": n.description, "count": n.count, "source": n.source,
                  "noted_on": n.noted_on, "status": n.status,
                  "resources": [names[rid] for rid in n.resource_ids if rid in names]}

        def save(new: dict):
            raw, resource_ids = self._split(new)
            return self.controller.update(
                f"ニーズ「{raw['category']}」を編集", "need", n.id,
                lambda: needs.update_need(self.store, n.id, raw, resource_ids), {"needs"})

        return self._open(FormDialog(f"ニーズ「{n.category}」を直す", self._fields(), values, save,
                                     self))

    def _open(self, dialog: FormDialog) -> FormDialog:
        group = dialog.inputs["resources"]
        if isinstance(group, CheckGroup):
            _tidy_resource_choices(dialog, group)
        return self.open_dialog(dialog)

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
        for n in chosen:
            self.controller.delete(f"ニーズ「{n.category}」を削除", "need", n.id,
                                   lambda n=n: needs.delete_need(self.store, n.id), {"needs"})
