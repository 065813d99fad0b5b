"""提言: what the council raised to the city or the tier-1 council, newest first, with a pane
showing the selected one's くわしく and 回答; add, edit and delete through the controller (undo)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
)

from app.services import proposals
from app.services.proposals import ProposalDTO
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

AREAS = {"proposals"}
TITLE_COLUMN = 1  # 内容: takes the room a wide window leaves
YIELDING = ((2, 4), (TITLE_COLUMN, 6))  # (column, narrowest in characters): 提出先, then 内容
NOT_YET = "まだ"
LONG_LINES = {"detail": 4, "answer": 4, "note": 2}  # the dialog's text boxes, at most these lines
HINT = ("まだ提言の記録がありません。提言は、協議体で話し合って見えてきた地域の困りごとと"
        "「こうしてほしい」を、市や第1層協議体に伝えるものです。出したら「提言を追加」で書き、"
        "回答が来たら「編集」で書き足します。")

COLUMNS = (
    Column("提出日", lambda p: wareki(p.raised_on) or NOT_YET, lambda p: p.raised_on or dt.date.max),
    Column("内容", lambda p: p.title),
    Column("提出先", lambda p: p.raised_to),
    Column("状況", lambda p: p.status),
    Column("回答日", lambda p: wareki(p.answered_on), lambda p: p.answered_on or dt.date.min),
)


def fields() -> list[FormField]:
    """From proposals.PROPOSAL_FIELDS: labels, kinds and tips are declared there once."""
    return form_fields(proposals.PROPOSAL_FIELDS)


class ProposalModel(DtoTableModel):
    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role == Qt.ItemDataRole.ToolTipRole:
            p = self.rows[index.row()]
            return f"{p.title}（{p.raised_to or '提出先なし'}、{p.status}）"
        return super().data(index, role)


class ProposalsPage(Page):
    key = "proposals"
    title = "提言"
    areas = frozenset({"proposals", "council"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.all: list[ProposalDTO] = []
        # The count beside the heading: the list and the pane below need the height.
        self.body.removeWidget(self.heading)
        head = QHBoxLayout()
        head.addWidget(self.heading)
        self.count = label("", "note")
        head.addWidget(self.count, 1, Qt.AlignmentFlag.AlignBottom)
        self.body.insertLayout(0, head)
        self.empty = empty_hint(HINT)
        self.body.addWidget(self.empty)

        self.model = ProposalModel(COLUMNS, self)
        self.table = record_table(self.model, single=True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_detail())
        self.table.setMinimumHeight(self.fontMetrics().height() * 6)  # the header and three rows

        self.detail = QFrame()
        self.detail.setProperty("role", "card")
        box = QVBoxLayout(self.detail)
        self.detail_title = label("", "subheading", wrap=True)
        self.detail_when = label("", wrap=True)
        box.addWidget(self.detail_title)
        box.addWidget(self.detail_when)
        self.detail_text = self._reader("くわしいことはまだ書いてありません（「編集」で書けます）")
        self.answer_text = self._reader("回答はまだありません（来たら「編集」で書き足します）")
        for heading, reader in (("くわしく", self.detail_text), ("回答", self.answer_text)):
            box.addWidget(label(heading, "subheading"))
            box.addWidget(reader, 1)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        split.setSizes([300, 300])
        self.body.addWidget(split, 1)

        actions = QHBoxLayout()
        self.add_button = button("提言を追加", self.add, role="primary",
                                 tip="市や第1層協議体に出した（出す）提言を記録します")
        self.edit_button = button("編集", self.edit_selected,
                                  tip="選んだ提言を直します。回答が来たら、ここで書き足します")
        self.delete_button = button("削除", self.delete_selected, role="danger",
                                    tip="選んだ提言の記録を削除します（確認があります）")
        actions.addWidget(self.add_button)
        actions.addStretch(1)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.delete_button)
        self.body.addLayout(actions)
        enable_with_selection(self.table, self.edit_button, self.delete_button)
        self.show_detail()

    def _reader(self, placeholder: str) -> QPlainTextEdit:
        text = QPlainTextEdit()
        text.setReadOnly(True)
        text.setPlaceholderText(placeholder)
        text.setToolTip("直すときは「編集」を押します")
        text.setMinimumHeight(self.fontMetrics().height() * 2 + 12)
        return text

    # --- data ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        keep = self.selected()
        self.all = proposals.list_proposals(self.store, self.council_id)
        self.model.set_rows(self.all)
        self.empty.setVisible(not self.all)
        answered = sum(p.is_answered for p in self.all)
        self.count.setText(f"{len(self.all)}件（回答のあったもの {answered}件）" if self.all else "")
        self.fit_columns()
        self.select_id(keep.id if keep else (self.all[0].id if self.all else None))

    def fit_columns(self) -> None:
        """内容 takes the room a wide window leaves; in a narrow one 提出先 and then 内容 give way."""
        fit_columns(self.table, TITLE_COLUMN, YIELDING)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def select_id(self, proposal_id: str | None) -> None:
        select_row(self.table, proposal_id)
        self.show_detail()

    def selected(self) -> ProposalDTO | None:
        return selected_record(self.table)

    def show_detail(self) -> None:
        p = self.selected()
        if p is None:
            self.detail_title.setText("提言を選ぶと、ここにくわしいことと回答が出ます" if self.all else "")
            self.detail_when.setText("")
            self.detail_text.setPlainText("")
            self.answer_text.setPlainText("")
            self.detail.setVisible(bool(self.all))
            return
        self.detail.setVisible(True)
        self.detail_title.setText(p.title)
        raised = f"{wareki(p.raised_on)}に提出" if p.raised_on else "まだ提出していません"
        to = f"（{p.raised_to}）" if p.raised_to else ""
        answered = f"　回答日 {wareki(p.answered_on)}" if p.answered_on else ""
        self.detail_when.setText(f"{raised}{to}　状況: {p.status}{answered}")
        self.detail_text.setPlainText(p.detail)
        self.answer_text.setPlainText(p.answer)

    # --- edits --------------------------------------------------------------------------------
    def _dialog(self, title: str, values: dict, save) -> FormDialog:
        dialog = FormDialog(title, fields(), values, save, self)
        place = dialog.inputs["raised_to"]
        if isinstance(place, QLineEdit):  # what the council wrote before, offered as it is typed
            completer = QCompleter(proposals.places_raised_to(self.store, self.council_id), dialog)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            place.setCompleter(completer)
        for name, lines in LONG_LINES.items():  # short boxes, so every field shows without scrolling
            box = dialog.inputs[name]
            spacing = box.fontMetrics().lineSpacing()
            box.setMinimumHeight(spacing * 2 + 12)
            box.setMaximumHeight(spacing * lines + 12)
        height = dialog.panel.sizeHint().height() + dialog.buttons.sizeHint().height() + 40
        fit_to_screen(dialog, QSize(text_size(dialog, 40, 0).width(), height))
        return self.open_dialog(dialog)

    def add(self) -> FormDialog:
        store, council_id = self.store, self.council_id

        def save(values: dict):
            made = self.controller.create(f"提言「{values['title'] or '提言'}」を追加", "proposal",
                                          lambda: proposals.create_proposal(store, council_id, values),
                                          AREAS)
            self.select_id(made.id)
            return made

        return self._dialog("提言を追加", {"raised_on": dt.date.today(), "status": "提出済"}, save)

    def edit_selected(self) -> FormDialog | None:
        p = self.selected()
        if p is None:
            self.controller.message.emit("直す提言を一覧から選んでください")
            return None
        values = {f.name: getattr(p, f.name) for f in fields()}

        def save(new: dict):
            done = self.controller.update(f"提言「{new['title'] or p.title}」を編集", "proposal", p.id,
                                          lambda: proposals.update_proposal(self.store, p.id, new), AREAS)
            self.select_id(done.id)
            return done

        return self._dialog(f"提言「{p.title}」", values, save)

    def delete_selected(self) -> None:
        p = self.selected()
        if p is None:
            self.controller.message.emit("削除する提言を一覧から選んでください")
            return
        what = f"提言「{p.title}」"
        if not confirm_delete(self, what):
            return
        self.controller.delete(f"{what}を削除", "proposal", p.id,
                               lambda: proposals.delete_proposal(self.store, p.id), AREAS)
