"""研修 (担い手養成講座): the sessions held, add/edit/delete, and per session who was 欠席 / 出席 /
修了. A completion is what lets a member become a サービスの担い手, so each click in the
attendance editor is saved at once (one undoable step) and a refusal is shown where it happened."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.services import councils, trainings
from app.services.trainings import ATTENDANCE_STATES, AttendanceRow, TrainingDTO
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
    show_error,
    text_size,
    wareki,
)

TITLE_COLUMN = 1  # 講座名: takes the room a wide window leaves
# (column, narrowest in characters) giving way in turn when the window is narrow: the two
# member counts go first (0: hidden; the line under the checklist says them), then 会場 and
# 講座名 narrow (elided; the full text is in the tooltip).
YIELDING = ((4, 0), (5, 0), (2, 4), (TITLE_COLUMN, 4))
AREAS = {"trainings", "members"}  # a completion changes who may be a サービスの担い手
PROVIDER_NOTE = "修了した人はメンバーの区分で『サービスの担い手』にできます"
STATE_TIPS = {"欠席": "この講座に来なかった", "出席": "来たが、修了はしていない",
              "修了": "講座を修了した（サービスの担い手になれます）"}


def attended(t: TrainingDTO) -> int:
    return len(t.attendance)


def completed(t: TrainingDTO) -> int:
    return sum(done for _member, done in t.attendance)


def count_text(n: int | None) -> str:
    return "" if n is None else f"{n}人"


COLUMNS = (
    Column("開催日", lambda t: wareki(t.held_on), lambda t: t.held_on),
    Column("講座名", lambda t: t.title),
    Column("会場", lambda t: t.venue),
    Column("参加者数", lambda t: count_text(t.participant_count), align_right=True),
    Column("出席した\nメンバー", lambda t: f"{attended(t)}人", align_right=True),
    Column("修了した\nメンバー", lambda t: f"{completed(t)}人", align_right=True),
)


class TrainingModel(DtoTableModel):
    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            t = self.rows[index.row()]
            return f"{t.held_on.isoformat()}　{t.title}（{t.venue}）" + (f"\n{t.note}" if t.note else "")
        return super().data(index, role)


class AttendanceRowWidgets:
    """One member's line: the name, a 担い手 mark, and 欠席 / 出席 / 修了 as three radio buttons
    (all three visible, so the current state is read at a glance)."""

    def __init__(self, holder: QWidget, grid: QGridLayout, line: int, row: AttendanceRow,
                 on_pick) -> None:
        name = row.name if row.status == "活動中" else f"{row.name}（{row.status}）"
        self.name = label(name)
        self.kind = label("担い手" if row.is_provider else "", "note")
        self.kind.setToolTip("サービスの担い手です。修了の記録がひとつは必要です")
        grid.addWidget(self.name, line, 0)
        grid.addWidget(self.kind, line, 1)
        self.group = QButtonGroup(holder)
        self.buttons: dict[str, QRadioButton] = {}
        for column, state in enumerate(ATTENDANCE_STATES, start=2):
            radio = QRadioButton(state)
            radio.setToolTip(f"{row.name}さん: {STATE_TIPS[state]}")
            self.group.addButton(radio)
            grid.addWidget(radio, line, column)
            self.buttons[state] = radio
        self.member_id = row.member_id
        self.set_state(row.state)
        self.group.buttonClicked.connect(lambda b: on_pick(self.member_id, b.text()))

    def set_state(self, state: str) -> None:
        self.buttons[state].setChecked(True)

    def state(self) -> str:
        return next(s for s, b in self.buttons.items() if b.isChecked())


class TrainingsPage(Page):
    key = "trainings"
    title = "研修"
    areas = frozenset({"trainings", "members", "council"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.all: list[TrainingDTO] = []
        self.sheet: list[AttendanceRow] = []
        self.rows: dict[str, AttendanceRowWidgets] = {}
        self._sheet_key: tuple = ()
        # The actions sit beside the heading: the attendance editor needs the height.
        self.body.removeWidget(self.heading)
        head = QHBoxLayout()
        head.addWidget(self.heading)
        head.addStretch(1)
        self.add_button = button("研修を追加", self.add, role="primary",
                                 tip="担い手養成講座などの研修を新しく記録します")
        self.edit_button = button("編集", self.edit_selected, tip="選んだ研修の日付・講座名・会場などを直します")
        self.delete_button = button("削除", self.delete_selected, role="danger",
                                    tip="選んだ研修の記録を削除します（確認があります）")
        for widget in (self.add_button, self.edit_button, self.delete_button):
            head.addWidget(widget)
        self.body.insertLayout(0, head)
        self.empty = empty_hint("まだ研修の記録がありません。担い手養成講座などを開いたら「研修を追加」で書き、"
                                "出席と修了をつけます。")
        self.body.addWidget(self.empty)

        self.model = TrainingModel(COLUMNS, self)
        self.table = record_table(self.model, single=True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_attendance())
        enable_with_selection(self.table, self.edit_button, self.delete_button)
        lines = self.fontMetrics().height()
        self.table.setMinimumHeight(lines * 7)  # the two-line header and at least two sessions

        editor = QFrame()
        editor.setProperty("role", "card")
        editor_box = QVBoxLayout(editor)
        self.editor_title = label("", "subheading", wrap=True)
        self.note = label(f"選ぶとすぐに保存されます。{PROVIDER_NOTE}", "note", wrap=True)
        self.error = label("", "error", wrap=True)
        self.error.hide()
        self.summary = label("", "note")
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setToolTip("メンバーごとに、欠席・出席・修了のどれかを選びます")
        for widget in (self.editor_title, self.note, self.error):
            editor_box.addWidget(widget)
        editor_box.addWidget(self.scroll, 1)
        editor_box.addWidget(self.summary)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(editor)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([150, 550])
        self.body.addWidget(split, 1)

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        keep = self.selected()
        # Newest first, like the meeting log.
        self.all = sorted(trainings.list_trainings(self.store, self.council_id),
                          key=lambda t: t.held_on, reverse=True)
        self.model.set_rows(self.all)
        self.empty.setVisible(not self.all)
        self.fit_columns()
        self.select_id(keep.id if keep else (self.all[0].id if self.all else None))

    def fit_columns(self) -> None:
        """講座名 takes the room a wide window leaves, so the numbers stay together (YIELDING)."""
        fit_columns(self.table, TITLE_COLUMN, YIELDING)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def select_id(self, training_id: str | None) -> None:
        select_row(self.table, training_id)
        self.show_attendance()

    def selected(self) -> TrainingDTO | None:
        return selected_record(self.table)

    def show_attendance(self) -> None:
        """Fill the editor for the selected training. Rows are rebuilt only when the list of
        people changes, so a click keeps the scroll position."""
        t = self.selected()
        self.error.hide()  # a refusal belongs to the click that caused it
        if t is None:
            self.editor_title.setText("出席と修了（上の表で研修を選んでください）"
                                      if self.all else "出席と修了（研修はまだありません）")
            self.sheet = []
        else:
            self.editor_title.setText(f"出席と修了 — {wareki(t.held_on)}の講座")
            self.editor_title.setToolTip(t.title)
            self.sheet = trainings.attendance_sheet(self.store, t.id)
        key = (t is None, *((r.member_id, r.name, r.status, r.is_provider) for r in self.sheet))
        if key != self._sheet_key:
            self._rebuild(t)
            self._sheet_key = key
        for r in self.sheet:
            self.rows[r.member_id].set_state(r.state)
        self._summarise(t)

    def _rebuild(self, t: TrainingDTO | None) -> None:
        # A fresh holder each time: setWidget deletes the old one with its rows and groups.
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setHorizontalSpacing(18)
        self.rows = {}
        if t is not None and not self.sheet:
            grid.addWidget(label("メンバーがまだいません（「メンバー」のページで登録できます）",
                                 "note", wrap=True), 0, 0, 1, 5)
        for line, r in enumerate(self.sheet):
            self.rows[r.member_id] = AttendanceRowWidgets(holder, grid, line, r, self.pick)
        grid.setColumnStretch(5, 1)
        grid.setRowStretch(len(self.sheet) + 1, 1)
        self.scroll.setWidget(holder)

    def _summarise(self, t: TrainingDTO | None) -> None:
        if t is None:
            self.summary.setText("")
            return
        participants = f"（参加者数 {t.participant_count}人のうち）" if t.participant_count is not None else ""
        self.summary.setText(f"メンバーの出席 {attended(t)}人、うち修了 {completed(t)}人{participants}")

    def state_of(self, member_id: str) -> str:
        return self.rows[member_id].state()

    # --- edits --------------------------------------------------------------------------------
    def pick(self, member_id: str, state: str) -> bool:
        """Save one member's choice at once. A refusal (e.g. taking the only 修了 away from a
        サービスの担い手) is shown in words and the buttons go back to what is stored."""
        t = self.selected()
        before = next((r for r in self.sheet if r.member_id == member_id), None)
        if t is None or before is None or before.state == state:
            return False
        self.error.hide()
        try:
            self.controller.update(f"{before.name}さんを「{state}」にする（{wareki(t.held_on)}の研修）",
                                   "training", t.id,
                                   lambda: trainings.set_member_state(self.store, t.id, member_id, state),
                                   AREAS)
        except UserError as exc:
            self.rows[member_id].set_state(before.state)
            reason = getattr(exc, "reason", str(exc))
            self.error.setText(f"保存できませんでした。{reason}")
            self.error.show()
            show_error(self, f"{before.name}さんを「{state}」にできませんでした。\n\n{reason}")
            return False
        return True

    def _open(self, dialog: FormDialog) -> FormDialog:
        fit_to_screen(dialog, text_size(dialog, 36, 18))  # room for a full 講座名
        return self.open_dialog(dialog)

    @staticmethod
    def _fields() -> list[FormField]:
        """From trainings.TRAINING_FIELDS: labels, kinds and tips are declared there once."""
        return form_fields(trainings.TRAINING_FIELDS)

    def add(self) -> FormDialog:
        store, council_id = self.store, self.council_id
        place = councils.get_council(store, council_id).meeting_place

        def save(values: dict):
            made = self.controller.create(f"研修「{values['title'] or '研修'}」を追加", "training",
                                          lambda: trainings.create_training(store, council_id, values),
                                          AREAS)
            self.select_id(made.id)
            return made

        values = {"held_on": dt.date.today(), "title": "担い手養成講座", "venue": place}
        return self._open(FormDialog("研修を追加", self._fields(), values, save, self))

    def edit_selected(self) -> FormDialog | None:
        t = self.selected()
        if t is None:
            self.controller.message.emit("直す研修を一覧から選んでください")
            return None
        values = {f.name: getattr(t, f.name) for f in self._fields()}

        def save(new: dict):
            return self.controller.update(f"研修「{new['title'] or t.title}」を編集", "training", t.id,
                                          lambda: trainings.update_training(self.store, t.id, new),
                                          AREAS)

        return self._open(FormDialog(f"{wareki(t.held_on)}の研修", self._fields(), values, save, self))

    def delete_selected(self) -> None:
        t = self.selected()
        if t is None:
            self.controller.message.emit("削除する研修を一覧から選んでください")
            return
        what = f"{wareki(t.held_on)}の研修「{t.title}」（出席の記録も）"
        if not confirm_delete(self, what):
            return
        # The service refuses when a サービスの担い手 would lose their only completion.
        try:
            self.controller.delete(f"{wareki(t.held_on)}の研修を削除", "training", t.id,
                                   lambda: trainings.delete_training(self.store, t.id), AREAS)
        except UserError as exc:
            show_error(self, f"この研修は削除できませんでした。\n\n{getattr(exc, 'reason', str(exc))}")
