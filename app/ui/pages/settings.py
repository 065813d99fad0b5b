"""協議体の設定: name, meeting place and schedule, area figures, 町内会, contacts, and the vision
with its history.

Like every other page there is no 「保存」 button to forget: a field is saved when the user
leaves it (one undo step each, 保存しました in the status bar), a contact when its row has a
種類 and a 名前. What cannot be saved (a wrong date, a row without a name) keeps its message,
and `can_leave` asks before the window shows another page or council."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
)

from app.errors import UserError
from app.services import checks, councils, neighbourhoods, resources
from app.ui.pages.base import Page
from app.ui.widgets import (
    DTO_ROLE,
    ChoiceDelegate,
    Column,
    DtoTableModel,
    FormDialog,
    FormPanel,
    button,
    confirm_delete,
    enable_with_selection,
    form_fields,
    input_value,
    label,
    record_table,
    wareki,
)

# From councils.COUNCIL_FIELDS (the ones this page edits in place): labels, kinds and tips are
# declared there once.
COUNCIL_FORM = tuple(form_fields(councils.COUNCIL_FIELDS, only=councils.COUNCIL_FORM_FIELDS))
# From neighbourhoods.NEIGHBOURHOOD_FIELDS: labels and kinds are declared there once.
NEIGHBOURHOOD_FORM = tuple(form_fields(neighbourhoods.NEIGHBOURHOOD_FIELDS))
# From councils.VISION_FIELDS.
VISION_FORM = tuple(form_fields(councils.VISION_FIELDS))
# The contacts table's columns, in councils.CONTACT_FIELDS' order (種類 is a drop-down).
CONTACT_KEYS = tuple(f.name for f in councils.CONTACT_FIELDS)
KIND_COLUMN = CONTACT_KEYS.index("kind")


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
        self._shown: dict[str, str] = {}   # each field's text as last read from the store
        self._shown_council: str | None = None
        self._saving = False
        self._contacts_problem = ""  # why the contacts on screen are not saved, if they are not
        for field in COUNCIL_FORM:
            widget = self.form.inputs[field.name]
            widget.editingFinished.connect(lambda name=field.name: self.save_field(name))
            # Enter (also the input method's confirm key) saves and moves on, as in the forms.
            widget.returnPressed.connect(self.focusNextChild)
        self.meeting_schedule = self.form.inputs["meeting_schedule"]
        self.meeting_schedule.setPlaceholderText("例: 第3(水) 10:00〜12:00")
        self.schedule_preview = label("", "note")
        self.meeting_schedule.textChanged.connect(self._preview)
        self.rate = label("", "note", wrap=True)
        self.body.addWidget(self.form)
        self.body.addWidget(self.schedule_preview)
        self.body.addWidget(self.rate)
        self.body.addWidget(label("入力した内容は、ほかの欄に移ると保存されます", "note", wrap=True))

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
        self.nb_edit_button = button("編集", self.edit_neighbourhood, tip="選んだ町内会の世帯数などを直します")
        self.nb_delete_button = button("削除", self.delete_neighbourhood, role="danger",
                                       tip="選んだ町内会を削除します（確認があります）")
        nb_row.addWidget(self.nb_edit_button)
        nb_row.addWidget(self.nb_delete_button)
        nb_row.addStretch(1)
        enable_with_selection(self.nb_table, self.nb_edit_button, self.nb_delete_button)
        self.body.addLayout(nb_row)

        self.body.addWidget(label("連絡先（チラシに載ります）", "subheading"))
        # Columns and headers from councils.CONTACT_FIELDS, as on the exchange sheet.
        self.contacts = QTableWidget(0, len(councils.CONTACT_FIELDS))
        self.contacts.setHorizontalHeaderLabels([f.heading for f in councils.CONTACT_FIELDS])
        self.contacts.horizontalHeader().setStretchLastSection(True)
        self.contacts.setToolTip("種類は一覧から選びます。種類と名前を入れた行が保存されます")
        self.kind_delegate = ChoiceDelegate(councils.CONTACT_FIELDS[KIND_COLUMN].choices, self.contacts)
        self.contacts.setItemDelegateForColumn(KIND_COLUMN, self.kind_delegate)
        self.contacts.itemChanged.connect(lambda _item: self._contacts_edited())
        # Tall enough for the usual three or four contacts; the page scrolls rather than squeeze.
        self.contacts.setMinimumHeight(self.fontMetrics().height() * 9)
        self.body.addWidget(self.contacts, 1)
        row = QHBoxLayout()
        row.addWidget(button("連絡先の行を足す", self.add_contact_row,
                             tip="空の行を足します。種類を選び、名前を入れると保存されます"))
        self.remove_contact_button = button("選んだ行を消す", self._remove_contact,
                                            tip="選んだ連絡先を消します（「元に戻す」で戻せます）")
        row.addWidget(self.remove_contact_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.error = label("", "error", wrap=True)  # what kept the contacts from being saved
        self.body.addWidget(self.error)
        self.contacts.itemSelectionChanged.connect(self._update_buttons)

        self.body.addWidget(label("目指す地域像（これまでの言葉も残ります）", "subheading"))
        self.visions = QListWidget()
        self.visions.setToolTip("上から古い順です。一番下が今の地域像です")
        self.visions.setMinimumHeight(self.fontMetrics().height() * 5)
        self.body.addWidget(self.visions, 1)
        self.body.addWidget(button("地域像を見直す", self.revise_vision,
                                   tip="あり方検討などで地域像を変えたとき、新しい言葉を加えます"))

    def refresh(self) -> None:
        c = councils.get_council(self.store, self.council_id)
        # Text still waiting to be saved (refused, with its message) stays as typed when saving
        # another field refreshes the page; any other refresh reads everything afresh.
        keep = self._saving and self._shown_council == self.council_id
        pending = set(self.pending_fields()) if keep else set()
        self.form.set_values({f.name: getattr(c, f.name) for f in COUNCIL_FORM
                              if f.name not in pending})
        self._shown = {f.name: self.form.inputs[f.name].text() if f.name not in pending
                       else self._shown[f.name] for f in COUNCIL_FORM}
        self._shown_council = self.council_id
        self._show_rate(c)
        self._fill_contacts([tuple(getattr(x, k) for k in CONTACT_KEYS) for x in c.contacts])
        self.error.setText("")
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
        elif checks.rate_disagrees(c.stated_aging_rate, c.aging_rate):
            self.rate.setText(f"高齢化率（人数から計算）: {c.aging_rate:.2f}%　※資料の{c.stated_aging_rate:.2f}%と"
                              "合いません。どちらが正しいか資料を確かめてください")
        else:
            self.rate.setText(f"高齢化率（人数から計算）: {c.aging_rate:.2f}%")

    def _preview(self, text: str) -> None:
        printed, parsed = resources.schedule_preview(text) if text.strip() else ("", None)
        self.schedule_preview.setText(
            "" if not text.strip() else f"印刷される日程: {printed}" if parsed
            else "日程を読み取れません。文字のまま印刷します")

    def pending_fields(self) -> list[str]:
        """Fields whose text differs from what was read from the store (not saved yet)."""
        return [name for name, shown in self._shown.items()
                if self.form.inputs[name].text() != shown]

    def save_field(self, name: str) -> bool:
        """Leaving a field saves it: one undo step, or its message under it (the text stays)."""
        if self.council_id is None or name not in self.pending_fields():
            return True
        return self._save({name})

    def save(self) -> bool:
        """Save every field not saved yet (before the page is left)."""
        pending = set(self.pending_fields())
        return self._save(pending) if pending else True

    def _save(self, names: set[str]) -> bool:
        council_id = self.council_id
        labels = "・".join(f.label for f in COUNCIL_FORM if f.name in names)
        try:
            raw = {name: input_value(self.form.inputs[name]) for name in names}
            before = councils.get_council(self.store, council_id)
            old = {key: getattr(before, key) for key in raw}
            self._saving = True
            self.controller.apply(f"{labels}を変更",
                                  lambda: councils.update_council(self.store, council_id, raw),
                                  lambda: councils.update_council(self.store, council_id, old),
                                  areas={"council"})
        except UserError as exc:
            # No focus stealing: the user may be on the way to another field or page.
            self.form.show_error(exc, focus=False)
            return False
        finally:
            self._saving = False
        for name in names:
            self.form.errors[name].hide()
        return True

    def can_leave(self) -> bool:
        """Save what is waiting; when something cannot be saved, ask before it is dropped."""
        fields_ok = self.save()
        # A 種類 comes from the drop-down only, so a refused 種類 is nothing the user typed.
        contacts_ok = self.save_contacts() or self._contacts_problem == "連絡先の種類"
        if fields_ok and contacts_ok:
            return True
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("保存できない入力があります")
        box.setText("協議体の設定に、保存できない入力があります。")
        box.setInformativeText("赤い字の説明を見て直してください。直さずに移ると、その入力は消えます。")
        back = box.addButton("戻って直す", QMessageBox.ButtonRole.RejectRole)
        drop = box.addButton("保存せずに移る", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        if box.clickedButton() is not drop:
            return False
        self.reload()  # the typed text is dropped: read everything afresh
        return True

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

    # --- 連絡先 -------------------------------------------------------------------------------
    def _fill_contacts(self, rows: list[tuple[str, ...]]) -> None:
        self.contacts.blockSignals(True)
        try:
            self.contacts.setRowCount(0)
            for cells in rows:
                self._append_contact(cells)
        finally:
            self.contacts.blockSignals(False)
        self.contacts.resizeColumnsToContents()
        self._update_buttons()

    def _append_contact(self, cells: tuple[str, ...] = ("", "", "", "")) -> int:
        r = self.contacts.rowCount()
        self.contacts.insertRow(r)
        for col, value in enumerate(cells):
            self.contacts.setItem(r, col, QTableWidgetItem(value))
        self.contacts.openPersistentEditor(self.contacts.item(r, KIND_COLUMN))  # 種類: always a drop-down
        return r

    def add_contact_row(self) -> None:
        self.contacts.blockSignals(True)
        try:
            r = self._append_contact()
        finally:
            self.contacts.blockSignals(False)
        self.contacts.setCurrentCell(r, 0)
        self.contacts.setFocus()

    def _contact_rows(self) -> list[dict]:
        rows = []
        for r in range(self.contacts.rowCount()):
            cells = [self.contacts.item(r, c).text() if self.contacts.item(r, c) else ""
                     for c in range(len(CONTACT_KEYS))]
            if any(cell.strip() for cell in cells):
                rows.append(dict(zip(CONTACT_KEYS, cells, strict=True)))
        return rows

    def _contacts_edited(self) -> None:
        # After the edit that called us has finished (the drop-down may still be emitting).
        QTimer.singleShot(0, self.save_contacts)

    def _remove_contact(self) -> None:
        if self.contacts.currentRow() >= 0:
            self.contacts.removeRow(self.contacts.currentRow())
            self.save_contacts()

    def _update_buttons(self) -> None:
        self.remove_contact_button.setEnabled(self.contacts.selectionModel().hasSelection())

    def save_contacts(self) -> bool:
        """Save the contacts when they differ from the store's; a row still missing its 種類 or
        名前 waits (and says so) rather than being refused."""
        council_id = self.council_id
        if council_id is None:
            return True
        before = [{"kind": c.kind, "name": c.name, "person": c.person, "phone": c.phone}
                  for c in councils.get_council(self.store, council_id).contacts]
        rows = self._contact_rows()
        self._contacts_problem = ""
        if rows == before:
            self.error.setText("")
            return True
        waiting = [i for i, row in enumerate(rows, 1) if not row["name"].strip() or not row["kind"]]
        if waiting:
            self.error.setText(f"{waiting[0]}行目の連絡先は、種類を選び名前を入れると保存されます")
            self._contacts_problem = "waiting"
            return False
        try:
            self.controller.apply("連絡先を変更",
                                  lambda: councils.set_contacts(self.store, council_id, rows),
                                  lambda: councils.set_contacts(self.store, council_id, before),
                                  areas={"council"})
            self.error.setText("")
            return True
        except UserError as exc:
            self.error.setText(str(exc))
            self._contacts_problem = getattr(exc, "field", "") or "refused"
            return False

    def revise_vision(self) -> FormDialog:
        council_id = self.council_id

        def save(values: dict):
            return self.controller.create("地域像を見直す", "vision_revision",
                                          lambda: councils.revise_vision(self.store, council_id, values),
                                          {"council"})

        return self.open_dialog(FormDialog("地域像を見直す", VISION_FORM, {"decided_on": dt.date.today()},
                                           save, self))
