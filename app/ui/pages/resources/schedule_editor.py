"""日程: typed as text or built with the controls, the two kept in sync, with what will be
printed and the next five dates shown while typing."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError
from app.services import resources
from app.services.resources import ScheduleReading
from app.services.schedule import LAST, Schedule
from app.services.wareki import WEEKDAYS, wareki
from app.ui.pages.resources.table_model import UNREADABLE, WORD_JOINER
from app.ui.widgets import label

FREQUENCIES = (("weekly", "毎週"), ("biweekly", "隔週"), ("monthly_nth", "毎月第○曜日（第2水曜など）"),
               ("monthly_day", "毎月○日（15日など）"), ("daily", "毎日"))
NTHS = ((1, "第1"), (2, "第2"), (3, "第3"), (4, "第4"), (5, "第5"), (LAST, "最終"))
TIMES = ["", *(f"{h}:{m:02d}" for h in range(6, 23) for m in (0, 30))]


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
