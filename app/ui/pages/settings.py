"""協議体の設定: name, meeting place and schedule, area figures, 町内会, contacts, and the vision
with its history."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
)

from app.errors import UserError
from app.models import CONTACT_KINDS
from app.services import councils, neighbourhoods, resources
from app.ui.pages.base import Page
from app.ui.widgets import (
    DTO_ROLE,
    Column,
    DtoTableModel,
    FormDialog,
    FormField,
    FormPanel,
    button,
    confirm_delete,
    label,
    record_table,
    wareki,
)

COUNCIL_FORM = (
    FormField("name", "協議体の名前"),
    FormField("area_name", "地区名"),
    FormField("founded_on", "発足日", "date"),
    FormField("meeting_place", "会議の場所", tip="チラシに載ります。例: 八幡公民館"),
    FormField("meeting_schedule", "会議の日程", tip="例: 第3(水) 10:00〜12:00"),
    FormField("population", "人口"),
    FormField("households", "世帯数"),
    FormField("aged_65_plus", "65歳以上の人数"),
    FormField("aged_75_plus", "75歳以上の人数"),
    FormField("stated_aging_rate", "資料の高齢化率",
              tip="資料に書かれている高齢化率（%）。人数から計算した値と比べるために使います"),
    FormField("stats_as_of", "人口の時点", "date"),
)
NEIGHBOURHOOD_FORM = (
    FormField("name", "町内会名"),
    FormField("households", "世帯数"),
    FormField("population", "人口"),
    FormField("aged_65_plus", "65歳以上の人数"),
    FormField("aged_75_plus", "75歳以上の人数"),
    FormField("stated_aging_rate", "資料の高齢化率"),
    FormField("stats_as_of", "人数の時点", "date"),
)


def _n(value) -> str:
    return "" if value is None else f"{value:,}"


NEIGHBOURHOOD_COLUMNS = (
    Column("町内会名", lambda n: n.name, lambda n: n.position),
    Column("世帯数", lambda n: _n(n.households), lambda n: n.households or 0, align_right=True),
    Column("人口", lambda n: _n(n.population), lambda n: n.population or 0, align_right=True),
    Column("65歳以上", lambda n: _n(n.aged_65_plus), lambda n: n.aged_65_plus or 0, align_right=True),
    Column("75歳以上", lambda n: _n(n.aged_75_plus), lambda n: n.aged_75_plus or 0, align_right=True),
    Column("高齢化率", lambda n: f"{n.aging_rate:.2f}%" if n.aging_rate is not None else "",
           lambda n: n.aging_rate or 0, align_right=True),
)


class SettingsPage(Page):
    key = "settings"
    title = "協議体の設定"
    areas = frozenset({"council", "neighbourhoods"})

    def __init__(self, controller) -> None:
        super().__init__(controller)
        self.form = FormPanel(COUNCIL_FORM)
        self.error = self.form.general_error
        self.meeting_schedule = self.form.inputs["meeting_schedule"]
        self.meeting_schedule.setPlaceholderText("例: 第3(水) 10:00〜12:00")
        self.schedule_preview = label("", "note")
        self.meeting_schedule.textChanged.connect(self._preview)
        self.rate = label("", "note", wrap=True)
        self.body.addWidget(self.form)
        self.body.addWidget(self.schedule_preview)
        self.body.addWidget(self.rate)
        self.save_button = button("設定を保存", self.save, role="primary", tip="上の内容を保存します")
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        self.body.addLayout(save_row)

        self.body.addWidget(label("町内会", "subheading"))
        self.nb_model = DtoTableModel(NEIGHBOURHOOD_COLUMNS, self)
        self.nb_table = record_table(self.nb_model, single=True)
        self.nb_table.verticalHeader().hide()
        self.nb_table.horizontalHeader().setStretchLastSection(True)
        self.nb_table.setMinimumHeight(self.fontMetrics().height() * 10)
        self.nb_table.doubleClicked.connect(lambda _i: self.edit_neighbourhood())
        self.body.addWidget(self.nb_table)
        self.nb_total = label("", "note")
        self.body.addWidget(self.nb_total)
        nb_row = QHBoxLayout()
        nb_row.addWidget(button("町内会を追加", self.add_neighbourhood, tip="町内会を加えます"))
        nb_row.addWidget(button("編集", self.edit_neighbourhood, tip="選んだ町内会の世帯数などを直します"))
        nb_row.addWidget(button("削除", self.delete_neighbourhood, role="danger",
                                tip="選んだ町内会を削除します（確認があります）"))
        nb_row.addStretch(1)
        self.body.addLayout(nb_row)

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
        self.form.set_values({f.name: getattr(c, f.name) for f in COUNCIL_FORM})
        self._show_rate(c)
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
        rows = neighbourhoods.list_neighbourhoods(self.store, self.council_id)
        self.nb_model.set_rows(rows)
        self.nb_table.resizeColumnsToContents()
        households = sum(n.households or 0 for n in rows)
        self.nb_total.setText(f"{len(rows)}町内会　世帯数の合計 {households:,}世帯")

    def _show_rate(self, c) -> None:
        if c.aging_rate is None:
            self.rate.setText("高齢化率: 人口と65歳以上の人数を入れると計算します")
        elif councils.rate_disagrees(c.stated_aging_rate, c.aging_rate):
            self.rate.setText(f"高齢化率（人数から計算）: {c.aging_rate:.2f}%　※資料の{c.stated_aging_rate:.2f}%と"
                              "合いません。どちらが正しいか資料を確かめてください")
        else:
            self.rate.setText(f"高齢化率（人数から計算）: {c.aging_rate:.2f}%")

    def _preview(self, text: str) -> None:
        printed, parsed = resources.schedule_preview(text) if text.strip() else ("", None)
        self.schedule_preview.setText(
            "" if not text.strip() else f"印刷される日程: {printed}" if parsed
            else "日程を読み取れません。文字のまま印刷します")

    def save(self) -> None:
        council_id = self.council_id
        try:
            raw = self.form.values()
            before = councils.get_council(self.store, council_id)
            old = {key: getattr(before, key) for key in raw}
            self.controller.apply("協議体の設定を変更",
                                  lambda: councils.update_council(self.store, council_id, raw),
                                  lambda: councils.update_council(self.store, council_id, old),
                                  areas={"council"})
        except UserError as exc:
            self.form.show_error(exc)

    # --- 町内会 -------------------------------------------------------------------------------
    def _selected_neighbourhood(self):
        rows = self.nb_table.selectionModel().selectedRows()
        return self.nb_model.data(rows[0], DTO_ROLE) if rows else None

    def add_neighbourhood(self) -> FormDialog:
        council_id = self.council_id

        def save(values: dict):
            return self.controller.create(
                f"町内会「{values['name']}」を追加", "neighbourhood",
                lambda: neighbourhoods.create_neighbourhood(self.store, council_id, values),
                {"neighbourhoods"})

        return self.open_dialog(FormDialog("町内会を追加", NEIGHBOURHOOD_FORM, {}, save, self))

    def edit_neighbourhood(self) -> FormDialog | None:
        nb = self._selected_neighbourhood()
        if nb is None:
            self.controller.message.emit("直す町内会を選んでください")
            return None

        def save(values: dict):
            return self.controller.update(
                f"町内会「{nb.name}」を編集", "neighbourhood", nb.id,
                lambda: neighbourhoods.update_neighbourhood(self.store, nb.id, values),
                {"neighbourhoods"})

        values = {f.name: getattr(nb, f.name) for f in NEIGHBOURHOOD_FORM}
        return self.open_dialog(FormDialog(f"町内会「{nb.name}」", NEIGHBOURHOOD_FORM, values, save, self))

    def delete_neighbourhood(self) -> None:
        nb = self._selected_neighbourhood()
        if nb is None:
            self.controller.message.emit("削除する町内会を選んでください")
            return
        if confirm_delete(self, f"町内会「{nb.name}」（メンバーや社会資源の町内会は空欄になります）"):
            self.controller.delete(f"町内会「{nb.name}」を削除", "neighbourhood", nb.id,
                                   lambda: neighbourhoods.delete_neighbourhood(self.store, nb.id),
                                   {"neighbourhoods", "members", "resources", "needs", "tallies"})

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

    def revise_vision(self) -> FormDialog:
        council_id = self.council_id
        fields = [FormField("phrase", "目指す地域像"), FormField("subtitle", "副題"),
                  FormField("decided_on", "決めた日", "date"), FormField("note", "備考", "long")]

        def save(values: dict):
            return self.controller.create("地域像を見直す", "vision_revision",
                                          lambda: councils.revise_vision(self.store, council_id, values),
                                          {"council"})

        return self.open_dialog(FormDialog("地域像を見直す", fields, {"decided_on": dt.date.today()}, save, self))
