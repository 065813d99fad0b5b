"""社会資源: the council's salons, clubs and services. The list shows each schedule as it will
be printed and the next dates; a schedule the program cannot read is kept as typed and
flagged; rows not checked for a year are marked so a printed list does not send people to a
salon that has stopped. A second tab places numbered pins on the area map."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStyledItemDelegate,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError, ValidationError
from app.services import neighbourhoods, resources, snapshots
from app.services.normalize import kana_key, nfkc
from app.services.resources import RESOURCE_FIELDS, ResourceDTO, ScheduleReading
from app.services.schedule import LAST, WEEKDAYS, Schedule
from app.services.wareki import month_day
from app.ui.pages.base import Page
from app.ui.pages.resources_map import MapTab
from app.ui.widgets import (
    DTO_ROLE,
    SORT_ROLE,
    Column,
    DtoTableModel,
    EditDialog,
    FormField,
    button,
    confirm_delete,
    empty_hint,
    enable_with_selection,
    form_fields,
    input_value,
    label,
    make_input,
    record_table,
    save_cancel_buttons,
    show_field_error,
    wareki,
)

ALL_CATEGORIES = "すべての分類"
NONE = "（なし）"
# The dialog's left column, in this order (日程 and 祝日は休み are the schedule editor's).
LEFT_FIELDS = ("name", "category", "content", "operator_type", "representative", "phone", "venue",
               "neighbourhood", "target", "fee", "created_by_council", "last_verified_on", "note")
UNREADABLE = "⚠ 読み取れません"
WORD_JOINER = "\u2060"
STALE_TIP = "1年以上確認していません"
# Pale yellow behind near-black text: about 18:1, readable for tired eyes and on a projector.
STALE_BACKGROUND = QColor("#fff0a0")
TEXT_COLOUR = QColor("#1a1a1a")
WARNING_COLOUR = QColor("#a0001c")

FREQUENCIES = (("weekly", "毎週"), ("biweekly", "隔週"), ("monthly_nth", "毎月第○曜日（第2水曜など）"),
               ("monthly_day", "毎月○日（15日など）"), ("daily", "毎日"))
NTHS = ((1, "第1"), (2, "第2"), (3, "第3"), (4, "第4"), (5, "第5"), (LAST, "最終"))
TIMES = ["", *(f"{h}:{m:02d}" for h in range(6, 23) for m in (0, 30))]


def schedule_cell(r: ResourceDTO) -> str:
    if r.schedule_unreadable:
        return f"{UNREADABLE}：{r.schedule_text}"
    return resources.schedule_preview(r.schedule_text)[0] if r.schedule else ""


def one_line(text: str) -> str:
    return " ".join(text.split())


# --- the list --------------------------------------------------------------------------------


class ResourceTableModel(DtoTableModel):
    """DtoTableModel plus the page's marks: stale rows highlighted, unreadable schedules in
    red, and tooltips that say why. Cell texts are worked out once per set_rows (a council
    may list hundreds of resources and the view asks for every role of every cell)."""

    NAME, CATEGORY, CONTENT, SCHEDULE, NEXT, VENUE, VERIFIED = range(7)
    WRAPPED_ROLE = Qt.ItemDataRole.UserRole + 10  # 日程 as drawn: breaks only between parts

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("名称", lambda r: r.name, lambda r: kana_key(r.name)),
            Column("分類", lambda r: r.category),
            Column("内容", lambda r: one_line(r.content)),
            Column("日程", self.schedule_text),
            Column("次の日", lambda r: "\n".join(month_day(d) for d in self.dates(r)[:2]),
                   lambda r: (self.dates(r) or [dt.date.max])[0]),
            Column("会場", lambda r: r.venue),
            Column("最終確認日", lambda r: wareki(r.last_verified_on) or "未確認",
                   lambda r: r.last_verified_on or dt.date.min),
        ], parent)
        self.today = dt.date.today()
        self._dates: dict[tuple, list[dt.date]] = {}
        self._printed: dict[str, str] = {}
        self._cells: list[tuple[str, ...]] = []
        self._stale: list[bool] = []
        self._wrapped: list[str] = []

    def set_rows(self, rows: Sequence[ResourceDTO]) -> None:
        today = dt.date.today()
        if today != self.today:
            self.today, self._dates = today, {}
        self.beginResetModel()
        self.rows = list(rows)
        self._cells = [tuple(c.text(r) for c in self.columns) for r in self.rows]
        self._stale = [resources.is_stale(r, today) for r in self.rows]
        # Unreadable text (shown as typed) wraps anywhere; a readable rule only between parts.
        self._wrapped = [keep_together(cells[self.SCHEDULE]) if r.schedule else cells[self.SCHEDULE]
                         for r, cells in zip(self.rows, self._cells, strict=True)]
        self.endResetModel()

    def schedule_text(self, r: ResourceDTO) -> str:
        if r.schedule_text not in self._printed:
            self._printed[r.schedule_text] = schedule_cell(r)
        return self._printed[r.schedule_text]

    def dates(self, r: ResourceDTO) -> list[dt.date]:
        key = (r.id, r.updated_at, r.schedule_text, r.skip_holidays)
        if key not in self._dates:
            self._dates[key] = resources.upcoming_dates(r, self.today, 5)
        return self._dates[key]

    def stale(self, r: ResourceDTO) -> bool:
        return resources.is_stale(r, self.today)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[row][column]
        if role == self.WRAPPED_ROLE:
            return self._wrapped[row] if column == self.SCHEDULE else self._cells[row][column]
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(STALE_BACKGROUND) if self._stale[row] else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.SCHEDULE and self.rows[row].schedule_unreadable:
                return QBrush(WARNING_COLOUR)
            return QBrush(TEXT_COLOUR) if self._stale[row] else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(self.rows[row], column, self._stale[row])
        if role in (SORT_ROLE, DTO_ROLE):
            return super().data(index, role)
        return None

    def _tip(self, r: ResourceDTO, column: int, stale: bool) -> str:
        lines = []
        if column == self.SCHEDULE:
            if r.schedule_unreadable:
                lines.append(f"この日程「{r.schedule_text}」は読み取れません。書いたとおりに印刷されます。"
                             "次の日は出せません。「編集」で直せます。")
            elif r.schedule:
                lines.append(schedule_cell(r) + ("（祝日は休み）" if r.skip_holidays else ""))
        elif column == self.NEXT:
            dates = self.dates(r)
            if dates:
                lines.append("次の5回:\n" + "\n".join(wareki(d, with_weekday=True) for d in dates))
                if r.skip_holidays:
                    lines.append("祝日は休みとして数えています")
            elif r.schedule_unreadable:
                lines.append("日程が読み取れないので、次の日は出せません")
        elif column == self.VERIFIED and r.last_verified_on:
            lines.append(f"西暦 {r.last_verified_on.isoformat()}")
        elif column in (self.NAME, self.CONTENT, self.VENUE):
            text = {self.NAME: r.name, self.CONTENT: r.content, self.VENUE: r.venue}[column]
            if text:
                lines.append(text)
        if stale:
            when = wareki(r.last_verified_on) if r.last_verified_on else "まだ一度も"
            lines.append(f"{STALE_TIP}（最終確認日: {when}）。確かめたら「確認した」を押してください。")
        return "\n".join(lines)


def fit_widths(natural: Sequence[int], minimum: Sequence[int], room: int) -> list[int]:
    """Column widths that fit `room`: natural when they fit, else the widest are capped at one
    level (water-filling) so no column is squeezed below its minimum."""
    if sum(natural) <= room:
        return list(natural)
    if sum(minimum) >= room:
        return list(minimum)
    low, high = 0, max(natural)
    while low < high:  # the highest cap whose total still fits
        cap = (low + high + 1) // 2
        total = sum(max(lo, min(n, cap)) for n, lo in zip(natural, minimum, strict=True))
        low, high = (cap, high) if total <= room else (low, cap - 1)
    return [max(lo, min(n, low)) for n, lo in zip(natural, minimum, strict=True)]


SCHEDULE_BREAKS = re.compile(r" |(?<=又は)")


def keep_together(schedule_text: str) -> str:
    """Display form of a schedule that may only wrap at its spaces and after 又は, so
    「第2(木) 12:00〜13:00」 breaks into 「第2(木)」/「12:00〜13:00」, never inside a time."""
    pieces = re.split(r"( |(?<=又は))", schedule_text)
    return "".join(p if p in (" ", "") else WORD_JOINER.join(p) for p in pieces)


class PaddedDelegate(QStyledItemDelegate):
    """A little air around each cell (wrapped lines must not touch the grid), and schedules
    that wrap only between their parts. The model's text itself stays as printed."""

    def initStyleOption(self, option, index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        if index.column() == ResourceTableModel.SCHEDULE:
            option.text = index.data(ResourceTableModel.WRAPPED_ROLE) or ""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 8, hint.height() + 10)


# --- the schedule editor ---------------------------------------------------------------------


class ScheduleEditor(QWidget):
    """Type the schedule, or build it with the controls; both stay in sync.

    Building writes the canonical text. Typing updates the controls when the text can be
    read; when it cannot, the text is kept exactly as typed (it is what gets stored and
    printed) and the editor says so. `text()` lets the dialog read it like a line edit.
    """

    changed = Signal()

    def __init__(self, text: str = "", skip_holidays: bool = False) -> None:
        super().__init__()
        self._syncing = False
        self._extra_slots: tuple[str, ...] = ()  # a third time slot or more: kept, not shown
        self.line = QLineEdit()
        self.line.setPlaceholderText("例: 第2(木) 12:00〜13:00")
        self.line.setToolTip("日程を文字で書けます。読み取れない書き方でも、そのまま保存・印刷されます")
        self.setFocusProxy(self.line)
        self.error = label("", "error", wrap=True)  # ValidationError on 日程 (from the dialog)
        self.error.hide()

        self.freq = QComboBox()
        for key, text_ in FREQUENCIES:
            self.freq.addItem(text_, key)
        self.freq.setToolTip("どのくらいの間隔で開くか")
        self.weekday_boxes = [QCheckBox(day) for day in WEEKDAYS]
        self.nth_boxes = {n: QCheckBox(text_) for n, text_ in NTHS}
        self.monthdays = QLineEdit()
        self.monthdays.setPlaceholderText("例: 15 または 1・15")
        self.monthdays.setToolTip("毎月の何日か。いくつもあるときは「・」か「、」で区切ります")
        self.slot_boxes = [(self._time_box(), self._time_box()) for _ in range(2)]
        self.skip_holidays = QCheckBox("祝日は休み")
        self.skip_holidays.setToolTip("祝日に当たる日は開かない（次の日の計算で飛ばします）")
        self.skip_holidays.setChecked(skip_holidays)
        self.skip_error = label("", "error", wrap=True)
        self.skip_error.hide()

        self.builder = QFormLayout()
        self.builder.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.builder.addRow("頻度", self.freq)
        self.builder.addRow("曜日", self._row(self.weekday_boxes))
        self.builder.addRow("週", self._row(list(self.nth_boxes.values())))
        self.builder.addRow("日付", self.monthdays)
        for number, (start, end) in enumerate(self.slot_boxes, 1):
            self.builder.addRow(f"時間{number}" if number == 1 else "時間2",
                                self._row([start, label("〜"), end], stretch=True))
        builder_box = QGroupBox("選んで作る")
        builder_box.setLayout(self.builder)

        self.printed = label("", "subheading", wrap=True)
        self.dates = label("", wrap=True)
        self.problem = label("", "error", wrap=True)
        self.hint = label("", "note", wrap=True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # What will be printed sits right under the typed text, so it is seen while typing
        # even when the dialog has to scroll (large text on a small screen).
        layout.addWidget(label("文字で書く", "note"))
        layout.addWidget(self.line)
        layout.addWidget(self.error)
        layout.addWidget(self.printed)
        layout.addWidget(self.dates)
        layout.addWidget(self.problem)
        layout.addWidget(builder_box)
        layout.addWidget(self.hint)
        layout.addWidget(self.skip_holidays)
        layout.addWidget(self.skip_error)
        layout.addStretch(1)

        self.line.setText(text)
        self.line.textChanged.connect(self._typed)
        self.freq.currentIndexChanged.connect(self._built)
        for box in (*self.weekday_boxes, *self.nth_boxes.values()):
            box.toggled.connect(self._built)
        self.monthdays.textChanged.connect(self._built)
        for start, end in self.slot_boxes:
            start.currentTextChanged.connect(self._built)
            end.currentTextChanged.connect(self._built)
        self.skip_holidays.toggled.connect(lambda _on: self._show(self.reading()))
        self._show_rows(self.freq.currentData())
        self._typed(text)

    @staticmethod
    def _time_box() -> QComboBox:
        box = QComboBox()
        box.setEditable(True)
        box.addItems(TIMES)
        box.setToolTip("時刻を選ぶか、10:00 のように入れます（空なら時間なし）")
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        return box

    @staticmethod
    def _row(widgets: list[QWidget], stretch: bool = False) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            row.addWidget(widget, 1 if stretch and isinstance(widget, QComboBox) else 0)
        row.addStretch(0 if stretch else 1)
        return holder

    # --- what the dialog reads -----------------------------------------------------------------
    def text(self) -> str:
        return self.line.text()

    def reading(self) -> ScheduleReading:
        return resources.read_schedule(self.line.text())

    def set_text(self, text: str) -> None:
        self.line.setText(text)

    # --- typing -> controls --------------------------------------------------------------------
    def _typed(self, _text: str = "") -> None:
        if self._syncing:
            return
        reading = self.reading()
        if reading.schedule is not None:
            self._set_controls(reading.schedule)
        self._set_hint("")
        self._show(reading)

    def _set_controls(self, s: Schedule) -> None:
        self._syncing = True
        try:
            self.freq.setCurrentIndex(self.freq.findData(s.freq))
            for i, box in enumerate(self.weekday_boxes):
                box.setChecked(i in s.weekdays)
            for n, box in self.nth_boxes.items():
                box.setChecked(n in s.nths)
            self.monthdays.setText("・".join(str(d) for d in s.monthdays))
            # 「10:00〜12:00」 -> ("10:00", "12:00"); an open end 「10:00〜」 -> ("10:00", "").
            pairs = [str(slot).partition("〜")[::2] for slot in s.slots]
            for (start, end), pair in zip(self.slot_boxes, [*pairs, ["", ""], ["", ""]], strict=False):
                start.setEditText(pair[0])
                end.setEditText(pair[1])
            self._extra_slots = tuple(f"{a}〜{b}" for a, b in pairs[2:])
            self._show_rows(s.freq)
        finally:
            self._syncing = False

    # --- controls -> text ----------------------------------------------------------------------
    def _built(self, *_args: object) -> None:
        if self._syncing:
            return
        freq = self.freq.currentData()
        self._show_rows(freq)
        slots = [(s.currentText(), e.currentText()) for s, e in self.slot_boxes]
        slots += [extra.partition("〜")[::2] for extra in self._extra_slots]
        try:
            built = resources.compose_schedule(
                freq, weekdays=[i for i, b in enumerate(self.weekday_boxes) if b.isChecked()],
                nths=[n for n, b in self.nth_boxes.items() if b.isChecked()],
                monthdays=self.monthdays.text(), slots=slots)
        except ValidationError as exc:
            kept = f"（日程の文字は「{self.line.text()}」のままです）" if self.line.text() else ""
            self._set_hint(f"選んで作る: {exc.reason}{kept}")
            return
        self._set_hint("")
        self._syncing = True
        try:
            self.line.setText(built.text)
        finally:
            self._syncing = False
        self._show(built)

    def _set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _show_rows(self, freq: str) -> None:
        self.builder.setRowVisible(1, freq in ("weekly", "biweekly", "monthly_nth"))
        self.builder.setRowVisible(2, freq == "monthly_nth")
        self.builder.setRowVisible(3, freq == "monthly_day")

    # --- the live preview ----------------------------------------------------------------------
    def _show(self, reading: ScheduleReading) -> None:
        if not reading.text:
            self.printed.setText("印刷される日程: （まだありません）")
            self.dates.setText("")
            self.problem.setText("")
        elif reading.schedule is None:
            self.printed.setText(f"印刷される日程: {reading.text}（書いたとおり）")
            self.dates.setText("次の日: 出せません")
            self.problem.setText(f"{UNREADABLE}。{reading.problem}\n"
                                 "書いたとおりの文字のまま保存・印刷されます（消えません）。")
        else:
            self.printed.setText(f"印刷される日程: {reading.printed}")
            dates = resources.schedule_dates(reading.schedule,
                                             skip_holidays=self.skip_holidays.isChecked())
            # One date never splits across lines: join its characters, break only at 、.
            self.dates.setText("次の5回: " + "、".join(WORD_JOINER.join(wareki(d, with_weekday=True))
                                                      for d in dates))
            self.problem.setText("")
        self.problem.setVisible(bool(self.problem.text()))
        self.changed.emit()


# --- the add/edit dialog ---------------------------------------------------------------------


class ResourceDialog(EditDialog):
    """Like FormDialog (the same inputs, keys, messages under the field the ValidationError names,
    the dialog stays open with everything as typed), laid out in two columns with the schedule
    editor."""

    def __init__(self, title: str, categories: Sequence[str], neighbourhood_names: Sequence[str],
                 values: dict[str, Any], on_save: Callable[[dict[str, Any]], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._on_save = on_save
        self.result_value: Any = None
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._by_label: dict[str, str] = {}
        self._by_name: dict[str, str] = {}
        # Labels, kinds and tips from resources.RESOURCE_FIELDS, declared there once.
        left_fields = form_fields(RESOURCE_FIELDS, {"category": [NONE, *categories],
                                                    "neighbourhood": [NONE, *neighbourhood_names]},
                                  only=LEFT_FIELDS)
        # Two forms so that, stacked on a narrow screen, the schedule comes right after 内容.
        top, rest = QFormLayout(), QFormLayout()
        em = self.fontMetrics().horizontalAdvance("あ")
        label_width = max(self.fontMetrics().horizontalAdvance(f.label) for f in left_fields) + em // 2
        for index, field in enumerate(left_fields):
            widget = self._make(field, values.get(field.name))
            widget.setToolTip(field.tip or field.label)
            if field.kind != "bool":
                widget.setMinimumWidth(12 * em)
            row_label = label(field.label)
            row_label.setMinimumWidth(label_width)  # both forms line up
            self._add(field.name, field.label, row_label, widget, top if index < 3 else rest)
            if field.key:
                self._by_name[field.key] = field.name

        self.schedule = ScheduleEditor(values.get("schedule_text") or "",
                                       bool(values.get("skip_holidays")))
        self.schedule.line.setMinimumWidth(18 * em)
        labels = {f.name: f.label for f in RESOURCE_FIELDS}
        self._register("schedule_text", labels["schedule_text"], self.schedule, self.schedule.error)
        self._register("skip_holidays", labels["skip_holidays"], self.schedule.skip_holidays,
                       self.schedule.skip_error)
        self._schedule_box = QGroupBox("日程")
        QVBoxLayout(self._schedule_box).addWidget(self.schedule)

        content = QWidget()
        self._grid = QGridLayout(content)
        self._top, self._rest = top, rest
        self.stacked: bool | None = None
        self._arrange(stacked=False)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)

        self.general_error = label("", "error", wrap=True)
        self.general_error.hide()
        buttons = save_cancel_buttons(self, self._save)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self._content = content
        screen = self.screen().availableGeometry().size() if self.screen() else None
        self.fit_to(screen or self.preferred_size())

    def preferred_size(self) -> QSize:
        hint = self._content.sizeHint()
        return QSize(hint.width() + 60, hint.height() + 150)

    def fit_to(self, available: QSize) -> None:
        """As big as the form wants, but never bigger than the screen: the rest scrolls up and
        down. A screen too narrow for two columns (large text) gets the schedule under 内容."""
        self._arrange(stacked=False)
        wanted = self.preferred_size()
        if wanted.width() > available.width() - 40:
            self._arrange(stacked=True)
            wanted = self.preferred_size()
        self.resize(min(wanted.width(), available.width() - 40),
                    min(wanted.height(), available.height() - 60))

    def _arrange(self, *, stacked: bool) -> None:
        if stacked == self.stacked:
            return
        grid = self._grid
        if self.stacked is not None:
            grid.removeItem(self._top)
            grid.removeItem(self._rest)
            grid.removeWidget(self._schedule_box)
        grid.addLayout(self._top, 0, 0)
        if stacked:
            grid.addWidget(self._schedule_box, 1, 0)
            grid.addLayout(self._rest, 2, 0)
        else:
            grid.addLayout(self._rest, 1, 0)
            grid.addWidget(self._schedule_box, 0, 1, 2, 1)
        for column, stretch in enumerate((1, 0 if stacked else 1)):
            grid.setColumnStretch(column, stretch)
        for row, stretch in enumerate((0, 0, 1) if stacked else (0, 1, 0)):
            grid.setRowStretch(row, stretch)
        self.stacked = stacked
        grid.invalidate()
        grid.activate()

    @staticmethod
    def _make(field: FormField, value: Any) -> QWidget:
        widget = make_input(field, value)
        if field.kind == "long":  # short notes here: two to four lines, the dialog has two columns
            widget.setMinimumHeight(widget.fontMetrics().lineSpacing() * 2 + 12)
            widget.setMaximumHeight(widget.fontMetrics().lineSpacing() * 4 + 12)
        return widget

    def _add(self, name: str, text: str, row_label: QLabel, widget: QWidget, form: QFormLayout) -> None:
        error = label("", "error", wrap=True)
        error.hide()
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        form.addRow(row_label, box)
        self._register(name, text, widget, error)

    def _register(self, name: str, text: str, widget: QWidget, error: QLabel) -> None:
        self.inputs[name], self.errors[name] = widget, error
        self._by_label[text] = name
        self._by_name[name] = name

    def values(self) -> dict[str, Any]:
        return {name: input_value(widget) for name, widget in self.inputs.items()}

    def show_error(self, exc: UserError) -> None:
        show_field_error(exc, self.inputs, self.errors, self._by_label, self.general_error,
                         by_name=self._by_name)

    def _save(self) -> None:
        try:
            self.result_value = self._on_save(self.values())
        except UserError as exc:
            self.show_error(exc)
            return
        self.accept()


# --- the page --------------------------------------------------------------------------------


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

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
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
