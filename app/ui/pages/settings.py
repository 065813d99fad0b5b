"""協議体の設定: name, meeting place and schedule, contacts, and the vision with its history."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
)

from app.errors import UserError
from app.models import CONTACT_KINDS
from app.services import councils, resources
from app.ui.pages.base import Page
from app.ui.widgets import DateField, FormDialog, FormField, button, label, wareki


class SettingsPage(Page):
    key = "settings"
    title = "協議体の設定"
    areas = frozenset({"council"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        form = QFormLayout()
        self.name = QLineEdit()
        self.area_name = QLineEdit()
        self.founded_on = DateField("発足日")
        self.meeting_place = QLineEdit()
        self.meeting_schedule = QLineEdit()
        self.meeting_schedule.setPlaceholderText("例: 第3(水) 10:00〜12:00")
        self.schedule_preview = label("", "note")
        self.meeting_schedule.textChanged.connect(self._preview)
        self.error = label("", "error", wrap=True)
        for text, widget in (("協議体の名前", self.name), ("地区名", self.area_name),
                             ("発足日", self.founded_on), ("会議の場所", self.meeting_place),
                             ("会議の日程", self.meeting_schedule)):
            widget.setToolTip(text)
            form.addRow(text, widget)
        form.addRow("", self.schedule_preview)
        self.body.addLayout(form)
        self.body.addWidget(self.error)
        self.save_button = button("設定を保存", self.save, role="primary", tip="上の内容を保存します")
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        self.body.addLayout(save_row)

        self.body.addWidget(label("連絡先（チラシに載ります）", "subheading"))
        self.contacts = QTableWidget(0, 4)
        self.contacts.setHorizontalHeaderLabels(["種類", "名前", "担当者", "電話"])
        self.contacts.horizontalHeader().setStretchLastSection(True)
        self.contacts.setToolTip(f"種類は {'・'.join(CONTACT_KINDS)} のどれかです")
        # Tall enough for the usual three or four contacts; the page scrolls rather than squeeze.
        self.contacts.setMinimumHeight(self.fontMetrics().height() * 9)
        self.body.addWidget(self.contacts, 1)
        row = QHBoxLayout()
        row.addWidget(button("連絡先の行を足す", lambda: self.contacts.insertRow(self.contacts.rowCount())))
        row.addWidget(button("選んだ行を消す", self._remove_contact))
        row.addStretch(1)
        row.addWidget(button("連絡先を保存", self.save_contacts, role="primary"))
        self.body.addLayout(row)

        self.body.addWidget(label("目指す地域像（これまでの言葉も残ります）", "subheading"))
        self.visions = QListWidget()
        self.visions.setToolTip("上から古い順です。一番下が今の地域像です")
        self.visions.setMinimumHeight(self.fontMetrics().height() * 5)
        self.body.addWidget(self.visions, 1)
        self.body.addWidget(button("地域像を見直す", self.revise_vision,
                                   tip="あり方検討などで地域像を変えたとき、新しい言葉を加えます"))

    def refresh(self) -> None:
        c = councils.get_council(self.store, self.council_id)
        self.name.setText(c.name)
        self.area_name.setText(c.area_name)
        self.founded_on.set_date(c.founded_on)
        self.meeting_place.setText(c.meeting_place)
        self.meeting_schedule.setText(c.meeting_schedule)
        self.error.setText("")
        self.contacts.setRowCount(0)
        for contact in c.contacts:
            r = self.contacts.rowCount()
            self.contacts.insertRow(r)
            for col, value in enumerate((contact.kind, contact.name, contact.person, contact.phone)):
                self.contacts.setItem(r, col, QTableWidgetItem(value))
        self.contacts.resizeColumnsToContents()
        self.visions.clear()
        for v in councils.vision_history(self.store, self.council_id):
            sub = f"〜{v.subtitle}〜" if v.subtitle else ""
            self.visions.addItem(f"{wareki(v.decided_on)}　「{v.phrase}」{sub}")

    def _preview(self, text: str) -> None:
        printed, parsed = resources.schedule_preview(text) if text.strip() else ("", None)
        self.schedule_preview.setText(
            "" if not text.strip() else f"印刷される日程: {printed}" if parsed
            else "日程を読み取れません。文字のまま印刷します")

    def save(self) -> None:
        council_id = self.council_id
        try:
            raw = {"name": self.name.text(), "area_name": self.area_name.text(),
                   "founded_on": self.founded_on.date(), "meeting_place": self.meeting_place.text(),
                   "meeting_schedule": self.meeting_schedule.text()}
            before = councils.get_council(self.store, council_id)
            old = {key: getattr(before, key) for key in raw}
            self.controller.apply("協議体の設定を変更",
                                  lambda: councils.update_council(self.store, council_id, raw),
                                  lambda: councils.update_council(self.store, council_id, old),
                                  areas={"council"})
        except UserError as exc:
            self.error.setText(str(exc))

    def _contact_rows(self) -> list[dict]:
        rows = []
        for r in range(self.contacts.rowCount()):
            cells = [self.contacts.item(r, c).text() if self.contacts.item(r, c) else "" for c in range(4)]
            if any(cells):
                rows.append(dict(zip(("kind", "name", "person", "phone"), cells, strict=True)))
        return rows

    def _remove_contact(self) -> None:
        if self.contacts.currentRow() >= 0:
            self.contacts.removeRow(self.contacts.currentRow())

    def save_contacts(self) -> None:
        council_id = self.council_id
        before = [{"kind": c.kind, "name": c.name, "person": c.person, "phone": c.phone}
                  for c in councils.get_council(self.store, council_id).contacts]
        rows = self._contact_rows()
        try:
            self.controller.apply("連絡先を変更",
                                  lambda: councils.set_contacts(self.store, council_id, rows),
                                  lambda: councils.set_contacts(self.store, council_id, before),
                                  areas={"council"})
            self.error.setText("")
        except UserError as exc:
            self.error.setText(str(exc))

    def revise_vision(self) -> None:
        council_id = self.council_id
        fields = [FormField("phrase", "目指す地域像"), FormField("subtitle", "副題"),
                  FormField("decided_on", "決めた日", "date"), FormField("note", "備考", "long")]

        def save(values: dict):
            return self.controller.create("地域像を見直す", "vision_revision",
                                          lambda: councils.revise_vision(self.store, council_id, values),
                                          {"council"})

        import datetime as dt

        FormDialog("地域像を見直す", fields, {"decided_on": dt.date.today()}, save, self).exec()
