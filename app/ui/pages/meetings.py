"""会議・活動: the council's log newest first, upcoming ones marked 「予定」, a detail pane with the
記録 (minutes), add/edit with an attendance checklist, delete, and 「次の定例会を作る」 from the
council's meeting schedule."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.models import MEETING_KINDS
from app.services import meetings, members
from app.services.meetings import AttendeeChoice, MeetingDTO
from app.ui.pages.base import Page
from app.ui.widgets import (
    Column,
    DtoTableModel,
    FormDialog,
    FormField,
    button,
    confirm_delete,
    empty_hint,
    enable_with_selection,
    fit_columns,
    fit_to_screen,
    form_fields,
    label,
    record_table,
    select_row,
    selected_record,
    text_size,
    wareki,
)

ALL = "すべて"
TITLE_COLUMN = 4  # 題名: takes the room a wide window leaves
# (column, narrowest in characters) giving way in turn when the window is narrow: the counts
# go first (0: hidden; the pane below shows them), then 場所 and 題名 narrow, then 場所 and
# 種類 go (the pane has them too).
YIELDING = ((7, 0), (6, 0), (5, 4), (TITLE_COLUMN, 6), (5, 0), (3, 0))
UPCOMING_BACKGROUND = QColor("#fff6d5")  # a soft yellow: the rows still to come


def hm(t: dt.time | None) -> str:
    return f"{t.hour}:{t.minute:02d}" if t else ""


def time_text(m: MeetingDTO) -> str:
    if not m.start_time and not m.end_time:
        return ""
    return f"{hm(m.start_time)}〜{hm(m.end_time)}"


def count_text(n: int | None) -> str:
    return "" if n is None else f"{n}人"


class LogModel(DtoTableModel):
    """The log's rows; upcoming meetings get a soft background besides their 「予定」 mark."""

    def __init__(self, columns: Sequence[Column], page: MeetingsPage) -> None:
        super().__init__(columns, page)
        self._page = page

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.BackgroundRole:
            return UPCOMING_BACKGROUND if self._page.is_upcoming(self.rows[index.row()]) else None
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            m = self.rows[index.row()]
            mark = "次回の予定　" if m.id == self._page.next_id else ""
            return f"{mark}{m.held_on.isoformat()}　{m.title or m.kind}"
        return super().data(index, role)


class AttendanceChecklist(QFrame):
    """Tick who came: the council's active members in 五十音 order, with 全員 / 全員外す."""

    def __init__(self, choices: Sequence[AttendeeChoice]) -> None:
        super().__init__()
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        self.title = label("", "subheading")
        layout.addWidget(self.title)
        helpers = QHBoxLayout()
        helpers.addWidget(button("全員", self.check_all, tip="一覧の全員を出席にします"))
        helpers.addWidget(button("全員外す", self.clear_all, tip="一覧の全員の印を外します"))
        helpers.addStretch(1)
        layout.addLayout(helpers)
        inner = QWidget()
        rows = QVBoxLayout(inner)
        rows.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for choice in choices:
            text = choice.name if choice.status == "活動中" else f"{choice.name}（{choice.status}）"
            box = QCheckBox(text)
            box.setChecked(choice.attending)
            box.setToolTip(f"{choice.name}さんが出席したら印をつけます")
            box.toggled.connect(self._count)
            rows.addWidget(box)
            self.boxes[choice.member_id] = box
        if not choices:
            rows.addWidget(label("メンバーがまだいません（「メンバー」のページで登録できます）",
                                 "note", wrap=True))
        rows.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setToolTip("出席したメンバーに印をつけます")
        layout.addWidget(scroll, 1)
        self.error = label("", "error", wrap=True)
        self.error.hide()
        layout.addWidget(self.error)
        self._count()

    def checked_ids(self) -> list[str]:
        return [member_id for member_id, box in self.boxes.items() if box.isChecked()]

    def check_all(self) -> None:
        for box in self.boxes.values():
            box.setChecked(True)

    def clear_all(self) -> None:
        for box in self.boxes.values():
            box.setChecked(False)

    def _count(self) -> None:
        self.title.setText(f"出席したメンバー（{len(self.checked_ids())}人）")


class MeetingDialog(FormDialog):
    """The form of MEETING_FIELDS beside the attendance checklist; a note on top may say
    where the proposed values came from (「次の定例会を作る」)."""

    def __init__(self, title: str, fields: Sequence[FormField], values: dict[str, Any],
                 choices: Sequence[AttendeeChoice], on_save, parent: QWidget, note: str = "") -> None:
        super().__init__(title, fields, values, on_save, parent)
        self.attendance = AttendanceChecklist(choices)
        outer: QVBoxLayout = self.layout()  # type: ignore[assignment]
        # Move FormDialog's form into a row beside the checklist. removeItem (not takeAt,
        # whose returned item Python would own and delete) keeps the layout alive.
        form = self.findChild(QFormLayout)
        outer.removeItem(form)
        form.setParent(None)
        side_by_side = QHBoxLayout()
        side_by_side.addLayout(form, 3)
        side_by_side.addWidget(self.attendance, 2)
        outer.insertLayout(0, side_by_side, 1)
        self.note = label(note, "note", wrap=True)
        self.note.setVisible(bool(note))
        outer.insertWidget(0, self.note)
        self.inputs["start_time"].setPlaceholderText("例: 10:00")  # type: ignore[attr-defined]
        self.inputs["end_time"].setPlaceholderText("例: 12:00")  # type: ignore[attr-defined]
        self.inputs["attendance_count"].setPlaceholderText("来た人の数（メンバー以外も）")  # type: ignore[attr-defined]
        self.inputs["minutes"].setMinimumHeight(self.fontMetrics().height() * 5)
        fit_to_screen(self, text_size(self, 50, 30))

    def values(self) -> dict[str, Any]:
        out = super().values()
        out["attendee_ids"] = self.attendance.checked_ids()
        return out

    def show_error(self, exc: UserError) -> None:
        super().show_error(exc)
        self.attendance.error.hide()
        if getattr(exc, "name", None) == "attendee_ids" or getattr(exc, "field", "") == meetings.ATTENDEES:
            # not one of the form's fields: show it here
            self.general_error.hide()
            self.attendance.error.setText(exc.reason)  # type: ignore[attr-defined]
            self.attendance.error.show()


def meeting_fields() -> list[FormField]:
    """From meetings.MEETING_FIELDS: labels, kinds, choices and tips are declared there once."""
    return form_fields(meetings.MEETING_FIELDS)


class MeetingsPage(Page):
    key = "meetings"
    title = "会議・活動"
    areas = frozenset({"meetings", "members", "council"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.all: list[MeetingDTO] = []
        self.names: dict[str, str] = {}
        self.today = dt.date.today()
        self.next_id: str | None = None

        top = QHBoxLayout()
        top.addWidget(label("種類"))
        self.kind_filter = QComboBox()
        self.kind_filter.addItems([ALL, *MEETING_KINDS])
        self.kind_filter.setToolTip("会議・活動の種類で絞り込みます")
        self.kind_filter.currentIndexChanged.connect(self.apply_filter)
        top.addWidget(self.kind_filter)
        self.count = label("", "note")
        top.addWidget(self.count, 1)
        self.body.addLayout(top)

        columns = (
            Column("", self._mark),
            Column("開催日", lambda m: wareki(m.held_on, with_weekday=True)),
            Column("時間", time_text),
            Column("種類", lambda m: m.kind),
            Column("題名", lambda m: m.title),
            Column("場所", lambda m: m.venue),
            Column("参加人数", lambda m: count_text(m.attendance_count), align_right=True),
            Column("出席\nメンバー", lambda m: f"{len(m.attendee_ids)}人", align_right=True),
        )
        self.model = LogModel(columns, self)
        self.table = record_table(self.model, single=True)
        self.table.setAlternatingRowColors(False)  # the 予定 background must stay visible
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_detail())

        self.detail = QFrame()
        self.detail.setProperty("role", "card")
        detail = QVBoxLayout(self.detail)
        self.detail_title = label("", "subheading", wrap=True)
        self.detail_when = label("", wrap=True)
        self.detail_people = label("", "note", wrap=True)
        self.minutes = QPlainTextEdit()
        self.minutes.setReadOnly(True)
        self.minutes.setToolTip("記録（議事録）です。直すときは「編集」を押します")
        self.minutes.setPlaceholderText("記録はまだありません（「編集」で書けます）")
        self.minutes.setMinimumHeight(self.fontMetrics().height() * 3)
        for widget in (self.detail_title, self.detail_when, self.detail_people):
            detail.addWidget(widget)
        detail.addWidget(label("記録", "subheading"))
        detail.addWidget(self.minutes, 1)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([300, 200])  # proportions: the log gets the larger part
        self.empty = empty_hint("まだ会議・活動の記録がありません。「会議・活動を追加」で書くか、"
                                "「次の定例会を作る」で協議体の設定の日程から次の定例会を入れられます。")
        self.body.addWidget(self.empty)
        self.body.addWidget(split, 1)

        actions = QHBoxLayout()
        self.add_button = button("会議・活動を追加", self.add, role="primary",
                                 tip="会議や活動の記録を新しく書きます")
        self.next_button = button("次の定例会を作る", self.add_next_regular,
                                  tip="協議体の設定にある会議の日程と場所から、次の定例会を入れます")
        self.edit_button = button("編集", self.edit_selected, tip="選んだ会議の内容・出席・記録を直します")
        self.delete_button = button("削除", self.delete_selected, role="danger",
                                    tip="選んだ会議の記録を削除します（確認があります）")
        for widget in (self.add_button, self.next_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        for widget in (self.edit_button, self.delete_button):
            actions.addWidget(widget)
        self.body.addLayout(actions)
        enable_with_selection(self.table, self.edit_button, self.delete_button)
        self.show_detail()

    # --- data ---------------------------------------------------------------------------------
    def is_upcoming(self, m: MeetingDTO) -> bool:
        return m.held_on >= self.today

    def _mark(self, m: MeetingDTO) -> str:
        return "予定" if self.is_upcoming(m) else ""

    def refresh(self) -> None:
        self.today = dt.date.today()
        self.all = meetings.list_meetings(self.store, self.council_id)
        self.names = {m.id: m.name for m in members.list_members(self.store, self.council_id)}
        upcoming = [m for m in self.all if self.is_upcoming(m)]
        self.next_id = upcoming[-1].id if upcoming else None  # the list is newest first
        self.empty.setVisible(not self.all)
        self.apply_filter()

    def apply_filter(self) -> None:
        keep = self.selected()
        if keep is None and self.all:
            # Open on the next meeting (or the latest one): what a user comes to look at.
            keep = next((m for m in self.all if m.id == self.next_id), self.all[0])
        kind = self.kind_filter.currentText()
        shown = [m for m in self.all if kind == ALL or m.kind == kind]
        self.model.set_rows(shown)
        self.fit_columns()
        coming = sum(self.is_upcoming(m) for m in shown)
        self.count.setText(f"{len(shown)}件を表示（全{len(self.all)}件、うち予定 {coming}件）")
        self.select_id(keep.id if keep else None)

    def fit_columns(self) -> None:
        """題名 takes the room a wide window leaves; in a narrow one 場所 and 題名 give way
        (elided; the full text is in the tooltip and the detail pane)."""
        fit_columns(self.table, TITLE_COLUMN, YIELDING)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def show_meeting(self, m: MeetingDTO) -> None:
        """Select a meeting just saved; if the 種類 filter hides it, show all kinds again."""
        if self.kind_filter.currentText() not in (ALL, m.kind):
            self.kind_filter.setCurrentText(ALL)
        self.select_id(m.id)

    def select_id(self, meeting_id: str | None) -> None:
        select_row(self.table, meeting_id)
        self.show_detail()

    def selected(self) -> MeetingDTO | None:
        return selected_record(self.table)

    def show_detail(self) -> None:
        m = self.selected()
        if m is None:
            self.detail_title.setText("会議を選ぶと、ここに内容と記録が出ます")
            for widget in (self.detail_when, self.detail_people):
                widget.setText("")
            self.minutes.setPlainText("")
            return
        mark = ("【次回】" if m.id == self.next_id else "【予定】") if self.is_upcoming(m) else ""
        self.detail_title.setText(f"{mark}{m.title or m.kind}")
        place = f"　{m.venue}" if m.venue else ""
        when = wareki(m.held_on, with_weekday=True)
        self.detail_when.setText(f"{when} {time_text(m)}{place}　{m.kind}".strip())
        present = set(m.attendee_ids)
        who = "、".join(name for member_id, name in self.names.items() if member_id in present)  # 五十音
        people = f"参加人数: {count_text(m.attendance_count) or '未記入'}　"
        people += f"出席メンバー {len(m.attendee_ids)}人" + (f": {who}" if who else "")
        self.detail_people.setText(people)
        self.minutes.setPlainText(m.minutes)

    # --- edits --------------------------------------------------------------------------------
    @staticmethod
    def _raw(values: dict) -> tuple[dict, list[str]]:
        attendee_ids = values.pop("attendee_ids")
        return values, attendee_ids

    def _add_dialog(self, values: dict, note: str = "") -> FormDialog:
        store, council_id = self.store, self.council_id

        def save(new: dict):
            raw, attendee_ids = self._raw(new)
            what = raw["title"].strip() or raw["kind"]
            made = self.controller.create(
                f"「{what}」を追加", "meeting",
                lambda: meetings.create_meeting(store, council_id, raw, attendee_ids), {"meetings"})
            self.show_meeting(made)
            return made

        choices = meetings.attendee_choices(store, council_id)
        return self.open_dialog(MeetingDialog("会議・活動を追加", meeting_fields(), values, choices, save,
                                        self, note))

    def add(self) -> FormDialog:
        return self._add_dialog({"held_on": dt.date.today(), "kind": "定例会"})

    def add_next_regular(self) -> FormDialog:
        p = meetings.propose_next_regular(self.store, self.council_id)
        values = {"held_on": p.held_on, "start_time": hm(p.start_time), "end_time": hm(p.end_time),
                  "kind": p.kind, "title": p.title, "venue": p.venue}
        return self._add_dialog(values, p.basis)

    def edit_selected(self) -> FormDialog | None:
        m = self.selected()
        if m is None:
            self.controller.message.emit("直す会議を一覧から選んでください")
            return None
        values = {f.name: getattr(m, f.name) for f in meeting_fields()}
        values["start_time"], values["end_time"] = hm(m.start_time), hm(m.end_time)

        def save(new: dict):
            raw, attendee_ids = self._raw(new)
            what = raw["title"].strip() or raw["kind"]
            done = self.controller.update(
                f"「{what}」を編集", "meeting", m.id,
                lambda: meetings.update_meeting(self.store, m.id, raw, attendee_ids), {"meetings"})
            self.show_meeting(done)
            return done

        choices = meetings.attendee_choices(self.store, self.council_id, m.id)
        title = f"{wareki(m.held_on, with_weekday=True)}の{m.kind}"
        return self.open_dialog(MeetingDialog(title, meeting_fields(), values, choices, save, self))

    def delete_selected(self) -> None:
        m = self.selected()
        if m is None:
            self.controller.message.emit("削除する会議を一覧から選んでください")
            return
        what = f"{wareki(m.held_on, with_weekday=True)}の「{m.title or m.kind}」"
        if not confirm_delete(self, what):
            return
        self.controller.delete(f"{what}を削除", "meeting", m.id,
                               lambda: meetings.delete_meeting(self.store, m.id), {"meetings"})
